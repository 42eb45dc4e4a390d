"""API-server field validation, part 1 (KL601-KL606): what the fixture snapshots cannot express —
the exact 256 KiB boundary, the name rule of each kind class and Kubernetes version, quantity edge
cases, and that valid real-world values stay quiet."""
from __future__ import annotations

import json
import textwrap

import pytest

from k8slint.checks.invalid_quantity import suggest
from k8slint.naming import fix_label_value, fix_qualified_name
from tests.conftest import CORPUS, SHARED, needs_shared, run_json

CODES = "KL601,KL602,KL603,KL604,KL605,KL606"


def lint(tmp_path, text: str, *args: str, name: str = "m.yaml") -> list[dict]:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    _, report = run_json(str(path), "--select", CODES, *args)
    return report["findings"]


def found(findings, rule=None):
    return [(f["rule"], f["severity"], f["path"]) for f in findings if rule is None or f["rule"] == rule]


def obj(kind: str, api_version: str, name: str, extra: str = "") -> str:
    return f"apiVersion: {api_version}\nkind: {kind}\nmetadata:\n  name: {json.dumps(name)}\n{extra}"


# -- KL601: names per kind class -------------------------------------------------------------

@pytest.mark.parametrize("kind, api_version, name, ok", [
    # DNS-1123 subdomain (most kinds): dots allowed, 253 characters
    ("ConfigMap", "v1", "app.config.v2", True), ("ConfigMap", "v1", "a" * 253, True),
    ("ConfigMap", "v1", "a" * 254, False), ("ConfigMap", "v1", "App", False), ("Secret", "v1", "db_password", False),
    ("ServiceAccount", "v1", "ci.deployer", True), ("Deployment", "apps/v1", "web.v2", True),
    ("Ingress", "networking.k8s.io/v1", "shop.example.com", True),
    ("PersistentVolumeClaim", "v1", "data-", False),
    # DNS-1123 label: Namespace, StatefulSet
    ("Namespace", "v1", "team-a", True), ("Namespace", "v1", "team.a", False), ("Namespace", "v1", "a" * 64, False),
    ("StatefulSet", "apps/v1", "db-0", True), ("StatefulSet", "apps/v1", "db.primary", False),
    # path segments: RBAC
    ("ClusterRole", "rbac.authorization.k8s.io/v1", "system:controller:Node.Reader", True),
    ("Role", "rbac.authorization.k8s.io/v1", "a/b", False), ("RoleBinding", "rbac.authorization.k8s.io/v1", "..", False),
    ("ClusterRoleBinding", "rbac.authorization.k8s.io/v1", "100%", False),
    # custom resources are not checked
    ("Widget", "example.com/v1", "Not_A_DNS_Name", True),
    ("Gateway", "gateway.networking.k8s.io/v1", "Main_Gateway", True),
])
def test_name_rule_of_each_kind(tmp_path, kind, api_version, name, ok):
    findings = found(lint(tmp_path, obj(kind, api_version, name)), "KL601")
    assert (findings == []) is ok, findings


@pytest.mark.parametrize("version, ok", [("1.33", False), ("1.35", False), ("1.36", True), ("1.37", True)])
def test_service_names_may_start_with_a_digit_from_1_36(tmp_path, version, ok):
    text = obj("Service", "v1", "1st-api", "spec:\n  ports: [{port: 80}]\n")
    findings = found(lint(tmp_path, text, "-k", version), "KL601")
    assert (findings == []) is ok, findings


def test_service_names_with_a_dot_are_rejected_in_every_version(tmp_path):
    text = obj("Service", "v1", "api.v2", "spec:\n  ports: [{port: 80}]\n")
    for version in ("1.33", "1.37"):
        assert found(lint(tmp_path, text, "-k", version), "KL601") == [("KL601", "error", "metadata.name")]


@pytest.mark.parametrize("version, severity", [("1.26", "warning"), ("1.27", "error"), ("1.37", "error")])
def test_statefulset_names_became_dns_labels_in_1_27(tmp_path, version, severity):
    findings = found(lint(tmp_path, obj("StatefulSet", "apps/v1", "db.primary"), "-k", version), "KL601")
    assert findings == [("KL601", severity, "metadata.name")]


