"""Fuzzing: hostile and broken input is reported within bounds, clearly, never as a traceback.

Three hypothesis strategies make the input of each case:

- ``yamlish``: random structures written by a small emitter of this module in block and flow
  style, with anchors and aliases (some dangling), tags (``!!str``, ``!custom``,
  ``!!python/object``...), quoting, comments, directives, document separators, then perhaps
  damaged: tabs, CRLF or lone CR, a BOM, NUL and other control characters, very long lines,
  unterminated quotes, deep (bounded) nesting, Helm-like ``{{ }}``, suppression comments;
- ``k8s_objects``: Kubernetes-shaped objects (real apiVersions and kinds, custom kinds and
  CRDs) with realistic metadata and specs (containers, env, ports, volumes, probes, resources,
  selectors, labels drawn from a small pool so that cross-object rules meet) and random values,
  wrong types included, dumped with ruamel.yaml (block or flow) and perhaps mutated;
- ``fixture_mutants``: the project's own ``fixtures/*/*.yaml`` with byte-level mutations
  (flip, insert, delete bytes; duplicate, delete, swap lines; change indentation; truncate).

Each case is written to a file of a fresh temporary folder (sometimes named
``kustomization.yaml`` or ``*.json``) or passed as stdin, and checked in-process by
``run_check``, with the default rules, ``select=["ALL"]`` and/or the ``pss-restricted`` and
``best-practices`` profiles. Then the reports are rendered in every format (SARIF, the slowest,
in one case of four; JSON and SARIF must parse as JSON, JUnit as XML) and, in half the cases
with fixable findings, the fixer runs (safe and unsafe fixes). Asserted:

(a) no exception escapes (of run_check, the reports, the fixer);
(b) every finding's position is in the file: 1 <= line <= number of lines (lines are split at
    "\\n"; the empty line after a final newline counts, for end-of-file positions),
    1 <= column <= len(line) + 1 in code points (a CR before the newline is not counted), the
    end is not before the start and is within the file too;
(c) each case (check, reports, fixes) takes less than ``K8SLINT_FUZZ_CASE_SECONDS`` (10 s) of
    CPU time and less than ``K8SLINT_FUZZ_CASE_WALL_SECONDS`` (120 s) of wall time: on a shared
    2-core machine other processes can stall a case for half a minute (seen: both fuzz processes
    at once while a test suite ran), and a loop in k8slint shows in its CPU time; the wall
    bound catches a wait that uses no CPU;
(d) the fixer only applies fixes that findings offered, changes no character outside their
    edits (each round's new text is exactly the old one with those edits spliced in), keeps
    the BOM, and the fixed text still loads without issues (``load_text``).

Nothing is tolerated: each bug the fuzzer found was fixed and is a regular test now (caret
one past the end of a line, positions in libyaml's lines at a lone CR/NEL/LS/PS, reader errors
at byte offsets, a NUL after a BOM, crashes on lists and mappings where strings belong, nesting
of 30,000 levels). ``KNOWN_CRASHES`` is where an exception that escapes would be listed to be
tolerated (``K8SLINT_FUZZ_TOLERATE_KNOWN=0`` reports such ones anyway); it is empty. With
``K8SLINT_FUZZ_COLLECT=1`` every exception out of ``run_check`` is counted by where it was
raised (and its first input kept) instead of failing, so that a long run goes on.

Budgets. By default (CI) each strategy tries a fixed, derandomized number of examples
(see ``SHORT``). For a long run set the number of examples, for every strategy or for each;
the run is then randomized (pass ``--hypothesis-seed`` for a reproducible one)::

    K8SLINT_FUZZ_EXAMPLES=20000 .venv/bin/python -m pytest -q -s -p no:cacheprovider \\
        tests/test_fuzz.py --hypothesis-seed=1
    K8SLINT_FUZZ_EXAMPLES=yamlish=20000,k8s_objects=4000,fixture_mutants=26000 ...

``-s`` shows the last test's line with the number of cases tried per strategy; with
``K8SLINT_FUZZ_COUNTS=path`` the counts are also appended to that file as one JSON line.
Two such processes with different seeds use both cores of a 2-core machine. Hypothesis'
example database is off (``database=None``); it still keeps caches under ``.hypothesis/``
(git-ignored).
"""
from __future__ import annotations

import io
import json
import os
import random
import re
import tempfile
import time
import traceback
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any, Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import k8slint.fix_command as fix_command
from k8slint.fix_command import run_fixes
from k8slint.loader import decode, load_text
from k8slint.report import FORMATS, ReportOptions, render
from k8slint.run import CheckOptions, run_check

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_FILES = sorted((ROOT / "fixtures").glob("*/*.yaml"))
FIXTURE_BYTES = {p.relative_to(ROOT / "fixtures").as_posix(): p.read_bytes() for p in FIXTURE_FILES}


def _long_budget(value: str) -> dict[str, int]:
    """Examples per strategy, from ``20000`` (each) or ``yamlish=20000,k8s_objects=6000,...``."""
    if not value.strip():
        return {}
    if "=" not in value:
        return dict.fromkeys(("yamlish", "k8s_objects", "fixture_mutants"), int(value))
    pairs = (item.split("=", 1) for item in value.split(",") if item.strip())
    return {name.strip(): int(n) for name, n in pairs}


LONG = _long_budget(os.environ.get("K8SLINT_FUZZ_EXAMPLES", ""))
CASE_SECONDS = float(os.environ.get("K8SLINT_FUZZ_CASE_SECONDS", "10"))  # CPU time
CASE_WALL_SECONDS = float(os.environ.get("K8SLINT_FUZZ_CASE_WALL_SECONDS", "120"))
# Short budget (CI): examples per strategy.
SHORT = {"yamlish": 120, "k8s_objects": 100, "fixture_mutants": 140}

