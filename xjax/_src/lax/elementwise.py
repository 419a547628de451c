"""Elementwise primitives: unary math, binary arithmetic, comparisons, logic, conversions.

Each primitive is declared once with all its rules (see shared/ARCHITECTURE.md).
lax functions require equal dtypes; shapes broadcast only as lax does (rank-0 operands, or
equal ranks with size-1 dimensions). A Python scalar operand is weakly typed; where its default
dtype differs from the other operands' but converts safely (bool -> int -> float -> complex), it
takes theirs (JAX raises there instead; jnp code relies on the convenience).
"""

from __future__ import annotations

import enum
from typing import Any

import numpy as np

from xjax._src import core, dtypes
from xjax._src.core import Primitive, ShapedArray
from xjax._src.lax import conversions
from xjax._src.lax._rules import (
    PY_SCALARS,
    binop,
    broadcast_operand,
    broadcast_operands,
    check_dtype,
    check_same_dtypes,
    compare_op,
    full_like_aval,
    naryop_aval,
    scalar_as,
    scalars_like,
    to_bool,
    unop,
)
from xjax._src.lax.conversions import *  # same family, split for size
from xjax._src.lax.conversions import (  # noqa: F401  (the primitives, for E.<name>_p users)
    bitcast_convert_type_p,
    complex_p,
    conj_p,
    convert_element_type_p,
    imag_p,
    real_p,
    reduce_precision_p,
)

__all__ = [
    # unary
    "neg",
    "sign",
    "floor",
    "ceil",
    "round",
    "RoundingMethod",
    "is_finite",
    "exp",
    "exp2",
    "log",
    "log1p",
    "expm1",
    "tanh",
    "logistic",
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "sinh",
    "cosh",
    "asinh",
    "acosh",
    "atanh",
    "sqrt",
    "rsqrt",
    "cbrt",
    "abs",
    "square",
    "reciprocal",
    "integer_pow",
    "erf",
    "erfc",
    "erf_inv",
    "lgamma",
    "digamma",
    "bitwise_not",
    "population_count",
    "clz",
    # binary
    "add",
    "sub",
    "mul",
    "div",
    "rem",
    "max",
    "min",
    "pow",
    "atan2",
    "nextafter",
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "shift_left",
    "shift_right_logical",
    "shift_right_arithmetic",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    # selection (conversions and complex parts: conversions.py)
    "select_n",
    "select",
    "clamp",
    # primitives other modules bind directly
    "copy_p",
] + conversions.__all__

Array = Any
ArrayLike = Any

F = dtypes.FLOATING
FC = dtypes.INEXACT
NUM = dtypes.NUMERIC
INT = dtypes.INTEGER
BI = (dtypes.bool_,) + dtypes.INTEGER
ORD = (dtypes.bool_,) + dtypes.INTEGER + dtypes.FLOATING
ANY = dtypes.ALL
_F32_64 = (dtypes.float32, dtypes.float64)


def _no_accuracy(name: str, accuracy: Any) -> None:
    if accuracy is not None:
        raise NotImplementedError(f"{name}: `accuracy` is not supported by xjax; pass None")


# -- unary ---------------------------------------------------------------------------------

