"""k8slint.quantity against the API server's ParseQuantity.

The expected values were taken from kubectl 1.32 (`kubectl set resources --local --limits=memory=X`
parses with k8s.io/apimachinery/pkg/api/resource.ParseQuantity, and a manifest value goes through
Quantity.UnmarshalJSON), quirks included: "Mi", "." and "-" are zero, "Pi" is not a quantity.
"""
from __future__ import annotations

from fractions import Fraction

import pytest

from k8slint import quantity
from k8slint.quantity import parse, parse_quantity

Ki, Mi, Gi = 2**10, 2**20, 2**30


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
    assert parsed.value == value


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
    assert parsed.value is None
    assert parsed.error == error


def test_spaces_around_a_string_are_trimmed_but_escaped_whitespace_is_not():
    # UnmarshalJSON trims the raw JSON text: a space stays a space, a tab reaches it as "\t".
    assert parse_quantity(" 128Mi ") == 128 * Mi
    assert parse_quantity("128Mi\t") is None
    assert parse_quantity("128Mi\n") is None


@pytest.mark.parametrize("value, expected", [
    (2, 2), (0, 0), (-3, -3), (0.5, Fraction(1, 2)), (0.1, Fraction(1, 10)), (1e3, 1000), (1e21, 10**21),
    (1.5e-7, Fraction(15, 10**8)),
])
def test_yaml_numbers_are_parsed_from_their_json_text(value, expected):
    assert parse_quantity(value) == expected


@pytest.mark.parametrize("value", [True, False, None, [], {}, float("inf"), float("nan")])
def test_other_types_are_not_quantities(value):
    assert parse_quantity(value) is None


def test_comparisons_are_exact():
    assert parse_quantity("1Gi") > parse_quantity("1000Mi")
    assert parse_quantity("1Gi") == parse_quantity("1024Mi") == parse_quantity(Gi)
    assert parse_quantity("0.5") == parse_quantity("500m") == parse_quantity(0.5)
    assert parse_quantity("1G") < parse_quantity("1Gi")
    assert parse_quantity("1Ki") == Ki


def test_suffix_is_reported_as_written():
    assert parse("1.5Gi").suffix == "Gi"
    assert parse("2e3").suffix == "e3"
    assert parse("2").suffix == ""
    assert parse("1K").suffix == "K"
