"""Hostile and broken input on the filesystem: unreadable files, directories given as files and
files as directories, symbolic link loops, FIFOs, sockets and devices (never opened), files
that vanish or change during the run, names that are not UTF-8 or not printable.

Each problem is one line on stderr naming the path, the run exits 2 (unless something failed
worse), every other file is still checked, nothing is ever written to the inputs, and the run
ends within a time bound. Cases that would hang without the fix (a FIFO, /dev/zero) run in a
subprocess with a timeout, so a regression fails instead of hanging the suite.
"""
from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

TIME_BOUND = 10.0  # seconds, for any of these runs
HANG_TIMEOUT = 30  # a subprocess still running after this has hung

# A manifest with a finding (KL012: a misspelt enum value), to show that it is still checked.
BAD = textwrap.dedent("""\
    apiVersion: v1
    kind: Pod
    metadata:
      name: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
          imagePullPolicy: Allways
    """).encode()
GOOD = textwrap.dedent("""\
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: settings
    data:
      level: info
    """).encode()


# ---------------------------------------------------------------------------- helpers


def process(*args: str, cwd: Path) -> tuple[subprocess.CompletedProcess, float]:
    """``python -m k8slint`` with a timeout (a hang fails the test), and how long it took."""
    start = time.monotonic()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "k8slint", *args], capture_output=True, cwd=cwd, timeout=HANG_TIMEOUT,
            stdin=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"k8slint {' '.join(args)} hung (still running after {HANG_TIMEOUT} s)")
    return proc, time.monotonic() - start


def cli(*args: str, cwd: Path) -> tuple[int, str, str, float]:
    start = time.monotonic()
    code, out, err = run_cli(*args, cwd=cwd)
    return code, out, err, time.monotonic() - start


def snapshot(root: Path) -> dict[bytes, tuple]:
    """Bytes, mtime and mode of every regular file under root, links and specials as such
    (never opened: a FIFO is recorded by its lstat only)."""
    seen: dict[bytes, tuple] = {}
    for folder, dirs, files in os.walk(os.fsencode(root)):
        for name in dirs + files:
            path = os.path.join(folder, name)
            st = os.lstat(path)
            if stat.S_ISREG(st.st_mode):
                with open(path, "rb") as f:
                    seen[path] = ("file", f.read(), st.st_mtime_ns, st.st_mode)
            elif stat.S_ISLNK(st.st_mode):
                seen[path] = ("link", os.readlink(path))
            else:
                seen[path] = ("other", stat.S_IFMT(st.st_mode), st.st_mtime_ns)
    return seen


def error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("k8slint: error:")]


def assert_clean_errors(err: str, expected: dict[str, str]) -> None:
    """stderr holds exactly one line per expected path, ``cannot read PATH: REASON...``, and no
    traceback or internal error."""
    assert "Traceback" not in err and "internal error" not in err, err
    lines = error_lines(err)
    assert len(lines) == len(expected), err
    for path, reason in expected.items():
        matching = [line for line in lines if line.startswith(f"k8slint: error: cannot read {path}: ")]
        assert len(matching) == 1, (path, err)
        assert reason in matching[0], (path, reason, matching[0])


def rules_by_file(report: dict) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for finding in report["findings"]:
        found.setdefault(finding["file"], set()).add(finding["rule"])
    return found


def make_socket(path: Path) -> None:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(str(path))
    finally:
        sock.close()  # the socket file stays


def a_block_device() -> str | None:
    try:
        for entry in os.scandir("/dev"):
            try:
                if stat.S_ISBLK(entry.stat(follow_symlinks=False).st_mode):
                    return entry.path
            except OSError:
                continue
    except OSError:
        pass
    return None


# ---------------------------------------------------------------------------- FIFOs, sockets, devices


