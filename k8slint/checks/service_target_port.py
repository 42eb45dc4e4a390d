"""KL303: a Service port whose targetPort no container of the selected pods declares."""
from __future__ import annotations

from typing import Any, Iterator, Optional

from k8slint.findings import Severity
from k8slint.named_tuple import NamedTuple
from k8slint.rule import Report, Rule
from k8slint.selectors import service_selector
from k8slint.suggest import closest
from k8slint.workloads import as_dict, as_list, containers

RULE = Rule(
    "KL303", "service-target-port", Severity.WARNING, "selectors",
    "A Service's targetPort is not a port that the containers of the pods it selects declare.",
    why="A Service forwards each port to its targetPort on the selected pods (the same number "
    "as `port` when targetPort is not set). A named targetPort must be the name of a container "
    "port, or the Service has no endpoint for it and every connection fails (an error). A "
    "numeric targetPort is used as is, so a number that no container declares usually means "
    "a wrong port (a warning: the process may listen on a port it does not declare).",
    example="kind: Service\nspec:\n  selector: {app: web}\n  ports:\n    - port: 80\n"
    "      targetPort: http\n---\nkind: Deployment\n# containers[0].ports: [{name: web, containerPort: 8080}]\n",
    use_instead="kind: Service\nspec:\n  selector: {app: web}\n  ports:\n    - port: 80\n"
    "      targetPort: web\n",
)
# The kind it reports on: without a checked Service, the rule is not even imported.
KINDS = ("Service",)


class Declared(NamedTuple):
    number: Optional[int]
    name: Optional[str]
    protocol: str
    container: str
    owner: str  # 'Deployment default/web'

    def describe(self) -> str:
        text = str(self.number) if self.number is not None else "?"
        if self.protocol != "TCP":
            text += f"/{self.protocol}"
        return f"{text} ({self.name})" if self.name else text


def check_index(index: Any, ctx: Any) -> Iterator[Report]:
    for service in index.checked("Service"):
        if index.may_miss(service):
            continue  # other pods it selects may be in a document that could not be read
        wanted = service_selector(service)
        if wanted is None:
            continue
        namespace = index.namespace(service)
        selected = index.select(namespace, wanted)
        if not selected:
            continue  # KL301 reports a Service that selects nothing
        key = ("KL303 declared", namespace, tuple(sorted(wanted.items())))
        declared = index.memo(key, lambda: _declared_ports(index, selected))
        who = f"Service {namespace}/{service.name}"
        for i, port in enumerate(as_list(as_dict(service.data.get("spec")).get("ports"))):
            port = as_dict(port)
            number = port.get("port")
            if not _is_int(number):
                continue
            protocol = port.get("protocol", "TCP")
            if not isinstance(protocol, str):
                continue
            if "targetPort" in port:
                target, at = port["targetPort"], ("spec", "ports", i, "targetPort")
            else:
                target, at = number, ("spec", "ports", i, "port")
            label = _port_label(port, number)
            if "targetPort" not in port:
                label += " has no targetPort, so it"
            if _is_int(target):
                yield from _check_number(service, who, label, target, protocol, port, declared, at)
            elif isinstance(target, str) and target and not target.isdigit():
                yield from _check_name(service, who, label, target, protocol, declared, at)


def _check_number(
    service: Any, who: str, label: str, target: int, protocol: str, port: dict[str, Any],
    declared: list[Declared], at: tuple,
) -> Iterator[Report]:
    numbered = [d for d in declared if d.number is not None]
    if not numbered:
        return  # nothing declared: the ports list is documentation that was left out
    if any(d.number == target and d.protocol == protocol for d in numbered):
        return
    same_protocol = [d for d in numbered if d.protocol == protocol]
    message = (
        f"{who} {label} targets {_number(target, protocol)}, but the containers it selects declare only "
        f"{_listing(numbered)}"
    )
    yield Report(at, message, _number_help(target, protocol, port, same_protocol), obj=service)


