"""KL310 pdb-blocks-eviction, KL311 networkpolicy-peer-selects-nothing and KL312
servicemonitor-selects-nothing: each condition, defaults, namespaces, the context and
unreadable folders, kustomize patches, agreement with kube-linter's own test manifests, and
what they report on the real corpus."""
from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Optional

import pytest

from k8slint.findings import Severity
from k8slint.run import CheckOptions, run_check
from tests.conftest import CORPUS, SHARED, needs_shared

CODES = ["KL310", "KL311", "KL312"]


def lint(
    tmp_path: Path, text: str, codes: Optional[list[str]] = None, *, context: str = "",
    complete: bool = False, extra: Optional[dict[str, str]] = None,
):
    """Findings of ``codes`` on m.yaml (and the ``extra`` files beside it); ``context`` is
    written to ctx/c.yaml and given with --context."""
    codes = codes or CODES
    (tmp_path / "m.yaml").write_text(textwrap.dedent(text))
    for name, body in (extra or {}).items():
        (tmp_path / name).write_text(textwrap.dedent(body))
    contexts = []
    if context:
        (tmp_path / "ctx").mkdir(exist_ok=True)
        (tmp_path / "ctx" / "c.yaml").write_text(textwrap.dedent(context))
        contexts.append(str(tmp_path / "ctx"))
    paths = [str(tmp_path / "m.yaml")] + [str(tmp_path / name) for name in extra or {}]
    options = CheckOptions(paths=paths, context=contexts, select=codes, use_config=False, assume_complete=complete)
    return [f for f in run_check(options).findings if f.rule in codes]


def lines(findings) -> list[tuple[str, int]]:
    return [(f.rule, f.span.line) for f in findings]


def deployment(name: str, labels: str, replicas: Optional[int] = None, namespace: str = "default",
               kind: str = "Deployment", ports: str = "") -> str:
    count = f"  replicas: {replicas}\n" if replicas is not None else ""
    return (
        f"apiVersion: apps/v1\nkind: {kind}\nmetadata:\n  name: {name}\n  namespace: {namespace}\nspec:\n"
        f"{count}  selector:\n    matchLabels: {labels}\n  template:\n    metadata:\n      labels: {labels}\n"
        f"    spec:\n      containers:\n        - name: app\n          image: example/app:1.0.0\n{ports}---\n"
    )


def pdb(spec: str, name: str = "budget", namespace: str = "default") -> str:
    return (
        f"apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: {name}\n"
        f"  namespace: {namespace}\nspec:\n" + textwrap.indent(textwrap.dedent(spec), "  ") + "---\n"
    )


def hpa(target: str, min_replicas: Optional[int], name: str = "scaler", namespace: str = "default") -> str:
    minimum = f"  minReplicas: {min_replicas}\n" if min_replicas is not None else ""
    return (
        f"apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: {name}\n"
        f"  namespace: {namespace}\nspec:\n  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, "
        f"name: {target}}}\n{minimum}  maxReplicas: 10\n---\n"
    )


SELECT_WEB = "selector:\n  matchLabels: {app: web}\n"


# -- KL310: values that never allow an eviction --------------------------------------------------
@pytest.mark.parametrize("value", ["0", '"0%"', "0%"])
def test_max_unavailable_zero_fires_without_looking_at_workloads(tmp_path, value):
    (f,) = lint(tmp_path, pdb(f"maxUnavailable: {value}\n" + SELECT_WEB), ["KL310"])
    assert f.severity is Severity.WARNING and f.span.line == 7
    assert "maxUnavailable: " in f.message and "no pod it selects can be evicted" in f.message
    assert f.help.startswith("set maxUnavailable: 1")


@pytest.mark.parametrize("value", ["1", '"10%"', '"1%"'])
def test_max_unavailable_above_zero_is_quiet(tmp_path, value):
    # A percentage of maxUnavailable rounds up: "1%" of one pod allows one eviction.
    text = deployment("web", "{app: web}", replicas=1) + pdb(f"maxUnavailable: {value}\n" + SELECT_WEB)
    assert lint(tmp_path, text, ["KL310"]) == []


def test_min_available_100_percent_fires_even_without_workloads(tmp_path):
    (f,) = lint(tmp_path, pdb('minAvailable: "100%"\n' + SELECT_WEB), ["KL310"])
    assert 'minAvailable: "100%"' in f.message and (f.span.line, f.span.column) == (7, 17)


