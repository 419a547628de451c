"""Differential tests of NumPy indexing (x[idx], x.at[idx], take, where...) against real JAX.

Each test evaluates a batch of expression strings on `tests._util.small_arrays` (as jnp arrays)
in the JAX oracle (one round trip) and in xjax with `tests._util.check`, and compares values,
dtypes and weak types, or the error class.
"""

import pytest

from tests._util import check, small_arrays

pytestmark = pytest.mark.oracle

BASIC = [
    "x1[0]", "x1[-1]", "x1[4]", "x1[-5]", "x1[1:3]", "x1[::2]", "x1[::-1]", "x1[::-2]", "x1[3:0:-1]",
    "x1[-2:]", "x1[:-2]", "x1[10:]", "x1[2:2]", "x1[-100:100]", "x1[None]", "x1[..., None]",
    "x1[None, 1:, None]", "x1[...]", "x1[:]", "x1[np.int32(2)]", "x1[np.uint8(3)]", "x1[()]",
    "x0[()]", "x0[None]", "x0[...]", "x0[None, ...]",
    "x2[1]", "x2[-1, -1]", "x2[1, :]", "x2[:, 2]", "x2[..., 1]", "x2[1, ...]", "x2[:, ::-1]",
    "x2[::-1, 1:3]", "x2[1:, None, ::2]", "x2[None, ..., None]", "x2[2, 3]", "x2[:, -4]",
    "x3[1, :, 2]", "x3[..., 0]", "x3[:, None, 1]", "x3[-1, ..., ::-3]", "x3[0, 1:2, None, 1]",
    "e[:, 1]", "e[1:]", "e[..., ::-1]",
    # static out-of-bound ints clamp in JAX (no IndexError)
    "x1[7]", "x2[5, -9]",
]

ADVANCED = [
    "x1[np.array([0, 2, 4])]", "x1[np.array([-1, -5, 0])]", "x1[np.array([[0, 1], [3, 4]])]",
    "x1[jnp.array([4, 0, 1])]", "x1[jnp.array(3)]", "x1[jnp.array(-2)]", "x1[np.array(2)]",
    "x1[[1, 3]]" if False else "x1[np.array([], np.int32)]", "x1[(np.array([1, 3]),)]",
    "x2[np.array([0, 2])]", "x2[np.array([0, 2]), np.array([1, 3])]", "x2[np.array([[0], [2]]), np.array([1, 3])]",
    "x2[:, np.array([3, 0])]", "x2[1, np.array([0, 1, 1])]", "x2[np.array([2, 1]), 1:]",
    "x2[np.array([0, 2]), None, np.array([1, 3])]", "x2[None, np.array([0, 2]), np.array([1, 3])]",
    "x2[np.array([1, 0]), ::-1]", "x2[jnp.array([1, -1]), jnp.array(2)]",
    "x3[np.array([0, 1]), :, np.array([1, 2])]", "x3[:, np.array([0, 2]), np.array([1, 3])]",
    "x3[np.array([[1]]), 1:, np.array([0, 2, 3])]", "x3[..., np.array([3, 1])]", "x3[1, np.array([0, 2]), ::2]",
    "x3[np.array([1, 0]), np.array([2, 0]), np.array([3, 1])]", "x3[None, np.array([1]), ..., np.array([2])]",
    # out-of-bound dynamic indices clamp (promise_in_bounds gather / dynamic_slice)
    "x1[jnp.array([7, -9, 2])]", "x1[jnp.array(9)]", "x2[jnp.array(-7), jnp.array(1)]",
    # booleans
    "x1[np.array([True, False, True, True, False])]", "x2[np.array([True, False, True])]",
    "x2[x2 > 0]" if True else "", "x2[:, np.array([False, True, True, False])]",
    "x3[np.ones((2, 3), bool)]", "x3[1, np.array([True, False, True])]",
    "x1[True]", "x1[False]", "x2[False, 1:]", "x1[..., True, None]", "x0[True]",
    "x1[jnp.array([True, False, True, True, False])]", "x1[[True, False, True, False, True]]",
    "x2[np.zeros((3, 4), bool)]", "x1[np.array([True, False, True, True, False]), None]",
    # empty results
    "x2[np.array([], np.int32)]", "e[np.array([], np.int32)]", "x2[np.zeros((0, 2), np.int32)]",
    "x2[1:1, np.array([0, 1])]",
    # sequences inside the index tuple, index dtypes
    "x2[[0, 2], 1]", "x2[(jnp.array([0, 1]), [1, 2])]", "x2[[[0], [1]], [True, False, True, True]]",
    "x1[np.array([1, 4], np.uint8)]", "x1[jnp.array([3, 0], jnp.uint32)]", "x1[np.array([-1, 1], np.int8)]",
    "x1[np.int64(-2)]", "x1[jnp.array(2, jnp.uint8)]", "x2[jnp.array(-1, jnp.int8), jnp.array(1, jnp.int16)]",
    "x1[slice(jnp.array(1), jnp.array(4))]",
]

