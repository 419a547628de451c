"""The gather primitive (XLA Gather), with JAX's dimension numbers and out-of-bounds modes.

As in JAX, `index_vector_dim` is implicit: it is always the last dimension of the indices.
Out-of-bounds handling (`GatherScatterMode`) follows JAX: CLIP/PROMISE_IN_BOUNDS use XLA's
clamping, FILL_OR_DROP masks the result (JAX's `_gather_fill`). The scatters (scatter.py) share
the mode, the argument checks and the batching helpers defined here. The public names are
exported through `xjax._src.lax.slicing` (the family module).
"""

from __future__ import annotations

import enum
import operator
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from xjax._src import core, dtypes
from xjax._src.core import Primitive, ShapedArray
from xjax._src.errors import ConcretizationTypeError
from xjax._src.interpreters import ad
from xjax._src.interpreters.ad import Zero, is_undefined
from xjax._src.interpreters.batching import move_dim
from xjax._src.interpreters.lowering import i64_array
from xjax._src.lax._rules import compare_op


def _static_ints(xs: Any, fn: str, name: str) -> tuple[int, ...]:
    """A tuple of concrete Python ints (negative allowed), or an error naming `fn` and `name`."""
    if isinstance(xs, (int, np.integer)) or not isinstance(xs, (tuple, list, np.ndarray)):
        raise TypeError(f"{fn}: {name} must be a tuple/list of integers, got {xs!r}")
    out = []
    for d in xs:
        if isinstance(d, core.Tracer):
            raise core.concretization_error(
                d,
                ConcretizationTypeError,
                f"{fn}: {name} must be concrete",
                "mark the argument static (jit(f, static_argnums=...)) or use x.shape",
            )
        try:
            out.append(operator.index(d))
        except TypeError:
            raise TypeError(f"{fn}: {name} must be a sequence of integers, got {xs!r}") from None
    return tuple(out)


# -- gather ----------------------------------------------------------------------------------


class GatherDimensionNumbers(NamedTuple):
    """How operand, start_indices and output dimensions of a gather relate (XLA's Gather).

    `index_vector_dim` is implicit: always the last dimension of `start_indices`.
    """

    offset_dims: tuple[int, ...]
    collapsed_slice_dims: tuple[int, ...]
    start_index_map: tuple[int, ...]
    operand_batching_dims: tuple[int, ...] = ()
    start_indices_batching_dims: tuple[int, ...] = ()


class GatherScatterMode(enum.Enum):
    """How gather/scatter treat out-of-bounds indices: CLIP, FILL_OR_DROP or PROMISE_IN_BOUNDS."""

    CLIP = enum.auto()
    FILL_OR_DROP = enum.auto()
    PROMISE_IN_BOUNDS = enum.auto()
    ONE_HOT = enum.auto()

    def __repr__(self) -> str:
        return f"GatherScatterMode.{self.name}"

    __str__ = __repr__

    @staticmethod
    def from_any(s: str | GatherScatterMode | None) -> GatherScatterMode:
        if isinstance(s, GatherScatterMode):
            return s
        if s == "clip":
            return GatherScatterMode.CLIP
        if s is None or s == "fill" or s == "drop":
            return GatherScatterMode.FILL_OR_DROP
        if s == "promise_in_bounds":
            return GatherScatterMode.PROMISE_IN_BOUNDS
        if s == "one_hot":
            return GatherScatterMode.ONE_HOT
        raise ValueError(f'Unknown gather mode "{s}"')


def _canonical_dnums(dn: Any, cls: type, fn: str) -> Any:
    if not isinstance(dn, cls):
        raise TypeError(
            f"{fn}: dimension_numbers must be a lax.{cls.__name__}, got {type(dn).__name__}"
        )
    return cls(
        *(
            _static_ints(tuple(f), fn, f"dimension_numbers.{name}")
            for f, name in zip(dn, cls._fields)
        )
    )


def _default_fill(dtype: np.dtype) -> Any:
    if dtypes.is_inexact(dtype):
        return np.nan
    if dtypes.issubdtype(dtype, np.signedinteger):
        return int(np.iinfo(dtype).min)
    if dtypes.issubdtype(dtype, np.unsignedinteger):
        return int(np.iinfo(dtype).max)
    return True


def _canonical_fill(value: Any, dtype: np.dtype) -> Any:
    """A hashable Python scalar; NaN is always the `np.nan` object so cache keys compare equal."""
    v = np.asarray(value, dtype).item()
    if isinstance(v, float) and np.isnan(v):
        return np.nan
    return v


gather_p = Primitive("gather")


