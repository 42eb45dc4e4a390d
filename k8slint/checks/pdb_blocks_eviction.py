"""KL310: a PodDisruptionBudget that allows no voluntary disruption, so node drains hang."""
from __future__ import annotations

import math
import re
from typing import Any, Iterator, Optional

from k8slint.findings import Severity
from k8slint.named_tuple import NamedTuple
from k8slint.rule import Report, Rule
from k8slint.scalars import bounded_int
from k8slint.selectors import is_empty_selector, label_selector_matches, usable_selector
from k8slint.workloads import as_dict, is_int, replicas, string_labels

RULE = Rule(
    "KL310", "pdb-blocks-eviction", Severity.WARNING, "selectors",
    "A PodDisruptionBudget allows no voluntary disruption, so node drains and cluster upgrades hang.",
    why="The eviction API removes a pod only if every PodDisruptionBudget that selects it still "
    "holds afterwards. maxUnavailable: 0 (or \"0%\"), minAvailable: \"100%\", or a minAvailable "
    "at least as large as the number of pods the budget selects never allows one: kubectl drain, "
    "node pool upgrades and the cluster autoscaler wait on those pods until someone deletes the "
    "budget. The pods counted are the replicas of the workloads the selector matches (1 when "
    "unset), or the minReplicas of the HorizontalPodAutoscaler (minReplicaCount of the KEDA "
    "ScaledObject) that scales them, since that is as low as the autoscaler may take them; a "
    "percentage is rounded up, as the disruption controller does (minAvailable \"50%\" of 1 pod "
    "is 1). The comparison needs the workloads: objects in other files count when they are "
    "checked too or given with --context, and it is skipped when a workload may be unseen or "
    "has no fixed count (DaemonSet, Job). Counterpart of kube-linter's pdb-max-unavailable and "
    "pdb-min-available, and of Polaris's pdbMinAvailableGreaterThanHPAMinReplicas and "
    "pdbDisruptionsIsZero (which reads the live status instead).",
    example="kind: PodDisruptionBudget\nspec:\n  minAvailable: 2\n  selector:\n    matchLabels: {app: web}\n"
    "---\nkind: Deployment\nspec:\n  replicas: 2\n  template:\n    metadata:\n      labels: {app: web}\n",
    use_instead="kind: PodDisruptionBudget\nspec:\n  maxUnavailable: 1\n  selector:\n"
    "    matchLabels: {app: web}\n",
)
# The kind it reports on: without a checked PodDisruptionBudget, the rule is not even imported.
KINDS = ("PodDisruptionBudget",)
# It reads labels only through the budget's selector, matched against the labels of pod templates
# (with their workload's selector pairs): a warm run whose edits changed only labels that no
# selector names keeps its findings (see k8slint.run_snapshot.labels_unseen).
READS_LABELS = "selectors"
# Of the facts a warm run keeps apart (see k8slint.run_snapshot.PARTS), it reads replicas, not
# ports: an edit of only ports does not run it again.
READS_FACTS = frozenset({"replicas"})

# Workloads that run a fixed number of pods (spec.replicas, 1 when unset).
REPLICATED = frozenset({"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController", "DeploymentConfig"})
# Workloads whose selector is a plain map rather than a LabelSelector.
MAP_SELECTOR = frozenset({"ReplicationController", "DeploymentConfig"})
_PERCENT = r"([0-9]+)%\Z"  # compiled on first use (re caches it)
_MAX_UNAVAILABLE_HELP = (
    'set maxUnavailable: 1 (or a percentage such as "25%"), so that a drain can evict one pod at a time'
)


class Part(NamedTuple):
    """Some of the pods a budget selects: a workload and how many pods it runs at least."""

    count: int
    workload: str  # 'Deployment default/web'
    source: str  # where the count comes from: 'replicas', 'minReplicas is unset', ...
    scaler: Optional[str] = None  # 'HorizontalPodAutoscaler default/web' when one sets the count

    def text(self, only: bool = False) -> str:
        """'Deployment default/web runs only 2 (replicas)'."""
        least = "only " if only else ""
        if self.scaler:
            return f"{self.scaler} may scale {self.workload} down to {self.count} ({self.source})"
        return f"{self.workload} runs {least}{self.count} ({self.source})"


def check_index(index: Any, ctx: Any) -> Iterator[Report]:
    for pdb in index.checked("PodDisruptionBudget"):
        spec = as_dict(pdb.data.get("spec"))
        who = f"PodDisruptionBudget {index.namespace(pdb)}/{pdb.name or '<unnamed>'}"
        if "maxUnavailable" in spec:
            value = spec["maxUnavailable"]
            if (is_int(value) and value == 0) or _percent(value) == 0:
                yield Report(
                    ("spec", "maxUnavailable"),
                    f"{who} sets maxUnavailable: {_show(value)}, so no pod it selects can be evicted: "
                    "node drains and cluster upgrades hang",
                    _MAX_UNAVAILABLE_HELP, obj=pdb,
                )
            continue
        if "minAvailable" in spec:
            report = _min_available(index, pdb, spec, who)
            if report is not None:
                yield report


