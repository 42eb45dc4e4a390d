"""KL622: Service ports the API server rejects: numbers out of range, missing, invalid or
duplicate names, the same port twice, invalid targetPorts, nodePorts where they are not allowed.
"""
from __future__ import annotations

import re
from typing import Any, Iterator, Optional

from k8slint.findings import Severity
from k8slint.naming import DNS1123_LABEL_MAX, dns1123_label
from k8slint.ports import int_or_name_problem, port_number_problem
from k8slint.rule import Report, Rule
from k8slint.workloads import is_int

RULE = Rule(
    "KL622", "invalid-service-port", Severity.ERROR, "api-validation",
    "A Service port the API server rejects: a port or targetPort out of range, a missing, invalid "
    "or duplicate name, the same port twice, a nodePort on a ClusterIP Service.",
    why="The OpenAPI schema accepts any integer and any string here, but the API server rejects "
    "the Service. It mirrors ValidateService and validateServicePort in "
    "pkg/apis/core/validation/validation.go: a Service needs ports unless it is headless or "
    "ExternalName; port must be 1-65535; when there is more than one port each needs a name, "
    "names must be DNS-1123 labels (IsDNS1123Label) and unique; port and protocol together must "
    "be unique, and so must nodePort and protocol; targetPort must be a port number or an IANA "
    "port name (ValidatePortNumOrName; a quoted number is a name, and is rejected); a nodePort "
    "\"may not be used when type is ClusterIP\"; a LoadBalancer may not expose the kubelet port "
    "10250. A nodePort outside 30000-32767 is a warning: the range is the API server's "
    "--service-node-port-range flag (that is its default), and the port allocator rejects "
    "nodePorts outside the range the cluster uses.",
    example="kind: Service\nspec:\n  ports:\n    - port: 80\n      targetPort: \"8080\"\n"
    "    - port: 443\n      targetPort: 8443\n",
    use_instead="kind: Service\nspec:\n  ports:\n    - name: http\n      port: 80\n      targetPort: 8080\n"
    "    - name: https\n      port: 443\n      targetPort: 8443\n",
)
KINDS = frozenset({"Service"})
NODE_PORT_RANGE = (30000, 32767)
KUBELET_PORT = 10250
WELL_KNOWN = {80: "http", 443: "https", 8080: "http", 8443: "https", 53: "dns", 9090: "metrics", 9100: "metrics",
              5432: "postgres", 3306: "mysql", 6379: "redis", 27017: "mongodb", 50051: "grpc"}


def check(obj: Any, ctx: Any) -> Iterator[Report]:
    spec = obj.data.get("spec")
    if not isinstance(spec, dict):
        return
    who = f"Service {ctx.namespace(obj)}/{obj.name or '<unnamed>'}"
    service_type = spec.get("type", "ClusterIP")
    ports = spec.get("ports")
    if not isinstance(ports, list) or not ports:
        missing = ports is None or ports == []
        if missing and not obj.partial and not _headless(spec) and service_type != "ExternalName":
            yield Report(
                ("spec", "ports") if ports == [] else ("spec",),
                f"{who} has no ports: a Service that is not headless (clusterIP: None) or ExternalName "
                "needs at least one",
                "add the ports it serves, e.g. ports: [{name: http, port: 80, targetPort: 8080}]",
                key=True,
            )
        return
    named = len(ports) > 1
    taken = {p.get("name") for p in ports if isinstance(p, dict) and isinstance(p.get("name"), str)}
    names: dict[str, int] = {}
    numbers: dict[tuple, int] = {}
    node_ports: dict[tuple, int] = {}
    for i, port in enumerate(ports):
        if not isinstance(port, dict):
            continue
        at = ("spec", "ports", i)
        number = port.get("port")
        label = f"port {number}" if is_int(number) else f"ports[{i}]"
        protocol = port.get("protocol", "TCP")
        name = port.get("name")
        if isinstance(name, str) and name:
            problems = dns1123_label(name)
            if problems:
                fixed = _suggest_label(name)
                yield Report(
                    at + ("name",),
                    f'{who} port name "{name}" is not a valid DNS-1123 label: it {"; it ".join(problems)}',
                    f"did you mean name: {fixed}?" if fixed else
                    "Service port names are lowercase letters, digits and '-', starting and ending with a "
                    "letter or digit",
                )
            elif name in names:
                yield Report(
                    at + ("name",),
                    f'{who} port name "{name}" is used twice: ports[{names[name]}] has the same name',
                    "port names must be unique within a Service: rename one of them",
                )
            else:
                names[name] = i
        elif named and (name is None or name == "") and not obj.partial:
            yield Report(
                at, f"{who} {label} has no name: a Service with more than one port must name every port",
                f"add name: {_name_for(port, taken)} (names are DNS-1123 labels, unique within the Service)",
            )
        if is_int(number):
            problem = port_number_problem(number)
            if problem is not None:
                yield Report(
                    at + ("port",), f"{who} port {number} is not a port number: it {problem}",
                    "set port to the port clients connect to (1-65535)",
                )
            elif isinstance(protocol, str):
                key = (number, protocol)
                if key in numbers:
                    yield Report(
                        at + ("port",),
                        f"{who} port {number}/{protocol} is defined twice: ports[{numbers[key]}] has the same "
                        "port and protocol",
                        "remove the copy, or give it another port (the same port may be used once per protocol)",
                    )
                else:
                    numbers[key] = i
            if service_type == "LoadBalancer" and number == KUBELET_PORT:
                yield Report(
                    at + ("port",),
                    f"{who} is a LoadBalancer and exposes port {KUBELET_PORT}, which the API server refuses "
                    "because the kubelet uses it",
                    "use another port for the load balancer (targetPort can still be 10250)",
                )
        if "targetPort" in port:
            found = int_or_name_problem(port["targetPort"], "targetPort", allow_unset=True)
            if found is not None:
                problem, help = found
                # KL303 would add "no container declares it" about the same invalid value.
                yield Report(
                    at + ("targetPort",), f"{who} {label}: {problem}", help,
                    folds=((at + ("targetPort",), "KL303"),),
                )
        yield from _node_port(who, label, port, at, service_type, protocol, node_ports, i)


