"""KL623: probes and lifecycle hooks the API server rejects: no handler or more than one, ports
out of range, negative timings, a successThreshold other than 1 where only 1 is allowed."""
from __future__ import annotations

from typing import Any, Iterator, Optional

from k8slint.findings import Severity
from k8slint.ports import int_or_name_problem
from k8slint.rule import Report, Rule
from k8slint.workloads import POD_KINDS, as_dict, as_list, is_int, pod_template

RULE = Rule(
    "KL623", "probe-handler-count", Severity.ERROR, "api-validation",
    "A probe or lifecycle hook without a handler or with more than one, or with a port, timing or "
    "threshold the API server rejects.",
    why="A probe runs exactly one check (exec, httpGet, tcpSocket or grpc) and a lifecycle hook "
    "exactly one action (exec, httpGet, tcpSocket or sleep). The schema makes each of them "
    "optional, so a probe with none (often `path:` and `port:` written without `httpGet:`) or "
    "with two passes schema validation, but the API server rejects it: it mirrors validateHandler "
    "in pkg/apis/core/validation/validation.go (\"must specify a handler type\", \"may not specify "
    "more than 1 handler type\"). Also mirrored: probe ports (ValidatePortNumOrName: 1-65535 or an "
    "IANA port name), validateProbe (initialDelaySeconds, timeoutSeconds, periodSeconds, "
    "successThreshold and failureThreshold must not be negative; 0 means the default; a probe's "
    "terminationGracePeriodSeconds must be positive), validateLivenessProbe and "
    "validateStartupProbe (successThreshold must be 1), validateReadinessProbe (no "
    "terminationGracePeriodSeconds) and validateSleepAction (sleep.seconds up to the pod's "
    "terminationGracePeriodSeconds, 30 by default). Probes of init containers that are not "
    "sidecars are rejected as a whole (KL627).",
    example="livenessProbe:\n  path: /healthz\n  port: 8080\n",
    use_instead="livenessProbe:\n  httpGet:\n    path: /healthz\n    port: 8080\n",
)
KINDS = POD_KINDS

PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
PROBE_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")
HOOKS = ("postStart", "preStop")
HOOK_HANDLERS = ("exec", "httpGet", "tcpSocket", "sleep")
TIMINGS = ("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold")
DEFAULT_GRACE_PERIOD = 30
# Keys that belong inside a handler, written directly under the probe: handler → its keys.
HANDLER_KEYS = {
    "httpGet": ("path", "port", "scheme", "host", "httpHeaders"),
    "exec": ("command",),
    "grpc": ("service",),
}


def check(obj: Any, ctx: Any) -> Iterator[Report]:
    template = pod_template(obj, "")
    if template is None:
        return
    spec = template.spec
    grace = spec.get("terminationGracePeriodSeconds", DEFAULT_GRACE_PERIOD)
    grace = grace if is_int(grace) else DEFAULT_GRACE_PERIOD
    allow_zero_sleep = ctx.version >= (1, 33)
    for field in ("containers", "initContainers"):
        for i, container in enumerate(as_list(spec.get(field))):
            if not isinstance(container, dict):
                continue
            if field == "initContainers" and container.get("restartPolicy") != "Always":
                continue  # probes and hooks are forbidden outright there (KL627)
            path = template.spec_path + (field, i)
            who = _container_label(field, i, container)
            for probe_name in PROBES:
                probe = container.get(probe_name)
                if isinstance(probe, dict):
                    yield from _check_probe(obj, who, probe_name, probe, path + (probe_name,))
            lifecycle = as_dict(container.get("lifecycle"))
            for hook in HOOKS:
                handler = lifecycle.get(hook)
                if isinstance(handler, dict):
                    yield from _check_hook(obj, who, hook, handler, path + ("lifecycle", hook), grace, allow_zero_sleep)


