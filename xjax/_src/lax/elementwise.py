"""Elementwise primitives: unary math, binary arithmetic, comparisons, logic, conversions.

Each primitive is declared once with all its rules (see shared/ARCHITECTURE.md).
lax functions require equal shapes and dtypes, except that Python scalars are converted to the
dtype of the other operands (as in JAX).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from xjax._src import core, dtypes
from xjax._src.core import Primitive
from xjax._src.lax._rules import (
    hlo_binary,
    hlo_unary,
    naryop_aval,
    to_bool,
    unary_aval,
)

F = dtypes.FLOATING
FC = dtypes.INEXACT
NUM = dtypes.NUMERIC
INT = dtypes.INTEGER
BI = (dtypes.bool_,) + dtypes.INTEGER
ANY = dtypes.ALL

_PY = (bool, int, float, complex)


def _scalars_like(args: tuple) -> tuple:
    """Python scalars take the dtype of the first non-scalar operand (lax's implicit cast)."""
    if not any(type(a) in _PY for a in args):
        return args
    ref = next((a for a in args if type(a) not in _PY), None)
    if ref is None:
        return args
    dt = core.get_aval(ref).dtype
    return tuple(np.asarray(a, dt)[()] if type(a) in _PY else a for a in args)


def unop(name: str, allowed: Any, hlo: str | None) -> Primitive:
    """Declares an elementwise unary primitive with the standard aval and lowering."""
    p = Primitive(name)
    p.def_abstract_eval(unary_aval(allowed, name))
    if hlo is not None:
        p.def_lowering(hlo_unary(hlo))
    return p


def binop(name: str, allowed: Any, hlo: str | None, out_dtype: Any = None) -> Primitive:
    p = Primitive(name)
    p.def_abstract_eval(naryop_aval(allowed, name, out_dtype))
    if hlo is not None:
        p.def_lowering(hlo_binary(hlo))
    return p


# -- unary ---------------------------------------------------------------------------------

neg_p = unop("neg", NUM, "stablehlo.negate")
sign_p = unop("sign", NUM, "stablehlo.sign")
floor_p = unop("floor", F, "stablehlo.floor")
ceil_p = unop("ceil", F, "stablehlo.ceil")
exp_p = unop("exp", FC, "stablehlo.exponential")
log_p = unop("log", FC, "stablehlo.log")
log1p_p = unop("log1p", FC, "stablehlo.log_plus_one")
expm1_p = unop("expm1", FC, "stablehlo.exponential_minus_one")
tanh_p = unop("tanh", FC, "stablehlo.tanh")
logistic_p = unop("logistic", FC, "stablehlo.logistic")
sin_p = unop("sin", FC, "stablehlo.sine")
cos_p = unop("cos", FC, "stablehlo.cosine")
tan_p = unop("tan", FC, "stablehlo.tan")
sqrt_p = unop("sqrt", FC, "stablehlo.sqrt")
rsqrt_p = unop("rsqrt", FC, "stablehlo.rsqrt")
cbrt_p = unop("cbrt", F, "stablehlo.cbrt")
not_p = unop("not", BI, "stablehlo.not")


def neg(x: Any) -> Any:
    """Elementwise negation: -x."""
    return neg_p.bind(x)


def sign(x: Any) -> Any:
    return sign_p.bind(x)


def floor(x: Any) -> Any:
    return floor_p.bind(x)


def ceil(x: Any) -> Any:
    return ceil_p.bind(x)


def exp(x: Any) -> Any:
    """Elementwise natural exponential."""
    return exp_p.bind(x)


def log(x: Any) -> Any:
    """Elementwise natural logarithm."""
    return log_p.bind(x)


def log1p(x: Any) -> Any:
    return log1p_p.bind(x)


def expm1(x: Any) -> Any:
    return expm1_p.bind(x)


def tanh(x: Any) -> Any:
    return tanh_p.bind(x)


def logistic(x: Any) -> Any:
    """Elementwise logistic sigmoid 1 / (1 + exp(-x))."""
    return logistic_p.bind(x)


def sin(x: Any) -> Any:
    """Elementwise sine."""
    return sin_p.bind(x)


def cos(x: Any) -> Any:
    return cos_p.bind(x)


def tan(x: Any) -> Any:
    return tan_p.bind(x)


def sqrt(x: Any) -> Any:
    return sqrt_p.bind(x)


def rsqrt(x: Any) -> Any:
    return rsqrt_p.bind(x)


def cbrt(x: Any) -> Any:
    return cbrt_p.bind(x)


def bitwise_not(x: Any) -> Any:
    return not_p.bind(x)


# -- binary --------------------------------------------------------------------------------

add_p = binop("add", NUM, "stablehlo.add")
sub_p = binop("sub", NUM, "stablehlo.subtract")
mul_p = binop("mul", NUM, "stablehlo.multiply")
div_p = binop("div", NUM, "stablehlo.divide")
rem_p = binop("rem", NUM, "stablehlo.remainder")
max_p = binop("max", ANY, "stablehlo.maximum")
min_p = binop("min", ANY, "stablehlo.minimum")
pow_p = binop("pow", FC, "stablehlo.power")
atan2_p = binop("atan2", F, "stablehlo.atan2")
and_p = binop("and", BI, "stablehlo.and")
or_p = binop("or", BI, "stablehlo.or")
xor_p = binop("xor", BI, "stablehlo.xor")


def add(x: Any, y: Any) -> Any:
    """Elementwise addition x + y (equal shapes and dtypes)."""
    return add_p.bind(*_scalars_like((x, y)))


def sub(x: Any, y: Any) -> Any:
    return sub_p.bind(*_scalars_like((x, y)))


def mul(x: Any, y: Any) -> Any:
    return mul_p.bind(*_scalars_like((x, y)))


def div(x: Any, y: Any) -> Any:
    """Elementwise division; integer division rounds toward zero (C semantics)."""
    return div_p.bind(*_scalars_like((x, y)))


def rem(x: Any, y: Any) -> Any:
    """Elementwise remainder with the sign of the dividend (C fmod semantics)."""
    return rem_p.bind(*_scalars_like((x, y)))


def max(x: Any, y: Any) -> Any:  # noqa: A001 - lax name
    return max_p.bind(*_scalars_like((x, y)))


def min(x: Any, y: Any) -> Any:  # noqa: A001 - lax name
    return min_p.bind(*_scalars_like((x, y)))


def pow(x: Any, y: Any) -> Any:  # noqa: A001 - lax name
    return pow_p.bind(*_scalars_like((x, y)))


def atan2(x: Any, y: Any) -> Any:
    return atan2_p.bind(*_scalars_like((x, y)))


def bitwise_and(x: Any, y: Any) -> Any:
    return and_p.bind(*_scalars_like((x, y)))


def bitwise_or(x: Any, y: Any) -> Any:
    return or_p.bind(*_scalars_like((x, y)))


def bitwise_xor(x: Any, y: Any) -> Any:
    return xor_p.bind(*_scalars_like((x, y)))


# -- comparisons ---------------------------------------------------------------------------


def _compare_lower(direction: str) -> Any:
    def rule(ctx: Any, x: str, y: str) -> str:
        dt = ctx.avals_in[0].dtype
        if dtypes.is_floating(dt) or dtypes.is_complex(dt):
            kind = "FLOAT"
        elif dt.kind == "u" or dt == dtypes.bool_:
            kind = "UNSIGNED"
        else:
            kind = "SIGNED"
        attrs = (
            f"comparison_direction = #stablehlo<comparison_direction {direction}>, "
            f"compare_type = #stablehlo<comparison_type {kind}>"
        )
        return ctx.op("stablehlo.compare", [x, y], attrs=attrs)

    return rule


def _cmp(name: str, direction: str, allowed: Any) -> Primitive:
    p = Primitive(name)
    p.def_abstract_eval(naryop_aval(allowed, name, to_bool))
    p.def_lowering(_compare_lower(direction))
    return p


eq_p = _cmp("eq", "EQ", ANY)
ne_p = _cmp("ne", "NE", ANY)
lt_p = _cmp("lt", "LT", (dtypes.bool_,) + dtypes.INTEGER + dtypes.FLOATING)
le_p = _cmp("le", "LE", (dtypes.bool_,) + dtypes.INTEGER + dtypes.FLOATING)
gt_p = _cmp("gt", "GT", (dtypes.bool_,) + dtypes.INTEGER + dtypes.FLOATING)
ge_p = _cmp("ge", "GE", (dtypes.bool_,) + dtypes.INTEGER + dtypes.FLOATING)


def eq(x: Any, y: Any) -> Any:
    return eq_p.bind(*_scalars_like((x, y)))


def ne(x: Any, y: Any) -> Any:
    return ne_p.bind(*_scalars_like((x, y)))


def lt(x: Any, y: Any) -> Any:
    return lt_p.bind(*_scalars_like((x, y)))


def le(x: Any, y: Any) -> Any:
    return le_p.bind(*_scalars_like((x, y)))


def gt(x: Any, y: Any) -> Any:
    return gt_p.bind(*_scalars_like((x, y)))


def ge(x: Any, y: Any) -> Any:
    return ge_p.bind(*_scalars_like((x, y)))


# -- select --------------------------------------------------------------------------------

select_n_p = Primitive("select_n")


def select_n(which: Any, *cases: Any) -> Any:
    """cases[which] elementwise; `which` is bool (2 cases) or int32 (any number of cases)."""
    if not cases:
        raise ValueError("lax.select_n: at least one case is required")
    return select_n_p.bind(which, *_scalars_like(cases))


@select_n_p.def_abstract_eval
def _select_n_abstract_eval(which: Any, *cases: Any) -> Any:
    case_aval = naryop_aval(None, "lax.select_n")(*cases)
    if which.dtype not in (dtypes.bool_, dtypes.int32):
        raise TypeError(f"lax.select_n: `which` must be bool or int32, got {which.dtype.name}")
    if which.dtype == dtypes.bool_ and len(cases) > 2:
        raise TypeError("lax.select_n: a bool `which` selects between at most 2 cases")
    if which.shape and which.shape != case_aval.shape:
        raise TypeError(
            f"lax.select_n: `which` shape {which.shape} must be scalar or equal to the case "
            f"shape {case_aval.shape}"
        )
    return case_aval


@select_n_p.def_lowering
def _select_n_lower(ctx: Any, which: str, *cases: str) -> str:
    out = ctx.avals_out[0]
    w_aval = ctx.avals_in[0]
    if len(cases) == 1:
        return cases[0]
    if w_aval.shape != out.shape:
        w_aval = w_aval.update(shape=out.shape)
        which = ctx.op(
            "stablehlo.broadcast_in_dim", [which], w_aval,
            attrs="broadcast_dimensions = array<i64>", operand_avals=[ctx.avals_in[0]],
        )
    return _select_tree(ctx, which, w_aval, list(cases), 0)


def _select_tree(ctx: Any, which: str, w_aval: Any, cases: list, offset: int) -> str:
    out = ctx.avals_out[0]
    if len(cases) == 1:
        return cases[0]
    if w_aval.dtype == dtypes.bool_:
        pred = which
    else:
        mid = len(cases) // 2
        bound = ctx.constant(offset + mid, w_aval.update(dtype=dtypes.int32, weak_type=False))
        pred_aval = w_aval.update(dtype=dtypes.bool_)
        pred = ctx.op(
            "stablehlo.compare", [which, bound], pred_aval,
            attrs="comparison_direction = #stablehlo<comparison_direction LT>, "
            "compare_type = #stablehlo<comparison_type SIGNED>",
            operand_avals=[w_aval, w_aval.update(dtype=dtypes.int32)],
        )
        lo = _select_tree(ctx, which, w_aval, cases[:mid], offset)
        hi = _select_tree(ctx, which, w_aval, cases[mid:], offset + mid)
        return ctx.op("stablehlo.select", [pred, lo, hi], out, operand_avals=[pred_aval, out, out])
    return ctx.op("stablehlo.select", [pred, cases[1], cases[0]], out,
                  operand_avals=[w_aval, out, out])


# -- conversions ---------------------------------------------------------------------------

convert_element_type_p = Primitive("convert_element_type")


def convert_element_type(x: Any, new_dtype: Any, weak_type: bool = False) -> Any:
    """Casts `x` to `new_dtype` (C-style: float->int truncates toward zero)."""
    new_dtype = dtypes.check_user_dtype(new_dtype, "lax.convert_element_type")
    aval = core.get_aval(x)
    if aval.dtype == new_dtype and aval.weak_type == weak_type and type(x) not in _PY:
        return x
    if type(x) in _PY or isinstance(x, (np.ndarray, np.generic)):
        x = np.asarray(x, aval.dtype)
    return convert_element_type_p.bind(x, new_dtype=new_dtype, weak_type=bool(weak_type))


@convert_element_type_p.def_abstract_eval
def _convert_abstract_eval(x: Any, *, new_dtype: np.dtype, weak_type: bool) -> Any:
    return core.shaped_array(x.shape, new_dtype, weak_type)


@convert_element_type_p.def_lowering
def _convert_lower(ctx: Any, x: str, *, new_dtype: np.dtype, weak_type: bool) -> str:
    src = ctx.avals_in[0].dtype
    out = ctx.avals_out[0]
    if src == new_dtype:
        return x
    if dtypes.is_complex(src) and not dtypes.is_complex(new_dtype):
        real_aval = ctx.avals_in[0].update(dtype=dtypes.real_dtype(src))
        x = ctx.op("stablehlo.real", [x], real_aval)
        src = real_aval.dtype
        if src == new_dtype:
            return x
        ctx = ctx.sub([real_aval], [out])
    if new_dtype == dtypes.bool_ and src != dtypes.bool_:
        zero = ctx.constant(0, ctx.avals_in[0].update(weak_type=False))
        return ctx.op(
            "stablehlo.compare", [x, zero], out,
            attrs="comparison_direction = #stablehlo<comparison_direction NE>, "
            f"compare_type = #stablehlo<comparison_type {'FLOAT' if dtypes.is_inexact(src) else 'SIGNED'}>",
            operand_avals=[ctx.avals_in[0], ctx.avals_in[0]],
        )
    return ctx.op("stablehlo.convert", [x])

