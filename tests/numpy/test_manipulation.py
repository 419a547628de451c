"""Differential tests of xjax.numpy shape manipulation against JAX (values, dtypes, weak types, errors).

Each test runs a table of (expression, inputs) cases with `tests._util.check`.
"""

from __future__ import annotations

import numpy as np
import pytest

import xjax
import xjax.numpy as xnp
from tests._util import check, make
from tests.oracle import OracleError, assert_matches

pytestmark = pytest.mark.oracle

DTYPES = ["bool", "int8", "int32", "uint8", "bfloat16", "float16", "float32", "complex64"]


def test_reshape_family(oracle):
    cases = []
    for i, dt in enumerate(DTYPES):
        x = make(dt, (2, 3, 4), seed=i)
        cases += [
            ("jnp.reshape(x, (4, -1))", {"x": x}),
            ("jnp.reshape(x, (6, 4), order='F')", {"x": x}),
            ("jnp.transpose(x, (1, -1, 0))", {"x": x}),
        ]
    x = make("float32", (2, 3, 4))
    cases += [
        ("jnp.reshape(x, -1)", {"x": x}),
        ("jnp.reshape(x, (5, -1))", {"x": x}),
        ("jnp.reshape(x, (-1, -1))", {"x": x}),
        ("jnp.reshape(x, (7, 3))", {"x": x}),
        ("jnp.reshape(3.0, (1, 1))", {}),
        ("jnp.reshape(x, (0, -1))", {"x": make("float32", (0, 3))}),
        ("jnp.ravel(x, order='F')", {"x": x}),
        ("jnp.ravel(x)", {"x": make("int32", ())}),
        ("jnp.permute_dims(x, (2, 0, 1))", {"x": x}),
        ("jnp.matrix_transpose(x)", {"x": x}),
        ("jnp.moveaxis(x, 0, -1)", {"x": x}),
        ("jnp.moveaxis(x, (0, 1), (2, 0))", {"x": x}),
        ("jnp.swapaxes(x, 0, -1)", {"x": x}),
        ("jnp.transpose(x, (0, 1))", {"x": x}),
        ("jnp.transpose(x, (0, 0, 1))", {"x": x}),
        ("jnp.moveaxis(x, 3, 0)", {"x": x}),
        ("jnp.transpose(x)", {"x": make("float32", ())}),
    ]
    check(oracle, cases)


def test_squeeze_expand_broadcast(oracle):
    x = make("float32", (1, 3, 1))
    i = make("int8", (3, 1))
    cases = [
        ("jnp.squeeze(x)", {"x": x}),
        ("jnp.squeeze(x, -1)", {"x": x}),
        ("jnp.squeeze(x, (0, 2))", {"x": x}),
        ("jnp.squeeze(x, 1)", {"x": x}),
        ("jnp.squeeze(2.0)", {}),
        ("jnp.expand_dims(x, 0)", {"x": x}),
        ("jnp.expand_dims(x, (0, -1))", {"x": x}),
        ("jnp.expand_dims(x, (1, 1))", {"x": x}),
        ("jnp.expand_dims(x, 5)", {"x": x}),
        ("jnp.expand_dims(3, 0)", {}),
        ("jnp.broadcast_to(i, (2, 3, 4))", {"i": i}),
        ("jnp.broadcast_to(1.5, (2,))", {}),
        ("jnp.broadcast_to(i, (3, 0))", {"i": i}),
        ("jnp.broadcast_to(i, (2, 4))", {"i": i}),
        ("jnp.broadcast_arrays(i, x, 2.0)", {"i": i, "x": x}),
        ("jnp.broadcast_shapes((3, 1), (2, 1, 4), ())", {}),
        ("jnp.broadcast_shapes((3,), (4,))", {}),
        ("jnp.atleast_1d(2.0)", {}),
        ("jnp.atleast_2d(i)", {"i": make("int32", (3,))}),
        ("jnp.atleast_3d(i)", {"i": make("int32", (3,))}),
        ("jnp.atleast_3d(i)", {"i": make("int32", (2, 3))}),
        ("jnp.atleast_3d(i, 1.0)", {"i": make("int32", ())}),
    ]
    check(oracle, cases)


