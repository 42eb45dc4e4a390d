"""KL309: a probe or lifecycle hook whose port the container does not declare."""
from __future__ import annotations

from typing import Any, Iterator, Optional

from k8slint.findings import Severity
from k8slint.named_tuple import NamedTuple
from k8slint.ports import int_or_name_problem
from k8slint.rule import Report, Rule
from k8slint.suggest import closest
from k8slint.workloads import POD_KINDS, as_dict, as_list, is_int, pod_template

RULE = Rule(
    "KL309", "probe-port-not-declared", Severity.ERROR, "ports",
    "A probe or lifecycle hook uses a port name the container does not declare, or a port number "
    "that is not among the ports it declares.",
    why="The kubelet resolves a named probe port among the ports of the probed container only "
    "(ResolveContainerPort and findPortByName in pkg/kubelet/prober/prober.go; resolvePort in "
    "pkg/kubelet/lifecycle/handlers.go for lifecycle hooks). The API server accepts any valid "
    "port name, so a name the container does not declare (a typo, a port declared by another "
    "container, or `ports:` left out) passes `kubectl apply`, and then the probe fails every "
    "time: a liveness probe restarts the container forever, a readiness probe keeps it out of "
    "its Services, a startup probe never lets it start. That is an error. A port number is used "
    "as it is, and declaring ports is optional, so a number is only reported (as a warning) when "
    "the container declares ports and the number is not one of them: usually a stale or "
    "mistyped port. Probes connect over TCP (httpGet, tcpSocket, grpc), so a port declared only "
    "with protocol UDP or SCTP is reported too (a warning). Covers livenessProbe, readinessProbe "
    "and startupProbe (httpGet, tcpSocket and grpc ports) and the httpGet and tcpSocket ports of "
    "postStart and preStop hooks, of containers and sidecar init containers in every pod "
    "template; a number with an explicit `host` (the probe checks another address) is not "
    "compared. Port numbers out of range and invalid port names are KL623's. Corresponds to "
    "kube-linter liveness-port, readiness-port and startup-port.",
    example="containers:\n  - name: web\n    ports:\n      - {name: http, containerPort: 8080}\n"
    "    livenessProbe:\n      httpGet:\n        path: /healthz\n        port: htpp\n",
    use_instead="containers:\n  - name: web\n    ports:\n      - {name: http, containerPort: 8080}\n"
    "    livenessProbe:\n      httpGet:\n        path: /healthz\n        port: http\n",
)
KINDS = POD_KINDS

PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
HOOKS = ("postStart", "preStop")


class Port(NamedTuple):
    name: Optional[str]
    number: Optional[int]
    protocol: str

    def describe(self) -> str:
        text = str(self.number) if self.number is not None else "?"
        if self.protocol != "TCP":
            text += f"/{self.protocol}"
        return f"{self.name} ({text})" if self.name else text


class Container(NamedTuple):
    label: str  # 'container "web"'
    name: Optional[str]
    ports: list[Port]


def check(obj: Any, ctx: Any) -> Iterator[Report]:
    if obj.partial:
        return  # a patch may leave the container's ports (or the probe's) to its base
    template = pod_template(obj, "")
    if template is None:
        return
    spec = template.spec
    probed: list[tuple[tuple, dict[str, Any], Container]] = []
    everyone: list[Container] = []
    for field in ("containers", "initContainers"):
        for i, container in enumerate(as_list(spec.get(field))):
            if not isinstance(container, dict):
                continue
            info = _container(field, i, container)
            everyone.append(info)
            if field == "initContainers" and container.get("restartPolicy") != "Always":
                continue  # only sidecars may have probes and hooks (KL627)
            probed.append((template.spec_path + (field, i), container, info))
    for path, container, info in probed:
        others = [c for c in everyone if c is not info]
        for probe_name in PROBES:
            probe = container.get(probe_name)
            if not isinstance(probe, dict):
                continue
            for handler in ("httpGet", "tcpSocket", "grpc"):
                action = probe.get(handler)
                if isinstance(action, dict) and "port" in action:
                    what = f"{probe_name} of {info.label}"
                    at = path + (probe_name, handler, "port")
                    yield from _check_port(what, "probe", handler, action, at, info, others)
        lifecycle = as_dict(container.get("lifecycle"))
        for hook in HOOKS:
            handlers = lifecycle.get(hook)
            if not isinstance(handlers, dict):
                continue
            for handler in ("httpGet", "tcpSocket"):
                action = handlers.get(handler)
                if isinstance(action, dict) and "port" in action:
                    what = f"lifecycle.{hook} of {info.label}"
                    at = path + ("lifecycle", hook, handler, "port")
                    yield from _check_port(what, "hook", handler, action, at, info, others)


