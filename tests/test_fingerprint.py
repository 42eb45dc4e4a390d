"""k8slint.fingerprint and the text report's code frames: fingerprints, relative paths and frames against their definitions."""
from __future__ import annotations

import os
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from k8slint.findings import Finding, ObjectRef, Severity, Span
from k8slint.fingerprint import fingerprint, fingerprints, relative_to

def _stripped(text: str) -> list[str]:
    """Every line of a text, its "\\r" stripped: how the reports took a file's lines before."""
    return [line.rstrip("\r") for line in text.split("\n")]


_text = st.lists(st.sampled_from(["a: b", "  x: 1\r", "\r", "", "  - name: é\r", "k:   v  w", "\tt:\tv\r", "x" * 200 + "\r"]), max_size=8)


@settings(max_examples=200, deadline=None)
@given(_text, st.lists(st.tuples(st.integers(-1, 10), st.integers(1, 12), st.integers(0, 10), st.integers(1, 12)),
                       min_size=1, max_size=5))
def test_fingerprints_are_those_of_every_line_stripped(lines, spans):
    # fingerprints() splits a file's text only and strips the "\r" of the line it takes:
    # the same as stripping every line first, CRLF files included
    text = "\n".join(lines)
    found = [Finding("a.yaml", Span(*span), "KL001", "n", Severity.ERROR, "m", None,
                     ObjectRef("v1", "Pod", None, "p"), "spec") for span in spans]
    assert fingerprints(found, {"a.yaml": text}) == [fingerprint(f, _stripped(text)) for f in found]


def _pathlib_relative_to(file: str, root: Path):
    """The definition: Path.relative_to of the absolute path, else of the resolved one."""
    for path in (Path(os.path.abspath(file)), Path(file).resolve()):
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            continue
    return None


def test_relative_to_is_pathlibs(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    (root / "a" / "b").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    (root / "a" / "b" / "x.yaml").write_text("")
    (tmp_path / "outside" / "y.yaml").write_text("")
    (tmp_path / "link-in.yaml").symlink_to(root / "a" / "b" / "x.yaml")  # outside, pointing in
    (root / "link-out.yaml").symlink_to(tmp_path / "outside" / "y.yaml")  # inside, pointing out
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    monkeypatch.chdir(root)
    files = ["a/b/x.yaml", "./a//b/../b/x.yaml", str(root / "a" / "b" / "x.yaml"), "../outside/y.yaml",
             "../link-in.yaml", "link-out.yaml", ".", "a", "missing/z.yaml", str(tmp_path / "repo2" / "z.yaml")]
    resolved = root.resolve()
    for file in files:
        assert relative_to(file, resolved) == _pathlib_relative_to(file, resolved), file
        assert relative_to(file, str(resolved)) == _pathlib_relative_to(file, resolved), file
    assert relative_to("../loop", resolved) is None  # pathlib raised RuntimeError (a traceback)


@settings(max_examples=200, deadline=None)
@given(_text, st.lists(st.tuples(st.integers(1, 10), st.integers(1, 12), st.integers(1, 10), st.integers(1, 12)),
                       min_size=1, max_size=5), st.booleans())
def test_text_frames_are_those_of_every_line_stripped(lines, spans, color):
    # the text report splits a file's text only, and its code frames strip the "\r" of each
    # line they show: the same frames as from lines stripped first (CRLF files included)
    from k8slint.report.text import _Style, format_finding

    text = "\n".join(lines)
    for span in spans:
        finding = Finding("a.yaml", Span(*span), "KL001", "n", Severity.WARNING, "m", "h")
        assert format_finding(finding, text.split("\n"), _Style(color)) == format_finding(
            finding, _stripped(text), _Style(color))
