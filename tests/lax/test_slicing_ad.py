"""Differentiation of the slicing family: slice, dynamic_slice, dynamic_update_slice, gather and
the scatters (issue #3).

Every differentiable primitive gets `check_grads(order=2, modes=("fwd", "rev"))` in float64
(numerical derivatives, no expected values from our own code); gradients through NumPy-style
indexing and `.at[]` updates are compared with real JAX through the `oracle` fixture.
"""

from __future__ import annotations

import numpy as np
import pytest

import xjax
import xjax.numpy as jnp
from tests._util import x64_fixture  # noqa: F401  (the `x64` fixture)
from tests.oracle import assert_matches
from xjax import lax
from xjax._src import core
from xjax._src.interpreters.ad import UndefinedPrimal
from xjax._src.lax.scatter import scatter_p
from xjax.test_util import check_grads

GDN = lax.GatherDimensionNumbers
SDN = lax.ScatterDimensionNumbers


def f64(*shape: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape)


def grads2(f, *args) -> None:
    check_grads(f, args, order=2, modes=("fwd", "rev"))


# Rows of a matrix (x[idx] on axis 0): the gather jnp indexing emits, and its scatter.
ROWS_G = GDN(offset_dims=(1,), collapsed_slice_dims=(0,), start_index_map=(0,))
ROWS_S = SDN(update_window_dims=(1,), inserted_window_dims=(0,), scatter_dims_to_operand_dims=(0,))
# Elements of a vector.
ELEMS_G = GDN(offset_dims=(), collapsed_slice_dims=(0,), start_index_map=(0,))
ELEMS_S = SDN(update_window_dims=(), inserted_window_dims=(0,), scatter_dims_to_operand_dims=(0,))
DUP = np.array([[3], [0], [3], [1]], np.int32)  # repeated row 3
UNIQUE = np.array([[3], [0], [4], [1]], np.int32)


# -- check_grads, float64 ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "start,limit,strides",
    [
        ((1, 0), (4, 6), None),
        ((0, 1), (5, 6), (2, 3)),
        ((1, 2), (5, 3), (3, 1)),
        ((2, 2), (2, 5), None),
    ],
)
def test_slice_grads(x64, start, limit, strides):
    grads2(lambda x: lax.slice(x, start, limit, strides), f64(5, 6))


@pytest.mark.parametrize(
    "starts", [(1, 2), (4, 5), (-1, 0)]
)  # (4, 5) and (-1, 0): clamped / wrapped
def test_dynamic_slice_grads(x64, starts):
    idx = [np.int32(s) for s in starts]
    grads2(lambda x: lax.dynamic_slice(x, idx, (2, 3)), f64(5, 6))


