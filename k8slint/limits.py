"""Limits that keep a run bounded on anything it is handed (a CI gate reads files from pull
requests anyone can open). Each has a default large enough for real repositories and a flag
to raise it; going over one is a finding (KL007) that names the limit and the flag, and the
part over the limit is not checked.

- file size (``--max-file-size``, bytes): the file is not read beyond the limit;
- nesting depth (``--max-depth``): deeper documents are not built;
- documents per file (``--max-documents``);
- nodes reached through YAML aliases (``--max-aliases``), counted as if every alias were
  expanded, so an alias bomb ("billion laughs": a few lines that expand to billions of nodes)
  is measured without being expanded, and reported.

The deepest document in ../shared/corpus is 17 levels, the largest file 1.4 MiB.
"""
from __future__ import annotations

import k8slint.yaml_package  # noqa: F401 (first: ruamel.yaml without its package's __init__)
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

from k8slint.named_tuple import NamedTuple


class Limits(NamedTuple):
    max_file_size: int = 10 * 1024 * 1024
    max_depth: int = 100
    max_documents: int = 10_000
    max_aliases: int = 100_000


DEFAULT = Limits()
MAX_DEPTH_CEILING = 300  # Python's recursion limit (1000 frames) leaves room for about this much nesting
_UNITS = {"": 1, "k": 1000, "kb": 1000, "kib": 1024, "m": 1000**2, "mb": 1000**2, "mib": 1024**2,
          "g": 1000**3, "gb": 1000**3, "gib": 1024**3}


def parse_size(text: str) -> int:
    """'10MiB', '500k', '1048576' → bytes; ValueError otherwise."""
    import re

    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmMgG](?:i?[bB])?|)\s*", text)
    if not m:
        raise ValueError(f"invalid size {text!r}; write bytes or a number with KiB, MiB, GiB (or k, M, G)")
    return int(float(m.group(1)) * _UNITS[m.group(2).lower()])


def parse_count(text: str, option: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise ValueError(f"{option} takes a whole number of at least 1, not {text!r}")
    return int(text)


def from_options(max_file_size: "str | None", max_depth: "str | None", max_documents: "str | None",
                 max_aliases: "str | None") -> Limits:
    limits = DEFAULT
    if max_file_size is not None:
        limits = limits._replace(max_file_size=parse_size(max_file_size))
    if max_depth is not None:
        depth = parse_count(max_depth, "--max-depth")
        if depth > MAX_DEPTH_CEILING:
            raise ValueError(f"--max-depth is at most {MAX_DEPTH_CEILING}: deeper documents cannot be checked safely")
        limits = limits._replace(max_depth=depth)
    if max_documents is not None:
        limits = limits._replace(max_documents=parse_count(max_documents, "--max-documents"))
    if max_aliases is not None:
        limits = limits._replace(max_aliases=parse_count(max_aliases, "--max-aliases"))
    return limits


def size_text(size: int) -> str:
    for unit, factor in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}".replace(".0 ", " ")
    return f"{size} bytes"


def measure(root: Node) -> tuple[int, int]:
    """(depth, nodes reached through aliases) of a composed document, without expanding it:
    each distinct node is visited once; a node reached again through an alias adds the size
    of its whole subtree. Recursive aliases (cycles) count once (the loader reports them)."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    visiting: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            children = _children(node)
            size[key] = 1 + sum(size.get(id(c), 0) for c in children)
            depth[key] = 1 + max((depth.get(id(c), 0) for c in children), default=0)
            visiting.discard(key)
            continue
        if key in size or key in visiting:
            continue
        visiting.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) not in size and id(child) not in visiting:
                stack.append((child, False))
    return depth.get(id(root), 0) - 1, size.get(id(root), 0) - len(size)


def _children(node: Node) -> list[Node]:
    if node.__class__ is MappingNode:
        return [n for pair in node.value for n in pair]
    if node.__class__ is SequenceNode:
        return list(node.value)
    return []
