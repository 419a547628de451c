"""xjax.random against real JAX: the same bits for the same key, shape and dtype.

Each test builds a batch of expressions, evaluates every one with xjax here and with JAX in the
oracle worker (one round trip per batch), and requires exactly equal results: same shape, dtype
and bit pattern (NaNs and signed zeros included). An expression sees `random`, `jax`, `jnp`, `np`
and `ml_dtypes`, bound to xjax's modules here and to JAX's in the worker. Typed keys are compared
through `key_data`; raised errors by exception class name.
"""

from __future__ import annotations

import itertools

import ml_dtypes
import numpy as np
import pytest

import xjax
import xjax.numpy as xnp
import xjax.random as xrandom
from tests._util import beside_oracle
from xjax import lax as xlax

pytestmark = pytest.mark.oracle

_ORACLE_CODE = """
ns = {"jax": jax, "jnp": jnp, "lax": lax, "np": np, "ml_dtypes": ml_dtypes,
      "random": jax.random}
out = []
for e in exprs:
    try:
        v = eval(e, ns)
        if isinstance(v, str):
            out.append(("str", v))
            continue
        is_key = lambda x: (isinstance(x, jax.Array)
                            and jax.dtypes.issubdtype(x.dtype, jax.dtypes.prng_key))
        v = jax.tree.map(lambda x: jax.random.key_data(x) if is_key(x) else x, v)
        out.append(("ok", [np.asarray(x) for x in jax.tree.leaves(v)]))
    except Exception as ex:
        out.append(("err", type(ex).__name__, str(ex)))
"""

_NS = {"jax": xjax, "jnp": xnp, "lax": xlax, "np": np, "ml_dtypes": ml_dtypes, "random": xrandom}


def _xjax_eval(expr: str) -> tuple:
    try:
        v = eval(expr, dict(_NS))
        if isinstance(v, str):
            return ("str", v)
        # a typed key's one pytree leaf is its key data
        return ("ok", [np.asarray(x) for x in xjax.tree_util.tree_leaves(v)])
    except Exception as ex:  # noqa: BLE001  (compared with JAX's error)
        return ("err", type(ex).__name__, str(ex))


def _bits(a: np.ndarray) -> np.ndarray:
    if a.dtype.kind in "fc" or a.dtype == ml_dtypes.bfloat16:
        return a.view(f"u{a.dtype.itemsize // (2 if a.dtype.kind == 'c' else 1)}")
    return a


def _oracle_results(oracle, exprs: list[str], x64: bool, chunk: int) -> list:
    # several round trips when compiles are slow (each call has the oracle's time limit)
    out = []
    for i in range(0, len(exprs), chunk):
        part = oracle.exec(_ORACLE_CODE, x64=x64, exprs=list(exprs[i : i + chunk]))
        assert isinstance(part, list), part
        out += part
    return out


