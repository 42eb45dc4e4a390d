"""Deprecated and removed apiVersions for the selected Kubernetes version: one clear finding."""
import textwrap

from tests.conftest import run_json

INGRESS = textwrap.dedent("""\
    apiVersion: extensions/v1beta1
    kind: Ingress
    metadata:
      name: web
    spec:
      backend:
        serviceName: web
        servicePort: 80
    """)


def test_same_ingress_is_deprecated_in_1_21_and_removed_in_1_37():
    code, report = run_json("-", "-k", "1.21", "--ignore", "KL304", stdin=INGRESS.encode())
    (f,) = report["findings"]
    assert (f["rule"], f["severity"], f["line"]) == ("KL023", "warning", 1)
    assert f["message"] == "Ingress extensions/v1beta1 is deprecated since Kubernetes 1.14 and removed in 1.22"
    assert f["help"].startswith("use apiVersion: networking.k8s.io/v1 (served since Kubernetes 1.19)")
    assert code == 0
    code, report = run_json("-", "-k", "1.37", "--ignore", "KL304", stdin=INGRESS.encode())
    (f,) = report["findings"]  # one finding: no schema error on top of the removal
    assert (f["rule"], f["severity"], f["line"]) == ("KL020", "error", 1)
    assert f["message"] == (
        "Ingress extensions/v1beta1 was removed in Kubernetes 1.22 (deprecated since 1.14); "
        "it is not served in Kubernetes 1.37"
    )
    assert f["help"].startswith("use apiVersion: networking.k8s.io/v1 (served since Kubernetes 1.19)")
    assert code == 1


def test_removed_in_1_16_even_where_old_schemas_still_list_it():
    deploy = "apiVersion: apps/v1beta1\nkind: Deployment\nmetadata: {name: web}\nspec: {template: {}}\n"
    code, report = run_json("-", "-k", "1.16", stdin=deploy.encode())
    assert [(f["rule"], f["severity"]) for f in report["findings"]] == [("KL020", "error")]
    assert "use apiVersion: apps/v1" in report["findings"][0]["help"]


def test_no_replacement_says_so():
    psp = "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata: {name: p}\nspec: {}\n"
    code, report = run_json("-", "-k", "1.25", stdin=psp.encode())
    (f,) = report["findings"]
    assert f["rule"] == "KL020" and f["help"].startswith("there is no replacement for PodSecurityPolicy")


def test_ga_apis_are_not_reported():
    cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
    assert run_json("-", stdin=cm.encode())[1]["findings"] == []


def test_deprecated_ga_kind():
    endpoints = "apiVersion: v1\nkind: Endpoints\nmetadata: {name: e}\nsubsets: []\n"
    code, report = run_json("-", "-k", "1.33", stdin=endpoints.encode())
    assert [f["rule"] for f in report["findings"]] == ["KL023"]
    assert "EndpointSlice" in report["findings"][0]["help"]
