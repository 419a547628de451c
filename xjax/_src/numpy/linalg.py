"""jax.numpy.linalg on top of xjax.lax.linalg: compositions, no primitives."""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

import xjax.numpy as jnp
from xjax._src import dtypes
from xjax._src.api import jit
from xjax._src.lax import linalg as lax_linalg
from xjax._src.numpy.util import check_arraylike, promote_dtypes_inexact
from xjax._src.util import canonicalize_axis

__all__ = [
    "EighResult",
    "QRResult",
    "SVDResult",
    "SlogdetResult",
    "cholesky",
    "det",
    "eigh",
    "eigvalsh",
    "inv",
    "lstsq",
    "matrix_norm",
    "matrix_power",
    "matrix_rank",
    "norm",
    "pinv",
    "qr",
    "slogdet",
    "solve",
    "svd",
    "svdvals",
    "vector_norm",
]


class EighResult(NamedTuple):
    eigenvalues: Any
    eigenvectors: Any


class QRResult(NamedTuple):
    Q: Any
    R: Any


class SlogdetResult(NamedTuple):
    sign: Any
    logabsdet: Any


class SVDResult(NamedTuple):
    U: Any
    S: Any
    Vh: Any


def _jit(*static: str) -> Callable[[Callable], Callable]:
    """jit with `static` argument names, as JAX's jnp.linalg functions are (one compiled
    program per call signature instead of one per primitive in eager mode)."""

    def wrap(f: Callable) -> Callable:
        return functools.wraps(f)(jit(f, static_argnames=static or None))

    return wrap


def _H(x: Any) -> Any:
    return jnp.conj(jnp.swapaxes(x, -1, -2))


def _inexact(fn: str, *xs: Any) -> list:
    check_arraylike(fn, *xs)
    return promote_dtypes_inexact(*map(jnp.asarray, xs))


def _square(fn: str, a: Any) -> None:
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(f"{fn}: argument must have shape [..., n, n], got {a.shape}")


def _matrix(fn: str, a: Any) -> None:
    if a.ndim < 2:
        raise ValueError(f"{fn}: argument must have shape [..., m, n] (rank >= 2), got {a.shape}")


@_jit("upper", "symmetrize_input")
def cholesky(a: Any, *, upper: bool = False, symmetrize_input: bool = True) -> Any:
    """xjax implementation of `numpy.linalg.cholesky`: L with a = L·Lᴴ (or U = Lᴴ if `upper`);
    NaN where `a` is not positive definite."""
    (a,) = _inexact("jnp.linalg.cholesky", a)
    _square("jnp.linalg.cholesky", a)
    L = lax_linalg.cholesky(a, symmetrize_input=symmetrize_input)
    return _H(L) if upper else L


@_jit("UPLO", "symmetrize_input")
def eigh(a: Any, UPLO: str | None = None, symmetrize_input: bool = True) -> EighResult:
    """xjax implementation of `numpy.linalg.eigh`: ascending eigenvalues and eigenvectors of a
    Hermitian matrix."""
    if UPLO not in (None, "L", "U"):
        raise ValueError(f"jnp.linalg.eigh: UPLO must be one of None, 'L', or 'U', got {UPLO!r}")
    (a,) = _inexact("jnp.linalg.eigh", a)
    _square("jnp.linalg.eigh", a)
    v, w = lax_linalg.eigh(a, lower=UPLO != "U", symmetrize_input=symmetrize_input)
    return EighResult(w, v)


def eigvalsh(a: Any, UPLO: str | None = "L", *, symmetrize_input: bool = True) -> Any:
    """xjax implementation of `numpy.linalg.eigvalsh`."""
    return eigh(a, UPLO, symmetrize_input=symmetrize_input).eigenvalues