def _node_port(
    who: str, label: str, port: dict[str, Any], at: tuple, service_type: Any, protocol: Any,
    seen: dict[tuple, int], i: int,
) -> Iterator[Report]:
    node_port = port.get("nodePort")
    if not is_int(node_port) or node_port == 0:
        return
    if service_type == "ClusterIP":
        yield Report(
            at + ("nodePort",),
            f"{who} {label} sets nodePort {node_port}, but the Service's type is ClusterIP (the default), "
            "which has no node ports",
            "set type: NodePort (or LoadBalancer) to expose it on the nodes, or remove nodePort",
        )
        return
    low, high = NODE_PORT_RANGE
    if port_number_problem(node_port) is not None:
        yield Report(
            at + ("nodePort",), f"{who} {label} sets nodePort {node_port}, which is not a port number",
            f"use a port of the cluster's node port range (by default {low}-{high}), or remove nodePort "
            "to have one allocated",
        )
        return
    if isinstance(protocol, str):
        key = (node_port, protocol)
        if key in seen:
            yield Report(
                at + ("nodePort",),
                f"{who} nodePort {node_port}/{protocol} is used twice: ports[{seen[key]}] has the same nodePort",
                "give each port its own nodePort, or remove nodePort to have one allocated",
            )
            return
        seen[key] = i
    if not low <= node_port <= high:
        yield Report(
            at + ("nodePort",),
            f"{who} {label} sets nodePort {node_port}, outside the default node port range {low}-{high}",
            "the API server rejects it unless the cluster's --service-node-port-range includes it: use a port "
            f"in {low}-{high}, or remove nodePort to have one allocated",
            severity=Severity.WARNING,
        )


def _headless(spec: dict[str, Any]) -> bool:
    if spec.get("clusterIP") == "None":
        return True
    ips = spec.get("clusterIPs")
    return isinstance(ips, list) and bool(ips) and ips[0] == "None"


def _name_for(port: dict[str, Any], taken: set[Any]) -> str:
    """A name to suggest for an unnamed port: its targetPort name, a well-known name, port-N."""
    target = port.get("targetPort")
    number = port.get("port")
    candidates = [target if isinstance(target, str) and target and not dns1123_label(target) else None]
    if is_int(number):
        candidates += [WELL_KNOWN.get(number), f"port-{number}"]
    for name in candidates:
        if name and name not in taken:
            return name
    return "http"


def _suggest_label(name: str) -> Optional[str]:
    text = re.sub(r"[^a-z0-9-]+", "-", name.lower())
    text = re.sub(r"-{2,}", "-", text).strip("-")[:DNS1123_LABEL_MAX].strip("-")
    if not text or text == name or dns1123_label(text):
        return None
    return text
