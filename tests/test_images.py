"""Image references: the parts of well-formed ones, and what is wrong with the others."""
import re
from unittest import mock

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from k8slint import images
from k8slint.images import ImageRef, InvalidImage, latest_typo, parse_image

SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def ok(ref: str) -> ImageRef:
    parsed = parse_image(ref)
    assert isinstance(parsed, ImageRef), parsed
    assert str(parsed) == ref  # nothing is lost or normalised away
    return parsed


def bad(ref: str) -> InvalidImage:
    parsed = parse_image(ref)
    assert isinstance(parsed, InvalidImage), parsed
    return parsed


@pytest.mark.parametrize("ref, registry, repository, tag, digest", [
    ("nginx", None, "nginx", None, None),
    ("nginx:1.27", None, "nginx", "1.27", None),
    ("docker.io/library/nginx:1.27", "docker.io", "library/nginx", "1.27", None),
    ("bitnami/redis:7.2.4-debian-12-r9", None, "bitnami/redis", "7.2.4-debian-12-r9", None),
    ("localhost:5000/a/b:tag", "localhost:5000", "a/b", "tag", None),
    ("localhost/app", "localhost", "app", None, None),
    (f"gcr.io/proj/img@sha256:{SHA}", "gcr.io", "proj/img", None, f"sha256:{SHA}"),
    (f"nginx:1.27@sha256:{SHA}", None, "nginx", "1.27", f"sha256:{SHA}"),
    ("registry.k8s.io/e2e-test-images/agnhost:2.39", "registry.k8s.io", "e2e-test-images/agnhost", "2.39", None),
    ("10.0.0.12:5000/shop/cart:2.0.1", "10.0.0.12:5000", "shop/cart", "2.0.1", None),
    ("Registry.Example.com/shop/worker:Release-2024.05", "Registry.Example.com", "shop/worker", "Release-2024.05", None),
    ("quay.io/my_org/my__app-name.v2/sub--path:_1", "quay.io", "my_org/my__app-name.v2/sub--path", "_1", None),
    ("[::1]:5000/app:1", "[::1]:5000", "app", "1", None),
])
def test_well_formed_references_and_their_parts(ref, registry, repository, tag, digest):
    parsed = ok(ref)
    assert (parsed.registry, parsed.repository, parsed.tag, parsed.digest) == (registry, repository, tag, digest)


def test_normalized_names():
    assert ok("nginx").full_name == "docker.io/library/nginx"
    assert ok("bitnami/redis:7").full_name == "docker.io/bitnami/redis"
    assert ok("gcr.io/proj/img").full_name == "gcr.io/proj/img"
    assert ok("localhost:5000/a/b:tag").domain == "localhost:5000"
    assert ok("nginx:1").domain == "docker.io"
    assert ok("gcr.io/proj/img:1").name == "gcr.io/proj/img"
    assert ok("gcr.io/proj/img:1").short_name == "img"


def test_a_registry_port_is_not_a_tag():
    parsed = ok("registry.example.com:5000/tools/busybox")
    assert parsed.tag is None and parsed.registry == "registry.example.com:5000"


def test_tag_of_128_characters_is_the_longest():
    ok("app:" + "a" * 128)
    assert bad("app:" + "a" * 129).part == "tag"


def test_uppercase_repository_is_lowercased():
    e = bad("registry:5000/ns/Image")
    assert e.part == "repository"
    assert e.problem == 'repository "ns/Image" has uppercase letters (only the registry host and the tag may)'
    assert e.fix == "registry:5000/ns/image"
    assert e.advice == 'use lowercase: "registry:5000/ns/image"'


def test_uppercase_first_component_is_a_repository_not_a_host():
    # Docker would take "MyOrg" for a registry host and fail to resolve it.
    e = bad("MyOrg/app:1.0")
    assert e.part == "repository" and e.fix == "myorg/app:1.0"


def test_uppercase_with_another_mistake_reports_the_other_one():
    e = bad("My/a..b:1")
    assert e.part == "repository" and "separate words" in e.problem and e.fix is None


@pytest.mark.parametrize("ref, problem, fix", [
    (" nginx:1.27", "it has leading or trailing whitespace, which the API server rejects", "nginx:1.27"),
    ("nginx:1.27\n", "it has leading or trailing whitespace, which the API server rejects", "nginx:1.27"),
    ("nginx : 1.27", "it contains whitespace", "nginx:1.27"),
    ("my app:1", "it contains whitespace", None),
])
def test_whitespace(ref, problem, fix):
    e = bad(ref)
    assert (e.part, e.problem, e.fix) == ("image", problem, fix)


