"""Label selectors as Kubernetes evaluates them.

Two forms exist: the plain map of Services, ReplicationControllers and DeploymentConfigs
(every pair must be present), and LabelSelector (``matchLabels`` plus ``matchExpressions``
with In, NotIn, Exists, DoesNotExist) used by workloads, PodDisruptionBudgets and
NetworkPolicies. An empty LabelSelector matches everything; a null one matches nothing.
"""
from __future__ import annotations

from typing import Any, Optional

# The files of the candidates that closest_match compared since the index rules began (a run
# clears it first): a did-you-mean weighs all of a candidate's labels (the one with the fewest
# wins a tie, and its labels may be shown), not only the keys that selectors name. A cached run
# keeps these files in its snapshot: a label edit on one of them is never taken as one that no
# index rule sees (see k8slint.run_snapshot.labels_unseen). Candidates are anything with
# ``labels`` and ``obj`` (the object they come from; None for one that is in no file).
COMPARED: set[str] = set()
# The files of the candidates that closest_match chose (a subset of COMPARED): the did-you-mean
# shows their labels. An edit that changes only values of labels leaves every candidate's score
# as it was for a selector that asks for neither value, so such a selector's did-you-mean chooses
# the same candidate, and reads the edited labels only if it chose them (see
# k8slint.run_snapshot.label_changes).
CHOSEN: set[str] = set()