def _container(field: str, i: int, container: dict[str, Any]) -> Container:
    name = container.get("name")
    name = name if isinstance(name, str) and name else None
    label = f'container "{name}"' if name else f"{field}[{i}]"
    ports = []
    for port in as_list(container.get("ports")):
        if not isinstance(port, dict):
            continue
        port_name = port.get("name")
        number = port.get("containerPort")
        protocol = port.get("protocol")
        ports.append(Port(
            port_name if isinstance(port_name, str) and port_name else None,
            number if is_int(number) else None,
            protocol if isinstance(protocol, str) and protocol else "TCP",
        ))
    return Container(label, name, ports)


def _check_port(
    what: str, kind: str, handler: str, action: dict[str, Any], at: tuple, container: Container,
    others: list[Container],
) -> Iterator[Report]:
    value = action["port"]
    if handler == "grpc":
        if not is_int(value) or not 1 <= value <= 65535:
            return  # the schema (a string) or KL623 (out of range) reports it
    elif int_or_name_problem(value, "port") is not None:
        return  # KL623 reports ports out of range, invalid names and quoted numbers
    fails = "the probe always fails" if kind == "probe" else "the hook always fails"
    if isinstance(value, str):
        yield from _named(what, handler, value, at, container, others, fails)
    elif is_int(value):
        host = action.get("host")
        if handler != "grpc" and isinstance(host, str) and host:
            return  # it checks another address, whose ports the container does not declare
        yield from _numbered(what, handler, value, at, container, others)


def _named(
    what: str, handler: str, name: str, at: tuple, container: Container, others: list[Container], fails: str,
) -> Iterator[Report]:
    match = next((p for p in container.ports if p.name == name), None)
    if match is not None:
        if match.protocol != "TCP":
            yield _not_tcp(what, handler, f'"{name}"', match, at)
        return
    if container.ports:
        problem = f"is not one of the container's port names ({_listing(container.ports)})"
    else:
        problem = "names a port, but the container declares no ports"
    message = f'{what}: {handler} port "{name}" {problem}, so the kubelet cannot resolve it and {fails}'
    named = [p.name for p in container.ports if p.name and p.protocol == "TCP"]
    guess = closest(name, named)
    if guess:
        number = next(p.number for p in container.ports if p.name == guess[0])
        help = f'did you mean port: {guess[0]}? ({guess[0]} is containerPort {number})'
    else:
        owner = next((c for c in others if any(p.name == name for p in c.ports)), None)
        if owner is not None:
            number = next(p.number for p in owner.ports if p.name == name)
            help = (
                f'"{name}" is declared by {owner.label}, but a probe or hook resolves a port name in its own '
                f"container only: use the number ({number}), or declare the port in {container.label}"
            )
        else:
            help = (
                f'add {{name: {name}, containerPort: <number>}} to the ports of {container.label}, or use the '
                "port number"
            )
    yield Report(at, message, help)


def _numbered(
    what: str, handler: str, number: int, at: tuple, container: Container, others: list[Container],
) -> Iterator[Report]:
    declared = [p for p in container.ports if p.number is not None]
    if not declared:
        return  # declaring ports is optional: a container that declares none may listen anywhere
    same = [p for p in declared if p.number == number]
    if any(p.protocol == "TCP" for p in same):
        return
    if same:
        yield _not_tcp(what, handler, str(number), same[0], at)
        return
    message = (
        f"{what}: {handler} port {number} is not one of the container's ports ({_listing(declared)})"
    )
    tcp = [p for p in declared if p.protocol == "TCP"]
    owner = next((c for c in others if any(p.number == number for p in c.ports)), None)
    if owner is not None:
        help = (
            f"port {number} is declared by {owner.label}: the probe reaches it (the containers of a pod share "
            f"the network) but then checks that container, not {container.label}; if that is meant, declare "
            f"containerPort: {number} in {container.label} too"
        )
    elif len(tcp) == 1:
        only = tcp[0]
        shown = only.name if only.name and handler != "grpc" else only.number  # a grpc port is a number
        help = f"did you mean port: {shown}? Otherwise add containerPort: {number} to the ports of {container.label}"
    else:
        help = f"use one of the declared ports, or add containerPort: {number} to the ports of {container.label}"
    yield Report(at, message, help, severity=Severity.WARNING)


def _not_tcp(what: str, handler: str, shown: str, port: Port, at: tuple) -> Report:
    return Report(
        at,
        f"{what}: {handler} port {shown} is declared with protocol {port.protocol}, but a {handler} check "
        "connects over TCP",
        "point it at a TCP port of the container, or check the service with an exec command instead",
        severity=Severity.WARNING,
    )


def _listing(ports: list[Port]) -> str:
    shown = [p.describe() for p in ports[:4]]
    if len(ports) > 4:
        shown.append(f"and {len(ports) - 4} more")
    return ", ".join(shown)