def gather(
    operand: Any,
    start_indices: Any,
    dimension_numbers: GatherDimensionNumbers,
    slice_sizes: Sequence[int],
    *,
    unique_indices: bool = False,
    indices_are_sorted: bool = False,
    mode: str | GatherScatterMode | None = None,
    fill_value: Any = None,
) -> Any:
    """XLA Gather: slices of `operand` at `start_indices` (index vector = last dimension)."""
    fn = "lax.gather"
    dnums = _canonical_dnums(dimension_numbers, GatherDimensionNumbers, fn)
    sizes = _static_ints(slice_sizes, fn, "slice_sizes")
    parsed = (
        GatherScatterMode.PROMISE_IN_BOUNDS if mode is None else GatherScatterMode.from_any(mode)
    )
    if parsed == GatherScatterMode.ONE_HOT:
        raise NotImplementedError(f"{fn}: mode ONE_HOT is not supported by xjax")
    if parsed == GatherScatterMode.FILL_OR_DROP:
        dt = core.get_aval(operand).dtype
        fill_value = _canonical_fill(_default_fill(dt) if fill_value is None else fill_value, dt)
    else:
        fill_value = None
    return gather_p.bind(
        operand, start_indices, dimension_numbers=dnums, slice_sizes=sizes,
        unique_indices=bool(unique_indices), indices_are_sorted=bool(indices_are_sorted),
        mode=parsed, fill_value=fill_value,
    )  # fmt: skip


def _check_dims(fn: str, name: str, dims: tuple, rank: int, *, sorted_: bool = True) -> None:
    if sorted_ and list(dims) != sorted(dims):
        raise TypeError(f"{fn}: {name} {dims} must be sorted")
    if len(set(dims)) != len(dims):
        raise TypeError(f"{fn}: {name} {dims} must not repeat")
    bad = [d for d in dims if not 0 <= d < rank]
    if bad:
        raise TypeError(f"{fn}: {name} {dims} out of range; valid dimensions are [0, {rank})")


def _check_disjoint(fn: str, n1: str, d1: tuple, n2: str, d2: tuple) -> None:
    if set(d1) & set(d2):
        raise TypeError(f"{fn}: {n1} {d1} and {n2} {d2} must be disjoint")


def _check_batching(
    fn: str, op: ShapedArray, idx: ShapedArray, op_dims: tuple, idx_dims: tuple, idx_name: str
) -> None:
    _check_dims(fn, "operand_batching_dims", op_dims, op.ndim)
    _check_dims(fn, idx_name, idx_dims, idx.ndim, sorted_=False)
    if idx.ndim - 1 in idx_dims:
        raise TypeError(
            f"{fn}: {idx_name} {idx_dims} must not contain the index vector dimension {idx.ndim - 1}"
        )
    if len(op_dims) != len(idx_dims):
        raise TypeError(
            f"{fn}: operand_batching_dims {op_dims} and {idx_name} {idx_dims} must have equal lengths"
        )
    ob = tuple(op.shape[i] for i in op_dims)
    ib = tuple(idx.shape[i] for i in idx_dims)
    if ob != ib:
        raise TypeError(
            f"{fn}: operand batching dimensions have shape {ob} but the indices batching "
            f"dimensions have shape {ib}; they must be equal"
        )


def _check_indices(fn: str, idx: ShapedArray) -> None:
    if not dtypes.is_integer(idx.dtype):
        raise ValueError(f"{fn}: indices must have an integer type, got {idx.dtype.name}")
    if idx.ndim < 1:
        raise TypeError(
            f"{fn}: indices must have rank >= 1 (the last dimension is the index vector), got shape "
            f"{idx.shape}; add a trailing dimension of size 1 to gather with scalar indices"
        )


def _check_dnums(fn: str, x: ShapedArray, idx: ShapedArray, dn: Any, window_rank: int) -> None:
    """Checks shared by gather and scatter, whose dimension numbers have the same five fields in
    the same order: window, collapsed (inserted), index map, operand and indices batching dims."""
    window, collapsed, index_map, op_bdims, idx_bdims = dn
    n_window, n_collapsed, n_map, _, n_idx_bdims = dn._fields
    _check_dims(fn, n_window, window, window_rank)
    if len(index_map) != idx.shape[-1]:
        raise TypeError(
            f"{fn}: {n_map} {index_map} has {len(index_map)} entries but the index vector (last "
            f"dimension of indices, shape {idx.shape}) has size {idx.shape[-1]}"
        )
    _check_dims(fn, n_map, index_map, x.ndim, sorted_=False)
    _check_dims(fn, n_collapsed, collapsed, x.ndim)
    _check_batching(fn, x, idx, op_bdims, idx_bdims, n_idx_bdims)
    _check_disjoint(fn, n_collapsed, collapsed, "operand_batching_dims", op_bdims)
    _check_disjoint(fn, n_map, index_map, "operand_batching_dims", op_bdims)
    if len(window) + len(collapsed) + len(op_bdims) != x.ndim:
        kind = "an offset" if n_window == "offset_dims" else "an update window"
        raise TypeError(
            f"{fn}: every operand dimension must be {kind} dimension or collapsed/batching: "
            f"{n_window} {window}, {n_collapsed} {collapsed} and operand_batching_dims {op_bdims} "
            f"must together cover the {x.ndim} operand dimensions (operand shape {x.shape})"
        )


