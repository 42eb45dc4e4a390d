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

# Compiled on first use (re caches them): most numbers in manifests are plain digits, which
# resolve_plain reads without them, and most other scalars are not numbers at all.
_FLOAT = r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z"
_GO_INT = r"[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)\Z"
_INT64_MIN, _UINT64_MAX = -(2**63), 2**64 - 1
_NUMERIC_START = frozenset("+-0123456789.")
_DIGITS = frozenset("0123456789")
_OCTAL = frozenset("01234567")
# Every character a Go integer (hex, octal, binary, with sign) or a float can hold, and "_":
# a scalar with any other ("100m", "128Mi", "1.4.2-rc1") is text.
_NUMBER_CHARS = _DIGITS | frozenset("+-._eExXoObBaAcCdDfF")


def bounded_int(text: str, max_digits: int = 19) -> int | None:
    """``int(text)`` of a ``[+-]?[0-9]+`` text, None when it has more than ``max_digits`` digits
    after its leading zeros. A manifest can hold a number of any length, and int() refuses more
    than 4,300 digits; no number Kubernetes reads into 64 bits has more than 19."""
    digits = text.lstrip("+-").lstrip("0")
    if len(digits) > max_digits:
        return None
    return int(("-" if text.startswith("-") else "") + (digits or "0"))


def _go_parse_int(text: str) -> int | None:
    """strconv.ParseInt(text, 0, 64), falling back to ParseUint like go-yaml v2."""
    if len(text) > 67 or not re.match(_GO_INT, text):  # longer than "-0b" and 64 bits: out of range
        return None  # (and int() refuses more than 4,300 digits)
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
    if not _NUMBER_CHARS.issuperset(text):
        return text
    if text[0] == ".":
        return float(text) if re.match(_FLOAT, text) else text
    plain = text.replace("_", "")
    if _DIGITS.issuperset(plain):  # "8080", "2", "0755": what _go_parse_int and _FLOAT would give
        # at most 20 digits (22 in octal) fit in 64 bits; a longer number is read as a float
        if len(plain) <= 22 and (plain[0] != "0" or len(plain) == 1 or _OCTAL.issuperset(plain)):
            value = int(plain, 8 if plain[0] == "0" and len(plain) > 1 else 10)
            if value <= _UINT64_MAX:
                return value
        return float(plain)  # out of range, or "089": not a Go integer, a float
    value = _go_parse_int(plain)
    if value is not None:
        return value
    if re.match(_FLOAT, plain):
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
