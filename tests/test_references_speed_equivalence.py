"""The uses that KL701-KL703 share (``_references._uses``) read only the fields that hold
references, to be fast on thousands of pods: on pod specs of every shape (wrong types included),
they must still find every reference with a valid name, at the path where its name and keys are."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Iterator

from hypothesis import given, settings
from hypothesis import strategies as st

from k8slint.checks._references import _uses, valid_key, valid_name
from k8slint.workloads import get_path, pod_template

ODD = st.sampled_from([None, 3, True, "x", [], {}])
NAME = st.sampled_from(["cfg", "db.creds", "Bad_Name", "${NAME}", "", None, 7])
KEY = st.sampled_from(["key", "a.b", "bad key", None, 3])


def _maybe(strategy: Any) -> Any:
    return st.one_of(strategy, ODD)


def _ref(name_field: str = "name", items: bool = False) -> Any:
    fields = {name_field: NAME, "key": KEY, "optional": st.sampled_from([True, False, "true"])}
    if items:
        fields["items"] = _maybe(st.lists(_maybe(st.fixed_dictionaries({"key": KEY})), max_size=3))
    return _maybe(st.fixed_dictionaries({}, optional=fields))


ENV = st.fixed_dictionaries({}, optional={
    "name": st.sampled_from(["X", 3]), "value": st.just("v"),
    "valueFrom": _maybe(st.fixed_dictionaries({}, optional={"configMapKeyRef": _ref(), "secretKeyRef": _ref()})),
})
CONTAINER = st.fixed_dictionaries({}, optional={
    "name": st.sampled_from(["app", 3]),
    "env": _maybe(st.lists(_maybe(ENV), max_size=3)),
    "envFrom": _maybe(st.lists(_maybe(st.fixed_dictionaries({}, optional={
        "configMapRef": _ref(), "secretRef": _ref()})), max_size=2)),
})
SOURCES = st.lists(_maybe(st.fixed_dictionaries({}, optional={
    "configMap": _ref(items=True), "secret": _ref(items=True)})), max_size=2)
VOLUME = st.fixed_dictionaries({}, optional={
    "name": st.sampled_from(["data", 3]), "emptyDir": st.just({}),
    "configMap": _ref(items=True), "secret": _ref("secretName", items=True),
    "projected": _maybe(st.fixed_dictionaries({}, optional={"sources": _maybe(SOURCES)})),
})
SPEC = st.fixed_dictionaries({}, optional={
    "containers": _maybe(st.lists(_maybe(CONTAINER), max_size=2)),
    "initContainers": _maybe(st.lists(_maybe(CONTAINER), max_size=1)),
    "volumes": _maybe(st.lists(_maybe(VOLUME), max_size=3)),
    "imagePullSecrets": _maybe(st.lists(_maybe(st.fixed_dictionaries({}, optional={"name": NAME})), max_size=2)),
})

# Where a reference's name is, as a path pattern ("*" is any list index).
NAME_PATTERNS = [
    (lists, "*", *rest) for lists in ("containers", "initContainers") for rest in (
        ("env", "*", "valueFrom", "configMapKeyRef", "name"), ("env", "*", "valueFrom", "secretKeyRef", "name"),
        ("envFrom", "*", "configMapRef", "name"), ("envFrom", "*", "secretRef", "name"),
    )
] + [
    ("volumes", "*", "configMap", "name"), ("volumes", "*", "secret", "secretName"),
    ("volumes", "*", "projected", "sources", "*", "configMap", "name"),
    ("volumes", "*", "projected", "sources", "*", "secret", "name"),
    ("imagePullSecrets", "*", "name"),
]


def _paths(value: Any, pattern: tuple, at: tuple = ()) -> Iterator[tuple]:
    """The paths inside ``value`` that match ``pattern``."""
    if not pattern:
        yield at
    elif pattern[0] == "*":
        for i, item in enumerate(value if isinstance(value, list) else []):
            yield from _paths(item, pattern[1:], at + (i,))
    elif isinstance(value, dict) and pattern[0] in value:
        yield from _paths(value[pattern[0]], pattern[1:], at + (pattern[0],))


@settings(max_examples=300, deadline=None)
@given(SPEC)
def test_every_valid_reference_is_found_where_it_is(spec):
    data = {"kind": "Pod", "metadata": {"name": "p"}, "spec": spec}
    obj = SimpleNamespace(kind="Pod", name="p", data=data, metadata=data["metadata"], templates={})
    uses = _uses(pod_template(obj, "default"))
    expected = sorted(
        ("spec",) + path for pattern in NAME_PATTERNS for path in _paths(spec, pattern)
        if valid_name(get_path(spec, path))
    )
    assert sorted(use.name_path for use in uses) == expected
    for use in uses:
        ref = get_path(data, use.name_path[:-1])
        assert ref[use.name_path[-1]] == use.name
        assert use.optional is (use.source != "imagePullSecrets" and ref.get("optional") is True)
        # The key an env var reads, or the keys of a volume's items, those that are valid.
        if use.source == "env":
            keys = [ref.get("key")]
        else:
            items = ref.get("items") if use.source == "volume" else None
            keys = [item.get("key") for item in (items if isinstance(items, list) else []) if isinstance(item, dict)]
        assert [key for key, _ in use.keys] == [key for key in keys if valid_key(key)]
        for key, path in use.keys:
            assert get_path(data, path) == key
