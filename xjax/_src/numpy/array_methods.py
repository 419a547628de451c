"""Installs operators and NumPy-style methods on Array and Tracer; the `x.at[idx]` helpers.

The tables themselves live in `operators.py`. Binary operators return `NotImplemented` for
operands xjax does not know, so that Python tries the other operand's reflected method (as JAX
does); numpy arrays defer to us because Array/Tracer set a high `__array_priority__`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from xjax._src import core
from xjax._src.array import Array
from xjax._src.numpy import indexing
from xjax._src.numpy.util import is_arraylike

_COMPARISONS = ("eq", "ne", "lt", "le", "gt", "ge")


_KNOWN = (Array, float, int, bool, complex)


def _defer(op: Callable, name: str) -> Callable:
    """Binary operator that returns NotImplemented for operands xjax does not know."""

    def method(self: Any, other: Any) -> Any:
        if type(other) not in _KNOWN and not is_arraylike(other):
            return NotImplemented
        return op(self, other)

    method.__name__ = method.__qualname__ = f"__{name}__"
    return method


def _reflect(op: Callable, name: str) -> Callable:
    def method(self: Any, other: Any) -> Any:
        if type(other) not in _KNOWN and not is_arraylike(other):
            return NotImplemented
        return op(other, self)

    method.__name__ = method.__qualname__ = f"__r{name}__"
    return method


def install(binary: dict[str, Callable], unary: dict[str, Callable], methods: dict[str, Any],
            skip_existing: tuple[str, ...] = ()) -> None:
    """Sets the operator/method tables on both Array and Tracer.

    `binary` maps an operator name (e.g. "add") to a function; both `__add__` and `__radd__`
    are defined (comparisons get no reflected form: Python swaps them itself). `unary` maps
    dunder names (e.g. "__neg__") to functions; `methods` maps plain method or property names to
    functions/properties. Names in `skip_existing` are left alone on a class that already defines
    them itself (Array's concrete `item`/`tolist`/`copy`, Tracer's concretization errors).
    """
    for cls in (Array, core.Tracer):
        for name, fn in binary.items():
            setattr(cls, f"__{name}__", _defer(fn, name))
            if name not in _COMPARISONS:
                setattr(cls, f"__r{name}__", _reflect(fn, name))
        for name, fn in unary.items():
            setattr(cls, name, fn)
        for name, fn in methods.items():
            if name in skip_existing and name in cls.__dict__:
                continue
            setattr(cls, name, fn)


# -- x.at[idx] ----------------------------------------------------------------------------------


class _IndexUpdateHelper:
    """`x.at`: indexable helper for functional updates, as JAX's `x.at[idx].set(v)`."""

    __slots__ = ("array",)

    def __init__(self, array: Any):
        self.array = array

    def __getitem__(self, index: Any) -> _IndexUpdateRef:
        return _IndexUpdateRef(self.array, index)

    def __repr__(self) -> str:
        return f"_IndexUpdateHelper({self.array!r})"


