"""The profile packs (rules/pss-baseline.yaml, pss-restricted.yaml, best-practices.yaml): where
their findings point, and which of them look at kustomize patches."""
from __future__ import annotations

import textwrap

from k8slint.registry import load_registry
from tests.conftest import run_json

PATCH = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          securityContext:
            privileged: true
"""


def _found(report: dict, *codes: str) -> list[tuple[str, str, int, int]]:
    return sorted(
        (f["rule"], f["file"], f["line"], f["column"]) for f in report["findings"] if f["rule"] in codes
    )


def _check_text(text: str, *args: str) -> dict:
    _, report = run_json("-", "--stdin-filename", "m.yaml", *args, stdin=textwrap.dedent(text).encode())
    return report


def test_patch_is_skipped_by_require_rules_and_checked_by_forbid_rules(tmp_path):
    (tmp_path / "kustomization.yaml").write_text("resources: [deploy.yaml]\npatches:\n  - path: patch.yaml\n")
    (tmp_path / "patch.yaml").write_text(PATCH)
    _, report = run_json(".", "--profile", "best-practices", cwd=tmp_path)
    # The container in the patch has no resources, probes or securityContext settings: those
    # come from the base, so no rule that requires a setting fires...
    assert {"KL841", "KL842", "KL843", "KL844", "KL845", "KL846", "KL847", "KL848", "KL850"}.isdisjoint(
        f["rule"] for f in report["findings"]
    ), report["findings"]
    # ...but the privileged: true it writes is reported, at the value.
    assert _found(report, "KL851") == [("KL851", "patch.yaml", 11, 25)]


def test_the_same_object_outside_a_kustomization_is_complete(tmp_path):
    (tmp_path / "deploy.yaml").write_text(PATCH)
    _, report = run_json("deploy.yaml", "--profile", "best-practices", cwd=tmp_path)
    # Not a patch: the settings it leaves out are missing, reported at the container.
    assert _found(report, "KL841", "KL851") == [
        ("KL841", "deploy.yaml", 9, 11), ("KL851", "deploy.yaml", 11, 25),
    ]


def test_pss_baseline_on_a_patch_reports_what_it_writes(tmp_path):
    (tmp_path / "kustomization.yaml").write_text("resources: [deploy.yaml]\npatches:\n  - path: patch.yaml\n")
    (tmp_path / "patch.yaml").write_text(PATCH + "      hostNetwork: true\n")
    # pss-restricted includes the baseline level (PROFILE_INCLUDES).
    _, report = run_json(".", "--profile", "pss-restricted", cwd=tmp_path)
    assert _found(report, *(f["rule"] for f in report["findings"])) == [
        ("KL802", "patch.yaml", 12, 20), ("KL803", "patch.yaml", 11, 25),
    ]  # not KL822, KL823, KL825, KL826: the patch leaves those settings to the base


def test_pod_and_container_level_paths_point_at_each_value():
    report = _check_text(
        """\
        apiVersion: v1
        kind: Pod
        metadata:
          name: debug
        spec:
          securityContext:
            seccompProfile:
              type: Unconfined
          initContainers:
            - name: setup
              image: busybox:1.36
          containers:
            - name: app
              image: example.com/app:2.1
            - name: shell
              image: busybox:1.36
              securityContext:
                seccompProfile:
                  type: Unconfined
        """,
        "--profile", "pss-baseline",
    )
    findings = [f for f in report["findings"] if f["rule"] == "KL811"]
    assert [(f["line"], f["column"], f["path"]) for f in findings] == [
        (8, 13, "spec.securityContext.seccompProfile.type"),
        (19, 17, "spec.containers[1].securityContext.seccompProfile.type"),
    ]
    assert [f["message"] for f in findings] == [
        "Pod debug disables seccomp for the pod: seccompProfile type is Unconfined",
        'Pod debug disables seccomp for container "shell": seccompProfile type is Unconfined',
    ]


def test_host_process_on_the_pod_and_on_an_ephemeral_container():
    report = _check_text(
        """\
        apiVersion: v1
        kind: Pod
        metadata:
          name: win
        spec:
          securityContext:
            windowsOptions: {hostProcess: true}
          containers:
            - name: app
              image: example.com/app:2.1
          ephemeralContainers:
            - name: debugger
              image: busybox:1.36
              securityContext:
                windowsOptions:
                  hostProcess: true
        """,
        "--profile", "pss-baseline",
    )
    assert [(f["line"], f["column"]) for f in report["findings"] if f["rule"] == "KL801"] == [(7, 35), (16, 24)]


def test_pod_spec_rules_point_at_the_template_spec_key():
    report = _check_text(
        """\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 2
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
                - name: web
                  image: example.com/web:2.3.1
        """,
        "--profile", "pss-restricted", "--profile", "best-practices",
    )
    at = {f["rule"]: (f["line"], f["column"], f["path"]) for f in report["findings"]}
    for code in ("KL823", "KL825", "KL847"):  # the pod and its containers decide together
        assert at[code] == (12, 5, "spec.template.spec"), code
    assert at["KL822"] == (14, 11, "spec.template.spec.containers[0]")  # a setting each container needs
    assert at["KL852"][:2] == (5, 1)  # replicas and the template: the workload's spec


def test_pod_spec_rule_on_a_pod_points_at_its_spec():
    report = _check_text(
        """\
        apiVersion: v1
        kind: Pod
        metadata:
          name: tools
        spec:
          securityContext:
            runAsUser: 0
          containers:
            - name: tools
              image: example.com/tools:3.2
        """,
        "--profile", "pss-restricted",
    )
    [finding] = [f for f in report["findings"] if f["rule"] == "KL824"]
    assert (finding["line"], finding["column"], finding["path"]) == (5, 1, "spec")


def test_pss_restricted_includes_the_baseline_level():
    registry = load_registry()
    restricted = registry.enabled(None, [], [], ["pss-restricted"])
    baseline = {r.code for r in registry.rules if r.profile == "pss-baseline"}
    own = {r.code for r in registry.rules if r.profile == "pss-restricted"}
    assert baseline and own and baseline | own <= restricted
    assert not own & registry.enabled(None, [], [], ["pss-baseline"])
