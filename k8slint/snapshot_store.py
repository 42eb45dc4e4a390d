"""A run's snapshot on disk: what k8slint.run_snapshot keeps of a cached run, per file.

Written by a cached run beside the cache entries, one file per set of paths given and settings
(``<run key>.snapshot``), atomically; a run that changed few files adds them in a small
``<run key>.delta.snapshot`` instead of writing the whole again (after a file was added or
removed, the whole is written). Read with the cache's
restricted unpickler (only plain values: findings are kept as tuples), behind a checksum; a
corrupt, foreign or stale one is ignored and the run is a full one.
"""
from __future__ import annotations

import functools
import io
import pickle
import zlib
from typing import Any, Callable, Iterable, Optional, Union

from k8slint.findings import Severity

# 2: each file's objects kept (FileFacts.hold); 3: in a file of their own; 4: findings inline; 5: label_free;
# 6: the rules of each file's index findings (FileFacts.index_rules); 7: selector_keys and compared;
# 8: selector_pairs (instead of the keys) and chosen; 9: the facts in parts (run_snapshot.PARTS)
FORMAT = 9
SUFFIX = "snapshot"
DELTA_SUFFIX = "delta.snapshot"  # the files changed since the snapshot was written whole (see save)
# The objects each file holds (FileFacts.hold), in a file of their own: only a rerun of the index
# rules reads them, and every warm run reads the snapshot (they would make it 2.7 times larger).
HELD_SUFFIX = "held.snapshot"
MAX_DELTA_FILES = 64


class FileFacts:
    """One file of a snapshot. Its final findings are plain values, read with the whole snapshot
    (every warm run reports them all: one unpickling in C, not one per file). Its objects and
    index findings are kept as pickled blocks, read only when needed and written again only when
    the file changed: saving the snapshot of a run with one changed file then copies the other
    files' blocks as bytes."""

    __slots__ = ("display", "key", "facts", "crds", "no_schema", "summary", "findings", "_details",
                 "_details_blob", "_held_blob", "_index_rules", "selector_pairs", "compared", "chosen", "changed")

    def __init__(self, display: str, key: str, facts: tuple[bytes, ...], crds: bool,
                 no_schema: list[tuple[str, str]], summary: dict[str, int], findings: Optional[list[tuple]] = None,
                 details_blob: Optional[bytes] = None, held_blob: Optional[bytes] = None,
                 index_rules: Optional[tuple[str, ...]] = None, selector_pairs: Iterable[tuple[Any, Any]] = (),
                 compared: bool = False, chosen: bool = False):
        self.display = display
        self.key = key  # its cache key (its bytes, name and the settings)
        self.facts = facts  # the facts digests of its FileResult (run_snapshot.facts_digests)
        self.crds = crds  # it holds CustomResourceDefinitions (never reused when it changes)
        # (apiVersion, kind) of custom resources reported "no schema" on an object of this file
        # (once per kind in a run, on the first object of the kind)
        self.no_schema = no_schema
        self.summary = summary  # its share of the summary counts
        # its final findings (folded, suppressed, sorted), as stored (see ``stored``)
        self.findings: list[tuple] = findings if findings is not None else []
        self._details_blob = details_blob
        # see hold; bytes, or what reads them from the snapshot's held file (see load)
        self._held_blob: Union[bytes, Callable[[], Optional[bytes]], None] = held_blob
        self._details: Optional[tuple[list, list]] = None if details_blob is not None else ([], [])
        # see index_rules (stored as a sorted tuple: the same bytes for the same rules)
        self._index_rules = frozenset(index_rules) if index_rules is not None and details_blob is not None else None
        # the label pairs its selectors ask for (run_snapshot.selector_pairs)
        self.selector_pairs = frozenset(selector_pairs)
        # whether a did-you-mean of the index rules compared its objects' labels (selectors.COMPARED)
        self.compared = compared
        self.chosen = chosen  # whether one chose its objects (selectors.CHOSEN)
        self.changed = False  # since the whole snapshot was written

    @classmethod
    def added(cls, display: str) -> FileFacts:
        """The entry of a file that the snapshot does not have: no key, facts or findings, so that
        a warm run takes it for a changed file whose facts all changed."""
        return cls(display, "", (b"",) * 4, False, [], {}, details_blob=None)

    @property
    def objects(self) -> list[tuple]:
        """Its checked objects' ObjectRefs, as tuples, in order."""
        return self._read_details()[0]

    @property
    def index(self) -> list[tuple[tuple, int, tuple, bool]]:
        """Its index findings before folds and suppressions: (finding as stored, position of the
        object in the file's objects, path inside the object, whether it points at the key)."""
        return self._read_details()[1]

    @property
    def index_rules(self) -> frozenset[str]:
        """The codes of the rules of its index findings, kept beside them: a rerun of the index
        rules asks it of every file, without reading their findings (k8slint.snapshot_rerun)."""
        if self._index_rules is None:
            self._index_rules = frozenset(fields[RULE] for fields, _, _, _ in self.index)
        return self._index_rules

    def _read_details(self) -> tuple[list, list]:
        if self._details is None:
            self._details = _unpickle(self._details_blob)
        return self._details  # type: ignore[return-value]

    def replace(self, findings: list[tuple], objects: list[tuple], index: list[tuple]) -> None:
        self.findings, self._details = findings, (objects, index)
        self._details_blob = self._index_rules = None
        self.changed = True

    def fields(self, held: bool = True) -> tuple:
        """As stored: plain values (the cache's restricted unpickler knows no class of this module);
        ``held``: with the objects kept by ``hold`` when they are not those of the whole snapshot's
        held file (a delta's files whose bytes changed keep theirs in the delta)."""
        if self._details_blob is None:
            self._details_blob = _pickle(self._read_details())
        return (self.display, self.key, self.facts, self.crds, self.no_schema, self.summary,
                self.findings or None, self._details_blob,
                self._held_blob if held and isinstance(self._held_blob, bytes) else None,
                tuple(sorted(self.index_rules)), tuple(sorted(self.selector_pairs, key=repr)), self.compared, self.chosen)

    def hold(self, objects: list[Any], lost: Any, deferred: list[int]) -> None:
        """Keep the file's objects (as checked, without nodes), its folders with unreadable
        documents and its custom resources (positions in ``objects``): what the index rules
        need of it when they run again (k8slint.snapshot_rerun). One block read in one call
        costs half of reading the file's cache entry, which holds its findings too."""
        self._held_blob = _pickle((
            [(o.data, o.prefix, o.partial, o.checked, o.doc_index, o.doc_start) for o in objects],
            sorted(lost), list(deferred),
        ))

    def held(self, file_index: int) -> Optional[tuple[list[Any], set[str], list[int]]]:
        """(objects, lost folders, custom resources' positions) as kept by ``hold``; None when
        not kept."""
        blob = self.held_blob()
        if blob is None:
            return None
        from k8slint.objects import K8sObject

        states, lost, deferred = _unpickle(blob)
        display = self.display
        objects = [K8sObject.restored(display, file_index, *state) for state in states]
        return objects, set(lost), deferred

    def held_blob(self) -> Optional[bytes]:
        if callable(self._held_blob):
            self._held_blob = self._held_blob()
        return self._held_blob


