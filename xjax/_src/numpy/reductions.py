"""Reductions: sum/prod/max/min/mean/var/std/all/any/arg*, cumulative ops, nan*, quantiles.

JAX's dtype rules: sum/prod promote bool and small integers to the default int (uint), mean/var
of integers are default-float, float16/bfloat16 accumulate in float32; results are strong.
"""

from __future__ import annotations

import builtins
import operator
from typing import Any

import numpy as np

from xjax._src import core, dtypes
from xjax._src.array import from_host
from xjax._src.lax import elementwise as lax
from xjax._src.lax import reductions as lax_red
from xjax._src.lax import shape as lax_shape
from xjax._src.numpy.ufuncs import _dkind as _knd
from xjax._src.numpy.ufuncs import _to_inexact
from xjax._src.numpy.util import check_arraylike

__all__ = [
    "all", "amax", "amin", "any", "argmax", "argmin", "average", "count_nonzero", "cumprod",
    "cumsum", "cumulative_prod", "cumulative_sum", "max", "mean", "median", "min", "nanargmax",
    "nanargmin", "nancumprod", "nancumsum", "nanmax", "nanmean", "nanmedian", "nanmin",
    "nanpercentile", "nanprod", "nanquantile", "nanstd", "nansum", "nanvar", "percentile", "prod",
    "ptp", "quantile", "std", "sum", "var",
]

_PRIM = {
    "sum": lax_red.reduce_sum,
    "prod": lax_red.reduce_prod,
    "max": lax_red.reduce_max,
    "min": lax_red.reduce_min,
    "and": lax_red.reduce_and,
    "or": lax_red.reduce_or,
    "xor": lax_red.reduce_xor,
}
_BOOL_KIND = {"sum": "or", "prod": "and", "max": "or", "min": "and", "and": "and", "or": "or",
              "xor": "xor"}
_BINOP = {"sum": lax.add, "prod": lax.mul, "max": lax.max, "min": lax.min,
          "and": lax.bitwise_and, "or": lax.bitwise_or, "xor": lax.bitwise_xor}


# -- helpers ---------------------------------------------------------------------------------


def _asarray(fn: str, a: Any) -> Any:
    from xjax._src.numpy.creation import asarray

    check_arraylike(fn, a)
    return asarray(a)


def _const(x: Any, dtype: np.dtype) -> Any:
    return from_host(np.asarray(x, dtype), dtype)


def _full(shape: tuple, value: Any, dtype: np.dtype) -> Any:
    from xjax._src.numpy.creation import _fill

    return _fill(shape, value, dtype)


def _convert(x: Any, dtype: np.dtype, weak: bool = False) -> Any:
    aval = core.get_aval(x)
    if aval.dtype == dtype and aval.weak_type == weak:
        return x
    return lax.convert_element_type(x, dtype, weak_type=weak)


def _axes(fn: str, ndim: int, axis: Any) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, core.Tracer):
        raise core.concretization_error(axis, TypeError, f"{fn}: axis must be static", "pass a Python int")
    axes = tuple(axis) if isinstance(axis, (tuple, list, np.ndarray)) else (axis,)
    out = []
    for ax in axes:
        ax = operator.index(ax)
        if not -ndim <= ax < ndim:
            raise ValueError(f"{fn}: axis {ax} is out of bounds for array of dimension {ndim}")
        out.append(ax % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"{fn}: duplicate value in 'axis': {axis}")
    return tuple(out)


def _keep(x: Any, shape: tuple, axes: tuple) -> Any:
    kshape = tuple(1 if i in axes else d for i, d in enumerate(shape))
    return lax_shape.reshape(x, kshape)


def _select(mask: Any, a: Any, b: Any) -> Any:
    """where(mask, a, b) for equal-shape arrays (mask bool)."""
    return lax.select_n(mask, b, a)


def _where_arg(fn: str, where: Any, shape: tuple) -> Any:
    from xjax._src.numpy.creation import asarray
    from xjax._src.numpy.util import broadcast_shapes, broadcast_to_shape

    check_arraylike(fn, where)
    w = asarray(where)
    if core.get_aval(w).dtype != dtypes.bool_:
        raise ValueError(f"{fn}: where must be None or a boolean array; got dtype={core.get_aval(w).dtype}.")
    wshape = core.get_aval(w).shape
    if broadcast_shapes(wshape, shape, fn=fn) != shape:
        raise ValueError(f"{fn}: where mask of shape {wshape} cannot be broadcast to shape {shape}")
    return broadcast_to_shape(w, shape)


