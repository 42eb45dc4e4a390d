"""Scalars resolve the way Kubernetes (sigs.k8s.io/yaml, go-yaml v2) resolves them."""
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from k8slint.scalars import key_string, resolve_plain


@pytest.mark.parametrize(
    "text, value",
    [
        ("yes", True), ("Yes", True), ("YES", True), ("y", True), ("Y", True), ("on", True),
        ("On", True), ("ON", True), ("true", True), ("True", True), ("TRUE", True),
        ("no", False), ("n", False), ("N", False), ("off", False), ("false", False), ("FALSE", False),
        ("", None), ("~", None), ("null", None), ("Null", None), ("NULL", None),
        ("0755", 0o755), ("0644", 420), ("0", 0), ("-0", 0), ("42", 42), ("-12", -12), ("+3", 3),
        ("0x1F", 31), ("0o17", 15), ("0b101", 5), ("-0b11", -3), ("1_000", 1000),
        ("08", 8.0), ("1e3", 1000.0), ("1.10", 1.1), (".5", 0.5), ("1.", 1.0),
        ("9223372036854775808", 9223372036854775808), ("12345678901234567890123", 1.2345678901234568e22),
        # Strings Kubernetes keeps as strings (no timestamps, no sexagesimal numbers):
        ("2001-12-14", "2001-12-14"), ("1:20", "1:20"), ("v1", "v1"), ("3.0.1", "3.0.1"),
        ("yess", "yess"), ("nginx:1.27", "nginx:1.27"), ("0x", "0x"), ("-", "-"), (".", "."),
        ("True!", "True!"), ("100m", "100m"), ("1Gi", "1Gi"),
    ],
)
def test_resolve_plain(text, value):
    result = resolve_plain(text)
    assert result == value and type(result) is type(value)


def test_special_floats():
    assert resolve_plain(".inf") == math.inf
    assert resolve_plain("-.Inf") == -math.inf
    assert math.isnan(resolve_plain(".NaN"))


@pytest.mark.parametrize(
    "value, key",
    [("a", "a"), (True, "true"), (False, "false"), (1, "1"), (0o755, "493"), (1.5, "1.5"),
     (1.0, "1"), (math.inf, ".inf"), (None, None)],
)
def test_key_string(value, key):
    assert key_string(value) == key


def _reference_resolve(text):
    """resolve_plain as it was written with the two patterns compiled (the reference)."""
    import re

    from k8slint.scalars import _MAP, _NUMERIC_START

    go_int = re.compile(r"[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)\Z")
    float_ = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")

    def parse_int(t):
        if not go_int.match(t):
            return None
        sign = -1 if t[0] == "-" else 1
        body = t.lstrip("+-")
        value = int(body, 8) if len(body) > 1 and body[0] == "0" and body[1] not in "xXoObB" else int(body, 0)
        value *= sign
        return None if value < -(2**63) or value > 2**64 - 1 else value

    if text in _MAP:
        return _MAP[text]
    if not text or text[0] not in _NUMERIC_START:
        return text
    if text[0] == ".":
        return float(text) if float_.match(text) else text
    plain = text.replace("_", "")
    value = parse_int(plain)
    if value is not None:
        return value
    if float_.match(plain):
        return float(plain)
    if plain.startswith("-0b") and re.fullmatch(r"-0b[01]+", plain):
        return -int(plain[3:], 2)
    return text


@settings(max_examples=4000, deadline=None)
@given(text=st.text(alphabet="0123456789+-._eExXoObBaAfFm i", max_size=24) | st.from_regex(r"[+-]?0?[0-9]{0,25}", fullmatch=True))
def test_plain_scalars_resolve_as_with_the_patterns(text):
    got, want = resolve_plain(text), _reference_resolve(text)
    assert type(got) is type(want) and (got == want or (got != got and want != want)), text


def test_numbers_beyond_64_bits_with_thousands_of_digits_are_floats():
    """The reference (and k8slint before) stopped with an internal error: int() refuses 4,300+ digits."""
    assert resolve_plain("1" * 5000) == float("inf") and resolve_plain("0x" + "f" * 5000) == "0x" + "f" * 5000
    assert resolve_plain("1" * 21) == float("1" * 21) and resolve_plain("18446744073709551615") == 2**64 - 1
