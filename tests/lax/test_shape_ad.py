"""Derivatives of the structural, reduction and sorting primitives: numerical checks of forward
and reverse mode to second order (float64), and gradients compared with real JAX where a rule
makes a choice (ties, zeros in products)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import xjax
import xjax.numpy as jnp
from tests._util import x64_fixture  # noqa: F401  (the `x64` fixture)
from tests.oracle import assert_matches
from xjax import lax
from xjax._src import dtypes
from xjax.test_util import check_grads

pytestmark = pytest.mark.usefixtures("x64")


def _rand(shape: tuple, seed: int, lo: float = -2.0, hi: float = 2.0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(lo, hi, shape)


def _distinct(shape: tuple, seed: int) -> np.ndarray:
    """Values at least 0.1 apart, so that max/sort choices are stable under finite differences."""
    n = int(np.prod(shape))
    return np.random.default_rng(seed).permutation(np.arange(n) * 0.1 - 1.0).reshape(shape)


P = pytest.param
F64 = np.float64
TIES = np.array([[1.0, 0.0, 1.0, 0.0], [2.0, 2.0, 1.0, 1.0]])
ZEROS_3x3 = np.array([[0.0, 1.5, 0.0], [2.0, 0.0, 0.0], [-1.0, 3.0, 0.0]])


def _reduce2(x: Any, y: Any) -> Any:
    return lax.reduce((x, y), (0.0, 1.0), lambda a, b: (a[0] + b[0], a[1] * b[1]), (1,))


# Every differentiable primitive of shape.py, reductions.py and sorting.py.
CASES = [
    P(lambda x: lax.broadcast_in_dim(x, (2, 3, 4), (1, 2)), (_rand((3, 1), 0),),
      id="broadcast_in_dim"),
    P(lambda x: lax.broadcast_in_dim(x, (2, 3), ()), (F64(1.5),), id="broadcast_scalar"),
    P(lambda x: lax.reshape(x, (3, 2)), (_rand((2, 3), 1),), id="reshape"),
    P(lambda x: lax.reshape(x, (6,), (1, 0)), (_rand((2, 3), 2),), id="reshape_dims"),
    P(lambda x: lax.transpose(x, (2, 0, 1)), (_rand((2, 3, 4), 3),), id="transpose"),
    P(lambda x: lax.squeeze(x, (0, 2)), (_rand((1, 3, 1), 4),), id="squeeze"),
    P(lambda x: lax.rev(x, (0, 2)), (_rand((2, 3, 4), 5),), id="rev"),
    P(lambda x, v: lax.pad(x, v, [(1, 2, 0), (0, 1, 2)]), (_rand((2, 3), 6), F64(0.7)), id="pad"),
    P(lambda x, v: lax.pad(x, v, [(-1, 2, 1), (2, -2, 0)]), (_rand((4, 3), 7), F64(-1.2)),
      id="pad_negative"),
    P(lambda x, v: lax.pad(x, v, []), (F64(0.5), F64(2.0)), id="pad_scalar"),
    P(lambda x, y, z: lax.concatenate([x, y, z], 1),
      (_rand((2, 1), 8), _rand((2, 3), 9), _rand((2, 2), 10)), id="concatenate"),
    P(lambda x: lax.reduce_sum(x, (0, 2)), (_rand((2, 3, 4), 11),), id="reduce_sum"),
    P(lambda x: lax.reduce_prod(x, (1,)), (_rand((3, 5), 12),), id="reduce_prod"),
    P(lambda x: lax.reduce_prod(x, (0, 2)), (_rand((2, 3, 3), 13),), id="reduce_prod_axes"),
    P(lambda x: lax.reduce_prod(x, (0,)), (ZEROS_3x3,), id="reduce_prod_zeros"),
    P(lambda x: lax.reduce_prod(x, (0, 1)), (_rand((2, 3), 14),), id="reduce_prod_all"),
    P(lambda x: lax.reduce_max(x, (1,)), (_distinct((3, 4), 15),), id="reduce_max"),
    P(lambda x: lax.reduce_min(x, (0, 1)), (_distinct((3, 4), 16),), id="reduce_min"),
    P(lambda x: lax.cumsum(x, 1), (_rand((2, 5), 17),), id="cumsum"),
    P(lambda x: lax.cumsum(x, 0, reverse=True), (_rand((5, 2), 18),), id="cumsum_reverse"),
    P(lambda x: lax.cumprod(x, 0), (_rand((7, 2), 19),), id="cumprod"),
    P(lambda x: lax.cumprod(x, 0, reverse=True), (np.array([1.5, 0.0, -2.0, 0.0, 0.5, 1.1]),),
      id="cumprod_zeros"),
    P(lambda x: lax.cummax(x, 1), (_distinct((2, 6), 20),), id="cummax"),
    P(lambda x: lax.cummin(x, 0, reverse=True), (_distinct((5, 3), 21),), id="cummin"),
    P(lambda x: lax.sort(x, 0), (_distinct((5, 3), 22),), id="sort"),
    P(lambda k, v: lax.sort_key_val(k, v, 1), (_distinct((2, 5), 23), _rand((2, 5), 24)),
      id="sort_key_val"),
    # The first keys tie and are held constant (a perturbation would break the ties).
    P(lambda k2, v: lax.sort((TIES, k2, v), 1, num_keys=2)[1:],
      (_distinct((2, 4), 25), _rand((2, 4), 26)), id="sort_num_keys"),
    P(lambda x: lax.top_k(x, 3)[0], (_distinct((2, 6), 27),), id="top_k"),
    P(lambda x: lax.top_k(x, 2, axis=0)[0], (_distinct((5, 3), 28),), id="top_k_axis0"),
    P(_reduce2, (_rand((3, 5), 29), _rand((3, 5), 30)), id="reduce_generic"),
]


@pytest.mark.parametrize("f,args", CASES)
def test_check_grads(f: Callable, args: tuple) -> None:
    check_grads(f, args, order=2, modes=("fwd", "rev"))


def test_pad_linear_in_padding_value() -> None:
    x, v = np.arange(3.0), np.float64(2.0)
    f = lambda x, v: jnp.sum(lax.pad(x, v, [(2, 1, 1)]) * jnp.arange(8.0))
    gx, gv = xjax.grad(f, argnums=(0, 1))(x, v)
    np.testing.assert_allclose(gx, [2.0, 4.0, 6.0])
    np.testing.assert_allclose(gv, 0 + 1 + 3 + 5 + 7)


def test_nondifferentiable_outputs() -> None:
    """iota, argmax/argmin, logical reductions, top_k indices: zero derivatives (float0 ints)."""
    x = _distinct((3, 4), 40)

    def f(x: Any) -> Any:
        f64 = lambda a: lax.convert_element_type(a, np.float64)
        i = f64(lax.argmax(x, 1, np.int32) + lax.argmin(x, 1, np.int32))
        b = f64(lax.reduce_or(lax.convert_element_type(x, np.int32), (1,)))
        n = f64(lax.broadcasted_iota(np.int32, (3,), 0))
        return jnp.sum(i * b * n) + jnp.sum(f64(lax.top_k(x, 2)[1]))

    np.testing.assert_array_equal(xjax.grad(f)(x), np.zeros((3, 4)))
    _, t = xjax.jvp(lambda x: lax.argmax(x, 0, np.int32), (x,), (np.ones_like(x),))
    assert t.dtype == dtypes.float0 and t.shape == (4,)


def test_sort_integer_operand() -> None:
    """Integer values sorted along with float keys get no tangent; the keys do."""
    k, v = _distinct((6,), 41), np.arange(6, dtype=np.int32)
    g = xjax.grad(lambda k: jnp.sum(lax.sort_key_val(k, v)[0] * jnp.arange(6.0)))(k)
    np.testing.assert_allclose(g, np.argsort(np.argsort(k)).astype(np.float64))


# -- against real JAX: the choices at ties and zeros ---------------------------------------

A6 = np.arange(6.0) / 3
ORACLE = [  # (body of `lambda x: ...`, x)
    ("jnp.sum(jnp.sin(lax.cumprod(x)))", np.array([1.5, 0.0, -2.0, 0.0, 0.5, 1.1, 0.3])),
    ("jnp.sum(jnp.sin(lax.cumprod(x, reverse=True)))", np.array([1.5, 0.0, -2.0, 0.5])),
    ("jnp.sum(jnp.sin(lax.cummax(x)))", np.array([1.0, 3.0, 3.0, 2.0, 3.0, 0.0, 5.0, 5.0])),
    ("jnp.sum(jnp.sin(lax.cummin(x, 1, True)))",
     np.array([[2.0, 1.0, 1.0, 3.0, 1.0], [0.0, 0.0, 0.0, 0.0, 0.0]])),
    ("jnp.sum(jnp.sin(lax.reduce_max(x, (1,))))", np.array([[1.0, 2.0, 2.0], [3.0, 3.0, 3.0]])),
    ("jnp.sum(jnp.sin(lax.reduce_min(x, (0, 1))))", np.array([[1.0, 0.0], [0.0, 2.0]])),
    ("jnp.sum(jnp.sin(lax.reduce_prod(x, (0,))))",
     np.array([[0.0, 2.0, 0.0], [3.0, 0.0, 0.0], [2.0, 0.5, 0.0]])),
    ("jnp.sum(jnp.sin(lax.reduce_prod(x, (0, 1))))", np.array([[0.0, 2.0, 1.5], [3.0, -1.0, 0.7]])),
    ("jnp.sum(jnp.sin(lax.sort(x)) * jnp.arange(6.0))", np.array([2.0, 1.0, 2.0, 0.0, 1.0, -3.0])),
    ("jnp.sum(jnp.sin(lax.top_k(x, 3)[0]) * jnp.arange(3.0))",
     np.array([2.0, 1.0, 2.0, 0.0, 2.0, -3.0])),
    ("jnp.sum(jnp.sin(lax.pad(x, 0.5 * x[0, 0], [(1, 2, 1), (-1, 0, 0)])))", A6.reshape(2, 3)),
    ("jnp.sum(jnp.sin(lax.concatenate([x, 2 * x, x[:, :1]], 1)))", A6.reshape(2, 3)),
    ("jnp.sum(jnp.sin(lax.cumsum(x, 0, reverse=True)) * x)", A6.reshape(3, 2)),
]
NS = {"jnp": jnp, "lax": lax}


@pytest.mark.oracle
def test_grad_matches_jax(oracle: Any) -> None:
    inputs = {f"x{i}": x for i, (_, x) in enumerate(ORACLE)}
    exprs = [f"jax.jit(jax.grad(lambda x: {e}))(x{i})" for i, (e, _) in enumerate(ORACLE)]
    want = oracle.eval("[" + ", ".join(exprs) + "]", x64=True, **inputs)
    for (body, x), w in zip(ORACLE, want):
        assert_matches(xjax.grad(eval(f"lambda x: {body}", NS))(x), w, rtol=1e-12, atol=1e-12)


def test_jit_of_grad() -> None:
    for body, x in ORACLE:
        g = xjax.grad(eval(f"lambda x: {body}", NS))
        np.testing.assert_allclose(xjax.jit(g)(x), g(x), rtol=1e-13, atol=1e-13)


@pytest.mark.oracle
def test_jacrev_and_hessian_match_jax(oracle: Any) -> None:
    x = np.array([0.5, 0.0, -1.5, 2.0])
    f1 = "lambda x: lax.cumprod(jnp.sin(lax.sort(x)))"
    f2 = "lambda x: jnp.sum(lax.reduce_prod(lax.rev(x, (0,)), (0,)) * lax.cummax(x))"
    want = oracle.eval(f"(jax.jit(jax.jacrev({f1}))(x), jax.jit(jax.hessian({f2}))(x))",
                       x64=True, x=x)
    assert_matches(xjax.jacrev(eval(f1, NS))(x), want[0], rtol=1e-12, atol=1e-12)
    assert_matches(xjax.hessian(eval(f2, NS))(x), want[1], rtol=1e-12, atol=1e-12)
