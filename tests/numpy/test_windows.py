"""Differential tests of the window functions (bartlett, blackman, hamming, hanning, kaiser)
against JAX."""

from __future__ import annotations

import numpy as np
import pytest

import xjax
from tests._util import check
from xjax._src.numpy import windows

pytestmark = pytest.mark.oracle


def test_windows(oracle):
    cases = []
    for i, f in enumerate(("bartlett", "blackman", "hamming", "hanning")):
        cases += [(f"jnp.{f}({m})", {}) for m in (0, 1, 6 + i)]
    cases += [
        ("jnp.kaiser(0, 2.0)", {}),
        ("jnp.kaiser(1, 2.0)", {}),
        ("jnp.kaiser(7, 0.0)", {}),
        ("jnp.kaiser(8, 5.5)", {}),
        ("jnp.kaiser(5, b)", {"b": np.float32(3.0)}),
        ("jnp.bartlett(-1)", {}),
        ("jnp.hanning(2.5)", {}),
    ]
    check(oracle, cases, rtol=1e-5, atol=1e-6)


def test_windows_x64(oracle):
    check(oracle, ["jnp.blackman(7)", "jnp.kaiser(6, 4.0)"], x64=True, rtol=1e-12, atol=1e-12)


def test_kaiser_traced_beta():
    f = xjax.jit(lambda b: windows.kaiser(9, b))
    np.testing.assert_allclose(np.asarray(f(np.float32(4.0))), np.kaiser(9, 4.0), rtol=1e-5)
    g = xjax.grad(lambda b: windows.kaiser(5, b)[0])
    eps = 1e-3
    want = (np.kaiser(5, 2.0 + eps)[0] - np.kaiser(5, 2.0 - eps)[0]) / (2 * eps)
    np.testing.assert_allclose(float(g(np.float32(2.0))), want, rtol=1e-3)