def test_fifo_socket_and_devices_on_the_command_line_are_never_opened(tmp_path):
    (tmp_path / "bad.yaml").write_bytes(BAD)
    os.mkfifo(tmp_path / "pipe.yaml")
    make_socket(tmp_path / "sock.yaml")
    specials = {"pipe.yaml": "a named pipe (FIFO)", "sock.yaml": "a socket",
                "/dev/null": "a character device", "/dev/zero": "a character device"}
    block = a_block_device()
    if block is not None:
        specials[block] = "a block device"
    before = snapshot(tmp_path)
    # /dev/zero is endless and a FIFO without a writer blocks: only a run that never opens
    # them ends in time.
    proc, took = process("check", "-f", "json", *specials, "bad.yaml", cwd=tmp_path)
    assert took < TIME_BOUND
    assert proc.returncode == 2, proc.stderr
    err = proc.stderr.decode()
    assert_clean_errors(err, {path: f"not a regular file or directory: {kind}" for path, kind in specials.items()})
    report = json.loads(proc.stdout)
    assert rules_by_file(report) == {"bad.yaml": {"KL012"}}
    assert {e["path"] for e in report["input_errors"]} == set(specials)
    assert snapshot(tmp_path) == before


def test_fifo_socket_and_device_in_a_walked_folder_are_reported_not_opened(tmp_path):
    root = tmp_path / "manifests"
    (root / "sub").mkdir(parents=True)
    (root / "bad.yaml").write_bytes(BAD)
    (root / "sub" / "good.yaml").write_bytes(GOOD)
    os.mkfifo(root / "x.yaml")  # named like a manifest: reported, never opened
    os.mkfifo(root / "pipe")  # not named like a manifest: ignored like any other such file
    make_socket(root / "sub" / "s.yml")
    expected = {"manifests/x.yaml": "not a regular file: a named pipe (FIFO)",
                "manifests/sub/s.yml": "not a regular file: a socket"}
    try:  # an endless device inside the folder, where root may create one
        os.mknod(root / "zero.json", stat.S_IFCHR | 0o600, os.makedev(1, 5))
        expected["manifests/zero.json"] = "not a regular file: a character device"
    except OSError:
        pass
    # a link to a FIFO inside the folder is the FIFO; a link to /dev/zero leads out of the
    # folder and is not followed (nor opened), as any link out of a walked root
    os.symlink("x.yaml", root / "link-to-pipe.yaml")
    expected["manifests/link-to-pipe.yaml"] = "not a regular file: a named pipe (FIFO)"
    os.symlink("/dev/zero", root / "outside.yaml")
    before = snapshot(tmp_path)
    proc, took = process("check", "-f", "json", "manifests", cwd=tmp_path)
    assert took < TIME_BOUND
    assert proc.returncode == 2, proc.stderr
    assert_clean_errors(proc.stderr.decode(), expected)
    report = json.loads(proc.stdout)
    assert rules_by_file(report) == {"manifests/bad.yaml": {"KL012"}}
    assert report["summary"]["files"] == 2  # bad.yaml and sub/good.yaml
    assert snapshot(tmp_path) == before


