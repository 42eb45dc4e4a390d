"""Name formats as the API server checks them."""
import pytest

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
