"""jax.scipy.linalg on top of xjax.lax.linalg: compositions, no primitives."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

import xjax.numpy as jnp
from xjax._src.api import jit
from xjax._src.lax import linalg as lax_linalg
from xjax._src.numpy import linalg as np_linalg
from xjax._src.numpy.util import check_arraylike, promote_dtypes_inexact

__all__ = [
    "cho_factor",
    "cho_solve",
    "cholesky",
    "det",
    "eigh",
    "inv",
    "lu",
    "lu_factor",
    "lu_solve",
    "qr",
    "solve",
    "solve_triangular",
    "svd",
]


def _jit(*static: str) -> Callable[[Callable], Callable]:
    def wrap(f: Callable) -> Callable:
        return functools.wraps(f)(jit(f, static_argnames=static or None))

    return wrap


def _inexact(fn: str, *xs: Any) -> list:
    check_arraylike(fn, *xs)
    return promote_dtypes_inexact(*map(jnp.asarray, xs))


def _square(fn: str, a: Any) -> None:
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(f"{fn}: argument must have shape [..., n, n], got {a.shape}")


def _solve_shaped(fn: str, a: Any, b: Any, solve: Any) -> Any:
    """Applies `solve(a, b)` (b [..., n, k], a's batch dims) with NumPy-style broadcasting of
    the batch dims; a `b` of rank 1 is one vector."""
    _square(fn, a)
    vector = b.ndim == 1
    if vector:
        b = b[:, None]
    if b.ndim < 2 or b.shape[-2] != a.shape[-1]:
        raise ValueError(
            f"{fn}: incompatible shapes {a.shape} and {b.shape[:-1] if vector else b.shape}"
        )
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    x = solve(jnp.broadcast_to(a, batch + a.shape[-2:]), jnp.broadcast_to(b, batch + b.shape[-2:]))
    return x[..., 0] if vector else x


@_jit("trans", "lower", "unit_diagonal", "overwrite_b", "debug", "check_finite")
def solve_triangular(
    a: Any,
    b: Any,
    trans: int | str = 0,
    lower: bool = False,
    unit_diagonal: bool = False,
    overwrite_b: bool = False,
    debug: Any = None,
    check_finite: bool = True,
) -> Any:
    """xjax implementation of `scipy.linalg.solve_triangular`: x with op(a)·x = b, op given by
    `trans` (0/'N': a, 1/'T': aᵀ, 2/'C': aᴴ)."""
    del overwrite_b, debug, check_finite
    if trans in (0, "N"):
        transpose_a, conjugate_a = False, False
    elif trans in (1, "T"):
        transpose_a, conjugate_a = True, False
    elif trans in (2, "C"):
        transpose_a, conjugate_a = True, True
    else:
        raise ValueError(f"jax.scipy.linalg.solve_triangular: invalid 'trans' value {trans!r}")
    a, b = _inexact("jax.scipy.linalg.solve_triangular", a, b)
    return _solve_shaped(
        "jax.scipy.linalg.solve_triangular",
        a,
        b,
        lambda a, b: lax_linalg.triangular_solve(
            a,
            b,
            left_side=True,
            lower=lower,
            transpose_a=transpose_a,
            conjugate_a=conjugate_a,
            unit_diagonal=unit_diagonal,
        ),
    )


@_jit("lower", "overwrite_a", "check_finite")
def cholesky(
    a: Any, lower: bool = False, overwrite_a: bool = False, check_finite: bool = True
) -> Any:
    """xjax implementation of `scipy.linalg.cholesky` (upper factor by default; reads one
    triangle only, no symmetrization)."""
    del overwrite_a, check_finite
    (a,) = _inexact("jax.scipy.linalg.cholesky", a)
    _square("jax.scipy.linalg.cholesky", a)
    H = lambda x: jnp.conj(jnp.swapaxes(x, -1, -2))
    l = lax_linalg.cholesky(a if lower else H(a), symmetrize_input=False)
    return l if lower else H(l)


def cho_factor(
    a: Any, lower: bool = False, overwrite_a: bool = False, check_finite: bool = True
) -> tuple[Any, bool]:
    """xjax implementation of `scipy.linalg.cho_factor`: (factor, lower)."""
    del overwrite_a, check_finite
    return cholesky(a, lower=lower), lower


def cho_solve(
    c_and_lower: tuple[Any, bool], b: Any, overwrite_b: bool = False, check_finite: bool = True
) -> Any:
    """xjax implementation of `scipy.linalg.cho_solve`: x with A·x = b given cho_factor(A)."""
    del overwrite_b, check_finite
    c, lower = c_and_lower
    return _cho_solve(c, b, bool(lower))


@_jit("lower")
def _cho_solve(c: Any, b: Any, lower: bool) -> Any:
    c, b = _inexact("jax.scipy.linalg.cho_solve", c, b)

    def solve(c: Any, b: Any) -> Any:
        b = lax_linalg.triangular_solve(
            c, b, left_side=True, lower=lower, transpose_a=not lower, conjugate_a=not lower
        )
        return lax_linalg.triangular_solve(
            c, b, left_side=True, lower=lower, transpose_a=lower, conjugate_a=lower
        )

    return _solve_shaped("jax.scipy.linalg.cho_solve", c, b, solve)


@_jit("overwrite_a", "check_finite")
def lu_factor(a: Any, overwrite_a: bool = False, check_finite: bool = True) -> tuple[Any, Any]:
    """xjax implementation of `scipy.linalg.lu_factor`: (lu, pivots)."""
    del overwrite_a, check_finite
    (a,) = _inexact("jax.scipy.linalg.lu_factor", a)
    lu_, pivots, _ = lax_linalg.lu(a)
    return lu_, pivots


def lu_solve(
    lu_and_piv: tuple[Any, Any],
    b: Any,
    trans: int = 0,
    overwrite_b: bool = False,
    check_finite: bool = True,
) -> Any:
    """xjax implementation of `scipy.linalg.lu_solve`: x with op(A)·x = b given lu_factor(A);
    `trans` 0: A, 1: Aᵀ, 2: Aᴴ."""
    del overwrite_b, check_finite
    lu_, pivots = lu_and_piv
    return _lu_solve(lu_, pivots, b, trans)


@_jit("trans")
def _lu_solve(lu_: Any, pivots: Any, b: Any, trans: int) -> Any:
    lu_, b = _inexact("jax.scipy.linalg.lu_solve", lu_, b)
    if trans not in (0, 1, 2):
        raise ValueError(
            f"jax.scipy.linalg.lu_solve: 'trans' value must be 0, 1, or 2, got {trans!r}"
        )
    perm = lax_linalg.lu_pivots_to_permutation(jnp.asarray(pivots), lu_.shape[-2])
    perm = jnp.broadcast_to(perm, lu_.shape[:-1])

    def solve(lu_b: Any, b: Any) -> Any:
        p = jnp.broadcast_to(perm, lu_b.shape[:-1])
        if trans == 0:
            return np_linalg._lu_solve(lu_b, p, b)
        conj = trans == 2
        x = lax_linalg.triangular_solve(
            lu_b, b, left_side=True, lower=False, transpose_a=True, conjugate_a=conj
        )
        x = lax_linalg.triangular_solve(
            lu_b,
            x,
            left_side=True,
            lower=True,
            unit_diagonal=True,
            transpose_a=True,
            conjugate_a=conj,
        )
        inv_perm = jnp.argsort(p, axis=-1)
        return jnp.take_along_axis(x, inv_perm[..., :, None], axis=-2)

    return _solve_shaped("jax.scipy.linalg.lu_solve", lu_, b, solve)


@_jit("permute_l", "overwrite_a", "check_finite")
def lu(
    a: Any, permute_l: bool = False, overwrite_a: bool = False, check_finite: bool = True
) -> tuple:
    """xjax implementation of `scipy.linalg.lu`: (p, l, u) with a = p·l·u, or (p·l, u) if
    `permute_l`."""
    del overwrite_a, check_finite
    (a,) = _inexact("jax.scipy.linalg.lu", a)
    lu_, _, permutation = lax_linalg.lu(a)
    dtype = a.dtype
    m, n = a.shape[-2:]
    p = jnp.real(
        (permutation[..., None, :] == jnp.arange(m, dtype=permutation.dtype)[:, None]).astype(dtype)
    )
    k = min(m, n)
    l = jnp.tril(lu_, -1)[..., :, :k] + jnp.eye(m, k, dtype=dtype)
    u = jnp.triu(lu_)[..., :k, :]
    if permute_l:
        return jnp.matmul(p, l), u
    return p, l, u


def solve(
    a: Any,
    b: Any,
    lower: bool = False,
    overwrite_a: bool = False,
    overwrite_b: bool = False,
    debug: bool = False,
    check_finite: bool = True,
    assume_a: str = "gen",
) -> Any:
    """xjax implementation of `scipy.linalg.solve` ('pos' uses Cholesky, else LU)."""
    del overwrite_a, overwrite_b, debug, check_finite
    if assume_a not in ("gen", "sym", "her", "pos"):
        raise ValueError(
            f"jax.scipy.linalg.solve: expected assume_a to be one of "
            f"['gen', 'sym', 'her', 'pos']; got {assume_a!r}"
        )
    if assume_a != "pos":
        return np_linalg.solve(a, b)
    return cho_solve(cho_factor(a, lower=lower), b)


def inv(a: Any, overwrite_a: bool = False, check_finite: bool = True) -> Any:
    """xjax implementation of `scipy.linalg.inv`."""
    del overwrite_a, check_finite
    return np_linalg.inv(a)


def det(a: Any, overwrite_a: bool = False, check_finite: bool = True) -> Any:
    """xjax implementation of `scipy.linalg.det`."""
    del overwrite_a, check_finite
    return np_linalg.det(a)


def eigh(
    a: Any,
    b: Any = None,
    lower: bool = True,
    eigvals_only: bool = False,
    overwrite_a: bool = False,
    overwrite_b: bool = False,
    turbo: bool = True,
    eigvals: Any = None,
    type: int = 1,
    check_finite: bool = True,
) -> Any:
    """xjax implementation of `scipy.linalg.eigh` (standard problem only: b must be None)."""
    del overwrite_a, overwrite_b, turbo, check_finite
    if b is not None:
        raise NotImplementedError("jax.scipy.linalg.eigh: only b=None is supported")
    if eigvals is not None or type != 1:
        raise NotImplementedError("jax.scipy.linalg.eigh: eigvals and type != 1 are not supported")
    (a,) = _inexact("jax.scipy.linalg.eigh", a)
    _square("jax.scipy.linalg.eigh", a)
    v, w = lax_linalg.eigh(a, lower=lower)
    return w if eigvals_only else (w, v)


def svd(
    a: Any,
    full_matrices: bool = True,
    compute_uv: bool = True,
    overwrite_a: bool = False,
    check_finite: bool = True,
    lapack_driver: str = "gesdd",
) -> Any:
    """xjax implementation of `scipy.linalg.svd`."""
    del overwrite_a, check_finite, lapack_driver
    return np_linalg.svd(a, full_matrices=full_matrices, compute_uv=compute_uv)


def qr(
    a: Any,
    overwrite_a: bool = False,
    lwork: Any = None,
    mode: str = "full",
    pivoting: bool = False,
    check_finite: bool = True,
) -> Any:
    """xjax implementation of `scipy.linalg.qr` (modes 'full', 'economic', 'r')."""
    del overwrite_a, lwork, check_finite
    if pivoting:
        raise NotImplementedError("jax.scipy.linalg.qr: pivoting=True is not implemented")
    if mode not in ("full", "economic", "r"):
        raise ValueError(f"jax.scipy.linalg.qr: unsupported mode {mode!r}")
    (a,) = _inexact("jax.scipy.linalg.qr", a)
    q, r = lax_linalg.qr(a, full_matrices=mode != "economic")
    return (r,) if mode == "r" else (q, r)
