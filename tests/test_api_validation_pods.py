"""API-server validation of pods, ports, Services and workloads (KL620-KL627): what the fixture
snapshots cannot show. Folds into the schema's findings with every rule on, behaviour that
depends on the Kubernetes version or on the time-zone database, the cron parser against
robfig/cron's rules, kustomize patches, objects with wrong types, and the real corpus."""
from __future__ import annotations

import textwrap

import pytest

from k8slint.checks.invalid_cron_schedule import CronError, _zones, parse_standard
from k8slint.ports import int_or_name_problem, suggest_port_name
from k8slint.run import CheckOptions, run_check
from tests.conftest import CORPUS, needs_shared, run_json

CODES = ["KL620", "KL621", "KL622", "KL623", "KL624", "KL625", "KL626", "KL627"]


def findings(yaml_text: str, *args: str) -> list[dict]:
    _, report = run_json("-", "--stdin-filename", "m.yaml", *args, stdin=textwrap.dedent(yaml_text).encode())
    return report["findings"]


def rules(found: list[dict]) -> list[tuple]:
    return [(f["rule"], f["line"], f["severity"]) for f in found]


def deployment(pod_spec: str, spec_extra: str = "", selector: bool = True) -> str:
    selector_text = "  selector:\n    matchLabels: {app: web}\n" if selector else ""
    return (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n" + selector_text + spec_extra
        + "  template:\n    metadata:\n      labels: {app: web}\n    spec:\n"
        + textwrap.indent(textwrap.dedent(pod_spec), "      ")
    )


CONTAINER = "containers:\n  - name: web\n    image: nginx:1.27\n"


def cronjob(schedule: str, zone: str = "") -> str:
    zone_line = f"  timeZone: {zone}\n" if zone else ""
    return (
        f'apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n  schedule: "{schedule}"\n{zone_line}'
        "  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n"
        "          containers:\n            - name: c\n              image: busybox:1.36\n"
    )


# -- one finding where the schema has one too ---------------------------------------------------
def test_missing_selector_replaces_the_schema_finding():
    found = findings(deployment(CONTAINER, selector=False))
    assert rules(found) == [("KL626", 5, "error")]
    assert found[0]["help"] == "add selector.matchLabels: {app: web} (the labels of its pod template)"


def test_a_fragment_without_template_keeps_the_schema_findings_only():
    found = findings("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 3\n")
    assert {f["rule"] for f in found} == {"KL013"}


def test_restart_policy_typo_is_one_finding():
    found = findings(deployment("restartPolicy: always\n" + CONTAINER))
    assert rules(found) == [("KL624", 12, "error")]
    assert found[0]["help"] == "did you mean restartPolicy: Always?"


def test_probe_fields_without_handler_replace_the_unknown_field_findings():
    probe = "    livenessProbe:\n      path: /healthz\n      port: 8080\n"
    found = findings(deployment(CONTAINER + probe))
    assert rules(found) == [("KL623", 15, "error")]
    assert found[0]["help"] == 'path and port belong under httpGet: indent them under a new "httpGet:" key'


def test_a_lone_port_under_a_probe_points_at_tcp_socket():
    found = findings(deployment(CONTAINER + "    readinessProbe:\n      port: 8080\n"), "--select", "KL623")
    assert found[0]["help"].startswith("port belongs under a handler: indent it under tcpSocket:")


# -- version-dependent behaviour ----------------------------------------------------------------
@pytest.mark.parametrize(("version", "severity"), [("1.29", "error"), ("1.28", "warning")])
def test_tz_prefix_is_rejected_from_1_29(version, severity):
    found = findings(cronjob("CRON_TZ=UTC 0 3 * * *"), "--select", "KL625", "-k", version)
    assert [(f["rule"], f["severity"]) for f in found] == [("KL625", severity)]
    assert found[0]["help"] == 'remove the prefix and set spec.timeZone: UTC (schedule: "0 3 * * *")'


def test_tz_prefix_with_time_zone_field_says_the_field_already_does_it():
    found = findings(cronjob("TZ=UTC 0 3 * * *", "Etc/UTC"), "--select", "KL625")
    assert found[0]["help"] == 'remove the prefix (schedule: "0 3 * * *"): spec.timeZone already sets the time zone'


@pytest.mark.parametrize(("version", "fires"), [("1.32", True), ("1.33", False)])
def test_zero_second_sleep_hook_is_accepted_from_1_33(version, fires):
    hook = "    lifecycle:\n      preStop:\n        sleep:\n          seconds: 0\n"
    found = findings(deployment(CONTAINER + hook), "--select", "KL623", "-k", version)
    assert bool(found) is fires


def test_sleep_hook_is_limited_by_the_pods_grace_period():
    hook = "    lifecycle:\n      preStop:\n        sleep:\n          seconds: 90\n"
    assert findings(deployment(CONTAINER + hook), "--select", "KL623")
    pod = "terminationGracePeriodSeconds: 120\n" + CONTAINER + hook
    assert findings(deployment(pod), "--select", "KL623") == []


