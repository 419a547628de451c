"""The `random_gamma` primitive against real JAX: its vmap rule (bits equal to JAX's under
jit(vmap)) and its derivative in alpha (the implicit reparameterization gradient).

Samples compare bit for bit (`tests.test_random._check`); derivatives to a tolerance, since
the chain rule around them may round in another order.
"""

from __future__ import annotations

import numpy as np
import pytest

import xjax
import xjax.numpy as xnp
import xjax.random as xrandom
from tests.oracle import assert_matches
from tests.test_random import _check

KS = "random.split(random.key(11), 3)"


K = "random.key(3)"
VMAP_CASES = [
    f"jax.jit(jax.vmap(lambda k: random.gamma(k, 0.7, (2,))))({KS})",
    "jax.vmap(lambda a: random.gamma(random.key(1), a, (2,)))(jnp.array([0.3, 2.0, 9.0]))",
    f"jax.jit(jax.vmap(lambda k: random.generalized_normal(k, 1.5, (2, 3))))({KS})",
]
MORE_VMAP_CASES = [
    f"jax.vmap(lambda k: random.gamma(k, 0.7, (2,)))({KS})",
    f"jax.vmap(lambda k, a: random.loggamma(k, a), (0, 0))({KS}, jnp.array([0.3, 2.0, 9.0]))",
    f"jax.jit(jax.vmap(lambda k: random.maxwell(k, (4,))))({KS})",
    f"jax.jit(jax.vmap(lambda k: random.binomial(k, jnp.array([5.0, 80.0]), 0.3)))({KS})",
    f"jax.jit(jax.vmap(lambda k: random.multinomial(k, 20.0, jnp.array([0.2, 0.8]))))({KS})",
]
GRAD_CASES = [
    f"jax.grad(lambda a: random.gamma({K}, a).sum())(jnp.array([0.05, 0.5, 3.0, 40.0]))",
    f"jax.grad(lambda a: random.loggamma({K}, a, (4,)).sum())(0.07)",
    f"jax.grad(lambda a, b: random.beta({K}, a, b, (4,)).sum(), (0, 1))(0.5, 3.0)",
]
MORE_GRAD_CASES = [
    f"jax.grad(lambda a: random.gamma({K}, a, (4,)).sum())(0.7)",
    f"jax.jacfwd(lambda a: random.gamma({K}, a, (3,)))(0.5)",
    f"jax.grad(lambda a: random.dirichlet({K}, a)[0])(jnp.array([0.5, 1.0, 2.0]))",
    f"jax.grad(lambda a: random.gamma({K}, a, (2,), jnp.bfloat16).sum())(jnp.bfloat16(2.5))",
    f"jax.grad(lambda df: random.chisquare({K}, df, (3,)).sum())(4.0)",
    f"jax.vmap(jax.grad(lambda a: random.gamma({K}, a)))(jnp.array([0.5, 2.0]))",
]


@pytest.mark.oracle
def test_gamma_under_vmap(oracle):
    _check(oracle, VMAP_CASES)


@pytest.mark.oracle
def test_gamma_derivatives(oracle):
    _check(oracle, GRAD_CASES, rtol=1e-5)


@pytest.mark.oracle
@pytest.mark.slow
def test_more_cases(oracle):
    _check(oracle, MORE_VMAP_CASES, chunk=5)
    _check(oracle, MORE_GRAD_CASES, chunk=5, rtol=1e-5)


@pytest.mark.oracle
def test_random_gamma_grad(oracle):
    a = np.array([0.1, 0.5, 2.0, 30.0, 0.5, 3.0, 1.0, -1.0, np.nan, 0.7], np.float32)
    x = np.array([0.01, 1.5, 2.0, 25.0, 0.0, 80.0, 1e-30, 1.0, 1.0, np.inf], np.float32)
    want = oracle.eval("lax.random_gamma_grad(a, x)", a=a, x=x)
    got = xjax.lax.random_gamma_grad(xnp.asarray(a), xnp.asarray(x))
    assert_matches(got, want, rtol=1e-6, atol=0)
    a16, x16 = a.astype(np.float16), x.astype(np.float16)
    want16 = oracle.eval("lax.random_gamma_grad(a, x)", a=a16, x=x16)
    got16 = xjax.lax.random_gamma_grad(xnp.asarray(a16), xnp.asarray(x16))
    assert_matches(got16, want16, rtol=1e-3, atol=0)


@pytest.mark.oracle
def test_random_gamma_grad_broadcasting_and_errors(oracle):
    """JAX's rule: to the NumPy broadcast shape, each operand's dimensions leading (so a[i]
    pairs with x[i, :], not x[:, i])."""
    a = np.array([0.5, 4.0, 20.0], np.float32)
    x = np.array([[0.2, 1.0, 3.0], [2.0, 5.0, 9.0], [15.0, 22.0, 30.0]], np.float32)
    want = oracle.eval("lax.random_gamma_grad(a, x)", a=a, x=x)
    assert_matches(xjax.lax.random_gamma_grad(a, x), want, rtol=1e-6, atol=0)
    bad = {
        "lax.random_gamma_grad(a, x[:2])": (TypeError, "leading dimensions"),  # (3,), (2, 3)
        "lax.random_gamma_grad(a, x[:2, :2])": (ValueError, "incompatible shapes"),
        "lax.random_gamma_grad(x, x.astype(np.float16))": (TypeError, "floating dtype"),
        "lax.random_gamma_grad(a.astype(np.int32), a.astype(np.int32))": (TypeError, "dtype"),
    }
    for expr, (err, match) in bad.items():
        assert getattr(oracle.eval(expr, a=a, x=x), "type_name", None) == err.__name__, expr
        with pytest.raises(err, match=match):
            eval(expr, {"lax": xjax.lax, "np": np, "a": a, "x": x})
    jaxpr = str(xjax.make_jaxpr(xjax.lax.random_gamma_grad)(a, a))
    assert "while" in jaxpr and "pjit" not in jaxpr  # a composition, as JAX's


def test_random_gamma_primitive():
    from xjax.random import random_gamma_p

    jaxpr = xjax.make_jaxpr(lambda k: xrandom.gamma(k, 1.0, (3,)))(xrandom.PRNGKey(0))
    assert "random_gamma[" in str(jaxpr) or "random_gamma " in str(jaxpr)
    keys = xrandom.key_data(xrandom.split(xrandom.key(2), 2))
    a = xnp.array([[0.5, 1.5, 3.0], [0.2, 2.0, 8.0]])
    out = random_gamma_p.bind(keys, a, log_space=False)
    assert out.shape == (2, 3) and out.dtype == np.float32
    # a batch of keys draws row i from key i, as a vmap over keys does
    loop = np.stack(
        [np.asarray(random_gamma_p.bind(keys[i], a[i], log_space=False)) for i in range(2)]
    )
    np.testing.assert_array_equal(np.asarray(out), loop)
