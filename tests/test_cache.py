"""The persistent cache: unchanged files are not checked again, the output never changes, and
a corrupt, stale or planted entry is harmless."""
from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys

import pytest

from k8slint import loader
from tests.conftest import CORPUS, FIXTURES, ROOT, run_cli

FORMATS = ("text", "json", "sarif", "junit", "github")


@pytest.fixture(autouse=True)
def cache_on(monkeypatch):
    monkeypatch.delenv("K8SLINT_NO_CACHE", raising=False)


@pytest.fixture
def project(tmp_path):
    shutil.copytree(FIXTURES, tmp_path / "fixtures")
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    (tmp_path / ".git").mkdir()  # the repository root: where .k8slint_cache goes
    return tmp_path


def _run(cwd, *args):
    return run_cli("check", "--profile", "pss-restricted", "--no-color", *args, "fixtures", "examples", cwd=cwd)


def _count_loads(monkeypatch):
    calls = []
    real = loader.load_text

    def counting(text, *args, **kwargs):
        calls.append(text)
        return real(text, *args, **kwargs)

    import k8slint.run

    monkeypatch.setattr(k8slint.run, "load_text", counting)
    return calls


def test_warm_runs_give_the_same_output_without_parsing_again(project, monkeypatch):
    reference = {fmt: _run(project, "--no-cache", "-f", fmt) for fmt in FORMATS}
    assert not (project / ".k8slint_cache").exists()  # --no-cache writes nothing
    cold = _run(project, "-f", "json")
    assert cold == reference["json"]
    assert (project / ".k8slint_cache" / ".gitignore").read_text().endswith("*\n")
    loads = _count_loads(monkeypatch)
    for fmt in FORMATS:
        assert _run(project, "-f", fmt) == reference[fmt], fmt
    assert loads == []  # every file came from the cache
    for jobs in ("1", "2"):
        assert _run(project, "-f", "json", "--jobs", jobs) == reference["json"]


def test_a_changed_file_is_checked_again_and_only_it(project, monkeypatch):
    _run(project, "-f", "json")
    target = project / "fixtures" / "KL101-env-split-item" / "fail.yaml"
    target.write_text(target.read_text().replace("AUTH_ADDRESS", "AUTH_URL"))
    loads = _count_loads(monkeypatch)
    warm = _run(project, "-f", "json")
    assert len(loads) == 1 and "AUTH_URL" in loads[0]
    assert warm == _run(project, "-f", "json", "--no-cache")


def test_parallel_runs_send_only_the_misses_to_workers(project, monkeypatch):
    _run(project, "-f", "json")
    entries = set((project / ".k8slint_cache").rglob("*.pickle"))
    changed = sorted((project / "fixtures").glob("KL1*/fail.yaml"))[:3]
    for path in changed:
        path.write_text(path.read_text() + "# changed\n")
    loads = _count_loads(monkeypatch)
    warm = _run(project, "-f", "json", "--jobs", "2")
    assert loads == []  # the parent read nothing but cache entries: the three files went to workers
    assert len(set((project / ".k8slint_cache").rglob("*.pickle")) - entries) == 3
    assert warm == _run(project, "-f", "json", "--no-cache")
    # a single miss is checked in this process, from the bytes read when it was looked up
    changed[0].write_text(changed[0].read_text() + "# again\n")
    loads.clear()
    warm = _run(project, "-f", "json", "--jobs", "2")
    assert len(loads) == 1 and loads[0].endswith("# again\n")
    assert warm == _run(project, "-f", "json", "--no-cache")


