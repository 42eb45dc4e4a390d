"""The wheel works on its own: built from this tree, installed into an empty folder and run from
outside the source tree, it carries its schemas and rules and checks the example correctly.

Slow-ish (builds and installs a wheel: a few seconds) but part of the default run, so that CI
catches a wheel that lacks its data.
"""
from __future__ import annotations

import configparser
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

TIMEOUT = 120


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(out), str(ROOT)],
        cwd=out,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    wheels = list(out.glob("k8slint-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="module")
def site(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    proc = _run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-compile", "--target", str(target), str(wheel)],
        cwd=target,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return target


@pytest.fixture(scope="module")
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working directory outside the source tree with a copy of examples/web.yaml."""
    work = tmp_path_factory.mktemp("outside")
    assert ROOT not in work.parents
    shutil.copy(ROOT / "examples" / "web.yaml", work / "web.yaml")
    return work


def _env(site: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(site)
    env.pop("K8SLINT_DEBUG", None)
    env["NO_COLOR"] = "1"
    return env


def test_wheel_declares_console_script(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        [entry_points] = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        parser = configparser.ConfigParser()
        parser.read_string(zf.read(entry_points).decode("utf-8"))
    assert parser["console_scripts"]["k8slint"].strip() == "k8slint.cli:entry"
    # Only the package goes into the wheel (its data under k8slint/_data), nothing else of the tree.
    tops = {n.split("/")[0] for n in names}
    assert "k8slint" in tops and all(t == "k8slint" or t.endswith(".dist-info") for t in tops), tops


def test_installed_package_carries_its_data(site: Path) -> None:
    data = site / "k8slint" / "_data"
    assert (data / "schemas" / "kubernetes-1.37.json.gz").is_file()
    bundled = sorted(p.name for p in (ROOT / "schemas").glob("kubernetes-*.json.gz"))
    assert len(bundled) >= 13  # 1.25 to 1.37
    for name in bundled:
        installed = data / "schemas" / name
        assert installed.is_file(), name
        assert installed.read_bytes() == (ROOT / "schemas" / name).read_bytes(), name
    assert (data / "schemas" / "overlay" / "enums.yaml").is_file()
    assert (data / "rules").is_dir()
    source_rules = sorted(p.relative_to(ROOT / "rules") for p in (ROOT / "rules").rglob("*") if p.is_file())
    assert source_rules, "rules/ is empty in the source tree"
    for rel in source_rules:
        assert (data / "rules" / rel).is_file(), rel


def test_installed_package_is_the_one_imported(site: Path, outside: Path) -> None:
    proc = _run(
        [sys.executable, "-c", "import k8slint, k8slint.paths; print(k8slint.__file__); print(k8slint.paths.data_dir())"],
        cwd=outside, env=_env(site),
    )
    assert proc.returncode == 0, proc.stderr
    module_file, data_dir = proc.stdout.splitlines()
    print(f"\nk8slint imported from {module_file}; data from {data_dir}")
    assert Path(module_file).resolve() == (site / "k8slint" / "__init__.py").resolve()
    assert Path(data_dir).resolve() == (site / "k8slint" / "_data").resolve()


def test_installed_cli_checks_the_example(site: Path, outside: Path) -> None:
    proc = _run(
        [sys.executable, "-m", "k8slint", "check", "web.yaml", "--format", "json"], cwd=outside, env=_env(site)
    )
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 1, proc.stderr  # the example has mistakes on purpose
    report = json.loads(proc.stdout)
    assert report["kubernetes_version"] == "1.37"
    assert report["summary"]["objects"] == 2
    split = [f for f in report["findings"] if f["rule"] == "KL101" and f["line"] == 23]
    assert len(split) == 1, report["findings"]
    finding = split[0]
    assert finding["file"] == "web.yaml"
    assert finding["column"] == 15 and finding["severity"] == "error"
    assert finding["path"] == "spec.template.spec.containers[0].env[1]"
    assert "split" in finding["message"] and 'remove the "-" before "value"' in finding["help"]
