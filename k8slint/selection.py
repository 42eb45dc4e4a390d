"""The report shared by the rules whose selector must match some pod template (KL306, KL307)."""
from __future__ import annotations

from typing import Any, Optional

from k8slint.rule import Report
from k8slint.selectors import describe_selector, is_empty_selector, selector_help, usable_selector


def selects_nothing(index: Any, obj: Any, selector: Any, at: tuple, kind: str) -> Optional[Report]:
    """The report for an object whose LabelSelector matches no pod template of its namespace
    (None when it matches one, is empty, absent or malformed, or the pods may be unseen)."""
    if not usable_selector(selector) or is_empty_selector(selector) or index.may_miss(obj):
        return None
    namespace = index.namespace(obj)
    if index.select_labels(namespace, selector):
        return None
    keys = [*(selector.get("matchLabels") or {}), *(e.get("key") for e in selector.get("matchExpressions") or [])]
    templates = index.sharing_keys(namespace, keys) or index.templates(namespace)
    message = (
        f"{kind} {namespace}/{obj.name or '<unnamed>'} selects {describe_selector(selector)}, but no pod "
        f"template in namespace {namespace} has those labels"
    )
    return Report(at, message, selector_help(selector, templates, namespace), obj=obj)
