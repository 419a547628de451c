"""Shape manipulation: reshape, transpose, concatenate/stack/split, tile/repeat, flip/roll...

Pure compositions of lax ops; shapes and axes must be concrete (static) values.
"""

from __future__ import annotations

import builtins
import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

import xjax.lax as lax
from xjax._src import core, dtypes
from xjax._src.array import Array, to_array
from xjax._src.errors import ConcretizationTypeError
from xjax._src.numpy import util
from xjax._src.util import canonicalize_axis, prod

__all__ = [
    "reshape",
    "ravel",
    "transpose",
    "permute_dims",
    "matrix_transpose",
    "moveaxis",
    "swapaxes",
    "squeeze",
    "expand_dims",
    "broadcast_to",
    "broadcast_arrays",
    "broadcast_shapes",
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
    "concatenate",
    "concat",
    "stack",
    "hstack",
    "vstack",
    "dstack",
    "column_stack",
    "split",
    "array_split",
    "hsplit",
    "vsplit",
    "dsplit",
    "unstack",
    "tile",
    "repeat",
    "flip",
    "fliplr",
    "flipud",
    "roll",
    "rot90",
    "ndim",
    "shape",
    "size",
    "resize",
    "append",
    "delete",
    "insert",
    "trim_zeros",
]


# ---------------------------------------------------------------------------
# helpers shared by the numpy families


def asarray(x: Any, fn: str) -> Any:
    """An Array or Tracer for an array-like (weak types of Python scalars kept)."""
    if type(x) is Array or isinstance(x, core.Tracer):
        return x
    if type(x) is core.TypedScalar:
        return to_array(x)
    if isinstance(x, (list, tuple)):
        raise TypeError(f"{fn} requires ndarray or scalar arguments, got {type(x).__name__}. "
                        "Use jnp.asarray(...) on lists/tuples first.")
    util.check_arraylike(fn, x)
    if hasattr(x, "__jax_array__"):
        return x.__jax_array__()
    return to_array(x)


def promote_inexact(fn: str, *args: Any) -> list[Any]:
    """util.promote_dtypes_inexact with JAX's integer -> float map (int32 -> float32, 64-bit ->
    float64), canonicalised for the x64 flag; returns Arrays/Tracers."""
    util.check_arraylike(fn, *args)
    dtype, weak = dtypes.result_type(*args, return_weak_type_flag=True)
    if not dtypes.is_inexact(dtype):
        dtype = np.dtype(np.float64 if dtype.itemsize >= 8 else np.float32)
    dtype = dtypes.canonicalize_dtype(dtype)
    return [asarray(util._cast(x, dtype, weak), fn) for x in args]


def static_int(x: Any, fn: str, name: str) -> int:
    """A concrete Python int, or a ConcretizationTypeError naming the argument."""
    if isinstance(x, core.Tracer):
        raise core.concretization_error(
            x, ConcretizationTypeError, f"{fn}: argument `{name}` must be concrete",
            "mark it static (jit(f, static_argnums=...)) or derive it from x.shape")
    try:
        return operator.index(x)
    except TypeError:
        if isinstance(x, (Array, np.ndarray)) and np.ndim(x) == 0 and dtypes.is_integer(np.dtype(x.dtype)):
            return int(x)
        raise TypeError(f"{fn}: argument `{name}` must be an integer, got {x!r}") from None


def static_array(x: Any, fn: str, name: str) -> np.ndarray:
    """A concrete numpy array, or a ConcretizationTypeError naming the argument."""
    if isinstance(x, core.Tracer):
        raise core.concretization_error(
            x, ConcretizationTypeError, f"{fn}: argument `{name}` must be concrete",
            "mark it static (jit(f, static_argnums=...))")
    return np.asarray(x)


def static_shape(shape: Any, fn: str, name: str = "shape") -> tuple[int, ...]:
    if isinstance(shape, core.Tracer):
        raise core.concretization_error(
            shape, ConcretizationTypeError, f"{fn}: argument `{name}` must be concrete",
            "mark it static (jit(f, static_argnums=...)) or derive it from x.shape")
    if not isinstance(shape, (tuple, list)) and not (isinstance(shape, (Array, np.ndarray))
                                                     and np.ndim(shape) == 1):
        shape = (shape,)
    return tuple(static_int(d, fn, name) for d in shape)


def axis_tuple(axis: Any, ndim: int, fn: str, name: str = "axis") -> tuple[int, ...]:
    """Canonical (non-negative, order kept) axes; repeated axes are a ValueError."""
    if not isinstance(axis, (tuple, list)):
        axis = (axis,)
    out = tuple(canonicalize_axis(static_int(a, fn, name), ndim, fn, name) for a in axis)
    if len(set(out)) != len(out):
        raise ValueError(f"{fn}: repeated axis in `{name}`={tuple(axis)}")
    return out


