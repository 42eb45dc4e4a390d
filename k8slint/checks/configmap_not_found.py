"""KL701: a pod that uses a ConfigMap that is not defined in its namespace."""
from __future__ import annotations

from typing import Any, Iterator

from k8slint.checks._references import missing_object_reports
from k8slint.findings import Severity
from k8slint.rule import Report, Rule
from k8slint.workloads import POD_KINDS

RULE = Rule(
    "KL701", "configmap-not-found", Severity.WARNING, "references",
    "A pod uses a ConfigMap (env, envFrom, volume, projected volume) that is not in the checked files "
    "of its namespace.",
    why="The API server accepts a pod whose ConfigMap does not exist; the kubelet then cannot start "
    "it. An env var's configMapKeyRef or an envFrom configMapRef leaves the container in "
    "CreateContainerConfigError (kubelet makeEnvironmentVariables: configmap not found), a "
    "configMap or projected volume leaves the pod in ContainerCreating (MountVolume.SetUp "
    "failed). ConfigMaps are namespaced: one of the same name in another namespace does not "
    "help. References marked `optional: true` are skipped, as the kubelet skips them. The "
    "ConfigMap may exist in the cluster already, so this is a warning; with --complete (or "
    "assume-complete: true) the checked files and the context hold every object, and it is an "
    "error. Like kube-linter's env-value-from, but for every kind of reference.",
    example="kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n"
    "          envFrom:\n            - configMapRef:\n                name: web-confg\n---\n"
    "kind: ConfigMap\nmetadata:\n  name: web-config\n",
    use_instead="          envFrom:\n            - configMapRef:\n                name: web-config\n",
)
# It reports on objects with pods: without a checked one, the rule is not even imported.
KINDS = POD_KINDS
# It reads no label, only the references of pod templates and the names of ConfigMaps (see
# _references): a warm run whose edits changed only labels keeps its findings (see
# k8slint.run_snapshot).
READS_LABELS = False
# It reads neither ports nor replicas (facts a warm run keeps apart, see
# k8slint.run_snapshot.PARTS): an edit of only those does not run it again.
READS_FACTS: frozenset[str] = frozenset()


def check_index(index: Any, ctx: Any) -> Iterator[Report]:
    yield from missing_object_reports(index, ctx, "ConfigMap")
