"""The command line as users and CI see it: exit codes, stdin, formats, discovery, errors."""
import json
import os

import pytest

from tests.conftest import run_cli, run_json, run_process

VALID = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: b\n"
INVALID = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: 1\n"
CR = b"apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n"


def write(tmp_path, name, content):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def test_exit_codes_follow_fail_on(tmp_path):
    write(tmp_path, "ok.yaml", VALID)
    write(tmp_path, "cr.yaml", CR)
    assert run_cli("check", str(tmp_path / "ok.yaml"))[0] == 0
    assert run_cli("check", str(tmp_path / "cr.yaml"))[0] == 0  # info only
    assert run_cli("check", "--fail-on", "info", str(tmp_path / "cr.yaml"))[0] == 1
    assert run_cli("check", "--fail-on", "warning", str(tmp_path / "cr.yaml"))[0] == 0
    write(tmp_path, "bad.yaml", INVALID)
    assert run_cli("check", str(tmp_path))[0] == 1


def test_usage_errors_exit_2_with_one_line():
    code, out, err = run_cli("check")
    assert code == 2 and "give files or directories" in err
    code, out, err = run_cli("check", "--kubernetes-version", "1.99", "examples")
    assert code == 2 and "no bundled schema for Kubernetes 1.99; available: 1.16 to 1.37" in err
    code, out, err = run_cli("check", "--kubernetes-version", "latest", "examples")
    assert code == 2 and "invalid Kubernetes version" in err
    code, out, err = run_cli("check", "--format", "xml", "examples")
    assert code == 2
    code, out, err = run_cli("check", "--bogus", "examples")
    assert code == 2


def test_missing_path_exits_2_but_checks_the_rest(tmp_path):
    write(tmp_path, "bad.yaml", INVALID)
    code, report = run_json(str(tmp_path / "nope.yaml"), str(tmp_path / "bad.yaml"))
    assert code == 2
    assert report["input_errors"] == [{"path": str(tmp_path / "nope.yaml"), "reason": "no such file or directory"}]
    assert report["findings"][0]["rule"] == "KL011"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read files without permission")
def test_unreadable_file_exits_2(tmp_path):
    path = write(tmp_path, "secret.yaml", VALID)
    path.chmod(0)
    code, out, err = run_cli("check", str(path))
    assert code == 2 and "cannot read" in err and "secret.yaml" in err


def test_unreadable_file_exits_2_as_process(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    proc = run_process("check", str(fifo))
    assert proc.returncode == 2
    assert b"not a regular file" in proc.stderr and b"Traceback" not in proc.stderr


def test_stdin_and_stdin_filename():
    code, report = run_json("-", "--stdin-filename", "rendered.yaml", stdin=INVALID)
    assert code == 1 and report["findings"][0]["file"] == "rendered.yaml"
    code, report = run_json("-", stdin=INVALID)
    assert report["findings"][0]["file"] == "<stdin>"


def test_stdin_as_a_real_process():
    proc = run_process("check", "-", "--no-color", stdin=INVALID)
    assert proc.returncode == 1
    assert proc.stdout.decode().startswith("<stdin>:6:6: error KL011 a: expected string, got integer 1")


def test_version_and_module_entry_point():
    proc = run_process("--version")
    assert proc.returncode == 0 and proc.stdout.decode().startswith("k8slint ")


def test_the_command_flushes_its_output_and_skips_the_teardown(tmp_path):
    """``k8slint`` and ``python -m k8slint`` end with os._exit after flushing the standard
    streams (cli.entry): the whole report arrives, the exit code is the run's, a reader that
    stops early is not an error, and a stream that cannot be written is reported."""
    import subprocess
    import sys

    many = b"".join(INVALID.replace(b"name: c", b"name: c%d" % i) + b"---\n" for i in range(300))
    write(tmp_path, "a.yaml", many)
    code, out, _ = run_cli("check", "--format", "json", str(tmp_path))
    proc = run_process("check", "--format", "json", str(tmp_path))
    assert (proc.returncode, proc.stdout.decode()) == (code, out) == (1, out)
    assert len(out) > 65536  # more than one pipe buffer: buffered text was flushed at the end
    # nobody reads standard output any more (k8slint check ... | head, head gone)
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "k8slint", "check", "--format", "json", str(tmp_path)],
            stdout=write_end, stderr=subprocess.PIPE, timeout=120,
        )
    finally:
        os.close(write_end)
    assert proc.returncode == 0 and b"Traceback" not in proc.stderr, proc.stderr
    # standard output that cannot be written (a full disk behind a redirection)
    if os.path.exists("/dev/full"):
        with open("/dev/full", "wb") as full:
            proc = subprocess.run(
                [sys.executable, "-m", "k8slint", "check", "--format", "json", str(tmp_path)],
                stdout=full, stderr=subprocess.PIPE, timeout=120,
            )
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.decode() == "k8slint: error: cannot write to standard output: No space left on device\n"


def test_json_contract(tmp_path):
    write(tmp_path, "bad.yaml", INVALID)
    write(tmp_path, "values.yaml", b"replicaCount: 1\n")
    code, out, err = run_cli("check", "--format", "json", str(tmp_path))
    report = json.loads(out)
    assert report["version"] == 1
    assert set(report["summary"]) >= {"files", "documents", "objects", "skipped", "errors", "warnings", "infos"}
    assert report["summary"] == {"files": 2, "documents": 2, "objects": 1, "skipped": 1, "errors": 1, "warnings": 0, "infos": 0, "baselined": 0}
    (finding,) = report["findings"]
    assert list(finding) == [
        "file", "line", "column", "end_line", "end_column", "rule", "name", "severity", "message", "help", "object", "path",
        "fix",
    ]
    assert finding.pop("fix") == {"safety": "safe", "title": 'quote 1 as "1"'}
    assert finding == {
        "file": str(tmp_path / "bad.yaml"), "line": 6, "column": 6, "end_line": 6, "end_column": 7,
        "rule": "KL011", "name": "wrong-type", "severity": "error",
        "message": "a: expected string, got integer 1", "help": 'quote it: "1"',
        "object": {"apiVersion": "v1", "kind": "ConfigMap", "namespace": None, "name": "c"},
        "path": "data.a",
    }


