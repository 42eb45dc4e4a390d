"""A cached run answered from the snapshot of the run before, without the cross-object rules
(issue 8's warm runs).

The per-file cache spares parsing, validation and the object rules of unchanged files, but
the cross-object (index) rules still ran over every object of the lint set: on 10,000
documents, loading all cached objects and rerunning those rules was most of a warm run. Yet
an index rule reads only some fields of an object, and most edits (an image bump, new
resource requests) change none of them. So a cached run leaves a snapshot
(k8slint.snapshot_store): for each file in order, its cache key, digests of everything index
rules can read of its objects (its *facts*, in the parts of PARTS: labels, ports and replicas
apart from the rest), its final findings, its index findings with where each points inside its
object, and its share of the summary. The next run with the same inputs and settings:

1. reads and hashes every file, as the cache does anyway;
2. checks the files whose bytes changed (or takes them from the cache);
3. if every changed file has the same facts as before, the index rules would report exactly
   what they reported before: their findings on the changed files are located again in the
   new text, custom resources of the changed files are validated again, the changed files'
   findings are folded and suppressed as a full run would, and every other file's final
   findings are taken from the snapshot;
4. otherwise (a label, a name, a port or a reference changed) the index rules run again over
   every object, the unchanged files' objects taken from the cache (``rerun``); the files whose
   index findings differ from the snapshot's are the ones a full run would report differently,
   and only theirs and the changed files' final findings are made again as in 3. That spares a
   full run's merging, folding, suppressing and snapshot-writing of every file. When only
   labels, ports or replicas changed (every changed file has the same rest of its facts as
   before), only the index rules that read what changed run again (labels: those that do not
   declare READS_LABELS = False in their module; ports and replicas: those whose READS_FACTS
   names them, or that declare none; and those of READS_WHOLE_OBJECTS when a changed file has
   findings of theirs); the others' findings are the snapshot's, located again on the changed
   files. When the labels that changed are ones no selector of the run names, no index rule
   runs again at all: the edit is answered as in 3 (see ``labels_unseen``); when only their
   values changed, the rules report again only on the files the edit reaches (``reached``).

A changed file with a CustomResourceDefinition (then or now) or that cannot be read makes the
run a full one, which leaves a new snapshot.

What "everything index rules can read" means: the objects' data, identity and place in the
file, with the container fields of ``IGNORED_CONTAINER_FIELDS``, the values (not the keys) of
``KEYS_ONLY_FIELDS`` (a ConfigMap's or Secret's data) and annotations (except on the kinds of
``ANNOTATIONS_READ_ON``) left out, and an env var's value replaced by the Service addresses in
it (KL708, the one index rule that reads env values, reads nothing else of them); the folders with
unreadable documents; and the broken files. A file with a finding of an index rule that declares
READS_WHOLE_OBJECTS (KL501 says whether copies are identical) never keeps its facts: when it
changes, the index rules run again. tests/test_run_snapshot.py checks that no other
index rule reads or depends on the left-out fields, that the findings of the rules that declare
READS_LABELS = False do not change with labels (nor those that leave ports or replicas out of
READS_FACTS with those), and that a warm run gives the report of a
cold one after random edits, both those that keep the facts and those that change them.
"""
from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Mapping
from typing import Any, Callable, Iterable, Iterator, Optional

from k8slint.snapshot_store import FIX, RULE, FileFacts, Snapshot, load, restored, restored_on, save, stored

# Fields of a container that no index rule reads (tests/test_run_snapshot.py checks it): an
# edit of only these leaves the cross-object findings as they were. (Read ones: name, env,
# envFrom, ports, volumeMounts and the like.)
IGNORED_CONTAINER_FIELDS = frozenset((
    "image", "imagePullPolicy", "resources", "args", "command", "workingDir", "livenessProbe",
    "readinessProbe", "startupProbe", "lifecycle", "securityContext", "terminationMessagePath",
    "terminationMessagePolicy",
))
# Fields of these kinds whose values no index rule reads, only their keys (which ConfigMap or
# Secret keys exist): a changed value leaves the cross-object findings as they were.
KEYS_ONLY_FIELDS = {"ConfigMap": ("data", "binaryData"), "Secret": ("data", "stringData")}
# Annotations are read by index rules only on these kinds (a claim's or volume's storage class
# annotation, KL402); everywhere else, and on pod templates, they are not facts.
ANNOTATIONS_READ_ON = frozenset(("PersistentVolumeClaim", "PersistentVolume"))


