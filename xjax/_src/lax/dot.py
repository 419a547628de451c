"""dot_general and conv_general_dilated."""

from __future__ import annotations

from typing import Any

from xjax._src import core, dtypes
from xjax._src.core import Primitive, ShapedArray
from xjax._src.lax._rules import check_dtype

DotDims = tuple[tuple[tuple[int, ...], tuple[int, ...]], tuple[tuple[int, ...], tuple[int, ...]]]

dot_general_p = Primitive("dot_general")


def _canon_dims(dimension_numbers: Any) -> DotDims:
    (lc, rc), (lb, rb) = dimension_numbers
    return (tuple(map(int, lc)), tuple(map(int, rc))), (tuple(map(int, lb)), tuple(map(int, rb)))


def dot_general(
    lhs: Any,
    rhs: Any,
    dimension_numbers: Any,
    precision: Any = None,
    preferred_element_type: Any = None,
) -> Any:
    """General tensor contraction: ((lhs_contract, rhs_contract), (lhs_batch, rhs_batch)).

    Output dims: batch dims, then lhs free dims, then rhs free dims.
    """
    pet = None if preferred_element_type is None else dtypes.check_user_dtype(
        preferred_element_type, "lax.dot_general")
    return dot_general_p.bind(lhs, rhs, dimension_numbers=_canon_dims(dimension_numbers),
                              precision=None if precision is None else str(precision),
                              preferred_element_type=pet)


@dot_general_p.def_abstract_eval
def _dot_general_abstract_eval(lhs: ShapedArray, rhs: ShapedArray, *, dimension_numbers: DotDims,
                               precision: Any, preferred_element_type: Any) -> ShapedArray:
    (lc, rc), (lb, rb) = dimension_numbers
    name = "lax.dot_general"
    check_dtype(name, lhs, dtypes.ALL, 0)
    check_dtype(name, rhs, dtypes.ALL, 1)
    if lhs.dtype != rhs.dtype:
        raise TypeError(f"{name} requires operands of the same dtype, got {lhs.dtype.name} and {rhs.dtype.name}")
    if len(lc) != len(rc) or len(lb) != len(rb):
        raise TypeError(f"{name}: contracting/batch dimension counts differ: {dimension_numbers}")
    for dims, aval, side in ((lc + lb, lhs, "lhs"), (rc + rb, rhs, "rhs")):
        if len(set(dims)) != len(dims) or any(not 0 <= d < aval.ndim for d in dims):
            raise TypeError(f"{name}: invalid {side} dimensions {dims} for shape {aval.shape}")
    for a, b in zip(lc + lb, rc + rb):
        if lhs.shape[a] != rhs.shape[b]:
            raise TypeError(
                f"{name}: dimension {a} of lhs {lhs.shape} does not match dimension {b} of rhs "
                f"{rhs.shape} (dimension_numbers {dimension_numbers})"
            )
    batch = tuple(lhs.shape[d] for d in lb)
    lfree = tuple(d for i, d in enumerate(lhs.shape) if i not in lc and i not in lb)
    rfree = tuple(d for i, d in enumerate(rhs.shape) if i not in rc and i not in rb)
    dt = lhs.dtype if preferred_element_type is None else preferred_element_type
    weak = lhs.weak_type and rhs.weak_type and preferred_element_type is None
    return core.shaped_array(batch + lfree + rfree, dt, weak)


@dot_general_p.def_lowering
def _dot_general_lower(ctx: Any, lhs: str, rhs: str, *, dimension_numbers: DotDims,
                       precision: Any, preferred_element_type: Any) -> str:
    (lc, rc), (lb, rb) = dimension_numbers
    l_aval, r_aval = ctx.avals_in
    out = ctx.avals_out[0]
    if out.dtype != l_aval.dtype:  # accumulate in the preferred type: convert operands first
        l_aval2, r_aval2 = l_aval.update(dtype=out.dtype), r_aval.update(dtype=out.dtype)
        lhs = ctx.op("stablehlo.convert", [lhs], l_aval2, operand_avals=[l_aval])
        rhs = ctx.op("stablehlo.convert", [rhs], r_aval2, operand_avals=[r_aval])
        l_aval, r_aval = l_aval2, r_aval2
    dn = (
        "#stablehlo.dot<"
        f"lhs_batching_dimensions = [{', '.join(map(str, lb))}], "
        f"rhs_batching_dimensions = [{', '.join(map(str, rb))}], "
        f"lhs_contracting_dimensions = [{', '.join(map(str, lc))}], "
        f"rhs_contracting_dimensions = [{', '.join(map(str, rc))}]>"
    )
    return ctx.op("stablehlo.dot_general", [lhs, rhs], out, attrs=f"dot_dimension_numbers = {dn}",
                  operand_avals=[l_aval, r_aval])


def dot(lhs: Any, rhs: Any, precision: Any = None, preferred_element_type: Any = None) -> Any:
    """Vector/matrix product: contracts the last dim of lhs with the first of rhs (rank <= 2)."""
    la, ra = core.get_aval(lhs), core.get_aval(rhs)
    if la.ndim not in (1, 2) or ra.ndim not in (1, 2):
        raise TypeError(f"lax.dot requires rank 1 or 2 operands, got shapes {la.shape} and {ra.shape}")
    return dot_general(lhs, rhs, (((la.ndim - 1,), (0,)), ((), ())), precision, preferred_element_type)


