"""Contractions: dot_general (and its wrappers dot, batch_matmul) and conv_general_dilated
(and its wrappers conv, conv_with_general_padding, conv_transpose)."""

from __future__ import annotations

import enum
import operator
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from xjax._src import core, dtypes
from xjax._src.core import Primitive, ShapedArray
from xjax._src.interpreters.lowering import i64_array
from xjax._src.lax.windowed import pads_attr, padtype_to_pads

__all__ = [
    "ConvDimensionNumbers",
    "ConvGeneralDilatedDimensionNumbers",
    "Precision",
    "PrecisionLike",
    "batch_matmul",
    "conv",
    "conv_dimension_numbers",
    "conv_general_dilated",
    "conv_general_dilated_p",
    "conv_general_permutations",
    "conv_general_shape_tuple",
    "conv_shape_tuple",
    "conv_transpose",
    "conv_transpose_shape_tuple",
    "conv_with_general_padding",
    "dot",
    "dot_general",
    "dot_general_p",
]


# ---------------------------------------------------------------------------------------------
# Precision


class Precision(enum.Enum):
    """Precision of matrix-multiply-like ops (only affects float32 on TPU/GPU; none on CPU).

    DEFAULT (aliases 'default', 'fastest', 'bfloat16'), HIGH ('high', 'bfloat16_3x',
    'tensorfloat32'), HIGHEST ('highest', 'float32').
    """

    DEFAULT = 0
    HIGH = 1
    HIGHEST = 2

    @classmethod
    def _missing_(cls, value: object) -> Precision | None:
        return _PRECISION_STRINGS.get(value)  # type: ignore[arg-type]

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}.{self.name}"

    def __str__(self) -> str:
        return self.name


_PRECISION_STRINGS: dict[Any, Precision] = {
    "highest": Precision.HIGHEST,
    "float32": Precision.HIGHEST,
    "high": Precision.HIGH,
    "bfloat16_3x": Precision.HIGH,
    "tensorfloat32": Precision.HIGH,
    "default": Precision.DEFAULT,
    "bfloat16": Precision.DEFAULT,
    "fastest": Precision.DEFAULT,
}

PrecisionLike = None | str | Precision | tuple[str, str] | tuple[Precision, Precision]
CanonicalPrecision = None | tuple[Precision, Precision]


def canonicalize_precision(precision: Any, fn: str = "lax.dot_general") -> CanonicalPrecision:
    """None, or a pair of Precision values (hashable: a primitive param)."""
    if precision is None:
        from xjax._src.config import config

        default = config.jax_default_matmul_precision
        return None if default is None else canonicalize_precision(default, fn)
    if isinstance(precision, str) and precision in _PRECISION_STRINGS:
        p = _PRECISION_STRINGS[precision]
        return p, p
    if isinstance(precision, Precision):
        return precision, precision
    if isinstance(precision, (list, tuple)) and len(precision) == 2:
        if all(isinstance(p, Precision) for p in precision):
            return tuple(precision)  # type: ignore[return-value]
        if all(isinstance(p, str) and p in _PRECISION_STRINGS for p in precision):
            return _PRECISION_STRINGS[precision[0]], _PRECISION_STRINGS[precision[1]]
    raise ValueError(
        f"{fn}: precision must be one of None, a string in {list(_PRECISION_STRINGS)}, a "
        f"lax.Precision value, or a tuple of two lax.Precision values or strings; got {precision!r}."
        " (DotAlgorithm / DotAlgorithmPreset are not supported by xjax.)"
    )


def _precision_attr(precision: CanonicalPrecision) -> str:
    pair = (Precision.DEFAULT, Precision.DEFAULT) if precision is None else precision
    return "[" + ", ".join(f"#stablehlo<precision {p.name}>" for p in pair) + "]"


def _check_out_sharding(out_sharding: Any, fn: str) -> None:
    if out_sharding is not None:
        raise NotImplementedError(f"{fn}: out_sharding is not supported yet; pass None")


def _user_dtype(dt: Any, fn: str) -> np.dtype | None:
    return None if dt is None else dtypes.check_user_dtype(dt, fn)


# ---------------------------------------------------------------------------------------------
# dot_general

DotDims = tuple[tuple[tuple[int, ...], tuple[int, ...]], tuple[tuple[int, ...], tuple[int, ...]]]

dot_general_p = Primitive("dot_general")


def _index_tuple(x: Any, fn: str, what: str) -> tuple[int, ...]:
    try:
        return (operator.index(x),) if np.ndim(x) == 0 else tuple(operator.index(i) for i in x)
    except TypeError:
        raise TypeError(f"{fn}: {what} must be integers, got {x!r}") from None


