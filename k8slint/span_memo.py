"""Where the cross-object rules' findings are in files that did not change.

Cached objects have no nodes (they are released to keep memory flat), so a finding that an
index rule reports on a cached file is located by composing its document again. On a warm run
of a large tree that was most of the locating work, for findings whose places cannot have moved:
a span depends only on the file's bytes. So the spans located once are kept beside the file's
cache entry (``<key>.spans``, JSON), keyed by the object (document and place in it), the path
the rule reports and whether it points at the key; the next run with the same bytes reads them
instead of composing. Findings with a fix are always located again (the fix needs the nodes).

A sidecar that cannot be read or is not what this module writes is ignored: the findings are
located the slow way and the sidecar is written again.
"""
from __future__ import annotations

import json
from typing import Any, Optional

from k8slint.findings import Span


class SpanMemo:
    def __init__(self, cache: Any):
        self.cache = cache  # k8slint.cache.Cache: its ``keys`` name each file's entry
        self._spans: dict[str, dict[str, list[int]]] = {}  # file → memo key → span
        self._learned: dict[str, dict[str, list[int]]] = {}  # what this run located

    @staticmethod
    def _key(obj: Any, report: Any) -> Optional[str]:
        try:
            return json.dumps([obj.doc_index, list(obj.prefix), list(report.path), bool(report.key)])
        except (TypeError, ValueError):  # a path element JSON cannot hold: located every time
            return None

    def _file(self, file: str) -> Optional[dict[str, list[int]]]:
        spans = self._spans.get(file)
        if spans is None:
            key = self.cache.keys.get(file)
            if key is None:  # not a file of this run's cache (checked by a worker, stdin)
                return None
            spans = self._spans[file] = _valid(self.cache.read_side(key, "spans"))
        return spans

    def get(self, obj: Any, report: Any) -> Optional[Span]:
        spans = self._file(obj.file)
        if not spans:
            return None
        key = self._key(obj, report)
        found = spans.get(key) if key is not None else None
        return Span(*found) if found is not None else None

    def put(self, obj: Any, report: Any, span: Span) -> None:
        key = self._key(obj, report)
        if key is not None and self._file(obj.file) is not None:
            self.learn([(obj.file, key, list(span))])

    def learned(self) -> list[tuple[str, str, list[int]]]:
        """What this process located (a forked child sends it back to the parent)."""
        return [(file, key, span) for file, spans in self._learned.items() for key, span in spans.items()]

    def learn(self, learned: list[tuple[str, str, list[int]]]) -> None:
        for file, key, span in learned:
            spans = self._file(file)
            if spans is None:
                continue
            spans[key] = span
            self._learned.setdefault(file, {})[key] = span

    def save(self) -> None:
        """Write the sidecars of the files with newly located spans (with their old spans)."""
        for file in self._learned:
            key = self.cache.keys.get(file)
            if key is not None:
                self.cache.write_side(key, "spans", json.dumps(self._spans[file], sort_keys=True).encode())
        self._learned.clear()


def _valid(raw: Optional[bytes]) -> dict[str, list[int]]:
    if raw is None:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        k: v for k, v in data.items()
        if isinstance(v, list) and len(v) == 4 and all(type(n) is int and n >= 1 for n in v)
    }
