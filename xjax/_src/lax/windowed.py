"""Windowed reductions: reduce_window_sum/max/min (what avg_pool / max_pool use), the generic
reduce_window over a traced computation, and padtype_to_pads (shared with convolutions)."""

from __future__ import annotations

import enum
import operator
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from xjax._src import core, dtypes
from xjax._src.core import Primitive, ShapedArray
from xjax._src.interpreters.lowering import dense_i64, i64_array
from xjax._src.lax._rules import check_dtype

__all__ = [
    "PaddingType",
    "padtype_to_pads",
    "reduce_window",
    "reduce_window_max_p",
    "reduce_window_min_p",
    "reduce_window_p",
    "reduce_window_shape_tuple",
    "reduce_window_sum_p",
]


class PaddingType(enum.Enum):
    """Padding modes of windowed ops and convolutions."""

    VALID = 1
    SAME = 2
    SAME_LOWER = 3


def padtype_to_pads(
    in_shape: Sequence[int],
    window_shape: Sequence[int],
    window_strides: Sequence[int],
    padding: str | PaddingType,
) -> list[tuple[int, int]]:
    """(low, high) pads per spatial dim for 'VALID', 'SAME' (extra at the end) or 'SAME_LOWER'."""
    if isinstance(padding, str):
        try:
            padding = PaddingType[padding.upper()]
        except KeyError:
            raise RuntimeError(
                "Unrecognized padding type: expected 'VALID', 'SAME', or 'SAME_LOWER', got "
                f"{padding}."
            ) from None
    if padding in (PaddingType.SAME, PaddingType.SAME_LOWER):
        pads = []
        for d, k, s in zip(in_shape, window_shape, window_strides):
            out = -(-int(d) // int(s))
            size = max((out - 1) * int(s) + int(k) - int(d), 0)
            lo = size // 2 if padding == PaddingType.SAME else size - size // 2
            pads.append((lo, size - lo))
        return pads
    if padding == PaddingType.VALID:
        return [(0, 0)] * len(in_shape)
    raise TypeError(f"Unknown padding type: {padding}.")


def _dilate_shape(shape: Sequence[int], dilation: Sequence[int]) -> tuple[int, ...]:
    return tuple(0 if d == 0 else 1 + r * (d - 1) for d, r in zip(shape, dilation))


def reduce_window_shape_tuple(
    operand_shape: Sequence[int],
    window_dimensions: Sequence[int],
    window_strides: Sequence[int],
    padding: Sequence[tuple[int, int]],
    base_dilation: Sequence[int] | None = None,
    window_dilation: Sequence[int] | None = None,
) -> tuple[int, ...]:
    """Output shape of a windowed reduction."""
    if base_dilation is not None:
        operand_shape = _dilate_shape(operand_shape, base_dilation)
    if window_dilation is not None:
        window_dimensions = _dilate_shape(window_dimensions, window_dilation)
    padded = [d + lo + hi for d, (lo, hi) in zip(operand_shape, padding)]
    return tuple(
        0 if p < w else (p - w) // s + 1
        for p, w, s in zip(padded, window_dimensions, window_strides)
    )


def _reduce_window_aval(allowed: Any, name: str) -> Callable:
    def rule(
        x: ShapedArray,
        *,
        window_dimensions: tuple[int, ...],
        window_strides: tuple[int, ...],
        padding: tuple[tuple[int, int], ...],
        base_dilation: tuple[int, ...],
        window_dilation: tuple[int, ...],
    ) -> ShapedArray:
        check_dtype(name, x, allowed)
        if x.ndim != len(window_dimensions):
            raise TypeError(
                f"{name} got the wrong number of window_dimensions for operand: got operand "
                f"shape {x.shape} with window_dimensions {window_dimensions}."
            )
        for pname, v, lo in (
            ("window_dimensions", window_dimensions, 1),
            ("window_strides", window_strides, 1),
            ("base_dilation", base_dilation, 1),
            ("window_dilation", window_dilation, 1),
            ("padding", padding, None),
        ):
            if len(v) != x.ndim:
                raise TypeError(
                    f"{name} got inconsistent {pname} and window_dimensions: got {pname} {v} "
                    f"and window_dimensions {window_dimensions}."
                )
            if lo is not None and any(d < lo for d in v):
                raise TypeError(f"{name}: {pname} must be positive, got {v}.")
        shape = reduce_window_shape_tuple(
            x.shape, window_dimensions, window_strides, padding, base_dilation, window_dilation
        )
        return core.shaped_array(shape, x.dtype, x.weak_type)

    return rule


def _max_identity(dtype: np.dtype) -> np.ndarray:
    if dtypes.is_inexact(dtype):
        return np.array(-np.inf, dtype)
    if dtypes.is_integer(dtype):
        return np.array(np.iinfo(dtype).min, dtype)
    return np.array(False, dtype)


def _min_identity(dtype: np.dtype) -> np.ndarray:
    if dtypes.is_inexact(dtype):
        return np.array(np.inf, dtype)
    if dtypes.is_integer(dtype):
        return np.array(np.iinfo(dtype).max, dtype)
    return np.array(True, dtype)


def _sum_identity(dtype: np.dtype) -> np.ndarray:
    return np.zeros((), dtype)


def pads_attr(padding: Sequence[tuple[int, int]]) -> str:
    """The `dense<...> : tensor<Nx2xi64>` padding attribute (`dense<>` when N = 0)."""
    if not padding:
        return "dense<> : tensor<0x2xi64>"
    return dense_i64([p for lh in padding for p in lh], (len(padding), 2))


def _window_attrs(
    window_dimensions: tuple[int, ...],
    window_strides: tuple[int, ...],
    padding: tuple[tuple[int, int], ...],
    base_dilation: tuple[int, ...],
    window_dilation: tuple[int, ...],
) -> dict[str, str]:
    return {
        "base_dilations": i64_array(base_dilation),
        "padding": pads_attr(padding),
        "window_dilations": i64_array(window_dilation),
        "window_dimensions": i64_array(window_dimensions),
        "window_strides": i64_array(window_strides),
    }


def _reduce_window_lower(hlo: str, identity: Callable) -> Callable:
    def rule(
        ctx: Any,
        x: str,
        *,
        window_dimensions: tuple[int, ...],
        window_strides: tuple[int, ...],
        padding: tuple[tuple[int, int], ...],
        base_dilation: tuple[int, ...],
        window_dilation: tuple[int, ...],
    ) -> str:
        x_aval, out = ctx.avals_in[0], ctx.avals_out[0]
        scalar = core.shaped_array((), x_aval.dtype, False)
        init = ctx.constant(identity(x_aval.dtype), scalar)

        def body(a: str, b: str) -> list[str]:
            return [ctx.sub([scalar, scalar], [scalar]).op(hlo, [a, b])]

        reg = ctx.region([scalar, scalar], [scalar], body)
        attrs = _window_attrs(
            window_dimensions, window_strides, padding, base_dilation, window_dilation
        )
        return ctx.op(
            "stablehlo.reduce_window",
            [x, init],
            out,
            attrs=attrs,
            regions=[reg],
            operand_avals=[x_aval, scalar],
        )

    return rule


def _window_reducer(name: str, hlo: str, identity: Callable, allowed: Any) -> Primitive:
    p = Primitive(name)
    p.def_abstract_eval(_reduce_window_aval(allowed, f"lax.{name}"))
    p.def_lowering(_reduce_window_lower(hlo, identity))
    return p


reduce_window_sum_p = _window_reducer(
    "reduce_window_sum", "stablehlo.add", _sum_identity, dtypes.NUMERIC
)
reduce_window_max_p = _window_reducer(
    "reduce_window_max", "stablehlo.maximum", _max_identity, dtypes.ALL
)
reduce_window_min_p = _window_reducer(
    "reduce_window_min", "stablehlo.minimum", _min_identity, dtypes.ALL
)


def _concrete_scalar(x: Any) -> Any:
    """The value of a concrete scalar, or None (tracers, non-scalars)."""
    if isinstance(x, core.Tracer):
        return None
    try:
        v = np.asarray(x)
    except (TypeError, ValueError):
        return None
    return v if v.shape == () else None


def _monoid_primitive(computation: Callable, init_value: Any, dtype: np.dtype) -> Primitive | None:
    """JAX's `_get_monoid_window_reducer`: add/max/min whose init value is the identity."""
    from xjax._src.lax import elementwise as ew

    v = _concrete_scalar(init_value)
    if v is None:
        return None
    if computation is ew.add and v == 0:
        return reduce_window_sum_p
    if computation is ew.max and v == _max_identity(dtype):
        return reduce_window_max_p
    if computation is ew.min and v == _min_identity(dtype):
        return reduce_window_min_p
    return None


def _int_tuple(xs: Any, fn: str, name: str) -> tuple[int, ...]:
    try:
        return tuple(operator.index(x) for x in xs)
    except TypeError:
        raise TypeError(f"{fn}: {name} must be a sequence of integers, got {xs!r}") from None


# ---------------------------------------------------------------------------------------------
# The generic reduce_window: any computation, traced to a jaxpr over scalars.

reduce_window_p = Primitive("reduce_window", multiple_results=True)


@reduce_window_p.def_abstract_eval
def _reduce_window_abstract_eval(
    *avals: ShapedArray, jaxpr: core.Jaxpr, **win: Any
) -> list[ShapedArray]:
    fn = "lax.reduce_window"
    n = len(avals) // 2
    operands, inits = avals[:n], avals[n:]
    if any(o.dtype != i.dtype for o, i in zip(operands, inits)):
        raise TypeError(
            f"{fn} got inconsistent dtypes for operands and init_values: got operand dtypes "
            f"{[o.dtype.name for o in operands]} and init_value dtypes {[i.dtype.name for i in inits]}."
        )
    if any(i.shape != () for i in inits):
        raise TypeError(
            f"{fn} expected init_values to be scalars but init_values have shapes "
            f"{[i.shape for i in inits]}."
        )
    if any(o.shape != operands[0].shape for o in operands):
        raise TypeError(f"{fn}: operands must have equal shapes, got {[o.shape for o in operands]}")
    out = _reduce_window_aval(None, fn)(operands[0], **win)
    return [core.shaped_array(out.shape, o.dtype, False) for o in operands]


@reduce_window_p.def_lowering
def _reduce_window_generic_lower(ctx: Any, *args: str, jaxpr: core.Jaxpr, **win: Any) -> list[str]:
    from xjax._src.interpreters.lowering import jaxpr_subcomp

    n = len(args) // 2
    scalars = [core.shaped_array((), a.dtype, False) for a in ctx.avals_in[:n]]
    reg = ctx.region(scalars + scalars, scalars, lambda *xs: jaxpr_subcomp(ctx.fn, jaxpr, [], xs))
    return ctx.op(
        "stablehlo.reduce_window",
        list(args),
        list(ctx.avals_out),
        attrs=_window_attrs(**win),
        regions=[reg],
    )


_jaxpr_cache: dict[tuple, core.Jaxpr] = {}


def _computation_jaxpr(
    computation: Callable, avals: tuple[ShapedArray, ...], tree: Any
) -> core.Jaxpr:
    """`computation(xs, ys)` over scalar trees of `avals`, traced once per (function, avals)."""
    from xjax._src.interpreters.partial_eval import trace_to_jaxpr
    from xjax._src.tree import tree_flatten, tree_unflatten

    key = (computation, avals, tree)
    jaxpr = _jaxpr_cache.get(key)
    if jaxpr is not None:
        return jaxpr
    n = len(avals)

    def flat(*args: Any) -> list[Any]:
        out = computation(tree_unflatten(tree, args[:n]), tree_unflatten(tree, args[n:]))
        leaves, out_tree = tree_flatten(out)
        if out_tree != tree:
            raise ValueError(
                f"lax.reduce_window: computation must return the structure of the "
                f"operands {tree}, got {out_tree}"
            )
        return leaves

    jaxpr, consts = trace_to_jaxpr(flat, avals + avals)
    if consts or jaxpr.constvars:
        raise NotImplementedError("lax.reduce_window: the computation may not close over arrays")
    for v, a in zip(jaxpr.outvars, avals):
        if v.aval.shape != () or v.aval.dtype != a.dtype:
            raise TypeError(
                f"lax.reduce_window: computation must return scalars of the operand "
                f"dtypes {[x.dtype.name for x in avals]}, got {v.aval.str_short()}"
            )
    if len(_jaxpr_cache) < 1000:
        _jaxpr_cache[key] = jaxpr
    return jaxpr


def reduce_window(
    operand: Any,
    init_value: Any,
    computation: Callable,
    window_dimensions: Sequence[int],
    window_strides: Sequence[int] | None = None,
    padding: str | Sequence[tuple[int, int]] = "VALID",
    base_dilation: Sequence[int] | None = None,
    window_dilation: Sequence[int] | None = None,
) -> Any:
    """Reduces each window of `operand` (an array or a pytree of them) with `computation`,
    starting from `init_value`; padding is 'VALID', 'SAME', 'SAME_LOWER' or (low, high) pairs.

    lax.add / lax.max / lax.min with their identity as init value become the primitives
    reduce_window_sum / _max / _min; anything else is traced into the generic reduce_window.
    """
    from xjax._src.tree import tree_flatten, tree_unflatten

    fn = "lax.reduce_window"
    ops, tree = tree_flatten(operand)
    inits, init_tree = tree_flatten(init_value)
    if tree != init_tree:
        raise ValueError(
            f"{fn}: operands must have the same tree structure as init_values: "
            f"{tree} vs. {init_tree}"
        )
    if not ops:
        raise ValueError(f"{fn} must have at least one operand.")
    aval = core.get_aval(ops[0])
    window_dimensions = _int_tuple(window_dimensions, fn, "window_dimensions")
    n = len(window_dimensions)
    window_strides = (
        (1,) * n if window_strides is None else _int_tuple(window_strides, fn, "window_strides")
    )
    base_dilation = (
        (1,) * n if base_dilation is None else _int_tuple(base_dilation, fn, "base_dilation")
    )
    window_dilation = (
        (1,) * n if window_dilation is None else _int_tuple(window_dilation, fn, "window_dilation")
    )
    if isinstance(padding, str):
        if len(window_strides) != n or len(window_dilation) != n or aval.ndim != n:
            raise TypeError(
                f"{fn}: operand shape {aval.shape}, window_dimensions {window_dimensions}, "
                f"window_strides {window_strides} and window_dilation {window_dilation} must all "
                "have the same length."
            )
        dilated = _dilate_shape(window_dimensions, window_dilation)
        pads = padtype_to_pads(aval.shape, dilated, window_strides, padding)
        padding = tuple((int(lo), int(hi)) for lo, hi in pads)
    else:
        try:
            padding = tuple((operator.index(lo), operator.index(hi)) for lo, hi in padding)
        except (TypeError, ValueError):
            raise TypeError(
                f"{fn}: padding must be a string or (low, high) pairs, got {padding!r}"
            ) from None
    win = {
        "window_dimensions": window_dimensions,
        "window_strides": window_strides,
        "padding": padding,
        "base_dilation": base_dilation,
        "window_dilation": window_dilation,
    }
    prim = _monoid_primitive(computation, inits[0], aval.dtype) if len(ops) == 1 else None
    if prim is not None:
        return tree_unflatten(tree, [prim.bind(ops[0], **win)])
    init_avals = tuple(core.get_aval(i).strip_weak_type() for i in inits)
    if any(a.shape != () for a in init_avals):
        raise TypeError(
            f"{fn} expected init_values to be scalars but init_values have shapes "
            f"{[a.shape for a in init_avals]}."
        )
    jaxpr = _computation_jaxpr(computation, init_avals, tree)
    outs = reduce_window_p.bind(*ops, *inits, jaxpr=jaxpr, **win)
    return tree_unflatten(tree, outs)
