"""xjax.scipy.stats against real JAX: every distribution's functions on grids that include
out-of-support, boundary, infinite and nan points and bad parameters; promotion and weak types;
gradients; jit and vmap; mode, rankdata, sem; errors.

Expressions see `jax`, `jnp`, `np` and `stats` (jax.scipy.stats in the oracle worker,
xjax.scipy.stats here) plus the test's inputs. Each test makes one oracle call for a batch of
expressions and compares them all with `assert_matches` (shape, dtype, weak type, values).
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

import xjax
import xjax.numpy as xnp
import xjax.scipy.special as xspecial
import xjax.scipy.stats as xstats
from tests import _util
from xjax.test_util import check_grads

pytestmark = pytest.mark.oracle

NS = _util.Namespace(jax="", jnp="numpy", stats="scipy.stats")
# An expression that raises must raise the same class in both
# (JAX's side in chunks of 6, each well inside the oracle's per-call time limit).
check = functools.partial(_util.check, ns=NS, errors="same", chunk=6)


def _needs(*names: str):
    """xfail while xjax.scipy.special lacks a function these cdfs are built on."""
    missing = [n for n in names if not hasattr(xspecial, n)]
    return pytest.mark.xfail(
        bool(missing), reason=f"needs scipy.special.{', '.join(missing)}", strict=True
    )


_RNG = np.random.default_rng(7)


def _inputs(dtype) -> dict:
    """Grids of 15 points (a column) against 4 parameter values (a row): every expression of a
    sweep broadcasts to (15, 4), so the per-shape compilations are shared between them."""
    x = np.array([-np.inf, -30, -5, -1.5, -0.5, -1e-3, 0, 1e-3, 0.5, 1, 2.5, 7, 40, np.inf, np.nan])
    q = np.array([-0.5, 0, 1e-6, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 0.999, 1, 1.5, np.nan, 0.2])
    k = np.array([-2, -1, 0, 1, 2, 2.5, 3, 4, 5, 7, 10, 20, 60, np.nan, np.inf])
    return {
        "xx": x.astype(dtype)[:, None],
        "qq": q.astype(dtype)[:, None],
        "kk": k.astype(dtype)[:, None],
        "ki": np.array([-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 20, 40], np.int32)[:, None],
        "loc": np.array([[-1.0, 0.0, 0.5, 3.0]], dtype),
        "sc": np.array([[-1.0, 0.0, 0.5, 2.0]], dtype),  # incl. invalid scales
        "pos": np.array([[0.3, 1.0, 2.5, 9.0]], dtype),
        "prob": np.array([[0.0, 0.2, 0.7, 1.0]], dtype),
        "bad": np.array([[-1.0, 0.0, 1.5, np.nan]], dtype),
    }


def _all(dist: str, fns: str, args: str) -> list[str]:
    return [f"stats.{dist}.{fn}({args})" for fn in fns.split()]


# -- fast: values against SciPy (no oracle), gradients, errors ----------------------------------

_X = np.linspace(-3.0, 3.0, 12)
_P = np.linspace(0.1, 6.0, 12)
_U = np.linspace(0.02, 0.98, 12)
_A = np.linspace(0.1, 6.2, 12)
_K = np.arange(12.0)

# (distribution, functions, arguments after the points): the same call for xjax and SciPy. A
# cheap smoke test of every distribution; the oracle sweeps below (slow) are the thorough ones,
# and cover the cdfs built on log_ndtr, gammainc and betainc.
_SCIPY_TABLE = [
    ("norm", "logpdf cdf", _X, (0.5, 2.0)), ("norm", "ppf", _U, (0.5, 2.0)),
    ("cauchy", "logpdf cdf", _X, (0.5, 2.0)), ("laplace", "logpdf cdf", _X, (0.5, 2.0)),
    ("logistic", "logpdf", _X, (0.5, 2.0)), ("uniform", "logpdf", _U, (0.01, 0.98)),
    ("expon", "logpdf", _P, (0.05, 1.5)), ("gumbel_l", "logpdf", _X, (0.5, 2.0)),
    ("gumbel_r", "logpdf", _X, (0.5, 2.0)), ("pareto", "logpdf", _P + 1, (2.5, 0.5, 0.7)),
    ("t", "logpdf", _X, (3.5, 0.5, 2.0)), ("beta", "logpdf", _U, (2.5, 1.5)),
    ("gamma", "logpdf", _P, (2.5, 0.05, 1.5)), ("chi2", "logpdf", _P, (3.0, 0.05, 1.5)),
    ("gennorm", "logpdf", _X, (1.5,)), ("vonmises", "logpdf", _X, (12.0,)),
    ("wrapcauchy", "logpdf", _A, (0.3,)), ("poisson", "logpmf", _K, (3.5,)),
    ("bernoulli", "logpmf", _K[:2], (0.3,)), ("binom", "logpmf", _K, (11, 0.3)),
    ("betabinom", "logpmf", _K, (11, 1.5, 2.5)), ("geom", "logpmf", _K + 1, (0.3,)),
    ("nbinom", "logpmf", _K, (4, 0.3)),
]


def _check_vs_scipy(table, extra=()) -> None:
    """Calls each table row's functions in xjax (float32, all in one jit: one compilation instead
    of one per operation) and compares them with SciPy's values."""
    import scipy.stats

    names, calls, wants = [], [], []
    for dist, fns, x, params in table:
        for fn in fns.split():
            names.append(f"{dist}.{fn}{params}")
            calls.append((getattr(getattr(xstats, dist), fn), (x.astype(np.float32), *params)))
            wants.append(getattr(getattr(scipy.stats, dist), fn)(x, *params))
    for name, call, want in extra:
        names.append(name)
        calls.append(call)
        wants.append(want)

    def run(arrays):
        return [f(*args) for (f, _), args in zip(calls, arrays)]

    arrays = [args for _, args in calls]
    gots = xjax.jit(run)(arrays)
    failures = []
    for name, got, want in zip(names, gots, wants):
        try:
            assert got.dtype == np.float32, got.dtype
            np.testing.assert_allclose(np.asarray(got), want, rtol=2e-5, atol=2e-5)
        except AssertionError as ex:
            failures.append(f"{name}: {ex}")
    assert not failures, "\n".join(failures)


