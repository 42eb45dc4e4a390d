"""Checking files in parallel worker processes (``--jobs N``, automatic for large inputs).

The per-file work (read, parse, schema, object rules) is what scales with the input; it runs
in forked workers that inherit the parent's prepared state (settings, schemas, rules) and
return a ``FileResult`` per file (see ``k8slint.file_result``). Results come back in file order
and are merged in that order, so the report is byte-identical to a serial run. Custom resources
and the report run in the parent; the cross-object (index) rules are shared between the parent
and one forked child, and their findings put back into serial order. Workers use the cache too.
"""
from __future__ import annotations

import multiprocessing
from typing import Any, Iterator, Optional

from k8slint.file_result import FileResult, merge
from k8slint.selectors import CHOSEN, COMPARED

_STATE: Optional[tuple[Any, Any, Any]] = None  # (checker, options, cache), set just before forking
_INDEX_STATE: Optional[tuple[Any, ...]] = None  # (engine, index, locate, spans, units, taken), likewise


def _check_chunk(chunk: list[tuple[Any, Optional[bytes]]]) -> list[FileResult]:
    from k8slint.cache import cached_check

    assert _STATE is not None
    checker, options, cache = _STATE
    return [cached_check(checker, source, raw, options, cache) for source, raw in chunk]


def _chunks(sources: list[Any], raws: dict[int, bytes], jobs: int) -> list[list[tuple[Any, Optional[bytes]]]]:
    size = max(1, min(32, len(sources) // (jobs * 8) or 1))
    items = [(s, raws.pop(s.order, None)) for s in sources]
    return [items[i:i + size] for i in range(0, len(items), size)]


def check_in_parallel(
    checker: Any, sources: list[Any], raws: dict[int, bytes], options: Any, jobs: int, cache: Any = None,
    automatic: bool = False,
) -> Iterator[Any]:
    """The outcome of each source, in order, with the parent's checker updated as a serial run
    would have updated it. With a cache, hits are read here (sending them through a worker
    would unpickle and pickle them twice) and only the misses go to workers; ``automatic``
    (no --jobs given): no workers at all when the misses are small (a warm run)."""
    from k8slint.cache import cached_check, check_and_store, lookup
    from k8slint.run import PARALLEL_BYTES, _input_bytes

    hits: dict[int, FileResult] = {}
    # Misses looked up here, (bytes, key), kept while they could all be checked in this process
    # (then they are not read and hashed again); workers read their files themselves.
    looked: dict[int, tuple[Optional[bytes], Optional[str]]] = {}
    kept = 0
    if cache is not None:
        for source in sources:
            if source.path is not None:
                hit, raw, key = lookup(checker, source, raws.get(source.order), options, cache)
                if hit is not None:
                    hits[source.order] = hit
                    raws.pop(source.order, None)
                elif kept <= PARALLEL_BYTES:
                    looked[source.order] = (raw, key)
                    kept += len(raw or b"")
    misses = [s for s in sources if s.order not in hits]
    if (automatic and _input_bytes(misses) <= PARALLEL_BYTES) or len(misses) < 2:
        for source in sources:
            result = hits.get(source.order)
            if result is None and source.order in looked:
                raw, key = looked.pop(source.order)
                result = check_and_store(checker, source, raw, key, options, cache)
            elif result is None:
                result = cached_check(checker, source, raws.pop(source.order, None), options, cache)
            merge(checker, result)
            yield result.outcome
        return
    looked.clear()
    global _STATE
    _STATE = (checker, options, cache)
    context = multiprocessing.get_context("fork")
    try:
        with context.Pool(jobs) as pool:
            checked = (r for chunk in pool.imap(_check_chunk, _chunks(misses, raws, jobs)) for r in chunk)
            for source in sources:
                result = hits.get(source.order)
                if result is None:
                    result = next(checked)
                merge(checker, result)
                yield result.outcome
    finally:
        _STATE = None


def _units(rules: list[Any]) -> list[list[int]]:
    """The index rules in units of work for the two processes: the positions of the rules of one
    category (references, selectors, storage, ...), largest first. Rules of a category share
    what they look up (the references of every pod, the pods a selector matches, memoised in
    the index): run in two processes, they would each compute it."""
    by_category: dict[str, list[int]] = {}
    for position, impl in enumerate(rules):
        by_category.setdefault(impl.rule.category, []).append(position)
    return sorted(by_category.values(), key=lambda unit: (-len(unit), unit[0]))


def _take_units(engine: Any, index: Any, locate: Any, spans: Any, units: list[list[int]], taken: Any) -> tuple[list[tuple[int, int, int]], list[Any]]:
    """Run units of index rules until none is left: each process takes the next one when it is
    free, so the two share the work whatever each unit costs on this input."""
    keys: list[tuple[int, int, int]] = []
    findings: list[Any] = []
    while True:
        with taken.get_lock():
            i = taken.value
            taken.value = i + 1
        if i >= len(units):
            return keys, findings
        findings.extend(engine.index_findings(index, locate, units[i], keys, spans))


def _index_share() -> tuple[list[tuple[int, int, int]], list[Any], list[int], list[Any], set[str], set[str]]:
    """Run in a forked child: the findings of the units of index rules it took, without their
    ``source`` objects (sent back as positions in the index: the parent has the same objects),
    the spans it located (for the parent's SpanMemo) and the files its did-you-means compared
    and chose (see selectors.COMPARED and CHOSEN)."""
    assert _INDEX_STATE is not None
    engine, index, locate, spans, units, taken = _INDEX_STATE
    keys, findings = _take_units(engine, index, locate, spans, units, taken)
    positions = {id(obj): i for i, obj in enumerate(index.objects)}
    sources = []
    for finding in findings:
        sources.append(positions.get(id(finding.source), -1))
        finding.source = None
    return keys, findings, sources, spans.learned() if spans is not None else [], COMPARED, CHOSEN


def index_findings(engine: Any, index: Any, locate: Any, jobs: int, spans: Any = None) -> list[Any]:
    """The index rules' findings, in the order of a serial run, with the rules shared between
    this process and one forked child (the index is inherited, not sent). Used when the files
    were checked in parallel: on 10,000 documents the index rules and the composition of the
    documents they report on take a second or more, which would otherwise run on one core."""
    units = _units(engine.active_index_rules(index))
    if jobs < 2 or len(units) < 2:
        return engine.index_findings(index, locate, spans=spans)  # type: ignore[no-any-return]
    global _INDEX_STATE
    context = multiprocessing.get_context("fork")
    taken = context.Value("i", 0)
    _INDEX_STATE = (engine, index, locate, spans, units, taken)
    try:
        with context.Pool(1) as pool:
            pending = pool.apply_async(_index_share)
            keys, findings = _take_units(engine, index, locate, spans, units, taken)
            their_keys, their_findings, sources, learned, compared, chosen = pending.get()
    finally:
        _INDEX_STATE = None
    for finding, position in zip(their_findings, sources):
        if position < 0:  # not an object of the index: cannot be matched up, so run it here
            return engine.index_findings(index, locate, spans=spans)  # type: ignore[no-any-return]
        finding.source = index.objects[position]
    if spans is not None:
        spans.learn(learned)
    COMPARED.update(compared)
    CHOSEN.update(chosen)
    ordered = sorted(zip(keys + their_keys, findings + their_findings), key=lambda pair: pair[0])
    return [finding for _, finding in ordered]