# -- KL310: minAvailable against the pods the budget selects -------------------------------------
@pytest.mark.parametrize("replicas, min_available, fires", [
    (2, 2, True), (2, 3, True), (3, 2, False), (None, 1, True), (None, 0, False), (0, 1, False),
])
def test_min_available_against_replicas(tmp_path, replicas, min_available, fires):
    text = deployment("web", "{app: web}", replicas) + pdb(f"minAvailable: {min_available}\n" + SELECT_WEB)
    found = lint(tmp_path, text, ["KL310"])
    assert bool(found) is fires, [f.message for f in found]
    if fires and replicas is None:
        assert "runs only 1 (replicas is unset)" in found[0].message


@pytest.mark.parametrize("percent, replicas, fires", [
    ("50%", 1, True), ("50%", 2, False), ("67%", 3, True), ("60%", 3, False), ("99%", 10, True), ("90%", 10, False),
])
def test_percentages_round_up_as_the_disruption_controller_does(tmp_path, percent, replicas, fires):
    text = deployment("web", "{app: web}", replicas) + pdb(f'minAvailable: "{percent}"\n' + SELECT_WEB)
    assert bool(lint(tmp_path, text, ["KL310"])) is fires


def test_the_pods_of_every_selected_workload_add_up(tmp_path):
    text = (
        deployment("web-a", "{app: web, shard: a}", 1) + deployment("web-b", "{app: web, shard: b}", 1)
    )
    assert lint(tmp_path, text + pdb("minAvailable: 1\n" + SELECT_WEB), ["KL310"]) == []
    (f,) = lint(tmp_path, text + pdb("minAvailable: 2\n" + SELECT_WEB), ["KL310"])
    assert "it selects only 2 pods: Deployment default/web-a runs 1 (replicas); Deployment default/web-b" in f.message


def test_an_hpa_minimum_replaces_the_replicas(tmp_path):
    # replicas: 5, but the autoscaler may go down to 2 (Polaris pdbMinAvailableGreaterThanHPAMinReplicas).
    text = deployment("web", "{app: web}", 5) + hpa("web", 2) + pdb("minAvailable: 2\n" + SELECT_WEB)
    (f,) = lint(tmp_path, text, ["KL310"])
    assert "HorizontalPodAutoscaler default/scaler may scale Deployment default/web down to 2 (minReplicas)" in f.message
    assert "raise minReplicas of HorizontalPodAutoscaler default/scaler above 2" in f.help
    # replicas unset (1), but the autoscaler keeps at least 3.
    text = deployment("web", "{app: web}") + hpa("web", 3) + pdb("minAvailable: 2\n" + SELECT_WEB)
    assert lint(tmp_path, text, ["KL310"]) == []


def test_hpa_min_replicas_defaults_to_one(tmp_path):
    text = deployment("web", "{app: web}", 4) + hpa("web", None) + pdb("minAvailable: 1\n" + SELECT_WEB)
    (f,) = lint(tmp_path, text, ["KL310"])
    assert "(minReplicas is unset)" in f.message


def test_an_hpa_of_another_namespace_or_workload_does_not_count(tmp_path):
    text = (
        deployment("web", "{app: web}", 3) + hpa("web", 1, namespace="other") + hpa("api", 1)
        + pdb("minAvailable: 2\n" + SELECT_WEB)
    )
    assert lint(tmp_path, text, ["KL310"]) == []


def test_keda_scaled_object(tmp_path):
    def scaled(minimum: str) -> str:
        return (
            "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: web\nspec:\n"
            f"  scaleTargetRef: {{name: web}}\n{minimum}  maxReplicaCount: 5\n---\n"
        )
    base = deployment("web", "{app: web}", 3)
    (f,) = lint(tmp_path, base + scaled("  minReplicaCount: 2\n") + pdb("minAvailable: 2\n" + SELECT_WEB), ["KL310"])
    assert "ScaledObject default/web may scale Deployment default/web down to 2 (minReplicaCount)" in f.message
    # minReplicaCount defaults to 0: scaled to zero there is nothing to evict, so the count is unknown.
    assert lint(tmp_path, base + scaled("") + pdb("minAvailable: 2\n" + SELECT_WEB), ["KL310"]) == []


