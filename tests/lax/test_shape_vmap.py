"""vmap of the shape, reduction and sorting families: broadcast_in_dim, reshape, transpose,
squeeze, rev, pad, concatenate, iota, reduce_*, argmax/argmin, cum*, the generic reduce, sort
and top_k.

Each case is a per-example function (a lambda in source form, so real JAX can run the same text)
and per-example inputs. vmap over every combination of mapped inputs, at axes 0, 1 and -1 and
batch sizes 0, 1 and 3, must equal a Python loop of the unbatched function (np.stack of the
per-example xjax results, which the family tests check against NumPy and JAX); a sample is also
checked against `jax.vmap` through the oracle, and jit(vmap(f)) / vmap(jit(f)) against the loop
(drivers in tests/lax/_cases.py).
"""

from __future__ import annotations

import numpy as np
import pytest

import xjax
from tests.lax._cases import check_vmap_matches_jax, compile_fn, vmap_loop_tests
from xjax import lax


def floats(*shape: int, lo: int = -4, hi: int = 5) -> callable:
    # small integers as floats: exact under add/mul/max/min whatever the order
    return lambda rng: rng.integers(lo, hi, shape).astype(np.float32)


def ints(*shape: int) -> callable:
    return lambda rng: rng.integers(-8, 9, shape).astype(np.int32)


def bools(*shape: int) -> callable:
    return lambda rng: rng.integers(0, 2, shape).astype(bool)


def distinct(*shape: int) -> callable:
    """A permutation of floats: no ties, so every sort order and argmax is unique."""
    return lambda rng: rng.permutation(int(np.prod(shape))).reshape(shape).astype(np.float32)


