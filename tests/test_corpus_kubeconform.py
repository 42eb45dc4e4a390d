"""k8slint against kubeconform's own fixtures and their expected outcomes.

``../shared/corpus/peers/kubeconform/EXPECTED.tsv`` says, for every fixture of
yannh/kubeconform, whether kubeconform (in its default mode) finds it valid, invalid, an
error or skipped. Each manifest row is checked here on its own, and k8slint must agree:

- ``valid`` (and ``skipped``): no finding of severity error;
- ``invalid`` / ``error``: error findings, and exactly the ones listed in ``ERRORS`` (rule,
  line, field path and a part of the message), so that the *reason* matches too.

Where k8slint deliberately disagrees with kubeconform, the row is listed in ``DISAGREEMENTS``
with the reason, and the test asserts k8slint's own behaviour instead.
"""
from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from typing import Optional

import pytest

from k8slint.findings import Severity
from k8slint.core_rules import CORE_RULES
from k8slint.run import CheckOptions, RunResult, run_check
from tests.conftest import CORPUS, needs_shared

PEER = CORPUS / "peers" / "kubeconform"
EXPECTED_TSV = PEER / "EXPECTED.tsv"

pytestmark = needs_shared


@dataclass(frozen=True)
class F:
    """One expected finding: rule code, 1-based line, field path, and the part of the message that
    names the offender (not the wording around it, which may be improved)."""

    rule: str
    line: int
    path: Optional[str]
    says: str = ""
    severity: Severity = Severity.ERROR


# Every row for which k8slint reports errors → exactly the error findings it must report.
ERRORS: dict[str, list[F]] = {
    # replicas: asd" is a string where an integer is required; "templates" is a typo of "template".
    "fixtures/invalid.yaml": [
        F("KL011", 6, "spec.replicas", 'got string "asd\\""'),
        F("KL010", 9, "spec.templates", 'did you mean "template"?'),
    ],
    # The same ReplicationController as item 1 of a kind: List (item 0, a Service, is valid).
    "fixtures/list_invalid.yaml": [
        F("KL011", 26, "items[1].spec.replicas", 'got string "asd\\""'),
        F("KL010", 29, "items[1].spec.templates", 'did you mean "template"?'),
    ],
    # One Service in a six-document file has port: sds.
    "fixtures/multi_invalid.yaml": [
        F("KL011", 12, "spec.ports[0].port", '"sds"'),
    ],
    "fixtures/missing_apiversion.yaml": [
        F("KL003", 1, None, "no apiVersion"),
    ],
    "fixtures/missing_kind_value.yaml": [
        F("KL003", 1, None, "empty kind"),
    ],
    # Five documents, each only "kind:" (empty): one KL003 per document.
    "fixtures/multi_invalid_resources.yaml": [
        F("KL003", line, None, "empty kind") for line in (1, 3, 5, 7, 9)
    ],
    # apps/v1beta1 Deployments were removed in Kubernetes 1.16; the apps/v1 one (doc 1) is fine.
    "fixtures/same-kind-different-api.yaml": [
        F("KL020", 29, "apiVersion", "apps/v1beta1"),
    ],
    # apiextensions.k8s.io/v1beta1 CustomResourceDefinitions were removed in Kubernetes 1.22.
    "fixtures/crd_schema.yaml": [
        F("KL020", 3, "apiVersion", "apiextensions.k8s.io/v1beta1"),
    ],
    # kubeconform -strict: a DaemonSet has no spec.replicas.
    "fixtures/extra_property.yaml": [
        F("KL010", 7, "spec.replicas", '"replicas"'),
    ],
    # kubeconform -strict: "containers" given twice (and, like extra_property, spec.replicas).
    "fixtures/duplicate_property.yaml": [
        F("KL010", 7, "spec.replicas", '"replicas"'),
        F("KL002", 16, "spec.template.spec.containers", '"containers" (first defined at line 13)'),
    ],
    # SkipThisKind does not exist in the core group v1 (kubeconform skips it only with -skip).
    "fixtures/duplicates-skipped-kinds.yaml": [
        F("KL021", 4, "kind", '"SkipThisKind"'),
        F("KL021", 24, "kind", '"SkipThisKind"'),
    ],
}

# Findings below error that must also be reported (custom resources: once per kind, as info).
NOTICES: dict[str, list[F]] = {
    "fixtures/test_crd.yaml": [
        F("KL022", 2, "kind", "TrainingJob (sagemaker.aws.amazon.com/v1)", Severity.INFO),
    ],
    "fixtures/httpproxy.yaml": [
        F("KL022", 2, "kind", "HTTPProxy (projectcontour.io/v1)", Severity.INFO),
    ],
    "fixtures/grafana-alert-rule-group-sample.yaml": [
        F("KL022", 3, "kind", "GrafanaAlertRuleGroup (grafana.integreatly.org/v1beta1)", Severity.INFO),
    ],
}

