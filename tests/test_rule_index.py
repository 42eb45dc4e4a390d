"""rule_index.json: the shipped rules' metadata, so that a run imports only the rules it uses."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from k8slint import registry, rule_index


def _eager() -> dict[str, registry.RuleImpl]:
    return {impl.rule.code: impl for impl in registry.shipped_impls(lazy=False)}


def test_index_is_up_to_date():
    assert rule_index.load() is not None, (
        "k8slint/rule_index.json does not match the rules in k8slint/checks/ and rules/: "
        "run `python -m k8slint.docs` to rebuild it (and the rule docs)"
    )
    assert Path(rule_index.INDEX_PATH).read_text(encoding="utf-8") == rule_index.render(list(_eager().values()))


def test_lazy_registry_has_the_same_rules_as_the_eager_one():
    lazy = {impl.rule.code: impl for impl in registry.shipped_impls()}
    eager = _eager()
    assert sorted(lazy) == sorted(eager)
    for code, impl in eager.items():
        other = lazy[code]
        assert other.rule == impl.rule, code
        assert other.kinds == impl.kinds, code
        assert (other.has_check, other.has_check_index) == (impl.has_check, impl.has_check_index), code
        assert (other.check is None, other.check_index is None) == (impl.check is None, impl.check_index is None), code


def test_logic_is_loaded_on_first_use_only():
    lazy = {impl.rule.code: impl for impl in registry.shipped_impls()}
    pack_rule = lazy["KL841"]  # best-practices pack
    assert pack_rule._loader is not None
    assert callable(pack_rule.check) and pack_rule._loader is None


def test_a_stale_index_is_ignored(tmp_path, monkeypatch):
    index = json.loads(Path(rule_index.INDEX_PATH).read_text(encoding="utf-8"))
    index["fingerprint"] = "0" * 64
    stale = tmp_path / "rule_index.json"
    stale.write_text(json.dumps(index), encoding="utf-8")
    monkeypatch.setattr(rule_index, "INDEX_PATH", stale)
    assert rule_index.load() is None
    impls = registry.shipped_impls()
    assert all(impl._loader is None for impl in impls)  # loaded the slow way
    assert {impl.rule.code for impl in impls} == set(_eager())
    monkeypatch.setattr(rule_index, "INDEX_PATH", tmp_path / "missing.json")
    assert rule_index.load() is None


def _check_stdin(manifest: str) -> tuple[dict, list[str]]:
    """A JSON check of ``manifest`` in a fresh process: the report, and the packs it parsed."""
    script = (
        "import sys\n"
        "sys.argv = ['k8slint', 'check', '-', '--no-cache', '--format', 'json']\n"
        "from k8slint import cli\n"
        "cli.main()\n"
        "import k8slint.registry as r\n"
        "print(sorted(r._PACKS), file=sys.stderr)\n"
    )
    if rule_index.load() is None:
        pytest.skip("rule_index.json is stale (test_index_is_up_to_date says how to rebuild it)")
    done = subprocess.run(
        [sys.executable, "-c", script], input=manifest, capture_output=True, text=True, cwd=Path(__file__).parent,
    )
    return json.loads(done.stdout), done.stderr.strip().splitlines()


def test_a_run_on_a_service_imports_no_workload_rule_pack():
    service = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}]}\n"
    _, stderr = _check_stdin(service)
    # The profile packs' rules are off, so their files are never even parsed.
    assert stderr[-1] == "[]", stderr


def test_shipped_pack_rules_run_from_the_index_without_reading_their_pack():
    """KL102 (rules/env.yaml) fires from the logic recorded in the index; the pack is not parsed."""
    pod = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
        "spec:\n  containers:\n    - name: c\n      image: nginx:1.27.3\n      env: [{name: LOG_LEVEL}]\n"
    )
    report, stderr = _check_stdin(pod)
    assert [f["rule"] for f in report["findings"]].count("KL102") == 1
    assert stderr[-1] == "[]", stderr
    entry = next(e for e in json.loads(Path(rule_index.INDEX_PATH).read_text(encoding="utf-8"))["rules"]
                 if e["rule"][0] == "KL102")
    assert set(entry["logic"]) == {"match", "require", "message", "help"}


def test_rule_modules_loaded_by_the_registry_are_ordinary_imports():
    """The registry loads k8slint/checks/<name>.py from its file (cheaper than the import system's
    search); the module is the one `import` gives, registered on the package, with its pyc."""
    script = (
        "import importlib, sys, io\n"
        "from k8slint import cli, registry\n"
        "out, sys.stdout = sys.stdout, io.StringIO()\n"
        "cli.main(['check', '-', '--no-cache', '--format', 'json'])\n"
        "sys.stdout = out\n"
        "import k8slint.checks as package\n"
        "module = sys.modules['k8slint.checks.latest_tag']\n"
        "print(module is importlib.import_module('k8slint.checks.latest_tag') is package.latest_tag,"
        " module.__package__, module.__spec__.name, module.RULE.code)\n"
        "print(registry._import_rule_module('latest_tag') is module)\n"
    )
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: nginx\n"
    done = subprocess.run(
        [sys.executable, "-c", script], input=pod, capture_output=True, text=True, cwd=Path(__file__).parent,
    )
    assert done.stdout.splitlines() == ["True k8slint.checks k8slint.checks.latest_tag KL202", "True"], done.stderr
