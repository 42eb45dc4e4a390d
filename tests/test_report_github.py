"""The GitHub Actions report: one workflow command per finding, exactly as the runner parses
them (escaping, paths relative to the repository root, notice for info), then the summary."""
from __future__ import annotations

from pathlib import Path

from k8slint.findings import Finding, Severity, Span
from k8slint.report import ReportOptions, render
from k8slint.run import CheckOptions, RunResult, Summary, run_check
from tests.conftest import ROOT

# An error (KL011), a warning (KL708) and an info (KL022) in a file whose name needs escaping.
SMALL = (
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  enabled: yes\n---\n"
    "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n---\n"
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n"
    "      image: nginx:1.27\n      env:\n        - name: AUTH\n          value: auth.default:80\n"
)
NAME = "a:b,c%.yaml"


def _github(result: RunResult, root: Path | str, quiet: bool = False) -> str:
    return render("github", result, ReportOptions(root=str(root), quiet=quiet))


def test_small_file_exact_lines(tmp_path, monkeypatch):
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / NAME).write_text(SMALL)
    # given relative to a subfolder (the working directory), reported relative to the root
    monkeypatch.chdir(tmp_path / "k8s")
    result = run_check(CheckOptions(paths=[NAME]))
    assert _github(result, tmp_path).splitlines() == [
        "::error file=k8s/a%3Ab%2Cc%25.yaml,line=6,col=12,endLine=6,endColumn=15,title=KL011 wrong-type::"
        'enabled: expected string, got boolean true (unquoted yes is a YAML 1.1 boolean)%0Ahelp: quote it: "yes"',
        "::notice file=k8s/a%3Ab%2Cc%25.yaml,line=9,col=7,endLine=9,endColumn=13,title=KL022 no-schema::"
        "no schema for Widget (example.com/v1); objects of this kind are not validated%0Ahelp: add its "
        "CustomResourceDefinition to the checked files or the context, or a catalog with --schema-location; "
        "this is reported once per kind (--strict-kinds makes it an error)",
        "::warning file=k8s/a%3Ab%2Cc%25.yaml,line=23,col=18,endLine=23,endColumn=33,"
        "title=KL708 service-address-not-found::env var \"AUTH\" of container \"c\" of Pod default/p addresses "
        "Service default/auth, which is not in the checked files (it may exist in the cluster)%0Ahelp: "
        "if Service auth is defined elsewhere, add that file or folder with --context",
        "Found 1 error, 1 warning and 1 info in 1 file, 3 documents, 3 objects, 0 skipped; "
        f"Kubernetes {result.kubernetes_version} schema.",
    ]
    # outside the root: the path as given; quiet: no summary
    outside = _github(result, tmp_path / "elsewhere", quiet=True).splitlines()
    assert len(outside) == 3 and all(line.startswith("::") for line in outside)
    assert all("file=a%3Ab%2Cc%25.yaml," in line for line in outside)


def _finding(message: str, span: Span, severity: Severity = Severity.ERROR, help: str | None = None) -> Finding:
    return Finding("dir, x/y:z.yaml", span, "KL999", "made-up:name,x", severity, message, help)


def test_escaping_of_data_and_properties():
    findings = [
        _finding("100% sure:\r\nnext, line", Span(3, 1, 3, 4), help="use 50%\nor less"),
        _finding("spans lines", Span(3, 5, 5, 2), Severity.WARNING),
        _finding("ends at the start of the next line", Span(7, 1, 8, 1), Severity.INFO),
    ]
    result = RunResult(findings, Summary(), {}, [], "1.30")
    assert _github(result, "/nonexistent-root", quiet=True).splitlines() == [
        "::error file=dir%2C x/y%3Az.yaml,line=3,col=1,endLine=3,endColumn=4,title=KL999 made-up%3Aname%2Cx::"
        "100%25 sure:%0D%0Anext, line%0Ahelp: use 50%25%0Aor less",
        # columns only for spans on one line (GitHub rejects them otherwise)
        "::warning file=dir%2C x/y%3Az.yaml,line=3,endLine=5,title=KL999 made-up%3Aname%2Cx::spans lines",
        "::notice file=dir%2C x/y%3Az.yaml,line=7,col=1,endLine=7,endColumn=1,title=KL999 made-up%3Aname%2Cx::"
        "ends at the start of the next line",
    ]


def test_input_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run_check(CheckOptions(paths=["missing.yaml", "gone/"]))
    lines = _github(result, tmp_path).splitlines()
    assert lines[:2] == [
        "::error file=missing.yaml::cannot read missing.yaml: no such file or directory",
        "::error file=gone::cannot read gone/: no such file or directory",  # the path, normalised
    ]
    assert lines[2].startswith("No problems found in 0 files")
    assert len(lines) == 3


def test_no_findings_quiet_is_empty():
    assert _github(RunResult([], Summary(), {}, [], "1.30"), ".", quiet=True) == ""


def test_examples_snapshot(snapshot, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = run_check(CheckOptions(paths=["examples"]))
    snapshot.assert_match(_github(result, ROOT), "examples.txt")


def test_paths_relative_to_a_root_given_through_a_link(tmp_path, monkeypatch):
    # the root given as a link to the repository: a file named by its real path is still
    # reported relative to the root (through the root's real path)
    real = tmp_path / "real"
    (real / "k8s").mkdir(parents=True)
    (real / "k8s" / "web.yaml").write_text(SMALL)
    (tmp_path / "link").symlink_to(real)
    result = run_check(CheckOptions(paths=[str(real / "k8s" / "web.yaml")]))
    for root in (tmp_path / "link", real):
        lines = _github(result, root, quiet=True).splitlines()
        assert len(lines) == 3 and all("file=k8s/web.yaml," in line for line in lines), root
