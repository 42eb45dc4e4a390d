"""k8slint.fastschema answers "valid?" exactly as jsonschema does, for the keywords it knows,
and declines (None) every schema it does not fully understand."""
import jsonschema
import pytest

from k8slint.fastschema import compile_schema
from k8slint.schema_store import available_versions, load_store

CASES = [
    ({"type": "integer"}, [1, 1.0, 2.5, True, "1", None]),
    ({"type": "number"}, [1, 1.5, True, "1"]),
    ({"type": ["string", "null"]}, ["a", None, 1, False]),
    ({"type": "boolean"}, [True, False, 0, 1]),
    ({"type": ["object", "array"]}, [{}, [], "x"]),
    ({"enum": [1, "a", None]}, [1, 1.0, True, "a", None, "b"]),
    ({"enum": [True]}, [True, 1]),
    ({"const": {"a": [1, 2]}}, [{"a": [1, 2]}, {"a": [1, 2.0]}, {"a": [True, 2]}, {"a": [2, 1]}]),
    ({"required": ["a"], "properties": {"a": {"type": "string"}}}, [{"a": "x"}, {"a": 1}, {}, "not an object"]),
    ({"additionalProperties": False, "properties": {"a": {}}}, [{"a": 1}, {"b": 1}, {}]),
    ({"additionalProperties": {"type": "string"}}, [{"a": "x"}, {"a": 1}]),
    ({"items": {"type": "integer"}}, [[1, 2], [1, "2"], [], "x"]),
    ({"anyOf": [{"required": ["value"]}, {"required": ["valueFrom"]}, {"not": {"required": ["name"]}}]},
     [{"name": "A"}, {"name": "A", "value": ""}, {"valueFrom": {}}, {}]),
    ({"oneOf": [{"type": "integer"}, {"type": "number"}]}, [1, 1.5]),
    ({"allOf": [{"minimum": 1}, {"maximum": 3}]}, [0, 1, 3, 4, "x"]),
    ({"pattern": "^[a-z]+$", "minLength": 2, "maxLength": 3}, ["ab", "a", "abcd", "AB", 5]),
    ({"minItems": 1, "maxItems": 2}, [[], [1], [1, 2, 3]]),
    ({"$ref": "#/$defs/node", "$defs": {"node": {"type": "object", "properties": {"next": {"$ref": "#/$defs/node"}}}}},
     [{"next": {"next": {}}}, {"next": {"next": 1}}]),
    (True, [1, None]),
    ({"not": True}, [1]),
]


@pytest.mark.parametrize("schema, values", CASES, ids=[str(i) for i in range(len(CASES))])
def test_agrees_with_jsonschema(schema, values):
    check = compile_schema(schema)
    assert check is not None
    reference = jsonschema.Draft202012Validator(schema)
    for value in values:
        assert check(value) == reference.is_valid(value), (schema, value)


@pytest.mark.parametrize(
    "schema",
    [
        {"format": "date-time"},  # a keyword it does not implement
        {"required": "name"},  # malformed: a string, not a list
        {"type": "integr"},
        {"type": 12},
        {"items": [{"type": "string"}]},
        {"anyOf": []},
        {"pattern": "("},
        {"$ref": "http://example.com/schema"},
        {"minLength": -1},
    ],
)
def test_declines_what_it_does_not_fully_understand(schema):
    assert compile_schema(schema) is None


@pytest.mark.parametrize("version", available_versions())
def test_every_bundled_kind_compiles(version):
    store = load_store(version)
    for kinds in store.kinds.values():
        for def_name in kinds.values():
            assert compile_schema(store._schema(def_name, False)) is not None, def_name