# Rows where k8slint's verdict (errors or not) differs from EXPECTED.tsv, on purpose.
DISAGREEMENTS: dict[str, str] = {
    "fixtures/extra_property.yaml":
        "EXPECTED.tsv gives kubeconform's default (lax) outcome; k8slint always validates strictly, "
        "like kubeconform -strict and the API server's strict field validation: unknown field spec.replicas",
    "fixtures/duplicate_property.yaml":
        "EXPECTED.tsv gives kubeconform's default (lax) outcome; k8slint always reports duplicate keys "
        "(like kubeconform -strict), and the file also has the unknown field spec.replicas",
    "fixtures/missing_kind.yaml":
        "the document (key: value) has neither apiVersion nor kind, so it is not a Kubernetes object: "
        "k8slint skips it and counts it as skipped, by design (kustomization.yaml, Helm values, CI files "
        "look the same); only a document with one of the two is a KL003 error",
    "fixtures/test_crd.yaml":
        "a custom resource without a bundled schema is an info KL022 by default (it is not validated, "
        "reported once per kind), and an error only with --strict-kinds; kubeconform fails by default",
    "fixtures/duplicates-skipped-kinds.yaml":
        "kubeconform skips SkipThisKind because its test passes -skip SkipThisKind; k8slint has no "
        "such option and reports the kind, which the core API group v1 does not serve, as KL021",
}

# Rows marked n/a (JSON Schemas and a CRD source file): not part of the comparison, but k8slint
# must still handle them sensibly when given them → the error findings it must report.
NOT_APPLICABLE: dict[str, list[F]] = {
    "fixtures/registry/trainingjob-sagemaker-v1.json": [],
    "fixtures/grafanaalertrulegroup_v1beta1.json": [],
    "fixtures/cache/603105c17f981119fec20ae25cfb97ff6dd99114a875ae841ef965d9345667e3": [],
    "fixtures/cache/6dc6142c64b944d783a3e783526114da8e747a14a11d8b32dd1f12e2d89a8330": [],
    "fixtures/cache/6dd0c06492c957fe2118a16dae1c5b9e76be072b527a9a45fd1044bd54237334": [],
    # The CRD the registry schema was generated from is itself a manifest, of a removed API.
    "fixtures/registry/sagemaker.aws.amazon.com_trainingjobs.yaml": [
        F("KL020", 3, "apiVersion", "apiextensions.k8s.io/v1beta1"),
    ],
}

OUTCOMES = {"valid", "invalid", "error", "skipped"}


def _rows() -> list[dict[str, str]]:
    if not EXPECTED_TSV.is_file():
        return []
    with EXPECTED_TSV.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


ROWS = _rows()
MANIFEST_ROWS = [r for r in ROWS if r["expected"] != "n/a"]


def _param(rows: list[dict[str, str]]) -> list:
    if not rows:  # ../shared absent: one placeholder that needs_shared skips
        return [pytest.param({"file": "-", "expected": "-", "reason": "-"}, id="no-corpus")]
    return [pytest.param(r, id=r["file"]) for r in rows]


# kubeconform validates schemas: compare only k8slint's reading and schema rules (KL0xx).
SCHEMA_RULES = [r.code for r in CORE_RULES if r.code.startswith("KL0")]


def _check(file: str, **options: object) -> RunResult:
    options.setdefault("select", SCHEMA_RULES)
    result = run_check(CheckOptions([str(PEER / file)], **options))  # type: ignore[arg-type]
    assert not result.input_errors, result.input_errors
    return result


def _describe(result: RunResult) -> str:
    return "\n".join(
        f"  {f.span.line}:{f.span.column} {f.severity.label} {f.rule} [{f.path}] {f.message}"
        for f in result.findings
    ) or "  (no findings)"


def _assert_findings(result: RunResult, expected: list[F], severity: Severity) -> None:
    """The findings of this severity are exactly the expected ones (rule, line, path, message)."""
    got = [f for f in result.findings if f.severity is severity]
    assert Counter((f.rule, f.span.line, f.path) for f in got) == Counter(
        (e.rule, e.line, e.path) for e in expected if e.severity is severity
    ), f"findings:\n{_describe(result)}"
    for e in expected:
        if e.severity is not severity:
            continue
        match = [f for f in got if (f.rule, f.span.line, f.path) == (e.rule, e.line, e.path)]
        assert any(e.says in f.message for f in match), (
            f"no {e.rule} at line {e.line} says {e.says!r}; findings:\n{_describe(result)}"
        )


