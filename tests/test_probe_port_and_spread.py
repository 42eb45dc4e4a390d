"""KL309 probe-port-not-declared and KL628 invalid-topology-spread: what the fixture snapshots
cannot show. Named against numbered ports, containers without ports, sidecars, kustomize
patches, no double report with KL623 (probe ports) and KL012 (enum values), every check of
validateTopologySpreadConstraints and the Kubernetes versions they start in, agreement with
kube-linter's liveness-port, readiness-port and startup-port test files, and the real corpus."""
from __future__ import annotations

import csv
import textwrap

import pytest

from k8slint.run import CheckOptions, run_check
from k8slint.workloads import get_path
from tests.conftest import CORPUS, SHARED, needs_shared, run_json

CODES = ["KL309", "KL628"]


def findings(yaml_text: str, *args: str) -> list[dict]:
    """The JSON findings, each with the text under its caret as "token"."""
    text = textwrap.dedent(yaml_text)
    _, report = run_json("-", "--stdin-filename", "m.yaml", *args, stdin=text.encode())
    lines = text.splitlines()
    for f in report["findings"]:
        line = lines[f["line"] - 1] if 0 < f["line"] <= len(lines) else ""
        end = f["end_column"] if f["end_line"] == f["line"] else len(line) + 1
        f["token"] = line[f["column"] - 1:end - 1]
    return report["findings"]


def rules(found: list[dict], *codes: str) -> list[tuple]:
    """(rule, line, the text under the caret, severity) of each finding (of ``codes``)."""
    return [(f["rule"], f["line"], f["token"], f["severity"]) for f in found if not codes or f["rule"] in codes]


def pod(spec: str, labels: str = "{app: web}") -> str:
    return (
        f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels: {labels}\nspec:\n"
        + textwrap.indent(textwrap.dedent(spec), "  ")
    )


# -- KL309: named ports ------------------------------------------------------------------------
def test_a_named_port_the_container_does_not_declare_is_an_error_with_a_did_you_mean():
    found = findings(pod("""\
        containers:
          - name: web
            image: nginx:1.27
            ports: [{name: http, containerPort: 8080}]
            livenessProbe:
              httpGet: {path: /healthz, port: htp}
        """))
    assert rules(found) == [("KL309", 12, "htp", "error")]
    assert found[0]["message"].startswith('livenessProbe of container "web": httpGet port "htp" is not one of')
    assert found[0]["help"] == "did you mean port: http? (http is containerPort 8080)"
    assert (found[0]["end_column"] - found[0]["column"]) == len("htp")


def test_a_named_port_of_a_container_without_ports_is_an_error():
    found = findings(pod("""\
        containers:
          - name: web
            image: nginx:1.27
            readinessProbe:
              tcpSocket: {port: http}
        """))
    assert rules(found) == [("KL309", 11, "http", "error")]
    assert "declares no ports" in found[0]["message"]


def test_a_named_port_of_another_container_says_where_it_is():
    found = findings(pod("""\
        containers:
          - name: web
            image: nginx:1.27
            ports: [{name: http, containerPort: 8080}]
            startupProbe:
              httpGet: {path: /, port: admin}
          - name: proxy
            image: envoyproxy/envoy:v1.31.0
            ports: [{name: admin, containerPort: 9901}]
        """))
    assert rules(found) == [("KL309", 12, "admin", "error")]
    assert found[0]["help"].startswith('"admin" is declared by container "proxy"')
    assert "(9901)" in found[0]["help"]


def test_a_named_port_declared_for_udp_is_a_warning():
    found = findings(pod("""\
        containers:
          - name: dns
            image: coredns/coredns:1.11.3
            ports: [{name: dns, containerPort: 53, protocol: UDP}]
            livenessProbe:
              tcpSocket: {port: dns}
        """))
    assert rules(found) == [("KL309", 12, "dns", "warning")]
    assert "protocol UDP" in found[0]["message"]