# Crashes listed in KNOWN_CRASHES (none now) are tolerated and counted so that a long run looks
# for other problems; K8SLINT_FUZZ_TOLERATE_KNOWN=0 reports them again.
TOLERATE_KNOWN = os.environ.get("K8SLINT_FUZZ_TOLERATE_KNOWN", "1") != "0"

COUNTS: Counter = Counter()
SLOWEST: list = [0.0, ""]


def _settings(name: str) -> settings:
    common = dict(
        deadline=None, database=None, print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )
    if LONG:
        return settings(max_examples=max(1, LONG.get(name, 1)), derandomize=False, **common)
    return settings(max_examples=SHORT[name], derandomize=True, **common)


# -- the check of one case -------------------------------------------------------------------

def _lines(text: str) -> list[str]:
    """The file's lines, split at "\\n" (as the text report does), without a CR before it; a
    file that does not end with a newline gets an empty line after its last (libyaml puts the
    end of the stream there)."""
    lines = [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]
    if not text.endswith("\n"):
        lines.append("")
    return lines


_YAML_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


def _yaml_lines(text: str) -> list[str]:
    """The lines as libyaml (YAML 1.1) counts them: CR, NEL, LS and PS break lines too."""
    lines = _YAML_BREAK.split(text)
    if not _YAML_BREAK.search(text[-1:] or "x"):
        lines.append("")
    return lines


def _span_problem(span: Any, lines: list[str]) -> tuple[Optional[str], bool]:
    """(what is wrong, whether it is the known caret one past the end of the line)."""
    if not all(isinstance(v, int) for v in span):
        return "span is not integers", False
    line, column, end_line, end_column = span
    if not 1 <= line <= len(lines):
        return "line outside the file", False
    length = len(lines[line - 1])
    if column == length + 1 and (end_line, end_column) == (line, column + 1):
        return "caret one past the end of its line", True
    if not 1 <= column <= length + 1:
        return f"column outside line {line} (length {length})", False
    if (end_line, end_column) < (line, column):
        return "end before start", False
    if not 1 <= end_line <= len(lines):
        return "end line outside the file", False
    if not 1 <= end_column <= len(lines[end_line - 1]) + 1:
        return f"end column outside line {end_line} (length {len(lines[end_line - 1])})", False
    return None, False


def _position_problems(findings: list, text_of: dict[str, str]) -> list[str]:
    problems = []
    for f in findings:
        text = text_of.get(f.file)
        if text is None:
            problems.append(f"no text for {f.file}: {f!r}")
            continue
        lines = _lines(text)
        problem, caret = _span_problem(f.span, lines)
        if problem is not None:
            problems.append(f"{problem}: {f.rule} {f.span} ({len(lines)} lines) {f.message!r}")
    return problems


def _render_all(result: Any, rng: random.Random) -> None:
    options = ReportOptions(
        color=rng.random() < 0.3, fail_on=rng.choice(["error", "warning", "info"]),
        root=".", statistics=rng.random() < 0.2, quiet=rng.random() < 0.2,
    )
    for fmt in FORMATS:
        if fmt == "sarif" and rng.random() < 0.75:
            continue  # the slowest (its rule descriptors do not depend on the input): 1 case in 4
        out = render(fmt, result, options)
        assert isinstance(out, str)
        if fmt in ("json", "sarif"):
            json.loads(out)
        elif fmt == "junit":
            ET.fromstring(out.encode("utf-8"))


def _splice_check(before: str, after: str, fixes: list) -> Optional[str]:
    """None if ``after`` is ``before`` with exactly the fixes' edits, else what differs."""
    edits = sorted((e for f in fixes for e in f.edits), key=lambda e: e.start)
    for a, b in zip(edits, edits[1:]):
        if b.start < a.end:
            return f"overlapping edits {a} {b}"
    out, pos = [], 0
    for e in edits:
        if not 0 <= e.start <= e.end <= len(before):
            return f"edit outside the text: {e}"
        out.append(before[pos:e.start])
        out.append(e.text)
        pos = e.end
    out.append(before[pos:])
    if "".join(out) != after:
        return "the fixed text differs from the text with the reported edits"
    return None


def _fix(path: Path, raw: bytes, make_options: Any) -> None:
    rounds: list = []  # (text before, fixes offered, text after, fixes applied)
    results: list = []
    real_apply = fix_command.apply

    def recording_apply(text: str, fixes: Any) -> Any:
        new_text, applied = real_apply(text, fixes)
        rounds.append((text, list(fixes), new_text, list(applied)))
        return new_text, applied

    def check(overlay: dict) -> Any:
        options = make_options()
        options.overlay = overlay
        result = _run(options, raw=raw)
        results.append((dict(overlay), result))
        return result

    fix_command.apply = recording_apply
    try:
        _, outcome = run_fixes(check, unsafe=True)
    finally:
        fix_command.apply = real_apply

    for overlay, result in results:  # findings of every round are within the text they are about
        texts = {}
        for display, p in result.paths.items():
            data = overlay.get(os.path.realpath(p), raw)
            texts[display] = data.decode("utf-8-sig", errors="replace")
        problems = _position_problems(result.findings, texts)
        assert not problems, problems
    for before, offered, after, applied in rounds:
        assert all(any(fix is o for o in offered) for fix in applied), "applied a fix nobody offered"
        if applied:
            problem = _splice_check(before, after, applied)
            assert problem is None, problem
            assert not load_text(after).issues, "the fixed text does not load"
            COUNTS["fixes applied"] += len(applied)
        else:
            assert after == before
    for entry in outcome.changed:
        assert entry.original == raw
        assert entry.encoded().startswith(b"\xef\xbb\xbf") == raw.startswith(b"\xef\xbb\xbf")
        assert not load_text(entry.text).issues
        COUNTS["files fixed"] += 1


