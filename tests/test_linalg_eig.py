"""xjax.lax.linalg eig/schur/hessenberg/householder_product and the jnp.linalg functions added
beside them (eig, eigvals, cond, multi_dot, tensorsolve, ...), det/slogdet/solve with JAX's
derivative rules: values and gradients against real JAX (the oracle), vmap against a loop."""

from __future__ import annotations

import functools

import numpy as np
import pytest

import xjax
import xjax.lax as xlax
import xjax.lax.linalg
import xjax.numpy as xnp
import xjax.numpy.linalg
import xjax.scipy.linalg
from tests import _util
from tests._util import x64_fixture  # noqa: F401  (the `x64` fixture)
from xjax.test_util import check_grads


def _inputs(dtype: str, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    mat = functools.partial(_util.normal, rng, dtype)

    sing = mat(5, 2) @ mat(2, 5)  # rank 2
    rank4 = mat(5, 4) @ mat(4, 5)  # rank n-1
    return {
        "a": mat(4, 4),
        "ab": mat(2, 3, 3),
        "a5": mat(5, 5) + 2 * np.eye(5, dtype=dtype),
        "b": mat(4, 2),
        "v": mat(3),
        "w": mat(2, 3),
        "sing": sing.astype(dtype),
        "rank4": rank4.astype(dtype),
        "t": mat(2, 3, 6),
        "e0": np.zeros((0, 0), dtype),
        "e2": np.zeros((2, 0, 0), dtype),
    }


EXPRS = [
    "lax.linalg.eig(a)",
    "lax.linalg.eig(ab, compute_left_eigenvectors=False)",
    "lax.linalg.eig(a, compute_right_eigenvectors=False)",
    "lax.linalg.eig(e2)",
    "jnp.linalg.eig(a)",
    "jnp.linalg.eigvals(ab)",
    "lax.linalg.schur(a)",
    "lax.linalg.schur(ab, compute_schur_vectors=False)",
    "lax.linalg.hessenberg(a5)",
    "lax.linalg.householder_product(t[0].T, v)",
    "jnp.linalg.det(a5)",
    "jnp.linalg.det(ab)",
    "jnp.linalg.det(sing)",
    "jnp.linalg.det(e2)",
    "jnp.linalg.slogdet(a5)",
    "jnp.linalg.slogdet(sing)",
    "jnp.linalg.slogdet(w[:, :2, None] * w[:, None, :2])",
    "jnp.linalg.slogdet(ab[:, :1, :1])",
    "jnp.linalg.solve(a, b)",
    "jnp.linalg.solve(ab, v)",
    "jnp.linalg.cond(a)",
    "jnp.linalg.cond(ab, 1)",
    "jnp.linalg.cond(a, -2)",
    "jnp.linalg.cond(a, 'fro')",
    "jnp.linalg.cond(sing, np.inf)",
    "jnp.linalg.cross(w, v)",
    "jnp.linalg.diagonal(t, offset=1)",
    "jnp.linalg.matmul(ab, w.T)",
    "jnp.linalg.matrix_transpose(t)",
    "jnp.linalg.multi_dot([v, ab[0], t[0], t[1].T])",
    "jnp.linalg.multi_dot([a, b])",
    "jnp.linalg.outer(v, w[0])",
    "jnp.linalg.tensordot(t, t, axes=((1, 2), (1, 2)))",
    "jnp.linalg.tensorinv(a5[:4, :4].reshape(4, 2, 2), ind=1)",
    "jnp.linalg.tensorsolve(a5[:4, :4].reshape(2, 2, 4), b[:, 0].reshape(2, 2))",
    "jnp.linalg.trace(t, offset=-1)",
    "jnp.linalg.vecdot(w, v)",
]


# Other dtypes run the decompositions only (each expression costs compiles on both sides).
CORE = [
    e
    for e in EXPRS
    if "eig" in e
    or "schur" in e
    or "hessenberg" in e
    or "householder" in e
    or "det(" in e
    or "solve(a, b)" in e
]


@pytest.mark.oracle
@pytest.mark.parametrize("dtype", ["float32", "complex64"])
def test_values_match_jax(oracle, dtype):
    _util.check_linalg(oracle, EXPRS if dtype == "float32" else CORE, _inputs(dtype))


@pytest.mark.oracle
@pytest.mark.parametrize("dtype", ["float64", "complex128"])
def test_values_match_jax_x64(oracle, x64, dtype):
    _util.check_linalg(oracle, CORE, _inputs(dtype), x64=True)


def test_eager_eig_and_schur_reconstruct():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((2, 4, 4)).astype(np.float32)
    w, vl, vr = xlax.linalg.eig(a)
    w, vl, vr = map(np.asarray, (w, vl, vr))
    assert w.dtype == vl.dtype == vr.dtype == np.complex64
    np.testing.assert_allclose(a @ vr, vr * w[:, None, :], atol=1e-4)
    np.testing.assert_allclose(
        np.conj(np.swapaxes(vl, 1, 2)) @ a,
        w[:, :, None] * np.conj(np.swapaxes(vl, 1, 2)),
        atol=1e-4,
    )
    t, q = map(np.asarray, xlax.linalg.schur(a))
    np.testing.assert_allclose(q @ t @ np.swapaxes(q, 1, 2), a, atol=1e-5)
    h, taus = xlax.linalg.hessenberg(a)
    assert h.shape == (2, 4, 4) and taus.shape == (2, 3)


def test_eig_vmap_matches_loop():
    rng = np.random.default_rng(2)
    a = rng.standard_normal((3, 4, 4)).astype(np.float32)
    for f in (
        lambda x: xlax.linalg.eig(x),
        xnp.linalg.eigvals,
        lambda x: xlax.linalg.schur(x),
        lambda x: xlax.linalg.hessenberg(x),
    ):
        got = _util.flat_leaves(xjax.vmap(f)(a))
        loop = [_util.flat_leaves(f(a[i])) for i in range(3)]
        for j, g in enumerate(got):
            np.testing.assert_allclose(
                np.asarray(g), np.stack([np.asarray(lp[j]) for lp in loop]), rtol=1e-5, atol=1e-5
            )
    got = xjax.vmap(xnp.linalg.eigvals, in_axes=2)(np.moveaxis(a, 0, 2))
    np.testing.assert_allclose(np.asarray(got), np.asarray(xnp.linalg.eigvals(a)), rtol=1e-5)


GRAD_EXPRS = [
    "jax.grad(lambda a: jnp.sum(jnp.abs(jnp.linalg.eigvals(a)) ** 2))(a5)",
    (
        "jax.grad(lambda a: jnp.sum(jnp.real(lax.linalg.eig(a, compute_left_eigenvectors=False,"
        " compute_right_eigenvectors=False)[0] ** 2)))(a)"
    ),
    (
        "jax.grad(lambda a: jnp.sum(jnp.abs(lax.linalg.eig(a, compute_left_eigenvectors=False,"
        " enable_eigvec_derivs=True)[1]) ** 2 * jnp.arange(5.)))(a5)"
    ),
    "jax.grad(lambda a: jnp.real(jnp.linalg.det(a)))(a5)",
    "jax.grad(lambda a: jnp.real(jnp.linalg.det(a)))(sing)",
    "jax.grad(lambda a: jnp.real(jnp.linalg.det(a)))(rank4)",
    "jax.grad(lambda a: jnp.linalg.slogdet(a)[1])(a5)",
    "jax.grad(lambda a: jnp.sum(jnp.linalg.slogdet(a)[1]))(ab[:, :2, :2])",
    "jax.grad(lambda a, b: jnp.real(jnp.sum(jnp.linalg.solve(a, b) ** 2)), (0, 1))(a, b)",
    "jax.grad(lambda a: jnp.real(jnp.sum(jnp.linalg.inv(a))))(ab)",
    "jax.jvp(lambda a: jnp.linalg.det(a), (a5,), (a5 * 2,))",
    "jax.jvp(lambda a: jnp.linalg.slogdet(a), (a5,), (a5 * 2,))",
]


@pytest.mark.oracle
@pytest.mark.parametrize("dtype", ["float64", "complex128"])
def test_grads_match_jax(oracle, x64, dtype):
    exprs = GRAD_EXPRS if dtype == "float64" else GRAD_EXPRS[::2]
    _util.check_linalg(oracle, exprs, _inputs(dtype), x64=True, tol=1e-8)


def test_check_grads(x64):
    rng = np.random.default_rng(3)
    a = rng.standard_normal((4, 4)) + 2 * np.eye(4)
    sym = a + a.T  # real eigenvalues, well separated with this seed
    L = xlax.linalg
    cases = [
        (lambda x: xnp.abs(xnp.linalg.eigvals(x)), (a,), 1),
        # n > 3: the custom rule through the cofactor solve (tests/test_linalg.py covers
        # slogdet and solve)
        (xnp.linalg.det, (a,), 1),
        (
            lambda x: xnp.real(
                L.eig(x, compute_left_eigenvectors=False, enable_eigvec_derivs=True)[1]
            ),
            (sym,),
            1,
        ),
    ]
    for i, (f, args, order) in enumerate(cases):
        try:
            # eagerly: the jnp.linalg functions are jitted themselves, and eager ops are cached
            check_grads(f, args, order=order, modes=("fwd", "rev"))
        except AssertionError as e:
            raise AssertionError(f"case {i}: {e}") from None


def test_det_singular_values_and_grads_are_finite():
    a = np.ones((4, 4), np.float32)
    assert float(xnp.linalg.det(a)) == 0.0
    g = xjax.jit(xjax.grad(xnp.linalg.det))(a)
    assert np.isfinite(np.asarray(g)).all()
    sign, logdet = xnp.linalg.slogdet(a)
    assert float(sign) == 0.0 and float(logdet) == -np.inf


def test_errors():
    L = xlax.linalg
    with pytest.raises(ValueError, match=r"lax.linalg.eig.*\[\.\.\., n, n\].*\(3, 4\)"):
        L.eig(np.ones((3, 4), np.float32))
    with pytest.raises(TypeError, match=r"lax.linalg.eig.*i32"):
        L.eig(np.ones((3, 3), np.int32))
    with pytest.raises(ValueError, match=r"jnp.linalg.eigvals.*\(2, 3\)"):
        xnp.linalg.eigvals(np.ones((2, 3), np.float32))
    with pytest.raises(ValueError, match=r"schur.*\(3, 4\)"):
        L.schur(np.ones((3, 4), np.float32))
    with pytest.raises(ValueError, match=r"hessenberg.*\(3,\)"):
        L.hessenberg(np.ones((3,), np.float32))
    with pytest.raises(NotImplementedError, match="enable_eigvec_derivs"):
        xjax.grad(lambda x: xnp.sum(xnp.abs(L.eig(x)[2])))(np.eye(3, dtype=np.float32))
    with pytest.raises(ValueError, match="jnp.linalg.cond.*square"):
        xnp.linalg.cond(np.ones((2, 3), np.float32), 1)
    with pytest.raises(ValueError, match="multi_dot.*shapes"):
        xnp.linalg.multi_dot([np.ones((2, 3)), np.ones((2, 3))])
    with pytest.raises(ValueError, match="tensorinv"):
        xnp.linalg.tensorinv(np.ones((4, 2, 3)))
    with pytest.raises(ValueError, match="outer.*one-dimensional"):
        xnp.linalg.outer(np.ones((2, 2)), np.ones(2))