# The facts kept apart from the rest (see facts_digests), after it: a warm run whose changed files
# differ from the snapshot only in some of them runs again only the index rules that read those
# (RuleImpl.labels and RuleImpl.reads).
PARTS = ("rest", "labels", "ports", "replicas")
LABELS = 1  # (the first part kept apart)
# What a container keeps in the rest of the facts: not the fields no index rule reads, nor its
# ports (a part of their own)
_APART = IGNORED_CONTAINER_FIELDS | {"ports"}


def facts_digests(result: Any) -> tuple[bytes, ...]:
    """Digests of what index rules can read of a file's checked result (see the module's doc), in
    the parts of PARTS: the rest; the labels of its objects and of their pod templates (see
    ``_projected``); the ports (each container's ``ports`` and a Service's ``spec.ports``); and
    the replicas (``spec.replicas``). Each part is pickled and hashed on its own."""
    from k8slint.service_addresses import address_facts
    from k8slint.workloads import CONTAINER_LISTS, TEMPLATE_PATHS, _pod_template

    swapped: list[tuple[list, int, dict]] = []
    ports: list[Any] = []
    try:
        for n, obj in enumerate(result.objects):
            template = _pod_template(obj, "")
            if template is None:
                continue
            for field in CONTAINER_LISTS:
                items = template.spec.get(field)
                if not isinstance(items, list):
                    continue
                for i, container in enumerate(items):
                    if not isinstance(container, dict):
                        continue
                    env = container.get("env")
                    seen = _env_facts(env, address_facts) if isinstance(env, list) else None
                    if seen is not None or not _APART.isdisjoint(container):
                        items[i] = {k: v for k, v in container.items() if k not in _APART}
                        if seen is not None:
                            items[i]["env"] = seen
                        if "ports" in container:
                            ports.append((n, field, i, container["ports"]))
                        swapped.append((items, i, container))
        labels: list[tuple] = []
        replicas: list[tuple] = []
        facts = (
            [(o.kind, o.name, o.namespace, o.doc_index, tuple(o.prefix), o.partial, o.checked,
              _projected(o, TEMPLATE_PATHS, labels, ports, replicas)) for o in result.objects],
            sorted(result.lost), sorted(result.broken), list(result.deferred),
        )
        blobs = [pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL) for part in (facts, labels, ports, replicas)]
    finally:
        for items, i, container in reversed(swapped):
            items[i] = container
    return tuple(hashlib.sha256(blob).digest() for blob in blobs)


def changed_parts(entry: FileFacts, result: Any) -> frozenset[str]:
    """The parts of PARTS in which the facts of a file's new result differ from the snapshot's."""
    return frozenset(name for name, old, new in zip(PARTS, entry.facts, digests(result)) if old != new)


def _env_facts(env: list[Any], address_facts: Callable[[Any], Any]) -> Optional[list[Any]]:
    """An env list as the index rules see it: each item's value as KL708 reads it (its Service
    addresses, see k8slint.service_addresses), the rest as it is; None when no item has a value."""
    if not any(isinstance(item, dict) and "value" in item for item in env):
        return None
    return [{**item, "value": address_facts(item["value"])} if isinstance(item, dict) and "value" in item else item
            for item in env]


def _projected(
    obj: Any, template_paths: dict[str, tuple[str, ...]], labels: list[tuple], ports: Optional[list[Any]] = None,
    replicas: Optional[list[tuple]] = None,
) -> Any:
    """The object's data as index rules see it: without the values of its KEYS_ONLY_FIELDS (their
    keys kept, in order), without annotations (its own and its pod template's) unless its kind
    is in ANNOTATIONS_READ_ON, and without labels (its own and its pod template's, a CronJob's
    under its jobTemplate), which are added to ``labels``; when asked, without a Service's
    ``spec.ports`` (added to ``ports``) and ``spec.replicas`` (added to ``replicas``). Copies
    along the changed paths; the object is not touched."""
    kind = obj.kind if isinstance(obj.kind, str) else None
    data = obj.data
    fields = KEYS_ONLY_FIELDS.get(kind) if kind is not None else None
    if fields is not None:
        data = dict(data)
        for field in fields:
            value = data.get(field)
            if isinstance(value, dict):
                data[field] = dict.fromkeys(value)
    keys = _LABELS if kind in ANNOTATIONS_READ_ON else _LABELS_AND_ANNOTATIONS
    data = _without(data, ("metadata",), keys, labels)
    template = template_paths.get(kind) if kind is not None else None
    if template is not None:
        data = _without(data, (*template, "metadata"), keys, labels)
    if ports is not None and kind == "Service":
        data = _without(data, ("spec",), _PORTS, ports, "ports")
    if replicas is not None:
        data = _without(data, ("spec",), _REPLICAS, replicas, "replicas")
    return data


