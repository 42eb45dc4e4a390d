"""KL401: a PersistentVolumeClaim pre-bound (volumeName) to a PersistentVolume that is not defined."""
from __future__ import annotations

from typing import Any, Iterator

from k8slint.findings import Severity
from k8slint.rule import Report, Rule
from k8slint.suggest import did_you_mean
from k8slint.workloads import as_dict

RULE = Rule(
    "KL401", "pvc-volume-missing", Severity.WARNING, "storage",
    "A PersistentVolumeClaim's volumeName names a PersistentVolume that is not in the checked files.",
    why="`spec.volumeName` binds a claim to exactly one PersistentVolume. When no volume of that "
    "name exists, the claim stays Pending and every pod that uses it waits, while kubectl apply "
    "succeeds. The volume may exist in the cluster already (it is then not a mistake), so this "
    "is a warning; PersistentVolumes given with --context count.",
    example="kind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  volumeName: data-pv\n---\n"
    "kind: PersistentVolume\nmetadata:\n  name: data-volume\n",
    use_instead="kind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  volumeName: data-volume\n",
)
# The kind it reports on: without a checked PersistentVolumeClaim, the rule is not even imported.
KINDS = ("PersistentVolumeClaim",)
# It reads no label, only claims' volumeName and the names of PersistentVolumes: a warm run whose
# edits changed only labels keeps its findings (see k8slint.run_snapshot).
READS_LABELS = False
# It reads neither ports nor replicas (facts a warm run keeps apart, see
# k8slint.run_snapshot.PARTS): an edit of only those does not run it again.
READS_FACTS: frozenset[str] = frozenset()


def check_index(index: Any, ctx: Any) -> Iterator[Report]:
    volumes = None
    for claim in index.checked("PersistentVolumeClaim"):
        name = as_dict(claim.data.get("spec")).get("volumeName")
        if not isinstance(name, str) or not name or index.get("PersistentVolume", None, name):
            continue
        if index.may_miss(claim):
            continue  # the volume may be in a document beside it that could not be read
        if volumes is None:
            volumes = index.names("PersistentVolume", None)
        namespace = index.namespace(claim)
        message = (
            f'PersistentVolumeClaim {namespace}/{claim.name or "<unnamed>"} binds to PersistentVolume '
            f'"{name}", which is not in the checked files (it may exist in the cluster)'
        )
        hint = did_you_mean(name, volumes)
        if hint is None:
            hint = (
                "if the PersistentVolume is defined elsewhere, add that file or folder with --context; "
                "otherwise define it, or remove volumeName to let the claim bind to any matching volume"
            )
        yield Report(("spec", "volumeName"), message, hint, obj=claim)
