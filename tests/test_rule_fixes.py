"""Every fixable rule: its fixture's fail.yaml, fixed (safe and unsafe fixes), equals
fail.fixed.yaml byte for byte, and checking the fixed file gives no finding from the rule.
The catalog's fixability (never / sometimes / always) matches what the rule emits."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from k8slint.docs import builtin_rules
from k8slint.fix_command import run_fixes
from k8slint.run import CheckOptions, run_check
from tests.conftest import FIXTURES

RULES = {rule.code: rule for rule in builtin_rules()}
FIXABLE = sorted(code for code, rule in RULES.items() if rule.fixable != "never")


def _folder(code: str) -> Path:
    rule = RULES[code]
    return FIXTURES / f"{rule.code}-{rule.name}"


def _in(folder: Path, fn):
    old = os.getcwd()
    os.chdir(folder)
    try:
        return fn()
    finally:
        os.chdir(old)


def _fixed(code: str, name: str = "fail.yaml"):
    def go():
        options = CheckOptions(paths=[name], select=[code])

        def check(overlay):
            options.overlay = overlay
            return run_check(options)

        return run_fixes(check, unsafe=True)
    return _in(_folder(code), go)


def test_some_rules_are_fixable():
    assert len(FIXABLE) >= 9, FIXABLE


@pytest.mark.parametrize("code", FIXABLE)
def test_fail_fixture_fixed_equals_fail_fixed_yaml(code):
    folder = _folder(code)
    expected = folder / "fail.fixed.yaml"
    assert expected.is_file(), f"{folder.name}/fail.fixed.yaml is missing"
    result, outcome = _fixed(code)
    (entry,) = outcome.changed
    assert entry.encoded() == expected.read_bytes()
    assert not [f for f in result.findings if f.rule == code], "fixes left findings of the rule"
    after = _in(folder, lambda: run_check(CheckOptions(paths=["fail.fixed.yaml"], select=[code])))
    assert not [f.to_json() for f in after.findings if f.rule == code]


@pytest.mark.parametrize("code", sorted(RULES))
def test_declared_fixability_matches_what_the_rule_emits(code):
    rule = RULES[code]
    folder = _folder(code)
    result = _in(folder, lambda: run_check(CheckOptions(paths=["fail.yaml"], select=[code])))
    findings = [f for f in result.findings if f.rule == code]
    with_fix = [f for f in findings if f.fix is not None]
    if rule.fixable == "never":
        assert not with_fix and not (folder / "fail.fixed.yaml").exists()
    elif rule.fixable == "always":
        assert findings and len(with_fix) == len(findings)
    else:
        assert with_fix, f"{code} is 'sometimes' fixable but fail.yaml has no fixable finding"
    for f in with_fix:
        assert f.fix.safety in ("safe", "unsafe") and f.fix.title and f.fix.edits
