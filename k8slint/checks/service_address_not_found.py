"""KL708: an env var that addresses an in-cluster Service, by DNS name, that does not exist or
does not expose that port."""
from __future__ import annotations

import re
from typing import Any, Iterator, Optional

from k8slint.findings import Severity
from k8slint.rule import Report, Rule
from k8slint.service_addresses import SCHEME, Address, addresses, authority_end, may_address
from k8slint.suggest import closest, did_you_mean
from k8slint.workloads import POD_KINDS, as_dict, as_list, containers

RULE = Rule(
    "KL708", "service-address-not-found", Severity.WARNING, "references",
    "An env var addresses a Service by its cluster DNS name (svc.ns, svc.ns.svc[.cluster.local]), but "
    "no such Service is in the checked files, or it does not expose that port.",
    why="Pods reach a Service at <service>.<namespace>.svc.<cluster domain> (the DNS-Based Service "
    "Discovery specification, kubernetes/dns docs/specification.md; the search path of the pod's "
    "resolv.conf lets <service>.<namespace> and <service> resolve too). The API server does not "
    "look into env values, so a misspelt Service name or a wrong port is found only when "
    "the application fails to connect (a DNS error, or a refused connection: a client must use "
    "the Service's `port`, not its targetPort). Recognised in env values, with or without a "
    "scheme, user, port and path (several addresses may be separated by commas or spaces): "
    "svc.ns.svc, svc.ns.svc.<cluster domain>, pod.svc.ns.svc (a pod of a headless Service), "
    "and svc.ns with a port or an http(s) scheme (a value such as config.production is more likely "
    "a module name) when the namespace ns is one in which the checked files define Services (so "
    "that example.com:443 is not taken for Service example in namespace com). A bare svc:port is "
    "ambiguous with any external host, so it is reported only when it is a near miss of a "
    "Service of the pod's namespace (a typo), or names one and uses a port it does not expose. "
    "Namespaces in which the checked files and the context define no Service are not judged; "
    "kubernetes.default (port 443) and kube-dns.kube-system are built in. Services in other "
    "files count when they are checked too or given with --context. The port is compared with "
    "the Service's spec.ports[].port (http:// and https:// imply 80 and 443); it is not compared "
    "for headless and ExternalName Services, whose clients connect to the pods' or the external "
    "host's own ports.",
    example="kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: users\n"
    "          env:\n            - name: AUTH_ADDRESS\n              value: auth-service.default:8080\n---\n"
    "kind: Service\nmetadata:\n  name: auth-service\nspec:\n  ports:\n    - port: 80\n      targetPort: 8080\n",
    use_instead="            - name: AUTH_ADDRESS\n              value: auth-service.default:80\n",
)
# It reports on objects with pods: without a checked one, the rule is not even imported.
KINDS = POD_KINDS
# It reads no label, only env values and the names and ports of Services: a warm run whose edits
# changed only labels keeps its findings (see k8slint.run_snapshot).
READS_LABELS = False
# Of the facts a warm run keeps apart (see k8slint.run_snapshot.PARTS), it reads ports, not
# replicas: an edit of only replicas does not run it again.
READS_FACTS = frozenset({"ports"})

# Services every cluster has, with their ports.
BUILT_IN: dict[tuple[str, str], tuple[int, ...]] = {
    ("default", "kubernetes"): (443,),
    ("kube-system", "kube-dns"): (53, 9153),
}
def check_index(index: Any, ctx: Any) -> Iterator[Report]:
    with_services = index.memo("service-address-namespaces", lambda: _namespaces_with_services(index))
    parsed: dict[str, list[Address]] = {}  # value → its addresses: copies of a workload repeat values
    for obj, namespace, template in index.checked_templates():
        for path, container in containers(template.spec):
            env = container.get("env")
            if not isinstance(env, list):
                continue
            for i, item in enumerate(env):
                value = item.get("value") if isinstance(item, dict) else None
                if not may_address(value):
                    continue
                found = parsed.get(value)
                if found is None:
                    found = parsed[value] = addresses(value)
                seen: set[tuple] = set()
                for address in found:
                    ns = address.namespace or namespace
                    if ns is None or (address.service, ns, address.port) in seen:
                        continue
                    seen.add((address.service, ns, address.port))
                    report = _check(index, obj, address, ns, with_services)
                    if report is not None:
                        at = template.spec_path + path + ("env", i, "value")
                        message = f"{_subject(template, path, container, i, item)} {report[0]}"
                        yield Report(at, message, report[1], obj=obj)


def _subject(template: Any, path: tuple, container: dict[str, Any], i: int, item: dict[str, Any]) -> str:
    """'env var "DB" of container "web" of Deployment default/web'."""
    cname = container.get("name")
    where = f'container "{cname}"' if isinstance(cname, str) else f"{path[-2]}[{path[-1]}]"
    var = f'env var "{item["name"]}"' if isinstance(item.get("name"), str) else f"env[{i}]"
    return f"{var} of {where} of {template.describe()}"


def _namespaces_with_services(index: Any) -> frozenset:
    return frozenset(index.namespace(s) for s in index.of_kind("Service")) | {ns for ns, _ in BUILT_IN}


