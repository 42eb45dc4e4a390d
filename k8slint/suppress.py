"""Suppressions: what a user says should not be reported, and whether each one was needed.

- an object annotation ``k8slint.io/ignore: "KL201,service-selector-mismatch"``, optionally
  with a reason after a colon (``"KL301: the Deployment lives in another repository"``);
  ``*`` ignores every rule for that object;
- a comment ``# k8slint: ignore[KL201]`` (several codes or names separated by commas) or a
  bare ``# k8slint: ignore`` at the end of the flagged line, or alone on the line before it;
- configuration: ``ignore`` (whole rules, see the registry) and ``per-path-ignores``.

Suppressions that suppress nothing are reported as KL901 unused-suppression when that rule
is enabled (it is off by default).
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Callable, Optional

from k8slint.discover import excluded
from k8slint.findings import Finding, Span
from k8slint.pathtext import posix, relative, resolve

if TYPE_CHECKING:
    from k8slint.pathtext import PathText

ANNOTATION = "k8slint.io/ignore"
_COMMENT = r"(?:^|\s)(#\s*k8slint:\s*ignore(?:\[([^\]]*)\])?)"  # compiled on first use (re caches it)


class Directive:
    """One suppression as written, and whether anything used it."""

    __slots__ = ("codes", "file", "span", "file_index", "source", "used", "text", "own_line")

    def __init__(
        self, codes: Optional[set[str]], file: str, span: Span, file_index: int, source: Any, text: str,
        own_line: bool = False,
    ):
        self.codes = codes  # None: every rule
        self.file = file
        self.span = span
        self.file_index = file_index
        self.source = source  # the K8sObject of an annotation, None for a comment
        self.used = False
        self.text = text
        self.own_line = own_line  # a comment alone on its line also covers the next line

    def covers(self, finding: Finding) -> bool:
        return self.codes is None or finding.rule in self.codes


def _parse_codes(text: str, resolve: Callable[[str], str]) -> Optional[set[str]]:
    items = [item.strip() for item in text.split(",") if item.strip()]
    if not items or "*" in items:
        return None
    codes = set()
    for item in items:
        try:
            codes.add(resolve(item))
        except ValueError:
            codes.add(item)  # an unknown code suppresses nothing and shows up as unused
    return codes


def comment_directives(text: str, file: str, file_index: int, resolve: Callable[[str], str]) -> dict[int, list[Directive]]:
    """1-based line → the ``# k8slint: ignore`` comments on it."""
    out: dict[int, list[Directive]] = {}
    if "k8slint:" not in text:
        return out
    for number, line in enumerate(text.split("\n"), 1):
        if "k8slint:" not in line:
            continue
        for m in re.finditer(_COMMENT, line):
            codes = _parse_codes(m.group(2), resolve) if m.group(2) is not None else None
            column = m.start(1) + 1
            span = Span(number, column, number, m.end(1) + 1)
            own_line = not line[: m.start(1)].strip()
            out.setdefault(number, []).append(Directive(codes, file, span, file_index, None, m.group(1), own_line))
    return out


def annotation_directive(obj: Any, resolve: Callable[[str], str]) -> Optional[Directive]:
    annotations = obj.metadata.get("annotations")
    if not isinstance(annotations, dict) or not isinstance(annotations.get(ANNOTATION), str):
        return None
    value = annotations[ANNOTATION]
    codes_text = value.split(":", 1)[0]
    from k8slint.locate import find_node, node_span

    node, _ = find_node(obj.node, ("metadata", "annotations", ANNOTATION)) if obj.node is not None else (None, 0)
    span = node_span(node) if node is not None else Span(1, 1, 1, 2)
    return Directive(_parse_codes(codes_text, resolve), obj.file, span, obj.file_index, obj, value)


class Suppressor:
    def __init__(self, resolve: Callable[[str], str], per_path_ignores: dict[str, list[str]], config_root: PathText):
        self.resolve = resolve
        self.per_path = [(glob, {resolve(c) for c in codes}) for glob, codes in per_path_ignores.items()]
        self.config_root = config_root
        self.comments: dict[str, dict[int, list[Directive]]] = {}
        self.annotations: dict[int, Directive] = {}

    def add_file(self, text: str, file: str, file_index: int) -> None:
        directives = comment_directives(text, file, file_index, self.resolve)
        if directives:
            self.comments[file] = directives

    def add_object(self, obj: Any) -> None:
        directive = annotation_directive(obj, self.resolve)
        if directive is not None:
            self.annotations[id(obj)] = directive

    def _path_ignored(self, finding: Finding) -> bool:
        if not self.per_path:
            return False
        try:
            rel = relative(resolve(finding.file), resolve(self.config_root))
        except OSError:
            rel = None
        if rel is None:  # outside the configuration's folder: as reported
            rel = posix(finding.file)
        return any(finding.rule in codes and excluded(rel, [glob]) for glob, codes in self.per_path)

    def keep(self, finding: Finding) -> bool:
        """False when a suppression covers the finding (marking that suppression as used)."""
        suppressed = False
        lines = self.comments.get(finding.file)
        if lines:
            for line in (finding.span.line, finding.span.line - 1):
                for directive in lines.get(line, ()):
                    if line != finding.span.line and not directive.own_line:
                        continue  # a trailing comment covers its own line only
                    if directive.covers(finding):
                        directive.used = True
                        suppressed = True
        source = finding.source
        if source is not None:
            directive = self.annotations.get(id(source))
            if directive is not None and directive.covers(finding):
                directive.used = True
                suppressed = True
        if self._path_ignored(finding):
            suppressed = True
        return not suppressed

    def unused(self) -> list[Directive]:
        directives = [d for lines in self.comments.values() for ds in lines.values() for d in ds]
        directives.extend(self.annotations.values())
        return [d for d in directives if not d.used]
