"""README's GitHub Actions and GitLab CI snippets, and action.yml, run as the CI systems would.

The GitHub workflow's k8slint step is this repository's composite action: each of its steps is
run here with bash, the way the runner runs it (inputs and github.action_path substituted into
the step's env, GITHUB_PATH and GITHUB_OUTPUT files), including the real `pip install` of the
project into a fresh virtual environment. The GitLab job's script lines run in order, except
the install line (the package under test is already installed in this environment).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.conftest import ROOT, SHARED
from tests.snippets import snippet

SCHEMAS = SHARED / "schemas-ext"
BAD = """\
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
"""
GOOD = BAD.replace("nginx:lastest", "nginx:1.27")


def _yaml(text: str):
    return YAML(typ="safe").load(text)


def _workspace(tmp_path: Path, manifest: str) -> Path:
    work = tmp_path / "workspace"
    (work / "deploy").mkdir(parents=True)
    (work / "deploy" / "web.yaml").write_text(manifest)
    subprocess.run(["git", "init", "-q"], cwd=work, check=True)
    return work


_EXPR = re.compile(r"\$\{\{\s*([^}]+?)\s*\}\}")


def _evaluate(value: str, inputs: dict[str, str]) -> str:
    def one(match: re.Match) -> str:
        expr = match.group(1)
        if expr == "github.action_path":
            return str(ROOT)
        if expr.startswith("inputs."):
            return inputs[expr[len("inputs."):]]
        raise AssertionError(f"the test does not evaluate ${{{{ {expr} }}}}")
    return _EXPR.sub(one, str(value))


class Runner:
    """Runs a composite action's steps the way the GitHub runner does (bash steps only)."""

    def __init__(self, work: Path, tmp: Path):
        self.work = work
        self.temp = tmp / "runner-temp"
        self.temp.mkdir()
        self.path_file = tmp / "github_path"
        self.output_file = tmp / "github_output"
        self.path_file.write_text("")
        self.output_file.write_text("")

    def run_action(self, action: dict, with_: dict) -> subprocess.CompletedProcess:
        inputs = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
        unknown = set(with_) - set(inputs)
        assert not unknown, f"the workflow passes inputs the action does not declare: {unknown}"
        inputs.update({k: str(v) for k, v in with_.items()})
        done = None
        for step in action["runs"]["steps"]:
            assert step["shell"] == "bash"
            env = {k: _evaluate(v, inputs) for k, v in (step.get("env") or {}).items()}
            extra_path = [line for line in self.path_file.read_text().splitlines() if line]
            base_path = os.pathsep.join([*reversed(extra_path), "/usr/bin", "/bin", "/usr/local/bin"])
            full_env = {
                "HOME": os.environ.get("HOME", str(self.temp)), "PATH": base_path,
                "RUNNER_TEMP": str(self.temp), "GITHUB_PATH": str(self.path_file),
                "GITHUB_OUTPUT": str(self.output_file), "GITHUB_ACTIONS": "true",
                "GITHUB_WORKSPACE": str(self.work),
                # the machine's pip settings (local indexes, caches), as a runner has its own
                **{k: v for k, v in os.environ.items() if k.startswith("PIP_")},
                **env,
            }
            script = _evaluate(step["run"], inputs)
            # the runner runs: bash --noprofile --norc -eo pipefail {0}
            done = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                cwd=self.work, env=full_env, capture_output=True, text=True, timeout=900,
            )
            if done.returncode != 0:
                return done
        assert done is not None
        return done


@pytest.fixture(scope="module")
def action() -> dict:
    return _yaml((ROOT / "action.yml").read_text())


def _workflow_steps() -> list[dict]:
    workflow = _yaml(snippet("github-actions"))
    (job,) = workflow["jobs"].values()
    return job["steps"]


