"""Identities of findings that survive unrelated edits: baselines and SARIF fingerprints.

A finding's line moves whenever something is added above it, so neither a baseline nor
GitHub code scanning can match findings by line. The fingerprint is made of what the finding
is about instead: the rule, the object (kind, namespace, name), the path inside the object
and the offending text itself (whitespace-normalised). Adding a line above it, re-indenting
the file or editing another object leaves it unchanged; changing the offending value makes
it a new finding.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Optional

from k8slint.findings import Finding

if TYPE_CHECKING:
    from pathlib import Path

VERSION = "k8slint/v1"


def lines_of(text: str) -> list[str]:
    """A text's lines, split only: ``offending_text`` strips the "\\r" of the one line it takes
    (stripping every line of every file was a quarter of a SARIF report's time)."""
    return text.split("\n")


def offending_text(finding: Finding, lines: list[str]) -> str:
    """The text under the finding's span (its first line only), whitespace collapsed."""
    span = finding.span
    if not 0 < span.line <= len(lines):
        return ""
    line = lines[span.line - 1].rstrip("\r")  # (see lines_of)
    end = span.end_column - 1 if span.end_line == span.line else len(line)
    text = " ".join(line[span.column - 1:end].split())
    return text or " ".join(line.split())


def fingerprint(finding: Finding, lines: list[str]) -> str:
    obj = finding.object
    parts = [
        finding.rule,
        obj.kind or "" if obj else "",
        obj.namespace or "" if obj else "",
        obj.name or "" if obj else "",
        finding.path or "",
        offending_text(finding, lines),
    ]
    import hashlib  # only the reports that need fingerprints pay for its import

    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]


def fingerprints(findings: list[Finding], texts: dict[str, str]) -> list[str]:
    """The fingerprint of each finding, in order (texts: file → text, as in RunResult)."""
    cache: dict[str, list[str]] = {}
    out = []
    for finding in findings:
        lines = cache.get(finding.file)
        if lines is None:
            lines = cache[finding.file] = lines_of(texts.get(finding.file, ""))
        out.append(fingerprint(finding, lines))
    return out


def relative_to(file: str, root: "Path | str") -> Optional[str]:
    """``file`` relative to ``root`` (absolute, resolved) with forward slashes, or None when it
    lies outside: its absolute path, else its real path (links followed), is under ``root``.
    (``Path.relative_to``'s answer, as text: the reports ask it of every file.)"""
    from k8slint.pathtext import posix, relative

    root_text = os.fspath(root)
    found = relative(os.path.abspath(file), root_text)
    if found is None:  # the real path only when needed: it costs a system call per folder
        found = relative(os.path.realpath(file), root_text)
    return posix(found) if found is not None else None
