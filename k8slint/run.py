"""One ``k8slint check`` run: discover → load → identify → schema → findings and a summary.

A run is a value passed through the stages; nothing here prints or knows the output format.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, BinaryIO, Optional

from k8slint import core_rules
from k8slint.discover import InputError, Source, discover
from k8slint.findings import Finding, Severity, Span
from k8slint.helm import is_template
from k8slint.kustomize import collect_patches, is_kustomization, nearby_kustomizations
from k8slint.loader import Issue, decode, load_text
from k8slint.locate import format_path, node_span, path_to
from k8slint.objects import NOT_MANIFEST_NAMES, identify
from k8slint.schema_check import SchemaChecker
from k8slint.schema_store import load_store


class CheckOptions:
    def __init__(
        self, paths: list[str], excludes: Optional[list[str]] = None, stdin_filename: Optional[str] = None,
        kubernetes_version: Optional[str] = None, strict_kinds: bool = False,
    ):
        self.paths = paths
        self.excludes = excludes if excludes is not None else []
        self.stdin_filename = stdin_filename
        self.kubernetes_version = kubernetes_version
        self.strict_kinds = strict_kinds


class Summary:
    FIELDS = ("files", "documents", "objects", "skipped", "errors", "warnings", "infos")

    def __init__(self) -> None:
        self.files = self.documents = self.objects = self.skipped = 0
        self.errors = self.warnings = self.infos = 0

    def to_json(self) -> dict:
        return {name: getattr(self, name) for name in self.FIELDS}

    def __repr__(self) -> str:
        return f"Summary({self.to_json()})"


class RunResult:
    def __init__(
        self, findings: list[Finding], summary: Summary, texts: dict[str, str],
        input_errors: list[InputError], kubernetes_version: str,
    ):
        self.findings = findings
        self.summary = summary
        self.texts = texts  # file → text, for the files that have findings (code frames)
        self.input_errors = input_errors
        self.kubernetes_version = kubernetes_version

    def worst(self) -> Optional[Severity]:
        return max((f.severity for f in self.findings), default=None)


def _issue_finding(issue: Issue, file: str, file_index: int, **extra: object) -> Finding:
    if issue.node is not None:
        span = node_span(issue.node)
    else:
        span = Span(issue.line + 1, issue.column + 1, issue.line + 1, issue.column + 2)
    finding = issue.rule.finding(file, span, issue.message, issue.help, **extra)  # type: ignore[arg-type]
    finding.file_index = file_index
    return finding


class Checker:
    """Checks sources one by one, keeping the state a run shares (schemas, reported kinds)."""

    def __init__(self, options: CheckOptions):
        self.options = options
        self.store = load_store(options.kubernetes_version)
        self.schema = SchemaChecker(self.store, options.strict_kinds)
        self.summary = Summary()
        self.partial_files: set[Path] = set()

    def check_text(self, text: str, file: str, file_index: int, partial: bool = False) -> list[Finding]:
        findings: list[Finding] = []
        loaded = load_text(text)
        if "{{" in text:
            where = is_template(text, [d.root for d in loaded.documents], not loaded.issues)
            if where is not None:
                self.summary.skipped += 1
                line, col = where
                finding = core_rules.HELM_TEMPLATE.finding(
                    file, Span(line + 1, col + 1, line + 1, col + 3),
                    "file contains Helm/Go template syntax and was not checked",
                    "render it first and check the output: helm template RELEASE CHART | k8slint check -",
                )
                finding.file_index = file_index
                return [finding]
        for issue in loaded.issues:
            findings.append(_issue_finding(issue, file, file_index))
        for doc in loaded.documents:
            if doc.data is None:
                continue
            self.summary.documents += 1
            found = identify(doc, file, file_index, partial)
            self.summary.skipped += found.skipped
            self.summary.objects += len(found.objects)
            owner = found.objects[0].ref() if len(found.objects) == 1 else None
            for issue in doc.issues:
                path = path_to(doc.root, issue.node) if issue.node is not None else None
                findings.append(_issue_finding(
                    issue, file, file_index, obj=owner, path=format_path(path) if path else None
                ))
            for rule, message, help, node, path_text, ref in found.problems:
                finding = rule.finding(file, node_span(node), message, help, ref, path_text)
                finding.file_index = file_index
                findings.append(finding)
            for obj in found.objects:
                findings.extend(self.schema.check(obj))
        return findings

    def check_source(self, source: Source, raw: bytes) -> tuple[list[Finding], Optional[str]]:
        """The findings of one source, and its text (for code frames)."""
        self.summary.files += 1
        if source.path is not None and source.path.name in NOT_MANIFEST_NAMES:
            self.summary.skipped += 1
            return [], None
        text, problem = decode(raw)
        if text is None:
            assert problem is not None
            return [_issue_finding(problem, source.display, source.order)], None
        parsed = text
        if source.path is not None and source.path.suffix == ".json" and "\t" in text:
            parsed = text.replace("\t", " ")  # JSON allows tabs as whitespace; YAML does not
        partial = bool(self.partial_files) and source.path is not None and source.path.resolve() in self.partial_files
        return self.check_text(parsed, source.display, source.order, partial), text


def _read(source: Source, stdin: Optional[BinaryIO]) -> bytes:
    if source.path is None:
        stream = stdin if stdin is not None else sys.stdin.buffer
        return stream.read()
    return source.path.read_bytes()


def _patch_files(sources: list[Source], stdin: Optional[BinaryIO], raws: dict[int, bytes]) -> set[Path]:
    """Files that the kustomizations among the sources, or beside and above them, use as patches."""
    files = [s.path for s in sources if s.path is not None]
    known: dict[Path, Optional[Source]] = {
        s.path.resolve(): s for s in sources if s.path is not None and is_kustomization(s.path)
    }
    for path in nearby_kustomizations(files, Path.cwd()):
        known.setdefault(path.resolve(), None)
    kustomizations: list[tuple[Path, Any]] = []
    for path, source in known.items():
        try:
            raw = _read(source, stdin) if source is not None else path.read_bytes()
        except OSError:
            continue  # reported when the source itself is read
        if source is not None:
            raws[source.order] = raw
        text, _ = decode(raw)
        if text is not None:
            kustomizations.extend((path, doc.data) for doc in load_text(text).documents)
    return collect_patches(kustomizations)


def run_check(options: CheckOptions, stdin: Optional[BinaryIO] = None) -> RunResult:
    sources, input_errors = discover(
        options.paths, options.excludes, options.stdin_filename or "<stdin>"
    )
    checker = Checker(options)
    raws: dict[int, bytes] = {}  # kustomizations among the sources, read once
    checker.partial_files = _patch_files(sources, stdin, raws)

    findings: list[Finding] = []
    texts: dict[str, str] = {}
    for source in sources:
        try:
            raw = raws.pop(source.order) if source.order in raws else _read(source, stdin)
        except OSError as err:
            input_errors.append(InputError(source.display, err.strerror or str(err)))
            continue
        found, text = checker.check_source(source, raw)
        if found:
            findings.extend(found)
            if text is not None:
                texts[source.display] = text
    findings.sort(key=Finding.sort_key)
    summary = checker.summary
    for finding in findings:
        if finding.severity is Severity.ERROR:
            summary.errors += 1
        elif finding.severity is Severity.WARNING:
            summary.warnings += 1
        else:
            summary.infos += 1
    return RunResult(findings, summary, texts, input_errors, checker.store.version)