def test_text_report_has_no_color_unless_asked(tmp_path):
    path = write(tmp_path, "bad.yaml", INVALID)
    code, out, err = run_cli("check", str(path))
    assert "\033[" not in out
    os.environ["FORCE_COLOR"] = "1"
    try:
        assert "\033[" in run_cli("check", str(path))[1]
        assert "\033[" not in run_cli("check", "--no-color", str(path))[1]
    finally:
        del os.environ["FORCE_COLOR"]


def test_text_report_summary(tmp_path):
    write(tmp_path, "ok.yaml", VALID)
    code, out, err = run_cli("check", str(tmp_path))
    assert out == "No problems found in 1 file, 1 document, 1 object, 0 skipped; Kubernetes 1.37 schema.\n"


def test_discovery_order_excludes_and_default_excludes(tmp_path):
    for name in ["b.yaml", "a.yml", "c.json", "notes.txt", "sub/z.yaml", "sub/y/x.yaml",
                 ".git/config.yaml", "node_modules/m.yaml", "vendor/v.yaml", "skip/s.yaml"]:
        write(tmp_path, name, INVALID if not name.endswith(".json") else b'{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "j"}, "data": {"a": 1}}')
    code, report = run_json(str(tmp_path), "--exclude", "skip", "--select", "KL011")
    files = [os.path.relpath(f["file"], tmp_path) for f in report["findings"]]
    assert files == ["a.yml", "b.yaml", "c.json", "sub/z.yaml", "sub/y/x.yaml"]
    code, report = run_json(str(tmp_path), "--exclude", "*.json", "--exclude", "sub/**", "--select", "KL011")
    files = [os.path.relpath(f["file"], tmp_path) for f in report["findings"]]
    assert files == ["a.yml", "b.yaml", "skip/s.yaml"]


def test_symlinks_are_not_followed_out_of_the_root(tmp_path):
    outside = tmp_path / "outside"
    root = tmp_path / "root"
    write(tmp_path, "outside/secret.yaml", INVALID)
    write(tmp_path, "root/inside.yaml", INVALID)
    (root / "link-out.yaml").symlink_to(outside / "secret.yaml")
    (root / "dir-out").symlink_to(outside, target_is_directory=True)
    (root / "link-in.yaml").symlink_to(root / "inside.yaml")
    (root / "loop").symlink_to(root, target_is_directory=True)
    code, report = run_json(str(root))
    files = sorted(os.path.relpath(f["file"], root) for f in report["findings"])
    assert files == ["inside.yaml"]  # link-in.yaml is the same file: checked once


def test_same_file_given_twice_is_checked_once(tmp_path):
    path = write(tmp_path, "bad.yaml", INVALID)
    code, report = run_json(str(path), str(tmp_path))
    assert len(report["findings"]) == 1


def test_non_kubernetes_documents_are_skipped_and_counted(tmp_path):
    write(tmp_path, "kustomization.yaml", b"resources: [a.yaml]\n")
    write(tmp_path, "chart/Chart.yaml", b"apiVersion: v2\nname: app\nversion: 1.0.0\n")
    write(tmp_path, "chart/values.yaml", b"image:\n  tag: 1.0\n")
    write(tmp_path, ".github/workflows/ci.yml", b"on: push\njobs: {}\n")
    code, report = run_json(str(tmp_path))
    assert code == 0 and report["findings"] == []
    assert report["summary"]["skipped"] == 4 and report["summary"]["objects"] == 0


def test_helm_templates_are_skipped_with_a_notice(tmp_path):
    write(tmp_path, "templates/deploy.yaml", b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n")
    code, report = run_json(str(tmp_path))
    (f,) = report["findings"]
    assert (f["rule"], f["severity"], f["line"], f["column"]) == ("KL004", "info", 4, 9)
    assert "helm template" in f["help"] and code == 0


def test_json_manifest_with_tabs(tmp_path):
    write(tmp_path, "pod.json", b'{\n\t"apiVersion": "v1",\n\t"kind": "Pod",\n\t"metadata": {"name": "p"},\n\t"spec": {"containers": [{"name": "c", "image": "x:1", "imagePullPolicy": "Allways"}]}\n}\n')
    code, report = run_json(str(tmp_path / "pod.json"))
    (f,) = report["findings"]
    assert (f["rule"], f["line"], f["column"]) == ("KL012", 5, 75)


def test_syntax_error_is_a_finding_and_the_rest_is_checked(tmp_path):
    write(tmp_path, "a.yaml", b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n   bad: 1\n---\n" + INVALID)
    code, report = run_json(str(tmp_path))
    assert [(f["rule"], f["line"]) for f in report["findings"]] == [("KL001", 5), ("KL011", 12)]


def test_internal_errors_are_one_line_not_a_traceback(monkeypatch):
    import k8slint.run

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(k8slint.run, "run_check", boom)
    code, out, err = run_cli("check", "examples")
    assert code == 3
    assert err.strip() == "k8slint: internal error: RuntimeError: boom (set K8SLINT_DEBUG=1 for the traceback and please report it)"


def test_readme_example_runs():
    code, out, err = run_cli("check", "--no-color", "examples/")
    assert code == 1
    assert 'examples/web.yaml:23:15: error KL101 env var "AUTH_ADDRESS" is split across two list items' in out
