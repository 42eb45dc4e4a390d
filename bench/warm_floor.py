"""The floor of a warm run: what any warm ``k8slint check`` of a tree does even if it reused every
result and ran no cross-object rule at all.

    python bench/warm_floor.py --report REPORT.json TREE...

1. Start-up, and the work on the one file that changed: the interpreter, k8slint's imports, the
   schema and the rules, by checking ``--one`` (default bench/small.yaml, 2 documents: the size of
   a file of the tree) in process, without the cache.
2. Finding what changed: discover the files as k8slint does, and read and hash (SHA-256) each one,
   as the cache does to look its result up.
3. The report: REPORT's text (the JSON report of a run on the same tree) written to stdout.

It prints nothing else and exits 0, as the k8slint command exits: without the interpreter's
teardown. The benchmark runs it beside the warm runs of (w): a warm
run can only be faster than this by skipping one of these steps.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--report", type=Path, required=True, help="the report to write (a k8slint JSON report)")
    ap.add_argument("--one", default=str(BENCH / "small.yaml"), help="the one file checked (default bench/small.yaml)")
    ap.add_argument("paths", nargs="+")
    args = ap.parse_args()
    from k8slint.discover import discover
    from k8slint.run import CheckOptions, run_check

    run_check(CheckOptions(paths=[args.one], use_config=False))
    sources, _ = discover(args.paths, [])
    for source in sources:
        assert source.path is not None
        with open(source.path, "rb") as f:  # a str since k8slint keeps paths as text
            hashlib.sha256(f.read()).hexdigest()
    sys.stdout.write(args.report.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)  # as the k8slint command exits (k8slint.cli.entry): no teardown
