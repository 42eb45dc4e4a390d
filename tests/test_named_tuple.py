"""k8slint.named_tuple.NamedTuple builds what typing.NamedTuple builds, minus compiled annotations."""
from __future__ import annotations

import pickle
import typing
from typing import Optional

import pytest

from k8slint.named_tuple import NamedTuple


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
