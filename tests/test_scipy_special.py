"""xjax.scipy.special and xjax.scipy.stats.norm against real JAX: values and gradients.

Expressions see `jax`, `jnp`, `np`, `special` (jax.scipy.special) and `norm`
(jax.scipy.stats.norm), xjax's here and JAX's in the oracle worker, plus the test's inputs.
Results are compared with `assert_matches` (shape, dtype, weak type, per-dtype tolerance).
"""

from __future__ import annotations

import functools

import ml_dtypes
import numpy as np
import pytest

from tests import _util

# Heavy oracle comparisons: CI runs them (make test-slow); the default `make test` skips them.
pytestmark = [pytest.mark.oracle, pytest.mark.slow]

NS = _util.Namespace(jax="", jnp="numpy", special="scipy.special", norm="scipy.stats.norm")
# An expression that raises must raise the same class in both.
check = functools.partial(_util.check, ns=NS, errors="same")


_RNG = np.random.default_rng(1)


def _inputs(dtype) -> dict:
    with np.errstate(over="ignore"):  # 1e7 is inf in float16, on purpose
        return _inputs_unchecked(dtype)


def _inputs_unchecked(dtype) -> dict:
    p = np.array([0.0, 1e-30, 1e-8, 1e-3, 0.05, 0.1353, 0.2, 0.5, 0.8, 0.8647, 0.95, 0.999,
                  1 - 1e-7, 1.0])
    return {
        "r": np.array([-8, -3, -1.5, -0.5, -1e-4, 0, 1e-4, 0.3, 0.5, 1, 2.5, 6, 30]).astype(dtype),
        "p": p.astype(dtype),
        "u": np.array([-1, -0.999, -0.5, 0, 0.25, 0.9, 0.999999, 1]).astype(dtype),
        "pos": np.array([1e-6, 0.01, 0.5, 1, 1.5, 2, 7.9, 8, 8.1, 30, 1e4, 1e7]).astype(dtype),
        "neg": np.array([-2.5, -1, -0.5, 0.0, 1.0]).astype(dtype),
        "g": (_RNG.normal(size=(3, 5)) * 2).astype(dtype),
        "gp": _RNG.random(size=(3, 5)).astype(dtype) * 10 + 0.01,
        "xz": np.array([0, 0, 1, 2, 0.5, 0, 3]).astype(dtype),
        "yz": np.array([0, np.nan, 0, 3, -0.5, -1, np.inf]).astype(dtype),
    }


def _value_exprs(low_precision: bool) -> list[str]:
    exprs = [
        "special.erf(r)", "special.erfc(r)", "special.erfinv(u)", "special.gammaln(pos)",
        "special.gammaln(neg)", "special.digamma(pos)", "special.digamma(neg)", "special.expit(r)",
        "special.logit(p)", "special.xlogy(xz, yz)", "special.xlog1py(xz, yz)",
        "special.xlogy(g, gp)", "special.xlog1py(gp, g)", "special.entr(p)", "special.entr(neg)",
        "special.betaln(pos, pos[::-1])", "special.betaln(gp, 3.0)", "special.betaln(gp, gp[:1] + 7.5)",
        "special.logsumexp(g)", "special.logsumexp(g, axis=0)",
        "special.logsumexp(g, axis=1, b=gp, keepdims=True)", "special.logsumexp(g, return_sign=True, b=g)",
        "special.softmax(g)", "special.softmax(g, axis=1)", "special.log_softmax(g, axis=0)",
        "norm.pdf(r)", "norm.pdf(g, 1.0, 2.0)", "norm.logpdf(r)", "norm.logpdf(g, gp, gp)",
        "special.erf(1)", "special.gammaln(3)", "special.expit(0.5)", "norm.pdf(0.5)",
    ]
    if not low_precision:  # ndtr/ndtri (and so norm.cdf/ppf) take float32/float64 only
        exprs += ["special.ndtr(r)", "special.ndtri(p)", "norm.cdf(r)", "norm.cdf(g, 0.5, 3.0)",
                  "norm.ppf(p)", "norm.ppf(p, 1.0, 2.0)", "norm.sf(r)", "norm.isf(p)",
                  "special.ndtr(1.5)", "norm.ppf(0.3)", "special.ndtri(jnp.array(0.5))"]
    else:
        exprs += ["special.ndtr(r)", "special.ndtri(p)"]  # TypeError in both
    return exprs


