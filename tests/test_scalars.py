"""Scalars resolve the way Kubernetes (sigs.k8s.io/yaml, go-yaml v2) resolves them."""
import math

import pytest

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
