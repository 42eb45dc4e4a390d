"""KL403: a pod volume that uses a PersistentVolumeClaim not defined in its namespace."""
from __future__ import annotations

from typing import Any, Iterator

from k8slint.checks._references import missing_severity, not_found
from k8slint.findings import Severity
from k8slint.rule import Report, Rule
from k8slint.suggest import did_you_mean
from k8slint.workloads import POD_KINDS, claim_template_names

RULE = Rule(
    "KL403", "pod-claim-missing", Severity.WARNING, "storage",
    "A pod volume uses a PersistentVolumeClaim that is not in the checked files of its namespace.",
    why="A pod whose `persistentVolumeClaim.claimName` names no claim of its own namespace is "
    "never started: it stays Pending (\"persistentvolumeclaim not found\"), while kubectl apply "
    "succeeds. Claims are namespaced, so a claim of the same name in another namespace does not "
    "help. The claim may exist in the cluster already (it is then not a mistake), so this is a "
    "warning (an error with --complete or assume-complete: true); claims given with --context "
    "count. StatefulSet volumeClaimTemplates create their "
    "own claims (and replace a pod volume of the same name), so those are not looked up.",
    example="kind: Deployment\nspec:\n  template:\n    spec:\n      volumes:\n        - name: data\n"
    "          persistentVolumeClaim:\n            claimName: web-dta\n---\n"
    "kind: PersistentVolumeClaim\nmetadata:\n  name: web-data\n",
    use_instead="      volumes:\n        - name: data\n          persistentVolumeClaim:\n"
    "            claimName: web-data\n",
)
# It reports on objects with pods: without a checked one, the rule is not even imported.
KINDS = POD_KINDS
# It reads no label, only pod volumes' claimName and the names of claims: a warm run whose edits
# changed only labels keeps its findings (see k8slint.run_snapshot).
READS_LABELS = False
# It reads neither ports nor replicas (facts a warm run keeps apart, see
# k8slint.run_snapshot.PARTS): an edit of only those does not run it again.
READS_FACTS: frozenset[str] = frozenset()


def check_index(index: Any, ctx: Any) -> Iterator[Report]:
    for obj, namespace, template in index.checked_templates():
        volumes = template.spec.get("volumes")
        if not isinstance(volumes, list):
            continue
        for i, volume in enumerate(volumes):
            # Read field by field: it runs for every pod template, and most volumes are not claims.
            source = volume.get("persistentVolumeClaim") if isinstance(volume, dict) else None
            claim = source.get("claimName") if isinstance(source, dict) else None
            if not isinstance(claim, str) or not claim or index.get("PersistentVolumeClaim", namespace, claim):
                continue
            name = volume.get("name")
            if isinstance(name, str) and name in claim_template_names(obj):
                continue  # the StatefulSet replaces it with the claim of each pod
            if index.may_miss(obj):
                break  # the claim may be in a document beside it that could not be read
            message = f'{template.describe()} uses PersistentVolumeClaim "{claim}", {not_found(namespace, ctx)}'
            yield Report(
                template.spec_path + ("volumes", i, "persistentVolumeClaim", "claimName"), message,
                _suggest(index, claim, namespace, ctx), obj=obj, severity=missing_severity(ctx),
            )


def _suggest(index: Any, claim: str, namespace: str, ctx: Any) -> str:
    hint = did_you_mean(claim, index.names("PersistentVolumeClaim", namespace))
    if hint is not None:
        return hint
    elsewhere = [ns for ns in index.namespaces_of("PersistentVolumeClaim", claim) if ns is not None]
    if elsewhere:
        where = ("namespace " if len(elsewhere) == 1 else "namespaces ") + ", ".join(elsewhere)
        return (
            f"a claim of that name exists in {where}, but pods can only use claims of their "
            f"own namespace: define it in namespace {namespace}, or move the workload"
        )
    define = f'define a PersistentVolumeClaim "{claim}" in namespace {namespace}'
    if getattr(ctx, "assume_complete", False):
        return define
    return f"if the claim is defined elsewhere, add that file or folder with --context; otherwise {define}"
