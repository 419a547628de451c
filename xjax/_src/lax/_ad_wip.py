"""TODO(#3): seed AD rules for a core subset, kept here while the family files are being
written; each rule moves beside its primitive (one primitive, one place) and this file goes."""

from __future__ import annotations

from typing import Any

from xjax._src import core, dtypes
from xjax._src.interpreters import ad
from xjax._src.interpreters.ad import Zero, defjvp, deflinear, is_undefined
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


# -- outputs with no derivative -----------------------------------------------------------
from xjax._src.core import Primitive as _P  # noqa: E402
from xjax._src.interpreters.ad import defjvp_zero  # noqa: E402

for _name in ("eq ne lt le gt ge and or not xor is_finite population_count clz shift_left "
              "shift_right_logical shift_right_arithmetic iota argmax argmin").split():
    _p = _P.registry.get(_name)
    if _p is not None and _p.jvp is None:
        defjvp_zero(_p)