# (name, per-example function source, {arg name: generator of one example}); arguments in order.
# fmt: off
CASES = [
    ("broadcast_in_dim", "lambda x: lax.broadcast_in_dim(x, (2, 3, 4), (0, 2))", {"x": floats(2, 4)}),
    ("broadcast_in_dim_expand", "lambda x: lax.broadcast_in_dim(x, (3, 5, 4), (1, 2))",
     {"x": floats(1, 4)}),
    ("broadcast_in_dim_scalar", "lambda x: lax.broadcast_in_dim(x, (2, 3), ())", {"x": floats()}),
    ("expand_dims", "lambda x: lax.expand_dims(x, (0, 2))", {"x": floats(2, 3)}),
    ("reshape", "lambda x: lax.reshape(x, (6, 4))", {"x": floats(2, 3, 4)}),
    ("reshape_keep_prefix", "lambda x: lax.reshape(x, (2, 12))", {"x": floats(2, 3, 4)}),
    ("reshape_dimensions", "lambda x: lax.reshape(x, (2, 6), (1, 0))", {"x": floats(3, 4)}),
    ("reshape_to_scalar", "lambda x: lax.reshape(x, ())", {"x": floats(1, 1)}),
    ("transpose", "lambda x: lax.transpose(x, (2, 0, 1))", {"x": floats(2, 3, 4)}),
    ("squeeze", "lambda x: lax.squeeze(x, (1, 3))", {"x": floats(2, 1, 3, 1)}),
    ("squeeze_to_scalar", "lambda x: lax.squeeze(x, (0,))", {"x": floats(1)}),
    ("rev", "lambda x: lax.rev(x, (0, 1))", {"x": floats(3, 4)}),
    ("rev_last", "lambda x: lax.rev(x, (1,))", {"x": floats(3, 4)}),
    ("pad", "lambda x, v: lax.pad(x, v, ((1, 2, 0), (0, -1, 1)))", {"x": floats(3, 4), "v": floats()}),
    ("pad_interior", "lambda x, v: lax.pad(x, v, ((-1, 1, 2),))", {"x": floats(3), "v": floats()}),
    ("concatenate", "lambda x, y, z: lax.concatenate([x, y, z], 1)",
     {"x": floats(2, 3), "y": floats(2, 1), "z": floats(2, 2)}),
    ("concatenate_0", "lambda x, y: lax.concatenate([x, y], 0)", {"x": floats(2, 3), "y": floats(1, 3)}),
    ("iota", "lambda x: x + lax.iota(np.float32, 4)", {"x": floats(4)}),
    ("broadcasted_iota", "lambda x: x * lax.broadcasted_iota(np.int32, (2, 3), 1)", {"x": ints(2, 3)}),
    ("reduce_sum", "lambda x: lax.reduce_sum(x, (0, 2))", {"x": floats(2, 3, 4)}),
    ("reduce_sum_all", "lambda x: lax.reduce_sum(x, (0, 1, 2))", {"x": floats(2, 3, 4)}),
    ("reduce_prod", "lambda x: lax.reduce_prod(x, (1,))", {"x": floats(2, 3, lo=-2, hi=3)}),
    ("reduce_max", "lambda x: lax.reduce_max(x, (0,))", {"x": floats(3, 4)}),
    ("reduce_min", "lambda x: lax.reduce_min(x, (1,))", {"x": floats(3, 4)}),
    ("reduce_and", "lambda x: lax.reduce_and(x, (0,))", {"x": bools(3, 4)}),
    ("reduce_or", "lambda x: lax.reduce_or(x, (1,))", {"x": bools(3, 4)}),
    ("reduce_xor", "lambda x: lax.reduce_xor(x, (0, 1))", {"x": ints(3, 4)}),
    ("argmax", "lambda x: lax.argmax(x, 1, np.int32)", {"x": floats(3, 4)}),
    ("argmin", "lambda x: lax.argmin(x, 0, np.int32)", {"x": floats(3, 4)}),
    ("argmax_1d", "lambda x: lax.argmax(x, 0, np.int32)", {"x": floats(5)}),
    ("cumsum", "lambda x: lax.cumsum(x, 0)", {"x": floats(3, 4)}),
    ("cumprod", "lambda x: lax.cumprod(x, 1, reverse=True)", {"x": floats(3, 4, lo=-2, hi=3)}),
    ("cummax", "lambda x: lax.cummax(x, 0, reverse=True)", {"x": floats(3, 4)}),
    ("cummin", "lambda x: lax.cummin(x, 1)", {"x": floats(3, 4)}),
    ("reduce", "lambda x: lax.reduce(x, -np.inf, lambda a, b: lax.max(a, b), (0,))",
     {"x": floats(3, 4)}),
    ("reduce_pair",
     ("lambda x, y: lax.reduce((x, y), (np.float32(-np.inf), np.int32(0)), "
      "lambda a, b: (lax.max(a[0], b[0]), a[1] + b[1]), (1,))"),
     {"x": floats(3, 4), "y": ints(3, 4)}),
    # an init value that is an input: mapped, it takes the loop fallback (max is idempotent, so
    # the result does not depend on how often XLA folds the init value in)
    ("reduce_init", "lambda x, v: lax.reduce(x, v, lambda a, b: lax.max(a, b), (1,))",
     {"x": floats(3, 4), "v": floats()}),
    ("sort", "lambda x: lax.sort(x)", {"x": floats(3, 4)}),
    ("sort_0", "lambda x: lax.sort(x, 0)", {"x": floats(3, 4)}),
    ("sort_key_val", "lambda k, v: lax.sort_key_val(k, v, 0)", {"k": floats(4, 3), "v": ints(4, 3)}),
    ("sort_num_keys",
     "lambda a, b, c: lax.sort((a, b, c), dimension=1, num_keys=2)",
     {"a": floats(2, 5, lo=0, hi=2), "b": floats(2, 5), "c": ints(2, 5)}),
    ("top_k", "lambda x: lax.top_k(x, 2)", {"x": floats(3, 5)}),
    ("top_k_axis0", "lambda x: lax.top_k(x, 3, axis=0)", {"x": floats(4, 2)}),
]
# fmt: on
# axis 0 only: another case exercises the same rule at every axis
LIGHT = {"reduce_sum_all", "reduce_or", "argmax_1d", "cummin", "rev_last", "concatenate_0",
         "sort_0", "top_k_axis0", "broadcast_in_dim_scalar", "squeeze_to_scalar"}  # fmt: skip
# axes 1 and -1: with every argument mapped, or -1 on one mapped alone
test_vmap_matches_loop, test_jit_of_vmap_and_vmap_of_jit = vmap_loop_tests(
    CASES, LIGHT, every_axis=False
)


def test_in_axes_none_everywhere_with_axis_size():
    """No mapped input: iota and friends run unbatched and the output is broadcast."""
    f = lambda: lax.broadcasted_iota(np.int32, (2, 3), 0) + lax.iota(np.int32, 3)
    got = xjax.vmap(f, in_axes=(), axis_size=4)()
    np.testing.assert_array_equal(np.asarray(got), np.broadcast_to(np.asarray(f()), (4, 2, 3)))


def test_nested_vmap():
    x = np.arange(2 * 3 * 4 * 5, dtype=np.float32).reshape(2, 3, 4, 5)
    def f(y):
        padded = lax.pad(y, np.float32(1), ((1, 0, 1), (0, 0, 0)))
        return lax.reduce_sum(lax.transpose(padded, (1, 0)), (1,))

    got = xjax.vmap(xjax.vmap(f, in_axes=1), in_axes=-1)(x)
    want = np.stack([np.stack([np.asarray(f(x[:, b, :, a])) for b in range(3)]) for a in range(5)])
    np.testing.assert_array_equal(np.asarray(got), want)


