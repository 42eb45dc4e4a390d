"""k8slint.named_tuple.NamedTuple builds what typing.NamedTuple builds, minus compiled annotations."""
from __future__ import annotations

import collections
import inspect
import pickle
import typing
from typing import Optional

import pytest

from k8slint.named_tuple import NamedTuple, _namedtuple


class Point(NamedTuple):
    """A point."""

    x: int
    y: Optional[int] = None
    tags: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return self.x + (self.y or 0)

    def __str__(self) -> str:
        return f"{self.x},{self.y}"


# The same body as Point on purpose: typing's class is the reference each check compares with.
class TypingPoint(typing.NamedTuple):
    """A point."""

    x: int
    y: Optional[int] = None
    tags: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return self.x + (self.y or 0)

    def __str__(self) -> str:
        return f"{self.x},{self.y}"


def test_same_namedtuple_as_typing():
    for cls in (Point, TypingPoint):
        p = cls(1, 2)
        assert isinstance(p, tuple) and cls.__bases__ == (tuple,)
        assert cls._fields == ("x", "y", "tags")
        assert cls._field_defaults == {"y": None, "tags": ()}
        assert p == (1, 2, ()) and cls(3) == (3, None, ())
        assert p.total == 3 and str(p) == "1,2"
        assert p._replace(y=5) == cls(1, 5) and p._asdict() == {"x": 1, "y": 2, "tags": ()}
        assert cls.__doc__ == "A point." and cls.__module__ == __name__
        assert pickle.loads(pickle.dumps(p)) == p and type(pickle.loads(pickle.dumps(p))) is cls
        with pytest.raises(AttributeError):
            p.z = 1  # no __dict__: __slots__ = ()
    assert repr(Point(1, 2)) == "Point(x=1, y=2, tags=())"
    assert Point.__qualname__ == "Point"


def test_annotations_stay_strings():
    assert Point.__annotations__ == {"x": "int", "y": "Optional[int]", "tags": "tuple[str, ...]"}


def test_the_checks_typing_makes():
    with pytest.raises(TypeError, match="cannot follow default field"):
        class Bad(NamedTuple):
            a: int = 0
            b: int

    with pytest.raises(AttributeError, match="_replace"):
        class Clash(NamedTuple):
            a: int

            def _replace(self):
                return None

    with pytest.raises(TypeError, match="only inherit from NamedTuple"):
        class Mixed(NamedTuple, dict):
            a: int

    with pytest.raises(TypeError, match="class syntax"):
        NamedTuple("P", [("x", int)])


@pytest.mark.parametrize("count", range(15))  # the templates are for 1-12 fields; 0 and 13+ are compiled
def test_same_class_as_collections_namedtuple(count):
    names = [f"f{i}" for i in range(count)]
    defaults = list(range(100, 100 + count // 2))
    ours = _namedtuple("T", names, defaults, __name__)
    reference = collections.namedtuple("T", names, defaults=defaults, module=__name__)
    assert sorted(vars(ours)) == sorted(vars(reference))
    for attr in ("__doc__", "__slots__", "_fields", "_field_defaults", "__match_args__", "__module__", "__qualname__"):
        assert getattr(ours, attr) == getattr(reference, attr), attr
    for name in ("__new__", "_make", "_replace", "__repr__", "_asdict", "__getnewargs__"):
        mine, theirs = getattr(ours, name), getattr(reference, name)
        for attr in ("__name__", "__qualname__", "__doc__", "__defaults__", "__kwdefaults__"):
            assert getattr(mine, attr) == getattr(theirs, attr), (name, attr)
        assert inspect.signature(mine) == inspect.signature(theirs), name
    # (the other methods' __module__ is where they are defined: collections, k8slint.named_tuple)
    assert ours.__new__.__globals__ == reference.__new__.__globals__
    assert ours.__new__.__module__ == reference.__new__.__module__
    for index, name in enumerate(names):
        mine, theirs = vars(ours)[name], vars(reference)[name]
        assert type(mine) is type(theirs) and mine.__doc__ == theirs.__doc__
    values = list(range(count))
    for cls in (ours, reference):
        item = cls(*values)
        assert item == tuple(values) and [getattr(item, n) for n in names] == values
        assert cls(**dict(zip(names, values))) == item and cls._make(values) == item
    mine, theirs = ours(*values), reference(*values)
    assert repr(mine) == repr(theirs) and mine._asdict() == theirs._asdict()
    assert mine.__getnewargs__() == theirs.__getnewargs__()
    if names:
        assert mine._replace(f0=7) == theirs._replace(f0=7)
        assert _error(ours) == _error(reference)  # f0 has no default
    assert _error(ours._make, values + [1]) == _error(reference._make, values + [1])
    assert _error(mine._replace, nope=1) == _error(theirs._replace, nope=1)
    assert _error(ours, *values, 1) == _error(reference, *values, 1)


def _error(call, *args, **kwargs) -> str:
    with pytest.raises(Exception) as info:
        call(*args, **kwargs)
    return f"{type(info.value).__name__}: {info.value}"


def test_field_names_starting_with_an_underscore_are_refused_as_namedtuple_refuses_them():
    with pytest.raises(ValueError, match="cannot start with an underscore: '_a'"):
        class Private(NamedTuple):
            _a: int
