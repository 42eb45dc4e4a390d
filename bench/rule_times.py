"""The CPU time of each cross-object (index) rule on a tree, in one process (the garbage
collector off, as k8slint runs), median of N passes:

    python bench/rule_times.py bench/out/tree-10000 [N]

It checks the tree once (no cache, one process), then each pass builds a fresh Index (fresh
memos) and runs the active index rules in the engine's order, timing each rule's check_index
with all its reports consumed. A rule that first asks for something the index or a module
memoises for several rules (the checked pod templates, the references of every pod) pays for
it: compare sums rather than single rules. Nothing here runs under pytest."""
import gc, io, statistics, sys, time
from k8slint.engine import Engine
from k8slint.index import Index

tree = sys.argv[1]; passes = int(sys.argv[2]) if len(sys.argv) > 2 else 5
captured = {}
orig = Engine.index_findings
def grab(self, index, *a, **k):
    captured["eng"] = self; captured["index"] = index
    return orig(self, index, *a, **k)
Engine.index_findings = grab
sys.argv = ["k8slint", "check", tree, "--format", "json", "--no-cache", "--jobs", "1"]
from k8slint.cli import main
out = sys.stdout; sys.stdout = io.StringIO()
try:
    main()
except SystemExit:
    pass
sys.stdout = out
gc.disable()
eng, index = captured["eng"], captured["index"]
times = {}
for _ in range(passes):
    fresh = Index(index.objects, index.default_namespace, index.lost_folders, index.generated)
    for impl in eng.active_index_rules(fresh):
        t = time.process_time(); n = sum(1 for _ in impl.check_index(fresh, eng.ctx)); dt = time.process_time() - t
        times.setdefault((impl.rule.code, impl.rule.name), []).append(dt)
total = 0.0
for (code, name), ts in sorted(times.items(), key=lambda kv: -statistics.median(kv[1])):
    m = statistics.median(ts); total += m
    print(f"{m*1000:7.1f} ms  {code} {name}")
print(f"{total*1000:7.1f} ms  total (sum of medians, {passes} passes, {len(index.objects)} objects)")
