"""Differential tests against real JAX of xjax/_src/numpy/functional.py: vectorize, piecewise,
apply_along_axis, apply_over_axes, matvec / vecmat (values, dtypes, weak types, errors; jit,
vmap, grad).

Expressions are batched into one oracle round trip per test (`tests._util.check`).
"""

import numpy as np
import pytest

import xjax.numpy as xnp
from tests._util import check, small_arrays, x64_fixture  # noqa: F401  (the `x64` fixture)
from xjax.test_util import check_grads

pytestmark = pytest.mark.oracle

VECTORIZE = [
    "jnp.vectorize(jnp.add)(x2, x1[:4])", "jnp.vectorize(lambda a: a * 2)(3)", "jnp.vectorize(lambda a: a * 2)(x0)",
    "jnp.vectorize(lambda a, b: a @ b, signature='(n,m),(m)->(n)')(x3, x2[0])",
    "jnp.vectorize(lambda a: (a.sum(), a.max()), signature='(n)->(),()')(x2)",
    "jnp.vectorize(lambda a, b: a * b, excluded={1})(x1, 2.0)",
    "jnp.vectorize(lambda a, k: a ** k, excluded={'k'})(x1, k=2)",
    "jnp.vectorize(lambda a, p: jnp.sum(a[:p]), excluded={1}, signature='(n)->()')(x2, 2)",
    "jnp.vectorize(lambda a, b: jnp.dot(a, b), signature='(n),(n)->()')(x2, x2[:1])",
    "jnp.vectorize(lambda a, b: a - b)(x3, x2)", "jnp.vectorize(lambda a, b: a + b)(e, x1[:3])",
    "jnp.vectorize(lambda a, n: a * 2 if n is None else a)(x1, None)",
    "jnp.vectorize(lambda a: a.astype(jnp.int8))(x2 * 10)",
    "jnp.vectorize(jnp.sum, signature='(n)->()')(x2.astype(jnp.bfloat16))",
    "jnp.vectorize(jnp.cumsum, signature='(n)->(n)')(x3.astype(jnp.float16))",
    "jnp.vectorize(lambda a: a > 0)(x2.astype(jnp.int8))",
    "jax.jit(jnp.vectorize(lambda a, b: a @ b, signature='(n,m),(m)->(n)'))(x3, x2[0])",
    "jax.vmap(jnp.vectorize(lambda a, b: a * b, signature='(n),(n)->(n)'))(x2, x2)",
    "jax.grad(lambda x: jnp.vectorize(lambda a: jnp.sin(a) * a)(x).sum())(x2)",
    ("jax.jvp(lambda a: jax.jvp(lambda b: jnp.vectorize(lambda p, q: jnp.dot(p, q) * jnp.tanh(p), "
     "signature='(n),(n)->(n)')(b, b[0]), (a,), (jnp.ones_like(a),))[1], (x2,), (x2,))"),
    # errors
    "jnp.vectorize(lambda a, b: a @ b, signature='(n,k),(k)->(k)')(x1, x1)",
    "jnp.vectorize(lambda a, b: a @ b, signature='(n,k),(k)->(n)')(x2, x1)",
    "jnp.vectorize(lambda a, b: a @ b, signature='(n, m), (m) -> (n)')(x2, x1[:4])",
    "jnp.vectorize(lambda a: a, signature='(n)->(m)x')(x1)", "jnp.vectorize(lambda a: a, signature='(n)->()')(x1)",
    "jnp.vectorize(lambda a: a, excluded={-1})", "jnp.vectorize(lambda a: a, excluded={1.5})",
    "jnp.vectorize(lambda a, b: a, signature='(n)->(n)')(x1, x1)",
    "jnp.vectorize(lambda a: (a, a), signature='()->()')(x1)", "jnp.vectorize(lambda a: a, signature='()->(),()')(x1)",
    "jnp.vectorize(lambda a, b: a, signature='(n),()->(n)')(x1, None)", "jnp.vectorize(lambda a, b: a + b)(x1, x2)",
]

PIECEWISE = [
    "jnp.piecewise(x1, [x1 < 0, x1 > 0.5], [lambda x: -x, 7., lambda x: x * 2])",
    "jnp.piecewise(x1, [x1 < 0], [lambda x: -x])", "jnp.piecewise(x1, [x1 < 0, x1 < 1], [1, 2])",
    "jnp.piecewise(x2, x2 > 0, [lambda x: x ** 2])", "jnp.piecewise(x1, [True, False], [lambda x: x + 1, 0.])",
    "jnp.piecewise(x1.astype(jnp.int32), [x1 > 0], [lambda x: x * 2.5, -1])",
    "jnp.piecewise(3.0, [True], [lambda x: x + 1])", "jnp.piecewise(x0, [x0 > 0], [1., 2.])",
    "jnp.piecewise(x1, [x1 > 0], [lambda x, a, b=0: x * a + b], 3.0, b=1.0)",
    "jnp.piecewise(x1.astype(jnp.float16), [x1 > 0], [jnp.cos, 0.5])",
    "jnp.piecewise(x1.astype(jnp.bfloat16), [x1 > 0, x1 < -1], [jnp.sin, 1, jnp.exp])",
    "jnp.piecewise(e, [e > 0], [1.0])",
    "jax.jit(lambda x: jnp.piecewise(x, [x < 0, x > 1], [lambda v: -v, lambda v: v ** 2, lambda v: v]))(x2)",
    "jax.grad(lambda x: jnp.piecewise(x, [x < 0], [lambda v: v ** 2, lambda v: jnp.sin(v)]).sum())(x1)",
    "jnp.piecewise(x1, [x1 > 0], [lambda x: x, 1, 2])", "jnp.piecewise(x1, [x1 > 0, x1 > 1], [1])",
]

