"""Differential tests against real JAX of the NumPy pass-throughs and legacy helpers
(xjax/_src/numpy/numpy_compat.py): isscalar, isdtype, can_cast, iterable, array_str/array_repr,
printoptions, from_dlpack, fromstring, fromiter/fromfile (refused), load/save, rollaxis.
"""

import io

import ml_dtypes
import numpy as np
import pytest

import xjax
import xjax.numpy as xnp
from tests._util import check, small_arrays

pytestmark = pytest.mark.oracle

COMPAT = [
    "jnp.isscalar(1)", "jnp.isscalar(1 + 1j)", "jnp.isscalar(x0)", "jnp.isscalar(x1)", "jnp.isscalar(np.float32(1))",
    "jnp.isscalar(np.array(1.0))", "jnp.isscalar('a')", "jnp.isscalar(None)", "jnp.isscalar([1])",
    "jnp.isscalar(())", "jnp.isscalar(slice(3))", "jnp.isscalar(jnp.int32(1))", "jax.jit(jnp.isscalar)(1.0)",
    "jnp.isdtype(jnp.float32, 'real floating')", "jnp.isdtype(jnp.bfloat16, ('integral', 'real floating'))",
    "jnp.isdtype(jnp.int8, jnp.int8)", "jnp.isdtype(jnp.int8, 'numeric')", "jnp.isdtype(jnp.bool_, 'numeric')",
    "jnp.isdtype(jnp.bool_, 'bool')", "jnp.isdtype(jnp.uint16, 'signed integer')", "jnp.isdtype(jnp.uint16, 'unsigned integer')",
    "jnp.isdtype(jnp.complex64, 'complex floating')", "jnp.isdtype(jnp.complex64, 'real floating')",
    "jnp.isdtype('int8', 'integral')", "jnp.isdtype(x1, 'real floating')", "jnp.isdtype(np.float16, (jnp.int8, 'real floating'))",
    "jnp.isdtype(ml_dtypes.float8_e4m3fn, 'real floating')", "jnp.isdtype(ml_dtypes.int4, 'signed integer')",
    "jnp.isdtype(jnp.int8, 'bogus')", "jnp.isdtype(jnp.int8, 3)",
    "jnp.can_cast(jnp.int32, jnp.float32)", "jnp.can_cast(jnp.float32, jnp.int32)", "jnp.can_cast('int8', 'int16', casting='safe')",
    "jnp.iterable(x1)", "jnp.iterable(3)", "jnp.iterable([1])",
    "jnp.fromstring('1 2 3', sep=' ')", "jnp.fromstring('1,2,3', dtype=int, sep=',')",
    "jnp.fromstring('1,2,3', dtype=jnp.int8, count=2, sep=',')", "jnp.fromstring('1.5, 2', dtype=jnp.float16, sep=',')",
    "jnp.from_dlpack(np.arange(3.))", "jnp.from_dlpack(np.arange(4, dtype=np.int8))", "jnp.from_dlpack(np.ones((2, 0), np.float32))",
    "jnp.from_dlpack(np.array([True, False]))", "jnp.from_dlpack(3)",
    "jnp.array_str(x2)", "jnp.array_str(x1.astype(jnp.bfloat16), precision=2)",
    # the class name (ArrayImpl in JAX) sets the indentation: compare the words after it
    "jnp.array_repr(x2).split('(', 1)[1].split()",
    "jnp.array_repr(x1.astype(jnp.int8), max_line_width=10).split('(', 1)[1].split()",
    "jnp.fromiter([1, 2])", "jnp.fromfile('x')", "jnp.ComplexWarning.__name__", "issubclass(jnp.ComplexWarning, Warning)",
]

ROLLAXIS = [
    "jnp.rollaxis(x3, 2)", "jnp.rollaxis(x3, 0, 3)", "jnp.rollaxis(x3, -1, -2)", "jnp.rollaxis(x3, 1, 1)",
    "jnp.rollaxis(x3, 0, -3)", "jnp.rollaxis(x2.astype(jnp.int8), 1)", "jnp.rollaxis(x3, 1, 4)",
    "jnp.rollaxis(x3, 3)", "jnp.rollaxis(x3, 1, -4)", "jnp.rollaxis(x3, 1, 1.0)", "jnp.rollaxis([1], 0)",
    "jnp.rollaxis(x0, 0)",
]


def test_numpy_passthroughs(oracle):
    check(oracle, COMPAT + ROLLAXIS, small_arrays(13), as_arrays=True)


def test_printing_passthroughs():
    x = xnp.asarray([1.23456, 2.0])
    before = xnp.get_printoptions()["precision"]
    with xnp.printoptions(precision=2):
        assert xnp.get_printoptions()["precision"] == 2
        assert str(x) == "[1.23 2.  ]"
    assert xnp.get_printoptions()["precision"] == before
    xnp.set_printoptions(precision=3)
    try:
        assert str(x) == "[1.235 2.   ]"
    finally:
        xnp.set_printoptions(precision=before)


def test_save_load_roundtrip_keeps_bfloat16():
    for dt in (ml_dtypes.bfloat16, np.int8, np.float32):
        want = np.arange(6).reshape(2, 3).astype(dt)
        f = io.BytesIO()
        xnp.save(f, xnp.asarray(want))
        f.seek(0)
        got = xnp.load(f)
        assert isinstance(got, xjax.Array) and got.dtype == np.dtype(dt)
        np.testing.assert_array_equal(np.asarray(got), want)
    f = io.BytesIO()
    xnp.savez(f, a=np.arange(3))
    f.seek(0)
    np.testing.assert_array_equal(xnp.load(f)["a"], np.arange(3))