def test_fifo_as_context_or_replacing_a_file_after_discovery_is_never_opened(tmp_path):
    """--context skips what it cannot read; a file swapped for a FIFO after it was found is
    still not opened (the read checks again what it opens)."""
    (tmp_path / "bad.yaml").write_bytes(BAD)
    (tmp_path / "swapped.yaml").write_bytes(GOOD)
    os.mkfifo(tmp_path / "context.yaml")
    before = snapshot(tmp_path)
    proc, took = process("check", "bad.yaml", "--context", "context.yaml", "--context", "/dev/zero", cwd=tmp_path)
    assert took < TIME_BOUND
    assert proc.returncode == 1, proc.stderr  # the context is never reported on
    assert error_lines(proc.stderr.decode()) == [] and b"KL012" in proc.stdout

    driver = textwrap.dedent("""\
        import os, sys
        import k8slint.run as run
        real = run.discover
        def discover(*args, **kwargs):
            found = real(*args, **kwargs)
            os.remove("swapped.yaml")
            os.mkfifo("swapped.yaml")
            return found
        run.discover = discover
        from k8slint.cli import main
        sys.exit(main(["check", "-f", "json", "swapped.yaml", "bad.yaml"]))
        """)
    start = time.monotonic()
    try:
        proc = subprocess.run([sys.executable, "-c", driver], capture_output=True, cwd=tmp_path,
                              timeout=HANG_TIMEOUT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    except subprocess.TimeoutExpired:
        pytest.fail("a file replaced by a FIFO after discovery was opened (the run hung)")
    assert time.monotonic() - start < TIME_BOUND
    assert proc.returncode == 2, proc.stderr
    assert_clean_errors(proc.stderr.decode(), {"swapped.yaml": "not a regular file: a named pipe (FIFO)"})
    assert rules_by_file(json.loads(proc.stdout)) == {"bad.yaml": {"KL012"}}
    assert snapshot(tmp_path)[os.fsencode(tmp_path / "bad.yaml")] == before[os.fsencode(tmp_path / "bad.yaml")]


# ---------------------------------------------------------------------------- symbolic link loops


def loops(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    os.symlink("b.yaml", folder / "a.yaml")
    os.symlink("a.yaml", folder / "b.yaml")
    os.symlink("self.yaml", folder / "self.yaml")


def test_symbolic_link_loops_given_and_walked(tmp_path):
    (tmp_path / "bad.yaml").write_bytes(BAD)
    loops(tmp_path / "given")
    loops(tmp_path / "walked")
    (tmp_path / "walked" / "good.yaml").write_bytes(GOOD)
    os.symlink(".", tmp_path / "walked" / "again")  # a symlinked directory: not descended
    before = snapshot(tmp_path)
    code, out, err, took = cli(
        "check", "-f", "json", "bad.yaml", "given/a.yaml", "given/self.yaml", "walked", cwd=tmp_path
    )
    assert took < TIME_BOUND
    assert code == 2
    assert_clean_errors(err, {
        "given/a.yaml": "symbolic link loop", "given/self.yaml": "symbolic link loop",
        "walked/a.yaml": "symbolic link loop", "walked/b.yaml": "symbolic link loop",
        "walked/self.yaml": "symbolic link loop",
    })
    report = json.loads(out)
    assert rules_by_file(report) == {"bad.yaml": {"KL012"}}
    assert report["summary"]["files"] == 2  # bad.yaml, walked/good.yaml (once)
    assert snapshot(tmp_path) == before


def test_symbolic_link_loop_as_the_first_path(tmp_path):
    (tmp_path / "bad.yaml").write_bytes(BAD)
    loops(tmp_path)
    code, out, err, took = cli("check", "a.yaml", "bad.yaml", cwd=tmp_path)
    assert code == 2, err
    assert_clean_errors(err, {"a.yaml": "symbolic link loop"})
    code, out, err, took = cli("check", "--fix", "a.yaml", "bad.yaml", cwd=tmp_path)
    assert code == 2 and "internal error" not in err


# ---------------------------------------------------------------------------- directories and files mixed up


def test_file_given_as_directory_directory_as_config_and_missing_paths(tmp_path):
    (tmp_path / "bad.yaml").write_bytes(BAD)
    (tmp_path / "good.yaml").write_bytes(GOOD)
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "inner.yaml").write_bytes(BAD)
    before = snapshot(tmp_path)

    # a file with a trailing slash is not a directory; a directory with one is walked
    code, out, err, took = cli("check", "-f", "json", "good.yaml/", "nope.yaml", "folder/", "bad.yaml", cwd=tmp_path)
    assert took < TIME_BOUND and code == 2
    assert_clean_errors(err, {"good.yaml/": "not a directory", "nope.yaml": "no such file or directory"})
    report = json.loads(out)
    assert set(rules_by_file(report)) == {"bad.yaml", os.path.join("folder/", "inner.yaml")}
    assert report["input_errors"] == [
        {"path": "good.yaml/", "reason": "not a directory"},
        {"path": "nope.yaml", "reason": "no such file or directory"},
    ]

    # a file as --context works (as a folder does)
    code, out, err, took = cli("check", "bad.yaml", "--context", "good.yaml", cwd=tmp_path)
    assert took < TIME_BOUND and code == 1 and err == ""

    # a directory as --config: a clear usage error, one line, nothing checked
    code, out, err, took = cli("check", "--config", "folder", "bad.yaml", cwd=tmp_path)
    assert took < TIME_BOUND and code == 2 and out == ""
    assert err.splitlines() == ["k8slint: error: folder: is a directory; --config takes a configuration file"]

    # an empty argument is not the working directory
    code, out, err, took = cli("check", "", "bad.yaml", cwd=tmp_path)
    assert code == 2 and "KL012" in out
    assert_clean_errors(err, {"": "no such file or directory"})
    assert snapshot(tmp_path) == before


# ---------------------------------------------------------------------------- permission denied


@pytest.fixture
def deny(monkeypatch):
    """Make opening (or listing) the paths named ``denied`` fail as without permission: tests
    run as root here, and chmod 0 does not stop root."""
    denied: set[str] = set()
    real_open, real_scandir = os.open, os.scandir

    def fake_open(path, *args, **kwargs):
        if os.path.basename(os.fspath(path)) in denied:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_open(path, *args, **kwargs)

    def fake_scandir(path="."):
        if os.path.basename(os.path.normpath(os.fspath(path))) in denied:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "open", fake_open)
    monkeypatch.setattr(os, "scandir", fake_scandir)
    return denied