# -- KL309: numbered ports ---------------------------------------------------------------------
def test_a_number_not_among_the_declared_ports_is_a_warning():
    found = findings(pod("""\
        containers:
          - name: web
            image: nginx:1.27
            ports: [{name: http, containerPort: 8080}]
            readinessProbe:
              httpGet: {path: /ready, port: 8081}
        """))
    assert rules(found) == [("KL309", 12, "8081", "warning")]
    assert found[0]["help"] == (
        'did you mean port: http? Otherwise add containerPort: 8081 to the ports of container "web"'
    )


def test_a_number_is_not_reported_when_the_container_declares_no_ports():
    found = findings(pod("""\
        containers:
          - name: web
            image: nginx:1.27
            livenessProbe:
              httpGet: {path: /healthz, port: 8080}
            readinessProbe:
              grpc: {port: 50051}
        """))
    assert rules(found, "KL309") == []


def test_a_number_with_an_explicit_host_is_not_compared():
    found = findings(pod("""\
        containers:
          - name: web
            image: nginx:1.27
            ports: [{name: http, containerPort: 8080}]
            livenessProbe:
              httpGet: {path: /healthz, port: 80, host: 10.0.0.1}
        """))
    assert rules(found, "KL309") == []


def test_a_number_declared_for_tcp_and_udp_is_fine_and_udp_only_is_a_warning():
    spec = """\
        containers:
          - name: dns
            image: coredns/coredns:1.11.3
            ports:
              - {name: dns, containerPort: 53, protocol: UDP}
              %s
            livenessProbe:
              tcpSocket: {port: 53}
        """
    assert rules(findings(pod(spec % "- {name: dns-tcp, containerPort: 53}")), "KL309") == []
    assert rules(findings(pod(spec % "- {name: metrics, containerPort: 9153}")), "KL309") == [
        ("KL309", 14, "53", "warning"),
    ]


def test_a_grpc_port_suggests_a_number_never_a_name():
    found = findings(pod("""\
        containers:
          - name: echo
            image: registry.example.com/echo:1.0.0
            ports: [{name: grpc, containerPort: 50051}]
            readinessProbe:
              grpc: {port: 50052}
        """))
    assert rules(found) == [("KL309", 12, "50052", "warning")]
    assert found[0]["help"].startswith("did you mean port: 50051?")


# -- KL309: which containers, hooks, workloads -------------------------------------------------
def test_sidecars_are_checked_and_plain_init_containers_are_left_to_kl627():
    found = findings(pod("""\
        initContainers:
          - name: shipper
            image: fluent/fluent-bit:3.1.0
            restartPolicy: Always
            startupProbe:
              tcpSocket: {port: forward}
          - name: migrate
            image: registry.example.com/migrate:1.0.0
            livenessProbe:
              tcpSocket: {port: forward}
        containers:
          - name: web
            image: nginx:1.27
        """))
    assert rules(found, "KL309") == [("KL309", 12, "forward", "error")]
    assert rules(found, "KL627") == [("KL627", 15, "livenessProbe", "error")]


def test_lifecycle_hooks_are_checked():
    found = findings(pod("""\
        containers:
          - name: web
            image: nginx:1.27
            ports: [{name: http, containerPort: 8080}]
            lifecycle:
              preStop:
                httpGet: {path: /drain, port: admin}
              postStart:
                httpGet: {path: /warm, port: 9000}
        """))
    assert rules(found, "KL309") == [("KL309", 13, "admin", "error"), ("KL309", 15, "9000", "warning")]
    assert found[0]["message"].endswith("the hook always fails")


@pytest.mark.parametrize("kind, header, indent", [
    ("Deployment", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector:\n"
     "    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n", 6),
    ("CronJob", "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: web}\nspec:\n  schedule: '@daily'\n"
     "  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n", 10),
    ("PodTemplate", "apiVersion: v1\nkind: PodTemplate\nmetadata: {name: web}\ntemplate:\n  spec:\n", 4),
])
def test_every_pod_template_is_checked(kind, header, indent):
    spec = (
        "containers:\n  - name: web\n    image: nginx:1.27\n    ports: [{name: http, containerPort: 8080}]\n"
        "    livenessProbe:\n      httpGet: {path: /, port: htpp}\n"
    )
    found = findings(header + textwrap.indent(spec, " " * indent))
    assert [(f["rule"], f["severity"]) for f in found if f["rule"] == "KL309"] == [("KL309", "error")], kind


