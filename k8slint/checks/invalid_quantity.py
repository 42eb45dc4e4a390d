"""KL604: a resource quantity the API server cannot parse, or a negative, zero or fractional
one where its validation forbids that."""
from __future__ import annotations

import re
from typing import Any, Iterator, Optional

from k8slint.findings import Severity
from k8slint.quantity_sites import KINDS as QUANTITY_KINDS
from k8slint.quantity_sites import Site, quantity_sites
from k8slint.resource_names import is_integer_resource
from k8slint.rule import Report, Rule

RULE = Rule(
    "KL604", "invalid-quantity", Severity.ERROR, "api-validation",
    "A resource quantity that is not a Kubernetes quantity (`1GB`, `1Gib`, `1.5.0`), or a negative, "
    "zero or fractional one where the API server forbids it.",
    why="The OpenAPI schema types quantities as int-or-string, so `memory: 1GB` passes schema "
    "validation, but the API server parses every quantity with k8s.io/apimachinery/pkg/api/resource "
    "(ParseQuantity): a number (sign, digits, an optional '.') and one optional suffix, n u m k M G T P E "
    "(powers of 10), Ki Mi Gi Ti Pi Ei (powers of 2) or a decimal exponent such as e3. `GB`, `gb`, "
    "`Gib`, `K`, inner spaces and a second '.' are rejected (\"quantities must match the regular "
    "expression\" or \"unable to parse quantity's suffix\"). YAML numbers (2, 0.5, 1e3) are "
    "quantities too. Validation then adds (pkg/apis/core/validation): container and pod-level "
    "requests and limits, pod overhead and ResourceQuota hard limits must not be negative "
    "(ValidateResourceQuantityValue, ValidateNonnegativeQuantity), and extended resources such as "
    "nvidia.com/gpu and quota counts such as pods must be whole numbers (IsIntegerResourceName, "
    "\"must be an integer\"); a PersistentVolumeClaim's storage request and a PersistentVolume's "
    "capacity must be greater than zero (ValidatePositiveQuantityValue); an emptyDir sizeLimit must "
    "not be negative; HorizontalPodAutoscaler target values must be positive (validateMetricTarget). "
    "Checked in pod specs (containers, init and ephemeral containers, overhead, pod-level resources, "
    "emptyDir and ephemeral volumes), PersistentVolumeClaims, StatefulSet volumeClaimTemplates, "
    "PersistentVolumes, LimitRanges, ResourceQuotas, RuntimeClass overhead and HorizontalPodAutoscalers.",
    example="resources:\n  requests:\n    memory: 1GB\n    cpu: 0.5 cores\n",
    use_instead="resources:\n  requests:\n    memory: 1Gi\n    cpu: 500m\n",
)
KINDS = QUANTITY_KINDS

# What the API server's validation requires of a site's sign, beyond parsing.
NONNEGATIVE = {"container", "pod", "overhead", "quota", "emptydir"}
POSITIVE = {"claim", "capacity", "hpa"}
INTEGER_CHECKED = {"container", "pod", "overhead", "quota"}  # ValidateResourceQuantityValue


def check(obj: Any, ctx: Any) -> Iterator[Report]:
    for site in quantity_sites(obj):
        yield from _check_site(site)


