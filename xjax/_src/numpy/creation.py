"""Array creation: array/asarray, zeros/ones/full(_like), arange, linspace, eye, tri, meshgrid...

Constants are built on the host (NumPy) when running eagerly and as broadcasts of a scalar when
traced, so that a jitted `jnp.zeros((1024, 1024))` does not embed a large constant.
"""

from __future__ import annotations

import builtins
import operator
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from xjax._src import core, dtypes
from xjax._src.array import Array, from_host
from xjax._src.errors import ConcretizationTypeError
from xjax._src.lax import elementwise as lax
from xjax._src.lax import shape as lax_shape


def _knd(dt: np.dtype) -> str:
    return "f" if dt == dtypes.bfloat16 else dt.kind


def _to_inexact(dt: np.dtype) -> np.dtype:
    from xjax._src.numpy.ufuncs import _to_inexact as f

    return f(dt)

__all__ = [
    "arange", "array", "asarray", "astype", "copy", "diag", "diagflat", "empty", "empty_like",
    "eye", "frombuffer", "fromfunction", "full", "full_like", "geomspace", "identity", "indices",
    "linspace", "logspace", "meshgrid", "mgrid", "ogrid", "ones", "ones_like", "tri", "tril",
    "triu", "zeros", "zeros_like",
]

_PY = (bool, int, float, complex)


# -- helpers ---------------------------------------------------------------------------------


def _eager() -> bool:
    return core.current_trace() is core.eval_trace


def _canonical_shape(shape: Any, fn: str) -> tuple[int, ...]:
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    try:
        out = tuple(operator.index(d) for d in shape)
    except TypeError:
        if isinstance(shape, core.Tracer) or any(isinstance(d, core.Tracer) for d in np.atleast_1d(shape)):
            raise _concrete_error(fn, "shape") from None
        raise TypeError(f"{fn}: shape must be an int or a sequence of ints, got {shape!r}") from None
    if any(d < 0 for d in out):
        raise TypeError(f"{fn}: negative dimensions are not allowed, got shape {out}")
    return out


def _concrete_error(fn: str, arg: str) -> ConcretizationTypeError:
    return ConcretizationTypeError(
        f"{fn}: argument '{arg}' must be concrete, but a traced value was given. Abstract tracer "
        "value encountered where concrete value is expected. Fix: pass a Python/NumPy value or "
        "mark the argument static."
    )


def _concrete(x: Any, fn: str, arg: str) -> Any:
    """x as a host value; a tracer raises ConcretizationTypeError."""
    if x is None or type(x) in _PY:
        return x
    if isinstance(x, core.Tracer):
        raise _concrete_error(fn, arg)
    if isinstance(x, Array):
        return np.asarray(x)
    return x


def _user_dtype(dtype: Any, fn: str) -> np.dtype | None:
    return None if dtype is None else dtypes.check_user_dtype(dtype, fn)


_HOST_FILL_MAX = 1 << 16  # larger eager fills broadcast a scalar on the device instead


def _fill(shape: tuple[int, ...], value: Any, dtype: np.dtype, weak: bool = False) -> Any:
    """An array of `shape` filled with the scalar `value` (concrete or traced)."""
    if isinstance(value, core.Tracer) or not _eager() or np.prod(shape, dtype=np.int64) > _HOST_FILL_MAX:
        if isinstance(value, (Array, core.Tracer)):
            v = value
            if core.get_aval(v).dtype != dtype or core.get_aval(v).weak_type != weak:
                v = lax.convert_element_type(v, dtype, weak_type=weak)
        else:
            v = from_host(np.asarray(value, dtype), dtype, weak_type=weak)
        return lax_shape.broadcast_in_dim(v, shape, ()) if shape else v
    if isinstance(value, Array):
        value = np.asarray(value)
    return from_host(np.full(shape, value, dtype=dtype), dtype, weak_type=weak)


def _const(x: np.ndarray, dtype: Any = None, weak: bool = False) -> Array:
    return from_host(x, dtype, weak_type=weak)


def _has_device_leaf(x: Any) -> bool:
    """Whether nested lists hold an Array or tracer (stacked on the device, not via the host)."""
    if isinstance(x, (Array, core.Tracer)):
        return True
    if isinstance(x, (list, tuple)):
        return builtins.any(_has_device_leaf(y) for y in x)
    return False