def _multivariate_vs_scipy() -> list:
    import scipy.stats

    cov = np.array([[2.0, 0.3, 0.1], [0.3, 1.0, -0.2], [0.1, -0.2, 1.5]])
    x, mean = _RNG.normal(size=(5, 3)), np.array([0.1, -0.2, 0.3])
    simplex = _RNG.dirichlet([1.0, 2.0, 3.0], size=5).T  # SciPy's layout: coordinates first
    alpha, counts, p = np.array([1.5, 2.0, 3.0]), np.array([1, 2, 3]), np.array([0.2, 0.3, 0.5])
    f32 = np.float32
    x32, mean32, cov32 = x.astype(f32), mean.astype(f32), cov.astype(f32)
    return [
        ("multivariate_normal.logpdf", (xstats.multivariate_normal.logpdf, (x32, mean32, cov32)),
         scipy.stats.multivariate_normal.logpdf(x, mean, cov)),
        ("multivariate_normal.pdf", (xstats.multivariate_normal.pdf, (x32, mean32, 2.0)),
         scipy.stats.multivariate_normal.pdf(x, mean, 2.0)),
        ("dirichlet.logpdf", (xstats.dirichlet.logpdf, (simplex.astype(f32), alpha.astype(f32))),
         scipy.stats.dirichlet.logpdf(simplex, alpha)),
        ("multinomial.logpmf", (xstats.multinomial.logpmf, (counts, 6, p.astype(f32))),
         scipy.stats.multinomial.logpmf(counts, 6, p)),
    ]


def test_values_match_scipy():
    _check_vs_scipy(_SCIPY_TABLE, _multivariate_vs_scipy())


def test_weak_types(oracle):
    exprs = [
        "stats.norm.logpdf(1)", "stats.t.logpdf(2, 3)", "stats.uniform.cdf(0.5)",
        "stats.poisson.logpmf(jnp.arange(4), 2.5)", "stats.nbinom.logpmf(2, 3, 0.3)",
        "stats.expon.logpdf(jnp.arange(3.0), 1)", "stats.gamma.logpdf(1.0, 2)",
    ]
    check(oracle, exprs, {})