def test_unreadable_file_and_folder(tmp_path, deny):
    (tmp_path / "bad.yaml").write_bytes(BAD)
    (tmp_path / "secret.yaml").write_bytes(GOOD)
    (tmp_path / "tree" / "locked").mkdir(parents=True)
    (tmp_path / "tree" / "locked" / "hidden.yaml").write_bytes(BAD)
    (tmp_path / "tree" / "open.yaml").write_bytes(BAD)
    deny.update({"secret.yaml", "locked"})
    before = snapshot(tmp_path)
    code, out, err, took = cli("check", "-f", "json", "secret.yaml", "tree", "bad.yaml", cwd=tmp_path)
    assert took < TIME_BOUND and code == 2
    assert_clean_errors(err, {"secret.yaml": "permission denied", "tree/locked": "permission denied"})
    report = json.loads(out)
    assert rules_by_file(report) == {"bad.yaml": {"KL012"}, "tree/open.yaml": {"KL012"}}
    deny.clear()
    assert snapshot(tmp_path) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files without permission")
def test_unreadable_file_really_denied(tmp_path):
    (tmp_path / "bad.yaml").write_bytes(BAD)
    secret = tmp_path / "secret.yaml"
    secret.write_bytes(GOOD)
    secret.chmod(0)
    try:
        code, out, err, took = cli("check", "secret.yaml", "bad.yaml", cwd=tmp_path)
    finally:
        secret.chmod(0o644)
    assert took < TIME_BOUND and code == 2 and "KL012" in out
    assert_clean_errors(err, {"secret.yaml": "permission denied"})


# ---------------------------------------------------------------------------- files that change during the run


