"""The special-function primitives (xjax/_src/lax/special.py) against real JAX.

Expressions see `jax`, `jnp`, `np`, `lax` and the test's inputs, xjax's here and JAX's in the
oracle worker; each test sends its expressions in one oracle call. The incomplete gamma/beta
primitives lower to while loops that take XLA seconds to compile (in JAX too), so their sweeps
are marked slow; the default run checks the loop-free ones, the jaxprs and the dtype errors.
"""

from __future__ import annotations

import functools

import ml_dtypes
import numpy as np
import pytest

import xjax
import xjax.numpy as xnp
from tests import _util
from xjax._src.lax import special
from xjax.test_util import check_grads

pytestmark = pytest.mark.oracle

NS = _util.Namespace(jax="", jnp="numpy", lax="lax")
# No expression may raise, unless a call passes errors="same": then both must raise one class.
check = functools.partial(_util.check, ns=NS, errors=None)


def _inputs(dtype) -> dict:
    dt = np.dtype(dtype)
    nan, inf = np.nan, np.inf
    with np.errstate(over="ignore"):
        return {
            # lax broadcasts equal ranks only: a (9, 1) against x (1, 11)
            "a": np.array([[-1.0], [0.0], [1e-3], [0.5], [1.0], [3.5], [40.0], [inf], [nan]]
                          ).astype(dt),
            "x": np.array([[-1.0, 0.0, 1e-4, 0.1, 0.9, 1.0, 2.5, 10.0, 60.0, inf, nan]]
                          ).astype(dt),
            "u": np.array([[[-0.5, 0.0, 1e-6, 0.2, 0.5, 0.7, 0.999, 1.0, 1.5, nan]]]).astype(dt),
            "r": np.array([-40.0, -6.0, -1.0, -1e-3, -0.0, 0.0, 1e-3, 0.5, 1.0, 2.5, 8.0, 8.5,
                           30.0, 700.0, inf, -inf, nan]).astype(dt),
            "p": np.array([1e-3, 0.3, 1.0, 1.5, 2.0, 4.5, 7.0, 12.0, 50.0, 0.0, -2.5, -3.0,
                           inf, nan]).astype(dt),
            "m": np.array([0.0, 1.0, 2.0, 3.0, 6.0, -1.0, 0.5]).astype(dt),
        }


# (xjax's lax takes a Python scalar in the other operand's dtype, where JAX's raises for
# bfloat16/float16: scalars here are float32-only.)
_LOOP_FREE = ["lax.polygamma(m[:, None], p[None, :])", "lax.zeta(p[:, None] + p[:1], p[None])",
              "lax.bessel_i0e(r)", "lax.bessel_i1e(r)", "lax.polygamma(m[1:2], r[:1])"]


@pytest.mark.parametrize("dtype", ["float32", pytest.param("bfloat16", marks=pytest.mark.slow),
                                   pytest.param("float16", marks=pytest.mark.slow)])
def test_loop_free_values(oracle, dtype):
    dt = np.dtype(getattr(ml_dtypes, dtype, dtype))
    tol = {"rtol": 2e-5, "atol": 2e-6} if dtype == "float32" else {"rtol": 2e-2, "atol": 2e-2}
    check(oracle, _LOOP_FREE, _inputs(dt), **tol)


def test_errors(oracle):
    """Wrong dtypes, mixed dtypes and mismatched shapes raise TypeError in both."""
    i32 = np.arange(3, dtype=np.int32)
    f32, f64 = np.ones(3, np.float32), np.ones(3, np.float64)
    exprs = ["lax.igamma(i, i)", "lax.igammac(f, i)", "lax.igamma_grad_a(f, d)",
             "lax.betainc(f, f, i)", "lax.betainc(f, f, np.ones(4, np.float32))",
             "lax.polygamma(i, f)", "lax.zeta(f, d)", "lax.bessel_i0e(i)", "lax.bessel_i1e(i)",
             "lax.igamma(f, np.ones((2, 3), np.float32))",
             "lax.random_gamma_grad(f, np.ones(4, np.float32))",
             "jax.grad(lambda t: lax.polygamma(t, 2.0))(1.0)",
             "jax.grad(lambda t: lax.betainc(t, 2.0, 0.5))(1.0)"]
    check(oracle, exprs, {"i": i32, "f": f32, "d": f64}, x64=True, errors="same")


def test_jaxprs_name_the_primitives():
    f = lambda a, x: (special.igamma(a, x), special.igammac(a, x), special.igamma_grad_a(a, x),
                      special.betainc(a, a, x), special.polygamma(a, x), special.zeta(a, x),
                      special.bessel_i0e(x), special.bessel_i1e(x))
    text = str(xjax.make_jaxpr(f)(np.float32(1), np.ones(3, np.float32)))
    for name in ("igamma ", "igammac", "igamma_grad_a", "regularized_incomplete_beta",
                 "polygamma", "zeta", "bessel_i0e", "bessel_i1e"):
        assert name in text, (name, text)
    assert "while" not in text  # the loops live in the lowering, not in the jaxpr
    out = xjax.eval_shape(f, np.float32(1), np.ones(3, np.float32))
    assert all(o.shape == (3,) and o.dtype == np.float32 for o in out)