def _leaves(x: Any) -> list[Any]:
    if isinstance(x, (list, tuple)):
        out: list[Any] = []
        for y in x:
            out.extend(_leaves(y))
        return out
    return [x]


def _stack0(items: list[Any]) -> Any:
    """Stacks equal-shape, equal-dtype arrays along a new leading axis (traced-safe)."""
    import xjax.lax

    shape = (1,) + core.get_aval(items[0]).shape
    parts = [lax_shape.reshape(x, shape) for x in items]
    return parts[0] if len(parts) == 1 else xjax.lax.concatenate(parts, 0)


def _build(obj: Any, dtype: np.dtype) -> Any:
    """Nested lists holding tracers -> one array of `dtype`."""
    if isinstance(obj, (list, tuple)):
        if not obj:
            return from_host(np.zeros((0,), dtype), dtype)
        parts = [_build(o, dtype) for o in obj]
        shapes = {core.get_aval(p).shape for p in parts}
        if len(shapes) != 1:
            raise ValueError(f"jnp.array: inhomogeneous nested sequence: element shapes {sorted(shapes)}")
        return _stack0(parts)
    return asarray(obj, dtype=dtype)


# -- array / asarray -------------------------------------------------------------------------


def array(object: Any, dtype: Any = None, copy: bool = True, order: str | None = "K",
          ndmin: int = 0, *, device: Any = None) -> Any:
    """xjax implementation of `numpy.array`.

    Python scalars give weak arrays; lists give strong arrays of their promoted dtype; NumPy
    float64 data becomes float32 unless x64 is enabled.
    """
    if order is not None and order not in ("K", "A", "C"):
        raise NotImplementedError(f"jnp.array: only order='K' or 'C' is supported, got {order!r}")
    dt = _user_dtype(dtype, "jnp.array")
    if hasattr(object, "__jax_array__"):
        object = object.__jax_array__()
    if isinstance(object, (Array, core.Tracer)):
        out = object
        if dt is not None and core.get_aval(out).dtype != dt:
            out = lax.convert_element_type(out, dt)
        elif dt is not None and core.get_aval(out).weak_type:
            out = lax.convert_element_type(out, dt, weak_type=False)
        elif copy and isinstance(out, Array):
            out = out.copy()
    elif type(object) in _PY:
        if dt is None:
            out = _scalar(object, "jnp.array")
        else:
            out = _const(np.asarray(object, dt), dt)
    elif isinstance(object, (np.ndarray, np.generic)):
        if not dtypes.is_supported(object.dtype) and object.dtype.kind not in "biufc":
            raise TypeError(f"jnp.array: NumPy dtype {object.dtype} is not a valid xjax array type")
        out = _const(np.asarray(object), dt or dtypes.canonicalize_dtype(object.dtype))
    elif isinstance(object, (list, tuple)):
        leaves = _leaves(object)
        for leaf in leaves:
            if hasattr(leaf, "__jax_array__"):
                leaf = leaf.__jax_array__()
            if not (type(leaf) in _PY or isinstance(leaf, (Array, core.Tracer, np.ndarray, np.generic))):
                raise TypeError(f"jnp.array: unexpected element of type {type(leaf).__name__} in the input sequence")
        if dt is None:
            dt = dtypes.result_type(*leaves) if leaves else dtypes.default_float_dtype()
        if _has_device_leaf(object):
            out = _build(object, dt)
        else:
            try:
                val = np.array(object, dtype=dt)
            except ValueError as e:
                raise ValueError(f"jnp.array: {e}") from None
            out = _const(val, dt)
    else:
        try:
            val = np.asarray(object)
        except (TypeError, ValueError):
            val = None
        if val is None or not (dtypes.is_supported(val.dtype) or val.dtype.kind in "biufc"):
            raise TypeError(f"jnp.array: unexpected input type {type(object).__name__}")
        out = _const(val, dt or dtypes.canonicalize_dtype(val.dtype))
    ndmin = operator.index(ndmin)
    nd = core.get_aval(out).ndim
    if ndmin > nd:
        out = lax_shape.reshape(out, (1,) * (ndmin - nd) + core.get_aval(out).shape)
    return out


def _scalar(x: Any, fn: str) -> Array:
    aval = core.get_aval(x)
    if type(x) is int:
        info = np.iinfo(aval.dtype)
        if not info.min <= x <= info.max:
            raise OverflowError(f"{fn}: Python int {x} too large to convert to {aval.dtype.name}")
    return from_host(np.asarray(x, aval.dtype), aval.dtype, weak_type=aval.weak_type)


