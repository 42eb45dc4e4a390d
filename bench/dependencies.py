"""How much of the cross-object work a one-file edit could leave alone: the yardstick for an
incremental design of the index rules (issue 8's warm target).

    python bench/dependencies.py bench/out/tree-10000            # 100 edits, seed 1
    python bench/dependencies.py --edits 300 --seed 7 examples/

It checks the tree once (no cache, one process) and runs every index rule over an index that
records, for each (rule, object the rule is handling), the lookups made for it (kind, name,
labels, namespace, folder) and the files of the objects those lookups returned; lookups inside a
memo are counted for every object that uses the memo. Then, for random files of the tree, it
supposes every object of the file changed and reports:

- **dirty pairs**: the (rule, object) pairs whose recorded lookups a changed object answers, or
  whose object is in the file: what an incremental run would evaluate again;
- **files needed**: the files of those objects and of the objects their lookups returned: whose
  data an incremental run would have to load (it could skip the others' data);
- **rules rerun whole**: rules that looked something up outside any object's handling (a memo
  filled before the loop) that the edit touches, and rules that report on objects they were not
  handling at the time (they walk all objects), which an incremental run cannot split.

It measures; it changes nothing. Nothing here runs under pytest.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
from collections import Counter, defaultdict
from typing import Any, Optional

from k8slint import engine
from k8slint.index import Index
from k8slint.run import CheckOptions, run_check


class Recorder:
    def __init__(self) -> None:
        self.rule: Optional[str] = None
        self.subject: Any = None
        self.reads: Optional[set] = None  # lookups of the current (rule, object), or of the rule
        self.returned: Optional[set] = None  # files of the objects those lookups returned
        self.pair_reads: dict[tuple, set] = {}
        self.pair_files: dict[tuple, set] = {}
        self.rule_reads: dict[str, set] = defaultdict(set)
        self.unsplit: set[str] = set()  # rules reporting on objects they were not handling

    def read(self, key: tuple) -> None:
        if self.reads is not None:
            self.reads.add(key)

    def got(self, objects: list) -> None:
        if self.returned is not None:
            self.returned.update(o.file for o in objects)

    def outside(self) -> None:
        assert self.rule is not None
        self.subject, self.reads, self.returned = None, self.rule_reads[self.rule], None

    def handling(self, obj: Any) -> None:
        pair = (self.rule, id(obj))
        self.subject = obj
        self.reads = self.pair_reads.setdefault(pair, set())
        self.returned = self.pair_files.setdefault(pair, set())


R = Recorder()


class RecordingIndex(Index):
    def of_kind(self, *kinds: str) -> list:
        for kind in kinds:
            R.read(("kind", kind))
        found = super().of_kind(*kinds)
        R.got(found)
        return found

    def get(self, kind: str, namespace: Optional[str], name: str) -> list:
        R.read(("key", kind, namespace, name))
        found = super().get(kind, namespace, name)
        R.got(found)
        return found

    def find(self, kinds: Any, namespace: Optional[str], name: str) -> list:
        kinds = list(kinds)
        for kind in kinds:
            R.read(("key", kind, namespace, name))
        found = super().find(kinds, namespace, name)
        R.got(found)
        return found

    def names(self, kind: str, namespace: Optional[str]) -> list:
        R.read(("names", kind, namespace))
        return super().names(kind, namespace)

    def namespaces_of(self, kind: str, name: str) -> list:
        R.read(("byname", kind, name))
        return super().namespaces_of(kind, name)

    def keys(self) -> dict:
        R.read(("all",))
        return super().keys()

    def templates(self, namespace: Optional[str]) -> list:
        R.read(("templates", namespace))
        found = super().templates(namespace)
        R.got([t.obj for t in found])
        return found

    def template_namespaces(self) -> list:
        R.read(("all",))
        return super().template_namespaces()

    def select(self, namespace: Optional[str], selector: dict) -> list:
        if not selector:
            R.read(("templates", namespace))
        for label, value in selector.items():
            R.read(("label", namespace, label, value))
        found = super().select(namespace, selector)
        R.got([t.obj for t in found])
        return found

    def sharing_keys(self, namespace: Optional[str], keys: Any) -> list:
        keys = list(keys)
        for key in keys:
            R.read(("label key", namespace, key))
        found = super().sharing_keys(namespace, keys)
        R.got([t.obj for t in found])
        return found

    def may_miss(self, obj: Any) -> bool:
        R.read(("folder", os.path.dirname(obj.file)))
        return super().may_miss(obj)

    def memo(self, key: Any, compute: Any) -> Any:
        if key not in self._memo:
            saved = (R.reads, R.returned)
            R.reads, R.returned = set(), set()
            value = compute()
            self._memo[key] = (value, R.reads, R.returned)
            R.reads, R.returned = saved
        value, reads, returned = self._memo[key]
        if R.reads is not None:
            R.reads |= reads
        if R.returned is not None:
            R.returned |= returned
        return value

    def checked(self, *kinds: str) -> Any:
        saved, R.reads = R.reads, None  # the objects handled are not a lookup
        objects = super().checked(*kinds)
        R.reads = saved
        for obj in objects:
            R.handling(obj)
            yield obj
            R.outside()

    def checked_templates(self) -> Any:
        for item in list(super().checked_templates()):
            R.handling(item[0])
            yield item
            R.outside()


def provided(index: Index, obj: Any) -> set:
    """The lookups whose answer an object takes part in."""
    namespace = index.namespace(obj)
    keys = {("all",), ("kind", obj.kind), ("folder", os.path.dirname(obj.file))}
    if obj.name:
        keys |= {("key", obj.kind, namespace, obj.name), ("names", obj.kind, namespace), ("byname", obj.kind, obj.name)}
    template = index.template_of(obj)
    if template is not None:
        keys.add(("templates", namespace))
        for label, value in template.labels.items():
            keys |= {("label", namespace, label, value), ("label key", namespace, label)}
    return keys


def measure(index: Index, ctx: Any, rules: list, edits: int, seed: int) -> None:
    recording = RecordingIndex.__new__(RecordingIndex)
    recording.__dict__.update(index.__dict__)
    for impl in rules:
        R.rule = impl.rule.code
        R.outside()
        for report in impl.check_index(recording, ctx):
            if report.obj is not R.subject:
                R.unsplit.add(impl.rule.code)
    by_id = {id(o): o for o in index.objects}
    readers: dict[tuple, set] = defaultdict(set)
    for pair, reads in R.pair_reads.items():
        for key in reads:
            readers[key].add(pair)
    by_file: dict[str, list] = defaultdict(list)
    for pair in R.pair_reads:
        by_file[by_id[pair[1]].file].append(pair)
    objects_of: dict[str, list] = defaultdict(list)
    for obj in index.objects:
        objects_of[obj.file].append(obj)
    files = sorted(objects_of)
    sample = random.Random(seed).sample(files, min(edits, len(files)))
    rows = []
    whole_counts: Counter = Counter()
    for file in sample:
        touched = set().union(*(provided(index, o) for o in objects_of[file]))
        whole = set(R.unsplit) | {rule for rule, reads in R.rule_reads.items() if reads & touched}
        whole_counts.update(whole)
        dirty = {pair for key in touched for pair in readers.get(key, ())} | set(by_file.get(file, ()))
        dirty = {pair for pair in dirty if pair[0] not in whole}
        needed = set()
        for pair in dirty:
            needed |= R.pair_files.get(pair, set())
            needed.add(by_id[pair[1]].file)
        rows.append((len(dirty), len(needed), len(whole)))
    pairs = len(R.pair_reads)
    print(f"{len(files)} files, {len(index.objects)} objects, {len(rules)} index rules, {pairs} (rule, object) pairs handled")
    print("rules that report on objects they are not handling (rerun whole on every edit): "
          + (", ".join(sorted(R.unsplit)) or "none"))
    print(f"{len(sample)} edits (every object of one random file changed, seed {seed}):")
    dirty_n = sorted(r[0] for r in rows)
    needed_n = sorted(r[1] for r in rows)
    p90 = needed_n[int(0.9 * (len(needed_n) - 1))]
    print(f"  dirty pairs: median {statistics.median(dirty_n):.0f}, max {dirty_n[-1]} (of {pairs})")
    print(f"  files needed: median {statistics.median(needed_n):.0f} ({statistics.median(needed_n) / len(files):.0%}), "
          f"90th percentile {p90} ({p90 / len(files):.0%}) of {len(files)}")
    print(f"  rules rerun whole: median {statistics.median(r[2] for r in rows):.0f}; in how many edits: "
          + ", ".join(f"{rule} {n}" for rule, n in whole_counts.most_common()))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--edits", type=int, default=100, help="how many random files to suppose edited (default 100)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    def measuring(self: Any, index: Any, locate: Any, *rest: Any, **kw: Any) -> list:
        measure(index, self.ctx, self.index_rules, args.edits, args.seed)
        return []

    engine.Engine.index_findings = measuring  # type: ignore[method-assign]
    run_check(CheckOptions(paths=args.paths, jobs=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
