"""KL707: a pod whose priorityClassName names a PriorityClass that is not defined."""
from __future__ import annotations

from typing import Any, Iterator

from k8slint.checks._references import missing_help, missing_severity, not_found, valid_name
from k8slint.findings import Severity
from k8slint.rule import Report, Rule
from k8slint.workloads import POD_KINDS

RULE = Rule(
    "KL707", "priorityclass-not-found", Severity.WARNING, "references",
    "A pod's priorityClassName names a PriorityClass that is not in the checked files and is not "
    "built in.",
    why="The Priority admission plugin (plugin/pkg/admission/priority) rejects a pod whose "
    "priorityClassName names no PriorityClass (\"no PriorityClass with name X was found\"), so "
    "a workload's controller never creates its pods while kubectl apply of the workload "
    "succeeds. PriorityClasses are cluster-scoped; system-cluster-critical and "
    "system-node-critical are built in (SystemPriorityClasses in pkg/apis/scheduling) and never "
    "reported. The PriorityClass may exist in the cluster already, so this is a warning; with "
    "--complete (or assume-complete: true) it is an error.",
    example="kind: Deployment\nspec:\n  template:\n    spec:\n      priorityClassName: hihg-priority\n---\n"
    "kind: PriorityClass\nmetadata:\n  name: high-priority\nvalue: 1000000\n",
    use_instead="      priorityClassName: high-priority\n",
)
# It reports on objects with pods: without a checked one, the rule is not even imported.
KINDS = POD_KINDS
# It reads no label, only pod specs' priorityClassName and the names of PriorityClasses: a warm run
# whose edits changed only labels keeps its findings (see k8slint.run_snapshot).
READS_LABELS = False
# It reads neither ports nor replicas (facts a warm run keeps apart, see
# k8slint.run_snapshot.PARTS): an edit of only those does not run it again.
READS_FACTS: frozenset[str] = frozenset()
BUILT_IN = ("system-cluster-critical", "system-node-critical")


def check_index(index: Any, ctx: Any) -> Iterator[Report]:
    for obj, _, template in index.checked_templates():
        name = template.spec.get("priorityClassName")
        if name is None or name in BUILT_IN or not valid_name(name):
            continue  # (most pods have none: they are spared the call)
        if index.get("PriorityClass", None, name) or index.may_miss(obj):
            continue
        yield Report(
            template.spec_path + ("priorityClassName",),
            f'{template.describe()} uses PriorityClass "{name}", {not_found(None, ctx)}',
            missing_help(index, ctx, "PriorityClass", name, None, extra=BUILT_IN,
                         otherwise="or remove priorityClassName to use the default priority"),
            severity=missing_severity(ctx), obj=obj,
        )