def test_exported_from_xjax_lax():
    """xjax.lax re-exports the family (xjax/lax/__init__.py: from ...special import *)."""
    missing = [n for n in special.__all__ if getattr(xjax.lax, n, None) is not getattr(special, n)]
    assert not missing, f"xjax.lax lacks {missing}"


def test_loop_free_grads(oracle):
    x = np.array([-5.0, -1.3, -0.2, 1e-9, 0.4, 2.0, 9.0], np.float32)
    pos = np.array([0.3, 0.9, 1.7, 3.0, 6.5], np.float32)
    exprs = ["jax.grad(lambda t: lax.bessel_i0e(t).sum())(x)",
             "jax.grad(lambda t: lax.bessel_i1e(t).sum())(x)",
             "jax.grad(lambda t: lax.polygamma(jnp.float32(1), t).sum())(pos)",
             "jax.grad(jax.grad(lambda t: lax.bessel_i1e(t)))(jnp.float32(0.7))"]
    check(oracle, exprs, {"x": x, "pos": pos}, rtol=2e-5, atol=2e-6)


# -- the while-loop primitives (slow: seconds of XLA compilation each) ------------------------

_LOOPED = ["lax.igamma(a, x)", "lax.igammac(a, x)", "lax.igamma_grad_a(a, x)",
           "lax.random_gamma_grad(a, x)", "lax.betainc(a[:, :, None], a.T[:, :, None], u)"]


@pytest.mark.slow
@pytest.mark.parametrize("dtype", ["float32", "bfloat16"])
def test_looped_values(oracle, dtype):
    dt = np.dtype(getattr(ml_dtypes, dtype, dtype))
    tol = {"rtol": 2e-5, "atol": 2e-6} if dtype == "float32" else {"rtol": 2e-2, "atol": 2e-2}
    check(oracle, _LOOPED, _inputs(dt), **tol)


@pytest.mark.slow
def test_values_x64(oracle):
    check(oracle, _LOOPED + _LOOP_FREE + ["lax.zeta(m, 2.0)", "lax.polygamma(1.0, r)"],
          _inputs(np.float64), x64=True, rtol=1e-12, atol=1e-13)


_A = np.array([[0.3, 1.0, 2.5, 7.0], [0.05, 4.0, 12.0, 1.5]], np.float32)
_X = np.array([[0.2, 1.5, 4.0, 5.0], [0.01, 6.0, 9.0, 0.7]], np.float32)
_V = np.array([[0.1, 0.5, 0.9, 0.3], [0.02, 0.7, 0.45, 0.99]], np.float32)


@pytest.mark.slow
def test_looped_grads_vmap_jit(oracle):
    exprs = [
        "jax.grad(lambda a, x: lax.igamma(a, x).sum(), argnums=(0, 1))(A, X)",
        "jax.grad(lambda a, x: lax.igammac(a, x).sum(), argnums=(0, 1))(A, X)",
        "jax.grad(lambda x: lax.betainc(A, A + 1.0, x).sum())(V)",
        "jax.jvp(lax.igamma, (A, X), (A * 0 + 1, X * 0 + 1))",
        "jax.vmap(lax.igamma)(A, X)", "jax.vmap(lax.igammac, in_axes=(1, 0))(A.T, X)",
        "jax.vmap(lambda a: lax.igamma(a, 2.0))(A)",
        "jax.vmap(lambda a, v: lax.betainc(a, 2.0, v))(A, V)",
        "jax.vmap(jax.grad(lambda a, x: lax.igamma(a, x).sum()))(A, X)",
        "jax.jit(lambda a, x: lax.igamma(a, x) + lax.igammac(a, x))(A, X)",
        "jax.jit(jax.vmap(lax.random_gamma_grad))(A, X)",
        "jax.vmap(lax.igamma_grad_a, in_axes=(None, 0))(A[0], X)",
    ]
    check(oracle, exprs, {"A": _A, "X": _X, "V": _V}, rtol=1e-4, atol=1e-6)


@pytest.mark.slow
def test_check_grads():
    """The derivative rules agree with finite differences (float64; the a-derivative of igamma
    is igamma_grad_a's series)."""
    with _util.x64_mode():
        a, x, v = (xnp.array(t[0], np.float64) for t in (_A, _X, _V))
        check_grads(special.igamma, (a, x), order=1)
        check_grads(special.igammac, (a, x), order=1)
        check_grads(lambda t: special.betainc(a, a + 1.0, t), (v,), order=1)
        s = xnp.array([-2.0, 0.5, 3.0], np.float64)
        check_grads(special.bessel_i0e, (s,), order=2)
        check_grads(special.bessel_i1e, (s,), order=2)
        check_grads(lambda t: special.polygamma(xnp.float64(2), t), (a,), order=1)