def test_entries_unused_for_30_days_are_pruned_once_a_day(project):
    import time

    reference = _run(project, "-f", "json", "--no-cache")
    _run(project, "-f", "json")
    folder = project / ".k8slint_cache" / "v1"
    entries = sorted(folder.rglob("*.pickle"))
    stamp = folder / "last-prune"
    assert stamp.exists() and len(entries) > 10
    old = time.time() - 40 * 24 * 3600
    for entry in entries:
        os.utime(entry, (old, old))
    stale = entries[0].parent / "gone.pickle"  # an entry of a file that no longer exists
    stale.write_bytes(b"x")
    leftover = entries[0].parent / ".k8slint-abc.tmp"  # an interrupted write
    leftover.write_bytes(b"x")
    for path in (stale, leftover):
        os.utime(path, (old, old))
    assert _run(project, "-f", "json") == reference  # every hit touches its entry ...
    assert stale.exists() and leftover.exists()  # ... but pruning ran less than a day ago
    os.utime(stamp, (old, old))
    assert _run(project, "-f", "json") == reference
    assert not stale.exists() and not leftover.exists()
    assert all(entry.exists() for entry in entries)  # in use: kept


def test_context_files_come_from_the_cache_too(project, monkeypatch):
    # the pre-commit hook checks the changed files with the whole repository as --context
    def run(*extra):
        return run_cli(
            "check", "--no-color", "-f", "json", "--context", "fixtures", *extra,
            "fixtures/KL301-service-selector-mismatch/fail.yaml", cwd=project,
        )

    reference = run("--no-cache")
    assert run() == reference
    loads = _count_loads(monkeypatch)
    assert run() == reference
    assert loads == []
    target = project / "fixtures" / "KL101-env-split-item" / "fail.yaml"
    target.write_text(target.read_text().replace("AUTH_ADDRESS", "AUTH_URL"))
    warm = run()
    assert len(loads) == 1 and "AUTH_URL" in loads[0]  # only the changed file was read again
    assert warm == run("--no-cache")


def test_other_settings_do_not_reuse_results(project, monkeypatch):
    _run(project, "-f", "json")
    loads = _count_loads(monkeypatch)
    for args in (["-k", "1.25"], ["--select", "KL101"], ["--max-depth", "50"]):
        loads.clear()
        warm = _run(project, "-f", "json", *args)
        assert loads, args
        assert warm == _run(project, "-f", "json", "--no-cache", *args), args


def test_corrupt_and_planted_entries_are_ignored(project):
    reference = _run(project, "-f", "json", "--no-cache")
    _run(project, "-f", "json")
    entries = sorted((project / ".k8slint_cache").rglob("*.pickle"))
    assert entries
    evil = pickle.dumps(_Evil(str(project / "PWNED")))
    for i, entry in enumerate(entries):
        entry.write_bytes(evil if i % 3 == 0 else b"garbage" if i % 3 == 1 else entry.read_bytes()[:20])
    assert _run(project, "-f", "json") == reference
    assert not (project / "PWNED").exists()
    assert _run(project, "-f", "json") == reference  # rewritten, and right


class _Evil:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (os.system, (f"touch {self.path}",))