def test_kustomize_patches_are_not_checked(tmp_path):
    (tmp_path / "kustomization.yaml").write_text("resources: [base.yaml]\npatches:\n  - path: patch.yaml\n")
    (tmp_path / "base.yaml").write_text(textwrap.dedent("""\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
                - name: web
                  image: nginx:1.27
                  ports: [{name: http, containerPort: 8080}, {name: admin, containerPort: 9901}]
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
                  ports: [{name: http, containerPort: 8080}]
                  livenessProbe:
                    httpGet: {path: /healthz, port: admin}
                  readinessProbe:
                    httpGet: {path: /ready, port: 9901}
              topologySpreadConstraints:
                - topologyKey: kubernetes.io/hostname
                  whenUnsatisfiable: DoNotSchedule
                  matchLabelKeys: [pod-template-hash]
                - topologyKey: kubernetes.io/hostname
                  whenUnsatisfiable: DoNotSchedule
                  maxSkew: 0
        """))
    result = run_check(CheckOptions(paths=[str(tmp_path)], select=CODES, use_config=False))
    # Only what the patch itself gets wrong: maxSkew 0. Not the ports (the base declares them),
    # the labelSelector (in the base) or the repeated pair (a patch's items are merged by key).
    assert [(f.rule, f.span.line) for f in result.findings] == [("KL628", 20)]


# -- KL309: no double report with KL623 --------------------------------------------------------
@pytest.mark.parametrize("port", ["70000", '"8080"', "Http_Port", "0"])
def test_ports_kl623_reports_are_left_to_it(port):
    found = findings(pod(f"""\
        containers:
          - name: web
            image: nginx:1.27
            ports: [{{name: http, containerPort: 8080}}]
            livenessProbe:
              httpGet: {{path: /healthz, port: {port}}}
        """))
    assert [f["rule"] for f in found] == ["KL623"]


def test_grpc_ports_out_of_range_are_left_to_kl623():
    found = findings(pod("""\
        containers:
          - name: web
            image: nginx:1.27
            ports: [{name: grpc, containerPort: 50051}]
            readinessProbe:
              grpc: {port: 70000}
        """))
    assert [f["rule"] for f in found] == ["KL623"]


# -- KL628: each check of validateTopologySpreadConstraints ------------------------------------
def spread(constraints: str, *args: str, labels: str = "{app: web}") -> list[dict]:
    text = pod(
        "topologySpreadConstraints:\n" + textwrap.indent(textwrap.dedent(constraints), "  ")
        + "containers:\n  - name: web\n    image: nginx:1.27\n", labels,
    )
    return findings(text, *args)


SELECTOR = "labelSelector: {matchLabels: {app: web}}"


def test_max_skew_must_be_positive():
    found = spread(f"""\
        - {{maxSkew: 0, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, {SELECTOR}}}
        - {{maxSkew: -1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, {SELECTOR}}}
        """)
    assert rules(found) == [("KL628", 8, "0", "error"), ("KL628", 9, "-1", "error")]
    assert found[1]["message"] == "topologySpreadConstraints[1] has maxSkew: -1, but it must be greater than 0"


