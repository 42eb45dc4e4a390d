"""k8slint on real-world manifests (../shared/corpus/real): never crashes, every finding is well
formed and located inside its file, and what it finds is recorded in snapshots, so that any
change of behaviour on real manifests shows up in review.

Regenerate the snapshots on purpose only: ``python -m pytest tests/test_corpus_real.py --snapshot-update``.
"""
from __future__ import annotations

import json
from collections import Counter
from functools import lru_cache
from pathlib import Path

from k8slint.findings import Severity
from k8slint.run import CheckOptions, RunResult, run_check
from tests.conftest import CORPUS, needs_shared, run_cli, run_process

REAL = CORPUS / "real"

pytestmark = needs_shared


def _files() -> list[Path]:
    return sorted(p for p in REAL.rglob("*") if p.is_file()) if REAL.is_dir() else []


@lru_cache(maxsize=None)
def _lines(path: Path) -> tuple[str, ...]:
    return tuple(path.read_bytes().decode("utf-8-sig").splitlines())


@lru_cache(maxsize=1)
def _whole_tree() -> RunResult:
    return run_check(CheckOptions([str(REAL)]))


def _where(path: Path, line: int, column: int) -> str:
    return f"{path.relative_to(REAL).as_posix()}:{line}:{column}"


def _assert_located(path: Path, line: int, column: int, end_line: int, end_column: int) -> None:
    """1-based, inside the file (a position just past the last line is allowed), end ≥ start."""
    lines = _lines(path)
    where = _where(path, line, column)
    assert 1 <= line <= len(lines) + 1, f"{where}: line outside the file ({len(lines)} lines)"
    assert column >= 1, where
    if line <= len(lines):
        assert column <= len(lines[line - 1]) + 1, f"{where}: column past the end of the line"
    assert (end_line, end_column) >= (line, column), f"{where}: ends at {end_line}:{end_column}"
    assert end_line <= len(lines) + 1, f"{where}: ends at line {end_line}, outside the file"
    if end_line <= len(lines):
        assert end_column <= len(lines[end_line - 1]) + 1, f"{where}: ends past the end of line {end_line}"


def test_corpus_is_there() -> None:
    # Counts from ../shared/corpus/README.md (256 + 82 + 81 + 5 + 44 + 56).
    assert len(_files()) == 524


def test_whole_tree_findings_are_well_formed() -> None:
    result = _whole_tree()
    assert result.input_errors == []
    assert result.summary.files == len(_files())
    for f in result.findings:
        path = Path(f.file)
        assert path.is_file() and REAL in path.parents, f.file
        assert f.rule.startswith("KL") and len(f.rule) == 5, f.rule
        assert f.name and f.message.strip(), f
        assert isinstance(f.severity, Severity)
        s = f.span
        _assert_located(path, s.line, s.column, s.end_line, s.end_column)
    # The summary's severity counts agree with the findings.
    by_severity = Counter(f.severity for f in result.findings)
    summary = result.summary
    assert (summary.errors, summary.warnings, summary.infos) == (
        by_severity[Severity.ERROR], by_severity[Severity.WARNING], by_severity[Severity.INFO]
    )


def _counts_text(result: RunResult) -> str:
    s = result.summary
    out = [
        "# k8slint check ../shared/corpus/real (one run over the whole tree)",
        f"kubernetes_version: {result.kubernetes_version}",
        f"files: {s.files}",
        f"documents: {s.documents}",
        f"objects: {s.objects}",
        f"skipped: {s.skipped}",
        f"errors: {s.errors}",
        f"warnings: {s.warnings}",
        f"infos: {s.infos}",
        "",
        "# findings per rule",
    ]
    per_rule = Counter((f.rule, f.name, f.severity.label) for f in result.findings)
    out += [f"{rule} {name} ({sev}): {n}" for (rule, name, sev), n in sorted(per_rule.items())]
    out += ["", "# findings per upstream folder and rule"]
    per_folder = Counter(
        (Path(f.file).relative_to(REAL).parts[0], f.rule) for f in result.findings
    )
    out += [f"{folder} {rule}: {n}" for (folder, rule), n in sorted(per_folder.items())]
    return "\n".join(out) + "\n"


def test_real_corpus_counts(snapshot) -> None:
    snapshot.assert_match(_counts_text(_whole_tree()), "real_corpus_counts.txt")


def test_real_corpus_findings(snapshot) -> None:
    """Where each finding is (not its wording, which is reviewed in the rule fixtures)."""
    lines = [
        f"{_where(Path(f.file), f.span.line, f.span.column)} {f.severity.label} {f.rule} {f.path or '-'}"
        for f in _whole_tree().findings
    ]
    snapshot.assert_match("\n".join(lines) + "\n", "real_corpus_findings.txt")


def test_each_file_on_its_own() -> None:
    """Each file checked alone through the CLI (in-process): exit 0 or 1, nothing on stderr,
    and every finding of the JSON report complete and located."""
    files = _files()
    assert files
    for path in files:
        code, report = _json_report(path)
        assert code in (0, 1), f"{path}: exit code {code}"
        assert report["input_errors"] == []
        assert report["summary"]["files"] == 1
        for f in report["findings"]:
            assert Path(f["file"]) == path
            for key in ("rule", "name", "severity", "message"):
                assert f[key], f"{path}: finding without {key}: {f}"
            assert f["severity"] in ("error", "warning", "info")
            _assert_located(path, f["line"], f["column"], f["end_line"], f["end_column"])
        has_error = any(f["severity"] == "error" for f in report["findings"])
        assert code == (1 if has_error else 0), path


def _json_report(path: Path) -> tuple[int, dict]:
    code, out, err = run_cli("check", "--format", "json", str(path))
    assert err == "", f"{path}: stderr: {err}"
    return code, json.loads(out)


def test_cli_process_on_whole_tree() -> None:
    proc = run_process("check", "--no-color", str(REAL))
    stderr = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode in (0, 1), stderr
    assert "Traceback" not in stderr
    assert "internal error" not in stderr
    assert proc.stdout.strip(), "no report on stdout"
