"""Sorting, searching and set operations: sort, argsort, partition, searchsorted, unique, nonzero..."""

from __future__ import annotations

from typing import Any

import numpy as np

import xjax.lax as lax
from xjax._src import core, dtypes
from xjax._src.errors import ConcretizationTypeError
from xjax._src.numpy import util
from xjax._src.numpy.manipulation import (
    _axis,
    _shape,
    asarray,
    concatenate,
    moveaxis,
    ravel,
    reshape,
    slice_axis,
    stack,
    static_int,
)
from xjax._src.util import prod

__all__ = [
    "sort",
    "argsort",
    "lexsort",
    "sort_complex",
    "partition",
    "argpartition",
    "searchsorted",
    "digitize",
    "unique",
    "unique_values",
    "unique_counts",
    "unique_inverse",
    "unique_all",
    "nonzero",
    "argwhere",
    "flatnonzero",
    "isin",
    "setdiff1d",
    "union1d",
    "intersect1d",
    "setxor1d",
    "bincount",
]


def _jit(fun: Any, **kw: Any) -> Any:
    """Compiles an internal helper once per shape signature (one executable instead of dozens of
    eager ops); resolved lazily because api imports the numpy package."""
    cache: list[Any] = []

    def call(*args: Any, **kwargs: Any) -> Any:
        if not cache:
            from xjax._src.api import jit

            cache.append(jit(fun, **kw))
        return cache[0](*args, **kwargs)

    return call


def _int_dtype() -> np.dtype:
    return dtypes.default_int_dtype()


def _iota(dtype: Any, shape: tuple[int, ...], dim: int) -> Any:
    return lax.broadcasted_iota(dtype, shape, dim)


def _where(c: Any, x: Any, y: Any) -> Any:
    """lax.select with NumPy broadcasting of the three operands (x where c else y)."""
    from xjax._src.numpy.manipulation import broadcast_to as _bt

    shape = util.broadcast_shapes(core.get_aval(c).shape, core.get_aval(x).shape, core.get_aval(y).shape)
    return lax.select_n(_bt(c, shape), _bt(y, shape), _bt(x, shape))


def _full(shape: tuple[int, ...], value: Any, dtype: Any) -> Any:
    return lax.broadcast_in_dim(np.asarray(value, dtype), shape, ())


def _not(x: Any) -> Any:
    return lax.bitwise_not(x)


def sort(a: Any, axis: int | None = -1, *, kind: Any = None, order: Any = None, stable: bool = True,
         descending: bool = False) -> Any:
    """xjax implementation of `numpy.sort` (NaNs last; `descending` reverses the stable order)."""
    fn = "jnp.sort"
    if order is not None:
        raise TypeError(f"{fn}: the 'order' argument is not supported")
    a = asarray(a, fn)
    if axis is None:
        a, axis = ravel(a), 0
    ax = _axis(axis, len(_shape(a)), fn)
    out = lax.sort(a, dimension=ax, is_stable=stable)
    return lax.rev(out, (ax,)) if descending else out


def argsort(a: Any, axis: int | None = -1, *, kind: Any = None, order: Any = None, stable: bool = True,
            descending: bool = False) -> Any:
    """xjax implementation of `numpy.argsort` (int32 indices; int64 under x64)."""
    fn = "jnp.argsort"
    if order is not None:
        raise TypeError(f"{fn}: the 'order' argument is not supported")
    a = asarray(a, fn)
    if axis is None:
        a, axis = ravel(a), 0
    ax = _axis(axis, len(_shape(a)), fn)
    shp = _shape(a)
    if descending:
        a = lax.rev(a, (ax,))
    idx = _iota(_int_dtype(), shp, ax)
    _, out = lax.sort_key_val(a, idx, dimension=ax, is_stable=stable)
    if descending:
        out = lax.sub(np.asarray(shp[ax] - 1, _int_dtype()), lax.rev(out, (ax,)))
    return out


