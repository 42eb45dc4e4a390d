"""The bundled Kubernetes schemas: which versions exist, which kinds a version serves, and
validators compiled once per kind and kept for the run.

Only the selected version's file is read. Every object is first checked by a fast validator
(k8slint.fastschema for small inputs, jsonschema-rs for large ones); only objects it rejects
are explained, with the errors ``jsonschema`` would report (k8slint.schema_errors computes them
for the bundled schemas' keywords; ``jsonschema`` itself, slow to import, is the fallback).
"""
from __future__ import annotations

import os
import re
import zlib
from functools import lru_cache
from typing import Any, Iterator, Optional

from k8slint.jsonparse import loads
from k8slint.paths import data_folder

FORMAT = 3  # of the bundled files: see scripts/build_schemas.py
# API groups that older Kubernetes versions served, so that their kinds are recognised as
# built-in (and pointed at their replacement) rather than treated as custom resources.
REMOVED_GROUPS = frozenset({"extensions"})


def _number(text: str) -> bool:
    return text.isascii() and text.isdigit()


class UnknownVersion(ValueError):
    pass


def available_versions() -> list[str]:
    found = []
    for name in os.listdir(os.path.join(data_folder(), "schemas")):
        # kubernetes-<major>.<minor>.json.gz
        major, dot, minor = name[len("kubernetes-"):-len(".json.gz")].partition(".")
        if name.startswith("kubernetes-") and name.endswith(".json.gz") and dot and _number(major) and _number(minor):
            found.append((int(major), int(minor)))
    return [f"{a}.{b}" for a, b in sorted(found)]


def normalise_version(text: str) -> str:
    """'v1.30', '1.30', '1.30.2' → '1.30' (must be bundled)."""
    m = re.fullmatch(r"v?(\d+)\.(\d+)(?:\.\d+)?", text.strip())
    versions = available_versions()
    if not m:
        raise UnknownVersion(f"invalid Kubernetes version {text!r}; use X.Y, e.g. {versions[-1]}")
    version = f"{int(m.group(1))}.{int(m.group(2))}"
    if version not in versions:
        raise UnknownVersion(
            f"no bundled schema for Kubernetes {version}; available: {versions[0]} to {versions[-1]}"
        )
    return version


def latest_version() -> str:
    return available_versions()[-1]


