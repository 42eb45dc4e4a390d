"""Checking files in parallel worker processes (``--jobs N``, automatic for large inputs).

The per-file work (read, parse, schema, object rules) is what scales with the input; it runs
in forked workers that inherit the parent's prepared state (settings, schemas, rules) and
return a ``FileResult`` per file (see ``k8slint.file_result``). Results come back in file order
and are merged in that order, so the report is byte-identical to a serial run. Cross-object
rules, custom resources and the report run in the parent. Workers use the cache too.
"""
from __future__ import annotations

import multiprocessing
from typing import Any, Iterator, Optional

from k8slint.file_result import FileResult, merge

_STATE: Optional[tuple[Any, Any, Any]] = None  # (checker, options, cache), set just before forking


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
) -> Iterator[Any]:
    """The outcome of each source, in order, with the parent's checker updated as a serial run
    would have updated it."""
    global _STATE
    _STATE = (checker, options, cache)
    context = multiprocessing.get_context("fork")
    try:
        with context.Pool(jobs) as pool:
            results = pool.imap(_check_chunk, _chunks(sources, raws, jobs))
            for chunk in results:
                for result in chunk:
                    merge(checker, result)
                    yield result.outcome
    finally:
        _STATE = None
