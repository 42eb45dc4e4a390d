"""Hostile and broken file contents: each gives a clear, located message, the exit code a CI
gate expects, finishes within a time bound, never modifies the input and never executes or
expands anything the input asks for. (Filesystem cases: tests/test_hostile_files.py.)"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT, run_cli

BOUND = 10.0  # seconds, for any single case on a slow, shared 2-core machine
CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\ndata:\n  a: b\n"


def _laughs(levels: int = 9) -> str:
    lines = ['  a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"  {cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n" + "\n".join(lines) + "\n"


def _pod_cpu(cpu: str) -> str:
    return (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n"
        f"      image: nginx:1.27.3\n      resources: {{requests: {{cpu: {cpu}}}}}\n"
    )


CASES = {
    # name: (file content, extra args, (rule, line, column, message part))
    "alias-bomb": (_laughs(), [], ("KL007", 1, 1, "values through YAML aliases (limit 100000): an alias expansion bomb?")),
    "deep-nesting": ("a: " + "[" * 1000 + "]" * 1000 + "\n", [], ("KL007", 1, 1, "nested more than 100 levels deep")),
    "too-deep-for-any-limit": (
        "a: " + "[" * 1000 + "]" * 1000 + "\n", ["--max-depth", "300"], ("KL007", 1, 1, "nested more than 300 levels deep"),
    ),
    "too-deep-to-compose": (  # 30,000 levels would overflow libyaml's recursive composer
        "- " * 30000 + "x\n", [], ("KL007", 1, 4001, "file is nested more than 2000 levels deep"),
    ),
    "depth-limit": ("a: " + "[" * 150 + "]" * 150 + "\n", [], ("KL007", 1, 1, "nested more than 100 levels deep")),
    "many-documents": ("---\na: 1\n" * 20, ["--max-documents", "5"], ("KL007", 11, 1, "more than 5 documents")),
    "python-tag": (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n"
        "  a: !!python/object/apply:os.system [\"touch PWNED\"]\n", [],
        ("KL005", 6, 6, "YAML tag !!python/object/apply:os.system is not supported by Kubernetes"),
    ),
    "custom-tag": (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: !Sub '${Repo}'\n", [],
        ("KL005", 6, 6, "YAML tag !Sub is not supported"),
    ),
    # quantities whose exact value has billions of digits, or more digits than int() converts
    "quantity-exponent": (
        _pod_cpu('"1e2147483647"'), [], ("KL605", 9, 35, "which means 10,000,000,000,000,000"),
    ),
    "quantity-digits": (_pod_cpu('"' + "9" * 5000 + 'm"'), [], ("KL605", 9, 35, "which means 10,000,000,000,000,000")),
    "tabs": ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: x\n", [], ("KL001", 4, 1, "YAML syntax error")),
    "unterminated-quote": (
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "x\n', [], ("KL001", 4, 10, "YAML syntax error"),
    ),
}
BINARY = {
    "invalid-utf8": (b"apiVersion: v1\nkind: \xff\n", ("KL001", 2, 7, "file is not valid UTF-8 (byte 0xff")),
    "utf16-bom": (CONFIGMAP.encode("utf-16"), ("KL001", 1, 1, "file is encoded as UTF-16 (little-endian)")),
    "utf16be-bom": (b"\xfe\xff" + CONFIGMAP.encode("utf-16-be"), ("KL001", 1, 1, "file is encoded as UTF-16 (big-endian)")),
    "utf32-bom": (CONFIGMAP.encode("utf-32"), ("KL001", 1, 1, "file is encoded as UTF-32 (little-endian)")),
    "nul-byte": (b"apiVersion: v1\nkind: Config\x00Map\n", ("KL001", 2, 13, "file contains a NUL byte")),
    "binary": (bytes(range(256)) * 40, ("KL001", 1, 1, "file contains a NUL byte")),
    # found by the fuzzer: UTF-8's BOM is not a character of the first line
    "bom-nul-byte": (b"\xef\xbb\xbf\t[x]\x00\n", ("KL001", 1, 5, "file contains a NUL byte (line 1, column 5)")),
    "bom-invalid-utf8": (b"\xef\xbb\xbfab\xff\n", ("KL001", 1, 3, "file is not valid UTF-8 (byte 0xff at line 1, column 3)")),
}


def _check(tmp_path: Path, name: str, content: bytes, *args: str):
    bad = tmp_path / f"{name}.yaml"
    good = tmp_path / "zz-good.yaml"
    bad.write_bytes(content)
    good.write_text(CONFIGMAP)
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (bad, good)}
    start = time.monotonic()
    code, out, err = run_cli("check", "-f", "json", *args, str(bad), str(good), cwd=tmp_path)
    elapsed = time.monotonic() - start
    assert elapsed < BOUND, f"{name} took {elapsed:.1f} s"
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (bad, good)} == before
    report = json.loads(out)
    assert report["summary"]["files"] == 2  # the other file is still checked
    return code, report, err


def _assert_finding(report, name, expected):
    rule, line, column, message = expected
    found = [f for f in report["findings"] if f["file"].endswith(f"{name}.yaml")]
    assert any(
        f["rule"] == rule and f["line"] == line and f["column"] == column and message in f["message"] for f in found
    ), found


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_text(tmp_path, name):
    content, args, expected = CASES[name]
    code, report, err = _check(tmp_path, name, content.encode(), *args)
    assert code == 1 and err == ""
    _assert_finding(report, name, expected)
    assert not (tmp_path / "PWNED").exists()


@pytest.mark.parametrize("name", sorted(BINARY))
def test_hostile_bytes(tmp_path, name):
    content, expected = BINARY[name]
    code, report, err = _check(tmp_path, name, content)
    assert code == 1 and err == ""
    _assert_finding(report, name, expected)


def test_a_file_over_the_size_limit_is_not_read(tmp_path):
    big = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: " + b"x" * 2_000_000 + b"\n"
    code, report, err = _check(tmp_path, "big", big, "--max-file-size", "1MiB")
    assert code == 1 and err == ""
    _assert_finding(report, "big", ("KL007", 1, 1, "file is larger than 1 MiB and was not read (it is 1.9 MiB)"))
    code, report, err = _check(tmp_path, "big", big, "--max-file-size", "3MiB")
    assert "KL007" not in {f["rule"] for f in report["findings"]}
    code, out, err = run_cli("check", "-", "--max-file-size", "1000", stdin=big)
    assert code == 1 and out.startswith("<stdin>:1:1: error KL007 file is larger than 1000 bytes (standard input)")


def test_limits_can_be_raised(tmp_path):
    code, report, _ = _check(tmp_path, "deep", ("a: " + "[" * 150 + "]" * 150 + "\n").encode(), "--max-depth", "200")
    assert code == 0 and report["findings"] == []
    code, report, _ = _check(tmp_path, "bomb", _laughs(5).encode(), "--max-aliases", "10")
    assert [f["rule"] for f in report["findings"]] == ["KL007"]
    code, report, _ = _check(tmp_path, "bomb", _laughs(5).encode(), "--max-aliases", "100000")
    assert "KL007" not in {f["rule"] for f in report["findings"]}


def test_limit_flags_reject_bad_values(tmp_path):
    (tmp_path / "a.yaml").write_text(CONFIGMAP)
    for args in (["--max-depth", "0"], ["--max-depth", "9999"], ["--max-aliases", "many"],
                 ["--max-file-size", "ten"], ["--max-documents", "-1"]):
        code, out, err = run_cli("check", *args, "a.yaml", cwd=tmp_path)
        assert code == 2 and err.count("\n") == 1 and err.startswith("k8slint: error:"), (args, err)


def test_an_extremely_long_line_is_checked_and_shown_as_a_window(tmp_path):
    line = "data: {" + ", ".join(f"k{i}: v" for i in range(100_000)) + ", bad: 1}"
    path = tmp_path / "long.yaml"
    path.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n" + line + "\n")
    start = time.monotonic()
    code, out, err = run_cli("check", "--select", "KL011", str(path), cwd=tmp_path)
    assert time.monotonic() - start < BOUND
    assert code == 1
    head, frame = out.split("\n")[0], out.split("\n")[1:6]
    assert head.startswith(f"{path}:5:{line.index('bad: 1') + 6}: error KL011")
    assert max(len(l) for l in frame) < 200  # not 1.2 MB of source in the terminal
    assert "…" in frame[2] and frame[2].rstrip().endswith("bad: 1}")
    caret = frame[3]
    assert caret.index("^") == frame[2].index("1}")


def test_a_run_opens_no_socket():
    """Python's audit hooks see every socket created; a full run on the examples, the fixtures
    and every report format must create none."""
    script = f"""
