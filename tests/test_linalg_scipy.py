"""xjax.scipy.linalg matrix functions (expm, sqrtm, schur, polar, solve_sylvester, ...) and
special-matrix constructors: values and gradients against real JAX (the oracle)."""

from __future__ import annotations

import functools

import numpy as np
import pytest
import scipy.linalg

import xjax
import xjax.scipy.linalg
from tests._util import check_linalg, normal, x64_fixture  # noqa: F401  (the `x64` fixture)
from xjax.test_util import check_grads


def _inputs(dtype: str) -> dict:
    rng = np.random.default_rng(0)
    mat = functools.partial(normal, rng, dtype)

    real = "float64" if dtype in ("float64", "complex128") else "float32"
    a = mat(4, 4)
    return {
        "a": a,
        "ab": mat(2, 3, 3),
        "spd": (a @ np.conj(a.T) + 4 * np.eye(4)).astype(dtype),
        "r": mat(4, 3),
        "b3": mat(3, 3),
        "c": mat(4, 3),
        "v": mat(3),
        "w": mat(2, 4),
        "d": rng.standard_normal(5).astype(real),
        "e": rng.standard_normal(4).astype(real),
    }


_TOL = (5e-4, 1e-9)  # (32-bit, 64-bit)
L = "jax.scipy.linalg."
FUNCTIONS = [
    L + "expm(6 * a)",
    L + "expm(jnp.stack([a / 100, a * 1e4]), max_squarings=4)",  # Padé 3, then NaN
    L + "expm_frechet(a, spd)",
    L + "sqrtm(a)",
    L + "schur(a, output='complex')",
    L + "rsf2csf(*jax.scipy.linalg.schur(a))",
    L + "hessenberg(ab, calc_q=True)",
    L + "polar(r)",
    L + "polar(r.T, side='left')",
    L + "solve_sylvester(a, b3, c)",
    L + "eigh_tridiagonal(d, e, eigvals_only=True)",
    L + "funm(a, jnp.exp)",
    L + "qr_multiply(r, w[:, :3].T, mode='left')",
    L + "qr_multiply(r.T, v)",
]
# more options of the same functions (slow: each expression compiles on both sides)
VARIANTS = [
    L + "expm(jnp.triu(a), upper_triangular=True)",
    L + "sqrtm(spd)",
    L + "schur(a)",
    L + "hessenberg(a)",
    L + "polar(a)",
    L + "polar(r, method='svd', side='left')",
    L + "solve_sylvester(a, b3, c, method='eigen')",
    L + "solve_sylvester(a, -a, a)",
    L + "eigh_tridiagonal(d, e, eigvals_only=True, select='i', select_range=(1, 3))",
    L + "funm(spd, jnp.sqrt, disp=False)",
    L + "qr_multiply(ab, ab[0], conjugate=True)",
]
# other dtypes (each expression costs compiles on both sides)
CORE = [
    L + "expm(a)",
    L + "sqrtm(a)",
    L + "schur(a)",
    L + "hessenberg(ab, calc_q=True)",
    L + "polar(r)",
    L + "solve_sylvester(a, b3, c)",
    L + "toeplitz(v, w[0])",
    L + "companion(v)",
]
MATRICES = [
    L + "block_diag(a, v, 2.0, w)",
    L + "block_diag()",
    L + "toeplitz(v)",
    L + "toeplitz(v, w[0])",
    L + "toeplitz(ab[..., 0], v)",
    L + "hankel(v)",
    L + "hankel(v, w[0])",
    L + "hankel(w, v)",
    L + "circulant(v)",
    L + "circulant(w)",
    L + "companion(v)",
    L + "companion(w)",
    L + "leslie(w[0], v)",
    L + "fiedler(v)",
    L + "fiedler_companion(w[0])",
    L + "fiedler_companion(jnp.concatenate([v, v]))",
    L + "convolution_matrix(v, 5)",
    L + "convolution_matrix(w, 2, mode='same')",
    L + "convolution_matrix(w[0], 3, mode='valid')",
    L + "hilbert(4)",
    L + "invhilbert(4)",
    L + "pascal(5)",
    L + "pascal(4, 'lower')",
    L + "invpascal(4)",
    L + "invpascal(3, 'upper')",
    L + "helmert(4)",
    L + "helmert(3, full=True)",
    L + "hadamard(4)",
    L + "hadamard(2, dtype=jnp.float32)",
    L + "dft(4)",
    L + "dft(3, 'sqrtn')",
    L + "dft(3, scale='n', dtype=jnp.complex64)",
]


@pytest.mark.oracle
def test_values_match_jax(oracle):
    check_linalg(oracle, FUNCTIONS + MATRICES, _inputs("float32"), tol=_TOL)


