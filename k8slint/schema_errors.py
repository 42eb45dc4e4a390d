"""The errors ``jsonschema`` reports for an invalid object, without importing ``jsonschema``.

The bundled Kubernetes schemas use seven keywords: ``type``, ``properties``,
``additionalProperties``, ``required``, ``items``, ``enum`` and ``$ref``. For them, this module
yields the errors that ``jsonschema.Draft202012Validator(schema).iter_errors(instance)`` yields,
in the same order, with the attributes the schema check reads: ``validator`` (the keyword),
``validator_value``, ``instance``, ``schema`` (the schema holding the keyword) and
``absolute_path``. A test compares the two on every object of the fixtures and corpora and on
generated ones.

Why: importing jsonschema (with referencing, attrs and the meta-schemas) takes longer than
checking a small file, and a pre-commit hook pays it exactly when a file has a mistake. A
schema with any other keyword raises Unsupported (and no error is returned), and the caller
asks jsonschema instead.
"""
from __future__ import annotations

from typing import Any

from k8slint.fastschema import Unsupported, is_type, json_equal, resolve_ref

# Keywords that describe and never fail.
_INERT = frozenset({"definitions", "$defs", "$schema", "$id", "$comment", "title", "description", "default", "examples"})


class SchemaError:
    """One failed keyword, with the attributes of a jsonschema ValidationError that k8slint reads."""

    __slots__ = ("validator", "validator_value", "instance", "schema", "absolute_path")

    def __init__(self, validator: str, validator_value: Any, instance: Any, schema: dict[str, Any], path: tuple):
        self.validator = validator
        self.validator_value = validator_value
        self.instance = instance
        self.schema = schema
        self.absolute_path = path

    @property
    def message(self) -> str:  # the schema check never shows it for these keywords
        return f"{self.instance!r} fails {self.validator}: {self.validator_value!r}"


def iter_errors(root: dict[str, Any], instance: Any) -> list[SchemaError]:
    """Every error, as jsonschema orders them; Unsupported if the schema has other keywords."""
    out: list[SchemaError] = []
    _descend(root, root, instance, (), out)
    return out


def _descend(root: dict[str, Any], schema: Any, instance: Any, path: tuple, out: list[SchemaError]) -> None:
    if schema is True:
        return
    if not isinstance(schema, dict):
        raise Unsupported("a schema that is not an object")
    cls = instance.__class__
    for key, value in schema.items():  # jsonschema evaluates the keywords in this order
        if key == "type":
            names = [value] if isinstance(value, str) else value
            if not isinstance(names, list):
                raise Unsupported("type")
            if not any(is_type(instance, name) for name in names):
                out.append(SchemaError(key, value, instance, schema, path))
        elif key == "$ref":
            _descend(root, resolve_ref(root, value), instance, path, out)
        elif key == "properties":
            if cls is dict:
                for name, sub in value.items():
                    if name in instance:
                        _descend(root, sub, instance[name], path + (name,), out)
        elif key == "additionalProperties":
            if cls is dict:
                allowed = schema.get("properties", {})
                extras = [name for name in instance if name not in allowed]
                if isinstance(value, dict):
                    # jsonschema walks a set of the extra names; the order of their errors
                    # never matters to k8slint, which sorts errors by path
                    for name in extras:
                        _descend(root, value, instance[name], path + (name,), out)
                elif value is False:
                    if extras:
                        out.append(SchemaError(key, value, instance, schema, path))
                elif value is not True:
                    raise Unsupported("additionalProperties")
        elif key == "required":
            if cls is dict:
                for name in value:
                    if name not in instance:
                        out.append(SchemaError(key, value, instance, schema, path))
        elif key == "items":
            if cls is list:
                for i, item in enumerate(instance):
                    _descend(root, value, item, path + (i,), out)
        elif key == "enum":
            if not any(json_equal(instance, option) for option in value):
                out.append(SchemaError(key, value, instance, schema, path))
        elif key not in _INERT:
            raise Unsupported(key)