def sort_complex(a: Any) -> Any:
    """xjax implementation of `numpy.sort_complex`."""
    a = asarray(a, "jnp.sort_complex")
    out = sort(a, axis=-1)
    return lax.convert_element_type(out, dtypes.to_complex_dtype(core.get_aval(out).dtype))


def lexsort(keys: Any, axis: int = -1) -> Any:
    """xjax implementation of `numpy.lexsort`: the last key is the primary one."""
    fn = "jnp.lexsort"
    if isinstance(keys, (list, tuple)):
        keys = [asarray(k, fn) for k in keys]
    else:
        keys = list(asarray(keys, fn))
    if not keys:
        raise TypeError(f"{fn}: need sequence of keys with len > 0 in lexsort")
    shapes = {_shape(k) for k in keys}
    if len(shapes) != 1:
        raise ValueError(f"{fn}: all keys need to be the same shape, got {sorted(shapes)}")
    shp = shapes.pop()
    if len(shp) == 0:
        raise TypeError(f"{fn}: keys must be at least one-dimensional")
    ax = _axis(axis, len(shp), fn)
    idx = _iota(_int_dtype(), shp, ax)
    return lax.sort((*keys[::-1], idx), dimension=ax, num_keys=len(keys))[-1]


def _kth(kth: Any, n: int, fn: str) -> int:
    k = static_int(kth, fn, "kth")
    if not -n <= k < n:
        raise ValueError(f"{fn}: kth={k} is out of bounds for axis of size {n}")
    return k + n if k < 0 else k


def partition(a: Any, kth: int, axis: int = -1) -> Any:
    """xjax implementation of `numpy.partition` (JAX's order: ascending bottom, descending top)."""
    fn = "jnp.partition"
    a = asarray(a, fn)
    ax = _axis(axis, len(_shape(a)), fn)
    arr = moveaxis(a, ax, -1)
    n = _shape(arr)[-1]
    k = _kth(kth, n, fn)
    bottom = lax.neg(lax.top_k(lax.neg(arr), k + 1)[0])
    top = lax.top_k(arr, n - k - 1)[0]
    return moveaxis(lax.concatenate([bottom, top], len(_shape(arr)) - 1), -1, ax)


def argpartition(a: Any, kth: int, axis: int = -1) -> Any:
    """xjax implementation of `numpy.argpartition` (JAX's order)."""
    fn = "jnp.argpartition"
    a = asarray(a, fn)
    ax = _axis(axis, len(_shape(a)), fn)
    arr = moveaxis(a, ax, -1)
    shp = _shape(arr)
    n = shp[-1]
    k = _kth(kth, n, fn)
    bottom_ind = lax.top_k(lax.neg(arr), k + 1)[1]
    # the rest, in increasing index order: top_k of a proxy that is 0 at the bottom indices
    hit = lax.eq(lax.broadcast_in_dim(bottom_ind, shp[:-1] + (k + 1, n), tuple(range(len(shp)))),
                 _iota(core.get_aval(bottom_ind).dtype, shp[:-1] + (k + 1, n), len(shp)))
    proxy = lax.convert_element_type(_not(lax.reduce_or(hit, (len(shp) - 1,))), np.float32)
    top_ind = lax.top_k(proxy, n - k - 1)[1]
    out = lax.concatenate([bottom_ind, top_ind], len(shp) - 1)
    return moveaxis(out, -1, ax)


# ---------------------------------------------------------------------------
# searching


def _rank(x: Any) -> Any:
    """Position of each element of 1-D `x` in its stable sort (inverse of argsort)."""
    return argsort(argsort(x))


