"""k8slint.pathtext gives the text pathlib would (a run displays these paths)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest

from k8slint import pathtext

CASES = [
    "", ".", "./", "..", "a", "a/", "a//b", "a/./b", "./a/b/", "a/../b", "/", "//", "///", "//a",
    "///a/b", "/a/b/", "/./a", ".hidden/x.yaml", "a/b/../../c", "tree/caf\udce9.yaml",
]


@pytest.mark.parametrize("text", CASES)
def test_clean_and_posix_are_what_pathlib_prints(text):
    assert pathtext.clean(text) == str(PurePosixPath(text))
    assert pathtext.posix(text) == PurePosixPath(text).as_posix()
    assert pathtext.clean(Path(text or ".")) == str(Path(text or "."))


def test_resolve_is_path_resolve(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "f.yaml").write_text("a: 1\n")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    (tmp_path / "dangling").symlink_to(tmp_path / "gone")
    for text in ("", ".", "real", "link/f.yaml", "link/../real/./f.yaml", "dangling", "missing/x", str(tmp_path)):
        assert pathtext.resolve(text) == str(Path(text).resolve()), text
    assert pathtext.resolve("link/f.yaml", strict=True) == str(Path("link/f.yaml").resolve(strict=True))
    with pytest.raises(FileNotFoundError):
        pathtext.resolve("dangling", strict=True)


def test_a_link_loop_raises_oserror_eloop(tmp_path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    for strict in (False, True):
        with pytest.raises(OSError) as raised:
            pathtext.resolve(tmp_path / "a", strict=strict)
        assert raised.value.errno == __import__("errno").ELOOP


@pytest.mark.parametrize("path, root", [
    ("/a/b/c", "/a"), ("/a/b", "/a/b"), ("/ab/c", "/a"), ("/a", "/a/b"), ("/a/b", "/"), ("/", "/"),
])
def test_relative_is_relative_to(path, root):
    try:
        expected = PurePosixPath(path).relative_to(root).as_posix()
    except ValueError:
        expected = None
    assert pathtext.relative(path, root) == expected
    assert pathtext.inside(path, root) == (expected is not None)


def test_lineage_is_the_folder_and_its_parents():
    for folder in ("/", "/a", "/a/b/c"):
        assert list(pathtext.lineage(folder)) == [str(p) for p in (PurePosixPath(folder), *PurePosixPath(folder).parents)]


def test_a_check_run_does_not_import_pathlib(tmp_path):
    """Importing pathlib (with urllib.parse and ipaddress) costs a one-file run about 6 ms."""
    (tmp_path / "app.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    script = (
        "import sys, io\n"
        "from k8slint.cli import main\n"
        "out, sys.stdout = sys.stdout, io.StringIO()\n"
        "for args in (['--no-cache', '--format', 'json'], ['--cache-dir', sys.argv[1]]):\n"
        "    main(['check', 'app.yaml', *args])\n"
        "sys.stdout = out\n"
        "print(sorted(m for m in ('pathlib', 'urllib.parse', 'ipaddress') if m in sys.modules))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "cache")], cwd=tmp_path, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_is_kustomization_by_file_name_only():
    from k8slint.kustomize import is_kustomization

    for path in ("kustomization.yaml", "a/kustomization.yml", "./a//Kustomization", "a/kustomization.yaml/.",
                 Path("b") / "kustomization.yaml"):
        assert is_kustomization(path), path
    for path in ("kustomization.yaml.bak", "a/ustomization.yaml", "kustomization.yaml/x.yaml", "a/b.yaml",
                 "Kustomization.yaml", "kustomization"):
        assert not is_kustomization(path), path