@gather_p.def_abstract_eval
def _gather_abstract_eval(
    x: ShapedArray, idx: ShapedArray, *, dimension_numbers: GatherDimensionNumbers,
    slice_sizes: tuple, **_: Any,
) -> ShapedArray:  # fmt: skip
    fn = "lax.gather"
    dn = dimension_numbers
    _check_indices(fn, idx)
    _check_dnums(fn, x, idx, dn, len(dn.offset_dims) + idx.ndim - 1)
    if len(slice_sizes) != x.ndim:
        raise TypeError(
            f"{fn}: slice_sizes {slice_sizes} must have one entry per operand dimension "
            f"(operand shape {x.shape})"
        )
    if idx.size and any(not 0 <= s <= d for s, d in zip(slice_sizes, x.shape)):
        raise TypeError(
            f"{fn}: slice_sizes {slice_sizes} must be >= 0 and <= operand shape {x.shape}"
        )
    for name, dims in (
        ("collapsed_slice_dims", dn.collapsed_slice_dims),
        ("operand_batching_dims", dn.operand_batching_dims),
    ):
        bad = [
            d
            for d in dims
            if slice_sizes[d] > 1 or (name == "collapsed_slice_dims" and slice_sizes[d] != 1)
        ]
        if bad:
            raise TypeError(f"{fn}: {name} {dims} need slice size 1, got slice_sizes {slice_sizes}")
    return core.shaped_array(_gather_shape(idx.shape, dn, slice_sizes), x.dtype, x.weak_type)


def _gather_shape(idx_shape: tuple, dn: GatherDimensionNumbers, slice_sizes: tuple) -> tuple:
    batch = iter(idx_shape[:-1])
    skip = set(dn.collapsed_slice_dims) | set(dn.operand_batching_dims)
    window = iter(s for i, s in enumerate(slice_sizes) if i not in skip)
    rank = len(dn.offset_dims) + len(idx_shape) - 1
    return tuple(next(window) if i in dn.offset_dims else next(batch) for i in range(rank))


def _dims_attr(**fields: Any) -> str:
    """`k = [..], ...` for a #stablehlo.gather/scatter struct; empty lists are omitted."""
    parts = []
    for k, v in fields.items():
        if isinstance(v, int):
            parts.append(f"{k} = {v}")
        elif v:
            parts.append(f"{k} = [{', '.join(map(str, v))}]")
    return ", ".join(parts)


def _bcast(ctx: Any, x: str, aval: ShapedArray, shape: tuple, dims: Sequence[int]) -> str:
    out = core.shaped_array(shape, aval.dtype)
    return ctx.op(
        "stablehlo.broadcast_in_dim",
        [x],
        out,
        operand_avals=[aval],
        attrs=f"broadcast_dimensions = {i64_array(dims)}",
    )


def _index_dtype(shape: tuple) -> np.dtype:
    return dtypes.int32 if all(d < 2**31 for d in shape) else dtypes.int64


