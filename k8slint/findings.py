"""The values every stage passes on: severities, object references and findings."""
from __future__ import annotations

from enum import IntEnum
from typing import Any, Optional

from k8slint.named_tuple import NamedTuple


class Severity(IntEnum):
    """Ordered so that ``finding.severity >= threshold`` answers "does it fail the run?"."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> "Severity":
        try:
            return cls[text.upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r}; use error, warning or info") from None


class ObjectRef(NamedTuple):
    """Which Kubernetes object a finding belongs to."""

    api_version: Optional[str]
    kind: Optional[str]
    namespace: Optional[str]
    name: Optional[str]

    def to_json(self) -> dict:
        return {"apiVersion": self.api_version, "kind": self.kind, "namespace": self.namespace, "name": self.name}

    def describe(self) -> str:
        name = self.name or "<unnamed>"
        if self.namespace:
            name = f"{self.namespace}/{name}"
        return f"{self.kind or '<no kind>'} {name}"


class Span(NamedTuple):
    """1-based line and column of the first character; end is exclusive (like SARIF and LSP)."""

    line: int
    column: int
    end_line: int
    end_column: int


class Finding:
    """One problem at one place. (Plain class, not a dataclass: see check_command.)"""

    __slots__ = (
        "file", "span", "rule", "name", "severity", "message", "help", "object", "path", "file_index",
        "source", "folds", "fix", "locus",
    )

    def __init__(
        self, file: str, span: Span, rule: str, name: str, severity: Severity, message: str,
        help: Optional[str] = None, object: Optional[ObjectRef] = None, path: Optional[str] = None,
        file_index: int = 0,
    ):
        self.file = file
        self.span = span
        self.rule = rule
        self.name = name
        self.severity = severity
        self.message = message
        self.help = help
        self.object = object
        self.path = path
        # Order of the source in the run, so that reports list files in the order they were given.
        self.file_index = file_index
        # Internal, never reported: the K8sObject it is about (for suppression by annotation)
        # and the (path, code) findings of that object it replaces (see rule.Report.folds).
        self.source: Any = None
        self.folds: tuple = ()
        self.fix: Any = None  # a k8slint.fixes.Fix, when the problem can be repaired
        # An index rule's finding: (path inside the object, points at the key), to locate it
        # again in an edited file (k8slint.run_snapshot).
        self.locus: Optional[tuple[tuple, bool]] = None

    def __repr__(self) -> str:
        return f"Finding({self.file}:{self.span.line}:{self.span.column} {self.rule} {self.message!r})"

    def sort_key(self) -> tuple:
        s = self.span
        return (self.file_index, self.file, s.line, s.column, self.rule, self.message)

    def to_json(self) -> dict:
        s = self.span
        return {
            "file": self.file,
            "line": s.line,
            "column": s.column,
            "end_line": s.end_line,
            "end_column": s.end_column,
            "rule": self.rule,
            "name": self.name,
            "severity": self.severity.label,
            "message": self.message,
            "help": self.help,
            "object": self.object.to_json() if self.object else None,
            "path": self.path,
            "fix": self.fix.to_json() if self.fix is not None else None,
        }
