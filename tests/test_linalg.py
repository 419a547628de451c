"""xjax.lax.linalg, xjax.numpy.linalg and xjax.scipy.linalg: values and gradients against real
JAX (the oracle), numerical gradient checks, vmap against a loop, jit against eager."""

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

    def spd(*shape: int) -> np.ndarray:
        x = mat(*shape)
        n = shape[-1]
        return (x @ np.conj(np.swapaxes(x, -1, -2)) + n * np.eye(n)).astype(dtype)

    a = mat(4, 4) + 3 * np.eye(4, dtype=dtype)
    return {
        "a": a,
        "ab": mat(2, 4, 4) + 3 * np.eye(4, dtype=dtype),
        "spd": spd(4, 4),
        "spdb": spd(2, 3, 3),
        "b": mat(4, 3),
        "r": mat(5, 3),
        "w": mat(3, 5),
        "rb": mat(2, 5, 3),
        "b2": mat(5, 2),
        "t": np.triu(a) + 4 * np.eye(4, dtype=dtype),
        "low": (mat(5, 2) @ mat(2, 4)).astype(dtype),
    }


COMMON = [
    "jnp.linalg.inv(a)",
    "jnp.linalg.inv(ab)",
    "jnp.linalg.solve(a, b)",
    "jnp.linalg.solve(a, b[:, 0])",
    "jnp.linalg.solve(ab, b)",
    "jnp.linalg.det(a)",
    "jnp.linalg.det(ab)",
    "jnp.linalg.slogdet(a)",
    "jnp.linalg.slogdet(ab)",
    "jnp.linalg.cholesky(spd)",
    "jnp.linalg.cholesky(spdb)",
    "jnp.linalg.cholesky(spd, upper=True)",
    "jnp.linalg.cholesky(-spd)",
    "jnp.linalg.eigvalsh(spd)",
    "jnp.linalg.eigh(spdb)",
    "jnp.linalg.eigh(spd, UPLO='U')",
    "jnp.linalg.svd(r, compute_uv=False)",
    "jnp.linalg.svd(w, compute_uv=False)",
    "jnp.linalg.svd(rb, compute_uv=False)",
    "jnp.abs(jnp.linalg.svd(r, full_matrices=False)[0])",
    "jnp.abs(jnp.linalg.svd(w)[2])",
    "jnp.abs(jnp.linalg.svd(rb)[0])",
    "jnp.linalg.qr(r)",
    "jnp.linalg.qr(r, mode='complete')",
    "jnp.linalg.qr(w)",
    "jnp.linalg.qr(rb, mode='r')",
    "jnp.linalg.pinv(r)",
    "jnp.linalg.pinv(w)",
    "jnp.linalg.pinv(low)",
    "jnp.linalg.matrix_power(a, 5)",
    "jnp.linalg.matrix_power(a, -2)",
    "jnp.linalg.matrix_power(a, 0)",
    "jnp.linalg.matrix_rank(r)",
    "jnp.linalg.matrix_rank(low)",
    "jnp.linalg.lstsq(r, b2)",
    "jnp.linalg.lstsq(low, b2[:, 0])",
    "jnp.linalg.norm(a)",
    "jnp.linalg.norm(ab, axis=(1, 2))",
    "jnp.linalg.norm(b[:, 0], 3)",
    "jnp.linalg.norm(b, axis=0)",
    "jnp.linalg.norm(b[:, 0], 0)",
    "jnp.linalg.norm(b[:, 0], np.inf)",
    "jnp.linalg.norm(b[:, 0], -np.inf)",
    "jnp.linalg.norm(b[:, 0], 1)",
    "jnp.linalg.norm(r, 'nuc')",
    "jnp.linalg.norm(r, 2)",
    "jnp.linalg.norm(r, -2)",
    "jnp.linalg.norm(r, 1)",
    "jnp.linalg.norm(r, -1)",
    "jnp.linalg.norm(r, np.inf)",
    "jnp.linalg.norm(r, -np.inf)",
    "jnp.linalg.norm(rb, 'fro', axis=(2, 1), keepdims=True)",
    "jnp.linalg.norm(rb, 2, axis=(0, 2))",
    "jnp.linalg.norm(rb, np.inf, axis=(2, 0))",
    "lax.linalg.lu(a)",
    "lax.linalg.lu(r)",
    "lax.linalg.lu(w)",
    "lax.linalg.lu(ab)",
    "lax.linalg.lu_pivots_to_permutation(lax.linalg.lu(ab)[1], 4)",
    "lax.linalg.triangular_solve(t, b, left_side=True)",
    "lax.linalg.triangular_solve(t, b.T, lower=False, transpose_a=True, conjugate_a=True)",
    "lax.linalg.triangular_solve(t.T, b, left_side=True, lower=True, unit_diagonal=True)",
    "lax.linalg.triangular_solve(t, b[:, 0], left_side=True, transpose_a=True)",
    "lax.linalg.cholesky(spdb, symmetrize_input=False)",
    "jax.scipy.linalg.solve_triangular(t, b)",
    "jax.scipy.linalg.solve_triangular(t, b, trans=1)",
    "jax.scipy.linalg.solve_triangular(t.T, b[:, 0], trans='C', lower=True)",
    "jax.scipy.linalg.cho_solve(jax.scipy.linalg.cho_factor(spd), b)",
    "jax.scipy.linalg.cho_solve(jax.scipy.linalg.cho_factor(spd, lower=True), b[:, 0])",
    "jax.scipy.linalg.cholesky(spd)",
    "jax.scipy.linalg.lu_factor(a)",
    "jax.scipy.linalg.lu_solve(jax.scipy.linalg.lu_factor(a), b)",
    "jax.scipy.linalg.lu_solve(jax.scipy.linalg.lu_factor(a), b, trans=1)",
    "jax.scipy.linalg.lu_solve(jax.scipy.linalg.lu_factor(a), b[:, 0], trans=2)",
    "jax.scipy.linalg.lu(r)",
    "jax.scipy.linalg.lu(w, permute_l=True)",
    "jax.scipy.linalg.solve(spd, b, assume_a='pos')",
    "jax.scipy.linalg.det(ab)",
]

