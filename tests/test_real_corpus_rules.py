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
