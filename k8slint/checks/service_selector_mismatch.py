"""KL301: a Service whose selector matches no pod template in its namespace."""
from __future__ import annotations

from typing import Any, Iterator

from k8slint.findings import Severity
from k8slint.rule import Report, Rule
from k8slint.selectors import describe_map, selecting_services, selector_help

RULE = Rule(
    "KL301", "service-selector-mismatch", Severity.ERROR, "selectors",
    "A Service selects no pod: no pod template in its namespace has all of its selector labels.",
    why="A Service sends traffic to the pods whose labels contain its selector. When none "
    "match (a typo, a renamed label, a different namespace) the Service has no endpoints and "
    "every request fails, while kubectl apply succeeds. Objects in other files count when "
    "they are checked too or given with --context.",
    example="kind: Service\nspec:\n  selector: {app: web}\n---\nkind: Deployment\nspec:\n  template:\n"
    "    metadata:\n      labels: {app: webapp}\n",
    use_instead="kind: Service\nspec:\n  selector: {app: webapp}\n",
)
# The kind it reports on: without a checked Service, the rule is not even imported.
KINDS = ("Service",)
# It reads labels only through a Service's selector, matched against pod template labels, and the
# did-you-mean of k8slint.selectors: a warm run whose edits changed only labels that no selector
# names keeps its findings (see k8slint.run_snapshot.labels_unseen).
READS_LABELS = "selectors"
# It reads neither ports nor replicas (facts a warm run keeps apart, see
# k8slint.run_snapshot.PARTS): an edit of only those does not run it again.
READS_FACTS: frozenset[str] = frozenset()


def check_index(index: Any, ctx: Any) -> Iterator[Report]:
    selects: dict[tuple, bool] = {}  # key → whether it selects a pod: copies of a Service ask alike
    for service, namespace, wanted, key in selecting_services(index):
        if key not in selects:
            selects[key] = bool(index.select(namespace, wanted))
        if selects[key]:
            continue
        templates = index.sharing_keys(namespace, wanted) or index.templates(namespace)
        message = (
            f"Service {namespace}/{service.name} selects {describe_map(wanted)}, but no pod template "
            f"in namespace {namespace} has those labels"
        )
        yield Report(("spec", "selector"), message, selector_help({"matchLabels": wanted}, templates, namespace), obj=service)