def asarray(a: Any, dtype: Any = None, order: str | None = None, *, copy: bool | None = None,
            device: Any = None) -> Any:
    """xjax implementation of `numpy.asarray`."""
    if type(a) is Array and dtype is None:  # fast path
        return a
    if isinstance(a, core.Tracer) and dtype is None:
        return a
    return array(a, dtype=dtype, copy=bool(copy), order=order)


def copy(a: Any, order: str | None = None) -> Any:
    """xjax implementation of `numpy.copy`."""
    return array(a, copy=True, order=order)


# -- constant-filled arrays ------------------------------------------------------------------


def zeros(shape: Any, dtype: Any = None, *, device: Any = None) -> Any:
    """xjax implementation of `numpy.zeros`."""
    shape = _canonical_shape(shape, "jnp.zeros")
    return _fill(shape, 0, _user_dtype(dtype, "jnp.zeros") or dtypes.default_float_dtype())


def ones(shape: Any, dtype: Any = None, *, device: Any = None) -> Any:
    """xjax implementation of `numpy.ones`."""
    shape = _canonical_shape(shape, "jnp.ones")
    return _fill(shape, 1, _user_dtype(dtype, "jnp.ones") or dtypes.default_float_dtype())


def empty(shape: Any, dtype: Any = None, *, device: Any = None) -> Any:
    """xjax implementation of `numpy.empty` (zero-filled, as in JAX)."""
    shape = _canonical_shape(shape, "jnp.empty")
    return _fill(shape, 0, _user_dtype(dtype, "jnp.empty") or dtypes.default_float_dtype())


def full(shape: Any, fill_value: Any, dtype: Any = None, *, device: Any = None) -> Any:
    """xjax implementation of `numpy.full`."""
    shape = _canonical_shape(shape, "jnp.full")
    dt = _user_dtype(dtype, "jnp.full")
    traced = isinstance(fill_value, (Array, core.Tracer))
    if (core.get_aval(fill_value).ndim if traced else np.ndim(fill_value)) > 0:
        from xjax._src.numpy.util import broadcast_shapes, broadcast_to_shape

        v = asarray(fill_value, dtype=dt)
        vshape = core.get_aval(v).shape
        if broadcast_shapes(vshape, shape, fn="jnp.full") != shape:
            raise ValueError(f"jnp.full: fill_value of shape {vshape} cannot be broadcast to shape {shape}")
        return broadcast_to_shape(v, shape)
    weak = dt is None and dtypes.is_weakly_typed(fill_value)
    if dt is None:
        dt = dtypes.dtype(fill_value)
    return _fill(shape, fill_value, dt, weak)


def _like(fn: str, a: Any, value: Any, dtype: Any, shape: Any) -> Any:
    from xjax._src.numpy.util import check_arraylike

    check_arraylike(fn, a)
    aval = core.get_aval(a)
    dt = _user_dtype(dtype, fn)
    weak = dt is None and aval.weak_type
    shp = aval.shape if shape is None else _canonical_shape(shape, fn)
    if isinstance(value, (Array, core.Tracer)) or np.ndim(value):
        v = asarray(value, dtype=dt or aval.dtype)
        from xjax._src.numpy.util import broadcast_to_shape

        return broadcast_to_shape(v, shp)
    return _fill(shp, value, dt or aval.dtype, weak)


def zeros_like(a: Any, dtype: Any = None, shape: Any = None, *, device: Any = None) -> Any:
    """xjax implementation of `numpy.zeros_like`."""
    return _like("jnp.zeros_like", a, 0, dtype, shape)


def ones_like(a: Any, dtype: Any = None, shape: Any = None, *, device: Any = None) -> Any:
    """xjax implementation of `numpy.ones_like`."""
    return _like("jnp.ones_like", a, 1, dtype, shape)


def empty_like(prototype: Any, dtype: Any = None, shape: Any = None, *, device: Any = None) -> Any:
    """xjax implementation of `numpy.empty_like` (zero-filled, as in JAX)."""
    return _like("jnp.empty_like", prototype, 0, dtype, shape)


