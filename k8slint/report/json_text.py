"""``json.dumps(data, indent=2, ensure_ascii=False)``, the same text, several times faster.

With an indent, the standard library encodes in pure Python, through a chain of generators;
on 10,000 documents the JSON and SARIF reports spent most of their time there. This encoder
writes the same text (strings through the standard library's own escaping, numbers as it
writes them) for the data reports hold: dicts with string keys, lists, strings, numbers,
booleans and None. Anything else is left to ``json.dumps``, so the text is always the same
(tests/test_json_text.py compares the two on generated data).
"""
from __future__ import annotations

from itertools import repeat
from typing import Any

try:  # the C function json.encoder uses when the accelerator is there, without importing json
    from _json import encode_basestring
except ImportError:
    from json.encoder import encode_basestring

_INFINITY = float("inf")
_NO_KEYS = repeat(None)  # list items, walked like a mapping's items


class _Other(Exception):
    """Data this encoder leaves to json.dumps."""


def dumps(data: Any) -> str:
    out: list[str] = []
    try:
        _write(data, out, "\n")
    except _Other:
        import json

        return json.dumps(data, indent=2, ensure_ascii=False)
    return "".join(out)


def _write(value: Any, out: list[str], newline: str) -> None:
    cls = value.__class__
    if cls is str:
        out.append(encode_basestring(value))
    elif cls is dict or cls is list:
        if not value:
            out.append("{}" if cls is dict else "[]")
            return
        keyed = cls is dict
        inner = newline + "  "
        separator = ("{" if keyed else "[") + inner
        for key, item in value.items() if keyed else zip(_NO_KEYS, value):
            out.append(separator)
            if keyed:
                if key.__class__ is not str:
                    raise _Other
                out.append(encode_basestring(key))
                out.append(": ")
            _write(item, out, inner)
            separator = "," + inner
        out.append(newline + ("}" if keyed else "]"))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif cls is int:
        out.append(int.__repr__(value))
    elif cls is float:
        if value != value:
            out.append("NaN")
        elif value == _INFINITY:
            out.append("Infinity")
        elif value == -_INFINITY:
            out.append("-Infinity")
        else:
            out.append(float.__repr__(value))
    else:  # tuples, subclasses, anything a default= would handle: the standard library's way
        raise _Other