class _IndexUpdateRef:
    """`x.at[idx]`: get / set / add / subtract / multiply / divide / power / min / max / apply.

    Each returns a new array (x is immutable). `mode` handles out-of-bound indices: updates drop
    them by default ('drop'/'fill'), 'clip' clamps, 'promise_in_bounds' leaves it to XLA.
    """

    __slots__ = ("array", "index")

    def __init__(self, array: Any, index: Any):
        self.array = array
        self.index = index

    def __repr__(self) -> str:
        return f"_IndexUpdateRef({self.array!r}, {self.index!r})"

    def get(self, *, indices_are_sorted: bool = False, unique_indices: bool = False,
            mode: Any = None, fill_value: Any = None, out_sharding: Any = None) -> Any:
        """x[idx]; mode='fill' returns `fill_value` (default NaN / int min / True) out of bounds."""
        return indexing.rewriting_take(self.array, self.index, indices_are_sorted=indices_are_sorted,
                              unique_indices=unique_indices, mode=mode, fill_value=fill_value,
                              fn="at[].get")

    def _update(self, op: str, values: Any, name: str, indices_are_sorted: bool,
                unique_indices: bool, mode: Any) -> Any:
        return indexing.scatter_update(self.array, self.index, values, op, indices_are_sorted=indices_are_sorted,
                              unique_indices=unique_indices, mode=mode, fn=f"at[].{name}")

    def set(self, values: Any, *, indices_are_sorted: bool = False, unique_indices: bool = False,
            mode: Any = None) -> Any:
        """x[idx] = values."""
        return self._update("set", values, "set", indices_are_sorted, unique_indices, mode)

    def add(self, values: Any, *, indices_are_sorted: bool = False, unique_indices: bool = False,
            mode: Any = None) -> Any:
        """x[idx] += values (repeated indices accumulate)."""
        return self._update("add", values, "add", indices_are_sorted, unique_indices, mode)

    def subtract(self, values: Any, *, indices_are_sorted: bool = False, unique_indices: bool = False,
                 mode: Any = None) -> Any:
        """x[idx] -= values."""
        from xjax._src.numpy import ufuncs

        return self._update("add", ufuncs.negative(values), "subtract", indices_are_sorted, unique_indices, mode)

    def multiply(self, values: Any, *, indices_are_sorted: bool = False, unique_indices: bool = False,
                 mode: Any = None) -> Any:
        """x[idx] *= values."""
        return self._update("mul", values, "multiply", indices_are_sorted, unique_indices, mode)

    mul = multiply

    def divide(self, values: Any, *, indices_are_sorted: bool = False, unique_indices: bool = False,
               mode: Any = None) -> Any:
        """x[idx] /= values (x divided by a scattered product of values)."""
        from xjax._src.numpy import ufuncs

        ones = _ones_like(self.array)
        den = indexing.scatter_update(ones, self.index, values, "mul", indices_are_sorted=indices_are_sorted,
                             unique_indices=unique_indices, mode=mode, fn="at[].divide")
        return ufuncs.divide(self.array, den)

    def power(self, values: Any, *, indices_are_sorted: bool = False, unique_indices: bool = False,
              mode: Any = None) -> Any:
        """x[idx] **= values."""
        from xjax._src.numpy import ufuncs

        ones = _ones_like(self.array)
        exp = indexing.scatter_update(ones, self.index, values, "mul", indices_are_sorted=indices_are_sorted,
                             unique_indices=unique_indices, mode=mode, fn="at[].power")
        return ufuncs.power(self.array, exp)

    def min(self, values: Any, *, indices_are_sorted: bool = False, unique_indices: bool = False,
            mode: Any = None) -> Any:
        """x[idx] = minimum(x[idx], values)."""
        return self._update("min", values, "min", indices_are_sorted, unique_indices, mode)

    def max(self, values: Any, *, indices_are_sorted: bool = False, unique_indices: bool = False,
            mode: Any = None) -> Any:
        """x[idx] = maximum(x[idx], values)."""
        return self._update("max", values, "max", indices_are_sorted, unique_indices, mode)

    def apply(self, func: Callable, *, indices_are_sorted: bool = False, unique_indices: bool = False,
              mode: Any = None) -> Any:
        """x[idx] = func(x[idx]) (func is a unary elementwise function)."""
        return indexing.scatter_update(self.array, self.index, None, "apply", indices_are_sorted=indices_are_sorted,
                              unique_indices=unique_indices, mode=mode, fn="at[].apply", func=func)


def _ones_like(x: Any) -> Any:
    from xjax._src.lax import elementwise as le
    from xjax._src.lax import shape as lax_shape

    aval = core.get_aval(x)
    one = le.convert_element_type(np.ones((), aval.dtype), aval.dtype, weak_type=aval.weak_type)
    return lax_shape.broadcast_in_dim(one, aval.shape, ())
