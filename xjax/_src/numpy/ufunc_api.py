"""`jnp.ufunc` and `jnp.frompyfunc`: NumPy-style universal functions from scalar functions.

A ufunc wraps a traceable scalar function of `nin` inputs; calling it vectorizes the function
over broadcast inputs (`jnp.vectorize`). Binary single-output ufuncs also get `reduce`,
`accumulate`, `reduceat` and `outer`; `at` applies the function at indices (copy returned,
`inplace=False` required). The generic methods loop with `lax.fori_loop` / `lax.scan`, as JAX's
do; a ufunc may be given faster implementations (`call=`, `reduce=`...).

JAX's built-in ufuncs (`jnp.add`, `jnp.multiply`, `jnp.maximum`, `jnp.logical_and`,
`jnp.bitwise_xor`, `jnp.logaddexp`, `jnp.negative`...) are ufunc objects too (bottom of this
file), with JAX's identities and its fast paths (`jnp.add.reduce` is `jnp.sum`,
`jnp.add.accumulate` is `jnp.cumsum`, `jnp.add.at` a scatter-add...). Calling one costs what
calling the plain function in `ufuncs.py` costs, plus one descriptor lookup: each is the only
instance of a subclass whose `__call__` is that function itself.
"""

from __future__ import annotations

import inspect
import math
import operator
from collections.abc import Callable
from typing import Any

import numpy as np

from xjax._src.array import Array
from xjax._src.numpy.util import check_arraylike

__all__ = [
    "add", "bitwise_and", "bitwise_or", "bitwise_xor", "frompyfunc", "logaddexp", "logaddexp2",
    "logical_and", "logical_or", "logical_xor", "maximum", "minimum", "multiply", "negative",
    "subtract", "ufunc",
]

_AT_INPLACE = (
    "Because JAX arrays are immutable, jnp.ufunc.at() cannot operate inplace like np.ufunc.at(). "
    "Instead, you can pass inplace=False and capture the result; e.g.\n"
    ">>> arr = jnp.add.at(arr, ind, val, inplace=False)"
)


def _jnp() -> Any:
    import xjax.numpy as jnp

    return jnp


def _lax() -> Any:
    from xjax import lax

    return lax


def _one(x: Any) -> Any:
    """A scalar 1 of x's dtype and weak type (for finding the function's output dtype)."""
    return _lax().full_like(_jnp().asarray(x), 1, shape=())


def _out_dtype(func: Callable, *args: Any) -> np.dtype:
    from xjax._src.api import eval_shape

    return eval_shape(func, *[_one(a) for a in args]).dtype


def _axis(axis: Any, nd: int, fn: str) -> int:
    axis = operator.index(axis)
    if not -nd <= axis < nd:
        raise ValueError(f"{fn}: axis {axis} is out of bounds for array of dimension {nd}")
    return axis % nd


def _check_at_indices(indices: Any, fn: str) -> None:
    """JAX traces `ufunc.at`'s indices (it is jit-compiled), so only integer indices work there:
    refuse slices / Ellipsis (TypeError) and boolean masks as JAX does."""
    from xjax._src.errors import NonConcreteBooleanIndexError

    for i in indices if isinstance(indices, tuple) else (indices,):
        if isinstance(i, slice) or i is Ellipsis:
            raise TypeError(
                f"{fn}: indices must be integers or integer arrays, got {i!r}; slices and Ellipsis "
                "are not supported (use x.at[idx].apply / .add ... for those)"
            )
        if isinstance(i, (bool, np.bool_)) or np.result_type(getattr(i, "dtype", np.int32)) == np.bool_:
            raise NonConcreteBooleanIndexError(
                f"{fn}: boolean indices are not supported; use jnp.nonzero(mask) to get integer indices"
            )


