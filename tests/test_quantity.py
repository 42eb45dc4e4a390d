"""k8slint.quantity against the API server's ParseQuantity.

The expected values were taken from kubectl 1.32 (`kubectl set resources --local --limits=memory=X`
parses with k8s.io/apimachinery/pkg/api/resource.ParseQuantity, and a manifest value goes through
Quantity.UnmarshalJSON), quirks included: "Mi", "." and "-" are zero, "Pi" is not a quantity.
The parser counts nano-units (ints); the expectations are written as exact values (ints and
Fractions) and converted with ``nanos``.
"""
from __future__ import annotations

import math
import random
import re
from fractions import Fraction

import pytest

from k8slint import quantity
from k8slint.quantity import parse, parse_nanos

Ki, Mi, Gi = 2**10, 2**20, 2**30


def nanos(value) -> int:
    """An exact value (int or Fraction) in nano-units; it must be a whole number of them."""
    exact = Fraction(value) * 10**9
    assert exact.denominator == 1, value
    return int(exact)


@pytest.mark.parametrize("text, value", [
    ("1Gi", Gi), ("1.5Gi", Gi * 3 // 2), ("1G", 10**9), ("500m", Fraction(1, 2)), ("1e3", 1000),
    ("1E3", 1000), ("1e+3", 1000), ("1e-3", Fraction(1, 1000)), ("1E", 10**18), ("1.", 1), (".5", Fraction(1, 2)),
    ("+.5", Fraction(1, 2)), ("1.G", 10**9), ("-1", -1), ("+1", 1), ("0", 0), ("00", 0), ("-0", 0),
    ("100n", Fraction(100, 10**9)), ("5u", Fraction(5, 10**6)), ("2k", 2000), ("3Ei", 3 * 2**60),
    # the numerator defaults to 0 when the fast path takes it: accepted, and zero
    ("Mi", 0), ("Gi", 0), ("Ti", 0), (".", 0), ("-", 0), ("+", 0), ("e3", 0), ("-.e-5", 0),
    # rounded up to 1n, as the server does
    ("0.0000000001", Fraction(1, 10**9)), ("1e-12", Fraction(1, 10**9)), ("-1e-12", Fraction(-1, 10**9)),
    # binary amounts are capped at 2**63-1 on the slow path; decimal ones are not
    ("9223372036854775807Ei", 2**63 - 1), ("12345678901234567890123", 12345678901234567890123),
])
def test_valid_quantities(text, value):
    parsed = parse(text)
    assert parsed.error is None
    assert parsed.nanos == nanos(value)
    assert type(parsed.nanos) is int


@pytest.mark.parametrize("text, error", [
    ("", quantity.EMPTY),
    ("1GB", quantity.FORMAT), ("1Gib", quantity.FORMAT), ("1 Gi", quantity.FORMAT), ("1.5.0", quantity.FORMAT),
    ("1..5", quantity.FORMAT), ("0x10", quantity.FORMAT), ("1e3e", quantity.FORMAT), ("1e-5n", quantity.FORMAT),
    ("1K", quantity.SUFFIX), ("1ki", quantity.SUFFIX), ("1Ee3", quantity.SUFFIX), ("1e", quantity.SUFFIX),
    ("5Ee", quantity.SUFFIX), ("++1", quantity.SUFFIX), ("+-1", quantity.SUFFIX), ("1Mi-", quantity.SUFFIX),
    ("1e+", quantity.SUFFIX), ("1m5", quantity.SUFFIX),
    ("Pi", quantity.NUMERIC), ("Ei", quantity.NUMERIC), (".e-20", quantity.NUMERIC),
])
def test_invalid_quantities(text, error):
    parsed = parse(text)
    assert parsed.nanos is None
    assert parsed.error == error


def test_spaces_around_a_string_are_trimmed_but_escaped_whitespace_is_not():
    # UnmarshalJSON trims the raw JSON text: a space stays a space, a tab reaches it as "\t".
    assert parse_nanos(" 128Mi ") == nanos(128 * Mi)
    assert parse_nanos("128Mi\t") is None
    assert parse_nanos("128Mi\n") is None


@pytest.mark.parametrize("value, expected", [
    (2, 2), (0, 0), (-3, -3), (0.5, Fraction(1, 2)), (0.1, Fraction(1, 10)), (1e3, 1000), (1e21, 10**21),
    (1.5e-7, Fraction(15, 10**8)),
])
def test_yaml_numbers_are_parsed_from_their_json_text(value, expected):
    assert parse_nanos(value) == nanos(expected)


@pytest.mark.parametrize("value", [True, False, None, [], {}, float("inf"), float("nan")])
def test_other_types_are_not_quantities(value):
    assert parse_nanos(value) is None


def test_comparisons_are_exact():
    assert parse_nanos("1Gi") > parse_nanos("1000Mi")
    assert parse_nanos("1Gi") == parse_nanos("1024Mi") == parse_nanos(Gi)
    assert parse_nanos("0.5") == parse_nanos("500m") == parse_nanos(0.5)
    assert parse_nanos("1G") < parse_nanos("1Gi")
    assert parse_nanos("1Ki") == nanos(Ki)


def test_suffix_is_reported_as_written():
    assert parse("1.5Gi").suffix == "Gi"
    assert parse("2e3").suffix == "e3"
    assert parse("2").suffix == ""
    assert parse("1K").suffix == "K"


def _fraction_reference(text: str):
    """The parser's former arithmetic, on exact Fractions (the value, or None when the text is
    not a quantity): the nano-unit parser must agree with it everywhere."""
    if not text:
        return None
    if text == "0":
        return Fraction(0)
    try:
        positive, value, num, denom, suffix = quantity._parse_string(text)
    except quantity._FormatError:
        return None
    if suffix in quantity._DECIMAL:
        binary, exponent = False, quantity._DECIMAL[suffix]
    elif suffix in quantity._BINARY:
        binary, exponent = True, quantity._BINARY[suffix]
    elif len(suffix) > 1 and suffix[0] in "eE" and re.match(quantity._INT, suffix[1:]) and -(2**63) <= int(suffix[1:]) < 2**63:
        binary, exponent = False, (int(suffix[1:]) + 2**31) % 2**32 - 2**31
    else:
        return None
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
            if abs(shifted * mantissa) <= quantity.MAX_INT64:
                amount = Fraction(shifted * mantissa) * Fraction(10) ** scale
                return amount if positive else -amount
    if not any(c in "0123456789" for c in value):
        return None
    whole, _, frac = value.lstrip("+-").partition(".")
    amount = Fraction((whole or "0") + ("." + frac if frac else ""))
    amount = amount * (Fraction(2) ** exponent if binary else Fraction(10) ** exponent)
    if amount:
        nano = Fraction(1, 10**9)
        amount = Fraction(math.ceil(amount / nano)) * nano  # rounded up (away from zero) to 1n
    if binary and amount > quantity.MAX_INT64:
        amount = Fraction(quantity.MAX_INT64)
    return -amount if value.startswith("-") else amount


def _generated_quantities(count: int, seed: int = 1):
    """Texts near and across every boundary of the parser: signs, leading zeros, long digit runs
    (the slow path), many decimals (rounding up to 1n), every suffix and small and large
    exponents, and some text that is not a quantity at all."""
    rng = random.Random(seed)
    suffixes = ["", "n", "u", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei",
                "K", "ki", "e", "E", "Ee3", "e+", "GB"]

    def digits(most: int) -> str:
        return "".join(rng.choice("0123456789" if rng.random() < 0.8 else "09") for _ in range(rng.randint(0, most)))

    for _ in range(count):
        sign = rng.choice(["", "", "", "-", "+"])
        zeros = "0" * rng.choice([0, 0, 0, 1, 3])
        whole = digits(rng.choice([3, 8, 20, 30]))
        dot = rng.choice(["", "", "."])
        frac = digits(rng.choice([2, 9, 12, 25])) if dot else ""
        if rng.random() < 0.3:
            suffix = rng.choice("eE") + rng.choice(["", "+", "-"]) + str(rng.randint(0, 40))
        else:
            suffix = rng.choice(suffixes)
        text = sign + zeros + whole + dot + frac + suffix
        if rng.random() < 0.05:
            i = rng.randint(0, len(text))
            text = text[:i] + rng.choice(" .x-1") + text[i:]
        yield text


def test_nanos_equal_the_exact_fraction_semantics():
    texts = list(_generated_quantities(20000))
    texts += ["1e-12", "-1e-12", "9223372036854775807Ei", "9223372036854775808Ei", "1.5Ei", "0.1Ki",
              "123456789012345678901234.5678901234Mi", "0.0000000001", "1e-9", "1e-10", "1e18", "1E-3"]
    parsed = 0
    for text in texts:
        expected = _fraction_reference(text)
        got = quantity.parse_text(text).nanos  # as written: trimming is tested above
        if expected is None:
            assert got is None, text
        else:
            parsed += 1
            assert got == nanos(expected), text
    assert parsed > len(texts) // 3  # the generator reaches valid quantities, not only errors


def test_describe_amount_writes_nanos_as_the_exact_value_was_written():
    from k8slint.quantity_sites import describe_amount

    def former(amount: Fraction) -> str:  # describe_amount on the exact Fraction, as it was
        if amount.denominator == 1:
            return f"{amount.numerator:,}" if abs(amount.numerator) >= 10000 else str(amount.numerator)
        return f"{float(amount):.9g}"

    for text in _generated_quantities(5000, seed=2):
        exact = _fraction_reference(text)
        if exact is not None:
            assert describe_amount(nanos(exact)) == former(exact), text
    assert describe_amount(nanos(Fraction(512, 1000))) == "0.512"
    assert describe_amount(nanos(500_000_000)) == "500,000,000"


@pytest.mark.parametrize("text, expected", [
    # more digits than int() converts at once, or an exponent whose exact value has up to two
    # billion digits: answered at once, exactly where an exact answer is small
    ("1e2147483647", 10**1009), ("-1e2147483647", -10**1009), ("9" * 5000, 10**1009),
    ("1e-2147483647", 1), ("-1e-2147483647", -1), ("0e2147483647", 0), ("0e-2147483647", 0),
    ("1." + "0" * 3000 + "1", 10**9 + 1), ("0." + "0" * 3000 + "5", 1), ("1" * 1001 + "e-1009", 2),
    ("0." + "0" * 2000 + "1e2010", 10**18), ("7" * 1200 + "e-1195", 77777777777778),
    ("1." + "1" * 5000 + "Ki", 1137777777778), ("1" * 2000 + "Ki", (2**63 - 1) * 10**9),
    ("1e" + "0" * 5000 + "3", 10**12),  # leading zeros of an exponent are allowed (ParseInt)
])
def test_outlandish_quantities_are_answered_at_once(text, expected):
    assert parse(text).nanos == expected and parse(text).error is None


def test_outlandish_decimals_round_like_the_exact_value():
    """Below 10**1000, a long decimal quantity has the exact value's nanos (rounded up)."""
    import sys

    rng = random.Random(5)
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)  # the reference converts the long digit strings whole
    try:
        for _ in range(500):
            whole = "".join(rng.choice("0123456789") for _ in range(rng.randint(0, 1200)))
            frac = "".join(rng.choice("0000000123456789") for _ in range(rng.randint(0, 1500)))
            exponent = rng.randint(-1300, 1100)
            text = (whole or "0") + ("." + frac if frac else "") + f"e{exponent}"
            exact = Fraction(int(whole + frac or "0")) * Fraction(10) ** (exponent + 9 - len(frac))
            if exact < 10**1009:
                assert parse(text).nanos == math.ceil(exact), text[:40]
    finally:
        sys.set_int_max_str_digits(limit)


def test_an_exponent_beyond_64_bits_is_a_suffix_error_however_many_digits_it_has():
    assert parse("1e" + "1" * 5000).error == quantity.SUFFIX
    assert parse("1e9223372036854775808").error == quantity.SUFFIX
    assert parse("1e-9223372036854775808").error is None