def clear_notes() -> None:
    """Before the index rules run: COMPARED and CHOSEN empty."""
    COMPARED.clear()
    CHOSEN.clear()


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def map_matches(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    for k, v in selector.items():  # a loop, not all(): asked for many candidates of many selectors
        if not labels.get(k) == v:
            return False
    return True


def label_selector_matches(selector: Any, labels: dict[str, str]) -> bool:
    if not isinstance(selector, dict):
        return False
    match_labels = selector.get("matchLabels")
    if isinstance(match_labels, dict) and not map_matches(match_labels, labels):
        return False
    for expr in selector.get("matchExpressions") or []:
        if not isinstance(expr, dict):
            return False
        key, op = expr.get("key"), expr.get("operator")
        values = expr.get("values") if isinstance(expr.get("values"), list) else []
        present = key in labels
        if op == "In":
            ok = present and labels[key] in values
        elif op == "NotIn":
            ok = not present or labels[key] not in values
        elif op == "Exists":
            ok = present
        elif op == "DoesNotExist":
            ok = not present
        else:
            return False
        if not ok:
            return False
    return True


def service_selector(service: Any) -> Optional[dict[str, str]]:
    """The pod labels a Service selects (its string pairs), or None when it selects no pods
    itself: no or an empty selector, or type ExternalName. Usually the Service's own mapping
    (every pair is a string pair): not to be changed."""
    spec = _as_dict(service.data.get("spec"))
    selector = spec.get("selector")
    if not isinstance(selector, dict) or not selector or spec.get("type") == "ExternalName":
        return None
    for k, v in selector.items():
        if not (isinstance(k, str) and isinstance(v, str)):  # a schema error: those pairs are left out
            return {k: v for k, v in selector.items() if isinstance(k, str) and isinstance(v, str)}
    return selector  # not copied: asked for every Service of a run


def selecting_services(index: Any) -> list[tuple[Any, Optional[str], dict[str, str], tuple]]:
    """(Service, namespace, selector, key) for every checked Service that selects pods itself
    (see service_selector), except those beside documents that could not be read (the pods may
    be there: see Index.may_miss). ``key`` (namespace, selector pairs in written order) is the
    same for copies of a Service, which select the same pods. Found once a run: KL301 and
    KL303 both walk them."""
    def find() -> list[tuple[Any, Optional[str], dict[str, str], tuple]]:
        out = []
        for service in index.checked("Service"):
            if index.may_miss(service):
                continue
            wanted = service_selector(service)
            if wanted is not None:
                namespace = index.namespace(service)
                out.append((service, namespace, wanted, (namespace, tuple(wanted.items()))))
        return out

    return index.memo("selecting services", find)


def is_empty_selector(selector: Any) -> bool:
    if not isinstance(selector, dict):
        return False
    return not selector.get("matchLabels") and not selector.get("matchExpressions")


def describe_map(labels: dict[str, Any]) -> str:
    """{app: web, tier: fe} as a person writes it in YAML flow style."""
    return "{" + ", ".join(f"{k}: {v}" for k, v in sorted(labels.items())) + "}"


def describe_selector(selector: Any) -> str:
    if not isinstance(selector, dict):
        return "{}"
    parts = [f"{k}: {v}" for k, v in sorted((selector.get("matchLabels") or {}).items())]
    for expr in selector.get("matchExpressions") or []:
        if isinstance(expr, dict):
            values = expr.get("values") or []
            shown = f" ({', '.join(map(str, values))})" if values else ""
            parts.append(f"{expr.get('key')} {expr.get('operator')}{shown}")
    return "{" + ", ".join(parts) + "}"


def closeness(selector: dict[str, Any], labels: dict[str, str]) -> tuple[int, int]:
    """How near a label set comes to a selector map: (pairs matched, keys present)."""
    pairs = sum(1 for k, v in selector.items() if labels.get(k) == v)
    keys = sum(1 for k in selector if k in labels)
    return pairs, keys


def differing(selector: dict[str, Any], labels: dict[str, str]) -> list[tuple[str, Any, Optional[str]]]:
    """(key, wanted value, actual value or None) for every selector pair the labels miss."""
    return [(k, v, labels.get(k)) for k, v in sorted(selector.items()) if labels.get(k) != v]


def usable_selector(selector: Any) -> bool:
    """A LabelSelector whose parts have the right types (others are schema errors)."""
    if not isinstance(selector, dict):
        return False
    match_labels = selector.get("matchLabels")
    if match_labels is not None and not (
        isinstance(match_labels, dict) and all(isinstance(v, str) for v in match_labels.values())
    ):
        return False
    exprs = selector.get("matchExpressions")
    if exprs is None:
        return True
    return isinstance(exprs, list) and all(_usable_expression(e) for e in exprs)


def _usable_expression(expr: Any) -> bool:
    if not isinstance(expr, dict) or not isinstance(expr.get("key"), str):
        return False
    if expr.get("operator") not in ("In", "NotIn", "Exists", "DoesNotExist"):
        return False
    values = expr.get("values")
    return values is None or (isinstance(values, list) and all(isinstance(v, str) for v in values))


def closest_match(selector: dict[str, Any], candidates: list[Any]) -> Optional[Any]:
    """The candidate (anything with ``labels`` and ``obj``) that comes closest to a LabelSelector:
    most pairs and expressions satisfied, then most keys present, then fewest labels. Notes the
    candidates' files in COMPARED."""
    if not candidates:
        return None
    for t in candidates:
        obj = t.obj
        if obj is not None:
            COMPARED.add(obj.file)
    wanted = _as_dict(selector.get("matchLabels"))
    exprs = _as_list(selector.get("matchExpressions"))

    def score(t: Any) -> tuple[int, int, int]:
        pairs, keys = closeness(wanted, t.labels)
        passed = sum(1 for e in exprs if label_selector_matches({"matchExpressions": [e]}, t.labels))
        return pairs + passed, keys, -len(t.labels)

    best = max(candidates, key=score)
    if best.obj is not None:
        CHOSEN.add(best.obj.file)
    return best


def mismatch_path(selector: dict[str, Any], labels: dict[str, str]) -> tuple[tuple, bool]:
    """Where inside a LabelSelector the first part that ``labels`` fail is, and whether to
    point at its key (the label is missing) rather than its value (the value differs):
    (('matchLabels', 'tier'), False), (('matchExpressions', 0), False), or ((), False)."""
    for key, value in _as_dict(selector.get("matchLabels")).items():
        if labels.get(key) != value:
            return ("matchLabels", key), key not in labels
    for i, expr in enumerate(_as_list(selector.get("matchExpressions"))):
        if not label_selector_matches({"matchExpressions": [expr]}, labels):
            return ("matchExpressions", i), False
    return (), False


def selector_help(selector: dict[str, Any], templates: list[Any], namespace: str, noun: str = "pod template") -> str:
    """Did-you-mean: the labels of the pod template that comes closest to the selector (of
    anything with ``labels`` and ``describe()``, named ``noun``, e.g. Services)."""
    if not templates:
        return (
            f"no workload of namespace {namespace} is in the checked files; if it is defined "
            "elsewhere, add that file or folder with --context"
        )
    best = closest_match(selector, templates)
    wanted = _as_dict(selector.get("matchLabels"))
    exprs = _as_list(selector.get("matchExpressions"))
    pairs, keys = closeness(wanted, best.labels)
    if wanted and pairs < len(wanted):
        shown = {k: best.labels[k] for k in wanted if k in best.labels} if keys else best.labels
        return f"did you mean {describe_map(shown)} ({best.describe()})?"
    failing = [e for e in exprs if not label_selector_matches({"matchExpressions": [e]}, best.labels)]
    shown_labels = describe_map(best.labels) if best.labels else "no labels"
    return (
        f"the closest {noun}, {best.describe()}, has {shown_labels}, which does not satisfy "
        f"{describe_selector({'matchExpressions': failing})[1:-1]}"
    )