class _KnownCrash(Exception):
    pass


# Exceptions known to escape (type, innermost k8slint module.function), each with an xfail test
KNOWN_CRASHES: set[tuple[str, str]] = set()  # none left: each one found was fixed
# K8SLINT_FUZZ_COLLECT=1 (long runs): any exception is counted by site (with its first input,
# in $K8SLINT_FUZZ_COUNTS) instead of failing the test, so that one crash does not end the run.
COLLECT = os.environ.get("K8SLINT_FUZZ_COLLECT", "0") != "0"
CRASH_EXAMPLES: dict[str, str] = {}


def _site(err: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(err.__traceback__) if "/k8slint/" in f.filename.replace("\\", "/")]
    if not frames:
        return "?"
    return f"{Path(frames[-1].filename).stem}.{frames[-1].name}"


def _run(options: CheckOptions, stdin: Any = None, raw: bytes = b"") -> Any:
    try:
        return run_check(options, stdin=stdin)
    except Exception as err:
        site = (type(err).__name__, _site(err))
        if (TOLERATE_KNOWN and site in KNOWN_CRASHES) or COLLECT:
            name = f"{site[0]} at {site[1]}"
            COUNTS[("tolerated: " if site in KNOWN_CRASHES else "COLLECTED: ") + name] += 1
            CRASH_EXAMPLES.setdefault(name, repr(raw[:2000]))
            raise _KnownCrash() from err
        raise


def check_case(strategy: str, raw: bytes, options: dict) -> None:
    try:
        _check_case(strategy, raw, options)
    except _KnownCrash:
        pass


def _check_case(strategy: str, raw: bytes, options: dict) -> None:
    """Check one input; see the module docstring for what is asserted."""
    COUNTS[strategy] += 1
    rng = random.Random(options["seed"])
    started, started_cpu = time.monotonic(), time.process_time()
    with tempfile.TemporaryDirectory(prefix="k8slint-fuzz-") as folder:
        path = Path(folder) / options["name"]
        path.write_bytes(raw)
        stdin = options["stdin"]

        def make_options() -> CheckOptions:
            return CheckOptions(
                paths=["-" if stdin else str(path)], use_config=False, select=options["select"],
                profiles=list(options["profiles"]), stdin_filename=options["name"] if stdin else None,
            )

        result = _run(make_options(), stdin=io.BytesIO(raw) if stdin else None, raw=raw)
        text, problem = decode(raw)
        if text is None:
            text = raw.decode("utf-8-sig", errors="replace")
        texts = {f.file: text for f in result.findings}
        problems = _position_problems(result.findings, texts)
        assert not problems, problems
        _render_all(result, rng)
        if options["fix"] and not stdin and any(f.fix is not None for f in result.findings):
            COUNTS["fixer runs"] += 1
            _fix(path, raw, make_options)
    elapsed, cpu = time.monotonic() - started, time.process_time() - started_cpu
    if cpu > SLOWEST[0]:
        SLOWEST[:] = [cpu, f"{strategy}: {raw[:80]!r}... ({len(raw)} bytes)"]
    assert cpu < CASE_SECONDS, f"case took {cpu:.1f} s of CPU time"
    assert elapsed < CASE_WALL_SECONDS, f"case took {elapsed:.1f} s"


run_options = st.fixed_dictionaries({
    "name": st.sampled_from(["case.yaml"] * 6 + ["case.yml", "case.json", "kustomization.yaml"]),
    "stdin": st.sampled_from([False, False, False, True]),
    "select": st.sampled_from([None, None, ["ALL"]]),
    "profiles": st.sampled_from([(), (), ("pss-restricted", "best-practices"), ("pss-baseline",)]),
    "fix": st.booleans(),
    "seed": st.integers(0, 2**32 - 1),
})


# -- strategy 1: YAML-ish text ---------------------------------------------------------------

WORDS = [
    "name", "kind", "apiVersion", "metadata", "spec", "a", "b", "key", "value", "image", "ports",
    "<<", "?", "-", ":", "true", "no", "~", "null", "0x1F", "0o17", "1e3", ".inf", ".nan", "-.inf",
    "2001-12-14", "12:30:45", "=", "y", "on", "0777", "+1", "1_000", "", " ", "é", "名前", "🙂",
]
TAGS = ["!!str", "!!int", "!!float", "!!bool", "!!null", "!!map", "!!seq", "!!binary", "!!timestamp",
        "!custom", "!!python/object:os.system", "!!python/name:os.system", "!<tag:yaml.org,2002:str>",
        "!", "!!set", "!!omap", "!e!x", "!!merge", "!<!>"]
NASTY = ["\t", "\x00", "\x01", "\x07", "\x1b", "\x7f", "\x85", "\u2028", "\u2029", "\ufeff", "\r",
         "\r\n", "\ud7ff", "\ue000", "\U0010ffff", "\u200b", "'", '"', "\\", "{{ .Values.x }}", "{{",
         "}}", "---", "...", "&a ", "*a", "*missing", "? ", ": ", "- ", "# k8slint: ignore",
         "# k8slint: ignore[KL201,nonsense]", "%YAML 1.2\n", "%TAG ! tag:x,2000:\n", "|", ">-", "|+9",
         "[", "]", "{", "}", ",", "@", "`", "%"]