APPLY = [
    "jnp.apply_along_axis(jnp.sum, 0, x2)", "jnp.apply_along_axis(lambda v: v ** 2, 1, x2)",
    "jnp.apply_along_axis(jnp.cumsum, -1, x3)", "jnp.apply_along_axis(lambda v: jnp.outer(v, v), 1, x3)",
    "jnp.apply_along_axis(lambda v, p: jnp.sum(v ** p), 1, x2, 2)",
    "jnp.apply_along_axis(lambda v, p=1: jnp.sum(v * p), 1, x2, p=3)", "jnp.apply_along_axis(jnp.sum, 0, x1)",
    "jnp.apply_along_axis(jnp.max, 1, x2.astype(jnp.int8))", "jnp.apply_along_axis(jnp.sum, 0, x2.astype(jnp.bfloat16))",
    "jnp.apply_along_axis(jnp.sum, 1, e)", "jnp.apply_along_axis(lambda v: v[0] > 0, -2, x3)",
    "jax.jit(lambda x: jnp.apply_along_axis(jnp.sort, 0, x))(x2)",
    "jax.grad(lambda x: jnp.apply_along_axis(lambda v: jnp.sum(v ** 3), 1, x).sum())(x2)",
    "jnp.apply_along_axis(jnp.sum, 2, x2)", "jnp.apply_along_axis(jnp.sum, 0, x0)", "jnp.apply_along_axis(jnp.sum, 0, [1, 2])",
    "jnp.apply_over_axes(jnp.sum, x3, [0, 2])", "jnp.apply_over_axes(jnp.sum, x3, (-1,))",
    "jnp.apply_over_axes(lambda a, ax: jnp.cumsum(a, ax), x2, [0, 1])", "jnp.apply_over_axes(jnp.sum, x2, [])",
    "jnp.apply_over_axes(jnp.max, x2.astype(jnp.int8), [1])", "jnp.apply_over_axes(jnp.sum, 2, [])",
    "jax.jit(lambda x: jnp.apply_over_axes(jnp.mean, x, [1, 0]))(x3)",
    "jnp.apply_over_axes(lambda a, ax: a.sum(), x2, [0])", "jnp.apply_over_axes(jnp.sum, [1], [0])",
]

MATVEC = [
    "jnp.matvec(x2, x2[0])", "jnp.matvec(x3, x1[:4])", "jnp.matvec(x3, x2)" if False else "jnp.matvec(x3[:, :2], x3[:, 0])",
    "jnp.vecmat(x1[:3], x2)", "jnp.vecmat(x2[:2, :3], x3)", "jnp.vecmat(x1[:3] * 1j + 1, x2.astype(jnp.complex64))",
    "jnp.matvec(x2.astype(jnp.int8), x2[0].astype(jnp.int8))", "jnp.matvec(x2.astype(jnp.bfloat16), x2[0])",
    "jnp.matvec(e.T, e[:, 0])", "jax.jit(jnp.vecmat)(x1[:3], x3)",
    "jax.grad(lambda m, v: jnp.matvec(m, v).sum(), argnums=(0, 1))(x2, x2[0])",
    "jnp.matvec(x2, x1)", "jnp.vecmat(x1, x2)", "jnp.matvec(x1, x1)", "jnp.matvec([[1.]], [1.])",
]


def test_vectorize(oracle):
    check(oracle, VECTORIZE, small_arrays(20), as_arrays=True)


def test_piecewise(oracle):
    check(oracle, PIECEWISE, small_arrays(21), as_arrays=True)


def test_apply_along_and_over_axes(oracle):
    check(oracle, APPLY, small_arrays(22), as_arrays=True)


def test_matvec_vecmat(oracle):
    check(oracle, MATVEC, small_arrays(23), as_arrays=True)


@pytest.mark.usefixtures("x64")  # float32 finite differences are too coarse at order 2
def test_grads_of_functional_helpers():
    x = xnp.asarray(np.random.default_rng(25).normal(size=(3, 4)))
    vec = xnp.vectorize(lambda a, b: xnp.dot(a, b) * xnp.tanh(a), signature="(n),(n)->(n)")
    check_grads(lambda a: vec(a, a[0]), (x,), order=2, modes=["fwd", "rev"])
    pw = lambda a: xnp.piecewise(a, [a < 0, a > 1], [xnp.sin, lambda v: v ** 3, lambda v: 2 * v])
    check_grads(pw, (x,), order=1, modes=["fwd", "rev"])
    check_grads(lambda a: xnp.apply_along_axis(lambda v: v * xnp.sum(v ** 2), 0, a), (x,), order=1)
    check_grads(lambda a, v: xnp.matvec(a, v), (x, x[0]), order=1)
