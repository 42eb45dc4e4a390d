"""--baseline FILE and `k8slint baseline FILE PATHS`: adopting the gate on a repository that
already has findings."""
import json

from tests.conftest import run_cli, run_json

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:lastest
      - name: sidecar
        image: busybox:1.36
"""


def _baseline(tmp_path, *paths):
    code, out, err = run_cli("baseline", "baseline.json", *(paths or ("deploy",)), cwd=tmp_path)
    assert code == 0, err
    return out


def _project(tmp_path, text=DEPLOYMENT):
    (tmp_path / "deploy").mkdir(exist_ok=True)
    (tmp_path / "deploy" / "web.yaml").write_text(text)


def test_a_baselined_finding_stays_hidden_when_lines_are_added_above_it(tmp_path):
    _project(tmp_path)
    assert _baseline(tmp_path) == "Wrote 1 finding to the baseline baseline.json.\n"
    data = json.loads((tmp_path / "baseline.json").read_text())
    assert [(e["rule"], e["file"], e["object"], e["line"]) for e in data["findings"]] == [
        ("KL201", "deploy/web.yaml", "Deployment web", 14),
    ]
    code, report = run_json("--baseline", "baseline.json", "deploy", cwd=tmp_path)
    assert code == 0 and report["findings"] == [] and report["summary"]["baselined"] == 1

    shifted = "# a comment\n# and another\n" + DEPLOYMENT.replace("  name: web\n", "  name: web\n  labels: {tier: front}\n")
    _project(tmp_path, shifted)
    code, report = run_json("--baseline", "baseline.json", "deploy", cwd=tmp_path)
    assert code == 0 and report["findings"] == [] and report["summary"]["baselined"] == 1
    # without the baseline it is still there, three lines lower
    code, report = run_json("deploy", cwd=tmp_path)
    assert code == 1 and [(f["rule"], f["line"]) for f in report["findings"]] == [("KL201", 17)]


def test_a_new_finding_of_the_same_rule_in_the_same_file_is_reported(tmp_path):
    _project(tmp_path)
    _baseline(tmp_path)
    _project(tmp_path, DEPLOYMENT.replace("busybox:1.36", "busybox:lastest"))
    code, out, err = run_cli("check", "--baseline", "baseline.json", "deploy", cwd=tmp_path)
    assert code == 1
    assert out.startswith('deploy/web.yaml:16:16: error KL201 image tag "lastest" of "busybox:lastest"')
    assert "Found 1 error" in out and "(1 hidden by the baseline)" in out


def test_the_baseline_does_not_depend_on_the_working_directory(tmp_path):
    _project(tmp_path)
    _baseline(tmp_path)
    code, out, err = run_cli("check", "--baseline", "../baseline.json", "web.yaml", cwd=tmp_path / "deploy")
    assert code == 0, out


def test_fixed_findings_leave_stale_entries_that_are_named(tmp_path):
    _project(tmp_path)
    _baseline(tmp_path)
    _project(tmp_path, DEPLOYMENT.replace("nginx:lastest", "nginx:1.27"))
    code, out, err = run_cli("check", "--baseline", "baseline.json", "deploy", cwd=tmp_path)
    assert code == 0
    assert "1 finding in the baseline baseline.json no longer occurs" in err


def test_bad_baseline_files_are_usage_errors(tmp_path):
    _project(tmp_path)
    code, out, err = run_cli("check", "--baseline", "missing.json", "deploy", cwd=tmp_path)
    assert code == 2 and "missing.json: baseline file not found (create it with: k8slint baseline" in err
    (tmp_path / "broken.json").write_text('{"version": 1,\n "findings": [}\n')
    code, out, err = run_cli("check", "--baseline", "broken.json", "deploy", cwd=tmp_path)
    assert code == 2 and err.startswith("k8slint: error: broken.json:2:15: not a k8slint baseline")
    (tmp_path / "other.json").write_text('{"findings": []}')
    code, out, err = run_cli("check", "--baseline", "other.json", "deploy", cwd=tmp_path)
    assert code == 2 and "not a k8slint baseline" in err


def test_baseline_takes_the_options_of_check(tmp_path):
    _project(tmp_path)
    code, out, err = run_cli("baseline", "b.json", "deploy", "--ignore", "KL201", cwd=tmp_path)
    assert code == 0 and out == "Wrote 0 findings to the baseline b.json.\n"
    code, out, err = run_cli("baseline", "b.json", "deploy", "--profile", "best-practices", cwd=tmp_path)
    assert code == 0
    count = len(json.loads((tmp_path / "b.json").read_text())["findings"])
    assert count > 1 and out == f"Wrote {count} findings to the baseline b.json.\n"
    code, out, err = run_cli("check", "--baseline", "b.json", "--profile", "best-practices", "deploy", cwd=tmp_path)
    assert code == 0 and "No problems found" in out
    code, out, err = run_cli("baseline", "--bogus", cwd=tmp_path)
    assert code == 2