def _identity(kind: str, dtype: np.dtype) -> Any:
    if kind in ("sum", "or", "xor"):
        return 0 if dtype != dtypes.bool_ else False
    if kind == "prod":
        return 1 if dtype != dtypes.bool_ else True
    if kind == "and":  # all bits set
        return np.array(-1).astype(dtype) if dtype != dtypes.bool_ else True
    if dtype == dtypes.bool_:
        return kind == "min"
    if _knd(dtype) in "iu":
        info = np.iinfo(dtype)
        return info.min if kind == "max" else info.max
    return -np.inf if kind == "max" else np.inf


def _reduce_raw(kind: str, x: Any, axes: tuple, dtype: np.dtype) -> Any:
    """One lax reduction (bool-safe); `dtype` is x's dtype."""
    if dtype == dtypes.bool_:
        kind = _BOOL_KIND[kind]
    if not axes:
        return x
    return _PRIM[kind](x, axes)


def _promote_integer(dtype: np.dtype) -> np.dtype:
    if dtype == dtypes.bool_:
        return dtypes.default_int_dtype()
    if _knd(dtype) == "i" and dtype.itemsize < dtypes.default_int_dtype().itemsize:
        return dtypes.default_int_dtype()
    if _knd(dtype) == "u" and dtype.itemsize < dtypes.default_uint_dtype().itemsize:
        return dtypes.default_uint_dtype()
    return dtype


def _upcast_f16(dtype: np.dtype) -> np.dtype:
    if dtype in (dtypes.float16, dtypes.bfloat16):
        return np.dtype(np.float32)
    return dtype


def _reduction(fn: str, kind: str, a: Any, axis: Any, dtype: Any, out: Any, keepdims: bool,
               initial: Any, where: Any, *, has_identity: bool = True, promote_integers: bool = False,
               upcast: bool = False, result_dtype: np.dtype | None = None) -> Any:
    if out is not None:
        raise NotImplementedError(f"{fn}: the 'out' argument is not supported.")
    a = _asarray(fn, a)
    aval = core.get_aval(a)
    axes = _axes(fn, aval.ndim, axis)
    if initial is None and not has_identity:
        if where is not None:
            raise ValueError(f"reduction operation {fn.split('.')[-1]} does not have an identity, so to use a "
                             "where mask one has to specify 'initial'")
        if builtins.any(aval.shape[d] == 0 for d in axes):
            raise ValueError(f"zero-size array to reduction operation {fn.split('.')[-1]} which has no identity")
    if result_dtype is None:
        if dtype is None:
            result_dtype = _promote_integer(aval.dtype) if promote_integers else aval.dtype
        else:
            result_dtype = dtypes.check_user_dtype(dtype, fn)
    comp = _upcast_f16(result_dtype) if upcast and _knd(result_dtype) in "fc" else result_dtype
    a = _convert(a, comp)
    if where is not None:
        w = _where_arg(fn, where, aval.shape)
        a = _select(w, a, _full(aval.shape, _identity(kind, comp), comp))
    r = _reduce_raw(kind, a, axes, comp)
    if initial is not None:
        init = _asarray_any(initial)
        if core.get_aval(init).shape != ():
            raise ValueError(f"{fn}: initial value must be a scalar. Got array of shape {core.get_aval(init).shape}")
        init = _convert(init, comp)
        rshape = core.get_aval(r).shape
        init = lax_shape.broadcast_in_dim(init, rshape, ()) if rshape else init
        op = _BINOP[_BOOL_KIND[kind] if comp == dtypes.bool_ else kind]
        r = op(init, r)
    if keepdims:
        r = _keep(r, aval.shape, axes)
    return _convert(r, result_dtype)


def _asarray_any(x: Any) -> Any:
    from xjax._src.numpy.creation import asarray

    return asarray(x)


# -- basic reductions ------------------------------------------------------------------------


def sum(a: Any, axis: Any = None, dtype: Any = None, out: None = None, keepdims: bool = False,
        initial: Any = None, where: Any = None, promote_integers: bool = True) -> Any:
    """xjax implementation of `numpy.sum`."""
    return _reduction("jnp.sum", "sum", a, axis, dtype, out, keepdims, initial, where,
                      promote_integers=promote_integers, upcast=True)


def prod(a: Any, axis: Any = None, dtype: Any = None, out: None = None, keepdims: bool = False,
         initial: Any = None, where: Any = None, promote_integers: bool = True) -> Any:
    """xjax implementation of `numpy.prod`."""
    return _reduction("jnp.prod", "prod", a, axis, dtype, out, keepdims, initial, where,
                      promote_integers=promote_integers, upcast=True)


