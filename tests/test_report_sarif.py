"""The SARIF report: valid SARIF 2.1.0 (checked against the OASIS schema) for every fixture and
every odd input, the content GitHub code scanning relies on, and fingerprints that survive
lines added above a finding."""
from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path

import pytest

from k8slint.findings import Finding, ObjectRef, Severity, Span
from k8slint.report import ReportOptions, render
from k8slint.report.sarif import HELP_URI, LEVELS
from k8slint.run import CheckOptions, RunResult, Summary, run_check
from tests.conftest import FIXTURES, ROOT, SHARED

SCHEMA = SHARED / "schemas-ext" / "sarif-schema-2.1.0.json"
needs_schema = pytest.mark.skipif(
    not SCHEMA.is_file(),
    reason="../shared/schemas-ext/sarif-schema-2.1.0.json is not beside the project (CI provides it)",
)
FIXTURE_FOLDERS = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())
# A ConfigMap with one finding (KL011: an unquoted yes in data).
CONFIG_MAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {}\ndata:\n  on: yes\n"

# RFC 3986 URI-reference, character level: unreserved, reserved and %HH escapes only. The
# schema's "uri-reference" format is not a draft-04 format, so the validator is told about it.
_URI_CHARS = re.compile(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


def is_uri_reference(text: str) -> bool:
    if not _URI_CHARS.fullmatch(text):
        return False
    # A relative reference must not look like it starts with a scheme ("a:b" → scheme "a").
    first = text.split("/", 1)[0]
    return ":" not in first or bool(_SCHEME.match(first))


@pytest.fixture(scope="module")
def validator():
    if not SCHEMA.is_file():
        pytest.skip(f"{SCHEMA} is absent")
    import jsonschema_rs

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return jsonschema_rs.Draft4Validator(
        schema, validate_formats=True, formats={"uri-reference": is_uri_reference},
    )


def check_valid(validator, text: str) -> dict:
    """Parse a rendered report and assert it is valid SARIF; returns the parsed report."""
    assert text.endswith("}\n")
    data = json.loads(text)
    errors = [f"{'/'.join(map(str, e.instance_path))}: {e.message}" for e in validator.iter_errors(data)]
    assert not errors, "\n".join(errors[:20])
    return data


def sarif(result: RunResult, root: Path | str = ROOT) -> str:
    return render("sarif", result, ReportOptions(root=str(root)))


def run_in(
    folder: Path, *paths: str, stdin: bytes | None = None, root: Path = ROOT, **options
) -> tuple[RunResult, str]:
    """Check ``paths`` from ``folder`` and render SARIF there (findings name files relative to
    the working directory, as on the command line)."""
    old = os.getcwd()
    os.chdir(folder)
    try:
        result = run_check(CheckOptions(paths=list(paths), **options),
                           stdin=io.BytesIO(stdin) if stdin is not None else None)
        return result, sarif(result, root)
    finally:
        os.chdir(old)


def the_run(data: dict) -> dict:
    assert len(data["runs"]) == 1
    return data["runs"][0]


def location(result: dict) -> dict:
    return result["locations"][0]["physicalLocation"]


# -- valid SARIF, whatever the input -------------------------------------------------------


@needs_schema
@pytest.mark.parametrize("folder", FIXTURE_FOLDERS)
def test_sarif_validates_for_every_fixture(folder, validator):
    code = folder.split("-", 1)[0]
    for name in ("fail.yaml", "pass.yaml"):
        result, text = run_in(FIXTURES / folder, name, select=[code])
        data = check_valid(validator, text)
        run = the_run(data)
        assert len(run["results"]) == len(result.findings)
        for entry in run["results"]:
            assert location(entry)["artifactLocation"] == {
                "uri": f"fixtures/{folder}/{name}", "uriBaseId": "%SRCROOT%",
            }
        if name == "fail.yaml":
            assert code in {r["ruleId"] for r in run["results"]}, f"{code} did not fire on {folder}/fail.yaml"


@needs_schema
def test_sarif_validates_for_files_that_fail_to_parse(tmp_path, validator):
    (tmp_path / "syntax.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n   b: c\n")
    (tmp_path / "bytes.yaml").write_bytes(b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \xff\xfe\n")
    result, text = run_in(tmp_path, "syntax.yaml", "bytes.yaml", root=tmp_path)
    run = the_run(check_valid(validator, text))
    by_file = {location(r)["artifactLocation"]["uri"]: r for r in run["results"]}
    assert set(by_file) == {"syntax.yaml", "bytes.yaml"}
    assert {r["ruleId"] for r in run["results"]} == {"KL001"}
    assert run["invocations"] == [{"executionSuccessful": True}]


@needs_schema
def test_unreadable_path_is_a_tool_execution_notification(tmp_path, validator):
    (tmp_path / "ok.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n")
    result, text = run_in(tmp_path, "ok.yaml", "missing.yaml", root=tmp_path)
    assert [e.path for e in result.input_errors] == ["missing.yaml"]
    run = the_run(check_valid(validator, text))
    invocation, = run["invocations"]
    assert invocation["executionSuccessful"] is False
    notification, = invocation["toolExecutionNotifications"]
    assert notification["level"] == "error"
    assert notification["message"]["text"] == f"missing.yaml: {result.input_errors[0].reason}"
    assert location(notification)["artifactLocation"] == {"uri": "missing.yaml", "uriBaseId": "%SRCROOT%"}


@needs_schema
def test_stdin(tmp_path, validator):
    content = CONFIG_MAP.format("a").encode()
    result, text = run_in(tmp_path, "-", stdin=content, root=tmp_path)
    assert result.findings
    run = the_run(check_valid(validator, text))
    # "<stdin>" is no file in the repository: an encoded reference without a base.
    assert [location(r)["artifactLocation"] for r in run["results"]] == [{"uri": "%3Cstdin%3E"}]
    # With --stdin-filename the content stands for that file, relative to the root.
    result, text = run_in(tmp_path, "-", stdin=content, stdin_filename="deploy/cm.yaml", root=tmp_path)
    run = the_run(check_valid(validator, text))
    assert [location(r)["artifactLocation"] for r in run["results"]] == [
        {"uri": "deploy/cm.yaml", "uriBaseId": "%SRCROOT%"}
    ]


@needs_schema
def test_file_outside_the_root_gets_an_absolute_uri(tmp_path, validator):
    (tmp_path / "repo").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "cm.yaml").write_text(CONFIG_MAP.format("a"))
    result, text = run_in(tmp_path / "elsewhere", "cm.yaml", root=tmp_path / "repo")
    run = the_run(check_valid(validator, text))
    assert run["results"]
    for entry in run["results"]:
        assert location(entry)["artifactLocation"] == {"uri": (tmp_path / "elsewhere" / "cm.yaml").resolve().as_uri()}
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": (tmp_path / "repo").resolve().as_uri() + "/"}}


@needs_schema
def test_uris_are_percent_encoded(tmp_path, validator):
    folder = tmp_path / "my dir"
    folder.mkdir()
    (folder / "wéb #1?.yaml").write_text(CONFIG_MAP.format("a"))
    (tmp_path / "a:b.yaml").write_text(CONFIG_MAP.format("b"))
    result, text = run_in(tmp_path, "my dir/wéb #1?.yaml", "a:b.yaml", root=tmp_path)
    run = the_run(check_valid(validator, text))
    assert {location(r)["artifactLocation"]["uri"] for r in run["results"]} == {
        "my%20dir/w%C3%A9b%20%231%3F.yaml", "a%3Ab.yaml",
    }


# -- content -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def examples():
    result, text = run_in(ROOT, "examples")
    return result, text, json.loads(text)


def test_rules_are_exactly_the_rules_that_ran(examples):
    result, _, data = examples
    rules = the_run(data)["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in result.rules]
    by_id = {r.code: r for r in result.rules}
    for descriptor in rules:
        rule = by_id[descriptor["id"]]
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["fullDescription"]["text"] == rule.why.strip()
        assert descriptor["help"]["markdown"].startswith(f"# {rule.code} {rule.name}\n")
        page = f"{rule.code}-{rule.name}.md"
        assert descriptor["helpUri"] == f"https://github.com/k8slint/k8slint/blob/main/docs/rules/{page}"
        assert (ROOT / "docs" / "rules" / page).is_file()
        assert descriptor["defaultConfiguration"]["level"] == LEVELS[rule.severity]
        assert rule.category in descriptor["properties"]["tags"]

    selected = run_check(CheckOptions(paths=[str(ROOT / "examples")], select=["KL101", "KL708"]))
    rules = the_run(json.loads(sarif(selected)))["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["KL101", "KL708"]


def test_results_point_at_the_findings(examples):
    result, _, data = examples
    run = the_run(data)
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": ROOT.resolve().as_uri() + "/"}}
    assert run["properties"] == {"kubernetesVersion": result.kubernetes_version}
    rules = run["tool"]["driver"]["rules"]
    assert len(run["results"]) == len(result.findings) >= 5
    for finding, entry in zip(result.findings, run["results"]):
        assert entry["ruleId"] == finding.rule == rules[entry["ruleIndex"]]["id"]
        assert entry["level"] == {"error": "error", "warning": "warning", "info": "note"}[finding.severity.label]
        assert entry["message"]["text"] == f"{finding.message}\n{finding.help}"
        physical = location(entry)
        assert physical["artifactLocation"] == {"uri": "examples/web.yaml", "uriBaseId": "%SRCROOT%"}
        span = finding.span
        assert physical["region"] == {
            "startLine": span.line, "startColumn": span.column, "endLine": span.end_line, "endColumn": span.end_column,
        }
        assert entry["locations"][0]["logicalLocations"] == [
            {"name": "web", "fullyQualifiedName": "Deployment/web", "kind": "resource"}
        ]
        assert entry["properties"] == {"path": finding.path}
    assert {e["level"] for e in run["results"]} == {"error", "warning"}


@needs_schema
def test_hand_built_result_levels_unknown_rules_and_repeated_fingerprints(validator):
    """Severities map to levels; a finding of a rule that did not run still gets a descriptor;
    two findings with the same fingerprint in a file get distinct partial fingerprints."""
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"
    ref = ObjectRef("v1", "ConfigMap", "prod", "a")
    span = Span(4, 9, 4, 10)
    findings = [
        Finding("cm.yaml", span, "KL999", "made-up", Severity.ERROR, "one", None, ref, "metadata.name"),
        Finding("cm.yaml", span, "KL999", "made-up", Severity.WARNING, "two", "help", ref, "metadata.name"),
        Finding("cm.yaml", span, "KL999", "made-up", Severity.INFO, "three", None, None, None),
        Finding("other.yaml", span, "KL999", "made-up", Severity.INFO, "four", None, ref, "metadata.name"),
    ]
    result = RunResult(findings, Summary(), {"cm.yaml": text, "other.yaml": text}, [], "1.37", rules=[])
    run = the_run(check_valid(validator, sarif(result)))
    assert run["tool"]["driver"]["rules"] == [{
        "id": "KL999", "name": "made-up", "shortDescription": {"text": "made-up"},
        "helpUri": HELP_URI.format(code="KL999", name="made-up"), "defaultConfiguration": {"level": "error"},
    }]
    assert [r["level"] for r in run["results"]] == ["error", "warning", "note", "note"]
    assert [r["ruleIndex"] for r in run["results"]] == [0, 0, 0, 0]
    assert run["results"][1]["message"]["text"] == "two\nhelp"
    assert run["results"][0]["locations"][0]["logicalLocations"] == [
        {"name": "a", "fullyQualifiedName": "ConfigMap/prod/a", "kind": "resource"}
    ]
    assert "logicalLocations" not in run["results"][2]["locations"][0]
    prints = [r["partialFingerprints"]["k8slint/v1"] for r in run["results"]]
    assert prints[1] == prints[0] + ":2"  # same rule, object, path and text in the same file
    assert ":" not in prints[2] and prints[2] != prints[0]  # no object, no path
    assert prints[3] == prints[0]  # another file: numbered on its own
    assert len(set(prints[:3])) == 3


def test_output_is_deterministic(examples):
    result, text, data = examples
    assert text == run_in(ROOT, "examples")[1]
    assert text == json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    assert "timestamp" not in text.lower() and "Utc" not in text
    root_uri = ROOT.resolve().as_uri()
    assert text.count(str(ROOT.resolve())) == 1 and text.count(root_uri) == 1


# -- fingerprints across edits -----------------------------------------------------------

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
      restartPolicy: Allways
      containers:
        - name: web
          image: nginx:1.27
          env:
            - name: DEBUG
              value: yes
"""

SHIFTED = """\
# A comment added on top,
# and another one.
apiVersion: v1
kind: ConfigMap
metadata:
  name: unrelated
---
""" + DEPLOYMENT.replace("kind: Deployment\n", "kind: Deployment\n# a comment in between\n")


def _prints(folder: Path, text: str) -> dict[str, tuple[str, int]]:
    (folder / "deploy.yaml").write_text(text)
    _, report = run_in(folder, "deploy.yaml", root=folder)
    results = the_run(json.loads(report))["results"]
    out = {r["ruleId"]: (r["partialFingerprints"]["k8slint/v1"], location(r)["region"]["startLine"]) for r in results}
    assert len(out) == len(results), "one finding per rule expected"
    return out


def test_fingerprints_survive_lines_added_above(tmp_path):
    before = _prints(tmp_path, DEPLOYMENT)
    assert {"KL011", "KL624"} <= set(before)
    after = _prints(tmp_path, SHIFTED)
    assert set(after) == set(before)
    for code in before:
        assert after[code][0] == before[code][0], code
        assert after[code][1] == before[code][1] + 8, code


def test_fingerprint_changes_with_the_offending_value(tmp_path):
    before = _prints(tmp_path, DEPLOYMENT)
    after = _prints(tmp_path, DEPLOYMENT.replace("restartPolicy: Allways", "restartPolicy: always"))
    assert after["KL624"][0] != before["KL624"][0]
    assert after["KL624"][1] == before["KL624"][1]
    assert after["KL011"] == before["KL011"]


# -- the exact report ----------------------------------------------------------------------


def test_examples_snapshot(snapshot):
    """The whole report for examples/, with the rules that fire there selected: a default run
    describes every rule that ran (some 60, each with its full documentation), which would bury
    the results and churn on every rule added or reworded. The root URI is machine-specific."""
    _, text = run_in(ROOT, "examples", select=["KL010", "KL011", "KL101", "KL624", "KL708"])
    text = text.replace(ROOT.resolve().as_uri() + "/", "file:///PROJECT/")
    snapshot.assert_match(text, "examples.sarif.json")
