"""KL627: fields that are each valid but that the API server rejects together."""
from __future__ import annotations

import re
from typing import Any, Iterator, Optional

from k8slint.findings import Severity
from k8slint.rule import Report, Rule
from k8slint.scalars import bounded_int
from k8slint.workloads import POD_KINDS, as_dict, as_list, get_path, is_int, pod_template

RULE = Rule(
    "KL627", "invalid-field-combination", Severity.ERROR, "api-validation",
    "Fields that are valid one by one but that the API server rejects together, such as a "
    "Recreate strategy with rollingUpdate, or a headless NodePort Service.",
    why="The OpenAPI schema checks each field on its own, so these pass schema validation and "
    "fail at kubectl apply. Each check mirrors one rule of the API server's validation, after its "
    "defaulting: ValidateDeploymentStrategy (rollingUpdate with type Recreate; maxUnavailable and "
    "maxSurge both 0), ValidateDeploymentSpec (progressDeadlineSeconds, 600 by default, must be "
    "greater than minReadySeconds), ValidateStatefulSetSpec (rollingUpdate with OnDelete), "
    "ValidateRollingUpdateDaemonSet (maxSurge with a non-zero maxUnavailable, which defaults to "
    "1), the controllers' template checks (no activeDeadlineSeconds) in pkg/apis/apps/validation; "
    "ValidateService (clusterIP: None with NodePort or LoadBalancer; ExternalName without "
    "externalName or with a cluster IP; sessionAffinityConfig without sessionAffinity: ClientIP; "
    "externalTrafficPolicy, healthCheckNodePort and the loadBalancer* fields on Services that "
    "are not LoadBalancers), validatePodHostNetworkDeps (hostPort must equal containerPort with "
    "hostNetwork), ValidatePodCreate (nodeName with schedulingGates), validatePodDNSConfig "
    "(dnsPolicy: None needs dnsConfig.nameservers), ValidateTolerations, validateInitContainers "
    "(probes and lifecycle hooks only on sidecars), validatePodSpecSecurityContext "
    "(shareProcessNamespace with hostPID) and validateHostUsers in "
    "pkg/apis/core/validation/validation.go; validateJobSpec (the Indexed-only fields) in "
    "pkg/apis/batch/validation. Each finding is at the field to change and names the other.",
    example="kind: Deployment\nspec:\n  strategy:\n    type: Recreate\n    rollingUpdate:\n      maxSurge: 1\n",
    use_instead="kind: Deployment\nspec:\n  strategy:\n    type: Recreate\n",
)
KINDS = POD_KINDS | {"Service"}
CONTROLLERS = frozenset({"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "ReplicationController"})
PROGRESS_DEADLINE_DEFAULT = 600
_PERCENT = r"([0-9]+)%\Z"  # compiled on first use (re caches it)


def check(obj: Any, ctx: Any) -> Iterator[Report]:
    if obj.partial:
        return  # a patch is merged into a base: the other field of a pair may be there
    kind = obj.kind
    who = f"{kind} {ctx.namespace(obj)}/{obj.name or '<unnamed>'}"
    spec = obj.data.get("spec")
    if not isinstance(spec, dict):
        return
    if kind == "Service":
        yield from _service(who, spec)
        return
    if kind == "Deployment":
        yield from _deployment(who, spec)
    elif kind == "StatefulSet":
        yield from _statefulset(who, spec)
    elif kind == "DaemonSet" and ctx.version >= (1, 22):  # maxSurge for DaemonSets: 1.22 on
        yield from _daemonset(who, spec)
    elif kind == "Job":
        yield from _job(who, spec, ("spec",))
    elif kind == "CronJob":
        job = get_path(spec, ("jobTemplate", "spec"))
        if isinstance(job, dict):
            yield from _job(who, job, ("spec", "jobTemplate", "spec"))
    template = pod_template(obj, "")
    if template is None:
        return
    if kind in CONTROLLERS and template.spec.get("activeDeadlineSeconds") is not None:
        yield Report(
            template.spec_path + ("activeDeadlineSeconds",),
            f"{who} sets activeDeadlineSeconds in its pod template, which the API server rejects for a {kind}: "
            "its pods run until they are replaced",
            "remove activeDeadlineSeconds (it is for Jobs and bare Pods)", key=True,
        )
    yield from _pod_spec(who, kind, template.spec, template.spec_path)


# -- Services ---------------------------------------------------------------------------------
def _service(who: str, spec: dict[str, Any]) -> Iterator[Report]:
    service_type = spec.get("type", "ClusterIP")
    if not isinstance(service_type, str):
        return
    ips = spec.get("clusterIPs")
    headless_at: Optional[tuple] = None
    if spec.get("clusterIP") == "None":
        headless_at = ("spec", "clusterIP")
    elif isinstance(ips, list) and ips and ips[0] == "None":
        headless_at = ("spec", "clusterIPs", 0)
    if service_type in ("NodePort", "LoadBalancer") and headless_at is not None:
        yield Report(
            headless_at,
            f"{who} is headless (clusterIP: None), but its type is {service_type}, which needs a cluster IP",
            f"remove clusterIP: None to keep type {service_type}, or set type: ClusterIP for a headless Service",
        )
    if service_type == "ExternalName":
        name = spec.get("externalName")
        if name is None or (isinstance(name, str) and not name.rstrip(".")):
            yield Report(
                ("spec", "type"), f"{who} has type ExternalName, but no spec.externalName",
                "add externalName: the DNS name the Service stands for (e.g. db.example.com), or use another type",
            )
        for field in ("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"):
            value = spec.get(field)
            if value is None or value == "" or value == []:
                continue
            yield Report(
                ("spec", field),
                f"{who} sets {field}, but its type is ExternalName, which has no cluster IP",
                f"remove {field} (an ExternalName Service is only a DNS alias)", key=True,
            )
    affinity = spec.get("sessionAffinity", "None")
    if spec.get("sessionAffinityConfig") is not None and affinity == "None":
        shown = "None" if "sessionAffinity" in spec else "not set (None)"
        yield Report(
            ("spec", "sessionAffinityConfig"),
            f"{who} sets sessionAffinityConfig, but sessionAffinity is {shown}",
            "add sessionAffinity: ClientIP (the config only applies to it), or remove sessionAffinityConfig",
            key=True,
        )
    external = service_type in ("NodePort", "LoadBalancer") or (
        service_type == "ClusterIP" and bool(as_list(spec.get("externalIPs")))
    )
    policy = spec.get("externalTrafficPolicy")
    if policy not in (None, "") and not external:
        yield Report(
            ("spec", "externalTrafficPolicy"),
            f"{who} sets externalTrafficPolicy, but its type is {service_type}, which is not reachable from "
            "outside the cluster",
            "remove externalTrafficPolicy (it applies to NodePort and LoadBalancer Services and to externalIPs), "
            "or use internalTrafficPolicy", key=True,
        )
    health = spec.get("healthCheckNodePort")
    if is_int(health) and health != 0 and not (service_type == "LoadBalancer" and policy == "Local"):
        yield Report(
            ("spec", "healthCheckNodePort"),
            f"{who} sets healthCheckNodePort, which only a LoadBalancer with externalTrafficPolicy: Local has",
            "remove healthCheckNodePort, or use type: LoadBalancer with externalTrafficPolicy: Local", key=True,
        )
    if service_type != "LoadBalancer":
        for field in ("loadBalancerSourceRanges", "allocateLoadBalancerNodePorts", "loadBalancerClass"):
            value = spec.get(field)
            if value is None or value == []:
                continue
            yield Report(
                ("spec", field), f"{who} sets {field}, but its type is {service_type}, not LoadBalancer",
                f"remove {field}, or set type: LoadBalancer", key=True,
            )


# -- workloads --------------------------------------------------------------------------------
def _deployment(who: str, spec: dict[str, Any]) -> Iterator[Report]:
    strategy = as_dict(spec.get("strategy"))
    strategy_type = strategy.get("type", "RollingUpdate")
    rolling = strategy.get("rollingUpdate")
    at = ("spec", "strategy", "rollingUpdate")
    if strategy_type == "Recreate" and rolling is not None:
        yield Report(
            at, f"{who} sets strategy.rollingUpdate, but strategy.type is Recreate",
            "remove rollingUpdate (Recreate stops every pod before starting new ones), or set type: RollingUpdate",
            key=True,
        )
    elif strategy_type == "RollingUpdate" and isinstance(rolling, dict):
        if "maxUnavailable" in rolling and "maxSurge" in rolling:
            unavailable, surge = _amount(rolling["maxUnavailable"]), _amount(rolling["maxSurge"])
            if unavailable == 0 and surge == 0:
                yield Report(
                    at + ("maxUnavailable",),
                    f"{who} has maxUnavailable and maxSurge both 0: a rolling update could neither stop an old pod "
                    "nor start a new one",
                    "set maxSurge: 1 (start a new pod before stopping an old one), or maxUnavailable: 1",
                )
    ready = spec.get("minReadySeconds", 0)
    deadline = spec.get("progressDeadlineSeconds")
    if not is_int(ready):
        return
    if deadline is None and ready >= PROGRESS_DEADLINE_DEFAULT:
        yield Report(
            ("spec", "minReadySeconds"),
            f"{who} has minReadySeconds: {ready}, which is not below progressDeadlineSeconds "
            f"({PROGRESS_DEADLINE_DEFAULT} by default)",
            f"set progressDeadlineSeconds greater than {ready}, or lower minReadySeconds",
        )
    elif is_int(deadline) and deadline <= ready:
        yield Report(
            ("spec", "progressDeadlineSeconds"),
            f"{who} has progressDeadlineSeconds: {deadline}, which is not greater than minReadySeconds: {ready}",
            f"set progressDeadlineSeconds greater than {ready}: a rollout is only judged after pods have been "
            "ready for minReadySeconds",
        )


def _statefulset(who: str, spec: dict[str, Any]) -> Iterator[Report]:
    strategy = as_dict(spec.get("updateStrategy"))
    if strategy.get("type") == "OnDelete" and strategy.get("rollingUpdate") is not None:
        yield Report(
            ("spec", "updateStrategy", "rollingUpdate"),
            f"{who} sets updateStrategy.rollingUpdate, but updateStrategy.type is OnDelete",
            "remove rollingUpdate (with OnDelete, pods are replaced only when you delete them), or set "
            "type: RollingUpdate", key=True,
        )


def _daemonset(who: str, spec: dict[str, Any]) -> Iterator[Report]:
    strategy = as_dict(spec.get("updateStrategy"))
    if strategy.get("type", "RollingUpdate") != "RollingUpdate":
        return
    rolling = strategy.get("rollingUpdate")
    rolling = rolling if isinstance(rolling, dict) else {}
    unavailable = _amount(rolling.get("maxUnavailable", 1))
    surge = _amount(rolling.get("maxSurge", 0))
    if unavailable is None or surge is None:
        return  # not a number or percentage: reported elsewhere
    at = ("spec", "updateStrategy", "rollingUpdate")
    if unavailable != 0 and surge != 0:
        default = "" if "maxUnavailable" in rolling else " (the default)"
        yield Report(
            at + ("maxSurge",),
            f"{who} sets maxSurge: {rolling['maxSurge']}, but maxUnavailable is "
            f"{rolling.get('maxUnavailable', 1)}{default}: a DaemonSet's rolling update uses one or the other",
            "set maxUnavailable: 0 to start each new pod before its old one stops, or remove maxSurge",
        )
    elif unavailable == 0 and surge == 0:
        yield Report(
            at + ("maxUnavailable",),
            f"{who} has maxUnavailable and maxSurge both 0: a rolling update could not replace any pod",
            "set maxUnavailable: 1, or maxSurge: 1",
        )


def _job(who: str, job: dict[str, Any], base: tuple) -> Iterator[Report]:
    indexed = job.get("completionMode") == "Indexed"
    if indexed and job.get("completions") is None:
        yield Report(
            base + ("completionMode",), f"{who} has completionMode: Indexed, but no completions",
            "set completions: the number of indexes (pods that must succeed)",
        )
    if not indexed:
        for field in ("backoffLimitPerIndex", "maxFailedIndexes", "successPolicy"):
            if job.get(field) is not None:
                yield Report(
                    base + (field,), f"{who} sets {field}, which requires completionMode: Indexed",
                    f"set completionMode: Indexed (and completions), or remove {field}", key=True,
                )
    elif job.get("maxFailedIndexes") is not None and job.get("backoffLimitPerIndex") is None:
        yield Report(
            base + ("maxFailedIndexes",), f"{who} sets maxFailedIndexes, but not backoffLimitPerIndex",
            "set backoffLimitPerIndex too, or remove maxFailedIndexes", key=True,
        )


# -- pod specs --------------------------------------------------------------------------------
def _pod_spec(who: str, kind: str, spec: dict[str, Any], base: tuple) -> Iterator[Report]:
    if spec.get("hostNetwork") is True:
        for i, container in enumerate(as_list(spec.get("containers"))):
            for j, port in enumerate(as_list(as_dict(container).get("ports"))):
                port = as_dict(port)
                host, number = port.get("hostPort"), port.get("containerPort")
                if is_int(host) and host != 0 and is_int(number) and host != number:
                    yield Report(
                        base + ("containers", i, "ports", j, "hostPort"),
                        f"{who} hostPort {host} differs from containerPort {number}, but the pod uses hostNetwork",
                        f"with hostNetwork the container listens on the node's port {number} itself: set hostPort: "
                        f"{number}, or remove hostPort",
                    )
    if kind == "Pod" and spec.get("nodeName") and as_list(spec.get("schedulingGates")):
        yield Report(
            base + ("nodeName",), f"{who} sets nodeName, but also schedulingGates",
            "remove nodeName (the scheduler places the pod once the gates are removed), or remove the "
            "schedulingGates", key=True,
        )
    if spec.get("dnsPolicy") == "None":
        config = spec.get("dnsConfig")
        if not isinstance(config, dict):
            yield Report(
                base + ("dnsPolicy",), f"{who} has dnsPolicy: None, but no dnsConfig",
                "add dnsConfig with at least one nameserver, or use another dnsPolicy (ClusterFirst is the default)",
            )
        elif not as_list(config.get("nameservers")):
            yield Report(
                base + ("dnsConfig",), f"{who} has dnsPolicy: None, but its dnsConfig has no nameservers",
                "add dnsConfig.nameservers (at most 3), or use another dnsPolicy", key=True,
            )
    yield from _tolerations(who, spec, base)
    yield from _init_containers(who, spec, base)
    if spec.get("shareProcessNamespace") is True and spec.get("hostPID") is True:
        yield Report(
            base + ("shareProcessNamespace",), f"{who} sets shareProcessNamespace, but also hostPID",
            "remove one of them: with hostPID the containers already see every process of the node", key=True,
        )
    if spec.get("hostUsers") is False:
        for field in ("hostNetwork", "hostPID", "hostIPC"):
            if spec.get(field) is True:
                yield Report(
                    base + (field,), f"{who} sets {field}, but hostUsers is false (a user namespace)",
                    f"remove {field}, or hostUsers: false", key=True,
                )


def _tolerations(who: str, spec: dict[str, Any], base: tuple) -> Iterator[Report]:
    for i, item in enumerate(as_list(spec.get("tolerations"))):
        if not isinstance(item, dict):
            continue
        at = base + ("tolerations", i)
        operator = item.get("operator", "Equal")
        key = item.get("key")
        if operator in ("Equal", "") and not key:
            yield Report(
                at + ("operator",) if "operator" in item else at,
                f"{who} tolerations[{i}] has no key, so its operator must be Exists (it then tolerates every taint)",
                "add the key of the taint to tolerate, or set operator: Exists to tolerate all taints",
            )
        value = item.get("value")
        if operator == "Exists" and value not in (None, ""):
            yield Report(
                at + ("value",), f'{who} tolerations[{i}] has operator: Exists and value: {value}, but Exists matches '
                "any value, so value must be empty",
                "remove value, or use operator: Equal to match that value",
            )
        effect = item.get("effect")
        if item.get("tolerationSeconds") is not None and effect != "NoExecute":
            shown = effect if effect else "not set (every effect)"
            yield Report(
                at + ("effect",) if effect else at + ("tolerationSeconds",),
                f"{who} tolerations[{i}] sets tolerationSeconds, but its effect is {shown}: tolerationSeconds applies "
                "only to NoExecute", "set effect: NoExecute, or remove tolerationSeconds", key=not effect,
            )


def _init_containers(owner: str, spec: dict[str, Any], base: tuple) -> Iterator[Report]:
    for i, container in enumerate(as_list(spec.get("initContainers"))):
        if not isinstance(container, dict) or container.get("restartPolicy") == "Always":
            continue
        name = container.get("name")
        who = f'init container "{name}"' if isinstance(name, str) and name else f"initContainers[{i}]"
        for field in ("livenessProbe", "readinessProbe", "startupProbe", "lifecycle"):
            if container.get(field) is None:
                continue
            what = "lifecycle hooks" if field == "lifecycle" else f"a {field}"
            yield Report(
                base + ("initContainers", i, field),
                f"{owner} {who} has {what}, but it is not a sidecar: an init container runs to completion, and only "
                "sidecars (restartPolicy: Always) may have probes and lifecycle hooks",
                f"remove {field}, or make it a sidecar with restartPolicy: Always (Kubernetes 1.29+)", key=True,
            )


def _amount(value: Any) -> Optional[int]:
    """An IntOrString count or percentage as the API server reads it (getIntOrPercentValue)."""
    if is_int(value):
        return value
    if isinstance(value, str):
        m = re.match(_PERCENT, value)
        digits = m.group(1) if m else value if value.isascii() and value.isdigit() else None  # [0-9]+
        if digits is not None:
            return bounded_int(digits)  # None beyond 19 digits, where Go's Atoi fails too
    return None
