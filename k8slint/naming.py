"""The name formats the Kubernetes API server enforces (k8s.io/apimachinery/pkg/util/validation).

Each function returns the problems of a value, worded like the API server's messages but
aimed at a person ("must be at most 63 characters", "must start and end with a lowercase
letter or digit"); an empty list means the value is valid. The ``fix_*`` functions and
``shorten`` turn an invalid value into the valid one it most likely meant, for help lines.
"""
from __future__ import annotations

import re
from typing import Optional

DNS1123_LABEL_MAX = 63
DNS1123_SUBDOMAIN_MAX = 253
QUALIFIED_NAME_MAX = 63
LABEL_VALUE_MAX = 63
IANA_SVC_NAME_MAX = 15

# The API server's patterns, as character sets: every check run validates names, and compiling
# the regular expressions cost it about 1 ms (tests/test_naming.py compares the two on
# generated names).
_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")
_LOWER_ALNUM = _LOWER | frozenset("0123456789")  # [a-z0-9]
_LOWER_ALNUM_DASH = _LOWER_ALNUM | {"-"}  # [-a-z0-9]
_ALNUM = _LOWER_ALNUM | frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")  # [A-Za-z0-9]
_NAME_CHARS = _ALNUM | frozenset("-_.")  # [-A-Za-z0-9_.]


def _is_dns1123_label(value: str) -> bool:
    """[a-z0-9]([-a-z0-9]*[a-z0-9])?"""
    return (
        bool(value) and value[0] in _LOWER_ALNUM and value[-1] in _LOWER_ALNUM and _LOWER_ALNUM_DASH.issuperset(value)
    )


def _is_qualified_name(value: str) -> bool:
    """([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"""
    return bool(value) and value[0] in _ALNUM and value[-1] in _ALNUM and _NAME_CHARS.issuperset(value)
_LABEL_CHARS = r"[^A-Za-z0-9._-]"  # compiled on first use (re caches it)


def _too_long(value: str, limit: int) -> list[str]:
    return [f"must be at most {limit} characters (it has {len(value)})"] if len(value) > limit else []


def dns1123_label(value: str) -> list[str]:
    """Names of Namespaces, and of most objects whose name becomes a DNS label."""
    problems = _too_long(value, DNS1123_LABEL_MAX)
    if not _is_dns1123_label(value):
        problems.append(
            "must consist of lowercase letters, digits and '-', and start and end with a letter or digit"
        )
    return problems


def dns1123_subdomain(value: str) -> list[str]:
    """Names of most objects (Deployments, ConfigMaps, Secrets, ...)."""
    problems = _too_long(value, DNS1123_SUBDOMAIN_MAX)
    if not all(_is_dns1123_label(part) for part in value.split(".")):  # labels joined by '.'
        problems.append(
            "must consist of lowercase letters, digits, '-' and '.', and start and end with a letter or digit"
        )
    return problems


def dns1035_label(value: str) -> list[str]:
    """Names of Services (they become DNS labels that must start with a letter)."""
    problems = _too_long(value, DNS1123_LABEL_MAX)
    if not (_is_dns1123_label(value) and value[0] in _LOWER):  # [a-z]([-a-z0-9]*[a-z0-9])?
        problems.append(
            "must consist of lowercase letters, digits and '-', start with a letter and end with a letter or digit"
        )
    return problems


def qualified_name(value: str) -> list[str]:
    """Label and annotation keys: an optional DNS-subdomain prefix and '/', then a name."""
    prefix, slash, name = value.rpartition("/")
    problems = []
    if slash:
        if not prefix:
            problems.append("the prefix before '/' must not be empty")
        else:
            problems.extend(f"prefix {prefix!r} {p}" for p in dns1123_subdomain(prefix))
    if not name:
        problems.append("the name part must not be empty")
        return problems
    problems.extend(f"name part {name!r} {p}" if slash else p for p in _too_long(name, QUALIFIED_NAME_MAX))
    if not _is_qualified_name(name):
        what = f"name part {name!r} " if slash else ""
        problems.append(
            f"{what}must consist of letters, digits, '-', '_' and '.', and start and end with a letter or digit"
        )
    if value.count("/") > 1:
        problems.append("must contain at most one '/'")
    return problems


def label_value(value: str) -> list[str]:
    problems = _too_long(value, LABEL_VALUE_MAX)
    if value and not _is_qualified_name(value):  # empty, or a qualified name's characters
        problems.append(
            "must be empty or consist of letters, digits, '-', '_' and '.', and start and end with a letter or digit"
        )
    return problems


def iana_svc_name(value: str) -> list[str]:
    """Port names: at most 15 lowercase letters, digits and '-', with a letter, no '--'."""
    problems = _too_long(value, IANA_SVC_NAME_MAX)
    if not value or not _LOWER_ALNUM_DASH.issuperset(value):  # [-a-z0-9]+
        problems.append("must consist of lowercase letters, digits and '-'")
    elif _LOWER.isdisjoint(value):
        problems.append("must contain at least one letter")
    if "--" in value:
        problems.append("must not contain '--'")
    if value.startswith("-") or value.endswith("-"):
        problems.append("must not start or end with '-'")
    return problems


def fix_label_value(value: str) -> Optional[str]:
    """The value with invalid characters replaced by '-', trimmed to what a label allows."""
    fixed = re.sub(_LABEL_CHARS, "-", value.strip())
    fixed = re.sub(r"-{2,}", "-", fixed)
    fixed = _trim(shorten(_trim(fixed), LABEL_VALUE_MAX))
    return fixed if fixed != value and not label_value(fixed) else None


def fix_qualified_name(key: str) -> Optional[str]:
    """The key with its prefix lowercased and invalid characters replaced, or None."""
    prefix, slash, name = key.strip().partition("/")
    if not slash:
        prefix, name = "", prefix
    prefix = re.sub(r"[^a-z0-9.-]", "-", prefix.lower()).strip("-.")
    prefix = ".".join(p.strip("-") for p in prefix.split(".") if p.strip("-"))
    name = re.sub(r"-{2,}", "-", re.sub(_LABEL_CHARS, "-", name))  # a second '/' becomes '-'
    name = _trim(shorten(_trim(name), QUALIFIED_NAME_MAX))
    fixed = f"{prefix}/{name}" if prefix else name
    return fixed if fixed != key and fixed and not qualified_name(fixed) else None


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word boundary ('-', '.', '_') when one is near."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    boundary = max(cut.rfind("-"), cut.rfind("."), cut.rfind("_"))
    return cut[:boundary] if boundary >= limit * 2 // 3 else cut


def _trim(text: str) -> str:
    """Without leading and trailing characters that are not letters or digits."""
    return re.sub(r"^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "", text)
