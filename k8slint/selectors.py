"""Label selectors as Kubernetes evaluates them.

Two forms exist: the plain map of Services, ReplicationControllers and DeploymentConfigs
(every pair must be present), and LabelSelector (``matchLabels`` plus ``matchExpressions``
with In, NotIn, Exists, DoesNotExist) used by workloads, PodDisruptionBudgets and
NetworkPolicies. An empty LabelSelector matches everything; a null one matches nothing.
"""
from __future__ import annotations

from typing import Any, Optional


def map_matches(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in selector.items())


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
