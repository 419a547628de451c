"""Structural primitives: broadcast_in_dim, reshape (and, from the lax helpers, transpose,
squeeze, expand_dims, rev, pad, concatenate)."""

from __future__ import annotations

import operator
from typing import Any, Sequence

from xjax._src import core
from xjax._src.core import Primitive, ShapedArray
from xjax._src.errors import ConcretizationTypeError
from xjax._src.interpreters.lowering import i64_array
from xjax._src.util import prod


def as_shape(shape: Any, fn: str, name: str = "shape") -> tuple[int, ...]:
    """A concrete shape tuple, or an error naming the function and argument."""
    if not isinstance(shape, (tuple, list)):
        shape = (shape,)
    out = []
    for d in shape:
        if isinstance(d, core.Tracer):
            raise core.concretization_error(
                d, ConcretizationTypeError, f"{fn}: {name} must be concrete",
                "mark the argument static (jit(f, static_argnums=...)) or use x.shape",
            )
        try:
            out.append(operator.index(d))
        except TypeError:
            raise TypeError(f"{fn}: {name} must be a sequence of integers, got {shape!r}") from None
    if any(d < 0 for d in out):
        raise ValueError(f"{fn}: {name} {tuple(out)} has a negative dimension")
    return tuple(out)


broadcast_in_dim_p = Primitive("broadcast_in_dim")


def broadcast_in_dim(operand: Any, shape: Sequence[int], broadcast_dimensions: Sequence[int]) -> Any:
    """Broadcasts `operand` to `shape`; operand dim i maps to output dim broadcast_dimensions[i]."""
    shape = as_shape(shape, "lax.broadcast_in_dim")
    dims = tuple(int(d) for d in broadcast_dimensions)
    aval = core.get_aval(operand)
    if aval.shape == shape and dims == tuple(range(len(shape))) and not isinstance(operand, (int, float, complex, bool)):
        return operand
    return broadcast_in_dim_p.bind(operand, shape=shape, broadcast_dimensions=dims)


@broadcast_in_dim_p.def_abstract_eval
def _broadcast_in_dim_abstract_eval(x: ShapedArray, *, shape: tuple, broadcast_dimensions: tuple) -> ShapedArray:
    if len(broadcast_dimensions) != x.ndim:
        raise TypeError(
            f"lax.broadcast_in_dim: broadcast_dimensions {broadcast_dimensions} must have one "
            f"entry per operand dimension (operand shape {x.shape})"
        )
    prev = -1
    for i, d in enumerate(broadcast_dimensions):
        if not 0 <= d < len(shape):
            raise TypeError(f"lax.broadcast_in_dim: broadcast_dimensions {broadcast_dimensions} out of range for shape {shape}")
        if d <= prev:
            raise TypeError(f"lax.broadcast_in_dim: broadcast_dimensions {broadcast_dimensions} must be strictly increasing")
        if x.shape[i] != 1 and x.shape[i] != shape[d]:
            raise TypeError(
                f"lax.broadcast_in_dim: operand shape {x.shape} cannot be broadcast to {shape} "
                f"with broadcast_dimensions {broadcast_dimensions}"
            )
        prev = d
    return core.shaped_array(shape, x.dtype, x.weak_type)


@broadcast_in_dim_p.def_lowering
def _broadcast_in_dim_lower(ctx: Any, x: str, *, shape: tuple, broadcast_dimensions: tuple) -> str:
    return ctx.op("stablehlo.broadcast_in_dim", [x], attrs=f"broadcast_dimensions = {i64_array(broadcast_dimensions)}")


def broadcast(operand: Any, sizes: Sequence[int]) -> Any:
    """Adds leading dimensions of the given sizes."""
    aval = core.get_aval(operand)
    sizes = tuple(sizes)
    return broadcast_in_dim(operand, sizes + aval.shape, tuple(range(len(sizes), len(sizes) + aval.ndim)))


reshape_p = Primitive("reshape")


def reshape(operand: Any, new_sizes: Sequence[int], dimensions: Sequence[int] | None = None) -> Any:
    """Reshapes `operand` (row-major); `dimensions` transposes first, as lax.reshape."""
    new_sizes = as_shape(new_sizes, "lax.reshape", "new_sizes")
    aval = core.get_aval(operand)
    if dimensions is not None and tuple(dimensions) != tuple(range(aval.ndim)):
        operand = transpose(operand, tuple(dimensions))  # noqa: F821 - defined below
    if aval.shape == new_sizes:
        return operand
    return reshape_p.bind(operand, new_sizes=new_sizes)


@reshape_p.def_abstract_eval
def _reshape_abstract_eval(x: ShapedArray, *, new_sizes: tuple) -> ShapedArray:
    if prod(new_sizes) != x.size:
        raise TypeError(
            f"lax.reshape: cannot reshape array of shape {x.shape} (size {x.size}) into shape "
            f"{new_sizes} (size {prod(new_sizes)})"
        )
    return core.shaped_array(new_sizes, x.dtype, x.weak_type)


@reshape_p.def_lowering
def _reshape_lower(ctx: Any, x: str, *, new_sizes: tuple) -> str:
    return ctx.op("stablehlo.reshape", [x])