def searchsorted(a: Any, v: Any, side: str = "left", sorter: Any = None, *, method: str = "scan") -> Any:
    """xjax implementation of `numpy.searchsorted` (int32 result)."""
    fn = "jnp.searchsorted"
    util.check_arraylike(fn, a, v)
    if side not in ("left", "right"):
        raise ValueError(f"{fn}: side={side!r} must be 'left' or 'right'")
    if method not in ("scan", "scan_unrolled", "sort", "compare_all"):
        raise ValueError(f"{fn}: method={method!r} must be one of 'scan', 'scan_unrolled', 'sort', "
                         "'compare_all'")
    a, v = util.promote_dtypes(a, v)
    a, v = asarray(a, fn), asarray(v, fn)
    if len(_shape(a)) != 1:
        raise ValueError(f"{fn}: a should be 1-dimensional, got shape {_shape(a)}")
    if sorter is not None:
        import xjax.numpy as jnp

        a = jnp.take(a, sorter)
    n, vshape = _shape(a)[0], _shape(v)
    if n == 0 or prod(vshape) == 0:
        return _full(vshape, 0, np.int32)
    q = ravel(v)
    if side == "left":
        idx = slice_axis(_rank(concatenate([q, a])), 0, prod(vshape), 0)
    else:
        idx = slice_axis(_rank(concatenate([a, q])), n, n + prod(vshape), 0)
    out = lax.sub(idx, _rank(q))
    return reshape(lax.convert_element_type(out, np.int32), vshape)


def digitize(x: Any, bins: Any, right: bool = False, *, method: str | None = None) -> Any:
    """xjax implementation of `numpy.digitize` (int32 result)."""
    fn = "jnp.digitize"
    util.check_arraylike(fn, x, bins)
    x, bins = asarray(x, fn), asarray(bins, fn)
    if len(_shape(bins)) != 1:
        raise ValueError(f"{fn}: bins must be a 1-dimensional array, got shape {_shape(bins)}")
    n = _shape(bins)[0]
    if n == 0:
        return _full(_shape(x), 0, np.int32)
    side = "left" if right else "right"
    kw = {} if method is None else {"method": method}
    inc = searchsorted(bins, x, side, **kw)
    dec = lax.sub(np.int32(n), searchsorted(lax.rev(bins, (0,)), x, side, **kw))
    up = lax.ge(slice_axis(bins, n - 1, n, 0), slice_axis(bins, 0, 1, 0))
    return _where(lax.broadcast_in_dim(reshape(up, ()), _shape(inc), ()), inc, dec)


# ---------------------------------------------------------------------------
# nonzero & friends


def _concrete_count(mask: Any, fn: str) -> int:
    if isinstance(mask, core.Tracer):
        raise core.concretization_error(
            mask, ConcretizationTypeError,
            f"{fn}: the size of the result depends on the values of the input, which are traced",
            f"pass a static `size=` argument to {fn} (and optionally `fill_value=`)")
    return int(np.count_nonzero(np.asarray(mask)))


def _first_true(mask: Any, size: int) -> tuple[Any, Any]:
    """Indices of the first `size` true entries of 1-D `mask` (in order) and the true count."""
    n = _shape(mask)[0]
    order = argsort(lax.convert_element_type(_not(mask), np.int8))  # trues first, stable
    count = lax.reduce_sum(lax.convert_element_type(mask, _int_dtype()), (0,))
    if size <= n:
        idx = slice_axis(order, 0, size, 0)
    else:
        idx = concatenate([order, _full((size - n,), 0, _int_dtype())])
    return idx, count


def nonzero(a: Any, *, size: int | None = None, fill_value: Any = None) -> tuple[Any, ...]:
    """xjax implementation of `numpy.nonzero`; `size` is required under jit."""
    fn = "jnp.nonzero"
    a = asarray(a, fn)
    shp = _shape(a)
    if len(shp) == 0:
        raise ValueError(f"{fn}: Calling nonzero on 0d arrays is not allowed. Use jnp.atleast_1d(scalar) "
                         "instead.")
    if size is None:
        size = _concrete_count(_mask_jit(a), fn)
    size = static_int(size, fn, "size")
    fills = tuple(fill_value) if isinstance(fill_value, (tuple, list)) else (fill_value,) * len(shp)
    if len(fills) != len(shp):
        raise ValueError(f"{fn}: fill_value must be a scalar or a tuple of length {len(shp)}, got {fill_value}")
    if any(np.ndim(f) != 0 for f in fills if f is not None):
        raise ValueError(f"{fn}: fill_value must be a scalar or a tuple of scalars, got {fill_value}")
    fills = tuple(np.zeros((), _int_dtype()) if f is None else asarray(f, fn) for f in fills)
    return tuple(_nonzero_jit(a, fills, size=size))


