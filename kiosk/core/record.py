"""``@record``: a frozen dataclass whose methods are not compiled when its class is made.

On Python 3.11, ``@dataclass(frozen=True)`` writes six methods as source text and compiles each
one (``__init__``, ``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__``, ``__delattr__``):
about 0.4-0.8 ms per class. The config, model, office and ports the kiosk imports before its
first frame define some 40 of them, 20 ms of its cold start (docs/benchmarks.md, "Round five").
Python 3.13 compiles them in one go; until then, a record is made as a dataclass with no
generated method (its field table only: ``fields``, ``replace``, ``asdict``, ``is_dataclass``
and pytest's field-by-field diffs work as before). Its ``__init__`` is written out and compiled
as dataclass does, but on the class's first construction, not when the class is made: it is on
hot paths. The other five are plain functions reading the field table.

A field with ``init=False`` or ``kw_only`` is refused when the class is made. An ``InitVar`` is
not a field to it, so a call that passes one is refused as an unknown argument. Type checkers see
``@record`` as ``@dataclass(frozen=True)`` (PEP 681), so a wrong constructor call or an assignment
to a field is still a typing error.
"""

from __future__ import annotations

import dataclasses
import reprlib
from collections.abc import Callable
from dataclasses import MISSING, Field, FrozenInstanceError, field
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform

__all__ = ["record", "field"]

_T = TypeVar("_T")


def _compile_init(
    name: str,
    names: tuple[str, ...],
    defaults: dict[str, Any],
    factories: dict[str, Callable[[], Any]],
    post_init: bool,
) -> Callable[..., None]:
    """The ``__init__`` dataclass would write for a frozen class, filling ``__dict__`` directly."""
    scope: dict[str, Any] = {"_record_missing_": MISSING}
    params, lines = [], []
    for key in names:
        if key in defaults:
            scope[f"_record_default_{key}"] = defaults[key]
            params.append(f"{key}=_record_default_{key}")
            lines.append(f"    _record_fields_[{key!r}] = {key}")
        elif key in factories:
            scope[f"_record_make_{key}"] = factories[key]
            params.append(f"{key}=_record_missing_")
            lines.append(f"    _record_fields_[{key!r}] = _record_make_{key}() if {key} is _record_missing_ else {key}")
        else:
            params.append(key)
            lines.append(f"    _record_fields_[{key!r}] = {key}")
    if post_init:
        lines.append("    _record_self_.__post_init__()")
    source = "\n".join(
        [f"def __init__(_record_self_, {', '.join(params)}):", "    _record_fields_ = _record_self_.__dict__", *lines]
    )
    namespace: dict[str, Any] = {}
    exec(source, scope, namespace)  # noqa: S102 - our own field names, checked identifiers
    init: Callable[..., None] = namespace["__init__"]
    init.__qualname__ = f"{name}.__init__"
    return init


def _values(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """A function giving the tuple of these attributes of an object."""
    if not names:
        return lambda _obj: ()
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return attrgetter(*names)


@dataclass_transform(frozen_default=True, field_specifiers=(field, Field))
def record(cls: type[_T]) -> type[_T]:
    """Make ``cls`` a frozen dataclass, as ``@dataclass(frozen=True)`` would."""
    for own in ("__setattr__", "__delattr__"):
        if own in cls.__dict__:
            raise TypeError(f"Cannot overwrite attribute {own} in class {cls.__name__}")
    cls = dataclasses.dataclass(init=False, repr=False, eq=False)(cls)  # the field table, nothing compiled
    table = dataclasses.fields(cls)  # type: ignore[arg-type]
    for item in table:
        if not item.init or item.kw_only is True:
            raise TypeError(f"{cls.__name__}.{item.name}: @record takes only plain init fields")
    name = cls.__qualname__
    names = tuple(item.name for item in table)
    known = frozenset(names)
    defaults = {item.name: item.default for item in table if item.default is not MISSING}
    factories = tuple((item.name, item.default_factory) for item in table if item.default_factory is not MISSING)
    required = frozenset(names) - defaults.keys() - {key for key, _make in factories}
    optional_seen = False
    for key in names:  # as dataclass checks it when it writes __init__
        if key in required and optional_seen:
            raise TypeError(f"non-default argument {key!r} follows default argument")
        optional_seen = optional_seen or key not in required
    compared = _values(tuple(item.name for item in table if item.compare))
    hashed = _values(tuple(item.name for item in table if (item.compare if item.hash is None else item.hash)))
    shown = tuple(item.name for item in table if item.repr)
    post_init = hasattr(cls, "__post_init__")
    made = {key: make for key, make in factories}

    # __init__ is the one method on a hot path (the day book builds some 400 records for one
    # walk-in's wait estimate): compiled on the class's first construction, which half of the
    # classes the kiosk loads at start never see before its first frame.
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        compiled = _compile_init(name, names, defaults, made, post_init)
        cls.__init__ = compiled  # type: ignore[method-assign]
        compiled(self, *args, **kwargs)

    def __setattr__(self: Any, key: str, value: Any) -> None:
        if type(self) is cls or key in known:
            raise FrozenInstanceError(f"cannot assign to field {key!r}")
        super(cls, self).__setattr__(key, value)

    def __delattr__(self: Any, key: str) -> None:
        if type(self) is cls or key in known:
            raise FrozenInstanceError(f"cannot delete field {key!r}")
        super(cls, self).__delattr__(key)

    def __eq__(self: Any, other: object) -> bool:
        if other.__class__ is self.__class__:
            return bool(compared(self) == compared(other))
        return NotImplemented

    def __hash__(self: Any) -> int:
        return hash(hashed(self))

    @reprlib.recursive_repr()
    def __repr__(self: Any) -> str:
        inner = ", ".join(f"{key}={getattr(self, key)!r}" for key in shown)
        return f"{self.__class__.__qualname__}({inner})"

    methods: dict[str, Callable[..., Any]] = {
        "__init__": __init__,
        "__setattr__": __setattr__,
        "__delattr__": __delattr__,
        "__repr__": __repr__,
        "__eq__": __eq__,
        "__hash__": __hash__,
    }
    # as dataclass does: a method the class writes itself stays, and so does a __hash__ it
    # wrote (an __eq__ of its own without a __hash__ leaves None there, which is not one)
    own_hash = cls.__dict__.get("__hash__", MISSING)
    explicit_hash = own_hash is not MISSING and not (own_hash is None and "__eq__" in cls.__dict__)
    for key, method in methods.items():
        if key in cls.__dict__ and not (key == "__hash__" and not explicit_hash):
            continue
        method.__qualname__ = f"{name}.{key}"
        setattr(cls, key, method)
    return cls
