"""Decompositions of general (non-Hermitian) square matrices, JAX's `jax.lax.linalg` eig,
schur, hessenberg and householder_product, lowered on CPU to jaxlib's LAPACK FFI kernels
(geev, gees, gehrd, orgqr/ungqr); the shared lowering helpers live in `linalg.py`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from xjax._src import core, dtypes
from xjax._src.core import Primitive, ShapedArray
from xjax._src.interpreters.batching import move_dim
from xjax._src.lax.linalg import (
    _H,
    _T,
    _check_matrix,
    _custom_call,
    _emit,
    _info_aval,
    _jnp,
    _lapack,
    _leading_batch,
    _mm,
    _nan_where_failed,
)

__all__ = [
    "eig",
    "eig_p",
    "hessenberg",
    "hessenberg_p",
    "householder_product",
    "householder_product_p",
    "schur",
    "schur_p",
]


def _complex_dtype(dt: np.dtype) -> np.dtype:
    return dt if dtypes.is_complex(dt) else np.dtype(np.result_type(dt, np.complex64))


def _solve(a: Any, b: Any) -> Any:
    from xjax._src.numpy.linalg import _solve  # lazily: numpy.linalg imports lax.linalg

    return _solve(a, b)


# ---------------------------------------------------------------------------
# eig

eig_p = Primitive("eig", multiple_results=True)


def eig(
    x: Any,
    *,
    compute_left_eigenvectors: bool = True,
    compute_right_eigenvectors: bool = True,
    enable_eigvec_derivs: bool = False,
    implementation: Any = None,
    use_magma: bool | None = None,
) -> list:
    """Eigendecomposition of a batch [..., n, n] of general square matrices (LAPACK geev).

    Returns [w, vl, vr] (complex dtype): eigenvalues w [..., n], then the left and right
    eigenvectors (columns, unit 2-norm, largest component real) if requested. Batch entries
    where LAPACK fails are NaN. Only eigenvalues are differentiable unless
    `enable_eigvec_derivs` (valid for distinct eigenvalues only)."""
    del use_magma
    _check_matrix("lax.linalg.eig", core.get_aval(x), square=True)
    if implementation is not None and str(getattr(implementation, "value", implementation)) != (
        "lapack"
    ):
        raise ValueError("lax.linalg.eig: only the LAPACK implementation exists on CPU")
    return eig_p.bind(
        x,
        compute_left_eigenvectors=bool(compute_left_eigenvectors),
        compute_right_eigenvectors=bool(compute_right_eigenvectors),
        enable_eigvec_derivs=bool(enable_eigvec_derivs),
    )


@eig_p.def_abstract_eval
def _eig_abstract_eval(
    x: ShapedArray,
    *,
    compute_left_eigenvectors: bool,
    compute_right_eigenvectors: bool,
    enable_eigvec_derivs: bool,
) -> list:
    _check_matrix("lax.linalg.eig", x, square=True)
    dt = _complex_dtype(x.dtype)
    count = int(compute_left_eigenvectors) + int(compute_right_eigenvectors)
    return [core.shaped_array(x.shape[:-1], dt)] + [core.shaped_array(x.shape, dt)] * count


@eig_p.def_lowering
def _eig_lower(
    ctx: Any,
    x: str,
    *,
    compute_left_eigenvectors: bool,
    compute_right_eigenvectors: bool,
    enable_eigvec_derivs: bool,
) -> list:
    aval = ctx.avals_in[0]
    outs = ctx.avals_out
    if aval.size == 0:
        return _emit(ctx, lambda a: [_jnp().zeros(o.shape, o.dtype) for o in outs], [x], [aval])
    w_aval = core.shaped_array(aval.shape[:-1], aval.dtype)
    v_aval = core.shaped_array(aval.shape, _complex_dtype(aval.dtype))
    real = not dtypes.is_complex(aval.dtype)
    res_avals = ([w_aval] * (2 if real else 1)) + [v_aval, v_aval]
    cfg = {
        "compute_left": "V" if compute_left_eigenvectors else "N",
        "compute_right": "V" if compute_right_eigenvectors else "N",
    }
    core_ranks = (1,) * (2 if real else 1) + (2, 2)

    def post(*args: Any) -> list:
        from xjax._src.lax.conversions import complex as make_complex

        *w, l, r, i = args
        w = make_complex(w[0], w[1]) if real else w[0]
        good = i == 0
        out = [_nan_where_failed(w, good)]
        if compute_left_eigenvectors:
            out.append(_nan_where_failed(l, good))
        if compute_right_eigenvectors:
            out.append(_nan_where_failed(r, good))
        return out

    return _lapack(ctx, "geev_ffi", x, res_avals, core_ranks, post, cfg, aliases=())


def _eigvec_jvp(w: Any, v: Any, da: Any) -> tuple:
    # Non-degenerate perturbation theory (Giles, NA-08-01, sec. 3.1) under LAPACK's
    # normalisation of each v_j (unit 2-norm, real largest-magnitude entry), as JAX.
    jnp = _jnp()
    n = w.shape[-1]
    eye = jnp.eye(n, dtype=w.dtype)
    F = 1 / (eye + w[..., None, :] - w[..., :, None]) - eye
    P = _mm(_solve(v, da), v)
    dw = jnp.diagonal(P, axis1=-2, axis2=-1)
    U = _mm(v, F * P)
    k = jnp.argmax(jnp.abs(v), axis=-2)
    mask = (jnp.arange(n)[:, None] == k[..., None, :]).astype(v.dtype)
    c = jnp.asarray(
        -jnp.real(jnp.sum(jnp.conj(v) * U, axis=-2))
        - 1j * jnp.imag(jnp.sum(mask * U, axis=-2)) / jnp.real(jnp.sum(mask * v, axis=-2)),
        v.dtype,
    )
    return dw, U + v * c[..., None, :]


def _eig_jvp(
    primals: list,
    tangents: list,
    *,
    compute_left_eigenvectors: bool,
    compute_right_eigenvectors: bool,
    enable_eigvec_derivs: bool,
) -> tuple:
    (a,), (da,) = primals, tangents
    vectors = compute_left_eigenvectors or compute_right_eigenvectors
    if vectors and not enable_eigvec_derivs:
        raise NotImplementedError(
            "lax.linalg.eig: derivatives of non-symmetric eigenvectors are only valid under "
            "assumptions on the input that cannot be checked (distinct eigenvalues). Pass "
            "enable_eigvec_derivs=True to lax.linalg.eig to opt in, or differentiate "
            "eigenvalues only (jnp.linalg.eigvals). See "
            "https://github.com/jax-ml/jax/issues/2748."
        )
    outs = eig_p.bind(
        a,
        compute_left_eigenvectors=compute_left_eigenvectors,
        compute_right_eigenvectors=True,
        enable_eigvec_derivs=enable_eigvec_derivs,
    )
    w, vr = outs[0], outs[-1]
    da = da.astype(vr.dtype)
    if not vectors:
        return [w], [_jnp().sum(_solve(vr, da) * _T(vr), axis=-1)]
    dw, dvr = _eigvec_jvp(w, vr, da)
    primal_out, tangent_out = [w], [dw]
    if compute_left_eigenvectors:
        vl = outs[1]
        _, dvl = _eigvec_jvp(_jnp().conj(w), vl, _H(da))
        primal_out.append(vl)
        tangent_out.append(dvl)
    if compute_right_eigenvectors:
        primal_out.append(vr)
        tangent_out.append(dvr)
    return primal_out, tangent_out


eig_p.def_jvp(_eig_jvp)
eig_p.def_batching(_leading_batch(eig_p))


# ---------------------------------------------------------------------------
# Schur decomposition

schur_p = Primitive("schur", multiple_results=True)


def schur(
    x: Any,
    *,
    compute_schur_vectors: bool = True,
    sort_eig_vals: bool = False,
    select_callable: Any = None,
) -> Any:
    """Schur decomposition A = Q·T·Qᴴ of a batch [..., n, n] (LAPACK gees): T upper
    (quasi-)triangular, Q unitary. Returns (T, Q), or (T,) without `compute_schur_vectors`.
    Real inputs give the real Schur form (2x2 blocks for complex conjugate pairs)."""
    del select_callable
    _check_matrix("lax.linalg.schur", core.get_aval(x), square=True)
    if sort_eig_vals:
        raise NotImplementedError(
            "lax.linalg.schur: the sort feature of LAPACK's gees routine is not implemented"
        )
    return tuple(schur_p.bind(x, compute_schur_vectors=bool(compute_schur_vectors)))


@schur_p.def_abstract_eval
def _schur_abstract_eval(x: ShapedArray, *, compute_schur_vectors: bool) -> list:
    _check_matrix("lax.linalg.schur", x, square=True)
    x = x.strip_weak_type()
    return [x, x] if compute_schur_vectors else [x]


@schur_p.def_lowering
def _schur_lower(ctx: Any, x: str, *, compute_schur_vectors: bool) -> list:
    aval = ctx.avals_in[0]
    if aval.size == 0:
        return _emit(ctx, lambda a: [a] * len(ctx.avals_out), [x], [aval])
    w_aval = core.shaped_array(aval.shape[:-1], aval.dtype)
    sdim_aval = _info_aval(aval.shape[:-2])  # the number of sorted eigenvalues
    real = not dtypes.is_complex(aval.dtype)
    res_avals = [aval, aval] + [w_aval] * (2 if real else 1) + [sdim_aval]
    core_ranks = (2, 2) + (1,) * (2 if real else 1) + (0,)
    cfg = {"mode": "V" if compute_schur_vectors else "N", "sort": "N"}

    def post(t: Any, q: Any, *rest: Any) -> list:
        out = [_nan_where_failed(t, rest[-1] == 0)]
        if compute_schur_vectors:
            out.append(_nan_where_failed(q, rest[-1] == 0))
        return out

    return _lapack(ctx, "gees_ffi", x, res_avals, core_ranks, post, cfg)


schur_p.def_batching(_leading_batch(schur_p))


# ---------------------------------------------------------------------------
# Hessenberg reduction

hessenberg_p = Primitive("hessenberg", multiple_results=True)


def hessenberg(a: Any) -> tuple[Any, Any]:
    """Reduces a batch [..., n, n] to upper Hessenberg form (LAPACK gehrd). Returns (a, taus):
    the Hessenberg matrix on and above the first subdiagonal of `a`, the Householder
    reflectors below it, and their scalar factors taus [..., n - 1]."""
    _check_matrix("lax.linalg.hessenberg", core.get_aval(a), square=True)
    a_out, taus = hessenberg_p.bind(a)
    return a_out, taus


@hessenberg_p.def_abstract_eval
def _hessenberg_abstract_eval(a: ShapedArray) -> list:
    _check_matrix("lax.linalg.hessenberg", a, square=True)
    n = a.shape[-1]
    return [a.strip_weak_type(), core.shaped_array((*a.shape[:-2], max(n - 1, 0)), a.dtype)]


@hessenberg_p.def_lowering
def _hessenberg_lower(ctx: Any, a: str) -> list:
    aval = ctx.avals_in[0]
    a_aval, tau_aval = ctx.avals_out
    n = aval.shape[-1]
    if aval.size == 0 or n == 1:
        return _emit(ctx, lambda x: [x, _jnp().zeros(tau_aval.shape, x.dtype)], [a], [aval])
    return _lapack(ctx, "gehrd_ffi", a, [a_aval, tau_aval], (2, 1), None, {"low": 1, "high": n})


hessenberg_p.def_batching(_leading_batch(hessenberg_p))


# ---------------------------------------------------------------------------
# Householder product

householder_product_p = Primitive("householder_product")


def householder_product(a: Any, taus: Any) -> Any:
    """The unitary matrix [..., m, n] (m >= n) that is the product of the elementary Householder
    reflectors stored below the diagonal of `a`, with scalar factors taus [..., k], k <= n
    (LAPACK orgqr/ungqr)."""
    return householder_product_p.bind(a, taus)


@householder_product_p.def_abstract_eval
def _householder_product_abstract_eval(a: ShapedArray, taus: ShapedArray) -> ShapedArray:
    fn = "lax.linalg.householder_product"
    _check_matrix(fn, a)
    *batch, m, n = a.shape
    if m < n:
        raise ValueError(
            f"{fn}: the first argument must have at least as many rows as columns, got "
            f"shape {a.shape}"
        )
    if taus.ndim != a.ndim - 1 or tuple(taus.shape[:-1]) != tuple(batch) or taus.shape[-1] > n:
        raise ValueError(
            f"{fn}: taus must have shape [..., k] with a's batch dims and k <= {n}; got a "
            f"{a.shape} and taus {taus.shape}"
        )
    if taus.dtype != a.dtype:
        raise TypeError(
            f"{fn}: a and taus must have the same dtype, got {a.str_short()} and {taus.str_short()}"
        )
    return a.strip_weak_type()


@householder_product_p.def_lowering
def _householder_product_lower(ctx: Any, a: str, taus: str) -> str:
    a_aval, t_aval = ctx.avals_in
    if a_aval.size == 0 or t_aval.shape[-1] == 0:

        def eye(x: Any, t: Any) -> list:
            jnp = _jnp()
            return [jnp.broadcast_to(jnp.eye(*a_aval.shape[-2:], dtype=x.dtype), x.shape)]

        return _emit(ctx, eye, [a, taus], [a_aval, t_aval])[0]
    name = "ungqr_ffi" if dtypes.is_complex(a_aval.dtype) else "orgqr_ffi"
    return _custom_call(
        ctx, name, [a, taus], [a_aval, t_aval], [a_aval], None, [(0, 0)], (2, 1), (2,)
    )[0]


def _householder_product_batch(vals: list, dims: list) -> tuple:
    a, taus = vals
    size = next(core.get_aval(v).shape[d] for v, d in zip(vals, dims) if d is not None)
    return householder_product_p.bind(
        move_dim(a, dims[0], 0, size), move_dim(taus, dims[1], 0, size)
    ), 0


householder_product_p.def_batching(_householder_product_batch)