def test_topology_key_must_not_be_empty_and_should_be_a_label_key():
    found = spread(f"""\
        - maxSkew: 1
          topologyKey: ""
          whenUnsatisfiable: DoNotSchedule
          {SELECTOR}
        - maxSkew: 1
          topologyKey: "rack name"
          whenUnsatisfiable: DoNotSchedule
          {SELECTOR}
        - maxSkew: 1
          topologyKey: kubernetes.io/host name
          whenUnsatisfiable: ScheduleAnyway
          {SELECTOR}
        """)
    assert rules(found) == [
        ("KL628", 9, '""', "error"), ("KL628", 13, '"rack name"', "warning"),
        ("KL628", 17, "kubernetes.io/host name", "warning"),
    ]
    assert found[0]["message"] == "topologySpreadConstraints[0] has an empty topologyKey, which the API server rejects"
    assert found[1]["message"].endswith("its pods are never scheduled (DoNotSchedule)")
    assert found[2]["message"].endswith("the constraint spreads nothing (ScheduleAnyway)")
    assert found[2]["help"] == "did you mean topologyKey: kubernetes.io/hostname?"


def test_a_missing_topology_key_or_max_skew_is_left_to_the_schema():
    found = spread(f"""\
        - whenUnsatisfiable: DoNotSchedule
          {SELECTOR}
        """)
    assert {f["rule"] for f in found} == {"KL013"}


def test_an_invalid_when_unsatisfiable_is_reported_once_instead_of_kl012():
    found = spread(f"""\
        - {{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedul, {SELECTOR}}}
        """)
    assert rules(found) == [("KL628", 8, "DoNotSchedul", "error")]
    assert found[0]["help"] == 'did you mean "DoNotSchedule"?'
    # The schema finding is still there when KL628 does not run.
    assert [f["rule"] for f in spread(f"""\
        - {{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedul, {SELECTOR}}}
        """, "--ignore", "KL628")] == ["KL012"]


def test_node_inclusion_policies_are_honor_or_ignore_reported_once():
    found = spread(f"""\
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: DoNotSchedule
          nodeAffinityPolicy: honor
          nodeTaintsPolicy: Always
          {SELECTOR}
        """)
    assert rules(found) == [("KL628", 11, "honor", "error"), ("KL628", 12, "Always", "error")]
    assert [f["help"] for f in found] == ['did you mean "Honor"?', "use Honor or Ignore"]


def test_min_domains_must_be_positive_and_needs_do_not_schedule():
    found = spread(f"""\
        - {{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, minDomains: 0, {SELECTOR}}}
        - {{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, minDomains: 3, {SELECTOR}}}
        - {{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, minDomains: 3, {SELECTOR}}}
        """)
    assert rules(found) == [("KL628", 8, "0", "error"), ("KL628", 9, "minDomains", "error")]
    assert found[1]["message"].startswith(
        "topologySpreadConstraints[1] sets minDomains, but whenUnsatisfiable is ScheduleAnyway"
    )


def test_a_repeated_pair_is_reported_at_the_later_constraint_naming_the_earlier_one():
    found = spread(f"""\
        - {{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, {SELECTOR}}}
        - {{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, {SELECTOR}}}
        - {{maxSkew: 2, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, {SELECTOR}}}
        """)
    assert rules(found) == [("KL628", 10, "kubernetes.io/hostname", "error")]
    assert "as topologySpreadConstraints[0]" in found[0]["message"]
    assert found[0]["message"].startswith("topologySpreadConstraints[2] has the same topologyKey")


def test_match_label_keys_need_a_selector_valid_keys_and_no_overlap():
    found = spread("""\
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: DoNotSchedule
          matchLabelKeys: [pod-template-hash]
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: DoNotSchedule
          labelSelector:
            matchLabels: {app: web}
            matchExpressions: [{key: tier, operator: In, values: [front]}]
          matchLabelKeys: [app, tier, "pod template hash", pod-template-hash]
        """)
    assert rules(found) == [
        ("KL628", 11, "matchLabelKeys", "error"), ("KL628", 18, "app", "error"), ("KL628", 18, "tier", "error"),
        ("KL628", 18, '"pod template hash"', "error"),
    ]
    assert found[0]["message"] == (
        "topologySpreadConstraints[0] sets matchLabelKeys without a labelSelector, which the API server rejects"
    )
    assert found[0]["help"].startswith("add a labelSelector that selects the pods to spread (e.g. labelSelector: "
                                       "{matchLabels: {app: web}})")
    assert "labelSelector.matchLabels" in found[1]["message"]
    assert "labelSelector.matchExpressions" in found[2]["message"]
    assert found[3]["help"] == "did you mean pod-template-hash?"