@pytest.mark.parametrize("kind", ["DaemonSet", "Job"])
def test_workloads_without_a_fixed_count_are_not_compared(tmp_path, kind):
    text = deployment("agent", "{app: web}", kind=kind)
    assert lint(tmp_path, text + pdb("minAvailable: 1\n" + SELECT_WEB), ["KL310"]) == []


def test_workloads_of_other_namespaces_are_not_counted(tmp_path):
    text = deployment("web", "{app: web}", 1, namespace="other") + pdb("minAvailable: 1\n" + SELECT_WEB)
    assert lint(tmp_path, text, ["KL310"]) == []


def test_a_workload_is_matched_by_its_selector_when_its_template_has_no_labels(tmp_path):
    # kube-linter's pdb-min-available test Deployment has a selector and no template.
    text = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n"
        "  selector:\n    matchLabels: {app: web}\n---\n" + pdb("minAvailable: 1\n" + SELECT_WEB)
    )
    assert lines(lint(tmp_path, text, ["KL310"])) == [("KL310", 16)]


def test_match_expressions_select_workloads(tmp_path):
    selector = "selector:\n  matchExpressions:\n    - {key: app, operator: In, values: [web]}\n"
    text = deployment("web", "{app: web}", 2) + pdb("minAvailable: 2\n" + selector)
    assert len(lint(tmp_path, text, ["KL310"])) == 1


def test_the_workloads_may_come_from_the_context(tmp_path):
    budget = pdb("minAvailable: 2\n" + SELECT_WEB)
    assert lint(tmp_path, budget, ["KL310"]) == []  # alone: nothing to compare with
    (f,) = lint(tmp_path, budget, ["KL310"], context=deployment("web", "{app: web}", 2))
    assert f.file.endswith("m.yaml")
    # The context is never reported on.
    assert lint(tmp_path, deployment("api", "{app: api}", 1), ["KL310"], context=budget) == []


def test_an_unreadable_document_beside_it_skips_the_comparison_only(tmp_path):
    text = deployment("web", "{app: web}", 2) + pdb("minAvailable: 2\n" + SELECT_WEB)
    broken = {"broken.yaml": "kind: Deployment\nmetadata: {name: [\n"}
    assert lint(tmp_path, text, ["KL310"], extra=broken) == []
    text += pdb("maxUnavailable: 0\n" + SELECT_WEB, name="strict")
    assert [f.message.split(" sets ")[0] for f in lint(tmp_path, text, ["KL310"], extra=broken)] == [
        "PodDisruptionBudget default/strict"
    ]


def kustomize(tmp_path: Path, patch: str, codes: list[str]):
    """A kustomization with one patch file; findings of the whole folder."""
    (tmp_path / "kustomization.yaml").write_text("resources: [base.yaml]\npatches:\n  - path: patch.yaml\n")
    (tmp_path / "base.yaml").write_text(deployment("web", "{app: web}", 2))
    (tmp_path / "patch.yaml").write_text(textwrap.dedent(patch))
    result = run_check(CheckOptions(paths=[str(tmp_path)], select=codes, use_config=False))
    return [f for f in result.findings if f.rule in codes]


def test_kustomize_patches_are_not_reported(tmp_path):
    patch = pdb("maxUnavailable: 0\nminAvailable: 2\n" + SELECT_WEB)
    patch += (
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: web\nspec:\n"
        "  ingress:\n    - from:\n        - podSelector:\n            matchLabels: {app: nothing}\n---\n"
        "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: web\nspec:\n"
        "  selector:\n    matchLabels: {app: nothing}\n"
    )
    assert kustomize(tmp_path, patch, CODES) == []


# -- KL311: NetworkPolicy peers ----------------------------------------------------------------
def policy(rules: str, namespace: str = "default") -> str:
    return (
        f"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: db\n  namespace: {namespace}\n"
        "spec:\n  podSelector:\n    matchLabels: {app: db}\n" + textwrap.indent(textwrap.dedent(rules), "  ")
        + "---\n"
    )


PODS = deployment("db", "{app: db}") + deployment("api", "{app: api, tier: backend}")