# Other dtypes run a core subset (each expression costs compiles on both sides).
CORE = [
    "jnp.linalg.inv(ab)",
    "jnp.linalg.solve(a, b[:, 0])",
    "jnp.linalg.det(ab)",
    "jnp.linalg.slogdet(ab)",
    "jnp.linalg.cholesky(spdb)",
    "jnp.linalg.eigh(spdb)",
    "jnp.linalg.svd(rb, compute_uv=False)",
    "jnp.abs(jnp.linalg.svd(r, full_matrices=False)[0])",
    "jnp.linalg.qr(r)",
    "jnp.linalg.qr(w, mode='complete')",
    "jnp.linalg.pinv(w)",
    "jnp.linalg.lstsq(r, b2)",
    "jnp.linalg.norm(r, 'nuc')",
    "jnp.linalg.norm(rb, 2, axis=(0, 2))",
    "jnp.linalg.matrix_power(a, -2)",
    "jnp.linalg.matrix_rank(low)",
    "lax.linalg.lu(ab)",
    "lax.linalg.triangular_solve(t, b.T, lower=False, transpose_a=True, conjugate_a=True)",
    "jax.scipy.linalg.solve_triangular(t.T, b[:, 0], trans='C', lower=True)",
    "jax.scipy.linalg.cho_solve(jax.scipy.linalg.cho_factor(spd), b)",
    "jax.scipy.linalg.lu_solve(jax.scipy.linalg.lu_factor(a), b[:, 0], trans=2)",
]


@pytest.mark.oracle
@pytest.mark.parametrize("dtype", ["float32", "complex64"])
def test_values_match_jax(oracle, dtype):
    # float32 runs eagerly (the user's path); the other dtypes compile each expression once
    eager = dtype == "float32"
    exprs = COMMON if eager else CORE
    _util.check_linalg(oracle, exprs, _inputs(dtype), jit=None if eager else "each")


@pytest.mark.oracle
@pytest.mark.parametrize("dtype", ["float64", "complex128"])
def test_values_match_jax_x64(oracle, x64, dtype):
    exprs = CORE if dtype == "float64" else CORE[:8]
    _util.check_linalg(oracle, exprs, _inputs(dtype), x64=True, jit="each")


