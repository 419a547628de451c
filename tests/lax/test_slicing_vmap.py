"""vmap of the slicing family: slice, dynamic_slice, dynamic_update_slice, gather, scatter*.

Each case is a per-example function (a lambda in source form, so real JAX can run the same text)
and per-example inputs. vmap over every combination of mapped inputs, at axes 0, 1 and -1 and
batch sizes 0, 1 and 3, must equal a Python loop of the unbatched function (np.stack of the
per-example xjax results, which test_slicing.py checks against NumPy and JAX); a sample is also
checked against `jax.vmap` through the oracle, and jit(vmap(f)) / vmap(jit(f)) against vmap(f)
(drivers in tests/lax/_cases.py).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

import xjax
from tests.lax._cases import check_vmap_matches_jax, compile_fn, vmap_loop_tests
from xjax import lax

GDN = "lax.GatherDimensionNumbers"
SDN = "lax.ScatterDimensionNumbers"
SCATTERS = ("scatter", "scatter_add", "scatter_sub", "scatter_mul", "scatter_min", "scatter_max")


def ints(lo: int, hi: int, shape: tuple = ()) -> Callable:
    return lambda rng: rng.integers(lo, hi, shape).astype(np.int32)


def floats(*shape: int) -> Callable:
    # small integers as floats: exact under add/sub/mul/min/max whatever the order
    return lambda rng: rng.integers(-4, 5, shape).astype(np.float32)


def unique_rows(n: int, hi: int) -> Callable:
    """(n, 1) distinct indices in [0, hi): the overwriting scatter's winner is then defined."""
    return lambda rng: rng.permutation(hi)[:n, None].astype(np.int32)


# (name, per-example function source, {arg name: generator of one example}); arguments in order.
# fmt: off
CASES = [
    ("slice", "lambda x: lax.slice(x, (1, 0), (3, 4), (1, 2))", {"x": floats(3, 4)}),
    ("slice_1d", "lambda x: lax.slice(x, (1,), (5,))", {"x": floats(5)}),
    ("slice_in_dim", "lambda x: lax.index_in_dim(x, -1, 1, False)", {"x": floats(3, 4)}),
    ("dynamic_slice", "lambda x, i, j: lax.dynamic_slice(x, (i, j), (2, 3))",
     {"x": floats(4, 5), "i": ints(-6, 6), "j": ints(-7, 7)}),
    ("dynamic_slice_1d", "lambda x, i: lax.dynamic_slice(x, (i,), (2,))",
     {"x": floats(5), "i": ints(-6, 7)}),
    ("dynamic_slice_vector", "lambda x, s: lax.dynamic_slice(x, s, (2, 2))",
     {"x": floats(3, 4), "s": ints(-1, 4, (2,))}),
    ("dynamic_update_slice", "lambda x, u, i, j: lax.dynamic_update_slice(x, u, (i, j))",
     {"x": floats(4, 5), "u": floats(2, 3), "i": ints(-6, 6), "j": ints(-7, 7)}),
    ("dynamic_update_index", "lambda x, u, i: lax.dynamic_update_index_in_dim(x, u, i, 0)",
     {"x": floats(4, 3), "u": floats(3), "i": ints(-5, 5)}),
    ("gather_take", f"lambda x, i: lax.gather(x, i, {GDN}((1,), (0,), (0,)), (1, 3))",
     {"x": floats(5, 3), "i": ints(0, 5, (4, 1))}),
    ("gather_points", f"lambda x, i: lax.gather(x, i, {GDN}((2,), (0,), (0, 1)), (1, 2))",
     {"x": floats(5, 6), "i": ints(0, 4, (2, 3, 2))}),
    ("gather_offset_first",
     f"lambda x, i: lax.gather(x, i, {GDN}((0,), (1,), (1,)), (2, 1), mode='clip')",
     {"x": floats(4, 6), "i": ints(-2, 8, (3, 1))}),
    ("gather_batching_dims",
     f"lambda x, i: lax.gather(x, i, {GDN}((), (1,), (1,), (0,), (0,)), (1, 1))",
     {"x": floats(3, 5), "i": ints(0, 5, (3, 1))}),
    ("gather_fill",
     f"lambda x, i: lax.gather(x, i, {GDN}((1,), (0,), (0,)), (1, 2), mode='fill', fill_value=-1)",
     {"x": floats(5, 3), "i": ints(-2, 7, (4, 1))}),
    *[
        (op, f"lambda x, i, u: lax.{op}(x, i, u, {SDN}((1,), (0,), (0,)), unique_indices=True)",
         {"x": floats(5, 3), "i": unique_rows(4, 5), "u": floats(4, 3)})
        for op in SCATTERS
    ],
    ("scatter_add_dups", f"lambda x, i, u: lax.scatter_add(x, i, u, {SDN}((1,), (0,), (0,)))",
     {"x": floats(5, 3), "i": ints(0, 5, (6, 1)), "u": floats(6, 3)}),
    ("scatter_add_batching_dims",
     f"lambda x, i, u: lax.scatter_add(x, i, u, {SDN}((), (1,), (1,), (0,), (0,)))",
     {"x": floats(3, 5), "i": ints(0, 5, (3, 1)), "u": floats(3)}),
    ("scatter_max_window",
     f"lambda x, i, u: lax.scatter_max(x, i, u, {SDN}((1,), (0,), (0,)), mode='clip')",
     {"x": floats(4, 6), "i": ints(-2, 7, (3, 1)), "u": floats(3, 6)}),
    ("scatter_mul_drop",
     f"lambda x, i, u: lax.scatter_mul(x, i, u, {SDN}((1,), (0,), (0,)), mode='drop')",
     {"x": floats(5, 2), "i": ints(-2, 7, (4, 1)), "u": floats(4, 2)}),
    ("scatter_apply",
     (f"lambda x, i: lax.scatter_apply(x, i, lambda v: v * 2 + 1, {SDN}((1,), (0,), (0,)), "
      "update_shape=(3, 2), unique_indices=True)"),
     {"x": floats(5, 2), "i": unique_rows(3, 5)}),
]
# fmt: on
CASE_IDS = {name: i for i, (name, _, _) in enumerate(CASES)}


