"""The CPU time of each cross-object (index) rule on a tree, in one process (the garbage
collector off, as k8slint runs), median of N passes:

    python bench/rule_times.py bench/out/tree-10000 [N]

It checks the tree once (no cache, one process), then each pass builds a fresh Index (fresh
memos) and runs the active index rules in the engine's order, timing each rule's check_index
with all its reports consumed. A rule that first asks for something the index or a module
memoises for several rules (the checked pod templates, the references of every pod) pays for
it: compare sums rather than single rules. Nothing here runs under pytest.
"""
from __future__ import annotations

import contextlib
import gc
import io
import statistics
import sys
import time

from k8slint.cli import main
from k8slint.engine import Engine
from k8slint.index import Index


def checked_index(tree: str) -> tuple[Engine, Index]:
    """The engine and the index of a cold, serial check of ``tree``."""
    found: list[tuple[Engine, Index]] = []
    run_rules = Engine.index_findings

    def keeping(engine: Engine, index: Index, *args, **kwargs):  # type: ignore[no-untyped-def]
        found.append((engine, index))
        return run_rules(engine, index, *args, **kwargs)

    Engine.index_findings = keeping  # type: ignore[method-assign]
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            main(["check", tree, "--format", "json", "--no-cache", "--jobs", "1"])
    finally:
        Engine.index_findings = run_rules  # type: ignore[method-assign]
    if not found:
        sys.exit(f"{tree}: no index rules ran")
    return found[0]


def rule_times(engine: Engine, index: Index, passes: int) -> dict[tuple[str, str], list[float]]:
    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(passes):
        fresh = Index(index.objects, index.default_namespace, index.lost_folders, index.generated)
        for impl in engine.active_index_rules(fresh):
            started = time.process_time()
            for _report in impl.check_index(fresh, engine.ctx):  # type: ignore[misc]
                continue
            times.setdefault((impl.rule.code, impl.rule.name), []).append(time.process_time() - started)
    return times


def run() -> None:
    tree = sys.argv[1]
    passes = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    engine, index = checked_index(tree)
    gc.disable()
    medians = {rule: statistics.median(ts) for rule, ts in rule_times(engine, index, passes).items()}
    for (code, name), median in sorted(medians.items(), key=lambda item: -item[1]):
        print(f"{median * 1000:7.1f} ms  {code} {name}")
    print(f"{sum(medians.values()) * 1000:7.1f} ms  total (sum of medians, {passes} passes, "
          f"{len(index.objects)} objects)")


if __name__ == "__main__":
    run()