GRAD_EXPRS = [
    "jax.grad(lambda a: jnp.linalg.slogdet(a)[1])(a)",
    "jax.grad(lambda a: jnp.linalg.det(a))(a)",
    "jax.grad(lambda a, b: jnp.sum(jnp.linalg.solve(a, b) ** 2), (0, 1))(a, b)",
    "jax.grad(lambda a: jnp.sum(jnp.sin(jnp.linalg.inv(a))))(a)",
    "jax.grad(lambda a: jnp.sum(jnp.linalg.cholesky(a) ** 3))(spd)",
    "jax.grad(lambda a: jnp.sum(jnp.linalg.eigvalsh(a) ** 3))(spd)",
    "jax.grad(lambda a: jnp.sum(jnp.linalg.eigh(a)[1][:, 0] ** 2 * jnp.arange(4.)))(spd)",
    "jax.grad(lambda a: jnp.sum(jnp.linalg.svd(a, compute_uv=False) ** 3))(r)",
    "jax.grad(lambda a: jnp.sum(jnp.linalg.svd(a, full_matrices=False)[0] ** 4))(r)",
    "jax.grad(lambda a: jnp.sum(jnp.linalg.qr(a)[1] ** 3))(r)",
    "jax.grad(lambda a: jnp.sum(jnp.linalg.qr(a)[0] ** 3))(w)",
    "jax.grad(lambda a: jnp.sum(jnp.linalg.qr(a, mode='complete')[0] ** 3))(r)",
    "jax.grad(lambda a: jnp.sum(jnp.linalg.pinv(a) ** 3))(r)",
    "jax.grad(lambda a: jnp.linalg.norm(a, 'nuc') + jnp.linalg.norm(a, 2))(r)",
    "jax.grad(lambda a: jnp.sum(lax.linalg.lu(a)[0] ** 3))(r)",
    "jax.grad(lambda a: jnp.sum(jnp.linalg.matrix_power(a, 3)))(a)",
    (
        "jax.grad(lambda t, b: jnp.sum(jax.scipy.linalg.solve_triangular(t, b, trans=1) ** 2),"
        " (0, 1))(t, b)"
    ),
    (
        "jax.grad(lambda s, b: jnp.sum(jax.scipy.linalg.cho_solve(jax.scipy.linalg.cho_factor(s),"
        " b)), (0, 1))(spd, b)"
    ),
    "jax.grad(lambda a, b: jnp.sum(jnp.linalg.lstsq(a, b)[0] ** 2), (0, 1))(r, b2)",
    "jax.grad(lambda a: jnp.sum(jnp.linalg.det(a)))(ab)",
]


# Complex inputs: gradients of real-valued functions (JAX's conjugate convention).
COMPLEX_GRAD_EXPRS = [
    "jax.grad(lambda a: jnp.real(jnp.sum(jnp.linalg.solve(a, b) ** 2)))(a)",
    "jax.grad(lambda a: jnp.linalg.slogdet(a)[1])(a)",
    "jax.grad(lambda a: jnp.sum(jnp.abs(jnp.linalg.cholesky(a)) ** 2))(spd)",
    "jax.grad(lambda a: jnp.sum(jnp.linalg.eigvalsh(a) ** 3))(spd)",
    "jax.grad(lambda a: jnp.sum(jnp.linalg.svd(a, compute_uv=False) ** 3))(r)",
    "jax.grad(lambda a: jnp.sum(jnp.abs(jnp.linalg.qr(a)[1]) ** 3))(r)",
    "jax.grad(lambda t: jnp.sum(jnp.abs(jax.scipy.linalg.solve_triangular(t, b, trans=2))))(t)",
    "jax.grad(lambda a: jnp.real(jnp.sum(lax.linalg.lu(a)[0] ** 2)))(a)",
]


@pytest.mark.oracle
@pytest.mark.parametrize("dtype", ["float64", "complex128"])
def test_grads_match_jax(oracle, x64, dtype):
    exprs = GRAD_EXPRS if dtype == "float64" else COMPLEX_GRAD_EXPRS
    _util.check_linalg(oracle, exprs, _inputs(dtype), x64=True, jit="each")


def _spd(rng, n):
    x = rng.standard_normal((n, n))
    return x @ x.T + n * np.eye(n)


def _distinct_sym(rng, n):
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    return (q * np.arange(1.0, n + 1)) @ q.T


def _distinct_sv(rng, m, n):
    u, _ = np.linalg.qr(rng.standard_normal((m, m)))
    v, _ = np.linalg.qr(rng.standard_normal((n, n)))
    s = np.zeros((m, n))
    k = min(m, n)
    s[np.arange(k), np.arange(k)] = np.arange(k, 0, -1) + 1.0
    return u @ s @ v.T