def test_the_github_workflow_uses_this_action_and_uploads_its_sarif(action):
    steps = _workflow_steps()
    uses = [s.get("uses", "") for s in steps]
    (k8slint,) = [s for s in steps if s.get("uses", "").startswith("k8slint/k8slint@")]
    (upload,) = [s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
    assert uses.index(k8slint["uses"]) < uses.index(upload["uses"])
    assert set(k8slint.get("with", {})) <= set(action["inputs"])
    sarif = k8slint.get("with", {}).get("sarif-file", action["inputs"]["sarif-file"]["default"])
    assert upload["with"]["sarif_file"] == sarif
    assert upload.get("if") == "always()"  # findings fail the job; upload them anyway
    assert action["runs"]["using"] == "composite"


@pytest.fixture(scope="module")
def installed_runner(action, tmp_path_factory):
    """The action run once on a failing workspace (this builds its virtual environment)."""
    tmp = tmp_path_factory.mktemp("gha")
    work = _workspace(tmp, BAD)
    runner = Runner(work, tmp)
    (k8slint,) = [s for s in _workflow_steps() if s.get("uses", "").startswith("k8slint/k8slint@")]
    done = runner.run_action(action, k8slint.get("with", {}))
    return runner, k8slint, done


def test_the_action_annotates_findings_writes_sarif_and_fails_the_job(installed_runner):
    runner, step, done = installed_runner
    assert done.returncode == 1, done.stdout + done.stderr
    assert "::error file=deploy/web.yaml,line=14,col=18," in done.stdout
    assert "title=KL201 image-tag-typo::" in done.stdout
    assert "sarif-file=k8slint.sarif" in runner.output_file.read_text()
    data = json.loads((runner.work / "k8slint.sarif").read_text())
    result = data["runs"][0]["results"][0]
    assert result["ruleId"] == "KL201"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "deploy/web.yaml", "uriBaseId": "%SRCROOT%",
    }
    if (SCHEMAS / "sarif-schema-2.1.0.json").is_file():
        import jsonschema

        schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text())
        jsonschema.Draft4Validator(schema).validate(data)


def test_the_action_passes_a_clean_workspace(installed_runner, action):
    runner, step, _ = installed_runner
    (runner.work / "deploy" / "web.yaml").write_text(GOOD)
    check = action["runs"]["steps"][1]  # installed already: run only the check step again
    done = runner.run_action({**action, "runs": {**action["runs"], "steps": [check]}}, step.get("with", {}))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No problems found" in done.stdout


def test_the_gitlab_job_writes_junit_and_fails_on_findings(tmp_path):
    config = _yaml(snippet("gitlab-ci"))
    (job,) = config.values()
    report = job["artifacts"]["reports"]["junit"]
    assert job["artifacts"]["when"] == "always"
    bin_dir = Path(sys.executable).parent
    assert (bin_dir / "k8slint").exists() or shutil.which("k8slint")

    def run(name: str, manifest: str) -> subprocess.CompletedProcess:
        work = _workspace(tmp_path / name, manifest)
        script = []
        for line in job["script"]:
            if line.startswith("pip install"):
                assert "k8slint" in line
                continue  # the package under test is installed in this environment already
            script.append(line)
        env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "GITLAB_CI": "true"}
        env.pop("GITHUB_ACTIONS", None)
        done = subprocess.run(
            ["bash", "-e", "-c", "\n".join(script)], cwd=work, env=env, capture_output=True, text=True,
            timeout=300,
        )
        done.work = work  # type: ignore[attr-defined]
        return done

    failing = run("failing", BAD)
    assert failing.returncode == 1, failing.stderr
    assert failing.stdout.startswith("deploy/web.yaml:14:18: error KL201")
    xml = (failing.work / report).read_text()
    assert '<failure type="KL201"' in xml
    if (SCHEMAS / "junit.xsd").is_file():
        import xmlschema

        xmlschema.XMLSchema(str(SCHEMAS / "junit.xsd")).validate(str(failing.work / report))
    passing = run("passing", GOOD)
    assert passing.returncode == 0 and "No problems found" in passing.stdout
    assert "<failure" not in (passing.work / report).read_text()
