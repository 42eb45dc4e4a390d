"""KL303: a Service port whose targetPort no container of the selected pods declares."""
from __future__ import annotations

from typing import Any, Iterator, Optional

from k8slint.findings import Severity
from k8slint.named_tuple import NamedTuple
from k8slint.rule import Report, Rule
from k8slint.selectors import selecting_services
from k8slint.suggest import closest
from k8slint.workloads import as_dict, as_list

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
# It reads labels only through a Service's selector, matched against pod template labels: a warm run
# whose edits changed only labels that no selector names keeps its findings (see
# k8slint.run_snapshot.labels_unseen).
READS_LABELS = "selectors"
# Of the facts a warm run keeps apart (see k8slint.run_snapshot.PARTS), it reads ports, not
# replicas: an edit of only replicas does not run it again.
READS_FACTS = frozenset({"ports"})


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


class Ports:
    """The ports that the pods of one selector declare, read pod template by pod template only
    as far as a lookup needs: the first pods usually declare what a Service targets."""

    def __init__(self, templates: list[Any]):
        self._unread = iter(templates)
        self.first: dict[tuple, tuple[str, Any]] = {}  # (number, name, protocol) → (container, template)
        self.numbers: set[tuple[int, str]] = set()  # (number, protocol) of the numbered ports
        self.names: set[tuple[str, str]] = set()  # (name, protocol) of the named ports

    def has(self, found: set[tuple], wanted: tuple) -> bool:
        """Whether ``wanted`` is in ``found`` (numbers or names); all is read when it is not."""
        while wanted not in found:
            if not self._read_next():
                return False
        return True

    def declared(self) -> list[Declared]:
        """Every port, in the order of the pod templates and their containers."""
        while self._read_next():
            pass  # each call reads one more template's ports: read the rest
        return [
            Declared(number, name, protocol, container, template.describe())
            for (number, name, protocol), (container, template) in self.first.items()
        ]

    def _read_next(self) -> bool:
        """Reads the ports of the next pod template; False when all are read."""
        template = next(self._unread, None)
        if template is None:
            return False
        for port, container in _template_ports(template):
            if port not in self.first:
                self.first[port] = (container, template)
                number, name, protocol = port
                if number is not None:
                    self.numbers.add((number, protocol))
                if name is not None:
                    self.names.add((name, protocol))
        return True


def check_index(index: Any, ctx: Any) -> Iterator[Report]:
    # (namespace, selector pairs) → the ports its pods declare: many Services (copies, one per
    # environment) select the same pods.
    by_selector: dict[tuple, Optional[Ports]] = {}
    for service, namespace, wanted, key in selecting_services(index):
        if key in by_selector:
            ports = by_selector[key]
        else:
            selected = index.select(namespace, wanted)
            ports = by_selector[key] = Ports(selected) if selected else None
        if ports is None:
            continue  # KL301 reports a Service that selects nothing
        for i, port in enumerate(as_list(as_dict(service.data.get("spec")).get("ports"))):
            port = as_dict(port)
            number = port.get("port")
            if not _is_int(number):
                continue
            protocol = port.get("protocol", "TCP")
            if not isinstance(protocol, str):
                continue
            target = port["targetPort"] if "targetPort" in port else number
            # The common case, a declared port, is a lookup: messages are made for findings only.
            if _is_int(target):
                if ports.has(ports.numbers, (target, protocol)) or not ports.numbers:
                    continue  # no numbered port at all: the ports list is documentation left out
            elif not isinstance(target, str) or not target or target.isdigit():
                continue
            elif ports.has(ports.names, (target, protocol)):
                continue
            yield _report(service, namespace, i, port, number, target, protocol, ports.declared())


def _report(
    service: Any, namespace: Any, i: int, port: dict[str, Any], number: int, target: Any, protocol: str,
    declared: list[Declared],
) -> Report:
    who = f"Service {namespace}/{service.name}"
    label = _port_label(port, number)
    if "targetPort" in port:
        at: tuple = ("spec", "ports", i, "targetPort")
    else:
        at = ("spec", "ports", i, "port")
        label += " has no targetPort, so it"
    if _is_int(target):
        return _number_report(service, who, label, target, protocol, port, declared, at)
    return _name_report(service, who, label, target, protocol, declared, at)


def _number_report(
    service: Any, who: str, label: str, target: int, protocol: str, port: dict[str, Any],
    declared: list[Declared], at: tuple,
) -> Report:
    numbered = [d for d in declared if d.number is not None]
    same_protocol = [d for d in numbered if d.protocol == protocol]
    message = (
        f"{who} {label} targets {_number(target, protocol)}, but the containers it selects declare only "
        f"{_listing(numbered)}"
    )
    return Report(at, message, _number_help(target, protocol, port, same_protocol), obj=service)


def _name_report(
    service: Any, who: str, label: str, target: str, protocol: str, declared: list[Declared], at: tuple,
) -> Report:
    named = [d for d in declared if d.name == target]
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
        return Report(at, message, help, severity=Severity.ERROR, obj=service)
    if not declared:
        shown = "no port at all"
    elif not any(d.name for d in declared):
        shown = f"no named port ({_listing(declared)})"
    else:
        shown = f"only {_listing(declared)}"
    message = f"{who} {label} targets port \"{target}\", but the containers it selects declare {shown}"
    help = _name_help(target, protocol, declared)
    return Report(at, message, help, severity=Severity.ERROR, obj=service)


def _template_ports(template: Any) -> list[tuple[tuple, str]]:
    """((number, name, protocol), container name) of the ports one pod template declares, on
    the containers that endpoints may point at: regular containers and the sidecars among init
    containers (restartPolicy: Always), never ephemeral containers."""
    out: list[tuple[tuple, str]] = []
    for field in ("initContainers", "containers"):
        for container in as_list(template.spec.get(field)):
            if not isinstance(container, dict) or not isinstance(ports := container.get("ports"), list):
                continue
            if field == "initContainers" and container.get("restartPolicy") != "Always":
                continue
            cname = container.get("name")
            cname = cname if isinstance(cname, str) else "<unnamed>"
            for item in ports:
                if not isinstance(item, dict):
                    continue
                number, name = item.get("containerPort"), item.get("name")
                number = number if _is_int(number) else None
                name = name if isinstance(name, str) else None
                if number is not None or name is not None:
                    protocol = item.get("protocol", "TCP")
                    out.append(((number, name, protocol if isinstance(protocol, str) else "TCP"), cname))
    return out


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
