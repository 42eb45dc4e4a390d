"""KL605: a valid quantity that is almost certainly a typo: 512m of memory, 500M CPUs."""
from __future__ import annotations

import re
from typing import Any, Iterator, Optional

from k8slint.findings import Severity
from k8slint.quantity_sites import KINDS as QUANTITY_KINDS
from k8slint.quantity_sites import NANOS_PER_UNIT, Site, describe_amount, describe_ratio, quantity_sites
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
# A decimal number as written ("512", "1.5", ".5", "2."; not "1.2.3"), then letters: the digits a
# "did you mean" reuses.
_NUMBER = r"\s*([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))([A-Za-z]*)\s*\Z"  # compiled on first use (re caches it)


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
        nanos = parsed.nanos
        if nanos is None or nanos <= 0:
            continue  # invalid, zero or negative: KL604's
        text = site.value if isinstance(site.value, str) else repr(site.value)
        if is_bytes(site):
            yield from _bytes(site, text, nanos, parsed.suffix)
        elif is_cpu(site) and site.context != "quota" and nanos >= CPU_IMPLAUSIBLE * NANOS_PER_UNIT:
            yield from _cpu(site, text, nanos, parsed.suffix)


def _bytes(site: Site, text: str, nanos: int, suffix: str) -> Iterator[Report]:
    # _number only for a finding: its pattern is compiled on first use
    if nanos % NANOS_PER_UNIT or suffix in ("n", "u", "m"):
        meaning = f'{describe_amount(nanos)} bytes' + (f' ("{suffix}" is {_SMALL[suffix]})' if suffix in _SMALL else "")
        number = _number(text) if suffix == "m" else None
        guess = f'"{number}Mi"' if number else None
        yield Report(
            site.path,
            f"{site.resource} of {site.where} is {text}, which means {meaning}: a fraction of a byte",
            f"did you mean {guess}?" if guess else "write bytes with Ki, Mi or Gi (powers of 2), e.g. 512Mi",
        )
    elif nanos < KIB * NANOS_PER_UNIT:
        number = _number(text) if suffix == "" else None
        guess = f'"{number}Mi"' if number else None
        yield Report(
            site.path,
            f"{site.resource} of {site.where} is {text}, which means {describe_amount(nanos)} bytes; "
            "without a suffix a quantity of memory or storage is in bytes",
            f"did you mean {guess}?" if guess else "write bytes with Ki, Mi or Gi (powers of 2), e.g. 512Mi",
        )


def _cpu(site: Site, text: str, nanos: int, suffix: str) -> Iterator[Report]:
    number = _number(text)
    if suffix in ("", "M") and number:
        help = f'did you mean "{number}m" ({_millicores(number)})? CPU is counted in cores: 1 is a core, 500m half a core'
    else:
        help = "CPU is counted in cores: 1 is a core, 500m half a core"
    meaning = f'{describe_amount(nanos)} cores' + (f' ("{suffix}" is {_BIG[suffix]})' if suffix in _BIG else "")
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
    m = re.match(_NUMBER, text)
    # a did-you-mean rewrites a number someone meant; not one of thousands of digits
    return m.group(1) if m and len(m.group(1)) <= 40 else None


def _millicores(number: str) -> str:
    """How many cores ``number`` millicores are, exactly: the number as written may have more
    decimals than a nano-unit holds ("1000.0000000001"), so it is read as a ratio of ints."""
    whole, _, frac = number.lstrip("+-").partition(".")
    numerator = int(whole + frac or "0") * (-1 if number.startswith("-") else 1)
    denominator = 1000 * 10 ** len(frac)
    if numerator == denominator:
        return "one core"
    if 2 * numerator == denominator:
        return "half a core"
    return f"{describe_ratio(numerator, denominator)} cores"
