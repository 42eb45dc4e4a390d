"""KL626: an apps/v1 workload without a selector, or with an empty one."""
from __future__ import annotations

from typing import Any, Iterator

from k8slint.findings import Severity
from k8slint.rule import Report, Rule
from k8slint.selectors import describe_map, is_empty_selector
from k8slint.workloads import TEMPLATE_PATHS, get_path, string_labels

RULE = Rule(
    "KL626", "missing-workload-selector", Severity.ERROR, "api-validation",
    "An apps/v1 Deployment, ReplicaSet, StatefulSet or DaemonSet without spec.selector, or with an "
    "empty one.",
    why="Before apps/v1 the selector was defaulted from the pod template's labels; apps/v1 "
    "requires it, and rejects an empty one, which would select every pod of the namespace. It "
    "mirrors ValidateDeploymentSpec, ValidateReplicaSetSpec, ValidateStatefulSetSpec and "
    "ValidateDaemonSetSpec in pkg/apis/apps/validation/validation.go (\"spec.selector: Required "
    "value\", \"empty selector is invalid for deployment\"). Manifests copied from old "
    "extensions/v1beta1 examples and then moved to apps/v1 usually lack it. The schema's "
    "\"missing required field\" for the selector is folded into this finding, which says what to "
    "write.",
    example="apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    metadata:\n      labels: {app: web}\n",
    use_instead="apiVersion: apps/v1\nkind: Deployment\nspec:\n  selector:\n    matchLabels: {app: web}\n"
    "  template:\n    metadata:\n      labels: {app: web}\n",
)
KINDS = frozenset({"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"})
# Other fields the schema may also require at spec: the KL013 fold (which matches by path)
# must not hide their findings, so it only happens when they are present.
# The word the API server's message uses (ReplicaSet validation says "deployment" too).
SERVER_WORD = {"Deployment": "deployment", "ReplicaSet": "deployment", "StatefulSet": "statefulset",
               "DaemonSet": "daemonset"}
OTHER_REQUIRED = {"StatefulSet": ("template", "serviceName")}


def check(obj: Any, ctx: Any) -> Iterator[Report]:
    if obj.api_version != "apps/v1" or obj.partial:
        return
    spec = obj.data.get("spec")
    if not isinstance(spec, dict):
        return
    kind = obj.kind
    who = f"{kind} {ctx.namespace(obj)}/{obj.name or '<unnamed>'}"
    labels = string_labels(get_path(obj.data, TEMPLATE_PATHS[kind] + ("metadata", "labels")))
    selector = spec.get("selector")
    if selector is None:
        if not isinstance(spec.get("template"), dict):
            return  # a fragment without a template: the schema's missing fields say it all
        others = OTHER_REQUIRED.get(kind, ("template",))
        folds = (((("spec",), "KL013"),) if all(field in spec for field in others) else ())
        yield Report(
            ("spec",),
            f"{who} has no spec.selector: apps/v1 requires one (it is no longer taken from the template labels)",
            _help(labels, "add"), key=True, folds=folds,
        )
    elif isinstance(selector, dict) and is_empty_selector(selector):
        yield Report(
            ("spec", "selector"),
            f"{who} has an empty selector, which would select every pod of the namespace: the API server "
            f"rejects it (\"empty selector is invalid for {SERVER_WORD[kind]}\")",
            _help(labels, "set"), key=True,
        )


def _help(labels: dict[str, str], verb: str) -> str:
    if labels:
        return f"{verb} selector.matchLabels: {describe_map(labels)} (the labels of its pod template)"
    return (
        f"{verb} selector.matchLabels (e.g. {{app: <name>}}) and give the pod template the same labels under "
        "template.metadata.labels"
    )
