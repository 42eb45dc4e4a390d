"""KL605: a valid quantity that is almost certainly a typo: 512m of memory, 500M CPUs."""
from __future__ import annotations

import re
from fractions import Fraction
from typing import Any, Iterator, Optional

from k8slint.findings import Severity
from k8slint.quantity_sites import KINDS as QUANTITY_KINDS
from k8slint.quantity_sites import Site, describe_amount, quantity_sites
from k8slint.rule import Report, Rule

RULE = Rule(
    "KL605", "implausible-quantity", Severity.WARNING, "api-validation",
    "A valid quantity that is almost certainly a typo: memory or storage in millibytes or under "
    "1Ki, or a CPU amount of 1000 cores or more.",
    why="Kubernetes suffixes are case-sensitive and mean different things for bytes and cores: "
    "`memory: 512m` is 0.512 bytes (m is milli), `memory: 512` is 512 bytes, and `cpu: 500M` is "
    "500 million cores (M is mega). The API server accepts all of them (they are valid quantities, "
    "k8s.io/apimachinery/pkg/api/resource), and the mistake shows up later: a container whose memory "
    "limit is a few bytes is killed at start (or cannot be created: the runtime needs more memory "
    "than that), a memory request of bytes is meaningless to the scheduler, and a pod that requests "
    "1000 cores or more is never scheduled because no node has that many. Memory, ephemeral-storage, "
    "storage and hugepages are checked for fractional bytes and for amounts under 1Ki (a warning); "
    "CPU amounts of 1000 cores or more in containers, pod-level resources, pod overhead, LimitRanges "
    "and HorizontalPodAutoscaler targets are reported as errors, because such a pod can never run "
    "(ResourceQuota totals are not checked for CPU: a namespace may really have 1000 cores).",
    example="resources:\n  requests:\n    memory: 512m\n    cpu: 500M\n",
    use_instead="resources:\n  requests:\n    memory: 512Mi\n    cpu: 500m\n",
)
KINDS = QUANTITY_KINDS

KIB = 1024
CPU_IMPLAUSIBLE = 1000  # cores
_NUMBER = re.compile(r"\s*([+-]?[0-9.]+)([A-Za-z]*)\s*\Z")


def is_bytes(site: Site) -> bool:
    name = site.resource
    for prefix in ("requests.", "limits."):
        if name.startswith(prefix):
            name = name[len(prefix):]
    return site.context == "emptydir" or name in ("memory", "ephemeral-storage", "storage") or name.startswith("hugepages-")


def is_cpu(site: Site) -> bool:
    return site.resource in ("cpu", "requests.cpu", "limits.cpu")


def check(obj: Any, ctx: Any) -> Iterator[Report]:
    sites = list(quantity_sites(obj))
    if not sites:
        return
    from k8slint.quantity import parse

    for site in sites:
        if site.context == "ratio" or site.value is None or isinstance(site.value, bool):
            continue
        parsed = parse(site.value)
        amount = parsed.value
        if amount is None or amount <= 0:
            continue  # invalid, zero or negative: KL604's
        text = site.value if isinstance(site.value, str) else repr(site.value)
        if is_bytes(site):
            yield from _bytes(site, text, amount, parsed.suffix)
        elif is_cpu(site) and site.context != "quota" and amount >= CPU_IMPLAUSIBLE:
            yield from _cpu(site, text, amount, parsed.suffix)


def _bytes(site: Site, text: str, amount: Fraction, suffix: str) -> Iterator[Report]:
    number = _number(text)
    if amount.denominator != 1 or suffix in ("n", "u", "m"):
        meaning = f'{describe_amount(amount)} bytes ("{suffix}" is {_SMALL[suffix]})' if suffix in _SMALL else f"{describe_amount(amount)} bytes"
        guess = f'"{number}Mi"' if suffix == "m" and number else None
        yield Report(
            site.path,
            f"{site.resource} of {site.where} is {text}, which means {meaning}: a fraction of a byte",
            f"did you mean {guess}?" if guess else "write bytes with Ki, Mi or Gi (powers of 2), e.g. 512Mi",
        )
    elif amount < KIB:
        guess = f'"{number}Mi"' if number and suffix == "" else None
        yield Report(
            site.path,
            f"{site.resource} of {site.where} is {text}, which means {describe_amount(amount)} bytes; "
            "without a suffix a quantity of memory or storage is in bytes",
            f"did you mean {guess}?" if guess else "write bytes with Ki, Mi or Gi (powers of 2), e.g. 512Mi",
        )


def _cpu(site: Site, text: str, amount: Fraction, suffix: str) -> Iterator[Report]:
    number = _number(text)
    if suffix in ("", "M") and number:
        help = f'did you mean "{number}m" ({_cores(Fraction(number) / 1000)})? CPU is counted in cores: 1 is a core, 500m half a core'
    else:
        help = "CPU is counted in cores: 1 is a core, 500m half a core"
    meaning = f'{describe_amount(amount)} cores' + (f' ("{suffix}" is {_BIG[suffix]})' if suffix in _BIG else "")
    yield Report(
        site.path,
        f"{site.resource} of {site.where} is {text}, which means {meaning}: no node has that many, "
        "so a pod asking for it is never scheduled",
        help,
        severity=Severity.ERROR,
    )


_SMALL = {"n": "nano, a billionth", "u": "micro, a millionth", "m": "milli, a thousandth"}
_BIG = {"k": "kilo, a thousand", "M": "mega, a million", "G": "giga, a billion", "T": "tera", "P": "peta",
        "E": "exa", "Ki": "1024", "Mi": "1024²", "Gi": "1024³"}


def _number(text: str) -> Optional[str]:
    m = _NUMBER.match(text)
    if not m:
        return None
    try:
        Fraction(m.group(1))
    except (ValueError, ZeroDivisionError):
        return None
    return m.group(1)


def _cores(cores: Fraction) -> str:
    if cores == 1:
        return "one core"
    if cores == Fraction(1, 2):
        return "half a core"
    return f"{describe_amount(cores)} cores"