neg_p = unop("neg", NUM, "stablehlo.negate")
sign_p = unop("sign", NUM, None)
floor_p = unop("floor", F, "stablehlo.floor")
ceil_p = unop("ceil", F, "stablehlo.ceil")
round_p = unop("round", F, None)
is_finite_p = unop("is_finite", F, "stablehlo.is_finite", to_bool)
exp_p = unop("exp", FC, "stablehlo.exponential")
exp2_p = unop("exp2", FC, None)
log_p = unop("log", FC, "stablehlo.log")
log1p_p = unop("log1p", FC, "stablehlo.log_plus_one")
expm1_p = unop("expm1", FC, "stablehlo.exponential_minus_one")
tanh_p = unop("tanh", FC, "stablehlo.tanh")
logistic_p = unop("logistic", FC, "stablehlo.logistic")
sin_p = unop("sin", FC, "stablehlo.sine")
cos_p = unop("cos", FC, "stablehlo.cosine")
tan_p = unop("tan", FC, "stablehlo.tan")
asin_p = unop("asin", FC, "chlo.asin")
acos_p = unop("acos", FC, "chlo.acos")
atan_p = unop("atan", FC, "chlo.atan")
sinh_p = unop("sinh", FC, "chlo.sinh")
cosh_p = unop("cosh", FC, "chlo.cosh")
asinh_p = unop("asinh", FC, "chlo.asinh")
acosh_p = unop("acosh", FC, "chlo.acosh")
atanh_p = unop("atanh", FC, "chlo.atanh")
sqrt_p = unop("sqrt", FC, "stablehlo.sqrt")
rsqrt_p = unop("rsqrt", FC, "stablehlo.rsqrt")
cbrt_p = unop("cbrt", F, "stablehlo.cbrt")
abs_p = unop("abs", dtypes.SIGNED + FC, "stablehlo.abs", dtypes.real_dtype)
square_p = unop("square", NUM, None)
erf_p = unop("erf", F, "chlo.erf")
erfc_p = unop("erfc", F, "chlo.erfc")
erf_inv_p = unop("erf_inv", F, "chlo.erf_inv")
lgamma_p = unop("lgamma", F, "chlo.lgamma")
digamma_p = unop("digamma", F, "chlo.digamma")
not_p = unop("not", BI, "stablehlo.not", public="bitwise_not")
population_count_p = unop("population_count", INT, "stablehlo.popcnt")
clz_p = unop("clz", INT, "stablehlo.count_leading_zeros")


def neg(x: ArrayLike) -> Array:
    """Elementwise negation: -x."""
    return neg_p.bind(x)


def sign(x: ArrayLike) -> Array:
    """Elementwise sign: -1, 0 or 1 (x / |x| for complex; 0 or 1 for unsigned)."""
    return sign_p.bind(x)


def floor(x: ArrayLike) -> Array:
    """Elementwise floor."""
    return floor_p.bind(x)


def ceil(x: ArrayLike) -> Array:
    """Elementwise ceiling."""
    return ceil_p.bind(x)


class RoundingMethod(enum.IntEnum):
    """How `lax.round` breaks ties."""

    AWAY_FROM_ZERO = 0
    TO_NEAREST_EVEN = 1


def round(x: ArrayLike, rounding_method: Any = RoundingMethod.AWAY_FROM_ZERO) -> Array:
    """Elementwise rounding to the nearest integer, ties as `rounding_method` says."""
    try:
        method = RoundingMethod(rounding_method)
    except ValueError:
        raise ValueError(
            f"lax.round: {rounding_method!r} is not a valid RoundingMethod (use "
            "RoundingMethod.AWAY_FROM_ZERO (0) or RoundingMethod.TO_NEAREST_EVEN (1))"
        ) from None
    return round_p.bind(x, rounding_method=method)


def is_finite(x: ArrayLike) -> Array:
    """Elementwise test for neither inf nor NaN."""
    return is_finite_p.bind(x)


def exp(x: ArrayLike, accuracy: Any = None) -> Array:
    """Elementwise natural exponential."""
    _no_accuracy("lax.exp", accuracy)
    return exp_p.bind(x)


def exp2(x: ArrayLike, accuracy: Any = None) -> Array:
    """Elementwise base-2 exponential."""
    _no_accuracy("lax.exp2", accuracy)
    return exp2_p.bind(x)


def log(x: ArrayLike, accuracy: Any = None) -> Array:
    """Elementwise natural logarithm."""
    _no_accuracy("lax.log", accuracy)
    return log_p.bind(x)


def log1p(x: ArrayLike, accuracy: Any = None) -> Array:
    """Elementwise log(1 + x), accurate near 0."""
    _no_accuracy("lax.log1p", accuracy)
    return log1p_p.bind(x)


def expm1(x: ArrayLike, accuracy: Any = None) -> Array:
    """Elementwise exp(x) - 1, accurate near 0."""
    _no_accuracy("lax.expm1", accuracy)
    return expm1_p.bind(x)