@pytest.mark.parametrize("dtype", ["float32", "bfloat16"])  # float16 shares the f32 path
def test_special_values(oracle, dtype):
    dt = np.dtype(getattr(ml_dtypes, dtype, dtype))
    tol = {} if dtype == "float32" else {"rtol": 2e-2, "atol": 2e-2}
    check(oracle, _value_exprs(dtype != "float32"), _inputs(dt), **tol)


def test_special_values_x64(oracle):
    check(oracle, _value_exprs(False), _inputs(np.float64), x64=True, rtol=1e-11, atol=1e-11)


def _grad_exprs() -> list[str]:
    def g(f: str, v: str) -> str:  # elementwise: the gradient of the sum is the derivative
        return f"jax.grad(lambda t: ({f})(t).sum())({v})"

    return [
        g("special.erf", "r"), g("special.erfc", "r"), g("special.erfinv", "u[1:-1]"),
        g("special.gammaln", "pos[:-2]"), g("special.digamma", "pos[:-2]"), g("special.expit", "r"),
        g("special.logit", "p[1:-1]"), g("special.entr", "p[1:]"),
        g("lambda v: special.xlogy(v, 2.0)", "xz"), g("lambda v: special.xlogy(0.5, v)", "gp[0]"),
        g("lambda v: special.xlog1py(v, 0.5)", "xz"),
        g("lambda v: special.xlog1py(2.0, v)", "gp[0]"),
        "jax.grad(lambda a, b: special.xlogy(a, b).sum(), argnums=(0, 1))(g, gp)",
        "jax.grad(special.xlogy)(jnp.zeros(()), p[7])",
        "jax.grad(special.xlogy, argnums=1)(jnp.zeros(()), p[7])",
        "jax.grad(lambda a, b: special.betaln(a, b).sum(), argnums=(0, 1))(gp, gp[:1] + 7.5)",
        "jax.grad(lambda v: special.logsumexp(v, axis=1).sum())(g)",
        "jax.grad(lambda v: special.logsumexp(v, b=gp))(g)",
        g("special.ndtr", "r"), g("special.ndtri", "p[2:-2]"), g("norm.pdf", "r"),
        g("norm.logpdf", "r"), g("norm.cdf", "r"), g("norm.ppf", "p[2:-2]"),
        "jax.grad(lambda x, m, s: norm.logpdf(x, m, s).sum(), argnums=(0, 1, 2))(g, gp, gp)",
        "jax.grad(lambda x, m, s: norm.cdf(x, m, s).sum(), argnums=(0, 1, 2))(g, gp, gp)",
        "jax.grad(jax.grad(special.logit))(p[6])",
        "jax.grad(jax.grad(special.expit))(p[6])",
    ]


def test_special_grads_x64(oracle):
    check(oracle, _grad_exprs(), _inputs(np.float64), x64=True, rtol=1e-10, atol=1e-10)


def test_logsumexp_inf_entries(oracle):
    a = _RNG.normal(size=(3, 4)).astype(np.float32)
    a[0, :2] = -np.inf
    a[1, :] = -np.inf
    inputs = {"a": a, "b": np.array([[1.0, 2.0, -1.0, 0.0]] * 3, np.float32)}
    exprs = ["special.logsumexp(a, axis=1)", "special.logsumexp(a, axis=1, b=b)",
             "special.logsumexp(a, axis=1, b=b, return_sign=True)", "special.logsumexp(a)",
             "jax.grad(lambda v: special.logsumexp(v, axis=1)[0])(a)",
             "jax.grad(lambda v: special.logsumexp(v))(a)",
             "special.logsumexp(jnp.array([np.inf, 1.0]))",
             "special.logsumexp(jnp.array([np.inf, -np.inf]))"]
    check(oracle, exprs, inputs)


def test_custom_jvp_under_vmap(oracle):
    exprs = ["jax.vmap(jax.grad(special.xlogy))(jnp.zeros(3), jnp.ones(3))",
             "jax.vmap(jax.grad(special.xlog1py, argnums=1))(jnp.ones(3), jnp.ones(3))",
             "jax.vmap(jax.grad(special.entr))(jnp.linspace(0.1, 2.0, 4))",
             "jax.vmap(special.logit)(jnp.linspace(0.1, 0.9, 3))"]
    check(oracle, exprs, {})


def test_gammaln_second_derivative(oracle):
    check(oracle, ["jax.grad(jax.grad(special.gammaln))(jnp.ones(()) * 2.5)"], {})
