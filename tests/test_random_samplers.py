"""The samplers added after the first cut of xjax.random (maxwell, double_sided_maxwell,
generalized_normal, ball, binomial, multinomial, key_dtype, clone) against real JAX, bit for bit.

Expressions are evaluated by both libraries and compared exactly (`tests.test_random._check`);
errors compare by exception class. Each (shape, dtype) pair costs a compile on both sides, so
the default run rotates the dtypes across shapes and keys; the sweeps are marked slow.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import xjax
import xjax.numpy as xnp
import xjax.random as xrandom
from tests.test_random import KEYS, _check
from xjax._src.errors import TypePromotionError

# (shape, dtype) pairs: scalar, empty, rank 2; every float dtype once.
ROTATION = [("()", "jnp.float32"), ("(0,)", "jnp.bfloat16"), ("(7, 5)", "jnp.float16")]


# Each expression with a rejection loop (gamma, binomial) costs a compile of a second or two on
# each side: the default run keeps a few per sampler (and the argument errors, which are
# cheap); `test_more_cases` and `test_sweep` (slow) run the rest.

BINOMIAL_EDGES = (
    "jnp.array([0.0, 1.0, 5.0, 7.9, 50.0, 1e3, 1e6, jnp.inf, -1.0, jnp.nan, 30.0, 30.0])",
    "jnp.array([0.3, 0.3, 0.0, 1.0, 0.35, 0.7, 0.5, 0.5, 0.5, 0.5, -0.1, jnp.nan])",
)
P3 = "jnp.array([0.2, 0.3, 0.5])"

DEFAULT_CASES = [
    *(f"random.maxwell({k}, {s}, {d})" for k, (s, d) in zip(KEYS, ROTATION)),
    "random.double_sided_maxwell(random.key(1), jnp.zeros(2), 1.0)",  # shape () -> (2, 2)
    "jax.jit(lambda k, l: random.double_sided_maxwell(k, l, 2.0, (3,)))(random.key(4), 1.5)",
    "random.generalized_normal(random.key(3), 1.5, (4, 2))",
    "random.ball(random.key(1), 0)",
    "jax.jit(lambda k, p: random.ball(k, 3, p, (2,)))(random.key(5), 1.5)",
    # inversion (n * q <= 10), BTRS (above), p > 0.5 flips, invalid and infinite counts
    f"random.binomial(random.key(7), {BINOMIAL_EDGES[0]}, {BINOMIAL_EDGES[1]})",
    f"random.multinomial(random.key(3), 10, {P3})",
    # errors
    "random.maxwell(random.PRNGKey(0), (2,), jnp.int32)",
    "random.maxwell(random.split(random.key(0)), (2,))",
    "random.double_sided_maxwell(random.PRNGKey(0), 0.0, 1.0, (3,), jnp.int32)",
    "random.double_sided_maxwell(random.PRNGKey(0), jnp.zeros(2), jnp.ones(3))",
    "random.generalized_normal(random.key(0), 1.5, (3,), jnp.int32)",
    "random.generalized_normal(random.key(0), jnp.ones(2), (3,))",
    "random.ball(random.key(0), 3.5)",
    "random.ball(random.key(0), -1)",
    "random.ball(random.split(random.key(0)), 2)",
    "random.binomial(random.key(0), 10, 0.3, (3,), jnp.int32)",
    "random.binomial(random.key(0), [10], 0.3)",
    "random.binomial(random.key(0), jnp.ones(3), 0.3, (2,))",
    f"random.multinomial(random.key(0), 10, {P3}, shape=(2,))",
    "random.multinomial(random.key(0), 10, 0.5)",
    f"random.multinomial(random.key(0), jnp.array([5.0, 7.0]), {P3})",
    f"random.multinomial(random.key(0), [10], {P3})",
]

MORE_CASES = [
    "random.ball(random.PRNGKey(0), 3)",
    f"random.multinomial(random.key(3), jnp.array([5.0, 50.0]), {P3}, shape=(2, 3))",
    "random.binomial(random.key(7), 25, jnp.array([0.1, 0.5], jnp.bfloat16), (3, 2))",
    "random.double_sided_maxwell(random.key(2), 1, 3, (5,), jnp.float16)",
    *(f"random.maxwell({k}, (4, 3))" for k in KEYS),
    "random.double_sided_maxwell(random.PRNGKey(0), 0.5, 2.0, (3,))",
    "random.double_sided_maxwell(random.key(1), 0.5, 2.0)",
    "random.double_sided_maxwell(random.key(1), jnp.arange(2.0), jnp.ones((3, 1)), (4,))",
    "random.double_sided_maxwell(random.key(2), jnp.float32(1), 3, (5,), jnp.float16)",
    "random.double_sided_maxwell(random.key(2), 0.0, 1.0, (0, 2), jnp.bfloat16)",
    "jax.jit(lambda k: random.maxwell(k, (6,), jnp.bfloat16))(random.key(4))",
    *(f"random.generalized_normal({k}, 1.5, {s}, {d})" for k, (s, d) in zip(KEYS, ROTATION)),
    "random.generalized_normal(random.key(3), 2, (5,))",
    "random.generalized_normal(random.key(3), jnp.array([1.0, 2.0, 4.0]), (2, 3))",
    "jax.jit(lambda k: random.generalized_normal(k, 3.0, (4,)))(random.key(5))",
    "random.ball(random.key(1), 2, 1.0, (4,))",
    "random.ball(random.key(1), 4, 3, (2, 2), jnp.float16)",
    "random.ball(random.key(1), 3, 2, (0,), jnp.bfloat16)",
    *(
        f"random.binomial({k}, {n}, {p}, {s}, {d})"
        for k, (n, p), (s, d) in zip(KEYS, [(10, 0.3), (100, 0.4), (40, 0.9)], ROTATION)
    ),
    "random.binomial(random.key(7), jnp.arange(4.0), jnp.full((3, 1), 0.6))",
    "random.binomial(random.PRNGKey(8), 12.7, 0.5, (4,), jnp.float16)",
    "jax.jit(lambda k, n: random.binomial(k, n, 0.25, (5,)))(random.key(9), 60)",
    *(f"random.multinomial({k}, 10, {P3})" for k in KEYS[:3]),
    f"random.multinomial(random.key(3), 100.0, {P3}, shape=(4, 3), dtype=jnp.int32)",
    "random.multinomial(random.key(3), 20, jnp.array([[0.5, 0.5, 0.0], [0.0, 0.1, 0.9]]))",
    f"random.multinomial(random.key(3), 10, {P3}.astype(jnp.float16))",
    f"random.multinomial(random.key(3), 10, {P3}, dtype=jnp.bfloat16, unroll=2)",
    f"random.multinomial(random.key(3), 10, {P3}, shape=(0, 3))",
    f"jax.jit(lambda k, n: random.multinomial(k, n, {P3}))(random.key(4), 30.0)",
]


@pytest.mark.oracle
def test_new_samplers(oracle):
    _check(oracle, DEFAULT_CASES, chunk=10)


@pytest.mark.oracle
@pytest.mark.slow
def test_more_cases(oracle):
    _check(oracle, MORE_CASES, chunk=8)


@pytest.mark.oracle
def test_key_dtype_and_clone(oracle):
    exprs = [
        "str(random.key_dtype())",
        "str(random.key_dtype('threefry2x32'))",
        "str(random.key_dtype(random.key_dtype()))",
        "repr(random.key_dtype() == random.key(0).dtype)",
        "random.clone(random.key(3))",
        "random.clone(random.PRNGKey(3))",
        "random.uniform(random.clone(random.key(3)), (3,))",
        "jax.jit(random.clone)(random.key(3))",
        "random.key_dtype('nope')",
        "random.key_dtype(3)",
    ]
    _check(oracle, exprs)


@pytest.mark.oracle
def test_x64(oracle):
    exprs = [
        "random.maxwell(random.key(1), (5,))",
        "random.binomial(random.key(1), jnp.array([3.0, 80.0, 2.0]), jnp.array([0.5, 0.3, 0.9]))",
    ]
    _check(oracle, exprs, x64=True)


@pytest.mark.oracle
@pytest.mark.slow
def test_sweep(oracle):
    shapes = ["()", "(1,)", "(0, 3)", "(7, 5)"]
    dtypes = ["jnp.float32", "jnp.float16", "jnp.bfloat16"]
    exprs = []
    for k, s, d in itertools.product(KEYS[:3], shapes, dtypes):
        exprs += [
            f"random.maxwell({k}, {s}, {d})",
            f"random.generalized_normal({k}, 0.7, {s}, {d})",
            f"random.ball({k}, 3, 1.5, {s}, {d})",
            f"random.binomial({k}, 30.0, 0.2, {s}, {d})",
        ]
    for k in KEYS:
        exprs += [
            f"random.binomial({k}, {BINOMIAL_EDGES[0]}, {BINOMIAL_EDGES[1]})",
            f"random.multinomial({k}, 1000.0, jnp.array([0.1, 0.2, 0.3, 0.4]))",
            f"random.double_sided_maxwell({k}, jnp.arange(3.0), 0.5, (2,), jnp.float16)",
        ]
    _check(oracle, exprs, chunk=8)
    _check(oracle, ["random.multinomial(random.key(1), 12, jnp.array([0.25, 0.75]))"], x64=True)


# ---------------------------------------------------------------------------------------------
# Without the oracle


SAMPLERS = {
    "maxwell": lambda k: xrandom.maxwell(k, (3,)),
    "double_sided_maxwell": lambda k: xrandom.double_sided_maxwell(k, 1.0, 2.0, (3,)),
    "generalized_normal": lambda k: xrandom.generalized_normal(k, 1.5, (3,)),
    "ball": lambda k: xrandom.ball(k, 3, 1.5, (2,)),
    "binomial": lambda k: xrandom.binomial(k, xnp.array([5.0, 80.0]), 0.3),
    "multinomial": lambda k: xrandom.multinomial(k, 20.0, xnp.array([0.2, 0.3, 0.5])),
    "gamma": lambda k: xrandom.gamma(k, xnp.array([0.3, 4.0])),
    "clone": lambda k: xrandom.key_data(xrandom.clone(k)),
}
# Eager vmap batches each sampler's jit body into one executable, equal to the loop bit for
# bit. Under an outer jit these two are compiled into a larger program, where XLA fuses their
# float expressions otherwise (an FMA here or there): equal to a few ulp. (JAX's own vmap
# differs from its loop too under jit; `test_random_gamma.test_gamma_under_vmap` compares
# with JAX's vmap.)
NOT_BITWISE_UNDER_JIT = {"generalized_normal", "ball"}


HEAVY = {"generalized_normal", "ball", "multinomial"}  # rejection loops: compile-heavy


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=pytest.mark.slow) if n in HEAVY else n for n in SAMPLERS]
)
def test_vmap_over_keys_equals_loop(name):
    fn = SAMPLERS[name]
    keys = xrandom.split(xrandom.key(11), 3)
    want = np.stack([np.asarray(fn(k)) for k in keys])
    np.testing.assert_array_equal(np.asarray(xjax.vmap(fn)(keys)), want)
    got = np.asarray(xjax.jit(xjax.vmap(fn))(keys))
    if name in NOT_BITWISE_UNDER_JIT:
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=0)
    else:
        np.testing.assert_array_equal(got, want)


def test_type_promotion_error_class():
    k = xrandom.key(0)
    with pytest.raises(TypePromotionError, match=r"beta.*cannot safely cast.*float32 to float16"):
        xrandom.beta(k, xnp.float32(1.0), 2.0, (2,), xnp.float16)
    assert issubclass(TypePromotionError, ValueError)
    assert str(xrandom.key_dtype()) == "key<fry>" and xrandom.key_dtype() == k.dtype
    assert xrandom.clone(k) is k
