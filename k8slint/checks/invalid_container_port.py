"""KL621: container ports the API server rejects (or warns about): numbers out of range,
port names that are not IANA service names, names used twice in a container, host ports used
twice, and the same port declared twice in a pod.
"""
from __future__ import annotations

from typing import Any, Iterator

from k8slint.findings import Severity
from k8slint.naming import iana_svc_name
from k8slint.ports import name_help, port_number_problem
from k8slint.rule import Report, Rule
from k8slint.workloads import CONTAINER_LISTS, POD_KINDS, as_dict, as_list, is_int, pod_template

RULE = Rule(
    "KL621", "invalid-container-port", Severity.ERROR, "api-validation",
    "A container port the API server rejects: a number outside 1-65535, a name that is not an "
    "IANA service name, a name or host port used twice; the same port declared twice is a warning.",
    why="The OpenAPI schema only says that ports are integers and names are strings, so schema "
    "validators accept them, but the API server rejects the object. It mirrors "
    "validateContainerPorts in pkg/apis/core/validation/validation.go: containerPort and a set "
    "hostPort must be 1-65535 (IsValidPortNum), a port name must be an IANA service name "
    "(IsValidPortName: at most 15 lowercase letters, digits and '-', at least one letter, no "
    "'--', no '-' at either end) and unique among the ports of its container; and "
    "checkHostPortConflicts: two regular containers (or two ports of one init container) may not "
    "use the same hostPort, protocol and hostIP. Port names only need to be unique per "
    "container, so the same name in two containers is accepted and not reported. The same "
    "containerPort and protocol declared twice in a pod is accepted, with the API server's "
    "warning \"duplicate port definition\" (pkg/api/pod/warnings.go): a warning here too, since "
    "the containers of a pod share one network namespace and only one of them can listen on it.",
    example="ports:\n  - name: HTTP_API\n    containerPort: 80800\n",
    use_instead="ports:\n  - name: http-api\n    containerPort: 8080\n",
)
KINDS = POD_KINDS


def check(obj: Any, ctx: Any) -> Iterator[Report]:
    template = pod_template(obj, "")
    if template is None:
        return
    spec, base = template.spec, template.spec_path
    conflicts: set[tuple] = set()  # hostPort conflicts already reported (no duplicate warning)
    for field in CONTAINER_LISTS:
        for i, container in enumerate(as_list(spec.get(field))):
            if isinstance(container, dict):
                yield from _check_container(base + (field, i), container)
    yield from _host_port_conflicts(spec, base, conflicts)
    if not obj.partial:  # a patch's ports are merged into others: duplicates are not its own
        yield from _duplicate_definitions(spec, base, conflicts)


def _check_container(path: tuple, container: dict[str, Any]) -> Iterator[Report]:
    who = _container_label(path, container)
    names: dict[str, int] = {}
    for j, port in enumerate(as_list(container.get("ports"))):
        if not isinstance(port, dict):
            continue
        at = path + ("ports", j)
        number = port.get("containerPort")
        if is_int(number):
            problem = port_number_problem(number)
            if problem is not None:
                yield Report(
                    at + ("containerPort",),
                    f"containerPort {number} of {who} is not a port number: it {problem}",
                    "set containerPort to the port the process listens on (1-65535)",
                )
        host = port.get("hostPort")
        if is_int(host) and host != 0:
            problem = port_number_problem(host)
            if problem is not None:
                yield Report(
                    at + ("hostPort",),
                    f"hostPort {host} of {who} is not a port number: it {problem}",
                    "set hostPort to a port between 1 and 65535, or remove it (0 means no host port)",
                )
        name = port.get("name")
        if not isinstance(name, str) or not name:
            continue
        problems = iana_svc_name(name)
        if problems:
            yield Report(
                at + ("name",),
                f'port name "{name}" of {who} is not a valid port name: it {"; it ".join(problems)}',
                name_help(name),
            )
        elif name in names:
            yield Report(
                at + ("name",),
                f'port name "{name}" is used twice in {who}: ports[{names[name]}] has the same name',
                "port names must be unique within a container: rename one of them (and the Service "
                "targetPort or probe that means it)",
            )
        else:
            names[name] = j


