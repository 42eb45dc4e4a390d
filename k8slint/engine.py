"""Runs the enabled rules and turns their reports into located findings.

Object rules run on each checked object while its nodes are at hand; index rules run once
over the index of every object (checked and context) and report only on checked objects.
Reports are located here, given the object, the configured severity, and the folds that let
a better explanation replace the findings it explains.
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Any, Callable, Iterable, Optional

from k8slint.findings import Finding, Severity
from k8slint.locate import find_node, format_path, node_span
from k8slint.objects import K8sObject
from k8slint.registry import Registry, RuleImpl
from k8slint.rule import Report


class RuleContext:
    """What rules may know about the run besides the objects."""

    def __init__(self, default_namespace: str = "default", kubernetes_version: str = "", assume_complete: bool = False):
        self.default_namespace = default_namespace
        self.kubernetes_version = kubernetes_version
        # --complete / assume-complete: the checked files and the context hold every object,
        # so a reference to an object that is not there is an error, not a warning.
        self.assume_complete = assume_complete

    @property
    def version(self) -> tuple[int, int]:
        """The target Kubernetes version as (major, minor), for rules whose answer depends on
        it; (99, 0), the newest behaviour, when it is not a version."""
        m = re.match(r"(\d+)\.(\d+)", self.kubernetes_version or "")
        return (int(m.group(1)), int(m.group(2))) if m else (99, 0)

    def namespace(self, obj: K8sObject) -> Optional[str]:
        from k8slint.workloads import namespace_of

        return namespace_of(obj, self.default_namespace)


class Engine:
    def __init__(self, registry: Registry, enabled: set[str], severities: dict[str, Severity], ctx: RuleContext):
        self.registry = registry
        self.enabled = enabled
        self.severities = severities
        self.ctx = ctx
        self._by_kind: dict[Optional[str], list[RuleImpl]] = defaultdict(list)
        self.index_rules: list[RuleImpl] = []
        for code in sorted(enabled):
            impl = registry.impls[code]
            if impl.has_check:
                for kind in impl.kinds or (None,):
                    self._by_kind[kind].append(impl)
            if impl.has_check_index:
                self.index_rules.append(impl)
        self._any_kind = self._by_kind.get(None, [])

    def severity(self, code: str, default: Severity) -> Severity:
        return self.severities.get(code, default)

    def object_findings(self, obj: K8sObject) -> list[Finding]:
        kind = obj.kind
        impls = self._by_kind.get(kind, []) + self._any_kind if isinstance(kind, str) else self._any_kind
        findings: list[Finding] = []
        for impl in impls:
            for report in impl.check(obj, self.ctx):  # type: ignore[misc]
                findings.append(self.to_finding(impl, obj, report))
        return findings

    def active_index_rules(self, index: Any) -> list[RuleImpl]:
        """The index rules that can report on this lint set. A rule that declares the kinds it
        reports on (``KINDS``) is left out when no checked object is of them, without importing
        it: a pre-commit run on a Deployment does not load the Ingress, PDB or NetworkPolicy
        rules. ``share`` positions (see index_findings) are positions in this list."""
        return [impl for impl in self.index_rules if impl.kinds is None or index.has_checked(impl.kinds)]

    def index_findings(
        self, index: Any, locate: Callable[[list[K8sObject], bool], list[Any]],
        share: Optional[Iterable[int]] = None, keys: Optional[list[tuple[int, int, int]]] = None,
        spans: Any = None,
    ) -> list[Finding]:
        """Findings of the index rules; ``locate(objects, exact)`` gives the nodes of objects whose
        nodes were released, composing each file once (the reports are grouped by file for that);
        ``exact``: a fix needs the marks' character indexes too. ``spans`` (a SpanMemo): where
        the findings of files located before are, so that their documents need not be composed.

        ``share``: only the active index rules at these positions (see parallel.index_findings); then
        ``keys`` receives, for each finding, the key that sorts findings of all shares into the
        order of one run of every rule."""
        chosen = set(share) if share is not None else None
        reports: list[tuple[RuleImpl, K8sObject, Report, tuple[int, int, int]]] = []
        for position, impl in enumerate(self.active_index_rules(index)):
            if chosen is not None and position not in chosen:
                continue
            for report in impl.check_index(index, self.ctx):  # type: ignore[misc]
                obj = report.obj
                if obj is not None and index.reported(obj):
                    reports.append((impl, obj, report, (obj.file_index, position, len(reports))))
        reports.sort(key=lambda r: r[1].file_index)
        findings: list[Finding] = []
        start = 0
        while start < len(reports):
            end = start
            file = reports[start][1].file
            while end < len(reports) and reports[end][1].file == file:
                end += 1
            batch = reports[start:end]
            known = [
                spans.get(obj, report) if spans is not None and report.fix is None else None
                for _, obj, report, _ in batch
            ]
            todo = [r for r, span in zip(batch, known) if span is None]
            exact = any(r.fix is not None for _, _, r, _ in todo)
            nodes = iter(locate([obj for _, obj, _, _ in todo], exact) if todo else ())
            for (impl, obj, report, _), span in zip(batch, known):
                if span is not None:
                    finding = self.to_finding(impl, obj, report, span=span)
                else:
                    finding = self.to_finding(impl, obj, report, next(nodes))
                    if spans is not None and report.fix is None:
                        spans.put(obj, report, finding.span)
                finding.locus = (report.path, report.key)
                findings.append(finding)
            if keys is not None:
                keys.extend(key for _, _, _, key in batch)
            start = end
        return findings

    def to_finding(
        self, impl: RuleImpl, obj: K8sObject, report: Report, node: Any = None, span: Any = None,
    ) -> Finding:
        """``span``: where the report is, known without the nodes (then it has no fix)."""
        rule = impl.rule
        root = node if node is not None else obj.node
        if span is None:
            target, _ = find_node(root, report.path, report.key)
            span = node_span(target)
        finding = Finding(
            obj.file, span, rule.code, rule.name,
            self.severity(rule.code, report.severity or rule.severity), report.message, report.help,
            obj.ref(), format_path(tuple(obj.prefix) + tuple(report.path)) or None, obj.file_index,
        )
        finding.source = obj
        if report.fix is not None:
            from k8slint.fixes import resolve

            finding.fix = resolve(report.fix, root, obj.prefix, obj.doc_index)
        if report.folds:
            finding.folds = tuple(
                (format_path(tuple(obj.prefix) + tuple(path)) or None, code) for path, code in report.folds
            )
        return finding


def apply_folds(findings: Iterable[Finding]) -> list[Finding]:
    """Drop the findings that another finding on the same object explains (see Report.folds)."""
    findings = list(findings)
    folded: set[tuple[int, Optional[str], str]] = set()
    for f in findings:
        if f.folds and f.source is not None:
            for path, code in f.folds:
                folded.add((id(f.source), path, code))
    if not folded:
        return findings
    return [f for f in findings if (id(f.source), f.path, f.rule) not in folded]