@gather_p.def_lowering
def _gather_lower(
    ctx: Any, x: str, idx: str, *, dimension_numbers: GatherDimensionNumbers, slice_sizes: tuple,
    indices_are_sorted: bool, mode: Any, fill_value: Any, **_: Any,
) -> str:  # fmt: skip
    x_aval, idx_aval = ctx.avals_in
    out_aval = ctx.avals_out[0]
    if out_aval.size == 0:
        return ctx.constant(np.zeros((), out_aval.dtype), out_aval)
    if mode == GatherScatterMode.FILL_OR_DROP:
        # JAX's _gather_fill: gather in-bounds, then select fill_value where any start index
        # is outside [0, dim - slice_size].
        dn = dimension_numbers
        it = _index_dtype(x_aval.shape)
        if idx_aval.dtype != it:
            i_aval = idx_aval.update(dtype=it, weak_type=False)
            idx = ctx.op("stablehlo.convert", [idx], i_aval, operand_avals=[idx_aval])
            idx_aval = i_aval
        out = _gather_op(
            ctx, x, idx, x_aval, idx_aval, dn, slice_sizes, indices_are_sorted, out_aval
        )
        k = idx_aval.shape[-1]
        nb = idx_aval.ndim - 1
        vec = core.shaped_array((k,), it)
        upper = [x_aval.shape[d] - slice_sizes[d] for d in dn.start_index_map]
        upper = _bcast(ctx, ctx.constant(np.array(upper, it), vec), vec, idx_aval.shape, (nb,))
        zero = ctx.constant(np.zeros((), it), idx_aval)
        ok = ctx.op(
            "stablehlo.and",
            [
                compare_op(ctx, idx, zero, idx_aval, "GE"),
                compare_op(ctx, idx, upper, idx_aval, "LE"),
            ],
            core.shaped_array(idx_aval.shape, dtypes.bool_),
            operand_avals=[core.shaped_array(idx_aval.shape, dtypes.bool_)] * 2,
        )
        mask = _reduce_and_last(ctx, ok, idx_aval.shape)
        mask_aval = core.shaped_array(idx_aval.shape[:-1], dtypes.bool_)
        batch_out = [d for d in range(out_aval.ndim) if d not in dn.offset_dims]
        mask = _bcast(ctx, mask, mask_aval, out_aval.shape, batch_out)
        s_aval = core.shaped_array((), out_aval.dtype)  # a scalar: NaN splats print as raw bytes
        fill = ctx.constant(np.asarray(fill_value, out_aval.dtype), s_aval)
        fill = _bcast(ctx, fill, s_aval, out_aval.shape, ())
        pred = core.shaped_array(out_aval.shape, dtypes.bool_)
        avals = [pred, out_aval, out_aval]
        return ctx.op("stablehlo.select", [mask, out, fill], out_aval, operand_avals=avals)
    return _gather_op(
        ctx, x, idx, x_aval, idx_aval, dimension_numbers, slice_sizes, indices_are_sorted, out_aval
    )


def _gather_op(
    ctx: Any, x: str, idx: str, x_aval: ShapedArray, idx_aval: ShapedArray, dn: Any,
    slice_sizes: tuple, sorted_: bool, out_aval: ShapedArray,
) -> str:  # fmt: skip
    dims = _dims_attr(
        offset_dims=dn.offset_dims,
        collapsed_slice_dims=dn.collapsed_slice_dims,
        operand_batching_dims=dn.operand_batching_dims,
        start_indices_batching_dims=dn.start_indices_batching_dims,
        start_index_map=dn.start_index_map,
        index_vector_dim=idx_aval.ndim - 1,
    )
    return ctx.op(
        "stablehlo.gather",
        [x, idx],
        out_aval,
        operand_avals=[x_aval, idx_aval],
        attrs=f"dimension_numbers = #stablehlo.gather<{dims}>, "
        f"indices_are_sorted = {str(bool(sorted_)).lower()}, slice_sizes = {i64_array(slice_sizes)}",
    )


def _reduce_and_last(ctx: Any, x: str, shape: tuple) -> str:
    b = core.shaped_array((), dtypes.bool_)
    init = ctx.constant(np.array(True), b)
    body = ctx.region(
        [b, b], [b], lambda p, q: [ctx.op("stablehlo.and", [p, q], b, operand_avals=[b, b])]
    )
    return ctx.op(
        "stablehlo.reduce",
        [x, init],
        core.shaped_array(shape[:-1], dtypes.bool_),
        operand_avals=[core.shaped_array(shape, dtypes.bool_), b],
        regions=[body],
        attrs=f"dimensions = {i64_array([len(shape) - 1])}",
    )


# -- differentiation -------------------------------------------------------------------------
# As JAX's rules (jax/_src/lax/slicing.py): gather is linear in the operand and transposes to a
# scatter-add of the cotangent.


def _gather_jvp(t: Any, ans: Any, x: Any, idx: Any, *, fill_value: Any, **params: Any) -> Any:
    fill = None if fill_value is None else _canonical_fill(0, core.get_aval(t).dtype)
    return gather_p.bind(t, idx, fill_value=fill, **params)


