"""Differential tests of Array/Tracer operators and NumPy-style methods against real JAX."""

import numpy as np
import pytest

import xjax
import xjax.numpy as xnp
from tests._util import check, small_arrays

pytestmark = pytest.mark.oracle

WEAK = """
ws = jnp.asarray(3.0)
wi = jnp.asarray(7)
i2 = jnp.asarray(np.array([-6, -5, -4, -3, -2, -1, 5, 1, 2, 3, 4, 7], np.int32).reshape(3, 4))
u1 = jnp.asarray(np.arange(5).astype(np.uint8))
b1 = jnp.asarray(np.array([True, False, True, True, False]))
c1 = jnp.asarray(np.array([1 + 2j, -3j, 0.5, 2, -1 - 1j], np.complex64))
"""

OPERATORS = [
    "x2 + x2", "x2 + 1", "1 + x2", "x2 - 2.5", "2.5 - x2", "x2 * i2", "i2 * 3", "3 * i2", "x2 / 2", "2 / x2",
    "i2 / 2.0", "i2 // 3", "7 // i2[:, 1:]", "x2 // 0.5", "i2 % 4", "-7 % i2[:, 1:]", "x2 % 0.7", "divmod(i2, 5)",
    "divmod(20, i2[:, 1:])", "x2 ** 2", "2 ** x2", "i2 ** 2", "x2 @ x2.T", "x3 @ x2.T", "np.ones((4, 2), np.float32).T @ x2.T",
    "i2 & 6", "6 & i2", "i2 | 1", "i2 ^ i2[0]", "b1 & True", "b1 | b1[::-1]", "b1 ^ True", "~b1", "~i2", "~u1",
    "i2 << 2", "1 << u1", "i2 >> 1", "-x2", "+x2", "-i2", "abs(x2)", "abs(i2)", "abs(c1)", "-b1",
    "x2 == x2[0]", "x2 != 0", "x2 < 0", "x2 <= 0.5", "i2 > 2", "i2 >= 2", "1 < x2", "ws == 3",
    "x2 + np.float32(1)", "np.float32(2) * x1", "np.ones(4, np.float32) + x2", "x2 + np.ones(4, np.float32)",
    "np.ones(4, np.float64) - x2", "np.arange(5) * u1", "x2 < np.zeros(4, np.float32)",
    "ws + 1", "wi * 2", "ws * i2", "wi + u1", "u1 + 200", "x1 + c1", "c1 * 1j", "x2 + True",
    "round(x0)", "round(ws)", "round(x2[0, 0], 2)", "x2 == None", "x2 != None", "x2 + 'a'", "x2 + [1, 2]",
    "x2 + x1", "i2 @ x1",
]

METHODS = [
    "x2.sum()", "x2.sum(axis=0)", "x2.sum(1, keepdims=True)", "i2.sum()", "b1.sum()", "x2.mean()", "i2.mean(0)",
    "x2.max()", "x2.min(axis=1)", "i2.max(0, keepdims=True)", "x2.prod(1)", "x2.argmax()", "x2.argmin(axis=0)",
    "x2.reshape(4, 3)", "x2.reshape((2, -1))", "x2.reshape(-1)", "x2.reshape([12])",
    "x3.transpose()", "x3.transpose(2, 0, 1)", "x3.transpose((1, 0, 2))", "x3.transpose([1, 0, 2])",
    "x2.T", "x3.mT", "x1.T", "x2.astype(jnp.int8)", "x2.astype(bool)", "x2.astype('float16')", "ws.astype(jnp.float32)",
    "wi.astype(int)", "i2.astype(jnp.bfloat16)", "x2[None].squeeze()", "x2[None, :, None].squeeze(0)", "x2.ravel()",
    "x3.flatten()", "x2.clip(-0.5, 0.5)", "x2.clip(max=0.1)", "x2.round(1)", "x2.round()", "x2.cumsum(axis=1)",
    "i2.cumprod()", "x2.any()", "b1.all()", "(x2 > 0).all(axis=0)", "x2.std()", "x2.var(ddof=1)", "x2.dot(x2.T)",
    "x1.dot(x1)", "x0.item()", "i2[1, 2].item()", "x2.item(3)", "x1.tolist()", "i2.tolist()", "x2.copy()", "c1.conj()",
    "c1.conjugate()", "c1.real", "c1.imag", "x2.real", "x2.imag", "x3.swapaxes(0, 2)", "x2.take(np.array([0, 13]))",
    "x2.take(np.array([3, 0]), axis=1)", "x1.nonzero()", "i2.nonzero()", "x1.sort()", "x2.sort(axis=0)", "x1.argsort()",
    "x1.repeat(2)", "x2.repeat(2, axis=0)", "x2.diagonal()", "x3.diagonal(1, 1, 2)", "x2.trace()", "x2.ptp()",
    "x2.ptp(axis=1)", "jnp.sort(x1).searchsorted(0.0)", "jnp.sort(x1).searchsorted(x1)", "x2.choose" if False else "u1[:2].choose([x1[:2], x1[3:]])",
    "x1.compress(np.array([True, False, True]))", "len(x2)", "len(x0)", "x2.item()", "x2.reshape(3, 4, order='F')",
    "x2.shape", "x2.ndim", "x2.size", "x3.nbytes", "x2.dtype", "x2.itemsize", "ws.weak_type" if False else "list(x2)[1]",
    "[r.sum() for r in x2]", "hash(x2)", "x2.__setitem__(0, 1.0)", "x2.flat",
]