def test_dynamic_slice_traced_index_grads(x64):
    def f(x, i):
        return lax.dynamic_slice_in_dim(x, i, 2) * 2.0

    x = f64(5, 3)
    g = xjax.grad(lambda x, i: jnp.sum(f(x, i) * f(x, i)))(x, np.int32(2))
    np.testing.assert_allclose(np.asarray(g), np.where(np.arange(5)[:, None] // 2 == 1, 8 * x, 0))
    jitted = xjax.jit(xjax.grad(lambda x, i: jnp.sum(f(x, i) * f(x, i))))(x, np.int32(2))
    np.testing.assert_allclose(np.asarray(jitted), np.asarray(g))


@pytest.mark.parametrize("starts", [(1, 2), (3, 5)])  # (3, 5): clamped
def test_dynamic_update_slice_grads(x64, starts):
    idx = [np.int32(s) for s in starts]
    grads2(lambda x, u: lax.dynamic_update_slice(x, u, idx), f64(5, 6), f64(2, 3, seed=1))
    grads2(lambda u: lax.dynamic_update_slice(np.ones((5, 6)), u, idx), f64(2, 3, seed=1))


@pytest.mark.parametrize("mode", ["promise_in_bounds", "clip", "fill"])
def test_gather_rows_grads(x64, mode):
    idx = np.array([[3], [0], [3], [7]], np.int32) if mode != "promise_in_bounds" else DUP
    grads2(lambda x: lax.gather(x, idx, ROWS_G, (1, 4), mode=mode, fill_value=0.5), f64(5, 4))


def test_gather_windows_and_batching_grads(x64):
    # 2-d windows at 2-d start indices (lax.dynamic_slice-like gathers, overlapping)
    dn = GDN(offset_dims=(1, 2), collapsed_slice_dims=(), start_index_map=(0, 1))
    idx = np.array([[0, 1], [2, 2], [1, 1]], np.int32)
    grads2(lambda x: lax.gather(x, idx, dn, (2, 3)), f64(4, 5))
    # operand batching dims: a per-row element pick (take_along_axis)
    dn = GDN(offset_dims=(), collapsed_slice_dims=(1,), start_index_map=(1,),
             operand_batching_dims=(0,), start_indices_batching_dims=(0,))  # fmt: skip
    idx = np.array([[[2], [0]], [[1], [1]], [[3], [0]]], np.int32)
    grads2(lambda x: lax.gather(x, idx, dn, (1, 1)), f64(3, 4))


@pytest.mark.parametrize("op", [lax.scatter_add, lax.scatter_sub])
@pytest.mark.parametrize("mode", [None, "clip"])
def test_scatter_add_sub_grads(x64, op, mode):
    idx = np.array([[3], [0], [3], [9]], np.int32)  # a duplicate and an out-of-bounds row
    grads2(lambda x, u: op(x, idx, u, ROWS_S, mode=mode), f64(5, 4), f64(4, 4, seed=1))
    grads2(lambda u: op(np.zeros((5, 4)), idx, u, ROWS_S, mode=mode), f64(4, 4, seed=1))


@pytest.mark.parametrize("unique", [True, False])
def test_scatter_grads(x64, unique):
    idx = UNIQUE if unique else DUP
    f = lambda x, u: lax.scatter(x, idx, u, ROWS_S, unique_indices=unique)
    grads2(f, f64(5, 4), f64(4, 4, seed=1))
    grads2(lambda u: f(np.ones((5, 4)), u), f64(4, 4, seed=1))
    grads2(lambda x: f(x, np.ones((4, 4))), f64(5, 4))


@pytest.mark.parametrize("mode", ["fill", "clip"])
def test_scatter_out_of_bounds_grads(x64, mode):
    idx = np.array([[3], [8], [3], [1]], np.int32)  # dropped update, duplicate
    grads2(lambda x, u: lax.scatter(x, idx, u, ROWS_S, mode=mode), f64(5, 4), f64(4, 4, seed=1))


def test_scatter_mul_grads(x64):
    grads2(lambda x: lax.scatter_mul(x, DUP, f64(4, 4, seed=1), ROWS_S), f64(5, 4))
    f = lambda x, u: lax.scatter_mul(x, UNIQUE, u, ROWS_S, unique_indices=True)
    grads2(f, f64(5, 4), f64(4, 4, seed=1))


@pytest.mark.parametrize("op", [lax.scatter_min, lax.scatter_max])
@pytest.mark.parametrize("unique", [True, False])
def test_scatter_extremal_grads(x64, op, unique):
    idx = UNIQUE if unique else DUP  # random values: no ties, so the function is smooth here
    f = lambda x, u: op(x, idx, u, ROWS_S, unique_indices=unique)
    grads2(f, f64(5, 4), f64(4, 4, seed=1))


def test_scatter_extremal_ties_average():
    # JAX's convention: tied contenders share the tangent equally.
    x = np.array([1.0, 5.0, 0.0], np.float32)
    u = np.array([5.0, 2.0, 5.0], np.float32)
    idx = np.array([[1], [1], [1]], np.int32)
    gx, gu = xjax.grad(lambda x, u: jnp.sum(lax.scatter_max(x, idx, u, ELEMS_S)), (0, 1))(x, u)
    np.testing.assert_allclose(np.asarray(gx), [1, 1 / 3, 1], rtol=1e-6)
    np.testing.assert_allclose(np.asarray(gu), [1 / 3, 0, 1 / 3], rtol=1e-6)


def test_nondifferentiable_cases_raise():
    x, u = np.ones(5, np.float32), np.ones(4, np.float32)
    with pytest.raises(NotImplementedError, match="unique_indices"):
        xjax.grad(lambda u: jnp.sum(lax.scatter_mul(x, DUP, u, ELEMS_S)))(u)
    with pytest.raises(NotImplementedError, match="scatter_apply"):
        xjax.grad(lambda x: jnp.sum(lax.scatter_apply(x, DUP, jnp.sin, ELEMS_S)))(x)
    # scatter's transpose (reached only from the unique-indices jvp) needs unique indices
    with pytest.raises(NotImplementedError, match="unique_indices=True"):
        scatter_p.transpose(
            x, UndefinedPrimal(core.get_aval(x)), DUP, u, update_jaxpr=None, update_consts=(),
            dimension_numbers=ELEMS_S, indices_are_sorted=False, unique_indices=False,
            mode=lax.GatherScatterMode.FILL_OR_DROP,
        )  # fmt: skip


def test_symbolic_zero_tangents():
    # Only one of the two linear inputs is differentiated; indices are never.
    x, u = np.arange(5.0, dtype=np.float32), np.arange(4.0, dtype=np.float32)
    gu = xjax.grad(lambda u: jnp.sum(lax.scatter_add(x, DUP, u, ELEMS_S) * x))(u)
    np.testing.assert_allclose(np.asarray(gu), x[DUP[:, 0]])
    gx = xjax.grad(lambda x: jnp.sum(lax.dynamic_update_slice(x, u[:2], (np.int32(1),)) * x))(x)
    out = np.concatenate([x[:1], u[:2], x[3:]])  # d(out * x) = d(out) * x + out
    np.testing.assert_allclose(
        np.asarray(gx), np.where((np.arange(5) >= 1) & (np.arange(5) < 3), 0, x) + out
    )


# -- against JAX --------------------------------------------------------------------------------

# (xjax function, the same in JAX source text); each is f(x, u) -> scalar.
ORACLE_CASES = {
    "basic_slice": (lambda x, u: jnp.sum(x[1:4, ::2] * x[1:4, ::2]),
                    "lambda x, u: jnp.sum(x[1:4, ::2] * x[1:4, ::2])"),
    "int_index": (lambda x, u: jnp.sum(jnp.sin(x[2]) * x[-1]),
                  "lambda x, u: jnp.sum(jnp.sin(x[2]) * x[-1])"),
    "fancy_rows": (lambda x, u: jnp.sum(jnp.sin(x[jnp.array([3, 0, 3, -1])])),
                   "lambda x, u: jnp.sum(jnp.sin(x[jnp.array([3, 0, 3, -1])]))"),
    "fancy_cols": (lambda x, u: jnp.sum(x[:, jnp.array([1, 1, 2])] * x[:, jnp.array([1, 1, 2])]),
                   "lambda x, u: jnp.sum(x[:, jnp.array([1, 1, 2])] * x[:, jnp.array([1, 1, 2])])"),
    "fancy_pairs": (lambda x, u: jnp.sum(jnp.exp(x[jnp.array([0, 4, 0]), jnp.array([1, 2, 1])])),
                    "lambda x, u: jnp.sum(jnp.exp(x[jnp.array([0, 4, 0]), jnp.array([1, 2, 1])]))"),
    "at_add": (lambda x, u: jnp.sum(jnp.sin(x.at[jnp.array([3, 0, 3])].add(u[:3]))),
               "lambda x, u: jnp.sum(jnp.sin(x.at[jnp.array([3, 0, 3])].add(u[:3])))"),
    "at_set": (lambda x, u: jnp.sum(jnp.sin(x.at[jnp.array([3, 0, 1])].set(u[:3] * 2.0))),
               "lambda x, u: jnp.sum(jnp.sin(x.at[jnp.array([3, 0, 1])].set(u[:3] * 2.0)))"),
    "at_max": (lambda x, u: jnp.sum(jnp.sin(x.at[jnp.array([3, 0, 1])].max(u[:3]))),
               "lambda x, u: jnp.sum(jnp.sin(x.at[jnp.array([3, 0, 1])].max(u[:3])))"),
    "at_mul": (lambda x, u: jnp.sum(jnp.sin(x.at[jnp.array([3, 0, 3])].multiply(3.0))),
               "lambda x, u: jnp.sum(jnp.sin(x.at[jnp.array([3, 0, 3])].multiply(3.0)))"),
    "dynamic": (
        lambda x, u: jnp.sum(jnp.sin(lax.dynamic_update_slice(x, lax.dynamic_slice(u, (1, 0), (2, 3)), (2, 1)))),
        "lambda x, u: jnp.sum(jnp.sin(lax.dynamic_update_slice(x, lax.dynamic_slice(u, (1, 0), (2, 3)), (2, 1))))",
    ),
}  # fmt: skip


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(ORACLE_CASES))
def test_grad_matches_jax(oracle, name):
    f, src = ORACLE_CASES[name]
    x = f64(5, 4).astype(np.float32)
    u = f64(4, 4, seed=1).astype(np.float32)
    want = oracle.eval(f"jax.grad({src}, argnums=(0, 1))(x, u)", x=x, u=u)
    got = xjax.grad(f, argnums=(0, 1))(x, u)
    assert_matches(tuple(got), tuple(want), rtol=1e-5, atol=1e-6)
    jitted = xjax.jit(xjax.grad(f, argnums=(0, 1)))(x, u)
    for a, b in zip(jitted, got):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-6, atol=1e-7)


@pytest.mark.oracle
@pytest.mark.parametrize("mode", ["fill", "clip"])
def test_gather_modes_grad_matches_jax(oracle, mode):
    # Out-of-bounds rows read the fill value and get no gradient; in "clip" mode they hit the edge.
    x = f64(5, 4).astype(np.float32)
    idx = np.array([[3], [7], [-2], [4]], np.int32)
    dn = "lax.GatherDimensionNumbers((1,), (0,), (0,))"
    src = f"lambda x: jnp.sum(jnp.sin(lax.gather(x, idx, {dn}, (1, 4), mode={mode!r}, fill_value=0.5)))"
    want = oracle.eval(f"jax.grad({src})(x)", x=x, idx=idx)

    def f(x):
        return jnp.sum(jnp.sin(lax.gather(x, idx, ROWS_G, (1, 4), mode=mode, fill_value=0.5)))

    assert_matches(xjax.grad(f)(x), want, rtol=1e-5, atol=1e-6)
