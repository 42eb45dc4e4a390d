"""KL704: a pod that runs as a ServiceAccount that is not defined in its namespace."""
from __future__ import annotations

from typing import Any, Iterator, Optional

from k8slint.checks._references import missing_help, missing_severity, not_found, valid_name
from k8slint.findings import Severity
from k8slint.rule import Report, Rule
from k8slint.workloads import POD_KINDS

RULE = Rule(
    "KL704", "serviceaccount-not-found", Severity.WARNING, "references",
    "A pod runs as a ServiceAccount (serviceAccountName, or the deprecated serviceAccount) that is "
    "not in the checked files of its namespace.",
    why="The ServiceAccount admission plugin (plugin/pkg/admission/serviceaccount) rejects a pod "
    "whose ServiceAccount does not exist in its namespace (\"error looking up service account\"), "
    "so a workload's controller never creates its pods (FailedCreate) while kubectl apply of "
    "the workload succeeds. ServiceAccounts are namespaced; `default` exists in every namespace "
    "and is never reported. spec.serviceAccount, the deprecated alias, counts when "
    "serviceAccountName is not set (the API server's conversion: serviceAccountName wins). The "
    "ServiceAccount may exist in the cluster already, so this is a warning; with --complete "
    "(or assume-complete: true) it is an error. kube-linter: non-existent-service-account.",
    example="kind: Deployment\nspec:\n  template:\n    spec:\n      serviceAccountName: web-reader\n---\n"
    "kind: ServiceAccount\nmetadata:\n  name: web-readers\n",
    use_instead="      serviceAccountName: web-readers\n",
)
# It reports on objects with pods: without a checked one, the rule is not even imported.
KINDS = POD_KINDS
# It reads no label, only pod specs' serviceAccountName and the names of ServiceAccounts: a warm run
# whose edits changed only labels keeps its findings (see k8slint.run_snapshot).
READS_LABELS = False
# It reads neither ports nor replicas (facts a warm run keeps apart, see
# k8slint.run_snapshot.PARTS): an edit of only those does not run it again.
READS_FACTS: frozenset[str] = frozenset()


def check_index(index: Any, ctx: Any) -> Iterator[Report]:
    for obj, namespace, template in index.checked_templates():
        spec = template.spec
        if "serviceAccountName" not in spec and "serviceAccount" not in spec:
            continue  # most pods: spared the call
        field = account_field(spec)
        if field is None:
            continue
        name = spec[field]
        if name == "default" or index.get("ServiceAccount", namespace, name) or index.may_miss(obj):
            continue
        yield Report(
            template.spec_path + (field,),
            f'{template.describe()} runs as ServiceAccount "{name}", {not_found(namespace, ctx)}',
            missing_help(index, ctx, "ServiceAccount", name, namespace,
                         otherwise="or remove the field to run as the namespace's default ServiceAccount"),
            severity=missing_severity(ctx), obj=obj,
        )


def account_field(spec: dict[str, Any]) -> Optional[str]:
    """The field that names the pod's ServiceAccount: serviceAccountName, else the deprecated
    serviceAccount (the API server's conversion uses it only when serviceAccountName is empty)."""
    for field in ("serviceAccountName", "serviceAccount"):
        value = spec.get(field)
        if isinstance(value, str) and value:
            return field if valid_name(value) else None
    return None