@pytest.mark.parametrize("ref", ["", "   "])
def test_empty(ref):
    e = bad(ref)
    assert e.part == "image" and "e.g." in e.advice


def test_empty_tag():
    e = bad("nginx:")
    assert (e.part, e.problem) == ("tag", 'the tag after ":" is empty')
    assert e.advice == 'write a tag after ":" (e.g. "nginx:1.2.3") or remove the ":"'


def test_only_a_tag():
    e = bad(":tag")
    assert e.part == "repository" and e.problem == "it has no repository name, only a tag or digest"
    assert bad(f"@sha256:{SHA}").part == "repository"


@pytest.mark.parametrize("ref, problem, fix", [
    ("nginx:-latest", 'tag "-latest" starts with "-"; a tag starts with a letter, digit or "_"', "nginx:latest"),
    ("nginx:.1", 'tag ".1" starts with "."; a tag starts with a letter, digit or "_"', "nginx:1"),
    ("app:v1+build", 'tag "v1+build" contains "+"; tags may contain only letters, digits, "_", "." and "-"', None),
    ("app:1.0é", 'tag "1.0é" contains "é"; tags may contain only letters, digits, "_", "." and "-"', None),
])
def test_malformed_tags(ref, problem, fix):
    e = bad(ref)
    assert (e.part, e.problem, e.fix) == ("tag", problem, fix)


def test_two_colons():
    assert bad("app:1:2").problem == '"app:1:2" has more than one ":"'


@pytest.mark.parametrize("ref, problem", [
    ("nginx@", 'the digest after "@" is empty'),
    ("nginx@" + SHA, f'digest "{SHA}" has no algorithm (expected sha256:<64 hex digits>)'),
    ("nginx@sha256:abc", "a sha256 digest has 64 hex digits, this one has 3"),
    ("nginx@sha256:" + SHA.upper(), "sha256 digests are written in lowercase hex"),
    ("nginx@sha256:" + "g" * 64, f'digest "sha256:{"g" * 64}" has "g", which is not a hex digit'),
    ("nginx@md5:" + "a" * 32, 'digest algorithm "md5" is not supported (use sha256, sha384 or sha512)'),
    ("nginx@sha256:", 'digest "sha256:" has no hex digits after "sha256:"'),
    ("nginx@1sha:" + "a" * 64, 'digest algorithm "1sha" is invalid'),
    (f"nginx@sha256:{SHA}@sha256:{SHA}", 'it has more than one "@"'),
])
def test_malformed_digests(ref, problem):
    e = bad(ref)
    assert (e.part, e.problem) == ("digest", problem)


def test_other_digest_algorithms():
    ok("app@sha512:" + "a" * 128)
    ok("app@sha384:" + "a" * 96)


@pytest.mark.parametrize("ref, fix", [
    ("https://ghcr.io/shop/cart:2.0.1", "ghcr.io/shop/cart:2.0.1"),
    ("docker://nginx", "nginx"),
])
def test_url_scheme(ref, fix):
    e = bad(ref)
    assert e.part == "registry" and "no URL scheme" in e.problem and e.fix == fix


@pytest.mark.parametrize("ref, problem", [
    ("foo.io:abc/bar", 'registry "foo.io:abc" has the port "abc", which is not a number'),
    ("foo.io:/bar", 'registry "foo.io:" has an empty port after ":"'),
    ("foo_bar.io/x", 'registry "foo_bar.io" is not a valid host name'),
    ("-foo.io/x", 'registry "-foo.io" is not a valid host name'),
])
def test_malformed_registry(ref, problem):
    e = bad(ref)
    assert (e.part, e.problem) == ("registry", problem)


@pytest.mark.parametrize("ref, fix", [("shop//mail:1.0", "shop/mail:1.0"), ("shop/", "shop"), ("gcr.io//x", "gcr.io/x")])
def test_empty_path_component(ref, fix):
    e = bad(ref)
    assert e.part == "repository" and "empty path component" in e.problem and e.fix == fix


@pytest.mark.parametrize("ref", ["a___b", "a..b", "a._b", "-a", "a-", "_a", "a."])
def test_bad_separators(ref):
    assert "separate words" in bad(ref).problem


@pytest.mark.parametrize("ref", ["a__b", "a-b", "a--b", "a.b", "a_b", "a.b_c-d"])
def test_good_separators(ref):
    ok(ref)


