"""The references rules (KL701-KL708): objects a pod names that are not defined.

- a missing object is a warning (it may exist in the cluster), an error with --complete or
  ``assume-complete: true``; references marked ``optional: true`` are never reported;
- the seed's ``AUTH_ADDRESS: auth-service.default:80`` stays quiet (the Service exists);
- agreement with kube-linter's env-value-from, non-existent-service-account and
  deprecated-service-account-field on their own test manifests;
- the real corpus gives no error-level finding from these rules without --complete.
"""
from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from k8slint.service_addresses import addresses
from k8slint.findings import Severity
from k8slint.run import CheckOptions, run_check
from tests.conftest import CORPUS, SHARED, needs_shared

CODES = ["KL701", "KL702", "KL703", "KL704", "KL705", "KL707", "KL708"]


def findings(tmp_path: Path, text: str, codes: list[str], complete: bool = False, config: str = ""):
    (tmp_path / "m.yaml").write_text(textwrap.dedent(text))
    if config:
        (tmp_path / ".k8slint.yaml").write_text(config)
    options = CheckOptions(
        paths=[str(tmp_path / "m.yaml")], select=codes, assume_complete=complete,
        config=str(tmp_path / ".k8slint.yaml") if config else None, use_config=bool(config),
    )
    return [f for f in run_check(options).findings if f.rule in codes]


def pod(spec: str, namespace: str = "") -> str:
    ns = f"\n  namespace: {namespace}" if namespace else ""
    return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app" + ns + "\nspec:\n" + textwrap.indent(
        textwrap.dedent(spec), "  "
    )


CONTAINER = """\
containers:
  - name: app
    image: busybox:1.36
"""

# One missing reference per "not found" rule: (code, pod spec).
MISSING = {
    "KL701": CONTAINER + "    envFrom:\n      - configMapRef: {name: app-config}\n",
    "KL702": CONTAINER + "    env:\n      - name: TOKEN\n        valueFrom:\n"
    "          secretKeyRef: {name: app-token, key: token}\n",
    "KL704": "serviceAccountName: app\n" + CONTAINER,
    "KL707": "priorityClassName: high\n" + CONTAINER,
    "KL403": CONTAINER + "volumes:\n  - name: data\n    persistentVolumeClaim: {claimName: app-data}\n",
}


# -- severity: warning by default, error with --complete / assume-complete -----------------------
@pytest.mark.parametrize("code", sorted(MISSING))
def test_missing_object_is_a_warning_by_default(tmp_path, code):
    (f,) = findings(tmp_path, pod(MISSING[code]), [code])
    assert f.severity is Severity.WARNING
    assert "it may exist in the cluster" in f.message
    assert "--context" in f.help


@pytest.mark.parametrize("code", sorted(MISSING))
def test_missing_object_is_an_error_with_complete(tmp_path, code):
    (f,) = findings(tmp_path, pod(MISSING[code]), [code], complete=True)
    assert f.severity is Severity.ERROR
    assert "is not defined" in f.message and "may exist" not in f.message
    assert "--context" not in f.help


@pytest.mark.parametrize("code", sorted(MISSING))
def test_assume_complete_in_the_configuration_is_the_same(tmp_path, code):
    (f,) = findings(tmp_path, pod(MISSING[code]), [code], config="assume-complete: true\n")
    assert f.severity is Severity.ERROR


def test_configured_severity_still_wins_over_complete(tmp_path):
    (f,) = findings(tmp_path, pod(MISSING["KL701"]), ["KL701"], complete=True, config="severity: {KL701: info}\n")
    assert f.severity is Severity.INFO


def test_missing_image_pull_secret_stays_a_warning_with_complete(tmp_path):
    # The kubelet pulls without it (getPullSecretsForPod only logs), so public images still start.
    spec = "imagePullSecrets:\n  - name: regcred\n" + CONTAINER
    (f,) = findings(tmp_path, pod(spec), ["KL702"], complete=True)
    assert f.severity is Severity.WARNING
    assert f.message == (
        'Pod default/app pulls its images with Secret "regcred", which is not defined in namespace default'
    )


def test_service_address_stays_a_warning_with_complete(tmp_path):
    text = pod(CONTAINER + "    env:\n      - name: API\n        value: http://api.default.svc:8080\n")
    text += "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: 80\n"
    (f,) = findings(tmp_path, text, ["KL708"], complete=True)
    assert f.severity is Severity.WARNING