@pytest.mark.parametrize("prefix, ok", [("web-", True), ("web", True), ("a-", True), ("-", False), ("Web-", False), ("web_", False)])
def test_generate_name_is_a_prefix(tmp_path, prefix, ok):
    text = f"apiVersion: v1\nkind: Pod\nmetadata:\n  generateName: {json.dumps(prefix)}\nspec:\n  containers: [{{name: c, image: busybox}}]\n"
    findings = found(lint(tmp_path, text), "KL601")
    assert (findings == []) is ok, findings


def test_namespace_must_be_a_label_on_namespaced_kinds_only(tmp_path):
    text = """\
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: cfg, namespace: Team_A}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: reader, namespace: Team_A}   # cluster-scoped: the namespace is dropped
        """
    assert found(lint(tmp_path, text), "KL601") == [("KL601", "error", "metadata.namespace")]


@pytest.mark.parametrize("kind, api_version, length, severity", [
    ("CronJob", "batch/v1", 52, None), ("CronJob", "batch/v1", 53, "error"),
    ("Job", "batch/v1", 63, None), ("Job", "batch/v1", 64, "error"),
    ("StatefulSet", "apps/v1", 52, None), ("StatefulSet", "apps/v1", 53, "warning"),
    ("Deployment", "apps/v1", 200, None),
])
def test_length_limits_of_kinds_whose_names_grow(tmp_path, kind, api_version, length, severity):
    findings = found(lint(tmp_path, obj(kind, api_version, "a" * length)), "KL601")
    assert findings == ([] if severity is None else [("KL601", severity, "metadata.name")])


def test_job_with_a_manual_selector_gets_no_job_name_label(tmp_path):
    text = obj("Job", "batch/v1", "a" * 70, "spec:\n  manualSelector: true\n")
    assert found(lint(tmp_path, text), "KL601") == []


@pytest.mark.parametrize("name, value, ok", [
    ("system-cluster-critical", 2000000000, True), ("system-node-critical", 2000001000, True),
    ("system-node-critical", 5, False), ("system-custom", 5, False), ("systemic", 5, True),
])
def test_system_priority_class_names_are_reserved(tmp_path, name, value, ok):
    findings = found(lint(tmp_path, obj("PriorityClass", "scheduling.k8s.io/v1", name, f"value: {value}\n")), "KL601")
    assert (findings == []) is ok, findings


def test_missing_name_is_reported_but_not_in_kustomize_patches(tmp_path):
    (tmp_path / "kustomization.yaml").write_text("resources: [base.yaml]\npatches:\n  - path: patch.yaml\n")
    (tmp_path / "base.yaml").write_text(obj("ConfigMap", "v1", "cfg"))
    (tmp_path / "patch.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {a: b}\n")
    (tmp_path / "nameless.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {a: b}\n")
    _, report = run_json(str(tmp_path), "--select", "KL601")
    assert [(f["file"].rsplit("/", 1)[-1], f["rule"]) for f in report["findings"]] == [("nameless.yaml", "KL601")]


# -- KL602: labels ---------------------------------------------------------------------------

@pytest.mark.parametrize("key, value, ok", [
    ("app", "v1.2.3", True), ("app", "", True), ("app", "a" * 63, True), ("app", "a" * 64, False),
    ("app", "web app", False), ("app", "-web", False), ("app", "web/v1", False),
    ("a" * 63, "x", True), ("a" * 64, "x", False), ("example.com/" + "a" * 63, "x", True),
    ("x" * 240 + ".example.com/name", "x", True), ("Example.com/name", "x", False), ("my key", "x", False),
    ("a/b/c", "x", False),
])
def test_label_key_and_value_formats(tmp_path, key, value, ok):
    text = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  labels: {{{json.dumps(key)}: {json.dumps(value)}}}\n"
    findings = found(lint(tmp_path, text), "KL602")
    assert (findings == []) is ok, findings


