"""KL311: a NetworkPolicy ingress/egress peer whose podSelector matches no pod template."""
from __future__ import annotations

from typing import Any, Iterator, Optional

from k8slint.findings import Severity
from k8slint.rule import Report, Rule
from k8slint.selectors import (
    closest_match, describe_selector, is_empty_selector, mismatch_path, selector_help, usable_selector,
)
from k8slint.workloads import as_dict, as_list

RULE = Rule(
    "KL311", "networkpolicy-peer-selects-nothing", Severity.WARNING, "selectors",
    "A NetworkPolicy allows traffic from or to pods that do not exist: a peer's podSelector "
    "matches no pod template in the policy's namespace.",
    why="An ingress `from` or egress `to` peer with only a podSelector allows traffic from (or "
    "to) the pods of the policy's own namespace that the selector matches. When it matches none "
    "(a typo, a renamed label, pods in another namespace), the rule allows nothing, and the "
    "clients it was written for are refused without any error. An empty podSelector ({}) "
    "matches every pod of the namespace and is not reported; peers with a namespaceSelector "
    "select pods of namespaces k8slint cannot see and are not checked. Objects in other files "
    "count when they are checked too or given with --context. Counterpart of kube-linter's "
    "dangling-networkpolicypeer-podselector.",
    example="kind: NetworkPolicy\nspec:\n  podSelector:\n    matchLabels: {app: db}\n  ingress:\n"
    "    - from:\n        - podSelector:\n            matchLabels: {app: api-server}\n---\n"
    "kind: Deployment\nspec:\n  template:\n    metadata:\n      labels: {app: api}\n",
    use_instead="kind: NetworkPolicy\nspec:\n  podSelector:\n    matchLabels: {app: db}\n  ingress:\n"
    "    - from:\n        - podSelector:\n            matchLabels: {app: api}\n",
)
# The kind it reports on: without a checked NetworkPolicy, the rule is not even imported.
KINDS = ("NetworkPolicy",)
# It reads labels only through a peer's podSelector, matched against pod template labels, and the
# did-you-mean of k8slint.selectors: a warm run whose edits changed only labels that no selector
# names keeps its findings (see k8slint.run_snapshot.labels_unseen).
READS_LABELS = "selectors"
# It reads neither ports nor replicas (facts a warm run keeps apart, see
# k8slint.run_snapshot.PARTS): an edit of only those does not run it again.
READS_FACTS: frozenset[str] = frozenset()

DIRECTIONS = (("ingress", "from"), ("egress", "to"))


def check_index(index: Any, ctx: Any) -> Iterator[Report]:
    for policy in index.checked("NetworkPolicy"):
        if index.may_miss(policy):
            continue  # the pods may be in a document that could not be read
        spec = as_dict(policy.data.get("spec"))
        namespace = index.namespace(policy)
        for direction, field in DIRECTIONS:
            for i, rule in enumerate(as_list(spec.get(direction))):
                for j, peer in enumerate(as_list(as_dict(rule).get(field))):
                    peer = as_dict(peer)
                    if peer.get("namespaceSelector") is not None or peer.get("ipBlock") is not None:
                        continue
                    selector = peer.get("podSelector")
                    if not usable_selector(selector) or is_empty_selector(selector):
                        continue
                    if index.select_labels(namespace, selector):
                        continue
                    message = (
                        f"NetworkPolicy {namespace}/{policy.name or '<unnamed>'} allows {direction} {field} "
                        f"pods {describe_selector(selector)}, but no pod template in namespace {namespace} "
                        "has those labels, so this peer matches nothing"
                    )
                    at = ("spec", direction, i, field, j, "podSelector")
                    help, inside, key = _help(index, ctx, selector, namespace)
                    yield Report(at + inside, message, help, key=key, obj=policy)


def _help(index: Any, ctx: Any, selector: dict[str, Any], namespace: str) -> tuple[str, tuple, bool]:
    """The help line, and where inside the selector to point (at the label the closest pod
    template lacks or has another value for)."""
    elsewhere = _elsewhere(index, selector, namespace)
    if elsewhere is not None:
        other = elsewhere.namespace
        return (
            f"{elsewhere.describe()} has those labels, but a podSelector without namespaceSelector "
            f"matches pods of namespace {namespace} only: add namespaceSelector: {{matchLabels: "
            f"{{kubernetes.io/metadata.name: {other}}}}} to this peer"
        ), (), False
    keys = [*(selector.get("matchLabels") or {}), *(e.get("key") for e in selector.get("matchExpressions") or [])]
    templates = index.sharing_keys(namespace, keys) or index.templates(namespace)
    if not templates:
        if getattr(ctx, "assume_complete", False):
            return f"no workload is defined in namespace {namespace}: fix the labels, or remove this peer", (), False
        return selector_help(selector, templates, namespace), (), False
    inside, key = mismatch_path(selector, closest_match(selector, templates).labels)
    return selector_help(selector, templates, namespace), inside, key


def _elsewhere(index: Any, selector: dict[str, Any], namespace: str) -> Optional[Any]:
    """A pod template of another namespace that the selector matches."""
    for other in index.template_namespaces():
        if other != namespace:
            found = index.select_labels(other, selector)
            if found:
                return found[0]
    return None