# Cases whose batching rule another case already exercises at every axis: axis 0 only.
LIGHT = {"scatter_sub", "scatter_mul", "scatter_min", "scatter_max", "scatter_max_window",
         "scatter_mul_drop", "dynamic_update_index"}  # fmt: skip
# axes 1 and -1 on each argument, whatever else is mapped; jit compositions against vmap(f)
test_vmap_matches_loop, test_jit_of_vmap_and_vmap_of_jit = vmap_loop_tests(
    CASES, LIGHT, every_axis=True, jit_reference="vmap"
)


def test_nested_vmap_gather_and_scatter():
    x = np.arange(2 * 3 * 5 * 4, dtype=np.float32).reshape(2, 3, 5, 4)
    i = np.random.default_rng(0).integers(0, 5, (3, 6, 2, 1)).astype(np.int32)
    take = compile_fn(CASES[CASE_IDS["gather_take"]][1].replace("(1, 3)", "(1, 4)"))
    got = xjax.vmap(xjax.vmap(take, in_axes=(0, 1)), in_axes=(1, 0))(x, i)
    want = np.stack([np.stack([x[b, a][i[a, :, b, 0]] for b in range(2)]) for a in range(3)])
    np.testing.assert_array_equal(np.asarray(got), want)
    add = compile_fn(CASES[CASE_IDS["scatter_add_dups"]][1])
    u = np.ones((3, 6, 2, 4), np.float32)
    got = xjax.vmap(xjax.vmap(add, in_axes=(0, 1, 1)), in_axes=(1, 0, 0))(x, i, u)
    want = np.stack(
        [np.stack([add(x[b, a], i[a, :, b], u[a, :, b]) for b in range(2)]) for a in range(3)]
    )
    np.testing.assert_array_equal(np.asarray(got), want)


def test_vmap_of_grad_and_jacrev():
    """Transposes of batched gathers/slices are batched scatters (and the other way round)."""
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    i = np.array([0, 2, 5], np.int32)

    def f(x, i):
        y = lax.dynamic_slice(x, (i,), (2,))
        return lax.reduce_sum(y * y, (0,))

    got = xjax.vmap(xjax.grad(f))(x, i)
    want = np.stack([np.asarray(xjax.grad(f)(x[k], i[k])) for k in range(3)])
    np.testing.assert_array_equal(np.asarray(got), want)
    g = compile_fn(CASES[CASE_IDS["gather_take"]][1].replace("(1, 3)", "(1, 4)"))
    idx = np.array([[0], [2], [2]], np.int32)
    jac = xjax.jacrev(lambda x: g(x, idx))(x)
    np.testing.assert_array_equal(np.asarray(jac), np.asarray(xjax.jacfwd(lambda x: g(x, idx))(x)))
    u = np.ones((3, 4), np.float32)
    h = compile_fn(CASES[CASE_IDS["scatter_add_dups"]][1])
    jac = xjax.jacrev(lambda u: h(x, idx, u))(u)
    np.testing.assert_array_equal(
        np.asarray(jac), np.asarray(xjax.jacfwd(lambda u: h(x, idx, u))(u))
    )


def test_batch_dims_stay_in_place():
    """Unmapped indices keep the operand's batch dim where it is, and an indices-only gather
    needs no transpose either (out_axes name where the rules put the batch)."""
    x = np.zeros((4, 3, 5), np.float32)
    for src in (CASES[CASE_IDS["slice"]][1], "lambda x: lax.dynamic_slice(x, (1, 2), (2, 2))"):
        jaxpr = xjax.make_jaxpr(xjax.vmap(compile_fn(src), in_axes=1, out_axes=1))(x)
        assert "transpose" not in str(jaxpr), jaxpr
    g = compile_fn(CASES[CASE_IDS["gather_points"]][1])
    i = np.zeros((2, 3, 4, 2), np.int32)
    jaxpr = xjax.make_jaxpr(xjax.vmap(g, in_axes=(None, 2), out_axes=2))(x[:, 0], i)
    assert "transpose" not in str(jaxpr), jaxpr
    # operand dim 0 is collapsed, so the batch (operand dim 1) is the first window dim: output 0
    x = np.zeros((5, 3, 6), np.float32)
    jaxpr = xjax.make_jaxpr(xjax.vmap(g, in_axes=(1, None), out_axes=0))(x, i[:, :, 0])
    assert "transpose" not in str(jaxpr), jaxpr


ORACLE_SAMPLE = [
    ("slice", (-1,)),
    ("dynamic_slice", (1, 0, None)),
    ("dynamic_slice", (None, 0, 0)),
    ("dynamic_update_slice", (-1, 1, 0, None)),
    ("dynamic_update_slice", (None, None, 0, 0)),
    ("gather_points", (1, -1)),
    ("gather_batching_dims", (None, 1)),
    ("gather_fill", (-1, 0)),
    ("scatter", (1, None, -1)),
    ("scatter_add_dups", (None, 1, 0)),
    ("scatter_add_batching_dims", (0, 1, None)),
    ("scatter_max_window", (-1, 0, 1)),
    ("scatter_mul_drop", (None, 0, None)),
    ("scatter_apply", (1, 0)),
]

@pytest.mark.oracle
def test_vmap_matches_jax(oracle):
    check_vmap_matches_jax(oracle, CASES, ORACLE_SAMPLE)