# -- time zones (need a time-zone database on this machine) ---------------------------------------
needs_tzdata = pytest.mark.skipif(not _zones(), reason="no time-zone database on this machine")


@needs_tzdata
def test_time_zone_with_the_wrong_case_gets_a_did_you_mean():
    found = findings(cronjob("0 3 * * *", "europe/paris"), "--select", "KL625")
    assert [(f["severity"], f["help"]) for f in found] == [("error", "did you mean Europe/Paris?")]


@needs_tzdata
def test_malformed_time_zone_is_an_error_with_a_suggestion():
    found = findings(cronjob("0 3 * * *", '"America/New York"'), "--select", "KL625")
    assert [(f["severity"], f["help"]) for f in found] == [("error", "did you mean America/New_York?")]


@needs_tzdata
def test_unknown_well_formed_time_zone_is_only_a_warning():
    found = findings(cronjob("0 3 * * *", "Mars/Olympus_Mons"), "--select", "KL625")
    assert [f["severity"] for f in found] == ["warning"]


@needs_tzdata
@pytest.mark.parametrize("zone", ["Etc/UTC", "UTC", "Europe/Paris", "America/Argentina/Buenos_Aires", "Etc/GMT+5"])
def test_known_time_zones_pass(zone):
    assert findings(cronjob("0 3 * * *", f'"{zone}"'), "--select", "KL625") == []


# -- the cron parser mirrors robfig/cron v3 ParseStandard -----------------------------------------
@pytest.mark.parametrize("schedule", [
    "* * * * *", "*/5 * * * *", "0 0 * * 0", "0 0 * * sun", "0 0 1 jan-dec *", "0 0 ? * MON-FRI",
    "5/15 * * * *", "0-59/61 * * * *", "1,,2 * * * *", "1, * * * *", "0 0 31 2 *", "@yearly", "@annually",
    "@monthly", "@weekly", "@daily", "@midnight", "@hourly", "@every 1h30m", "@every 1.5h", "@every 90s",
    "@every 0", "@every -5m", "  0 3 * * *  ", "0\t3 * * *", "+5 * * * *", "TZ=UTC 0 3 * * *",
])
def test_schedules_robfig_accepts(schedule):
    parse_standard(schedule)


@pytest.mark.parametrize(("schedule", "reason"), [
    ("0 0 2 * * *", "expected exactly 5 fields, found 6"),
    ("* * * *", "expected exactly 5 fields, found 4"),
    ("0 0 * * 7", '"7": 7 is above the maximum 6'),
    ("60 * * * *", "60 is above the maximum 59"),
    ("0 0 0 * *", "0 is below the minimum 1"),
    ("0 0 * 13 *", "13 is above the maximum 12"),
    ("0 5-1 * * *", "the range 5-1 starts after it ends"),
    ("0 1-2-3 * * *", "too many hyphens"),
    ("0 */2/3 * * *", "too many slashes"),
    ("*/0 * * * *", "must be a positive number"),
    ("0 0 L * *", '"L" is not a number'),
    ("-1 * * * *", "a value is missing"),
    ("@every 1 hour", "is not a duration"),
    ("@every 5", "is not a duration"),
    ("@daily ", "has spaces around the descriptor"),
    ("@reboot", "unknown descriptor @reboot"),
])
def test_schedules_robfig_rejects(schedule, reason):
    with pytest.raises(CronError) as err:
        parse_standard(schedule)
    assert reason in err.value.message


def test_seven_field_quartz_expression_suggests_the_five_fields():
    found = findings(cronjob("0 30 2 ? * MON 2025"), "--select", "KL625")
    assert found[0]["help"].endswith('did you mean "30 2 ? * MON"?')


# -- ports ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("value", "problem"), [
    (8080, None), (0, "0 is not a port number"), (65536, "65536 is not a port number"),
    ("http", None), ("8080", "is quoted"), ("HTTP", "lowercase"), ("a-very-long-port-name", "at most 15"),
    ("-http", "start or end"), ("h--p", "'--'"), (True, None), (None, None), (8.5, None),
])
def test_int_or_name_ports(value, problem):
    found = int_or_name_problem(value, "port")
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found[0]


def test_target_port_zero_and_empty_mean_unset():
    assert int_or_name_problem(0, "targetPort", allow_unset=True) is None
    assert int_or_name_problem("", "targetPort", allow_unset=True) is None


@pytest.mark.parametrize(("name", "fixed"), [
    ("HTTP", "http"), ("http_api", "http-api"), ("grpc--web", "grpc-web"), ("-metrics-", "metrics"),
    ("prometheus-metrics", None), ("8080", None), ("http", None),
])
def test_port_name_suggestions_only_respell(name, fixed):
    assert suggest_port_name(name) == fixed


def test_host_network_without_host_port_is_fine():
    pod = "hostNetwork: true\ncontainers:\n  - name: web\n    image: nginx:1.27\n    ports:\n      - containerPort: 80\n"
    assert findings(deployment(pod), "--select", ",".join(CODES)) == []