def test_a_constraint_without_label_selector_is_a_warning():
    found = spread("""\
        - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule}
        """)
    # The nearest thing that exists: the whole item (a flow mapping here; its first key in block style).
    assert rules(found) == [
        ("KL628", 8, "{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule}", "warning"),
    ]
    assert found[0]["help"].endswith("(e.g. labelSelector: {matchLabels: {app: web}})")


def test_wrong_types_are_left_to_the_schema():
    found = spread("""\
        - {maxSkew: one, topologyKey: 7, whenUnsatisfiable: [DoNotSchedule], minDomains: x, labelSelector: {}}
        - not a mapping
        """)
    assert {f["rule"] for f in found} <= {"KL011", "KL012", "KL013"}


# -- KL628: Kubernetes versions ----------------------------------------------------------------
VERSIONED = f"""\
    - maxSkew: 0
      topologyKey: kubernetes.io/hostname
      whenUnsatisfiable: ScheduleAnyway
      minDomains: 2
      nodeTaintsPolicy: honor
      {SELECTOR}
      matchLabelKeys: [app]
    """


@pytest.mark.parametrize("version, lines", [
    ("1.17", []),  # EvenPodsSpread alpha: the field is dropped
    ("1.18", [8]),
    ("1.25", [8]),  # minDomains (off by default), node policies and matchLabelKeys (alpha) are dropped
    ("1.26", [8, 12]),  # NodeInclusionPolicyInPodTopologySpread beta
    ("1.27", [8, 11, 12, 14]),  # MinDomainsInPodTopologySpread on by default, MatchLabelKeysInPodTopologySpread beta
    ("1.37", [8, 11, 12, 14]),
])
def test_each_check_starts_with_the_version_that_enables_its_field(version, lines):
    found = spread(VERSIONED, "-k", version)
    assert [f["line"] for f in found if f["rule"] == "KL628"] == lines


# -- the peers and the corpus ------------------------------------------------------------------
KUBE_LINTER = CORPUS / "peers" / "kube-linter"
PORT_CHECKS = ("liveness-port", "readiness-port", "startup-port")


def _kube_linter_rows() -> list[tuple[str, str, bool, str]]:
    with (KUBE_LINTER / "EXPECTED.tsv").open(encoding="utf-8", newline="") as handle:
        return [
            (r["file"], r["check"], r["expected_fire"] == "yes", r["object"])
            for r in csv.DictReader(handle, delimiter="\t") if r["check"] in PORT_CHECKS
        ]


@needs_shared
def test_kl309_agrees_with_every_kube_linter_probe_port_row():
    rows = _kube_linter_rows()
    assert len(rows) == 18
    for file, check, fires, target in rows:
        kind, _, rest = target.partition(" (container ")
        container = rest.split(" ")[0].rstrip(")")
        result = run_check(CheckOptions(paths=[str(KUBE_LINTER / file)], select=["KL309"], use_config=False))
        probe = check.replace("-port", "Probe")
        hits = []
        for f in result.findings:
            path = tuple(int(p) if p.isdigit() else p for p in f.path.replace("[", ".").replace("]", "").split("."))
            owner = get_path(f.source.data, path[: path.index("containers") + 2])
            if f.object.kind == kind and owner.get("name") == container and probe in path:
                hits.append(f)
        assert bool(hits) == fires, (file, check, target, [f.message for f in hits])


@needs_shared
def test_no_finding_on_the_real_corpus_or_the_seed():
    result = run_check(CheckOptions(paths=[str(CORPUS / "real"), str(SHARED / "seed")], select=CODES, use_config=False))
    assert [(f.file, f.span.line, f.rule) for f in result.findings] == []