def test_ingress_peer_with_a_typo_gets_a_did_you_mean_at_the_value(tmp_path):
    text = PODS + policy("ingress:\n  - from:\n      - podSelector:\n          matchLabels: {app: api, tier: bakend}\n")
    (f,) = lint(tmp_path, text, ["KL311"])
    assert f.message == (
        "NetworkPolicy default/db allows ingress from pods {app: api, tier: bakend}, but no pod template in "
        "namespace default has those labels, so this peer matches nothing"
    )
    assert f.help == "did you mean {app: api, tier: backend} (Deployment default/api)?"
    assert f.path.endswith("ingress[0].from[0].podSelector.matchLabels.tier")
    assert f.severity is Severity.WARNING


def test_egress_peer(tmp_path):
    text = PODS + policy("egress:\n  - to:\n      - podSelector:\n          matchLabels: {app: cache}\n")
    (f,) = lint(tmp_path, text, ["KL311"])
    assert "allows egress to pods {app: cache}" in f.message


@pytest.mark.parametrize("peer", [
    "- podSelector:\n    matchLabels: {app: api}\n",
    "- podSelector: {}\n",
    "- namespaceSelector: {}\n  podSelector:\n    matchLabels: {app: nothing}\n",
    "- namespaceSelector:\n    matchLabels: {team: x}\n  podSelector:\n    matchLabels: {app: nothing}\n",
    "- ipBlock: {cidr: 10.0.0.0/8}\n",
    "- podSelector:\n    matchExpressions:\n      - {key: app, operator: NotIn, values: [x]}\n",
])
def test_quiet_peers(tmp_path, peer):
    text = PODS + policy("ingress:\n  - from:\n" + textwrap.indent(peer, "      "))
    assert lint(tmp_path, text, ["KL311"]) == []


def test_pods_of_another_namespace_suggest_a_namespace_selector(tmp_path):
    text = PODS + deployment("prometheus", "{app: prometheus}", namespace="monitoring") + policy(
        "ingress:\n  - from:\n      - podSelector:\n          matchLabels: {app: prometheus}\n"
    )
    (f,) = lint(tmp_path, text, ["KL311"])
    assert "namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}" in f.help
    assert f.path.endswith("from[0].podSelector")


def test_peer_pods_from_the_context_and_complete(tmp_path):
    text = policy("ingress:\n  - from:\n      - podSelector:\n          matchLabels: {app: api}\n")
    (f,) = lint(tmp_path, text, ["KL311"])
    assert "--context" in f.help
    assert lint(tmp_path, text, ["KL311"], context=PODS) == []
    (f,) = lint(tmp_path, text, ["KL311"], complete=True)
    assert "--context" not in f.help and f.severity is Severity.WARNING


def test_peer_quiet_when_a_document_beside_it_is_unreadable(tmp_path):
    text = policy("ingress:\n  - from:\n      - podSelector:\n          matchLabels: {app: api}\n")
    assert lint(tmp_path, text, ["KL311"], extra={"broken.yaml": "a: [\n"}) == []


# -- KL312: ServiceMonitor and PodMonitor --------------------------------------------------------
def service(name: str, labels: str, namespace: str = "default", ports: str = "[{name: metrics, port: 9090}]",
            selector: str = "{app: x}") -> str:
    return (
        f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: {namespace}\n  labels: {labels}\n"
        f"spec:\n  selector: {selector}\n  ports: {ports}\n---\n"
    )


def monitor(spec: str, namespace: str = "default", kind: str = "ServiceMonitor",
            api_version: str = "monitoring.coreos.com/v1") -> str:
    return (
        f"apiVersion: {api_version}\nkind: {kind}\nmetadata:\n  name: mon\n  namespace: {namespace}\nspec:\n"
        + textwrap.indent(textwrap.dedent(spec), "  ") + "---\n"
    )


ENDPOINTS = "endpoints:\n  - port: metrics\n"


def test_service_monitor_looks_in_its_own_namespace_by_default(tmp_path):
    text = service("web", "{app: web}", namespace="shop") + monitor("selector:\n  matchLabels: {app: web}\n" + ENDPOINTS)
    (f,) = lint(tmp_path, text, ["KL312"])
    assert "in namespace default, but none there has those labels" in f.message
    assert f.help.endswith("add namespaceSelector: {matchNames: [shop]}")
    assert lint(tmp_path, text.replace("namespace: default", "namespace: shop"), ["KL312"]) == []


