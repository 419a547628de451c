"""Tests of the JAX oracle worker itself (tests/oracle.py)."""

import os
import signal
import sys

import ml_dtypes
import numpy as np
import pytest

from tests import _util
from tests.oracle import Oracle, OracleArray, OracleError, assert_matches, raises_like

pytestmark = pytest.mark.oracle

bf16 = np.dtype(ml_dtypes.bfloat16)


def test_values_dtypes_and_weak_types(oracle):
    out = oracle.eval("(jnp.asarray(1.0), jnp.arange(3), x + 1, jnp.float32(2))", x=np.ones(2))
    one, ar, x1, two = out
    assert (one.dtype, one.weak_type, one.shape) == (np.float32, True, ())
    assert (ar.dtype, ar.weak_type) == (np.int32, False)
    np.testing.assert_array_equal(ar.value, [0, 1, 2])
    assert (x1.dtype, x1.weak_type) == (np.float64, False)  # numpy arithmetic: no JAX involved
    assert (two.dtype, two.weak_type) == (np.float32, False)


def test_structure_and_plain_values(oracle):
    out = oracle.eval("{'a': [1, 2.0, True], 'b': (None, 'name', np.dtype('int8'), jnp.float32)}")
    a, (none, name, i8, f32) = out["a"], out["b"]
    assert isinstance(a, list) and [x.dtype for x in a] == [np.int32, np.float32, np.bool_]
    assert [x.weak_type for x in a] == [True, True, False]
    assert (none, name, i8, f32) == (None, "name", np.dtype(np.int8), np.float32)


def test_exec_returns_out(oracle):
    out = oracle.exec("y = jnp.asarray(x)\nout = (y * 2, y.sum())", x=np.arange(4, dtype=np.int8))
    assert out[0].dtype == np.int8 and out[1].dtype == np.int32
    np.testing.assert_array_equal(out[0], [0, 2, 4, 6])


def test_exec_without_out_fails(oracle):
    with pytest.raises(pytest.fail.Exception, match="did not assign"):
        oracle.exec("y = 1")


def test_syntax_error_fails_the_test(oracle):
    with pytest.raises(pytest.fail.Exception, match="SyntaxError"):
        oracle.eval("1 +")


def test_errors_come_back(oracle):
    err = oracle.eval("jnp.ones(3) + jnp.ones(4)")
    assert isinstance(err, OracleError) and err.type_name == "TypeError"
    assert "incompatible shapes" in err.message
    err = oracle.eval("jax.jit(lambda x: 1 if x > 0 else 2)(1.0)")
    assert err.type_name == "TracerBoolConversionError"
    assert "TypeError" in err.bases


def test_raises_like(oracle):
    with raises_like(oracle.eval("jnp.zeros(3).reshape(2)")):
        raise TypeError("cannot reshape")
    err = oracle.eval("jnp.zeros(3).reshape(2)")
    with pytest.raises(AssertionError, match="jax raised TypeError"), raises_like(err):
        raise ValueError("wrong type")


def test_x64_switch(oracle):
    assert oracle.eval("jnp.asarray(1.0)", x64=True).dtype == np.float64
    assert oracle.eval("jnp.asarray(1.0)").dtype == np.float32
    assert oracle.eval("jnp.arange(3)", x64=True).dtype == np.int64
    assert oracle.eval("jax.config.jax_enable_x64").item() is False
    big = oracle.eval("2**40", x64=True)
    assert (big.dtype, big.weak_type, big.item()) == (np.int64, True, 2**40)


def test_bfloat16_round_trip(oracle):
    x = np.array([1.5, -2.25, np.inf, np.nan], dtype=bf16)
    out = oracle.eval("(x, jnp.asarray(x) * 2)", x=x)
    assert out[0].dtype == bf16 and out[1].dtype == bf16
    np.testing.assert_array_equal(out[0].value.view(np.uint16), x.view(np.uint16))
    np.testing.assert_array_equal(out[1].value.astype(np.float32), x.astype(np.float32) * 2)


def test_opaque_results(oracle):
    key = oracle.eval("jax.random.key(0)")
    assert key.type_name and "key<fry>" in key.repr
    bits = oracle.eval("jax.random.key_data(jax.random.key(0))")
    assert bits.dtype == np.uint32 and bits.shape == (2,)


def test_inputs_accept_array_likes(oracle):
    class ArrayLike:
        def __array__(self, dtype=None, copy=None):
            return np.arange(3, dtype=np.float32)

    out = oracle.eval("jnp.sum(jnp.asarray(a)) + b[0]['c']", a=ArrayLike(), b=[{"c": 1}])
    assert out.item() == 4.0 and out.dtype == np.float32


def test_restart_after_kill(oracle):
    assert oracle.eval("1 + 1").item() == 2
    os.kill(oracle.pid, signal.SIGKILL)
    oracle._proc.wait(10)
    assert oracle.eval("2 + 2").item() == 4