def test_invalid_character_in_repository():
    e = bad("shop/api!:1")
    assert e.problem.startswith('repository "shop/api!" contains "!"')


def test_long_name():
    assert "at most 255" in bad("a" * 256).problem
    ok("a" * 255)


def test_image_id_is_not_a_repository():
    assert "image ID" in bad(SHA).problem
    ok("myorg/" + SHA)


@pytest.mark.parametrize("ref, whole", [
    ("<image_url>", True),
    ("<YOUR-CONTAINER>", True),
    ("{{ .Values.image }}", True),
    ("${IMAGE}", True),
    ("${REGISTRY}/app:1.0", False),
    ("app:$(TAG)", False),
    ("registry.example.com/app:$TAG", False),
    ("{{ .Values.repo }}:{{ .Values.tag }}", False),
])
def test_placeholders(ref, whole):
    e = bad(ref)
    assert e.part == "placeholder"
    assert ("it is a placeholder" in e.problem) == whole


@pytest.mark.parametrize("tag", ["lastest", "latset", "lates", "latests", "Latest", "LATEST", "latest1", "ltest", "lattest", "_latest", "latst"])
def test_latest_typos(tag):
    assert latest_typo(tag)


@pytest.mark.parametrize("tag", ["latest", "test", "alpine", "late", "last", "later", "latex", "latent", "stable",
                                 "latest-alpine", "1.27", "lts", "slim"])
def test_not_latest_typos(tag):
    assert not latest_typo(tag)


# The regular expressions images.py used before its checks became plain string code (compiling
# them cost a one-file check 1.3 ms): the reference each check is compared with.
COMPONENT = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*\Z")
DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
HOST = re.compile(rf"(?:{DOMAIN_COMPONENT}(?:\.{DOMAIN_COMPONENT})*|\[[a-fA-F0-9:]+\])\Z")
TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\Z")
ALGORITHM = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*\Z")
HEX = re.compile(r"[0-9a-fA-F]+\Z")
ONLY_ID = re.compile(r"[a-f0-9]{64}\Z")
SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")
PLACEHOLDER = re.compile(r"\$\{[^}]*\}?|\$\([^)]*\)?|\$[A-Za-z_][A-Za-z0-9_]*|\{\{.*?(?:\}\}|\Z)|<[^<>]*>")
WHITESPACE = re.compile(r"\s")

# What images.py did with each expression, to stand in for the check that replaced it.
REFERENCE = {
    "_is_component": lambda text: bool(COMPONENT.match(text)),
    "_is_host": lambda text: bool(HOST.match(text)),
    "_is_tag": lambda text: bool(TAG.match(text)),
    "_is_image_id": lambda text: bool(ONLY_ID.match(text)),
    "_has_whitespace": lambda text: bool(WHITESPACE.search(text)),
    "_placeholder": PLACEHOLDER.search,
    "_scheme": SCHEME.match,
}

# Odd characters for every alphabet: uppercase, non-ASCII letters and digits (which str methods
# such as isalnum accept), whitespace, the other separators of a reference.
ODD = ["A", "Z", "é", "ß", "ａ", "٣", "²", " ", "\t", "\n", "\x00", "/", ":", "@", "+", "!"]


def made_of(tokens):
    """Strings made of the tokens (a third of them only of the tokens, so that the near misses
    show), with long runs of one token (128 characters is the longest tag), and any text."""
    token = st.sampled_from(tokens)
    odd_token = token | st.sampled_from(ODD)
    counts = st.sampled_from([1, 2, 3, 63, 64, 65, 127, 128, 129])
    run = st.tuples(token, counts).map(lambda tn: tn[0] * tn[1])
    odd_run = st.tuples(odd_token, counts).map(lambda tn: tn[0] * tn[1])
    return (st.lists(token | run, max_size=12).map("".join) | st.lists(odd_token | odd_run, max_size=12).map("".join)
            | st.text(max_size=30))


# words between runs of separators, valid or not: "a._b", "a___b", "a-_-b"
separator_runs = st.sampled_from([".", "_", "-", "__", "--", "---", "..", "._", "_.", ".-", "-.", "_-", "-_", "___",
                                  "._.", "-_-"])
