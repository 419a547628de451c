"""Structural primitives: broadcast_in_dim, reshape, transpose, squeeze, rev, pad, concatenate,
iota; and the helpers built on them (broadcast, expand_dims, collapse, full, full_like)."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

from xjax._src import core, dtypes
from xjax._src.core import Primitive, ShapedArray
from xjax._src.errors import ConcretizationTypeError
from xjax._src.interpreters import ad
from xjax._src.interpreters.ad import Zero, is_undefined
from xjax._src.interpreters.batching import move_dim
from xjax._src.interpreters.lowering import i64_array
from xjax._src.util import canonicalize_axes, prod

__all__ = [
    "broadcast",
    "broadcast_in_dim",
    "broadcast_in_dim_p",
    "broadcast_shapes",
    "broadcast_to_rank",
    "broadcasted_iota",
    "collapse",
    "concatenate",
    "concatenate_p",
    "empty",
    "expand_dims",
    "full",
    "full_like",
    "iota",
    "iota_p",
    "pad",
    "pad_p",
    "reshape",
    "reshape_p",
    "rev",
    "rev_p",
    "squeeze",
    "squeeze_p",
    "tile",
    "tile_p",
    "transpose",
    "transpose_p",
]

_PY_SCALARS = (int, float, complex, bool)


def batch_size(vals: Sequence[Any], dims: Sequence[int | None]) -> int:
    """The size of the mapped axis, read off the first mapped operand of a batching rule."""
    return next(core.get_aval(v).shape[d] for v, d in zip(vals, dims) if d is not None)


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
    if aval.shape == shape and dims == tuple(range(len(shape))) and not isinstance(operand, _PY_SCALARS):
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


def _broadcast_in_dim_transpose(ct: Any, x: Any, *, shape: tuple,
                                broadcast_dimensions: tuple) -> list:
    """Sums the cotangent over the new dimensions and the size-1 dimensions that were expanded."""
    from xjax._src.lax.reductions import reduce_sum

    if type(ct) is Zero:
        return [None]
    in_shape = x.aval.shape
    summed = [d for d in range(len(shape)) if d not in broadcast_dimensions]
    summed += [d for i, d in enumerate(broadcast_dimensions) if in_shape[i] == 1 and shape[d] != 1]
    out = reduce_sum(ct, tuple(sorted(summed))) if summed else ct
    return [reshape(out, in_shape)]


ad.deflinear(broadcast_in_dim_p, _broadcast_in_dim_transpose)


def _broadcast_in_dim_batch(vals: list, dims: list, *, shape: tuple,
                            broadcast_dimensions: tuple) -> tuple[Any, int]:
    """The batch dim lands right after the output dim of the operand dim before it, so the
    broadcast dimensions stay increasing and nothing is transposed."""
    (x,), (d,) = vals, dims
    size = core.get_aval(x).shape[d]
    out_d = broadcast_dimensions[d - 1] + 1 if d else 0
    bdims = broadcast_dimensions[:d] + (out_d,) + tuple(b + 1 for b in broadcast_dimensions[d:])
    out = broadcast_in_dim_p.bind(x, shape=shape[:out_d] + (size,) + shape[out_d:],
                                  broadcast_dimensions=bdims)
    return out, out_d


broadcast_in_dim_p.def_batching(_broadcast_in_dim_batch)


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
        operand = transpose(operand, tuple(dimensions))
        aval = core.get_aval(operand)
    if aval.shape == new_sizes and not isinstance(operand, _PY_SCALARS):
        return operand
    return reshape_p.bind(operand, new_sizes=new_sizes)


@reshape_p.def_abstract_eval
def _reshape_abstract_eval(x: ShapedArray, *, new_sizes: tuple) -> ShapedArray:
    if prod(new_sizes) != x.size:
        raise ValueError(
            f"lax.reshape: cannot reshape array of shape {x.shape} (size {x.size}) into shape "
            f"{new_sizes} (size {prod(new_sizes)})"
        )
    return core.shaped_array(new_sizes, x.dtype, x.weak_type)


def _reshape_lower(ctx: Any, x: str, **params: Any) -> str:
    """Lowering of the primitives that only change the shape (reshape, squeeze)."""
    return ctx.op("stablehlo.reshape", [x])


def _reshape_transpose(ct: Any, x: Any, **params: Any) -> list:
    """Transpose of the primitives that only change the shape: the cotangent reshaped back."""
    return [None if type(ct) is Zero else reshape(ct, x.aval.shape)]


reshape_p.def_lowering(_reshape_lower)
ad.deflinear(reshape_p, _reshape_transpose)


def _reshape_batch(vals: list, dims: list, *, new_sizes: tuple) -> tuple[Any, int]:
    """Row-major order: the batch dim stays put when the dims before it are kept, and goes to
    the front otherwise."""
    (x,), (d,) = vals, dims
    shape = core.get_aval(x).shape
    size = shape[d]
    if shape[:d] != new_sizes[:d]:
        x, d = move_dim(x, d, 0, size), 0
    return reshape(x, new_sizes[:d] + (size,) + new_sizes[d:]), d


reshape_p.def_batching(_reshape_batch)


transpose_p = Primitive("transpose")


def transpose(operand: Any, permutation: Sequence[int]) -> Any:
    """Permutes the dimensions of `operand`: output dim i is operand dim permutation[i]."""
    perm = tuple(operator.index(p) for p in permutation)
    aval = core.get_aval(operand)
    if perm == tuple(range(aval.ndim)) and not isinstance(operand, _PY_SCALARS):
        return operand
    return transpose_p.bind(operand, permutation=perm)


@transpose_p.def_abstract_eval
def _transpose_abstract_eval(x: ShapedArray, *, permutation: tuple) -> ShapedArray:
    if sorted(permutation) != list(range(x.ndim)):
        raise TypeError(
            f"lax.transpose: permutation {permutation} is not a permutation of the operand "
            f"dimensions (operand shape {x.shape})"
        )
    return core.shaped_array(tuple(x.shape[p] for p in permutation), x.dtype, x.weak_type)


@transpose_p.def_lowering
def _transpose_lower(ctx: Any, x: str, *, permutation: tuple) -> str:
    return ctx.op("stablehlo.transpose", [x], attrs=f"permutation = {i64_array(permutation)}")


def _transpose_transpose(ct: Any, x: Any, *, permutation: tuple) -> list:
    if type(ct) is Zero:
        return [None]
    return [transpose(ct, tuple(int(i) for i in np.argsort(permutation)))]


ad.deflinear(transpose_p, _transpose_transpose)


def _transpose_batch(vals: list, dims: list, *, permutation: tuple) -> tuple[Any, int]:
    """The batch dim keeps its position; the permutation moves the others around it."""
    (x,), (d,) = vals, dims
    perm = [p + (p >= d) for p in permutation]
    perm.insert(d, d)
    return transpose(x, perm), d


transpose_p.def_batching(_transpose_batch)


squeeze_p = Primitive("squeeze")


def squeeze(array: Any, dimensions: Sequence[int]) -> Any:
    """Removes the size-1 `dimensions` of `array`."""
    ndim = core.get_aval(array).ndim
    dims = canonicalize_axes(tuple(dimensions), ndim, "lax.squeeze", "dimensions")
    if not dims and not isinstance(array, _PY_SCALARS):
        return array
    return squeeze_p.bind(array, dimensions=dims)


@squeeze_p.def_abstract_eval
def _squeeze_abstract_eval(x: ShapedArray, *, dimensions: tuple) -> ShapedArray:
    if any(not 0 <= d < x.ndim for d in dimensions):
        raise ValueError(f"lax.squeeze: dimensions {dimensions} out of range for shape {x.shape}")
    if any(x.shape[d] != 1 for d in dimensions):
        raise ValueError(
            "lax.squeeze: cannot select an axis to squeeze out which has size not equal to "
            f"one, got shape={x.shape} and dimensions={dimensions}"
        )
    shape = tuple(d for i, d in enumerate(x.shape) if i not in dimensions)
    return core.shaped_array(shape, x.dtype, x.weak_type)


squeeze_p.def_lowering(_reshape_lower)
ad.deflinear(squeeze_p, _reshape_transpose)


def _squeeze_batch(vals: list, dims: list, *, dimensions: tuple) -> tuple[Any, int]:
    (x,), (d,) = vals, dims
    out = squeeze_p.bind(x, dimensions=tuple(a + (a >= d) for a in dimensions))
    return out, d - sum(a < d for a in dimensions)


squeeze_p.def_batching(_squeeze_batch)


def expand_dims(array: Any, dimensions: Sequence[int]) -> Any:
    """Inserts size-1 dimensions at `dimensions` (positions in the output)."""
    aval = core.get_aval(array)
    dims_in = tuple(dimensions)
    if len(set(dims_in)) != len(dims_in):
        raise ValueError(f"lax.expand_dims: repeated axis in dimensions {dims_in}")
    ndim_out = aval.ndim + len(dims_in)
    dims = canonicalize_axes(dims_in, ndim_out, "lax.expand_dims", "dimensions")
    shape = list(aval.shape)
    for d in dims:
        shape.insert(d, 1)
    kept = tuple(i for i in range(ndim_out) if i not in dims)
    return broadcast_in_dim(array, tuple(shape), kept)


rev_p = Primitive("rev")


def rev(operand: Any, dimensions: Sequence[int]) -> Any:
    """Reverses `operand` along each of `dimensions`."""
    return rev_p.bind(operand, dimensions=tuple(operator.index(d) for d in dimensions))


@rev_p.def_abstract_eval
def _rev_abstract_eval(x: ShapedArray, *, dimensions: tuple) -> ShapedArray:
    if len(set(dimensions)) != len(dimensions):
        raise TypeError(f"lax.rev: dimensions must be unique, got {dimensions}")
    if any(not 0 <= d < x.ndim for d in dimensions):
        raise TypeError(
            f"lax.rev: dimensions {dimensions} must be in range [0, {x.ndim}) for operand "
            f"shape {x.shape}"
        )
    return x


@rev_p.def_lowering
def _rev_lower(ctx: Any, x: str, *, dimensions: tuple) -> str:
    return ctx.op("stablehlo.reverse", [x], attrs=f"dimensions = {i64_array(dimensions)}")


ad.deflinear(rev_p, lambda ct, x, *, dimensions: [
    None if type(ct) is Zero else rev(ct, dimensions)])
rev_p.def_batching(lambda vals, dims, *, dimensions: (
    rev_p.bind(vals[0], dimensions=tuple(a + (a >= dims[0]) for a in dimensions)), dims[0]))


pad_p = Primitive("pad")


def pad(operand: Any, padding_value: Any, padding_config: Sequence[tuple[int, int, int]]) -> Any:
    """Pads `operand` with `padding_value`: (low, high, interior) per dimension; low/high may be
    negative (cropping)."""
    try:
        config = tuple((operator.index(lo), operator.index(hi), operator.index(i))
                       for lo, hi, i in padding_config)
    except (TypeError, ValueError):
        raise TypeError(
            f"lax.pad: padding_config must be a sequence of (low, high, interior) integer "
            f"triples, got {padding_config!r}"
        ) from None
    return pad_p.bind(operand, padding_value, padding_config=config)


@pad_p.def_abstract_eval
def _pad_abstract_eval(x: ShapedArray, v: ShapedArray, *, padding_config: tuple) -> ShapedArray:
    if x.dtype != v.dtype:
        raise TypeError(
            f"lax.pad: operand and padding_value must have the same dtype, got "
            f"{x.dtype.name} and {v.dtype.name}"
        )
    if v.shape:
        raise ValueError(f"lax.pad: padding_value must be a scalar, got shape {v.shape}")
    if len(padding_config) != x.ndim:
        raise ValueError(
            f"lax.pad: length of padding_config must equal the number of axes of operand, got "
            f"padding_config {padding_config} for operand shape {x.shape}"
        )
    if any(i < 0 for _, _, i in padding_config):
        raise ValueError(
            f"lax.pad: interior padding in padding_config must be nonnegative, got "
            f"padding_config {padding_config}"
        )
    shape = tuple(lo + hi + d + max(d - 1, 0) * i for (lo, hi, i), d in zip(padding_config, x.shape))
    if any(d < 0 for d in shape):
        raise ValueError(
            f"lax.pad: dimension size after padding is not at least 0, got result shape {shape}, "
            f"for padding_config {padding_config} and operand shape {x.shape}"
        )
    return core.shaped_array(shape, x.dtype, x.weak_type and v.weak_type)


@pad_p.def_lowering
def _pad_lower(ctx: Any, x: str, v: str, *, padding_config: tuple) -> str:
    lo, hi, interior = zip(*padding_config) if padding_config else ((), (), ())
    attrs = (f"edge_padding_low = {i64_array(lo)}, edge_padding_high = {i64_array(hi)}, "
             f"interior_padding = {i64_array(interior)}")
    return ctx.op("stablehlo.pad", [x, v], attrs=attrs)


def _pad_transpose(ct: Any, x: Any, v: Any, *, padding_config: tuple) -> list:
    """Operand: crop the edges, then take every (interior+1)-th element. Padding value: the sum of
    the cotangent over every padded position (total minus the operand's part)."""
    from xjax._src.lax.elementwise import sub
    from xjax._src.lax.reductions import reduce_sum
    from xjax._src.lax.slicing import slice as slice_

    if type(ct) is Zero:
        return [None, None]
    aval = core.get_aval(ct)
    zero = np.zeros((), aval.dtype)[()]
    unpadded = pad(ct, zero, [(-lo, -hi, 0) for lo, hi, _ in padding_config])
    shape = core.get_aval(unpadded).shape
    strides = [i + 1 for _, _, i in padding_config]
    t_x = unpadded
    if any(s != 1 for s in strides):
        t_x = slice_(unpadded, [0] * len(shape), shape, strides)
    t_v = None
    if is_undefined(v):
        axes = tuple(range(aval.ndim))
        t_v = sub(reduce_sum(ct, axes), reduce_sum(t_x, axes))
    return [t_x if is_undefined(x) else None, t_v]


ad.deflinear(pad_p, _pad_transpose)


def _pad_batch(vals: list, dims: list, *, padding_config: tuple) -> tuple[Any, int]:
    """The batch dim is not padded. A mapped padding value (JAX's way): pad with zeros, then
    select each example's value where a padded mask of True is False."""
    from xjax._src.lax.elementwise import select_n

    (x, v), (xd, vd) = vals, dims
    if xd is None:
        x, xd = move_dim(x, None, 0, batch_size(vals, dims)), 0
    config = list(padding_config)
    config.insert(xd, (0, 0, 0))
    if vd is None:
        return pad_p.bind(x, v, padding_config=tuple(config)), xd
    padded = pad(x, np.zeros((), core.get_aval(x).dtype)[()], config)
    mask = pad(full_like(x, True, dtypes.bool_), False, config)
    fill = broadcast_in_dim(v, core.get_aval(padded).shape, (xd,))
    return select_n(mask, fill, padded), xd


pad_p.def_batching(_pad_batch)


concatenate_p = Primitive("concatenate")


def concatenate(operands: Sequence[Any], dimension: int) -> Any:
    """Concatenates `operands` along `dimension`."""
    operands = tuple(operands)
    if not operands:
        raise ValueError("lax.concatenate: requires a non-empty sequence of operands")
    if len(operands) == 1 and not isinstance(operands[0], _PY_SCALARS):
        core.get_aval(operands[0])
        return operands[0]
    return concatenate_p.bind(*operands, dimension=operator.index(dimension))


@concatenate_p.def_abstract_eval
def _concatenate_abstract_eval(*xs: ShapedArray, dimension: int) -> ShapedArray:
    x0 = xs[0]
    if any(x.dtype != x0.dtype for x in xs):
        raise TypeError(
            "lax.concatenate requires arguments to have the same dtypes, got "
            + ", ".join(x.dtype.name for x in xs) + "."
        )
    shapes = tuple(x.shape for x in xs)
    if any(x.ndim != x0.ndim for x in xs):
        raise TypeError(f"lax.concatenate: cannot concatenate arrays with different numbers of "
                        f"dimensions: got {', '.join(map(str, shapes))}")
    if not 0 <= dimension < x0.ndim:
        raise TypeError(f"lax.concatenate: dimension {dimension} out of bounds for shapes "
                        f"{', '.join(map(str, shapes))}")
    drop = [tuple(d for i, d in enumerate(s) if i != dimension) for s in shapes]
    if any(d != drop[0] for d in drop):
        raise TypeError(
            "lax.concatenate: cannot concatenate arrays with shapes that differ in dimensions "
            f"other than the one being concatenated: concatenating along dimension {dimension} "
            f"for shapes {', '.join(map(str, shapes))}"
        )
    shape = list(x0.shape)
    shape[dimension] = sum(s[dimension] for s in shapes)
    return core.shaped_array(shape, x0.dtype, all(x.weak_type for x in xs))


@concatenate_p.def_lowering
def _concatenate_lower(ctx: Any, *xs: str, dimension: int) -> str:
    return ctx.op("stablehlo.concatenate", list(xs), attrs=f"dimension = {dimension} : i64")


def _concatenate_transpose(ct: Any, *xs: Any, dimension: int) -> list:
    from xjax._src.lax.slicing import slice_in_dim

    if type(ct) is Zero:
        return [None] * len(xs)
    out, start = [], 0
    for x in xs:
        n = (x.aval if is_undefined(x) else core.get_aval(x)).shape[dimension]
        out.append(slice_in_dim(ct, start, start + n, axis=dimension) if is_undefined(x) else None)
        start += n
    return out


ad.deflinear(concatenate_p, _concatenate_transpose)


def _concatenate_batch(vals: list, dims: list, *, dimension: int) -> tuple[Any, int]:
    """Every operand gets its batch dim where the first mapped one has it (unmapped ones are
    broadcast along it)."""
    size = batch_size(vals, dims)
    d = next(d for d in dims if d is not None)
    xs = [move_dim(x, xd, d, size) for x, xd in zip(vals, dims)]
    return concatenate_p.bind(*xs, dimension=dimension + (dimension >= d)), d


concatenate_p.def_batching(_concatenate_batch)


iota_p = Primitive("iota")


def iota(dtype: Any, size: int) -> Any:
    """The vector [0, 1, ..., size-1] of `dtype`."""
    return broadcasted_iota(dtype, (size,), 0)


def broadcasted_iota(dtype: Any, shape: Sequence[int], dimension: int) -> Any:
    """An array of `shape` whose values count up along `dimension`."""
    dtype = dtypes.check_user_dtype(dtype, "lax.iota")
    shape = as_shape(shape, "lax.broadcasted_iota")
    return iota_p.bind(dtype=dtype, shape=shape, dimension=operator.index(dimension))


@iota_p.def_abstract_eval
def _iota_abstract_eval(*, dtype: np.dtype, shape: tuple, dimension: int) -> ShapedArray:
    if dtype == dtypes.bool_:
        raise TypeError("lax.iota does not accept dtype bool")
    if not 0 <= dimension < len(shape):
        raise ValueError(f"lax.iota: dimension must be between 0 and len(shape), got "
                         f"dimension={dimension} for shape={shape}")
    return core.shaped_array(shape, dtype, False)


@iota_p.def_lowering
def _iota_lower(ctx: Any, *, dtype: np.dtype, shape: tuple, dimension: int) -> str:
    return ctx.op("stablehlo.iota", [], attrs=f"iota_dimension = {dimension} : i64")


ad.defjvp_zero(iota_p)
# iota has no operands, so vmap never sees it mapped: no batching rule.


def collapse(operand: Any, start_dimension: int, stop_dimension: int | None = None) -> Any:
    """Merges dimensions [start_dimension, stop_dimension) of `operand` into one."""
    shape = core.get_aval(operand).shape
    lo, hi, _ = slice(start_dimension, stop_dimension).indices(len(shape))
    if hi < lo:
        raise ValueError(f"lax.collapse: start_dimension {start_dimension} must be at most "
                         f"stop_dimension {stop_dimension} (operand shape {shape})")
    new = shape[:lo] + (prod(shape[lo:hi]),) + shape[hi:]
    return reshape(operand, new)


def _full(shape: tuple, fill_value: Any, dtype: np.dtype, weak: bool) -> Any:
    from xjax._src.lax.elementwise import convert_element_type

    if core.get_aval(fill_value).shape:
        raise TypeError(f"lax.full must be called with scalar fill_value, got fill_value.shape "
                        f"{core.get_aval(fill_value).shape}")
    return broadcast(convert_element_type(fill_value, dtype, weak), shape)


def full(shape: Sequence[int], fill_value: Any, dtype: Any = None) -> Any:
    """An array of `shape` filled with the scalar `fill_value`."""
    shape = as_shape(shape, "lax.full")
    weak = dtype is None and dtypes.is_weakly_typed(fill_value)
    dt = dtypes.dtype(fill_value) if dtype is None else dtypes.check_user_dtype(dtype, "lax.full")
    return _full(shape, fill_value, dtypes.canonicalize_dtype(dt), weak)


def full_like(x: Any, fill_value: Any, dtype: Any = None, shape: Sequence[int] | None = None) -> Any:
    """An array like `x` (shape, dtype, weak type) filled with `fill_value`."""
    aval = core.get_aval(x)
    weak = dtype is None and aval.weak_type
    dt = aval.dtype if dtype is None else dtypes.check_user_dtype(dtype, "lax.full_like")
    shp = aval.shape if shape is None else as_shape(shape, "lax.full_like")
    return _full(shp, fill_value, dt, weak)



def broadcast_shapes(*shapes: Sequence[int]) -> tuple[int, ...]:
    """The shape NumPy broadcasting of `shapes` gives (ranks are aligned on the right).

    xjax implementation of `jax.lax.broadcast_shapes`; raises ValueError for incompatible
    shapes. Example: broadcast_shapes((3, 1), (4,)) == (3, 4).
    """
    fn = "lax.broadcast_shapes"
    if not shapes:
        raise TypeError(f"{fn}: needs at least one shape")
    shapes = tuple(tuple(operator.index(d) for d in s) for s in shapes)
    if any(d < 0 for s in shapes for d in s):
        bad = next(s for s in shapes if any(d < 0 for d in s))
        raise TypeError(f"{fn}: only non-negative sizes are allowed, got shape {bad}.")
    rank = max(len(s) for s in shapes)
    out = []
    for ds in zip(*((1,) * (rank - len(s)) + s for s in shapes)):
        sizes = {d for d in ds if d != 1}
        if len(sizes) > 1:
            raise ValueError(
                f"Incompatible shapes for broadcasting: shapes={list(shapes)} ({fn}). Fix: make "
                "each dimension equal or 1."
            )
        out.append(sizes.pop() if sizes else 1)
    return tuple(out)


def broadcast_to_rank(x: Any, rank: int) -> Any:
    """`x` with leading size-1 dimensions added up to rank `rank` (unchanged if it has at
    least that rank). xjax implementation of `jax.lax.broadcast_to_rank`."""
    return broadcast(x, (1,) * max(operator.index(rank) - core.get_aval(x).ndim, 0))


def empty(shape: Any, dtype: Any, *, out_sharding: Any = None) -> Any:
    """An array of `shape` and `dtype` whose values are unspecified (xjax implementation of
    `jax.lax.empty`; on CPU, as in JAX, they are zeros)."""
    if out_sharding is not None:
        raise NotImplementedError("lax.empty: out_sharding is not supported yet; pass None")
    return full(shape, 0, dtypes.check_user_dtype(dtype, "lax.empty"))


# -- tile ----------------------------------------------------------------------------------

tile_p = Primitive("tile")


def tile(operand: Any, reps: Sequence[int]) -> Any:
    """`operand` repeated reps[i] times along each dimension i (len(reps) == operand.ndim).

    xjax implementation of `jax.lax.tile`: the result has shape
    (shape[0] * reps[0], ..., shape[-1] * reps[-1]). Example: tile([1, 2], (2,)) == [1, 2, 1, 2].
    """
    return tile_p.bind(operand, reps=as_shape(tuple(reps), "lax.tile", "reps"))


@tile_p.def_abstract_eval
def _tile_abstract_eval(x: ShapedArray, *, reps: tuple) -> ShapedArray:
    if len(reps) != x.ndim:
        raise TypeError(
            f"lax.tile: reps length must be equal to the ndim of x, got len(reps)={len(reps)} "
            f"and x.ndim={x.ndim} (x {x.str_short()}). Fix: give one repeat count per dimension."
        )
    return x.update(shape=tuple(d * r for d, r in zip(x.shape, reps)))


@tile_p.def_lowering
def _tile_lower(ctx: Any, x: str, *, reps: tuple) -> str:
    """Broadcast to (r0, d0, r1, d1, ...) and merge each pair."""
    aval = ctx.avals_in[0]
    pairs = tuple(n for r, d in zip(reps, aval.shape) for n in (r, d))
    wide = aval.update(shape=pairs, weak_type=False)
    dims = i64_array(tuple(range(1, 2 * aval.ndim, 2)))
    y = ctx.op("stablehlo.broadcast_in_dim", [x], wide, attrs=f"broadcast_dimensions = {dims}",
               operand_avals=[aval])
    return ctx.op("stablehlo.reshape", [y], operand_avals=[wide])


def _tile_transpose(ct: Any, x: Any, *, reps: tuple) -> list:
    """The cotangent summed over the copies: reshape to (r0, d0, r1, d1, ...), sum the r's."""
    from xjax._src.lax.reductions import reduce_sum

    if type(ct) is Zero:
        return [None]
    shape = x.aval.shape
    split = reshape(ct, tuple(n for r, d in zip(reps, shape) for n in (r, d)))
    return [reduce_sum(split, tuple(range(0, 2 * len(shape), 2)))]


ad.deflinear(tile_p, _tile_transpose)
tile_p.def_batching(lambda vals, dims, *, reps: (
    tile_p.bind(vals[0], reps=reps[: dims[0]] + (1,) + reps[dims[0]:]), dims[0]))