def test_crash_fails_then_restarts(oracle):
    with pytest.raises(pytest.fail.Exception, match="crashed"):
        oracle.eval("__import__('os')._exit(3)")
    assert oracle.pid is None
    assert oracle.eval("3 + 3").item() == 6


def test_timeout_fails_then_restarts():
    o = Oracle(timeout=30)
    try:
        assert o.eval("1").item() == 1
        o.timeout = 0.5
        with pytest.raises(pytest.fail.Exception, match="timed out"):
            o.eval("__import__('time').sleep(30)")
        o.timeout = 30
        assert o.eval("5").item() == 5
    finally:
        o.close()
    assert o.pid is None


def test_printing_does_not_break_the_protocol(oracle):
    out = oracle.exec("print('noise'); __import__('sys').stdout.write('more'); out = 7")
    assert out.item() == 7


def test_no_jax_in_this_process(oracle):
    oracle.eval("0")
    assert "jax" not in sys.modules


def test_assert_matches(oracle):
    want = oracle.eval("(jnp.asarray(1.0), jnp.arange(3), {'k': jnp.ones(2, jnp.bfloat16)})")
    got = (
        OracleArray(np.asarray(1.0, np.float32), np.dtype(np.float32), True),
        np.arange(3, dtype=np.int32),
        {"k": np.ones(2, bf16) + np.asarray(1e-3, bf16)},
    )
    assert_matches(got, want)
    with pytest.raises(AssertionError, match="weak_type"):
        assert_matches(np.asarray(1.0, np.float32), want[0])
    assert_matches(np.asarray(1.0, np.float32), want[0], check_weak_type=False)
    with pytest.raises(AssertionError, match="dtype"):
        assert_matches(np.arange(3), want[1])
    with pytest.raises(AssertionError, match="shape"):
        assert_matches(np.arange(4, dtype=np.int32), want[1])
    with pytest.raises(AssertionError, match="values differ"):
        assert_matches(np.arange(3, dtype=np.int32) + 1, want[1])


def test_assert_matches_tolerances_and_nans(oracle):
    want = oracle.eval("jnp.array([1.0, jnp.nan, jnp.inf], jnp.float32)")
    assert_matches(np.array([1.0 + 1e-7, np.nan, np.inf], np.float32), want)
    with pytest.raises(AssertionError):
        assert_matches(np.array([1.001, np.nan, np.inf], np.float32), want)
    assert_matches(np.array([1.001, np.nan, np.inf], np.float32), want, rtol=1e-2)
    with pytest.raises(AssertionError):
        assert_matches(np.array([1.0, 0.0, np.inf], np.float32), want)


# ---------------------------------------------------------------------------------------------
# The shared table runners (tests/_util.py): every check they promise fails when it should.
# `jax.__name__ == "jax"` holds in the oracle only, so an expression can differ between the two.
_JAX = "jax.__name__ == 'jax'"


def test_table_runner_passes_matching_results_and_errors(oracle):
    _util.check(oracle, ["jnp.arange(3) * 2", "int('x')", "(1, [2.5])"])
    _util.check(oracle, ["x[::-1]", ("x + y", {"y": np.float32(2)})], {"x": np.arange(3.0)})
    _util.check(oracle, ["x2[1]", "w"], _util.small_arrays(0), as_arrays=True, setup="w = x1 * 2")


@pytest.mark.parametrize(
    "expr,kw,match",
    [
        (f"jnp.asarray(1.0 if {_JAX} else 2.0)", {}, "values differ"),
        (f"jnp.asarray(1, 'int32' if {_JAX} else 'int16')", {}, "dtype"),
        (f"jnp.asarray(1.0) if {_JAX} else jnp.float32(1.0)", {}, "weak_type"),
        (f"jnp.ones(2) + jnp.ones(3 if {_JAX} else 2)", {}, "jax raised TypeError"),
        (f"int('x') if {_JAX} else {{}}['k']", {}, "xjax raised KeyError"),
        ("int('x')", {"errors": None}, "jax raised ValueError"),
        (f"int('x') if {_JAX} else b'\\xff'.decode()", {"errors": "same"}, "UnicodeDecodeError"),
        ("int('x')", {"error_says": "jnp.nothing"}, "does not name"),
    ],
)
def test_table_runner_fails_on_each_difference(oracle, expr, kw, match):
    with pytest.raises(AssertionError, match=match):
        _util.check(oracle, [expr], **kw)


def test_table_runner_subclass_errors_and_linalg_tolerance(oracle):
    # "like" (the default) takes a subclass of JAX's error class: UnicodeDecodeError < ValueError
    _util.check(oracle, [f"int('x') if {_JAX} else b'\\xff'.decode()"])
    _util.check_linalg(oracle, ["jnp.linalg.inv(a)"], {"a": np.eye(2, dtype=np.float32) * 2})
    with pytest.raises(AssertionError, match="output 0"):
        _util.check_linalg(oracle, [f"a * (1.0 if {_JAX} else 1.01)"],
                           {"a": np.eye(2, dtype=np.float32)}, jit=None)
