"""Parallel checking (--jobs N) gives byte-identical output to a serial run, in every format."""
from __future__ import annotations

import shutil

import pytest

from k8slint.discover import Source
from k8slint.run import PARALLEL_BYTES, _jobs
from tests.conftest import CORPUS, run_cli

FORMATS = ("text", "json", "sarif", "junit", "github")
ARGS = ("--profile", "pss-restricted", "--profile", "best-practices", "--select", "ALL", "--no-color")


def _both(*paths: str, formats=FORMATS) -> None:
    for fmt in formats:
        serial = run_cli("check", "--jobs", "1", "-f", fmt, *ARGS, *paths)
        parallel = run_cli("check", "--jobs", "2", "-f", fmt, *ARGS, *paths)
        assert serial == parallel, fmt
        assert serial[0] in (0, 1, 2)


def test_fixtures_and_examples_serial_equals_parallel():
    _both("fixtures", "examples", formats=("text", "json"))


@pytest.mark.skipif(not (CORPUS / "real").is_dir(), reason="../shared/corpus is not beside the project (CI provides it)")
def test_real_corpus_serial_equals_parallel():
    _both(str(CORPUS / "real"), str(CORPUS / "peers"))


def test_fixing_in_parallel_gives_the_same_files(tmp_path):
    for jobs in ("1", "2"):
        shutil.copytree("fixtures", tmp_path / jobs)
        code, out, err = run_cli("check", "--fix", "--unsafe-fixes", "--jobs", jobs, "-q", str(tmp_path / jobs))
        assert "internal error" not in err
    for path in (tmp_path / "1").rglob("*.yaml"):
        assert path.read_bytes() == (tmp_path / "2" / path.relative_to(tmp_path / "1")).read_bytes(), path


def test_jobs_are_chosen_by_input_size(tmp_path):
    small = tmp_path / "small.yaml"
    small.write_text("a: 1\n")
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: 1\n" * (PARALLEL_BYTES // 4))
    sources = [Source(str(small), small, 0), Source(str(big), big, 1)]
    assert _jobs(None, sources[:1], None) == 1
    assert _jobs(3, sources, None) == 2  # never more processes than files
    assert _jobs(2, [*sources, Source("<stdin>", None, 2)], None) == 1  # stdin: one process
    assert _jobs(1, sources, None) == 1
    assert _jobs(None, sources, None) >= 1


def test_jobs_must_be_a_positive_number():
    assert run_cli("check", "--jobs", "0", "examples")[0] == 2
    assert run_cli("check", "--jobs", "many", "examples")[0] == 2