_LABELS = ("labels",)
_LABELS_AND_ANNOTATIONS = ("labels", "annotations")
_PORTS = ("ports",)
_REPLICAS = ("replicas",)


def _without(data: Any, path: tuple, keys: tuple[str, ...], kept: list[tuple], key: str = "labels") -> Any:
    """``data`` with ``keys`` left out of the mapping at ``path`` (the mappings on the way copied),
    or ``data`` itself when it has none of them; its ``key`` (whether it has it, and its value)
    added to ``kept``."""
    if not isinstance(data, dict):
        return data
    if not path:
        kept.append((True, data[key]) if key in data else (False, None))
        return {k: v for k, v in data.items() if k not in keys} if not data.keys().isdisjoint(keys) else data
    inner = data.get(path[0])
    changed = _without(inner, path[1:], keys, kept, key)
    if changed is inner:
        return data
    copy = dict(data)
    copy[path[0]] = changed
    return copy


def has_crds(result: Any) -> bool:
    from k8slint.run import is_crd

    return any(is_crd(o) for o in result.objects)


def run_key(cache: Any, settings: Any, sources: list[Any], kustomizations: list[Any]) -> str:
    """What the snapshot of a run depends on besides the files' bytes: the settings (the cache's
    key), the paths given and what excludes files (not the files found: a run after a file was
    added or removed takes the snapshot up, see changed_files), the working folder, the
    kustomizations around them and what suppresses findings by path."""
    config = settings.config
    options = settings.options
    parts = [
        cache.key_prefix.hex(), os.getcwd(), repr(list(options.paths)), repr(list(settings.excludes)),
        repr(sorted(options.only_files) if options.only_files is not None else None),
        repr(sorted(config.per_path_ignores.items())), repr(config.root),
        repr(kustomizations),
    ]
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def usable(settings: Any, sources: list[Any]) -> bool:
    """Whether this run can use or leave a snapshot: files on disk as they are (no standard
    input, no --fix overlay), no context files (their bytes are not in the run key) and no
    schemas from outside (custom resources' findings depend on them)."""
    options = settings.options
    return (not options.overlay and not settings.schema_locations and not settings.context and bool(sources)
            and all(s.path is not None for s in sources))


class Changed:
    """A file whose bytes differ from the snapshot's: its new checked result."""

    __slots__ = ("source", "entry", "result", "key")

    def __init__(self, source: Any, entry: FileFacts, result: Any, key: str):
        self.source = source
        self.entry = entry
        self.result = result
        self.key = key


def changed_files(
    snapshot: Snapshot, sources: list[Any], raws: dict[int, bytes], read: Callable[[Any], bytes],
    key_of: Callable[[Any, bytes], str],
) -> Optional[tuple[Snapshot, list[tuple[Any, FileFacts, bytes, str]], list[FileFacts]]]:
    """(the snapshot's entries for this run's files, in their order; (source, its entry, bytes,
    new key) of each file whose key changed; the entries of the files that are gone). A file
    added since has a new entry (see FileFacts.added), whose key no file has. None when too many
    bytes changed (as many as a full run checks in parallel). The bytes read are kept in
    ``raws``."""
    from k8slint.run import PARALLEL_BYTES

    by_display = {entry.display: entry for entry in snapshot}
    aligned = Snapshot(by_display.pop(source.display, None) or FileFacts.added(source.display) for source in sources)
    if [entry.display for entry in aligned] == [entry.display for entry in snapshot]:
        aligned.base = snapshot.base  # the same files: a delta of the whole snapshot can be saved
    changed = []
    size = 0
    for source, entry in zip(sources, aligned):
        raw = raws.get(source.order)
        if raw is None:
            try:
                raw = raws[source.order] = read(source)
            except Exception:  # unreadable now, or too large: the full run reports it
                return None
        key = key_of(source, raw)
        if key != entry.key:
            size += len(raw)
            if size > PARALLEL_BYTES:
                return None
            changed.append((source, entry, raw, key))
    return aligned, changed, list(by_display.values())


