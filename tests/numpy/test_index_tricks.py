"""Differential tests against real JAX of xjax/_src/numpy/index_tricks.py: r_, c_ (string
directives, complex-step slices), block, s_ and index_exp.

Expressions are batched into one oracle round trip per test (`tests._util.check`).
"""

import numpy as np
import pytest

import xjax.numpy as xnp
from tests._util import check, small_arrays

pytestmark = pytest.mark.oracle

R_C = [
    "jnp.r_[1, 2]", "jnp.r_[1, 2.5]", "jnp.r_[jnp.int8(1), 2]", "jnp.r_[0:3, 7, jnp.array([1., 2.])]",
    "jnp.r_[0:1:5j]", "jnp.r_[0:1:5j, 2]", "jnp.r_[-1:1:4j, x1]", "jnp.r_[1.5:3]", "jnp.r_[:3]",
    "jnp.r_[3:0:-1]", "jnp.r_[[]]", "jnp.r_[True, False]", "jnp.r_[0:jnp.array(3)]",
    "jnp.r_[np.float64(1), 2]", "jnp.r_[x1.astype(jnp.bfloat16), x1.astype(jnp.float16)]",
    "jnp.r_[x1.astype(jnp.uint8), x1.astype(jnp.int8)]", "jnp.r_[e, e]", "jnp.r_[x2, x2]",
    "jnp.r_['0,2', [1, 2, 3], [4, 5, 6]]", "jnp.r_['0,2,0', [1, 2, 3], [4, 5, 6]]",
    "jnp.r_['1,2,0', [1, 2, 3], [4, 5, 6]]", "jnp.r_['0,3,-2', [1, 2, 3], [4, 5, 6]]",
    "jnp.r_['0,3,1', x1, x1]", "jnp.r_['r', [1, 2, 3], [4, 5, 6]]", "jnp.r_['c', [1, 2, 3], [4, 5, 6]]",
    "jnp.r_['c', x2]", "jnp.r_['0,2,0,5,6', [1, 2, 3]]", "jnp.r_['-1', x2, x2]", "jnp.r_['0,1', 5]",
    "jnp.r_['1', [[1, 2]], [[3]]]", "jnp.r_['-1,2', x1, 2:4]", "len(jnp.r_)", "len(jnp.c_)",
    "jnp.c_[x2, x2]", "jnp.c_[[1, 2, 3], [4, 5, 6]]", "jnp.c_['r', [1, 2, 3], [4, 5, 6]]",
    "jnp.c_['0,2,-1', [1, 2, 3], [4, 5, 6]]", "jnp.c_[x2[:, 0], x2]", "jnp.c_[0:3, x2[:, 1:3]]",
    "jnp.c_[x1, 0:1:5j]", "jnp.c_[x3, x3]",
    # errors
    "jnp.r_['a', [1, 2, 3]]", "jnp.r_[[1], '0', [1, 2, 3]]", "jnp.r_['0']", "jnp.r_['0,x', [1]]",
    "jnp.r_[()]", "jnp.r_[x2, x1]", "jnp.c_[1:4, 2]", "jax.jit(lambda n: jnp.r_[0:n])(3)",
]

BLOCK = [
    "jnp.block([1, 2])", "jnp.block(1)", "jnp.block(x2)", "jnp.block([[1, 2], [3, 4]])",
    "jnp.block([[jnp.ones((2, 2)), jnp.zeros((2, 1))], [jnp.zeros((1, 2)), 5]])",
    "jnp.block([jnp.ones(2, jnp.int8), 3.5])", "jnp.block([x2, x2[:, :1]])",
    "jnp.block([[x1[:2]], [x2[:2, :2]]])", "jnp.block([[x3]])", "jnp.block([[e], [e]])",
    "jnp.block([x2.astype(jnp.bfloat16), x2.astype(jnp.float16)])", "jnp.block(np.ones(2))",
    "jnp.block([x2.astype(bool), x2 > 0])", "jax.jit(lambda a: jnp.block([[a, a], [a, a]]))(x2)",
    "jnp.block([[1, 2], 3])", "jnp.block([])", "jnp.block((1, 2))", "jnp.block([[]])",
    "jnp.block([[jnp.ones(2)], [jnp.ones(3)]])",
]


def test_r_c(oracle):
    check(oracle, R_C, small_arrays(10), as_arrays=True)


def test_block(oracle):
    check(oracle, BLOCK, small_arrays(11), as_arrays=True)


def test_s_index_exp_are_numpys():
    assert xnp.s_ is np.s_ and xnp.index_exp is np.index_exp
    x = xnp.arange(10)
    np.testing.assert_array_equal(np.asarray(x[xnp.s_[1:8:3]]), np.arange(10)[1:8:3])
    assert xnp.index_exp[2] == (2,)

