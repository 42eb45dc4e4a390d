"""End to end: the hook in .pre-commit-hooks.yaml, installed and run by the real pre-commit.

How it works:

* ``hook_repo`` (module fixture) snapshots this project's working tree (tracked files plus
  untracked ones that are not ignored, i.e. what ``pre-commit try-repo`` would see and then
  some) into a temporary git repository with one commit. Uncommitted edits of other people are
  fine as long as the package still installs; the project's own git index is never written.
* ``precommit`` (module fixture) points ``PRE_COMMIT_HOME`` (and pip's cache and virtualenv's
  app data) at a temporary directory and runs ``pre-commit install-hooks`` once against that
  snapshot, so the hook's virtualenv (``pip install`` of the package) is built once per module.
* Each test makes a fresh git repository whose ``.pre-commit-config.yaml`` names the snapshot
  and its commit, runs ``pre-commit install`` and makes real ``git commit``\\ s; git runs the
  hook, the hook runs ``k8slint check --context .`` on the staged manifests.

Why not ``pre-commit try-repo``: it builds a fresh store in its own temporary directory on every
call (ignoring PRE_COMMIT_HOME), i.e. one ``pip install`` per call, and its snapshot of
uncommitted changes leaves out untracked files: a new, not yet added .pre-commit-hooks.yaml, or a
new module that an edited, tracked one imports (the hook then fails with ModuleNotFoundError).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.snippets import snippet

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

HOOK_ID = "k8slint"
BUILD_TIMEOUT = 900  # the first run creates a virtualenv and pip-installs the package from PyPI
RUN_TIMEOUT = 300

DEPLOYMENT = """\
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
          image: nginx:IMAGE_TAG
"""
SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: NAME
spec:
  selector: {app: APP}
  ports:
    - port: 80
"""


def service(name: str, app: str) -> str:
    return SERVICE.replace("NAME", name).replace("APP", app)


def deployment(tag: str) -> str:
    return DEPLOYMENT.replace("IMAGE_TAG", tag)


# What the project's working tree holds but a package build does not need (and must not copy).
_NOT_COPIED = (
    ".git", ".venv", "venv", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache",
    ".benchmarks", ".k8slint_cache", "build", "dist", "*.egg-info",
)


def _clean_env(home: Path) -> dict[str, str]:
    """The environment for git and pre-commit: isolated from the user's git configuration,
    caches and any git/pre-commit variables of an enclosing hook (GIT_DIR, GIT_INDEX_FILE, SKIP)."""
    env = {
        k: v for k, v in os.environ.items()
        if not k.startswith(("GIT_", "PRE_COMMIT")) and k not in ("SKIP", "VIRTUAL_ENV")
    }
    env.update(
        PRE_COMMIT_HOME=str(home / "pre-commit"),
        PRE_COMMIT_COLOR="never",
        NO_COLOR="1",
        VIRTUALENV_OVERRIDE_APP_DATA=str(home / "virtualenv"),
        # no global or system git configuration: no core.hooksPath, templates or signing
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
    )
    if not env.get("PIP_CACHE_DIR"):  # CI may provide its own cache
        env["PIP_CACHE_DIR"] = str(home / "pip")
    return env


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = RUN_TIMEOUT,
         check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        timeout=timeout,
    )
    if check and proc.returncode != 0:
        pytest.fail(f"{' '.join(cmd)} exited {proc.returncode} in {cwd}:\n{proc.stdout}")
    return proc


def _git_init(path: Path, env: dict[str, str]) -> None:
    path.mkdir(parents=True, exist_ok=True)
    _run(["git", "init", "-q"], path, env)
    for key, value in (
        ("user.name", "k8slint tests"), ("user.email", "tests@k8slint.invalid"),
        ("commit.gpgsign", "false"), ("core.autocrlf", "false"),
    ):
        _run(["git", "config", "--local", key, value], path, env)


def _working_tree_files(env: dict[str, str]) -> list[str] | None:
    """The project's files as git sees them (tracked + untracked, not ignored); None if ROOT is
    not a git work tree."""
    proc = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, env=env, capture_output=True, timeout=RUN_TIMEOUT,
    )
    if proc.returncode != 0:
        return None
    return [name for name in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if name]


def _snapshot(dest: Path, env: dict[str, str]) -> None:
    files = _working_tree_files(env)
    if files is None:  # e.g. an unpacked sdist: copy the tree minus caches and environments
        shutil.copytree(ROOT, dest, symlinks=True, ignore=shutil.ignore_patterns(*_NOT_COPIED))
        return
    dest.mkdir(parents=True)
    for name in files:
        src = ROOT / name
        if not (src.is_symlink() or src.is_file()):  # deleted but tracked, or a submodule
            continue
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target, follow_symlinks=False)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, dict[str, str]]:
    """A git repository holding the project as it is now; returns (path, commit, env)."""
    base = tmp_path_factory.mktemp("precommit")
    env = _clean_env(base)
    repo = base / "hook-repo"
    _snapshot(repo, env)
    assert (repo / ".pre-commit-hooks.yaml").is_file(), "the snapshot lacks .pre-commit-hooks.yaml"
    _git_init(repo, env)
    _run(["git", "add", "-A"], repo, env)
    _run(["git", "commit", "-q", "--no-verify", "-m", "snapshot of the working tree"], repo, env)
    rev = _run(["git", "rev-parse", "HEAD"], repo, env).stdout.strip()
    return str(repo), rev, env


