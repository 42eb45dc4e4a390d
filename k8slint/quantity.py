"""Kubernetes resource quantities, parsed exactly as the API server parses them
(k8s.io/apimachinery/pkg/api/resource: ParseQuantity, parseQuantityString, Quantity.UnmarshalJSON).

``1Gi`` is 2**30, ``1G`` is 10**9, ``500m`` is 1/2, ``1e3`` is 1000; the result is a Fraction
so that comparisons are exact ("requested 1Gi exceeds the 1000Mi the volume offers").

The port keeps the API server's quirks, because a linter that is stricter or laxer than the
server is wrong both ways: ``"1."``, ``".5"`` and ``"+1"`` are quantities; so, surprisingly, are
``"Mi"``, ``"."`` and ``"-"`` (all zero: the numerator defaults to 0); ``"Pi"`` is not (it takes
the slow path, which needs a digit). Values are rounded up to the nearest nano (``1e-12`` is
``1n``), and binary ones on the slow path are capped at 2**63-1 (``9223372036854775807Ei``). Spaces around
a string are ignored (UnmarshalJSON trims them); a tab or newline is not (JSON escapes it, and
the escaped form is not trimmed). YAML numbers reach the server as JSON numbers and are parsed
from their text, so ``2``, ``0.5`` and ``1e3`` are quantities too.
"""
from __future__ import annotations

import math
import re
from fractions import Fraction
from functools import lru_cache
from typing import Any, Optional

from k8slint.named_tuple import NamedTuple

_BINARY = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_SUFFIX_CHARS = frozenset("eEinumkKMGTP")
_DIGITS = frozenset("0123456789")
_INT = re.compile(r"[+-]?[0-9]+\Z")
MAX_INT64 = 2**63 - 1
NANO = Fraction(1, 10**9)
# What Go's strings.TrimSpace removes and JSON leaves unescaped (control characters and
# U+2028/U+2029 reach the server escaped, as "\t", and are then not trimmed).
_JSON_SPACE = " \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"

# Why a text is not a quantity (the API server's ErrFormatWrong, ErrSuffix, ErrNumeric).
EMPTY = "empty"
FORMAT = "format"
SUFFIX = "suffix"
NUMERIC = "numeric"


class Parsed(NamedTuple):
    value: Optional[Fraction]  # None when the text is not a quantity
    error: Optional[str] = None  # EMPTY, FORMAT, SUFFIX or NUMERIC
    suffix: str = ""  # the suffix as written ("Gi", "m", "e3", "")


class _FormatError(Exception):
    pass


def parse_quantity(value: Any) -> Optional[Fraction]:
    """The exact value of a quantity (a string or a YAML number), or None when it is not one."""
    return parse(value).value


def parse(value: Any) -> Parsed:
    """The value of a quantity, or why it is not one (see ``Parsed``)."""
    if isinstance(value, bool):
        return Parsed(None, FORMAT)
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            return Parsed(None, FORMAT)  # JSON has no Inf/NaN: kubectl cannot even send it
        text = repr(value)  # the shortest form, as Go's JSON encoder writes it
    elif isinstance(value, str):
        text = value.strip(_JSON_SPACE)
    else:
        return Parsed(None, FORMAT)
    return parse_text(text)


@lru_cache(maxsize=4096)  # a pure function; manifests repeat the same few values ("100m", "128Mi")
def parse_text(text: str) -> Parsed:
    """ParseQuantity on exactly this text (no trimming)."""
    if not text:
        return Parsed(None, EMPTY)
    if text == "0":
        return Parsed(Fraction(0))
    try:
        positive, value, num, denom, suffix = _parse_string(text)
    except _FormatError:
        return Parsed(None, FORMAT)
    if suffix in _DECIMAL:
        binary, exponent = False, _DECIMAL[suffix]
    elif suffix in _BINARY:
        binary, exponent = True, _BINARY[suffix]
    elif len(suffix) > 1 and suffix[0] in "eE" and _INT.match(suffix[1:]) and -(2**63) <= int(suffix[1:]) < 2**63:
        # strconv.ParseInt(.., 10, 64), then int32(..): the exponent wraps like Go's conversion
        binary, exponent = False, (int(suffix[1:]) + 2**31) % 2**32 - 2**31
    else:
        return Parsed(None, SUFFIX, suffix)

    # The fast path (int64 arithmetic) needs no digit; the slow one (inf.Dec) needs one.
    mantissa = 1
    if binary:
        scale = 0
        if len(denom) == 0:
            mantissa = 1 << exponent
            precision = 15 - len(num) - exponent * 3 // 10 - 1
        else:
            precision = -1
    else:
        scale = exponent
        precision = 18 - (len(num) + len(denom))
    if precision >= 0:
        scale -= len(denom)
        if scale >= -9:
            shifted = int(num + denom)
            if abs(shifted * mantissa) <= MAX_INT64:
                amount = Fraction(shifted * mantissa) * Fraction(10) ** scale
                return Parsed(amount if positive else -amount, None, suffix)
    if not any(c in _DIGITS for c in value):
        return Parsed(None, NUMERIC, suffix)
    amount = Fraction(_unsigned(value))
    amount = amount * (Fraction(2) ** exponent if binary else Fraction(10) ** exponent)
    if amount:
        amount = Fraction(math.ceil(amount / NANO)) * NANO  # rounded up (away from zero) to 1n
    if binary and amount > MAX_INT64:  # "the max is just a simple cap" (BinarySI only)
        amount = Fraction(MAX_INT64)
    negative = value.startswith("-")
    return Parsed(-amount if negative else amount, None, suffix)


def _unsigned(value: str) -> str:
    """The digits of ``value`` as Fraction() reads them ('1.' → '1.0', '.5' → '0.5')."""
    digits = value.lstrip("+-")
    whole, dot, frac = digits.partition(".")
    return (whole or "0") + ("." + frac if frac else "")


def _parse_string(text: str) -> tuple[bool, str, str, str, str]:
    """parseQuantityString: (positive, value, numerator, denominator, suffix)."""
    positive = True
    pos = 0
    end = len(text)
    if text[0] in "+-":
        positive = text[0] == "+"
        pos += 1
    # leading zeros
    i = pos
    while True:
        if i >= end:
            return positive, "0", "0", "", ""
        if text[i] != "0":
            break
        pos += 1
        i += 1
    # numerator
    i = pos
    while True:
        if i >= end:
            return positive, text, text[pos:], "", ""
        if text[i] not in _DIGITS:
            num = text[pos:i]
            pos = i
            break
        i += 1
    if not num:
        num = "0"
    denom = ""
    if pos < end and text[pos] == ".":
        pos += 1
        i = pos
        while True:
            if i >= end:
                return positive, text, num, text[pos:], ""
            if text[i] not in _DIGITS:
                denom = text[pos:i]
                pos = i
                break
            i += 1
    value = text[:pos]
    # suffix: letters from "eEinumkKMGTP", then an optional sign and digits (an exponent)
    start = pos
    i = pos
    while True:
        if i >= end:
            return positive, value, num, denom, text[start:]
        if text[i] not in _SUFFIX_CHARS:
            pos = i
            break
        i += 1
    if pos < end and text[pos] in "+-":
        pos += 1
    i = pos
    while True:
        if i >= end:
            return positive, value, num, denom, text[start:]
        if text[i] not in _DIGITS:
            raise _FormatError(text)
        i += 1