def same_facts(entry: FileFacts, result: Any, whole: frozenset[str]) -> bool:
    """Whether the index rules see the new result of a file as they saw its old one. ``whole``:
    the codes of index rules whose findings depend on whole objects: a file with such a finding
    is never reused around."""
    if result.outcome.input_error is not None or entry.crds or has_crds(result):
        return False
    return digests(result) == entry.facts and all(
        fields[FIX] is None and fields[RULE] not in whole for fields, _, _, _ in entry.index
    )


def relocatable(entry: FileFacts, rerun: frozenset[str]) -> bool:
    """Whether the file's index findings of the rules not in ``rerun``, which keep the snapshot's
    and are located again on its new objects, have no fix (a fix could not be)."""
    return all(fields[FIX] is None for fields, _, _, _ in entry.index if fields[RULE] not in rerun)


def digests(result: Any) -> tuple[bytes, ...]:
    """The result's facts_digests, computed once (a cached result has them). A cache entry
    written before results kept their selector keys has digests of other facts (env values
    whole): they are computed again, and the selector pairs found. (An entry that kept the keys
    alone, as ``selector_keys``, or its facts in two digests, is not read: the cache counts it
    a miss.)"""
    if getattr(result, "selector_pairs", None) is None or getattr(result, "facts", None) is None:
        result.facts = facts_digests(result)
        pairs_of(result)
    return result.facts  # type: ignore[no-any-return]


# The fields under which index rules find the selectors they match labels with (see
# RuleImpl.selected): a Service's selector, a workload's, a PodDisruptionBudget's, a
# NetworkPolicy's podSelector and namespaceSelector, a ServiceMonitor's, ...
SELECTOR_FIELDS = frozenset(("selector", "podSelector", "namespaceSelector", "labelSelector"))


def selector_pairs(objects: list[Any]) -> frozenset[tuple[Any, Any]]:
    """(label key, value) for each pair that the selectors in these objects ask for: the pairs of
    each mapping under a field of SELECTOR_FIELDS (a Service's selector is a mapping of labels)
    and of its matchLabels, wherever the field is; (key, ANY) for each key of its
    matchExpressions, and for a value that is not a plain scalar. A ConfigMap's or Secret's data
    holds no selector and is not walked. A few pairs more than needed (matchLabels itself, with
    ANY) do no harm: they only make a label edit count as seen, or reach a file more."""
    pairs: set[tuple[Any, Any]] = set()
    stack: list[Any] = [o.data for o in objects if not (isinstance(o.kind, str) and o.kind in KEYS_ONLY_FIELDS)]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            for field, inner in value.items():
                if isinstance(inner, dict):
                    if field in SELECTOR_FIELDS:
                        _add_selector(inner, pairs)
                    stack.append(inner)
                elif isinstance(inner, list):
                    stack.append(inner)
        elif isinstance(value, list):
            stack.extend(v for v in value if isinstance(v, (dict, list)))
    return frozenset(pairs)


# The value of a selector pair that may match any value of its key (see selector_pairs): a tuple,
# which YAML data never holds.
ANY = ()


def _add_selector(selector: dict[Any, Any], pairs: set[tuple[Any, Any]]) -> None:
    _add_pairs(selector, pairs)
    match = selector.get("matchLabels")
    if isinstance(match, dict):
        _add_pairs(match, pairs)
    expressions = selector.get("matchExpressions")
    if isinstance(expressions, list):
        pairs.update((e["key"], ANY) for e in expressions if isinstance(e, dict) and isinstance(e.get("key"), _SCALARS))


def _add_pairs(mapping: dict[Any, Any], pairs: set[tuple[Any, Any]]) -> None:
    for key, value in mapping.items():
        pairs.add((key, value if isinstance(value, _SCALARS) else ANY))


_SCALARS = (str, int, float, bool)