@_jit("full_matrices", "compute_uv", "hermitian", "subset_by_index")
def svd(
    a: Any,
    full_matrices: bool = True,
    compute_uv: bool = True,
    hermitian: bool = False,
    subset_by_index: tuple[int, int] | None = None,
) -> Any:
    """xjax implementation of `numpy.linalg.svd`: (U, S, Vh) with a = U·diag(S)·Vh, S
    descending; S alone if not `compute_uv`."""
    (a,) = _inexact("jnp.linalg.svd", a)
    _matrix("jnp.linalg.svd", a)
    if hermitian:
        w, v = eigh(a)
        s = jnp.abs(w)
        if not compute_uv:
            return -jnp.sort(-s, axis=-1)
        order = jnp.argsort(-s, axis=-1, stable=True)
        sign = jnp.take_along_axis(jnp.sign(w), order, axis=-1)
        s = jnp.take_along_axis(s, order, axis=-1)
        u = jnp.take_along_axis(v, order[..., None, :], axis=-1)
        vh = _H(u * sign[..., None, :].astype(u.dtype))
        return SVDResult(u, s, vh)
    if compute_uv:
        u, s, vh = lax_linalg.svd(
            a, full_matrices=full_matrices, compute_uv=True, subset_by_index=subset_by_index
        )
        return SVDResult(u, s, vh)
    return lax_linalg.svd(
        a, full_matrices=full_matrices, compute_uv=False, subset_by_index=subset_by_index
    )


def svdvals(x: Any, /) -> Any:
    """xjax implementation of `numpy.linalg.svdvals`."""
    return svd(x, compute_uv=False)


@_jit("mode")
def qr(a: Any, mode: str = "reduced") -> Any:
    """xjax implementation of `numpy.linalg.qr` (modes 'reduced', 'complete', 'r')."""
    (a,) = _inexact("jnp.linalg.qr", a)
    _matrix("jnp.linalg.qr", a)
    if mode in ("reduced", "r", "full"):
        full_matrices = False
    elif mode == "complete":
        full_matrices = True
    else:
        raise ValueError(f"jnp.linalg.qr: unsupported QR decomposition mode {mode!r}")
    q, r = lax_linalg.qr(a, full_matrices=full_matrices)
    return r if mode == "r" else QRResult(q, r)


def _lu_solve(lu: Any, perm: Any, b: Any) -> Any:
    """Solves A·x = b for x given P·A = L·U; b [..., n, k] with A's batch dims."""
    x = jnp.take_along_axis(b, perm[..., :, None], axis=-2)
    x = lax_linalg.triangular_solve(lu, x, left_side=True, lower=True, unit_diagonal=True)
    return lax_linalg.triangular_solve(lu, x, left_side=True, lower=False)


@_jit()
def solve(a: Any, b: Any) -> Any:
    """xjax implementation of `numpy.linalg.solve`: x with a·x = b (via LU with partial
    pivoting); b of shape (n,) is a vector, otherwise [..., n, k] batched like `a`."""
    a, b = _inexact("jnp.linalg.solve", a, b)
    if a.ndim < 2:
        raise ValueError(
            f"jnp.linalg.solve: left hand array must be at least two dimensional; "
            f"got a.shape={a.shape}"
        )
    _square("jnp.linalg.solve", a)
    if (
        b.ndim > 1
        and a.ndim == b.ndim + 1
        and a.shape[-1] == b.shape[-1]
        and a.shape[-1] != b.shape[-2]
    ):
        raise ValueError(
            f"jnp.linalg.solve: invalid shapes {a.shape}, {b.shape}; for a batched "
            "1-dimensional solve use solve(a, b[..., None])[..., 0]"
        )
    vector = b.ndim == 1
    if vector:
        b = b[:, None]
    if b.shape[-2] != a.shape[-1]:
        raise ValueError(
            f"jnp.linalg.solve: incompatible shapes {a.shape} and "
            f"{b.shape[:-1] if vector else b.shape}"
        )
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = jnp.broadcast_to(a, batch + a.shape[-2:])
    b = jnp.broadcast_to(b, batch + b.shape[-2:])
    lu, _, perm = lax_linalg.lu(a)
    x = _lu_solve(lu, perm, b)
    return x[..., 0] if vector else x


@_jit()
def inv(a: Any) -> Any:
    """xjax implementation of `numpy.linalg.inv` (solve against the identity)."""
    check_arraylike("jnp.linalg.inv", a)
    a = jnp.asarray(a)
    _square("jnp.linalg.inv", a)
    eye = jnp.broadcast_to(jnp.eye(a.shape[-1], dtype=a.dtype), a.shape)
    return solve(a, eye)


