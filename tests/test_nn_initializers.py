"""xjax.nn.initializers against real JAX: the same bits for the same key, shape and dtype.

Each expression builds an initialiser and calls it with `random.PRNGKey(...)` (or a typed key);
xjax evaluates it here, JAX in the oracle worker, and the results must be identical: shape,
dtype, weak type and every value (rtol = atol = 0). Errors must have the same class.
"""

from __future__ import annotations

import functools

import ml_dtypes
import numpy as np
import pytest

import xjax.nn as xnn
import xjax.numpy as xnp
import xjax.random as xrandom
from tests import _util

# Heavy oracle comparisons: CI runs them (make test-slow); the default `make test` skips them.
pytestmark = [pytest.mark.oracle, pytest.mark.slow]

NS = _util.Namespace(jax="", jnp="numpy", random="random", init="nn.initializers")
# An expression that raises must raise the same class in both; values bit for bit.
check = functools.partial(_util.check, ns=NS, errors="same", rtol=0, atol=0)


K = "random.PRNGKey(42)"


def test_simple_initializers(oracle):
    exprs = [
        f"init.zeros({K}, (2, 3))", f"init.ones({K}, (4,), jnp.bfloat16)",
        f"init.zeros({K}, (2,), jnp.int32)", f"init.constant(3.5)({K}, (2, 2))",
        f"init.constant(7, jnp.int32)({K}, (3,))", f"init.constant(-1.0)({K}, (2,), jnp.float16)",
        f"init.uniform()({K}, (3, 4))", f"init.uniform(2.0)({K}, (5,), jnp.bfloat16)",
        f"init.uniform(0.5, jnp.float16)({K}, (2, 3))", f"init.normal()({K}, (3, 4))",
        f"init.normal(0.5)({K}, (7,), jnp.bfloat16)", f"init.normal(2.0, jnp.float16)({K}, (2, 5))",
        f"init.truncated_normal()({K}, (3, 4))", f"init.truncated_normal(0.3)({K}, (6,), jnp.bfloat16)",
        f"init.truncated_normal(1.0, lower=-1.0, upper=3.0)({K}, (4, 4))",
        f"init.normal(1.0)({K}, (2, 3), jnp.complex64)",
        "init.normal()(random.key(3), (2, 2))", "init.uniform()(random.PRNGKey(0), ())",
    ]
    check(oracle, exprs)


_SHAPES = ["(3, 4)", "(5, 2)", "(3, 3, 4, 8)", "(2, 7, 6)"]


def test_variance_scaling_modes(oracle):
    exprs = []
    for mode in ("fan_in", "fan_out", "fan_avg", "fan_geo_avg"):
        for dist in ("truncated_normal", "normal", "uniform"):
            # the mode only changes the fan: every shape for fan_in, one 4-d shape for the rest
            for shape in _SHAPES if mode == "fan_in" else _SHAPES[2:3]:
                exprs.append(f"init.variance_scaling(2.0, '{mode}', '{dist}')({K}, {shape})")
    exprs += [
        f"init.variance_scaling(1.0, 'fan_sum', 'normal')({K}, (3, 4))",
        f"init.variance_scaling(1.0, 'fan_in', 'cauchy')({K}, (3, 4))",
        f"init.variance_scaling(1.0, 'fan_in', 'normal')({K}, (4,))",
    ]
    check(oracle, exprs)


def test_variance_scaling_axes(oracle):
    exprs = []
    for dist in ("truncated_normal",):  # the fan computation is shared by all distributions
        for axes in ("in_axis=0, out_axis=1", "in_axis=(0, 1), out_axis=-1",
                     "in_axis=-2, out_axis=-1, batch_axis=0", "in_axis=1, out_axis=(2, 3)",
                     "in_axis=-1, out_axis=-2, batch_axis=(0,)", "in_axis=0, out_axis=0"):
            shape = "(4,)" if axes == "in_axis=0, out_axis=0" else "(2, 3, 4, 5)"
            exprs.append(f"init.variance_scaling(1.5, 'fan_avg', '{dist}', {axes})({K}, {shape})")
    exprs += [
        f"init.glorot_uniform(in_axis=1, out_axis=0)({K}, (6, 4))",
        f"init.he_normal(batch_axis=0)({K}, (3, 4, 5))",
        f"init.lecun_normal(in_axis=(0, 1), out_axis=2)({K}, (3, 3, 8))",
        f"init.kaiming_uniform(in_axis=-3, out_axis=-1, batch_axis=(0,))({K}, (2, 3, 4, 5))",
    ]
    check(oracle, exprs)