def max(a: Any, axis: Any = None, out: None = None, keepdims: bool = False, initial: Any = None,
        where: Any = None) -> Any:
    """xjax implementation of `numpy.max`."""
    return _reduction("jnp.max", "max", a, axis, None, out, keepdims, initial, where, has_identity=False)


def min(a: Any, axis: Any = None, out: None = None, keepdims: bool = False, initial: Any = None,
        where: Any = None) -> Any:
    """xjax implementation of `numpy.min`."""
    return _reduction("jnp.min", "min", a, axis, None, out, keepdims, initial, where, has_identity=False)


amax = max
amin = min


def all(a: Any, axis: Any = None, out: None = None, keepdims: bool = False, *, where: Any = None) -> Any:
    """xjax implementation of `numpy.all`."""
    a = _to_bool("jnp.all", a)
    return _reduction("jnp.all", "and", a, axis, None, out, keepdims, None, where)


def any(a: Any, axis: Any = None, out: None = None, keepdims: bool = False, *, where: Any = None) -> Any:
    """xjax implementation of `numpy.any`."""
    a = _to_bool("jnp.any", a)
    return _reduction("jnp.any", "or", a, axis, None, out, keepdims, None, where)


def _to_bool(fn: str, a: Any) -> Any:
    a = _asarray(fn, a)
    aval = core.get_aval(a)
    if aval.dtype == dtypes.bool_:
        return a
    return lax.ne(a, _full(aval.shape, 0, aval.dtype))


