"""A fast "is it valid?" for the JSON Schema keywords k8slint's schemas use.

The bundled Kubernetes schemas use only ``type``, ``properties``, ``additionalProperties``,
``required``, ``items``, ``enum`` and ``$ref``; rule packs add ``const``, ``anyOf``,
``allOf``, ``oneOf`` and ``not`` in the common cases. ``compile_schema`` turns such a schema
into nested Python closures that answer only valid/invalid, without building errors; schemas
with any other keyword are not compiled (None), and the caller uses jsonschema-rs instead.
``jsonschema`` still explains every failure. Tests check that the three agree on the corpus.

Why not jsonschema-rs for everything: importing it costs ~20 ms, more than checking a small
file, and a pre-commit hook pays that on every commit.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

Check = Callable[[Any], bool]

SUPPORTED = frozenset({
    "type", "properties", "additionalProperties", "required", "items", "enum", "const", "$ref",
    "anyOf", "allOf", "oneOf", "not", "definitions", "$defs", "$schema", "$id", "$comment",
    "title", "description", "default", "examples", "minLength", "maxLength", "pattern",
    "minItems", "maxItems", "minimum", "maximum",
})


class Unsupported(Exception):
    """The schema uses a keyword this module does not implement."""


def is_type(value: Any, name: str) -> bool:
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "string":
        return isinstance(value, str)
    if name == "integer":
        if isinstance(value, bool):
            return False
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "null":
        return value is None
    raise Unsupported(f"type {name!r}")


def json_equal(a: Any, b: Any) -> bool:
    """JSON equality: 1 == 1.0, but True is not 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def _check_shape(schema: dict[str, Any]) -> None:
    """Keyword values of the wrong shape make the schema invalid: leave it to jsonschema-rs,
    which says so, instead of compiling something that silently means another thing."""
    def fail(key: str) -> None:
        raise Unsupported(f"malformed {key}")

    if "required" in schema and not (
        isinstance(schema["required"], list) and all(isinstance(k, str) for k in schema["required"])
    ):
        fail("required")
    for key in ("properties", "definitions", "$defs"):
        if key in schema and not isinstance(schema[key], dict):
            fail(key)
    for key in ("additionalProperties", "items", "not"):
        if key in schema and not isinstance(schema[key], (dict, bool)):
            fail(key)
    for key in ("anyOf", "allOf", "oneOf"):
        if key in schema and not (isinstance(schema[key], list) and schema[key]):
            fail(key)
    if "enum" in schema and not isinstance(schema["enum"], list):
        fail("enum")
    if "type" in schema and not (
        isinstance(schema["type"], str)
        or (isinstance(schema["type"], list) and schema["type"] and all(isinstance(t, str) for t in schema["type"]))
    ):
        fail("type")
    for key in ("minLength", "maxLength", "minItems", "maxItems"):
        if key in schema and (isinstance(schema[key], bool) or not isinstance(schema[key], int) or schema[key] < 0):
            fail(key)
    for key in ("minimum", "maximum"):
        if key in schema and (isinstance(schema[key], bool) or not isinstance(schema[key], (int, float))):
            fail(key)
    if "pattern" in schema:
        import re

        if not isinstance(schema["pattern"], str):
            fail("pattern")
        try:
            re.compile(schema["pattern"])
        except re.error:
            fail("pattern")
    if "$ref" in schema and not isinstance(schema["$ref"], str):
        fail("$ref")


def resolve_ref(root: Any, ref: Any) -> Any:
    """The part of ``root`` a local ``$ref`` ("#/definitions/...") names; Unsupported for any
    other reference, or one that names nothing."""
    if not isinstance(ref, str) or not ref.startswith("#/"):
        raise Unsupported(f"$ref {ref!r}")
    target = root
    try:
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
    except (KeyError, TypeError, IndexError):
        raise Unsupported(f"$ref {ref!r}") from None
    return target


