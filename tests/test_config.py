"""Configuration: discovery, every setting, and invalid configuration as a located error."""
import textwrap

import pytest

from tests.conftest import run_cli, run_json

BAD = textwrap.dedent("""\
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: c
    data:
      a: 1
    """)
SPLIT = textwrap.dedent("""\
    apiVersion: v1
    kind: Pod
    metadata:
      name: p
    spec:
      containers:
        - name: c
          image: nginx:1.27
          env:
            - name: A
            - value: b
    """)


def write(root, name, text):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def rules(report):
    return [f["rule"] for f in report["findings"]]


def test_config_is_found_upward_from_the_checked_path(tmp_path):
    write(tmp_path, ".k8slint.yaml", "ignore: [wrong-type]\n")
    write(tmp_path, "deploy/apps/bad.yaml", BAD)
    code, report = run_json("deploy/apps/bad.yaml", cwd=tmp_path)
    assert code == 0 and rules(report) == []


def test_pyproject_section(tmp_path):
    write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n\n[tool.k8slint]\nignore = ["KL011"]\n')
    write(tmp_path, "bad.yaml", BAD)
    assert rules(run_json("bad.yaml", cwd=tmp_path)[1]) == []


def test_explicit_config_overrides_discovery(tmp_path):
    write(tmp_path, ".k8slint.yaml", "ignore: [KL011]\n")
    write(tmp_path, "ci/strict.yaml", "severity: {KL011: warning}\n")
    write(tmp_path, "bad.yaml", BAD)
    code, report = run_json("bad.yaml", "--config", "ci/strict.yaml", cwd=tmp_path)
    assert code == 0 and [(f["rule"], f["severity"]) for f in report["findings"]] == [("KL011", "warning")]


def test_select_extend_select_and_cli_overrides(tmp_path):
    write(tmp_path, ".k8slint.yaml", "select: [KL101]\n")
    write(tmp_path, "pod.yaml", SPLIT)
    write(tmp_path, "bad.yaml", BAD)
    assert rules(run_json(".", cwd=tmp_path)[1]) == ["KL101"]
    assert rules(run_json(".", "--select", "KL011,env-split-item", cwd=tmp_path)[1]) == ["KL011", "KL101"]
    found = rules(run_json(".", "--select", "ALL", "--ignore", "KL101", cwd=tmp_path)[1])
    assert [r for r in found if r < "KL800"] == ["KL011", "KL102", "KL013"]
    # ALL means every rule, the opt-in profiles (pss-restricted, best-practices) included.
    assert {"KL823", "KL841"} <= set(found)


def test_severity_override_and_fail_threshold(tmp_path):
    write(tmp_path, ".k8slint.yaml", "severity:\n  env-split-item: warning\n")
    write(tmp_path, "pod.yaml", SPLIT)
    code, report = run_json("pod.yaml", cwd=tmp_path)
    assert [(f["rule"], f["severity"]) for f in report["findings"]] == [("KL101", "warning")]
    assert code == 0


def test_per_path_ignores(tmp_path):
    write(tmp_path, ".k8slint.yaml", 'per-path-ignores:\n  "legacy/**": [KL011]\n')
    write(tmp_path, "legacy/old/bad.yaml", BAD)
    write(tmp_path, "new/bad.yaml", BAD)
    report = run_json(".", cwd=tmp_path)[1]
    assert [f["file"] for f in report["findings"]] == ["new/bad.yaml"]


def test_exclude_kubernetes_version_and_strict_kinds(tmp_path):
    write(tmp_path, ".k8slint.yaml", 'exclude: ["vendor-like/**"]\nkubernetes-version: "1.25"\nstrict-kinds: true\n')
    write(tmp_path, "vendor-like/bad.yaml", BAD)
    write(tmp_path, "hpa.yaml", "apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n"
          "spec: {scaleTargetRef: {kind: Deployment, name: web}, maxReplicas: 3}\n")
    write(tmp_path, "cr.yaml", "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n")
    report = run_json(".", "--select", "KL011,KL020,KL022", cwd=tmp_path)[1]
    assert report["kubernetes_version"] == "1.25"
    assert [(f["file"], f["rule"], f["severity"]) for f in report["findings"]] == [("cr.yaml", "KL022", "error")]


