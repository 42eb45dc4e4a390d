"""KL702: a pod that uses a Secret that is not defined in its namespace."""
from __future__ import annotations

from typing import Any, Iterator

from k8slint.checks._references import missing_object_reports
from k8slint.findings import Severity
from k8slint.rule import Report, Rule
from k8slint.workloads import POD_KINDS

RULE = Rule(
    "KL702", "secret-not-found", Severity.WARNING, "references",
    "A pod uses a Secret (env, envFrom, volume, projected volume, imagePullSecrets) that is not in "
    "the checked files of its namespace.",
    why="The API server accepts a pod whose Secret does not exist; the kubelet then cannot start "
    "it. An env var's secretKeyRef or an envFrom secretRef leaves the container in "
    "CreateContainerConfigError (kubelet makeEnvironmentVariables: secret not found), a secret "
    "or projected volume leaves the pod in ContainerCreating (MountVolume.SetUp failed). A "
    "missing image pull secret is only logged (kubelet getPullSecretsForPod: \"Unable to "
    "retrieve pull secret, the image pull may not succeed\"), and private images then fail "
    "with ErrImagePull. Secrets are namespaced: one of the same name in another namespace does "
    "not help. References marked `optional: true` are skipped, as the kubelet skips them, and so "
    "are Secrets that a cert-manager Certificate (spec.secretName), an ExternalSecret or a "
    "SealedSecret of the namespace makes. The "
    "Secret may exist in the cluster already (Secrets are often created outside the "
    "manifests), so this is a warning; with --complete (or assume-complete: true) the checked "
    "files and the context hold every object, and it is an error, except for image pull "
    "secrets, without which public images still start. Like kube-linter's env-value-from, but "
    "for every kind of reference.",
    example="kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n"
    "          env:\n            - name: DB_PASSWORD\n              valueFrom:\n"
    "                secretKeyRef: {name: db-credentails, key: password}\n---\n"
    "kind: Secret\nmetadata:\n  name: db-credentials\n",
    use_instead="              valueFrom:\n                secretKeyRef: {name: db-credentials, key: password}\n",
)
# It reports on objects with pods: without a checked one, the rule is not even imported.
KINDS = POD_KINDS
# It reads no label, only the references of pod templates, the names of Secrets and of what makes
# them (see _references): a warm run whose edits changed only labels keeps its findings (see
# k8slint.run_snapshot).
READS_LABELS = False
# It reads neither ports nor replicas (facts a warm run keeps apart, see
# k8slint.run_snapshot.PARTS): an edit of only those does not run it again.
READS_FACTS: frozenset[str] = frozenset()


def check_index(index: Any, ctx: Any) -> Iterator[Report]:
    yield from missing_object_reports(index, ctx, "Secret")