def _check(
    oracle, exprs: list[str], x64: bool = False, chunk: int = 40, rtol: float | None = None
) -> None:
    """Evaluates `exprs` with both libraries and asserts bit-identical results (or, given
    `rtol`, results equal to that relative tolerance: for derivatives, whose rounding depends
    on how each library orders the chain rule)."""
    got, want = beside_oracle(lambda: _oracle_results(oracle, exprs, x64, chunk),
                              lambda: [_xjax_eval(e) for e in exprs], x64)
    failures = []
    for e, g, w in zip(exprs, got, want):
        if w[0] == "err":
            if g[0] != "err" or g[1] != w[1]:
                failures.append(f"{e}: jax raised {w[1]}: {w[2]}; xjax gave {g}")
            continue
        if w[0] == "str":
            if g != w:
                failures.append(f"{e}: jax {w[1]!r} != xjax {g!r}")
            continue
        if g[0] != "ok":
            failures.append(f"{e}: xjax raised {g[1]}: {g[2]}")
            continue
        if len(g[1]) != len(w[1]):
            failures.append(f"{e}: {len(g[1])} leaves != jax's {len(w[1])}")
            continue
        for i, (gv, wv) in enumerate(zip(g[1], w[1])):
            wv = wv.value
            if gv.shape != wv.shape or gv.dtype != wv.dtype:
                failures.append(f"{e}[{i}]: xjax {gv.dtype}{gv.shape} != jax {wv.dtype}{wv.shape}")
            elif rtol is not None:
                g64, w64 = np.asarray(gv, np.float64), np.asarray(wv, np.float64)
                if not np.allclose(g64, w64, rtol=rtol, atol=0, equal_nan=True):
                    failures.append(f"{e}[{i}]: values differ\n  xjax {gv}\n  jax  {wv}")
            elif not np.array_equal(_bits(gv), _bits(wv)):
                failures.append(
                    f"{e}[{i}]: values differ\n  xjax {gv.ravel()[:6]}\n  jax  {wv.ravel()[:6]}"
                )
    assert not failures, f"{len(failures)} of {len(exprs)} differ:\n" + "\n".join(failures[:20])


KEYS = [
    "random.PRNGKey(0)",
    "random.PRNGKey(42)",
    "random.key(1701)",
    "random.fold_in(random.PRNGKey(7), 3)",
    "random.split(random.key(123), 5)[3]",
]
SHAPES = ["()", "(1,)", "(3,)", "(7, 5)", "(2, 3, 4)"]
FLOATS = ["jnp.float32", "jnp.float16", "jnp.bfloat16"]


# ---------------------------------------------------------------------------------------------
# Keys


def test_key_construction(oracle):
    seeds = [
        "0",
        "42",
        "-1",
        "2**31 - 1",
        "2**31",
        "2**32 + 5",
        "2**40 + 7",
        "-2**40",
        "np.uint32(4000000000)",
        "np.int8(-3)",
        "np.uint8(200)",
        "np.int64(2**40 + 7)",
        "True",
        "jnp.int32(-5)",
        "jnp.uint32(3000000000)",
    ]
    exprs = [f"random.PRNGKey({s})" for s in seeds] + [f"random.key({s})" for s in seeds[:6]]
    exprs += [
        "random.key_data(random.key(9))",
        "random.key_data(random.PRNGKey(9))",
        "random.wrap_key_data(np.array([1, 2], np.uint32))",
        "random.wrap_key_data(random.key_data(random.split(random.key(3), 4)))",
        "random.key_impl(random.key(0))",
        "random.key_impl(random.PRNGKey(0))",
        "str(random.key(0).dtype)",
        "repr(random.key(0))",
        "repr(random.split(random.key(2), 3))",
        "repr(random.key(0).shape)",
        "repr(random.split(random.key(0), (2, 3)).shape)",
        "jax.jit(random.PRNGKey)(5)",
        "jax.jit(random.key)(jnp.int32(-5))",
        "jax.jit(lambda s: random.key_data(random.key(s)))(77)",
        # errors
        "random.PRNGKey(1.5)",
        "random.PRNGKey(jnp.array([1, 2]))",
        "random.key(random.key(0))",
        "random.PRNGKey(0, impl='rbg_nope')",
        "random.wrap_key_data(np.array([1, 2, 3], np.uint32))",
        "random.wrap_key_data(np.array([1, 2], np.int32))",
        "random.normal(np.array([1, 2, 3], np.uint32))",
        "random.normal([0, 0])",
        "random.normal(random.split(random.key(0)))",
    ]
    _check(oracle, exprs)


