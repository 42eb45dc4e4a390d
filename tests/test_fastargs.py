"""The fast parser for plain `check` command lines must read them exactly as typer does."""
import pytest

from k8slint import check_command
from k8slint.cli import _run_typer
from k8slint.fastargs import parse_check

SAME = [
    ["check", "a.yaml"],
    ["check", "-"],
    ["check", "a.yaml", "dir/", "-"],
    ["check", "--format", "json", "a.yaml"],
    ["check", "-f", "json", "a.yaml"],
    ["check", "--format=json", "a.yaml"],
    ["check", "a.yaml", "--fail-on", "warning"],
    ["check", "--fail-on=info", "a.yaml"],
    ["check", "-k", "1.29", "a.yaml"],
    ["check", "--kubernetes-version", "v1.30.2", "a.yaml"],
    ["check", "--strict-kinds", "--no-color", "a.yaml"],
    ["check", "--exclude", "charts/**", "--exclude=*.json", "a.yaml"],
    ["check", "-", "--stdin-filename", "rendered.yaml"],
    ["check", "--stdin-filename", "-", "-"],
    ["check", "--", "--weird-file-name.yaml"],
    ["check", "--config", "ci/k8slint.yaml", "a.yaml"],
    ["check", "--context", "deploy/", "--context=base/", "svc.yaml"],
    ["check", "--rules-dir", "policies", "a.yaml"],
    ["check", "--select", "KL101,KL102", "--select=image-tag-typo", "a.yaml"],
    ["check", "--ignore", "KL202", "--ignore", "latest-tag", "a.yaml"],
    ["check", "--profile", "pss-baseline", "--profile=best-practices", "--complete", "a.yaml"],
    ["check", "--schema-location", "crds/", "--schema-location=catalog", "cr.yaml"],
    ["check", "-f", "sarif", "-o", "r.sarif", "--format", "github", "--output=-", "a.yaml"],
    ["check", "-o", "junit.xml", "-f", "junit", "a.yaml"],
    ["check", "--quiet", "--statistics", "a.yaml"],
    ["check", "-q", "a.yaml"],
    ["check", "--baseline", "b.json", "--changed-since", "origin/main", "deploy/"],
    ["check", "--changed-since=HEAD~1"],
    ["check", "--fix", "--unsafe-fixes", "a.yaml"],
    ["check", "--diff", "a.yaml"],
    ["check", "--jobs", "2", "-j", "3", "a.yaml"],
    ["check", "--no-cache", "--cache-dir", "/tmp/c", "a.yaml"],
    ["check", "--max-file-size", "20MiB", "--max-depth=50", "--max-documents", "9", "--max-aliases", "7", "a.yaml"],
    ["check"],
]
DEFERRED = [
    ["check", "--help"],
    ["check", "--format", "xml", "a.yaml"],
    ["check", "--fail-on", "fatal", "a.yaml"],
    ["check", "--bogus", "a.yaml"],
    ["check", "--format"],
    ["check", "-fjson", "a.yaml"],
    ["lint", "a.yaml"],
    [],
]


def _typer_args(argv, monkeypatch):
    captured = []
    monkeypatch.setattr(check_command, "run", lambda args: captured.append(args) or 0)
    code = _run_typer(argv)
    return code, (captured[0] if captured else None)


@pytest.mark.parametrize("argv", SAME, ids=" ".join)
def test_fast_parser_agrees_with_typer(argv, monkeypatch):
    fast = parse_check(argv)
    assert fast is not None
    code, slow = _typer_args(argv, monkeypatch)
    assert code == 0
    assert fast == slow


@pytest.mark.parametrize("argv", DEFERRED, ids=lambda a: " ".join(a) or "(empty)")
def test_anything_unusual_goes_to_typer(argv, monkeypatch, capsys):
    assert parse_check(argv) is None
    code, args = _typer_args(argv, monkeypatch)
    if argv[:1] == ["check"] and "--help" not in argv and argv != ["check", "-fjson", "a.yaml"]:
        assert code == 2 and args is None


@pytest.mark.parametrize("argv", [
    ["baseline", "b.json", "deploy/"],
    ["baseline", "b.json", "--profile", "pss-baseline", "-k", "1.30", "deploy/", "svc.yaml"],
    ["baseline", "--context", "deploy/", "b.json", "svc.yaml"],
], ids=" ".join)
def test_baseline_takes_the_options_of_check_through_both_parsers(argv, monkeypatch):
    fast = parse_check(argv)
    assert fast is not None and fast.write_baseline == "b.json" and fast.paths
    code, slow = _typer_args(argv, monkeypatch)
    assert code == 0 and fast == slow


def test_baseline_without_a_file_goes_to_typer(monkeypatch):
    assert parse_check(["baseline"]) is None
    code, args = _typer_args(["baseline"], monkeypatch)
    assert code == 2 and args is None
