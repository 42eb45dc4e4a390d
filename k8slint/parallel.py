"""Checking files in parallel worker processes (``--jobs N``, automatic for large inputs).

The per-file work (read, parse, schema, object rules) is what scales with the input; it runs
in forked workers that inherit the parent's prepared state (settings, schemas, rules) and
return, per file, what the parent needs to go on exactly as if it had checked the file itself:
the findings and text, the objects (without their YAML nodes) for the cross-object index, the
suppression directives seen, the summary counts and the files that could not be fully read.
Results come back in file order and are merged in that order, so the report is byte-identical
to a serial run. Cross-object rules, custom resources and the report run in the parent.
"""
from __future__ import annotations

import multiprocessing
from typing import Any, Iterator, Optional

from k8slint.loader import compose
from k8slint.locate import find_node
from k8slint.run import CheckOptions, Checker, FileOutcome, Summary, _parseable, check_one

_STATE: Optional[tuple[Checker, CheckOptions]] = None  # set in the parent just before forking


class _FileResult:
    __slots__ = ("outcome", "objects", "deferred", "comments", "annotations", "summary", "lost", "broken")

    def __init__(self, outcome: FileOutcome, objects: list, deferred: list[int], comments: Any,
                 annotations: list, summary: dict[str, int], lost: set[str], broken: set[str]):
        self.outcome = outcome
        self.objects = objects
        self.deferred = deferred  # indexes into objects: custom resources checked at the end
        self.comments = comments  # the file's suppression comments (k8slint.suppress)
        self.annotations = annotations  # each object's suppression annotation, or None
        self.summary = summary
        self.lost = lost
        self.broken = broken


def _check_chunk(chunk: list[tuple[Any, Optional[bytes]]]) -> list[_FileResult]:
    assert _STATE is not None
    checker, options = _STATE
    suppressor = checker.suppressor
    results = []
    for source, raw in chunk:
        before = checker.summary.to_json()
        outcome = check_one(checker, source, raw, None, options)
        after = checker.summary.to_json()
        objects, checker.objects = checker.objects, []
        deferred_ids = {id(o) for o in checker.schema.deferred}
        checker.schema.deferred = []
        deferred = [i for i, o in enumerate(objects) if id(o) in deferred_ids]
        # suppressions are located while the nodes are at hand, then handed to the parent
        comments = suppressor.comments.pop(source.display, None)
        annotations = [suppressor.annotations.pop(id(o), None) for o in objects]
        for obj in objects:
            obj.node = obj.doc = None  # nodes stay here; the parent composes again if it needs them
        results.append(_FileResult(
            outcome, objects, deferred, comments, annotations, {k: after[k] - before[k] for k in after},
            set(checker.lost_folders), set(checker.broken_files),
        ))
        checker.lost_folders.clear()
        checker.broken_files.clear()
    return results


def _chunks(sources: list[Any], raws: dict[int, bytes], jobs: int) -> list[list[tuple[Any, Optional[bytes]]]]:
    size = max(1, min(32, len(sources) // (jobs * 8) or 1))
    items = [(s, raws.pop(s.order, None)) for s in sources]
    return [items[i:i + size] for i in range(0, len(items), size)]


def check_in_parallel(
    checker: Checker, sources: list[Any], raws: dict[int, bytes], options: CheckOptions, jobs: int,
) -> Iterator[FileOutcome]:
    """The outcome of each source, in order, with the parent's checker updated as a serial run
    would have updated it."""
    global _STATE
    _STATE = (checker, options)
    by_display = {s.display: s for s in sources}
    context = multiprocessing.get_context("fork")
    try:
        with context.Pool(jobs) as pool:
            for results in pool.imap(_check_chunk, _chunks(sources, raws, jobs)):
                for result in results:
                    _merge(checker, result, by_display)
                    yield result.outcome
    finally:
        _STATE = None


def _merge(checker: Checker, result: _FileResult, by_display: dict[str, Any]) -> None:
    outcome = result.outcome
    suppressor = checker.suppressor
    if result.comments:
        suppressor.comments[outcome.display] = result.comments
    for obj, directive in zip(result.objects, result.annotations):
        if directive is not None:
            suppressor.annotations[id(obj)] = directive
    checker.objects.extend(result.objects)
    if result.deferred:  # custom resources are located when checked at the end: their nodes
        source = by_display[outcome.display]
        roots, _ = compose(_parseable(source, outcome.text or ""), checker.settings.options.limits.max_documents)
        for i in result.deferred:
            obj = result.objects[i]
            obj.node = find_node(roots[obj.doc_index], obj.prefix)[0]
            checker.schema.deferred.append(obj)
    summary: Summary = checker.summary
    for key, delta in result.summary.items():
        setattr(summary, key, getattr(summary, key) + delta)
    checker.lost_folders |= result.lost
    checker.broken_files |= result.broken
