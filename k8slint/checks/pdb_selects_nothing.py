"""KL306: a PodDisruptionBudget whose selector matches no pod template in its namespace."""
from __future__ import annotations

from typing import Any, Iterator

from k8slint.findings import Severity
from k8slint.rule import Report, Rule
from k8slint.selection import selects_nothing
from k8slint.workloads import as_dict

RULE = Rule(
    "KL306", "pdb-selects-nothing", Severity.ERROR, "selectors",
    "A PodDisruptionBudget selects no pod: no pod template in its namespace matches its selector.",
    why="A PodDisruptionBudget protects the pods its selector matches from voluntary "
    "disruptions (node drains, cluster upgrades). When it matches none (a typo, a renamed "
    "label, a different namespace), the workload it was written for has no protection, and "
    "nothing says so. Objects in other files count when they are checked too or given with "
    "--context.",
    example="kind: PodDisruptionBudget\nspec:\n  minAvailable: 1\n  selector:\n"
    "    matchLabels: {app: web}\n---\nkind: Deployment\nspec:\n  template:\n    metadata:\n"
    "      labels: {app: webapp}\n",
    use_instead="kind: PodDisruptionBudget\nspec:\n  minAvailable: 1\n  selector:\n"
    "    matchLabels: {app: webapp}\n",
)
# The kind it reports on: without a checked PodDisruptionBudget, the rule is not even imported.
KINDS = ("PodDisruptionBudget",)
# It reads labels only through the budget's selector, matched against pod template labels, and the
# did-you-mean of k8slint.selectors: a warm run whose edits changed only labels that no selector
# names keeps its findings (see k8slint.run_snapshot.labels_unseen).
READS_LABELS = "selectors"
# It reads neither ports nor replicas (facts a warm run keeps apart, see
# k8slint.run_snapshot.PARTS): an edit of only those does not run it again.
READS_FACTS: frozenset[str] = frozenset()


def check_index(index: Any, ctx: Any) -> Iterator[Report]:
    for pdb in index.checked("PodDisruptionBudget"):
        selector = as_dict(pdb.data.get("spec")).get("selector")
        report = selects_nothing(index, pdb, selector, ("spec", "selector"), "PodDisruptionBudget")
        if report is not None:
            yield report