def _mask(a: Any) -> Any:
    return lax.ne(a, np.zeros((), core.get_aval(a).dtype)) if core.get_aval(a).dtype != np.bool_ else a


_mask_jit = _jit(_mask)


def _nonzero_impl(a: Any, fills: tuple, *, size: int) -> list[Any]:
    shp = _shape(a)
    flat = ravel(_mask(a))
    fills = [lax.broadcast_in_dim(lax.convert_element_type(f, _int_dtype()), (size,), ()) for f in fills]
    if prod(shp) == 0:
        return fills
    idx, count = _first_true(flat, size)
    valid = lax.lt(_iota(_int_dtype(), (size,), 0), lax.broadcast_in_dim(count, (size,), ()))
    out = []
    rem = idx
    for d in range(len(shp)):
        st = np.asarray(prod(shp[d + 1:]), _int_dtype())
        coord, rem = lax.div(rem, st), lax.rem(rem, st)
        out.append(_where(valid, coord, fills[d]))
    return out


_nonzero_jit = _jit(_nonzero_impl, static_argnames=("size",))


def argwhere(a: Any, *, size: int | None = None, fill_value: Any = None) -> Any:
    """xjax implementation of `numpy.argwhere`."""
    fn = "jnp.argwhere"
    a = asarray(a, fn)
    if len(_shape(a)) == 0:
        r = nonzero(reshape(a, (1,)), size=size, fill_value=fill_value)[0]
        return lax.broadcast_in_dim(r, _shape(r) + (0,), (0,))
    return stack(nonzero(a, size=size, fill_value=fill_value), axis=1)


def flatnonzero(a: Any, *, size: int | None = None, fill_value: Any = None) -> Any:
    """xjax implementation of `numpy.flatnonzero`."""
    return nonzero(ravel(asarray(a, "jnp.flatnonzero")), size=size, fill_value=fill_value)[0]


# ---------------------------------------------------------------------------
# sets


def isin(element: Any, test_elements: Any, assume_unique: bool = False, invert: bool = False, *,
         method: str = "auto") -> Any:
    """xjax implementation of `numpy.isin` (compares every pair)."""
    fn = "jnp.isin"
    util.check_arraylike(fn, element, test_elements)
    e, t = util.promote_dtypes(element, test_elements)
    e, t = asarray(e, fn), ravel(asarray(t, fn))
    es, m = _shape(e), _shape(t)[0]
    if m == 0:
        return _full(es, bool(invert), np.bool_)
    big = es + (m,)
    hit = lax.eq(lax.broadcast_in_dim(e, big, tuple(range(len(es)))),
                 lax.broadcast_in_dim(t, big, (len(es),)))
    out = lax.reduce_or(hit, (len(es),))
    return _not(out) if invert else out


def _unique_mask(aux: Any, equal_nan: bool) -> Any:
    n = _shape(aux)[0]
    if n == 0:
        return _full((0,), True, np.bool_)
    a, b = slice_axis(aux, 1, n, 0), slice_axis(aux, 0, n - 1, 0)
    ne = lax.ne(a, b)
    if equal_nan and dtypes.is_inexact(core.get_aval(aux).dtype):
        both_nan = lax.bitwise_and(lax.ne(a, a), lax.ne(b, b))
        ne = lax.bitwise_and(ne, _not(both_nan))
    return concatenate([_full((1,), True, np.bool_), ne])


def _take1d(x: Any, idx: Any) -> Any:
    import xjax.numpy as jnp

    return jnp.take(x, idx, axis=0, mode="clip") if _shape(x)[0] else _full(_shape(idx), 0, core.get_aval(x).dtype)


def _unique_mask_of(a: Any, equal_nan: bool) -> Any:
    flat = ravel(a)
    return _unique_mask(lax.sort(flat) if _shape(flat)[0] else flat, equal_nan)


