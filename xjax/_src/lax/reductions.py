"""Reductions over axes: reduce_sum/prod/max/min/and/or/xor, argmax/argmin, cumulative ops."""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from xjax._src import core, dtypes
from xjax._src.core import Primitive, ShapedArray
from xjax._src.interpreters.lowering import i64_array
from xjax._src.lax._rules import check_dtype
from xjax._src.util import canonicalize_axes


def _reduce_aval(allowed: Any, name: str) -> Callable:
    def rule(x: ShapedArray, *, axes: tuple) -> ShapedArray:
        check_dtype(name, x, allowed)
        for a in axes:
            if not 0 <= a < x.ndim:
                raise TypeError(f"{name}: axes {axes} out of range for shape {x.shape}")
        shape = tuple(d for i, d in enumerate(x.shape) if i not in axes)
        return core.shaped_array(shape, x.dtype, x.weak_type)

    return rule


def _identity(kind: str, dtype: np.dtype) -> Any:
    if kind == "sum" or kind == "or" or kind == "xor":
        return np.zeros((), dtype)
    if kind == "prod":
        return np.ones((), dtype)
    if kind == "and":
        return np.array(True if dtype == dtypes.bool_ else -1).astype(dtype)
    if dtype == dtypes.bool_:
        return np.array(kind == "min", dtype)
    if dtypes.is_integer(dtype):
        info = np.iinfo(dtype)
        return np.array(info.min if kind == "max" else info.max, dtype)
    return np.array(-np.inf if kind == "max" else np.inf, dtype)


def _reduce_lower(kind: str, hlo: str) -> Callable:
    def rule(ctx: Any, x: str, *, axes: tuple) -> str:
        x_aval, out = ctx.avals_in[0], ctx.avals_out[0]
        scalar = core.shaped_array((), x_aval.dtype, False)
        init = ctx.constant(_identity(kind, x_aval.dtype), scalar)

        def body(a: str, b: str) -> list[str]:
            return [ctx.sub([scalar, scalar], [scalar]).op(hlo, [a, b])]

        reg = ctx.region([scalar, scalar], [scalar], body)
        return ctx.op("stablehlo.reduce", [x, init], out, attrs=f"dimensions = {i64_array(axes)}",
                      regions=[reg], operand_avals=[x_aval, scalar])

    return rule


def _reducer(name: str, kind: str, hlo: str, allowed: Any) -> Primitive:
    p = Primitive(name)
    p.def_abstract_eval(_reduce_aval(allowed, f"lax.{name}"))
    p.def_lowering(_reduce_lower(kind, hlo))
    return p


reduce_sum_p = _reducer("reduce_sum", "sum", "stablehlo.add", dtypes.NUMERIC)
reduce_prod_p = _reducer("reduce_prod", "prod", "stablehlo.multiply", dtypes.NUMERIC)
reduce_max_p = _reducer("reduce_max", "max", "stablehlo.maximum", dtypes.ALL)
reduce_min_p = _reducer("reduce_min", "min", "stablehlo.minimum", dtypes.ALL)
reduce_and_p = _reducer("reduce_and", "and", "stablehlo.and", (dtypes.bool_,) + dtypes.INTEGER)
reduce_or_p = _reducer("reduce_or", "or", "stablehlo.or", (dtypes.bool_,) + dtypes.INTEGER)
reduce_xor_p = _reducer("reduce_xor", "xor", "stablehlo.xor", (dtypes.bool_,) + dtypes.INTEGER)


def _reduce(p: Primitive, x: Any, axes: Sequence[int]) -> Any:
    ndim = core.get_aval(x).ndim
    return p.bind(x, axes=canonicalize_axes(tuple(axes), ndim, f"lax.{p.name}", "axes"))


def reduce_sum(operand: Any, axes: Sequence[int]) -> Any:
    """Sum over `axes`."""
    return _reduce(reduce_sum_p, operand, axes)


def reduce_prod(operand: Any, axes: Sequence[int]) -> Any:
    return _reduce(reduce_prod_p, operand, axes)


def reduce_max(operand: Any, axes: Sequence[int]) -> Any:
    return _reduce(reduce_max_p, operand, axes)


def reduce_min(operand: Any, axes: Sequence[int]) -> Any:
    return _reduce(reduce_min_p, operand, axes)


def reduce_and(operand: Any, axes: Sequence[int]) -> Any:
    return _reduce(reduce_and_p, operand, axes)


def reduce_or(operand: Any, axes: Sequence[int]) -> Any:
    return _reduce(reduce_or_p, operand, axes)


def reduce_xor(operand: Any, axes: Sequence[int]) -> Any:
    return _reduce(reduce_xor_p, operand, axes)