ERRORS = [
    "x1[1.0]", "x1[np.array([1.0])]", "x1['a']", "x2[1, 2, 3]", "x1[..., ...]", "x1[[1, 2]]",
    "x1[np.array([True, False])]", "x2[np.array([0, 1]), np.array([0, 1, 2])]", "x0[0]",
    "e[0]", "x1[object()]", "jax.jit(lambda x, m: x[m])(x1, x1 > 0)", "jax.jit(lambda x, b: x[b])(x1, True)",
    "jax.jit(lambda x, i: x[i:])(x1, 1)", "x1[1j]",
]

JIT = [
    "jax.jit(lambda x, i: x[i])(x1, 3)", "jax.jit(lambda x, i: x[i])(x1, -1)",
    "jax.jit(lambda x, i: x[i, 1:])(x2, 2)", "jax.jit(lambda x, i: x[:, i])(x2, jnp.array([3, -1, 0]))",
    "jax.jit(lambda x, i, j: x[i, :, j])(x3, jnp.array([0, 1]), jnp.array([[3], [0]]))",
    "jax.jit(lambda x: x[::-1, None, 1])(x2)", "jax.jit(lambda x, i: x[i, ::-2])(x2, 10)",
    "jax.jit(lambda x, i: x.at[i].get(mode='fill', fill_value=-1))(x1, jnp.array([1, 7, -2]))",
    "jax.jit(lambda x, i: x.at[i].add(1))(x2, jnp.array([0, 0, 2]))",
    "jax.jit(lambda x, i, v: x.at[i, 1:].set(v))(x2, 1, x2[0, :3])",
]


def test_basic_indexing(oracle):
    check(oracle, BASIC, small_arrays(0), as_arrays=True)


def test_advanced_and_boolean_indexing(oracle):
    check(oracle, ADVANCED, small_arrays(1), as_arrays=True)


def test_index_errors(oracle):
    check(oracle, ERRORS, small_arrays(2), as_arrays=True)


def test_jit_indexing(oracle):
    check(oracle, JIT, small_arrays(3), as_arrays=True)


PER_DTYPE = [
    "x2[::-1, 1]", "x2[np.array([2, 0]), np.array([1, -1])]", "x1[jnp.array(2)]",
    "x2.at[1, np.array([0, 0])].set(x2[0, 0])", "x2.at[np.array([9, 1])].get(mode='fill')",
]


@pytest.mark.parametrize(
    "dtype", ["bool", "int8", "int32", "uint8", "bfloat16", "float16", "float32", "complex64"]
)
def test_dtypes(oracle, dtype):
    check(oracle, PER_DTYPE, small_arrays(4, dtype), as_arrays=True)


WEAK = """
w1 = jnp.asarray(2.5) + jnp.zeros(4) * 0 if False else jnp.full(4, 2.5) * 0 + 1.5
ws = jnp.asarray(3.0)
wi = jnp.asarray(7)
"""


def test_weak_types_preserved(oracle):
    exprs = ["ws[None]", "ws[...]", "wi[None, None]", "ws.at[()].set(2)", "wi.at[None].add(1)",
             "x1.at[0].set(ws)", "x1.astype(jnp.int8).at[1].set(300)"]
    check(oracle, exprs, small_arrays(5), as_arrays=True, setup=WEAK)


AT = [
    "x1.at[0].set(9.0)", "x1.at[-1].add(1)", "x1.at[1:4].multiply(2)", "x1.at[::2].set(jnp.array([1., 2., 3.]))",
    "x1.at[np.array([0, 0, 1])].add(1.)", "x1.at[np.array([0, 0, 1])].set(jnp.array([1., 2., 3.]))",
    "x1.at[np.array([7, -1])].set(5.)", "x1.at[np.array([7, -1])].set(5., mode='clip')",
    "x1.at[np.array([7, -1])].add(5., mode='drop')", "x1.at[np.array([1, 2])].set(5., mode='promise_in_bounds')",
    "x1.at[np.array([1, 1, 3])].min(-3.)", "x1.at[np.array([1, 1, 3])].max(jnp.array([4., 6., -100.]))",
    "x1.at[np.array([1, 1])].divide(2.)", "x1.at[2:].power(2)", "x1.at[np.array([0, 2, 2])].mul(3.)",
    "x1.at[np.array([1, 3])].apply(jnp.sin)" if False else "x1.at[np.array([1, 4])].subtract(1.)",
    "x1.at[x1 > 0].set(0.)", "x1.at[...].set(2.)", "x1.at[:].add(x1)", "x1.at[None].set(1.)",
    "x2.at[1].set(jnp.arange(4.))", "x2.at[:, 1].add(jnp.array([1., 2., 3.]))", "x2.at[np.array([0, 2]), np.array([1, 3])].set(-1.)",
    "x2.at[np.array([0, 2]), None, np.array([1, 3])].set(jnp.array([[1.], [2.]]))",
    "x2.at[::-1, 1].set(jnp.array([1., 2., 3.]))", "x2.at[1, ::-2].set(jnp.array([7., 8.]))",
    "x3.at[:, np.array([0, 2]), 1].add(1.)", "x3.at[np.array([1, 0]), :, np.array([0, 3])].set(jnp.arange(6.).reshape(2, 3))",
    "x2.at[np.array([], np.int32)].set(1.)", "e.at[0:0].set(1.)", "x1.at[True].set(4.)",
    "x1.at[np.array([1, 2])].get()", "x1.at[np.array([1, 9])].get(mode='fill')",
    "x1.at[np.array([1, 9])].get(mode='fill', fill_value=0)", "x1.at[9].get(mode='clip')",
    "x2.astype(jnp.int32).at[0].set(2.7)", "x2.astype(jnp.int32).at[0].add(jnp.array(1.5))",
    "x2.astype(jnp.uint8).at[1, 1].add(200)", "x2.astype(bool).at[0].add(True)",
    "x1.at[1].set(jnp.array([5.]))", "x1.at[np.array([0, 1])].set(jnp.ones(3))", "x1.at[1.5].set(0.)",
    "x1.at[np.array([1, 9])].get(mode='bogus')",
]