def _canon_dims(dimension_numbers: Any, fn: str) -> DotDims:
    try:
        (lc, rc), (lb, rb) = dimension_numbers
    except (TypeError, ValueError):
        raise TypeError(
            f"{fn}: dimension_numbers must be ((lhs_contracting, rhs_contracting), "
            f"(lhs_batch, rhs_batch)), got {dimension_numbers!r}"
        ) from None
    t = lambda x: _index_tuple(x, fn, "dimension_numbers entries")
    return (t(lc), t(rc)), (t(lb), t(rb))


def dot_general(
    lhs: Any,
    rhs: Any,
    dimension_numbers: Any,
    precision: PrecisionLike = None,
    preferred_element_type: Any = None,
    out_sharding: Any = None,
) -> Any:
    """General tensor contraction, `dimension_numbers` = ((lhs_contract, rhs_contract),
    (lhs_batch, rhs_batch)).

    Output dims: batch dims, then the free dims of lhs, then the free dims of rhs.
    """
    fn = "lax.dot_general"
    _check_out_sharding(out_sharding, fn)
    return dot_general_p.bind(
        lhs,
        rhs,
        dimension_numbers=_canon_dims(dimension_numbers, fn),
        precision=canonicalize_precision(precision, fn),
        preferred_element_type=_user_dtype(preferred_element_type, fn),
    )


def _type_properties(dt: np.dtype) -> tuple:
    # XLA's HigherPrecisionType ordering (as JAX's dot_general dtype rule).
    c = dtypes.real_dtype(dt) if dtypes.is_complex(dt) else dt
    fl = dtypes.is_floating(c)
    bits = 1 if c == dtypes.bool_ else 8 * c.itemsize
    return (
        dtypes.is_complex(dt),
        int(dtypes.finfo(c).maxexp) if fl else -1,
        int(dtypes.finfo(c).nmant) if fl else -1,
        bits,
        c.kind != "u",
    )


def _bit_width(dt: np.dtype) -> int:
    return 1 if dt == dtypes.bool_ else 8 * dt.itemsize


def _dot_general_dtype(
    lhs: ShapedArray, rhs: ShapedArray, pet: np.dtype | None, fn: str
) -> np.dtype:
    lp, rp = _type_properties(lhs.dtype), _type_properties(rhs.dtype)
    if lp > rp:
        dt = lhs.dtype
    elif rp > lp:
        dt = rhs.dtype
    elif lhs.dtype != rhs.dtype:
        raise TypeError(f"{fn} argument type error: {lhs.dtype}, {rhs.dtype}")
    else:
        dt = lhs.dtype
    if pet is None or pet == dt:
        return dt
    if not dtypes.is_floating(dt) and _bit_width(pet) < _bit_width(dt):
        raise TypeError(
            f"{fn}: `preferred_element_type` must not be narrower than the original type, got "
            f"preferred_element_type of {pet} for result type of {dt}."
        )
    return pet


def _check_dims(fn: str, side: str, dims: tuple, ndim: int, what: str) -> None:
    if any(not 0 <= d < ndim for d in dims):
        raise TypeError(
            f"{fn} requires {side} dimension numbers to be nonnegative and less than the number "
            f"of axes of the {side} value, got {side}_{what} of {dims} for {side} of rank {ndim}"
        )
    if len(set(dims)) != len(dims):
        raise TypeError(f"{fn} requires {side} {what} dimensions to be distinct, got {dims}.")


@dot_general_p.def_abstract_eval
def _dot_general_abstract_eval(
    lhs: ShapedArray,
    rhs: ShapedArray,
    *,
    dimension_numbers: DotDims,
    precision: CanonicalPrecision,
    preferred_element_type: np.dtype | None,
) -> ShapedArray:
    fn = "lax.dot_general"
    (lc, rc), (lb, rb) = dimension_numbers
    for side, aval, c, b in (("lhs", lhs, lc, lb), ("rhs", rhs, rc, rb)):
        _check_dims(fn, side, c, aval.ndim, "contracting")
        _check_dims(fn, side, b, aval.ndim, "batch")
        if set(c) & set(b):
            raise TypeError(
                f"{fn} requires {side} batch dimensions to be disjoint from contracting "
                f"dimensions, got {side}_batch {b} and {side}_contracting {c}."
            )
    if len(lb) != len(rb):
        raise TypeError(
            f"{fn} requires equal numbers of lhs_batch and rhs_batch dimensions, got "
            f"lhs_batch {lb} and rhs_batch {rb}."
        )
    lbs, rbs = tuple(lhs.shape[d] for d in lb), tuple(rhs.shape[d] for d in rb)
    if lbs != rbs:
        raise TypeError(
            f"{fn} requires lhs batch dimensions and rhs batch dimensions to have the same "
            f"shape, got {lbs} and {rbs}."
        )
    lcs, rcs = tuple(lhs.shape[d] for d in lc), tuple(rhs.shape[d] for d in rc)
    if lcs != rcs:
        raise TypeError(
            f"{fn} requires contracting dimensions to have the same shape, got {lcs} and {rcs}"
            f" (lhs {lhs.str_short()}, rhs {rhs.str_short()}, dimension_numbers {dimension_numbers})."
        )
    dt = _dot_general_dtype(lhs, rhs, preferred_element_type, fn)
    lfree = tuple(d for i, d in enumerate(lhs.shape) if i not in lc and i not in lb)
    rfree = tuple(d for i, d in enumerate(rhs.shape) if i not in rc and i not in rb)
    return core.shaped_array(lbs + lfree + rfree, dt, lhs.weak_type and rhs.weak_type)