def test_join(oracle):
    cases = []
    for k, dt in enumerate(DTYPES):
        a, b = make(dt, (2, 3), seed=k), make(dt, (2, 3), seed=k + 9)
        cases += [
            ("jnp.concatenate([a, b], axis=-1)", {"a": a, "b": b}),
            ("jnp.stack([a, b], axis=1)", {"a": a, "b": b}),
        ]
    a, b = make("float32", (2, 3)), make("int8", (2, 1))
    v = make("int32", (3,))
    cases += [
        ("jnp.concatenate([a, b], axis=1)", {"a": a, "b": b}),
        ("jnp.concatenate([a, b], axis=None)", {"a": a, "b": b}),
        ("jnp.concatenate([a, b], axis=1, dtype=jnp.float16)", {"a": a, "b": b}),
        ("jnp.concatenate([a, b], axis=0)", {"a": a, "b": b}),
        ("jnp.concatenate([a, 1.0])", {"a": a}),
        ("jnp.concatenate([1.0, a])", {"a": a}),
        ("jnp.concatenate([a, a[0]])", {"a": a}),
        ("jnp.concatenate(a)", {"a": a}),
        ("jnp.concatenate([a, a[:0]])", {"a": a}),
        ("jnp.concatenate([a], axis=2)", {"a": a}),
        ("jnp.concat([v, v])", {"v": v}),
        ("jnp.stack([v, v, v], axis=-1)", {"v": v}),
        ("jnp.stack([1.0, 2.0])", {}),
        ("jnp.stack([v, v[:2]])", {"v": v}),
        ("jnp.stack(a)", {"a": a}),
        ("jnp.hstack([v, v])", {"v": v}),
        ("jnp.hstack([a, a])", {"a": a}),
        ("jnp.vstack([v, v])", {"v": v}),
        ("jnp.dstack([v, v])", {"v": v}),
        ("jnp.dstack([a, a])", {"a": a}),
        ("jnp.column_stack([v, v])", {"v": v}),
        ("jnp.column_stack([a, v[:2]])", {"a": a, "v": v}),
        ("jnp.append(a, b, axis=1)", {"a": a, "b": b}),
        ("jnp.append(a, v)", {"a": a, "v": v}),
    ]
    check(oracle, cases)


def test_split(oracle):
    x = make("float32", (6, 4))
    cases = [
        ("jnp.split(x, 3)", {"x": x}),
        ("jnp.split(x, [1, 4], axis=0)", {"x": x}),
        ("jnp.split(x, [1, -1, 10], axis=1)", {"x": x}),
        ("jnp.split(x, np.array([1, 3]), axis=1)", {"x": x}),
        ("jnp.vsplit(x[0], 2)", {"x": x}),
        ("jnp.split(x, 4)", {"x": x}),
        ("jnp.array_split(x, 4)", {"x": x}),
        ("jnp.array_split(x, 3, axis=-1)", {"x": x}),
        ("jnp.hsplit(x, 2)", {"x": x}),
        ("jnp.vsplit(x, [2])", {"x": x}),
        ("jnp.dsplit(x, 2)", {"x": x}),
        ("jnp.unstack(x, axis=1)", {"x": x}),
        ("jnp.unstack(x[:0])", {"x": x}),
    ]
    check(oracle, cases)


def test_tile_repeat(oracle):
    x = make("int32", (2, 3))
    f = make("bfloat16", (3,))
    cases = [
        ("jnp.tile(x, 2)", {"x": x}),
        ("jnp.tile(x, (2, 1, 2))", {"x": x}),
        ("jnp.tile(f, (0, 2))", {"f": f}),
        ("jnp.tile(2.0, 3)", {}),
        ("jnp.repeat(x, 2)", {"x": x}),
        ("jnp.repeat(x, 3, axis=-1)", {"x": x}),
        ("jnp.repeat(x, np.array([1, 0, 2]), axis=1)", {"x": x}),
        ("jnp.repeat(x, np.array([2, 1]), axis=0, total_repeat_length=4)", {"x": x}),
        ("jnp.repeat(x, np.array([2, 1]), axis=0, total_repeat_length=2)", {"x": x}),
        ("jnp.repeat(f, 0)", {"f": f}),
        ("jnp.repeat(f, np.array([1, 2]))", {"f": f}),
        ("jnp.repeat(1.5, 3)", {}),
    ]
    check(oracle, cases)


def test_flip_roll_rot(oracle):
    x = make("float16", (2, 3, 4))
    cases = [
        ("jnp.flip(x)", {"x": x}),
        ("jnp.flip(x, -1)", {"x": x}),
        ("jnp.flip(x, (0, 2))", {"x": x}),
        ("jnp.fliplr(x)", {"x": x}),
        ("jnp.flipud(x)", {"x": x}),
        ("jnp.fliplr(x[0, 0])", {"x": x}),
        ("jnp.roll(x, 2)", {"x": x}),
        ("jnp.roll(x, -1, axis=1)", {"x": x}),
        ("jnp.roll(x, (1, 5), axis=(0, 2))", {"x": x}),
        ("jnp.roll(x, 3, axis=(0, 1))", {"x": x}),
        ("jnp.roll(x[:, :0], 3, axis=1)", {"x": x}),
        ("jnp.rot90(x)", {"x": x}),
        ("jnp.rot90(x, 2)", {"x": x}),
        ("jnp.rot90(x, -1, axes=(2, 0))", {"x": x}),
        ("jnp.rot90(x, 3, axes=(1, 2))", {"x": x}),
        ("jnp.rot90(x, 1, axes=(1, 1))", {"x": x}),
    ]
    check(oracle, cases)