import sys
events = []
sys.addaudithook(lambda event, args: event.startswith("socket.") and events.append(event))
from k8slint.cli import main
for fmt in ("text", "json", "sarif", "junit", "github"):
    main(["check", "-q", "-f", fmt, "--profile", "pss-restricted", "--profile", "best-practices",
          {str(ROOT / "examples")!r}, {str(FIXTURES)!r}])
sys.stdout.flush()
print("SOCKET EVENTS:", events, file=sys.stderr)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert "SOCKET EVENTS: []" in done.stderr, done.stderr[-2000:]


def test_output_is_byte_identical_across_runs(tmp_path):
    runs = []
    for _ in range(2):
        outputs = []
        for fmt in ("text", "json", "sarif", "junit", "github"):
            code, out, err = run_cli("check", "-f", fmt, "--no-color", "examples", "fixtures", cwd=ROOT)
            outputs.append((code, out, err))
        runs.append(outputs)
    assert runs[0] == runs[1]


@pytest.mark.parametrize("kind", ["[Deployment]", "{a: b}", "1", "null"])
def test_a_kind_that_is_not_a_string_is_an_error_not_a_crash(tmp_path, kind):
    text = f"apiVersion: v1\nkind: {kind}\nmetadata:\n  name: x\n  namespace: y\nspec: {{}}\n"
    code, report, err = _check(tmp_path, "kind", text.encode(), "--select", "ALL")
    assert code == 1 and err == ""
    assert any(f["rule"] in ("KL003", "KL011") and f["line"] == 2 for f in report["findings"]), report["findings"]


