"""Deprecated and removed built-in API versions, by Kubernetes version.

The data is ``schemas/deprecations.yaml`` (one entry per apiVersion/kind; sources and field
meanings are in its header). It is read on first use, with k8slint.loader imported only then,
so that importing this module costs next to nothing::

    >>> status("extensions/v1beta1", "Ingress", "1.21").state
    'deprecated'
    >>> d = status("extensions/v1beta1", "Ingress", "1.22")
    >>> d.state, d.removed, d.replacement, d.replacement_since
    ('removed', '1.22', 'networking.k8s.io/v1', '1.19')
    >>> status("apps/v1", "Deployment", "1.30") is None
    True
"""
from __future__ import annotations

import re
from typing import Any, Optional

_VERSION = r"v?(\d+)\.(\d+)(?:\.\d+)?"  # compiled on first use (re caches it)
_FIELDS = ("apiVersion", "kind", "deprecated", "removed", "replacement", "replacement_since", "notes")
_OPTIONAL_FIELDS = ("replacement_kind",)

_entries: Optional[list["Deprecation"]] = None
_index: dict[tuple[str, str], "Deprecation"] = {}


class Deprecation:
    """One deprecated or removed apiVersion/kind.

    From ``all_entries()`` it is the data as written (``state`` and ``version`` are None). From
    ``status()`` it also says what that apiVersion/kind is in the version asked about (``state``:
    "deprecated" or "removed"), and ``replacement``/``replacement_kind``/``replacement_since``
    are what to use *in that version*: when the listed replacement is itself removed by then
    (flowcontrol.apiserver.k8s.io/v1beta1 → v1beta2, removed in 1.29), or deprecated with its
    own replacement already served, the chain is followed (→ v1). A chain may end without a
    replacement (extensions/v1beta1 PodSecurityPolicy → policy/v1beta1, removed in 1.25 → none).
    ``notes`` always describe the entry's own replacement.

    (A plain class rather than a NamedTuple or dataclass: creating those costs milliseconds at
    import time.)
    """

    __slots__ = ("api_version", "kind", "deprecated", "removed", "replacement", "replacement_kind",
                 "replacement_since", "notes", "state", "version")

    def __init__(
        self,
        api_version: str,
        kind: str,
        deprecated: Optional[str],
        removed: Optional[str],
        replacement: Optional[str],
        replacement_kind: Optional[str],
        replacement_since: Optional[str],
        notes: Optional[str],
        state: Optional[str] = None,
        version: Optional[str] = None,
    ):
        self.api_version = api_version
        self.kind = kind
        self.deprecated = deprecated
        self.removed = removed
        self.replacement = replacement
        self.replacement_kind = replacement_kind
        self.replacement_since = replacement_since
        self.notes = notes
        self.state = state
        self.version = version

    def _astuple(self) -> tuple[Optional[str], ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def _replace(self, **changes: Optional[str]) -> "Deprecation":
        values = {name: getattr(self, name) for name in self.__slots__}
        values.update(changes)
        return Deprecation(**values)  # type: ignore[arg-type]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Deprecation) and self._astuple() == other._astuple()

    def __hash__(self) -> int:
        return hash(self._astuple())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"Deprecation({fields})"

    @property
    def is_removed(self) -> bool:
        return self.state == "removed"

    @property
    def is_deprecated(self) -> bool:
        """Deprecated and still served in the version asked about."""
        return self.state == "deprecated"


def version_tuple(text: str) -> tuple[int, int]:
    """'1.21', 'v1.21', '1.21.3' → (1, 21)."""
    m = re.fullmatch(_VERSION, str(text).strip())
    if not m:
        raise ValueError(f"invalid Kubernetes version {text!r}; use X.Y, e.g. 1.30")
    return int(m.group(1)), int(m.group(2))


def _reached(since: Optional[str], current: tuple[int, int]) -> bool:
    return since is not None and version_tuple(since) <= current


def _read(path: Any) -> list[Deprecation]:
    from k8slint.loader import load_text

    with open(path, encoding="utf-8") as f:  # a str or a Path: a run never imports pathlib
        loaded = load_text(f.read())
    problems = [issue.message for issue in loaded.issues]
    for document in loaded.documents:
        problems += [issue.message for issue in document.issues]
    if problems or len(loaded.documents) != 1 or not isinstance(loaded.documents[0].data, list):
        raise ValueError(f"{path}: not a list of entries: {problems}")
    entries = []
    for number, item in enumerate(loaded.documents[0].data, 1):
        if not isinstance(item, dict) or set(_FIELDS) - item.keys() or item.keys() - {*_FIELDS, *_OPTIONAL_FIELDS}:
            raise ValueError(f"{path}: entry {number} must have exactly the fields {_FIELDS} (+ {_OPTIONAL_FIELDS})")
        for key in ("deprecated", "removed", "replacement_since"):
            if item[key] is not None:
                if not isinstance(item[key], str):
                    raise ValueError(f"{path}: entry {number}: {key} must be a quoted \"X.Y\", not {item[key]!r}")
                version_tuple(item[key])
        replacement = item["replacement"]
        entries.append(Deprecation(
            item["apiVersion"], item["kind"], item["deprecated"], item["removed"], replacement,
            (item.get("replacement_kind") or item["kind"]) if replacement else None,
            item["replacement_since"], item["notes"],
        ))
    return entries


def all_entries() -> list[Deprecation]:
    """Every entry, in the order of the data file."""
    global _entries
    if _entries is None:
        import os

        from k8slint.paths import data_folder

        entries = _read(os.path.join(data_folder(), "schemas", "deprecations.yaml"))
        index = {}
        for entry in entries:
            key = (entry.api_version, entry.kind)
            if key in index:
                raise ValueError(f"deprecations.yaml: {entry.api_version} {entry.kind} is listed twice")
            index[key] = entry
        _index.clear()
        _index.update(index)
        _entries = entries
    return list(_entries)


def lookup(api_version: str, kind: str) -> Optional[Deprecation]:
    """The entry of ``api_version``/``kind`` as written, whatever the version; None if none."""
    all_entries()
    return _index.get((api_version, kind))


def status(api_version: str, kind: str, version: str) -> Optional[Deprecation]:
    """Whether ``api_version``/``kind`` is deprecated or removed in Kubernetes ``version``
    ("1.21", "v1.21.3"), with the replacement to use in that version; None when it is neither
    (not listed, or not yet deprecated in that version)."""
    current = version_tuple(version)
    entry = lookup(api_version, kind)
    if entry is None:
        return None
    if _reached(entry.removed, current):
        state = "removed"
    elif _reached(entry.deprecated, current):
        state = "deprecated"
    else:
        return None
    replacement, replacement_kind, since = entry.replacement, entry.replacement_kind, entry.replacement_since
    seen = {(entry.api_version, entry.kind)}
    while replacement is not None and replacement_kind is not None and (replacement, replacement_kind) not in seen:
        seen.add((replacement, replacement_kind))
        nxt = _index.get((replacement, replacement_kind))
        if nxt is None:
            break
        gone = _reached(nxt.removed, current)
        superseded = _reached(nxt.deprecated, current) and _reached(nxt.replacement_since, current)
        if not (gone or superseded):
            break
        replacement, replacement_kind, since = nxt.replacement, nxt.replacement_kind, nxt.replacement_since
    return entry._replace(
        replacement=replacement, replacement_kind=replacement_kind, replacement_since=since,
        state=state, version=f"{current[0]}.{current[1]}",
    )
