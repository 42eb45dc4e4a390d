"""Resolve plain YAML scalars the way Kubernetes does.

kubectl and the API server read YAML with sigs.k8s.io/yaml, a fork of go-yaml v2: YAML 1.1
booleans (y/n, yes/no, on/off, true/false in three spellings), 1.1 octals (``0755``), no
sexagesimal numbers and no timestamps (a date stays a string). This module mirrors go-yaml
v2's ``resolve()`` so that k8slint sees the same types Kubernetes sees.
"""
from __future__ import annotations

import math
import re
from typing import Any

_MAP: dict[str, Any] = {}
for _value, _words in (
    (True, ("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON")),
    (False, ("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF")),
    (None, ("", "~", "null", "Null", "NULL")),
    (math.inf, (".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF")),
    (-math.inf, ("-.inf", "-.Inf", "-.INF")),
    (math.nan, (".nan", ".NaN", ".NAN")),
):
    for _word in _words:
        _MAP[_word] = _value

# Words that YAML 1.1 reads as booleans although a person usually means a string.
YAML11_BOOL_WORDS = frozenset(w for w, v in _MAP.items() if isinstance(v, bool))

_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_GO_INT = re.compile(
    r"[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)\Z"
)
_INT64_MIN, _UINT64_MAX = -(2**63), 2**64 - 1
_NUMERIC_START = frozenset("+-0123456789.")


def _go_parse_int(text: str) -> int | None:
    """strconv.ParseInt(text, 0, 64), falling back to ParseUint like go-yaml v2."""
    if not _GO_INT.match(text):
        return None
    sign = -1 if text[0] == "-" else 1
    body = text.lstrip("+-")
    if len(body) > 1 and body[0] == "0" and body[1] not in "xXoObB":
        value = int(body, 8)
    else:
        value = int(body, 0)
    value *= sign
    if value < _INT64_MIN or value > _UINT64_MAX:
        return None
    return value


def resolve_plain(text: str) -> Any:
    """The value of an unquoted, untagged scalar as Kubernetes reads it."""
    if text in _MAP:
        return _MAP[text]
    if not text or text[0] not in _NUMERIC_START:
        return text
    if text[0] == ".":
        return float(text) if _FLOAT.match(text) else text
    plain = text.replace("_", "")
    value = _go_parse_int(plain)
    if value is not None:
        return value
    if _FLOAT.match(plain):
        return float(plain)
    if plain.startswith("-0b") and re.fullmatch(r"-0b[01]+", plain):
        return -int(plain[3:], 2)
    return text


def key_string(value: Any) -> str | None:
    """How sigs.k8s.io/yaml turns a resolved map key into a JSON object key (None: rejected)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return format_go_float32(value)
    return None


def format_go_float32(value: float) -> str:
    """Approximate strconv.FormatFloat(v, 'g', -1, 32): shortest repr, exponent for large values."""
    text = repr(float(value))
    if text.endswith(".0"):
        text = text[:-2]
    return text
