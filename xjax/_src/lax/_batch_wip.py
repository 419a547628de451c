"""TODO(#4): seed batching rules for a core subset, kept here while the family files are being
written; each rule moves beside its primitive (one primitive, one place) and this file goes."""

from __future__ import annotations

from typing import Any

from xjax._src import core
from xjax._src.core import Primitive
from xjax._src.interpreters.batching import (
    bdim_at_front,
    broadcast_batch,
    vectorized_batch,
)
from xjax._src.lax import elementwise as E
from xjax._src.lax import reductions as R
from xjax._src.lax import shape as S

# Elementwise: every primitive of the family whose abstract eval is a unary/n-ary family builder.
_UNARY = """neg sign floor ceil round is_finite exp exp2 log log1p expm1 tanh logistic sin cos tan
asin acos atan sinh cosh asinh acosh atanh sqrt rsqrt cbrt abs square erf erfc erf_inv lgamma
digamma not population_count clz real imag conj integer_pow convert_element_type
bitcast_convert_type reduce_precision copy stop_gradient""".split()
_NARY = """add sub mul div rem max min pow atan2 nextafter and or xor shift_left shift_right_logical
shift_right_arithmetic complex eq ne lt le gt ge clamp""".split()

for _name in _UNARY:
    _p = Primitive.registry.get(_name)
    if _p is not None and _p.batch is None:
        _p.def_batching(vectorized_batch(_p))
for _name in _NARY:
    _p = Primitive.registry.get(_name)
    if _p is not None and _p.batch is None:
        _p.def_batching(broadcast_batch(_p))


def _size(vals: Any, dims: Any) -> int:
    for v, d in zip(vals, dims):
        if d is not None:
            return core.get_aval(v).shape[d]
    raise AssertionError("no mapped operand")


def _select_n_batch(vals: Any, dims: Any) -> tuple[Any, int]:
    which, *cases = vals
    wd, *cds = dims
    size = _size(vals, dims)
    cases = [bdim_at_front(c, d, size) for c, d in zip(cases, cds)]
    case_shape = core.get_aval(cases[0]).shape
    w_aval = core.get_aval(which)
    if wd is None and w_aval.ndim == 0:
        return E.select_n_p.bind(which, *cases), 0
    which = bdim_at_front(which, wd, size)
    if core.get_aval(which).shape != case_shape:
        which = S.broadcast_in_dim(which, case_shape, (0,))
    return E.select_n_p.bind(which, *cases), 0


E.select_n_p.def_batching(_select_n_batch)