@pytest.mark.parametrize(
    "f, args",
    [
        (xstats.t.logpdf, (0.7, 3.5, 0.2, 1.3)),
        (xstats.beta.logpdf, (0.3, 2.5, 1.5)),
        (xstats.gamma.logpdf, (1.7, 2.5, 0.1, 1.2)),
        (xstats.gumbel_l.logpdf, (0.4, -0.2, 1.5)),  # JAX's grad raises here (float0 in xlogy)
        (xstats.vonmises.logpdf, (0.4, 3.0)),
        (xstats.binom.logpmf, (2.0, 6.0, 0.3)),
    ],
)
def test_check_grads(f, args):
    with _util.x64_mode():
        check_grads(f, [np.float64(a) for a in args], order=1, rtol=1e-6, atol=1e-6)


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match=r"multinomial\.logpmf.*integer.*astype"):
        xstats.multinomial.logpmf(xnp.ones(3), 3, xnp.ones(3) / 3)
    with pytest.raises(ValueError, match=r"dirichlet\.logpdf.*alpha\.shape=\(2, 2\)"):
        xstats.dirichlet.logpdf(xnp.ones((2, 4)) / 2, xnp.ones((2, 2)))
    with pytest.raises(ValueError, match=r"multivariate_normal.*\(\.\.\., 3, 3\).*\(2, 2\)"):
        xstats.multivariate_normal.logpdf(xnp.ones(3), xnp.ones(3), xnp.eye(2))
    with pytest.raises(NotImplementedError, match="allow_singular"):
        xstats.multivariate_normal.logpdf(xnp.ones(3), xnp.ones(3), xnp.eye(3), True)
    with pytest.raises(ValueError, match="unknown method 'bogus'"):
        xstats.rankdata(xnp.ones(3), "bogus")
    with pytest.raises(NotImplementedError, match="nan_policy"):
        xstats.mode(xnp.ones(3), nan_policy="omit")
    with pytest.raises(TypeError, match=r"norm\.logpdf"):
        xstats.norm.logpdf([1.0, 2.0])


# -- slow: sweeps against the oracle ------------------------------------------------------------


def _continuous_exprs() -> list[str]:
    ls = "logpdf pdf cdf sf logsf logcdf"
    return [
        *_all("norm", "logpdf pdf cdf sf", "xx, loc, sc"), *_all("norm", "ppf isf", "qq, loc, sc"),
        *_all("cauchy", ls, "xx, loc, sc"), *_all("cauchy", "ppf isf", "qq, loc, pos"),
        *_all("laplace", "logpdf pdf cdf", "xx, loc, sc"),
        *_all("logistic", "logpdf pdf cdf sf", "xx, loc, sc"),
        *_all("logistic", "ppf isf", "qq, loc, pos"),
        *_all("uniform", "logpdf pdf cdf", "xx, loc, sc"), "stats.uniform.ppf(qq, loc, pos)",
        *_all("expon", ls, "xx, loc, sc"), "stats.expon.ppf(qq, loc, pos)",
        *_all("gumbel_l", ls, "xx, loc, sc"), "stats.gumbel_l.ppf(qq, loc, sc)",
        *_all("gumbel_r", ls, "xx, loc, sc"), "stats.gumbel_r.ppf(qq, loc, sc)",
        *_all("pareto", ls, "xx, pos, loc, pos"), "stats.pareto.ppf(qq, pos, loc, pos)",
        *_all("pareto", "logpdf cdf", "xx, bad"),
        *_all("t", "logpdf pdf", "xx, pos, loc, sc"), "stats.t.logpdf(xx, bad)",
        *_all("gennorm", "logpdf pdf", "xx, pos"), "stats.gennorm.logpdf(xx, bad)",
        *_all("vonmises", "logpdf pdf", "xx, pos"), "stats.vonmises.logpdf(xx, bad)",
        "stats.vonmises.logpdf(xx, pos * 3)",  # both sides of Cephes' kappa = 8 split
        *_all("wrapcauchy", "logpdf pdf", "xx, prob"), "stats.wrapcauchy.logpdf(xx, bad)",
        *_all("beta", "logpdf pdf", "xx / 8, pos, pos[:, ::-1]"),
        "stats.beta.logpdf(xx, pos, 2.0, loc, sc)", "stats.beta.logpdf(xx / 8, bad, 1.0)",
        *_all("gamma", "logpdf pdf", "xx, pos, loc, pos"), "stats.gamma.logpdf(xx, bad)",
        *_all("chi2", "logpdf pdf", "xx, pos, loc, pos"),
    ]


