"""Where the resource quantities of a built-in object are, and what each one is for.

``quantity_sites`` finds every quantity (container and pod-level requests and limits, pod
overhead, emptyDir and claim sizes, PersistentVolume capacity, ResourceQuota and LimitRange
amounts, HorizontalPodAutoscaler targets) as a ``Site``: its path, resource name, value and
context, the last telling what the API server's validation requires of it. ``describe_amount``
writes an exact amount (in nano-units, as k8slint.quantity parses it) for a message.
"""
from __future__ import annotations

from typing import Any, Iterator

from k8slint.builtin import api_group, is_builtin
from k8slint.named_tuple import NamedTuple
from k8slint.workloads import TEMPLATE_PATHS, as_dict, as_list, containers, pod_template

# Kinds with quantities: pods and workloads, storage, quota and limit kinds, autoscalers.
KINDS = frozenset(TEMPLATE_PATHS) | {
    "Pod", "PersistentVolumeClaim", "PersistentVolume", "ResourceQuota", "LimitRange", "RuntimeClass",
    "HorizontalPodAutoscaler",
}


class Site(NamedTuple):
    path: tuple  # to the value
    resource: str  # "memory", "requests.cpu", "nvidia.com/gpu", "sizeLimit", ...
    value: Any
    where: str  # 'container "web"', "ResourceQuota compute", ...
    context: str  # container, pod, overhead, quota, limitrange, ratio, storage, claim, capacity, emptydir, hpa


def quantity_sites(obj: Any) -> Iterator[Site]:
    """Every resource quantity of a built-in object, with what its validation requires."""
    if not is_builtin(obj):
        return
    kind = obj.kind
    data = obj.data
    spec = as_dict(data.get("spec"))
    template = pod_template(obj, "")
    if template is not None:
        yield from _pod_spec(template.spec, template.spec_path)
    if kind == "PersistentVolumeClaim" and api_group(obj) == "":
        yield from _claim_spec(spec, ("spec",), f"PersistentVolumeClaim {obj.name or '<unnamed>'}")
    elif kind == "StatefulSet":
        for i, claim in enumerate(as_list(spec.get("volumeClaimTemplates"))):
            claim = as_dict(claim)
            name = as_dict(claim.get("metadata")).get("name")
            yield from _claim_spec(
                as_dict(claim.get("spec")), ("spec", "volumeClaimTemplates", i, "spec"),
                f'volumeClaimTemplate "{name}"' if isinstance(name, str) else f"volumeClaimTemplates[{i}]",
            )
    elif kind == "PersistentVolume" and api_group(obj) == "":
        yield from _resource_map(spec.get("capacity"), ("spec", "capacity"), f"PersistentVolume {obj.name}", "capacity")
    elif kind == "ResourceQuota" and api_group(obj) == "":
        yield from _resource_map(spec.get("hard"), ("spec", "hard"), f"ResourceQuota {obj.name}", "quota")
    elif kind == "LimitRange" and api_group(obj) == "":
        for i, item in enumerate(as_list(spec.get("limits"))):
            item = as_dict(item)
            where = f"LimitRange {obj.name} limits[{i}]"
            for field in ("max", "min", "default", "defaultRequest"):
                yield from _resource_map(item.get(field), ("spec", "limits", i, field), where, "limitrange")
            yield from _resource_map(item.get("maxLimitRequestRatio"), ("spec", "limits", i, "maxLimitRequestRatio"), where, "ratio")
    elif kind == "RuntimeClass":
        podfixed = as_dict(data.get("overhead")).get("podFixed")
        yield from _resource_map(podfixed, ("overhead", "podFixed"), f"RuntimeClass {obj.name}", "overhead")
    elif kind == "HorizontalPodAutoscaler":
        yield from _hpa(spec)


def _pod_spec(spec: dict[str, Any], base: tuple) -> Iterator[Site]:
    for path, container in containers(spec, base):
        name = container.get("name")
        field = path[-2]
        who = {"initContainers": "init container", "ephemeralContainers": "ephemeral container"}.get(field, "container")
        where = f'{who} "{name}"' if isinstance(name, str) else f"{field}[{path[-1]}]"
        resources = as_dict(container.get("resources"))
        for part in ("requests", "limits"):
            yield from _resource_map(resources.get(part), path + ("resources", part), where, "container")
    resources = as_dict(spec.get("resources"))
    for part in ("requests", "limits"):
        yield from _resource_map(resources.get(part), base + ("resources", part), "the pod-level resources", "pod")
    yield from _resource_map(spec.get("overhead"), base + ("overhead",), "the pod overhead", "overhead")
    for i, volume in enumerate(as_list(spec.get("volumes"))):
        volume = as_dict(volume)
        name = volume.get("name")
        vwhere = f'volume "{name}"' if isinstance(name, str) else f"volumes[{i}]"
        empty = volume.get("emptyDir")
        if isinstance(empty, dict) and "sizeLimit" in empty:
            yield Site(base + ("volumes", i, "emptyDir", "sizeLimit"), "sizeLimit", empty["sizeLimit"], vwhere, "emptydir")
        claim = as_dict(as_dict(volume.get("ephemeral")).get("volumeClaimTemplate"))
        if claim:
            yield from _claim_spec(as_dict(claim.get("spec")), base + ("volumes", i, "ephemeral", "volumeClaimTemplate", "spec"), vwhere)


def _claim_spec(spec: dict[str, Any], base: tuple, where: str) -> Iterator[Site]:
    resources = as_dict(spec.get("resources"))
    for part in ("requests", "limits"):
        for site in _resource_map(resources.get(part), base + ("resources", part), where, "storage"):
            if part == "requests" and site.resource == "storage":
                site = site._replace(context="claim")  # ValidatePersistentVolumeClaimSpec: > 0
            yield site


def _resource_map(resources: Any, path: tuple, where: str, context: str) -> Iterator[Site]:
    if not isinstance(resources, dict):
        return
    for name, value in resources.items():
        if isinstance(name, str):
            yield Site(path + (name,), name, value, where, context)


def _hpa(spec: dict[str, Any]) -> Iterator[Site]:
    for i, metric in enumerate(as_list(spec.get("metrics"))):
        metric = as_dict(metric)
        for source in ("resource", "containerResource", "pods", "object", "external"):
            block = metric.get(source)
            if not isinstance(block, dict):
                continue
            target = as_dict(block.get("target"))
            resource = block.get("name") if source in ("resource", "containerResource") else None
            name = resource if isinstance(resource, str) else "metric"
            for field in ("value", "averageValue"):
                if field in target:
                    yield Site(("spec", "metrics", i, source, "target", field), name, target[field], f"metrics[{i}]", "hpa")


NANOS_PER_UNIT = 10**9  # as in k8slint.quantity, which is imported only when a value is parsed


def describe_amount(nanos: int) -> str:
    """A readable decimal for an amount in nano-units ('0.512' for 512_000_000, '500,000,000')."""
    return describe_ratio(nanos, NANOS_PER_UNIT)


def describe_ratio(numerator: int, denominator: int) -> str:
    """A readable decimal for the exact amount numerator / denominator (denominator > 0)."""
    whole, rest = divmod(numerator, denominator)
    if rest == 0:
        return f"{whole:,}" if abs(whole) >= 10000 else str(whole)
    # int / int is correctly rounded, so this is the float of the exact ratio
    return f"{numerator / denominator:.9g}"