def test_cache_dir_option_and_concurrent_runs(project, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("cache")
    reference = _run(project, "-f", "json", "--no-cache")
    assert _run(project, "-f", "json", "--cache-dir", str(elsewhere)) == reference
    assert not (project / ".k8slint_cache").exists() and list(elsewhere.rglob("*.pickle"))
    env = {k: v for k, v in os.environ.items() if k != "K8SLINT_NO_CACHE"}
    cmd = [sys.executable, "-m", "k8slint", "check", "-f", "json", "--profile", "pss-restricted", "--no-color",
           "--cache-dir", str(elsewhere / "shared"), "fixtures", "examples"]
    procs = [subprocess.Popen(cmd, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == reference[0] for p in procs)
    assert all(out.decode() == reference[1] and err == b"" for out, err in outs)


@pytest.mark.skipif(not (CORPUS / "real").is_dir(), reason="../shared/corpus is not beside the project (CI provides it)")
def test_real_corpus_cold_and_warm_are_identical(tmp_path):
    args = ("check", "-f", "sarif", "--cache-dir", str(tmp_path), str(CORPUS / "real"))
    cold = run_cli(*args)
    warm = run_cli(*args)
    assert cold == warm == run_cli("check", "-f", "sarif", "--no-cache", str(CORPUS / "real"))


def _count_index_locates(monkeypatch):
    """The objects that cross-object findings were located on by composing their documents."""
    from k8slint.engine import Engine

    located = []
    real = Engine.index_findings

    def counting(self, index, locate, *args, **kwargs):
        def counted(objects, exact):
            located.extend(objects)
            return locate(objects, exact)

        return real(self, index, counted, *args, **kwargs)

    monkeypatch.setattr(Engine, "index_findings", counting)
    return located


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_warm_runs_place_cross_object_findings_without_composing(project, monkeypatch, jobs):
    # cached objects have no nodes: a cross-object finding on one was located by composing its
    # document again; the spans found once are kept beside the entry (SpanMemo)
    reference = _run(project, "-f", "json", "--no-cache")
    located = _count_index_locates(monkeypatch)
    text = _run(project, "-f", "text", "--no-cache")
    assert _run(project, "-f", "json", "--jobs", jobs) == reference  # cold: located and learned
    if jobs == "1":  # (with 2 jobs, half of the rules run in a child that this test cannot see)
        assert located
    sidecars = sorted((project / ".k8slint_cache").rglob("*.spans"))
    assert sidecars
    located.clear()
    assert _run(project, "-f", "json", "--jobs", jobs) == reference
    assert _run(project, "-f", "text", "--jobs", jobs) == text
    # only findings with a fix are located again (the fix needs the nodes)
    from k8slint.registry import load_registry

    index_rules = {code for code, impl in load_registry().impls.items() if impl.has_check_index}
    findings = json.loads(reference[1])["findings"]
    assert {f["rule"] for f in findings} & index_rules  # the fixtures have cross-object findings
    assert len(located) <= len([f for f in findings if f["rule"] in index_rules and f["fix"]])
    # a corrupt or foreign sidecar is ignored, and written again
    for i, sidecar in enumerate(sidecars):
        sidecar.write_bytes(b"garbage" if i % 2 else b'{"[0, [], [\\"spec\\"], false]": [1, 1, 1, "x"]}')
    assert _run(project, "-f", "json", "--jobs", jobs) == reference
    assert _run(project, "-f", "json", "--jobs", jobs) == reference


def test_the_garbage_collector_is_paused_during_a_run_only():
    import gc

    from k8slint.run import CheckOptions, run_check

    assert gc.isenabled()
    seen = []
    real = gc.isenabled
    run_check(CheckOptions(paths=[str(FIXTURES / "KL301-service-selector-mismatch")]),
              progress=lambda n, total: seen.append(real()))
    assert seen and not any(seen)  # off while the files were checked
    assert gc.isenabled()  # and on again after
    gc.disable()
    try:
        run_check(CheckOptions(paths=[str(FIXTURES / "KL301-service-selector-mismatch")]))
        assert not gc.isenabled()  # a caller's choice is kept
    finally:
        gc.enable()


def test_the_command_line_pauses_the_collector_and_restores_it(monkeypatch):
    import gc

    from k8slint import fastargs
    from k8slint.cli import main

    seen = []
    real = fastargs.parse_check

    def parse_check(argv):
        seen.append(gc.isenabled())  # before the imports and the run
        return real(argv)

    monkeypatch.setattr(fastargs, "parse_check", parse_check)
    assert gc.isenabled()
    assert main(["check", "--no-cache", "-f", "json", str(FIXTURES / "KL301-service-selector-mismatch")]) == 1
    assert seen == [False]
    assert gc.isenabled()


def test_entries_do_not_keep_the_text(project):
    # the text is decoded again from the bytes read to look the entry up: entries half the size
    from k8slint.cache import _SafeUnpickler

    reference = _run(project, "-f", "text", "--no-cache")
    _run(project, "-f", "json")
    entries = sorted((project / ".k8slint_cache").rglob("*.pickle"))
    results = [_SafeUnpickler(open(entry, "rb")).load() for entry in entries]
    assert results and all(r.outcome.text is None for r in results if hasattr(r, "outcome"))
    assert _run(project, "-f", "text") == reference  # code frames from the decoded text