def test_split_and_fold_in(oracle):
    exprs = []
    for k in KEYS:
        exprs += [
            f"random.split({k})",
            f"random.split({k}, 3)",
            f"random.split({k}, 1)",
            f"random.split({k}, (2, 3))",
            f"random.split({k}, ())",
            f"random.split({k}, 0)",
            f"random.fold_in({k}, 0)",
            f"random.fold_in({k}, 12345)",
            f"random.fold_in({k}, 2**32 - 1)",
            f"random.fold_in({k}, jnp.int32(-7))",
            f"random.fold_in({k}, np.uint8(9))",
            f"random.fold_in({k}, 1.5)",
        ]
    exprs += [
        "random.fold_in(random.fold_in(random.split(random.PRNGKey(0))[1], 1), 2)",
        "random.split(random.split(random.key(5), 4)[2], 7)",
        "[random.key_data(k) for k in random.split(random.key(11), 3)]",
        "random.key_data(random.split(random.key(11), (2, 3))[1, 2])",
        "jax.jit(random.split, static_argnums=1)(random.PRNGKey(3), 4)",
        "jax.jit(lambda k: random.split(k, (2, 2)))(random.key(3))",
        "jax.jit(random.fold_in)(random.PRNGKey(3), 17)",
        "jax.jit(random.fold_in)(random.key(3), jnp.uint32(4000000000))",
        "jax.jit(lambda k: random.split(random.fold_in(k, 2))[1])(random.key(4))",
        "random.fold_in(random.PRNGKey(0), -1)",
        "random.fold_in(random.PRNGKey(0), 2**32)",
        "random.fold_in(random.PRNGKey(0), jnp.arange(2))",
        "random.split(random.split(random.key(0)), 2)",
    ]
    _check(oracle, exprs)


def test_bits(oracle):
    exprs = [f"random.bits({k}, {s})" for k, s in itertools.product(KEYS, SHAPES)]
    exprs += [
        f"random.bits({k}, (3, 5), jnp.{d})"
        for k in KEYS[:3]
        for d in ("uint8", "uint16", "uint32")
    ]
    exprs += [
        "random.bits(random.PRNGKey(0), (1000,))",
        "jax.jit(lambda k: random.bits(k, (4, 3), jnp.uint16))(random.key(8))",
        "random.bits(random.PRNGKey(0), (2,), jnp.int32)",
        "random.bits(random.PRNGKey(0), (0, 3))",
    ]
    _check(oracle, exprs)


def test_uniform_and_normal(oracle):
    exprs = []
    for k, s, d in itertools.product(KEYS, SHAPES, FLOATS):
        exprs.append(f"random.uniform({k}, {s}, {d})")
    for k, s, d in itertools.product(KEYS, ["()", "(7, 5)"], FLOATS):
        exprs.append(f"random.normal({k}, {s}, {d})")
    exprs += [
        "random.uniform(random.PRNGKey(1), (5,), minval=-3.0, maxval=2.5)",
        "random.uniform(random.PRNGKey(1), (4, 3), minval=jnp.arange(3.0), maxval=10.0)",
        "random.uniform(random.PRNGKey(1), (4, 3), jnp.bfloat16, np.zeros((4, 1)), 7)",
        "random.uniform(random.PRNGKey(2), (6,), jnp.float16, 5.0, 5.0)",
        "random.uniform(random.PRNGKey(2))",
        "random.normal(random.key(3), (2, 2), jnp.complex64)",
        "random.normal(random.PRNGKey(3), (10000,))",
        "random.uniform(random.PRNGKey(2), (3,), jnp.int32)",
        "random.normal(random.PRNGKey(2), (3,), jnp.int32)",
        "random.uniform(random.PRNGKey(2), (3,), minval=jnp.zeros(4))",
    ]
    _check(oracle, exprs)


# Each (shape, dtype) pair costs a compile in each library, so most samplers run three pairs
# (every dtype once, scalar to rank 3) for all the keys.
ROTATION = [("()", "jnp.bfloat16"), ("(7, 5)", "jnp.float32"), ("(2, 3, 4)", "jnp.float16")]


