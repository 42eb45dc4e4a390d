"""Benchmark ``k8slint check`` as a whole process against a parse-only floor and kubernetes-validate.

    python bench/run.py                  # full run: (a) (e) (b) (c), peer once on (c)
    python bench/run.py --quick          # skip kubernetes-validate on (c) (it takes ~1.5 min a run)
    python bench/run.py --json out.json  # also save every raw measurement

Scenarios: (a) one small valid file, (e) one small file with errors, (b) the whole
../shared/corpus/real, (c) a generated tree of
10,000 valid documents (bench/make_tree.py; built on first use). In each repetition the commands
run one after the other (k8slint, floor, floor-c, peer, k8slint, floor, ...), so that a noisy
neighbour slows all of them alike. Each command is a fresh process, timed on the wall clock
around Popen + os.wait4, which also gives that process's peak RSS. Medians are reported.
See bench/README.md.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Optional

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CORPUS = Path("..") / "shared" / "corpus" / "real"  # relative to ROOT, where every command runs
SMALL = Path("bench") / "small.yaml"  # valid: the common pre-commit case
SMALL_ERRORS = Path("examples") / "web.yaml"  # 4 deliberate errors: the explaining path
SUFFIXES = (".yaml", ".yml", ".json")
KUBERNETES_VERSION = "1.37"
TARGET_TREE_RATIO = 2.0  # (c): k8slint wall time at most 2.0x the parse-only floor
TARGET_SMALL_SECONDS = 0.15  # (a): under 0.15 s
SCHEMA_RULES = "KL001,KL002,KL003,KL004,KL005,KL006,KL010,KL011,KL012,KL013,KL020,KL021,KL022"


@dataclass
class Tool:
    name: str
    argv: list[str]  # paths are appended
    ok_codes: tuple[int, ...]  # kubernetes-validate ORs 1 (invalid) and 2 (could not validate)
    takes_dirs: bool = True  # kubernetes-validate does not walk directories


@dataclass
class Run:
    tool: str
    wall: float
    maxrss_kib: int
    user: float
    sys: float
    rc: int


@dataclass
class Scenario:
    key: str
    label: str
    paths: list[str]
    repeat: int
    peer_repeat: int
    documents: int = 0  # composed by the floor: the count every docs/s figure is based on
    files: int = 0
    peer_files: int = 0  # the files kubernetes-validate is given (those it can load)
    peer_documents: int = 0  # their documents, the base of the peer's docs/s
    runs: list[Run] = field(default_factory=list)


class BenchError(RuntimeError):
    pass


def bin_next_to_python(name: str) -> Optional[str]:
    path = Path(sys.executable).with_name(name)
    return str(path) if path.exists() else None


def walk(paths: list[str]) -> list[str]:
    """The files a directory-walking tool sees (same rule as parse_floor.py), relative to ROOT."""
    out: list[str] = []
    for arg in paths:
        p = ROOT / arg
        if p.is_dir():
            out += sorted(str(Path(arg) / f.relative_to(p)) for f in p.rglob("*")
                          if f.suffix in SUFFIXES and f.is_file())
        else:
            out.append(arg)
    return out


def peer_loadable(files: list[str]) -> list[str]:
    """Files kubernetes-validate can load: it exits at the first file PyYAML fails to load."""
    import yaml  # PyYAML, a dependency of kubernetes-validate

    # The pure-Python SafeLoader, as kubernetes-validate uses: libyaml's CSafeLoader accepts
    # some files (tabs in JSON) that it rejects. This takes ~20 s on the 10,000-document tree.
    class Loader(yaml.SafeLoader):
        pass

    # kubernetes-validate reads "=" (tag:yaml.org,2002:value) as a string; do the same
    Loader.add_constructor("tag:yaml.org,2002:value", lambda ld, node: str(node.value))
    out = []
    for f in files:
        try:
            with open(ROOT / f) as fh:  # default encoding, as kubernetes-validate opens them
                list(yaml.load_all(fh.read(), Loader=Loader))
        except Exception:
            continue
        out.append(f)
    return out


def time_process(argv: list[str]) -> tuple[Run, str, str]:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = rc = os.waitstatus_to_exitcode(status)  # already reaped by wait4
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    run = Run("", wall, usage.ru_maxrss, usage.ru_utime, usage.ru_stime, rc)
    return run, stdout, stderr


def run_tool(tool: Tool, scenario: Scenario, files: list[str]) -> Run:
    argv = tool.argv + (scenario.paths if tool.takes_dirs else files)
    run, stdout, stderr = time_process(argv)
    run.tool = tool.name
    shown = " ".join(tool.argv + (scenario.paths if tool.takes_dirs else [f"<{len(files)} files>"]))
    problem = None
    if run.rc not in tool.ok_codes:
        problem = f"exit code {run.rc}"
    elif "Traceback (most recent call last)" in stderr:
        problem = "a traceback on stderr"
    elif tool.name.startswith("floor") and stdout.strip() != str(scenario.documents):
        problem = f"{stdout.strip()!r} documents instead of {scenario.documents}"
    elif tool.name == "kubernetes-validate" and ("Couldn't parse YAML" in stderr or "Couldn't open" in stderr):
        problem = "an early exit (it stops at the first file it cannot load)"
    if problem:
        raise BenchError(f"{tool.name} failed on ({scenario.key}) with {problem}: {shown}\n"
                         f"--- stderr (last 3000 chars) ---\n{stderr[-3000:]}")
    return run


def ensure_tree(docs: int) -> Path:
    tree = BENCH / "out" / f"tree-{docs}"
    if not (tree / "tree.info").exists():
        print(f"building {tree.relative_to(ROOT)} (bench/make_tree.py --docs {docs}) ...", flush=True)
        subprocess.run([sys.executable, str(BENCH / "make_tree.py"), "--docs", str(docs)], cwd=ROOT, check=True)
    return tree


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def summarize(s: Scenario, tools: list[Tool]) -> dict[str, dict]:
    out = {}
    for t in tools:
        runs = [r for r in s.runs if r.tool == t.name]
        if not runs:
            continue
        walls = [r.wall for r in runs]
        out[t.name] = {
            "runs": len(runs),
            "median_s": median(walls),
            "min_s": min(walls),
            "max_s": max(walls),
            "cpu_s": median([r.user + r.sys for r in runs]),
            "docs_per_s": (s.peer_documents if t.name == "kubernetes-validate" else s.documents) / median(walls),
            "peak_rss_mib": max(r.maxrss_kib for r in runs) / 1024,
        }
    return out


def ratio(stats: dict, a: str, b: str) -> Optional[float]:
    if a in stats and b in stats:
        return stats[a]["median_s"] / stats[b]["median_s"]
    return None


def fmt_ratio(x: Optional[float]) -> str:
    return f"{x:.2f}x" if x is not None else "-"


def print_table(scenarios: list[Scenario], summaries: dict[str, dict]) -> None:
    head = ("scenario", "docs", "tool", "runs", "median s", "min-max s", "cpu s", "docs/s", "peak MiB",
            "vs floor", "vs floor-c", "vs peer")
    rows = [head]
    for s in scenarios:
        stats = summaries[s.key]
        for name, st in stats.items():
            rows.append((
                f"({s.key}) {s.label}", str(s.peer_documents if name == "kubernetes-validate" else s.documents),
                name, str(st["runs"]), f"{st['median_s']:.3f}",
                f"{st['min_s']:.3f}-{st['max_s']:.3f}", f"{st['cpu_s']:.3f}", f"{st['docs_per_s']:,.0f}",
                f"{st['peak_rss_mib']:.1f}", fmt_ratio(ratio(stats, name, "floor")),
                fmt_ratio(ratio(stats, name, "floor-c")), fmt_ratio(ratio(stats, name, "kubernetes-validate")),
            ))
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    for i, r in enumerate(rows):
        print("  ".join(c.ljust(w) if j in (0, 2) else c.rjust(w) for j, (c, w) in enumerate(zip(r, widths))))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    print("ratios are median wall times, tool / reference (floor = YAML(typ='safe').compose_all, "
          "floor-c = C composition without ruamel's Python tag resolver, peer = kubernetes-validate)")


def paired_ratios(s: Scenario, tool: str, ref: str) -> list[float]:
    """tool / ref for each repetition (the two ran back to back): less sensitive to slow drifts."""
    a = [r.wall for r in s.runs if r.tool == tool]
    b = [r.wall for r in s.runs if r.tool == ref]
    return [x / y for x, y in zip(a, b)]


def targets(scenarios: list[Scenario], summaries: dict[str, dict]) -> dict[str, dict]:
    result: dict[str, dict] = {}
    by_key = {s.key: s for s in scenarios}
    c = summaries.get("c", {})
    for ref in ("floor", "floor-c"):
        r = ratio(c, "k8slint", ref)
        if r is not None:
            paired = paired_ratios(by_key["c"], "k8slint", ref)
            result[f"c_vs_{ref}"] = {
                "ratio": r, "target": TARGET_TREE_RATIO, "met": r <= TARGET_TREE_RATIO,
                "paired_median": median(paired), "paired_min": min(paired), "paired_max": max(paired),
            }
    for key, summary in summaries.items():
        all_rules, schema_only = summary.get("k8slint"), summary.get("k8slint-schema")
        if all_rules and schema_only:
            share = 1 - schema_only["median_s"] / all_rules["median_s"]
            result[f"{key}_rules_share"] = {"share": share}
    a = summaries.get("a", {})
    if "k8slint" in a:
        t = a["k8slint"]["median_s"]
        result["a_seconds"] = {"seconds": t, "target": TARGET_SMALL_SECONDS, "met": t < TARGET_SMALL_SECONDS}
    return result


def print_targets(result: dict[str, dict]) -> None:
    print("\ntargets:")
    for key, ref in (("c_vs_floor", "floor"), ("c_vs_floor-c", "floor-c")):
        if key in result:
            r = result[key]
            note = "  <- the target as the issue defines it" if ref == "floor" else ""
            print(f"  (c) k8slint wall time <= {r['target']:.1f}x {ref}: {r['ratio']:.2f}x -> "
                  f"{'MET' if r['met'] else 'NOT MET'}{note}\n"
                  f"      per repetition: median {r['paired_median']:.2f}x, "
                  f"range {r['paired_min']:.2f}x-{r['paired_max']:.2f}x")
    if "a_seconds" in result:
        r = result["a_seconds"]
        print(f"  (a) k8slint wall time < {r['target']:.2f} s: {r['seconds']:.3f} s -> "
              f"{'MET' if r['met'] else 'NOT MET'}")
    shares = [(k[0], v["share"]) for k, v in result.items() if k.endswith("_rules_share")]
    if shares:
        print("  correctness rules' share of k8slint's wall time (1 - schema-only / all rules): "
              + ", ".join(f"({key}) {share:.0%}" for key, share in shares))


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version(), "machine": platform.machine(), "cpus": str(os.cpu_count())}
    for dist in ("k8slint", "ruamel.yaml", "ruamel.yaml.clib", "jsonschema-rs", "kubernetes-validate", "PyYAML"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = "not installed"
    git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    if git.returncode == 0:
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "k8slint", "schemas", "rules", "pyproject.toml"],
                               cwd=ROOT, capture_output=True, text=True).stdout.split("\n")
        changed = [line[3:] for line in dirty if line.strip()]
        out["commit"] = git.stdout.strip() + (f" + uncommitted changes in {', '.join(changed)}" if changed else "")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, help="timed runs per command on (a) and (b) (default 5) and (c) (default 3)")
    ap.add_argument("--repeat-c", type=int, help="timed runs per command on (c) (default: --repeat, or 3)")
    ap.add_argument("--peer-repeat", type=int,
                    help="at most this many kubernetes-validate runs per scenario (default: every repetition on "
                         "(a) and (b), 1 on (c))")
    ap.add_argument("--quick", action="store_true", help="skip kubernetes-validate on (c)")
    ap.add_argument("--no-peer", action="store_true", help="skip kubernetes-validate everywhere")
    ap.add_argument("--scenarios", default="aebc", help="which scenarios to run, e.g. 'ac' (default aebc: "
                    "a small valid file, e the small file with errors, b the real corpus, c the 10k tree)")
    ap.add_argument("--small", default=str(SMALL), help=f"the file for (a), relative to the project (default {SMALL})")
    ap.add_argument("--docs", type=int, default=10000, help="documents in the (c) tree (default 10000)")
    ap.add_argument("--warmup", type=int, default=1, help="untimed runs per command and scenario first (default 1; "
                    "none for kubernetes-validate on (c))")
    ap.add_argument("--json", type=Path, help="save the raw results to this file")
    args = ap.parse_args()

    k8slint = bin_next_to_python("k8slint")
    # --no-cache: every repetition is a cold run, comparable with earlier figures (the cache
    # would answer every run after the first); warm runs are for a scenario of their own.
    tools = [
        Tool("k8slint", ([k8slint] if k8slint else [sys.executable, "-m", "k8slint"])
             + ["check", "--no-cache", "--format", "json"], (0, 1)),
        Tool("floor", [sys.executable, str(BENCH / "parse_floor.py")], (0,)),
        Tool("floor-c", [sys.executable, str(BENCH / "parse_floor.py"), "--c-only"], (0,)),
        # The same run with only the reading and schema rules (KL0xx): the difference is what
        # the correctness rules cost.
        Tool("k8slint-schema", ([k8slint] if k8slint else [sys.executable, "-m", "k8slint"])
             + ["check", "--no-cache", "--format", "json", "--select", SCHEMA_RULES], (0, 1)),
    ]
    peer_bin = bin_next_to_python("kubernetes-validate")
    if args.no_peer:
        print("kubernetes-validate: skipped (--no-peer)")
    elif peer_bin is None:
        print(f"kubernetes-validate is not installed next to {sys.executable}: skipping the peer.\n"
              f"  install it with: pip install -e '.[bench]'   (kubernetes-validate==1.37.0)")
    else:
        tools.append(Tool("kubernetes-validate", [peer_bin, "-k", KUBERNETES_VERSION, "--strict"], (0, 1, 2, 3),
                          takes_dirs=False))
    has_peer = tools[-1].name == "kubernetes-validate"

    repeat_ab = args.repeat or 5
    repeat_c = args.repeat_c or args.repeat or 3
    scenarios: list[Scenario] = []
    if "a" in args.scenarios:
        scenarios.append(Scenario("a", args.small, [args.small], repeat_ab,
                                  min(repeat_ab, args.peer_repeat or repeat_ab)))
    if "e" in args.scenarios:
        scenarios.append(Scenario("e", str(SMALL_ERRORS), [str(SMALL_ERRORS)], repeat_ab,
                                  min(repeat_ab, args.peer_repeat or repeat_ab)))
    if "b" in args.scenarios:
        scenarios.append(Scenario("b", str(CORPUS), [str(CORPUS)], repeat_ab,
                                  min(repeat_ab, args.peer_repeat or repeat_ab)))
    if "c" in args.scenarios:
        tree = ensure_tree(args.docs)
        peer_c = 0 if args.quick else min(repeat_c, args.peer_repeat or 1)
        scenarios.append(Scenario("c", str(tree.relative_to(ROOT)), [str(tree.relative_to(ROOT))],
                                  repeat_c, peer_c))

    # An installed wheel has its bytecode compiled at install time; an editable install (or
    # PYTHONDONTWRITEBYTECODE=1) would make every k8slint run recompile its modules instead.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "k8slint")], check=True)
    env = versions()
    print("environment: " + ", ".join(f"{k} {v}" for k, v in env.items()))
    load_start = os.getloadavg()
    print(f"load average at start: {load_start[0]:.2f} {load_start[1]:.2f} {load_start[2]:.2f}\n", flush=True)

    try:
        for s in scenarios:
            # The floor's count of composed documents is the scenario's document count.
            s.documents = int(subprocess.run(tools[1].argv + s.paths, cwd=ROOT, check=True,
                                             capture_output=True, text=True).stdout)
            files = walk(s.paths)
            s.files = len(files)
            peer_files = peer_loadable(files) if has_peer and s.peer_repeat else []
            if not peer_files:
                s.peer_repeat = 0
            s.peer_files = len(peer_files)
            if peer_files:
                s.peer_documents = s.documents if len(peer_files) == len(files) else int(subprocess.run(
                    tools[1].argv + peer_files, cwd=ROOT, check=True, capture_output=True, text=True).stdout)
            print(f"({s.key}) {s.label}: {s.files} files, {s.documents} documents"
                  + (f"; kubernetes-validate gets the {s.peer_files} files it can load "
                     f"({s.peer_documents} documents)" if peer_files else ""),
                  flush=True)
            for t in tools:  # warm-up: page cache, .pyc files
                is_peer = t.name == "kubernetes-validate"
                if is_peer and (s.key == "c" or not s.peer_repeat):
                    continue
                for _ in range(args.warmup):
                    run_tool(t, s, peer_files)
            for i in range(s.repeat):  # alternate: k8slint, floor, floor-c, peer, k8slint, ...
                for t in tools:
                    if t.name == "kubernetes-validate" and i >= s.peer_repeat:
                        continue
                    run = run_tool(t, s, peer_files)
                    s.runs.append(run)
                    print(f"  run {i + 1}/{s.repeat} {t.name:<20} {run.wall:8.3f} s  "
                          f"{run.maxrss_kib / 1024:7.1f} MiB  exit {run.rc}", flush=True)
    except BenchError as err:
        print(f"\nBENCHMARK FAILED: {err}", file=sys.stderr)
        return 3

    env_end = versions()
    if env_end.get("commit") != env.get("commit"):
        print(f"\nWARNING: the project changed during the run: {env.get('commit')} -> {env_end.get('commit')}; "
              "the figures mix both states", file=sys.stderr)
        env["commit_at_end"] = env_end.get("commit", "")
    load_end = os.getloadavg()
    print(f"\nload average at end: {load_end[0]:.2f} {load_end[1]:.2f} {load_end[2]:.2f}\n")
    summaries = {s.key: summarize(s, tools) for s in scenarios}
    print_table(scenarios, summaries)
    result = targets(scenarios, summaries)
    print_targets(result)

    if args.json:
        args.json.write_text(json.dumps({
            "environment": env,
            "load_average": {"start": load_start, "end": load_end},
            "scenarios": [asdict(s) for s in scenarios],
            "summary": summaries,
            "targets": result,
        }, indent=2) + "\n", encoding="utf-8")
        print(f"\nraw results saved to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
