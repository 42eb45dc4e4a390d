"""What a rule proposes as a fix (``FixSpec``): operations on paths inside its object.

The rules import these when they report; turning a proposal into text edits
(``k8slint.fixes``) is needed only when a finding has a fix, so a check of a valid file
does not import it. See k8slint/fixes.py for the operations' meaning.
"""
from __future__ import annotations

from typing import Any, Sequence

from k8slint.named_tuple import NamedTuple

SAFE, UNSAFE = "safe", "unsafe"


class Op(NamedTuple):
    kind: str  # "set" | "rename" | "merge"
    path: tuple  # inside the object (FixSpec) or the document (Fix)
    value: Any = None


class FixSpec(NamedTuple):
    """A rule's proposal (paths relative to its object)."""

    safety: str
    title: str  # what it does, e.g. 'replace "Allways" with "Always"'
    ops: tuple[Op, ...]


def set_value(path: Sequence[Any], value: Any, title: str, safety: str = SAFE) -> FixSpec:
    return FixSpec(safety, title, (Op("set", tuple(path), value),))


def rename_key(path: Sequence[Any], name: str, title: str, safety: str = SAFE) -> FixSpec:
    return FixSpec(safety, title, (Op("rename", tuple(path), name),))


def merge_item(path: Sequence[Any], title: str, safety: str = SAFE) -> FixSpec:
    return FixSpec(safety, title, (Op("merge", tuple(path)),))