def test_custom_resources_get_only_their_own_labels_checked(tmp_path):
    text = """\
        apiVersion: example.com/v1
        kind: Widget
        metadata:
          name: w
          labels: {"bad key": ok}
        spec:
          selector: {matchLabels: {"free text": "is the CRD's business"}}
        """
    assert found(lint(tmp_path, text), "KL602") == [("KL602", "error", 'metadata.labels["bad key"]')]


def test_a_crd_schema_is_not_mistaken_for_selectors(tmp_path):
    text = """\
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: widgets.example.com}
        spec:
          group: example.com
          scope: Namespaced
          names: {plural: widgets, singular: widget, kind: Widget}
          versions:
            - name: v1
              served: true
              storage: true
              schema:
                openAPIV3Schema:
                  type: object
                  properties:
                    matchLabels:
                      type: object
                      description: "labels to match, as in a Deployment's selector"
                    metadata:
                      type: object
        """
    assert found(lint(tmp_path, text)) == []


def test_label_fixes():
    assert fix_label_value("release 2.4") == "release-2.4"
    assert fix_label_value(" web ") == "web"
    assert fix_label_value("v1") is None  # already valid
    assert len(fix_label_value("x-" * 40)) <= 63
    assert fix_qualified_name("Example.COM/My Key") == "example.com/My-Key"
    assert fix_qualified_name("/hash") == "hash"


# -- KL603: annotations ----------------------------------------------------------------------

def _annotated(size: int, key: str = "example.com/blob") -> str:
    value = "x" * (size - len(key))
    return f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  annotations:\n    {key}: {value}\n"


@pytest.mark.parametrize("size, ok", [(262144, True), (262145, False)])
def test_annotation_size_limit_is_exactly_256_kib(tmp_path, size, ok):
    findings = [f for f in found(lint(tmp_path, _annotated(size)), "KL603") if f[1] == "error"]
    assert (findings == []) is ok, findings


def test_annotation_size_counts_utf8_bytes_and_keys(tmp_path):
    value = "é" * 131060  # 2 bytes each: 262120 bytes, and 37 for the key; 131097 characters
    text = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  annotations:\n    example.com/text-with-a-long-key-name: {value}\n"
    findings = found(lint(tmp_path, text), "KL603")
    assert ("KL603", "error", "metadata.annotations") in findings


def test_annotation_values_are_free_text_and_keys_ignore_case(tmp_path):
    text = """\
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: cfg
          annotations:
            Example.COM/Owner: team
            config.example.com/json: '{"a": [1, 2], "b": {"c": "d e f"}}'
            note: "Free text: spaces, colons / slashes."
        """
    assert found(lint(tmp_path, text)) == []


def test_kubectl_apply_would_overflow_the_annotations(tmp_path):
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  blob: " + "y" * 262100 + "\n"
    findings = found(lint(tmp_path, text), "KL603")
    assert findings == [("KL603", "warning", "metadata")]
    small = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: small\ndata:\n  blob: " + "y" * 200000 + "\n"
    assert found(lint(tmp_path, small, name="small.yaml"), "KL603") == []


# -- KL604-KL606: quantities -----------------------------------------------------------------

def _pod(requests: dict, limits: dict | None = None, container: str = "c") -> str:
    resources = {"requests": requests}
    if limits is not None:
        resources["limits"] = limits
    return json.dumps({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
        "spec": {"containers": [{"name": container, "image": "busybox", "resources": resources}]},
    })


@pytest.mark.parametrize("cpu, memory", [
    ("0.5", "64Mi"), (".5", "1.5Gi"), (2, " 128Mi "), (0.5, "1e8"), ("250m", 1e9), ("1", "100M"), ("100m", 268435456),
])
def test_valid_quantities_stay_quiet(tmp_path, cpu, memory):
    assert found(lint(tmp_path, _pod({"cpu": cpu, "memory": memory}), name="p.json")) == []


@pytest.mark.parametrize("text, hint", [
    ("1GB", '"1G" or "1Gi"'), ("1Gib", '"1Gi"'), ("2gb", '"2G" or "2Gi"'), ("512 Mi", '"512Mi"'),
    ("1,5Gi", '"1.5Gi"'), ("1,000m", '"1000m"'), ("2 cores", '"2"'), ("250 millicores", '"250m"'),
    ("1K", '"1k" or "1Ki"'), ("64MiB", '"64Mi"'), ("1.5.0", None), ("lots", None),
])
def test_quantity_suggestions(text, hint):
    assert suggest(text) == hint


