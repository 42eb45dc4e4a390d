"""Shared test helpers: where things are, and how to run k8slint in-process or as a command."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"

needs_shared = pytest.mark.skipif(
    not CORPUS.is_dir(), reason="../shared/corpus is not beside the project (CI provides it)"
)


def run_cli(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> tuple[int, str, str]:
    """Run the CLI in-process (fast); returns (exit code, stdout, stderr)."""
    from k8slint.cli import main

    out, err = io.StringIO(), io.StringIO()
    old = sys.stdout, sys.stderr, sys.stdin
    old_cwd = os.getcwd()
    sys.stdout, sys.stderr = out, err
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin or b""))
    try:
        if cwd is not None:
            os.chdir(cwd)
        code = main(list(args))
    finally:
        sys.stdout, sys.stderr, sys.stdin = old
        os.chdir(old_cwd)
    return code, out.getvalue(), err.getvalue()


def run_json(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> tuple[int, dict]:
    code, out, err = run_cli("check", "--format", "json", *args, stdin=stdin, cwd=cwd)
    return code, json.loads(out)


def run_process(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m k8slint`` as a separate process (for exit codes, stdin, no traceback)."""
    return subprocess.run(
        [sys.executable, "-m", "k8slint", *args], input=stdin, capture_output=True, cwd=cwd or ROOT,
        timeout=120,
    )

# Runs in the tests do not read or write the persistent cache (it would appear in the project
# and in every temporary folder); tests/test_cache.py turns it on explicitly.
os.environ["K8SLINT_NO_CACHE"] = "1"