_unique_mask_jit = _jit(_unique_mask_of, static_argnames=("equal_nan",))


def unique(ar: Any, return_index: bool = False, return_inverse: bool = False, return_counts: bool = False,
           axis: int | None = None, *, equal_nan: bool = True, size: int | None = None,
           fill_value: Any = None, sorted: bool = True) -> Any:
    """xjax implementation of `numpy.unique`; `size` (with `fill_value`) is required under jit."""
    fn = "jnp.unique"
    a = asarray(ar, fn)
    if axis is not None:
        return _unique_axis(a, axis, return_index, return_inverse, return_counts, size, fill_value, fn)
    if size is None:
        size = _concrete_count(_unique_mask_jit(a, equal_nan=bool(equal_nan)), fn + " (without size=)")
    size = static_int(size, fn, "size")
    fill = np.zeros((), core.get_aval(a).dtype) if fill_value is None else asarray(fill_value, fn)
    out = _unique_jit(a, fill, size=size, equal_nan=bool(equal_nan), has_fill=fill_value is not None,
                      flags=(bool(return_index), bool(return_inverse), bool(return_counts)))
    return out[0] if len(out) == 1 else tuple(out)


def _unique_impl(a: Any, fill_value: Any, *, size: int, equal_nan: bool, has_fill: bool,
                 flags: tuple[bool, bool, bool]) -> list[Any]:
    return_index, return_inverse, return_counts = flags
    shp = _shape(a)
    flat = ravel(a)
    n = _shape(flat)[0]
    perm = argsort(flat)
    aux = lax.sort(flat) if n else flat
    mask = _unique_mask(aux, equal_nan)
    ind, count = _first_true(mask, size) if n else (_full((size,), 0, _int_dtype()), None)
    valid = lax.lt(_iota(_int_dtype(), (size,), 0), lax.broadcast_in_dim(count, (size,), ())) \
        if count is not None else _full((size,), False, np.bool_)
    ind = _where(valid, ind, np.zeros((), _int_dtype()))  # padding points at the first (smallest) entry
    vals = _take1d(aux, ind)
    if not has_fill:
        fill = _take1d(aux, _full((), 0, _int_dtype())) if n else np.zeros((), core.get_aval(a).dtype)
    else:
        fill = lax.convert_element_type(fill_value, core.get_aval(a).dtype)
    fill = lax.broadcast_in_dim(fill, (size,), ())
    vals = _where(valid, vals, fill)
    out = [vals]
    if return_index:
        out.append(_take1d(perm, ind) if n else _full((size,), 0, _int_dtype()))
    if return_inverse:
        imask = lax.sub(lax.cumsum(lax.convert_element_type(mask, _int_dtype()), 0), np.asarray(1, _int_dtype()))
        inv = _take1d(imask, argsort(perm)) if n else _full((0,), 0, _int_dtype())
        out.append(reshape(inv, shp) if len(shp) else reshape(inv, ()) if n == 1 else inv)
    if return_counts:
        if n:
            ends = slice_axis(_first_true(mask, size + 1)[0], 1, size + 1, 0)  # start of the next one
            nxt = _where(lax.lt(_iota(_int_dtype(), (size,), 0),
                                lax.broadcast_in_dim(lax.sub(count, np.asarray(1, _int_dtype())), (size,), ())),
                         ends, _full((size,), n, _int_dtype()))
            out.append(_where(valid, lax.sub(nxt, ind), _full((size,), 0, _int_dtype())))
        else:
            out.append(_full((size,), 0, _int_dtype()))
    return out


_unique_jit = _jit(_unique_impl, static_argnames=("size", "equal_nan", "has_fill", "flags"))