def keys_in(pairs: Iterable[tuple[Any, Any]]) -> frozenset[Any]:
    """The label keys of selector pairs (see selector_pairs): the keys the selectors name."""
    return frozenset(key for key, _ in pairs)


def pairs_of(result: Any) -> frozenset[tuple[Any, Any]]:
    """The result's selector_pairs, found once (a cached result has them)."""
    pairs = getattr(result, "selector_pairs", None)
    if pairs is None:
        pairs = result.selector_pairs = selector_pairs(result.objects)
    return pairs  # type: ignore[no-any-return]


def labels_unseen(
    entry: FileFacts, result: Any, whole: frozenset[str], keys: Callable[[], frozenset[Any]], cache: Any,
) -> bool:
    """Whether the index rules cannot tell the new result of a file (not ``same_facts``) from its
    old one, so that their findings are those of the snapshot, located again: it differs only in
    labels (its label-free digest is the snapshot's), and only in labels that no selector of the
    run names (``keys()``: the snapshot's selector keys), when every active index rule that
    reads labels reads them only through selectors (RuleImpl.selected; the caller checks). Also
    required: no did-you-mean compared the file's objects (their other labels count there, see
    k8slint.selectors.COMPARED), no index finding of the file compares whole objects (KL501:
    the file has no copy that the edit could set apart) and none has a fix (as ``same_facts``).
    The old labels are those of the file's cache entry that the snapshot names."""
    if entry.compared or changed_parts(entry, result) != {"labels"}:
        return False
    if not all(fields[FIX] is None and fields[RULE] not in whole for fields, _, _, _ in entry.index):
        return False
    maps = _label_maps_then_and_now(entry, result, cache)
    if maps is None:
        return False
    seen = keys()
    return all(_seen(a, seen) == _seen(b, seen) for a, b in maps)


def reached(
    snapshot: list[FileFacts], changed: list[Changed], differing: list[Changed], seen: frozenset[Any], cache: Any,
) -> Optional[frozenset[str]]:
    """The files whose findings of the rules that read labels through selectors (RuleImpl.selected)
    a label edit of ``differing`` (each changed only in labels) can change: the changed files,
    and the files with a selector that asks for a pair the edit changed (see label_changes), on
    the old labels or the new. Such a selector matched the objects before the edit or matches
    them after it. Any other sees no difference: it matches them neither before nor after, and
    its did-you-mean, if any, chooses what it chose: no label of a key it names was added or
    removed, so its candidates are the same; their scores are too, as it asks for neither value;
    and it did not choose the edited objects (see label_changes). None when an edit may reach
    further (then every file's findings are made again)."""
    pairs: set[tuple[Any, Any]] = set()
    for c in differing:
        found = label_changes(c.entry, c.result, seen, cache)
        if found is None:
            return None
        pairs |= found
    pairs |= {(key, ANY) for key in keys_in(pairs)}
    files = {c.source.display for c in changed}
    files.update(entry.display for entry in snapshot if not pairs.isdisjoint(entry.selector_pairs))
    return frozenset(files)


def label_changes(entry: FileFacts, result: Any, seen: frozenset[Any], cache: Any) -> Optional[set[tuple[Any, Any]]]:
    """(key, old value) and (key, new value) of each label of the file, on its objects and pod
    templates, whose key a selector of the run names (``seen``) and whose value the edit changed.
    None when the edit may reach more than the selectors that ask for those pairs:
    - a label of those keys was added or removed: did-you-means pick their candidates by keys;
    - a did-you-mean chose the file's objects: it shows their labels (selectors.CHOSEN);
    - a did-you-mean compared them and a label of any key was added or removed: a candidate's
      number of labels breaks ties (selectors.COMPARED);
    - a label map is not a mapping, or a value is not hashable (schema errors).
    The old labels are those of the file's cache entry that the snapshot names."""
    maps = None if entry.chosen else _label_maps_then_and_now(entry, result, cache)
    if maps is None:
        return None
    pairs: set[tuple[Any, Any]] = set()
    try:
        for a, b in maps:
            was, now = _seen(a, seen), _seen(b, seen)
            if not (isinstance(was, dict) and isinstance(now, dict)) or was.keys() != now.keys():
                return None
            if entry.compared and (a[0] != b[0] or (a[0] and a[1].keys() != b[1].keys())):
                return None
            for key, value in was.items():
                new = now[key]
                if new != value or type(new) is not type(value):  # (true and 1 are equal, but shown apart)
                    pairs.add((key, value))
                    pairs.add((key, new))
    except TypeError:  # an unhashable value (a schema error)
        return None
    return pairs