def test_check_grads(x64):
    L = xlax.linalg
    jnp = xnp
    sl = xjax.scipy.linalg
    rng = np.random.default_rng(1)
    a = rng.standard_normal((3, 3)) + 3 * np.eye(3)
    spd = _spd(rng, 3)
    b = rng.standard_normal((3, 2))
    t = np.triu(a) + 2 * np.eye(3)
    cases = [
        (lambda x: L.cholesky(x), (spd,), 2),
        (lambda x: jnp.linalg.slogdet(x)[1], (a,), 2),
        (jnp.linalg.det, (a,), 2),
        (jnp.linalg.inv, (a,), 1),
        (jnp.linalg.solve, (a, b), 1),
        (lambda x, y: L.triangular_solve(x, y, left_side=True, lower=False), (t, b), 2),
        (lambda x, y: L.triangular_solve(x, y.T, lower=False, transpose_a=True), (t, b), 1),
        (lambda x, y: sl.solve_triangular(x.T, y, lower=True, unit_diagonal=True), (t, b), 1),
        (lambda x: L.lu(x)[0], (a,), 1),
        (lambda x: L.lu(x)[0], (rng.standard_normal((4, 3)),), 1),
        (lambda x: L.lu(x)[0], (rng.standard_normal((3, 4)),), 1),
        (lambda x: L.eigh(x)[1], (_distinct_sym(rng, 3),), 1),
        (lambda x: L.eigh(x)[0] ** 2, (_distinct_sym(rng, 3),), 1),
        (lambda x: L.svd(x, compute_uv=False), (_distinct_sv(rng, 4, 3),), 1),
        (lambda x: jnp.abs(L.svd(x, full_matrices=False)[0]), (_distinct_sv(rng, 4, 3),), 1),
        (lambda x: jnp.abs(L.svd(x, full_matrices=False)[2]), (_distinct_sv(rng, 3, 4),), 1),
        (lambda x: L.qr(x, full_matrices=False), (rng.standard_normal((4, 3)),), 1),
        (lambda x: L.qr(x), (rng.standard_normal((3, 4)),), 1),
        (lambda x: L.qr(x), (rng.standard_normal((4, 3)),), 1),  # full Q of a tall matrix
        (lambda x: L.qr(x), (rng.standard_normal((3, 3)),), 1),
        (jnp.linalg.pinv, (rng.standard_normal((4, 3)),), 1),
        # cho_factor reads one triangle: perturb symmetrically
        (lambda x, y: sl.cho_solve(sl.cho_factor(x + x.T), y), (spd, b), 1),
        (lambda x, y: sl.lu_solve(sl.lu_factor(x), y, trans=1), (a, b), 1),
    ]
    for i, (f, args, order) in enumerate(cases):
        try:
            # under jit each derivative is one compiled program instead of one per op
            check_grads(xjax.jit(f), args, order=order, modes=("fwd", "rev"))
        except AssertionError as e:
            raise AssertionError(f"case {i}: {e}") from None


def test_check_grads_complex(x64):
    # Forward mode only: xjax.test_util.check_vjp's inner-product identity does not yet follow
    # JAX's complex convention (conj(vjp(conj(ct)))); reverse mode is checked against the
    # oracle in test_grads_match_jax[complex128].
    L = xlax.linalg
    rng = np.random.default_rng(2)
    x = rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3))
    spd = x @ x.conj().T + 3 * np.eye(3)
    t = np.triu(x) + 3 * np.eye(3)
    b = rng.standard_normal((3, 2)) + 1j * rng.standard_normal((3, 2))
    fwd = ("fwd",)
    check_grads(L.cholesky, (spd,), order=1, modes=fwd)
    check_grads(
        lambda a, y: L.triangular_solve(a, y, left_side=True, transpose_a=True, conjugate_a=True),
        (t, b),
        order=1,
        modes=fwd,
    )
    check_grads(xnp.linalg.solve, (x + 3 * np.eye(3), b), order=1, modes=fwd)
    check_grads(lambda a: L.eigh(a)[1], (spd,), order=1, modes=fwd)
    check_grads(lambda a: L.qr(a)[1], (x,), order=1, modes=fwd)
    check_grads(lambda a: L.lu(a)[0], (x,), order=1, modes=fwd)


def _loop(f, *xs):
    outs = [f(*[x[i] for x in xs]) for i in range(xs[0].shape[0])]
    if isinstance(outs[0], (tuple, list)):
        return [np.stack([np.asarray(o[j]) for o in outs]) for j in range(len(outs[0]))]
    return np.stack([np.asarray(o) for o in outs])


