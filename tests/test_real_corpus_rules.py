"""The correctness rules on real manifests nobody here wrote: every error they report has been
inspected and is listed here with the reason (anything new fails this test)."""
from k8slint.findings import Severity
from k8slint.run import CheckOptions, run_check
from tests.conftest import CORPUS, needs_shared

REAL = CORPUS / "real"

# (file below corpus/real, line, rule): why it is right to report it
INSPECTED_ERRORS = {
    ("kubernetes-examples/AI/vllm-deployment/hpa/gpu-dcgm-exporter-service-generic.yaml", 20, "KL301"):
        "selects pods of the DCGM exporter, which a Helm chart outside this tree deploys (the file says "
        "so): nothing in the checked files matches; --context with the rendered chart, or the "
        "k8slint.io/ignore annotation, records that",
    ("kubernetes-examples/AI/vllm-deployment/hpa/gpu-dcgm-exporter-service-gke.yaml", 31, "KL301"):
        "selects GKE's managed DCGM pods in gke-managed-system, which no file defines (same as above)",
    ("kubernetes-examples/_archived/nodesjs-mongodb/web-controller.yaml", 17, "KL203"):
        "image is the placeholder <YOUR-CONTAINER>: applied as is, the pods fail with InvalidImageName",
    ("kubernetes-examples/_archived/volumes/flexvolume/deploy/ds.yaml", 14, "KL203"):
        "image is the placeholder <image_url>: applied as is, the pods fail with InvalidImageName",
}


@needs_shared
def test_rule_errors_on_the_real_corpus_are_all_inspected():
    result = run_check(CheckOptions(paths=[str(REAL)]))
    prefix = str(REAL) + "/"
    found = {
        (f.file[len(prefix):], f.span.line, f.rule)
        for f in result.findings
        if f.severity is Severity.ERROR and not f.rule.startswith("KL0")
    }
    assert found == set(INSPECTED_ERRORS)


# Schema and reading errors (KL0xx) on the real corpus, apart from removed apiVersions in
# kubernetes-examples/_archived/ (counted below): each inspected, with why it is right.
_ARCHIVED = "kubernetes-examples/_archived/"
INSPECTED_SCHEMA_ERRORS = {
    (_ARCHIVED + "cloud-controller-manager/persistent-volume-label-initializer-config.yaml", 1, "KL021"):
        "InitializerConfiguration (admissionregistration.k8s.io/v1alpha1) was dropped in Kubernetes 1.14",
    (_ARCHIVED + "openshift-origin/etcd-controller.yaml", 12, "KL002"):
        "a second spec.selector key: YAML parsers disagree on which one wins, the API server gets the last",
    (_ARCHIVED + "openshift-origin/etcd-discovery-controller.yaml", 12, "KL002"): "the same duplicate selector",
    (_ARCHIVED + "openshift-origin/openshift-controller.yaml", 12, "KL002"): "the same duplicate selector",
    (_ARCHIVED + "persistent-volume-provisioning/quobyte/quobyte-admin-secret.yaml", 9, "KL002"):
        "the Secret's type key twice",
    (_ARCHIVED + "scheduler-policy/scheduler-policy-config-with-extender.json", 2, "KL021"):
        "kind Policy is a kube-scheduler configuration file (removed in 1.23), not an API object",
    (_ARCHIVED + "scheduler-policy/scheduler-policy-config.json", 2, "KL021"): "the same scheduler Policy file",
    (_ARCHIVED + "volumes/aws_ebs/aws-ebs-web.yaml", 12, "KL012"):
        "protocol: tcp; the API server accepts only TCP, UDP or SCTP",
    (_ARCHIVED + "volumes/cinder/cinder-web.yaml", 12, "KL012"): "protocol: tcp, as above",
    (_ARCHIVED + "volumes/fibre_channel/fc.yaml", 17, "KL011"): "lun is the placeholder <ADD LUN ID Here>",
    (_ARCHIVED + "volumes/rbd/rbd.yaml", 25, "KL010"): "rbd volumes have no imageformat field (a StorageClass parameter)",
    (_ARCHIVED + "volumes/rbd/rbd.yaml", 26, "KL010"): "nor imagefeatures (a StorageClass parameter)",
    (_ARCHIVED + "volumes/scaleio/pod.yaml", 17, "KL010"): "protectionDoamin is a typo of protectionDomain",
    (_ARCHIVED + "volumes/scaleio/sc-pvc.yaml", 12, "KL002"): "storageClassName twice in one PVC",
    (_ARCHIVED + "volumes/storageos/storageos-pod.yaml", 35, "KL010"): "storageos volumes have no pool field",
    (_ARCHIVED + "volumes/storageos/storageos-pv.yaml", 22, "KL010"):
        "a PV's storageos source takes secretRef, not secretName",
    ("kubernetes-sigs-kustomize/examples/transformerconfigs/crd/resources.yaml", 9, "KL021"):
        "apiVersion v1beta1 with no group for a custom kind Bee: an example input of a kustomize transformer, "
        "no API server serves it",
    ("kubernetes-sigs-kustomize/examples/transformerconfigs/images/resources.yaml", 16, "KL020"):
        "a Deployment written as apiVersion v1 (it is apps/v1): the example is about image transformers",
    ("kubernetes-sigs-kustomize/examples/validationTransformer/invalid.yaml", 6, "KL011"):
        "the example's deliberately invalid ConfigMap (data as a list)",
}
REMOVED_IN_ARCHIVED = 11  # removed apiVersions (KL020 "was removed in Kubernetes ...") in _archived/


@needs_shared
def test_schema_errors_on_the_real_corpus_are_removed_apis_or_inspected():
    result = run_check(CheckOptions(paths=[str(REAL)]))
    prefix = str(REAL) + "/"
    errors = [f for f in result.findings if f.severity is Severity.ERROR and f.rule.startswith("KL0")]
    removed = [
        f for f in errors
        if f.rule == "KL020" and " was removed in Kubernetes " in f.message and f.file[len(prefix):].startswith(_ARCHIVED)
    ]
    assert len(removed) == REMOVED_IN_ARCHIVED
    others = {(f.file[len(prefix):], f.span.line, f.rule) for f in errors if f not in removed}
    assert others == set(INSPECTED_SCHEMA_ERRORS)
