"""k8slint.schema_errors reports exactly the errors jsonschema reports, for the bundled schemas.

The schema check explains an invalid object from its errors (keyword, value, instance, schema,
path). They come from k8slint.schema_errors, which needs no jsonschema import; jsonschema is
the reference. Compared here on every object of the fixtures, the examples and (when
``../shared`` is beside the project) the corpora, and on seeded mutations of them: wrong
types, unknown and missing fields, values outside an enum, lists and mappings swapped.
"""
from __future__ import annotations

import copy
import json
import random
from typing import Any

import pytest

from k8slint.fastschema import Unsupported
from k8slint.schema_errors import iter_errors
from k8slint.schema_store import load_store
from tests.test_fast_path_agreement import _objects

VERSIONS = [None, "1.25"]
MUTANTS_PER_OBJECT = 6


def _normal(errors: Any) -> list[tuple]:
    """Errors in a comparable form: jsonschema walks a set of extra field names, so errors are
    compared in the order the schema check sorts them, ties by their content."""
    return sorted(
        (
            tuple(map(str, e.absolute_path)), str(e.validator), json.dumps(e.validator_value, sort_keys=True),
            repr(e.instance), json.dumps(e.schema, sort_keys=True),
        )
        for e in errors
    )


def _compare(store: Any, def_name: str, data: Any, partial: bool) -> tuple[int, str | None]:
    schema = store._schema(def_name, partial)
    ours = iter_errors(schema, data)
    reference = list(store.jsonschema_errors(def_name, data, partial))
    if _normal(ours) == _normal(reference):
        return len(reference), None
    return len(reference), f"ours {_normal(ours)[:3]}\njsonschema {_normal(reference)[:3]}"


def _kubernetes_objects(version: str | None) -> list[tuple[str, Any, str]]:
    store = load_store(version)
    out = []
    for item in _objects():
        obj = item.obj
        if isinstance(obj.api_version, str) and isinstance(obj.kind, str):
            def_name = store.lookup(obj.api_version, obj.kind)
            if def_name is not None:
                out.append((item.where, obj, def_name))
    return out


@pytest.mark.parametrize("version", VERSIONS, ids=["default", "1.25"])
def test_same_errors_as_jsonschema_on_every_object(version: str | None) -> None:
    store = load_store(version)
    checked = invalid = 0
    differences = []
    for where, obj, def_name in _kubernetes_objects(version):
        count, difference = _compare(store, def_name, obj.data, obj.partial)
        checked += 1
        invalid += count > 0
        if difference:
            differences.append(f"{where}: {obj.kind} {obj.name}:\n{difference}")
    assert not differences, "\n\n".join(differences[:5])
    assert checked >= 60 and invalid >= 10, (checked, invalid)  # the fixtures alone have this many


def _paths(data: Any, path: tuple = ()) -> list[tuple]:
    out = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            out.extend(_paths(value, path + (key,)))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out.extend(_paths(value, path + (i,)))
    return out


def _mutate(data: Any, rng: random.Random) -> Any:
    mutant = copy.deepcopy(data)
    path = rng.choice(_paths(mutant)[1:] or [()])
    if not path:
        return mutant
    parent = mutant
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    action = rng.randrange(5)
    if action == 0:  # a value of another type
        parent[last] = rng.choice([1, 2.5, "x", True, None, [], {}, ["a"], {"a": 1}, "10", 0.0])
    elif action == 1 and isinstance(parent, dict):  # a field removed
        del parent[last]
    elif action == 2 and isinstance(parent, dict):  # an unknown field beside it
        parent[str(last) + "x"] = 1
    elif action == 3 and isinstance(parent[last], str):  # a value with a typo (enums)
        parent[last] = parent[last][:-1] + "z"
    else:  # a mapping where a list is expected, or the other way round
        value = parent[last]
        parent[last] = [value] if not isinstance(value, list) else {"item": value}
    return mutant


@pytest.mark.parametrize("version", VERSIONS, ids=["default", "1.25"])
def test_same_errors_as_jsonschema_on_mutated_objects(version: str | None) -> None:
    store = load_store(version)
    rng = random.Random(1307)
    checked = invalid = 0
    differences = []
    for where, obj, def_name in _kubernetes_objects(version)[:400]:
        for n in range(MUTANTS_PER_OBJECT):
            mutant = _mutate(obj.data, rng)
            count, difference = _compare(store, def_name, mutant, obj.partial)
            checked += 1
            invalid += count > 0
            if difference:
                differences.append(f"{where} (mutant {n}: {json.dumps(mutant)[:300]}):\n{difference}")
    assert not differences, "\n\n".join(differences[:5])
    print(f"\n{checked} mutants, {invalid} invalid")
    assert invalid >= checked // 3, (checked, invalid)


def test_other_keywords_are_left_to_jsonschema() -> None:
    schema = {"type": "object", "properties": {"a": {"format": "date-time"}}}
    with pytest.raises(Unsupported):
        iter_errors(schema, {"a": "x"})
    with pytest.raises(Unsupported):
        iter_errors({"$ref": "#/definitions/missing"}, 1)
    # the store answers with jsonschema then
    store = load_store()
    name = store.kinds["v1"]["ConfigMap"]
    real = store._schema(name, False)
    patched = copy.deepcopy(real)
    patched["definitions"][name]["minProperties"] = 9
    store._slices[(name, True)] = patched  # a slice the explainer cannot walk (as partial: no clash)
    try:
        errors = list(store.iter_errors(name, {"apiVersion": "v1", "kind": "ConfigMap", "data": {"a": 1}}, True))
    finally:
        del store._slices[(name, True)]
    assert [e.validator for e in errors] == ["type"]  # jsonschema's error, from the real slice
    assert type(errors[0]).__module__.startswith("jsonschema")