components = (
    made_of(["a", "z", "0", "9", ".", "_", "-", "__", "--"])
    | st.lists(separator_runs, min_size=1, max_size=3).map(lambda runs: "a" + "z9".join(runs) + "0")
    | st.lists(st.sampled_from(["a", "z9", "0"]) | separator_runs, max_size=8).map("".join)
)
# labels between dots, or something in brackets: "a-.b", "[::1]", "[g]"
hosts = (
    made_of(["a", "Z", "0", "f", "F", "g", "-", ".", "[", "]", ":", "_", "example.com", "[::1]"])
    | st.lists(st.sampled_from(["a", "Z9", "0", ".", "-", "é"]), max_size=8).map("".join)
    | st.text("0aAfF:g[]é", max_size=8).map(lambda inner: f"[{inner}]")
)
tags = made_of(["a", "Z", "9", "_", ".", "-", "1.27"])
hex_texts = made_of(["0", "9", "a", "f", "A", "F", "g"]) | st.text("0123456789abcdefABCDEF", min_size=63, max_size=65)
schemes = made_of(["h", "T", "1", "+", ".", "-", ":", "/", "://", "https://", "docker://"])
placeholders = made_of(["$", "{", "}", "(", ")", "<", ">", "${", "$(", "{{", "}}", "_", "A", "a", "9", ".", "-"])
whitespace = made_of(["a", " ", "\t", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\xa0", "\u1680", "\u2007",
                      "\u200b", "\u2028", "\u2029", "\u202f", "\u3000", "\ufeff"])


@settings(max_examples=500, deadline=None)
@given(components)
@example("a__b")
@example("a___b")
@example("a-.b")
def test_component_check_is_the_regular_expression(text):
    assert images._is_component(text) == REFERENCE["_is_component"](text)


@settings(max_examples=500, deadline=None)
@given(hosts)
@example("[]")
@example("[:]")
@example("a-.b")
def test_host_check_is_the_regular_expression(text):
    assert images._is_host(text) == REFERENCE["_is_host"](text)


@settings(max_examples=500, deadline=None)
@given(tags)
def test_tag_check_is_the_regular_expression(text):
    assert images._is_tag(text) == REFERENCE["_is_tag"](text)


@settings(max_examples=300, deadline=None)
@given(hex_texts)
@example(SHA)
@example(SHA.upper())
def test_image_id_and_hex_digit_checks_are_the_regular_expressions(text):
    assert images._is_image_id(text) == REFERENCE["_is_image_id"](text)
    if text:  # the digest's hex digits are checked once they are known not to be empty
        assert images._HEX_DIGITS.issuperset(text) == bool(HEX.match(text))


def test_supported_digest_algorithms_need_no_check():
    # _digest_problem matches ALGORITHM only against algorithms that are not supported
    assert all(ALGORITHM.match(name) for name in images._DIGEST_LENGTHS)


def same_match(found, expected):
    return (found and (found.group(0), found.span(), found.groups())) == (
        expected and (expected.group(0), expected.span(), expected.groups()))


@settings(max_examples=500, deadline=None)
@given(schemes)
def test_scheme_is_the_regular_expression(text):
    assert same_match(images._scheme(text), REFERENCE["_scheme"](text))


@settings(max_examples=500, deadline=None)
@given(placeholders)
@example("{")
@example("{{ a")
def test_placeholder_is_the_regular_expression(text):
    assert same_match(images._placeholder(text), REFERENCE["_placeholder"](text))


@settings(max_examples=300, deadline=None)
@given(whitespace)
def test_whitespace_check_is_the_regular_expression(text):
    assert images._has_whitespace(text) == REFERENCE["_has_whitespace"](text)


def test_whitespace_is_what_the_regular_expression_calls_whitespace_in_all_of_unicode():
    every_character = "".join(map(chr, range(0x110000)))
    assert "".join(every_character.split()) == WHITESPACE.sub("", every_character)


def parse_with_regular_expressions(ref):
    """parse_image as it was with the regular expressions."""
    parse_image.cache_clear()
    try:
        with mock.patch.multiple(images, **REFERENCE):
            return parse_image(ref)
    finally:
        parse_image.cache_clear()


references = made_of([
    "gcr.io", "localhost", "Registry.Example.com", "[::1]", "-a.io", "5000", ":", "/", "//", "@", "@sha256:", "sha256:",
    SHA, "a" * 64, "nginx", "My", "a", "0", ".", "_", "__", "-", "--", "1.27", "https://", "${X}", "$(", "{{", "<x>", "  ",
])


@settings(max_examples=1000, deadline=None)
@given(references)
@example(f"gcr.io/proj/img@sha256:{SHA}")
@example("Registry.Example.com:5000/My/app:Release-1")
def test_parse_results_and_messages_are_those_of_the_regular_expressions(ref):
    parse_image.cache_clear()
    assert parse_image(ref) == parse_with_regular_expressions(ref)