class ufunc:
    """xjax implementation of `numpy.ufunc`: a universal function built on a scalar function.

    `ufunc(func, nin, nout, *, name=None, nargs=None, identity=None, call=None, reduce=None,
    accumulate=None, at=None, reduceat=None)`; most users get one from `jnp.frompyfunc`.
    """

    def __init__(self, func: Callable[..., Any], /, nin: int, nout: int, *, name: str | None = None,
                 nargs: int | None = None, identity: Any = None, call: Callable | None = None,
                 reduce: Callable | None = None, accumulate: Callable | None = None,
                 at: Callable | None = None, reduceat: Callable | None = None):
        self.__doc__ = func.__doc__
        self.__name__ = name or func.__name__
        # Read-only properties: a ufunc must be hashable and immutable to be a static argument.
        self.__props = {
            "func": func, "nin": operator.index(nin), "nout": operator.index(nout),
            "nargs": operator.index(nargs or nin), "identity": identity, "call": call,
            "reduce": reduce, "accumulate": accumulate, "at": at, "reduceat": reduceat,
        }

    _func = property(lambda self: self.__props["func"])
    nin = property(lambda self: self.__props["nin"])
    nout = property(lambda self: self.__props["nout"])
    nargs = property(lambda self: self.__props["nargs"])
    identity = property(lambda self: self.__props["identity"])

    def _key(self) -> tuple:
        return (self._func, self.__name__, self.identity, self.nin, self.nout, self.nargs)

    def __hash__(self) -> int:
        return hash(self._key())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ufunc) and self._key() == other._key()

    def __repr__(self) -> str:
        return f"<jnp.ufunc '{self.__name__}'>"

    def __call__(self, *args: Any, out: None = None, where: None = None) -> Any:
        check_arraylike(self.__name__, *args)
        if out is not None:
            raise NotImplementedError(f"out argument of {self}")
        if where is not None:
            raise NotImplementedError(f"where argument of {self}")
        call = self.__props["call"]
        if call is not None:
            return call(*args)
        from xjax._src.numpy.functional import vectorize

        return vectorize(self._func)(*args)

    def _binary_only(self, method: str) -> None:
        if self.nin != 2:
            raise ValueError(f"{self.__name__}.{method}: {method} only supported for binary ufuncs, "
                             f"this one has nin={self.nin}")
        if self.nout != 1:
            raise ValueError(f"{self.__name__}.{method}: {method} only supported for functions "
                             f"returning a single value, this one has nout={self.nout}")

    # -- reduce ---------------------------------------------------------------------------------

    def reduce(self, a: Any, axis: int | None = 0, dtype: Any = None, out: None = None,
               keepdims: bool = False, initial: Any = None, where: Any = None) -> Array:
        """xjax implementation of `numpy.ufunc.reduce`: folds the binary function over `axis`."""
        fn = f"{self.__name__}.reduce"
        check_arraylike(fn, a)
        self._binary_only("reduce")
        if out is not None:
            raise NotImplementedError(f"out argument of {fn}()")
        if initial is not None:
            check_arraylike(fn, initial)
        if where is not None:
            check_arraylike(fn, where)
            if self.identity is None and initial is None:
                raise ValueError(
                    f"reduction operation {self.__name__!r} does not have an identity, so to use a "
                    "where mask one has to specify 'initial'."
                )
            wdt = _jnp().asarray(where).dtype
            if wdt != np.bool_:
                raise ValueError(f"where argument must have dtype=bool; got dtype={wdt}")
        reduce = self.__props["reduce"] or self._reduce_via_loop
        return reduce(a, axis=axis, dtype=dtype, keepdims=keepdims, initial=initial, where=where)

    def _reduce_via_loop(self, arr: Any, axis: Any = 0, dtype: Any = None, keepdims: bool = False,
                         initial: Any = None, where: Any = None) -> Array:
        jnp, lax = _jnp(), _lax()
        arr = jnp.asarray(arr)
        if initial is None:
            initial = self.identity
        if dtype is None:
            dtype = _out_dtype(self._func, arr, arr)
        if where is not None:
            where = jnp.broadcast_to(where, arr.shape)
        if isinstance(axis, tuple):
            raise NotImplementedError(f"{self.__name__}.reduce: tuple of axes")
        if axis is None:
            final_shape = (1,) * arr.ndim if keepdims else ()
            arr = arr.ravel()
            where = None if where is None else where.ravel()
            axis = 0
        else:
            axis = _axis(axis, arr.ndim, f"{self.__name__}.reduce")
            rest = arr.shape[:axis] + arr.shape[axis + 1:]
            final_shape = arr.shape[:axis] + (1,) + arr.shape[axis + 1:] if keepdims else rest
        if axis != 0:
            arr = jnp.moveaxis(arr, axis, 0)
            where = None if where is None else jnp.moveaxis(where, axis, 0)
        if arr.shape[0] == 0:
            if initial is None:
                raise ValueError(f"zero-size array to reduction operation {self.__name__} which has no identity")
            return lax.full(final_shape, initial, dtype)

        def body(i: Any, acc: Any) -> Any:
            new = self(acc, arr[i].astype(dtype))
            return new if where is None else jnp.where(where[i], new, acc)

        start, acc = (1, arr[0]) if initial is None else (0, initial)
        acc = jnp.broadcast_to(jnp.asarray(acc).astype(dtype), arr.shape[1:])
        result = lax.fori_loop(start, arr.shape[0], body, acc)
        return result.reshape(final_shape) if keepdims else result

    # -- accumulate -----------------------------------------------------------------------------

    def accumulate(self, a: Any, axis: int = 0, dtype: Any = None, out: None = None) -> Array:
        """xjax implementation of `numpy.ufunc.accumulate`: running fold along `axis`."""
        self._binary_only("accumulate")
        if out is not None:
            raise NotImplementedError(f"out argument of {self.__name__}.accumulate()")
        accumulate = self.__props["accumulate"] or self._accumulate_via_scan
        return accumulate(a, axis=axis, dtype=dtype)

    def _accumulate_via_scan(self, arr: Any, axis: Any = 0, dtype: Any = None) -> Array:
        fn = f"{self.__name__}.accumulate"
        check_arraylike(fn, arr)
        jnp, lax = _jnp(), _lax()
        arr = jnp.asarray(arr)
        if dtype is None:
            dtype = _out_dtype(self._func, arr, arr)
        if axis is None or isinstance(axis, tuple):
            raise ValueError("accumulate does not allow multiple axes")
        axis = _axis(axis, arr.ndim, fn)
        if arr.size == 0:
            return lax.full(arr.shape, 0, dtype)
        arr = jnp.moveaxis(arr, axis, 0)
        first = arr[0].astype(dtype)

        def step(carry: Any, _: Any) -> Any:
            i, acc = carry
            y = jnp.where(i == 0, first, self(acc.astype(dtype), arr[i].astype(dtype)))
            return (i + 1, y), y

        _, result = lax.scan(step, (0, first), None, length=arr.shape[0])
        return jnp.moveaxis(result, 0, axis)

    # -- at -------------------------------------------------------------------------------------

    def at(self, a: Any, indices: Any, b: Any = None, /, *, inplace: bool = True) -> Array:
        """xjax implementation of `numpy.ufunc.at`: `a[indices] = f(a[indices], b)`, applied once
        per index (repeated indices accumulate). Returns the updated copy (`inplace=False`)."""
        if inplace:
            raise NotImplementedError(_AT_INPLACE)
        _check_at_indices(indices, f"{self.__name__}.at")
        at = self.__props["at"] or self._at_via_scan
        return at(a, indices) if b is None else at(a, indices, b)

    def _at_via_scan(self, a: Any, indices: Any, *args: Any) -> Array:
        from xjax._src.numpy.indexing import _as_index_tuple

        check_arraylike(f"{self.__name__}.at", a, *args)
        jnp, lax = _jnp(), _lax()
        dtype = _out_dtype(self._func, a, *args)
        a = jnp.asarray(a).astype(dtype)
        args = tuple(jnp.asarray(x).astype(dtype) for x in args)
        indices = _as_index_tuple(indices)
        if not indices:
            return a
        shapes = [np.shape(i) for i in indices if not isinstance(i, slice)]
        shape = jnp.broadcast_shapes(*shapes) if shapes else ()
        if not shape:
            return a.at[indices].set(self(a.at[indices].get(), *args))
        if args:
            tail = args[0].shape[len(shape):]
            args = (jnp.broadcast_to(args[0], (*shape, *tail)).reshape(math.prod(shape), *tail),)
        flat = [i if isinstance(i, slice) else jnp.broadcast_to(i, shape).ravel() for i in indices]

        def step(carry: Any, _: Any) -> Any:
            k, x = carry
            idx = tuple(i if isinstance(i, slice) else i[k] for i in flat)
            x = x.at[idx].set(self(x.at[idx].get(), *(v[k] for v in args)))
            return (k + 1, x), None

        n = next(len(i) for i in flat if not isinstance(i, slice))
        (_, out), _ = lax.scan(step, (0, a), None, length=n)
        return out

    # -- reduceat -------------------------------------------------------------------------------

    def reduceat(self, a: Any, indices: Any, axis: int = 0, dtype: Any = None, out: None = None) -> Array:
        """xjax implementation of `numpy.ufunc.reduceat`: reductions over `a[indices[i]:indices[i+1]]`
        along `axis` (NumPy's rule for non-increasing indices: just `a[indices[i]]`)."""
        self._binary_only("reduceat")
        if out is not None:
            raise NotImplementedError(f"out argument of {self.__name__}.reduceat()")
        reduceat = self.__props["reduceat"] or self._reduceat_via_loop
        return reduceat(a, indices, axis=axis, dtype=dtype)

    def _reduceat_via_loop(self, a: Any, indices: Any, axis: Any = 0, dtype: Any = None) -> Array:
        from xjax._src.numpy.indexing import _as_index_tuple

        fn = f"{self.__name__}.reduceat"
        check_arraylike(fn, a, indices)
        jnp, lax = _jnp(), _lax()
        a = jnp.asarray(a)
        (indices,) = _as_index_tuple(indices)
        indices = jnp.asarray(indices)
        if a.ndim == 0:
            raise ValueError(f"reduceat: a must have 1 or more dimension, got a.shape={a.shape}")
        if indices.ndim != 1:
            raise ValueError(f"reduceat: indices must be one-dimensional, got indices.shape={indices.shape}")
        if dtype is None:
            dtype = a.dtype
        if axis is None or isinstance(axis, (tuple, list)):
            raise ValueError("reduceat requires a single integer axis.")
        axis = _axis(axis, a.ndim, fn)
        out = jnp.take(a, indices, axis=axis)
        ends = jnp.append(indices, a.shape[axis])
        bshape = [1] * a.ndim
        bshape[axis] = ends.shape[0]
        ends = ends.reshape(bshape)
        lo = lax.slice_in_dim(ends, 0, ends.shape[axis] - 1, axis=axis)
        hi = lax.slice_in_dim(ends, 1, ends.shape[axis], axis=axis)

        def body(i: Any, acc: Any) -> Any:
            row = lax.dynamic_slice_in_dim(a, i, 1, axis)
            return jnp.where((i > lo) & (i < hi), self(acc, row), acc)

        # As in JAX, `dtype` is checked but the result keeps a's dtype.
        return lax.fori_loop(0, a.shape[axis], body, out)

    # -- outer ----------------------------------------------------------------------------------

    def outer(self, A: Any, B: Any, /) -> Array:
        """xjax implementation of `numpy.ufunc.outer`: f(A[i...], B[j...]), shape A.shape + B.shape."""
        from xjax._src.vmap import vmap

        self._binary_only("outer")
        check_arraylike(f"{self.__name__}.outer", A, B)
        jnp = _jnp()
        A, B = jnp.asarray(A), jnp.asarray(B)
        result = vmap(vmap(self, (None, 0)), (0, None))(A.ravel(), B.ravel())
        return result.reshape(*A.shape, *B.shape)


