"""Elementwise xjax.numpy functions (ufuncs): promotion, broadcasting, then one lax op."""

from __future__ import annotations

from typing import Any, Callable

from xjax._src import dtypes
from xjax._src.array import Array
from xjax._src.lax import elementwise as lax
from xjax._src.numpy.util import promote_args, promote_args_inexact

_INEXACT = frozenset(dtypes.INEXACT)


def _unary_inexact(lax_fn: Callable, name: str) -> Callable:
    def fn(x: Any, /) -> Any:
        if type(x) is Array and x.aval.dtype in _INEXACT:  # fast path: nothing to promote
            return lax_fn(x)
        (x,) = promote_args_inexact(f"jnp.{name}", x)
        return lax_fn(x)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"xjax implementation of `numpy.{name}`."
    return fn


def _binary(lax_fn: Callable, name: str, inexact: bool = False) -> Callable:
    promote = promote_args_inexact if inexact else promote_args

    def fn(x: Any, y: Any, /) -> Any:
        x, y = promote(f"jnp.{name}", x, y)
        return lax_fn(x, y)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"xjax implementation of `numpy.{name}`."
    return fn


sin = _unary_inexact(lax.sin, "sin")
cos = _unary_inexact(lax.cos, "cos")
tan = _unary_inexact(lax.tan, "tan")
exp = _unary_inexact(lax.exp, "exp")
log = _unary_inexact(lax.log, "log")
log1p = _unary_inexact(lax.log1p, "log1p")
expm1 = _unary_inexact(lax.expm1, "expm1")
tanh = _unary_inexact(lax.tanh, "tanh")
sqrt = _unary_inexact(lax.sqrt, "sqrt")
cbrt = _unary_inexact(lax.cbrt, "cbrt")

add = _binary(lax.add, "add")
subtract = _binary(lax.sub, "subtract")
multiply = _binary(lax.mul, "multiply")
true_divide = _binary(lax.div, "true_divide", inexact=True)
divide = true_divide
maximum = _binary(lax.max, "maximum")
minimum = _binary(lax.min, "minimum")
equal = _binary(lax.eq, "equal")
not_equal = _binary(lax.ne, "not_equal")
less = _binary(lax.lt, "less")
less_equal = _binary(lax.le, "less_equal")
greater = _binary(lax.gt, "greater")
greater_equal = _binary(lax.ge, "greater_equal")


def negative(x: Any, /) -> Any:
    """xjax implementation of `numpy.negative`."""
    (x,) = promote_args("jnp.negative", x)
    return lax.neg(x)


def power(x: Any, y: Any, /) -> Any:
    """xjax implementation of `numpy.power` (float powers only in this increment)."""
    x, y = promote_args_inexact("jnp.power", x, y)
    return lax.pow(x, y)
