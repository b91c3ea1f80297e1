"""`record`: a frozen dataclass for the rule base's classes, without generating code.

`dataclasses.dataclass` writes and compiles five or six methods for every class; for the
twenty classes of the rule base that was 8 ms of every start (Python 3.11), a twentieth of
`soknad ordninger --json`. These classes are built once per run (or read from the cache),
never in a hot loop, so methods shared by all of them serve as well: the same fields,
defaults, keyword and positional arguments, immutability, equality and hashing.
Type checkers see a dataclass (PEP 681). The engine's per-evaluation classes
(`Assessment`, `Result`, …) stay stdlib dataclasses, whose generated `__init__` is faster.
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from typing import Any, TypeVar, dataclass_transform, overload

T = TypeVar("T")
_MISSING = object()


class _Record:
    __slots__ = ()
    _fields: tuple[str, ...] = ()
    _defaults: dict[str, Any] = {}  # noqa: RUF012 (set per class, never mutated)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        cls = type(self)
        if len(args) > len(cls._fields):
            raise TypeError(f"{cls.__name__}() tar {len(cls._fields)} argumenter, fikk {len(args)}")
        values = dict(zip(cls._fields, args, strict=False))
        for key, value in kwargs.items():
            if key not in cls._fields:
                raise TypeError(f"{cls.__name__}() har ikke feltet {key!r}")
            if key in values:
                raise TypeError(f"{cls.__name__}() fikk {key!r} to ganger")
            values[key] = value
        for name in cls._fields:
            value = values.get(name, cls._defaults.get(name, _MISSING))
            if value is _MISSING:
                raise TypeError(f"{cls.__name__}() mangler feltet {name!r}")
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in type(self)._fields)
        return f"{type(self).__name__}({shown})"


def _values(self: Any) -> tuple[Any, ...]:
    return tuple(getattr(self, name) for name in type(self)._fields)


def _eq(self: Any, other: object) -> Any:  # bool, or NotImplemented for other types
    if type(other) is not type(self):
        return NotImplemented
    return _values(self) == _values(other)


def _hash(self: Any) -> int:
    return hash((type(self).__name__, _values(self)))


@overload
def record(cls: type[T], /) -> type[T]: ...


@overload
def record(*, eq: bool = True) -> Any: ...


@dataclass_transform(frozen_default=True)
def record(cls: Any = None, /, *, eq: bool = True) -> Any:
    """Make `cls` an immutable record of its annotated fields, compared by value (`eq`) or
    by identity (``eq=False``, for things such as a scheme or a source)."""

    def wrap(cls: Any) -> Any:
        fields = tuple(cls.__dict__.get("__annotations__", {}))  # noqa: RUF063 (inspect costs ms at start)
        defaults = {name: cls.__dict__[name] for name in fields if name in cls.__dict__}
        namespace = {
            key: value
            for key, value in cls.__dict__.items()
            if key not in defaults and key not in ("__dict__", "__weakref__")
        }
        namespace.update(_fields=fields, _defaults=defaults)
        if eq:
            namespace.update(__eq__=_eq, __hash__=_hash)
        # Rebuilt on _Record, so the shared methods apply and the defaults do not linger as
        # class attributes that would hide a missing instance attribute.
        new = type(cls.__name__, (_Record, *[b for b in cls.__bases__ if b is not object]), namespace)
        new.__qualname__ = cls.__qualname__
        return new

    return wrap if cls is None else wrap(cls)