def count_nonzero(a: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """xjax implementation of `numpy.count_nonzero`."""
    b = _to_bool("jnp.count_nonzero", a)
    return _reduction("jnp.count_nonzero", "sum", b, axis, None, None, keepdims, None, None,
                      result_dtype=dtypes.default_int_dtype())


def ptp(a: Any, axis: Any = None, out: None = None, keepdims: bool = False) -> Any:
    """xjax implementation of `numpy.ptp`."""
    hi = max(a, axis=axis, out=out, keepdims=keepdims)
    lo = min(a, axis=axis, keepdims=keepdims)
    return lax.sub(hi, lo)


# -- mean / var / std ------------------------------------------------------------------------


def _count(shape: tuple, axes: tuple) -> int:
    return int(np.prod([shape[d] for d in axes], dtype=np.int64))


def mean(a: Any, axis: Any = None, dtype: Any = None, out: None = None, keepdims: bool = False, *,
         where: Any = None) -> Any:
    """xjax implementation of `numpy.mean`."""
    a = _asarray("jnp.mean", a)
    aval = core.get_aval(a)
    axes = _axes("jnp.mean", aval.ndim, axis)
    if dtype is None:
        rdt = _to_inexact(aval.dtype)
    else:
        rdt = dtypes.check_user_dtype(dtype, "jnp.mean")
    comp = _upcast_f16(rdt)
    s = sum(a, axis, dtype=comp, keepdims=keepdims, where=where)
    if where is None:
        n = _count(aval.shape, axes)  # a Python scalar: lax casts it to s's dtype
    else:
        w = _where_arg("jnp.mean", where, aval.shape)
        n = sum(w, axis, dtype=comp, keepdims=keepdims)
    return _convert(lax.div(s, n), rdt)


def _var_dtypes(a_dtype: np.dtype, dtype: Any, fn: str) -> tuple[np.dtype, np.dtype]:
    if dtype is None:
        if _knd(a_dtype) not in "fc":
            return _to_inexact(a_dtype), _to_inexact(a_dtype)
        return _upcast_f16(a_dtype), dtypes.real_dtype(a_dtype)
    dt = dtypes.check_user_dtype(dtype, fn)
    if _knd(a_dtype) == "c" and _knd(dt) != "c":
        raise ValueError(f"{fn}: real dtype parameters are not supported for the variance of "
                         "complex values")
    return _upcast_f16(dt), dt


def var(a: Any, axis: Any = None, dtype: Any = None, out: None = None, ddof: int = 0,
        keepdims: bool = False, *, where: Any = None, correction: float | None = None) -> Any:
    """xjax implementation of `numpy.var`."""
    return _var("jnp.var", a, axis, dtype, out, ddof, keepdims, where, correction)


def _var(fn: str, a: Any, axis: Any, dtype: Any, out: Any, ddof: Any, keepdims: bool, where: Any,
         correction: Any) -> Any:
    if out is not None:
        raise NotImplementedError(f"{fn}: the 'out' argument is not supported.")
    if correction is None:
        correction = ddof
    elif ddof != 0:
        raise ValueError(f"{fn}: ddof and correction can't be provided simultaneously.")
    a = _asarray(fn, a)
    aval = core.get_aval(a)
    axes = _axes(fn, aval.ndim, axis)
    comp, rdt = _var_dtypes(aval.dtype, dtype, fn)
    a = _convert(a, comp)
    mu = mean(a, axis, dtype=comp, keepdims=True, where=where)
    mu = lax_shape.broadcast_in_dim(mu, aval.shape, tuple(range(aval.ndim))) if aval.ndim else mu
    c = lax.sub(a, mu)
    if _knd(comp) == "c":
        from xjax._src.numpy import ufuncs

        re, im = ufuncs.real(c), ufuncs.imag(c)
        sq = lax.add(lax.mul(re, re), lax.mul(im, im))
    else:
        sq = lax.mul(c, c)
    sdt = core.get_aval(sq).dtype
    s = sum(sq, axis, dtype=sdt, keepdims=keepdims, where=where)
    if where is None:
        n = _full(core.get_aval(s).shape, _count(aval.shape, axes), sdt)
    else:
        w = _where_arg(fn, where, aval.shape)
        n = sum(w, axis, dtype=sdt, keepdims=keepdims)
    corr = _asarray_any(correction)
    corr = _convert(corr, sdt)
    rshape = core.get_aval(s).shape
    if rshape:
        corr = lax_shape.broadcast_in_dim(corr, rshape, ())
    n = lax.sub(n, corr)
    r = _convert(lax.div(s, n), rdt)
    bad = lax.le(n, _full(core.get_aval(n).shape, 0, sdt))
    return _select(bad, _full(core.get_aval(r).shape, np.nan, rdt), r)


def std(a: Any, axis: Any = None, dtype: Any = None, out: None = None, ddof: int = 0,
        keepdims: bool = False, *, where: Any = None, correction: float | None = None) -> Any:
    """xjax implementation of `numpy.std`."""
    v = _var("jnp.std", a, axis, dtype, out, ddof, keepdims, where, correction)
    return lax.sqrt(v)


def average(a: Any, axis: Any = None, weights: Any = None, returned: bool = False,
            keepdims: bool = False) -> Any:
    """xjax implementation of `numpy.average`."""
    from xjax._src.numpy import ufuncs

    a = _asarray("jnp.average", a)
    aval = core.get_aval(a)
    if weights is None:
        avg = mean(a, axis=axis, keepdims=keepdims)
        axes = _axes("jnp.average", aval.ndim, axis)
        wsum = _full(core.get_aval(avg).shape, _count(aval.shape, axes), core.get_aval(avg).dtype)
    else:
        w = _asarray("jnp.average", weights)
        waval = core.get_aval(w)
        dt = _to_inexact(dtypes.result_type(aval.dtype, waval.dtype))
        if _knd(dt) not in "fc":
            dt = dtypes.default_float_dtype()
        a = _convert(a, dt)
        w = _convert(w, dt)
        if waval.shape != aval.shape:
            if axis is None:
                raise ValueError("jnp.average: Axis must be specified when shapes of a and weights differ.")
            if waval.ndim != 1:
                raise ValueError("jnp.average: 1D weights expected when shapes of a and weights differ.")
            ax = _axes("jnp.average", aval.ndim, axis)
            if len(ax) != 1 or waval.shape[0] != aval.shape[ax[0]]:
                raise ValueError("jnp.average: Length of weights not compatible with specified axis.")
            w = lax_shape.broadcast_in_dim(w, aval.shape, ax)
        wsum = sum(w, axis=axis, keepdims=keepdims)
        avg = lax.div(sum(ufuncs.multiply(a, w), axis=axis, keepdims=keepdims), wsum)
    if returned:
        return avg, wsum
    return avg


# -- argmax / argmin -------------------------------------------------------------------------


def _arg(fn: str, kind: str, a: Any, axis: Any, keepdims: bool, nan_ignore: bool = False) -> Any:
    a = _asarray(fn, a)
    aval = core.get_aval(a)
    idt = dtypes.default_int_dtype()
    if axis is None:
        if aval.size == 0:
            raise ValueError(f"{fn}: attempt to get {kind} of an empty sequence")
        flat = lax_shape.reshape(a, (aval.size,))
        r = _arg(fn, kind, flat, 0, False, nan_ignore)
        if keepdims:
            r = lax_shape.reshape(r, (1,) * aval.ndim)
        return r
    (ax,) = _axes(fn, builtins.max(aval.ndim, 1), axis) if aval.ndim else (0,)
    if aval.ndim == 0:
        raise ValueError(f"{fn}: axis {axis} is out of bounds for array of dimension 0")
    n = aval.shape[ax]
    if n == 0:
        raise ValueError(f"{fn}: attempt to get {kind} of an empty sequence")
    if _knd(aval.dtype) == "c":
        raise TypeError(f"{fn}: complex inputs are not supported")
    x = a
    isnan = None
    if nan_ignore and _knd(aval.dtype) == "f":
        isnan = lax.ne(x, x)
        fill = -np.inf if kind == "argmax" else np.inf
        x = _select(isnan, _full(aval.shape, fill, aval.dtype), x)
    r = getattr(_lax_mod(), kind)(x, ax, idt)  # NaN wins (first NaN), ties: first index
    if isnan is not None:
        allnan = _reduce_raw("and", isnan, (ax,), dtypes.bool_)
        r = _select(allnan, _full(core.get_aval(r).shape, -1, idt), r)
    if keepdims:
        r = _keep(r, aval.shape, (ax,))
    return r


def argmax(a: Any, axis: int | None = None, out: None = None, keepdims: bool | None = None) -> Any:
    """xjax implementation of `numpy.argmax`."""
    return _arg("jnp.argmax", "argmax", a, axis, bool(keepdims))


def argmin(a: Any, axis: int | None = None, out: None = None, keepdims: bool | None = None) -> Any:
    """xjax implementation of `numpy.argmin`."""
    return _arg("jnp.argmin", "argmin", a, axis, bool(keepdims))


def nanargmax(a: Any, axis: int | None = None, out: None = None, keepdims: bool | None = None) -> Any:
    """xjax implementation of `numpy.nanargmax` (-1 where a slice is all-NaN, as JAX)."""
    return _arg("jnp.nanargmax", "argmax", a, axis, bool(keepdims), nan_ignore=True)


def nanargmin(a: Any, axis: int | None = None, out: None = None, keepdims: bool | None = None) -> Any:
    """xjax implementation of `numpy.nanargmin` (-1 where a slice is all-NaN, as JAX)."""
    return _arg("jnp.nanargmin", "argmin", a, axis, bool(keepdims), nan_ignore=True)


# -- nan-ignoring reductions -----------------------------------------------------------------


def _nan_to(a: Any, value: Any) -> Any:
    aval = core.get_aval(a)
    if _knd(aval.dtype) not in "fc":
        return a
    return _select(lax.ne(a, a), _full(aval.shape, value, aval.dtype), a)


def _isnan(a: Any) -> Any:
    aval = core.get_aval(a)
    if _knd(aval.dtype) not in "fc":
        return _full(aval.shape, False, dtypes.bool_)
    return lax.ne(a, a)


def nansum(a: Any, axis: Any = None, dtype: Any = None, out: None = None, keepdims: bool = False,
           initial: Any = None, where: Any = None) -> Any:
    """xjax implementation of `numpy.nansum`."""
    a = _asarray("jnp.nansum", a)
    return sum(_nan_to(a, 0), axis, dtype, out, keepdims, initial, where)


def nanprod(a: Any, axis: Any = None, dtype: Any = None, out: None = None, keepdims: bool = False,
            initial: Any = None, where: Any = None) -> Any:
    """xjax implementation of `numpy.nanprod`."""
    a = _asarray("jnp.nanprod", a)
    return prod(_nan_to(a, 1), axis, dtype, out, keepdims, initial, where)


def _nanminmax(fn: str, kind: str, a: Any, axis: Any, out: Any, keepdims: bool, initial: Any,
               where: Any) -> Any:
    a = _asarray(fn, a)
    aval = core.get_aval(a)
    if _knd(aval.dtype) not in "fc":
        return _reduction(fn, kind, a, axis, None, out, keepdims, initial, where, has_identity=False)
    fill = -np.inf if kind == "max" else np.inf
    r = _reduction(fn, kind, _nan_to(a, fill), axis, None, out, keepdims, initial, where, has_identity=False)
    axes = _axes(fn, aval.ndim, axis)
    nan = _isnan(a)
    if where is not None:
        nan = lax.bitwise_or(nan, lax.bitwise_not(_where_arg(fn, where, aval.shape)))
    allnan = _reduce_raw("and", nan, axes, dtypes.bool_)
    if keepdims:
        allnan = _keep(allnan, aval.shape, axes)
    if initial is not None:
        return r
    return _select(allnan, _full(core.get_aval(r).shape, np.nan, aval.dtype), r)


def nanmax(a: Any, axis: Any = None, out: None = None, keepdims: bool = False, initial: Any = None,
           where: Any = None) -> Any:
    """xjax implementation of `numpy.nanmax`."""
    return _nanminmax("jnp.nanmax", "max", a, axis, out, keepdims, initial, where)


def nanmin(a: Any, axis: Any = None, out: None = None, keepdims: bool = False, initial: Any = None,
           where: Any = None) -> Any:
    """xjax implementation of `numpy.nanmin`."""
    return _nanminmax("jnp.nanmin", "min", a, axis, out, keepdims, initial, where)


def nanmean(a: Any, axis: Any = None, dtype: Any = None, out: None = None, keepdims: bool = False,
            where: Any = None) -> Any:
    """xjax implementation of `numpy.nanmean`."""
    a = _asarray("jnp.nanmean", a)
    aval = core.get_aval(a)
    if _knd(aval.dtype) not in "fc":
        return mean(a, axis, dtype, out, keepdims, where=where)
    notnan = lax.bitwise_not(_isnan(a))
    if where is not None:
        notnan = lax.bitwise_and(notnan, _where_arg("jnp.nanmean", where, aval.shape))
    s = nansum(a, axis, dtype=dtype, keepdims=keepdims, where=where)
    n = sum(notnan, axis, dtype=core.get_aval(s).dtype, keepdims=keepdims)
    return lax.div(s, n)


def nanvar(a: Any, axis: Any = None, dtype: Any = None, out: None = None, ddof: int = 0,
           keepdims: bool = False, where: Any = None) -> Any:
    """xjax implementation of `numpy.nanvar`."""
    a = _asarray("jnp.nanvar", a)
    aval = core.get_aval(a)
    if _knd(aval.dtype) not in "fc":
        return var(a, axis, dtype, out, ddof, keepdims, where=where)
    notnan = lax.bitwise_not(_isnan(a))
    if where is not None:
        notnan = lax.bitwise_and(notnan, _where_arg("jnp.nanvar", where, aval.shape))
    return var(_nan_to(a, 0), axis, dtype, out, ddof, keepdims, where=notnan)


def nanstd(a: Any, axis: Any = None, dtype: Any = None, out: None = None, ddof: int = 0,
           keepdims: bool = False, where: Any = None) -> Any:
    """xjax implementation of `numpy.nanstd`."""
    return lax.sqrt(nanvar(a, axis, dtype, out, ddof, keepdims, where))


# -- cumulative ------------------------------------------------------------------------------


def _cumulative(fn: str, kind: str, a: Any, axis: Any, dtype: Any) -> Any:
    a = _asarray(fn, a)
    aval = core.get_aval(a)
    if axis is None:
        a = lax_shape.reshape(a, (aval.size,))
        aval = core.get_aval(a)
        axis = 0
    (ax,) = _axes(fn, aval.ndim, axis) if aval.ndim else (None,)
    if ax is None:
        raise ValueError(f"{fn}: axis {axis} is out of bounds for array of dimension 0")
    if dtype is None:
        rdt = _promote_integer(aval.dtype) if aval.dtype == dtypes.bool_ else aval.dtype
    else:
        rdt = dtypes.check_user_dtype(dtype, fn)
    a = _convert(a, rdt)
    if aval.size == 0:
        return a
    return getattr(_lax_mod(), "cum" + kind)(a, axis=ax)


def _lax_mod() -> Any:
    import xjax.lax

    return xjax.lax


def cumsum(a: Any, axis: int | None = None, dtype: Any = None, out: None = None) -> Any:
    """xjax implementation of `numpy.cumsum`."""
    return _cumulative("jnp.cumsum", "sum", a, axis, dtype)


def cumprod(a: Any, axis: int | None = None, dtype: Any = None, out: None = None) -> Any:
    """xjax implementation of `numpy.cumprod`."""
    return _cumulative("jnp.cumprod", "prod", a, axis, dtype)


def nancumsum(a: Any, axis: int | None = None, dtype: Any = None, out: None = None) -> Any:
    """xjax implementation of `numpy.nancumsum`."""
    return cumsum(_nan_to(_asarray("jnp.nancumsum", a), 0), axis, dtype)


def nancumprod(a: Any, axis: int | None = None, dtype: Any = None, out: None = None) -> Any:
    """xjax implementation of `numpy.nancumprod`."""
    return cumprod(_nan_to(_asarray("jnp.nancumprod", a), 1), axis, dtype)


def _cumulative_with_initial(fn: str, kind: str, x: Any, axis: int | None, dtype: Any,
                             include_initial: bool) -> Any:
    x = _asarray(fn, x)
    aval = core.get_aval(x)
    if aval.ndim == 0:
        raise ValueError(f"{fn}: The input must be non-scalar to take a cumulative operation, got shape ()")
    if axis is None:
        if aval.ndim > 1:
            raise ValueError(f"{fn}: The input array has rank {aval.ndim}, however axis was not set to an "
                             "explicit value. The axis argument is only optional for one-dimensional arrays.")
        axis = 0
    out = _cumulative(fn, kind, x, axis, dtype)
    if include_initial:
        oaval = core.get_aval(out)
        (ax,) = _axes(fn, oaval.ndim, axis)
        shape = oaval.shape[:ax] + (1,) + oaval.shape[ax + 1:]
        init = _full(shape, 0 if kind == "sum" else 1, oaval.dtype)
        out = _lax_mod().concatenate([init, out], ax)
    return out


def cumulative_sum(x: Any, /, *, axis: int | None = None, dtype: Any = None,
                   include_initial: bool = False) -> Any:
    """xjax implementation of `numpy.cumulative_sum` (small integers promote, as in JAX)."""
    if dtype is None:
        dtype = _promote_integer(dtypes.dtype(x))
    return _cumulative_with_initial("jnp.cumulative_sum", "sum", x, axis, dtype, include_initial)


def cumulative_prod(x: Any, /, *, axis: int | None = None, dtype: Any = None,
                    include_initial: bool = False) -> Any:
    """xjax implementation of `numpy.cumulative_prod`."""
    return _cumulative_with_initial("jnp.cumulative_prod", "prod", x, axis, dtype, include_initial)


# -- order statistics ------------------------------------------------------------------------


def _sort_last(x: Any) -> Any:
    return _lax_mod().sort(x, dimension=core.get_aval(x).ndim - 1)


def _quantile(fn: str, a: Any, q: Any, axis: Any, method: str, keepdims: bool, squash_nans: bool) -> Any:
    from xjax._src.numpy import ufuncs
    from xjax._src.numpy.creation import asarray

    if method not in ("linear", "lower", "higher", "midpoint", "nearest"):
        raise ValueError(f"{fn}: method={method!r} not recognized")
    a = _asarray(fn, a)
    aval = core.get_aval(a)
    q = asarray(q)
    qaval = core.get_aval(q)
    if qaval.ndim > 1:
        raise ValueError(f"{fn}: q must be zero- or one-dimensional, got shape {qaval.shape}")
    if _knd(aval.dtype) == "c":
        raise ValueError(f"{fn}: q and a arguments to quantile must be real numbers, got complex")
    dt = _to_inexact(dtypes.result_type(aval.dtype, qaval.dtype))
    if _knd(dt) not in "f":
        dt = dtypes.default_float_dtype()
    a = _convert(a, dt)
    q = _convert(q, dt)
    axes = _axes(fn, aval.ndim, axis)
    keep_shape = tuple(1 if i in axes else d for i, d in enumerate(aval.shape))
    rest = tuple(i for i in range(aval.ndim) if i not in axes)
    # move reduced axes last and flatten them
    lax_mod = _lax_mod()
    if axes != tuple(range(aval.ndim - len(axes), aval.ndim)):
        a = lax_mod.transpose(a, rest + axes)
    rshape = tuple(aval.shape[i] for i in rest)
    n = _count(aval.shape, axes)
    a = lax_shape.reshape(a, rshape + (n,))
    if squash_nans:
        nan = _isnan(a)
        a = _select(nan, _full(rshape + (n,), np.inf, dt), a)
        cnt = sum(lax.bitwise_not(nan), axis=-1, dtype=dt)
    else:
        cnt = _full(rshape, n, dt)
    s = _sort_last(a)
    qs = lax_shape.reshape(q, (core.get_aval(q).size,))
    nq = core.get_aval(qs).shape[0]
    # positions: q * (count - 1), per leading element and q
    pos = ufuncs.multiply(lax_shape.broadcast_in_dim(qs, (nq,) + rshape, (0,)),
                          lax_shape.broadcast_in_dim(lax.sub(cnt, _full(rshape, 1, dt)), (nq,) + rshape,
                                                     tuple(range(1, len(rshape) + 1))))
    lo = ufuncs.floor(pos)
    hi = ufuncs.ceil(pos)
    if method == "lower":
        hi = lo
    elif method == "higher":
        lo = hi
    elif method == "nearest":
        lo = hi = ufuncs.round(pos)

    def gather(idx: Any) -> Any:
        io = lax_shape.broadcast_in_dim(_const(np.arange(n), dt), (nq,) + rshape + (n,), (len(rshape) + 1,))
        ii = lax_shape.broadcast_in_dim(idx, (nq,) + rshape + (n,), tuple(range(len(rshape) + 1)))
        vals = lax_shape.broadcast_in_dim(s, (nq,) + rshape + (n,), tuple(range(1, len(rshape) + 2)))
        hit = lax.eq(io, ii)
        return _reduce_raw("sum", _select(hit, vals, _full((nq,) + rshape + (n,), 0, dt)), (len(rshape) + 1,), dt)

    vlo, vhi = gather(lo), gather(hi)
    if method == "midpoint":
        out = ufuncs.multiply(ufuncs.add(vlo, vhi), 0.5)
    elif method == "linear":
        frac = lax.sub(pos, lo)
        out = ufuncs.add(ufuncs.multiply(vlo, ufuncs.subtract(1.0, frac)), ufuncs.multiply(vhi, frac))
    else:
        out = vlo
    if not squash_nans and _knd(dt) == "f":
        anynan = _reduce_raw("or", _isnan(s), (len(rshape),), dtypes.bool_)
        anynan = lax_shape.broadcast_in_dim(anynan, (nq,) + rshape, tuple(range(1, len(rshape) + 1)))
        out = _select(anynan, _full((nq,) + rshape, np.nan, dt), out)
    if keepdims:
        out = lax_shape.reshape(out, (nq,) + keep_shape)
    if qaval.ndim == 0:
        out = lax_shape.reshape(out, core.get_aval(out).shape[1:])
    return out


def _no_weights(fn: str, weights: Any) -> None:
    if weights is not None:
        raise NotImplementedError(f"{fn}: weights are not supported yet")


def quantile(a: Any, q: Any, axis: Any = None, out: None = None, overwrite_input: bool = False,
             method: str = "linear", keepdims: bool = False, *, weights: Any = None) -> Any:
    """xjax implementation of `numpy.quantile`."""
    _no_weights("jnp.quantile", weights)
    return _quantile("jnp.quantile", a, q, axis, method, keepdims, False)


def nanquantile(a: Any, q: Any, axis: Any = None, out: None = None, overwrite_input: bool = False,
                method: str = "linear", keepdims: bool = False, *, weights: Any = None) -> Any:
    """xjax implementation of `numpy.nanquantile`."""
    _no_weights("jnp.nanquantile", weights)
    return _quantile("jnp.nanquantile", a, q, axis, method, keepdims, True)


def percentile(a: Any, q: Any, axis: Any = None, out: None = None, overwrite_input: bool = False,
               method: str = "linear", keepdims: bool = False, *, weights: Any = None) -> Any:
    """xjax implementation of `numpy.percentile`."""
    _no_weights("jnp.percentile", weights)
    from xjax._src.numpy import ufuncs

    return quantile(a, ufuncs.true_divide(q, 100.0), axis, method=method, keepdims=keepdims)


def nanpercentile(a: Any, q: Any, axis: Any = None, out: None = None, overwrite_input: bool = False,
                  method: str = "linear", keepdims: bool = False, *, weights: Any = None) -> Any:
    """xjax implementation of `numpy.nanpercentile`."""
    _no_weights("jnp.nanpercentile", weights)
    from xjax._src.numpy import ufuncs

    return nanquantile(a, ufuncs.true_divide(q, 100.0), axis, method=method, keepdims=keepdims)


def median(a: Any, axis: Any = None, out: None = None, overwrite_input: bool = False,
           keepdims: bool = False) -> Any:
    """xjax implementation of `numpy.median`."""
    return quantile(a, 0.5, axis=axis, keepdims=keepdims, method="midpoint")


def nanmedian(a: Any, axis: Any = None, out: None = None, overwrite_input: bool = False,
              keepdims: bool = False) -> Any:
    """xjax implementation of `numpy.nanmedian`."""
    return nanquantile(a, 0.5, axis=axis, keepdims=keepdims, method="midpoint")
