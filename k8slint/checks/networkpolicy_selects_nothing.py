"""KL307: a NetworkPolicy whose podSelector matches no pod template in its namespace."""
from __future__ import annotations

from typing import Any, Iterator

from k8slint.selection import selects_nothing
from k8slint.findings import Severity
from k8slint.rule import Report, Rule
from k8slint.workloads import as_dict

RULE = Rule(
    "KL307", "networkpolicy-selects-nothing", Severity.ERROR, "selectors",
    "A NetworkPolicy applies to no pod: no pod template in its namespace matches its podSelector.",
    why="A NetworkPolicy restricts the traffic of the pods its podSelector matches. When it "
    "matches none (a typo, a renamed label, a different namespace), the pods it was written "
    "for stay open to all traffic, and nothing says so. An empty podSelector ({}) selects "
    "every pod of the namespace and is not reported. Objects in other files count when they "
    "are checked too or given with --context.",
    example="kind: NetworkPolicy\nspec:\n  podSelector:\n    matchLabels: {app: db}\n---\n"
    "kind: StatefulSet\nspec:\n  template:\n    metadata:\n      labels: {app: postgres}\n",
    use_instead="kind: NetworkPolicy\nspec:\n  podSelector:\n    matchLabels: {app: postgres}\n",
)
# The kind it reports on: without a checked NetworkPolicy, the rule is not even imported.
KINDS = ("NetworkPolicy",)
# It reads labels only through the policy's podSelector, matched against pod template labels, and
# the did-you-mean of k8slint.selectors: a warm run whose edits changed only labels that no selector
# names keeps its findings (see k8slint.run_snapshot.labels_unseen).
READS_LABELS = "selectors"
# It reads neither ports nor replicas (facts a warm run keeps apart, see
# k8slint.run_snapshot.PARTS): an edit of only those does not run it again.
READS_FACTS: frozenset[str] = frozenset()


def check_index(index: Any, ctx: Any) -> Iterator[Report]:
    for policy in index.checked("NetworkPolicy"):
        selector = as_dict(policy.data.get("spec")).get("podSelector")
        report = selects_nothing(index, policy, selector, ("spec", "podSelector"), "NetworkPolicy")
        if report is not None:
            yield report