@_jit("method")
def slogdet(a: Any, *, method: str | None = None) -> SlogdetResult:
    """xjax implementation of `numpy.linalg.slogdet` (via LU): sign and log|det|."""
    (a,) = _inexact("jnp.linalg.slogdet", a)
    _square("jnp.linalg.slogdet", a)
    if method not in (None, "lu"):
        raise ValueError(f"jnp.linalg.slogdet: unknown method {method!r}; supported: 'lu'")
    n = a.shape[-1]
    lu, pivot, _ = lax_linalg.lu(a)
    diag = jnp.diagonal(lu, axis1=-2, axis2=-1)
    is_zero = jnp.any(diag == 0, axis=-1)
    parity = jnp.count_nonzero(pivot != jnp.arange(n, dtype=pivot.dtype), axis=-1)
    if dtypes.is_complex(a.dtype):
        sign = jnp.prod(diag / jnp.abs(diag).astype(diag.dtype), axis=-1)
    else:
        sign = jnp.array(1, a.dtype)
        parity = parity + jnp.count_nonzero(diag < 0, axis=-1)
    sign = jnp.where(is_zero, jnp.array(0, a.dtype), sign * (1 - 2 * (parity % 2)).astype(a.dtype))
    logdet = jnp.where(
        is_zero,
        jnp.array(-np.inf, dtypes.real_dtype(a.dtype) if dtypes.is_complex(a.dtype) else a.dtype),
        jnp.sum(jnp.log(jnp.abs(diag)), axis=-1),
    )
    return SlogdetResult(sign, jnp.real(logdet))


@_jit()
def det(a: Any) -> Any:
    """xjax implementation of `numpy.linalg.det` (product of LU's diagonal, signed by the
    pivots)."""
    (a,) = _inexact("jnp.linalg.det", a)
    _square("jnp.linalg.det", a)
    n = a.shape[-1]
    if n == 0:
        return jnp.ones(a.shape[:-2], a.dtype)
    lu, pivot, _ = lax_linalg.lu(a)
    diag = jnp.diagonal(lu, axis1=-2, axis2=-1)
    parity = jnp.count_nonzero(pivot != jnp.arange(n, dtype=pivot.dtype), axis=-1)
    sign = (1 - 2 * (parity % 2)).astype(a.dtype)
    return sign * jnp.prod(diag, axis=-1)


@_jit("n")
def matrix_power(a: Any, n: int) -> Any:
    """xjax implementation of `numpy.linalg.matrix_power` (repeated squaring; inverse for n<0)."""
    check_arraylike("jnp.linalg.matrix_power", a)
    a = jnp.asarray(a)
    _square("jnp.linalg.matrix_power", a)
    try:
        n = operator.index(n)
    except TypeError as err:
        raise TypeError(f"jnp.linalg.matrix_power: exponent must be an integer, got {n!r}") from err
    if n == 0:
        return jnp.broadcast_to(jnp.eye(a.shape[-1], dtype=a.dtype), a.shape)
    if n < 0:
        a, n = inv(a), -n
    z = result = None
    while n > 0:
        z = a if z is None else jnp.matmul(z, z)
        n, bit = divmod(n, 2)
        if bit:
            result = z if result is None else jnp.matmul(result, z)
    return result


@_jit("hermitian")
def matrix_rank(M: Any, rtol: Any = None, *, hermitian: bool = False, tol: Any = None) -> Any:
    """xjax implementation of `numpy.linalg.matrix_rank`: the number of singular values above
    rtol·max(s) (default rtol = max(m, n)·eps)."""
    if tol is not None:
        if rtol is not None:
            raise ValueError("jnp.linalg.matrix_rank: only one of tol or rtol may be specified")
        rtol = tol
    (M,) = _inexact("jnp.linalg.matrix_rank", M)
    if M.ndim < 2:
        return jnp.any(M != 0).astype(np.int32)
    S = svd(M, full_matrices=False, compute_uv=False, hermitian=hermitian)
    if rtol is None:
        rtol = S.max(-1) * np.asarray(max(M.shape[-2:]), S.dtype) * jnp.finfo(S.dtype).eps
    rtol = jnp.asarray(rtol)
    rtol = jnp.expand_dims(rtol, rtol.ndim)
    return jnp.sum(S > rtol, axis=-1)


