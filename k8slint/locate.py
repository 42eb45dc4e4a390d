"""A path into an object's data → the node, and the span, to point a finding at.

Paths are tuples of mapping keys (str) and list indexes (int), as jsonschema reports them.
When the path leaves the document (a missing field), the nearest existing ancestor is used.
"""
from __future__ import annotations

from typing import Any, Optional, Sequence

import k8slint.yaml_package  # noqa: F401 (first: ruamel.yaml without its package's __init__)
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from k8slint.findings import Span
from k8slint.scalars import key_string, resolve_plain

PathElem = Any  # str | int
_SIMPLE_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def format_path(path: Sequence[PathElem]) -> str:
    """('spec', 'containers', 0, 'image') → 'spec.containers[0].image'."""
    out: list[str] = []
    for elem in path:
        if isinstance(elem, int):
            out.append(f"[{elem}]")
        elif elem and _SIMPLE_KEY_CHARS.issuperset(elem):  # [A-Za-z0-9_-]+
            out.append(f".{elem}" if out else elem)
        else:
            out.append(f'["{elem}"]')
    return "".join(out)


def last_label(path: Sequence[PathElem]) -> str:
    """The name a person would use for the last step: 'env[1]', 'spec', 'labels["a/b"]'."""
    if not path:
        return ""
    i = len(path) - 1
    while i > 0 and isinstance(path[i], int):
        i -= 1
    return format_path(path[i:])


def node_key(knode: Node) -> Optional[str]:
    if knode.__class__ is not ScalarNode:
        return None
    if knode.ctag.suffix is None and not knode.style:
        return key_string(resolve_plain(knode.value))
    return knode.value


def _entry(mapping: MappingNode, key: str) -> Optional[tuple[Node, Node]]:
    merges = []
    for knode, vnode in mapping.value:
        k = node_key(knode)
        if k == key:
            return knode, vnode
        if k == "<<" and not knode.style:
            merges.append(vnode)
    for mnode in merges:
        for src in (mnode.value if mnode.__class__ is SequenceNode else [mnode]):
            if src.__class__ is MappingNode:
                found = _entry(src, key)
                if found:
                    return found
    return None


def find_node(root: Node, path: Sequence[PathElem], want_key: bool = False) -> tuple[Node, int]:
    """The node at ``path`` (its key node if ``want_key``) and how many steps were resolved."""
    node = root
    for depth, elem in enumerate(path):
        if node.__class__ is MappingNode and isinstance(elem, str):
            entry = _entry(node, elem)
            if entry is None:
                return node, depth
            if want_key and depth == len(path) - 1:
                return entry[0], depth + 1
            node = entry[1]
        elif node.__class__ is SequenceNode and isinstance(elem, int) and 0 <= elem < len(node.value):
            node = node.value[elem]
        else:
            return node, depth
    return node, len(path)


def node_span(node: Node) -> Span:
    """Where to put the caret for a node: the scalar itself, or the opening of a collection."""
    start, end = node.start_mark, node.end_mark
    line, col = start.line, start.column
    cls = node.__class__
    if cls is ScalarNode:
        if getattr(node, "style", None) in ("|", ">"):
            return Span(line + 1, col + 1, line + 1, col + 2)
        if end.line == line and end.column == col:  # empty value: at the character before it
            col = max(col - 1, 0)  # (usually the ':'), so that the caret stays inside the line
            return Span(line + 1, col + 1, line + 1, col + 2)
        return Span(line + 1, col + 1, end.line + 1, end.column + 1)
    if getattr(node, "flow_style", False) and end.line == line:
        return Span(line + 1, col + 1, end.line + 1, end.column + 1)
    if cls is MappingNode and node.value:
        first_key = node.value[0][0]
        if first_key.end_mark.line == line:
            return Span(line + 1, col + 1, line + 1, first_key.end_mark.column + 1)
    return Span(line + 1, col + 1, line + 1, col + 2)


def locate(root: Node, path: Sequence[PathElem], want_key: bool = False) -> Span:
    node, _ = find_node(root, path, want_key)
    return node_span(node)


def path_to(root: Node, target: Node) -> Optional[list[PathElem]]:
    """The data path of ``target`` inside ``root`` (for issues found while reading nodes)."""
    stack: list[tuple[Node, list[PathElem]]] = [(root, [])]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        if node is target:
            return path
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.__class__ is MappingNode:
            for knode, vnode in node.value:
                k = node_key(knode)
                if knode is target:
                    return path + [k] if k is not None else path
                stack.append((vnode, path + [k if k is not None else "?"]))
        elif node.__class__ is SequenceNode:
            for i, item in enumerate(node.value):
                stack.append((item, path + [i]))
    return None