@pytest.mark.slow
def test_continuous_values(oracle):
    check(oracle, _continuous_exprs(), _inputs(np.float32), rtol=2e-5, atol=2e-5)


@pytest.mark.slow
def test_continuous_values_x64(oracle):
    check(oracle, _continuous_exprs(), _inputs(np.float64), x64=True, rtol=1e-12, atol=1e-12)


def _discrete_exprs() -> list[str]:
    return [
        *_all("poisson", "logpmf pmf", "kk, pos"), "stats.poisson.logpmf(kk, pos, 1)",
        "stats.poisson.logpmf(ki, 2.5)", "stats.poisson.pmf(kk, bad)",
        "stats.poisson.entropy(jnp.array([0.0, 0.5, 3.0, 9.9, 10.0, 45.0, 99.0, 100.0, 1e3]))",
        "stats.poisson.entropy(pos, loc[:, :1].T)",
        *_all("bernoulli", "logpmf pmf", "kk, prob"), "stats.bernoulli.logpmf(kk, prob, 1)",
        "stats.bernoulli.cdf(kk, prob)", "stats.bernoulli.cdf(kk, bad)",
        "stats.bernoulli.ppf(qq, prob)", "stats.bernoulli.ppf(qq, bad)",
        *_all("binom", "logpmf pmf", "kk, 10, prob"), "stats.binom.logpmf(kk, pos * 4, 0.3, 1)",
        "stats.binom.logpmf(ki, 0, 0.5)", "stats.binom.logpmf(ki, 3, bad)",
        *_all("betabinom", "logpmf pmf", "kk, 10, pos, pos[:, ::-1]"),
        "stats.betabinom.logpmf(kk, 7.0, 2.0, 3.0, 1)", "stats.betabinom.logpmf(ki, 0, 1.0, 1.0)",
        "stats.betabinom.logpmf(kk, bad, bad, 1.0)",
        *_all("geom", "logpmf pmf", "kk, prob"), "stats.geom.logpmf(kk, 0.25, -1)",
        *_all("nbinom", "logpmf pmf", "kk, pos, prob"), "stats.nbinom.logpmf(ki, 3, 0.4, 2)",
    ]


@pytest.mark.slow
def test_discrete_values(oracle):
    check(oracle, _discrete_exprs(), _inputs(np.float32), rtol=2e-5, atol=2e-5)


@pytest.mark.slow
def test_discrete_values_x64(oracle):
    check(oracle, _discrete_exprs(), _inputs(np.float64), x64=True, rtol=1e-12, atol=1e-12)


@pytest.mark.slow
def test_promotion_and_weak_types(oracle):
    exprs = [
        "stats.norm.logpdf(1)", "stats.norm.pdf(0.5)", "stats.norm.cdf(2, 1)",
        "stats.norm.ppf(0.3)", "stats.t.logpdf(2, 3)", "stats.t.pdf(0.5, 2.0, 1, 2)",
        "stats.cauchy.cdf(jnp.int32(1))", "stats.laplace.cdf(0.5)", "stats.uniform.cdf(0.5)",
        "stats.uniform.logpdf(jnp.arange(3))", "stats.expon.logpdf(jnp.arange(3), 1)",
        "stats.gumbel_r.logpdf(0.5)", "stats.gumbel_l.ppf(0.5)", "stats.logistic.logpdf(0.5)",
        "stats.pareto.cdf(2.0, 1)", "stats.beta.logpdf(0.5, 2, 3)", "stats.gamma.logpdf(1, 2)",
        "stats.chi2.logpdf(1.0, 2)", "stats.gennorm.logpdf(0.5, 2.0)",
        "stats.vonmises.logpdf(0.5, 1.0)", "stats.wrapcauchy.logpdf(0.5, 0.5)",
        "stats.poisson.logpmf(2, 1.5)", "stats.poisson.pmf(jnp.arange(4), 2)",
        "stats.binom.logpmf(2, 5, 0.3)", "stats.betabinom.logpmf(2, 5, 1.0, 2.0)",
        "stats.geom.logpmf(2, 0.3)", "stats.nbinom.logpmf(2, 3, 0.3)",
        "stats.bernoulli.cdf(0.0, 0.3)", "stats.bernoulli.ppf(0.5, 0.3)",
        "stats.norm.logpdf(jnp.ones(3, jnp.float16))", "stats.expon.cdf(jnp.ones(2, jnp.bfloat16))",
        "stats.t.logpdf(jnp.float16(1.0), 3)", "stats.vonmises.logpdf(jnp.bfloat16(1.0), 2.0)",
        "stats.poisson.entropy(2.0)",
    ]
    check(oracle, exprs, {}, rtol=1e-2, atol=1e-2)


