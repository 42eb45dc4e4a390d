"""What the fixture snapshots of the storage rules (KL401-KL407) and KL501 cannot express: the
seed example, the peer linter's duplicate fixtures, folders, and exact quantity comparison."""
from __future__ import annotations

import shutil
import textwrap

import pytest

from tests.conftest import CORPUS, SHARED, needs_shared, run_json

OUR_RULES = "KL401,KL402,KL403,KL404,KL405,KL406,KL407,KL501"
KUBECONFORM = CORPUS / "peers" / "kubeconform" / "fixtures"


def rules_of(report):
    return [(f["file"].rsplit("/", 1)[-1], f["line"], f["rule"]) for f in report["findings"]]


@needs_shared
def test_seed_shared_rwo_claim_is_the_only_storage_finding():
    code, report = run_json(str(SHARED / "seed" / "manifests" / "practice3-example3"), "--select", OUR_RULES)
    # host-pvc is ReadWriteOnce and the Deployment runs 2 replicas; the PV and PVC agree.
    assert rules_of(report) == [("deployment.yaml", 28, "KL404")]
    (finding,) = report["findings"]
    assert finding["message"] == (
        "Deployment default/app-deployment runs 2 replicas that all mount PersistentVolumeClaim "
        "host-pvc (ReadWriteOnce)"
    )
    assert finding["path"] == "spec.template.spec.volumes[0].persistentVolumeClaim.claimName"


@needs_shared
@pytest.mark.parametrize("name", [
    "duplicates.yaml",  # same name, no namespace (both in the default namespace)
    "duplicates-with-namespace.yaml",  # same name in namespace x
    "duplicates-non-namespaced.yaml",  # PersistentVolumes: cluster-scoped
    # kubeconform skips SkipThisKind by configuration; two copies are still two copies.
    "duplicates-skipped-kinds.yaml",
    # kubeconform calls this "not a duplicate"; but apps/v1 and apps/v1beta1 Deployments are
    # the same object in the cluster (the group decides, not the version).
    "same-kind-different-api.yaml",
])
def test_kubeconform_duplicates_are_reported_at_each_copy(name):
    _, report = run_json(str(KUBECONFORM / name), "--select", "KL501")
    findings = report["findings"]
    assert [(f["rule"], f["severity"]) for f in findings] == [("KL501", "error")] * 2, findings
    assert findings[0]["message"].endswith("is also defined in this file (document 2)")
    assert findings[1]["message"].endswith("is also defined in this file (document 1)")


@needs_shared
@pytest.mark.parametrize("name", [
    "same-object-different-namespace.yaml",  # namespaces a and b
    "same-object-different-namespace-default.yaml",  # a and the-default-namespace
    "duplicates-with-namespace-default.yaml",  # the-default-namespace and (unset =) default
])
def test_kubeconform_same_name_in_other_namespaces_is_not_a_duplicate(name):
    _, report = run_json(str(KUBECONFORM / name), "--select", "KL501")
    assert report["findings"] == []


@needs_shared
def test_unset_namespace_is_the_configured_default_namespace(tmp_path):
    (tmp_path / ".k8slint.yaml").write_text("default-namespace: the-default-namespace\n")
    for name in ("duplicates-with-namespace-default.yaml", "same-object-different-namespace-default.yaml"):
        shutil.copy(KUBECONFORM / name, tmp_path / name)
    _, report = run_json(str(tmp_path / "duplicates-with-namespace-default.yaml"), "--select", "KL501")
    messages = [f["message"] for f in report["findings"]]
    assert messages == [
        "ReplicationController the-default-namespace/bob is also defined in this file (document 2)",
        "ReplicationController the-default-namespace/bob is also defined in this file (document 1)",
    ]
    assert "the default namespace, the-default-namespace" in report["findings"][0]["help"]
    _, report = run_json(str(tmp_path / "same-object-different-namespace-default.yaml"), "--select", "KL501")
    assert report["findings"] == []


CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  LEVEL: {level}\n"