def test_continuous_samplers(oracle):
    exprs = []
    for name in ["exponential", "laplace", "logistic", "cauchy", "gumbel"]:
        exprs += [f"random.{name}({k}, {s}, {d})" for s, d in ROTATION for k in KEYS]
    exprs += [f"random.gumbel({k}, (7, 5), {d}, mode='high')" for k in KEYS[:2] for d in FLOATS]
    exprs += [f"random.gumbel({k}, (3, 5), mode='highest')" for k in KEYS]
    exprs += [
        "random.gumbel(random.PRNGKey(0), (4,), jnp.float16, mode='highest')",
        "random.gumbel(random.PRNGKey(0), (4,), mode='bogus')",
    ]
    _check(oracle, exprs)


@pytest.mark.slow
def test_parametrized_samplers(oracle):
    exprs = []
    for (s, d), k in zip(ROTATION[1:], KEYS):
        exprs += [
            f"random.truncated_normal({k}, -1.0, 2.0, {s}, {d})",
            f"random.lognormal({k}, 0.5, {s}, {d})",
            f"random.pareto({k}, 3.0, {s}, {d})",
            f"random.rayleigh({k}, 2.0, {s}, {d})",
            f"random.weibull_min({k}, 2.0, 1.5, {s}, {d})",
            f"random.triangular({k}, -1.0, 0.5, 2.0, {s}, {d})",
            f"random.wald({k}, 1.5, {s}, {d})",
        ]
    exprs += [
        "random.truncated_normal(random.PRNGKey(1), jnp.array([-3.0, 0.0, 1.0]), 4.0)",
        "random.truncated_normal(random.PRNGKey(1), -jnp.inf, jnp.inf, (4,))",
        "random.truncated_normal(random.PRNGKey(1), 5.0, 6.0, (4,), jnp.bfloat16)",
        "random.truncated_normal(random.PRNGKey(1), 0.0, jnp.ones((2, 1)), (3, 2, 5))",
        "random.truncated_normal(random.PRNGKey(1), 0.0, jnp.ones(3), (2,))",
        "random.exponential(random.PRNGKey(0), (3,), jnp.int32)",
        "random.pareto(random.PRNGKey(0), jnp.array([1.0, 2.0, 3.0]))",
    ]
    _check(oracle, exprs)


def test_discrete_samplers(oracle):
    exprs = []
    cases = [*itertools.product(KEYS, ["()", "(7, 5)"]), *zip(KEYS, ["(1,)", "(2, 3, 4)"])]
    for k, s in cases:
        exprs += [
            f"random.bernoulli({k}, 0.3, {s})",
            f"random.rademacher({k}, {s})",
            f"random.randint({k}, {s}, -5, 1000000)",
            f"random.geometric({k}, 0.25, {s})",
        ]
    exprs += [f"random.bernoulli({k}, 0.3, (7, 5), 'high')" for k in KEYS]
    for k, d in zip(KEYS + KEYS, ["int8", "uint8", "int16", "uint16", "int32", "uint32"]):
        exprs += [
            f"random.randint({k}, (7, 5), 0, 256, jnp.{d})",
            f"random.randint({k}, (7, 5), -3, 100, jnp.{d})",
        ]
    exprs += [
        "random.rademacher(random.PRNGKey(1), (5,), jnp.int8)",
        "random.bernoulli(random.PRNGKey(2))",
        "random.bernoulli(random.PRNGKey(2), jnp.array([0.1, 0.5, 0.9], jnp.bfloat16))",
        "random.bernoulli(random.PRNGKey(2), jnp.array([0.1, 0.5, 0.9]), (4, 3))",
        "random.bernoulli(random.PRNGKey(2), jnp.float16(0.7), (5,), mode='high')",
        "random.bernoulli(random.PRNGKey(2), 1, (2,))",
        "random.bernoulli(random.PRNGKey(2), 0.5, (2,), mode='mid')",
        "random.randint(random.PRNGKey(3), (4, 3), jnp.arange(3), 20)",
        "random.randint(random.PRNGKey(3), (7, 5), 10, 3)",
        "random.randint(random.PRNGKey(3), (7, 5), -2**31, 2**31 - 1)",
        "random.randint(random.PRNGKey(3), (5,), 0, 10, jnp.float32)",
        "random.randint(random.PRNGKey(3), (5,), 0.0, 10.7)",
        "random.geometric(random.PRNGKey(3), jnp.array([0.1, 0.9]), (3, 2), jnp.int16)",
    ]
    _check(oracle, exprs)


