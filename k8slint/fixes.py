"""Fixes: what a rule proposes, and how it becomes an edit of the file's text.

A rule states a fix structurally, as operations on paths inside its object (``FixSpec``):

- ``Op("set", path, value)``: the scalar at ``path`` becomes ``value``;
- ``Op("rename", path, name)``: the key at ``path`` becomes ``name`` (same place in the mapping);
- ``Op("merge", path)``: list item ``path`` joins the item before it (``- name: X`` /
  ``- value: Y`` → one item).

The engine resolves a spec against the object's nodes into a ``Fix``: the same operations
with document-level paths, and the text edits that carry them out (character offsets into
the file). Only the bytes of the edited nodes change; quoting style is kept where the new
value allows it. ``k8slint.fixer`` applies the edits and checks that reading the edited text
gives exactly the data the operations describe; a fix that would do anything else is dropped.

Each fix is graded: ``safe`` (one possible intent, no change in meaning beyond the repair) or
``unsafe`` (probably right, but a person should look: applied only with --unsafe-fixes).
"""
from __future__ import annotations

import copy
from typing import Any, Optional, Sequence

import k8slint.yaml_package  # noqa: F401 (first: ruamel.yaml without its package's __init__)
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from k8slint.fix_specs import SAFE, UNSAFE, FixSpec, Op, merge_item, rename_key, set_value  # noqa: F401 (re-exported)
from k8slint.named_tuple import NamedTuple


class Edit(NamedTuple):
    start: int  # character offsets into the file's text; end exclusive
    end: int
    text: str
    expect: Optional[str] = None  # the text that must be there now (else the fix is dropped)
    first: Optional[str] = None  # or at least the character the text must start with


class Fix(NamedTuple):
    safety: str
    title: str
    doc_index: int
    ops: tuple[Op, ...]  # paths from the document's root
    edits: tuple[Edit, ...]

    def to_json(self) -> dict:
        return {"safety": self.safety, "title": self.title}


# -- from a spec to text edits ---------------------------------------------------------------

def resolve(spec: FixSpec, root: Node, prefix: tuple, doc_index: int, text_of: Any = None) -> Optional[Fix]:
    """The fix for the object whose node is ``root`` (``prefix``: where the object sits in its
    document), or None when the nodes do not allow a clean edit (flow style, aliases, ...)."""
    edits: list[Edit] = []
    for op in spec.ops:
        edit = _edit(op, root)
        if edit is None:
            return None
        edits.append(edit)
    ops = tuple(Op(op.kind, tuple(prefix) + op.path, op.value) for op in spec.ops)
    return Fix(spec.safety, spec.title, doc_index, ops, tuple(edits))


def _walk(root: Node, path: tuple) -> Optional[tuple[Optional[Node], Node]]:
    """(key node or None, value node) at ``path``, without following merge keys or aliases."""
    from k8slint.locate import node_key

    knode: Optional[Node] = None
    node = root
    for elem in path:
        if node.__class__ is MappingNode and isinstance(elem, str):
            for k, v in node.value:
                if node_key(k) == elem:
                    knode, node = k, v
                    break
            else:
                return None
        elif node.__class__ is SequenceNode and isinstance(elem, int) and 0 <= elem < len(node.value):
            knode, node = None, node.value[elem]
        else:
            return None
    return knode, node


def _edit(op: Op, root: Node) -> Optional[Edit]:
    found = _walk(root, op.path)
    if found is None:
        return None
    knode, node = found
    if op.kind == "set":
        return _scalar_edit(node, op.value)
    if op.kind == "rename":
        return _scalar_edit(knode, op.value) if knode is not None else None
    if op.kind == "merge":
        return _merge_edit(node)
    raise ValueError(f"unknown fix operation {op.kind!r}")