scalars = st.one_of(
    st.sampled_from(WORDS),
    st.text(max_size=12),
    st.integers(-2**70, 2**70).map(str),
    st.floats(allow_nan=True).map(repr),
    st.text(alphabet=st.sampled_from("ab:-#&*!|>'\"{}[],? \t%@`\\\n"), max_size=10),
)

trees = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.lists(st.tuples(st.one_of(scalars, children), children), max_size=5),  # pairs: a mapping
    ),
    max_leaves=40,
)


class _Emitter:
    """Writes a tree (str | list | list of pairs) as YAML-ish text with random styles."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)  # style choices: much faster than a draw each
        self.anchors: list[str] = []

    def chance(self, p: float) -> bool:
        return self.rng.random() < p


    def props(self) -> str:
        out = ""
        if self.chance(0.08):
            name = self.rng.choice(["a", "b", "x1", "anc", "é", "a" * 50])
            self.anchors.append(name)
            out += f"&{name} "
        if self.chance(0.08):
            out += self.rng.choice(TAGS) + " "
        return out

    def scalar(self, s: str, flow: bool) -> str:
        style = self.rng.choice(["plain", "plain", "single", "double", "block"] if not flow
                                else ["plain", "plain", "single", "double"])
        if self.anchors and self.chance(0.05):
            return "*" + self.rng.choice(self.anchors)
        if style == "single":
            return "'" + s.replace("'", "''") + ("'" if not self.chance(0.03) else "")
        if style == "double":
            return json.dumps(s, ensure_ascii=self.chance(0.5))[: None if not self.chance(0.03) else -1]
        if style == "block":
            return self.rng.choice(["|", ">", "|-", ">+", "|2"]) + "\n" + "\n".join(
                "    " + line for line in s.split("\n"))
        return s.replace("\n", " ")

    def flow(self, node: Any, depth: int) -> str:
        if isinstance(node, str):
            return self.props() + self.scalar(node, True)
        if node and isinstance(node[0], tuple):
            items = [f"{self.flow(k, depth + 1)}: {self.flow(v, depth + 1)}" for k, v in node]
            return self.props() + "{" + ", ".join(items) + ("}" if not self.chance(0.02) else "")
        return self.props() + "[" + ", ".join(self.flow(x, depth + 1) for x in node) + "]"

    def block(self, node: Any, indent: int) -> str:
        pad = " " * indent
        if isinstance(node, str) or not node or self.chance(0.15):
            return " " + self.flow(node, 0) if isinstance(node, (list, tuple)) else " " + self.props() + self.scalar(node, False)
        props = self.props().rstrip()
        lines = [(" " + props) if props else ""]
        step = self.rng.choice([2, 2, 2, 4, 1, 3])
        if isinstance(node[0], tuple):
            for k, v in node:
                key = self.flow(k, 0) if not isinstance(k, str) or self.chance(0.9) else "? " + k
                comment = "  # c" if self.chance(0.1) else ""
                lines.append(f"{pad}{key}:{self.block(v, indent + step)}{comment}")
        else:
            for x in node:
                lines.append(f"{pad}-{self.block(x, indent + step)}")
        return "\n".join(lines)


@st.composite
def deep(draw: Any) -> str:
    depth = draw(st.integers(1, 3000))
    style = draw(st.sampled_from(["flow-seq", "flow-map", "block-seq", "block-map", "mixed"]))
    if style == "flow-seq":
        return "[" * depth + "x" + "]" * draw(st.sampled_from([depth, depth // 2]))
    if style == "flow-map":
        return "{a: " * depth + "x" + "}" * depth
    depth = min(depth, 400)  # block nesting needs indentation: quadratic text
    if style == "block-seq":
        return "\n".join(" " * (2 * i) + "- " + ("" if i < depth - 1 else "x") for i in range(depth))
    if style == "block-map":
        return "\n".join(" " * i + f"k{i}:" for i in range(depth)) + " v"
    return "a: " + "[{b: " * depth + "c" + "}]" * depth


@st.composite
def yamlish(draw: Any) -> bytes:
    docs = []
    for _ in range(draw(st.integers(1, 4))):
        emitter = _Emitter(draw(st.integers(0, 2**32 - 1)))
        tree = draw(trees)
        doc = emitter.block(tree, 0).lstrip("\n") if draw(st.booleans()) else emitter.flow(tree, 0)
        if draw(st.integers(0, 9)) == 0:
            doc = draw(deep())
        docs.append(doc)
    seps = draw(st.lists(st.sampled_from(["\n---\n", "\n--- ", "\n...\n---\n", "\n---\n---\n", "\n", "\n--- # x\n"]),
                         min_size=len(docs), max_size=len(docs)))
    text = "".join(("---\n" if i == 0 and draw(st.booleans()) else (seps[i] if i else "")) + d
                   for i, d in enumerate(docs))
    # damage
    for _ in range(draw(st.integers(0, 4))):
        what = draw(st.sampled_from(["nasty", "long", "tabs", "crlf", "cr", "cut", "comment"]))
        pos = draw(st.integers(0, len(text)))
        if what == "nasty":
            text = text[:pos] + draw(st.sampled_from(NASTY)) + text[pos:]
        elif what == "long":
            unit = draw(st.sampled_from(["x", "a: ", "é", "- ", "'", "# ", "x- "]))
            # "- " repeated nests: 30000 levels crash the process (test_deep_nesting_does_not_crash)
            most = 8000 if unit == "- " else 200_000
            text = text[:pos] + unit * draw(st.integers(1000, most)) + text[pos:]
        elif what == "tabs":
            text = text.replace("  ", "\t", draw(st.integers(1, 3)))
        elif what == "crlf":
            text = text.replace("\n", "\r\n")
        elif what == "cr":
            text = text.replace("\n", "\r", draw(st.integers(1, 3)))
        elif what == "cut":
            text = text[:pos]
        else:
            text = text[:pos] + "  # " + draw(st.text(max_size=20)) + "\n" + text[pos:]
    if draw(st.booleans()):
        text += "\n"
    raw = text.encode("utf-8", errors="surrogatepass")
    if draw(st.integers(0, 9)) == 0:
        raw = b"\xef\xbb\xbf" + raw
    return raw


# -- strategy 2: Kubernetes-shaped objects ---------------------------------------------------

KINDS = [
    ("apps/v1", "Deployment"), ("v1", "Service"), ("v1", "ConfigMap"), ("v1", "Pod"), ("batch/v1", "Job"),
    ("batch/v1", "CronJob"), ("networking.k8s.io/v1", "Ingress"), ("v1", "PersistentVolumeClaim"),
    ("v1", "PersistentVolume"), ("apps/v1", "StatefulSet"), ("apps/v1", "DaemonSet"),
    ("autoscaling/v2", "HorizontalPodAutoscaler"), ("policy/v1", "PodDisruptionBudget"),
    ("networking.k8s.io/v1", "NetworkPolicy"), ("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
    ("v1", "Secret"), ("v1", "ServiceAccount"), ("v1", "List"), ("example.com/v1", "Widget"),
    ("monitoring.coreos.com/v1", "ServiceMonitor"), ("extensions/v1beta1", "Deployment"),
    ("apps/v1beta1", "StatefulSet"), ("v2", "Pod"), ("apps/v1", "Deploymnet"), ("v1", "Namespace"),
    ("scheduling.k8s.io/v1", "PriorityClass"), ("kustomize.config.k8s.io/v1beta1", "Kustomization"),
]
NAMES = ["web", "db", "api", "web-1", "Web", "a" * 70, "-x", "x.y", "", "web", "db-config", "data"]
LABELS = ["app", "tier", "app.kubernetes.io/name", "k8s.io/x", "-bad", "a/b/c", "x" * 70]
LABEL_VALUES = ["web", "db", "api", "", "v1", "-x", "true", "x" * 70]


def _wrong(draw: Any) -> Any:
    return draw(st.one_of(
        st.none(), st.booleans(), st.integers(-2**40, 2**40), st.floats(allow_nan=True),
        st.text(max_size=15), st.sampled_from(["1Gi", "500m", "0.5", "-1", "1e3", "latest", "Always", "TCP"]),
        st.lists(st.integers(), max_size=2), st.dictionaries(st.sampled_from(["a", "name", "key"]), st.integers(), max_size=2),
    ))


@st.composite
def k8s_object(draw: Any) -> Any:
    def maybe(value: Any) -> Any:  # wrong type, now and then
        return _wrong(draw) if draw(st.integers(0, 19)) == 0 else value

    def pick(seq: Any) -> Any:
        return maybe(draw(st.sampled_from(seq)))

    def some(build: Any, lo: int = 0, hi: int = 3) -> list:
        return [build() for _ in range(draw(st.integers(lo, hi)))]

    def key(seq: Any) -> Any:  # a key, now and then of the wrong type (but hashable)
        if draw(st.integers(0, 29)) == 0:
            return draw(st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=False)))
        return draw(st.sampled_from(seq))

    def labels() -> dict:
        return {key(LABELS): pick(LABEL_VALUES) for _ in range(draw(st.integers(0, 3)))}

    def quantity() -> Any:
        return pick(["100m", "1", "0.5", "2Gi", "512Mi", "1e9", "1G", "1gb", "-1", "99999", 1, 0.25, "1.5Gi", ""])

    def probe() -> dict:
        handler = draw(st.sampled_from(["httpGet", "tcpSocket", "exec", "grpc", "both", "none"]))
        p: dict = {}
        if handler in ("httpGet", "both"):
            p["httpGet"] = {"path": "/healthz", "port": pick([8080, "http", 70000, "metrics", 0])}
        if handler in ("tcpSocket", "both"):
            p["tcpSocket"] = {"port": pick([80, "http"])}
        if handler == "exec":
            p["exec"] = {"command": maybe(["cat", "/tmp/ok"])}
        if handler == "grpc":
            p["grpc"] = {"port": pick([9090, "9090"])}
        p["periodSeconds"] = pick([10, -1, "10"])
        return p

    def container() -> dict:
        c: dict = {"name": pick(["app", "app", "sidecar", "App_1", ""]),
                   "image": pick(["nginx", "nginx:latest", "nginx:lastest", "nginx:1.25", "reg.io/a/b@sha256:abc",
                                  "UPPER:1", "nginx::1", ""])}
        if draw(st.booleans()):
            c["ports"] = some(lambda: {"containerPort": pick([80, 8080, 0, 70000, "80"]),
                                       "name": pick(["http", "metrics", "HTTP", "a" * 20]),
                                       "protocol": pick(["TCP", "UDP", "tcp", "SCTP"])}, 0, 3)
        if draw(st.booleans()):
            c["env"] = some(lambda: draw(st.sampled_from([
                {"name": pick(["A", "B", "A", "a-b"]), "value": maybe("x")},
                {"name": pick(["A", "C"])},
                {"value": "y"},
                {"name": "D", "valueFrom": {"configMapKeyRef": {"name": pick(NAMES), "key": pick(["k", "x"])}}},
                {"name": "E", "valueFrom": {"secretKeyRef": {"name": pick(NAMES), "key": "k"}}},
            ])), 0, 4)
        if draw(st.booleans()):
            c["envFrom"] = [{draw(st.sampled_from(["configMapRef", "secretRef", "configMapKeyRef"])): {"name": pick(NAMES)}}]
        if draw(st.booleans()):
            c["resources"] = {k: {r: quantity() for r in draw(st.sets(st.sampled_from(["cpu", "memory", "gpu"])))}
                              for k in draw(st.sets(st.sampled_from(["requests", "limits", "limts"])))}
        for p in draw(st.sets(st.sampled_from(["livenessProbe", "readinessProbe", "startupProbe", "readinesProbe"]))):
            c[p] = probe()
        if draw(st.booleans()):
            c["volumeMounts"] = some(lambda: {"name": pick(["data", "config", "dta", "tmp"]),
                                              "mountPath": pick(["/data", "/etc/x", "rel"])}, 0, 3)
        if draw(st.booleans()):
            c["securityContext"] = {k: maybe(v) for k, v in draw(st.dictionaries(st.sampled_from([
                "privileged", "runAsNonRoot", "allowPrivilegeEscalation", "readOnlyRootFilesystem", "runAsUser"]),
                st.sampled_from([True, False, 0, 1000, "true"]), max_size=3)).items()}
            if draw(st.booleans()):
                c["securityContext"]["capabilities"] = {"add": maybe(["NET_RAW", "SYS_ADMIN"]), "drop": maybe(["ALL"])}
        c["imagePullPolicy"] = pick(["Always", "IfNotPresent", "Allways", "never"]) if draw(st.booleans()) else None
        if c["imagePullPolicy"] is None:
            del c["imagePullPolicy"]
        return c

    def pod_spec() -> dict:
        spec: dict = {"containers": maybe(some(container, 0, 3))}
        if draw(st.booleans()):
            spec["initContainers"] = some(container, 1, 2)
        if draw(st.booleans()):
            spec["volumes"] = some(lambda: {"name": pick(["data", "config", "tmp", "data"]), **draw(st.sampled_from([
                {"persistentVolumeClaim": {"claimName": pick(NAMES)}},
                {"configMap": {"name": pick(NAMES)}},
                {"secret": {"secretName": pick(NAMES)}},
                {"hostPath": {"path": "/var/run/docker.sock"}},
                {"emptyDir": {}},
                {},
            ]))}, 0, 3)
        for key, values in (("restartPolicy", ["Always", "OnFailure", "Never", "Allways"]),
                            ("serviceAccountName", NAMES), ("serviceAccount", NAMES),
                            ("hostNetwork", [True, False]), ("priorityClassName", ["high", "system-node-critical"]),
                            ("securityContext", [{"runAsUser": 0}, {"seccompProfile": {"type": "RuntimeDefault"}},
                                                 {"sysctls": [{"name": "kernel.x", "value": "1"}]}])):
            if draw(st.integers(0, 3)) == 0:
                spec[key] = pick(values)
        return spec

    def template() -> dict:
        return {"metadata": {"labels": labels()}, "spec": pod_spec()}

    def selector() -> dict:
        return maybe({"matchLabels": labels()} if draw(st.booleans()) else
                     {"matchExpressions": [{"key": pick(LABELS), "operator": pick(["In", "Exists", "in"]),
                                            "values": [pick(LABEL_VALUES)]}]})

    api_version, kind = draw(st.sampled_from(KINDS))
    obj: dict = {"apiVersion": maybe(api_version), "kind": maybe(kind)}
    if draw(st.integers(0, 9)) == 0:
        del obj[draw(st.sampled_from(["apiVersion", "kind"]))]
    meta: dict = {"name": pick(NAMES)}
    if draw(st.booleans()):
        meta["namespace"] = pick(["default", "prod", "Prod", ""])
    if draw(st.booleans()):
        meta["labels"] = labels()
    if draw(st.integers(0, 3)) == 0:
        meta["annotations"] = {key(["k8slint.io/ignore", "a", "x/y"]): pick(["KL201", "all", "service-selector-mismatch", 1])}
    obj["metadata"] = maybe(meta)
    spec: Any
    if kind in ("Deployment", "StatefulSet", "DaemonSet", "Deploymnet"):
        spec = {"replicas": pick([1, 3, 0, -1, "2"]), "selector": selector(), "template": template()}
        if kind == "StatefulSet":
            spec["serviceName"] = pick(NAMES)
            spec["volumeClaimTemplates"] = [{"metadata": {"name": pick(["data", "x"])},
                                             "spec": {"accessModes": ["ReadWriteOnce"]}}]
    elif kind == "Pod":
        spec = pod_spec()
    elif kind == "Job":
        spec = {"template": template(), "backoffLimit": pick([1, -1])}
    elif kind == "CronJob":
        spec = {"schedule": pick(["*/5 * * * *", "@daily", "61 * * * *", "* * *", "@every 5m"]),
                "jobTemplate": {"spec": {"template": template()}}}
    elif kind == "Service":
        spec = {"selector": labels(), "type": pick(["ClusterIP", "NodePort", "LoadBalancer", "nodeport"]),
                "ports": some(lambda: {"port": pick([80, 0, 70000]), "targetPort": pick([8080, "http", "metrics", "80"]),
                                       "name": pick(["http", "x"])}, 0, 3)}
    elif kind == "Ingress":
        spec = {"rules": [{"host": pick(["example.com", "*.x", "UP"]), "http": {"paths": [
            {"path": "/", "pathType": pick(["Prefix", "prefix"]),
             "backend": {"service": {"name": pick(NAMES), "port": {key(["number", "name"]): pick([80, "http"])}}}}]}}]}
    elif kind in ("PersistentVolumeClaim", "PersistentVolume"):
        spec = {"accessModes": [pick(["ReadWriteOnce", "ReadWriteMany", "RWO"])],
                "resources": {"requests": {"storage": quantity()}}}
        if kind == "PersistentVolume":
            spec = {"capacity": {"storage": quantity()}, "claimRef": {"name": pick(NAMES)}, "accessModes": spec["accessModes"]}
    elif kind == "HorizontalPodAutoscaler":
        spec = {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": pick(["Deployment", "StatefulSet"]), "name": pick(NAMES)},
                "minReplicas": pick([1, 0]), "maxReplicas": pick([3, 1])}
    elif kind == "PodDisruptionBudget":
        spec = {draw(st.sampled_from(["minAvailable", "maxUnavailable"])): pick([1, 0, "50%", "100%", "x"]),
                "selector": selector()}
    elif kind == "NetworkPolicy":
        spec = {"podSelector": selector(), "ingress": [{"from": [{"podSelector": selector()}]}],
                "policyTypes": [pick(["Ingress", "Egress", "ingress"])]}
    elif kind == "CustomResourceDefinition":
        spec = {"group": "example.com", "names": {"kind": "Widget", "plural": "widgets"}, "scope": pick(["Namespaced", "Cluster"]),
                "versions": [{"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": maybe(
                    {"type": "object", "properties": {"spec": {"type": "object", "properties": {
                        "size": {"type": pick(["integer", "string", "nonsense"])}}}}})}}]}
    elif kind == "ServiceMonitor":
        spec = {"selector": selector(), "endpoints": [{"port": pick(["http", "metrics"])}]}
    elif kind == "List":
        spec = None
        obj["items"] = maybe([{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": pick(NAMES)}}])
    elif kind in ("ConfigMap", "Secret"):
        spec = None
        obj["data"] = maybe({key(["k", "x", "a b", "../k"]): pick(["v", 1, True, None]) for _ in range(draw(st.integers(0, 3)))})
    elif kind == "Kustomization":
        spec = None
        obj["resources"] = maybe(["case.yaml", "../x", "missing.yaml"])
        obj["patches"] = maybe([{"path": "case.yaml"}])
    else:
        spec = {"size": _wrong(draw)} if draw(st.booleans()) else None
    if spec is not None:
        obj["spec"] = maybe(spec)
    if draw(st.integers(0, 9)) == 0:
        obj[draw(st.sampled_from(["sepc", "status", "metdata", "extra"]))] = _wrong(draw)
    return obj


@st.composite
def k8s_objects(draw: Any) -> bytes:
    from ruamel.yaml import YAML

    objects = draw(st.lists(k8s_object(), min_size=1, max_size=4))
    yaml = YAML(typ="safe")
    yaml.default_flow_style = draw(st.sampled_from([False, False, True, None]))
    yaml.width = draw(st.sampled_from([80, 4096, 20]))
    yaml.allow_unicode = draw(st.booleans())
    out = io.StringIO()
    if draw(st.integers(0, 9)) == 0:  # JSON is YAML too
        out.write("\n".join(json.dumps(o, indent=draw(st.sampled_from([None, 2]))) for o in objects[:1]))
    else:
        yaml.dump_all(objects, out)
    raw = out.getvalue().encode("utf-8")
    if draw(st.integers(0, 2)) == 0:
        raw = draw(mutated(raw))
    return raw


# -- strategy 3: fixtures, mutated byte by byte ----------------------------------------------

INSERTS = [b"\x00", b"\t", b"\r", b"\r\n", b"\xff", b"\xc3", b"\xef\xbb\xbf", b"---\n", b"- ", b": ", b"&a ", b"*a",
           b"!!python/object ", b"!custom ", b"'", b'"', b"{", b"[", b"{{ x }}", b"# k8slint: ignore\n", b"\n",
           b"  ", b"\xe2\x80\xa8", b"\xc2\x85", b"?", b"|", b">", b"%"]


@st.composite
def mutated(draw: Any, raw: bytes) -> bytes:
    data = bytearray(raw)
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["flip", "insert", "token", "delete", "dup-line", "del-line", "swap-lines",
                                   "indent", "dedent", "tab-indent", "truncate"]))
        pos = draw(st.integers(0, len(data)))
        if op == "flip" and data:
            i = min(pos, len(data) - 1)
            data[i] ^= 1 << draw(st.integers(0, 7))
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=4))
        elif op == "token":
            data[pos:pos] = draw(st.sampled_from(INSERTS))
        elif op == "delete":
            del data[pos:pos + draw(st.integers(1, 16))]
        elif op == "truncate":
            del data[pos:]
        else:
            lines = bytes(data).split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            if op == "dup-line":
                lines.insert(j, lines[i])
            elif op == "del-line" and len(lines) > 1:
                del lines[i]
            elif op == "swap-lines":
                lines[i], lines[j] = lines[j], lines[i]
            elif op == "indent":
                lines[i] = b" " * draw(st.integers(1, 4)) + lines[i]
            elif op == "dedent":
                lines[i] = lines[i][draw(st.integers(1, 4)):] if lines[i].startswith(b" ") else lines[i]
            elif op == "tab-indent":
                lines[i] = b"\t" + lines[i].lstrip(b" ")
            data = bytearray(b"\n".join(lines))
    return bytes(data)


@st.composite
def fixture_mutants(draw: Any) -> bytes:
    name = draw(st.sampled_from(sorted(FIXTURE_BYTES)))
    raw = FIXTURE_BYTES[name]
    if draw(st.integers(0, 9)) == 0:  # two fixtures in one file
        raw += b"\n---\n" + FIXTURE_BYTES[draw(st.sampled_from(sorted(FIXTURE_BYTES)))]
    return draw(mutated(raw))


# -- the tests -------------------------------------------------------------------------------

def test_fixtures_found():
    assert len(FIXTURE_FILES) > 100


@_settings("yamlish")
@given(raw=yamlish(), options=run_options)
def test_yamlish(raw: bytes, options: dict) -> None:
    check_case("yamlish", raw, options)


@_settings("k8s_objects")
@given(raw=k8s_objects(), options=run_options)
def test_k8s_objects(raw: bytes, options: dict) -> None:
    check_case("k8s_objects", raw, options)


@_settings("fixture_mutants")
@given(raw=fixture_mutants(), options=run_options)
def test_fixture_mutants(raw: bytes, options: dict) -> None:
    check_case("fixture_mutants", raw, options)


def _check_bytes(tmp_path: Path, raw: bytes) -> list:
    path = tmp_path / "case.yaml"
    path.write_bytes(raw)
    return run_check(CheckOptions(paths=[str(path)], use_config=False)).findings


@pytest.mark.parametrize("raw, rule", [
    (b"'name", "KL001"),  # (1, 6)-(1, 7) in a line of 5 characters
    (b"a: [1\n", "KL001"),  # (2, 1)-(2, 2) on the empty line after the last newline
    (b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name:\n", "KL601"),  # (4, 8)-(4, 9), line of 7
])
def test_caret_at_the_end_of_a_line_stays_in_the_line(tmp_path: Path, raw: bytes, rule: str) -> None:
    findings = _check_bytes(tmp_path, raw)
    assert [f.rule for f in findings] == [rule]
    problem, _ = _span_problem(findings[0].span, _lines(raw.decode()))
    assert problem is None, (problem, findings[0].span)


@pytest.mark.parametrize("raw", [
    b"\r{apiVersion: null, kind: null}\n",  # lone CR: KL003 at line 2 of a 1-line file
    # after a syntax error, compose resumes padded with LFs: a mix of both counts, KL005 at (4, 2)
    b'"\\ud800"\r\n---\r\r\n[!!merge x]',
])
def test_positions_count_lines_at_lf_only(tmp_path: Path, raw: bytes) -> None:
    findings = _check_bytes(tmp_path, raw)
    assert findings
    for f in findings:
        problem, _ = _span_problem(f.span, _lines(raw.decode()))
        assert problem is None, (problem, f.rule, f.span)


def test_wrong_typed_kind_is_reported_not_raised(tmp_path: Path) -> None:
    """Found by this fuzzer (a TypeError in workloads.namespace_of), fixed in 3b459eb."""
    findings = _check_bytes(tmp_path, b"apiVersion: v1\nkind: []\n")
    assert findings


def test_reader_error_position_counts_characters(tmp_path: Path) -> None:
    findings = _check_bytes(tmp_path, b"a: \xc3\xa9\xc3\xa9\xc2\x8e\n")  # a: éé<U+008E>
    assert [(f.rule, f.span.line, f.span.column) for f in findings] == [("KL001", 1, 6)]  # reported (2, 1)


@pytest.mark.parametrize("text", ["- " * 30000 + "x\n", "[" * 30000 + "\n"])
def test_deep_nesting_does_not_crash(tmp_path: Path, text: str) -> None:
    import subprocess
    import sys

    path = tmp_path / "deep.yaml"
    path.write_text(text)
    done = subprocess.run([sys.executable, "-m", "k8slint", "check", str(path)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode in (0, 1), (done.returncode, done.stderr[-500:])


def test_wrong_typed_volume_name_is_not_raised(tmp_path: Path) -> None:
    findings = _check_bytes(tmp_path, (
        b"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n"
        b"      volumes:\n      - name: []\n        persistentVolumeClaim: {claimName: web}\n"))
    assert findings


def test_crd_schema_with_unknown_type_is_not_raised(tmp_path: Path) -> None:
    from jsonschema.exceptions import UnknownType

    try:
        _check_bytes(tmp_path, (
            b"apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
            b"metadata: {name: widgets.example.com}\nspec:\n  group: example.com\n"
            b"  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n  versions:\n"
            b"  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n"
            b"        type: object\n        properties:\n"
            b"          spec: {type: object, properties: {size: {type: nonsense}}}\n"
            b"---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 1}\n"))
    except UnknownType as err:
        pytest.fail(f"UnknownType escaped: {err}".splitlines()[0])


def test_zz_cases_counted() -> None:
    """Last in the file: the number of cases tried (shown with -s; appended to
    $K8SLINT_FUZZ_COUNTS as JSON)."""
    tried = {k: COUNTS[k] for k in ("yamlish", "k8s_objects", "fixture_mutants")}
    line = {"cases": tried, "total": sum(tried.values()), **{k: v for k, v in COUNTS.items() if k not in tried},
            "slowest_seconds": round(SLOWEST[0], 3), "slowest": SLOWEST[1], "long": LONG,
            "crash_examples": CRASH_EXAMPLES}
    print("\nfuzz:", json.dumps(line))
    target = os.environ.get("K8SLINT_FUZZ_COUNTS")
    if target:
        with open(target, "a", encoding="utf-8") as f:
            f.write(json.dumps(line) + "\n")
