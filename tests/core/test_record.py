"""``@record`` behaves as ``@dataclass(frozen=True)`` in everything code can see.

Each case makes the same class body twice, once with each decorator, and does the same thing to
both: what the kiosk's code, its tests and pytest's diffs rely on must come out the same.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
from collections.abc import Callable
from dataclasses import FrozenInstanceError, dataclass, field
from typing import Any

import pytest

from kiosk.core import config, model, office, ports
from kiosk.core.record import record


def frozen_dataclass(cls: type) -> type:
    return dataclass(frozen=True)(cls)


def make(decorator: Callable[[type], type]) -> Any:
    class Point:
        """A point with a label that is not compared."""

        x: int
        y: int = 0
        tags: tuple[str, ...] = field(default_factory=tuple)
        label: str = field(default="", compare=False)

        def norm(self) -> int:
            return abs(self.x) + abs(self.y)

    Point.__qualname__ = "Point"
    return decorator(Point)


KINDS = pytest.mark.parametrize("decorator", [frozen_dataclass, record], ids=["dataclass", "record"])


@KINDS
def test_construction_defaults_and_factories_are_those_of_a_dataclass(decorator: Callable[[type], type]) -> None:
    point = make(decorator)
    assert (point(1).x, point(1).y, point(1).tags, point(1).label) == (1, 0, (), "")
    assert point(1, 2, ("a",), "p") == point(x=1, y=2, tags=("a",), label="q")  # label: compare=False
    assert repr(point(1, 2, ("a",), "p")) == "Point(x=1, y=2, tags=('a',), label='p')"
    assert point(3, -4).norm() == 7


@KINDS
def test_wrong_calls_raise_type_error(decorator: Callable[[type], type]) -> None:
    point = make(decorator)
    for call in (
        lambda: point(),
        lambda: point(1, 2, (), "", 5),
        lambda: point(1, x=2),
        lambda: point(1, z=2),
    ):
        with pytest.raises(TypeError):
            call()


@KINDS
def test_frozen_equal_and_hashable_by_the_compared_fields(decorator: Callable[[type], type]) -> None:
    point = make(decorator)
    one = point(1, 2)
    with pytest.raises(FrozenInstanceError):
        one.x = 5
    with pytest.raises(FrozenInstanceError):
        del one.x
    with pytest.raises(FrozenInstanceError):
        one.other = 1  # not a field either: the class is frozen
    assert one == point(1, 2, label="other") and hash(one) == hash(point(1, 2, label="other"))
    assert one != point(2, 1) and one != (1, 2) and (one == (1, 2)) is False
    assert len({one, point(1, 2), point(2, 1)}) == 2


@KINDS
def test_dataclass_tools_copy_and_pickle_work(decorator: Callable[[type], type]) -> None:
    point = make(decorator)
    one = point(1, 2, ("a",), "p")
    assert dataclasses.is_dataclass(one)
    assert [f.name for f in dataclasses.fields(one)] == ["x", "y", "tags", "label"]
    assert dataclasses.replace(one, y=5) == point(1, 5, ("a",))
    assert dataclasses.asdict(one) == {"x": 1, "y": 2, "tags": ("a",), "label": "p"}
    assert copy.deepcopy(one) == one and copy.copy(one) == one
    globals()["Point"] = point  # pickle finds a class by its module and name
    try:
        assert pickle.loads(pickle.dumps(one)) == one
    finally:
        del globals()["Point"]
    match one:
        case point(x, y):  # __match_args__
            assert (x, y) == (1, 2)


def test_a_wrong_call_is_told_in_the_same_words() -> None:
    plain, fast = make(frozen_dataclass), make(record)
    for args, kwargs in (((), {}), ((1, 2, (), "", 5), {}), ((1,), {"x": 2}), ((1,), {"z": 2})):
        with pytest.raises(TypeError) as told_plain:
            plain(*args, **kwargs)
        with pytest.raises(TypeError) as told_fast:
            fast(*args, **kwargs)
        assert str(told_fast.value) == str(told_plain.value)


def test_post_init_runs_and_may_refuse() -> None:
    @record
    class Secret:
        """At least 4 bytes."""

        value: bytes

        def __post_init__(self) -> None:
            if len(self.value) < 4:
                raise ValueError("too short")

    assert Secret(b"long enough").value == b"long enough"
    with pytest.raises(ValueError, match="too short"):
        Secret(b"x")


def test_a_method_the_class_writes_itself_is_kept() -> None:
    @record
    class Code:
        """Shown in capitals."""

        text: str

        def __repr__(self) -> str:
            return self.text.upper()

    assert repr(Code("ab")) == "AB"
    with pytest.raises(TypeError):

        @record
        class Mutable:
            """Not frozen after all."""

            value: int

            def __setattr__(self, key: str, value: Any) -> None:
                object.__setattr__(self, key, value)


def test_the_recursion_of_a_repr_is_cut() -> None:
    @record
    class Box:
        """Holds anything."""

        items: list[Any]

    box = Box([])
    box.items.append(box)
    assert repr(box).endswith("Box(items=[...])")


def test_the_classes_the_kiosk_loads_at_start_are_records() -> None:
    """What the start-up figure rests on: no dataclass method compiled for these."""
    for module in (config, model, office, ports):
        for value in vars(module).values():
            if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == module.__name__:
                assert not value.__dataclass_params__.init, f"{value.__qualname__} is a compiled dataclass"  # type: ignore[attr-defined]