@pytest.mark.parametrize("row", _param(MANIFEST_ROWS))
def test_fixture_outcome(row: dict[str, str]) -> None:
    file, expected = row["file"], row["expected"]
    result = _check(file)
    kubeconform_fails = expected in ("invalid", "error")
    k8slint_fails = not kubeconform_fails if file in DISAGREEMENTS else kubeconform_fails
    errors = [f for f in result.findings if f.severity is Severity.ERROR]
    if k8slint_fails:
        assert errors, f"{file} is {expected} ({row['reason']}) but k8slint found no error"
        assert file in ERRORS, f"{file}: list the errors it must report in ERRORS"
        _assert_findings(result, ERRORS[file], Severity.ERROR)
    else:
        assert not errors, f"{file} is {expected} ({row['reason']}); findings:\n{_describe(result)}"
        assert file not in ERRORS
    if file in NOTICES:
        got = {(f.rule, f.span.line, f.path, f.severity) for f in result.findings}
        for e in NOTICES[file]:
            assert (e.rule, e.line, e.path, e.severity) in got, f"findings:\n{_describe(result)}"
            assert any(e.says in f.message for f in result.findings if f.rule == e.rule)
    # Every finding belongs to the file that was checked and sits inside it.
    lines = (PEER / file).read_text(encoding="utf-8-sig").count("\n") + 1
    for f in result.findings:
        assert 1 <= f.span.line <= lines and f.span.column >= 1


def test_missing_kind_is_skipped_and_counted() -> None:
    result = _check("fixtures/missing_kind.yaml")
    assert result.findings == []
    assert (result.summary.documents, result.summary.objects, result.summary.skipped) == (1, 0, 1)


def test_custom_resource_without_schema_is_an_error_with_strict_kinds() -> None:
    result = _check("fixtures/test_crd.yaml", strict_kinds=True)
    assert [(f.rule, f.severity, f.span.line) for f in result.findings] == [("KL022", Severity.ERROR, 2)]


def test_removed_deployment_api_is_reported_for_the_oldest_bundled_version_too() -> None:
    # apps/v1beta1 was removed in 1.16, before the oldest bundled version.
    result = _check("fixtures/same-kind-different-api.yaml", kubernetes_version="1.25")
    _assert_findings(result, ERRORS["fixtures/same-kind-different-api.yaml"], Severity.ERROR)


@pytest.mark.parametrize("file", sorted(NOT_APPLICABLE))
def test_not_applicable_rows(file: str) -> None:
    assert file in {r["file"] for r in ROWS if r["expected"] == "n/a"}
    result = _check(file)
    _assert_findings(result, NOT_APPLICABLE[file], Severity.ERROR)
    if not NOT_APPLICABLE[file]:  # a JSON Schema: one document, not an object, skipped
        assert (result.summary.objects, result.summary.skipped) == (0, 1)
        assert result.findings == []


def test_expected_tsv_is_covered() -> None:
    assert ROWS, "EXPECTED.tsv has no rows"
    files = [r["file"] for r in ROWS]
    assert len(files) == len(set(files)), "a file is listed twice in EXPECTED.tsv"
    assert {r["expected"] for r in ROWS} <= OUTCOMES | {"n/a"}
    # The TSV lists every file of fixtures/ (except the tools' own files beside it).
    on_disk = {p.relative_to(PEER).as_posix() for p in (PEER / "fixtures").rglob("*") if p.is_file()}
    assert on_disk == set(files)
    # Every manifest row that fails, or on which k8slint disagrees, has its reason encoded here.
    for row in MANIFEST_ROWS:
        if row["expected"] in ("invalid", "error"):
            assert row["file"] in ERRORS or row["file"] in DISAGREEMENTS, row["file"]
    assert {r["file"] for r in ROWS if r["expected"] == "n/a"} == set(NOT_APPLICABLE)
    # ... and nothing encoded here refers to a row that no longer exists or is n/a.
    manifest_files = {r["file"] for r in MANIFEST_ROWS}
    for table in (ERRORS, NOTICES, DISAGREEMENTS):
        assert set(table) <= manifest_files, set(table) - manifest_files
    # A row that fails in k8slint is in ERRORS exactly when kubeconform fails xor we disagree.
    for row in MANIFEST_ROWS:
        fails = (row["expected"] in ("invalid", "error")) != (row["file"] in DISAGREEMENTS)
        assert fails == (row["file"] in ERRORS), row["file"]