def full_like(a: Any, fill_value: Any, dtype: Any = None, shape: Any = None, *, device: Any = None) -> Any:
    """xjax implementation of `numpy.full_like`."""
    return _like("jnp.full_like", a, fill_value, dtype, shape)


# -- ranges ----------------------------------------------------------------------------------


def arange(start: Any, stop: Any = None, step: Any = None, dtype: Any = None, *,
           device: Any = None) -> Array:
    """xjax implementation of `numpy.arange` (concrete start/stop/step only, as in JAX)."""
    dt = _user_dtype(dtype, "jnp.arange")
    start_name = "stop" if stop is None and step is None else "start"
    start = _concrete(start, "jnp.arange", start_name)
    stop = _concrete(stop, "jnp.arange", "stop")
    step = _concrete(step, "jnp.arange", "step")
    for name, val in ((start_name, start), ("stop", stop), ("step", step)):
        if val is not None and np.ndim(val) != 0:
            raise ValueError(f"jnp.arange: arguments must be scalars; got {name}={val}")
    if dt is None:
        dt = dtypes.result_type(start, *(x for x in (stop, step) if x is not None))
    if builtins.any(np.iscomplexobj(v) for v in (start, stop, step) if v is not None):
        raise ValueError("jnp.arange: complex start/stop/step are not supported")
    if stop is None:
        start, stop = 0, start
    if step is not None:
        work = np.dtype(np.float32) if _knd(dt) == "f" and dt.itemsize < 4 else dt
        if step == 0:
            raise ZeroDivisionError("jnp.arange: step must be nonzero")
        size = builtins.max(0, int(np.ceil((stop - start) / step)))
        with np.errstate(over="ignore", invalid="ignore"):
            s0 = np.asarray(np.asarray(start).astype(work))
            st = np.asarray(np.asarray(step).astype(work))
            val = (s0 + st * np.arange(size).astype(work)).astype(work).astype(dt)
    else:
        size = builtins.max(0, int(np.ceil(stop - start)))
        with np.errstate(over="ignore", invalid="ignore"):
            val = (np.asarray(start).astype(dt) + np.arange(size).astype(dt)).astype(dt)
    return _const(np.asarray(val, dt), dt)


def _iota(dtype: np.dtype, n: int) -> Array:
    return _const(np.arange(n).astype(dtype), dtype)


def linspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, retstep: bool = False,
             dtype: Any = None, axis: int = 0, *, device: Any = None) -> Any:
    """xjax implementation of `numpy.linspace`."""
    from xjax._src.numpy.util import check_arraylike, promote_shapes

    num = operator.index(_concrete(num, "jnp.linspace", "num"))
    if num < 0:
        raise ValueError(f"jnp.linspace: Number of samples, {num}, must be non-negative.")
    check_arraylike("jnp.linspace", start, stop)
    dt = _user_dtype(dtype, "jnp.linspace")
    if dt is None:
        dt = _to_inexact(dtypes.result_type(start, stop))
    comp = _to_inexact(dt)
    start = asarray(start, dtype=comp)
    stop = asarray(stop, dtype=comp)
    start, stop = promote_shapes("jnp.linspace", start, stop)
    bshape = core.get_aval(start).shape
    nd = len(bshape)
    axis = _norm_axis(axis, nd + 1, "jnp.linspace")
    kshape = bshape[:axis] + (1,) + bshape[axis:]
    div = (num - 1) if endpoint else num
    if num > 1:
        import xjax.lax

        # JAX's formula: start * (1 - t) + stop * t, t = iota / div (recovers the endpoints)
        delta = lax.div(lax.sub(stop, start), _const(np.asarray(div, comp), comp))
        real = dtypes.real_dtype(comp) if _knd(comp) == "c" else comp
        oshape = bshape[:axis] + (div,) + bshape[axis:]
        bdims = tuple(i for i in range(nd + 1) if i != axis)
        t = lax.div(_iota(real, div), _const(np.asarray(div, real), real))
        t = lax.convert_element_type(t, comp)
        t = lax_shape.broadcast_in_dim(t, oshape, (axis,))
        one = _fill(oshape, 1, comp)
        s_ = lax_shape.broadcast_in_dim(start, oshape, bdims)
        e_ = lax_shape.broadcast_in_dim(stop, oshape, bdims)
        out = lax.add(lax.mul(s_, lax.sub(one, t)), lax.mul(e_, t))
        if endpoint:
            out = xjax.lax.concatenate([out, lax_shape.reshape(stop, kshape)], axis)
    elif num == 1:
        delta = _fill(bshape, np.nan, comp) if endpoint else lax.sub(stop, start)
        out = lax_shape.reshape(start, kshape)
    else:
        delta = _fill((), np.nan, comp)
        out = _fill(bshape[:axis] + (0,) + bshape[axis:], 0, comp)
    if _knd(dt) in "iu":
        out = lax.floor(out)
    out = lax.convert_element_type(out, dt)
    return (out, delta) if retstep else out


