"""TODO(#3): seed AD rules for a core subset, kept here while the family files are being
written; each rule moves beside its primitive (one primitive, one place) and this file goes."""

from __future__ import annotations

from typing import Any

from xjax._src import core, dtypes
from xjax._src.interpreters import ad
from xjax._src.interpreters.ad import Zero, defjvp, deflinear, is_undefined
from xjax._src.lax import dot as D
from xjax._src.lax import elementwise as E
from xjax._src.lax import reductions as R
from xjax._src.lax import shape as S


def _aval(x: Any) -> core.ShapedArray:
    return x.aval if is_undefined(x) else core.get_aval(x)


def _unbroadcast_ct(ct: Any) -> Any:
    return ct


# -- elementwise ------------------------------------------------------------------------

deflinear(E.neg_p, lambda ct, x: [E.neg(ct)])


def _add_jvp(primals: Any, tangents: Any) -> Any:
    x, y = primals
    return E.add_p.bind(x, y), ad.add_tangents(*tangents)


def _sub_jvp(primals: Any, tangents: Any) -> Any:
    x, y = primals
    tx, ty = tangents
    if type(ty) is Zero:
        t = tx
    elif type(tx) is Zero:
        t = E.neg(ty)
    else:
        t = E.sub_p.bind(tx, ty)
    return E.sub_p.bind(x, y), t


E.add_p.def_jvp(_add_jvp)
E.add_p.def_transpose(lambda ct, x, y: [ct if is_undefined(x) else None, ct if is_undefined(y) else None])
E.sub_p.def_jvp(_sub_jvp)
E.sub_p.def_transpose(
    lambda ct, x, y: [ct if is_undefined(x) else None,
                      (E.neg(ct) if type(ct) is not Zero else ct) if is_undefined(y) else None]
)
defjvp(E.mul_p, lambda t, ans, x, y: E.mul_p.bind(t, y), lambda t, ans, x, y: E.mul_p.bind(x, t))


def _mul_transpose(ct: Any, x: Any, y: Any) -> list:
    if type(ct) is Zero:
        return [None, None]
    if is_undefined(x):
        return [E.mul_p.bind(ct, y), None]
    return [None, E.mul_p.bind(x, ct)]


E.mul_p.def_transpose(_mul_transpose)
defjvp(E.div_p, lambda t, ans, x, y: E.div_p.bind(t, y),
       lambda t, ans, x, y: E.neg(E.mul_p.bind(t, E.div_p.bind(ans, y))))
E.div_p.def_transpose(lambda ct, x, y: [E.div_p.bind(ct, y) if type(ct) is not Zero else None, None])
defjvp(E.sin_p, lambda t, ans, x: E.mul(t, E.cos(x)))
defjvp(E.cos_p, lambda t, ans, x: E.neg(E.mul(t, E.sin(x))))
defjvp(E.exp_p, lambda t, ans, x: E.mul(t, ans))
defjvp(E.log_p, lambda t, ans, x: E.div(t, x))
defjvp(E.tanh_p, lambda t, ans, x: E.mul(t, E.sub(1, E.mul(ans, ans))))
defjvp(E.logistic_p, lambda t, ans, x: E.mul(t, E.mul(ans, E.sub(1, ans))))


def _balanced_eq(x: Any, z: Any, y: Any) -> Any:
    dt = core.get_aval(z).dtype
    one = S.full(core.get_aval(z).shape, 1, dt)
    half = S.full(core.get_aval(z).shape, 0.5, dt)
    zero = S.full(core.get_aval(z).shape, 0, dt)
    return E.select_n(E.eq(x, z), zero, E.select_n(E.eq(y, z), one, half))


defjvp(E.max_p, lambda t, ans, x, y: E.mul(t, _balanced_eq(x, ans, y)),
       lambda t, ans, x, y: E.mul(t, _balanced_eq(y, ans, x)))
defjvp(E.min_p, lambda t, ans, x, y: E.mul(t, _balanced_eq(x, ans, y)),
       lambda t, ans, x, y: E.mul(t, _balanced_eq(y, ans, x)))


def _select_n_jvp(primals: Any, tangents: Any) -> Any:
    which, *cases = primals
    ts = [ad.instantiate(t) for t in tangents[1:]]
    return E.select_n_p.bind(which, *cases), E.select_n_p.bind(which, *ts)


def _select_n_transpose(ct: Any, which: Any, *cases: Any) -> list:
    if type(ct) is Zero:
        return [None] * (len(cases) + 1)
    zero = ad.zeros_like_aval(core.get_aval(ct))
    out: list = [None]
    for i, c in enumerate(cases):
        if is_undefined(c):
            branches = [zero] * len(cases)
            branches[i] = ct
            out.append(E.select_n_p.bind(which, *branches))
        else:
            out.append(None)
    return out