@pytest.mark.slow
@_needs("log_ndtr")
def test_log_ndtr_based(oracle):
    """norm.logcdf/logsf and truncnorm (built on special.log_ndtr)."""
    ls = "logpdf pdf cdf logcdf sf logsf"
    exprs = [
        *_all("norm", "logcdf logsf", "xx, loc, sc"), "stats.norm.logcdf(1)",
        *_all("truncnorm", ls, "xx, loc, loc + pos, 0.5, 2.0"),  # central and tail masses
        *_all("truncnorm", "logpdf logcdf logsf", "xx, 3.0, 8.0"),  # all in the right tail
        *_all("truncnorm", "logpdf logcdf", "xx, 1.0, bad"),
        "stats.truncnorm.logpdf(0.5, -1.0, 1.0)",
    ]
    check(oracle, exprs, _inputs(np.float32), rtol=5e-5, atol=5e-5)


@pytest.mark.slow
@_needs("gammainc", "gammaincc")
def test_incomplete_gamma_cdfs(oracle):
    ls = "cdf logcdf sf logsf"
    exprs = [
        *_all("gamma", ls, "xx, pos, loc, pos"), *_all("gamma", ls, "xx, bad"),
        *_all("chi2", ls, "xx, pos, loc, pos"), *_all("chi2", ls, "xx * 3, pos * 2"),
        "stats.gennorm.cdf(xx, pos)", "stats.gennorm.cdf(xx, bad)",
        "stats.poisson.cdf(kk, pos)", "stats.poisson.cdf(kk, 2.5, 1)", "stats.poisson.cdf(ki, 3)",
        "stats.gamma.cdf(1, 2)", "stats.chi2.sf(1.0, 3)",
    ]
    check(oracle, exprs, _inputs(np.float32), rtol=5e-5, atol=5e-5)


@pytest.mark.slow
@_needs("betainc")
def test_incomplete_beta_cdfs(oracle):
    ls = "cdf logcdf sf logsf"
    exprs = [
        *_all("beta", ls, "xx / 8, pos, pos[:, ::-1]"), *_all("beta", ls, "xx, 2.0, 3.0, loc, pos"),
        "stats.beta.cdf(0.25, 2, 3)",
    ]
    check(oracle, exprs, _inputs(np.float32), rtol=5e-5, atol=5e-5)


@pytest.mark.slow
def test_multivariate(oracle):
    a = _RNG.normal(size=(3, 3))
    cov = (a @ a.T + 3 * np.eye(3)).astype(np.float32)
    covs = np.stack([cov, np.diag([1.0, 2.0, 0.5]).astype(np.float32)])
    simplex = _RNG.dirichlet([1.0, 1.0, 1.0], size=4).T.astype(np.float32)  # (3, 4)
    inputs = {
        "x": _RNG.normal(size=(4, 3)).astype(np.float32), "mean": np.ones(3, np.float32),
        "cov": cov, "covs": covs, "x2": _RNG.normal(size=(2, 4, 1, 3)).astype(np.float32),
        "alpha": np.array([0.5, 2.0, 3.0], np.float32), "simplex": simplex,
        "offs": simplex + np.float32(0.2),
        "counts": np.array([[1, 2, 3], [0, 0, 6], [2, 2, 2]], np.int32),
        "p": np.array([0.2, 0.3, 0.5], np.float32),
    }
    exprs = [
        "stats.multivariate_normal.logpdf(x, mean, cov)",
        "stats.multivariate_normal.pdf(x, mean, cov)",
        "stats.multivariate_normal.logpdf(x2, mean, covs[:, None])",
        "stats.multivariate_normal.logpdf(x, mean, 2.0)",
        "stats.multivariate_normal.logpdf(x[:, 0], 1.0, 2.0)",
        "stats.multivariate_normal.logpdf(x[0], mean, covs)",
        "stats.multivariate_normal.logpdf(x, mean, np.eye(2))",
        "stats.multivariate_normal.logpdf(x, mean, cov, allow_singular=True)",
        "stats.dirichlet.logpdf(simplex, alpha)", "stats.dirichlet.pdf(simplex[:2], alpha)",
        "stats.dirichlet.logpdf(simplex[:, 0], alpha)", "stats.dirichlet.logpdf(offs, alpha)",
        "stats.dirichlet.logpdf(simplex, alpha[None])", "stats.dirichlet.logpdf(simplex[:1], alpha)",
        "stats.multinomial.logpmf(counts, 6, p)", "stats.multinomial.pmf(counts[0], 6, p)",
        "stats.multinomial.logpmf(counts[0], 5, p)", "stats.multinomial.logpmf(counts[0], 6, p * 2)",
        "stats.multinomial.logpmf(counts * 1.0, 6, p)",
    ]
    check(oracle, exprs, inputs, rtol=2e-5, atol=2e-5)


