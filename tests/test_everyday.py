"""Everyday use: init, shell completion, progress on a terminal, --quiet, --statistics."""
import io
import os
import re
import subprocess
import sys

from k8slint.config import KEYS, load_config
from k8slint.progress import Progress, for_terminal
from tests.conftest import ROOT, run_cli

BAD = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: 1\n  b: 2\n"


def test_init_writes_a_commented_config_and_never_overwrites(tmp_path):
    code, out, err = run_cli("init", cwd=tmp_path)
    assert code == 0 and out.startswith("Wrote .k8slint.yaml")
    path = tmp_path / ".k8slint.yaml"
    text = path.read_text()
    assert all(line.startswith("#") or not line.strip() for line in text.splitlines())
    code, out, err = run_cli("init", cwd=tmp_path)
    assert code == 2 and "already exists; use --force" in err and path.read_text() == text
    path.write_text("select: [ALL]\n")
    code, out, err = run_cli("init", "--force", cwd=tmp_path)
    assert code == 0 and path.read_text() == text
    (tmp_path / "ok.yaml").write_bytes(b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")
    assert run_cli("check", "ok.yaml", cwd=tmp_path)[0] == 0


def test_every_setting_in_the_starter_config_is_valid_when_uncommented(tmp_path):
    run_cli("init", "k8slint.yaml", cwd=tmp_path)
    lines = (tmp_path / "k8slint.yaml").read_text().splitlines()
    setting = re.compile(r'^# ( *([a-z-]+|"[^"]+"):.*)$')  # "key: value" and per-path-ignores entries
    uncommented = [m.group(1) for m in map(setting.match, lines) if m]
    keys = {line.split(":")[0] for line in uncommented if not line.startswith(" ")}
    assert keys == set(KEYS)  # the starter config shows every setting
    (tmp_path / "rules").mkdir()
    path = tmp_path / ".k8slint.yaml"
    path.write_text("\n".join(uncommented).replace("policies/", "rules/") + "\n")
    config = load_config(path)
    assert config.select == ["ALL"] and config.per_path_ignores == {"legacy/**": ["KL301"]}
    (tmp_path / "ok.yaml").write_bytes(b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")
    code, out, err = run_cli("check", "ok.yaml", cwd=tmp_path)
    assert code in (0, 1), err


def test_shell_completion_offers_commands_and_options():
    env = {**os.environ, "_K8SLINT_COMPLETE": "complete_bash", "COMP_WORDS": "k8slint ch", "COMP_CWORD": "1"}
    done = subprocess.run([sys.executable, "-m", "k8slint"], env=env, capture_output=True, text=True, cwd=ROOT)
    assert "check" in done.stdout.split()
    env.update(COMP_WORDS="k8slint check --for", COMP_CWORD="2")
    done = subprocess.run([sys.executable, "-m", "k8slint"], env=env, capture_output=True, text=True, cwd=ROOT)
    assert "--format" in done.stdout.split()
    code, out, err = run_cli("--help")
    assert "--install-completion" in out


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_shows_only_after_a_second_and_is_erased():
    now = [0.0]
    stream = FakeTerminal()
    progress = Progress(stream, clock=lambda: now[0])
    progress(1, 3)
    now[0] = 0.5
    progress(2, 3)
    assert stream.getvalue() == ""
    now[0] = 1.2
    progress(3, 3)
    assert stream.getvalue() == "\r\033[Kk8slint: checking file 3 of 3 (1 s)"
    progress.clear()
    assert stream.getvalue().endswith("\r\033[K")


def test_no_progress_off_a_terminal_or_when_quiet():
    assert for_terminal(io.StringIO(), quiet=False) is None
    assert for_terminal(FakeTerminal(), quiet=True) is None
    assert isinstance(for_terminal(FakeTerminal(), quiet=False), Progress)


def test_quiet_prints_only_the_findings(tmp_path):
    (tmp_path / "bad.yaml").write_bytes(BAD)
    (tmp_path / "ok.yaml").write_bytes(b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")
    code, out, err = run_cli("check", "-q", "ok.yaml", cwd=tmp_path)
    assert (code, out, err) == (0, "", "")
    code, loud, _ = run_cli("check", "bad.yaml", cwd=tmp_path)
    code, out, err = run_cli("check", "--quiet", "bad.yaml", cwd=tmp_path)
    assert code == 1 and out.startswith("bad.yaml:6:6: error KL011") and "Found" not in out
    assert loud.startswith(out[:-1]) and loud.endswith("Kubernetes 1.37 schema.\n")


def test_statistics_counts_findings_per_rule(tmp_path):
    (tmp_path / "bad.yaml").write_bytes(BAD + b"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"
                                        b"spec:\n  containers:\n  - name: c\n    image: nginx:lastest\n")
    code, out, err = run_cli("check", "--statistics", "bad.yaml", cwd=tmp_path)
    assert code == 1
    assert out == (
        "2  KL011  wrong-type      error\n"
        "1  KL201  image-tag-typo  error\n"
        "\n"
        "Found 3 errors, 0 warnings and 0 infos in 1 file, 2 documents, 2 objects, 0 skipped; "
        "Kubernetes 1.37 schema.\n"
    )
