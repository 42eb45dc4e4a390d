"""KL305: a HorizontalPodAutoscaler whose scaleTargetRef names no object of the lint set."""
from __future__ import annotations

from typing import Any, Iterator

from k8slint.findings import Severity
from k8slint.rule import Report, Rule
from k8slint.suggest import did_you_mean
from k8slint.workloads import as_dict

RULE = Rule(
    "KL305", "hpa-target-missing", Severity.ERROR, "references",
    "A HorizontalPodAutoscaler scales an object that does not exist in its namespace.",
    why="An HPA scales the object its scaleTargetRef names (kind and name, in the HPA's own "
    "namespace). With a typo or a renamed workload, kubectl apply succeeds, the HPA reports "
    "FailedGetScale, and nothing is scaled. Objects in other files count when they are "
    "checked too or given with --context.",
    example="kind: HorizontalPodAutoscaler\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n"
    "    kind: Deployment\n    name: web-app  # the Deployment is called web\n",
    use_instead="kind: HorizontalPodAutoscaler\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n"
    "    kind: Deployment\n    name: web\n",
)
# The kind it reports on: without a checked HorizontalPodAutoscaler, the rule is not even imported.
KINDS = ("HorizontalPodAutoscaler",)
# It reads no label, only scaleTargetRef and the kinds, names and namespaces of objects: a warm run
# whose edits changed only labels keeps its findings (see k8slint.run_snapshot).
READS_LABELS = False
# It reads neither ports nor replicas (facts a warm run keeps apart, see
# k8slint.run_snapshot.PARTS): an edit of only those does not run it again.
READS_FACTS: frozenset[str] = frozenset()
# Kinds with a scale subresource that a wrong kind in scaleTargetRef may have meant.
SCALABLE = frozenset({
    "Deployment", "StatefulSet", "ReplicaSet", "ReplicationController", "DeploymentConfig", "Rollout",
})


def check_index(index: Any, ctx: Any) -> Iterator[Report]:
    for hpa in index.checked("HorizontalPodAutoscaler"):
        ref = as_dict(as_dict(hpa.data.get("spec")).get("scaleTargetRef"))
        kind, name = ref.get("kind"), ref.get("name")
        if not (isinstance(kind, str) and kind and isinstance(name, str) and name):
            continue  # required fields: the schema check reports them
        namespace = index.namespace(hpa)
        if index.get(kind, namespace, name) or index.may_miss(hpa):
            continue
        yield Report(
            ("spec", "scaleTargetRef", "name"),
            f"HorizontalPodAutoscaler {namespace}/{hpa.name or '<unnamed>'} scales {kind} \"{name}\", "
            f"but no {kind} {name} is in namespace {namespace}",
            _help(index, kind, name, namespace), obj=hpa,
        )


def _help(index: Any, kind: str, name: str, namespace: str) -> str:
    hint = did_you_mean(name, index.names(kind, namespace))
    if hint:
        return hint
    other_kinds = sorted(k for k in SCALABLE if k != kind and index.get(k, namespace, name))
    if other_kinds:
        return f'{other_kinds[0]} {namespace}/{name} exists: did you mean kind: {other_kinds[0]}?'
    elsewhere = [ns for ns in index.namespaces_of(kind, name) if ns is not None]
    if elsewhere:
        return (
            f"{kind} {name} is in namespace {', '.join(elsewhere)}: an HPA scales only objects of "
            "its own namespace"
        )
    return f"if {kind} {name} is defined elsewhere, add that file or folder with --context"