@pytest.mark.slow
def test_descriptive(oracle):
    ties = np.array([[3, 1, 2, 2, 5], [1, 1, 1, 0, 0], [4, 4, 9, 9, 9], [7, 6, 5, 4, 3]], np.float32)
    inputs = {
        "ties": ties, "with_nan": np.array([[1.0, np.nan, 2.0], [2.0, 2.0, 3.0]], np.float32),
        "ints": np.array([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5], np.int32),
        "g": (_RNG.normal(size=(4, 5)) * 2).astype(np.float32), "empty": np.zeros((0, 3)),
    }
    methods = ["average", "min", "max", "dense", "ordinal"]
    exprs = [
        *(f"stats.rankdata(ties, '{m}')" for m in methods),
        *(f"stats.rankdata(ties, method='{m}', axis=1)" for m in methods),
        "stats.rankdata(ties, axis=0)", "stats.rankdata(ties, axis=-1)", "stats.rankdata(ints)",
        "stats.rankdata(with_nan)", "stats.rankdata(with_nan, axis=1)", "stats.rankdata(2.0)",
        "stats.rankdata(ties, 'bogus')", "stats.rankdata(ties, nan_policy='omit')",
        "stats.mode(ties)", "stats.mode(ties, axis=1)", "stats.mode(ties, axis=None)",
        "stats.mode(ties, axis=-1, keepdims=True)", "stats.mode(ties, axis=None, keepdims=True)",
        "stats.mode(ints)", "stats.mode(with_nan, axis=1)", "stats.mode(3.0)",
        "stats.mode(empty)", "stats.mode(ties, nan_policy='raise')",
        "stats.mode(ties, nan_policy='nope')",
        "stats.sem(g)", "stats.sem(g, axis=1, ddof=0)", "stats.sem(g, axis=None)",
        "stats.sem(g, keepdims=True)", "stats.sem(ints)", "stats.sem(with_nan, axis=1)",
        "stats.sem(with_nan, axis=1, nan_policy='omit')", "stats.sem(g, nan_policy='raise')",
    ]
    check(oracle, exprs, inputs, rtol=2e-6, atol=2e-6)


@pytest.mark.slow
def test_grads_match_jax(oracle):
    def g(f: str, argnums: str, args: str) -> str:
        return f"jax.grad(lambda *a: ({f})(*a).sum(), argnums={argnums})({args})"

    exprs = [
        g("stats.t.logpdf", "(0, 1, 2, 3)", "g, gp, g[::-1], gp[::-1]"),
        g("stats.beta.logpdf", "(0, 1, 2)", "gp / 6, gp, gp[::-1]"),
        g("stats.gamma.logpdf", "(0, 1, 3)", "gp, gp[::-1], 0.0, gp"),
        g("stats.cauchy.logpdf", "(0, 1, 2)", "g, g[::-1], gp"),
        g("stats.logistic.logpdf", "(0, 1, 2)", "g, g[::-1], gp"),
        g("stats.gumbel_r.logcdf", "(0, 1, 2)", "g, g[::-1], gp"),
        g("stats.vonmises.logpdf", "(0, 1)", "g, gp"),
        g("stats.poisson.logpmf", "1", "jnp.round(gp), gp[::-1]"),
        g("stats.binom.logpmf", "2", "jnp.round(gp), 6.0, gp / 6"),
        g("stats.multivariate_normal.logpdf", "(0, 1, 2)", "g[:, :3], g[0, :3], cov"),
        g("stats.dirichlet.logpdf", "(0, 1)", "simplex, gp[0, :3]"),
    ]
    a = _RNG.normal(size=(3, 3))
    inputs = {
        "g": (_RNG.normal(size=(3, 5)) * 2).astype(np.float32),
        "gp": (_RNG.random(size=(3, 5)) * 5 + 0.2).astype(np.float32),
        "cov": (a @ a.T + 3 * np.eye(3)).astype(np.float32),
        "simplex": _RNG.dirichlet([1.0, 2.0, 1.0], size=4).T.astype(np.float32),
    }
    check(oracle, exprs, inputs, rtol=1e-4, atol=1e-4)