def _gather_transpose(
    ct: Any, x: Any, idx: Any, *, dimension_numbers: GatherDimensionNumbers,
    unique_indices: bool, indices_are_sorted: bool, mode: Any, **_: Any,
) -> list:  # fmt: skip
    """Scatter-adds the cotangent into zeros with the matching dimension numbers and mode."""
    from xjax._src.lax.scatter import ScatterDimensionNumbers, scatter_add

    assert is_undefined(x) and not is_undefined(idx)
    if type(ct) is Zero:
        return [None, None]
    dn = dimension_numbers
    sdn = ScatterDimensionNumbers(*dn)  # the same five fields in the same order
    zeros = ad.zeros_like_aval(ad.tangent_aval(x.aval))
    out = scatter_add(
        zeros, idx, ct, sdn, indices_are_sorted=indices_are_sorted,
        unique_indices=unique_indices, mode=mode,
    )  # fmt: skip
    return [out, None]


ad.defjvp(gather_p, _gather_jvp, None)
gather_p.def_transpose(_gather_transpose)


# -- batching --------------------------------------------------------------------------------
# As JAX's rules (jax/_src/lax/slicing.py), with the operand's and the indices' batch dims left
# where they are when the dimension numbers can name them there: a mapped operand alone adds an
# offset (window) dimension, mapped indices alone add an indices batch dimension, and both
# mapped pair up through operand_batching_dims / start_indices_batching_dims. Scatters move the
# batch dims of all three inputs to the front (the updates' window dims must follow the
# operand's order, so a mapped operand forces the updates' layout anyway).


def _bump(dims: Sequence[int], at: int) -> tuple[int, ...]:
    """`dims` renumbered for a new dimension inserted at position `at`."""
    return tuple(d + (d >= at) for d in dims)


def _insert(t: tuple, i: int, v: Any) -> tuple:
    return (*t[:i], v, *t[i:])


def _gather_out_pos(dn: GatherDimensionNumbers, idx_rank: int, nth: int, offset: bool) -> int:
    """Where a new output dimension goes so that `nth` offset (or non-offset) dims precede it."""
    out_rank = len(dn.offset_dims) + idx_rank - 1
    kind = [p for p in range(out_rank) if (p in dn.offset_dims) == offset]
    return kind[nth - 1] + 1 if nth > 0 else 0


def _gather_batch(
    vals: list, dims: list, *, dimension_numbers: GatherDimensionNumbers, slice_sizes: tuple,
    unique_indices: bool, indices_are_sorted: bool, **params: Any,
) -> tuple:  # fmt: skip
    (x, idx), (xd, idd) = vals, dims
    dn, sizes = dimension_numbers, slice_sizes
    if idd is not None and idd == core.get_aval(idx).ndim - 1:
        idd -= 1  # a batch dim after the index vector: put it just before (the vector is last)
        idx = move_dim(idx, idd + 1, idd, 0)
    idx_rank = core.get_aval(idx).ndim - (idd is not None)  # per example
    if xd is not None:
        size = core.get_aval(x).shape[xd]
        dn = dn._replace(
            collapsed_slice_dims=_bump(dn.collapsed_slice_dims, xd),
            start_index_map=_bump(dn.start_index_map, xd),
            operand_batching_dims=_bump(dn.operand_batching_dims, xd),
        )
    if idd is None:  # mapped operand: one more offset dimension, at its place in the window
        skip = set(dn.collapsed_slice_dims) | set(dn.operand_batching_dims)
        out_d = _gather_out_pos(dn, idx_rank, sum(i not in skip for i in range(xd)), offset=True)
        dn = dn._replace(offset_dims=tuple(sorted((*_bump(dn.offset_dims, out_d), out_d))))
        sizes = _insert(sizes, xd, size)
    else:  # mapped indices: one more batch dimension of the indices and the output
        out_d = _gather_out_pos(dn, idx_rank, idd, offset=False)
        idx_bdims = _bump(dn.start_indices_batching_dims, idd)
        dn = dn._replace(
            offset_dims=_bump(dn.offset_dims, out_d), start_indices_batching_dims=idx_bdims
        )
        if xd is None:  # gathers from one operand need not be sorted or unique across examples
            unique_indices = indices_are_sorted = False
        else:  # both mapped: the two batch dims pair up as operand / indices batching dims
            j = sum(d < xd for d in dn.operand_batching_dims)
            dn = dn._replace(
                operand_batching_dims=_insert(dn.operand_batching_dims, j, xd),
                start_indices_batching_dims=_insert(idx_bdims, j, idd),
            )
            sizes = _insert(sizes, xd, min(size, 1))
    out = gather_p.bind(x, idx, dimension_numbers=dn, slice_sizes=sizes,
                        unique_indices=unique_indices, indices_are_sorted=indices_are_sorted,
                        **params)  # fmt: skip
    return out, out_d


gather_p.def_batching(_gather_batch)
