"""xjax.scipy.special (the functions beyond tests/test_scipy_special.py) against real JAX.

Expressions see `jax`, `jnp`, `np`, `special` (jax.scipy.special), xjax's here and JAX's in the
oracle worker, plus the test's inputs; each test sends all its expressions in one oracle call.
Results are compared with `assert_matches` (shape, dtype, weak type, per-dtype tolerance).
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

import xjax
import xjax.numpy as xnp
import xjax.scipy.special as xspecial
from tests import _util
from xjax.test_util import check_grads

pytestmark = pytest.mark.oracle

NS = _util.Namespace(jax="", jnp="numpy", special="scipy.special")
# No expression may raise, unless a call passes errors="same": then both must raise one class.
check = functools.partial(_util.check, ns=NS, errors=None)


def _inputs(dtype) -> dict:
    dt = np.dtype(dtype)
    cdt = np.complex128 if dt == np.float64 else np.complex64
    nan, inf = np.nan, np.inf
    with np.errstate(over="ignore"):
        return {
            # incomplete gamma: a (8, 1) against x (11,), edge values included
            "a": np.array([[-1.0], [0.0], [1e-3], [0.5], [1.0], [3.5], [40.0], [nan]]).astype(dt),
            "x": np.array([-1.0, 0.0, 1e-4, 0.1, 0.9, 1.0, 2.5, 10.0, 60.0, inf, nan]).astype(dt),
            # incomplete beta: (9, 1, 1) x (1, 9, 1) x (10,)
            "ab": np.array([-1.0, 0.0, 1e-3, 0.5, 1.0, 3.0, 40.0, inf, nan]).astype(dt),
            "u": np.array([-0.5, 0.0, 1e-6, 0.2, 0.5, 0.7, 0.999, 1.0, 1.5, nan]).astype(dt),
            # everything else: one length (21), so that eager executables are shared
            "r": np.array([-40.0, -12.0, -6.0, -3.5, -1.0, -0.5, -1e-3, -0.0, 0.0, 1e-3, 0.5,
                           1.0, 2.0, 4.5, 6.0, 9.0, 30.0, 171.5, inf, -inf, nan]).astype(dt),
            "pos": np.array([1e-3, 0.01, 0.1, 0.3, 0.5, 0.9, 1.0, 1.5, 2.0, 2.5, 3.0, 3.7, 4.5,
                             6.0, 7.0, 8.5, 12.0, 20.0, 35.0, 50.0, 120.0]).astype(dt),
            "n": np.array([-3.0, -1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 5.0,
                           5.0, 6.0, 7.0, 10.0, 10.0, 20.0, 30.0, 5000.0]).astype(dt),
            # hyp2f1 rows a, b, c, x: series, terminating, Euler-transformed, near and at x = 1
            "h": np.array([[0.5, 1.0, -2.0, 2.0, 0.0, 3.0, 1.5, -3.0, 0.3, 2.0, 1.0, 4.0, 1.0],
                           [1.5, 2.0, 1.0, 3.0, 1.0, -1.0, 0.5, 2.0, 0.7, 2.0, 1.0, 1.0, 2.0],
                           [2.0, 3.0, 3.0, 4.5, 1.0, 2.0, 2.0, 1.5, 1.0, 4.0, 2.0, 0.0, 3.5],
                           [0.3, 0.95, 0.5, -0.5, 0.2, 0.7, 0.99, 1.0, 0.97, 1.0, 1.5, 0.5, 0.0]]
                          ).astype(dt),
            "z": (np.array([0.5 + 0.5j, -2.5 + 1j, 3 - 4j, -0.5 - 0.1j, 10 + 20j, -3 + 0j,
                            1e-3 + 0j, 5 + 0j, -7.5 - 2j, 0.1 + 30j, 0j, -1 - 0j, 2 + 1e-3j,
                            40 - 40j, 0.5 - 6j, -20 + 0.5j, 1j, -1j, 3 + 3j, -3 - 3j, 7 + 0.1j]))
            .astype(cdt),
        }


# Value sweeps by family, each one oracle call (eager: every op compiles once per shape, on both
# sides, so these are slow; the default run has `test_values_jit` and `test_errors` below).
_GROUPS = {
    "incomplete": [
        "special.gammainc(a, x)", "special.gammaincc(a, x)", "special.gammainc(2.0, 3.0)",
        "special.betainc(ab[:, None, None], ab[None, :, None], u)",
    ],
    "gamma": [
        "special.gamma(r)", "special.gammasgn(r)", "special.loggamma(r)", "special.beta(r, 2.5)",
        "special.beta(pos, pos[::-1])", "special.factorial(r)", "special.factorial(n)",
        "special.comb(n, 3.0)", "special.comb(10.0, n)", "special.comb(n, 2, repetition=True)",
        "special.poch(pos, n)", "special.poch(r, 0.0)", "special.multigammaln(pos, 3)",
        "special.polygamma(np.arange(4)[:, None], pos)", "special.polygamma(1, r)",
        "special.zeta(pos + 1.0, pos)", "special.zeta(r, 2.0)", "special.bernoulli(0)",
        "special.bernoulli(2)", "special.bernoulli(13)", "special.gamma(z)",
        "special.loggamma(z)", "special.gamma(2.5)", "special.loggamma(3)",
    ],
    "ndtr_entropy": [
        "special.log_ndtr(r)", "special.log_ndtr(r, series_order=0)",
        "special.log_ndtr(r, series_order=7)", "special.log_ndtr(1.5)",
        "special.kl_div(pos, pos[::-1])", "special.rel_entr(r, pos)", "special.kl_div(r, r[::-1])",
        "special.rel_entr(-1.0, 2.0)", "special.boxcox(pos, r)", "special.boxcox1p(r, 0.5)",
        "special.boxcox(pos, 0.0)",
    ],
    "erf_bessel": [
        "special.erfcx(r)", "special.erfcx(z)", "special.dawsn(r)", "special.wofz(z)",
        "special.wofz(r)", "special.owens_t(r, pos)", "special.owens_t(pos, r)",
        "special.owens_t(r, 1.0)", "special.fresnel(r)", "special.fresnel(pos * 3.0)",
        "special.i0(r)", "special.i0e(r)", "special.i1(r)", "special.i1e(r)",
        "special.bessel_jn(pos, v=4)", "special.bessel_jn(pos[5:8], v=1, n_iter=30)",
    ],
    "expint": [
        # negative orders only in their own call: mixed with others, JAX's (and so our) batched
        # series loops do not terminate
        "special.expi(r)", "special.exp1(r)", "special.exp1(pos)", "special.expn(n[2:], pos[2:])",
        "special.expn(n[:2], pos[:2])", "special.expn(3, r)", "special.sici(r)",
        "special.spence(r)", "special.spence(pos)",
    ],
    "hyp": [
        "special.hyp1f1(pos[::2], pos[::-2] * 0.5, r[::2])", "special.hyp1f1(n, n, pos)",
        "special.hyp1f1(0.5, 1.5, r)", "special.hyp2f1(*h)", "special.hyp2f1(1.0, 2.0, 3.0, 0.5)",
    ],
}

# wrong-input errors: each must raise the same exception type as JAX
_ERROR_EXPRS = [
    "special.beta(z, z)", "special.betainc(z, z, z)", "special.gammasgn(z)",
    "special.polygamma(1.0, pos)", "special.polygamma(1, z)", "special.zeta(2.0)",
    "special.factorial(3, exact=True)", "special.bernoulli(-1)", "special.poch(z, z)",
    "special.log_ndtr(r, series_order=31)", "special.log_ndtr(r, series_order=-1)",
    "special.log_ndtr(r, series_order=1.5)", "special.log_ndtr(jnp.ones(3, jnp.float16))",
    "special.rel_entr(z, z)", "special.kl_div(z, z)", "special.dawsn(z)", "special.fresnel(z)",
    "special.exp1(z)", "special.expi(z)", "special.expn(1, z)", "special.sici(z)",
    "special.spence(jnp.ones(3, jnp.float16))", "special.bessel_jn(z, v=1)",
    "special.bessel_jn(pos, v=1.5)", "special.hyp1f1(z, z, z)",
    "jax.grad(lambda t: special.betainc(t, 2.0, 0.5))(1.5)",
]

_F32_TOL = {"rtol": 2e-5, "atol": 2e-6}
_F64_TOL = {"rtol": 1e-12, "atol": 1e-13}


def test_errors(oracle):
    check(oracle, _ERROR_EXPRS, _inputs(np.float32), errors="same")


def test_values_jit_gamma(oracle):
    """Loop-free gamma-family and log_ndtr/entropy functions under jit (one compilation)."""
    exprs = [
        ("jax.jit(lambda r, p, n: (special.gamma(r), special.gammasgn(r), special.beta(r, p), "
         "special.factorial(r), special.comb(n, 3.0), special.log_ndtr(r), special.kl_div(p, r), "
         "special.rel_entr(r, p), special.boxcox(p, r), special.boxcox1p(r, 0.5)))(r, pos, n)"),
    ]
    check(oracle, exprs, _inputs(np.float32), **_F32_TOL)


def test_values_jit_erf(oracle):
    """Loop-free error-function and Bessel functions under jit (one compilation)."""
    exprs = [
        ("jax.jit(lambda r, p: (special.erfcx(r), special.dawsn(r), special.i0(r), special.i1e(r), "
         "special.owens_t(r, p), special.fresnel(r)))(r, pos)"),
    ]
    check(oracle, exprs, _inputs(np.float32), **_F32_TOL)


@pytest.mark.slow
@pytest.mark.parametrize("group", sorted(_GROUPS))
def test_values(oracle, group):
    check(oracle, _GROUPS[group], _inputs(np.float32), **_F32_TOL)


@pytest.mark.slow
@pytest.mark.parametrize("group", sorted(_GROUPS))
def test_values_x64(oracle, group):
    check(oracle, _GROUPS[group], _inputs(np.float64), x64=True, **_F64_TOL)


def _grad_inputs(dtype) -> dict:
    dt = np.dtype(dtype)
    cdt = np.complex128 if dt == np.float64 else np.complex64
    return {
        "p": np.array([0.05, 0.3, 0.7, 1.0, 1.7, 2.5, 4.0, 7.5, 12.0, 25.0]).astype(dt),
        "q": np.array([2.0, 0.6, 3.3, 0.2, 9.0, 1.1, 5.0, 0.9, 15.0, 4.4]).astype(dt),
        "s": np.array([-7.3, -2.6, -1.2, -0.4, 0.3, 0.8, 1.6, 3.1, 6.5, 9.2]).astype(dt),
        "v": np.array([0.02, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 0.97, 0.999]).astype(dt),
        "z": np.array([0.5 + 0.5j, -2.5 + 1j, 3 - 4j, -0.5 - 0.1j, 1 + 2j]).astype(cdt),
    }


def _g(f: str, v: str) -> str:
    """d/dt of sum(f(t)) at v: the elementwise derivative."""
    return f"jax.grad(lambda t: jnp.sum(({f})(t)))({v})"


def _gs(f: str, *vs: str) -> str:
    """The gradient of sum(f(...)) in every argument."""
    argnums = tuple(range(len(vs)))
    return f"jax.grad(lambda *t: jnp.sum(({f})(*t)), argnums={argnums})({', '.join(vs)})"


_GRAD_GROUPS = {
    "gamma": [
        _gs("special.gammainc", "p", "q"), _gs("special.gammaincc", "p", "q"),
        _g("lambda t: special.betainc(p, q, t)", "v"), _g("special.gamma", "s"),
        _g("special.loggamma", "p"), _gs("special.beta", "p", "q"), _gs("special.poch", "p", "s"),
        _g("lambda t: special.polygamma(2, t)", "p"), _gs("special.zeta", "q + 1.0", "p"),
        _g("special.factorial", "p"), _g("lambda t: special.multigammaln(t, 3)", "p + 1.0"),
        _g("special.log_ndtr", "s * 4.0"), _gs("special.kl_div", "p", "q"),
        _gs("special.rel_entr", "p", "q"), _gs("special.boxcox", "p", "s"),
        _gs("special.boxcox1p", "v", "s"),
        "jax.grad(lambda t: special.polygamma(1, t))(1.5)",
    ],
    "erf_bessel": [
        _g("special.erfcx", "s"), _g("special.dawsn", "s"), _gs("special.owens_t", "s", "q"),
        _g("lambda t: sum(special.fresnel(t))", "s"), _g("special.i0", "s"),
        _g("special.i0e", "s"), _g("special.i1", "s"), _g("special.i1e", "s"),
        "jax.jvp(special.wofz, (z,), (jnp.ones_like(z),))",
        "jax.jvp(special.erfcx, (z,), (jnp.ones_like(z),))",
    ],
    "expint_hyp": [
        _g("special.expi", "s"), _g("special.exp1", "p"), _g("lambda t: special.expn(3, t)", "p"),
        _g("lambda t: sum(special.sici(t))", "s"), _g("special.spence", "p"),
        _gs("special.hyp1f1", "v", "q", "s"), _gs("special.hyp2f1", "p", "q", "q + 2.5", "v"),
    ],
}


@pytest.mark.slow
@pytest.mark.parametrize("group", sorted(_GRAD_GROUPS))
def test_grads_x64(oracle, group):
    check(oracle, _GRAD_GROUPS[group], _grad_inputs(np.float64), x64=True, rtol=1e-10,
          atol=1e-11)


@pytest.mark.slow
def test_vmap_and_jit(oracle):
    """vmap of a composed function (and of its gradient) equals the unbatched results."""
    a = np.array([[0.5, 1.0, 2.0], [3.0, 0.3, 7.0]], np.float32)
    x = np.array([[0.2, 1.5, 4.0], [2.5, 0.01, 6.0]], np.float32)
    f = ("lambda a, x: special.gammainc(a, x) * special.betainc(2.0, 3.0, x / (1 + x)) "
         "+ special.log_ndtr(x - a) + special.expn(2, x) + special.hyp1f1(a, 2.0, x)")
    exprs = [f"jax.vmap({f})(a, x)", f"jax.vmap({f}, in_axes=(1, 0))(a.T, x)",
             f"jax.jit(jax.vmap({f}))(a, x)",
             f"jax.vmap(jax.grad(lambda a, x: jnp.sum(({f})(a, x)), argnums=(0, 1)))(a, x)"]
    check(oracle, exprs, {"a": a, "x": x}, rtol=1e-4, atol=1e-5)
    got = xjax.vmap(eval(f, NS.here))(a, x)
    rows = [eval(f, NS.here)(a[i], x[i]) for i in range(2)]
    np.testing.assert_allclose(np.asarray(got), np.stack([np.asarray(r) for r in rows]),
                               rtol=1e-6)


@pytest.mark.slow
def test_check_grads():
    """Numerical derivatives agree with the custom JVPs (first and second order)."""
    with _util.x64_mode():  # float64 arrays, for tight finite differences
        p = xnp.array([0.7, 1.7, 4.0], np.float64)
        s = xnp.array([-2.6, 0.3, 3.1], np.float64)
        v = xnp.array([0.1, 0.45, 0.8], np.float64)
        check_grads(xspecial.gammainc, (p, p + 0.5), order=1)
        check_grads(xspecial.gammaincc, (p, p + 0.5), order=1)
        check_grads(lambda t: xspecial.betainc(2.0, 3.0, t), (v,), order=1)
        check_grads(xspecial.log_ndtr, (s * 5,), order=2)
        check_grads(xspecial.poch, (p, s), order=1)
        check_grads(lambda h, a: xspecial.owens_t(h, a), (s, p), order=1)
        check_grads(xspecial.erfcx, (s,), order=2)
        check_grads(xspecial.dawsn, (s,), order=2)
        check_grads(xspecial.expi, (s,), order=1)
        check_grads(lambda t: xspecial.expn(2, t), (p,), order=1)
        check_grads(xspecial.hyp1f1, (v, p, s), order=1)
        check_grads(lambda t: xspecial.sici(t)[1], (p,), order=1)
        check_grads(lambda t: xspecial.zeta(3.0, t), (p,), order=1)