def _norm_axis(axis: Any, ndim: int, fn: str) -> int:
    axis = operator.index(axis)
    if not -ndim <= axis < ndim:
        raise ValueError(f"{fn}: axis {axis} is out of bounds for array of dimension {ndim}")
    return axis % ndim


def logspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, base: Any = 10.0,
             dtype: Any = None, axis: int = 0) -> Any:
    """xjax implementation of `numpy.logspace`."""
    from xjax._src.numpy import ufuncs

    dt = _user_dtype(dtype, "jnp.logspace")
    comp = _to_inexact(dtypes.result_type(start, stop))
    lin = linspace(start, stop, num, endpoint=endpoint, axis=axis, dtype=comp)
    out = ufuncs.power(base, lin)
    if dt is not None:
        out = lax.convert_element_type(out, dt)
    return out


def geomspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, dtype: Any = None,
              axis: int = 0) -> Any:
    """xjax implementation of `numpy.geomspace` (positive real endpoints)."""
    from xjax._src.numpy import ufuncs

    dt = _user_dtype(dtype, "jnp.geomspace")
    comp = _to_inexact(dtypes.result_type(start, stop))
    s, e = asarray(start, dtype=comp), asarray(stop, dtype=comp)
    out = ufuncs.exp(linspace(ufuncs.log(s), ufuncs.log(e), num, endpoint=endpoint, axis=axis, dtype=comp))
    if num > 0:
        a = _norm_axis(axis, core.get_aval(out).ndim, "jnp.geomspace")
        bshape = core.get_aval(out).shape
        bdims = tuple(i for i in range(len(bshape)) if i != a)
        from xjax._src.numpy.util import promote_shapes

        s, e = promote_shapes("jnp.geomspace", s, e)
        first = np.zeros(bshape, np.int32)
        idx = [slice(None)] * len(bshape)
        idx[a] = 0
        first[tuple(idx)] = 1
        if endpoint and num > 1:
            idx[a] = num - 1
            first[tuple(idx)] = 2
        out = lax.select_n(_const(first), out, lax_shape.broadcast_in_dim(s, bshape, bdims),
                           lax_shape.broadcast_in_dim(e, bshape, bdims))
    if dt is not None:
        out = lax.convert_element_type(out, dt)
    return out


# -- matrices --------------------------------------------------------------------------------


def _tri_mask(n: int, m: int, k: int) -> np.ndarray:
    return np.tri(n, m, k, dtype=bool)


def eye(N: int, M: int | None = None, k: int = 0, dtype: Any = None, *, device: Any = None) -> Array:
    """xjax implementation of `numpy.eye`."""
    N = operator.index(_concrete(N, "jnp.eye", "N"))
    M = N if M is None else operator.index(_concrete(M, "jnp.eye", "M"))
    k = operator.index(_concrete(k, "jnp.eye", "k"))
    if N < 0 or M < 0:
        raise ValueError(f"jnp.eye: negative dimensions are not allowed, got N={N}, M={M}")
    dt = _user_dtype(dtype, "jnp.eye") or dtypes.default_float_dtype()
    return _const(np.eye(N, M, k).astype(dt), dt)


def identity(n: int, dtype: Any = None) -> Array:
    """xjax implementation of `numpy.identity`."""
    return eye(n, dtype=dtype)


def tri(N: int, M: int | None = None, k: int = 0, dtype: Any = None) -> Array:
    """xjax implementation of `numpy.tri`."""
    N = operator.index(_concrete(N, "jnp.tri", "N"))
    M = N if M is None else operator.index(_concrete(M, "jnp.tri", "M"))
    k = operator.index(_concrete(k, "jnp.tri", "k"))
    dt = _user_dtype(dtype, "jnp.tri") or dtypes.default_float_dtype()
    return _const(_tri_mask(N, M, k).astype(dt), dt)


