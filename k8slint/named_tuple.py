"""``class X(NamedTuple)`` as ``typing`` writes it, without compiling the annotations.

k8slint's modules use ``from __future__ import annotations``, so every field's annotation is
a string. ``typing.NamedTuple`` turns each string into a ``ForwardRef``, and that calls
``compile()``: about 0.2 ms a class on the benchmark machine, 4-5 ms of a one-file run over
the ~25 classes it imports. Nothing in k8slint reads the annotations as types, so this base
keeps them as the strings they are and otherwise builds exactly what ``typing.NamedTuple``
builds: a ``collections.namedtuple`` class with the class body's defaults, methods,
properties and docstring (the same checks, the same reserved names). Instances are plain
named tuples: they compare, hash, pickle and ``_replace`` like any other.

The class is built by ``_namedtuple``: the steps of ``collections.namedtuple`` but one. That
function compiles each class's ``__new__`` from text with ``eval`` (0.2 M instructions a class,
6 M of a one-file run); ``_namedtuple`` copies a template compiled with this module and renames
its arguments. tests/test_named_tuple.py compares the classes the two build.
"""
from __future__ import annotations

import sys
from types import FunctionType
from typing import Any

from collections import _tuplegetter  # what namedtuple makes fields with

# What typing.NamedTupleMeta refuses to overwrite, and what it leaves to the namedtuple.
_PROHIBITED = frozenset({
    "__new__", "__init__", "__slots__", "__getnewargs__", "_fields", "_field_defaults",
    "_make", "_replace", "_asdict", "_source",
})
_SPECIAL = frozenset({"__module__", "__name__", "__annotations__"})

_tuple_new = tuple.__new__
# ``__new__`` of a class of n fields is _NEW[n - 1] with the fields' names (a class of more
# fields has its own compiled).
_NEW = (
    lambda _cls, a: _tuple_new(_cls, (a,)),
    lambda _cls, a, b: _tuple_new(_cls, (a, b)),
    lambda _cls, a, b, c: _tuple_new(_cls, (a, b, c)),
    lambda _cls, a, b, c, d: _tuple_new(_cls, (a, b, c, d)),
    lambda _cls, a, b, c, d, e: _tuple_new(_cls, (a, b, c, d, e)),
    lambda _cls, a, b, c, d, e, f: _tuple_new(_cls, (a, b, c, d, e, f)),
    lambda _cls, a, b, c, d, e, f, g: _tuple_new(_cls, (a, b, c, d, e, f, g)),
    lambda _cls, a, b, c, d, e, f, g, h: _tuple_new(_cls, (a, b, c, d, e, f, g, h)),
    lambda _cls, a, b, c, d, e, f, g, h, i: _tuple_new(_cls, (a, b, c, d, e, f, g, h, i)),
    lambda _cls, a, b, c, d, e, f, g, h, i, j: _tuple_new(_cls, (a, b, c, d, e, f, g, h, i, j)),
    lambda _cls, a, b, c, d, e, f, g, h, i, j, k: _tuple_new(_cls, (a, b, c, d, e, f, g, h, i, j, k)),
    lambda _cls, a, b, c, d, e, f, g, h, i, j, k, l: _tuple_new(_cls, (a, b, c, d, e, f, g, h, i, j, k, l)),
)


def _namedtuple(typename: str, field_names: list[str], defaults: list[Any], module: str) -> type:
    """``collections.namedtuple(typename, field_names, defaults=defaults, module=module)`` for
    the field names of a class body (identifiers, none a keyword, no two alike)."""
    for name in field_names:
        if name.startswith("_"):
            raise ValueError(f"Field names cannot start with an underscore: {name!r}")
    field_names = tuple(map(sys.intern, field_names))
    field_defaults = dict(zip(field_names[len(field_names) - len(defaults):], defaults))
    num_fields = len(field_names)
    arg_list = ", ".join(field_names) + ("," if num_fields == 1 else "")
    repr_fmt = "(" + ", ".join(f"{name}=%r" for name in field_names) + ")"
    namespace = {"_tuple_new": _tuple_new, "__builtins__": {}, "__name__": f"namedtuple_{typename}"}
    if 0 < num_fields <= len(_NEW):
        code = _NEW[num_fields - 1].__code__.replace(co_varnames=("_cls", *field_names))
        __new__ = FunctionType(code, namespace, "__new__")
    else:
        __new__ = eval(f"lambda _cls, {arg_list}: _tuple_new(_cls, ({arg_list}))", namespace)
        __new__.__name__ = "__new__"
    __new__.__doc__ = f"Create new instance of {typename}({arg_list})"
    __new__.__defaults__ = tuple(defaults)

    @classmethod
    def _make(cls, iterable):
        result = _tuple_new(cls, iterable)
        if len(result) != num_fields:
            raise TypeError(f"Expected {num_fields} arguments, got {len(result)}")
        return result

    _make.__func__.__doc__ = f"Make a new {typename} object from a sequence or iterable"

    def _replace(self, /, **kwds):
        result = self._make(map(kwds.pop, field_names, self))
        if kwds:
            raise ValueError(f"Got unexpected field names: {list(kwds)!r}")
        return result

    _replace.__doc__ = f"Return a new {typename} object replacing specified fields with new values"

    def __repr__(self):
        "Return a nicely formatted representation string"
        return self.__class__.__name__ + repr_fmt % self

    def _asdict(self):
        "Return a new dict which maps field names to their values."
        return dict(zip(self._fields, self))

    def __getnewargs__(self):
        "Return self as a plain tuple.  Used by copy and pickle."
        return tuple(self)

    for method in (__new__, _make.__func__, _replace, __repr__, _asdict, __getnewargs__):
        method.__qualname__ = f"{typename}.{method.__name__}"
    class_namespace = {
        "__doc__": f"{typename}({arg_list})", "__slots__": (), "_fields": field_names,
        "_field_defaults": field_defaults, "__new__": __new__, "_make": _make, "_replace": _replace,
        "__repr__": __repr__, "_asdict": _asdict, "__getnewargs__": __getnewargs__,
        "__match_args__": field_names,
    }
    for index, name in enumerate(field_names):
        class_namespace[name] = _tuplegetter(index, sys.intern(f"Alias for field number {index}"))
    result = type(typename, (tuple,), class_namespace)
    result.__module__ = module
    return result


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
        cls = _namedtuple(typename, list(annotations), [namespace[n] for n in defaults], namespace["__module__"])
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