def _unique_axis(a: Any, axis: int, ri: bool, rinv: bool, rc: bool, size: Any, fill: Any, fn: str) -> Any:
    """unique along an axis (concrete input): rows compared lexicographically."""
    ax = _axis(axis, len(_shape(a)), fn)
    if isinstance(a, core.Tracer):
        _concrete_count(a, fn + " with axis")
    arr = np.moveaxis(np.asarray(a), ax, 0)
    flat = arr.reshape(arr.shape[0], -1)
    _, idx, inv, cnt = np.unique(flat, return_index=True, return_inverse=True, return_counts=True, axis=0)
    from xjax._src.numpy.manipulation import take_static

    rows = take_static(moveaxis(a, ax, 0), idx, 0)
    out = [moveaxis(rows, 0, ax)]
    it = _int_dtype()
    if ri:
        out.append(asarray(idx.astype(it), fn))
    if rinv:
        out.append(asarray(inv.reshape(-1).astype(it), fn))
    if rc:
        out.append(asarray(cnt.astype(it), fn))
    return out[0] if len(out) == 1 else tuple(out)


def unique_values(x: Any, /, *, size: int | None = None, fill_value: Any = None) -> Any:
    """xjax implementation of `numpy.unique_values` (Array API)."""
    return unique(x, size=size, fill_value=fill_value)


def unique_counts(x: Any, /, *, size: int | None = None, fill_value: Any = None) -> Any:
    """xjax implementation of `numpy.unique_counts` (Array API): (values, counts)."""
    return unique(x, return_counts=True, size=size, fill_value=fill_value)


def unique_inverse(x: Any, /, *, size: int | None = None, fill_value: Any = None) -> Any:
    """xjax implementation of `numpy.unique_inverse` (Array API): (values, inverse_indices)."""
    return unique(x, return_inverse=True, size=size, fill_value=fill_value)


def unique_all(x: Any, /, *, size: int | None = None, fill_value: Any = None) -> Any:
    """xjax implementation of `numpy.unique_all`: (values, indices, inverse_indices, counts)."""
    return unique(x, return_index=True, return_inverse=True, return_counts=True, size=size,
                  fill_value=fill_value)


def _compact(vals: Any, keep: Any, size: Any, fill_value: Any, fn: str) -> Any:
    """The entries of 1-D `vals` where `keep`, in order; `size` pads with `fill_value`."""
    if size is None:
        size = _concrete_count(keep, fn + " (without size=)")
    size = static_int(size, fn, "size")
    n = _shape(vals)[0]
    if n == 0:
        return _full((size,), 0 if fill_value is None else fill_value, core.get_aval(vals).dtype)
    idx, count = _first_true(keep, size)
    valid = lax.lt(_iota(_int_dtype(), (size,), 0), lax.broadcast_in_dim(count, (size,), ()))
    out = _take1d(vals, idx)
    if fill_value is None:
        fill = lax.broadcast_in_dim(_take1d(vals, _full((), 0, _int_dtype())), (size,), ())
    else:
        fill = _full((size,), fill_value, core.get_aval(vals).dtype)
    return _where(valid, out, fill)


def setdiff1d(ar1: Any, ar2: Any, assume_unique: bool = False, *, size: int | None = None,
              fill_value: Any = None) -> Any:
    """xjax implementation of `numpy.setdiff1d`."""
    fn = "jnp.setdiff1d"
    util.check_arraylike(fn, ar1, ar2)
    a1, a2 = util.promote_dtypes(ar1, ar2)
    a1 = ravel(asarray(a1, fn))
    if not assume_unique:
        a1 = sort(a1)
        keep = _unique_mask(a1, True)
    else:
        keep = _full(_shape(a1), True, np.bool_)
    keep = lax.bitwise_and(keep, isin(a1, a2, invert=True))
    return _compact(a1, keep, size, fill_value, fn)


def union1d(ar1: Any, ar2: Any, *, size: int | None = None, fill_value: Any = None) -> Any:
    """xjax implementation of `numpy.union1d`."""
    fn = "jnp.union1d"
    util.check_arraylike(fn, ar1, ar2)
    a1, a2 = util.promote_dtypes(ar1, ar2)
    return unique(concatenate([ravel(asarray(a1, fn)), ravel(asarray(a2, fn))]), size=size,
                  fill_value=fill_value)