def _convert(ctx: Any, x: str, aval: ShapedArray, dtype: np.dtype) -> tuple[str, ShapedArray]:
    if aval.dtype == dtype:
        return x, aval
    new = aval.update(dtype=dtype, weak_type=False)
    return ctx.op("stablehlo.convert", [x], new, operand_avals=[aval]), new


@dot_general_p.def_lowering
def _dot_general_lower(
    ctx: Any,
    lhs: str,
    rhs: str,
    *,
    dimension_numbers: DotDims,
    precision: CanonicalPrecision,
    preferred_element_type: np.dtype | None,
) -> str:
    (lc, rc), (lb, rb) = dimension_numbers
    l_aval, r_aval = ctx.avals_in
    out = ctx.avals_out[0]
    if l_aval.dtype != r_aval.dtype:  # mixed inputs: compute in the result type (as JAX on CPU/GPU)
        lhs, l_aval = _convert(ctx, lhs, l_aval, out.dtype)
        rhs, r_aval = _convert(ctx, rhs, r_aval, out.dtype)
    dn = (
        "#stablehlo.dot<"
        f"lhs_batching_dimensions = [{', '.join(map(str, lb))}], "
        f"rhs_batching_dimensions = [{', '.join(map(str, rb))}], "
        f"lhs_contracting_dimensions = [{', '.join(map(str, lc))}], "
        f"rhs_contracting_dimensions = [{', '.join(map(str, rc))}]>"
    )
    attrs = f"dot_dimension_numbers = {dn}, precision_config = {_precision_attr(precision)}"
    return ctx.op(
        "stablehlo.dot_general", [lhs, rhs], out, attrs=attrs, operand_avals=[l_aval, r_aval]
    )


def dot(
    lhs: Any,
    rhs: Any,
    *,
    dimension_numbers: Any = None,
    precision: PrecisionLike = None,
    preferred_element_type: Any = None,
    out_sharding: Any = None,
) -> Any:
    """Dot product; without `dimension_numbers`, a vector/matrix product of rank-1/2 operands."""
    if dimension_numbers is None:
        ls, rs = np.shape(lhs), np.shape(rhs)
        if not (1 <= len(ls) <= 2 and 1 <= len(rs) <= 2 and ls[-1] == rs[0]):
            raise ValueError(
                "lax.dot: dimension_numbers must be specified when not performing simple "
                "un-batched matrix-matrix, matrix-vector, or vector-vector products; got "
                f"lhs_shape={ls} rhs_shape={rs}"
            )
        dimension_numbers = (((len(ls) - 1,), (0,)), ((), ()))
    return dot_general(lhs, rhs, dimension_numbers, precision, preferred_element_type, out_sharding)


def batch_matmul(lhs: Any, rhs: Any, precision: PrecisionLike = None) -> Any:
    """Batch matrix multiplication: (..., m, k) @ (..., k, n) over equal leading batch dims."""
    ln, rn = np.ndim(lhs), np.ndim(rhs)
    if min(ln, rn) < 2:
        raise ValueError(f"lax.batch_matmul: arguments must be at least 2D, got {ln}, {rn}")
    if ln != rn:
        raise ValueError(f"lax.batch_matmul: arguments must have same ndim, got {ln}, {rn}")
    batch = tuple(range(ln - 2))
    return dot_general(lhs, rhs, (((ln - 1,), (rn - 2,)), (batch, batch)), precision=precision)


# ---------------------------------------------------------------------------------------------
# conv_general_dilated


class ConvDimensionNumbers(NamedTuple):
    """Positions of (batch, feature, spatial...) in lhs/out and (out feature, in feature,
    spatial...) in rhs."""

    lhs_spec: tuple[int, ...]
    rhs_spec: tuple[int, ...]
    out_spec: tuple[int, ...]


ConvGeneralDilatedDimensionNumbers = tuple[str, str, str] | ConvDimensionNumbers | None