def _label_maps_then_and_now(entry: FileFacts, result: Any, cache: Any) -> Optional[list[tuple[tuple, tuple]]]:
    """The label maps (see _label_maps) of the file's cache entry that the snapshot names, each
    with the new result's; None when the entry is gone or the maps do not pair up."""
    old = cache.load(entry.key)
    if old is None:
        return None
    before, after = _label_maps(old.objects), _label_maps(result.objects)
    return list(zip(before, after)) if len(before) == len(after) else None


def _label_maps(objects: list[Any]) -> list[tuple]:
    """(whether it is there, the value) for the labels of each object and of its pod template, in
    the order facts_digests hashes them."""
    from k8slint.workloads import TEMPLATE_PATHS

    labels: list[tuple] = []
    for obj in objects:
        _projected(obj, TEMPLATE_PATHS, labels)
    return labels


def _seen(item: tuple, keys: frozenset[Any]) -> Any:
    """The part of a label map that selectors with these keys can see; a value that is not a
    mapping (a schema error) whole."""
    there, labels = item
    if not there:
        return {}
    if isinstance(labels, dict):
        return {k: v for k, v in labels.items() if k in keys}
    return (labels,)


def relocated(
    entry: FileFacts, result: Any, locate: Callable[[list[Any], bool], list[Any]], items: Optional[list[tuple]] = None,
) -> list[Any]:
    """The file's index findings of the snapshot (``items`` of its ``index``: all by default), on
    its new objects and at their new places."""
    from k8slint.findings import Finding
    from k8slint.locate import find_node, node_span

    if items is None:
        items = entry.index
    if not items:
        return []
    objects = result.objects
    wanted = sorted({position for _, position, _, _ in items})
    nodes = dict(zip(wanted, locate([objects[p] for p in wanted], False)))
    findings = []
    for fields, position, path, key in items:
        target, _ = find_node(nodes[position], path, key)
        finding = restored_on(fields, objects[position])
        finding.span = node_span(target)
        findings.append(finding)
    return findings