def _host_port_conflicts(spec: dict[str, Any], base: tuple, conflicts: set[tuple]) -> Iterator[Report]:
    """checkHostPortConflicts: across all regular containers; each init container on its own
    (init containers run one after the other)."""
    groups: list[list[tuple[tuple, dict[str, Any]]]] = [[
        (base + ("containers", i), c) for i, c in enumerate(as_list(spec.get("containers"))) if isinstance(c, dict)
    ]]
    groups += [
        [(base + ("initContainers", i), c)]
        for i, c in enumerate(as_list(spec.get("initContainers"))) if isinstance(c, dict)
    ]
    for group in groups:
        seen: dict[tuple, tuple] = {}
        for path, container in group:
            for j, port in enumerate(as_list(container.get("ports"))):
                port = as_dict(port)
                host = port.get("hostPort")
                if not is_int(host) or host == 0:
                    continue
                protocol, host_ip = port.get("protocol", "TCP"), port.get("hostIP", "")
                if not isinstance(protocol, str) or not isinstance(host_ip, str):
                    continue  # wrong types: the schema reports them
                key = (protocol, host_ip, host)
                at = path + ("ports", j)
                if key not in seen:
                    seen[key] = at
                    continue
                conflicts.add(at)
                where = f" on {host_ip}" if host_ip else ""
                yield Report(
                    at + ("hostPort",),
                    f"hostPort {host}/{protocol}{where} is used twice in the pod: {_relative(seen[key], base)} "
                    "uses it too",
                    "a node port can be bound once: give one of them another hostPort, or remove one",
                )


def _duplicate_definitions(spec: dict[str, Any], base: tuple, conflicts: set[tuple]) -> Iterator[Report]:
    """The API server's warning "duplicate port definition": the same containerPort, protocol,
    hostIP and hostPort twice in the pod (init containers, containers, ephemeral containers)."""
    seen: dict[tuple, tuple] = {}
    for field in CONTAINER_LISTS:
        for i, container in enumerate(as_list(spec.get(field))):
            if not isinstance(container, dict):
                continue
            for j, port in enumerate(as_list(container.get("ports"))):
                port = as_dict(port)
                number = port.get("containerPort")
                if not is_int(number):
                    continue
                protocol, host_ip, host = port.get("protocol", "TCP"), port.get("hostIP", ""), port.get("hostPort", 0)
                if not (isinstance(protocol, str) and isinstance(host_ip, str) and is_int(host)):
                    continue  # wrong types: the schema reports them
                key = (number, protocol, host_ip, host)
                at = base + (field, i, "ports", j)
                if key not in seen:
                    seen[key] = at
                    continue
                if at in conflicts:
                    continue  # already an error
                first = seen[key]
                same = first[: len(at) - 2] == at[:-2]
                shown = f"ports[{first[-1]}]" if same else _relative(first, base)
                if same:
                    help = "remove the copy"
                elif _runs_to_completion(spec, first) or _runs_to_completion(spec, at):
                    help = (
                        "an init container ends before the containers start, so both can use it, but declare "
                        "it on one of them only"
                    )
                else:
                    help = (
                        "the containers of a pod share one network namespace, so only one of them can listen "
                        "on it: remove one, or use another port"
                    )
                yield Report(
                    at + ("containerPort",),
                    f"containerPort {number}/{protocol} is declared twice: {shown} declares it too "
                    "(the API server warns: duplicate port definition)",
                    help, severity=Severity.WARNING,
                )


def _runs_to_completion(spec: dict[str, Any], at: tuple) -> bool:
    """Whether the port at ``at`` belongs to an init container that is not a sidecar."""
    field, i = at[-4], at[-3]
    if field != "initContainers":
        return False
    container = as_list(spec.get(field))[i]
    return not (isinstance(container, dict) and container.get("restartPolicy") == "Always")


def _container_label(path: tuple, container: dict[str, Any]) -> str:
    name = container.get("name")
    return f'container "{name}"' if isinstance(name, str) and name else f"{path[-2]}[{path[-1]}]"


def _relative(path: tuple, base: tuple) -> str:
    """('spec', 'template', 'spec', 'containers', 1, 'ports', 0) → 'containers[1].ports[0]'."""
    from k8slint.locate import format_path

    return format_path(path[len(base):])