def _check_probe(obj: Any, who: str, name: str, probe: dict[str, Any], at: tuple) -> Iterator[Report]:
    yield from _handler_count(obj, f"{name} of {who}", probe, at, PROBE_HANDLERS, "a probe")
    for handler in ("httpGet", "tcpSocket"):
        action = probe.get(handler)
        if isinstance(action, dict) and "port" in action:
            found = int_or_name_problem(action["port"], "port")
            if found is not None:
                problem, help = found
                yield Report(at + (handler, "port"), f"{name} of {who}: {handler} {problem}", help)
    grpc = probe.get("grpc")
    if isinstance(grpc, dict) and is_int(grpc.get("port")) and not 1 <= grpc["port"] <= 65535:
        yield Report(
            at + ("grpc", "port"), f"{name} of {who}: grpc port {grpc['port']} is not a port number: it must be "
            "between 1 and 65535", "set port to the gRPC port the container serves",
        )
    for key in TIMINGS:
        value = probe.get(key)
        if not is_int(value):
            continue
        if key == "successThreshold" and name != "readinessProbe" and value not in (0, 1):
            yield Report(
                at + (key,), f"{name} of {who} has successThreshold: {value}, but it must be 1 for a {name}",
                "remove successThreshold (only a readinessProbe may need several successes in a row), or set it to 1",
            )
        elif value < 0:
            yield Report(
                at + (key,), f"{name} of {who} has {key}: {value}, which must not be negative",
                f"set {key} to a positive number, or remove it to use the default",
            )
    grace = probe.get("terminationGracePeriodSeconds")
    if is_int(grace):
        if name == "readinessProbe":
            yield Report(
                at + ("terminationGracePeriodSeconds",), f"{name} of {who} sets terminationGracePeriodSeconds, "
                "which only liveness and startup probes may set",
                "remove it: a failing readiness probe does not restart the container",
            )
        elif grace <= 0:
            yield Report(
                at + ("terminationGracePeriodSeconds",),
                f"{name} of {who} has terminationGracePeriodSeconds: {grace}, which must be greater than 0",
                "set it to a positive number of seconds, or remove it to use the pod's",
            )


def _check_hook(
    obj: Any, who: str, hook: str, handler: dict[str, Any], at: tuple, grace: int, allow_zero: bool,
) -> Iterator[Report]:
    yield from _handler_count(obj, f"lifecycle.{hook} of {who}", handler, at, HOOK_HANDLERS, "a lifecycle hook")
    for name in ("httpGet", "tcpSocket"):
        action = handler.get(name)
        if isinstance(action, dict) and "port" in action:
            found = int_or_name_problem(action["port"], "port")
            if found is not None:
                problem, help = found
                yield Report(at + (name, "port"), f"lifecycle.{hook} of {who}: {name} {problem}", help)
    sleep = handler.get("sleep")
    seconds = sleep.get("seconds") if isinstance(sleep, dict) else None
    if is_int(seconds) and (seconds < 0 or (seconds == 0 and not allow_zero) or seconds > grace):
        low = 0 if allow_zero else 1
        yield Report(
            at + ("sleep", "seconds"),
            f"lifecycle.{hook} of {who} sleeps {seconds} seconds, but it must be {low} to {grace} "
            f"(the pod's terminationGracePeriodSeconds)",
            "sleep at most terminationGracePeriodSeconds, or raise terminationGracePeriodSeconds",
        )


def _handler_count(
    obj: Any, what: str, handler: dict[str, Any], at: tuple, allowed: tuple[str, ...], kind: str,
) -> Iterator[Report]:
    found = [key for key in allowed if handler.get(key) is not None]
    listed = ", ".join(allowed[:-1]) + " or " + allowed[-1]
    if not found:
        if obj.partial:
            return  # a patch changes a probe whose handler is in the base
        stray = _stray_keys(handler, allowed)
        folds = tuple((at + (key,), "KL010") for key in stray[1])
        yield Report(
            at, f"{what} has no handler: {kind} needs exactly one of {listed}",
            stray[0] or f"add one of {listed}", key=True, folds=folds,
        )
        return
    if len(found) > 1:
        if len(found) == 2:
            help = f"keep either {found[0]} or {found[1]}, and remove the other"
        else:
            help = f"keep one of {', '.join(found[:-1])} and {found[-1]}, and remove the others"
        yield Report(
            at, f"{what} has {len(found)} handlers ({', '.join(found)}): {kind} takes exactly one", help, key=True,
        )


def _stray_keys(handler: dict[str, Any], allowed: tuple[str, ...]) -> tuple[Optional[str], list[str]]:
    """A help for handler fields written without their handler (`path:` right under the probe),
    and those keys (the schema reports them as unknown fields; this explains them)."""
    for name, keys in HANDLER_KEYS.items():
        if name not in allowed:
            continue
        stray = [key for key in keys if key in handler]
        if not stray:
            continue
        if name == "httpGet" and stray == ["port"]:
            return (
                "port belongs under a handler: indent it under tcpSocket: (or httpGet: with a path)",
                stray,
            )
        shown = " and ".join(stray)
        return f"{shown} belong{'s' if len(stray) == 1 else ''} under {name}: indent {'it' if len(stray) == 1 else 'them'} under a new \"{name}:\" key", stray
    return None, []


def _container_label(field: str, i: int, container: dict[str, Any]) -> str:
    name = container.get("name")
    return f'container "{name}"' if isinstance(name, str) and name else f"{field}[{i}]"
