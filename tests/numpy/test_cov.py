"""Differential tests of jnp.cov (frequency / observation weights, ddof, dtype) and jnp.corrcoef
against real JAX: values, dtypes, weak types and error classes; jit and gradients."""

import numpy as np
import pytest

import xjax
import xjax.numpy as xnp
from tests._util import check, make
from xjax.test_util import check_grads

pytestmark = pytest.mark.oracle

_INPUTS = {
    "x": make("float32", (3, 6), seed=1),
    "c": make("complex64", (2, 6), seed=2),
    "h": make("float16", (2, 6), seed=3),
    "i": make("int32", (2, 6), seed=4),
    "fw": np.array([1, 2, 0, 3, 1, 1], np.int32),
    "fn": np.array([1, -2, 1, 3, 1, 1], np.int8),
    "aw": np.array([0.5, 1.0, 2.0, 0.1, 1.0, 3.0], np.float32),
    "an": np.array([0.5, -1.0, 2.0, 0.1, 1.0, 3.0], np.float32),
    "k": np.array([[1.0, 2.0, 3.0, 4.0], [2.0, 2.0, 2.0, 2.0]], np.float32),
}

COV = [
    "jnp.cov(x, fweights=fw)", "jnp.cov(x, aweights=aw)", "jnp.cov(x, fweights=fw, aweights=aw)",
    "jnp.cov(x, fweights=fn)", "jnp.cov(x, aweights=an)",  # negative weights: absolute values
    "jnp.cov(x, fweights=fw, ddof=0)", "jnp.cov(x, fweights=fw, aweights=aw, ddof=2)",
    "jnp.cov(x[:1], rowvar=False)", "jnp.cov(c, aweights=aw)", "jnp.cov(x[:, :0])",
    # errors
    "jnp.cov(x, fweights=aw)", "jnp.cov(x, fweights=fw[None])", "jnp.cov(x, aweights=aw[:5])",
    "jnp.cov(x, dtype=jnp.int32)",
]

COV_MORE = [
    "jnp.cov(x, aweights=aw, ddof=0)", "jnp.cov(x, aweights=aw, bias=True)",
    "jnp.cov(x, fweights=fw.astype(np.uint8))", "jnp.cov(x, fweights=fw.tolist())",
    "jnp.cov(x[0], fweights=fw)", "jnp.cov(x[0], x[1], aweights=aw)",
    "jnp.cov(x.T, rowvar=False, aweights=aw)", "jnp.cov(x[:1].T, x[1:].T, rowvar=False, fweights=fw)",
    "jnp.cov(x, aweights=aw, dtype=jnp.float16)", "jnp.cov(x, fweights=fw, dtype=jnp.complex64)",
    "jnp.cov(i, fweights=fw)", "jnp.cov(i, aweights=aw)", "jnp.cov(h, aweights=aw)",
    "jnp.cov(h, fweights=fw)", "jnp.cov(c, fweights=fw, aweights=aw)", "jnp.cov(x, i, aweights=aw)",
    "jnp.cov(x[0, :0])", "jnp.cov(x[:0])", "jnp.cov(x, ddof=6)", "jnp.cov(x[0, :1])",
    "jnp.cov(x, fweights=fw[:5])", "jnp.cov(x, aweights=aw[None])", "jnp.cov(x, fweights=fw > 1)",
    "jnp.cov(x[None])", "jnp.cov(x, x[None])", "jnp.cov(x.tolist())",
]

CORRCOEF = [
    "jnp.corrcoef(x)", "jnp.corrcoef(x[0], x[2])", "jnp.corrcoef(c)", "jnp.corrcoef(x[0])",
    "jnp.corrcoef(k)", "jnp.corrcoef(x, dtype=jnp.int32)",
]

CORRCOEF_MORE = [
    "jnp.corrcoef(x, rowvar=False)", "jnp.corrcoef(x, dtype=jnp.float16)", "jnp.corrcoef(i)",
    "jnp.corrcoef(k[1])", "jnp.corrcoef(x[:1], rowvar=False)", "jnp.corrcoef(h)",
    "jnp.corrcoef(x.tolist())",
]


_JIT = {"jnp.cov(x, fweights=fw, aweights=aw)", "jnp.corrcoef(x[0], x[2])"}


def test_cov_and_corrcoef(oracle):
    # the _JIT cases are also checked under xjax.jit (weights traced)
    check(oracle, COV + CORRCOEF, _INPUTS, rtol=2e-3, atol=2e-3, jit=lambda k, e: e in _JIT)


@pytest.mark.slow
def test_cov_and_corrcoef_more(oracle):
    check(oracle, COV_MORE + CORRCOEF_MORE, _INPUTS, rtol=2e-3, atol=2e-3)


@pytest.mark.slow
def test_cov_x64(oracle):
    cases = ["jnp.cov(x, fweights=fw, aweights=aw)", "jnp.cov(x, aweights=aw, ddof=0)",
             "jnp.corrcoef(x, x[::-1])"]
    inputs = {**_INPUTS, "x": make("float64", (3, 6), seed=1), "fw": _INPUTS["fw"].astype(np.int64)}
    check(oracle, cases, inputs, x64=True, rtol=1e-12, atol=1e-12)


@pytest.mark.slow
def test_cov_grads():
    x = xnp.asarray(make("float32", (2, 5), seed=7))
    aw = xnp.asarray(np.array([0.5, 1.0, 2.0, 0.3, 1.5], np.float32))
    fw = xnp.asarray(np.array([1, 2, 1, 3, 1], np.int32))
    check_grads(lambda x, a: xnp.cov(x, fweights=fw, aweights=a), (x, aw), order=1, atol=5e-2, rtol=5e-2)
    check_grads(lambda x: xnp.corrcoef(x), (x,), order=1, atol=5e-2, rtol=5e-2)
    g = xjax.grad(lambda a: xnp.cov(x, aweights=a)[0, 1])(aw)
    assert g.shape == (5,) and bool(xnp.all(xnp.isfinite(g)))