@pytest.mark.parametrize("newline", ["\r", "\u0085", "\u2028"])
def test_lines_are_counted_at_lf_whatever_else_breaks_a_line_for_yaml(tmp_path, newline):
    # libyaml (YAML 1.1) breaks lines at a lone CR, NEL, LS and PS too; positions are reported
    # in LF lines, as editors, code frames and the JSON contract count them.
    text = f"# one{newline}# two\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: 1\n"
    code, report, err = _check(tmp_path, "odd", text.encode())
    (finding,) = [f for f in report["findings"] if f["rule"] == "KL011"]
    assert (finding["line"], finding["column"]) == (7, 6)


def test_numbers_of_thousands_of_digits_everywhere(tmp_path):
    """int() refuses more than 4,300 digits: every place a manifest's digits reach a number
    (ports, percentages, quantities, replicas, addresses, apiVersions, cron fields) stays a finding."""
    d = "1" * 5000
    docs = [
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web, labels: {{app: web}}}}\nspec:\n"
        f"  replicas: \"{d}\"\n  revisionHistoryLimit: {d}\n"
        f"  strategy: {{rollingUpdate: {{maxSurge: \"{d}%\", maxUnavailable: \"{d}\"}}}}\n"
        "  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n"
        "      containers:\n        - name: web\n          image: nginx:1.27.3\n"
        f"          ports: [{{containerPort: {d}, name: http}}, {{containerPort: \"{d}\"}}]\n"
        f"          env: [{{name: A, value: \"web:{d}\"}}, {{name: B, value: \"http://web:{d}/x\"}}]\n"
        f"          livenessProbe: {{httpGet: {{port: {d}}}}}\n"
        f"          readinessProbe: {{httpGet: {{port: \"{d}\"}}, periodSeconds: {d}}}\n"
        f"          resources: {{requests: {{cpu: \"{d}\", memory: \"{d}Mi\"}}, limits: {{cpu: \"1e{d}\"}}}}\n",
        f"apiVersion: v1\nkind: Service\nmetadata: {{name: web}}\nspec:\n  selector: {{app: web}}\n"
        f"  ports: [{{port: {d}, targetPort: {d}}}, {{port: 80, targetPort: \"{d}\"}}]\n",
        f"apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: pdb}}\n"
        f"spec: {{minAvailable: \"{d}%\", selector: {{matchLabels: {{app: web}}}}}}\n",
        f"apiVersion: batch/v1\nkind: CronJob\nmetadata: {{name: c}}\nspec:\n  schedule: \"{d} * * * *\"\n"
        "  jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: busybox:1.36}]}}}}\n",
        f"apiVersion: apps/v{d}\nkind: Deployment\nmetadata: {{name: odd}}\n",
    ]
    code, report, err = _check(tmp_path, "big-numbers", "---\n".join(docs).encode())
    assert code == 1 and err == "", err
    assert report["summary"]["errors"] > 5