def tanh(x: ArrayLike, accuracy: Any = None) -> Array:
    """Elementwise hyperbolic tangent."""
    _no_accuracy("lax.tanh", accuracy)
    return tanh_p.bind(x)


def logistic(x: ArrayLike, accuracy: Any = None) -> Array:
    """Elementwise logistic sigmoid 1 / (1 + exp(-x))."""
    _no_accuracy("lax.logistic", accuracy)
    return logistic_p.bind(x)


def sin(x: ArrayLike, accuracy: Any = None) -> Array:
    """Elementwise sine."""
    _no_accuracy("lax.sin", accuracy)
    return sin_p.bind(x)


def cos(x: ArrayLike, accuracy: Any = None) -> Array:
    """Elementwise cosine."""
    _no_accuracy("lax.cos", accuracy)
    return cos_p.bind(x)


def tan(x: ArrayLike, accuracy: Any = None) -> Array:
    """Elementwise tangent."""
    _no_accuracy("lax.tan", accuracy)
    return tan_p.bind(x)


def asin(x: ArrayLike) -> Array:
    """Elementwise arc sine."""
    return asin_p.bind(x)


def acos(x: ArrayLike) -> Array:
    """Elementwise arc cosine."""
    return acos_p.bind(x)


def atan(x: ArrayLike) -> Array:
    """Elementwise arc tangent."""
    return atan_p.bind(x)


def sinh(x: ArrayLike) -> Array:
    """Elementwise hyperbolic sine."""
    return sinh_p.bind(x)


def cosh(x: ArrayLike) -> Array:
    """Elementwise hyperbolic cosine."""
    return cosh_p.bind(x)


def asinh(x: ArrayLike) -> Array:
    """Elementwise inverse hyperbolic sine."""
    return asinh_p.bind(x)


def acosh(x: ArrayLike) -> Array:
    """Elementwise inverse hyperbolic cosine."""
    return acosh_p.bind(x)


def atanh(x: ArrayLike) -> Array:
    """Elementwise inverse hyperbolic tangent."""
    return atanh_p.bind(x)


def sqrt(x: ArrayLike, accuracy: Any = None) -> Array:
    """Elementwise square root."""
    _no_accuracy("lax.sqrt", accuracy)
    return sqrt_p.bind(x)


def rsqrt(x: ArrayLike, accuracy: Any = None) -> Array:
    """Elementwise reciprocal square root 1 / sqrt(x)."""
    _no_accuracy("lax.rsqrt", accuracy)
    return rsqrt_p.bind(x)


def cbrt(x: ArrayLike, accuracy: Any = None) -> Array:
    """Elementwise cube root."""
    _no_accuracy("lax.cbrt", accuracy)
    return cbrt_p.bind(x)


def abs(x: ArrayLike) -> Array:
    """Elementwise absolute value; complex input gives its real dtype."""
    return abs_p.bind(x)


def square(x: ArrayLike) -> Array:
    """Elementwise square x * x."""
    return square_p.bind(x)


def reciprocal(x: ArrayLike) -> Array:
    """Elementwise reciprocal 1 / x (integer_pow(x, -1))."""
    return integer_pow(x, -1)


def erf(x: ArrayLike) -> Array:
    """Elementwise error function."""
    return erf_p.bind(x)


def erfc(x: ArrayLike) -> Array:
    """Elementwise complementary error function 1 - erf(x)."""
    return erfc_p.bind(x)


def erf_inv(x: ArrayLike) -> Array:
    """Elementwise inverse error function."""
    return erf_inv_p.bind(x)


def lgamma(x: ArrayLike) -> Array:
    """Elementwise log of the absolute value of the gamma function."""
    return lgamma_p.bind(x)


def digamma(x: ArrayLike) -> Array:
    """Elementwise digamma function (derivative of lgamma)."""
    return digamma_p.bind(x)


def bitwise_not(x: ArrayLike) -> Array:
    """Elementwise bitwise NOT (logical NOT for bool)."""
    return not_p.bind(x)