def test_files_deleted_or_replaced_by_a_directory_after_discovery(tmp_path, monkeypatch):
    import k8slint.run

    for name in ("gone.yaml", "now-a-folder.yaml", "walked/gone-too.yaml"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(GOOD)
    (tmp_path / "bad.yaml").write_bytes(BAD)
    real = k8slint.run.discover

    def discover_then_change(*args, **kwargs):
        found = real(*args, **kwargs)
        if (tmp_path / "gone.yaml").exists():  # the paths, not the --context (discovered later)
            (tmp_path / "gone.yaml").unlink()
            (tmp_path / "walked" / "gone-too.yaml").unlink()
            (tmp_path / "now-a-folder.yaml").unlink()
            (tmp_path / "now-a-folder.yaml").mkdir()
        return found

    monkeypatch.setattr(k8slint.run, "discover", discover_then_change)
    code, out, err, took = cli(
        "check", "-f", "json", "gone.yaml", "now-a-folder.yaml", "walked", "bad.yaml", cwd=tmp_path
    )
    assert took < TIME_BOUND and code == 2
    assert_clean_errors(err, {
        "gone.yaml": "no such file or directory", "walked/gone-too.yaml": "no such file or directory",
        "now-a-folder.yaml": "is a directory",
    })
    report = json.loads(out)
    assert rules_by_file(report) == {"bad.yaml": {"KL012"}}
    assert (tmp_path / "bad.yaml").read_bytes() == BAD


def test_input_errors_exit_2_unless_something_failed_worse(tmp_path, monkeypatch):
    """Findings (1) and an input error: 2. An internal error (3) is worse than both."""
    import k8slint.run

    (tmp_path / "bad.yaml").write_bytes(BAD)
    code, out, err, took = cli("check", "bad.yaml", "nope.yaml", "--fail-on", "info", cwd=tmp_path)
    assert code == 2 and "KL012" in out
    assert_clean_errors(err, {"nope.yaml": "no such file or directory"})

    def broken(self, source, raw):
        raise ValueError("a bug")

    monkeypatch.setattr(k8slint.run.Checker, "check_source", broken)
    code, out, err, took = cli("check", "bad.yaml", "nope.yaml", cwd=tmp_path)
    assert code == 3 and "internal error" in err and "Traceback" not in err
    assert (tmp_path / "bad.yaml").read_bytes() == BAD


# ---------------------------------------------------------------------------- names that are not UTF-8


def test_names_that_are_not_utf8_are_checked_and_shown_printable_in_every_format(tmp_path):
    folder = os.fsencode(tmp_path / "tree")
    os.mkdir(folder)
    name = os.path.join(folder, b"caf\xe9.yaml")
    with open(name, "wb") as f:
        f.write(BAD)
    os.mkfifo(os.path.join(folder, b"pipe\nline\xff.yaml"))  # a name that would break the line
    before = snapshot(tmp_path)
    shown = "tree/caf\\xe9.yaml"
    shown_error = "tree/pipe\\nline\\xff.yaml"
    for fmt in ("text", "json", "sarif", "junit", "github"):
        proc, took = process("check", "-f", fmt, "tree", cwd=tmp_path)
        assert took < TIME_BOUND
        assert proc.returncode == 2, (fmt, proc.stderr)
        out = proc.stdout.decode("utf-8")  # strictly UTF-8: no raw byte of the name is written
        err = proc.stderr.decode("utf-8")
        assert_clean_errors(err, {shown_error: "not a regular file: a named pipe (FIFO)"})
        if fmt == "json":
            report = json.loads(out)
            assert rules_by_file(report) == {shown: {"KL012"}}
        elif fmt == "sarif":
            (result,) = json.loads(out)["runs"][0]["results"]
            # the URI names the real file: its byte 0xe9 percent-encoded
            assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "tree/caf%E9.yaml"
        else:
            assert shown in out, fmt
    # the name given directly, as the shell passes it (bytes, surrogate-escaped by Python)
    code, out, err, took = cli("check", "-f", "json", os.fsdecode(name), cwd=tmp_path)
    assert code == 1 and err == ""
    assert rules_by_file(json.loads(out)) == {str(tmp_path / "tree") + "/caf\\xe9.yaml": {"KL012"}}
    assert snapshot(tmp_path) == before


def test_findings_of_a_name_that_is_not_utf8_point_at_the_real_file(tmp_path):
    from k8slint.run import CheckOptions, run_check

    os.mkdir(os.fsencode(tmp_path / "tree"))
    real = os.path.join(os.fsencode(tmp_path / "tree"), b"caf\xe9.yaml")
    with open(real, "wb") as f:
        f.write(BAD)
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = run_check(CheckOptions(paths=["tree"], use_config=False))
    finally:
        os.chdir(old)
    assert [f.file for f in result.findings] == ["tree/caf\\xe9.yaml"]
    assert os.fsencode(tmp_path / result.paths["tree/caf\\xe9.yaml"]) == real


@pytest.mark.parametrize("expected", [0, 100, 200_000])  # the size fstat gave, before changes
@pytest.mark.parametrize("actual", [0, 100, 70_000, 200_000])  # what the file has when read
@pytest.mark.parametrize("limit", [None, 99, 100, 199_999])
def test_reading_a_file_that_changed_size_since_fstat_stops_at_the_limit(tmp_path, expected, actual, limit):
    """read_regular reads the descriptor directly (no buffered file object), asking for the
    size fstat gave plus one: a file that grew or shrank since is still read whole, and never
    more than one byte past --max-file-size."""
    from k8slint.discover import TooLarge, read_descriptor

    data = bytes(range(256)) * (actual // 256 + 1)
    path = tmp_path / "f.yaml"
    path.write_bytes(data[:actual])
    reads: list[int] = []  # bytes asked for, per call
    got: list[int] = []  # bytes returned, per call
    real_read = os.read

    def counting_read(fd: int, n: int) -> bytes:
        reads.append(n)
        chunk = real_read(fd, n)
        got.append(len(chunk))
        return chunk

    fd = os.open(path, os.O_RDONLY)
    try:
        os.read = counting_read  # type: ignore[assignment]
        if limit is not None and actual > limit:
            with pytest.raises(TooLarge):
                read_descriptor(fd, expected, limit)
        else:
            assert read_descriptor(fd, expected, limit) == data[:actual]
    finally:
        os.read = real_read  # type: ignore[assignment]
        os.close(fd)
    if limit is not None:
        assert sum(got) <= limit + 1
    assert all(n > 0 for n in reads)
    assert len(reads) <= 2 or actual > expected  # one read, one to see the end: unless it grew