@_jit("hermitian")
def pinv(a: Any, rtol: Any = None, hermitian: bool = False, *, rcond: Any = None) -> Any:
    """xjax implementation of `numpy.linalg.pinv` (via SVD, singular values at most
    rtol·max(s) dropped; default rtol = 10·max(m, n)·eps)."""
    if rcond is not None:
        if rtol is not None:
            raise ValueError("jnp.linalg.pinv: only one of rtol and rcond may be specified")
        rtol = rcond
    (a,) = _inexact("jnp.linalg.pinv", a)
    _matrix("jnp.linalg.pinv", a)
    m, n = a.shape[-2:]
    if m == 0 or n == 0:
        return jnp.zeros(a.shape[:-2] + (n, m), a.dtype)
    arr = jnp.conj(a)
    if rtol is None:
        rtol = 10.0 * max(m, n) * jnp.array(jnp.finfo(arr.dtype).eps)
    rtol = jnp.asarray(rtol)
    u, s, vh = svd(arr, full_matrices=False, hermitian=hermitian)
    rtol = jnp.expand_dims(rtol[..., None], tuple(range(s.ndim - rtol.ndim - 1)))
    cutoff = rtol * s[..., 0:1]
    s = jnp.where(s > cutoff, s, np.inf).astype(u.dtype)
    res = jnp.matmul(jnp.swapaxes(vh, -1, -2), jnp.swapaxes(u, -1, -2) / s[..., None])
    return res.astype(arr.dtype)


def lstsq(a: Any, b: Any, rcond: float | None = None, *, numpy_resid: bool = False) -> tuple:
    """xjax implementation of `numpy.linalg.lstsq` (via SVD): (x, resid, rank, s).

    With `numpy_resid` the residuals are empty where NumPy's are (not traceable under jit)."""
    if numpy_resid:
        return _lstsq(a, b, rcond, True)
    return _lstsq_jit(a, b, rcond)


def _lstsq(a: Any, b: Any, rcond: Any, numpy_resid: bool) -> tuple:
    a, b = _inexact("jnp.linalg.lstsq", a, b)
    if a.ndim != 2:
        raise TypeError(
            f"jnp.linalg.lstsq: {a.ndim}-dimensional array given; a must be two-dimensional"
        )
    if b.ndim not in (1, 2):
        raise TypeError(
            f"jnp.linalg.lstsq: {b.ndim}-dimensional array given; b must be one- or two-dimensional"
        )
    if a.shape[0] != b.shape[0]:
        raise ValueError(
            f"jnp.linalg.lstsq: leading dimensions of a {a.shape} and b {b.shape} must match"
        )
    b_orig_ndim = b.ndim
    if b_orig_ndim == 1:
        b = b[:, None]
    m, n = a.shape
    if a.size == 0:
        s = jnp.zeros((0,), a.dtype)
        rank = jnp.array(0, int)
        x = jnp.zeros((n, *b.shape[1:]), a.dtype)
    else:
        eps = float(jnp.finfo(a.dtype).eps)
        rcond = eps * max(n, m) if rcond is None else jnp.where(rcond < 0, eps, rcond)
        u, s, vt = svd(a, full_matrices=False)
        mask = (s > 0) & (s >= jnp.asarray(rcond, s.dtype) * s[0])
        rank = mask.sum()
        safe_s = jnp.where(mask, s, 1).astype(a.dtype)
        s_inv = jnp.where(mask, 1 / safe_s, 0)[:, None]
        uTb = jnp.matmul(jnp.conj(u).T, b)
        x = jnp.matmul(jnp.conj(vt).T, s_inv * uTb)
    if numpy_resid and (int(rank) < n or m <= n):
        resid = jnp.asarray([])
    else:
        resid = norm(b - jnp.matmul(a, x), axis=0) ** 2
    if b_orig_ndim == 1:
        x = x.ravel()
    return x, resid, rank, s


_lstsq_jit = jit(functools.partial(_lstsq, numpy_resid=False))