def test_duplicates_count_only_within_one_folder(tmp_path):
    # kustomize: a base and an overlay repeat names on purpose.
    (tmp_path / "base").mkdir()
    (tmp_path / "overlays" / "prod").mkdir(parents=True)
    (tmp_path / "base" / "settings.yaml").write_text(CONFIGMAP.format(level="info"))
    (tmp_path / "overlays" / "prod" / "settings.yaml").write_text(CONFIGMAP.format(level="warn"))
    _, report = run_json(str(tmp_path), "--select", "KL501")
    assert report["findings"] == []
    # Two files of one folder are applied together by kubectl apply -f: a warning, since
    # example folders often hold alternatives; within one file it is always an error.
    (tmp_path / "base" / "more.yaml").write_text("---\n" + CONFIGMAP.format(level="debug"))
    _, report = run_json(str(tmp_path), "--select", "KL501")
    assert [(f["file"].rsplit("/", 1)[-1], f["severity"], f["message"]) for f in report["findings"]] == [
        ("more.yaml", "warning", "ConfigMap default/settings is also defined in settings.yaml (document 1)"),
        ("settings.yaml", "warning", "ConfigMap default/settings is also defined in more.yaml (document 1)"),
    ]
    assert report["findings"][0]["help"].endswith("put them in folders of their own")


def test_duplicate_in_a_context_file_of_the_same_folder_is_reported_on_the_checked_copy(tmp_path):
    (tmp_path / "a.yaml").write_text(CONFIGMAP.format(level="info"))
    (tmp_path / "b.yaml").write_text(CONFIGMAP.format(level="info"))
    _, report = run_json(str(tmp_path / "a.yaml"), "--context", str(tmp_path), "--select", "KL501")
    assert [(f["file"].rsplit("/", 1)[-1], f["message"]) for f in report["findings"]] == [
        ("a.yaml", "ConfigMap default/settings is also defined in b.yaml (document 1)"),
    ]


PV_AND_PVC = """\
apiVersion: v1
kind: PersistentVolume
metadata:
  name: pv
spec:
  capacity:
    storage: {capacity}
  accessModes: [ReadWriteOnce]
  storageClassName: manual
  hostPath:
    path: /data
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: pvc
spec:
  volumeName: pv
  storageClassName: manual
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: {request}
"""


def check_quantities(request, capacity):
    text = PV_AND_PVC.format(request=request, capacity=capacity)
    _, report = run_json("-", "--stdin-filename", "pv.yaml", "--select", "KL402", stdin=text.encode())
    return [f["message"] for f in report["findings"]]


@pytest.mark.parametrize("request_, capacity", [
    ("1Gi", "1073741824"), ("1Gi", "1024Mi"), ("1G", "1000M"), ("1Gi", "1.5Gi"), ("500Mi", "1Gi"),
    ("1e9", "1G"), ("0.5Gi", "512Mi"),
])
def test_request_within_capacity_is_quiet(request_, capacity):
    assert check_quantities(request_, capacity) == []


def test_request_above_capacity_compares_exactly():
    assert check_quantities("1Gi", "1000Mi") == [
        "PersistentVolumeClaim default/pvc requests 1Gi (1073741824 bytes) but PersistentVolume pv "
        "offers only 1000Mi (1048576000 bytes)"
    ]
    assert check_quantities("1Gi", "1G") == [
        "PersistentVolumeClaim default/pvc requests 1Gi (1073741824 bytes) but PersistentVolume pv "
        "offers only 1G (1000000000 bytes)"
    ]
    assert check_quantities("1073741825", "1Gi") != []


def test_mount_in_a_kustomize_patch_may_use_a_volume_of_the_base(tmp_path):
    (tmp_path / "kustomization.yaml").write_text("resources: [deploy.yaml]\npatches:\n  - path: patch.yaml\n")
    (tmp_path / "deploy.yaml").write_text(textwrap.dedent("""\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: web, image: nginx:1.27}]
              volumes: [{name: config, configMap: {name: web}}]
        """))
    (tmp_path / "patch.yaml").write_text(textwrap.dedent("""\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          template:
            spec:
              containers:
                - name: web
                  volumeMounts: [{name: config, mountPath: /etc/web}]
        """))
    _, report = run_json(str(tmp_path), "--select", OUR_RULES)
    assert report["findings"] == []


def test_missing_claim_and_volume_stay_quiet_beside_an_unreadable_file(tmp_path):
    (tmp_path / "broken.yaml").write_text("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data\n")
    (tmp_path / "pod.yaml").write_text(textwrap.dedent("""\
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers: [{name: c, image: "busybox:1.36", volumeMounts: [{name: d, mountPath: /d}]}]
          volumes: [{name: d, persistentVolumeClaim: {claimName: data}}]
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: other}
        spec:
          volumeName: some-pv
          accessModes: [ReadWriteOnce]
          resources: {requests: {storage: 1Gi}}
        """))
    _, report = run_json(str(tmp_path), "--select", "KL401,KL403")
    assert report["findings"] == []
    (tmp_path / "broken.yaml").unlink()
    _, report = run_json(str(tmp_path), "--select", "KL401,KL403")
    assert [f["rule"] for f in report["findings"]] == ["KL403", "KL401"]