def test_at_updates(oracle):
    check(oracle, AT, small_arrays(6), as_arrays=True)


def test_at_apply(oracle):
    exprs = ["x1.at[np.array([1, 3])].apply(jnp.negative)", "x2.at[1:, 2].apply(jnp.negative)",
             "x1.at[np.array([1, 1])].apply(jnp.negative)", "x1.at[:].apply(jnp.negative)"]
    check(oracle, exprs, small_arrays(7), as_arrays=True)


FUNCS = [
    "jnp.take(x2, np.array([0, 5, -1]))", "jnp.take(x2, np.array([[0, 2]]), axis=1)", "jnp.take(x2, 1, axis=0)",
    "jnp.take(x2, np.array([3, 9, -7]), axis=1)", "jnp.take(x2, np.array([3, 9, -7]), axis=1, mode='clip')",
    "jnp.take(x2, np.array([3, 9, -7]), axis=1, mode='wrap')", "jnp.take(x2, np.array([3, 9]), axis=1, fill_value=0.5)",
    "jnp.take(x2, np.array([1.0]))", "jnp.take(x2, np.array([1]), axis=2)", "jnp.take(x2, np.array([1]), mode='bogus')",
    "jnp.take(e, np.array([], np.int32), axis=0)", "jnp.take(x3, jnp.array([1, 0]), axis=-1)",
    "jnp.take_along_axis(x2, np.array([[0, 3], [1, 1], [2, 0]]), axis=1)",
    "jnp.take_along_axis(x2, np.array([[2, 0, 1, 9]]), axis=0)", "jnp.take_along_axis(x2, np.array([[-1]]), axis=1)",
    "jnp.take_along_axis(x3, jnp.argsort(x3, axis=1), axis=1)" if False else "jnp.take_along_axis(x3, np.zeros((2, 3, 1), np.int32), axis=-1)",
    "jnp.take_along_axis(x2, np.array([1, 11]), axis=None)", "jnp.take_along_axis(x2, np.array([1]), axis=0)",
    "jnp.take_along_axis(x2, np.array([[1.0]]), axis=0)", "jnp.take_along_axis(x2, np.array([[7, 1]]), axis=1, mode='clip')",
    "jnp.put_along_axis(x2, np.array([[0], [3], [1]]), 9., axis=1, inplace=False)",
    "jnp.put_along_axis(x2, np.array([[0, 2]]), jnp.array([[1., 2.]]), axis=0, inplace=False)",
    "jnp.put_along_axis(x2, np.array([[0]]), 1., axis=1)",
    "jnp.where(x2 > 0, x2, 0)", "jnp.where(x2 > 0, 1, 2)", "jnp.where(x2 > 0, 1.5, jnp.int8(2))",
    "jnp.where(True, x1, x2[:, :1])", "jnp.where(x1, 1, 0)", "jnp.where(x2 > 0, x2, None)",
    "jnp.where(x2 > 0, x2, 1, size=2)", "jnp.where(x1 > 0)", "jnp.where(x2 > 0, size=3, fill_value=-1)",
    "jax.jit(lambda x: jnp.where(x > 0, size=2))(x1)", "jnp.where([True, False], 1, 2)", "jnp.where(x1 > 0, x1)", "jnp.where(e > 0, e, 0.0)", "jnp.where(jnp.array([True, False]), jnp.ones(3), 0)",
]


def test_index_functions(oracle):
    check(oracle, FUNCS, small_arrays(8), as_arrays=True)