def frompyfunc(func: Callable[..., Any], /, nin: int, nout: int, *, identity: Any = None) -> ufunc:
    """xjax implementation of `numpy.frompyfunc`: a `jnp.ufunc` from a traceable scalar function
    of `nin` inputs and `nout` outputs (`identity` seeds empty or masked reductions)."""
    return ufunc(func, nin, nout, identity=identity)


# -- the built-in ufuncs ----------------------------------------------------------------------


def _builtin(func: Callable[..., Any], nin: int, *, identity: Any = None, reduce: Callable | None = None,
             accumulate: Callable | None = None, at: Callable | None = None) -> ufunc:
    """`func` (an elementwise jnp function) as a ufunc that calls `func` directly: the ufunc is
    the one instance of a subclass whose class attribute `__call__` is `func` (a staticmethod),
    so no wrapper frame runs on a call; `func` checks its own arguments."""
    cls = type("ufunc", (ufunc,), {"__call__": staticmethod(func), "__slots__": (),
                                   "__module__": ufunc.__module__, "__doc__": ufunc.__doc__})
    u = cls(func, nin, 1, identity=identity, call=func, reduce=reduce, accumulate=accumulate, at=at)
    u.__signature__ = inspect.signature(func)  # else inspect drops `x` as if it were `self`
    u.__doc__ = (f"{func.__doc__}\n\nA `jnp.ufunc`: see `{func.__name__}.reduce`, `.accumulate`, "
                 "`.at`, `.outer` and `.reduceat`.")
    return u