def _min_available(index: Any, pdb: Any, spec: dict[str, Any], who: str) -> Optional[Report]:
    value = spec["minAvailable"]
    at = ("spec", "minAvailable")
    percent = _percent(value)
    if percent is not None and percent >= 100:
        return Report(
            at,
            f"{who} sets minAvailable: {_show(value)}, so no pod it selects can be evicted: node drains "
            "and cluster upgrades hang",
            "use maxUnavailable: 1 instead, which keeps all but one pod running while a drain evicts "
            "them one at a time",
            obj=pdb,
        )
    if not ((is_int(value) and value > 0) or percent):
        return None  # 0 allows every disruption; other values are schema errors
    parts = _selected(index, pdb, spec.get("selector"))
    if not parts:
        return None
    total = sum(part.count for part in parts)
    if total < 1:
        return None  # scaled to zero: no pod to evict
    need = value if percent is None else math.ceil(percent * total / 100)
    if need < total:
        return None
    how = f"minAvailable: {value}" if percent is None else f"minAvailable: {_show(value)} of {total}, rounded up"
    if len(parts) == 1:
        selected = parts[0].text(only=True)
    else:
        selected = f"it selects only {total} pods: " + "; ".join(part.text() for part in parts)
    message = (
        f"{who} requires {need} available {'pod' if need == 1 else 'pods'} ({how}), but {selected}, so no "
        "pod can be evicted: node drains and cluster upgrades hang"
    )
    return Report(at, message, _help(parts, total, percent is None), obj=pdb)


def _help(parts: list[Part], total: int, integer: bool) -> str:
    part = parts[0] if len(parts) == 1 else None
    raise_ = f"raise {part.source.split()[0]} of {part.scaler}" if part and part.scaler else None
    if total == 1:
        more = f"{raise_} to 2 or more" if raise_ else "run 2 or more replicas"
        return (
            f"one pod cannot stay available while its node drains: {more}, or use maxUnavailable: 1 "
            "to let the pod be evicted"
        )
    more = f"{raise_} above {total}" if raise_ else f"run more than {total} replicas"
    lower = f"lower minAvailable to {total - 1}" if integer else "lower the minAvailable percentage"
    return f"use maxUnavailable: 1 instead (it keeps working when the replica count changes), {lower}, or {more}"


def _selected(index: Any, pdb: Any, selector: Any) -> Optional[list[Part]]:
    """The workloads the budget selects and their pod counts; None when the count is unknown
    (a DaemonSet or Job among them, a scale-to-zero autoscaler, objects that may be unseen)."""
    if not usable_selector(selector) or is_empty_selector(selector) or index.may_miss(pdb):
        return None
    namespace = index.namespace(pdb)
    scalers = index.memo("KL310 scalers", lambda: _scalers(index))
    parts: list[Part] = []
    for template in index.templates(namespace):
        obj = template.obj
        # A workload's pods carry its selector's labels even where its template is incomplete.
        labels = {**_selector_labels(obj), **template.labels}
        if not label_selector_matches(selector, labels):
            continue
        kind = obj.kind
        if kind == "PodTemplate":
            continue  # a template for others to use, not running pods
        if kind == "Pod":
            parts.append(Part(1, template.describe(), "a bare Pod"))
            continue
        if kind not in REPLICATED:
            return None  # DaemonSet (one per node), Job, CronJob: no fixed count
        scaled = scalers.get((namespace, kind, obj.name))
        if scaled:
            if any(s.minimum is None for s in scaled):
                return None
            scaler = max(scaled, key=lambda s: s.minimum or 0)
            parts.append(Part(scaler.minimum or 0, template.describe(), scaler.source, scaler.owner))
            continue
        count = replicas(obj) or 0
        unset = "replicas" not in as_dict(obj.data.get("spec"))
        parts.append(Part(count, template.describe(), "replicas is unset" if unset else "replicas"))
    return parts


class Scaler(NamedTuple):
    owner: str  # 'HorizontalPodAutoscaler default/web'
    source: str  # 'minReplicas', 'minReplicaCount is unset'
    minimum: Optional[int]  # None when it may scale to zero (the count is then not known)


def _scalers(index: Any) -> dict[tuple, list[Scaler]]:
    """(namespace, kind, name) of each autoscaled workload → its autoscalers (HPAs and KEDA
    ScaledObjects, which keep at least minReplicas / minReplicaCount pods)."""
    out: dict[tuple, list[Scaler]] = {}
    for scaler in index.of_kind("HorizontalPodAutoscaler", "ScaledObject"):
        spec = as_dict(scaler.data.get("spec"))
        ref = as_dict(spec.get("scaleTargetRef"))
        name = ref.get("name")
        if not isinstance(name, str):
            continue
        namespace = index.namespace(scaler)
        owner = f"{scaler.kind} {namespace}/{scaler.name or '<unnamed>'}"
        if scaler.kind == "HorizontalPodAutoscaler":
            kind, field, default = ref.get("kind"), "minReplicas", 1
        else:
            api_version = scaler.api_version
            if not (isinstance(api_version, str) and api_version.startswith("keda.sh/")):
                continue
            kind, field, default = ref.get("kind", "Deployment"), "minReplicaCount", 0
        value = spec.get(field, default)
        minimum = value if is_int(value) else default
        source = field if field in spec else f"{field} is unset"
        out.setdefault((namespace, kind, name), []).append(Scaler(owner, source, minimum if minimum > 0 else None))
    return out


def _selector_labels(obj: Any) -> dict[str, str]:
    selector = as_dict(obj.data.get("spec")).get("selector")
    if obj.kind in MAP_SELECTOR:
        return string_labels(selector)
    return string_labels(as_dict(selector).get("matchLabels"))


def _percent(value: Any) -> Optional[int]:
    if not isinstance(value, str):
        return None
    m = re.match(_PERCENT, value)
    # None beyond 19 digits, where Go's Atoi fails, as the disruption controller would
    return bounded_int(m.group(1)) if m else None


def _show(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value)