def test_duplicate_host_port_is_not_also_a_duplicate_definition():
    pod = (
        "containers:\n"
        "  - {name: a, image: 'nginx:1.27', ports: [{containerPort: 80, hostPort: 8080}]}\n"
        "  - {name: b, image: 'nginx:1.27', ports: [{containerPort: 80, hostPort: 8080}]}\n"
    )
    found = findings(deployment(pod), "--select", "KL621")
    assert [(f["severity"], f["path"]) for f in found] == [
        ("error", "spec.template.spec.containers[1].ports[0].hostPort"),
    ]


def test_host_port_on_another_ip_is_no_conflict():
    pod = (
        "containers:\n"
        "  - {name: a, image: 'nginx:1.27', ports: [{containerPort: 80, hostPort: 80, hostIP: 10.0.0.1}]}\n"
        "  - {name: b, image: 'nginx:1.27', ports: [{containerPort: 80, hostPort: 80, hostIP: 10.0.0.2}]}\n"
    )
    assert findings(deployment(pod), "--select", "KL621") == []


# -- kustomize patches: nothing is reported for what a patch leaves out ----------------------------
def test_patches_are_not_reported_for_missing_parts(tmp_path):
    (tmp_path / "kustomization.yaml").write_text("resources: [base.yaml]\npatches:\n  - path: patch.yaml\n")
    (tmp_path / "base.yaml").write_text(
        "apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate}\nspec:\n  template:\n    spec:\n"
        "      restartPolicy: Never\n      containers:\n        - {name: migrate, image: busybox:1.36}\n"
    )
    (tmp_path / "patch.yaml").write_text(textwrap.dedent("""\
        apiVersion: batch/v1
        kind: Job
        metadata: {name: migrate}
        spec:
          template:
            spec:
              containers:
                - name: migrate
                  readinessProbe:
                    periodSeconds: 5
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          sessionAffinityConfig:
            clientIP: {timeoutSeconds: 60}
          ports:
            - port: 80
            - port: 443
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          template:
            spec:
              containers:
                - name: web
                  image: nginx:1.27
    """))
    result = run_check(CheckOptions(paths=[str(tmp_path)], select=CODES))
    assert [(f.file, f.rule, f.message) for f in result.findings] == []


# -- wrong types never crash (the schema reports them) ---------------------------------------------
WRONG_TYPES = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: [app]
  strategy: Recreate
  template:
    spec:
      restartPolicy: 3
      hostNetwork: "yes"
      tolerations: [1, {operator: [x], tolerationSeconds: x}]
      initContainers: {name: x}
      containers:
        - name: 5
          ports: [80, {containerPort: "80", hostPort: [1], name: 8}]
          livenessProbe: yes
          readinessProbe: {httpGet: 1, tcpSocket: {port: [1]}, successThreshold: x}
          lifecycle: {preStop: [], postStart: {sleep: {seconds: x}}}
        - ports: {a: 1}
        - 7
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: [ClusterIP]
  clusterIPs: None
  ports: [{port: x, name: [1], nodePort: "30000", targetPort: [1]}, 1]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  schedule: 5
  timeZone: [UTC]
  jobTemplate: {spec: 1}
---
apiVersion: v1
kind: Service
metadata: {name: empty}
spec: 1
"""


def test_wrong_types_do_not_crash():
    found = findings(WRONG_TYPES, "--select", ",".join(CODES))
    assert all(f["rule"] in CODES for f in found)


# -- peers and the real corpus -----------------------------------------------------------------
# kube-linter's restart-policy check is a policy: it flags Never everywhere, which the API server
# accepts on Pods, Jobs and CronJobs, and accepts OnFailure on controllers, which the API server
# rejects. KL624 mirrors the API server; these are the objects it fires on in kube-linter's test file.
KUBE_LINTER_RESTART_POLICY = {
    "dont-fire-job-always", "dont-fire-cronjob-always",
    "dont-fire-deployment-on-failure", "dont-fire-daemonset-on-failure", "dont-fire-replicaset-on-failure",
    "dont-fire-replicationcontroller-on-failure",
    "fire-deployment-never", "fire-daemonset-never", "fire-replicaset-never", "fire-replicationcontroller-never",
}


@needs_shared
def test_restart_policy_on_kube_linters_test_file():
    path = CORPUS / "peers" / "kube-linter" / "tests" / "checks" / "restart-policy.yaml"
    result = run_check(CheckOptions(paths=[str(path)], select=["KL624"], use_config=False))
    assert {f.object.name for f in result.findings} == KUBE_LINTER_RESTART_POLICY


@needs_shared
def test_no_finding_on_the_real_corpus():
    result = run_check(CheckOptions(paths=[str(CORPUS / "real")], select=CODES, use_config=False))
    assert [(f.file, f.span.line, f.rule) for f in result.findings] == []
