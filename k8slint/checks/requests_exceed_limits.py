"""KL606: a container requests more of a resource than its limit (or, for GPUs and hugepages,
a different amount)."""
from __future__ import annotations

from typing import Any, Iterator

from k8slint.builtin import api_group, is_builtin
from k8slint.findings import Severity
from k8slint.resource_names import is_overcommit_allowed
from k8slint.rule import Report, Rule
from k8slint.workloads import POD_KINDS, as_dict, as_list, containers, pod_template

RULE = Rule(
    "KL606", "requests-exceed-limits", Severity.ERROR, "api-validation",
    "A container (or pod, or LimitRange default) requests more of a resource than its limit; for "
    "extended resources and hugepages, anything but exactly its limit.",
    why="The API server's validateResourceRequirements (pkg/apis/core/validation, for every "
    "container and init container and for pod-level resources) rejects a request greater than the "
    "limit of the same resource (\"must be less than or equal to cpu limit of 1\"). Resources that "
    "cannot be overcommitted, extended resources such as nvidia.com/gpu and hugepages-*, need the "
    "request to equal the limit (\"must be equal to ... limit\") and a limit whenever there is a "
    "request (\"Limit must be set for non overcommitable resources\"). ValidateLimitRange applies the "
    "same rules to a LimitRange's defaultRequest and default. The schema cannot compare two fields, "
    "so `kubectl apply` is the first to tell; quantities are compared exactly, so 1Gi against 1000Mi "
    "and 0.5 against 500m come out right.",
    example="resources:\n  requests:\n    memory: 2Gi\n  limits:\n    memory: 1Gi\n",
    use_instead="resources:\n  requests:\n    memory: 1Gi\n  limits:\n    memory: 2Gi\n",
)
KINDS = POD_KINDS | {"LimitRange"}


def check(obj: Any, ctx: Any) -> Iterator[Report]:
    if not is_builtin(obj):
        return
    template = pod_template(obj, "")
    if template is not None:
        for path, container in containers(template.spec, template.spec_path):
            name = container.get("name")
            field = path[-2]
            who = {"initContainers": "init container", "ephemeralContainers": "ephemeral container"}.get(field, "container")
            where = f'{who} "{name}"' if isinstance(name, str) else f"{field}[{path[-1]}]"
            resources = as_dict(container.get("resources"))
            yield from _compare(resources.get("requests"), resources.get("limits"), path + ("resources",), where, "request", "limit")
        resources = as_dict(template.spec.get("resources"))
        yield from _compare(resources.get("requests"), resources.get("limits"), template.spec_path + ("resources",),
                            "the pod-level resources", "request", "limit")
    if obj.kind == "LimitRange" and api_group(obj) == "":
        for i, item in enumerate(as_list(as_dict(obj.data.get("spec")).get("limits"))):
            item = as_dict(item)
            yield from _compare(item.get("defaultRequest"), item.get("default"), ("spec", "limits", i),
                                f"LimitRange {obj.name} limits[{i}]", "defaultRequest", "default")


def _compare(requests: Any, limits: Any, base: tuple, where: str, request_field: str, limit_field: str) -> Iterator[Report]:
    from k8slint.quantity import parse_nanos

    if not isinstance(requests, dict):
        return
    limits = limits if isinstance(limits, dict) else {}
    req_key = "requests" if request_field == "request" else request_field
    lim_key = "limits" if limit_field == "limit" else limit_field
    for name, requested in requests.items():
        if not isinstance(name, str):
            continue
        want = parse_nanos(requested)
        if want is None:
            continue  # KL604's
        path = base + (req_key, name)
        shown = _show(requested)
        if name not in limits:
            if not is_overcommit_allowed(name) and limit_field == "limit":
                yield Report(
                    path,
                    f"{name} {request_field} of {where} is {shown} but it sets no {name} limit: {name} cannot "
                    "be overcommitted, so the API server requires a limit (\"Limit must be set for non "
                    "overcommitable resources\")",
                    f"add limits: {{{name}: {shown}}} (the request and the limit must be equal)",
                )
            continue
        have = parse_nanos(limits[name])
        if have is None:
            continue
        limit_shown = _show(limits[name])
        container = request_field == "request"
        if not is_overcommit_allowed(name) and want != have:
            quote = (f"must be equal to {name} limit of {limit_shown}" if container else
                     f"default value {limit_shown} must equal to defaultRequest value {shown} in {name}")
            yield Report(
                path,
                f"{name} {request_field} of {where} is {shown} but its {limit_field} is {limit_shown}: {name} "
                f'cannot be overcommitted, so the API server requires them to be equal ("{quote}")',
                f"set both to the same amount, e.g. {limit_shown}",
            )
        elif want > have:
            quote = (f"must be less than or equal to {name} limit of {limit_shown}" if container else
                     f"default request value {shown} is greater than default limit value {limit_shown}")
            yield Report(
                path,
                f"{name} {request_field} of {where} is {shown}, more than its {limit_field} {limit_shown}: the API "
                f'server requires {req_key} <= {lim_key} ("{quote}")',
                f"lower the {request_field} to at most {limit_shown}, or raise the {limit_field} to at least {shown}",
            )


def _show(value: Any) -> str:
    return value.strip() if isinstance(value, str) else repr(value) if isinstance(value, float) else str(value)