def _tri_select(fn: str, m: Any, k: int, lower: bool) -> Any:
    from xjax._src.numpy.util import check_arraylike

    check_arraylike(fn, m)
    m = asarray(m)
    aval = core.get_aval(m)
    if aval.ndim < 2:
        raise ValueError(f"{fn}: input array must be at least 2-dimensional, got shape {aval.shape}")
    k = operator.index(_concrete(k, fn, "k"))
    n, mm = aval.shape[-2:]
    mask = _tri_mask(n, mm, k) if lower else ~_tri_mask(n, mm, k - 1)
    mask = np.ascontiguousarray(np.broadcast_to(mask, aval.shape))
    zero = _fill(aval.shape, 0, aval.dtype, aval.weak_type)
    return lax.select_n(_const(mask), zero, m)


def tril(m: Any, k: int = 0) -> Any:
    """xjax implementation of `numpy.tril`."""
    return _tri_select("jnp.tril", m, k, True)


def triu(m: Any, k: int = 0) -> Any:
    """xjax implementation of `numpy.triu`."""
    return _tri_select("jnp.triu", m, k, False)


def diag(v: Any, k: int = 0) -> Any:
    """xjax implementation of `numpy.diag`."""
    from xjax._src.numpy.util import check_arraylike

    check_arraylike("jnp.diag", v)
    v = asarray(v)
    aval = core.get_aval(v)
    k = operator.index(_concrete(k, "jnp.diag", "k"))
    if aval.ndim == 1:
        n = aval.shape[0] + builtins.abs(k)
        shape = (n, n)
        eye_mask = np.eye(n, n, k, dtype=bool)
        # out[i, j] = v[min(i, j)] on the k-th diagonal: broadcast v along the other axis.
        along = 0 if k >= 0 else 1
        vv = v
        pad = builtins.abs(k)
        if pad:
            vv = _pad_end(v, pad)
        b = lax_shape.broadcast_in_dim(vv, shape, (along,))
        zero = _fill(shape, 0, aval.dtype, aval.weak_type)
        return lax.select_n(_const(eye_mask), zero, b)
    if aval.ndim == 2:
        from xjax._src.numpy import reductions

        n, m = aval.shape
        mask = np.eye(n, m, k, dtype=bool)
        zero = _fill(aval.shape, 0, aval.dtype, aval.weak_type)
        sel = lax.select_n(_const(mask), zero, v)
        length = builtins.max(0, builtins.min(n + builtins.min(k, 0), m - builtins.max(k, 0)))
        if k >= 0:
            s = reductions._reduce_raw("sum", sel, (0,), aval.dtype)  # column sums: v[j-k, j]
            return _take_range(s, builtins.max(k, 0), length)
        s = reductions._reduce_raw("sum", sel, (1,), aval.dtype)
        return _take_range(s, -k, length)
    raise ValueError(f"jnp.diag: input must be 1- or 2-D, got shape {aval.shape}")


def _pad_end(v: Any, pad: int) -> Any:
    import xjax.lax

    aval = core.get_aval(v)
    zero = from_host(np.zeros((), aval.dtype), aval.dtype, weak_type=aval.weak_type)
    return xjax.lax.pad(v, zero, [(0, pad, 0)])


def _take_range(v: Any, start: int, length: int) -> Any:
    """v[start:start+length] for 1-D v."""
    import xjax.lax

    n = core.get_aval(v).shape[0]
    if start == 0 and length == n:
        return v
    start = builtins.min(start, n - length)
    return xjax.lax.slice_in_dim(v, start, start + length, 1, 0)


def diagflat(v: Any, k: int = 0) -> Any:
    """xjax implementation of `numpy.diagflat`."""
    v = asarray(v)
    return diag(lax_shape.reshape(v, (core.get_aval(v).size,)), k)


# -- grids -----------------------------------------------------------------------------------