_NAMED = ["glorot_uniform", "glorot_normal", "xavier_uniform", "xavier_normal", "he_uniform",
          "he_normal", "kaiming_uniform", "kaiming_normal", "lecun_uniform", "lecun_normal"]


@pytest.mark.parametrize("dtype", ["float32", "bfloat16"])  # float16 shares the f32 path
def test_named_initializers(oracle, dtype):
    exprs = [f"init.{name}()({K}, {shape}, jnp.{dtype})"
             for name in _NAMED for shape in ("(3, 4)", "(3, 3, 2, 5)")]
    exprs += [f"init.{name}(dtype=jnp.{dtype})(random.PRNGKey(7), (8, 2))" for name in _NAMED]
    check(oracle, exprs)


def test_complex_initializers(oracle):
    exprs = [f"init.variance_scaling(1.0, 'fan_in', '{dist}')({K}, (3, 4), jnp.complex64)"
             for dist in ("truncated_normal", "normal", "uniform")]
    exprs += [f"init.glorot_uniform()({K}, (5, 2), jnp.complex64)",
              f"init.he_normal()({K}, (2, 2, 3), jnp.complex64)"]
    check(oracle, exprs)


def test_initializers_x64(oracle):
    exprs = [f"init.{name}()({K}, (3, 4))" for name in _NAMED]
    exprs += [f"init.{name}()({K}, (2, 5), jnp.float32)" for name in ("he_normal", "glorot_uniform")]
    exprs += [f"init.normal(0.1)({K}, (4,))", f"init.truncated_normal()({K}, (4, 2))",
              f"init.uniform(3.0)({K}, (5,))", f"init.zeros({K}, (2,))",
              f"init.variance_scaling(1.0, 'fan_avg', 'uniform')({K}, (3, 3), jnp.complex128)",
              f"init.variance_scaling(1.0, 'fan_in', 'truncated_normal')({K}, (3, 2), jnp.complex128)"]
    check(oracle, exprs, x64=True)


def _orthogonal_available() -> bool:
    try:
        xrandom.orthogonal(xrandom.PRNGKey(0), 2)
        return True
    except NotImplementedError:
        return False


@pytest.mark.skipif(not _orthogonal_available(),
                    reason="xjax.random.orthogonal needs lax.linalg.qr")
def test_orthogonal_initializers(oracle):
    exprs = [
        f"init.orthogonal()({K}, (3, 3))", f"init.orthogonal()({K}, (4, 2))",
        f"init.orthogonal(scale=2.0)({K}, (2, 5))", f"init.orthogonal(column_axis=0)({K}, (3, 4))",
        f"init.orthogonal()({K}, (2, 3, 4))", f"init.orthogonal()({K}, (0, 3))",
        f"init.orthogonal()({K}, (3,))", f"init.orthogonal(dtype=jnp.float32)({K}, (5, 5))",
        f"init.delta_orthogonal()({K}, (3, 4, 4))", f"init.delta_orthogonal()({K}, (3, 3, 2, 5))",
        f"init.delta_orthogonal(scale=0.5)({K}, (2, 2, 2, 3, 3))",
        f"init.delta_orthogonal()({K}, (3, 5, 4))", f"init.delta_orthogonal()({K}, (3, 4))",
    ]
    check(oracle, exprs)


def test_initializer_protocol():
    init = xnn.initializers
    for f in (init.zeros, init.ones, init.normal(), init.glorot_uniform(), init.orthogonal()):
        assert isinstance(f, init.Initializer)
    assert init.he_normal.__name__ == "he_normal"
    assert init.xavier_uniform is init.glorot_uniform
    a = init.he_uniform()(xrandom.PRNGKey(0), (64, 32))
    assert a.shape == (64, 32) and a.dtype == np.float32
    bound = np.sqrt(6.0 / 64)
    assert float(xnp.max(xnp.abs(a))) <= bound
    assert init.normal()(xrandom.PRNGKey(0), (2,), ml_dtypes.bfloat16).dtype == ml_dtypes.bfloat16
