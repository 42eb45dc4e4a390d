"""Name formats as the API server checks them."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from k8slint import naming


@pytest.mark.parametrize("value, ok", [
    ("web", True), ("web-1", True), ("1web", True), ("a" * 63, True),
    ("Web", False), ("web_1", False), ("-web", False), ("web-", False), ("a" * 64, False), ("", False), ("a.b", False),
])
def test_dns1123_label(value, ok):
    assert (naming.dns1123_label(value) == []) is ok


@pytest.mark.parametrize("value, ok", [
    ("web", True), ("web.example.com", True), ("a" * 253, True),
    ("web..com", False), ("Web.com", False), (".web", False), ("a" * 254, False),
])
def test_dns1123_subdomain(value, ok):
    assert (naming.dns1123_subdomain(value) == []) is ok


@pytest.mark.parametrize("value, ok", [("web", True), ("1web", False), ("web-1", True)])
def test_dns1035_label(value, ok):
    assert (naming.dns1035_label(value) == []) is ok


@pytest.mark.parametrize("value, ok", [
    ("app", True), ("app.kubernetes.io/name", True), ("example.com/My_Key.1", True),
    ("my key", False), ("/name", False), ("example.com/", False), ("Example.com/name", False),
    ("a/b/c", False), ("-app", False), ("a" * 64, False),
])
def test_qualified_name(value, ok):
    assert (naming.qualified_name(value) == []) is ok


@pytest.mark.parametrize("value, ok", [
    ("", True), ("web", True), ("v1.2.3", True), ("Web_1", True),
    ("web app", False), ("-web", False), ("web/1", False), ("a" * 64, False),
])
def test_label_value(value, ok):
    assert (naming.label_value(value) == []) is ok


@pytest.mark.parametrize("value, ok", [
    ("http", True), ("http-alt", True), ("metrics9090", True), ("a" * 15, True),
    ("a" * 16, False), ("HTTP", False), ("8080", False), ("http--alt", False), ("-http", False), ("http_1", False),
])
def test_iana_svc_name(value, ok):
    assert (naming.iana_svc_name(value) == []) is ok


def test_messages_say_what_is_wrong():
    assert naming.dns1123_label("a" * 64) == ["must be at most 63 characters (it has 64)"]
    assert naming.qualified_name("example.com/my key")[0].startswith("name part 'my key' must consist of")


# The API server's regular expressions, which naming.py checks as character sets.
_REFERENCE = {
    naming.dns1123_label: r"[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z",
    naming.dns1123_subdomain: r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z",
    naming.dns1035_label: r"[a-z]([-a-z0-9]*[a-z0-9])?\Z",
    naming.label_value: r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\Z",
}
_ALPHABET = "az09AZ-._/ \n\u00e9\u0661"  # each class the patterns distinguish, and a few they reject


@settings(max_examples=3000, deadline=None)
@given(value=st.text(alphabet=_ALPHABET, max_size=12))
def test_character_checks_accept_what_the_api_servers_patterns_accept(value):
    import re

    for check, pattern in _REFERENCE.items():
        wanted = re.match(pattern, value) is not None
        # the format problem is reported exactly when the pattern rejects the value (length aside)
        assert (not [p for p in check(value) if "at most" not in p]) is wanted, (check.__name__, value)
    name_ok = re.match(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\Z", value) is not None
    assert naming._is_qualified_name(value) is name_ok, value
    iana = naming.iana_svc_name(value)
    assert ("must consist of lowercase letters, digits and '-'" in iana) is (re.match(r"[-a-z0-9]+\Z", value) is None)
    assert ("must contain at least one letter" in iana) is (
        re.match(r"[-a-z0-9]+\Z", value) is not None and re.search(r"[a-z]", value) is None
    )