def test_objects_are_matched_in_the_pods_namespace(tmp_path):
    text = pod(MISSING["KL701"], namespace="shop")
    text += "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\ndata: {a: b}\n"
    (f,) = findings(tmp_path, text, ["KL701"])
    assert "namespace shop" in f.message
    assert f.help.startswith('ConfigMap "app-config" is in namespace default')
    text = text.replace("data: {a: b}", "  namespace: shop\ndata: {a: b}")
    assert findings(tmp_path, text, ["KL701"]) == []


def test_the_context_counts(tmp_path):
    (tmp_path / "ctx").mkdir()
    (tmp_path / "ctx" / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\n")
    (tmp_path / "m.yaml").write_text(pod(MISSING["KL701"]))
    options = CheckOptions(paths=[str(tmp_path / "m.yaml")], context=[str(tmp_path / "ctx")], select=["KL701"],
                           use_config=False, assume_complete=True)
    assert [f for f in run_check(options).findings if f.rule == "KL701"] == []


# -- optional: true ------------------------------------------------------------------------------
OPTIONAL = """\
containers:
  - name: app
    image: busybox:1.36
    env:
      - name: A
        valueFrom:
          configMapKeyRef: {name: missing-cm, key: a, optional: true}
      - name: B
        valueFrom:
          secretKeyRef: {name: missing-secret, key: b, optional: true}
      - name: C
        valueFrom:
          configMapKeyRef: {name: present, key: no-such-key, optional: true}
    envFrom:
      - configMapRef: {name: missing-cm, optional: true}
      - secretRef: {name: missing-secret, optional: true}
volumes:
  - name: a
    configMap: {name: missing-cm, optional: true}
  - name: b
    secret: {secretName: missing-secret, optional: true}
  - name: c
    configMap:
      name: present
      optional: true
      items: [{key: no-such-key, path: x}]
  - name: d
    projected:
      sources:
        - configMap: {name: missing-cm, optional: true}
        - secret: {name: missing-secret, optional: true}
        - configMap: {name: present, optional: true, items: [{key: no-such-key, path: y}]}
"""
PRESENT = "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: present\ndata:\n  key: value\n"


def test_optional_references_are_never_reported(tmp_path):
    assert findings(tmp_path, pod(OPTIONAL) + PRESENT, ["KL701", "KL702", "KL703"], complete=True) == []


def test_without_optional_each_reference_is_reported(tmp_path):
    text = pod(OPTIONAL.replace(", optional: true", "").replace("      optional: true\n", "")) + PRESENT
    found = findings(tmp_path, text, ["KL701", "KL702", "KL703"])
    assert sorted((f.rule, f.path) for f in found) == sorted([
        ("KL701", "spec.containers[0].env[0].valueFrom.configMapKeyRef.name"),
        ("KL701", "spec.containers[0].envFrom[0].configMapRef.name"),
        ("KL701", "spec.volumes[0].configMap.name"),
        ("KL701", "spec.volumes[3].projected.sources[0].configMap.name"),
        ("KL702", "spec.containers[0].env[1].valueFrom.secretKeyRef.name"),
        ("KL702", "spec.containers[0].envFrom[1].secretRef.name"),
        ("KL702", "spec.volumes[1].secret.secretName"),
        ("KL702", "spec.volumes[3].projected.sources[1].secret.name"),
        ("KL703", "spec.containers[0].env[2].valueFrom.configMapKeyRef.key"),
        ("KL703", "spec.volumes[2].configMap.items[0].key"),
        ("KL703", "spec.volumes[3].projected.sources[2].configMap.items[0].key"),
    ])
    assert all(f.severity is (Severity.ERROR if f.rule == "KL703" else Severity.WARNING) for f in found)
    assert all(f.help == 'ConfigMap default/present has only the key "key": use it, or add "no-such-key" to it'
               for f in found if f.rule == "KL703")


def test_missing_key_is_an_error_even_without_complete(tmp_path):
    text = pod(CONTAINER + "    env:\n      - name: A\n        valueFrom:\n"
               "          configMapKeyRef: {name: present, key: kee}\n") + PRESENT
    (f,) = findings(tmp_path, text, ["KL703"])
    assert f.severity is Severity.ERROR and f.help == 'did you mean "key"?'


def test_placeholder_names_are_not_looked_up(tmp_path):
    spec = CONTAINER + "    envFrom:\n      - configMapRef: {name: \"${APP_CONFIG}\"}\n" \
        "serviceAccountName: $(SA)\npriorityClassName: '{{ .Values.priority }}'\n"
    assert findings(tmp_path, pod(spec), ["KL701", "KL704", "KL707"]) == []


def test_built_in_objects_are_never_reported(tmp_path):
    spec = "serviceAccountName: default\npriorityClassName: system-cluster-critical\n" + CONTAINER + \
        "volumes:\n  - name: ca\n    configMap:\n      name: kube-root-ca.crt\n"
    assert findings(tmp_path, pod(spec), ["KL701", "KL704", "KL707"], complete=True) == []


def test_deprecated_service_account_counts_only_without_service_account_name(tmp_path):
    spec = "serviceAccountName: default\nserviceAccount: missing\n" + CONTAINER
    assert findings(tmp_path, pod(spec), ["KL704"]) == []
    (f,) = findings(tmp_path, pod(spec), ["KL705"])
    assert f.severity is Severity.ERROR and f.path == "spec.serviceAccount"


# -- KL708: what counts as a Service address -----------------------------------------------------
@pytest.mark.parametrize("value, found", [
    ("auth-service.default:80", [("auth-service", "default", 80, False)]),
    ("auth-service.default.svc:80", [("auth-service", "default", 80, False)]),
    ("http://svc.ns.svc.cluster.local:8080/path", [("svc", "ns", 8080, False)]),
    ("https://svc.ns.svc.cluster.local.", [("svc", "ns", 443, False)]),
    ("db-0.db.data.svc.cluster.local:5432", [("db", "data", 5432, True)]),
    ("postgres://u:p@db.data.svc:5432/app?sslmode=disable", [("db", "data", 5432, False)]),
    ("jdbc:postgresql://db.data.svc:5432/app", [("db", "data", 5432, False)]),
    ("kafka-0.kafka.q.svc:9092,kafka-1.kafka.q.svc:9092", [("kafka", "q", 9092, True), ("kafka", "q", 9092, True)]),
    ("redis:6379", [("redis", None, 6379, False)]),
    ("http://frontend", [("frontend", None, 80, False)]),
    ("example.com:443", [("example", "com", 443, False)]),  # judged only if namespace com has Services
    ("http://auth.default", [("auth", "default", 80, False)]),
    ("config.production", []),  # svc.ns without a port or scheme: more likely a module name
    ("redis.cache.svc", [("redis", "cache", None, False)]),
    ("frontend", []),  # a bare name without port or scheme: any word
    ("localhost:8080", []),
    ("api.github.com:443", []),
    ("10.0.0.1:80", []),
    ("03:30", []),
    ("1.4.0", []),
    ("$(HOST).default:80", []),
    ("-Dconfig.file=/etc/app.conf", []),
])
def test_service_addresses_in_env_values(value, found):
    assert [(a.service, a.namespace, a.port, a.pod) for a in addresses(value)] == found


def test_service_address_in_an_unnamed_env_item(tmp_path):
    # The seed's split item: `- value:` without a name is looked at too.
    text = pod(CONTAINER + "    env:\n      - name: AUTH_ADDRESS\n      - value: auth-service.default:8080\n")
    text += "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: auth-service\nspec:\n  ports:\n    - port: 80\n"
    (f,) = findings(tmp_path, text, ["KL708"])
    assert f.path == "spec.containers[0].env[1].value"
    assert f.message.startswith('env[1] of container "app" of Pod default/app addresses port 8080')
    assert f.help == "did you mean auth-service.default:80?"


@needs_shared
def test_seed_auth_address_stays_quiet(tmp_path):
    seed = SHARED / "seed" / "manifests" / "practice2-example2"
    result = run_check(CheckOptions(paths=[str(seed)], select=CODES, use_config=False))
    assert [f for f in result.findings if f.rule in CODES] == []
    # ... and fires once the address is wrong.
    copy = tmp_path / "seed"
    shutil.copytree(seed, copy)
    deployment = copy / "users-deployment.yaml"
    deployment.write_text(deployment.read_text().replace("auth-service.default:80", "auth-service.default:8080"))
    result = run_check(CheckOptions(paths=[str(copy)], select=["KL708"], use_config=False))
    assert [(f.rule, f.span.line, f.span.column) for f in result.findings] == [("KL708", 23, 20)]


# -- kube-linter -----------------------------------------------------------------------------------
PEER = CORPUS / "peers" / "kube-linter"

# kube-linter check → the k8slint rules that do its job.
KUBE_LINTER = {
    "env-value-from": ("KL701", "KL702", "KL703"),
    "non-existent-service-account": ("KL704",),
    "deprecated-service-account-field": ("KL705",),
}
# Rows where k8slint deliberately differs: (check, object) → (fires, reason). None so far.
ROW_DIFFERENCES: dict[tuple[str, str], tuple[bool, str]] = {}


def _kube_linter_rows():
    from tests.test_kube_linter import ROWS

    return [row for row in ROWS if row.check in KUBE_LINTER]


@needs_shared
def test_kube_linter_rows_exist():
    assert {row.check for row in _kube_linter_rows()} == set(KUBE_LINTER)


@needs_shared
@pytest.mark.parametrize("row", _kube_linter_rows(), ids=lambda row: row.id)
def test_agreement_with_kube_linter(row):
    from tests.test_kube_linter import _about, _target

    codes = KUBE_LINTER[row.check]
    expected, why = ROW_DIFFERENCES.get((row.check, row.object), (row.fires, row.note))
    result = run_check(CheckOptions(paths=[str(PEER / row.file)], select=list(codes), use_config=False))
    hits = [f for f in result.findings if f.rule in codes and _about(f, _target(row.object))]
    assert bool(hits) == expected, (row.object, why, [f.message for f in hits])


# -- the real corpus -------------------------------------------------------------------------------
@needs_shared
def test_real_corpus_has_no_error_from_these_rules_without_complete():
    result = run_check(CheckOptions(paths=[str(CORPUS / "real")], select=CODES, use_config=False))
    errors = [f"{f.file}:{f.span.line} {f.rule} {f.message}" for f in result.findings
              if f.rule in CODES and f.severity is Severity.ERROR]
    assert errors == []


# -- objects made by something else ----------------------------------------------------------------
def test_secrets_that_controllers_make_are_not_missing(tmp_path):
    spec = CONTAINER + "volumes:\n  - name: tls\n    secret: {secretName: web-tls}\n" \
        "  - name: creds\n    secret: {secretName: db-creds}\n  - name: sealed\n    secret: {secretName: api-keys}\n"
    made = textwrap.dedent("""\
        ---
        apiVersion: cert-manager.io/v1
        kind: Certificate
        metadata: {name: web}
        spec: {secretName: web-tls, issuerRef: {name: ca}}
        ---
        apiVersion: external-secrets.io/v1beta1
        kind: ExternalSecret
        metadata: {name: db}
        spec: {target: {name: db-creds}}
        ---
        apiVersion: bitnami.com/v1alpha1
        kind: SealedSecret
        metadata: {name: api-keys}
        """)
    assert findings(tmp_path, pod(spec) + made, ["KL702"], complete=True) == []
    # In another namespace they do not count.
    assert len(findings(tmp_path, pod(spec, namespace="other") + made, ["KL702"])) == 3


def test_objects_that_kustomize_generators_make_are_not_missing(tmp_path, monkeypatch):
    # The rules honour Index.generated_objects(obj): (kind, name) of the objects the generators
    # of the kustomization building obj make (configMapGenerator, secretGenerator).
    from k8slint.index import Index

    made = frozenset({("ConfigMap", "app-config")})
    monkeypatch.setattr(Index, "generated_objects", lambda self, obj: made, raising=False)
    assert findings(tmp_path, pod(MISSING["KL701"]), ["KL701"], complete=True) == []


def test_kustomize_generators_in_a_checked_tree(tmp_path):
    from k8slint.index import Index

    if not hasattr(Index, "generated_objects"):
        pytest.skip("the index does not read kustomize generators yet")
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "kustomization.yaml").write_text(
        "resources: [pod.yaml]\nconfigMapGenerator:\n  - name: app-config\n    literals: [a=b]\n"
        "secretGenerator:\n  - name: app-token\n    literals: [token=x]\n"
    )
    (tmp_path / "base" / "pod.yaml").write_text(pod(MISSING["KL701"] + MISSING["KL702"].split(CONTAINER)[1]))
    (tmp_path / "overlay").mkdir()
    (tmp_path / "overlay" / "pod.yaml").write_text(pod(MISSING["KL701"]))
    options = CheckOptions(paths=[str(tmp_path)], select=["KL701", "KL702"], use_config=False, assume_complete=True)
    found = [(f.file.rsplit("/", 2)[-2], f.rule) for f in run_check(options).findings]
    assert found == [("overlay", "KL701")]


@settings(max_examples=2000, deadline=None)
@given(value=st.text(alphabet="ab.:/?#@,; \t\n\u00a0\u2003\x1c-9", max_size=30))
def test_address_tokens_and_authorities_split_as_the_patterns_did(value):
    """addresses() splits with str methods what it split with [\\s,;]+ and [/?#] before."""
    import re

    from k8slint.service_addresses import authority_end

    tokens = value.replace(",", " ").replace(";", " ").split()
    assert tokens == [t for t in re.split(r"[\s,;]+", value) if t]
    assert value[:authority_end(value)] == re.split(r"[/?#]", value, 1)[0]
