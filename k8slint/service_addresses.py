"""In-cluster Service addresses in env values (svc.ns, svc.ns.svc[.cluster.local], pod.svc.ns.svc,
with or without a scheme, user, port and path): what KL708 looks for, and what a run's snapshot
keeps of an env value (k8slint.run_snapshot), since KL708 is the one index rule that reads env
values, and reads them only through ``addresses``."""
from __future__ import annotations

import re
from typing import Any, Optional

from k8slint.named_tuple import NamedTuple
from k8slint.naming import dns1035_label, dns1123_label
from k8slint.scalars import bounded_int

IMPLIED_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}

# Compiled on first use (re caches it): only a token with "://" can have a scheme.
SCHEME = r"(?:[A-Za-z][A-Za-z0-9+.-]*:)+//"


class Address(NamedTuple):
    text: str  # the address as written (one token of the value)
    service: str
    namespace: Optional[str]  # None: a bare name (the pod's namespace)
    port: Optional[int]
    explicit_port: bool  # written, not implied by the scheme
    pod: bool  # pod.svc.ns.svc: a pod of a headless Service


def authority_end(rest: str) -> int:
    """Where the authority (host and port) ends: at the first '/', '?' or '#', else the end."""
    found = [i for i in (rest.find("/"), rest.find("?"), rest.find("#")) if i >= 0]
    return min(found) if found else len(rest)


def addresses(value: str) -> list[Address]:
    """The in-cluster Service addresses a value may hold (see the rule's why)."""
    found = []
    for token in value.replace(",", " ").replace(";", " ").split():  # split at whitespace, ',' and ';'
        address = _address(token)
        if address is not None:
            found.append(address)
    return found


def _address(token: str) -> Optional[Address]:
    rest, scheme = token, None
    m = re.match(SCHEME, rest) if "://" in rest else None
    if m:
        scheme = m.group(0)[:-3].rsplit(":", 2)[-1].lower()
        rest = rest[m.end():]
    authority = rest[:authority_end(rest)]
    authority = authority.rsplit("@", 1)[-1]
    host, port, explicit = authority, None, False
    if ":" in authority:
        host, _, digits = authority.rpartition(":")
        number = bounded_int(digits, 5) if digits.isascii() and digits.isdigit() else None
        if number is None or not 0 < number < 65536:
            return None
        port, explicit = number, True
    elif scheme in IMPLIED_PORTS:
        port = IMPLIED_PORTS[scheme]
    labels = host[:-1].split(".") if host.endswith(".") else host.split(".")
    if not host or any(dns1123_label(label) for label in labels):
        return None
    if "svc" in labels[2:]:
        before = labels[:labels.index("svc", 2)]
        if len(before) not in (2, 3) or dns1035_label(before[-2]):
            return None
        return Address(token, before[-2], before[-1], port, explicit, len(before) == 3)
    if len(labels) == 2 and port is not None and not dns1035_label(labels[0]):
        return Address(token, labels[0], labels[1], port, explicit, False)
    if len(labels) == 1 and port is not None and (explicit or scheme) and labels[0] != "localhost":
        if not dns1035_label(labels[0]):
            return Address(token, labels[0], None, port, explicit, False)
    return None


def may_address(value: Any) -> bool:
    """Whether an env var's value may hold an address: KL708 passes over the others (not a
    string, or without "." and ":") without parsing them."""
    return isinstance(value, str) and ("." in value or ":" in value)


def address_facts(value: Any) -> Optional[tuple]:
    """What KL708 reads of an env var's value: its addresses (as tuples); None for a value it
    passes over, whatever the value."""
    return tuple(map(tuple, addresses(value))) if may_address(value) else None