TRACED = [
    "jax.jit(lambda x: x.sum(0) + x.T.reshape(-1)[:4].max())(x2)",
    "jax.jit(lambda x, y: (x @ y.T, x - y, 2 ** x, x // y, x % 2, -x, abs(x), x > y))(x2, x2[::-1])",
    "jax.jit(lambda i: (i & 3, i | 8, i ^ 1, ~i, i << 1, i >> 1, divmod(i, 3), round(i * 1.5)))(i2)",
    "jax.jit(lambda x: (x.astype(jnp.int32), x.mean(1), x.T, x.mT, x.reshape(2, 6), x.transpose(1, 0), x.clip(0, 1)))(x2)",
    "jax.jit(lambda x: (x.cumsum(), x.argmax(), x.any(), x.squeeze(), x.ravel(), x.swapaxes(0, 1), x.take(np.array([0, 1]))))(x2)",
    "jax.jit(lambda x: x.at[0].set(x[1]).at[1:].multiply(2.))(x2)",
    "jax.jit(lambda x: x.item())(x0)", "jax.jit(lambda x: x.tolist())(x1)", "jax.jit(lambda x: x.nonzero())(x1)",
    "jax.jit(lambda x: x.nonzero(size=3))(x1)", "jax.jit(lambda x: float(x))(x0)", "jax.jit(lambda x: len(x))(x2)",
    "jax.jit(lambda x: [r for r in x][2])(x2)", "jax.jit(lambda x: x.__setitem__(0, 1.0))(x2)",
    "jax.jit(lambda x: x.nbytes + x.itemsize)(x2)", "jax.jit(lambda x: x.copy())(x2)",
    "jax.jit(lambda x: x + np.ones(4, np.float32))(x2)", "jax.jit(lambda x: np.ones(4, np.float32) * x)(x2)",
]


def test_operators(oracle):
    check(oracle, OPERATORS, small_arrays(10), as_arrays=True, setup=WEAK)


def test_methods(oracle):
    check(oracle, METHODS, small_arrays(11), as_arrays=True, setup=WEAK)


def test_traced_operators_and_methods(oracle):
    check(oracle, TRACED, small_arrays(12), as_arrays=True, setup=WEAK)


def test_numpy_operand_defers_to_xjax():
    x = xnp.asarray(np.arange(3, dtype=np.float32))
    for got in (np.ones(3, np.float32) + x, np.ones(3) * x, np.float32(2) - x, np.arange(3) < x):
        assert isinstance(got, xjax.Array), type(got)


def test_unknown_operand_returns_notimplemented():
    class Other:
        def __radd__(self, other):
            return "radd"

        def __rmatmul__(self, other):
            return "rmatmul"

        def __eq__(self, other):
            return "eq"

    x = xnp.asarray(np.arange(3, dtype=np.float32))
    assert x + Other() == "radd"
    assert x @ Other() == "rmatmul"
    assert (x == Other()) == "eq"
    assert x.__add__(Other()) is NotImplemented