def _at_scatter(kind: str) -> Callable:
    """JAX's `add.at` / `multiply.at` / `subtract.at`: one scatter (booleans via int32)."""

    def at(a: Any, indices: Any, b: Any) -> Array:
        jnp = _jnp()
        check_arraylike(f"{kind}.at", a, b)
        a = jnp.asarray(a)
        if a.dtype == np.bool_ and kind != "subtract":
            b = jnp.asarray(b).astype(np.bool_).astype(np.int32)
            return getattr(a.astype(np.int32).at[indices], kind)(b).astype(np.bool_)
        return getattr(a.at[indices], kind)(b)

    return at


def _reduce_extreme(kind: str) -> Callable:
    """`maximum.reduce` / `minimum.reduce`: jnp.max / jnp.min with a `dtype`."""
    from xjax._src.numpy.reductions import _reduction

    def reduce(a: Any, axis: Any = None, dtype: Any = None, out: None = None, keepdims: bool = False,
               initial: Any = None, where: Any = None) -> Array:
        return _reduction(f"jnp.{kind}", kind, a, axis, dtype, out, keepdims, initial, where,
                          has_identity=False)

    return reduce


def _reduce_bitwise(name: str, kind: str, logical: bool) -> Callable:
    """`bitwise_*.reduce` (integer or bool input) and `logical_*.reduce` (input cast to bool; a
    complex input by its real part, as JAX does)."""
    from xjax._src.numpy.reductions import _asarray, _reduction

    def reduce(a: Any, axis: Any = None, dtype: Any = None, out: None = None, keepdims: bool = False,
               initial: Any = None, where: Any = None) -> Array:
        fn = f"jnp.{name}.reduce"
        a = _asarray(fn, a)
        if logical:
            if a.dtype.kind == "c":
                a = _jnp().real(a)
            a = a.astype(np.bool_)
        elif a.dtype != np.bool_ and a.dtype.kind not in "iu":
            raise ValueError(f"{fn}: integer argument required; got dtype={a.dtype} (bitwise "
                             "reductions take integer or bool arrays; cast with .astype)")
        return _reduction(fn, kind, a, axis, dtype, out, keepdims, initial, where)

    return reduce


