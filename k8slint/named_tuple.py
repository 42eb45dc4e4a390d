"""``class X(NamedTuple)`` as ``typing`` writes it, without compiling the annotations.

k8slint's modules use ``from __future__ import annotations``, so every field's annotation is
a string. ``typing.NamedTuple`` turns each string into a ``ForwardRef``, and that calls
``compile()``: about 0.2 ms a class on the benchmark machine, 4-5 ms of a one-file run over
the ~25 classes it imports. Nothing in k8slint reads the annotations as types, so this base
keeps them as the strings they are and otherwise builds exactly what ``typing.NamedTuple``
builds: a ``collections.namedtuple`` class with the class body's defaults, methods,
properties and docstring (the same checks, the same reserved names). Instances are plain
named tuples: they compare, hash, pickle and ``_replace`` like any other.
"""
from __future__ import annotations

import collections
from typing import Any

# What typing.NamedTupleMeta refuses to overwrite, and what it leaves to the namedtuple.
_PROHIBITED = frozenset({
    "__new__", "__init__", "__slots__", "__getnewargs__", "_fields", "_field_defaults",
    "_make", "_replace", "_asdict", "_source",
})
_SPECIAL = frozenset({"__module__", "__name__", "__annotations__"})


class _NamedTupleMeta(type):
    def __new__(mcs, typename: str, bases: tuple, namespace: dict[str, Any]) -> type:
        if bases != (_NamedTuple,):
            raise TypeError("a NamedTuple class can only inherit from NamedTuple")
        annotations = namespace.get("__annotations__", {})
        defaults = []
        for name in annotations:
            if name in namespace:
                defaults.append(name)
            elif defaults:
                raise TypeError(f"non-default namedtuple field {name} cannot follow default field {defaults[-1]}")
        cls = collections.namedtuple(
            typename, list(annotations), defaults=[namespace[n] for n in defaults], module=namespace["__module__"]
        )
        cls.__annotations__ = cls.__new__.__annotations__ = dict(annotations)
        for key, value in namespace.items():
            if key in _PROHIBITED:
                raise AttributeError("cannot overwrite NamedTuple attribute " + key)
            if key not in _SPECIAL and key not in annotations:
                setattr(cls, key, value)
        return cls


_NamedTuple = type.__new__(_NamedTupleMeta, "NamedTuple", (), {})


def NamedTuple(*args: Any, **kwargs: Any) -> Any:  # noqa: N802 - the name typing gives it
    """Only the class syntax is supported: ``class Point(NamedTuple): x: int``."""
    raise TypeError("use the class syntax: class Name(NamedTuple): field: type")


NamedTuple.__mro_entries__ = lambda bases: (_NamedTuple,)  # type: ignore[attr-defined]
