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


@pytest.mark.parametrize("lazy_refs", [False, True])
@pytest.mark.parametrize("schema, values", CASES, ids=[str(i) for i in range(len(CASES))])
def test_agrees_with_jsonschema(schema, values, lazy_refs):
    check = compile_schema(schema, lazy_refs=lazy_refs)
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


def test_lazy_references_compile_what_a_value_reaches_and_decline_late():
    """With lazy_refs (what a one-file run uses), a definition or a property's schema is compiled
    when a value first reaches it: an unsupported keyword in one no value reaches costs nothing,
    and one that a value reaches raises Unsupported then (the schema store falls back to
    jsonschema-rs)."""
    from k8slint.fastschema import Unsupported

    schema = {
        "type": "object",
        "properties": {"ok": {"$ref": "#/definitions/ok"}, "odd": {"$ref": "#/definitions/odd"},
                       "gone": {"$ref": "#/definitions/missing"}, "inline": {"format": "date-time"}},
        "definitions": {"ok": {"type": "string"}, "odd": {"format": "date-time"}},
    }
    assert compile_schema(schema) is None  # eager: declined at once
    check = compile_schema(schema, lazy_refs=True)
    assert check is not None
    assert check({"ok": "x"}) is True and check({"ok": 1}) is False and check({}) is True
    for reaching in ({"odd": "2024-01-01"}, {"gone": 1}, {"inline": "2024-01-01"}):
        with pytest.raises(Unsupported):
            check(reaching)


def test_schema_store_falls_back_to_jsonschema_rs_when_a_lazy_definition_is_unsupported(monkeypatch):
    store = load_store()
    name = store.kinds["apps/v1"]["Deployment"]
    real = store.definition

    def with_an_unsupported_container(def_name):  # what both engines' schemas are made of
        definition = real(def_name)
        return {**definition, "format": "not-fastschema"} if def_name.endswith(".Container") else definition

    monkeypatch.setattr(store, "_fast", {})
    monkeypatch.setattr(store, "definition", with_an_unsupported_container)
    deployment = {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
        "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {
            "metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}},
    }
    no_container = {**deployment, "spec": {"selector": {}, "template": {"spec": {"containers": []}}}}
    assert store.is_valid(name, no_container)  # reaches no Container: answered by fastschema
    assert store._fast[(name, False, "python")] is not store._fast.get((name, False, "rust"))
    assert store.is_valid(name, deployment)  # reaches Container: answered by jsonschema-rs
    broken = {**deployment, "spec": {**deployment["spec"], "replicas": "two"}}
    assert not store.is_valid(name, broken)
    assert store._fast[(name, False, "python")] is store._fast[(name, False, "rust")]


@pytest.mark.parametrize("partial", [False, True])
def test_lazy_definitions_are_the_slice_parsed_on_lookup(partial):
    """is_valid compiles from a slice whose definitions are parsed when first looked up: each
    one equals the eager slice's, nothing is parsed before a lookup, and a name the kind does
    not reach is a KeyError (a $ref to it is Unsupported, as with the eager slice)."""
    store = load_store()
    name = store.kinds["apps/v1"]["Deployment"]
    eager = store._schema(name, partial)["definitions"]
    lazy = store._lazy_schema(name, partial)["definitions"]
    assert len(lazy) == 0
    for key in eager:
        assert lazy[key] == eager[key]
    assert len(lazy) == len(eager) > 100
    with pytest.raises(KeyError):
        lazy["io.k8s.api.networking.v1.Ingress"]