def test_categorical_choice_permutation(oracle):
    logits = "jnp.log(jnp.array([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]]))"
    exprs = []
    for k in KEYS:
        exprs += [
            f"random.categorical({k}, {logits})",
            f"random.categorical({k}, {logits}, axis=0, shape=(4, 3))",
            f"random.categorical({k}, {logits}, shape=(3, 2), replace=False)",
            f"random.permutation({k}, 10)",
            f"random.permutation({k}, jnp.arange(12.0).reshape(3, 4))",
            f"random.permutation({k}, jnp.arange(12).reshape(3, 4), 1, True)",
            f"random.choice({k}, 10, (3,))",
            f"random.choice({k}, 10, (2, 3), replace=False)",
            f"random.choice({k}, 4, (6,), p=jnp.array([0.1, 0.2, 0.3, 0.4]))",
            f"random.choice({k}, 4, (3,), False, jnp.array([0.1, 0.2, 0.3, 0.4]))",
        ]
    k = "random.key(31)"
    exprs += [
        f"random.categorical({k}, {logits}, axis=0)",
        f"random.categorical({k}, {logits}, shape=(5, 2))",
        f"random.categorical({k}, jnp.zeros(7), shape=(4,), replace=False)",
        f"random.categorical({k}, {logits}.astype(jnp.bfloat16), mode='high')",
        f"random.permutation({k}, 1)",
        f"random.permutation({k}, jnp.arange(12).reshape(3, 4), axis=1)",
        f"random.permutation({k}, jnp.arange(5000))",
        f"random.choice({k}, jnp.arange(20.0).reshape(5, 4), (2,), axis=1)",
        f"random.choice({k}, jnp.arange(20).reshape(5, 4), (3,), False)",
        f"random.choice({k}, jnp.arange(8) * 3, (2, 2), p=jnp.ones(8) / 8)",
        "random.choice(random.PRNGKey(0), 3, (5,), replace=False)",
        "random.choice(random.PRNGKey(0), 0, (2,))",
        "random.choice(random.PRNGKey(0), 5, (0,))",
        "random.choice(random.PRNGKey(0), 5, 3)",
        "random.choice(random.PRNGKey(0), 4, (2,), p=jnp.ones(3) / 3)",
        "random.permutation(random.PRNGKey(0), 2.5)",
        "random.categorical(random.PRNGKey(0), jnp.zeros(3), shape=(4,), replace=False)",
        "random.categorical(random.PRNGKey(0), jnp.zeros((2, 3)), shape=(3,))",
    ]
    _check(oracle, exprs, chunk=3)


@pytest.mark.slow
def test_gamma(oracle):
    # rejection loops (lax.while_loop): gamma draws one key per element, as JAX's vmap does
    exprs = []
    for (s, d), k in zip(ROTATION, KEYS):
        exprs += [f"random.gamma({k}, 0.7, {s}, {d})", f"random.loggamma({k}, 0.05, {s}, {d})"]
    k = "random.key(17)"
    exprs += [
        f"random.gamma({k}, jnp.array([0.1, 1.0, 3.5, 20.0]))",
        f"random.gamma({k}, jnp.array([0.5, 2.0]), (3, 2))",
        f"random.loggamma({k}, jnp.array([0.001, 0.5, 4.0]), None, jnp.float32)",
        f"jax.jit(lambda k, a: random.gamma(k, a, (5,)))({k}, 1.5)",
        f"random.gamma({k}, 1.0, (3,), jnp.int32)",
    ]
    _check(oracle, exprs, chunk=1)


