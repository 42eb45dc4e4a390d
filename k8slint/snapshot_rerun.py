"""The index rules run again on a warm run whose edit changed cross-object facts (a label, a
name, a port, a reference): see k8slint.run_snapshot, step 4.

Every object is needed (any rule may look any of them up), so the unchanged files' objects come
from the snapshot (kept there as one block per file: half the cost of their cache entries, which
hold their findings too); what is spared is the rest of a full run. The files whose index
findings come out as the snapshot has them keep their final findings; the others, those a
change reaches, are made again with the changed ones. When the changed files changed only labels,
only the rules that read them run again (``only``); the others' findings are the snapshot's.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from k8slint.selectors import CHOSEN, COMPARED, clear_notes
from k8slint.snapshot_store import FILE_INDEX, FIX, RULE, FileFacts, restored_on, stored

if TYPE_CHECKING:
    from k8slint.run_snapshot import Changed


def rerun(
    checker: Any, settings: Any, sources: list[Any], raws: dict[int, bytes], snapshot: list[FileFacts],
    changed: list[Changed], cache: Any, kustomizations: list[Any], only: Optional[frozenset[str]] = None,
    reach: Optional[frozenset[str]] = None,
) -> Optional[dict[str, tuple[list[Any], list[tuple]]]]:
    """The index rules run again over every object, when a changed file's facts changed: the
    unchanged files' objects are those the snapshot keeps. Returns, for each file whose index
    findings are not those of the snapshot (the changed files, and the files a change reaches,
    e.g. the Services selecting a relabelled pod template), its findings and their snapshot
    form; such an unchanged file is added to ``changed`` (with its cached result), so that its
    final findings are made again. None when an entry or kept objects are missing (a full run
    follows).

    ``only``: the codes of the rules to run again (the changed files changed only what the
    others do not read, see run_snapshot.changed_parts); the others' findings are those of
    the snapshot, located again on the changed files, and each file's come in the order of a
    run of every rule (by the rule's place among the active index rules).

    ``reach`` (with ``only``): the files whose findings of those rules a label edit can change
    (see run_snapshot.reached); the rules report on them alone, and every other file keeps the
    snapshot's findings, as if no rule had run again."""
    from k8slint.index import Index
    from k8slint.kustomize import collect_generated
    from k8slint.run import _jobs, _Relocator
    from k8slint.run_snapshot import Changed, _Texts, relocated
    from k8slint.span_memo import SpanMemo

    new = {c.source.display: c for c in changed}
    objects: list[Any] = []
    lost: set[str] = set()
    positions: dict[int, int] = {}  # id(object) → its place among its file's objects
    # "no schema for this kind" is reported on the first object of the kind: a changed file can
    # take that report from a later file, or hand it on to one
    reported = {kind_key: entry.display for entry in snapshot for kind_key in entry.no_schema}
    first: dict[tuple[Any, Any], str] = {}
    for source, entry in zip(sources, snapshot):
        c = new.get(source.display)
        if c is not None:
            mine, file_lost, deferred = c.result.objects, c.result.lost, c.result.deferred
        else:
            held = entry.held(source.order)
            if held is None:
                return None
            mine, file_lost, deferred = held
        for position, obj in enumerate(mine):
            positions[id(obj)] = position
        objects.extend(mine)
        lost |= file_lost
        for i in deferred:
            first.setdefault((mine[i].api_version, mine[i].kind), source.display)
    moved = {file for kind_key, reporter in reported.items() if first.get(kind_key) != reporter
             for file in (reporter, first.get(kind_key)) if file is not None}
    options = settings.options
    index = Index(objects, settings.config.default_namespace, lost, collect_generated(kustomizations), reach)
    texts = _Texts({s.display: s for s in sources}, raws, {})  # decoded once, for locating and reports
    locate = _Relocator(texts, options.limits.max_documents)
    spans = SpanMemo(cache)
    clear_notes()
    place: dict[str, int] = {}  # rule code → its place among the active index rules
    if only is not None:
        # A few rules, in this process: on 10,000 documents the label rules take about 70 ms, 55 of
        # them the selector rules, which parallel.index_findings would not split, and starting its
        # child costs about 17 ms, what it would spare.
        active = checker.engine.active_index_rules(index)
        place = {impl.rule.code: position for position, impl in enumerate(active)}
        share = [place[code] for code in only if code in place]
        found = checker.engine.index_findings(index, locate, share, spans=spans)
    else:
        jobs = _jobs(options.jobs, sources, None)
        if jobs > 1:
            from k8slint.parallel import index_findings

            found = index_findings(checker.engine, index, locate, jobs, spans)
        else:
            found = checker.engine.index_findings(index, locate, spans=spans)
    spans.save()
    # The rules that compare labels in did-you-means ran again (they all read labels): the files
    # they compared and chose now are the snapshot's (see selectors.COMPARED). Those of the
    # findings kept from the snapshot (``reach``) stay flagged: no file is flagged less than it
    # should be.
    for entry in snapshot:
        compared = entry.display in COMPARED or (reach is not None and entry.compared)
        chosen = entry.display in CHOSEN or (reach is not None and entry.chosen)
        if (entry.compared, entry.chosen) != (compared, chosen):
            entry.compared, entry.chosen = compared, chosen
            entry.changed = True
    by_file: dict[str, list[Any]] = {}
    for finding in found:
        by_file.setdefault(finding.file, []).append(finding)
    again: dict[str, tuple[list[Any], list[tuple]]] = {}
    for source, entry in zip(sources, snapshot):
        display = source.display
        ran = only if reach is None or display in reach else frozenset()  # the rules run again for this file
        mine = by_file.get(display, [])
        if not mine and display not in new and display not in moved and (
                entry.index_rules.isdisjoint(ran) if ran is not None else not entry.index_rules):
            continue  # no finding of the rules that ran, then or now: as the snapshot has it
        kept = [(stored(f), positions[id(f.source)], tuple(f.locus[0]), f.locus[1]) for f in mine]
        old: list[tuple] = entry.index
        others: list[tuple] = []  # the snapshot's findings of the rules that did not run again
        if ran is not None:
            others = [item for item in old if item[0][RULE] not in ran]
            if others:
                old = [item for item in old if item[0][RULE] in ran]
        c = new.get(display)
        if c is not None:
            if others:  # located again on the file's new objects
                mine, kept = _merged(mine, kept, relocated(entry, c.result, locate, others), others, place)
            again[display] = (mine, kept)
        elif (kept != old and not _placed_alike(kept, old)) or display in moved:
            # made again from its cache entry, whose objects stand in for the kept ones
            result = cache.load(entry.key)
            if result is None:
                return None
            result.renumber(source.order)
            result.outcome.text = texts.get(display)
            for finding in mine:
                finding.source = result.objects[positions[id(finding.source)]]
            if others:
                mine, kept = _merged(mine, kept, _restored(others, result), others, place)
            again[display] = (mine, kept)
            changed.append(Changed(source, entry, result, entry.key))
    changed.sort(key=lambda c: c.source.order)
    return again


def _placed_alike(kept: list[tuple], old: list[tuple]) -> bool:
    """Whether a file's index findings (as the snapshot keeps them) differ from the snapshot's
    only in the file's place in the run (a file added or removed before it): the final findings
    kept for it are then the ones to report, once placed (see run_snapshot._assemble)."""
    return len(kept) == len(old) and all(
        a[1:] == b[1:] and a[0][:FILE_INDEX] == b[0][:FILE_INDEX] and a[0][FILE_INDEX + 1:] == b[0][FILE_INDEX + 1:]
        for a, b in zip(kept, old)
    )


def _merged(
    mine: list[Any], kept: list[tuple], olds: list[Any], items: list[tuple], place: dict[str, int],
) -> tuple[list[Any], list[tuple]]:
    """A file's findings of the index rules that ran again (``mine``, and ``kept``, their snapshot
    form) with ``olds``, those of the other rules made from the snapshot's ``items``, in the
    order of a run of every rule: by the rule's place among the active index rules, each rule's
    own in their order."""
    both = [(place.get(f.rule, len(place)), f, item) for f, item in zip(mine, kept)]
    both += [(place.get(f.rule, len(place)), f, (stored(f, item[0][FIX]), *item[1:])) for f, item in zip(olds, items)]
    both.sort(key=lambda found: found[0])  # (stable: a rule's findings all come from one side)
    return [f for _, f, _ in both], [item for _, _, item in both]


def _restored(items: list[tuple], result: Any) -> list[Any]:
    """The findings of an unchanged file as the snapshot keeps them, on the objects of its cached
    result."""
    return [restored_on(fields, result.objects[position]) for fields, position, _, _ in items]
