"""What every rule declares once: code, name, severity, category, summary and docs.

The catalog, ``k8slint rules``, ``k8slint explain`` and the generated docs all read this
metadata; a rule's logic lives elsewhere and only refers to it by code.
"""
from __future__ import annotations

from typing import NamedTuple

from k8slint.findings import Finding, ObjectRef, Severity, Span


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