def _unique_sorted_mask(x: Any, assume_unique: bool) -> tuple[Any, Any]:
    """sort(x) and the mask of its first occurrences (all True if `assume_unique`)."""
    x = sort(x)
    if assume_unique:
        return x, _full(_shape(x), True, np.bool_)
    return x, _unique_mask(x, True)


def setxor1d(ar1: Any, ar2: Any, assume_unique: bool = False, *, size: int | None = None,
             fill_value: Any = None) -> Any:
    """xjax implementation of `numpy.setxor1d`."""
    fn = "jnp.setxor1d"
    util.check_arraylike(fn, ar1, ar2)
    a1, a2 = util.promote_dtypes(ar1, ar2)
    a1, a2 = ravel(asarray(a1, fn)), ravel(asarray(a2, fn))
    s1, m1 = _unique_sorted_mask(a1, assume_unique)
    s2, m2 = _unique_sorted_mask(a2, assume_unique)
    k1 = lax.bitwise_and(m1, isin(s1, a2, invert=True))
    k2 = lax.bitwise_and(m2, isin(s2, a1, invert=True))
    vals, keep = concatenate([s1, s2]), concatenate([k1, k2])
    if _shape(vals)[0]:
        vals, keep = lax.sort((vals, keep), dimension=0, num_keys=1)
    return _compact(vals, keep, size, fill_value, fn)


def intersect1d(ar1: Any, ar2: Any, assume_unique: bool = False, return_indices: bool = False, *,
                size: int | None = None, fill_value: Any = None) -> Any:
    """xjax implementation of `numpy.intersect1d` (return_indices not supported yet)."""
    fn = "jnp.intersect1d"
    util.check_arraylike(fn, ar1, ar2)
    if return_indices:
        raise NotImplementedError(f"{fn}: return_indices=True is not supported yet")
    a1, a2 = util.promote_dtypes(ar1, ar2)
    a1, a2 = ravel(asarray(a1, fn)), ravel(asarray(a2, fn))
    s1, m1 = _unique_sorted_mask(a1, assume_unique)
    return _compact(s1, lax.bitwise_and(m1, isin(s1, a2)), size, fill_value, fn)


def bincount(x: Any, weights: Any = None, minlength: int = 0, *, length: int | None = None) -> Any:
    """xjax implementation of `numpy.bincount`; `length` is required under jit."""
    fn = "jnp.bincount"
    x = asarray(x, fn)
    if not dtypes.is_integer(core.get_aval(x).dtype) and not dtypes.is_bool(core.get_aval(x).dtype):
        raise TypeError(f"{fn}: x argument must have an integer type, got {core.get_aval(x).dtype}")
    if len(_shape(x)) != 1:
        raise ValueError(f"{fn}: only 1-dimensional input supported, got shape {_shape(x)}")
    minlength = static_int(minlength, fn, "minlength")
    if minlength < 0:
        raise ValueError(f"{fn}: minlength must be non-negative, got {minlength}")
    if length is None:
        if isinstance(x, core.Tracer):
            raise core.concretization_error(
                x, ConcretizationTypeError, f"{fn}: the output length depends on the values of x",
                "pass a static `length=` argument")
        xv = np.asarray(x)
        length = max(minlength, int(xv.max()) + 1 if xv.size else 0)
    length = static_int(length, fn, "length")
    n = _shape(x)[0]
    xi = lax.convert_element_type(x, _int_dtype())
    if weights is None:
        w = _full((n,), 1, _int_dtype())
    else:
        w = asarray(weights, fn)
        if _shape(w) != (n,):
            from xjax._src.numpy.manipulation import broadcast_to

            w = broadcast_to(w, (n,))
    dt = core.get_aval(w).dtype
    big = (n, length)
    hit = lax.eq(lax.broadcast_in_dim(xi, big, (0,)), _iota(_int_dtype(), big, 1))
    if dtypes.is_bool(dt):
        dt = _int_dtype()
        w = lax.convert_element_type(w, dt)
    zero = _full(big, 0, dt)
    return lax.reduce_sum(_where(hit, lax.broadcast_in_dim(w, big, (0,)), zero), (0,))
