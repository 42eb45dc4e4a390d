"""--changed-since REF: only the files git says changed are checked; the rest is context."""
import shutil
import subprocess

import pytest

from tests.conftest import FIXTURES, run_cli, run_json

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 8080
"""


def git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path):
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "config", "user.email", "ci@example.com")
    git(tmp_path, "config", "user.name", "CI")
    git(tmp_path, "config", "commit.gpgsign", "false")
    (tmp_path / "deploy").mkdir()
    shutil.copy(FIXTURES / "KL201-image-tag-typo" / "fail.yaml", tmp_path / "deploy" / "typo.yaml")
    (tmp_path / "deploy" / "deployment.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n"
        "    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n"
        "    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n"
        "        ports:\n        - containerPort: 8080\n"
    )
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "init")
    git(tmp_path, "checkout", "-q", "-b", "feature")
    return tmp_path


def test_only_changed_files_are_reported_and_the_rest_is_context(repo):
    code, report = run_json("--changed-since", "main", cwd=repo)
    assert code == 0 and report["findings"] == [] and report["summary"]["files"] == 0

    (repo / "deploy" / "service.yaml").write_text(SERVICE)  # untracked: counts as changed
    code, report = run_json("--changed-since", "main", cwd=repo)
    # the Service selects the unchanged Deployment's pods (context), and typo.yaml is not reported
    assert code == 0, report
    assert report["summary"]["files"] == 1 and report["findings"] == []

    (repo / "deploy" / "service.yaml").write_text(SERVICE.replace("{app: web}", "{app: webb}"))
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "service")
    code, report = run_json("--changed-since", "main", cwd=repo)
    assert [(f["file"], f["rule"]) for f in report["findings"]] == [("deploy/service.yaml", "KL301")]


def test_paths_narrow_what_is_checked(repo):
    (repo / "deploy" / "typo.yaml").write_text((repo / "deploy" / "typo.yaml").read_text() + "\n# touched\n")
    (repo / "other").mkdir()
    (repo / "other" / "svc.yaml").write_text(SERVICE)
    code, report = run_json("--changed-since", "main", "deploy", cwd=repo)
    assert code == 1
    assert {f["file"] for f in report["findings"]} == {"deploy/typo.yaml"}


def test_a_subfolder_working_directory(repo):
    (repo / "deploy" / "typo.yaml").write_text((repo / "deploy" / "typo.yaml").read_text() + "\n# touched\n")
    code, report = run_json("--changed-since", "main", ".", cwd=repo / "deploy")
    assert {f["file"] for f in report["findings"]} == {"typo.yaml"}


def test_bad_refs_and_no_repository_are_usage_errors(repo, tmp_path_factory):
    code, out, err = run_cli("check", "--changed-since", "nope", cwd=repo)
    assert code == 2 and "'nope' is not a commit, branch or tag" in err
    code, out, err = run_cli("check", "--changed-since", "main", cwd=tmp_path_factory.mktemp("plain"))
    assert code == 2 and "not a git repository" in err
    code, out, err = run_cli("check", "--changed-since", "main", cwd=repo)
    assert code == 0 and "no file among . changed since main" in err