@pytest.mark.slow
def test_jit_and_vmap(oracle):
    inputs = {
        "g": (_RNG.normal(size=(4, 5)) * 2).astype(np.float32),
        "gp": (_RNG.random(size=(4, 5)) * 5 + 0.2).astype(np.float32),
        "xs": _RNG.normal(size=(6, 2, 3)).astype(np.float32),
    }
    exprs = [
        "jax.jit(stats.t.logpdf)(g, gp, 0.5, 2.0)",
        "jax.jit(stats.norm.cdf)(g, 1.0)",
        "jax.vmap(stats.gamma.logpdf, in_axes=(0, None))(gp, 2.5)",
        "jax.vmap(stats.beta.logpdf, in_axes=(1, 1, None))(gp / 6, gp, 2.0)",
        "jax.vmap(jax.jit(stats.poisson.logpmf), in_axes=(0, 0))(jnp.round(gp), gp)",
        "jax.vmap(stats.multivariate_normal.logpdf, (0, None, None))(xs, jnp.zeros(3), jnp.eye(3))",
        "jax.vmap(lambda x: stats.rankdata(x))(g)", "jax.vmap(stats.sem)(g)",
        "jax.jit(jax.vmap(jax.grad(stats.laplace.logpdf)))(g[0])",
    ]
    check(oracle, exprs, inputs, rtol=2e-5, atol=2e-5)


@pytest.mark.slow
def test_gaussian_kde(oracle):
    inputs = {
        "d1": _RNG.normal(size=20).astype(np.float32),
        "d2": _RNG.normal(size=(2, 30)).astype(np.float32),
        "w": _RNG.random(30).astype(np.float32),
        "pts": np.linspace(-2, 2, 7).astype(np.float32),
        "p2": _RNG.normal(size=(2, 5)).astype(np.float32),
    }
    k1, k2 = "stats.gaussian_kde(d1)", "stats.gaussian_kde(d2, 'silverman', w)"
    exprs = [
        f"{k1}.neff", f"{k1}.covariance", f"{k1}.evaluate(pts)", f"{k1}.logpdf(pts)",
        f"{k1}.logpdf(0.3)", f"{k1}.integrate_box_1d(-1.0, 0.5)",
        f"{k1}.resample(jax.random.key(0), (4,))",
        f"({k2}.neff, {k2}.weights, {k2}.covariance, {k2}.inv_cov)", f"{k2}(p2)", f"{k2}.logpdf(p2)",
        f"{k2}.integrate_gaussian(jnp.zeros(2), jnp.eye(2))",
        f"{k2}.integrate_kde(stats.gaussian_kde(d2, bw_method=0.3))",
        f"{k2}.resample(jax.random.key(1), (3,))",
        "stats.gaussian_kde(d2, bw_method=lambda k: 0.5 * k.neff ** -0.2).covariance",
        f"jax.jit(lambda k, x: k.logpdf(x))({k2}, p2)",
        f"jax.tree_util.tree_leaves({k1})",
        f"{k2}.integrate_box_1d(0.0, 1.0)", f"{k2}.logpdf(np.ones((3, 2)))",
        "stats.gaussian_kde(d1, bw_method='bogus')", "stats.gaussian_kde(np.ones(1))",
        f"{k1}.set_bandwidth('scott')",
    ]
    check(oracle, exprs, inputs, rtol=1e-5, atol=1e-5)