class SchemaStore:
    """The schemas of one Kubernetes version."""

    def __init__(self, version: Optional[str] = None):
        self.version = normalise_version(version) if version else latest_version()
        path = os.path.join(data_folder(), "schemas", f"kubernetes-{self.version}.json.gz")
        with open(path, "rb") as f:
            compressed = f.read()
        # zlib reads the gzip format itself (wbits 16+); the gzip module costs more to import.
        data = zlib.decompress(compressed, 16 + zlib.MAX_WBITS)
        end = data.index(b"\n")
        header = loads(data[:end])
        if header.get("format") != FORMAT:
            raise ValueError(f"{path}: schema format {header.get('format')}, expected {FORMAT}")
        self.kinds: dict[str, dict[str, str]] = header["kinds"]
        self.groups = set(header["groups"]) | REMOVED_GROUPS
        # Definitions stay bytes of the file until a value reaches them: the header gives each
        # one's place (``spans``) and the definitions it refers to (``refs``, as positions),
        # so nothing else of the file is split or parsed.
        self._names: list[str] = header["names"]
        self._position = {name: i for i, name in enumerate(self._names)}
        self._spans: list[int] = header["spans"]  # start and end of each definition's JSON
        self._ref_positions: list[list[int]] = header["refs"]
        self._data, self._base = data, end + 1
        self._refs: Optional[dict[str, list[str]]] = None
        self._parsed: dict[str, Any] = {}
        self._fast: dict[tuple[str, bool, str], Any] = {}
        self._full: dict[tuple[str, bool], Any] = {}
        self._slices: dict[tuple[str, bool], Any] = {}  # schema slices the explanations walk

    def definition(self, name: str) -> Any:
        parsed = self._parsed.get(name)
        if parsed is None:
            i = 2 * self._position[name]
            start, end = self._spans[i], self._spans[i + 1]
            parsed = self._parsed[name] = loads(self._data[self._base + start:self._base + end])
        return parsed

    @property
    def definitions(self) -> dict[str, Any]:
        """Every definition, parsed (for tests and tools; a run parses only what it needs)."""
        return {name: self.definition(name) for name in self._names}

    @property
    def refs(self) -> dict[str, list[str]]:
        """Each definition's name → the names of the definitions it refers to."""
        if self._refs is None:
            names = self._names
            self._refs = {name: [names[j] for j in refs] for name, refs in zip(names, self._ref_positions)}
        return self._refs

    # -- kinds -----------------------------------------------------------------------------
    def lookup(self, api_version: str, kind: str) -> Optional[str]:
        return self.kinds.get(api_version, {}).get(kind)

    def api_versions_of(self, kind: str) -> list[str]:
        return sorted(av for av, kinds in self.kinds.items() if kind in kinds)

    def kinds_in_group(self, group: str) -> set[str]:
        return {k for av, kinds in self.kinds.items() if av.rpartition("/")[0] == group for k in kinds}

    def all_kinds(self) -> set[str]:
        return {k for kinds in self.kinds.values() for k in kinds}

    # -- validation ------------------------------------------------------------------------
    def reachable(self, name: str) -> list[str]:
        """``name`` and every definition it refers to, directly or not."""
        start = self._position.get(name)
        if start is None:
            return [name]
        seen = {start}
        todo = [start]
        refs = self._ref_positions
        while todo:
            for ref in refs[todo.pop()]:
                if ref not in seen:
                    seen.add(ref)
                    todo.append(ref)
        names = self._names
        return sorted(names[i] for i in seen)

    def _schema(self, def_name: str, partial: bool) -> dict[str, Any]:
        """A schema for one kind holding only the definitions it reaches (compiles 3-30x faster).

        For partial objects (kustomize patches) nothing is required.
        """
        definitions = {name: self.definition(name) for name in self.reachable(def_name)}
        if partial:
            definitions = {
                name: {k: v for k, v in d.items() if k != "required"} for name, d in definitions.items()
            }
        return {"$ref": f"#/definitions/{def_name}", "definitions": definitions}

    def _lazy_schema(self, def_name: str, partial: bool) -> dict[str, Any]:
        """``_schema`` whose definitions are parsed when first looked up: a Deployment reaches 121
        definitions, a manifest's values a few, and parsing the others was a third of a
        one-file run's schema check. For lazy compilation, which only looks definitions up."""
        return {"$ref": f"#/definitions/{def_name}", "definitions": _Definitions(self, self.reachable(def_name), partial)}

    def is_valid(self, def_name: str, data: Any, partial: bool = False, engine: str = "python") -> bool:
        """Valid or not, quickly. ``engine`` "python" (k8slint.fastschema: nothing to import,
        the best choice for a few files) or "rust" (jsonschema-rs: ~20 ms to import, several
        times faster per object, the best choice for large inputs)."""
        key = (def_name, partial, engine)
        validator = self._fast.get(key)
        if validator is None:
            if engine == "rust":
                schema = self._schema(def_name, partial)
                import jsonschema_rs

                validator = jsonschema_rs.Draft202012Validator(schema).is_valid
            else:
                from k8slint.fastschema import compile_schema

                # compiles (and parses) only the definitions a value reaches
                validator = compile_schema(self._lazy_schema(def_name, partial), lazy_refs=True)
                if validator is None:  # cannot happen with the bundled schemas (a test checks)
                    return self.is_valid(def_name, data, partial, "rust")
            self._fast[key] = validator
        try:
            return bool(validator(data))
        except (ValueError, OverflowError, TypeError, RecursionError):
            return False  # let jsonschema explain what the fast path cannot represent
        except Exception as err:  # a definition that fastschema cannot compile, reached late
            from k8slint.fastschema import Unsupported

            if not isinstance(err, Unsupported):
                raise
            valid = self.is_valid(def_name, data, partial, "rust")
            self._fast[key] = self._fast[(def_name, partial, "rust")]  # for the next objects too
            return valid

    def iter_errors(self, def_name: str, data: Any, partial: bool = False) -> Iterator[Any]:
        """The errors jsonschema finds in ``data``: from k8slint.schema_errors, which gives the same
        errors for the keywords of the bundled schemas without importing jsonschema (slower to
        import than checking a small file), else from jsonschema."""
        from k8slint.fastschema import Unsupported
        from k8slint.schema_errors import iter_errors

        key = (def_name, partial)
        schema = self._slices.get(key)
        if schema is None:
            schema = self._slices[key] = self._schema(def_name, partial)
        try:
            return iter(iter_errors(schema, data))
        except Unsupported:
            return self.jsonschema_errors(def_name, data, partial)

    def jsonschema_errors(self, def_name: str, data: Any, partial: bool = False) -> Iterator[Any]:
        key = (def_name, partial)
        validator = self._full.get(key)
        if validator is None:
            import jsonschema

            validator = jsonschema.Draft202012Validator(self._schema(def_name, partial))
            self._full[key] = validator
        return validator.iter_errors(data)


class _Definitions(dict):
    """The definitions a kind reaches, each parsed on first lookup; any other name is a KeyError."""

    def __init__(self, store: SchemaStore, names: list[str], partial: bool):
        super().__init__()
        self._store, self._names, self._partial = store, frozenset(names), partial

    def __missing__(self, name: str) -> Any:
        if name not in self._names:
            raise KeyError(name)
        definition = self._store.definition(name)
        if self._partial:
            definition = {k: v for k, v in definition.items() if k != "required"}
        self[name] = definition
        return definition


@lru_cache(maxsize=4)
def load_store(version: Optional[str] = None) -> SchemaStore:
    return SchemaStore(version)