def _logsumexp(a: Any, axis: Any = None, dtype: Any = None, out: None = None, keepdims: bool = False,
               initial: Any = None, where: Any = None, *, fn: str = "jnp.logaddexp.reduce") -> Array:
    """`logaddexp.reduce`: log(sum(exp(a))) shifted by the (finite) maximum; `dtype` is checked
    and then unused, as in JAX."""
    from xjax._src import dtypes
    from xjax._src.numpy.manipulation import promote_inexact
    from xjax._src.numpy.reductions import _axes

    jnp, lax = _jnp(), _lax()
    if out is not None:
        raise NotImplementedError(f"{fn}: the 'out' argument is not supported.")
    if dtype is not None:
        dtypes.check_user_dtype(dtype, fn)
    (a,) = promote_inexact(fn, a)
    dims = _axes(fn, a.ndim, axis)
    amax = jnp.max(jnp.real(a), axis=dims, keepdims=keepdims, where=where, initial=-np.inf)
    amax = lax.stop_gradient(jnp.where(jnp.isfinite(amax), amax, jnp.zeros_like(amax)))
    shifted = a - (amax if keepdims else jnp.expand_dims(amax, dims)).astype(a.dtype)
    sumexp = jnp.sum(jnp.exp(shifted), axis=dims, keepdims=keepdims, where=where)
    result = jnp.log(sumexp) + amax.astype(sumexp.dtype)
    return result if initial is None else jnp.logaddexp(initial, result)