@_jit("ord", "axis", "keepdims")
def vector_norm(x: Any, /, *, axis: Any = None, keepdims: bool = False, ord: Any = 2) -> Any:
    """xjax implementation of `numpy.linalg.vector_norm`."""
    (x,) = _inexact("jnp.linalg.vector_norm", x)
    if ord is None or ord == 2:
        return jnp.sqrt(jnp.sum(jnp.real(x * jnp.conj(x)), axis=axis, keepdims=keepdims))
    if ord == np.inf:
        return jnp.max(jnp.abs(x), axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return jnp.min(jnp.abs(x), axis=axis, keepdims=keepdims)
    if ord == 0:
        return jnp.sum(
            x != 0, dtype=jnp.finfo(jnp.abs(x).dtype).dtype, axis=axis, keepdims=keepdims
        )
    if ord == 1:
        return jnp.sum(jnp.abs(x), axis=axis, keepdims=keepdims)
    if isinstance(ord, str):
        raise ValueError(f"jnp.linalg.vector_norm: invalid order {ord!r} for a vector norm")  # noqa: TRY004  (JAX's error type)
    abs_x = jnp.abs(x)
    ord_arr = jnp.asarray(ord, abs_x.dtype)
    return jnp.power(jnp.sum(abs_x**ord_arr, axis=axis, keepdims=keepdims), 1.0 / ord_arr)


@_jit("ord", "axis", "keepdims")
def norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Any:
    """xjax implementation of `numpy.linalg.norm`: vector norms over one axis, matrix norms
    ('fro', 'nuc', ±1, ±2, ±inf) over two."""
    (x,) = _inexact("jnp.linalg.norm", x)
    ndim = x.ndim
    if axis is None:
        if ord is None:
            return jnp.sqrt(jnp.sum(jnp.real(x * jnp.conj(x)), keepdims=keepdims))
        axis = tuple(range(ndim))
    elif isinstance(axis, tuple):
        axis = tuple(canonicalize_axis(a, ndim, "jnp.linalg.norm", "axis") for a in axis)
    else:
        axis = (canonicalize_axis(axis, ndim, "jnp.linalg.norm", "axis"),)
    if len(axis) == 1:
        return vector_norm(x, ord=2 if ord is None else ord, axis=axis, keepdims=keepdims)
    if len(axis) != 2:
        raise ValueError(
            f"jnp.linalg.norm: improper number of axes for norm: axis={axis}. Pass "
            "one axis to compute a vector-norm, or two axes to compute a "
            "matrix-norm."
        )
    row_axis, col_axis = axis
    if ord is None or ord in ("f", "fro"):
        return jnp.sqrt(jnp.sum(jnp.real(x * jnp.conj(x)), axis=axis, keepdims=keepdims))
    if ord in (1, -1):
        if not keepdims and col_axis > row_axis:
            col_axis -= 1
        red = jnp.max if ord == 1 else jnp.min
        return red(
            jnp.sum(jnp.abs(x), axis=row_axis, keepdims=keepdims), axis=col_axis, keepdims=keepdims
        )
    if ord in (np.inf, -np.inf):
        if not keepdims and row_axis > col_axis:
            row_axis -= 1
        red = jnp.max if ord == np.inf else jnp.min
        return red(
            jnp.sum(jnp.abs(x), axis=col_axis, keepdims=keepdims), axis=row_axis, keepdims=keepdims
        )
    if ord in ("nuc", 2, -2):
        y = jnp.moveaxis(x, axis, (-2, -1))
        s = svd(y, compute_uv=False)
        y = (
            jnp.max(s, axis=-1)
            if ord == 2
            else jnp.min(s, axis=-1)
            if ord == -2
            else jnp.sum(s, axis=-1)
        )
        return jnp.expand_dims(y, axis) if keepdims else y
    raise ValueError(f"jnp.linalg.norm: invalid order {ord!r} for matrix norm")


def matrix_norm(x: Any, /, *, keepdims: bool = False, ord: Any = "fro") -> Any:
    """xjax implementation of `numpy.linalg.matrix_norm`."""
    return norm(x, ord=ord, keepdims=keepdims, axis=(-2, -1))