@pytest.mark.parametrize("namespace_selector, fires", [
    ("namespaceSelector: {matchNames: [shop]}\n", False),
    ("namespaceSelector: {matchNames: [other, shop]}\n", False),
    ("namespaceSelector: {matchNames: [other]}\n", True),
    ("namespaceSelector: {any: true}\n", False),
    ("namespaceSelector: {any: false}\n", True),
])
def test_namespace_selector(tmp_path, namespace_selector, fires):
    text = service("web", "{app: web}", namespace="shop") + monitor(
        namespace_selector + "selector:\n  matchLabels: {app: web}\n" + ENDPOINTS
    )
    assert bool(lint(tmp_path, text, ["KL312"])) is fires


def test_an_empty_or_absent_selector_selects_every_service_there(tmp_path):
    text = service("web", "{app: web}", namespace="shop")
    for selector in ("", "selector: {}\n"):
        assert lint(tmp_path, text + monitor("namespaceSelector: {matchNames: [shop]}\n" + selector), ["KL312"]) == []
        (f,) = lint(tmp_path, text + monitor("namespaceSelector: {matchNames: [test2]}\n" + selector), ["KL312"])
        assert f.message.endswith("selects all Services of namespace test2, but namespace test2 has none")
        assert (f.span.line, f.span.column) == (17, 36)  # at test2


def test_selector_typo_points_at_the_value(tmp_path):
    text = service("web", "{app: web}") + monitor("selector:\n  matchLabels:\n    app: wep\n" + ENDPOINTS)
    (f,) = lint(tmp_path, text, ["KL312"])
    assert f.help == "did you mean {app: web} (Service default/web)?"
    assert f.path.endswith("spec.selector.matchLabels.app") and f.span.column == 12  # at wep


def test_service_with_the_labels_only_in_its_selector(tmp_path):
    # The real corpus' vLLM example: the Service selects app: gemma-server but has no labels itself.
    text = service("vllm", "{}", selector="{app: gemma-server}") + monitor(
        "selector:\n  matchLabels: {app: gemma-server}\n" + ENDPOINTS
    )
    (f,) = lint(tmp_path, text, ["KL312"])
    assert f.help.startswith("Service default/vllm selects pods with those labels but does not carry them itself")


def test_endpoint_port_names_a_service_port(tmp_path):
    text = service("web", "{app: web}", ports="[{name: http, port: 80}, {name: metrics, port: 9090}]")
    sel = "selector:\n  matchLabels: {app: web}\n"
    assert lint(tmp_path, text + monitor(sel + ENDPOINTS), ["KL312"]) == []
    (f,) = lint(tmp_path, text + monitor(sel + "endpoints:\n  - port: http\n  - port: metric\n"), ["KL312"])
    assert f.path.endswith("spec.endpoints[1].port") and f.help == 'did you mean "metrics"?'
    assert "(they name theirs http, metrics)" in f.message
    (f,) = lint(tmp_path, service("web", "{app: web}", ports="[{port: 80}]") + monitor(sel + ENDPOINTS), ["KL312"])
    assert "they declare no named Service port" in f.message and "name: metrics" in f.help


def test_the_api_server_service_always_exists(tmp_path):
    text = monitor(
        "namespaceSelector: {matchNames: [default]}\nselector:\n  matchLabels: {component: apiserver, "
        "provider: kubernetes}\nendpoints:\n  - port: https\n", namespace="monitoring",
    )
    assert lint(tmp_path, text, ["KL312"]) == []


def test_pod_monitor(tmp_path):
    ports = "          ports:\n            - {name: metrics, containerPort: 9100}\n"
    pods = deployment("worker", "{app: worker}", ports=ports)
    good = monitor("selector:\n  matchLabels: {app: worker}\npodMetricsEndpoints:\n  - port: metrics\n", kind="PodMonitor")
    assert lint(tmp_path, pods + good, ["KL312"]) == []
    (f,) = lint(tmp_path, pods + good.replace("port: metrics", "port: metric"), ["KL312"])
    assert "PodMonitor default/mon scrapes port \"metric\"" in f.message and f.help == 'did you mean "metrics"?'
    (f,) = lint(tmp_path, pods + good.replace("{app: worker}", "{app: wroker}"), ["KL312"])
    assert f.help == "did you mean {app: worker} (Deployment default/worker)?"


