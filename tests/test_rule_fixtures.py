"""Every rule has a fixture folder: fail.yaml must fire (snapshot of the exact text report),
pass.yaml must stay quiet. Rules are looked at in isolation: only their own findings count."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from k8slint.docs import builtin_rules
from k8slint.report.text import _Style, _lines, format_finding
from k8slint.run import CheckOptions, run_check
from tests.conftest import FIXTURES, ROOT

ALL_RULES = builtin_rules()
RULES = {rule.code: rule for rule in ALL_RULES}


def _folder(code: str) -> Path:
    rule = RULES[code]
    return FIXTURES / f"{rule.code}-{rule.name}"


def _findings(path: Path, code: str):
    old = os.getcwd()
    os.chdir(path.parent)
    try:
        # Each rule in isolation: only it runs (plus any rule a folder's .k8slint.yaml adds
        # with extend-select, e.g. the rule whose finding a suppression fixture suppresses).
        result = run_check(CheckOptions(paths=[path.name], select=[code]))
    finally:
        os.chdir(old)
    return result, [f for f in result.findings if f.rule == code]


def test_every_rule_has_a_fixture_folder():
    folders = {p.name for p in FIXTURES.iterdir() if p.is_dir()}
    expected = {f"{r.code}-{r.name}" for r in ALL_RULES}
    assert expected <= folders, f"missing fixture folders: {sorted(expected - folders)}"
    for name in expected:
        for required in ("pass.yaml", "fail.yaml", "fail.expected.txt"):
            assert (FIXTURES / name / required).is_file(), f"{name}/{required} is missing"


def test_fixture_folders_belong_to_rules():
    known = {f"{r.code}-{r.name}" for r in ALL_RULES}
    stray = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name not in known)
    assert not stray, f"fixture folders for unknown rules (renamed?): {stray}"


@pytest.mark.parametrize("code", sorted(RULES))
def test_fail_fixture_fires_with_exact_output(code, snapshot):
    folder = _folder(code)
    result, findings = _findings(folder / "fail.yaml", code)
    assert findings, f"{code} did not fire on {folder.name}/fail.yaml"
    lines = _lines((folder / "fail.yaml").read_text(encoding="utf-8"))
    rendered = []
    for finding in findings:
        rendered.extend(format_finding(finding, lines, _Style(False)))
        rendered.append("")
    snapshot.snapshot_dir = folder
    snapshot.assert_match("\n".join(rendered), "fail.expected.txt")


@pytest.mark.parametrize("code", sorted(RULES))
def test_pass_fixture_stays_quiet(code):
    folder = _folder(code)
    result, findings = _findings(folder / "pass.yaml", code)
    assert not findings, [f.to_json() for f in findings]
    assert result.summary.objects >= 1, "a pass fixture must contain at least one object"


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_metadata_is_complete(code):
    rule = RULES[code]
    assert rule.code.startswith("KL") and len(rule.code) == 5 and rule.code[2:].isdigit()
    assert rule.name == rule.name.lower() and " " not in rule.name
    for text in (rule.summary, rule.why, rule.example, rule.use_instead):
        assert text.strip()
    assert rule.fixable in ("never", "sometimes", "always")


def test_rule_codes_and_names_are_unique():
    assert len({r.code for r in ALL_RULES}) == len(ALL_RULES)
    assert len({r.name for r in ALL_RULES}) == len(ALL_RULES)


def test_readme_example_exists():
    assert (ROOT / "examples" / "web.yaml").is_file()
