"""Family rule builders shared by the primitives: abstract eval, lowering, (later) batching."""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from xjax._src import core, dtypes
from xjax._src.core import ShapedArray

DTypeSet = Sequence[np.dtype]

_CATEGORY_NAMES = (
    (dtypes.ALL, "any"),
    (dtypes.NUMERIC, "numeric"),
    (dtypes.INEXACT, "floating, complexfloating"),
    (dtypes.FLOATING, "floating"),
    (dtypes.COMPLEX, "complexfloating"),
    (dtypes.INTEGER, "integer"),
    ((dtypes.bool_,) + dtypes.INTEGER, "bool, integer"),
)


def _accepted(allowed: DTypeSet) -> str:
    for group, name in _CATEGORY_NAMES:
        if tuple(allowed) == tuple(group):
            return name
    return ", ".join(d.name for d in allowed)


def check_dtype(name: str, aval: ShapedArray, allowed: DTypeSet | None, pos: int = 0) -> None:
    if allowed is not None and aval.dtype not in allowed:
        raise TypeError(
            f"{name} does not accept dtype {aval.dtype.name} (argument {pos}). "
            f"Accepted dtypes are subtypes of {_accepted(allowed)}."
        )


def unary_aval(allowed: DTypeSet | None, name: str, out_dtype: Callable | None = None) -> Callable:
    """Abstract eval of an elementwise unary op: same shape; dtype kept unless `out_dtype`."""

    def rule(x: ShapedArray, **params: Any) -> ShapedArray:
        check_dtype(name, x, allowed)
        dt = x.dtype if out_dtype is None else out_dtype(x.dtype)
        return core.shaped_array(x.shape, dt, x.weak_type)

    return rule


def naryop_aval(allowed: DTypeSet | None, name: str, out_dtype: Callable | None = None) -> Callable:
    """Abstract eval of an elementwise n-ary op: equal shapes and dtypes required.

    The result is weakly typed only when every operand is (JAX's rule).
    """

    def rule(*xs: ShapedArray, **params: Any) -> ShapedArray:
        x0 = xs[0]
        for i, x in enumerate(xs):
            check_dtype(name, x, allowed, i)
            if x.dtype != x0.dtype:
                raise TypeError(
                    f"{name} requires arguments to have the same dtypes, got "
                    + ", ".join(a.dtype.name for a in xs)
                    + ". (Tip: jnp functions promote types for you; lax functions do not.)"
                )
            if x.shape != x0.shape:
                raise TypeError(
                    f"{name} got incompatible shapes for broadcasting: "
                    + ", ".join(str(a.shape) for a in xs)
                    + ". lax ops need equal shapes; use jnp for broadcasting."
                )
        dt = x0.dtype if out_dtype is None else out_dtype(x0.dtype)
        weak = all(x.weak_type for x in xs) and dt != dtypes.bool_
        return core.shaped_array(x0.shape, dt, weak)

    return rule


def to_bool(_: np.dtype) -> np.dtype:
    return dtypes.bool_


def hlo_unary(op: str) -> Callable:
    """Lowering of an elementwise op that maps directly onto one StableHLO op."""

    def rule(ctx: Any, *args: str, **params: Any) -> str:
        return ctx.op(op, args)

    return rule


hlo_binary = hlo_unary
