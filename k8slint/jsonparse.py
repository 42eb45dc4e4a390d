"""``json.loads`` for the data k8slint ships (rule index, schema files), without importing ``json``.

Importing the ``json`` package (``json``, ``json.decoder``, ``json.scanner``, ``json.encoder``)
costs a one-file check about 5 M instructions (2 ms), and a valid file needs JSON only to read
k8slint's own data. The parsing is done by the C scanner ``json`` itself uses (``_json``), with
the options ``json.loads`` gives it; where that accelerator is missing, ``json.loads`` is used.
tests/test_jsonparse.py compares the two on generated documents.
"""
from __future__ import annotations

from typing import Any, Union

_WHITESPACE = " \t\n\r"  # what JSON allows between tokens (json.decoder.WHITESPACE)


class _Options:
    """What json.loads passes the scanner: plain dicts, floats and ints; NaN and ±Infinity read."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = {"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}.__getitem__


try:
    from _json import make_scanner as _make_scanner

    _scan = _make_scanner(_Options())
except ImportError:  # another Python implementation: the json package does the same
    _scan = None


def loads(data: Union[str, bytes]) -> Any:
    """The value of one JSON document (UTF-8 if bytes); ValueError if it is not one."""
    text = data.decode("utf-8") if isinstance(data, (bytes, bytearray)) else data
    if _scan is None:
        import json

        return json.loads(text)
    start = len(text) - len(text.lstrip(_WHITESPACE))
    try:
        value, end = _scan(text, start)
    except StopIteration as err:
        raise ValueError(f"expecting a JSON value at character {err.value}") from None
    if end != len(text.rstrip(_WHITESPACE)):
        raise ValueError(f"extra data after the JSON value at character {end}")
    return value
