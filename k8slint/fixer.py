"""Applying fixes to a file's text: only the edited characters change, and the result must
read back as exactly the data the fixes describe (``fixes.apply_ops``), or it is not used.

Fixes whose edits overlap are applied one per run of ``apply``; the caller runs it again on
the new text (``k8slint check --fix`` repeats until nothing more applies).
"""
from __future__ import annotations

from typing import Any, Optional, Sequence

from k8slint.fixes import Edit, Fix, applies, apply_ops
from k8slint.loader import load_text


def _splice(text: str, fixes: Sequence[Fix]) -> str:
    edits = sorted((e for f in fixes for e in f.edits), key=lambda e: e.start, reverse=True)
    for edit in edits:
        text = text[:edit.start] + edit.text + text[edit.end:]
    return text


def _documents(text: str) -> Optional[dict[int, Any]]:
    loaded = load_text(text)
    if loaded.issues:
        return None
    return {doc.index: doc.data for doc in loaded.documents}


def _verifies(before: dict[int, Any], text: str, fixes: Sequence[Fix]) -> bool:
    after = _documents(text)
    if after is None or set(after) != set(before):
        return False
    for index, data in before.items():
        ops = [op for f in fixes if f.doc_index == index for op in f.ops]
        try:
            expected = apply_ops(data, ops) if ops else data
        except (LookupError, TypeError, IndexError):
            return False
        if after[index] != expected:
            return False
    return True


def _overlaps(edit: Edit, taken: list[Edit]) -> bool:
    return any(edit.start < other.end and other.start < edit.end for other in taken)


def apply(text: str, fixes: Sequence[Fix]) -> tuple[str, list[Fix]]:
    """The text with as many of ``fixes`` applied as verify, and those fixes."""
    before = _documents(text)
    if before is None or not fixes:
        return text, []
    chosen: list[Fix] = []
    taken: list[Edit] = []
    for fix in sorted(fixes, key=lambda f: min(e.start for e in f.edits)):
        if any(_overlaps(e, taken) for e in fix.edits):
            continue
        if not applies(fix, text):
            continue
        if fix in chosen:
            continue
        chosen.append(fix)
        taken.extend(fix.edits)
    if not chosen:
        return text, []
    candidate = _splice(text, chosen)
    if _verifies(before, candidate, chosen):
        return candidate, chosen
    applied: list[Fix] = []  # one by one: keep those that verify
    for fix in chosen:
        if _verifies(before, _splice(text, [*applied, fix]), [*applied, fix]):
            applied.append(fix)
    return _splice(text, applied), applied