def _pickle(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _unpickle(blob: Optional[bytes]) -> Any:
    from k8slint.cache import _SafeUnpickler

    return _SafeUnpickler(io.BytesIO(blob or b"")).load()


class Snapshot(list):
    """The files of a snapshot, in order; ``base``: the checksum of the whole snapshot they were
    read from (None for a new one)."""

    base: Optional[int] = None


def _read(cache: Any, key: str, suffix: str) -> Optional[tuple]:
    from k8slint.cache import _SafeUnpickler

    data = cache.read_side(key, suffix)
    if data is None:
        return None
    try:
        stored = _SafeUnpickler(io.BytesIO(data)).load()
        # the blocks inside are read later: a checksum tells a damaged file now, while a full
        # run can still answer
        if stored[0] != FORMAT or stored[1] != key or zlib.crc32(stored[-1]) != stored[-2]:
            return None
        return stored  # type: ignore[no-any-return]
    except Exception:  # corrupt, truncated, foreign or planted: a full run
        return None


def load(cache: Any, key: str) -> Optional[Snapshot]:
    """The snapshot under ``key``: the whole one, with the files that changed since it was
    written (see ``save``)."""
    whole = _read(cache, key, SUFFIX)
    if whole is None:
        return None
    try:
        files = Snapshot(FileFacts(*item) for item in _unpickle(whole[3]))
        files.base = whole[2]
        held = _Held(cache, key, files.base)
        for i, entry in enumerate(files):
            entry._held_blob = functools.partial(held.blob, i)
        delta = _read(cache, key, DELTA_SUFFIX)
        if delta is not None and delta[2] == files.base:
            position = {entry.display: i for i, entry in enumerate(files)}
            for item in _unpickle(delta[4]):
                entry = FileFacts(*item)
                entry.changed = True
                i = position[entry.display]
                if entry._held_blob is None:  # its objects are those of the whole snapshot
                    entry._held_blob = functools.partial(held.blob, i)
                files[i] = entry
        return files
    except Exception:
        return None


class _Held:
    """The held file of a whole snapshot (see HELD_SUFFIX), read when a file's objects are first
    asked for; None for each when it is missing, damaged or belongs to another snapshot."""

    def __init__(self, cache: Any, key: str, base: int):
        self.cache, self.key, self.base = cache, key, base
        self.blobs: Optional[list[Optional[bytes]]] = None

    def blob(self, i: int) -> Optional[bytes]:
        if self.blobs is None:
            stored = _read(self.cache, self.key, HELD_SUFFIX)
            try:
                blobs = _unpickle(stored[4]) if stored is not None and stored[2] == self.base else []
            except Exception:  # damaged in a way the checksum did not tell
                blobs = []
            self.blobs = blobs if isinstance(blobs, list) else []
        return self.blobs[i] if i < len(self.blobs) else None


def save(cache: Any, key: str, files: list[FileFacts]) -> None:
    """Write the snapshot; when it was read from a whole one and few of its files changed since,
    only those (a run with one file changed writes a few kilobytes, not the whole snapshot)."""
    try:
        base = getattr(files, "base", None)
        changed = [f for f in files if f.changed]
        if base is not None and len(changed) <= MAX_DELTA_FILES:
            payload = _pickle([f.fields() for f in changed])
            cache.write_side(key, DELTA_SUFFIX, _pickle((FORMAT, key, base, zlib.crc32(payload), payload)))
            return
        payload = _pickle([f.fields(held=False) for f in files])
        base = zlib.crc32(payload)
        held = _pickle([f.held_blob() for f in files])
        cache.write_side(key, HELD_SUFFIX, _pickle((FORMAT, key, base, zlib.crc32(held), held)))
        cache.write_side(key, SUFFIX, _pickle((FORMAT, key, base, payload)))
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return
    cache.remove_side(key, DELTA_SUFFIX)  # it belongs to the snapshot just replaced


def record(
    sources: list[Any], cache: Any,
    facts: dict[str, tuple[tuple[bytes, ...], bool, dict[str, int], set[str], list[int], frozenset[Any]]],
    objects: list[Any], final: list[Any], index_findings: list[Any], index_fixes: list[Any],
    no_schema: dict[tuple[str, str], str], compared: Iterable[str] = (), chosen: Iterable[str] = (),
) -> Optional[list[FileFacts]]:
    """The snapshot of a full run, or None when it cannot be one (a file without a cache key or
    facts, a finding on something that is not one of the files). ``compared``, ``chosen``: the
    files whose objects a did-you-mean of the index rules compared, chose (selectors.COMPARED,
    CHOSEN)."""
    compared, chosen = set(compared), set(chosen)
    by_file: dict[str, FileFacts] = {}
    files: list[FileFacts] = []
    for source in sources:
        key = cache.keys.get(source.display)
        known = facts.get(source.display)
        if key is None or known is None or source.display in by_file:
            return None
        digests, crds, summary, _, _, pairs = known
        entry = FileFacts(source.display, key, digests, crds, [], summary, selector_pairs=pairs,
                          compared=source.display in compared, chosen=source.display in chosen)
        by_file[source.display] = entry
        files.append(entry)
    positions: dict[int, int] = {}
    of_file: dict[str, list[Any]] = {}
    for obj in objects:
        if obj.file_index < 0:
            continue  # a context file's
        entry = by_file.get(obj.file)
        if entry is None:
            return None
        mine = of_file.setdefault(obj.file, [])
        positions[id(obj)] = len(mine)
        mine.append(obj)
        if obj.checked:
            entry.objects.append(tuple(obj.ref()))
    for entry in files:
        _, _, _, lost, deferred, _ = facts[entry.display]
        entry.hold(of_file.get(entry.display, []), lost, deferred)
    for kind_key, file in no_schema.items():
        entry = by_file.get(file)
        if entry is None:
            return None
        entry.no_schema.append(kind_key)
    for finding in final:
        entry = by_file.get(finding.file)
        if entry is None:
            return None
        entry.findings.append(stored(finding))
    for finding, fix in zip(index_findings, index_fixes):
        entry = by_file.get(finding.file)
        position = positions.get(id(finding.source))
        if entry is None or position is None or finding.locus is None:
            return None
        path, key = finding.locus
        entry.index.append((stored(finding, fix), position, tuple(path), key))
    return files


def stored(finding: Any, fix: Any = False) -> tuple:
    """A finding as a snapshot keeps it: plain values, which pickle writes and reads in C (a
    Finding, with its slots, costs ten times more); ``fix`` instead of the finding's own."""
    span, ref = finding.span, finding.object
    return (
        finding.file, span.line, span.column, span.end_line, span.end_column, finding.rule, finding.name,
        int(finding.severity), finding.message, finding.help, tuple(ref) if ref is not None else None,
        finding.path, finding.file_index, finding.folds, finding.fix if fix is False else fix, finding.locus,
    )


RULE, FILE_INDEX, FIX = 5, 12, 14  # where a stored finding keeps its rule code, its file's place and its fix
_SEVERITIES = {int(s): s for s in Severity}
_new = tuple.__new__


def restored(fields: tuple) -> Any:
    from k8slint.findings import Finding, ObjectRef, Span

    (file, line, column, end_line, end_column, rule, name, severity, message, help_, ref, path, file_index,
     folds, fix, locus) = fields
    # tuple.__new__: the classes' own __new__ (Python, for the fields' names) cost twice as much
    finding = Finding(
        file, _new(Span, (line, column, end_line, end_column)), rule, name, _SEVERITIES[severity], message, help_,
        _new(ObjectRef, ref) if ref is not None else None, path, file_index,
    )
    finding.folds = folds
    finding.fix = fix
    finding.locus = locus
    return finding


def restored_on(fields: tuple, source: Any) -> Any:
    """A finding as the snapshot keeps it (see ``restored``), on ``source``, one of the objects of
    its file in this run: at that file's place, which a file added or removed before it moves."""
    finding = restored(fields)
    finding.source = source
    finding.file_index = source.file_index
    return finding
