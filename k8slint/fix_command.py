"""``k8slint check --fix`` and ``--diff``: repair what the rules know how to repair.

Rounds: check, apply the fixes that verify (``k8slint.fixer``) to the texts in memory, check
again on the fixed texts (a fix may let another show, or two fixes may have overlapped), until
nothing more applies. Then ``--diff`` prints a unified diff and writes nothing; ``--fix`` writes
each changed file once, atomically, keeping its mode, its encoding marker and every byte the
fixes did not touch. A file that changed on disk while k8slint worked is not overwritten; a link
to a file outside the checked paths is not followed. Files without fixes are never written.
"""
from __future__ import annotations

import difflib
import os
from typing import Any, Callable, Optional

from k8slint.fixer import apply
from k8slint.fixes import SAFE
from k8slint.pathtext import inside, resolve

BOM = b"\xef\xbb\xbf"
MAX_ROUNDS = 8


class FixedFile:
    def __init__(self, display: str, path: str, original: bytes, original_text: str):
        self.display = display
        self.path = path  # resolved
        self.original = original
        self.original_text = original_text
        self.text = original_text
        self.fixes = 0

    def encoded(self) -> bytes:
        body = self.text.encode("utf-8")
        return BOM + body if self.original.startswith(BOM) else body


class FixOutcome:
    def __init__(self) -> None:
        self.files: dict[str, FixedFile] = {}
        self.problems: list[str] = []  # one line each: files not fixed, and why

    @property
    def changed(self) -> list[FixedFile]:
        return [f for f in self.files.values() if f.text != f.original_text]

    @property
    def count(self) -> int:
        return sum(f.fixes for f in self.files.values())


def _wanted(finding: Any, unsafe: bool) -> bool:
    return finding.fix is not None and (unsafe or finding.fix.safety == SAFE)


def run_fixes(check: Callable[[dict[str, bytes]], Any], unsafe: bool) -> tuple[Any, FixOutcome]:
    """``check(overlay)`` runs a check with the given file contents (by resolved path); returns
    the last result (the findings that remain) and what was fixed."""
    outcome = FixOutcome()
    overlay: dict[str, bytes] = {}
    result = check(overlay)
    for _ in range(MAX_ROUNDS):
        by_file: dict[str, list[Any]] = {}
        for finding in result.findings:
            if _wanted(finding, unsafe) and finding.file in result.paths:
                by_file.setdefault(finding.file, []).append(finding.fix)
        progressed = False
        for display, fixes in by_file.items():
            path = resolve(result.paths[display])
            entry = outcome.files.get(path)
            if entry is None:
                text = result.texts.get(display)
                if text is None:
                    continue
                try:
                    raw = _read(path)
                except OSError as err:
                    outcome.problems.append(f"{display}: not fixed: {err.strerror or err}")
                    continue
                if raw.decode("utf-8-sig", errors="replace") != text:
                    outcome.problems.append(f"{display}: not fixed: it changed while k8slint was reading it")
                    continue
                entry = outcome.files[path] = FixedFile(display, path, raw, text)
            new_text, applied = apply(entry.text, fixes)
            if applied:
                entry.text = new_text
                entry.fixes += len(applied)
                overlay[path] = entry.encoded()
                progressed = True
        if not progressed:
            break
        result = check(overlay)
    return result, outcome


def diff(outcome: FixOutcome) -> str:
    out = []
    for entry in outcome.changed:
        out.extend(difflib.unified_diff(
            entry.original_text.splitlines(keepends=True), entry.text.splitlines(keepends=True),
            fromfile=f"a/{entry.display}", tofile=f"b/{entry.display}",
        ))
        if out and not out[-1].endswith("\n"):
            out[-1] += "\n\\ No newline at end of file\n"
    return "".join(out)


def _read(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def write(outcome: FixOutcome, displays: dict[Any, Any], roots: list[Any]) -> list[str]:
    """Write the changed files; returns the lines to report for files that were not written.

    ``displays`` maps each resolved path to the path as given (to tell links); ``roots`` are the
    resolved checked paths, which a link may not lead out of. (Paths as text or Path objects.)"""
    from k8slint.outputs import write_atomically

    displays = {os.fspath(resolved): os.fspath(given) for resolved, given in displays.items()}
    problems = []
    for entry in outcome.changed:
        given = displays.get(entry.path, entry.path)
        if os.path.islink(given) or resolve(given) != os.path.abspath(given):
            if not any(inside(entry.path, os.fspath(root)) for root in roots):
                problems.append(f"{entry.display}: not fixed: it is a link to {entry.path}, outside the checked paths")
                entry.text = entry.original_text
                continue
        try:
            current = _read(entry.path)
        except OSError as err:
            problems.append(f"{entry.display}: not fixed: {err.strerror or err}")
            entry.text = entry.original_text
            continue
        if current != entry.original:
            problems.append(f"{entry.display}: not fixed: it changed on disk while k8slint was fixing it")
            entry.text = entry.original_text
            continue
        try:
            write_atomically(entry.path, entry.encoded())
        except OSError as err:
            problems.append(f"{entry.display}: not fixed: cannot write it: {err.strerror or err}")
            entry.text = entry.original_text
    return problems


def summary(outcome: FixOutcome, written: bool) -> Optional[str]:
    files = outcome.changed
    if not files:
        return None
    fixes = sum(f.fixes for f in files)
    verb = "Fixed" if written else "Would fix"
    return f"{verb} {fixes} finding{'s' if fixes != 1 else ''} in {len(files)} file{'s' if len(files) != 1 else ''}."
