"""Recognise Helm/Go templates, which are not manifests until rendered.

A file is a template when it contains a template action ``{{ ... }}`` that is not simply
text inside a block scalar (alerting rules and dashboards in ConfigMaps often carry
``{{ $labels.x }}`` as data). Templates are skipped with an info-level notice.
"""
from __future__ import annotations

import re
from typing import Optional

import k8slint.yaml_package  # noqa: F401 (first: ruamel.yaml without its package's __init__)
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_ACTION = r"\{\{-?\s*[^}]*?-?\}\}"  # compiled on first use (re caches it)


def template_action(text: str) -> Optional[tuple[int, int]]:
    """0-based (line, column) of the first template action, or None."""
    m = re.search(_ACTION, text, re.S)
    if m is None:
        return None
    line = text.count("\n", 0, m.start())
    return line, m.start() - (text.rfind("\n", 0, m.start()) + 1)


def _block_scalar_lines(roots: list[Node]) -> set[int]:
    lines: set[int] = set()
    stack = list(roots)
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.__class__ is ScalarNode:
            if node.style in ("|", ">"):
                lines.update(range(node.start_mark.line + 1, node.end_mark.line + 1))
        elif node.__class__ is MappingNode:
            for k, v in node.value:
                stack.append(k)
                stack.append(v)
        elif node.__class__ is SequenceNode:
            stack.extend(node.value)
    return lines


def is_template(text: str, roots: Optional[list[Node]], parsed_cleanly: bool) -> Optional[tuple[int, int]]:
    """Where the template syntax is, if the file is a template; None if it is plain YAML."""
    first = template_action(text)
    if first is None:
        return None
    if not parsed_cleanly or roots is None:
        return first
    data_lines = _block_scalar_lines(roots)
    for m in re.finditer(_ACTION, text, re.S):
        line = text.count("\n", 0, m.start())
        if line not in data_lines:
            return line, m.start() - (text.rfind("\n", 0, m.start()) + 1)
    return None