def population_count(x: ArrayLike) -> Array:
    """Elementwise number of set bits."""
    return population_count_p.bind(x)


def clz(x: ArrayLike) -> Array:
    """Elementwise number of leading zero bits."""
    return clz_p.bind(x)


@sign_p.def_lowering
def _sign_lower(ctx: Any, x: str) -> str:
    aval = ctx.avals_in[0]
    if aval.dtype not in dtypes.UNSIGNED:
        return ctx.op("stablehlo.sign", [x])
    zero, one = full_like_aval(ctx, 0, aval), full_like_aval(ctx, 1, aval)
    is_zero = compare_op(ctx, x, zero, aval, "EQ")
    return ctx.op(
        "stablehlo.select",
        [is_zero, zero, one],
        operand_avals=[aval.update(dtype=dtypes.bool_), aval, aval],
    )


@round_p.def_lowering
def _round_lower(ctx: Any, x: str, *, rounding_method: RoundingMethod) -> str:
    if rounding_method == RoundingMethod.AWAY_FROM_ZERO:
        return ctx.op("stablehlo.round_nearest_afz", [x])
    return ctx.op("stablehlo.round_nearest_even", [x])


@exp2_p.def_lowering
def _exp2_lower(ctx: Any, x: str) -> str:
    aval = ctx.avals_in[0]
    scaled = ctx.op(
        "stablehlo.multiply", [full_like_aval(ctx, np.log(2), aval), x], operand_avals=[aval, aval]
    )
    return ctx.op("stablehlo.exponential", [scaled])


@square_p.def_lowering
def _square_lower(ctx: Any, x: str) -> str:
    if dtypes.is_integer(ctx.avals_in[0].dtype):
        return ctx.op("stablehlo.multiply", [x, x], operand_avals=ctx.avals_in * 2)
    return ctx.op("chlo.square", [x])


# -- integer_pow, conj, copy ---------------------------------------------------------------

integer_pow_p = Primitive("integer_pow")


def integer_pow(x: ArrayLike, y: int) -> Array:
    """Elementwise power x ** y for a static Python integer `y`."""
    if isinstance(y, (bool, np.bool_)) or not isinstance(y, (int, np.integer)):
        if isinstance(y, float) and float(y).is_integer():
            y = int(y)  # JAX accepts integral floats (it calls int(y))
        else:
            raise TypeError(f"lax.integer_pow: exponent `y` must be a Python int, got {y!r}")
    return integer_pow_p.bind(x, y=int(y))


@integer_pow_p.def_abstract_eval
def _integer_pow_abstract_eval(x: ShapedArray, *, y: int) -> ShapedArray:
    check_dtype("lax.integer_pow", x, NUM)
    if y < 0 and dtypes.is_integer(x.dtype):
        raise TypeError(
            f"lax.integer_pow: integers cannot be raised to negative powers, got "
            f"integer_pow({x.str_short()}, {y})"
        )
    return x


@integer_pow_p.def_lowering
def _integer_pow_lower(ctx: Any, x: str, *, y: int) -> str:
    aval = ctx.avals_in[0]
    if y == 0:
        return full_like_aval(ctx, 1, aval)
    mul_ = lambda a, b: ctx.op("stablehlo.multiply", [a, b], operand_avals=[aval, aval])
    n, acc, base = -y if y < 0 else y, None, x
    while n:  # exponentiation by squaring
        if n & 1:
            acc = base if acc is None else mul_(acc, base)
        n >>= 1
        if n:
            base = mul_(base, base)
    if y < 0:
        acc = ctx.op(
            "stablehlo.divide", [full_like_aval(ctx, 1, aval), acc], operand_avals=[aval, aval]
        )
    return acc


copy_p = Primitive("copy")
copy_p.def_abstract_eval(lambda x: x)
copy_p.def_lowering(lambda ctx, x: x)


def copy(x: ArrayLike) -> Array:
    """A copy of `x` (a new buffer eagerly; a no-op under jit). Not public in JAX's lax."""
    return copy_p.bind(x)


# -- binary --------------------------------------------------------------------------------

