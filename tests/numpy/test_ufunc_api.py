"""Differential tests against real JAX of jnp.ufunc / jnp.frompyfunc (xjax/_src/numpy/ufunc_api.py):
calls, reduce, accumulate, at, reduceat, outer (values, dtypes, weak types, errors; jit, grad).

Expressions are batched into one oracle round trip per test (`tests._util.check`).
"""

import pytest

import xjax
import xjax.numpy as xnp
from tests._util import check, small_arrays

pytestmark = pytest.mark.oracle

_U = "jnp.frompyfunc(lambda a, b: a * b + 1, 2, 1, identity=0)"
_MAX = "jnp.frompyfunc(jnp.maximum, 2, 1)"
UFUNC = [
    f"{_U}(x1, 2.0)", f"{_U}(1, 2)", f"{_U}(x2, x1[:4])", f"{_U}.reduce(x2)", f"{_U}.reduce(x2, axis=1)",
    f"{_U}.reduce(x2, axis=None)", f"{_U}.reduce(x2, axis=-1, keepdims=True)",
    f"{_U}.reduce(x2, axis=None, keepdims=True)", f"{_U}.reduce(x2, initial=2.0)",
    f"{_U}.reduce(x2, where=x2 > 0)", f"{_U}.reduce(e)", f"{_U}.reduce(x2.astype(jnp.int8), axis=1)",
    f"{_U}.reduce(x2, dtype=jnp.int32)", f"{_MAX}.reduce(x3, axis=1)", f"{_MAX}.reduce(x1.astype(jnp.float16))",
    f"{_U}.accumulate(x2)", f"{_U}.accumulate(x2, axis=1)", f"{_U}.accumulate(e)", f"{_U}.accumulate(x1.astype(jnp.int8))",
    f"{_U}.outer(x1, x2)", f"{_U}.outer(3, x1)", f"{_U}.outer(x1.astype(jnp.int8), x1.astype(jnp.int16))",
    f"{_U}.at(x1, np.array([0, 0, 2]), 3., inplace=False)", f"{_U}.at(x1, 1, 2., inplace=False)",
    f"{_U}.at(x2, (np.array([0, 0]), 1), x1[:2], inplace=False)", f"{_U}.at(x1, (), 2., inplace=False)",
    f"{_U}.at(x2, (np.array([[0], [2]]), np.array([1, 3])), 5., inplace=False)",
    "jnp.frompyfunc(jnp.sin, 1, 1).at(x1, np.array([1, 1]), inplace=False)",
    f"{_U}.reduceat(x1, np.array([0, 2, 4]))", f"{_U}.reduceat(x2, np.array([0, 2]), axis=1)",
    f"{_U}.reduceat(x1, np.array([3, 1]))", f"{_U}.reduceat(x1, np.array([1, 3]), dtype=jnp.float16)",
    "jnp.frompyfunc(lambda a: (a, a * 2), 1, 2)(x1)", "jnp.frompyfunc(jnp.add, 2, 1).__name__",
    "(lambda u: (u.nin, u.nout, u.nargs, u.identity))(jnp.frompyfunc(jnp.add, 2, 1, identity=0))",
    f"jax.jit(lambda x: {_U}.reduce(x))(x1)", f"jax.jit(lambda x: {_U}.accumulate(x, axis=1))(x2)",
    "jax.grad(lambda x: jnp.frompyfunc(lambda a, b: a * b, 2, 1, identity=1).reduce(x))(x1)",
    # errors
    f"{_MAX}.reduce(e)", f"{_MAX}.reduce(x2, where=x2 > 0)", f"{_U}.reduce(x2, where=x2)",
    f"{_U}.reduce([1, 2])", f"{_U}(x1, out=x1)", f"{_U}(x1, 1, where=True)", f"{_U}.accumulate(x2, axis=None)",
    f"{_U}.at(x1, np.array([1]), 1.)", f"{_U}.at(x2, (np.array([0, 0]), slice(None)), x1[:4], inplace=False)",
    f"{_U}.at(x1, x1 > 0, 1., inplace=False)", f"{_U}.at(x1, [0, 1], 1., inplace=False)",
"jnp.frompyfunc(jnp.sin, 1, 1).reduce(x1)",
    "jnp.frompyfunc(jnp.sin, 1, 1).outer(x1, x1)", "jnp.frompyfunc(lambda a: (a, a), 1, 2).accumulate(x1)",
    f"{_U}.reduceat(x0, np.array([0]))", f"{_U}.reduceat(x1, np.array([[0]]))", f"{_U}.reduce(x2, axis=2)",
]


@pytest.mark.slow
def test_ufunc(oracle):
    check(oracle, UFUNC, small_arrays(24), as_arrays=True)


def test_ufunc_object():
    u = xnp.frompyfunc(xnp.add, 2, 1, identity=0)
    assert isinstance(u, xnp.ufunc)
    assert repr(u) == "<jnp.ufunc 'add'>"
    assert u == xnp.frompyfunc(xnp.add, 2, 1, identity=0) and hash(u) == hash(xnp.frompyfunc(xnp.add, 2, 1, identity=0))
    assert u != xnp.frompyfunc(xnp.add, 2, 1, identity=1)
    with pytest.raises(AttributeError):
        u.nin = 3  # read-only: a ufunc must stay hashable as a static argument
    assert xjax.jit(lambda x, f: f(x, x), static_argnums=1)(xnp.arange(3.0), u).tolist() == [0.0, 2.0, 4.0]
