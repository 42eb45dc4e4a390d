"""docs/coverage.md, the table of what k8slint covers of kube-linter, kube-score, Polaris and the
Pod Security Standards, stays true: the codes it names exist, every Pod Security Standards
control and every rule of a profile has a row, a row without rules says why, and (with
../shared beside the project) every peer check that ANCHORS.md lists has a row."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

import pytest

from k8slint.registry import load_registry
from tests.conftest import ROOT, SHARED, needs_shared

DOC = ROOT / "docs" / "coverage.md"
CODE = re.compile(r"\bKL\d{3}\b")
REASONS = ("out of scope:", "not planned:")

# https://kubernetes.io/docs/concepts/security/pod-security-standards/ (level, control)
PSS_CONTROLS = [
    ("baseline", "HostProcess"),
    ("baseline", "Host Namespaces"),
    ("baseline", "Privileged Containers"),
    ("baseline", "Capabilities"),
    ("baseline", "HostPath Volumes"),
    ("baseline", "Host Ports"),
    ("baseline", "Host Probes / Lifecycle Hooks"),
    ("baseline", "AppArmor"),
    ("baseline", "SELinux"),
    ("baseline", "/proc Mount Type"),
    ("baseline", "Seccomp"),
    ("baseline", "Sysctls"),
    ("restricted", "Volume Types"),
    ("restricted", "Privilege Escalation"),
    ("restricted", "Running as Non-root"),
    ("restricted", "Running as Non-root user"),
    ("restricted", "Seccomp"),
    ("restricted", "Capabilities"),
]

# section of docs/coverage.md → (section of ANCHORS.md, number of checks it lists)
PEERS = {
    "kube-linter": ("### 2.1 kube-linter", 63),
    "kube-score": ("### 2.2 kube-score", 39),
    "Polaris": ("### 2.3 Polaris", 44),
}


class Row(NamedTuple):
    section: str
    cells: dict[str, str]
    codes: tuple[str, ...]
    notes: str


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


@lru_cache(maxsize=1)
def rows() -> list[Row]:
    """The rows of every table under a "## " heading; the rule codes are in the "k8slint" column."""
    out: list[Row] = []
    section, header = "", None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section, header = line[3:].strip(), None
            continue
        if not line.startswith("|"):
            header = None
            continue
        cells = _cells(line)
        if header is None:
            header = cells
            continue
        if all(set(cell) <= set("-: ") for cell in cells):
            continue  # the separator row
        if "k8slint" not in header:
            continue  # a table that is not a coverage table (the profiles at the top)
        assert len(cells) == len(header), f"{section}: row {line!r} does not have {len(header)} cells"
        by_name = dict(zip(header, cells))
        out.append(Row(section, by_name, tuple(CODE.findall(by_name["k8slint"])), by_name.get("notes", "")))
    return out


def test_the_document_has_the_four_tables():
    sections = {row.section for row in rows()}
    assert sections == {"Pod Security Standards", *PEERS}


def test_the_rule_column_holds_rule_codes_only():
    for row in rows():
        rest = CODE.sub("", row.cells["k8slint"]).replace(",", "").strip()
        assert not rest, f"{row.section}: {row.cells}: only rule codes belong in the k8slint column"


def test_every_code_named_exists():
    registry = load_registry()
    text = DOC.read_text(encoding="utf-8")
    unknown = sorted(set(CODE.findall(text)) - set(registry.impls))
    assert not unknown, f"docs/coverage.md names rules that do not exist: {unknown}"


def test_every_pod_security_standards_control_has_a_row():
    found = [
        (row.cells["level"], row.cells["control"]) for row in rows() if row.section == "Pod Security Standards"
    ]
    assert sorted(found) == sorted(PSS_CONTROLS)
    for row in rows():
        if row.section == "Pod Security Standards":
            assert row.codes, f"{row.cells['control']}: every control has a rule"


def test_every_profile_rule_appears():
    named = {code for row in rows() for code in row.codes}
    profile_rules = {rule.code for rule in load_registry().rules if rule.profile}
    assert profile_rules, "no rule belongs to a profile"
    missing = sorted(profile_rules - named)
    assert not missing, f"rules of a profile missing from docs/coverage.md: {missing}"


def test_the_pss_rows_name_the_rules_of_their_profile():
    registry = load_registry()
    for row in rows():
        if row.section != "Pod Security Standards":
            continue
        profiles = {registry.get(code).profile for code in row.codes}
        assert f"pss-{row.cells['level']}" in profiles, row.cells


def test_a_row_without_rules_says_why():
    for row in rows():
        if row.codes:
            assert not row.notes.startswith(REASONS), f"{row.section}: {row.cells}: covered, yet says why not"
        else:
            assert row.notes.startswith(REASONS), (
                f"{row.section}: {row.cells}: a row without rules must say why, starting with one of {REASONS}"
            )


def _anchor_checks(heading: str) -> list[str]:
    text = (SHARED / "ANCHORS.md").read_text(encoding="utf-8")
    start = text.index(heading)
    end = text.find("\n#", start + len(heading))
    block = text[start:end if end != -1 else len(text)]
    return re.findall(r"^\| `([^`]+)` \|", block, flags=re.MULTILINE)


@needs_shared
@pytest.mark.parametrize("section", sorted(PEERS))
def test_every_peer_check_has_exactly_one_row(section):
    heading, count = PEERS[section]
    expected = _anchor_checks(heading)
    assert len(expected) == count, f"ANCHORS.md {heading} lists {len(expected)} checks, not {count}"
    found = [row.cells["check"].strip("`") for row in rows() if row.section == section]
    assert sorted(found) == sorted(expected)