def test_queries_resize_delete_insert(oracle):
    x = make("int32", (3, 4))
    f = make("float32", (5,))
    cases = [
        ("jnp.ndim(x)", {"x": x}),
        ("jnp.shape(x)", {"x": x}),
        ("jnp.size(x)", {"x": x}),
        ("jnp.size(x, 1)", {"x": x}),
        ("jnp.ndim(2.0)", {}),
        ("jnp.resize(x, (5, 3))", {"x": x}),
        ("jnp.resize(x, 2)", {"x": x}),
        ("jnp.resize(f, (2, 0))", {"f": f}),
        ("jnp.delete(x, 1, axis=1)", {"x": x}),
        ("jnp.delete(x, [0, -1], axis=0)", {"x": x}),
        ("jnp.delete(x, np.array([0, -1]), axis=0)", {"x": x}),
        ("jnp.delete(x, np.array([0, 9]), axis=0)", {"x": x}),
        ("jnp.delete(x, np.array([True, False, True, False]), axis=1)", {"x": x}),
        ("jnp.delete(x, slice(1, None, 2))", {"x": x}),
        ("jnp.delete(f, 7)", {"f": f}),
        ("jnp.insert(f, 2, 9.0)", {"f": f}),
        ("jnp.insert(f, [0, 5, 2], np.array([7.0, 8.0, 9.0], np.float32))", {"f": f}),
        ("jnp.insert(f, np.array([0, 5, 2]), np.array([7.0, 8.0, 9.0], np.float32))", {"f": f}),
        ("jnp.insert(f, 9, 1.0)", {"f": f}),
        ("jnp.insert(x, 1, 5, axis=1)", {"x": x}),
        ("jnp.insert(x, 1, np.array([1, 2, 3], np.int32), axis=1)", {"x": x}),
        ("jnp.insert(x, np.array([1]), np.array([1, 2, 3, 4], np.int32), axis=0)", {"x": x}),
        ("jnp.insert(x, 2, 1.7)", {"x": x}),
        ("jnp.trim_zeros(np.array([0, 0, 3, 0, 2, 0]))", {}),
        ("jnp.trim_zeros(np.array([0, 0, 3, 0, 2, 0]), 'b')", {}),
    ]
    check(oracle, cases)


def test_errors_under_jit_and_non_arrays(oracle):
    from xjax._src.errors import ConcretizationTypeError

    x = xnp.ones((2, 3))

    with pytest.raises(ConcretizationTypeError, match=r"(?s)jnp\.reshape.*static_argnums"):
        xjax.jit(lambda a, n: xnp.reshape(a, (n, -1)))(x, 2)
    with pytest.raises(TypeError, match=r"jnp\.reshape"):
        xnp.reshape([1, 2, 3], (3,))
    want = oracle.eval("jax.jit(lambda a, n: jnp.reshape(a, (n, -1)))(jnp.ones((2, 3)), 2)")
    assert isinstance(want, OracleError) and want.type_name == "TypeError"  # ours subclasses it


def test_jit_matches_eager(oracle):
    x = make("float32", (2, 3, 4))

    def f(a):
        b = xnp.concatenate([xnp.reshape(a, (6, 4)), xnp.ones((1, 4))])
        c = xnp.stack([xnp.transpose(b), xnp.flip(xnp.transpose(b), 0)], axis=-1)
        d = xnp.roll(xnp.tile(xnp.squeeze(xnp.expand_dims(a, 0)), (1, 2, 1)), 3, axis=1)
        return c, d, xnp.split(b, [2, 5])

    eager = f(x)
    jitted = xjax.jit(f)(x)
    for e, j in zip(xjax.tree_util.tree_leaves(eager), xjax.tree_util.tree_leaves(jitted)):
        assert e.shape == j.shape and e.dtype == j.dtype
        np.testing.assert_array_equal(np.asarray(e), np.asarray(j))
    want = oracle.exec(
        "b = jnp.concatenate([jnp.reshape(x, (6, 4)), jnp.ones((1, 4))])\n"
        "out = jnp.stack([b.T, jnp.flip(b.T, 0)], axis=-1)", x=x)
    assert_matches(jitted[0], want)
    # roll with a traced shift
    roll = xjax.jit(lambda a, s: xnp.roll(a, s, axis=2))(x, -3)
    assert_matches(roll, oracle.eval("jnp.roll(x, -3, axis=2)", x=x))


def test_x64(oracle):
    x = make("int64", (2, 3))
    f = make("float64", (3,))
    cases = [
        ("jnp.concatenate([x, x.astype(np.int32)], axis=0)", {"x": x}),
        ("jnp.stack([f, f])", {"f": f}),
        ("jnp.reshape(x, (3, 2))", {"x": x}),
        ("jnp.repeat(f, 2)", {"f": f}),
    ]
    check(oracle, cases, x64=True)
