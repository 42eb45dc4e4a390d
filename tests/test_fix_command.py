"""k8slint check --fix / --diff as a user runs them: what is written, what is never touched."""
from __future__ import annotations

import os
import stat
import time

import pytest

from k8slint import fix_command
from k8slint.run import CheckOptions, run_check
from tests.conftest import run_cli

# Everything a rewrite must keep: comments, blank lines, quoting styles, flow collections,
# block scalars, document separators, a BOM (added per test) and CRLF (per test). The only
# fixable mistake is the split env item in the second document.
SPLIT = """\
# leading comment
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings   # trailing comment
data:
  single: 'it''s'
  double: "tab\\there"
  folded: >
    some folded
    text

  literal: |
    keep
      this
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: "nginx:1.27"   # pinned
          args: [--port, "8080"]
          env:
            # the address of auth
            - name: AUTH
            - value: "auth:80"
...
"""
FIXED = SPLIT.replace('            - value: "auth:80"', '              value: "auth:80"')


def _write(path, text, newline="\n", bom=False):
    data = text.replace("\n", newline).encode("utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


@pytest.mark.parametrize("newline,bom", [("\n", False), ("\r\n", False), ("\n", True), ("\r\n", True)])
def test_fix_changes_only_the_fixed_characters(tmp_path, newline, bom):
    path = _write(tmp_path / "app.yaml", SPLIT, newline, bom)
    os.chmod(path, 0o640)
    code, out, err = run_cli("check", "--fix", "app.yaml", cwd=tmp_path)
    assert "Fixed 1 finding in 1 file." in err
    expected = (b"\xef\xbb\xbf" if bom else b"") + FIXED.replace("\n", newline).encode("utf-8")
    assert path.read_bytes() == expected
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(os.listdir(tmp_path)) == ["app.yaml"]  # no temporary file left behind
    assert "KL101" not in out


def test_a_second_fix_changes_nothing_and_files_without_fixes_are_never_written(tmp_path):
    fixable = _write(tmp_path / "a.yaml", SPLIT)
    clean = _write(tmp_path / "b.yaml", FIXED.replace("name: web", "name: other"))
    past = time.time() - 1000
    for path in (fixable, clean):
        os.utime(path, (past, past))
    run_cli("check", "--fix", ".", cwd=tmp_path)
    assert fixable.read_text() == FIXED and fixable.stat().st_mtime != past
    assert clean.stat().st_mtime == past
    os.utime(fixable, (past, past))
    code, out, err = run_cli("check", "--fix", ".", cwd=tmp_path)
    assert fixable.stat().st_mtime == past and clean.stat().st_mtime == past
    assert "Fixed" not in err


def test_diff_writes_nothing_and_exits_1_when_something_would_change(tmp_path):
    path = _write(tmp_path / "app.yaml", SPLIT)
    code, out, err = run_cli("check", "--diff", "app.yaml", cwd=tmp_path)
    assert code == 1
    assert out == (
        "--- a/app.yaml\n+++ b/app.yaml\n@@ -31,5 +31,5 @@\n"
        "           env:\n"
        "             # the address of auth\n"
        "             - name: AUTH\n"
        '-            - value: "auth:80"\n'
        '+              value: "auth:80"\n'
        " ...\n"
    )
    assert "Would fix 1 finding in 1 file." in err
    assert path.read_text() == SPLIT
    path.write_text(FIXED)
    assert run_cli("check", "--diff", "app.yaml", cwd=tmp_path)[:2] == (0, "")


def test_option_combinations_that_make_no_sense_are_usage_errors(tmp_path):
    _write(tmp_path / "app.yaml", SPLIT)
    assert run_cli("check", "--unsafe-fixes", "app.yaml", cwd=tmp_path)[0] == 2
    assert run_cli("check", "--fix", "--diff", "app.yaml", cwd=tmp_path)[0] == 2


def test_stdin_is_checked_but_not_fixed():
    code, out, err = run_cli("check", "--fix", "-", stdin=SPLIT.encode())
    assert code == 1 and "standard input is checked but not fixed" in err and "KL101" in out


def test_a_file_that_changes_while_fixing_is_not_overwritten(tmp_path):
    path = _write(tmp_path / "app.yaml", SPLIT)
    options = CheckOptions(paths=[str(path)])

    def check(overlay):
        options.overlay = overlay
        return run_check(options)

    result, outcome = fix_command.run_fixes(check, unsafe=False)
    path.write_text(SPLIT + "# someone else's edit\n")
    problems = fix_command.write(outcome, {path.resolve(): path}, [tmp_path.resolve()])
    assert problems == [f"{path}: not fixed: it changed on disk while k8slint was fixing it"]
    assert path.read_text() == SPLIT + "# someone else's edit\n"


def test_the_cli_exits_2_when_a_file_could_not_be_written(tmp_path, monkeypatch):
    _write(tmp_path / "app.yaml", SPLIT)
    real_write = fix_command.write

    def racing_write(outcome, displays, roots):
        (tmp_path / "app.yaml").write_text(SPLIT + "# edited meanwhile\n")
        return real_write(outcome, displays, roots)

    monkeypatch.setattr(fix_command, "write", racing_write)
    code, out, err = run_cli("check", "--fix", "app.yaml", cwd=tmp_path)
    assert code == 2 and "changed on disk while k8slint was fixing it" in err
    assert "KL101" in out  # the report is of what is on disk


def test_links_are_fixed_in_place_but_never_followed_out_of_the_checked_paths(tmp_path):
    outside = _write(tmp_path / "outside.yaml", SPLIT)
    project = tmp_path / "project"
    project.mkdir()
    inside = _write(project / "real.yaml", SPLIT)
    (project / "out-link.yaml").symlink_to(outside)
    (project / "in-link.yaml").symlink_to(inside)
    code, out, err = run_cli("check", "--fix", "project/out-link.yaml", "project/in-link.yaml", cwd=tmp_path)
    assert "project/out-link.yaml: not fixed: it is a link to" in err and code == 2
    assert outside.read_text() == SPLIT
    assert inside.read_text() == FIXED and (project / "in-link.yaml").is_symlink()


def test_files_with_syntax_errors_are_not_fixed(tmp_path):
    path = _write(tmp_path / "app.yaml", SPLIT + "---\nbroken: [\n")
    code, out, err = run_cli("check", "--fix", "app.yaml", cwd=tmp_path)
    assert path.read_text() == SPLIT + "---\nbroken: [\n" and "Fixed" not in err
    assert "KL001" in out and "KL101" in out