def answer(
    key: str, checker: Any, settings: Any, sources: list[Any], raws: dict[int, bytes], options: Any, cache: Any,
    kustomizations: list[Any], progress: Optional[Callable[[int, int], None]] = None,
) -> Any:
    """The RunResult of this run from the snapshot under ``key`` and the changed files, or None
    when it cannot be answered so (then a full run follows; the bytes read are left in ``raws``
    and the changed files' results in the cache, so it reads and checks nothing twice)."""
    from k8slint.cache import _text, check_and_store, source_key
    from k8slint.run import _read, is_crd

    snapshot = load(cache, key)
    if snapshot is None:
        return None
    max_size = options.limits.max_file_size
    files = changed_files(
        snapshot, sources, raws, lambda s: _read(s, None, None, max_size),
        lambda s, raw: source_key(checker, s, raw, cache),
    )
    if files is None:
        return None
    snapshot, found, gone = files
    if options.jobs is not None and options.jobs > 1 and len(found) > 1:
        return None  # (--jobs N: the changed files are checked by workers, in a full run)
    if any(entry.crds or entry.no_schema for entry in gone):
        return None  # (the report "no schema for this kind" would move to a file that may not say it)
    whole = frozenset(impl.rule.code for impl in checker.engine.index_rules if impl.whole)
    # what runs again when only some parts of the facts changed: the index rules that read them
    reading = {part: frozenset(impl.rule.code for impl in checker.engine.index_rules if impl.reads_part(part))
               for part in PARTS[LABELS:]}
    # whether a label edit can be one no index rule sees (see labels_unseen)
    selectable = all(impl.selected or impl.whole or not impl.labels for impl in checker.engine.index_rules)
    keys: list[frozenset[Any]] = []

    def named() -> frozenset[Any]:  # the label keys the run's selectors name, found when first asked
        if not keys:
            keys.append(keys_in(frozenset().union(*(entry.selector_pairs for entry in snapshot))))
        return keys[0]

    engine, checker.schema.engine = checker.schema.engine, "python"  # a few files: see run.RUST_VALIDATION_BYTES
    changed: list[Changed] = []
    # some changed file's facts changed, or a file is gone: the index rules run again (see rerun)
    again = bool(gone)
    parts: Optional[set[str]] = set() if not gone else None  # the parts of PARTS they changed; None: the rest too
    copies = False  # those have findings of the rules that compare whole objects (see below)
    differing: list[Changed] = []  # those whose facts changed (when only in labels: see reached)
    try:
        for source, entry, raw, new_key in found:
            result = cache.load(new_key)
            if result is not None:
                result.renumber(source.order)
                result.outcome.text = _text(source, raw)
            else:
                result = check_and_store(checker, source, raw, new_key, options, cache)
            this = Changed(source, entry, result, new_key)
            try:
                if not same_facts(entry, result, whole):
                    if result.outcome.input_error is not None or entry.crds or has_crds(result):
                        return None
                    if selectable and labels_unseen(entry, result, whole, named, cache):
                        changed.append(this)
                        continue  # as if its facts had not changed
                    again = True
                    differ = changed_parts(entry, result)
                    parts = None if parts is None or "rest" in differ else parts | differ
                    copies = copies or any(fields[RULE] in whole for fields, _, _, _ in entry.index)
                    differing.append(this)
            except Exception:  # a damaged block that the checksum did not tell: a full run
                return None
            changed.append(this)
    finally:
        checker.schema.engine = engine
    index = None
    if again:
        from k8slint.snapshot_rerun import rerun

        # Only the rules that read the changed parts run again. The rules that compare whole
        # objects (KL501, copies of one object) need not when no changed file has their
        # findings: labels, ports and replicas rename nothing, so no object gains or loses a
        # copy, and the groups of copies they compare are those of the snapshot.
        only: Optional[frozenset[str]] = None
        if parts is not None:
            only = frozenset().union(*(reading[part] for part in parts), whole if copies else ())
            if not all(relocatable(c.entry, only) for c in differing):
                only = None
        # When the rules that run again read labels only through selectors, only the files that
        # the edit can reach need their findings made again (see reached)
        reach = None
        if only is not None and parts == {"labels"} and selectable and not copies:
            try:
                reach = reached(snapshot, changed, differing, named(), cache)
            except Exception:  # a damaged block that the checksum did not tell: a full run
                return None
        index = rerun(checker, settings, sources, raws, snapshot, changed, cache, kustomizations, only=only,
                      reach=reach)
        if index is None:
            return None
    crds: list[Any] = []
    if any(c.result.deferred for c in changed):  # custom resources are validated against every CRD
        for entry in snapshot:
            if entry.crds:
                held = cache.load(entry.key)
                if held is None:
                    return None
                crds.extend(o for o in held.objects if is_crd(o))
    return _assemble(key, checker, settings, sources, raws, snapshot, changed, crds, cache, progress, index)


