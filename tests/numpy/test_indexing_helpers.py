"""Differential tests against real JAX of the index helpers (xjax/_src/numpy/indexing_helpers.py):
choose, ix_, diag/tri/mask indices, compress, extract, place, put, fill_diagonal, unravel_index,
ravel_multi_index.

Expressions are batched into one oracle round trip per test (`tests._util.check`).
"""

import pytest

from tests._util import check, small_arrays

pytestmark = pytest.mark.oracle

SELECTION = [
    "jnp.choose(np.array([0, 1, 2, 1]), [x1[:4], jnp.zeros(4), 5.])", "jnp.choose(np.array([[0], [1]]), [x1, x1 * 2])",
    "jnp.choose(np.array([3, -1]), [1, 2, 3], mode='clip')", "jnp.choose(np.array([3, -1]), [1, 2, 3], mode='wrap')",
    "jnp.choose(np.array([3]), [1, 2, 3])", "jnp.choose(np.array([0.]), [1, 2])", "jnp.choose(np.array([1]), [1, 2], mode='x')",
    "jnp.ix_(np.array([0, 2]), np.array([1, 3, 0]))", "x2[jnp.ix_(np.array([0, 2]), np.array([1, 3, 0]))]",
    "jnp.ix_(np.array([], np.int32), np.array([1]))", "jnp.ix_(np.array([[1]]))", "jnp.ix_(np.array([True]))",
    "jnp.diag_indices(3)", "jnp.diag_indices(2, ndim=3)", "jnp.diag_indices(0)", "jnp.diag_indices(-1)",
    "jnp.diag_indices_from(x2[:3, :3])", "jnp.diag_indices_from(x2)", "jnp.diag_indices_from(x1)",
    "jnp.tril_indices(3)", "jnp.tril_indices(3, k=-1, m=4)", "jnp.triu_indices(4, 1)", "jnp.triu_indices(3, m=2)",
    "jnp.tril_indices_from(x2)", "jnp.triu_indices_from(x2, k=2)", "jnp.tril_indices_from(x3)",
    "jnp.compress(np.array([True, False, True]), x2, axis=0)", "jnp.compress(np.array([1, 0, 1, 1]), x2, axis=1)",
    "jnp.compress(np.array([False, True]), x2)", "jnp.compress(np.array([True, False, True]), x2, axis=0, size=4, fill_value=-1)",
    "jnp.compress(np.array([True, False, True, False]), x1)", "jnp.compress(np.ones((2, 2), bool), x2)",
    "jnp.place(x2, x2 > 0, jnp.array([1., 2.]), inplace=False)", "jnp.place(x1, np.array([1, 0, 1, 1, 0]), 7., inplace=False)",
    "jnp.place(x1, x1 > 0, 1.)", "jnp.place(x1, np.ones(3, bool), 1., inplace=False)", "jnp.place(x1, x1 > 0, np.zeros(0), inplace=False)",
    "jnp.place(e, e > 0, 1., inplace=False)", "jax.jit(lambda x: jnp.place(x, x > 0, jnp.array([-1., -2.]), inplace=False))(x2)",
    "jnp.put(x2, np.array([0, 7, -1]), jnp.array([1., 2., 3.]), inplace=False)", "jnp.put(x1, np.array([1, 2, 3]), 9., inplace=False)",
    "jnp.put(x1, np.array([[1], [99], [-99]]), jnp.array([5., 6.]), inplace=False)", "jnp.put(x1, np.array([1]), 1.)",
    "jnp.put(x1, np.array([7, -7]), jnp.array([5., 6.]), mode='clip', inplace=False)",
    "jnp.put(x1, np.array([7, -7]), jnp.array([5., 6.]), mode='wrap', inplace=False)",
    "jnp.put(x1, np.array([1]), 1., mode='raise', inplace=False)", "jnp.put(x1, np.array([1]), 1., mode='x', inplace=False)",
    "jnp.extract(x2 > 0, x2)", "jnp.extract(np.array([1, 0, 1]), x1)", "jnp.extract(x2 > 0, x2, size=3)",
]