def test_invalid_quantity_message(tmp_path):
    (finding,) = lint(tmp_path, _pod({"memory": "1GB"}), name="p.json")
    assert finding["rule"] == "KL604"
    assert finding["message"] == 'memory: invalid quantity "1GB"'
    assert finding["help"] == 'did you mean "1G" or "1Gi"?'


@pytest.mark.parametrize("resource, value, expected", [
    ("memory", "1Ki", []), ("memory", "1023", [("KL605", "warning")]), ("memory", 512, [("KL605", "warning")]),
    ("memory", "0", []), ("memory", "512m", [("KL605", "warning")]), ("memory", "1500m", [("KL605", "warning")]),
    ("ephemeral-storage", "10m", [("KL605", "warning")]), ("cpu", "999", []), ("cpu", "1000", [("KL605", "error")]),
    ("cpu", "500M", [("KL605", "error")]), ("cpu", "1k", [("KL605", "error")]), ("cpu", "0.001", []),
])
def test_implausible_quantities(tmp_path, resource, value, expected):
    findings = [(f["rule"], f["severity"]) for f in lint(tmp_path, _pod({resource: value}), name="p.json")]
    assert findings == expected


def test_quota_totals_of_cpu_are_not_implausible(tmp_path):
    text = 'apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: q}\nspec:\n  hard: {requests.cpu: "2000", requests.memory: 1Ti}\n'
    assert found(lint(tmp_path, text)) == []


@pytest.mark.parametrize("request_, limit, ok", [
    ("1Gi", "1024Mi", True), ("1Gi", "1000Mi", False), ("0.5", "500m", True), ("1001m", "1", False),
    ("1", "1", True), ("100m", "2", True),
])
def test_requests_are_compared_exactly(tmp_path, request_, limit, ok):
    resource = "memory" if "i" in request_ else "cpu"
    findings = found(lint(tmp_path, _pod({resource: request_}, {resource: limit}), name="p.json"), "KL606")
    assert (findings == []) is ok, findings


@pytest.mark.parametrize("requests, limits, ok", [
    ({"nvidia.com/gpu": 1}, {"nvidia.com/gpu": 1}, True),
    ({"nvidia.com/gpu": 1}, {"nvidia.com/gpu": 2}, False),
    ({"nvidia.com/gpu": 1}, {}, False),
    ({}, {"nvidia.com/gpu": 2}, True),  # the request defaults to the limit
    ({"hugepages-2Mi": "100Mi", "memory": "1Gi"}, {"hugepages-2Mi": "200Mi", "memory": "1Gi"}, False),
    ({"example.kubernetes.io/thing": 1}, {"example.kubernetes.io/thing": 2}, True),  # native: may overcommit
])
def test_extended_resources_and_hugepages_cannot_be_overcommitted(tmp_path, requests, limits, ok):
    findings = found(lint(tmp_path, _pod(requests, limits), name="p.json"), "KL606")
    assert (findings == []) is ok, findings


def test_negative_and_fractional_where_validation_forbids(tmp_path):
    findings = found(lint(tmp_path, _pod({"cpu": "-1", "nvidia.com/gpu": "1.5"}, {"nvidia.com/gpu": "1.5"}), name="p.json"), "KL604")
    assert findings == [
        ("KL604", "error", "spec.containers[0].resources.requests.cpu"),
        ("KL604", "error", "spec.containers[0].resources.requests[\"nvidia.com/gpu\"]"),
        ("KL604", "error", "spec.containers[0].resources.limits[\"nvidia.com/gpu\"]"),
    ]


# -- the real corpus -------------------------------------------------------------------------

@needs_shared
@pytest.mark.parametrize("folder", [CORPUS / "real", SHARED / "seed" / "manifests"])
def test_real_manifests_give_no_finding(folder):
    _, report = run_json(str(folder), "--select", CODES)
    assert report["findings"] == []

