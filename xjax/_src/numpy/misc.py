"""Assorted jnp functions: pad, histogram, interp, polynomials, convolve, diff, isclose, select..."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import xjax.lax as lax
from xjax._src import core, dtypes
from xjax._src.numpy import util
from xjax._src.numpy.manipulation import (
    _axis,
    _shape,
    asarray,
    broadcast_arrays,
    broadcast_to,
    concatenate,
    flip,
    promote_inexact,
    ravel,
    reshape,
    slice_axis,
    stack,
    static_array,
    static_int,
    trim_zeros,
)

__all__ = [
    "pad",
    "histogram",
    "histogram_bin_edges",
    "interp",
    "polyval",
    "polyadd",
    "polysub",
    "polymul",
    "polyder",
    "polyint",
    "convolve",
    "correlate",
    "diff",
    "ediff1d",
    "isclose",
    "allclose",
    "array_equal",
    "array_equiv",
    "select",
    "vander",
    "gradient",
]


def _dtype(x: Any) -> np.dtype:
    return core.get_aval(x).dtype


def _full(shape: tuple[int, ...], value: Any, dtype: Any) -> Any:
    return lax.broadcast_in_dim(lax.convert_element_type(asarray(value, "jnp"), dtype)
                                if isinstance(value, core.Tracer) or type(value).__name__ == "Array"
                                else np.asarray(value, dtype), shape, ())


def _where(c: Any, x: Any, y: Any) -> Any:
    """lax.select with NumPy broadcasting of the three operands (x where c else y)."""
    from xjax._src.numpy.manipulation import broadcast_to as _bt

    shape = util.broadcast_shapes(core.get_aval(c).shape, core.get_aval(x).shape, core.get_aval(y).shape)
    return lax.select_n(_bt(c, shape), _bt(y, shape), _bt(x, shape))


def _abs(x: Any) -> Any:
    if hasattr(lax, "abs"):
        return lax.abs(x)
    return _where(lax.lt(x, np.zeros((), _dtype(x))), lax.neg(x), x)


def _isnan(x: Any) -> Any:
    return lax.ne(x, x)


def _isinf(x: Any) -> Any:
    return lax.eq(_abs(x), np.asarray(np.inf, dtypes.real_dtype(_dtype(x))))


# ---------------------------------------------------------------------------
# pad


def _pad_width(pad_width: Any, nd: int, fn: str) -> list[tuple[int, int]]:
    pw = static_array(pad_width, fn, "pad_width")
    if pw.dtype.kind not in "iu" and pw.size:
        raise TypeError(f"{fn}: `pad_width` must be of integral type, got {pw.dtype}")
    try:
        pw = np.broadcast_to(pw.astype(np.int64), (nd, 2))
    except ValueError:
        raise ValueError(f"{fn}: `pad_width` of shape {np.shape(pad_width)} cannot be broadcast to "
                         f"(ndim={nd}, 2)") from None
    if (pw < 0).any():
        raise ValueError(f"{fn}: index can't contain negative values, got pad_width={pad_width}")
    return [(int(a), int(b)) for a, b in pw]


def _per_axis(values: Any, nd: int, dtype: np.dtype) -> list[tuple[Any, Any]]:
    """constant_values / end_values as (before, after) scalars for each axis."""
    if isinstance(values, core.Tracer) or type(values).__name__ == "Array":
        v = values
        if np.ndim(v) == 0 and len(_shape(v)) == 0:
            v = lax.convert_element_type(v, dtype)
            return [(v, v)] * nd
        v = lax.convert_element_type(broadcast_to(v, (nd, 2)), dtype)
        return [(reshape(slice_axis(slice_axis(v, i, i + 1, 0), j, j + 1, 1), ()) for j in (0, 1))
                for i in range(nd)]
    v = np.broadcast_to(np.asarray(values), (nd, 2))
    return [tuple(np.asarray(v[i, j]).astype(dtype) for j in (0, 1)) for i in range(nd)]


def _edge(x: Any, ax: int, before: bool) -> Any:
    n = _shape(x)[ax]
    return slice_axis(x, 0, 1, ax) if before else slice_axis(x, n - 1, n, ax)


def _rep(x: Any, ax: int, k: int) -> Any:
    """Broadcast a size-1 axis to size k."""
    shp = list(_shape(x))
    shp[ax] = k
    return broadcast_to(x, tuple(shp))


def _pad_reflect(x: Any, ax: int, bw: int, aw: int, mode: str, reflect_type: str, fn: str) -> Any:
    size = _shape(x)[ax]
    if size == 0:
        if bw or aw:
            raise ValueError(f"{fn}: can't extend empty axis {ax} using modes other than 'constant' "
                             "or 'empty'")
        return x
    if mode == "reflect" and size == 1:
        return concatenate([_rep(_edge(x, ax, True), ax, bw), x, _rep(_edge(x, ax, False), ax, aw)], axis=ax)
    offset = 1 if mode == "reflect" else 0
    for before, padding in ((True, bw), (False, aw)):
        edge = _edge(x, ax, before)
        while padding > 0:
            cur = builtins.min(padding, size - offset)
            padding -= cur
            n = _shape(x)[ax]
            if before:
                piece = slice_axis(x, offset, offset + cur, ax)
            else:
                stop = n if (mode == "symmetric" or size == 1) else n - 1
                piece = slice_axis(x, n - cur - offset, stop, ax)
            piece = flip(piece, ax)
            if reflect_type == "odd":
                piece = lax.sub(lax.mul(_rep(edge, ax, cur), np.asarray(2, _dtype(x))), piece)
                if size > 1:
                    edge = _edge(piece, ax, before)
            x = concatenate([piece, x] if before else [x, piece], axis=ax)
    return x


def _pad_wrap(x: Any, ax: int, bw: int, aw: int, fn: str) -> Any:
    size = _shape(x)[ax]
    if size == 0:
        if bw or aw:
            raise ValueError(f"{fn}: can't extend empty axis {ax} using modes other than 'constant' "
                             "or 'empty'")
        return x
    lr, lrem = divmod(bw, size)
    rr, rrem = divmod(aw, size)
    parts = []
    if lrem:
        parts.append(slice_axis(x, size - lrem, size, ax))
    parts += [x] * (lr + rr + 1)
    if rrem:
        parts.append(slice_axis(x, 0, rrem, ax))
    return concatenate(parts, axis=ax) if len(parts) > 1 else x


def _round_cast(x: Any, dtype: np.dtype, floor: bool = False) -> Any:
    """Float -> dtype; integer targets are rounded half-to-even (or floored, as jnp.linspace)."""
    if dtypes.is_integer(dtype) and not dtypes.is_integer(_dtype(x)):
        x = lax.floor(x) if floor else lax.round(x, 1)  # 1 = ROUND_TO_NEAREST_EVEN
    return lax.convert_element_type(x, dtype)


def _stat(x: Any, ax: int, stat: str, dtype: np.dtype) -> Any:
    if stat == "maximum":
        return lax.reduce_max(x, (ax,))
    if stat == "minimum":
        return lax.reduce_min(x, (ax,))
    fdt = dtypes.to_inexact_dtype(dtype)
    xf = lax.convert_element_type(x, fdt)
    n = _shape(x)[ax]
    if stat == "mean":
        return _round_cast(lax.div(lax.reduce_sum(xf, (ax,)), np.asarray(n, fdt)), dtype)
    s = lax.sort(xf, dimension=ax)  # median
    lo, hi = (n - 1) // 2, n // 2
    m = lax.div(lax.add(reshape(slice_axis(s, lo, lo + 1, ax), _shape(s)[:ax] + _shape(s)[ax + 1:]),
                        reshape(slice_axis(s, hi, hi + 1, ax), _shape(s)[:ax] + _shape(s)[ax + 1:])),
                np.asarray(2, fdt))
    return _round_cast(m, dtype)


def _pad_stats(x: Any, ax: int, bw: int, aw: int, stat: str, stat_length: Any, fn: str) -> Any:
    size = _shape(x)[ax]
    dtype = _dtype(x)
    if size == 0:
        if bw or aw:
            raise ValueError(f"{fn}: can't extend empty axis {ax} using modes other than 'constant' "
                             "or 'empty'")
        return x
    sb, sa = stat_length
    sb = size if sb is None else builtins.max(1, builtins.min(int(sb), size))
    sa = size if sa is None else builtins.max(1, builtins.min(int(sa), size))
    vb = lax.expand_dims(_stat(slice_axis(x, 0, sb, ax), ax, stat, dtype), (ax,))
    va = lax.expand_dims(_stat(slice_axis(x, size - sa, size, ax), ax, stat, dtype), (ax,))
    return concatenate([_rep(vb, ax, bw), x, _rep(va, ax, aw)], axis=ax)


def _pad_linear_ramp(x: Any, ax: int, bw: int, aw: int, ends: tuple[Any, Any]) -> Any:
    dtype = _dtype(x)
    fdt = dtypes.to_inexact_dtype(dtype)
    parts = []
    for before, w, end in ((True, bw, ends[0]), (False, aw, ends[1])):
        if w == 0:
            parts.append(None)
            continue
        edge = lax.convert_element_type(_edge(x, ax, before), fdt)
        endv = lax.convert_element_type(asarray(end, "jnp.pad"), fdt)
        shp = list(_shape(edge))
        shp[ax] = w
        t = lax.div(lax.broadcasted_iota(fdt, tuple(shp), ax), np.asarray(w, fdt))  # k / w, k < w
        e = broadcast_to(edge, tuple(shp))
        r = lax.add(endv, lax.mul(t, lax.sub(e, endv)))
        if not before:
            r = flip(r, ax)
        parts.append(_round_cast(r, dtype, floor=True))
    out = [p for p in (parts[0], x, parts[1]) if p is not None]
    return concatenate(out, axis=ax) if len(out) > 1 else x


_MODES = ("constant", "edge", "linear_ramp", "maximum", "mean", "median", "minimum", "reflect",
          "symmetric", "wrap", "empty")


def pad(array: Any, pad_width: Any, mode: str | Callable = "constant", **kwargs: Any) -> Any:
    """xjax implementation of `numpy.pad`.

    Modes: constant (constant_values), edge, linear_ramp (end_values), maximum/minimum/mean/median
    (stat_length), reflect/symmetric (reflect_type 'even'|'odd'), wrap, empty (zeros).
    """
    fn = "jnp.pad"
    x = asarray(array, fn)
    nd = len(_shape(x))
    pw = _pad_width(pad_width, nd, fn)
    if callable(mode):
        raise NotImplementedError(f"{fn}: callable `mode` is not supported")
    if mode not in _MODES:
        raise NotImplementedError(f"{fn}: Unimplemented padding mode '{mode}' for np.pad; expected one of {_MODES}")
    allowed = {"constant": {"constant_values"}, "linear_ramp": {"end_values"},
               "reflect": {"reflect_type"}, "symmetric": {"reflect_type"},
               "maximum": {"stat_length"}, "minimum": {"stat_length"}, "mean": {"stat_length"},
               "median": {"stat_length"}}.get(mode, set())
    bad = set(kwargs) - allowed
    if bad:
        raise ValueError(f"{fn}: unsupported keyword arguments for mode '{mode}': {sorted(bad)}")
    dtype = _dtype(x)
    if nd == 0:
        return x
    if mode in ("constant", "empty"):
        vals = _per_axis(kwargs.get("constant_values", 0) if mode == "constant" else 0, nd, dtype)
        for ax, ((b, a), (vb, va)) in enumerate(zip(pw, vals)):
            if b == a == 0:
                continue
            cfg = [(0, 0, 0)] * nd
            if _same_scalar(vb, va):
                cfg[ax] = (b, a, 0)
                x = lax.pad(x, vb, cfg)
            else:
                cfg[ax] = (b, 0, 0)
                x = lax.pad(x, vb, cfg)
                cfg[ax] = (0, a, 0)
                x = lax.pad(x, va, cfg)
        return x
    if mode in ("reflect", "symmetric"):
        rt = kwargs.get("reflect_type", "even")
        if rt not in ("even", "odd"):
            raise ValueError(f"{fn}: unsupported reflect_type {rt!r}; expected 'even' or 'odd'")
        for ax, (b, a) in enumerate(pw):
            x = _pad_reflect(x, ax, b, a, mode, rt, fn)
        return x
    if mode == "wrap":
        for ax, (b, a) in enumerate(pw):
            x = _pad_wrap(x, ax, b, a, fn)
        return x
    if mode == "edge":
        for ax, (b, a) in enumerate(pw):
            if (b or a) and _shape(x)[ax] == 0:
                raise ValueError(f"{fn}: can't extend empty axis {ax} using modes other than "
                                 "'constant' or 'empty'")
            if b or a:
                x = concatenate([_rep(_edge(x, ax, True), ax, b), x, _rep(_edge(x, ax, False), ax, a)], axis=ax)
        return x
    if mode == "linear_ramp":
        ends = _per_axis(kwargs.get("end_values", 0), nd, dtype)
        for ax, (b, a) in enumerate(pw):
            x = _pad_linear_ramp(x, ax, b, a, ends[ax])
        return x
    sl = kwargs.get("stat_length")
    if sl is None:
        lengths = [(None, None)] * nd
    else:
        arr = np.broadcast_to(static_array(sl, fn, "stat_length"), (nd, 2))
        if (arr < 0).any():
            raise ValueError(f"{fn}: stat_length can't contain negative values, got {sl}")
        lengths = [tuple(int(v) for v in row) for row in arr]
    for ax, (b, a) in enumerate(pw):
        x = _pad_stats(x, ax, b, a, mode, lengths[ax], fn)
    return x


def _same_scalar(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        return a.tobytes() == b.tobytes()
    return a is b


# ---------------------------------------------------------------------------
# histograms, interpolation


def histogram_bin_edges(a: Any, bins: Any = 10, range: Sequence[Any] | None = None,
                        weights: Any = None) -> Any:
    """xjax implementation of `numpy.histogram_bin_edges`."""
    import xjax.numpy as jnp

    fn = "jnp.histogram_bin_edges"
    if isinstance(bins, str):
        raise TypeError(f"{fn}: string values for `bins` ({bins!r}) are not supported; pass an int "
                        "or an array of bin edges")
    a = ravel(asarray(a, fn))
    dtype = dtypes.to_inexact_dtype(_dtype(a))
    if np.ndim(bins) == 1:
        return lax.convert_element_type(asarray(bins if not isinstance(bins, (list, tuple)) else np.asarray(bins), fn), dtype)
    bins = static_int(bins, fn, "bins")
    if range is None:
        if _shape(a)[0] == 0:
            lo = hi = np.zeros((), dtype)
        else:
            lo = lax.convert_element_type(lax.reduce_min(a, (0,)), dtype)
            hi = lax.convert_element_type(lax.reduce_max(a, (0,)), dtype)
    else:
        if np.shape(range) != (2,):
            raise ValueError(f"{fn}: `range` must be either None or a sequence of scalars, got {range}")
        lo = lax.convert_element_type(asarray(range[0] if not isinstance(range[0], (int, float)) else np.asarray(range[0], dtype), fn), dtype)
        hi = lax.convert_element_type(asarray(range[1] if not isinstance(range[1], (int, float)) else np.asarray(range[1], dtype), fn), dtype)
    same = lax.eq(lo, hi)
    lo = _where(same, lax.sub(lo, np.asarray(0.5, dtype)), lo)
    hi = _where(same, lax.add(hi, np.asarray(0.5, dtype)), hi)
    return jnp.linspace(lo, hi, bins + 1, dtype=dtype)


def histogram(a: Any, bins: Any = 10, range: Sequence[Any] | None = None, weights: Any = None,
              density: bool | None = None) -> tuple[Any, Any]:
    """xjax implementation of `numpy.histogram`: (counts, bin_edges)."""
    from xjax._src.numpy.sorting import searchsorted

    fn = "jnp.histogram"
    (a,) = promote_inexact(fn, a)
    a = ravel(a)
    if weights is not None:
        w = ravel(asarray(weights, fn))
        if _shape(w) != _shape(a):
            raise ValueError(f"{fn}: weights should have the same shape as a, got {_shape(w)} and {_shape(a)}")
    else:
        w = _full(_shape(a), 1, _dtype(a))
    edges = histogram_bin_edges(a, bins, range, weights)
    ne = _shape(edges)[0]
    idx = searchsorted(edges, a, side="right")
    last = reshape(slice_axis(edges, ne - 1, ne, 0), ())
    idx = _where(lax.eq(lax.convert_element_type(a, _dtype(edges)), broadcast_to(last, _shape(a))), np.int32(ne - 1), idx) \
        if _shape(a)[0] else idx
    n = _shape(a)[0]
    big = (n, ne)
    hit = lax.eq(lax.broadcast_in_dim(idx, big, (0,)), lax.broadcasted_iota(np.int32, big, 1))
    wdt = _dtype(w)
    wsum_dt = dtypes.default_int_dtype() if dtypes.is_bool(wdt) else wdt
    w = lax.convert_element_type(w, wsum_dt)
    counts = lax.reduce_sum(_where(hit, lax.broadcast_in_dim(w, big, (0,)), _full(big, 0, wsum_dt)), (0,))
    counts = slice_axis(counts, 1, ne, 0)
    if density:
        fdt = _dtype(edges)
        widths = lax.sub(slice_axis(edges, 1, ne, 0), slice_axis(edges, 0, ne - 1, 0))
        c = lax.convert_element_type(counts, fdt)
        total = lax.broadcast_in_dim(lax.reduce_sum(c, (0,)), (ne - 1,), ())
        counts = lax.div(lax.div(c, widths), total)
    return counts, edges


def interp(x: Any, xp: Any, fp: Any, left: Any = None, right: Any = None, period: Any = None) -> Any:
    """xjax implementation of `numpy.interp` (1-D piecewise-linear interpolation)."""
    from xjax._src.numpy.sorting import searchsorted

    fn = "jnp.interp"
    x, xp, fp = promote_inexact(fn, x, xp, fp)
    if len(_shape(xp)) != 1 or len(_shape(fp)) != 1:
        raise ValueError(f"{fn}: xp and fp must be one-dimensional, got shapes {_shape(xp)} and {_shape(fp)}")
    if _shape(xp) != _shape(fp):
        raise ValueError(f"{fn}: xp and fp must be the same length, got {_shape(xp)} and {_shape(fp)}")
    if _shape(xp)[0] == 0:
        raise ValueError(f"{fn}: xp and fp must not be empty")
    dt = _dtype(x)
    if dtypes.is_complex(_dtype(xp)):
        raise ValueError(f"{fn}: complex xp is not supported")
    if period is not None:
        if left is not None or right is not None:
            pass
        p = _abs(lax.convert_element_type(asarray(period, fn), dtypes.real_dtype(dt)))
        x = _mod(x, p)
        xp = _mod(xp, p)
        xp, fp = lax.sort_key_val(xp, fp)
        n = _shape(xp)[0]
        xp = concatenate([lax.sub(slice_axis(xp, n - 1, n, 0), p), xp, lax.add(slice_axis(xp, 0, 1, 0), p)])
        fp = concatenate([slice_axis(fp, n - 1, n, 0), fp, slice_axis(fp, 0, 1, 0)])
    n = _shape(xp)[0]
    i = searchsorted(xp, x, side="right")
    i = lax.max(lax.min(i, np.int32(builtins.max(n - 1, 1))), np.int32(1)) if n > 1 else _full(_shape(i), 0, np.int32)
    im1 = lax.max(lax.sub(i, np.int32(1)), np.int32(0))
    from xjax.numpy import take

    fpi, fpm = take(fp, i, mode="clip"), take(fp, im1, mode="clip")
    xpi, xpm = take(xp, i, mode="clip"), take(xp, im1, mode="clip")
    df, dx, delta = lax.sub(fpi, fpm), lax.sub(xpi, xpm), lax.sub(x, xpm)
    rdt = dtypes.real_dtype(dt)
    eps = np.spacing(np.finfo(rdt).eps).astype(rdt)
    dx0 = lax.le(_abs(dx), eps)
    safe = _where(dx0, _full(_shape(dx), 1, dt), dx)
    f = _where(dx0, fpm, lax.add(fpm, lax.mul(lax.div(delta, safe), df)))
    if period is None:
        first = lambda v: lax.broadcast_in_dim(reshape(slice_axis(v, 0, 1, 0), ()), _shape(x), ())
        lastv = lambda v: lax.broadcast_in_dim(reshape(slice_axis(v, n - 1, n, 0), ()), _shape(x), ())
        lv = first(fp) if left is None else _full(_shape(x), left, dt) if not isinstance(left, core.Tracer) \
            else broadcast_to(lax.convert_element_type(left, dt), _shape(x))
        rv = lastv(fp) if right is None else _full(_shape(x), right, dt) if not isinstance(right, core.Tracer) \
            else broadcast_to(lax.convert_element_type(right, dt), _shape(x))
        f = _where(lax.lt(x, first(xp)), lv, f)
        f = _where(lax.gt(x, lastv(xp)), rv, f)
    return f


def _mod(x: Any, p: Any) -> Any:
    p = broadcast_to(p, _shape(x))
    r = lax.rem(x, p)
    fix = lax.bitwise_and(lax.ne(r, np.zeros((), _dtype(r))), lax.ne(lax.lt(r, np.zeros((), _dtype(r))),
                                                                   lax.lt(p, np.zeros((), _dtype(p)))))
    return _where(fix, lax.add(r, p), r)


# ---------------------------------------------------------------------------
# polynomials, convolution


def polyval(p: Any, x: Any, *, unroll: int = 16) -> Any:
    """xjax implementation of `numpy.polyval` (Horner's scheme)."""
    fn = "jnp.polyval"
    util.check_arraylike(fn, p, x)
    p, x = (asarray(v, fn) for v in util.promote_dtypes(p, x))
    if len(_shape(p)) != 1:
        raise ValueError(f"{fn}: p must be one-dimensional, got shape {_shape(p)}")
    y = _full(_shape(x), 0, _dtype(x))
    for k in range(_shape(p)[0]):
        pk = lax.broadcast_in_dim(reshape(slice_axis(p, k, k + 1, 0), ()), _shape(x), ())
        y = lax.add(lax.mul(y, x), pk)
    return y


def _poly_pair(fn: str, a1: Any, a2: Any) -> tuple[Any, Any]:
    util.check_arraylike(fn, a1, a2)
    a1, a2 = (asarray(v, fn) for v in util.promote_dtypes(a1, a2))
    if len(_shape(a1)) != 1 or len(_shape(a2)) != 1:
        raise ValueError(f"{fn}: inputs must be one-dimensional, got shapes {_shape(a1)} and {_shape(a2)}")
    n1, n2 = _shape(a1)[0], _shape(a2)[0]
    n = builtins.max(n1, n2)
    zero = np.zeros((), _dtype(a1))
    if n1 < n:
        a1 = lax.pad(a1, zero, [(n - n1, 0, 0)])
    if n2 < n:
        a2 = lax.pad(a2, zero, [(n - n2, 0, 0)])
    return a1, a2


def polyadd(a1: Any, a2: Any) -> Any:
    """xjax implementation of `numpy.polyadd`."""
    return lax.add(*_poly_pair("jnp.polyadd", a1, a2))


def polysub(a1: Any, a2: Any) -> Any:
    """xjax implementation of `numpy.polysub`."""
    return lax.sub(*_poly_pair("jnp.polysub", a1, a2))


def polymul(a1: Any, a2: Any, *, trim_leading_zeros: bool = False) -> Any:
    """xjax implementation of `numpy.polymul` (a full convolution)."""
    fn = "jnp.polymul"
    a1, a2 = promote_inexact(fn, a1, a2)
    a1 = reshape(a1, (-1,)) if len(_shape(a1)) == 0 else a1
    a2 = reshape(a2, (-1,)) if len(_shape(a2)) == 0 else a2
    if trim_leading_zeros and (len(_shape(a1)) == 1 and _shape(a1)[0] > 1):
        a1 = trim_zeros(a1, trim="f")
    if trim_leading_zeros and (len(_shape(a2)) == 1 and _shape(a2)[0] > 1):
        a2 = trim_zeros(a2, trim="f")
    if _shape(a1)[0] == 0:
        a1 = _full((1,), 0, _dtype(a1))
    if _shape(a2)[0] == 0:
        a2 = _full((1,), 0, _dtype(a2))
    return convolve(a1, a2, mode="full")


def polyder(p: Any, m: int = 1) -> Any:
    """xjax implementation of `numpy.polyder`."""
    fn = "jnp.polyder"
    util.check_arraylike(fn, p)
    m = static_int(m, fn, "m")
    if m < 0:
        raise ValueError(f"{fn}: Order of derivative must be positive, got m={m}")
    (p,) = promote_inexact(fn, p)
    if m == 0:
        return p
    n = _shape(p)[0]
    if m >= n:
        return _full((0,), 0, _dtype(p))
    coeff = np.prod(np.arange(m, n)[::-1, None] - np.arange(m), axis=1)
    return lax.mul(slice_axis(p, 0, n - m, 0), coeff.astype(_dtype(p)))


def polyint(p: Any, m: int = 1, k: Any = None) -> Any:
    """xjax implementation of `numpy.polyint`."""
    fn = "jnp.polyint"
    util.check_arraylike(fn, p)
    m = static_int(m, fn, "m")
    if m < 0:
        raise ValueError(f"{fn}: Order of integral must be positive (see polyder), got m={m}")
    if k is not None:
        util.check_arraylike(fn, k)
    k = np.zeros(m) if k is None else np.atleast_1d(static_array(k, fn, "k"))
    if k.shape[0] == 1 and m > 1:
        k = np.repeat(k, m)
    if k.shape != (m,):
        raise ValueError(f"{fn}: k must be a scalar or a rank-1 array of length 1 or m, got shape {k.shape}")
    (p,) = promote_inexact(fn, p)
    if m == 0:
        return p
    dt = _dtype(p)
    for i in range(m):
        n = _shape(p)[0]
        p = concatenate([lax.div(p, np.arange(n, 0, -1).astype(dt)), np.asarray(k[i], dt).reshape(1)])
    return p


def _conv(fn: str, x: Any, y: Any, mode: str, op: str, precision: Any, pet: Any) -> Any:
    util.check_arraylike(fn, x, y)
    if np.ndim(x) != 1 or np.ndim(y) != 1:
        raise ValueError(f"{fn}: only 1-dimensional inputs are supported, got shapes {np.shape(x)} and {np.shape(y)}")
    if pet is None:
        x, y = promote_inexact(fn, x, y)
    else:
        x, y = (asarray(v, fn) for v in util.promote_dtypes(x, y))
    nx, ny = _shape(x)[0], _shape(y)[0]
    if nx == 0 or ny == 0:
        raise ValueError(f"{fn}: inputs cannot be empty, got shapes {_shape(x)} and {_shape(y)}.")
    rev_out = False
    if op == "correlate":
        if dtypes.is_complex(_dtype(y)):
            y = lax.conj(y)
        if nx < ny:
            x, y, rev_out = y, x, True
    else:
        if nx < ny:
            x, y = y, x
        y = flip(y, 0)
    m = _shape(y)[0]
    if mode == "valid":
        padding = [(0, 0)]
    elif mode == "same":
        padding = [(m // 2, m - m // 2 - 1)]
    elif mode == "full":
        padding = [(m - 1, m - 1)]
    else:
        raise ValueError(f"{fn}: mode must be one of ['full', 'same', 'valid'], got {mode!r}")
    out = lax.conv_general_dilated(reshape(x, (1, 1, -1)), reshape(y, (1, 1, -1)), (1,), padding,
                                   precision=precision, preferred_element_type=pet)
    out = reshape(out, (_shape(out)[-1],))
    return flip(out, 0) if rev_out else out


def convolve(a: Any, v: Any, mode: str = "full", *, precision: Any = None,
             preferred_element_type: Any = None) -> Any:
    """xjax implementation of `numpy.convolve` (1-D, via lax.conv_general_dilated)."""
    pet = None if preferred_element_type is None else dtypes.check_user_dtype(preferred_element_type, "jnp.convolve")
    return _conv("jnp.convolve", a, v, mode, "convolve", precision, pet)


def correlate(a: Any, v: Any, mode: str = "valid", *, precision: Any = None,
              preferred_element_type: Any = None) -> Any:
    """xjax implementation of `numpy.correlate` (1-D, via lax.conv_general_dilated)."""
    pet = None if preferred_element_type is None else dtypes.check_user_dtype(preferred_element_type, "jnp.correlate")
    return _conv("jnp.correlate", a, v, mode, "correlate", precision, pet)


# ---------------------------------------------------------------------------
# differences


def diff(a: Any, n: int = 1, axis: int = -1, prepend: Any = None, append: Any = None) -> Any:
    """xjax implementation of `numpy.diff` (booleans use not_equal)."""
    fn = "jnp.diff"
    a = asarray(a, fn)
    n = static_int(n, fn, "n")
    if n < 0:
        raise ValueError(f"{fn}: order must be non-negative but got {n}")
    if n == 0:
        return a
    nd = len(_shape(a))
    if nd == 0:
        raise ValueError(f"{fn}: diff requires input that is at least one dimensional; got {a}")
    ax = _axis(axis, nd, fn)
    parts = []
    for v, pos in ((prepend, 0), (append, 1)):
        if v is None:
            continue
        v = asarray(v, fn)
        if len(_shape(v)) == 0:
            shp = list(_shape(a))
            shp[ax] = 1
            v = broadcast_to(v, tuple(shp))
        parts.append((pos, v))
    if parts:
        pre = [v for p, v in parts if p == 0]
        post = [v for p, v in parts if p == 1]
        a = concatenate(pre + [a] + post, axis=ax)
    for _ in range(n):
        m = _shape(a)[ax]
        if m == 0:
            break
        hi, lo = slice_axis(a, 1, m, ax), slice_axis(a, 0, m - 1, ax)
        a = lax.ne(hi, lo) if dtypes.is_bool(_dtype(a)) else lax.sub(hi, lo)
    return a


def ediff1d(ary: Any, to_end: Any = None, to_begin: Any = None) -> Any:
    """xjax implementation of `numpy.ediff1d`."""
    fn = "jnp.ediff1d"
    a = ravel(asarray(ary, fn))
    out = diff(a) if _shape(a)[0] else a
    dt = _dtype(out)
    parts = []
    if to_begin is not None:
        parts.append(lax.convert_element_type(ravel(asarray(to_begin, fn)), dt))
    parts.append(out)
    if to_end is not None:
        parts.append(lax.convert_element_type(ravel(asarray(to_end, fn)), dt))
    return concatenate(parts) if len(parts) > 1 else out


# ---------------------------------------------------------------------------
# comparisons, select, vander


def isclose(a: Any, b: Any, rtol: Any = 1e-05, atol: Any = 1e-08, equal_nan: bool = False) -> Any:
    """xjax implementation of `numpy.isclose`: |a - b| <= atol + rtol * |b|, with inf/nan rules."""
    fn = "jnp.isclose"
    a, b = (asarray(v, fn) for v in util.promote_args(fn, a, b))
    dt = _dtype(a)
    if not dtypes.is_inexact(dt):
        return lax.eq(a, b)
    rdt = dtypes.real_dtype(dt)
    rt = lax.convert_element_type(asarray(rtol, fn), rdt) if not isinstance(rtol, (int, float)) else np.asarray(rtol, rdt)
    at = lax.convert_element_type(asarray(atol, fn), rdt) if not isinstance(atol, (int, float)) else np.asarray(atol, rdt)
    shp = _shape(a)
    rt, at = broadcast_to(rt, shp), broadcast_to(at, shp)
    out = lax.le(_abs(lax.sub(a, b)), lax.add(at, lax.mul(rt, _abs(b))))
    a_inf, b_inf = _isinf(a), _isinf(b)
    out = lax.bitwise_and(out, lax.bitwise_not(lax.bitwise_or(a_inf, b_inf)))
    out = lax.bitwise_or(out, lax.bitwise_and(lax.bitwise_and(a_inf, b_inf), lax.eq(a, b)))
    a_nan, b_nan = _isnan(a), _isnan(b)
    out = lax.bitwise_and(out, lax.bitwise_not(lax.bitwise_or(a_nan, b_nan)))
    if equal_nan:
        out = lax.bitwise_or(out, lax.bitwise_and(a_nan, b_nan))
    return out


def _all(x: Any) -> Any:
    return lax.reduce_and(x, tuple(range(len(_shape(x)))))


def allclose(a: Any, b: Any, rtol: Any = 1e-05, atol: Any = 1e-08, equal_nan: bool = False) -> Any:
    """xjax implementation of `numpy.allclose`."""
    return _all(isclose(a, b, rtol, atol, equal_nan))


def array_equal(a1: Any, a2: Any, equal_nan: bool = False) -> Any:
    """xjax implementation of `numpy.array_equal`: same shape and elements."""
    fn = "jnp.array_equal"
    try:
        a1, a2 = asarray(a1, fn), asarray(a2, fn)
    except TypeError:
        return np.bool_(False)
    if _shape(a1) != _shape(a2):
        return _full((), False, np.bool_)
    a1, a2 = (asarray(v, fn) for v in util.promote_dtypes(a1, a2))
    eq = lax.eq(a1, a2)
    if equal_nan and dtypes.is_inexact(_dtype(a1)):
        eq = lax.bitwise_or(eq, lax.bitwise_and(_isnan(a1), _isnan(a2)))
    return _all(eq)


def array_equiv(a1: Any, a2: Any) -> Any:
    """xjax implementation of `numpy.array_equiv`: equal after broadcasting."""
    fn = "jnp.array_equiv"
    a1, a2 = asarray(a1, fn), asarray(a2, fn)
    try:
        a1, a2 = (asarray(v, fn) for v in util.promote_args(fn, a1, a2))
    except ValueError as e:  # as JAX: incompatible shapes are a TypeError, not False
        raise TypeError(f"{fn}: {e}") from None
    return _all(lax.eq(a1, a2))


def select(condlist: Sequence[Any], choicelist: Sequence[Any], default: Any = 0) -> Any:
    """xjax implementation of `numpy.select`: the first true condition picks the choice."""
    fn = "jnp.select"
    if len(condlist) != len(choicelist):
        raise ValueError(f"{fn}: condlist must have length equal to choicelist "
                         f"({len(condlist)} vs {len(choicelist)})")
    if len(condlist) == 0:
        raise ValueError(f"{fn}: condlist must be non-empty")
    util.check_arraylike(fn, default, *condlist, *choicelist)
    choices = [asarray(c, fn) for c in util.promote_dtypes(default, *choicelist)]
    conds = [asarray(c, fn) for c in condlist]
    for c in conds:
        if not dtypes.is_bool(_dtype(c)):
            raise TypeError(f"{fn}: condlist must be boolean arrays, got dtype {_dtype(c)}")
    arrs = broadcast_arrays(*conds, *choices)
    k = len(conds)
    conds, choices = arrs[:k], arrs[k:]
    out = choices[0]
    for c, v in reversed(list(zip(conds, choices[1:]))):
        out = _where(c, v, out)
    return out


def vander(x: Any, N: int | None = None, increasing: bool = False) -> Any:
    """xjax implementation of `numpy.vander`."""
    fn = "jnp.vander"
    x = asarray(x, fn)
    if len(_shape(x)) != 1:
        raise ValueError(f"{fn}: x must be a one-dimensional array, got shape {_shape(x)}")
    n = _shape(x)[0] if N is None else static_int(N, fn, "N")
    if n < 0:
        raise ValueError(f"{fn}: N must be nonnegative, got {n}")
    (x,) = [asarray(v, fn) for v in util.promote_dtypes_numeric(x)] if dtypes.is_bool(_dtype(x)) else [x]
    cols = []
    cur = _full(_shape(x), 1, _dtype(x))
    for _ in range(n):
        cols.append(cur)
        cur = lax.mul(cur, x)
    if not cols:
        return _full(_shape(x) + (0,), 0, _dtype(x))
    out = stack(cols, axis=1)
    return out if increasing else flip(out, 1)



# ---------------------------------------------------------------------------
# gradient, cov, corrcoef (compositions of jnp functions)


def gradient(f: Any, *varargs: Any, axis: int | Sequence[int] | None = None,
             edge_order: int | None = None) -> Any:
    """xjax implementation of `numpy.gradient` (second-order interior, first-order edges)."""
    import xjax.numpy as jnp

    fn = "jnp.gradient"
    if edge_order is not None:
        raise NotImplementedError(f"{fn}: the 'edge_order' argument is not supported")
    (a,) = promote_inexact(fn, f)
    nd = len(_shape(a))
    axes = tuple(range(nd)) if axis is None else \
        tuple(_axis(x, nd, fn) for x in (axis if isinstance(axis, (tuple, list)) else (axis,)))
    if not varargs:
        spacing = [1.0] * len(axes)
    elif len(varargs) == 1 and np.ndim(varargs[0]) == 0:
        spacing = list(varargs) * len(axes)
    elif len(varargs) == len(axes):
        spacing = list(varargs)
    else:
        raise TypeError(f"{fn}: invalid number of spacing arguments ({len(varargs)}) for {len(axes)} axes")
    out = []
    for ax, h in zip(axes, spacing):
        n = _shape(a)[ax]
        if n < 2:
            raise ValueError(f"{fn}: Shape of array too small to calculate a numerical gradient, "
                             f"at least (edge_order + 1) = 2 elements are required (axis {ax} has {n})")

        def sl(s: int, e: int, ax: int = ax, n: int = n) -> Any:
            return slice_axis(a, s % (n + 1) if s >= 0 else n + s, e if e >= 0 else n + e, ax)

        if np.ndim(h) == 0:
            inner = jnp.divide(jnp.subtract(sl(2, n), sl(0, -2)), jnp.multiply(2, h))
            lo = jnp.divide(jnp.subtract(sl(1, 2), sl(0, 1)), h)
            hi = jnp.divide(jnp.subtract(sl(-1, n), sl(-2, -1)), h)
        else:
            (x,) = promote_inexact(fn, h)
            if _shape(x) != (n,):
                raise ValueError(f"{fn}: spacing coordinates must have shape ({n},), got {_shape(x)}")
            dx = diff(x)
            shp = [1] * nd
            shp[ax] = n - 1
            dx = reshape(dx, tuple(shp))
            dx1, dx2 = slice_axis(dx, 0, n - 2, ax), slice_axis(dx, 1, n - 1, ax)
            c0 = jnp.divide(jnp.negative(dx2), jnp.multiply(dx1, jnp.add(dx1, dx2)))
            c1 = jnp.divide(jnp.subtract(dx2, dx1), jnp.multiply(dx1, dx2))
            c2 = jnp.divide(dx1, jnp.multiply(dx2, jnp.add(dx1, dx2)))
            inner = jnp.add(jnp.add(jnp.multiply(c0, sl(0, -2)), jnp.multiply(c1, sl(1, -1))),
                            jnp.multiply(c2, sl(2, n)))
            lo = jnp.divide(jnp.subtract(sl(1, 2), sl(0, 1)), slice_axis(dx, 0, 1, ax))
            hi = jnp.divide(jnp.subtract(sl(-1, n), sl(-2, -1)), slice_axis(dx, n - 2, n - 1, ax))
        out.append(concatenate([lo, inner, hi], axis=ax))
    return out[0] if len(out) == 1 else out