def _logsumexp2(a: Any, axis: Any = None, dtype: Any = None, out: None = None, keepdims: bool = False,
                initial: Any = None, where: Any = None) -> Array:
    """`logaddexp2.reduce`: `logaddexp.reduce` in base 2."""
    fn = "jnp.logaddexp2.reduce"
    check_arraylike(fn, a)
    ln2 = float(np.log(2))
    a = _jnp().asarray(a) * ln2
    initial = None if initial is None else initial * ln2
    return _logsumexp(a, axis, dtype, out, keepdims, initial, where, fn=fn) / ln2


def _make_builtins() -> dict[str, ufunc]:
    from xjax._src.numpy import reductions, ufuncs

    binary = {
        "add": {"identity": 0, "reduce": reductions.sum, "accumulate": reductions.cumsum,
                "at": _at_scatter("add")},
        "multiply": {"identity": 1, "reduce": reductions.prod, "accumulate": reductions.cumprod,
                     "at": _at_scatter("multiply")},
        "subtract": {"at": _at_scatter("subtract")},
        "maximum": {"reduce": _reduce_extreme("max")},
        "minimum": {"reduce": _reduce_extreme("min")},
        "bitwise_and": {"identity": -1, "reduce": _reduce_bitwise("bitwise_and", "and", False)},
        "bitwise_or": {"identity": 0, "reduce": _reduce_bitwise("bitwise_or", "or", False)},
        "bitwise_xor": {"identity": 0, "reduce": _reduce_bitwise("bitwise_xor", "xor", False)},
        "logical_and": {"identity": True, "reduce": _reduce_bitwise("logical_and", "and", True)},
        "logical_or": {"identity": False, "reduce": _reduce_bitwise("logical_or", "or", True)},
        "logical_xor": {"identity": False, "reduce": _reduce_bitwise("logical_xor", "xor", True)},
        "logaddexp": {"identity": -np.inf, "reduce": _logsumexp},
        "logaddexp2": {"identity": -np.inf, "reduce": _logsumexp2},
    }
    out = {name: _builtin(getattr(ufuncs, name), 2, **kw) for name, kw in binary.items()}
    out["negative"] = _builtin(ufuncs.negative, 1)
    return out


_BUILTINS = _make_builtins()
add = _BUILTINS["add"]
bitwise_and = _BUILTINS["bitwise_and"]
bitwise_or = _BUILTINS["bitwise_or"]
bitwise_xor = _BUILTINS["bitwise_xor"]
logaddexp = _BUILTINS["logaddexp"]
logaddexp2 = _BUILTINS["logaddexp2"]
logical_and = _BUILTINS["logical_and"]
logical_or = _BUILTINS["logical_or"]
logical_xor = _BUILTINS["logical_xor"]
maximum = _BUILTINS["maximum"]
minimum = _BUILTINS["minimum"]
multiply = _BUILTINS["multiply"]
negative = _BUILTINS["negative"]
subtract = _BUILTINS["subtract"]