add_p = binop("add", NUM, "stablehlo.add")
sub_p = binop("sub", NUM, "stablehlo.subtract")
mul_p = binop("mul", NUM, "stablehlo.multiply")
div_p = binop("div", NUM, "stablehlo.divide")
rem_p = binop("rem", INT + F, "stablehlo.remainder")
max_p = binop("max", ANY, None)
min_p = binop("min", ANY, None)
atan2_p = binop("atan2", FC, "stablehlo.atan2")
nextafter_p = binop("nextafter", F, "chlo.next_after")
and_p = binop("and", BI, "stablehlo.and", public="bitwise_and")
or_p = binop("or", BI, "stablehlo.or", public="bitwise_or")
xor_p = binop("xor", BI, "stablehlo.xor", public="bitwise_xor")
shift_left_p = binop("shift_left", INT, "stablehlo.shift_left")
shift_right_logical_p = binop("shift_right_logical", INT, "stablehlo.shift_right_logical")
shift_right_arithmetic_p = binop("shift_right_arithmetic", INT, "stablehlo.shift_right_arithmetic")


def add(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise addition x + y."""
    return add_p.bind(*scalars_like((x, y)))


def sub(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise subtraction x - y."""
    return sub_p.bind(*scalars_like((x, y)))


def mul(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise multiplication x * y."""
    return mul_p.bind(*scalars_like((x, y)))


def div(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise division; integer division rounds toward zero (C semantics)."""
    return div_p.bind(*scalars_like((x, y)))


def rem(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise remainder with the sign of the dividend (C fmod semantics)."""
    return rem_p.bind(*scalars_like((x, y)))


def max(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise maximum (NaN-propagating; lexicographic for complex)."""
    return max_p.bind(*scalars_like((x, y)))


def min(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise minimum (NaN-propagating; lexicographic for complex)."""
    return min_p.bind(*scalars_like((x, y)))


def atan2(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise arc tangent of x / y, in the quadrant of (y, x)."""
    return atan2_p.bind(*scalars_like((x, y)))


def nextafter(x1: ArrayLike, x2: ArrayLike) -> Array:
    """Elementwise next representable value after x1 in the direction of x2."""
    return nextafter_p.bind(*scalars_like((x1, x2)))


def bitwise_and(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise bitwise AND (logical for bool)."""
    return and_p.bind(*scalars_like((x, y)))


def bitwise_or(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise bitwise OR (logical for bool)."""
    return or_p.bind(*scalars_like((x, y)))


def bitwise_xor(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise bitwise XOR (logical for bool)."""
    return xor_p.bind(*scalars_like((x, y)))


def shift_left(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise x << y (0 once y reaches the bit width)."""
    return shift_left_p.bind(*scalars_like((x, y)))


def shift_right_logical(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise logical (zero-filling) right shift."""
    return shift_right_logical_p.bind(*scalars_like((x, y)))


def shift_right_arithmetic(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise arithmetic (sign-filling) right shift."""
    return shift_right_arithmetic_p.bind(*scalars_like((x, y)))


def _minmax_lower(op: str, direction: str) -> Any:
    def rule(ctx: Any, x: str, y: str) -> str:
        (x, y), (aval, _) = broadcast_operands(ctx, (x, y))
        if not dtypes.is_complex(aval.dtype):
            return ctx.op(op, [x, y], operand_avals=[aval, aval])
        # Lexicographic on (real, imag), as JAX does.
        part = aval.update(dtype=dtypes.real_dtype(aval.dtype))
        rx, ry = (ctx.op("stablehlo.real", [v], part, operand_avals=[aval]) for v in (x, y))
        ix, iy = (ctx.op("stablehlo.imag", [v], part, operand_avals=[aval]) for v in (x, y))
        pred = part.update(dtype=dtypes.bool_)
        pick = ctx.op(
            "stablehlo.select",
            [
                compare_op(ctx, rx, ry, part, "EQ"),
                compare_op(ctx, ix, iy, part, direction),
                compare_op(ctx, rx, ry, part, direction),
            ],
            pred,
            operand_avals=[pred] * 3,
        )
        return ctx.op("stablehlo.select", [pick, x, y], operand_avals=[pred, aval, aval])

    return rule


max_p.def_lowering(_minmax_lower("stablehlo.maximum", "GT"))
min_p.def_lowering(_minmax_lower("stablehlo.minimum", "LT"))


# -- pow -----------------------------------------------------------------------------------


def _pow_dtype(x: np.dtype, y: np.dtype) -> np.dtype:
    if x == y or (dtypes.is_inexact(x) and dtypes.is_integer(y)):
        return x
    raise TypeError(
        "lax.pow: the first argument must have an inexact dtype (float or complex) and the "
        "second an inexact or integer dtype, and two inexact dtypes must match, but got "
        f"{x.name} and {y.name} respectively."
    )


pow_p = Primitive("pow")
pow_p.def_abstract_eval(
    naryop_aval((FC, INT + FC), "lax.pow", _pow_dtype, per_arg=True, same_dtypes=False)
)


def pow(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise power x ** y; `y` may be an integer array."""
    if type(y) in (float, complex) and type(x) not in PY_SCALARS:
        y = scalar_as(y, core.get_aval(x).dtype)
    elif (
        type(x) in PY_SCALARS
        and type(y) not in PY_SCALARS
        and dtypes.is_inexact(core.get_aval(y).dtype)
    ):
        x = scalar_as(x, core.get_aval(y).dtype)
    return pow_p.bind(x, y)


@pow_p.def_lowering
def _pow_lower(ctx: Any, x: str, y: str) -> str:
    (x, y), (xa, ya) = broadcast_operands(ctx, (x, y))
    if ya.dtype != xa.dtype:
        y = ctx.op("stablehlo.convert", [y], xa, operand_avals=[ya])
    return ctx.op("stablehlo.power", [x, y], operand_avals=[xa, xa])


# -- comparisons ---------------------------------------------------------------------------


def _compare_lower(direction: str) -> Any:
    def rule(ctx: Any, x: str, y: str) -> str:
        (x, y), (aval, _) = broadcast_operands(ctx, (x, y))
        return compare_op(ctx, x, y, aval, direction)

    return rule


def _cmp(name: str, direction: str, allowed: Any) -> Primitive:
    p = Primitive(name)
    p.def_abstract_eval(naryop_aval(allowed, f"lax.{name}", to_bool))
    p.def_lowering(_compare_lower(direction))
    return p


eq_p = _cmp("eq", "EQ", ANY)
ne_p = _cmp("ne", "NE", ANY)
lt_p = _cmp("lt", "LT", ORD)
le_p = _cmp("le", "LE", ORD)
gt_p = _cmp("gt", "GT", ORD)
ge_p = _cmp("ge", "GE", ORD)


def eq(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise x == y."""
    return eq_p.bind(*scalars_like((x, y)))


def ne(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise x != y."""
    return ne_p.bind(*scalars_like((x, y)))


def lt(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise x < y."""
    return lt_p.bind(*scalars_like((x, y)))


def le(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise x <= y."""
    return le_p.bind(*scalars_like((x, y)))


def gt(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise x > y."""
    return gt_p.bind(*scalars_like((x, y)))


def ge(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise x >= y."""
    return ge_p.bind(*scalars_like((x, y)))


# -- select and clamp ----------------------------------------------------------------------

select_n_p = Primitive("select_n")


def select_n(which: ArrayLike, *cases: ArrayLike) -> Array:
    """cases[which] elementwise; `which` is bool (at most 2 cases) or integer (any number)."""
    if not cases:
        raise ValueError("lax.select_n: at least one case is required")
    return select_n_p.bind(which, *scalars_like(cases))


def select(pred: ArrayLike, on_true: ArrayLike, on_false: ArrayLike) -> Array:
    """Elementwise `on_true if pred else on_false` (select_n(pred, on_false, on_true))."""
    return select_n(pred, on_false, on_true)


@select_n_p.def_abstract_eval
def _select_n_abstract_eval(which: ShapedArray, *cases: ShapedArray) -> ShapedArray:
    check_same_dtypes("lax.select_n", *cases)
    if any(c.shape != cases[0].shape for c in cases):
        raise TypeError(
            "lax.select_n: cases must have the same shapes, got "
            + ", ".join(str(c.shape) for c in cases)
        )
    if which.dtype != dtypes.bool_ and not dtypes.is_integer(which.dtype):
        raise TypeError(f"lax.select_n: `which` must be boolean or integer, got {which.dtype.name}")
    if which.dtype == dtypes.bool_ and len(cases) > 2:
        raise TypeError(
            f"lax.select_n: a boolean `which` selects between at most 2 cases, got {len(cases)}"
        )
    if which.shape and which.shape != cases[0].shape:
        raise TypeError(
            f"lax.select_n: `which` must be scalar or have the same shape as the cases, got "
            f"`which` shape {which.shape} but case shape {cases[0].shape}"
        )
    weak = all(c.weak_type for c in cases)
    return core.shaped_array(cases[0].shape, cases[0].dtype, weak)


@select_n_p.def_lowering
def _select_n_lower(ctx: Any, which: str, *cases: str) -> str:
    out = ctx.avals_out[0]
    if len(cases) == 1:
        return cases[0]
    w_aval = ctx.avals_in[0]
    which = broadcast_operand(ctx, which, w_aval, out.shape)
    return _select_tree(ctx, which, w_aval.update(shape=out.shape), list(cases), 0)


def _select_tree(ctx: Any, which: str, w_aval: ShapedArray, cases: list, offset: int) -> str:
    """Binary tree of selects: `which < offset + mid` picks the lower half."""
    out = ctx.avals_out[0].update(weak_type=False)
    if len(cases) == 1:
        return cases[0]
    pred_aval = w_aval.update(dtype=dtypes.bool_, weak_type=False)
    if w_aval.dtype == dtypes.bool_:
        return ctx.op(
            "stablehlo.select",
            [which, cases[1], cases[0]],
            out,
            operand_avals=[pred_aval, out, out],
        )
    mid = len(cases) // 2
    pred = compare_op(ctx, which, full_like_aval(ctx, offset + mid, w_aval), w_aval, "LT")
    lo = _select_tree(ctx, which, w_aval, cases[:mid], offset)
    hi = _select_tree(ctx, which, w_aval, cases[mid:], offset + mid)
    return ctx.op("stablehlo.select", [pred, lo, hi], out, operand_avals=[pred_aval, out, out])


clamp_p = Primitive("clamp")


def clamp(min: ArrayLike, x: ArrayLike, max: ArrayLike) -> Array:
    """Elementwise min(max(x, min), max); `min`/`max` are scalars or shaped like `x`."""
    return clamp_p.bind(*_clamp_args(min, x, max))


def _clamp_args(lo: Any, x: Any, hi: Any) -> tuple:
    x2, lo2, hi2 = scalars_like((x, lo, hi))
    return lo2, x2, hi2


@clamp_p.def_abstract_eval
def _clamp_abstract_eval(lo: ShapedArray, x: ShapedArray, hi: ShapedArray) -> ShapedArray:
    for i, a in enumerate((lo, x, hi)):
        check_dtype("lax.clamp", a, ANY, i)
    check_same_dtypes("lax.clamp", lo, x, hi)
    for nm, a in (("min", lo), ("max", hi)):
        if a.shape and a.shape != x.shape:
            raise TypeError(
                f"lax.clamp requires {nm}.shape == operand.shape or {nm}.shape == (), got "
                f"{nm}.shape={a.shape}, operand.shape={x.shape}."
            )
    return x.update(weak_type=x.weak_type and lo.weak_type and hi.weak_type)


@clamp_p.def_lowering
def _clamp_lower(ctx: Any, lo: str, x: str, hi: str) -> str:
    names, avals = broadcast_operands(ctx, (lo, x, hi))
    return ctx.op("stablehlo.clamp", names, operand_avals=avals)