def scalar_text(value: Any, style: Optional[str]) -> Optional[str]:
    """How to write ``value`` in the given quoting style so that it reads back as ``value``."""
    import json  # only when a fix is made (a check imports this module for its rules' specs)

    if isinstance(value, bool) or value is None or isinstance(value, (int, float)):
        return None if style else json.dumps(value)
    if not isinstance(value, str):
        return None
    if style == "'":
        return "'" + value.replace("'", "''") + "'" if "\n" not in value else None
    if style == '"':
        return json.dumps(value, ensure_ascii=False)
    if style:
        return None  # block scalars: not edited
    if _plain_reads_back(value):
        return value
    return json.dumps(value, ensure_ascii=False)


def _plain_reads_back(value: str) -> bool:
    """Whether ``value`` can be written as a plain scalar (in block or flow context) and read
    back as the same string. Conservative; the fixer reads the result back anyway."""
    from k8slint.scalars import resolve_plain

    if not value or value != value.strip() or any(c in value for c in "\n\t{}[],"):
        return False
    if value[0] in "-?:#&*!|>'\"%@`" or value.endswith(":") or ": " in value or " #" in value:
        return False
    return resolve_plain(value) == value


def _scalar_edit(node: Optional[Node], value: Any) -> Optional[Edit]:
    if node is None or node.__class__ is not ScalarNode or getattr(node, "anchor", None):
        return None
    if node.ctag.suffix is not None and node.ctag.suffix not in ("tag:yaml.org,2002:str",):
        return None  # an explicit tag: leave it to a person
    text = scalar_text(value, node.style or None)
    if text is None:
        return None
    start, end = node.start_mark.index, node.end_mark.index
    if end <= start:
        return None
    # The node's span also covers an anchor or tag written before the value (and an alias
    # shares the node of its anchor): the expected text makes such edits fail validation.
    if node.style:
        return Edit(start, end, text, first=node.style)
    return Edit(start, end, text, expect=node.value)


def applies(fix: Fix, text: str) -> bool:
    """Whether the fix's edits find the text they expect (see ``Edit.expect``/``first``)."""
    for edit in fix.edits:
        if edit.expect is not None and text[edit.start:edit.end] != edit.expect:
            return False
        if edit.first is not None and text[edit.start:edit.start + 1] != edit.first:
            return False
    return True


def _merge_edit(item: Node) -> Optional[Edit]:
    """Turn the ``-`` of ``- key:`` into a space, so that the item's keys continue the item
    before it. Only that layout (dash, one space, key) is edited; the fixer checks the dash is
    where it is expected and that the result reads as one merged item."""
    if item.__class__ is not MappingNode or item.flow_style or item.start_mark.column < 2:
        return None
    index = item.start_mark.index
    return Edit(index - 2, index, "  ", expect="- ")


# -- data-level expectations -----------------------------------------------------------------

def apply_ops(data: Any, ops: Sequence[Op]) -> Any:
    """What the document's data must be after the fix (raises LookupError if a path is gone)."""
    data = copy.deepcopy(data)
    for op in ops:
        parent, last = _parent(data, op.path)
        if op.kind == "set":
            parent[last] = op.value
        elif op.kind == "rename":
            if op.value in parent:
                raise LookupError(f"{op.value} exists already")
            items = list(parent.items())
            parent.clear()
            for k, v in items:
                parent[op.value if k == last else k] = v
        elif op.kind == "merge":
            if not isinstance(last, int) or last < 1:
                raise LookupError("merge needs an item after another")
            before, item = parent[last - 1], parent[last]
            if not isinstance(before, dict) or not isinstance(item, dict) or set(before) & set(item):
                raise LookupError("only mappings without common keys merge")
            before.update(item)
            del parent[last]
    return data


def _parent(data: Any, path: tuple) -> tuple[Any, Any]:
    node = data
    for elem in path[:-1]:
        node = node[elem]
    if not path:
        raise LookupError("empty path")
    node[path[-1]]  # raises if absent
    return node, path[-1]
