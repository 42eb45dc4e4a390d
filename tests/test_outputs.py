"""--format/--output pairs, the default format inside GitHub Actions, and report files."""
import json
import os
import stat

import pytest

from k8slint.outputs import Output, OutputError, format_for, plan, write_atomically
from tests.conftest import run_cli

BAD = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: 1\n"


def test_default_is_text_and_github_inside_github_actions():
    assert plan([], [], {}) == [Output("text", None)]
    assert plan([], [], {"GITHUB_ACTIONS": "true"}) == [Output("github", None)]
    assert plan(["json"], [], {"GITHUB_ACTIONS": "true"}) == [Output("json", None)]


def test_the_nth_output_takes_the_nth_format():
    assert plan(["sarif", "json", "text"], ["a.sarif", "b.json"], {}) == [
        Output("sarif", "a.sarif"), Output("json", "b.json"), Output("text", None),
    ]
    assert plan(["github", "sarif"], ["-", "r.sarif"], {}) == [Output("github", None), Output("sarif", "r.sarif")]


def test_outputs_without_a_format_take_it_from_their_extension():
    assert [format_for(p) for p in ("r.sarif", "r.sarif.json", "r.json", "junit.xml", "r.txt")] == [
        "sarif", "sarif", "json", "junit", "text",
    ]
    assert plan([], ["r.xml", "r.sarif"], {}) == [Output("junit", "r.xml"), Output("sarif", "r.sarif")]


def test_only_one_report_on_stdout_and_one_report_per_file():
    with pytest.raises(OutputError, match="only one report can go to standard output"):
        plan(["json", "text"], [], {})
    with pytest.raises(OutputError, match="same --output file"):
        plan(["json", "sarif"], ["r", "r"], {})


def test_reports_to_files_and_stdout_in_one_run(tmp_path):
    (tmp_path / "bad.yaml").write_bytes(BAD)
    code, out, err = run_cli(
        "check", "bad.yaml", "-f", "json", "-o", "r.json", "-o", "r.sarif", "-f", "sarif", "-f", "text",
        cwd=tmp_path,
    )
    # -o r.sarif is the second output, so it takes the second --format (sarif); text goes to stdout
    assert code == 1, err
    assert json.loads((tmp_path / "r.json").read_text())["findings"][0]["rule"] == "KL011"
    sarif = json.loads((tmp_path / "r.sarif").read_text())
    assert sarif["runs"][0]["results"][0]["ruleId"] == "KL011"
    assert out.startswith("bad.yaml:6:6: error KL011")


def test_summary_goes_to_the_terminal_when_every_report_goes_to_a_file(tmp_path):
    (tmp_path / "bad.yaml").write_bytes(BAD)
    code, out, err = run_cli("check", "bad.yaml", "-o", "report.xml", cwd=tmp_path)
    assert code == 1
    assert out == (
        "Found 1 error, 0 warnings and 0 infos in 1 file, 1 document, 1 object, 0 skipped; "
        "Kubernetes 1.37 schema. Wrote junit to report.xml.\n"
    )
    assert (tmp_path / "report.xml").read_text().startswith("<?xml")
    code, out, err = run_cli("check", "bad.yaml", "-o", "report.xml", "--quiet", cwd=tmp_path)
    assert code == 1 and out == ""


def test_github_annotations_inside_github_actions(tmp_path, monkeypatch):
    (tmp_path / "bad.yaml").write_bytes(BAD)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, err = run_cli("check", "bad.yaml", cwd=tmp_path)
    assert code == 1
    assert out.startswith("::error file=bad.yaml,line=6,col=6,")
    code, out, err = run_cli("check", "bad.yaml", "-f", "text", cwd=tmp_path)
    assert out.startswith("bad.yaml:6:6: error KL011")


def test_an_output_that_cannot_be_written_is_a_usage_error(tmp_path):
    (tmp_path / "bad.yaml").write_bytes(BAD)
    code, out, err = run_cli("check", "bad.yaml", "-o", "no/such/dir/r.json", cwd=tmp_path)
    assert code == 2
    assert err.startswith("k8slint: error: cannot write no/such/dir/r.json:") and err.count("\n") == 1
    code, out, err = run_cli("check", "bad.yaml", "-f", "json", "-f", "text", cwd=tmp_path)
    assert code == 2 and "only one report can go to standard output" in err


def test_write_atomically_keeps_permissions_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "r.json"
    path.write_text("old")
    os.chmod(path, 0o640)
    write_atomically(str(path), "new")
    assert path.read_text() == "new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert os.listdir(tmp_path) == ["r.json"]


def test_write_atomically_new_file_gets_the_usual_mode_and_temporary_names_differ(tmp_path):
    from k8slint.outputs import _temporary

    umask = os.umask(0o027)
    try:
        write_atomically(str(tmp_path / "r.json"), "new")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "r.json").stat().st_mode) == 0o640
    made = [_temporary(str(tmp_path)) for _ in range(50)]
    for fd, path in made:
        os.close(fd)
        assert os.path.basename(path).startswith(".k8slint-") and path.endswith(".tmp")
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert len({path for _, path in made}) == 50


def test_write_atomically_follows_a_symbolic_link(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "r.json"
    target.write_text("old")
    link = tmp_path / "r.json"
    link.symlink_to(target)
    write_atomically(str(link), "new")
    assert link.is_symlink() and target.read_text() == "new"
    assert os.listdir(tmp_path / "real") == ["r.json"]


def test_write_atomically_writes_into_a_named_pipe_and_keeps_it(tmp_path):
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()), daemon=True)
    reader.start()
    write_atomically(str(fifo), "report")
    reader.join(10)
    assert received == ["report"] and stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert os.listdir(tmp_path) == ["pipe"]


def test_output_to_a_character_device_stays_a_device(tmp_path):
    """-o /dev/null used to replace the device with a regular file (for root, /dev/null itself).
    Checked on a device node of the test's own, made like /dev/null (needs root)."""
    device = tmp_path / "null"
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        # not root: no device node of our own; the FIFO test above covers the same direct write
        pytest.skip("making a device node needs root")
    (tmp_path / "bad.yaml").write_text("apiVersion: v1\nkind: ConfigMap\n")
    code, out, err = run_cli("check", "bad.yaml", "-f", "json", "-o", "null", cwd=tmp_path)
    assert code == 1 and "Wrote json to null" in out + err
    assert stat.S_ISCHR(os.lstat(device).st_mode)
    assert sorted(os.listdir(tmp_path)) == ["bad.yaml", "null"]