INDEX_GENERATORS = [
    # unravel_index: negative and out-of-bound flat indices clip (JAX, unlike NumPy)
    "jnp.unravel_index(jnp.array([-1, -7, 6, 100, 0, 5]), (2, 3))", "jnp.unravel_index(7, (2, 3))",
    "jnp.unravel_index(jnp.array([1, 200], jnp.uint8), (2, 3))", "jnp.unravel_index(jnp.array([1]), ())",
    "jnp.unravel_index(jnp.array([1]), (2, 0))",
    "jnp.unravel_index(jnp.array([-1, -7, 6, 100, 0, 5]), 4)",
    "jnp.unravel_index(jnp.array([True]), (2, 3))", "jnp.unravel_index(jnp.array([2.5, 7]), (2, 3))",
    "jnp.unravel_index(jnp.array([[3, 4]], jnp.int8), (2, 1, 3))", "jnp.unravel_index(np.int32(5), [6])",
    "jnp.unravel_index(jnp.array([-1, -7, 6, 100, 0, 5]), (jnp.int8(2), 3))", "jnp.unravel_index(jnp.zeros(0, jnp.int32), (2, 3))",
    "jax.jit(lambda i: jnp.unravel_index(i, (3, 4)))(jnp.array([5, 13, -1]))",
    "jnp.unravel_index(jnp.array([1]), ((2, 3),))", "jnp.unravel_index([1, 2], (2, 3))",
    # ravel_multi_index
    "jnp.ravel_multi_index((), ())", "jnp.ravel_multi_index((1, 2), (2, 3))",
    "jnp.ravel_multi_index((jnp.int8(1), 2), (2, 3))", "jnp.ravel_multi_index((jnp.int8(1), 2), (20, 30))",
    "jnp.ravel_multi_index((jnp.array([1, 0]), jnp.array([2, 1])), (2, 3))",
    "jnp.ravel_multi_index((jnp.array([1, 0]), jnp.array([2, 1])), (2, 3), order='F')",
    "jnp.ravel_multi_index((jnp.array([1, 5]), jnp.array([2, -1])), (2, 3))",
    "jnp.ravel_multi_index((jnp.array([1, 5]), jnp.array([2, -1])), (2, 3), mode='clip')",
    "jnp.ravel_multi_index((jnp.array([1, 5]), jnp.array([2, -1])), (2, 3), mode='wrap', order='F')",
    "jnp.ravel_multi_index((jnp.array([1, 5]), jnp.array([2, -1])), (2, 3), mode='ignore', dtype=jnp.int16)",
    "jnp.ravel_multi_index((jnp.array([[1], [0]]), jnp.array([0, 1, 2])), (2, 3))",
    "jnp.ravel_multi_index((jnp.array([1], jnp.uint8), jnp.array([2], jnp.uint8)), (2, 3))",
    "jnp.ravel_multi_index((jnp.array([1.]), jnp.array([2])), (2, 3), mode='clip')",
    "jnp.ravel_multi_index((jnp.array([1]), jnp.array([2])), (2, 3), mode='x')",
    "jnp.ravel_multi_index((jnp.array([1]), jnp.array([2])), (2, 3), order='x')",
    "jnp.ravel_multi_index((jnp.array([1]), jnp.array([2])), (2, 3), dtype=jnp.float32)",
    "jnp.ravel_multi_index((jnp.array([True]), jnp.array([2])), (2, 3))",
    "jnp.ravel_multi_index((jnp.array([1]), jnp.array([2])), (2.0, 3))",
    "jnp.ravel_multi_index(([1], [2]), (2, 3))",
    "jax.jit(lambda i: jnp.ravel_multi_index((i, i), (2, 3)))(jnp.array([1]))",
    "jax.jit(lambda i: jnp.ravel_multi_index((i, i), (2, 3), mode='wrap'))(jnp.array([1, 4, -1]))",
    # mask_indices
    "jnp.mask_indices(3, jnp.triu)", "jnp.mask_indices(3, jnp.tril, -1)", "jnp.mask_indices(3, jnp.tril, -1, size=5)",
    "jnp.mask_indices(0, jnp.tril)", "jnp.mask_indices(4, lambda m, k: jnp.triu(m, k) * 0, 1)",
    "jax.jit(lambda: jnp.mask_indices(3, jnp.triu, 1, size=3))()",
    # fill_diagonal
    "jnp.fill_diagonal(x2, 2., inplace=False)", "jnp.fill_diagonal(x2, jnp.array([7., 8.]), inplace=False)",
    "jnp.fill_diagonal(x2.T, jnp.arange(100., 200.), inplace=False)", "jnp.fill_diagonal(x2, jnp.ones((2, 2)), inplace=False)",
    "jnp.fill_diagonal(x2.astype(jnp.int32), 2.7, inplace=False)", "jnp.fill_diagonal(x2 > 0, True, inplace=False)",
    "jnp.fill_diagonal(x2.astype(jnp.bfloat16), 3, inplace=False)", "jnp.fill_diagonal(jnp.zeros((2, 2, 2)), 1, inplace=False)",
    "jnp.fill_diagonal(e, 1., inplace=False)", "jax.jit(lambda a, v: jnp.fill_diagonal(a, v, inplace=False))(x2, x1[:2])",
    "jnp.fill_diagonal(x2, 1.)", "jnp.fill_diagonal(x2, 1., wrap=True, inplace=False)",
    "jnp.fill_diagonal(x1, 1., inplace=False)", "jnp.fill_diagonal(x3, 1., inplace=False)",
    "jnp.fill_diagonal(x2, [1, 2], inplace=False)", "jnp.fill_diagonal(x2, jnp.zeros(0), inplace=False)",
]


def test_selection_functions(oracle):
    check(oracle, SELECTION, small_arrays(8), as_arrays=True)


def test_index_generators(oracle):
    check(oracle, INDEX_GENERATORS, small_arrays(12), as_arrays=True)
