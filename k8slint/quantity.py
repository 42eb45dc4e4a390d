"""Kubernetes resource quantities, parsed exactly as the API server parses them
(k8s.io/apimachinery/pkg/api/resource: ParseQuantity, parseQuantityString, Quantity.UnmarshalJSON).

``1Gi`` is 2**30, ``1G`` is 10**9, ``500m`` is 1/2, ``1e3`` is 1000. Every value the server can
hold is a whole number of nano-units (its fast path multiplies an integer by 10**scale with
scale >= -9; its slow path rounds up to 1n), so values are kept as exact ints counting nanos
(``500m`` is 500_000_000): comparisons and sums are exact ("requested 1Gi exceeds the 1000Mi the
volume offers") without the cost of importing fractions (and decimal) on every run.

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
from functools import lru_cache
from typing import Any, Optional

from k8slint.named_tuple import NamedTuple
from k8slint.scalars import bounded_int

_BINARY = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_SUFFIX_CHARS = frozenset("eEinumkKMGTP")
_DIGITS = frozenset("0123456789")
_INT = r"[+-]?[0-9]+\Z"  # compiled on first use (re caches it): only exponents need it
MAX_INT64 = 2**63 - 1
NANOS_PER_UNIT = 10**9  # a value of 1 (one byte, one core) in nano-units
_MAX_DIGITS = 1000  # beyond this many digits or this exponent, see _outlandish
# What Go's strings.TrimSpace removes and JSON leaves unescaped (control characters and
# U+2028/U+2029 reach the server escaped, as "\t", and are then not trimmed).
_JSON_SPACE = " \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"

# Why a text is not a quantity (the API server's ErrFormatWrong, ErrSuffix, ErrNumeric).
EMPTY = "empty"
FORMAT = "format"
SUFFIX = "suffix"
NUMERIC = "numeric"


class Parsed(NamedTuple):
    nanos: Optional[int]  # the value in nano-units (1 is 10**9); None when the text is not a quantity
    error: Optional[str] = None  # EMPTY, FORMAT, SUFFIX or NUMERIC
    suffix: str = ""  # the suffix as written ("Gi", "m", "e3", "")


class _FormatError(Exception):
    pass


def parse_nanos(value: Any) -> Optional[int]:
    """The exact value of a quantity (a string or a YAML number) in nano-units, or None when it is
    not one: ``parse_nanos("500m")`` is 500_000_000."""
    return parse(value).nanos


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
        return Parsed(0)
    try:
        positive, value, num, denom, suffix = _parse_string(text)
    except _FormatError:
        return Parsed(None, FORMAT)
    if suffix in _DECIMAL:
        binary, exponent = False, _DECIMAL[suffix]
    elif suffix in _BINARY:
        binary, exponent = True, _BINARY[suffix]
    elif len(suffix) > 1 and suffix[0] in "eE" and re.match(_INT, suffix[1:]) and _int64(suffix[1:]) is not None:
        # strconv.ParseInt(.., 10, 64), then int32(..): the exponent wraps like Go's conversion
        binary, exponent = False, (_int64(suffix[1:]) + 2**31) % 2**32 - 2**31
    else:
        return Parsed(None, SUFFIX, suffix)

    if len(num) + len(denom) > _MAX_DIGITS or abs(exponent) > _MAX_DIGITS:
        return _outlandish(value, num, denom, binary, exponent, suffix)

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
                # scale >= -9, so the amount is a whole number of nanos
                nanos = shifted * mantissa * 10 ** (scale + 9)
                return Parsed(nanos if positive else -nanos, None, suffix)
    if not any(c in _DIGITS for c in value):
        return Parsed(None, NUMERIC, suffix)
    # The slow path: the exact amount is numerator / denominator nanos, rounded up (away from
    # zero, as the sign is applied afterwards) to a whole nano.
    whole, _, frac = value.lstrip("+-").partition(".")
    numerator = int(whole + frac or "0") * NANOS_PER_UNIT
    denominator = 10 ** len(frac)
    if binary:
        numerator <<= exponent
    elif exponent >= 0:
        numerator *= 10**exponent
    else:
        denominator *= 10**-exponent
    nanos = -(-numerator // denominator)
    if binary and nanos > MAX_INT64 * NANOS_PER_UNIT:  # "the max is just a simple cap" (BinarySI only)
        nanos = MAX_INT64 * NANOS_PER_UNIT
    negative = value.startswith("-")
    return Parsed(-nanos if negative else nanos, None, suffix)


def _int64(text: str) -> Optional[int]:
    """strconv.ParseInt(text, 10, 64) of a [+-]?[0-9]+ text, None when out of range: leading
    zeros allowed, at most 19 digits after them (int() is never handed the thousands of digits
    it refuses)."""
    value = bounded_int(text)
    return value if value is not None and -(2**63) <= value < 2**63 else None


def _outlandish(value: str, num: str, denom: str, binary: bool, exponent: int, suffix: str) -> Parsed:
    """A quantity written with more than _MAX_DIGITS digits or an exponent beyond ±_MAX_DIGITS
    (``1e2147483647``): exact arithmetic would build a number of up to two billion digits (a
    hang) or convert more digits than Python converts at once (an error). Kept exact: zero;
    amounts below 1n, rounded up to 1n; decimal amounts up to 10**_MAX_DIGITS, from the digits
    that reach a nano plus whether any digit beyond is not zero. Beyond 10**_MAX_DIGITS a
    decimal amount is taken as 10**_MAX_DIGITS (no manifest means such an amount; two of them
    compare equal). A binary amount is capped at 2**63-1 as the server caps it, and one with
    thousands of decimals is rounded to 40 of them."""
    whole = num.lstrip("0")
    if not whole and not denom.strip("0"):  # zero, whatever the exponent
        if binary or exponent - len(denom) >= -9 or any(c in _DIGITS for c in value):
            return Parsed(0, None, suffix)  # the fast path's zero, or the slow path's
        return Parsed(None, NUMERIC, suffix)
    # 10**(magnitude - 1) <= |amount| < 10**magnitude
    magnitude = len(whole) if whole else -(len(denom) - len(denom.lstrip("0")))
    magnitude += exponent * 3 // 10 + 1 if binary else exponent
    sign = -1 if value.startswith("-") else 1
    if magnitude < -9:
        return Parsed(sign, None, suffix)  # below 1n: rounded up to 1n
    if binary:
        if magnitude > 19:
            return Parsed(sign * MAX_INT64 * NANOS_PER_UNIT, None, suffix)
        kept = denom[:40]
        numerator = int(whole + kept or "0") * NANOS_PER_UNIT << exponent
        nanos = -(-numerator // 10 ** len(kept))
        return Parsed(sign * min(nanos, MAX_INT64 * NANOS_PER_UNIT), None, suffix)
    if magnitude > _MAX_DIGITS:
        return Parsed(sign * 10 ** (_MAX_DIGITS + 9), None, suffix)
    digits = whole + denom
    shift = exponent + 9 - len(denom)  # the amount is int(digits) * 10**shift nanos
    if shift >= 0:  # then digits has at most magnitude + 9 characters
        return Parsed(sign * int(digits.lstrip("0") or "0") * 10**shift, None, suffix)
    cut = max(len(digits) + shift, 0)  # the digits that make whole nanos: at most magnitude + 9
    nanos = int(digits[:cut].lstrip("0") or "0")
    if digits[cut:].strip("0"):
        nanos += 1  # rounded up to 1n
    return Parsed(sign * nanos, None, suffix)


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
