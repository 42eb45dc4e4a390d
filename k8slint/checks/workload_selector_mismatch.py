"""KL302: a workload whose selector does not match the labels of its own pod template."""
from __future__ import annotations

from typing import Any, Callable, Iterator, Optional

from k8slint.selectors import usable_selector
from k8slint.findings import Severity
from k8slint.fix_specs import UNSAFE, set_value
from k8slint.rule import Report, Rule
from k8slint.selectors import describe_map, describe_selector, differing, is_empty_selector, label_selector_matches
from k8slint.workloads import TEMPLATE_PATHS, as_dict, as_list, get_path, string_labels

RULE = Rule(
    "KL302", "workload-selector-mismatch", Severity.ERROR, "selectors",
    "A workload's selector does not match the labels of its own pod template.",
    why="A Deployment, ReplicaSet, StatefulSet, DaemonSet, ReplicationController or "
    "DeploymentConfig (or a Job with manualSelector) manages the pods its selector matches. "
    "When the template's labels do not satisfy the selector, the API server rejects the object "
    "(\"selector does not match template labels\"), or the controller would create pods it "
    "does not own, endlessly. A template without labels is the most common case.",
    example="kind: Deployment\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n"
    "    metadata:\n      labels: {app: webapp}\n",
    use_instead="kind: Deployment\nspec:\n  selector:\n    matchLabels: {app: webapp}\n  template:\n"
    "    metadata:\n      labels: {app: webapp}\n",
    # Only when the selector and the template labels disagree in one label's value: the template
    # label takes the selector's value (selectors are immutable on the server). Unsafe: it changes
    # which pods the workload owns, and what else (a Service) selects them.
    fixable="sometimes",
)
LABEL_SELECTOR_KINDS = frozenset({"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job"})
MAP_SELECTOR_KINDS = frozenset({"ReplicationController", "DeploymentConfig"})
KINDS = LABEL_SELECTOR_KINDS | MAP_SELECTOR_KINDS


def check(obj: Any, ctx: Any) -> Iterator[Report]:
    kind = obj.kind
    spec = as_dict(obj.data.get("spec"))
    selector = spec.get("selector")
    if not isinstance(selector, dict) or not selector:
        return  # absent: required (schema) or defaulted to the template labels
    if kind == "Job" and spec.get("manualSelector") is not True:
        return  # the selector is generated; a hand-written one is an API error of its own
    template_path = TEMPLATE_PATHS[kind]
    labels = string_labels(get_path(obj.data, template_path + ("metadata", "labels")))
    labels_at = ".".join(template_path + ("metadata", "labels"))
    who = f"{kind} {ctx.namespace(obj)}/{obj.name or '<unnamed>'}"
    shown_labels = describe_map(labels) if labels else "no labels"

    if kind in MAP_SELECTOR_KINDS:
        if not _all_strings(selector):
            return  # wrong value types are schema errors
        diff = differing(selector, labels)
        if not diff:
            return
        key = diff[0][0]
        yield Report(
            ("spec", "selector", key),
            f"{who} selects {describe_map(selector)}, but its pod template has {shown_labels}",
            _help(diff, labels, labels_at),
            fix=_label_fix(diff, labels, template_path, lambda fixed: not differing(selector, fixed)),
        )
        return

    if is_empty_selector(selector):
        return  # {} is rejected by apps/v1 validation, reported elsewhere
    if not usable_selector(selector):
        return  # wrong types are schema errors
    match_labels = selector.get("matchLabels")
    if label_selector_matches(selector, labels):
        return
    message = f"{who} selects {describe_selector(selector)}, but its pod template has {shown_labels}"
    diff = differing(match_labels or {}, labels)
    if diff:
        yield Report(
            ("spec", "selector", "matchLabels", diff[0][0]), message, _help(diff, labels, labels_at),
            fix=_label_fix(diff, labels, template_path, lambda fixed: label_selector_matches(selector, fixed)),
        )
        return
    for i, expr in enumerate(as_list(selector.get("matchExpressions"))):
        if not label_selector_matches({"matchExpressions": [expr]}, labels):
            yield Report(
                ("spec", "selector", "matchExpressions", i), message,
                _expression_help(expr, labels, labels_at),
            )
            return


def _label_fix(
    diff: list[tuple[str, Any, Optional[str]]], labels: dict[str, str], template_path: tuple,
    matches: Callable[[dict[str, str]], bool],
) -> Any:
    """The template label that differs from the selector in its value only (one label; every
    other selector label agrees) gets the selector's value, if the whole selector then matches
    (a matchExpressions term may still not). A missing label, or several, is left to a person."""
    if len(diff) != 1:
        return None
    key, wanted, actual = diff[0]
    if actual is None or not isinstance(wanted, str):
        return None
    fixed = {**labels, key: wanted}
    if not matches(fixed):
        return None
    return set_value(
        template_path + ("metadata", "labels", key), wanted,
        f'set template label {key} to "{wanted}" (was "{actual}")', UNSAFE,
    )


def _all_strings(mapping: dict[Any, Any]) -> bool:
    return all(isinstance(k, str) and isinstance(v, str) for k, v in mapping.items())


def _help(diff: list[tuple[str, Any, Optional[str]]], labels: dict[str, str], labels_at: str) -> str:
    if not labels:
        wanted = {key: value for key, value, _ in diff}
        return f"the pod template has no labels: add {describe_map(wanted)} under {labels_at}"
    key, wanted, actual = diff[0]
    if actual is None:
        text = f'the template has no label "{key}": add {key}: {wanted} to {labels_at}'
    else:
        text = f'template label {key} is "{actual}" but the selector wants "{wanted}": make them equal'
    if len(diff) > 1:
        others = ", ".join(f'"{k}"' for k, _, _ in diff[1:])
        text += f" (and likewise for {others})"
    return text


def _expression_help(expr: Any, labels: dict[str, str], labels_at: str) -> str:
    expr = as_dict(expr)
    key, op = expr.get("key"), expr.get("operator")
    values = [str(v) for v in as_list(expr.get("values"))]
    shown = describe_selector({"matchExpressions": [expr]})[1:-1]
    if op in ("In", "Exists") and key not in labels:
        return f'the template has no label "{key}" (the selector wants {shown}): add it to {labels_at}'
    if op == "In":
        return f'template label {key} is "{labels.get(key)}", not one of {", ".join(values)}: make them agree'
    if op == "NotIn":
        return f'template label {key} is "{labels.get(key)}", which {shown} excludes: make them agree'
    if op == "DoesNotExist":
        return f'the template has label "{key}", which {shown} forbids: remove one of them'
    return f"make the template labels satisfy {shown}"