@pytest.mark.slow
def test_samplers_built_on_gamma(oracle):
    k = "random.key(17)"
    exprs = [f"random.poisson({k}, 4.0, {s})" for s in ("()", "(7, 5)")]
    exprs += [
        f"random.poisson({k}, jnp.array([0.0, 0.5, 9.0, 10.0, 55.0, 1000.0]))",
        f"random.poisson({k}, 25.0, (7, 5), jnp.int16)",
        f"random.beta({k}, 0.5, 2.0, (7, 5))",
        f"random.beta({k}, jnp.array([1.0, 3.0]), 2.0, None, jnp.bfloat16)",
        f"random.dirichlet({k}, jnp.array([0.5, 1.0, 2.0]), (4,))",
        f"random.dirichlet({k}, jnp.array([[0.1, 1.0], [5.0, 2.0]]))",
        f"random.t({k}, 3.0, (7, 5))",
        f"random.t({k}, jnp.array([1.0, 30.0]), None, jnp.float16)",
        f"random.chisquare({k}, 2.5, (6,))",
        f"random.f({k}, 2.0, 5.0, (6,))",
        f"jax.jit(lambda k: random.poisson(k, 12.0, (5,)))({k})",
        f"random.dirichlet({k}, 1.0)",
    ]
    _check(oracle, exprs)


@pytest.mark.slow
def test_linalg_samplers(oracle):
    cov = "jnp.array([[2.0, 0.5, 0.1], [0.5, 1.0, 0.2], [0.1, 0.2, 0.5]])"
    exprs = []
    for k in KEYS[:3]:
        exprs += [
            f"random.multivariate_normal({k}, jnp.zeros(3), {cov}, (4,))",
            f"random.multivariate_normal({k}, jnp.arange(3.0), {cov})",
            f"random.orthogonal({k}, 3)",
            f"random.orthogonal({k}, 2, m=4)",
        ]
    k = "random.key(5)"
    exprs += [
        f"random.multivariate_normal({k}, jnp.arange(3.0), {cov}, (2,), method='svd')",
        f"random.multivariate_normal({k}, jnp.arange(3.0), {cov}, (2,), method='eigh')",
        f"random.multivariate_normal({k}, jnp.zeros(3), {cov}, method='lu')",
        f"random.multivariate_normal({k}, jnp.zeros(2), {cov})",
        f"random.orthogonal({k}, 4, (2,))",
        f"random.orthogonal({k}, 4, m=2)",
    ]
    _check(oracle, exprs)


def test_under_jit(oracle):
    # one compile per function; several keys through each (typed and raw)
    fns = [
        "lambda k: random.uniform(k, (3, 4), jnp.bfloat16)",
        "lambda k: random.normal(k, (7,), jnp.float16)",
        "lambda k: random.bits(k, (3,), jnp.uint8)",
        "lambda k: random.truncated_normal(k, -0.5, 0.5, (4,))",
        "lambda k: random.randint(k, (5,), 3, 17)",
        "lambda k: random.categorical(k, jnp.arange(4.0), shape=(3,))",
        "lambda k: random.choice(k, 6, (2,), False)",
        (
            "lambda k: [f(k, (3,)) for f in (random.gumbel, random.exponential, random.laplace,"
            " random.logistic, random.cauchy, random.rademacher)]"
        ),
        "lambda k: [random.normal(s, (2,)) for s in random.split(k, 3)]",
        "lambda k: (random.split(k)[0], random.fold_in(k, 3))",
    ]
    exprs = [f"jax.jit({fn})({k})" for fn in fns for k in KEYS[1:4]]
    exprs += [
        "jax.jit(lambda k, lo: random.uniform(k, (5,), minval=lo))(random.key(6), -2.0)",
        "jax.jit(lambda k, p: random.bernoulli(k, p, (6,)))(random.PRNGKey(5), 0.4)",
        "jax.jit(lambda k, hi: random.randint(k, (5,), 0, hi, jnp.uint8))(random.key(6), 200)",
        "jax.jit(lambda k, x: random.permutation(k, x))(random.PRNGKey(5), jnp.arange(9))",
    ]
    _check(oracle, exprs)


