"""`record`, the frozen dataclass of the rule base's classes, behaves as a dataclass would."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from soknadsveileder.model import Equals, Funds, OneOf, Source
from soknadsveileder.record import record


@record
class Point:
    x: int
    y: int = 0


@record(eq=False)
class Thing:
    name: str


def test_fields_defaults_and_arguments():
    assert (Point(1).x, Point(1).y) == (1, 0)
    assert Point(1, 2) == Point(x=1, y=2) == Point(y=2, x=1)
    assert repr(Point(1, 2)) == "Point(x=1, y=2)"
    for bad in (lambda: Point(), lambda: Point(1, 2, 3), lambda: Point(1, x=2), lambda: Point(1, z=3)):
        with pytest.raises(TypeError):
            bad()
    assert not hasattr(Point, "y") or Point.__dict__.get("y") is None  # no default left as a class attribute


def test_frozen():
    p = Point(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.x = 2  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del p.x  # type: ignore[misc]


def test_values_compare_by_value_and_things_by_identity():
    assert Point(1, 2) == Point(1, 2) and hash(Point(1, 2)) == hash(Point(1, 2))
    assert Point(1, 2) != Point(2, 1)
    assert Equals("klynge", True) != OneOf("klynge", frozenset({"x"}))  # other types never equal
    assert len({Funds(1, 2021, True, "igjen"), Funds(1, 2021, True, "igjen")}) == 1
    a, b = Thing("x"), Thing("x")
    assert a != b and a == a and len({a, b}) == 2
    s = Source("id", "T", "U", 2021)
    assert s.url is None and s.note is None


def test_pickle_round_trip_keeps_value_and_class():
    for value in (Point(1, 2), Equals("behov", "fagbrev"), Funds(None, 2021, False, "lyst_ut")):
        copy = pickle.loads(pickle.dumps(value))
        assert copy == value and type(copy) is type(value)
    thing = pickle.loads(pickle.dumps(Thing("x")))
    assert thing.name == "x"
