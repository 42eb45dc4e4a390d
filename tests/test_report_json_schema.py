"""The JSON report matches its published JSON Schema (docs/json-report.schema.json) for every
fixture in the project, files that fail to parse and unreadable paths included."""
from __future__ import annotations

import json
import os

import jsonschema
import pytest

from k8slint.report import ReportOptions, render
from k8slint.run import CheckOptions, run_check
from tests.conftest import FIXTURES, ROOT

VALIDATOR = jsonschema.Draft202012Validator(json.loads((ROOT / "docs" / "json-report.schema.json").read_text()))
FOLDERS = sorted(p for p in FIXTURES.iterdir() if p.is_dir())


def _report(folder, paths, **options):
    old = os.getcwd()
    os.chdir(folder)
    try:
        result = run_check(CheckOptions(paths=paths, **options))
    finally:
        os.chdir(old)
    return json.loads(render("json", result, ReportOptions()))


def test_the_schema_is_a_valid_schema():
    jsonschema.Draft202012Validator.check_schema(VALIDATOR.schema)


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_every_fixture_report_matches_the_schema(folder):
    code = folder.name.split("-")[0]
    data = _report(folder, ["fail.yaml", "pass.yaml"], select=[code])
    VALIDATOR.validate(data)
    assert data["findings"], "fail.yaml fires"


def test_broken_input_matches_the_schema(tmp_path):
    (tmp_path / "syntax.yaml").write_text("a: [1,\n")
    (tmp_path / "binary.yaml").write_bytes(b"\xff\xfe\x00bad")
    data = _report(tmp_path, ["syntax.yaml", "binary.yaml", "missing.yaml"])
    VALIDATOR.validate(data)
    assert data["input_errors"] and len(data["findings"]) >= 2
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate({**data, "findings": [{**data["findings"][0], "line": 0}]})