class _Compiler:
    def __init__(self, root: Any, lazy_refs: bool = False):
        self.root = root
        self.lazy_refs = lazy_refs
        self.refs: dict[str, Check] = {}

    def ref(self, ref: str) -> Check:
        if ref in self.refs:
            return self.refs[ref]
        if self.lazy_refs:
            return self._deferred(ref)
        target = resolve_ref(self.root, ref)
        slot: list[Check] = []
        self.refs[ref] = lambda value: slot[0](value)  # recursion-safe placeholder
        slot.append(self.compile(target))
        self.refs[ref] = slot[0]
        return slot[0]

    def _deferred(self, ref: str) -> Check:
        """A check that compiles its definition when a value first reaches it. A Deployment's
        schema reaches 121 definitions (probes, affinities, every volume source...); a
        manifest uses a few of them, and compiling them all was most of a one-file run's
        schema check. Raises Unsupported then if the definition cannot be compiled."""
        slot: list[Check] = []

        def check(value: Any) -> bool:
            if not slot:
                slot.append(self.compile(resolve_ref(self.root, ref)))
            return slot[0](value)

        self.refs[ref] = check
        return check

    def compile(self, schema: Any) -> Check:
        if schema is True:
            return lambda value: True
        if schema is False:
            return lambda value: False
        if not isinstance(schema, dict):
            raise Unsupported("schema is not an object")
        unknown = set(schema) - SUPPORTED
        if unknown:
            raise Unsupported(", ".join(sorted(unknown)))
        _check_shape(schema)
        checks: list[Check] = []
        if "$ref" in schema:
            checks.append(self.ref(schema["$ref"]))
        if "type" in schema:
            checks.append(self._type(schema["type"]))
        if "enum" in schema:
            options = list(schema["enum"])
            checks.append(lambda value: any(json_equal(value, o) for o in options))
        if "const" in schema:
            const = schema["const"]
            checks.append(lambda value: json_equal(value, const))
        if "properties" in schema or "additionalProperties" in schema or "required" in schema:
            checks.append(self._object(schema))
        if "items" in schema:
            checks.append(self._items(schema["items"]))
        for key in ("anyOf", "allOf", "oneOf"):
            if key in schema:
                checks.append(self._combine(key, [self.compile(s) for s in schema[key]]))
        if "not" in schema:
            inner = self.compile(schema["not"])
            checks.append(lambda value: not inner(value))
        checks.extend(self._bounds(schema))
        if not checks:
            return lambda value: True
        if len(checks) == 1:
            return checks[0]
        return lambda value: all(check(value) for check in checks)

    @staticmethod
    def _type(spec: Any) -> Check:
        names = [spec] if isinstance(spec, str) else list(spec)
        for name in names:
            is_type(None, name)  # reject unknown type names now
        classes = frozenset(
            cls for name, cls in (("object", dict), ("array", list), ("string", str), ("null", type(None)))
            if name in names
        )
        want_bool, want_number, want_integer = "boolean" in names, "number" in names, "integer" in names

        def check(value: Any) -> bool:
            cls = value.__class__
            if cls in classes:
                return True
            if cls is bool:
                return want_bool
            if cls is int:
                return want_number or want_integer
            if cls is float:
                return want_number or (want_integer and value.is_integer())
            return False

        return check

    @staticmethod
    def _bounds(schema: dict[str, Any]) -> list[Check]:
        checks: list[Check] = []
        if "pattern" in schema:
            import re

            regex = re.compile(schema["pattern"])
            checks.append(lambda v: not isinstance(v, str) or regex.search(v) is not None)
        for key, test in (
            ("minLength", lambda v, n: not isinstance(v, str) or len(v) >= n),
            ("maxLength", lambda v, n: not isinstance(v, str) or len(v) <= n),
            ("minItems", lambda v, n: not isinstance(v, list) or len(v) >= n),
            ("maxItems", lambda v, n: not isinstance(v, list) or len(v) <= n),
            ("minimum", lambda v, n: isinstance(v, bool) or not isinstance(v, (int, float)) or v >= n),
            ("maximum", lambda v, n: isinstance(v, bool) or not isinstance(v, (int, float)) or v <= n),
        ):
            if key in schema:
                bound = schema[key]
                checks.append(lambda v, test=test, bound=bound: test(v, bound))
        return checks

    def _object(self, schema: dict[str, Any]) -> Check:
        properties = schema.get("properties") or {}
        # With lazy_refs, a property's schema is compiled when a value first has it too: a
        # Deployment's definitions hold about 220 properties (a PodSpec 40, a Container 25) and a
        # manifest sets a few dozen; compiling them all was most of a one-file run's schema check.
        props = {} if self.lazy_refs else {k: self.compile(v) for k, v in properties.items()}
        required = tuple(schema.get("required") or ())
        extra = schema.get("additionalProperties", True)
        extra_check = None if extra is True or extra is False else self.compile(extra)
        closed = extra is False

        def check(value: Any) -> bool:
            if value.__class__ is not dict:
                return True  # "properties" and friends apply to objects only
            for key in required:
                if key not in value:
                    return False
            for key, item in value.items():
                prop = props.get(key)
                if prop is None and key in properties:
                    prop = props[key] = self.compile(properties[key])
                if prop is not None:
                    if not prop(item):
                        return False
                elif closed:
                    return False
                elif extra_check is not None and not extra_check(item):
                    return False
            return True

        return check

    def _items(self, spec: Any) -> Check:
        if isinstance(spec, list):
            raise Unsupported("items as a list")
        item_check = self.compile(spec)

        def check(value: Any) -> bool:
            if value.__class__ is not list:
                return True
            for item in value:
                if not item_check(item):
                    return False
            return True

        return check

    @staticmethod
    def _combine(key: str, checks: list[Check]) -> Check:
        if key == "anyOf":
            return lambda value: any(c(value) for c in checks)
        if key == "allOf":
            return lambda value: all(c(value) for c in checks)
        return lambda value: sum(1 for c in checks if c(value)) == 1


def compile_schema(schema: Any, lazy_refs: bool = False) -> Optional[Check]:
    """A function answering "valid?", or None when the schema needs keywords not supported.

    ``lazy_refs``: each ``$ref`` and each property's schema is compiled when a value first
    reaches it, and the function raises Unsupported then if that part of the schema cannot be
    compiled (None is returned only for what is wrong outside them)."""
    try:
        return _Compiler(schema, lazy_refs).compile(schema)
    except (Unsupported, KeyError, TypeError):
        return None