def _config(hook_repo_path: str, rev: str) -> str:
    """README.md's snippet, pointed at the snapshot of this repository."""
    text = snippet("pre-commit")
    assert "repo: https://github.com/k8slint/k8slint\n" in text and "rev: v0.1.0\n" in text
    assert f"- id: {HOOK_ID}\n" in text
    # a JSON string is a valid YAML scalar, whatever the temporary path holds
    return text.replace("https://github.com/k8slint/k8slint", json.dumps(hook_repo_path)).replace("v0.1.0", rev)


class Project:
    """A user's repository with the hook installed."""

    def __init__(self, path: Path, env: dict[str, str]) -> None:
        self.path, self.env = path, env

    def write(self, name: str, text: str) -> None:
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def commit(self, *names: str, message: str = "change") -> subprocess.CompletedProcess[str]:
        """Stage the files and ``git commit`` (which runs the hook); does not raise on failure."""
        _run(["git", "add", "--", *names], self.path, self.env)
        return _run(["git", "commit", "-m", message], self.path, self.env, check=False)

    def commits(self) -> int:
        proc = _run(["git", "rev-list", "--count", "--all"], self.path, self.env)
        return int(proc.stdout.strip() or 0)


@pytest.fixture(scope="module")
def precommit(hook_repo: tuple[str, str, dict[str, str]], tmp_path_factory: pytest.TempPathFactory):
    """Builds the hook environment once (into the module's PRE_COMMIT_HOME); returns a factory
    of user repositories with the hook installed as a git pre-commit hook."""
    path, rev, env = hook_repo
    config = _config(path, rev)

    def make(name: str) -> Project:
        project = Project(tmp_path_factory.mktemp(name), env)
        _git_init(project.path, env)
        project.write(".pre-commit-config.yaml", config)
        _run([sys.executable, "-m", "pre_commit", "install"], project.path, env)
        return project

    warm = make("warm-up")
    _run([sys.executable, "-m", "pre_commit", "install-hooks"], warm.path, env, timeout=BUILD_TIMEOUT)
    return make


def test_typo_in_image_tag_blocks_the_commit(precommit) -> None:
    project = precommit("typo")
    project.write("deploy/web.yaml", deployment("lastest"))
    proc = project.commit(".pre-commit-config.yaml", "deploy/web.yaml")
    assert proc.returncode != 0, proc.stdout
    assert "Failed" in proc.stdout, proc.stdout
    assert f"- hook id: {HOOK_ID}" in proc.stdout, proc.stdout
    # the finding itself, at its file:line:column (line 15, column of the image value)
    assert "deploy/web.yaml:15:18: error KL201" in proc.stdout, proc.stdout
    assert project.commits() == 0


def test_clean_commit_passes(precommit) -> None:
    project = precommit("clean")
    project.write("deploy/web.yaml", deployment("1.27.3"))
    project.write("deploy/service.yaml", service("web", "web"))
    # .pre-commit-config.yaml is YAML too, so the hook checks it: it must be skipped quietly
    proc = project.commit(".pre-commit-config.yaml", "deploy/web.yaml", "deploy/service.yaml")
    assert proc.returncode == 0, proc.stdout
    assert "Passed" in proc.stdout, proc.stdout
    assert project.commits() == 1


def test_context_covers_unchanged_files(precommit) -> None:
    project = precommit("context")
    project.write("deploy/web.yaml", deployment("1.27.3"))
    first = project.commit(".pre-commit-config.yaml", "deploy/web.yaml", message="the workload")
    assert first.returncode == 0, first.stdout

    # Only the Service changes; its Deployment is in the committed, unchanged deploy/web.yaml.
    project.write("deploy/service.yaml", service("web", "web"))
    alone = subprocess.run(  # without the context this Service is reported: the test can fail
        [sys.executable, "-m", "k8slint", "check", "--no-color", "deploy/service.yaml"],
        cwd=project.path, capture_output=True, text=True, timeout=RUN_TIMEOUT,
    )
    assert alone.returncode == 1 and "KL301" in alone.stdout, alone.stdout + alone.stderr
    second = project.commit("deploy/service.yaml", message="the service")
    assert second.returncode == 0, second.stdout
    assert "KL301" not in second.stdout, second.stdout
    assert project.commits() == 2

    # A Service that selects nothing anywhere is still reported.
    project.write("deploy/orphan.yaml", service("orphan", "nothing"))
    third = project.commit("deploy/orphan.yaml", message="a service for no pod")
    assert third.returncode != 0, third.stdout
    assert "deploy/orphan.yaml:6:13: error KL301" in third.stdout, third.stdout
    assert "Service default/orphan selects {app: nothing}" in third.stdout, third.stdout
    assert project.commits() == 2