def test_vmap_matches_loop_and_jit_matches_eager():
    L = xlax.linalg
    sl = xjax.scipy.linalg
    rng = np.random.default_rng(3)
    g = rng.standard_normal((3, 4, 4)).astype(np.float32) + 3 * np.eye(4, dtype=np.float32)
    spd = (g @ np.swapaxes(g, 1, 2)).astype(np.float32)
    b = rng.standard_normal((3, 4, 2)).astype(np.float32)
    r = rng.standard_normal((3, 5, 3)).astype(np.float32)
    fns = [
        (L.cholesky, (spd,)),
        (L.lu, (g,)),
        (L.lu, (r,)),
        (L.eigh, (spd,)),
        (lambda x: L.svd(x, compute_uv=False), (r,)),
        (lambda x: L.qr(x, full_matrices=False), (r,)),
        (lambda x, y: L.triangular_solve(x, y, left_side=True, lower=True), (g, b)),
        (xnp.linalg.solve, (g, b)),
        (xnp.linalg.det, (g,)),
        (xnp.linalg.inv, (g,)),
        (lambda y: sl.cho_solve(sl.cho_factor(spd[0]), y), (b,)),  # unmapped factor
        (lambda x: L.triangular_solve(x, b[0], left_side=True), (g,)),  # unmapped b
    ]
    for f, args in fns:
        want = _loop(f, *args)
        got = xjax.vmap(f)(*args)
        jitted = xjax.jit(f)(*[x[0] for x in args])
        eager = f(*[x[0] for x in args])
        for gg, ww in zip(_util.flat_leaves(got), _util.flat_leaves(want)):
            np.testing.assert_allclose(np.asarray(gg), ww, rtol=1e-4, atol=1e-4)
        for jj, ee in zip(_util.flat_leaves(jitted), _util.flat_leaves(eager)):
            np.testing.assert_allclose(np.asarray(jj), np.asarray(ee), rtol=1e-5, atol=1e-5)
    # nested vmap and vmap over a non-leading axis
    g2 = np.stack([g, g + 1])
    got = xjax.vmap(xjax.vmap(xnp.linalg.det))(g2)
    np.testing.assert_allclose(np.asarray(got), np.linalg.det(g2), rtol=1e-4)
    got = xjax.vmap(L.cholesky, in_axes=2, out_axes=1)(np.moveaxis(spd, 0, 2))
    np.testing.assert_allclose(
        np.asarray(got), np.moveaxis(np.linalg.cholesky(spd), 0, 1), rtol=1e-4, atol=1e-5
    )


def test_vmap_of_grad():
    rng = np.random.default_rng(4)
    g = rng.standard_normal((3, 3, 3)).astype(np.float32) + 3 * np.eye(3, dtype=np.float32)
    f = xjax.grad(lambda x: xnp.linalg.slogdet(x)[1])
    got = xjax.vmap(f)(g)
    np.testing.assert_allclose(np.asarray(got), np.swapaxes(np.linalg.inv(g), 1, 2), rtol=1e-4)


def test_errors():
    L = xlax.linalg
    with pytest.raises(ValueError, match=r"cholesky.*\(3, 4\)"):
        L.cholesky(np.ones((3, 4), np.float32))
    with pytest.raises(ValueError, match=r"cholesky.*\(3,\)"):
        L.cholesky(np.ones((3,), np.float32))
    with pytest.raises(ValueError, match=r"jnp.linalg.inv.*\(2, 3\)"):
        xnp.linalg.inv(np.ones((2, 3), np.float32))
    with pytest.raises(ValueError, match=r"triangular_solve.*incompatible"):
        L.triangular_solve(np.eye(3, dtype=np.float32), np.ones((4, 2), np.float32), left_side=True)
    with pytest.raises(TypeError, match=r"eigh.*f16"):
        L.eigh(np.eye(3, dtype=np.float16))
    with pytest.raises(ValueError, match=r"jnp.linalg.solve"):
        xnp.linalg.solve(np.eye(3, dtype=np.float32), np.ones((4,), np.float32))
    with pytest.raises(ValueError, match=r"eigh.*\[\.\.\., n, n\]"):
        L.eigh(np.ones((2, 3), np.float32))


def test_integer_inputs_promote_and_empty():
    a = np.array([[2, 1], [1, 3]], np.int32)
    assert xnp.linalg.det(a).dtype == np.float32
    np.testing.assert_allclose(np.asarray(xnp.linalg.inv(a)), np.linalg.inv(a), rtol=1e-6)
    e = np.zeros((0, 0), np.float32)
    assert xnp.linalg.det(e).shape == ()
    assert xnp.linalg.cholesky(e).shape == (0, 0)
    assert xnp.linalg.svd(np.zeros((0, 3), np.float32), compute_uv=False).shape == (0,)
    assert xlax.linalg.lu(np.zeros((2, 0, 3), np.float32))[2].shape == (2, 0)