def _check(
    index: Any, obj: Any, address: Address, namespace: str, with_services: frozenset,
) -> Optional[tuple[str, str]]:
    """(message after the subject, help) when the address names no Service or a port it does not expose."""
    service = address.service
    if namespace not in with_services:
        return None  # nothing is known about that namespace's Services
    services = index.get("Service", namespace, service)
    built_in = BUILT_IN.get((namespace, service))
    if not services and built_in is None:
        names = index.names("Service", namespace)
        if address.namespace is None:
            # A bare name: only a near miss of a Service of the pod's namespace is reported.
            near = closest(service, names)
            if not near:
                return None
            return (
                f'addresses "{address.text}", but no Service {service} is in namespace {namespace}',
                f'did you mean {_with(address, near[0], None)}? (if "{service}" is a host outside the cluster, '
                "ignore this)",
            )
        if index.may_miss(obj):
            return None
        return (
            f"addresses Service {namespace}/{service}, which is not in the checked files "
            f"(it may exist in the cluster)",
            _missing_help(index, address, namespace, names),
        )
    if address.port is None or address.pod:
        return None
    # Many containers address the same Service: its ports are worked out once a run.
    exposed = index.memo(("KL708 ports", namespace, service), lambda: _exposed(services, built_in))
    if exposed is None:
        return None
    ports, numbers = exposed
    if not numbers or address.port in numbers:
        return None
    how = "port" if address.explicit_port else "(implied) port"
    return (
        f"addresses {how} {address.port} of Service {namespace}/{service}, which exposes {_exposes(ports)}",
        _port_help(address, ports, numbers),
    )


def _exposed(services: list[Any], built_in: Any) -> Optional[tuple[list[dict[str, Any]], list[int]]]:
    """(ports, port numbers) that the Services (or the built-in one) expose; None when a
    client's port is not checked against them (see _port_checked)."""
    if built_in is not None and not services:
        ports: list[dict[str, Any]] = [{"port": p} for p in built_in]
    else:
        if any(not _port_checked(s) for s in services):
            return None
        ports = [as_dict(p) for s in services for p in as_list(as_dict(s.data.get("spec")).get("ports"))]
    numbers = [p.get("port") for p in ports if isinstance(p.get("port"), int) and not isinstance(p.get("port"), bool)]
    return ports, numbers


def _port_checked(service: Any) -> bool:
    """Whether clients connect to the Service's own ports (not headless, not ExternalName)."""
    spec = service.data.get("spec")
    if not isinstance(spec, dict) or not isinstance(spec.get("ports", []), list):
        return False
    return spec.get("type") != "ExternalName" and spec.get("clusterIP") != "None"


def _exposes(ports: list[dict[str, Any]]) -> str:
    shown = []
    for p in ports:
        number, name = p.get("port"), p.get("name")
        if number is None:
            continue
        shown.append(f"{number} ({name})" if isinstance(name, str) and name else str(number))
    return "only " + ", ".join(shown)


def _port_help(address: Address, ports: list[dict[str, Any]], numbers: list[int]) -> str:
    for p in ports:
        if p.get("targetPort") == address.port and p.get("port") in numbers:
            return (
                f"{address.port} is the Service's targetPort, but clients connect to its port: "
                f"did you mean {_with(address, None, p['port'])}?"
            )
    if len(numbers) == 1:
        return f"did you mean {_with(address, None, numbers[0])}?"
    return "use one of the Service's ports: " + ", ".join(str(n) for n in numbers)


def _missing_help(index: Any, address: Address, namespace: str, names: list[str]) -> str:
    near = closest(address.service, names)
    if near:
        return f"did you mean {_with(address, near[0], None)}?"
    elsewhere = [ns for ns in index.namespaces_of("Service", address.service) if ns is not None and ns != namespace]
    if elsewhere:
        return (
            f"Service {address.service} is in namespace {', '.join(elsewhere)}: did you mean "
            f"{_with(address, None, None, elsewhere[0])}?"
        )
    hint = did_you_mean(address.service, names)
    if hint:
        return hint
    return f"if Service {address.service} is defined elsewhere, add that file or folder with --context"


def _with(address: Address, service: Optional[str], port: Optional[int], namespace: Optional[str] = None) -> str:
    """The address as written, with another service name, port or namespace."""
    text = address.text
    m = re.match(SCHEME, text) if "://" in text else None
    prefix = m.group(0) if m else ""
    rest = text[len(prefix):]
    end = authority_end(rest)
    authority, tail = rest[:end], rest[end:]
    user, at, hostport = authority.rpartition("@")
    host, colon, digits = hostport.rpartition(":") if ":" in hostport else (hostport, "", "")
    labels = host.split(".")
    position = len(labels) - 1 if address.namespace is None else _service_position(labels)
    if service is not None:
        labels[position] = service
    if namespace is not None and position + 1 < len(labels):
        labels[position + 1] = namespace
    host = ".".join(labels)
    if port is not None:
        hostport = f"{host}:{port}"
    else:
        hostport = f"{host}{colon}{digits}"
    return prefix + user + at + hostport + tail


def _service_position(labels: list[str]) -> int:
    if "svc" in labels[2:]:
        return labels.index("svc", 2) - 2
    return 0