def test_only_prometheus_operator_monitors_are_checked(tmp_path):
    sel = "selector:\n  matchLabels: {app: nothing}\n"
    assert lint(tmp_path, monitor(sel, api_version="example.com/v1"), ["KL312"]) == []
    # Azure's managed Prometheus has its own group, with the same meaning.
    assert len(lint(tmp_path, monitor(sel, api_version="azmonitoring.coreos.com/v1"), ["KL312"])) == 1


def test_monitor_context_complete_and_unreadable_folders(tmp_path):
    text = monitor("selector:\n  matchLabels: {app: web}\n" + ENDPOINTS)
    (f,) = lint(tmp_path, text, ["KL312"])
    assert "--context" in f.help
    (f,) = lint(tmp_path, text, ["KL312"], complete=True)
    assert "--context" not in f.help
    assert lint(tmp_path, text, ["KL312"], context=service("web", "{app: web}")) == []
    assert lint(tmp_path, text, ["KL312"], extra={"broken.yaml": "a: [\n"}) == []


# -- kube-linter's test manifests ---------------------------------------------------------------
KUBE_LINTER = CORPUS / "peers" / "kube-linter" / "tests" / "checks"
# file → (rule, object name, fires) for every EXPECTED.tsv row of pdb-max-unavailable,
# pdb-min-available, dangling-networkpolicypeer-podselector and dangling-servicemonitor.
PEER_ROWS = {
    "pdb-max-unavailable.yaml": ("KL310", {"baz": False, "foo": True}),
    "pdb-min-available.yaml": ("KL310", {"baz": True, "baz2": True, "baz3": True}),
    "dangling-networkpolicypeer-podselector.yml": ("KL311", {"app": True}),
    # dont-fire: the 1st document is a deliberate difference. That ServiceMonitor has no
    # namespaceSelector, so the Prometheus operator looks in its own namespace (default), and
    # Service dont-fire is in namespace dontfire; kube-linter matches Services of every
    # namespace. The 3rd document (matchNames: [dontfire]) stays quiet.
    "dangling-servicemonitor.yml": ("KL312", {"dont-fire": True, "dont-fire2": False, "app1": True, "app2": True}),
}


@needs_shared
@pytest.mark.parametrize("file", sorted(PEER_ROWS))
def test_kube_linter_rows(file):
    code, expected = PEER_ROWS[file]
    result = run_check(CheckOptions(paths=[str(KUBE_LINTER / file)], select=[code], use_config=False))
    fired = {f.object.name for f in result.findings if f.rule == code}
    assert {name for name, fires in expected.items() if fires} == fired


@needs_shared
def test_servicemonitor_rows_by_document():
    result = run_check(CheckOptions(paths=[str(KUBE_LINTER / "dangling-servicemonitor.yml")], select=["KL312"],
                                    use_config=False))
    # Documents 2 (dont-fire) 6, 8, 10 and 12 of the file; 3, 4 (dont-fire2 and dont-fire with
    # matchNames) stay quiet.
    assert [f.span.line for f in result.findings if f.rule == "KL312"] == [15, 53, 69, 84, 102]


# -- real manifests -----------------------------------------------------------------------------
# (file below corpus/real, line, rule): why it is right to report it.
INSPECTED = {
    ("kubernetes-examples/_archived/cockroachdb/cockroachdb-statefulset.yaml", 67, "KL310"):
        "minAvailable: 67% of the StatefulSet's 3 replicas rounds up to 3 (the disruption controller "
        "rounds minAvailable percentages up), so disruptionsAllowed is always 0 and a drain hangs",
    ("kubernetes-examples/AI/vllm-deployment/hpa/vllm-service-monitor.yaml", 27, "KL312"):
        "Service vllm-service has app: gemma-server only in spec.selector, not in metadata.labels, "
        "and is in no namespace (default) while the ServiceMonitor looks in vllm-example: nothing is "
        "scraped (its port is unnamed too, so endpoint port http would not match either)",
}


@needs_shared
def test_real_corpus_findings_are_all_inspected():
    real = CORPUS / "real"
    result = run_check(CheckOptions(paths=[str(real)], select=CODES, use_config=False))
    prefix = str(real) + "/"
    found = {(f.file[len(prefix):], f.span.line, f.rule) for f in result.findings if f.rule in CODES}
    assert found == set(INSPECTED)


@needs_shared
def test_nothing_on_the_seed():
    result = run_check(CheckOptions(paths=[str(SHARED / "seed")], select=CODES, use_config=False))
    assert [f for f in result.findings if f.rule in CODES] == []
