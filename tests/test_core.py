"""Core: avals, primitives and bind, the trace context, the jaxpr IR and its type checker."""

import subprocess
import sys

import numpy as np
import pytest

import xjax
import xjax.numpy as jnp
from xjax import lax
from xjax._src import core
from xjax._src.config import config
from xjax._src.core import (
    ClosedJaxpr,
    Jaxpr,
    JaxprEqn,
    JaxprTypeError,
    Literal,
    ShapedArray,
    Var,
    check_jaxpr,
    eval_jaxpr,
)
from xjax._src.errors import MissingRuleError
from xjax._src.lax.elementwise import add_p, sin_p


def test_shaped_array_equality_hash_and_str():
    a = ShapedArray((2, 3), np.float32)
    b = core.shaped_array((2, 3), np.dtype(np.float32))
    assert a == b and hash(a) == hash(b)
    assert a != ShapedArray((2, 3), np.float32, weak_type=True)
    assert a.str_short() == "f32[2,3]" and a.ndim == 2 and a.size == 6
    assert ShapedArray((), np.int8).str_short() == "i8[]"
    assert repr(ShapedArray((4,), np.float32, True)) == "ShapedArray(float32[4], weak_type=True)"
    assert core.shaped_array((1,), np.dtype("uint32")) is core.shaped_array((1,), np.dtype("uint32"))


def test_get_aval_of_values():
    assert core.get_aval(1.0) == ShapedArray((), np.float32, True)
    assert core.get_aval(True) == ShapedArray((), np.bool_, False)
    assert core.get_aval(np.arange(3)) == ShapedArray((3,), np.int32)  # int64 canonicalised
    assert core.get_aval(np.float16(1)) == ShapedArray((), np.float16)
    with pytest.raises(TypeError, match="not a valid xjax type"):
        core.get_aval("x")


def _jaxpr_of(f, *args):
    return xjax.make_jaxpr(f)(*args).jaxpr


def test_eval_jaxpr_round_trip():
    x = np.arange(4, dtype=np.float32)
    closed = xjax.make_jaxpr(lambda a: jnp.sin(a) * 2.0 + a)(x)
    (out,) = eval_jaxpr(closed.jaxpr, closed.consts, x)
    np.testing.assert_allclose(np.asarray(out), np.sin(x) * 2 + x, rtol=1e-6)


def test_check_jaxpr_accepts_traced_and_rejects_broken():
    x = np.ones(3, np.float32)
    jaxpr = _jaxpr_of(lambda a: jnp.sin(a) + a, x)
    check_jaxpr(jaxpr)
    a = Var(ShapedArray((3,), np.float32))
    wrong = Var(ShapedArray((4,), np.float32))
    bad = Jaxpr([], [a], [wrong], [JaxprEqn([a], [wrong], sin_p, {})])
    with pytest.raises(JaxprTypeError, match="output typed"):
        check_jaxpr(bad)
    unbound = Var(ShapedArray((3,), np.float32))
    out = Var(ShapedArray((3,), np.float32))
    bad2 = Jaxpr([], [a], [out], [JaxprEqn([a, unbound], [out], add_p, {})])
    with pytest.raises(JaxprTypeError, match="used before definition"):
        check_jaxpr(bad2)
    twice = Jaxpr([], [a, a], [a], [])
    with pytest.raises(JaxprTypeError, match="bound twice"):
        check_jaxpr(twice)


def test_literals_print_with_type():
    jaxpr = _jaxpr_of(lambda a: lax.mul(a, 2.0), np.float32(1))
    assert "mul a 2.0:f32[]" in str(jaxpr)
    lit = jaxpr.eqns[0].invars[1]
    assert isinstance(lit, Literal) and lit.aval.weak_type


def test_closed_jaxpr_consts_print_as_binders():
    c = xjax.device_put(np.ones(3, np.float32))
    closed = xjax.make_jaxpr(lambda a: a + c)(np.ones(3, np.float32))
    assert isinstance(closed, ClosedJaxpr) and len(closed.consts) == 1
    assert str(closed).startswith("{ lambda a:f32[3]; b:f32[3]. let")


def test_missing_rule_is_one_clear_error():
    p = core.Primitive("test_no_lowering")
    p.def_abstract_eval(lambda x: x)
    with pytest.raises(MissingRuleError, match="lowering rule for primitive 'test_no_lowering'"):
        p.bind(np.ones(2, np.float32))
    del core.Primitive.registry["test_no_lowering"]


def test_bind_uses_current_trace_and_restores_it():
    seen = []

    class Recorder(core.Trace):
        def process_primitive(self, prim, args, params):
            seen.append(prim.name)
            with core.set_current_trace(self.parent):
                return prim.bind(*args, **params)

    t = Recorder(core.current_trace())
    with core.set_current_trace(t):
        out = lax.sin(np.float32(0.5))
    assert seen == ["sin"] and core.current_trace() is core.eval_trace
    assert abs(float(out) - np.sin(0.5)) < 1e-6


def test_trace_context_is_per_thread():
    import threading

    results = []

    def work():
        results.append(core.current_trace() is core.eval_trace)

    with core.set_current_trace(core.Trace(core.eval_trace)):
        th = threading.Thread(target=work)
        th.start()
        th.join()
    assert results == [True]


def test_config_update_validation_and_env():
    with pytest.raises(AttributeError, match="unrecognized config option"):
        config.update("jax_no_such_flag", True)
    with pytest.raises(TypeError, match="expects a bool"):
        config.update("jax_enable_x64", "yes")
    code = "import xjax, xjax.numpy as jnp; print(xjax.config.jax_enable_x64, jnp.add(1, 1).dtype)"
    env = {"JAX_ENABLE_X64": "1", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.stdout.split() == ["True", "int64"], out.stderr


def test_enable_checks_typechecks_every_traced_jaxpr():
    config.update("jax_enable_checks", True)
    try:
        out = xjax.jit(lambda a: jnp.sin(a) * 3)(np.ones(2, np.float32))
        assert out.shape == (2,)
    finally:
        config.update("jax_enable_checks", False)
