"""What every rule declares once, and what a rule's logic hands back.

``Rule`` is the metadata: code, name, severity, category, summary, docs, fixability, and
whether the rule runs by default. The catalog, ``k8slint rules``, ``k8slint explain`` and the
generated docs all read it.

A rule's logic never builds findings itself: it yields ``Report``s (a path inside an object,
a message, a help line) and the engine locates them, attaches the object, applies the
configured severity and suppressions. So a rule never opens files, never prints and never
knows the output format.
"""
from __future__ import annotations

from typing import Any, Optional

from k8slint.findings import Finding, ObjectRef, Severity, Span
from k8slint.named_tuple import NamedTuple


class Rule(NamedTuple):
    code: str
    name: str
    severity: Severity
    category: str
    summary: str
    why: str
    example: str
    use_instead: str
    fixable: str = "never"  # never | sometimes | always
    default_enabled: bool = True
    # A named set of rules enabled together (--profile pss-baseline); such rules are off
    # unless their profile (or the rule itself) is selected.
    profile: Optional[str] = None

    def finding(
        self,
        file: str,
        span: Span,
        message: str,
        help: str | None = None,
        obj: ObjectRef | None = None,
        path: str | None = None,
        severity: Severity | None = None,
    ) -> Finding:
        return Finding(
            file=file,
            span=span,
            rule=self.code,
            name=self.name,
            severity=severity if severity is not None else self.severity,
            message=message,
            help=help,
            object=obj,
            path=path,
        )


class Report(NamedTuple):
    """One problem a rule found, before it is located and turned into a finding."""

    path: tuple  # where inside the object: keys and list indexes
    message: str
    help: Optional[str] = None
    key: bool = False  # point at the key at ``path`` rather than its value
    severity: Optional[Severity] = None  # a stronger or weaker case of the rule, if any
    # (path, rule code) of findings on the same object that this report explains better and
    # therefore replaces, e.g. the schema's "env[1] has no name" under a split env item.
    folds: tuple[tuple[tuple, str], ...] = ()
    obj: Optional[Any] = None  # index rules: the object reported on (a K8sObject)
    # How to repair it (k8slint.fixes.FixSpec), when the rule knows; paths as ``path``.
    fix: Optional[Any] = None