class _Texts(Mapping):
    """The texts of the files with findings, decoded from the bytes read when first asked."""

    def __init__(self, shown: dict[str, Any], raws: dict[int, bytes], known: dict[str, str]):
        self._shown = shown  # file → its Source
        self._raws = raws
        self._known = {f: t for f, t in known.items() if f in shown}
        self._decoded: set[str] = set(self._known)

    def __getitem__(self, file: str) -> str:
        if file not in self._decoded:
            from k8slint.cache import _text

            self._decoded.add(file)
            source = self._shown.get(file)
            text = _text(source, self._raws[source.order]) if source is not None else None
            if text is not None:
                self._known[file] = text
        return self._known[file]

    def __iter__(self) -> Iterator[str]:
        return iter([f for f in self._shown if self.get(f) is not None])

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _assemble(
    key: str, checker: Any, settings: Any, sources: list[Any], raws: dict[int, bytes], snapshot: list[FileFacts],
    changed: list[Changed], crds: list[Any], cache: Any, progress: Optional[Callable[[int, int], None]],
    again: Optional[dict[str, tuple[list[Any], list[tuple]]]] = None,
) -> Any:
    """The RunResult: the final findings of the files in ``changed`` made again, the others'
    taken from the snapshot. Their index findings are those of the snapshot, located again, or
    those of ``again`` (see rerun)."""
    from k8slint.engine import apply_folds
    from k8slint.file_result import merge
    from k8slint.findings import ObjectRef
    from k8slint.run import (
        CheckedObject, RunResult, Summary, _custom_resource_findings, _drop_fixes_that_cannot_apply, _finish,
        _Relocator, rules_that_ran,
    )

    texts = {c.source.display: c.result.outcome.text for c in changed if c.result.outcome.text is not None}
    locate = _Relocator(texts, settings.options.limits.max_documents)
    new = {c.source.display: c for c in changed}
    for c in changed:
        merge(checker, c.result)  # its objects, suppressions, custom resources
    custom: dict[str, list[Any]] = {}
    if checker.schema.deferred:
        # "no schema for this kind" is reported on the first object of the kind in the run: the
        # kinds reported in other files stay reported there
        checker.schema._no_schema_reported = {
            kind_key: entry.display for entry in snapshot if entry.display not in new for kind_key in entry.no_schema
        }
        for finding in apply_folds(_custom_resource_findings(checker, settings, crds)):
            custom.setdefault(finding.file, []).append(finding)
    fresh: list[Any] = []
    index_of: dict[str, list[Any]] = {}
    for c in changed:
        display = c.source.display
        index = index_of[display] = again[display][0] if again is not None else relocated(c.entry, c.result, locate)
        fresh.extend(apply_folds([*c.result.outcome.findings, *custom.get(display, ()), *apply_folds(index)]))
    # What a full run does last, on the changed files only: their suppressions are the only
    # ones in the checker, and folds and suppressions never reach across files.
    fresh = _finish(fresh, checker, settings)
    _drop_fixes_that_cannot_apply(fresh, checker.broken_files, texts)
    by_file: dict[str, list[Any]] = {}
    for finding in fresh:
        by_file.setdefault(finding.file, []).append(finding)

    findings: list[Any] = []
    summary = Summary()
    for done, (source, entry) in enumerate(zip(sources, snapshot), 1):
        if progress is not None:
            progress(done, len(sources))
        c = new.get(source.display)
        if c is None:
            kept = list(map(restored, entry.findings))
            if kept and kept[0].file_index != source.order:  # (a file added or removed before it)
                for finding in kept:
                    finding.file_index = source.order
            findings.extend(kept)
            shares = entry.summary
        else:
            findings.extend(by_file.get(source.display, ()))
            shares = c.result.summary
        for name, value in shares.items():
            setattr(summary, name, getattr(summary, name) + value)

    def objects() -> list[Any]:
        checked: list[Any] = []
        for source, entry in zip(sources, snapshot):
            c = new.get(source.display)
            if c is None:
                checked.extend(CheckedObject(entry.display, source.order, ObjectRef(*ref)) for ref in entry.objects)
            else:
                checked.extend(CheckedObject(o.file, o.file_index, o.ref()) for o in c.result.objects if o.checked)
        return checked

    summary.count(findings)
    shown = {f.file for f in findings}
    result = RunResult(
        findings, summary, _Texts({s.display: s for s in sources if s.display in shown}, raws, texts), [],
        checker.store.version, rules=rules_that_ran(settings), objects=objects,
    )
    result.paths = {s.display: s.path for s in sources if s.path is not None}

    if changed:  # the snapshot of this run
        for c in changed:
            entry = c.entry
            if again is not None:
                kept = again[entry.display][1]
            else:
                positions = {id(o): i for i, o in enumerate(c.result.objects)}
                kept = [(stored(f, fields[FIX]), positions[id(f.source)], path, at_key)
                        for f, (fields, _, path, at_key) in zip(index_of[entry.display], entry.index)]
            if c.key != entry.key:  # (an affected file's objects are those kept)
                entry.hold(c.result.objects, c.result.lost, c.result.deferred)
            entry.key = c.key
            if c.result.facts is not None:  # (an affected file's is its entry's)
                entry.facts = c.result.facts
                entry.selector_pairs = pairs_of(c.result)
            entry.summary = c.result.summary
            entry.no_schema = [k for k, file in checker.schema._no_schema_reported.items() if file == entry.display]
            entry.replace(
                [stored(f) for f in by_file.get(entry.display, ())],
                [tuple(o.ref()) for o in c.result.objects if o.checked],
                kept,
            )
        save(cache, key, snapshot)
    cache.prune(keep=[entry.key for entry in snapshot])  # the entries a full run would read
    return result
