"""Installs operators and NumPy-style methods on Array and Tracer (one definition for both)."""

from __future__ import annotations

from typing import Any, Callable

from xjax._src import core
from xjax._src.array import Array


def _defer(op: Callable) -> Callable:
    """Binary operator that returns NotImplemented for operands xjax does not know."""

    def method(self: Any, other: Any) -> Any:
        from xjax._src.numpy.util import is_arraylike

        if not is_arraylike(other):
            return NotImplemented
        return op(self, other)

    return method


def _reflect(op: Callable) -> Callable:
    def method(self: Any, other: Any) -> Any:
        from xjax._src.numpy.util import is_arraylike

        if not is_arraylike(other):
            return NotImplemented
        return op(other, self)

    return method


def install(binary: dict[str, Callable], unary: dict[str, Callable], methods: dict[str, Callable]) -> None:
    """Sets the operator/method tables on both Array and Tracer.

    `binary` maps an operator name (e.g. "add") to a function; both `__add__` and `__radd__`
    are defined. `unary` maps dunder names (e.g. "__neg__") to functions; `methods` maps plain
    method or property names to functions/properties.
    """
    for cls in (Array, core.Tracer):
        for name, fn in binary.items():
            setattr(cls, f"__{name}__", _defer(fn))
            if name not in ("eq", "ne", "lt", "le", "gt", "ge"):
                setattr(cls, f"__r{name}__", _reflect(fn))
        for name, fn in unary.items():
            setattr(cls, name, fn)
        for name, fn in methods.items():
            setattr(cls, name, fn)