E.select_n_p.def_jvp(_select_n_jvp)
E.select_n_p.def_transpose(_select_n_transpose)


def _convert_jvp(primals: Any, tangents: Any, *, new_dtype: Any, weak_type: bool) -> Any:
    (x,), (t,) = primals, tangents
    out = E.convert_element_type_p.bind(x, new_dtype=new_dtype, weak_type=weak_type)
    if type(t) is Zero or not dtypes.is_inexact(new_dtype) or not dtypes.is_inexact(core.get_aval(x).dtype):
        return out, Zero.from_value(out)
    return out, E.convert_element_type_p.bind(t, new_dtype=new_dtype, weak_type=False)


def _convert_transpose(ct: Any, x: Any, *, new_dtype: Any, weak_type: bool) -> list:
    if type(ct) is Zero:
        return [None]
    return [E.convert_element_type_p.bind(ct, new_dtype=x.aval.dtype, weak_type=False)]


E.convert_element_type_p.def_jvp(_convert_jvp)
E.convert_element_type_p.def_transpose(_convert_transpose)


# -- dot_general --------------------------------------------------------------------------


def _dot_transpose_lhs(ct: Any, x_aval: Any, y: Any, dims: Any, pet: Any, precision: Any) -> Any:
    (lc, rc), (lb, rb) = dims
    x_nd, y_nd = x_aval.ndim, core.get_aval(y).ndim
    x_kept = [i for i in range(x_nd) if i not in lc and i not in lb]
    y_kept = [i for i in range(y_nd) if i not in rc and i not in rb]
    nb = len(lb)
    ct_y_free = tuple(range(nb + len(x_kept), nb + len(x_kept) + len(y_kept)))
    out = D.dot_general_p.bind(
        ct, y, dimension_numbers=((ct_y_free, tuple(y_kept)), (tuple(range(nb)), tuple(rb))),
        precision=precision, preferred_element_type=None,
    )
    result_to_x = list(lb) + x_kept + [lc[list(rc).index(d)] for d in sorted(rc)]
    perm = tuple(result_to_x.index(i) for i in range(x_nd))
    out = S.transpose(out, perm)
    if core.get_aval(out).dtype != x_aval.dtype:
        out = E.convert_element_type(out, x_aval.dtype)
    return out


def _dot_general_transpose(ct: Any, x: Any, y: Any, *, dimension_numbers: Any, precision: Any,
                           preferred_element_type: Any) -> list:
    if type(ct) is Zero:
        return [None, None]
    (lc, rc), (lb, rb) = dimension_numbers
    if is_undefined(x):
        return [_dot_transpose_lhs(ct, x.aval, y, dimension_numbers, preferred_element_type, precision), None]
    # d/dy: swap roles; ct's layout is batch + x_free + y_free, so move x_free after y_free.
    x_aval, y_aval = core.get_aval(x), y.aval
    x_kept = [i for i in range(x_aval.ndim) if i not in lc and i not in lb]
    y_kept = [i for i in range(y_aval.ndim) if i not in rc and i not in rb]
    nb = len(lb)
    perm = tuple(range(nb)) + tuple(range(nb + len(x_kept), nb + len(x_kept) + len(y_kept))) + tuple(
        range(nb, nb + len(x_kept)))
    ct_swapped = S.transpose(ct, perm)
    swapped = ((rc, lc), (rb, lb))
    return [None, _dot_transpose_lhs(ct_swapped, y_aval, x, swapped, preferred_element_type, precision)]


def _dot_general_jvp(primals: Any, tangents: Any, **params: Any) -> Any:
    x, y = primals
    tx, ty = tangents
    out = D.dot_general_p.bind(x, y, **params)
    t: Any = Zero.from_value(out)
    if type(tx) is not Zero:
        t = ad.add_tangents(t, D.dot_general_p.bind(tx, y, **params))
    if type(ty) is not Zero:
        t = ad.add_tangents(t, D.dot_general_p.bind(x, ty, **params))
    return out, t


D.dot_general_p.def_jvp(_dot_general_jvp)
D.dot_general_p.def_transpose(_dot_general_transpose)

# -- outputs with no derivative -----------------------------------------------------------
from xjax._src.core import Primitive as _P  # noqa: E402
from xjax._src.interpreters.ad import defjvp_zero  # noqa: E402

for _name in ("eq ne lt le gt ge and or not xor is_finite population_count clz shift_left "
              "shift_right_logical shift_right_arithmetic iota argmax argmin").split():
    _p = _P.registry.get(_name)
    if _p is not None and _p.jvp is None:
        defjvp_zero(_p)