def _axis(axis: Any, ndim: int, fn: str, name: str = "axis") -> int:
    return canonicalize_axis(static_int(axis, fn, name), ndim, fn, name)


def _shape(x: Any) -> tuple[int, ...]:
    return core.get_aval(x).shape


# ---------------------------------------------------------------------------
# reshape / transpose


def _infer_shape(shape: tuple[int, ...], size: int, old: tuple[int, ...], fn: str) -> tuple[int, ...]:
    neg = [i for i, d in enumerate(shape) if d < 0]
    if not neg:
        if prod(shape) != size:
            raise ValueError(f"{fn}: cannot reshape array of shape {old} (size {size}) into shape "
                            f"{shape} (size {prod(shape)})")
        return shape
    if len(neg) > 1 or shape[neg[0]] != -1:
        raise ValueError(f"{fn}: can only specify one unknown dimension (-1), got shape {shape}")
    known = prod(d for d in shape if d >= 0)
    if known == 0 or size % known:
        raise ValueError(f"{fn}: cannot reshape array of shape {old} (size {size}) into shape "
                        f"{shape} because the product of specified axis sizes ({known}) does "
                        f"not evenly divide {size}")
    return tuple(size // known if d == -1 else d for d in shape)


def reshape(a: Any, shape: Any = None, order: str = "C", *, copy: bool | None = None,
            out_sharding: Any = None) -> Any:
    """xjax implementation of `numpy.reshape`.

    Args:
      a: array to reshape.
      shape: new shape (ints; one may be -1). Must be concrete under jit.
      order: 'C' (row-major) or 'F' (column-major).
    Returns:
      An array with the same elements and the new shape.
    """
    fn = "jnp.reshape"
    if shape is None:
        raise TypeError(f"{fn}: missing required argument `shape`")
    a = asarray(a, fn)
    old = _shape(a)
    new = _infer_shape(static_shape(shape, fn), prod(old), old, fn)
    if order == "C":
        return lax.reshape(a, new)
    if order == "F":
        at = lax.transpose(a, tuple(range(len(old) - 1, -1, -1))) if len(old) > 1 else a
        out = lax.reshape(at, new[::-1])
        return lax.transpose(out, tuple(range(len(new) - 1, -1, -1))) if len(new) > 1 else out
    if order == "A":
        raise NotImplementedError(f"{fn}: order='A' is not supported; use 'C' or 'F'")
    raise ValueError(f"{fn}: unexpected value for order={order!r}; expected 'C' or 'F'")


def ravel(a: Any, order: str = "C", *, out_sharding: Any = None) -> Any:
    """xjax implementation of `numpy.ravel`."""
    a = asarray(a, "jnp.ravel")
    return reshape(a, (prod(_shape(a)),), order=order)


def transpose(a: Any, axes: Sequence[int] | None = None) -> Any:
    """xjax implementation of `numpy.transpose`: permutes the axes (reverses them by default)."""
    fn = "jnp.transpose"
    a = asarray(a, fn)
    nd = len(_shape(a))
    if axes is None:
        perm = tuple(range(nd - 1, -1, -1))
    else:
        if not isinstance(axes, (tuple, list)):
            axes = (axes,)
        perm = tuple(static_int(a, fn, "axes") for a in axes)
        perm = tuple(a + nd if -nd <= a < 0 else a for a in perm)
        if sorted(perm) != list(range(nd)):
            raise TypeError(f"{fn}: axes {tuple(axes)} is not a permutation of the dimensions of an "
                            f"array of shape {_shape(a)}")
    if perm == tuple(range(nd)):
        return a
    return lax.transpose(a, perm)


def permute_dims(a: Any, /, axes: tuple[int, ...]) -> Any:
    """xjax implementation of `numpy.permute_dims` (Array API)."""
    return transpose(a, axes)


def matrix_transpose(x: Any, /) -> Any:
    """xjax implementation of `numpy.matrix_transpose`: swaps the last two axes."""
    x = asarray(x, "jnp.matrix_transpose")
    nd = len(_shape(x))
    if nd < 2:
        raise ValueError(f"jnp.matrix_transpose: x must be at least two-dimensional, got shape {_shape(x)}")
    return lax.transpose(x, tuple(range(nd - 2)) + (nd - 1, nd - 2))


def moveaxis(a: Any, source: int | Sequence[int], destination: int | Sequence[int]) -> Any:
    """xjax implementation of `numpy.moveaxis`."""
    fn = "jnp.moveaxis"
    a = asarray(a, fn)
    nd = len(_shape(a))
    src = axis_tuple(source, nd, fn, "source")
    dst = axis_tuple(destination, nd, fn, "destination")
    if len(src) != len(dst):
        raise ValueError(f"{fn}: Inconsistent number of elements: {len(src)} vs {len(dst)}")
    perm = [i for i in range(nd) if i not in src]
    for d, s in sorted(zip(dst, src)):
        perm.insert(d, s)
    return transpose(a, tuple(perm))


def swapaxes(a: Any, axis1: int, axis2: int) -> Any:
    """xjax implementation of `numpy.swapaxes`."""
    fn = "jnp.swapaxes"
    a = asarray(a, fn)
    nd = len(_shape(a))
    perm = list(range(nd))
    i, j = _axis(axis1, nd, fn, "axis1"), _axis(axis2, nd, fn, "axis2")
    perm[i], perm[j] = perm[j], perm[i]
    return transpose(a, tuple(perm))


def squeeze(a: Any, axis: int | Sequence[int] | None = None) -> Any:
    """xjax implementation of `numpy.squeeze`."""
    fn = "jnp.squeeze"
    a = asarray(a, fn)
    shp = _shape(a)
    if axis is None:
        axes = tuple(i for i, d in enumerate(shp) if d == 1)
    else:
        axes = axis_tuple(axis, len(shp), fn)
        bad = [i for i in axes if shp[i] != 1]
        if bad:
            raise ValueError(f"{fn}: cannot select an axis to squeeze out which has size not "
                             f"equal to one, got shape={shp} and axis={tuple(axes)}")
    if not axes:
        return a
    return lax.reshape(a, tuple(d for i, d in enumerate(shp) if i not in axes))


def expand_dims(a: Any, axis: int | Sequence[int]) -> Any:
    """xjax implementation of `numpy.expand_dims`."""
    fn = "jnp.expand_dims"
    a = asarray(a, fn)
    shp = _shape(a)
    nd = len(shp) + (len(axis) if isinstance(axis, (tuple, list)) else 1)
    axes = axis_tuple(axis, nd, fn)
    it = iter(shp)
    return lax.reshape(a, tuple(1 if i in axes else next(it) for i in range(nd)))


# ---------------------------------------------------------------------------
# broadcasting


def broadcast_shapes(*shapes: Sequence[int]) -> tuple[int, ...]:
    """xjax implementation of `numpy.broadcast_shapes`."""
    if not shapes:
        return ()
    shapes = tuple(static_shape(s, "jnp.broadcast_shapes") for s in shapes)
    return util.broadcast_shapes(*shapes, fn="jnp.broadcast_shapes")


def broadcast_to(array: Any, shape: Any, *, out_sharding: Any = None) -> Any:
    """xjax implementation of `numpy.broadcast_to`."""
    fn = "jnp.broadcast_to"
    a = asarray(array, fn)
    shape = static_shape(shape, fn)
    old = _shape(a)
    nlead = len(shape) - len(old)
    if nlead < 0 or any(d != s and d != 1 for d, s in zip(old, shape[nlead:])):
        raise ValueError(f"{fn}: Incompatible shapes for broadcasting: {old} and requested shape {shape}")
    if old == shape:
        return a
    keep = tuple(i for i, (d, s) in enumerate(zip(old, shape[nlead:])) if d == s)
    if len(keep) != len(old):
        a = lax.reshape(a, tuple(old[i] for i in keep))
    return lax.broadcast_in_dim(a, shape, tuple(nlead + i for i in keep))


def broadcast_arrays(*args: Any) -> list[Any]:
    """xjax implementation of `numpy.broadcast_arrays`."""
    arrs = [asarray(a, "jnp.broadcast_arrays") for a in args]
    shape = util.broadcast_shapes(*(_shape(a) for a in arrs), fn="jnp.broadcast_arrays")
    return [broadcast_to(a, shape) for a in arrs]


def _atleast(fn: str, nd: int, arys: tuple) -> Any:
    out = []
    for x in arys:
        x = asarray(x, fn)
        shp = _shape(x)
        if len(shp) < nd:
            if nd == 3 and len(shp) == 2:
                new = shp + (1,)
            elif nd == 3 and len(shp) == 1:
                new = (1,) + shp + (1,)
            else:
                new = (1,) * (nd - len(shp)) + shp
            x = lax.reshape(x, new)
        out.append(x)
    return out[0] if len(out) == 1 else out


def atleast_1d(*arys: Any) -> Any:
    """xjax implementation of `numpy.atleast_1d`."""
    return _atleast("jnp.atleast_1d", 1, arys)


def atleast_2d(*arys: Any) -> Any:
    """xjax implementation of `numpy.atleast_2d`."""
    return _atleast("jnp.atleast_2d", 2, arys)


def atleast_3d(*arys: Any) -> Any:
    """xjax implementation of `numpy.atleast_3d`."""
    return _atleast("jnp.atleast_3d", 3, arys)


# ---------------------------------------------------------------------------
# joining


def _as_list(arrays: Any, fn: str) -> list[Any]:
    if isinstance(arrays, (Array, np.ndarray, core.Tracer)):
        arrays = asarray(arrays, fn)
        if len(_shape(arrays)) == 0:
            raise ValueError(f"{fn}: Zero-dimensional arrays cannot be concatenated.")
        return list(unstack(arrays))
    arrays = list(arrays)
    util.check_arraylike(fn, *arrays)
    return arrays


def concatenate(arrays: Any, axis: int | None = 0, dtype: Any = None) -> Any:
    """xjax implementation of `numpy.concatenate` (axis=None flattens first)."""
    fn = "jnp.concatenate"
    arrays = _as_list(arrays, fn)
    if not arrays:
        raise ValueError(f"{fn}: Need at least one array to concatenate.")
    if dtype is not None:
        dt = dtypes.check_user_dtype(dtype, fn)
        arrays = [lax.convert_element_type(asarray(a, fn), dt) for a in arrays]
    else:
        arrays = util.promote_dtypes(*arrays)
    arrays = [asarray(a, fn) for a in arrays]
    if axis is None:
        arrays = [ravel(a) for a in arrays]
        axis = 0
    shapes = [_shape(a) for a in arrays]
    if len(shapes[0]) == 0:
        raise ValueError(f"{fn}: Zero-dimensional arrays cannot be concatenated.")
    nd = len(shapes[0])
    if any(len(s) != nd for s in shapes):
        raise TypeError(f"{fn}: Cannot concatenate arrays with different numbers of dimensions: got "
                        f"{', '.join(str(tuple(s)) for s in shapes)}.")
    ax = _axis(axis, nd, fn)
    for s in shapes:
        if any(d != e for i, (d, e) in enumerate(zip(s, shapes[0])) if i != ax):
            raise TypeError(f"{fn}: arrays must have the same shape except on axis {ax}, got "
                            f"shapes {[tuple(t) for t in shapes]}")
    if len(arrays) == 1:
        return arrays[0]
    return lax.concatenate(arrays, ax)


def concat(arrays: Sequence[Any], /, *, axis: int | None = 0) -> Any:
    """xjax implementation of `numpy.concat` (Array API)."""
    return concatenate(arrays, axis=axis)


def stack(arrays: Any, axis: int = 0, out: None = None, dtype: Any = None) -> Any:
    """xjax implementation of `numpy.stack`: joins arrays along a new axis."""
    fn = "jnp.stack"
    if out is not None:
        raise NotImplementedError(f"{fn}: the `out` argument is not supported")
    if isinstance(arrays, (Array, np.ndarray, core.Tracer)):
        arrays = asarray(arrays, fn)
        return moveaxis(arrays, 0, axis) if dtype is None else \
            moveaxis(lax.convert_element_type(arrays, dtypes.check_user_dtype(dtype, fn)), 0, axis)
    arrays = list(arrays)
    if not arrays:
        raise ValueError(f"{fn}: Need at least one array to stack.")
    util.check_arraylike(fn, *arrays)
    shapes = {_shape(a) for a in arrays}
    if len(shapes) != 1:
        raise ValueError(f"{fn}: All input arrays must have the same shape, got {sorted(shapes)}")
    nd = len(shapes.pop()) + 1
    ax = _axis(axis, nd, fn)
    return concatenate([expand_dims(asarray(a, fn), ax) for a in arrays], axis=ax, dtype=dtype)


def hstack(tup: Sequence[Any], dtype: Any = None) -> Any:
    """xjax implementation of `numpy.hstack`."""
    arrs = [atleast_1d(asarray(a, "jnp.hstack")) for a in _as_list(tup, "jnp.hstack")]
    return concatenate(arrs, axis=0 if arrs and len(_shape(arrs[0])) == 1 else 1, dtype=dtype)


def vstack(tup: Sequence[Any], dtype: Any = None) -> Any:
    """xjax implementation of `numpy.vstack`."""
    arrs = [atleast_2d(asarray(a, "jnp.vstack")) for a in _as_list(tup, "jnp.vstack")]
    return concatenate(arrs, axis=0, dtype=dtype)


def dstack(tup: Sequence[Any], dtype: Any = None) -> Any:
    """xjax implementation of `numpy.dstack`."""
    arrs = [atleast_3d(asarray(a, "jnp.dstack")) for a in _as_list(tup, "jnp.dstack")]
    return concatenate(arrs, axis=2, dtype=dtype)


def column_stack(tup: Sequence[Any]) -> Any:
    """xjax implementation of `numpy.column_stack`."""
    arrs = []
    for a in _as_list(tup, "jnp.column_stack"):
        a = asarray(a, "jnp.column_stack")
        arrs.append(lax.reshape(a, (_shape(a)[0], 1)) if len(_shape(a)) < 2 else atleast_2d(a))
    return concatenate(arrs, axis=1)


# ---------------------------------------------------------------------------
# splitting


def slice_axis(a: Any, start: int, stop: int, axis: int, step: int = 1) -> Any:
    """a[..., start:stop:step, ...] along one axis (static bounds)."""
    shp = _shape(a)
    starts = [0] * len(shp)
    limits = list(shp)
    strides = [1] * len(shp)
    starts[axis], limits[axis], strides[axis] = start, stop, step
    if start == 0 and stop == shp[axis] and step == 1:
        return a
    return lax.slice(a, tuple(starts), tuple(limits), None if step == 1 else tuple(strides))


def _split(fn: str, ary: Any, indices_or_sections: Any, axis: int, even: bool) -> list[Any]:
    a = asarray(ary, fn)
    shp = _shape(a)
    ax = _axis(axis, len(shp), fn)
    n = shp[ax]
    if isinstance(indices_or_sections, core.Tracer):
        static_array(indices_or_sections, fn, "indices_or_sections")
    ios = np.asarray(indices_or_sections)
    if ios.ndim == 0:
        k = int(ios)
        if k <= 0:
            raise ValueError(f"{fn}: number of sections must be larger than 0, got {k}")
        if even and n % k:
            raise ValueError(f"{fn}: array split does not result in an equal division: "
                             f"axis {ax} of size {n} into {k} sections")
        q, r = divmod(n, k)
        sizes = [q + 1] * r + [q] * (k - r)
        bounds = np.cumsum([0] + sizes)
    else:
        bounds = [0] + [int(i) for i in ios.reshape(-1)] + [n]
        sizes = np.diff(bounds)
        if (sizes < 0).any():
            raise ValueError(f"{fn}: Sizes passed to split must be nonnegative, got {sizes.tolist()} "
                             f"(indices {ios.tolist()} on an axis of size {n})")
    return [slice_axis(a, int(s), builtins.max(int(s), int(e)), ax)
            for s, e in zip(bounds[:-1], bounds[1:])]


def split(ary: Any, indices_or_sections: Any, axis: int = 0) -> list[Any]:
    """xjax implementation of `numpy.split`."""
    return _split("jnp.split", ary, indices_or_sections, axis, even=True)


def array_split(ary: Any, indices_or_sections: Any, axis: int = 0) -> list[Any]:
    """xjax implementation of `numpy.array_split`."""
    return _split("jnp.array_split", ary, indices_or_sections, axis, even=False)


def hsplit(ary: Any, indices_or_sections: Any) -> list[Any]:
    """xjax implementation of `numpy.hsplit`."""
    a = asarray(ary, "jnp.hsplit")
    return split(a, indices_or_sections, axis=0 if len(_shape(a)) == 1 else 1)


def vsplit(ary: Any, indices_or_sections: Any) -> list[Any]:
    """xjax implementation of `numpy.vsplit`."""
    return split(asarray(ary, "jnp.vsplit"), indices_or_sections, axis=0)


def dsplit(ary: Any, indices_or_sections: Any) -> list[Any]:
    """xjax implementation of `numpy.dsplit`."""
    a = asarray(ary, "jnp.dsplit")
    if len(_shape(a)) < 3:
        raise IndexError(f"jnp.dsplit: only works on arrays of 3 or more dimensions, got shape {_shape(a)}")
    return split(a, indices_or_sections, axis=2)


def unstack(x: Any, /, *, axis: int = 0) -> tuple[Any, ...]:
    """xjax implementation of `numpy.unstack` (Array API)."""
    fn = "jnp.unstack"
    x = asarray(x, fn)
    shp = _shape(x)
    if len(shp) == 0:
        raise ValueError(f"{fn}: Unstack requires arrays with rank > 0, however a scalar array was passed.")
    ax = _axis(axis, len(shp), fn)
    rest = shp[:ax] + shp[ax + 1:]
    return tuple(lax.reshape(slice_axis(x, i, i + 1, ax), rest) for i in range(shp[ax]))


# ---------------------------------------------------------------------------
# tiling, flipping, rolling


def tile(A: Any, reps: int | Sequence[int]) -> Any:
    """xjax implementation of `numpy.tile`."""
    fn = "jnp.tile"
    a = asarray(A, fn)
    reps = static_shape(reps, fn, "reps")
    shp = _shape(a)
    nd = builtins.max(len(shp), len(reps))
    shp = (1,) * (nd - len(shp)) + shp
    reps = (1,) * (nd - len(reps)) + reps
    a = lax.reshape(a, shp)
    # interleave: (r0, s0, r1, s1, ...) then merge each pair
    big = tuple(x for r, s in zip(reps, shp) for x in (r, s))
    b = lax.broadcast_in_dim(a, big, tuple(range(1, 2 * nd, 2)))
    return lax.reshape(b, tuple(r * s for r, s in zip(reps, shp)))


def repeat(a: Any, repeats: Any, axis: int | None = None, *, total_repeat_length: int | None = None,
           out_sharding: Any = None) -> Any:
    """xjax implementation of `numpy.repeat` (repeats must be concrete, or total_repeat_length given)."""
    fn = "jnp.repeat"
    a = asarray(a, fn)
    if axis is None:
        a = ravel(a)
        axis = 0
    shp = _shape(a)
    ax = _axis(axis, len(shp), fn)
    if isinstance(repeats, core.Tracer):
        if total_repeat_length is None:
            static_array(repeats, fn, "repeats")
        return _repeat_traced(a, repeats, ax, static_int(total_repeat_length, fn, "total_repeat_length"))
    reps = np.asarray(repeats)
    if reps.ndim == 0 or (reps.ndim == 1 and reps.size == 1):
        r = int(reps.reshape(()))
        if r < 0:
            raise ValueError(f"{fn}: repeats may not contain negative values, got {r}")
        big = shp[:ax + 1] + (r,) + shp[ax + 1:]
        b = lax.broadcast_in_dim(a, big, tuple(i for i in range(len(big)) if i != ax + 1))
        out = lax.reshape(b, shp[:ax] + (shp[ax] * r,) + shp[ax + 1:])
        if total_repeat_length is not None:
            out = _fit_length(out, ax, total_repeat_length)
        return out
    if reps.ndim != 1 or reps.shape[0] != shp[ax]:
        raise ValueError(f"{fn}: repeats shape {reps.shape} does not match the size {shp[ax]} of axis {ax}")
    if (reps < 0).any():
        raise ValueError(f"{fn}: repeats may not contain negative values")
    idx = np.repeat(np.arange(shp[ax]), reps)
    if total_repeat_length is not None:
        t = static_int(total_repeat_length, fn, "total_repeat_length")
        idx = np.concatenate([idx[:t], np.full(builtins.max(t - idx.size, 0), shp[ax] - 1)])
    return take_static(a, idx, ax)


def _fit_length(x: Any, ax: int, n: int) -> Any:
    cur = _shape(x)[ax]
    if n <= cur:
        return slice_axis(x, 0, n, ax)
    last = slice_axis(x, cur - 1, cur, ax)
    return concatenate([x] + [last] * (n - cur), axis=ax)


def _repeat_traced(a: Any, repeats: Any, ax: int, total: int) -> Any:
    import xjax._src.numpy as _jnp_src  # noqa: F401
    import xjax.numpy as jnp

    n = _shape(a)[ax]
    reps = broadcast_to(repeats, (n,))
    ends = jnp.cumsum(reps)
    idx = jnp.searchsorted(ends, jnp.arange(total), side="right")
    idx = jnp.minimum(idx, n - 1)
    return jnp.take(a, idx, axis=ax)


def take_static(a: Any, idx: np.ndarray, ax: int) -> Any:
    """a indexed along `ax` by a concrete in-bounds integer array (runs become slices)."""
    idx = np.asarray(idx, dtype=np.int64).reshape(-1)
    if idx.size == 0:
        return slice_axis(a, 0, 0, ax)
    breaks = np.flatnonzero(np.diff(idx) != 1) + 1
    starts = np.concatenate([[0], breaks])
    ends = np.concatenate([breaks, [idx.size]])
    if starts.size > 16:
        import xjax.numpy as jnp

        if hasattr(jnp, "take"):
            return jnp.take(a, np.asarray(idx, np.int32), axis=ax)
    pieces = [slice_axis(a, int(idx[s]), int(idx[e - 1]) + 1, ax) for s, e in zip(starts, ends)]
    return pieces[0] if len(pieces) == 1 else concatenate(pieces, axis=ax)


def flip(m: Any, axis: int | Sequence[int] | None = None) -> Any:
    """xjax implementation of `numpy.flip`."""
    fn = "jnp.flip"
    m = asarray(m, fn)
    nd = len(_shape(m))
    axes = tuple(range(nd)) if axis is None else axis_tuple(axis, nd, fn)
    if not axes:
        return m
    return lax.rev(m, tuple(sorted(axes)))


def fliplr(m: Any) -> Any:
    """xjax implementation of `numpy.fliplr`."""
    m = asarray(m, "jnp.fliplr")
    if len(_shape(m)) < 2:
        raise ValueError(f"jnp.fliplr requires an array of at least 2 dimensions, got shape {_shape(m)}")
    return flip(m, 1)


def flipud(m: Any) -> Any:
    """xjax implementation of `numpy.flipud`."""
    m = asarray(m, "jnp.flipud")
    if len(_shape(m)) < 1:
        raise ValueError(f"jnp.flipud requires an array of at least 1 dimension, got shape {_shape(m)}")
    return flip(m, 0)


def _roll_static(a: Any, shift: int, ax: int) -> Any:
    n = _shape(a)[ax]
    if n == 0:
        return a
    s = shift % n
    if s == 0:
        return a
    return concatenate([slice_axis(a, n - s, n, ax), slice_axis(a, 0, n - s, ax)], axis=ax)


def _roll_dynamic(a: Any, shift: Any, ax: int) -> Any:
    import xjax.numpy as jnp

    n = _shape(a)[ax]
    if n == 0:
        return a
    s = lax.rem(lax.convert_element_type(shift, np.int32), np.int32(n))
    s = lax.select_n(lax.lt(s, np.int32(0)), s, lax.add(s, np.int32(n)))
    start = lax.sub(np.int32(n), s)
    doubled = concatenate([a, a], axis=ax)
    starts = [np.int32(0)] * len(_shape(a))
    starts[ax] = start
    del jnp
    return lax.dynamic_slice(doubled, starts, _shape(a))


def roll(a: Any, shift: Any, axis: int | Sequence[int] | None = None) -> Any:
    """xjax implementation of `numpy.roll`."""
    fn = "jnp.roll"
    a = asarray(a, fn)
    if axis is None:
        return reshape(roll(ravel(a), shift, 0), _shape(a))
    nd = len(_shape(a))
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    axes = tuple(_axis(x, nd, fn) for x in axes)
    if isinstance(shift, core.Tracer):
        shifts = [shift] if len(_shape(shift)) == 0 else list(unstack(shift))
    else:
        shifts = [int(s) for s in np.atleast_1d(np.asarray(shift))]
    if len(shifts) == 1:
        shifts = shifts * len(axes)
    elif len(axes) == 1:
        axes = axes * len(shifts)
    if len(shifts) != len(axes):
        raise ValueError(f"{fn}: shift and axis must have the same length, got {len(shifts)} and {len(axes)}")
    for s, ax in zip(shifts, axes):
        a = _roll_dynamic(a, s, ax) if isinstance(s, core.Tracer) else _roll_static(a, s, ax)
    return a


def rot90(m: Any, k: int = 1, axes: tuple[int, int] = (0, 1)) -> Any:
    """xjax implementation of `numpy.rot90`."""
    fn = "jnp.rot90"
    m = asarray(m, fn)
    nd = len(_shape(m))
    if len(axes) != 2:
        raise ValueError(f"{fn}: len(axes) must be 2, got {axes}")
    if nd < 2:
        raise ValueError(f"{fn}: array must be at least 2-d, got shape {_shape(m)}")
    a0, a1 = _axis(axes[0], nd, fn, "axes"), _axis(axes[1], nd, fn, "axes")
    if a0 == a1:
        raise ValueError(f"{fn}: axes must be different, got {axes}")
    k = static_int(k, fn, "k") % 4
    if k == 0:
        return m
    if k == 2:
        return flip(m, (a0, a1))
    perm = list(range(nd))
    perm[a0], perm[a1] = perm[a1], perm[a0]
    if k == 1:
        return transpose(flip(m, a1), perm)
    return flip(transpose(m, perm), a1)


# ---------------------------------------------------------------------------
# shape queries, resize/append/delete/insert


def ndim(a: Any) -> int:
    """xjax implementation of `numpy.ndim`."""
    return np.ndim(a) if isinstance(a, (list, tuple)) else core.get_aval(a).ndim


def shape(a: Any) -> tuple[int, ...]:
    """xjax implementation of `numpy.shape`."""
    return np.shape(a) if isinstance(a, (list, tuple)) else core.get_aval(a).shape


def size(a: Any, axis: int | None = None) -> int:
    """xjax implementation of `numpy.size`."""
    shp = shape(a)
    return prod(shp) if axis is None else shp[canonicalize_axis(axis, len(shp), "jnp.size")]


def resize(a: Any, new_shape: Any) -> Any:
    """xjax implementation of `numpy.resize`: repeats the data cyclically to fill `new_shape`."""
    fn = "jnp.resize"
    a = ravel(asarray(a, fn))
    new = static_shape(new_shape, fn, "new_shape")
    if any(d < 0 for d in new):
        raise ValueError(f"{fn}: all elements of `new_shape` must be non-negative, got {new}")
    n, total = _shape(a)[0], prod(new)
    if n == 0 or total == 0:
        return _zeros_like_shape(a, new)
    reps = -(-total // n)
    return reshape(slice_axis(tile(a, (reps,)), 0, total, 0), new)


def _zeros_like_shape(a: Any, new: tuple[int, ...]) -> Any:
    zero = np.zeros((), core.get_aval(a).dtype)
    return lax.broadcast_in_dim(zero, new, ())


def append(arr: Any, values: Any, axis: int | None = None) -> Any:
    """xjax implementation of `numpy.append`."""
    if axis is None:
        return concatenate([ravel(asarray(arr, "jnp.append")), ravel(asarray(values, "jnp.append"))], 0)
    return concatenate([arr, values], axis=axis)


def delete(arr: Any, obj: Any, axis: int | None = None, *, assume_unique_indices: bool = False) -> Any:
    """xjax implementation of `numpy.delete` (concrete `obj` only)."""
    fn = "jnp.delete"
    a = asarray(arr, fn)
    if axis is None:
        a = ravel(a)
        axis = 0
    ax = _axis(axis, len(_shape(a)), fn)
    n = _shape(a)[ax]
    if isinstance(obj, slice):
        drop = np.arange(n)[obj]
    else:
        util.check_arraylike(fn, obj)
        o = static_array(obj, fn, "obj")
        if o.ndim == 0 and o.dtype != bool and not -n <= int(o) < n:
            raise ValueError(f"{fn}: index {int(o)} is out of bounds for axis {ax} with size {n}")
        if o.dtype == bool:
            if o.shape != (n,):
                raise ValueError(f"{fn}: boolean mask of shape {o.shape} does not match axis of size {n}")
            drop = np.nonzero(o)[0]
        else:
            o = o.astype(np.int64).reshape(-1)
            if ((o < -n) | (o >= n)).any():
                raise IndexError(f"{fn}: index {o} is out of bounds for axis {ax} with size {n}")
            drop = np.where(o < 0, o + n, o)
    keep = np.setdiff1d(np.arange(n), drop)
    return take_static(a, keep, ax)


def insert(arr: Any, obj: Any, values: Any, axis: int | None = None) -> Any:
    """xjax implementation of `numpy.insert` (concrete `obj` only)."""
    fn = "jnp.insert"
    a = asarray(arr, fn)
    if axis is None:
        a = ravel(a)
        axis = 0
    shp = _shape(a)
    ax = _axis(axis, len(shp), fn)
    n = shp[ax]
    vals = asarray(values, fn)
    dt = core.get_aval(a).dtype
    if core.get_aval(vals).dtype != dt:
        vals = lax.convert_element_type(vals, dt)
    if isinstance(obj, slice):
        idx, ndim0 = np.arange(n)[obj], False
    else:
        util.check_arraylike(fn, obj)
        o = static_array(obj, fn, "obj")
        if o.dtype.kind not in "iu":
            raise IndexError(f"{fn}: index array argument `obj` must be of integer dtype, got {o.dtype}")
        idx, ndim0 = o.astype(np.int64).reshape(-1), o.ndim == 0
    idx = np.clip(np.where(idx < 0, idx + n, idx), 0, n)  # JAX clips out-of-range indices
    vshape = _shape(vals)
    if idx.size == 1:  # numpy: values are a block (ndmin=arr.ndim), moved to `axis` for a scalar obj
        v = lax.reshape(vals, (1,) * (len(shp) - len(vshape)) + vshape) if len(vshape) < len(shp) else vals
        if ndim0:
            v = moveaxis(v, 0, ax)
        tgt = list(shp)
        tgt[ax] = _shape(v)[ax]
        vb, newpos = broadcast_to(v, tuple(tgt)), int(idx[0]) + np.arange(tgt[ax])
    else:
        m = idx.size
        tgt = list(shp)
        tgt[ax] = m
        vb = broadcast_to(vals, tuple(tgt))
        order = np.argsort(idx, kind="stable")
        newpos = idx.copy()
        newpos[order] += np.arange(m)
    m = newpos.size
    perm = np.empty(n + m, np.int64)
    mask = np.zeros(n + m, bool)
    mask[newpos] = True
    perm[~mask] = np.arange(n)
    perm[newpos] = n + np.arange(m)
    return take_static(concatenate([a, vb], axis=ax), perm, ax)


def trim_zeros(filt: Any, trim: str = "fb") -> Any:
    """xjax implementation of `numpy.trim_zeros` (concrete input only: the result shape depends on values)."""
    fn = "jnp.trim_zeros"
    f = asarray(filt, fn)
    if len(_shape(f)) != 1:
        raise ValueError(f"{fn}: filt must be 1-dimensional, got shape {_shape(f)}")
    v = static_array(f, fn, "filt")
    nz = np.flatnonzero(v)
    if not nz.size:
        return slice_axis(f, 0, 0, 0)
    start = int(nz[0]) if "f" in trim.lower() else 0
    end = int(nz[-1]) + 1 if "b" in trim.lower() else v.size
    return slice_axis(f, start, end, 0)
