"""Schemas for custom resources: from the CustomResourceDefinitions k8slint reads, and from
schema folders laid out like the common CRD catalogs (``{group}/{kind}_{version}.json``).

A CRD's ``openAPIV3Schema`` is OpenAPI, not JSON Schema; ``crd_to_json_schema`` converts it
the way the API server reads it:

- ``nullable: true`` allows null;
- ``x-kubernetes-int-or-string: true`` accepts an integer or a string;
- ``x-kubernetes-preserve-unknown-fields: true`` keeps fields the schema does not list;
  everywhere else a field the schema does not list is unknown (the API server prunes it, and
  strict field validation rejects it), so it is reported like an unknown field of a built-in;
- ``x-kubernetes-embedded-resource: true`` marks an object that is a resource itself
  (apiVersion, kind and metadata are allowed);
- ``apiVersion``, ``kind`` and ``metadata`` are always allowed at the top level, and
  OpenAPI's boolean ``exclusiveMinimum``/``exclusiveMaximum`` become JSON Schema's numbers.
"""
from __future__ import annotations

import json
import os
from typing import Any, Optional

from k8slint.pathtext import clean

_DROP = {
    "description", "example", "externalDocs", "default", "x-kubernetes-validations",
    "x-kubernetes-list-type", "x-kubernetes-list-map-keys", "x-kubernetes-map-type",
    "x-kubernetes-preserve-unknown-fields", "x-kubernetes-int-or-string",
    "x-kubernetes-embedded-resource", "nullable", "format",
}
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"


def crd_to_json_schema(schema: Any, top: bool = True) -> Any:
    """OpenAPI v3 (structural) schema of a CRD version → JSON Schema for validation."""
    if not isinstance(schema, dict):
        return {}
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _DROP:
            continue
        if key == "properties" and isinstance(value, dict):
            out[key] = {name: crd_to_json_schema(sub, top=False) for name, sub in value.items()}
        elif key in ("items", "not") and isinstance(value, dict):
            out[key] = crd_to_json_schema(value, top=False)
        elif key == "additionalProperties" and isinstance(value, dict):
            out[key] = crd_to_json_schema(value, top=False)
        elif key in _SUBSCHEMA_LISTS and isinstance(value, list):
            # Structural schemas may use these only to restrict values, never to add fields.
            out[key] = [_value_constraints(crd_to_json_schema(v, top=False)) for v in value]
        elif key in ("exclusiveMinimum", "exclusiveMaximum") and isinstance(value, bool):
            bound = "minimum" if key == "exclusiveMinimum" else "maximum"
            if value and bound in schema:
                out[key] = schema[bound]
        else:
            out[key] = value
    if "exclusiveMinimum" in out and "minimum" in out and out["exclusiveMinimum"] == out["minimum"]:
        del out["minimum"]
    if "exclusiveMaximum" in out and "maximum" in out and out["exclusiveMaximum"] == out["maximum"]:
        del out["maximum"]
    if schema.get("x-kubernetes-int-or-string"):
        out["type"] = ["integer", "string"]
        for key in _SUBSCHEMA_LISTS:
            out.pop(key, None)
    embedded = bool(schema.get("x-kubernetes-embedded-resource"))
    if top or embedded:
        props = out.setdefault("properties", {})
        props.setdefault("apiVersion", {"type": "string"})
        props.setdefault("kind", {"type": "string"})
        # The API server validates metadata as ObjectMeta whatever the CRD says about it.
        props["metadata"] = {"$ref": f"#/definitions/{OBJECT_META}"}
        out.setdefault("type", "object")
    if schema.get("nullable") and "type" in out:
        types = [out["type"]] if isinstance(out["type"], str) else list(out["type"])
        out["type"] = [*types, "null"] if "null" not in types else types
    is_object = out.get("type") == "object" or (isinstance(out.get("type"), list) and "object" in out["type"])
    if is_object and not schema.get("x-kubernetes-preserve-unknown-fields") and "additionalProperties" not in out:
        out["additionalProperties"] = False
    return out


def _value_constraints(schema: dict[str, Any]) -> dict[str, Any]:
    """A branch of anyOf/oneOf/allOf must not close the object: only its value checks count."""
    branch = dict(schema)
    if branch.get("additionalProperties") is False:
        del branch["additionalProperties"]
    return branch