def meshgrid(*xi: Any, copy: bool = True, sparse: bool = False, indexing: str = "xy") -> list[Any]:
    """xjax implementation of `numpy.meshgrid`."""
    from xjax._src.numpy.util import check_arraylike

    check_arraylike("jnp.meshgrid", *xi)
    if indexing not in ("xy", "ij"):
        raise ValueError(f"jnp.meshgrid: Valid values for indexing are 'xy' and 'ij', got {indexing!r}")
    args = [asarray(x) for x in xi]
    for i, a in enumerate(args):
        if core.get_aval(a).ndim != 1:
            raise ValueError(
                f"jnp.meshgrid: Arguments to meshgrid must be 1D, got shape {core.get_aval(a).shape} at position {i}"
            )
    args = [lax_shape.reshape(a, (core.get_aval(a).size,)) for a in args]
    sizes = [core.get_aval(a).shape[0] for a in args]
    if indexing == "xy" and len(args) >= 2:
        sizes[0], sizes[1] = sizes[1], sizes[0]
    nd = len(args)
    out = []
    for i, a in enumerate(args):
        ax = i
        if indexing == "xy" and nd >= 2 and i < 2:
            ax = 1 - i
        if sparse:
            shp = tuple(sizes[j] if j == ax else 1 for j in range(nd))
            out.append(lax_shape.broadcast_in_dim(a, shp, (ax,)))
        else:
            out.append(lax_shape.broadcast_in_dim(a, tuple(sizes), (ax,)))
    return out


def indices(dimensions: Sequence[int], dtype: Any = None, sparse: bool = False) -> Any:
    """xjax implementation of `numpy.indices`."""
    dims = _canonical_shape(dimensions, "jnp.indices")
    dt = _user_dtype(dtype, "jnp.indices") or dtypes.default_int_dtype()
    val = np.indices(dims, dtype=dt, sparse=sparse)
    if sparse:
        return tuple(_const(np.ascontiguousarray(v), dt) for v in val)
    return _const(val, dt)


def fromfunction(function: Callable, shape: Any, *, dtype: Any = float, **kwargs: Any) -> Any:
    """xjax implementation of `numpy.fromfunction`."""
    shape = _canonical_shape(shape, "jnp.fromfunction")
    dt = _user_dtype(dtype, "jnp.fromfunction")
    idx = indices(shape, dtype=dt)
    args = [_const(np.asarray(idx)[i], dt) for i in range(len(shape))]
    return function(*args, **kwargs)


def frombuffer(buffer: Any, dtype: Any = float, count: int = -1, offset: int = 0) -> Array:
    """xjax implementation of `numpy.frombuffer`."""
    return asarray(np.frombuffer(buffer, dtype=dtype, count=count, offset=offset))


def astype(x: Any, dtype: Any, /, *, copy: bool = False, device: Any = None) -> Any:
    """xjax implementation of the Array API `astype`."""
    from xjax._src.numpy.util import check_arraylike

    check_arraylike("jnp.astype", x)
    dt = dtypes.check_user_dtype(dtype, "jnp.astype")
    x = asarray(x)
    if core.get_aval(x).dtype.kind == "c" and dt.kind != "c":
        import xjax.lax

        x = xjax.lax.real(x)
    return lax.convert_element_type(x, dt)


def _grid_1d(s: Any, fn: str) -> Any:
    if not isinstance(s, builtins.slice):
        raise TypeError(f"jnp.{fn}: expected slices, got {type(s).__name__}")
    start = _concrete(s.start, f"jnp.{fn}", "slice start") or 0
    stop = _concrete(s.stop, f"jnp.{fn}", "slice stop")
    step = _concrete(s.step, f"jnp.{fn}", "slice step") or 1
    if np.iscomplex(step):
        return linspace(start, stop, int(builtins.abs(step)))
    return arange(start, stop, step)


def _grids(key: Any, fn: str) -> list[Any]:
    from xjax._src.numpy.util import promote_dtypes

    parts = [_grid_1d(k, fn) for k in key]
    return [asarray(p) for p in promote_dtypes(*parts)] if len(parts) > 1 else parts


class _Mgrid:
    """xjax implementation of `numpy.mgrid`: `jnp.mgrid[0:3, 0:4]` is a dense grid."""

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, builtins.slice):
            return _grid_1d(key, "mgrid")
        parts = meshgrid(*_grids(key, "mgrid"), indexing="ij")
        if not parts:
            return arange(0)
        return _stack0(parts)


class _Ogrid:
    """xjax implementation of `numpy.ogrid`: `jnp.ogrid[0:3, 0:4]` is an open (sparse) grid."""

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, builtins.slice):
            return _grid_1d(key, "ogrid")
        return meshgrid(*_grids(key, "ogrid"), indexing="ij", sparse=True)


mgrid = _Mgrid()
ogrid = _Ogrid()