def _prims(jaxpr: object) -> list[str]:
    return [e.primitive.name for e in jaxpr.jaxpr.eqns]


def test_batch_dims_stay_in_place():
    """Rules that need no data movement emit none: the jaxpr is the one primitive, with the
    batch dim where out_axes says."""
    x = np.zeros((4, 3, 5), np.float32)
    cases = [
        ("lambda x: lax.broadcast_in_dim(x, (4, 2, 5), (0, 2))", 1, 1),
        ("lambda x: lax.broadcast_in_dim(x, (4, 3, 2), (0, 1))", 2, 2),
        ("lambda x: lax.broadcast_in_dim(x, (2, 3, 5), (1, 2))", 0, 0),
        ("lambda x: lax.reshape(x, (4, 5, 1))", 1, 1),
        ("lambda x: lax.transpose(x, (1, 0))", 1, 1),
        ("lambda x: lax.rev(x, (0,))", 2, 2),
        ("lambda x: lax.reduce_sum(x, (0,))", 1, 0),
        ("lambda x: lax.reduce_max(x, (1,))", 1, 1),
        ("lambda x: lax.argmin(x, 0, np.int32)", 2, 1),
        ("lambda x: lax.cumsum(x, 1)", 0, 0),
        ("lambda x: lax.sort(x, 0)", 2, 2),
        ("lambda x: lax.top_k(x, 2)[0]", 1, 1),
        ("lambda x: lax.pad(x, np.float32(0), ((1, 1, 0), (0, 0, 1)))", 1, 1),
    ]
    for src, in_ax, out_ax in cases:
        jaxpr = xjax.make_jaxpr(xjax.vmap(compile_fn(src), in_axes=in_ax, out_axes=out_ax))(x)
        assert len(jaxpr.jaxpr.eqns) == 1, (src, jaxpr)
    y = np.zeros((4, 3, 2), np.float32)
    cat = compile_fn("lambda x, y: lax.concatenate([x, y], 1)")
    jaxpr = xjax.make_jaxpr(xjax.vmap(cat, in_axes=(1, 1), out_axes=1))(x, y)
    assert _prims(jaxpr) == ["concatenate"], jaxpr
    jaxpr = xjax.make_jaxpr(xjax.vmap(cat, in_axes=(1, None), out_axes=1))(x, y[:, 0])
    assert _prims(jaxpr) == ["broadcast_in_dim", "concatenate"], jaxpr


def test_reduce_jvp_vmaps_its_body():
    """The generic reduce's derivative runs the scalar body under vmap, so a body that only
    works on scalars (a reshape to (1,) and back) differentiates like the elementwise one."""
    x = np.array([[3.0, -1.0, 7.0, 2.0], [0.5, 4.0, -2.0, 6.0]], np.float32)
    scalar_body = lambda a, b: lax.max(lax.reshape(lax.reshape(a, (1,)), ()), b)
    f = lambda x: lax.reduce(x, np.float32(-np.inf), scalar_body, (1,))
    g = lambda x: lax.reduce_max(x, (1,))
    np.testing.assert_array_equal(np.asarray(f(x)), np.asarray(g(x)))
    t = np.arange(8, dtype=np.float32).reshape(2, 4)
    _, got = xjax.jvp(f, (x,), (t,))
    np.testing.assert_array_equal(np.asarray(got), [2.0, 7.0])
    np.testing.assert_array_equal(np.asarray(xjax.grad(lambda x: f(x).sum())(x)),
                                  np.asarray(xjax.grad(lambda x: g(x).sum())(x)))


ORACLE_SAMPLE = [
    ("broadcast_in_dim", (-1,)),
    ("reshape_dimensions", (1,)),
    ("transpose", (-1,)),
    ("squeeze", (2,)),
    ("pad", (1, None)),
    ("pad", (None, 0)),
    ("pad", (-1, 0)),
    ("concatenate", (None, 1, -1)),
    ("reduce_sum", (1,)),
    ("argmax", (-1,)),
    ("cumprod", (1,)),
    ("reduce_pair", (None, 1)),
    ("sort_num_keys", (None, 1, -1)),
    ("top_k", (1,)),
]

@pytest.mark.oracle
def test_vmap_matches_jax(oracle):
    check_vmap_matches_jax(oracle, CASES, ORACLE_SAMPLE)
