"""The Array type: repr, host conversion, Python protocols, pickling, DLPack, deletion."""

import copy
import pickle

import ml_dtypes
import numpy as np
import pytest

import xjax
import xjax.dlpack
import xjax.numpy as jnp
from tests.oracle import assert_matches


def put(x):
    return xjax.device_put(np.asarray(x))


@pytest.mark.parametrize(
    "value",
    [
        np.array([1.0, 2.0], np.float32),
        np.array([[1, 2], [3, 4]], np.int32),
        np.array([True, False]),
        np.zeros((0, 3), np.float32),
        np.zeros((0,), np.float32),
        np.array(3.5, np.float32),
        np.arange(40, dtype=np.float32).reshape(4, 10) / 3,
        np.array([1 + 2j], np.complex64),
        np.array([1.5, -2], ml_dtypes.bfloat16),
        np.array([7], np.uint8),
    ],
)
def test_repr_matches_jax(oracle, value):
    want = oracle.eval("repr(jnp.asarray(x))", x=value)
    assert repr(put(value)) == want


def test_repr_weak_type(oracle):
    got = xjax.jit(lambda a: a)(1.5)
    want = oracle.eval("repr(jax.jit(lambda a: a)(1.5))")
    assert repr(got) == want
    assert "weak_type=True" in repr(got)


def test_host_conversion_and_metadata():
    x = put(np.arange(6, dtype=np.float32).reshape(2, 3))
    assert x.shape == (2, 3) and x.ndim == 2 and x.size == 6 and x.dtype == np.float32
    assert x.nbytes == 24 and x.itemsize == 4
    host = np.asarray(x)
    assert isinstance(host, np.ndarray) and host.tolist() == [[0, 1, 2], [3, 4, 5]]
    assert not host.flags.writeable  # a read-only view, as in JAX
    assert np.asarray(x, dtype=np.int32).dtype == np.int32
    assert x.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert len(x) == 2
    assert str(x) == str(host)
    assert f"{put(np.float32(1.25)):.1f}" == "1.2"


def test_scalar_protocols():
    x = put(np.float32(2.5))
    assert float(x) == 2.5 and int(x) == 2 and bool(x) and complex(x) == 2.5
    assert x.item() == 2.5
    i = put(np.int32(3))
    assert [10, 20, 30, 40][i] == 40  # __index__
    with pytest.raises(TypeError, match="only integer arrays"):
        [1, 2][x]
    with pytest.raises(TypeError, match="len\\(\\) of unsized"):
        len(x)
    with pytest.raises(TypeError, match="unhashable"):
        hash(x)


def test_bool_of_multi_element_array_raises_like_numpy():
    with pytest.raises(ValueError):
        bool(put(np.ones(3)))


def test_iteration_yields_rows():
    x = put(np.arange(6, dtype=np.int32).reshape(3, 2))
    rows = list(x)
    assert len(rows) == 3 and all(isinstance(r, xjax.Array) for r in rows)
    assert [r.tolist() for r in rows] == [[0, 1], [2, 3], [4, 5]]
    with pytest.raises(TypeError, match="0-d"):
        iter(put(np.float32(1)))


def test_pickle_and_copy_round_trip():
    x = xjax.jit(lambda a: a * 2)(1.5)  # weak
    y = pickle.loads(pickle.dumps(x))
    assert isinstance(y, xjax.Array) and float(y) == 3.0 and y.weak_type
    z = put(np.arange(3, dtype=np.int8))
    for c in (copy.copy(z), copy.deepcopy(z), z.copy()):
        assert c.dtype == np.int8 and c.tolist() == [0, 1, 2]


def test_dlpack_round_trip():
    x = put(np.arange(5, dtype=np.float32))
    host = np.from_dlpack(x)
    assert host.tolist() == [0, 1, 2, 3, 4]
    back = xjax.dlpack.from_dlpack(np.arange(4, dtype=np.int32))
    assert back.dtype == np.int32 and back.tolist() == [0, 1, 2, 3]
    with pytest.raises(TypeError, match="__dlpack__"):
        xjax.dlpack.from_dlpack([1, 2])


def test_devices_sharding_block():
    x = put(np.ones(3, np.float32))
    (d,) = x.devices()
    assert d == xjax.devices()[0] and x.device == d
    assert x.sharding.device_set == {d}
    assert x.block_until_ready() is x and x.is_ready()


def test_deleted_array_errors():
    x = put(np.ones(3, np.float32))
    x.delete()
    assert x.is_deleted()
    with pytest.raises(RuntimeError, match="deleted"):
        np.asarray(x)
    with pytest.raises(RuntimeError, match="deleted"):
        x.block_until_ready()
    assert "deleted" in repr(x)


def test_device_put_keeps_weak_type_and_canonicalises(oracle):
    want = oracle.eval("jax.device_put(1.0)")
    assert_matches(xjax.device_put(1.0), want)
    want = oracle.eval("jax.device_put(np.arange(3.0))")  # float64 -> float32
    assert_matches(xjax.device_put(np.arange(3.0)), want)


def test_host_buffer_is_copied_not_aliased():
    host = np.arange(4, dtype=np.float32)
    x = xjax.device_put(host)
    host[0] = 100
    assert np.asarray(x)[0] == 0


def test_operators_reflected_and_numpy_interop():
    x = put(np.array([1.0, 2.0], np.float32))
    assert isinstance(np.float32(2) * x, xjax.Array)
    assert (2 * x).tolist() == [2.0, 4.0] and (x - 1).tolist() == [0.0, 1.0]
    assert (1 - x).tolist() == [0.0, -1.0]
    assert (x == x).tolist() == [True, True]
    assert isinstance(np.ones(2, np.float32) + x, xjax.Array)
    assert (-x).tolist() == [-1.0, -2.0]
    assert jnp.sin(x).dtype == np.float32