@pytest.mark.oracle
@pytest.mark.slow
def test_variants_match_jax(oracle):
    check_linalg(oracle, VARIANTS, _inputs("float32"), tol=_TOL)


@pytest.mark.oracle
@pytest.mark.parametrize(
    "dtype,wide",
    [
        ("complex64", False),
        ("float64", True),
        pytest.param("complex128", True, marks=pytest.mark.slow),
    ],
)
def test_values_match_jax_other_dtypes(oracle, dtype, wide, request):
    exprs = CORE
    if wide:
        request.getfixturevalue("x64")
        exprs = CORE + [L + "expm(6 * a)", L + "invhilbert(5)", L + "dft(4)", L + "helmert(4)"]
    check_linalg(oracle, exprs, _inputs(dtype), x64=wide, tol=_TOL)


GRADS = [
    "jax.grad(lambda a: jnp.sum(jnp.sin(jax.scipy.linalg.expm(3 * a))))(a)",
    "jax.grad(lambda a: jnp.sum(jax.scipy.linalg.polar(a, method='svd')[1] ** 2))(r)",
    "jax.grad(lambda v, w: jnp.sum(jax.scipy.linalg.toeplitz(v, w) ** 2), (0, 1))(v, w[0])",
    "jax.grad(lambda a, v: jnp.sum(jax.scipy.linalg.block_diag(a, v) ** 3), (0, 1))(a, v)",
]


@pytest.mark.oracle
def test_grads_match_jax(oracle, x64):
    # (JAX's default polar method, QDWH, has no reverse-mode derivative)
    check_linalg(oracle, GRADS, _inputs("float64"), x64=True, tol=1e-7)


def test_check_grads(x64):
    rng = np.random.default_rng(1)
    a = rng.standard_normal((3, 3))
    sl = xjax.scipy.linalg
    check_grads(sl.expm, (a,), order=1, modes=("fwd", "rev"))


def test_reconstructions():
    rng = np.random.default_rng(2)
    a = rng.standard_normal((4, 4)).astype(np.float32)
    sl = xjax.scipy.linalg
    d = rng.standard_normal(5).astype(np.float32)
    e = rng.standard_normal(4).astype(np.float32)
    w, v = sl.eigh_tridiagonal(d, e)
    t = np.diag(d) + np.diag(e, 1) + np.diag(e, -1)
    np.testing.assert_allclose(t @ np.asarray(v), np.asarray(v) * np.asarray(w), atol=1e-4)
    np.testing.assert_allclose(np.asarray(w), scipy.linalg.eigh_tridiagonal(d, e)[0], rtol=1e-5)
    h, q = map(np.asarray, sl.hessenberg(a, calc_q=True))
    np.testing.assert_allclose(q @ h @ q.T, a, atol=1e-5)
    s = np.asarray(sl.sqrtm(a))
    np.testing.assert_allclose(s @ s, a, atol=1e-4)
    np.testing.assert_allclose(np.asarray(sl.expm(a)), scipy.linalg.expm(a), rtol=1e-4)
    # batched inputs and 0-sized matrices
    assert sl.expm(np.zeros((2, 0, 0), np.float32)).shape == (2, 0, 0)
    assert sl.hessenberg(np.zeros((0, 0), np.float32), calc_q=True)[1].shape == (0, 0)
    assert sl.toeplitz(np.zeros((0,), np.float32)).shape == (0, 0)


def test_errors():
    sl = xjax.scipy.linalg
    with pytest.raises(ValueError, match=r"expm.*square.*\(2, 3\)"):
        sl.expm(np.ones((2, 3), np.float32))
    with pytest.raises(ValueError, match="schur.*'real' or 'complex'"):
        sl.schur(np.eye(2), output="both")
    with pytest.raises(ValueError, match="polar.*side"):
        sl.polar(np.eye(2), side="up")
    with pytest.raises(NotImplementedError, match="qdwh"):
        sl.polar(np.ones((2, 3), np.float32))
    with pytest.raises(NotImplementedError, match="blocked"):
        sl.sqrtm(np.eye(2), blocksize=2)
    with pytest.raises(ValueError, match="power of 2"):
        sl.hadamard(6)
    with pytest.raises(TypeError, match="toeplitz"):
        sl.toeplitz([1.0, 2.0])
    with pytest.raises(ValueError, match="solve_sylvester.*incompatible"):
        sl.solve_sylvester(np.eye(2), np.eye(3), np.ones((3, 3)))
    with pytest.raises(ValueError, match="leslie"):
        sl.leslie(np.ones(3), np.ones(3))
