"""KL304: an Ingress backend naming a Service, or a Service port, that does not exist."""
from __future__ import annotations

from typing import Any, Iterator

from k8slint.findings import Severity
from k8slint.rule import Report, Rule
from k8slint.suggest import closest, did_you_mean
from k8slint.workloads import as_dict, as_list

RULE = Rule(
    "KL304", "ingress-backend-missing", Severity.ERROR, "references",
    "An Ingress routes to a Service that does not exist, or to a port that the Service does not expose.",
    why="An Ingress backend names a Service in the Ingress's namespace and one of its ports, by "
    "number (the Service's `port`, not the targetPort) or by name. When either is wrong, kubectl "
    "apply succeeds but the ingress controller answers 503 for that path. Services in other "
    "files count when they are checked too or given with --context.",
    example="kind: Ingress\nspec:\n  rules:\n    - http:\n        paths:\n          - path: /\n"
    "            pathType: Prefix\n            backend:\n              service:\n"
    "                name: web\n                port: {number: 8080}  # the Service exposes 80\n",
    use_instead="            backend:\n              service:\n                name: web\n"
    "                port: {number: 80}\n",
)
# The kind it reports on: without a checked Ingress, the rule is not even imported.
KINDS = ("Ingress",)
# It reads no label, only Ingress backends and the names and ports of Services: a warm run whose
# edits changed only labels keeps its findings (see k8slint.run_snapshot).
READS_LABELS = False
# Of the facts a warm run keeps apart (see k8slint.run_snapshot.PARTS), it reads ports, not
# replicas: an edit of only replicas does not run it again.
READS_FACTS = frozenset({"ports"})


def check_index(index: Any, ctx: Any) -> Iterator[Report]:
    for ingress in index.checked("Ingress"):
        if ingress.api_version != "networking.k8s.io/v1":
            continue  # older Ingress APIs (serviceName/servicePort) are removed
        spec = as_dict(ingress.data.get("spec"))
        namespace = index.namespace(ingress)
        who = f"Ingress {namespace}/{ingress.name or '<unnamed>'}"
        for path, backend in _backends(spec):
            service_ref = backend.get("service")
            if not isinstance(service_ref, dict):
                continue  # a resource backend, or a schema error
            name = service_ref.get("name")
            if not isinstance(name, str) or not name:
                continue
            at = path + ("service",)
            services = index.get("Service", namespace, name)
            if not services:
                if index.may_miss(ingress):
                    continue
                yield Report(
                    at + ("name",),
                    f"{who} routes to Service \"{name}\", but no Service {name} is in namespace {namespace}",
                    _missing_help(index, name, namespace), obj=ingress,
                )
                continue
            yield from _check_port(index, ingress, who, services, as_dict(service_ref.get("port")), at)


def _backends(spec: dict[str, Any]) -> Iterator[tuple[tuple, dict[str, Any]]]:
    default = spec.get("defaultBackend")
    if isinstance(default, dict):
        yield ("spec", "defaultBackend"), default
    for i, rule in enumerate(as_list(spec.get("rules"))):
        http = as_dict(as_dict(rule).get("http"))
        for j, item in enumerate(as_list(http.get("paths"))):
            backend = as_dict(item).get("backend") if isinstance(item, dict) else None
            if isinstance(backend, dict):
                yield ("spec", "rules", i, "http", "paths", j, "backend"), backend


def _check_port(
    index: Any, ingress: Any, who: str, services: list[Any], port: dict[str, Any], at: tuple,
) -> Iterator[Report]:
    service = services[0]
    sspec = service.data.get("spec")
    if not isinstance(sspec, dict) or not isinstance(sspec.get("ports", []), list):
        return  # a schema error
    if sspec.get("type") == "ExternalName":
        return  # the controller connects to the external name at the Ingress's port
    ports = [as_dict(p) for p in as_list(sspec.get("ports"))]
    numbers = [p.get("port") for p in ports if isinstance(p.get("port"), int) and not isinstance(p.get("port"), bool)]
    names = [p.get("name") for p in ports if isinstance(p.get("name"), str) and p.get("name")]
    target = f"Service {index.namespace(service)}/{service.name}"
    exposes = _exposes(ports)
    number, name = port.get("number"), port.get("name")
    if isinstance(number, int) and not isinstance(number, bool):
        if any(number in _numbers(s) for s in services):
            return
        message = f"{who} routes to port {number} of {target}, which exposes {exposes}"
        yield Report(at + ("port", "number"), message, _number_help(number, numbers, ports), obj=ingress)
    elif isinstance(name, str) and name:
        if any(name in _names(s) for s in services):
            return
        message = f"{who} routes to port \"{name}\" of {target}, which exposes {exposes}"
        yield Report(at + ("port", "name"), message, _name_help(name, names, ports), obj=ingress)


def _numbers(service: Any) -> set[int]:
    return {
        p.get("port") for p in map(as_dict, as_list(as_dict(service.data.get("spec")).get("ports")))
        if isinstance(p.get("port"), int)
    }


def _names(service: Any) -> set[str]:
    return {
        p.get("name") for p in map(as_dict, as_list(as_dict(service.data.get("spec")).get("ports")))
        if isinstance(p.get("name"), str)
    }


def _exposes(ports: list[dict[str, Any]]) -> str:
    shown = []
    for p in ports:
        number, name = p.get("port"), p.get("name")
        if isinstance(name, str) and name:
            shown.append(f"{number} ({name})")
        elif number is not None:
            shown.append(str(number))
    return "only " + ", ".join(shown) if shown else "no port"


def _number_help(number: int, numbers: list[Any], ports: list[dict[str, Any]]) -> str:
    if not numbers:
        return "add the port to the Service's spec.ports"
    for p in ports:
        if p.get("targetPort") == number and p.get("port") in numbers:
            return (
                f"{number} is the Service's targetPort; an Ingress names the Service's own port: "
                f"did you mean number: {p.get('port')}?"
            )
    if len(numbers) == 1:
        return f"did you mean number: {numbers[0]}?"
    near = closest(str(number), [str(n) for n in numbers], limit=2)
    if near:
        return "did you mean " + " or ".join(f"number: {n}" for n in near) + "?"
    return "use one of the Service's ports: " + ", ".join(str(n) for n in numbers)


def _name_help(name: str, names: list[str], ports: list[dict[str, Any]]) -> str:
    hint = did_you_mean(name, names)
    if hint:
        return hint
    if names:
        return "use one of the Service's port names: " + ", ".join(f'"{n}"' for n in names)
    numbers = [p.get("port") for p in ports if p.get("port") is not None]
    if numbers:
        return f"the Service's ports have no names: name one \"{name}\", or use port.number: {numbers[0]}"
    return "add the port to the Service's spec.ports"


def _missing_help(index: Any, name: str, namespace: str) -> str:
    hint = did_you_mean(name, index.names("Service", namespace))
    if hint:
        return hint
    elsewhere = index.namespaces_of("Service", name)
    if elsewhere:
        return (
            f"Service {name} is in namespace {', '.join(elsewhere)}: an Ingress routes only to Services "
            "in its own namespace"
        )
    return f"if Service {name} is defined elsewhere, add that file or folder with --context"