def conv_general_permutations(dimension_numbers: tuple[str, str, str]) -> tuple:
    """The (lhs, rhs, out) permutations described by a triple of spec strings."""
    rhs_spec = dimension_numbers[1]
    charpairs = (("N", "C"), ("O", "I"), ("N", "C"))
    for i, (a, b) in enumerate(charpairs):
        if not dimension_numbers[i].count(a) == dimension_numbers[i].count(b) == 1:
            raise TypeError(
                f"lax.conv_dimension_numbers: convolution dimension_numbers[{i}] must contain the characters '{a}' and "
                f"'{b}' exactly once, got {dimension_numbers[i]}."
            )
        if len(dimension_numbers[i]) != len(set(dimension_numbers[i])):
            raise TypeError(
                f"lax.conv_dimension_numbers: convolution dimension_numbers[{i}] cannot have duplicate characters, got "
                f"{dimension_numbers[i]}."
            )
    lhs_sp, rhs_sp, out_sp = (set(s) - set(p) for s, p in zip(dimension_numbers, charpairs))
    if not lhs_sp == rhs_sp == out_sp:
        raise TypeError(
            "lax.conv_dimension_numbers: convolution dimension_numbers elements must each have the same set of spatial "
            f"characters, got {dimension_numbers}."
        )

    def getperm(spec: str, pair: tuple[str, str]) -> tuple[int, ...]:
        spatial = [i for i, c in enumerate(spec) if c not in pair]
        if spec is not rhs_spec:  # spatial dims follow the order they have in rhs_spec
            spatial = sorted(spatial, key=lambda i: rhs_spec.index(spec[i]))
        return (spec.index(pair[0]), spec.index(pair[1])) + tuple(spatial)

    return tuple(getperm(s, p) for s, p in zip(dimension_numbers, charpairs))


def conv_dimension_numbers(
    lhs_shape: Sequence[int], rhs_shape: Sequence[int], dimension_numbers: Any
) -> ConvDimensionNumbers:
    """Canonical ConvDimensionNumbers from None, a ConvDimensionNumbers or 3 spec strings."""
    if isinstance(dimension_numbers, ConvDimensionNumbers):
        return ConvDimensionNumbers(*(tuple(int(i) for i in s) for s in dimension_numbers))
    if len(lhs_shape) != len(rhs_shape):
        raise TypeError(
            f"lax.conv_dimension_numbers: convolution requires lhs and rhs ndim to be equal, got {len(lhs_shape)} and "
            f"{len(rhs_shape)}."
        )
    if dimension_numbers is None:
        iota = tuple(range(len(lhs_shape)))
        return ConvDimensionNumbers(iota, iota, iota)
    if not isinstance(dimension_numbers, (list, tuple)):
        raise TypeError(
            "lax.conv_dimension_numbers: convolution dimension_numbers must be tuple/list or None, got "
            f"{type(dimension_numbers)}."
        )
    if len(dimension_numbers) != 3:
        raise TypeError(
            f"lax.conv_dimension_numbers: convolution dimension_numbers list/tuple must be length 3, got {len(dimension_numbers)}."
        )
    if not all(isinstance(s, str) for s in dimension_numbers):
        raise TypeError(
            "lax.conv_dimension_numbers: convolution dimension_numbers elements must be strings, got "
            f"{tuple(map(type, dimension_numbers))}."
        )
    for i, s in enumerate(dimension_numbers):
        if len(s) != len(lhs_shape):
            raise TypeError(
                f"lax.conv_dimension_numbers: convolution dimension_numbers[{i}] must have len equal to the ndim of lhs and "
                f"rhs, got {len(s)} for lhs and rhs shapes {tuple(lhs_shape)} and {tuple(rhs_shape)}."
            )
    return ConvDimensionNumbers(*conv_general_permutations(tuple(dimension_numbers)))


def _dilate_shape(shape: Sequence[int], dilation: Sequence[int]) -> tuple[int, ...]:
    return tuple(0 if d == 0 else 1 + r * (d - 1) for d, r in zip(shape, dilation))