def _check_name(
    service: Any, who: str, label: str, target: str, protocol: str, declared: list[Declared], at: tuple,
) -> Iterator[Report]:
    named = [d for d in declared if d.name == target]
    if any(d.protocol == protocol for d in named):
        return
    if named:
        d = named[0]
        message = (
            f"{who} {label} targets port \"{target}\" over {protocol}, but container {d.container} of "
            f"{d.owner} declares \"{target}\" as {d.protocol}"
        )
        help = (
            f"make the protocols equal: set protocol: {d.protocol} on the Service port, or {protocol} on the "
            "container port"
        )
        yield Report(at, message, help, severity=Severity.ERROR, obj=service)
        return
    if not declared:
        shown = "no port at all"
    elif not any(d.name for d in declared):
        shown = f"no named port ({_listing(declared)})"
    else:
        shown = f"only {_listing(declared)}"
    message = f"{who} {label} targets port \"{target}\", but the containers it selects declare {shown}"
    help = _name_help(target, protocol, declared)
    yield Report(at, message, help, severity=Severity.ERROR, obj=service)


def _declared_ports(index: Any, templates: list[Any]) -> list[Declared]:
    out: list[Declared] = []
    seen: set[tuple] = set()
    for template in templates:
        # Many Services select the same templates: compute each template's ports once a run.
        for d in index.memo(("KL303 ports", id(template.obj)), lambda: _template_ports(template)):
            if (d.number, d.name, d.protocol) not in seen:
                seen.add((d.number, d.name, d.protocol))
                out.append(d)
    return out


def _template_ports(template: Any) -> list[Declared]:
    """The ports one pod template declares."""
    out: list[Declared] = []
    for path, container in containers(template.spec):
            if not _serves(path[0], container):
                continue
            cname = container.get("name") if isinstance(container.get("name"), str) else "<unnamed>"
            for item in as_list(container.get("ports")):
                item = as_dict(item)
                number = item.get("containerPort")
                name = item.get("name")
                protocol = item.get("protocol", "TCP")
                d = Declared(
                    number if _is_int(number) else None, name if isinstance(name, str) else None,
                    protocol if isinstance(protocol, str) else "TCP", cname, template.describe(),
                )
                if d.number is not None or d.name is not None:
                    out.append(d)
    return out


def _serves(field: str, container: dict[str, Any]) -> bool:
    """Whether endpoints may point at the container's ports: regular containers and the
    sidecars among init containers (restartPolicy: Always); ephemeral containers never do."""
    if field == "containers":
        return True
    return field == "initContainers" and container.get("restartPolicy") == "Always"


def _number_help(target: int, protocol: str, port: dict[str, Any], same_protocol: list[Declared]) -> str:
    service_name = port.get("name")
    if isinstance(service_name, str):
        for d in same_protocol:
            if d.name == service_name:
                return (
                    f"did you mean targetPort: {d.number} (the container port named \"{d.name}\" of "
                    f"container {d.container})?"
                )
    if len(same_protocol) == 1:
        d = same_protocol[0]
        return f"did you mean targetPort: {d.number} (container {d.container} of {d.owner})?"
    near = closest(str(target), [str(d.number) for d in same_protocol], limit=2)
    if near:
        return "did you mean " + " or ".join(f"targetPort: {n}" for n in near) + "?"
    if not same_protocol:
        return (
            f"no selected container declares a {protocol} port: check the protocol, or declare "
            f"containerPort: {target}"
        )
    return (
        f"set targetPort to a declared port, or declare containerPort: {target} on the container that "
        "listens on it"
    )


def _name_help(target: str, protocol: str, declared: list[Declared]) -> str:
    names = [d.name for d in declared if d.name and d.protocol == protocol]
    near = closest(target, names)
    if near:
        return "did you mean " + " or ".join(f'"{n}"' for n in near) + "?"
    if len(declared) == 1 and declared[0].number is not None:
        d = declared[0]
        return (
            f"name the port: add name: {target} to containerPort {d.number} of container {d.container} "
            f"({d.owner}), or set targetPort: {d.number}"
        )
    if names:
        listed = ", ".join(f'"{n}"' for n in sorted(set(names)))
        return f'use one of the declared names ({listed}), or name a container port "{target}"'
    return f'add a port named "{target}" to the container that serves it'


def _port_label(port: dict[str, Any], number: int) -> str:
    name = port.get("name")
    return f'port "{name}" ({number})' if isinstance(name, str) and name else f"port {number}"


def _number(value: int, protocol: str) -> str:
    return f"port {value}" if protocol == "TCP" else f"port {value}/{protocol}"


def _listing(declared: list[Declared]) -> str:
    return ", ".join(d.describe() for d in declared)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
