"""Differential tests of jnp.polyfit, polydiv, poly and roots against JAX."""

from __future__ import annotations

import numpy as np
import pytest

import xjax
import xjax.numpy as xnp
from tests._util import check, make
from xjax._src.errors import ConcretizationTypeError
from xjax._src.numpy import polynomial
from xjax.test_util import check_grads

pytestmark = pytest.mark.oracle


@pytest.mark.slow
def test_polyfit(oracle):
    x = np.linspace(-1, 1, 9).astype(np.float32)
    y = (2 * x**3 - x + 0.5 + 0.01 * make("float32", (9,), seed=1)).astype(np.float32)
    y2 = np.stack([y, 1 - 3 * x**2], axis=1).astype(np.float32)
    w = np.linspace(0.5, 2, 9).astype(np.float32)
    env = {"x": x, "y": y, "y2": y2, "w": w}
    cases = [
        ("jnp.polyfit(x, y, 3)", env),
        ("jnp.polyfit(x, y2, 1, w=w)", env),
        ("jnp.polyfit(x, y, 3, full=True)", env),
        ("jnp.polyfit(x, y, 2, cov=True)", env),
        ("jnp.polyfit(x, y2, 1, cov=True)", env),
        ("jnp.polyfit(x, y, 1, cov='unscaled')", env),
        ("jnp.polyfit(x, y, -1)", env),
        ("jnp.polyfit(x2, y, 2)", {**env, "x2": x[:, None]}),
        ("jnp.polyfit(x[:0], y[:0], 2)", env),
        ("jnp.polyfit(x, y[:4], 2)", env),
        ("jnp.polyfit(x, y, 2, w=w[:3])", env),
        ("jnp.polyfit(x, y, 2, w=y2)", env),
        ("jnp.polyfit(x[:3], y[:3], 2, cov=True)", env),
        ("jnp.polyfit(i, y[:5], 2)", {**env, "i": np.arange(5, dtype=np.int32)}),
    ]
    check(oracle, cases, rtol=2e-3, atol=2e-3)


def test_polydiv_poly(oracle):
    u = np.array([1.0, -3.0, 0.5, 2.0, 4.0], np.float32)
    v = np.array([2.0, 1.0, -1.0], np.float32)
    cases = [
        ("jnp.polydiv(u, v)", {"u": u, "v": v}),
        ("jnp.polydiv(u, v[2:])", {"u": u, "v": v}),
        ("jnp.polydiv(i, j)", {"i": np.array([1, 2, 1], np.int32), "j": np.array([1, 1], np.int32)}),
        ("jnp.polydiv(u, v, trim_leading_zeros=True)", {"u": np.array([1.0, 3, 3, 1], np.float32),
                                                         "v": np.array([1.0, 1], np.float32)}),
        ("jnp.polydiv(u, v, trim_leading_zeros=True)", {"u": np.array([2.0, 1, 5], np.float32),
                                                         "v": np.array([1.0, 2], np.float32)}),
        ("jnp.poly(z)", {"z": np.array([1.0, -2.0, 0.5], np.float32)}),
        ("jnp.poly(z)", {"z": np.array([1 + 1j, 1 - 1j], np.complex64)}),
        ("jnp.poly(z)", {"z": np.zeros((0,), np.float32)}),
        ("jnp.poly(2.0)", {}),
        ("jnp.poly(z)", {"z": np.ones((2, 3), np.float32)}),
    ]
    check(oracle, cases, rtol=1e-4, atol=1e-4)


def test_poly_grad():
    z = np.array([0.5, -1.0, 2.0], np.float32)
    check_grads(polynomial.poly, (z,), order=1, atol=1e-2, rtol=1e-2)
    u, v = make("float32", (5,), seed=2), np.array([1.5, 0.3, -1.0], np.float32)
    check_grads(lambda a, b: polynomial.polydiv(a, b), (u, v), order=1, atol=1e-2, rtol=1e-2)


def _has_eigvals() -> bool:
    return hasattr(xnp.linalg, "eigvals")


@pytest.mark.xfail(not _has_eigvals(), reason="xjax.numpy.linalg.eigvals is not implemented yet "
                    "(needed by jnp.roots and jnp.poly of a matrix)")
def test_roots(oracle):
    p = np.array([1.0, -6.0, 11.0, -6.0], np.float32)
    cases = [
        ("jnp.sort_complex(jnp.roots(p))", {"p": p}),
        ("jnp.sort_complex(jnp.roots(p))", {"p": np.array([0.0, 0.0, 1.0, 0.0, 4.0], np.float32)}),
        ("jnp.sort_complex(jnp.roots(p))", {"p": np.array([1, 0, -4], np.int32)}),
        ("jnp.roots(p[:1])", {"p": p}),
        ("jnp.roots(np.zeros(3, np.float32))", {}),
        ("jnp.roots(p, strip_zeros=False)", {"p": np.array([0.0, 0.0, 1.0, 2.0], np.float32)}),
        ("jnp.roots(p.reshape(2, 2))", {"p": p}),
        ("jnp.sort_complex(jnp.poly(m))", {"m": np.array([[1.0, 2.0], [0.0, 3.0]], np.float32)}),
    ]
    check(oracle, cases, rtol=1e-4, atol=1e-4)
    f = xjax.jit(lambda q: polynomial.roots(q, strip_zeros=False))
    got = np.sort_complex(np.asarray(f(p)))
    np.testing.assert_allclose(got, [1, 2, 3], atol=1e-4)
    with pytest.raises(ConcretizationTypeError, match="strip_zeros=False"):
        xjax.jit(polynomial.roots)(p)