def _stride_dim(d: int, window: int, stride: int) -> int:
    return max(0, (d - window) // stride + 1) if d >= window else 0


def conv_shape_tuple(
    lhs_shape: Sequence[int],
    rhs_shape: Sequence[int],
    strides: Sequence[int],
    pads: Any,
    batch_group_count: int = 1,
) -> tuple[int, ...]:
    """Output shape of a conv whose operands are in canonical (N, C, spatial...) order."""
    if isinstance(pads, str):
        pads = padtype_to_pads(lhs_shape[2:], rhs_shape[2:], strides, pads)
    if len(pads) != len(lhs_shape) - 2:
        raise TypeError(
            "lax.conv_general_dilated: wrong number of explicit pads for convolution: expected "
            f"{len(lhs_shape) - 2}, got {len(pads)}."
        )
    padded = [d + lo + hi for d, (lo, hi) in zip(lhs_shape[2:], pads)]
    if any(p < 0 for p in padded):
        raise ValueError(
            "lax.conv_general_dilated: negative padding is larger than the size of the corresponding dimension: got "
            f"padding={pads} for lhs_shape[2:]={tuple(lhs_shape[2:])}"
        )
    space = tuple(_stride_dim(p, k, s) for p, k, s in zip(padded, rhs_shape[2:], strides))
    n = lhs_shape[0] // batch_group_count if batch_group_count > 1 else lhs_shape[0]
    return (int(n), int(rhs_shape[0])) + space


def conv_general_shape_tuple(
    lhs_shape: Sequence[int],
    rhs_shape: Sequence[int],
    window_strides: Sequence[int],
    padding: Any,
    dimension_numbers: Any,
) -> tuple[int, ...]:
    """Output shape of conv_general_dilated (no dilation) for spec-string dimension numbers."""
    lp, rp, op = conv_general_permutations(dimension_numbers)
    out = conv_shape_tuple(np.take(lhs_shape, lp), np.take(rhs_shape, rp), window_strides, padding)
    return tuple(int(d) for d in np.take(out, np.argsort(op)))


def conv_transpose_shape_tuple(
    lhs_shape: Sequence[int],
    rhs_shape: Sequence[int],
    window_strides: Sequence[int],
    padding: Any,
    dimension_numbers: Any,
) -> tuple[int, ...]:
    """Output shape of conv_transpose for spec-string dimension numbers."""
    lp, rp, op = conv_general_permutations(dimension_numbers)
    lt, rt = np.take(lhs_shape, lp), np.take(rhs_shape, rp)
    if isinstance(padding, str):
        padding = [_conv_transpose_padding(k, s, padding) for k, s in zip(rt[2:], window_strides)]
    space = [
        (i - 1) * s - k + 2 + sum(p) for i, k, s, p in zip(lt[2:], rt[2:], window_strides, padding)
    ]
    out = (lt[0], rt[0]) + tuple(space)
    return tuple(int(d) for d in np.take(out, np.argsort(op)))


conv_general_dilated_p = Primitive("conv_general_dilated")


def _int_tuple(xs: Any, n: int, fn: str, name: str) -> tuple[int, ...]:
    try:
        t = tuple(operator.index(x) for x in xs)
    except TypeError:
        raise TypeError(f"{fn}: {name} must be a sequence of integers, got {xs!r}") from None
    if len(t) != n:
        raise ValueError(
            f"{fn}: {name} must have {n} entries (one per spatial dimension), got {xs!r}"
        )
    return t


def conv_general_dilated(
    lhs: Any,
    rhs: Any,
    window_strides: Sequence[int],
    padding: str | Sequence[tuple[int, int]],
    lhs_dilation: Sequence[int] | None = None,
    rhs_dilation: Sequence[int] | None = None,
    dimension_numbers: ConvGeneralDilatedDimensionNumbers = None,
    feature_group_count: int = 1,
    batch_group_count: int = 1,
    precision: PrecisionLike = None,
    preferred_element_type: Any = None,
    out_sharding: Any = None,
) -> Any:
    """General n-d convolution with strides, padding, dilations and feature/batch groups."""
    fn = "lax.conv_general_dilated"
    _check_out_sharding(out_sharding, fn)
    ls, rs = np.shape(lhs), np.shape(rhs)
    dnums = conv_dimension_numbers(ls, rs, dimension_numbers)
    nsp = len(rs) - 2
    if nsp < 0:
        raise TypeError(f"{fn}: lhs and rhs must have rank >= 2, got shapes {ls} and {rs}")
    if lhs_dilation is None:
        lhs_dilation = (1,) * nsp
    elif isinstance(padding, str) and any(d != 1 for d in lhs_dilation):
        raise ValueError(
            f"{fn}: string padding is not implemented for transposed convolution using this op. "
            "Please either exactly specify the required padding or use conv_transpose."
        )
    if rhs_dilation is None:
        rhs_dilation = (1,) * nsp
    window_strides = _int_tuple(window_strides, nsp, fn, "window_strides")
    lhs_dilation = _int_tuple(lhs_dilation, nsp, fn, "lhs_dilation")
    rhs_dilation = _int_tuple(rhs_dilation, nsp, fn, "rhs_dilation")
    if isinstance(padding, str):
        rhs_sp = [rs[i] for i in dnums.rhs_spec[2:]]
        lhs_sp = [ls[i] for i in dnums.lhs_spec[2:]]
        pads = padtype_to_pads(lhs_sp, _dilate_shape(rhs_sp, rhs_dilation), window_strides, padding)
        padding = tuple((int(lo), int(hi)) for lo, hi in pads)
    else:
        try:
            padding = tuple((operator.index(lo), operator.index(hi)) for lo, hi in padding)
        except (ValueError, TypeError) as e:
            raise ValueError(
                f"{fn}: padding must be a string or a sequence of (low, high) pairs, got {padding!r}"
            ) from e
    return conv_general_dilated_p.bind(
        lhs,
        rhs,
        window_strides=window_strides,
        padding=padding,
        lhs_dilation=lhs_dilation,
        rhs_dilation=rhs_dilation,
        dimension_numbers=dnums,
        feature_group_count=operator.index(feature_group_count),
        batch_group_count=operator.index(batch_group_count),
        precision=canonicalize_precision(precision, fn),
        preferred_element_type=_user_dtype(preferred_element_type, fn),
    )


def _validate_preferred_element_type(in_dtype: np.dtype, pet: np.dtype, fn: str) -> None:
    if dtypes.is_integer(in_dtype) and dtypes.is_floating(pet):
        pass  # integer -> float accumulation is allowed, with any signedness
    else:
        kinds = (dtypes.is_integer, dtypes.is_floating, dtypes.is_complex)
        if any(k(in_dtype) and not k(pet) for k in kinds):
            raise TypeError(
                f"{fn}: input type {in_dtype} is incompatible with preferred_element_type {pet}. "
                "The compatible combinations of (input_type, preferred_element_type) are "
                "(integral, integral), (integral, floating), (floating, floating), (complex, complex)."
            )
        if in_dtype.kind == "i" and pet.kind != "i":
            raise TypeError(
                f"{fn}: `preferred_element_type` must have the same signedness as the "
                f"original type, got {pet} for {in_dtype}."
            )
    if pet.itemsize < in_dtype.itemsize:
        raise TypeError(
            f"{fn}: `preferred_element_type` must not be narrower than the original "
            f"type, got {pet} for {in_dtype}."
        )


@conv_general_dilated_p.def_abstract_eval
def _conv_general_dilated_abstract_eval(
    lhs: ShapedArray,
    rhs: ShapedArray,
    *,
    window_strides: tuple[int, ...],
    padding: tuple[tuple[int, int], ...],
    lhs_dilation: tuple[int, ...],
    rhs_dilation: tuple[int, ...],
    dimension_numbers: ConvDimensionNumbers,
    feature_group_count: int,
    batch_group_count: int,
    precision: CanonicalPrecision,
    preferred_element_type: np.dtype | None,
) -> ShapedArray:
    fn = "lax.conv_general_dilated"
    if lhs.ndim != rhs.ndim:
        raise ValueError(
            f"{fn}: lhs and rhs must have the same number of dimensions, but got "
            f"{lhs.shape} and {rhs.shape}."
        )
    if lhs.dtype != rhs.dtype:
        raise TypeError(
            f"{fn} requires arguments to have the same dtypes, got {lhs.dtype.name}, "
            f"{rhs.dtype.name}. (Tip: jnp functions promote types for you; lax functions do not.)"
        )
    ls, rs, os_ = dimension_numbers
    for spec, name in ((ls, "lhs"), (rs, "rhs"), (os_, "out")):
        if sorted(spec) != list(range(lhs.ndim)):
            raise TypeError(
                f"{fn}: dimension_numbers {name}_spec {spec} is not a permutation of "
                f"range({lhs.ndim})"
            )
    fgc, bgc = feature_group_count, batch_group_count
    if fgc <= 0:
        raise ValueError(f"{fn}: feature_group_count must be a positive integer, got {fgc}.")
    lhs_feat, rhs_in, rhs_out = lhs.shape[ls[1]], rhs.shape[rs[1]], rhs.shape[rs[0]]
    if lhs_feat % fgc:
        raise ValueError(
            f"{fn}: feature_group_count must divide lhs feature dimension size, but "
            f"{fgc} does not divide {lhs_feat}."
        )
    if lhs_feat // fgc != rhs_in:
        raise ValueError(
            f"{fn}: lhs feature dimension size divided by feature_group_count must equal the rhs "
            f"input feature dimension size, but {lhs_feat} // {fgc} != {rhs_in} "
            f"(lhs {lhs.str_short()}, rhs {rhs.str_short()})."
        )
    if rhs_out % fgc:
        raise ValueError(
            f"{fn}: rhs output feature dimension size must be a multiple of "
            f"feature_group_count, but {rhs_out} is not a multiple of {fgc}."
        )
    if bgc <= 0:
        raise ValueError(f"{fn}: batch_group_count must be a positive integer, got {bgc}.")
    lhs_batch = lhs.shape[ls[0]]
    if bgc > 1 and lhs_batch % bgc:
        raise ValueError(
            f"{fn}: batch_group_count must divide lhs batch dimension size, but "
            f"{bgc} does not divide {lhs_batch}."
        )
    if rhs_out % bgc:
        raise ValueError(
            f"{fn}: rhs output feature dimension size must be a multiple of "
            f"batch_group_count, but {rhs_out} is not a multiple of {bgc}."
        )
    if bgc > 1 and fgc > 1:
        raise ValueError(
            f"{fn}: at most one of batch_group_count and feature_group_count may be "
            f"> 1, got batch_group_count={bgc} and feature_group_count={fgc}"
        )
    nsp = lhs.ndim - 2
    for name, v in (
        ("window_strides", window_strides),
        ("lhs_dilation", lhs_dilation),
        ("rhs_dilation", rhs_dilation),
        ("padding", padding),
    ):
        if len(v) != nsp:
            raise ValueError(
                f"{fn}: {name} must have {nsp} entries (one per spatial dimension), got {v}"
            )
    for name, v in (
        ("window_strides", window_strides),
        ("lhs_dilation", lhs_dilation),
        ("rhs_dilation", rhs_dilation),
    ):
        if any(d <= 0 for d in v):
            raise ValueError(f"{fn}: {name} must be positive, got {v}")
    lhs_t = _dilate_shape([lhs.shape[i] for i in ls], (1, 1) + lhs_dilation)
    rhs_t = _dilate_shape([rhs.shape[i] for i in rs], (1, 1) + rhs_dilation)
    out_t = conv_shape_tuple(lhs_t, rhs_t, window_strides, padding, bgc)
    out_shape = tuple(out_t[i] for i in np.argsort(os_))
    dt = lhs.dtype
    if preferred_element_type is not None and preferred_element_type != dt:
        _validate_preferred_element_type(dt, preferred_element_type, fn)
        dt = preferred_element_type
    return core.shaped_array(out_shape, dt, lhs.weak_type and rhs.weak_type)


def _conv_dnums_attr(d: ConvDimensionNumbers) -> str:
    def spec(s: tuple[int, ...], a: str, b: str) -> str:
        names = [""] * len(s)
        names[s[0]], names[s[1]] = a, b
        for k, i in enumerate(s[2:]):
            names[i] = str(k)
        return "[" + ", ".join(names) + "]"

    return (
        f"#stablehlo.conv<{spec(d.lhs_spec, 'b', 'f')}x{spec(d.rhs_spec, 'o', 'i')}->"
        f"{spec(d.out_spec, 'b', 'f')}>"
    )


@conv_general_dilated_p.def_lowering
def _conv_general_dilated_lower(
    ctx: Any,
    lhs: str,
    rhs: str,
    *,
    window_strides: tuple[int, ...],
    padding: tuple[tuple[int, int], ...],
    lhs_dilation: tuple[int, ...],
    rhs_dilation: tuple[int, ...],
    dimension_numbers: ConvDimensionNumbers,
    feature_group_count: int,
    batch_group_count: int,
    precision: CanonicalPrecision,
    preferred_element_type: np.dtype | None,
) -> str:
    nsp = len(window_strides)
    reversal = "array<i1" + (": " + ", ".join(["false"] * nsp) if nsp else "") + ">"
    attrs = {
        "batch_group_count": f"{batch_group_count} : i64",
        "dimension_numbers": _conv_dnums_attr(dimension_numbers),
        "feature_group_count": f"{feature_group_count} : i64",
        "lhs_dilation": i64_array(lhs_dilation),
        "padding": pads_attr(padding),
        "precision_config": _precision_attr(precision),
        "rhs_dilation": i64_array(rhs_dilation),
        "window_reversal": reversal,
        "window_strides": i64_array(window_strides),
    }
    l_aval, r_aval = ctx.avals_in
    out = ctx.avals_out[0]
    if not dtypes.is_complex(l_aval.dtype):
        return ctx.op("stablehlo.convolution", [lhs, rhs], attrs=attrs)
    # XLA has no complex convolution on GPU (and a slow one on CPU): as JAX does, use three
    # real convolutions (Gauss's trick), k1 = (a+b)c, k2 = a(d-c), k3 = b(c+d) for
    # (a+bi) * (c+di) = (k1-k3) + (k1+k2)i.
    real = lambda a: a.update(dtype=dtypes.real_dtype(a.dtype), weak_type=False)
    lr, rr, outr = real(l_aval), real(r_aval), real(out)

    def un(op: str, x: str, aval: Any, res: Any) -> str:
        return ctx.op(op, [x], res, operand_avals=[aval])

    def bin_(op: str, x: str, y: str, aval: Any) -> str:
        return ctx.op(op, [x, y], aval, operand_avals=[aval, aval])

    def conv_(x: str, y: str) -> str:
        return ctx.op("stablehlo.convolution", [x, y], outr, attrs=attrs, operand_avals=[lr, rr])

    a, b = un("stablehlo.real", lhs, l_aval, lr), un("stablehlo.imag", lhs, l_aval, lr)
    c, d = un("stablehlo.real", rhs, r_aval, rr), un("stablehlo.imag", rhs, r_aval, rr)
    k1 = conv_(bin_("stablehlo.add", a, b, lr), c)
    k2 = conv_(a, bin_("stablehlo.subtract", d, c, rr))
    k3 = conv_(b, bin_("stablehlo.add", c, d, rr))
    re, im = bin_("stablehlo.subtract", k1, k3, outr), bin_("stablehlo.add", k1, k2, outr)
    return ctx.op("stablehlo.complex", [re, im], out, operand_avals=[outr, outr])


def conv(
    lhs: Any,
    rhs: Any,
    window_strides: Sequence[int],
    padding: str,
    precision: PrecisionLike = None,
    preferred_element_type: Any = None,
) -> Any:
    """conv_general_dilated in NCHW/OIHW/NCHW layout, without dilation or groups."""
    return conv_general_dilated(
        lhs,
        rhs,
        window_strides,
        padding,
        precision=precision,
        preferred_element_type=preferred_element_type,
    )


def conv_with_general_padding(
    lhs: Any,
    rhs: Any,
    window_strides: Sequence[int],
    padding: str | Sequence[tuple[int, int]],
    lhs_dilation: Sequence[int] | None,
    rhs_dilation: Sequence[int] | None,
    precision: PrecisionLike = None,
    preferred_element_type: Any = None,
) -> Any:
    """conv_general_dilated in NCHW/OIHW/NCHW layout, with padding and dilations."""
    return conv_general_dilated(
        lhs,
        rhs,
        window_strides,
        padding,
        lhs_dilation=lhs_dilation,
        rhs_dilation=rhs_dilation,
        precision=precision,
        preferred_element_type=preferred_element_type,
    )


def _conv_transpose_padding(k: int, s: int, padding: Any) -> tuple[int, int]:
    """(before, after) padding of the dilated input for one dim of a transposed conv."""
    if padding == "SAME":
        pad_len = k + s - 2
        pad_a = k - 1 if s > k - 1 else int(np.ceil(pad_len / 2))
    elif padding == "VALID":
        pad_len = k + s - 2 + max(k - s, 0)
        pad_a = k - 1
    elif isinstance(padding, tuple):
        pads = tuple(k - p - 1 for p in padding)
        pad_a, pad_len = pads[0], sum(pads)
    else:
        raise ValueError(f"lax.conv_transpose: invalid padding mode: {padding}")
    return pad_a, pad_len - pad_a


_TRANSPOSE_DEFAULT_DNUMS = {
    2: ("NC", "IO", "NC"),
    3: ("NHC", "HIO", "NHC"),
    4: ("NHWC", "HWIO", "NHWC"),
    5: ("NHWDC", "HWDIO", "NHWDC"),
}


def conv_transpose(
    lhs: Any,
    rhs: Any,
    strides: Sequence[int],
    padding: str | Sequence[tuple[int, int]],
    rhs_dilation: Sequence[int] | None = None,
    dimension_numbers: ConvGeneralDilatedDimensionNumbers = None,
    transpose_kernel: bool = False,
    precision: PrecisionLike = None,
    preferred_element_type: Any = None,
    use_consistent_padding: bool = False,
) -> Any:
    """N-d transposed ("fractionally strided") convolution, as a conv with lhs dilation."""
    fn = "lax.conv_transpose"
    ls, rs = np.shape(lhs), np.shape(rhs)
    if len(ls) != len(rs) or len(ls) < 2:
        raise ValueError(
            f"{fn}: lhs and rhs must have the same rank >= 2, got shapes {ls} and {rs}"
        )
    if dimension_numbers is None:
        if len(ls) not in _TRANSPOSE_DEFAULT_DNUMS:
            raise ValueError(f"{fn}: no default dimension_numbers for rank {len(ls)}; pass them")
        dimension_numbers = _TRANSPOSE_DEFAULT_DNUMS[len(ls)]
    dn = conv_dimension_numbers(ls, rs, dimension_numbers)
    k_sdims = [rs[i] for i in dn.rhs_spec[2:]]
    if rhs_dilation is None:
        rhs_dilation = (1,) * (len(rs) - 2)
    if use_consistent_padding or (isinstance(padding, str) and padding in ("SAME", "VALID")):
        eff_k = _dilate_shape(k_sdims, rhs_dilation)
        rep = [padding] * len(strides) if isinstance(padding, str) else [tuple(p) for p in padding]
        pads: Any = tuple(_conv_transpose_padding(k, s, p) for k, s, p in zip(eff_k, strides, rep))
    else:
        pads = padding
    if transpose_kernel:  # flip spatial dims and swap the kernel's in/out feature axes
        from xjax._src.lax.shape import rev, transpose

        rhs = rev(rhs, tuple(dn.rhs_spec[2:]))
        perm = list(range(len(rs)))
        perm[dn.rhs_spec[0]], perm[dn.rhs_spec[1]] = perm[dn.rhs_spec[1]], perm[dn.rhs_spec[0]]
        rhs = transpose(rhs, tuple(perm))
    one = (1,) * (len(ls) - 2)
    return conv_general_dilated(
        lhs,
        rhs,
        one,
        pads,
        strides,
        rhs_dilation,
        dn,
        precision=precision,
        preferred_element_type=preferred_element_type,
    )