@pytest.mark.parametrize(
    "text, where, says",
    [
        ("ignor: [KL011]\n", ":1:1:", "unknown setting 'ignor'; did you mean \"ignore\"?"),
        ("ignore: KL011\n", ":1:1:", "ignore must be a list"),
        ("ignore: [KL0111]\n", ":1:10:", "unknown rule 'KL0111'"),
        ("select:\n  - KL011\n  - env-splt-item\n", ":3:5:", 'did you mean "env-split-item"?'),
        ("severity:\n  KL011: fatal\n", ":2:10:", "severity of KL011 must be one of error, warning, info"),
        ("severity: {nope: error}\n", ":1:", "unknown rule 'nope'"),
        ("ignore: [KL011\n", ":2:1:", "YAML syntax error"),
        ("- a\n- b\n", ":1:1:", "must be a mapping"),
        ("default-namespace: [a]\n", ":1:1:", "default-namespace must be a string"),
    ],
)
def test_invalid_config_is_a_located_error(tmp_path, text, where, says):
    write(tmp_path, ".k8slint.yaml", text)
    write(tmp_path, "bad.yaml", BAD)
    code, out, err = run_cli("check", "bad.yaml", cwd=tmp_path)
    assert code == 2 and out == ""
    assert err.startswith("k8slint: error: ") and ".k8slint.yaml" in err
    assert where in err and says in err, err
    assert "Traceback" not in err


def test_invalid_pyproject_section_names_the_line(tmp_path):
    write(tmp_path, "pyproject.toml", '[tool.k8slint]\nselect = ["KL011"]\nignore = "KL011"\n')
    write(tmp_path, "bad.yaml", BAD)
    code, out, err = run_cli("check", "bad.yaml", cwd=tmp_path)
    assert code == 2 and "pyproject.toml:3:1: ignore must be a list" in err


def test_missing_explicit_config_is_an_error(tmp_path):
    write(tmp_path, "bad.yaml", BAD)
    code, out, err = run_cli("check", "bad.yaml", "--config", "nope.yaml", cwd=tmp_path)
    assert code == 2 and "nope.yaml: configuration file not found" in err


def test_profiles_are_validated(tmp_path):
    write(tmp_path, "bad.yaml", BAD)
    code, out, err = run_cli("check", "bad.yaml", "--profile", "no-such-profile", cwd=tmp_path)
    assert code == 2 and "unknown profile 'no-such-profile'" in err
    write(tmp_path, ".k8slint.yaml", "profiles: [nope]\n")
    code, out, err = run_cli("check", "bad.yaml", cwd=tmp_path)
    assert code == 2 and ".k8slint.yaml:1:12: unknown profile 'nope'" in err


def test_profile_rules_run_only_when_their_profile_is_enabled(tmp_path):
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "team.yaml").write_text(
        "rules:\n  - code: TEAM001\n    name: no-default-namespace\n    severity: warning\n    category: policy\n"
        "    summary: s\n    why: w\n    example: e\n    use_instead: u\n    profile: team\n"
        "    match: {path: metadata}\n    require: {required: [namespace]}\n    message: m\n"
    )
    write(tmp_path, "cm.yaml", b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n".decode())
    assert rules(run_json("cm.yaml", "--rules-dir", "policies", cwd=tmp_path)[1]) == []
    assert rules(run_json("cm.yaml", "--rules-dir", "policies", "--profile", "team", cwd=tmp_path)[1]) == ["TEAM001"]
    assert rules(run_json("cm.yaml", "--rules-dir", "policies", "--select", "TEAM001", cwd=tmp_path)[1]) == ["TEAM001"]
    code, out, err = run_cli("rules", "--rules-dir", "policies", cwd=tmp_path)
    assert "TEAM001  no-default-namespace" in out and "(profile team)" in out