def _check_site(site: Site) -> Iterator[Report]:
    from k8slint.quantity import NANOS_PER_UNIT, parse  # imported only when there is a quantity

    value = site.value
    if value is None or isinstance(value, (bool, list, dict)):
        return  # wrong types are the schema's (KL011)
    parsed = parse(value)
    if parsed.nanos is None:
        shown = value if isinstance(value, str) else repr(value)
        hint = suggest(shown) if isinstance(value, str) else None
        yield Report(
            site.path,
            f'{site.resource}: invalid quantity "{shown}"' + _reason(parsed, shown),
            f"did you mean {hint}?" if hint else QUANTITY_HELP,
        )
        return
    nanos = parsed.nanos
    text = value if isinstance(value, str) else repr(value)
    if site.context in NONNEGATIVE and nanos < 0:
        yield Report(
            site.path,
            f"{site.resource} of {site.where} is negative ({text}): the API server requires at least 0 "
            "(\"must be greater than or equal to 0\")",
            f"use {text.strip().lstrip('-')}" if text.strip().startswith("-") else "use a value of 0 or more",
        )
    elif site.context in POSITIVE and nanos <= 0:
        yield Report(
            site.path,
            f"{site.resource} of {site.where} is {text}: the API server requires more than zero",
            "use a positive target" if site.context == "hpa" else "give the size the volume needs, e.g. 1Gi",
        )
    elif site.context in INTEGER_CHECKED and is_integer_resource(site.resource) and nanos % NANOS_PER_UNIT:
        yield Report(
            site.path,
            f"{site.resource} of {site.where} is {text}, not a whole number: {site.resource} is counted in "
            "whole units (\"must be an integer\")",
            f"use {max(1, nanos // NANOS_PER_UNIT)}" if nanos > 0 else "use a whole number",
        )


QUANTITY_HELP = (
    "write a number with an optional suffix: n u m k M G T P E (powers of 10) or Ki Mi Gi Ti Pi Ei "
    '(powers of 2), e.g. "512Mi", "1.5Gi" or "250m"'
)
_SUFFIXES = ("n", "u", "m", "", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei")
_WRITTEN = r"([+-]?)\s*([0-9][0-9_,]*(?:\.[0-9]*)?|\.[0-9]+)\s*([A-Za-z]*)"  # compiled on first use (re caches it)
_CPU_WORDS = {"core": "", "cores": "", "cpu": "", "cpus": "", "vcpu": "", "vcpus": "",
              "millicore": "m", "millicores": "m", "millicpu": "m", "millicpus": "m", "mcpu": "m"}


def suggest(text: str) -> Optional[str]:
    """'"1G" or "1Gi"' for "1GB": the valid quantities the text most likely means, or None."""
    from k8slint.quantity import parse

    m = re.fullmatch(_WRITTEN, text.strip())
    if not m:
        return None
    sign, number, unit = m.groups()
    number = number.replace("_", "")
    if "," in number:
        whole, _, rest = number.partition(",")
        if "," not in rest and "." not in number and len(rest) != 3:
            number = f"{whole}.{rest}"  # a decimal comma: 1,5Gi
        else:
            number = number.replace(",", "")  # thousands separators: 1,000
    candidates: list[str]
    lower = unit.lower()
    if unit in _SUFFIXES:
        candidates = [unit]
    elif lower in _CPU_WORDS:
        candidates = [_CPU_WORDS[lower]]
    elif lower in ("b", "byte", "bytes"):
        candidates = [""]
    else:
        if lower.endswith("ib") and len(lower) == 3:
            lower = lower[:-1]  # GiB, Gib, gib → gi
        elif lower.endswith("b") and len(lower) == 2:
            lower = lower[:-1]  # GB, Gb, gb → g
        if len(lower) == 2 and lower[1] == "i" and lower[0] in "kmgtpe":
            candidates = [lower[0].upper() + "i"]
        elif len(lower) == 1 and lower in "kmgtpe":
            candidates = [{"k": "k"}.get(lower, lower.upper()), lower.upper() + "i"]
        else:
            return None
    found: list[str] = []
    for suffix in candidates:
        candidate = f"{sign}{number}{suffix}"
        if candidate != text and candidate not in found and parse(candidate).nanos is not None:
            found.append(candidate)
    return " or ".join(f'"{c}"' for c in found) or None


def _reason(parsed: Any, text: str) -> str:
    from k8slint import quantity

    if parsed.error == quantity.SUFFIX:
        return f': unknown suffix "{parsed.suffix}"'
    if parsed.error == quantity.EMPTY:
        return ": it is empty"
    if parsed.error == quantity.NUMERIC:
        return ": it has no digits"
    if isinstance(text, str) and text != text.strip():
        return ": only spaces may surround it"
    return ""
