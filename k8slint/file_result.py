"""What checking one file leaves behind, as a value: for parallel workers and the cache.

A serial run checks a file and keeps its effects in the ``Checker`` (objects for the index,
suppression directives, summary counts, custom resources for later). ``check_file`` takes those
effects out as a ``FileResult`` without YAML nodes, which can be sent between processes and
stored on disk; ``merge`` puts them back into a checker exactly as checking the file there
would have, so parallel and cached runs give the output of a serial one.
"""
from __future__ import annotations

from typing import Any, Optional


class FileResult:
    __slots__ = (
        "outcome", "objects", "deferred", "comments", "annotations", "summary", "lost", "broken", "facts",
        "selector_pairs",
    )

    def __init__(self, outcome: Any, objects: list, deferred: list[int], comments: Any,
                 annotations: list, summary: dict[str, int], lost: set[str], broken: set[str],
                 facts: Optional[tuple[bytes, ...]] = None,
                 selector_pairs: Optional[frozenset] = None):
        self.outcome = outcome  # run.FileOutcome: findings, text, input error
        self.objects = objects  # the file's K8sObjects, without nodes
        self.deferred = deferred  # indexes into objects: custom resources checked at the end
        self.comments = comments  # the file's suppression comments (k8slint.suppress)
        self.annotations = annotations  # each object's suppression annotation, or None
        self.summary = summary  # what the file adds to the run's summary counts
        self.lost = lost  # folders with documents that could not be read
        self.broken = broken  # files with syntax errors (never fixed)
        # digests of what index rules can read of it (run_snapshot.facts_digests), when cached
        self.facts = facts
        self.selector_pairs = selector_pairs  # the label pairs its selectors ask for (run_snapshot.selector_pairs)

    def renumber(self, file_index: int) -> None:
        """The same file at another position in a run (a cached result)."""
        for finding in self.outcome.findings:
            finding.file_index = file_index
        for obj in self.objects:
            obj.file_index = file_index
        for directive in [*(d for ds in (self.comments or {}).values() for d in ds), *self.annotations]:
            if directive is not None:
                directive.file_index = file_index


def check_file(checker: Any, source: Any, raw: Optional[bytes], options: Any) -> FileResult:
    """Check one source in ``checker`` and take what it left behind out of it."""
    from k8slint.run import check_one

    suppressor = checker.suppressor
    summary = checker.summary
    before = summary.to_json()
    n_objects, n_deferred = len(checker.objects), len(checker.schema.deferred)
    lost_before, broken_before = set(checker.lost_folders), set(checker.broken_files)
    outcome = check_one(checker, source, raw, None, options)
    after = summary.to_json()
    # Take out what checking the file added, leaving the checker as it was: ``merge`` puts it
    # back (the same checker may be the one merged into, in a serial run with a cache).
    objects = checker.objects[n_objects:]
    del checker.objects[n_objects:]
    deferred_ids = {id(o) for o in checker.schema.deferred[n_deferred:]}
    del checker.schema.deferred[n_deferred:]
    deferred = [i for i, o in enumerate(objects) if id(o) in deferred_ids]
    for key, value in before.items():
        setattr(summary, key, value)
    # suppressions are located while the nodes are at hand; then the nodes are dropped
    comments = suppressor.comments.pop(source.display, None)
    annotations = [suppressor.annotations.pop(id(o), None) for o in objects]
    for obj in objects:
        obj.node = obj.doc = None
        obj.templates = {}  # a cache of views into data (workloads.pod_template): rebuilt on demand
    result = FileResult(
        outcome, objects, deferred, comments, annotations, {k: after[k] - before[k] for k in after},
        checker.lost_folders - lost_before, checker.broken_files - broken_before,
    )
    checker.lost_folders.intersection_update(lost_before)
    checker.broken_files.intersection_update(broken_before)
    return result


def merge(checker: Any, result: FileResult) -> None:
    from k8slint.run import _Relocator

    outcome = result.outcome
    suppressor = checker.suppressor
    if result.comments:
        suppressor.comments[outcome.display] = result.comments
    for obj, directive in zip(result.objects, result.annotations):
        if directive is not None:
            suppressor.annotations[id(obj)] = directive
    checker.objects.extend(result.objects)
    if result.deferred:  # custom resources are checked at the end, and located only if reported on
        relocate = _Relocator({outcome.display: outcome.text or ""}, checker.settings.options.limits.max_documents)
        for i in result.deferred:
            obj = result.objects[i]
            obj.relocate = relocate.one
            checker.schema.deferred.append(obj)
    summary = checker.summary
    for key, delta in result.summary.items():
        setattr(summary, key, getattr(summary, key) + delta)
    checker.lost_folders |= result.lost
    checker.broken_files |= result.broken
    facts = checker.file_facts
    if facts is not None:  # a cached run: what its snapshot keeps of the file (k8slint.run_snapshot)
        from k8slint.run_snapshot import digests, has_crds

        if getattr(result, "facts", None) is not None:  # (a result that was cached)
            facts[outcome.display] = (
                digests(result), has_crds(result), result.summary, result.lost, result.deferred, result.selector_pairs,
            )


class ContextResult:
    """What reading one context file leaves behind: its objects (never reported on) and
    whether its folder has documents that could not be read."""

    __slots__ = ("objects", "lost")

    def __init__(self, objects: list, lost: set[str]):
        self.objects = objects
        self.lost = lost


def read_context_file(checker: Any, display: str, text: str) -> ContextResult:
    """Read a context file in ``checker`` and take what it added out of it (see ``merge_context``)."""
    n_objects, lost_before = len(checker.objects), set(checker.lost_folders)
    checker.read_context(text, display)
    objects = checker.objects[n_objects:]
    del checker.objects[n_objects:]
    lost = checker.lost_folders - lost_before
    checker.lost_folders.intersection_update(lost_before)
    for obj in objects:
        obj.templates = {}
    return ContextResult(objects, lost)


def merge_context(checker: Any, result: ContextResult) -> None:
    checker.objects.extend(result.objects)
    checker.lost_folders |= result.lost