class CustomSchema:
    """The schema of one custom resource apiVersion/kind, and where it came from."""

    def __init__(self, api_version: str, kind: str, schema: dict[str, Any], origin: str):
        self.api_version = api_version
        self.kind = kind
        self.schema = schema
        self.origin = origin  # "CustomResourceDefinition foo.example.com" or a file path
        self._fast: Any = None
        self._full: Any = None

    def is_valid(self, data: Any) -> bool:
        if self._fast is None:
            from k8slint.fastschema import compile_schema

            fast = compile_schema(self.schema)
            if fast is None:
                import jsonschema_rs

                try:
                    fast = jsonschema_rs.validator_for(self.schema).is_valid
                except ValueError:
                    fast = lambda data: False  # noqa: E731 - an invalid schema: let jsonschema say
            self._fast = fast
        try:
            return bool(self._fast(data))
        except (ValueError, TypeError, OverflowError, RecursionError):
            return False

    def iter_errors(self, data: Any) -> Any:
        if self._full is None:
            import jsonschema

            cls = jsonschema.validators.validator_for(self.schema, default=jsonschema.Draft202012Validator)
            self._full = cls(self.schema)
        return self._full.iter_errors(data)


class CustomSchemas:
    """Every custom resource schema known to a run: CRDs first, then the schema folders."""

    def __init__(self, crds: list[Any], locations: list[Any], store: Any = None):
        self.locations = locations
        # ObjectMeta and what it refers to, from the bundled Kubernetes schema
        self._meta_defs = (
            {name: store.definition(name) for name in store.reachable(OBJECT_META)}
            if store is not None and OBJECT_META in store.refs else {OBJECT_META: {"type": "object"}}
        )
        self._by_type: dict[tuple[str, str], CustomSchema] = {}
        self._served: dict[tuple[str, str], list[str]] = {}  # (group, kind) → served versions
        self._kinds: dict[str, set[str]] = {}  # group → kinds
        self._files: dict[tuple[str, str], Optional[CustomSchema]] = {}
        for crd in crds:
            self._add_crd(crd)

    def _add_crd(self, crd: Any) -> None:
        spec = crd.data.get("spec")
        if not isinstance(spec, dict):
            return
        group = spec.get("group")
        names = spec.get("names") if isinstance(spec.get("names"), dict) else {}
        kind = names.get("kind")
        if not isinstance(group, str) or not isinstance(kind, str):
            return
        origin = f"CustomResourceDefinition {crd.name or group}"
        self._kinds.setdefault(group, set()).add(kind)
        shared = _crd_schema(spec.get("validation"))  # apiextensions.k8s.io/v1beta1
        versions = spec.get("versions") if isinstance(spec.get("versions"), list) else []
        if not versions and isinstance(spec.get("version"), str):
            versions = [{"name": spec["version"], "served": True}]
        for version in versions:
            if not isinstance(version, dict) or not isinstance(version.get("name"), str):
                continue
            if version.get("served") is False:
                continue
            self._served.setdefault((group, kind), []).append(version["name"])
            raw = _crd_schema(version.get("schema")) or shared
            if raw is None:
                continue
            api_version = f"{group}/{version['name']}"
            schema = crd_to_json_schema(raw)
            schema["definitions"] = self._meta_defs
            self._by_type[(api_version, kind)] = CustomSchema(api_version, kind, schema, origin)

    def lookup(self, api_version: str, kind: str) -> Optional[CustomSchema]:
        found = self._by_type.get((api_version, kind))
        if found is not None:
            return found
        return self._from_locations(api_version, kind)

    def _from_locations(self, api_version: str, kind: str) -> Optional[CustomSchema]:
        key = (api_version, kind)
        if key in self._files:
            return self._files[key]
        group, _, version = api_version.rpartition("/")
        found = None
        for folder in self.locations:
            for name in (f"{kind.lower()}_{version}.json", f"{kind}_{version}.json"):
                path = clean(os.path.join(folder, group or "core", name))  # as pathlib printed it
                if os.path.isfile(path):
                    try:
                        with open(path, encoding="utf-8") as f:
                            schema = json.loads(f.read())
                    except (OSError, ValueError):
                        continue
                    if isinstance(schema, dict):
                        found = CustomSchema(api_version, kind, schema, path)
                        break
            if found is not None:
                break
        self._files[key] = found
        return found

    def served_versions(self, group: str, kind: str) -> list[str]:
        """Versions a CRD serves for this group and kind (empty when no CRD defines it)."""
        return self._served.get((group, kind), [])

    def kinds_of(self, group: str) -> set[str]:
        return self._kinds.get(group, set())


def _crd_schema(validation: Any) -> Optional[dict[str, Any]]:
    if isinstance(validation, dict) and isinstance(validation.get("openAPIV3Schema"), dict):
        return validation["openAPIV3Schema"]
    return None