def test_x64(oracle):
    exprs = [
        f"random.{f}({k}, (7, 5), jnp.float64)"
        for k in KEYS[:3]
        for f in ("uniform", "normal", "exponential", "gumbel")
    ]
    exprs += [
        "random.PRNGKey(-1)",
        "random.PRNGKey(2**40 + 7)",
        "random.PRNGKey(-2**40)",
        "random.key(2**63 - 1)",
        "random.bits(random.PRNGKey(0), (5,))",
        "random.bits(random.PRNGKey(0), (5,), jnp.uint32)",
        "random.uniform(random.PRNGKey(0), (5,), jnp.float32)",
        "random.randint(random.PRNGKey(0), (5,), 0, 2**40)",
        "random.randint(random.PRNGKey(0), (5,), -10, 10, jnp.int32)",
        "random.truncated_normal(random.PRNGKey(0), -1.0, 1.0, (5,))",
        "random.categorical(random.PRNGKey(0), jnp.zeros(4), shape=(3,))",
        "random.choice(random.PRNGKey(0), 5, (3,))",
        "random.bernoulli(random.PRNGKey(0), 0.5, (5,), 'high')",
        "random.fold_in(random.PRNGKey(0), 2**32 - 1)",
        "jax.jit(lambda k: random.normal(k, (3,)))(random.key(1))",
    ]
    _check(oracle, exprs, x64=True)


# ---------------------------------------------------------------------------------------------
# Typed keys as objects (no oracle needed)


def test_typed_key_object():
    k = xrandom.key(0)
    assert k.shape == () and k.ndim == 0 and str(k.dtype) == "key<fry>"
    ks = xrandom.split(k, 4)
    assert ks.shape == (4,) and len(ks) == 4
    assert [tuple(np.asarray(xrandom.key_data(s))) for s in ks] == [
        tuple(r) for r in np.asarray(xrandom.key_data(ks))
    ]
    assert np.asarray(ks[1] == ks[1]).item() and not np.asarray(ks[1] == ks[2]).item()
    assert ks.reshape(2, 2).shape == (2, 2) and ks.reshape(2, 2).T.shape == (2, 2)
    leaves = xjax.tree_util.tree_leaves(ks)
    assert len(leaves) == 1 and leaves[0].shape == (4, 2)
    out = xjax.jit(lambda k: xrandom.split(k, 2))(k)
    assert isinstance(out, xrandom.PRNGKeyArray) and out.shape == (2,)
    with pytest.raises(TypeError, match="cannot be converted to a NumPy array"):
        np.asarray(k)
    with pytest.raises(TypeError, match="iteration over a 0-d key array"):
        iter(k)
    assert "jax" not in __import__("sys").modules


def test_vmap_over_keys():
    vmap = getattr(xjax, "vmap", None)
    if vmap is None:
        pytest.skip("xjax.vmap is not public yet")
    keys = xrandom.split(xrandom.PRNGKey(3), 4)
    for f in (
        lambda k: xrandom.normal(k, (2,)),
        lambda k: xrandom.split(k),
        lambda k: xrandom.randint(k, (3,), 0, 9),
    ):
        want = np.stack([np.asarray(f(k)) for k in keys])
        np.testing.assert_array_equal(np.asarray(vmap(f)(keys)), want)


def test_jaxpr_uses_threefry_primitive():
    jaxpr = xjax.make_jaxpr(lambda k: xrandom.normal(k, (3,)))(xrandom.PRNGKey(0))
    assert "threefry2x32" in str(jaxpr)
