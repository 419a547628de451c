"""Differential tests of xjax.numpy misc functions (pad, histogram, interp, poly*, convolve,
diff, isclose, select, vander) against JAX."""

from __future__ import annotations

import numpy as np
import pytest

import xjax
import xjax.numpy as xnp
from tests._util import check, make
from tests.oracle import assert_matches

pytestmark = pytest.mark.oracle

MODES = ["constant", "edge", "reflect", "symmetric", "wrap", "linear_ramp", "maximum", "minimum",
         "mean", "median"]


def test_pad_modes(oracle):
    x = make("float32", (3, 4), seed=1)
    i = make("int32", (3, 4), seed=2)
    cases = []
    for m in MODES:
        cases.append((f"jnp.pad(x, ((1, 0), (5, 7)), {m!r})", {"x": x}))
        cases.append((f"jnp.pad(i, 2, {m!r})", {"i": i}))
    cases += [
        ("jnp.pad(x, 1)", {"x": make("bfloat16", (2, 3))}),
        ("jnp.pad(x, (1, 2))", {"x": make("bool", (2, 3))}),
        ("jnp.pad(x, 1, constant_values=7)", {"x": make("uint8", (2, 3))}),
        ("jnp.pad(x, ((1, 2), (3, 4)), constant_values=((1, 2), (3, 4)))", {"x": x}),
        ("jnp.pad(x, 2, constant_values=1.5)", {"x": i}),
        ("jnp.pad(x, ((1, 2), (3, 9)), 'reflect', reflect_type='odd')", {"x": x}),
        ("jnp.pad(x, ((1, 2), (3, 9)), 'symmetric', reflect_type='odd')", {"x": x}),
        ("jnp.pad(x, 3, 'reflect')", {"x": make("float32", (1, 2))}),
        ("jnp.pad(x, 2, 'mean', stat_length=2)", {"x": x}),
        ("jnp.pad(x, 2, 'maximum', stat_length=((1, 2), (3, 1)))", {"x": x}),
        ("jnp.pad(x, 2, 'linear_ramp', end_values=(5, -1))", {"x": x}),
        ("jnp.pad(x, 3, 'wrap')", {"x": make("float32", (2,))}),
        ("jnp.pad(x, 1)", {"x": make("float32", ())}),
        ("jnp.pad(x, ((0, 0), (1, 1)), 'edge')", {"x": make("float32", (0, 2))}),
        ("jnp.pad(x, 1, 'edge')", {"x": make("float32", (0, 2))}),
        ("jnp.pad(x, -1)", {"x": x}),
        ("jnp.pad(x, ((1, 2), (3, 4), (5, 6)))", {"x": x}),
        ("jnp.pad(x, 1, 'bogus')", {"x": x}),
        ("jnp.pad(x, 1, 'edge', constant_values=3)", {"x": x}),
    ]
    check(oracle, cases)


def test_histogram_interp(oracle):
    a = make("float32", (40,), seed=1)
    xp = np.sort(make("float32", (8,), seed=2))
    fp = make("float32", (8,), seed=3)
    q = make("float32", (20,), seed=4, lo=-4, hi=4)
    q[:3] = xp[:3]
    cases = [
        ("jnp.histogram(a)", {"a": a}),
        ("jnp.histogram(a, 5, range=(-1, 1))", {"a": a}),
        ("jnp.histogram(a, np.array([-2.0, 0.0, 0.5, 3.0], np.float32))", {"a": a}),
        ("jnp.histogram(a, 7, density=True)", {"a": a}),
        ("jnp.histogram(a, 4, weights=w)", {"a": a, "w": make("float32", (40,), seed=5)}),
        ("jnp.histogram(i, 4, range=(-8, 8))", {"i": make("int32", (10,), seed=6)}),
        ("jnp.histogram_bin_edges(a, 6)", {"a": a}),
        ("jnp.histogram_bin_edges(a, 3, range=(2, 2))", {"a": a}),
        ("jnp.histogram(a, 'auto')", {"a": a}),
        ("jnp.interp(q, xp, fp)", {"q": q, "xp": xp, "fp": fp}),
        ("jnp.interp(q, xp, fp, left=-5.0, right=5.0)", {"q": q, "xp": xp, "fp": fp}),
        ("jnp.interp(q, xp, fp, period=1.5)", {"q": q, "xp": xp, "fp": fp}),
        ("jnp.interp(2, xp, fp)", {"xp": xp, "fp": fp}),
        ("jnp.interp(q, xp, fp)", {"q": make("int32", (5,)), "xp": xp, "fp": fp}),
        ("jnp.interp(q, xp, fp)", {"q": q, "xp": xp[:3], "fp": fp}),
    ]
    check(oracle, cases, rtol=1e-4, atol=1e-4)


def test_polynomials_convolve(oracle):
    p = np.array([1.0, 2.0, 3.0], np.float32)
    pi = np.array([0, 1, 2], np.int32)
    x = make("float32", (2, 3), seed=1)
    a, v = make("float32", (7,), seed=2), make("float32", (3,), seed=3)
    cases = [
        ("jnp.polyval(p, x)", {"p": p, "x": x}),
        ("jnp.polyval(p, 2)", {"p": pi}),
        ("jnp.polyval(p, x)", {"p": p[:0], "x": x}),
        ("jnp.polyadd(p, q)", {"p": p, "q": np.array([1.0, 1.0], np.float32)}),
        ("jnp.polyadd(p, q)", {"p": pi, "q": np.array([5], np.int8)}),
        ("jnp.polysub(q, p)", {"p": p, "q": np.array([1.0, 1.0], np.float32)}),
        ("jnp.polymul(p, q)", {"p": p, "q": np.array([1.0, 1.0], np.float32)}),
        ("jnp.polymul(p, q)", {"p": pi, "q": pi}),
        ("jnp.polymul(p, q, trim_leading_zeros=True)", {"p": pi, "q": pi}),
        ("jnp.polyder(p)", {"p": p}),
        ("jnp.polyder(p, 2)", {"p": pi}),
        ("jnp.polyder(p, 5)", {"p": p}),
        ("jnp.polyint(p)", {"p": p}),
        ("jnp.polyint(p, 2, k=[1.0, 2.0])", {"p": p}),
        ("jnp.polyint(p, 1, k=3)", {"p": pi}),
    ]
    for mode in ("full", "same", "valid"):
        cases.append((f"jnp.convolve(a, v, {mode!r})", {"a": a, "v": v}))
        cases.append((f"jnp.convolve(v, a, {mode!r})", {"a": a, "v": v}))
        cases.append((f"jnp.correlate(a, v, {mode!r})", {"a": a, "v": v}))
        cases.append((f"jnp.correlate(v, a, {mode!r})", {"a": a, "v": v}))
    cases += [
        ("jnp.convolve(a, v)", {"a": make("int32", (5,)), "v": make("int32", (2,))}),
        ("jnp.correlate(a, v)", {"a": make("complex64", (5,)), "v": make("complex64", (2,))}),
        ("jnp.convolve(a, v, preferred_element_type=jnp.float32)", {"a": make("bfloat16", (5,)), "v": make("bfloat16", (2,))}),
        ("jnp.convolve(a, v)", {"a": x, "v": v}),
        ("jnp.convolve(a, v)", {"a": a[:0], "v": v}),
        ("jnp.convolve(a, v, 'bogus')", {"a": a, "v": v}),
    ]
    check(oracle, cases, rtol=1e-4, atol=1e-4)


def test_diff(oracle):
    x = make("float32", (3, 5), seed=1)
    cases = [
        ("jnp.diff(x)", {"x": x}),
        ("jnp.diff(x, 2, axis=0)", {"x": x}),
        ("jnp.diff(x, 0)", {"x": x}),
        ("jnp.diff(x, 7)", {"x": x}),
        ("jnp.diff(x, prepend=1.0, append=x[:, :1])", {"x": x}),
        ("jnp.diff(b)", {"b": make("bool", (6,))}),
        ("jnp.diff(u)", {"u": make("uint8", (6,))}),
        ("jnp.diff(i, axis=-2)", {"i": make("int8", (3, 2))}),
        ("jnp.diff(x, -1)", {"x": x}),
        ("jnp.diff(2.0)", {}),
        ("jnp.ediff1d(x)", {"x": x}),
        ("jnp.ediff1d(x, to_end=np.array([1, 2]), to_begin=5)", {"x": x}),
        ("jnp.ediff1d(i, to_begin=1.5)", {"i": make("int32", (4,))}),
    ]
    check(oracle, cases)


def test_isclose_equal_select_vander(oracle):
    x = make("float32", (3, 4), seed=1)
    y = x + np.float32(1e-6)
    y[0, 0] = np.nan
    x[0, 1] = y[0, 1] = np.inf
    x[0, 2], y[0, 2] = np.inf, -np.inf
    x[1, 0] = np.nan
    y[1, 0] = np.nan
    i = make("int32", (3, 4), seed=2)
    cases = [
        ("jnp.isclose(x, y)", {"x": x, "y": y}),
        ("jnp.isclose(x, y, equal_nan=True)", {"x": x, "y": y}),
        ("jnp.isclose(x, 1.0, rtol=2.0)", {"x": x}),
        ("jnp.isclose(x, y, atol=0.5)", {"x": i, "y": i + 1}),
        ("jnp.isclose(x, y)", {"x": make("bfloat16", (4,)), "y": make("bfloat16", (4,))}),
        ("jnp.isclose(x, y[:1])", {"x": x, "y": y}),
        ("jnp.allclose(x, x)", {"x": i}),
        ("jnp.allclose(x, y)", {"x": x, "y": y}),
        ("jnp.allclose(x, x, equal_nan=True)", {"x": x}),
        ("jnp.array_equal(x, x)", {"x": x}),
        ("jnp.array_equal(x, x, equal_nan=True)", {"x": x}),
        ("jnp.array_equal(x, x[:1])", {"x": x}),
        ("jnp.array_equal(x, x.astype(np.float16))", {"x": i}),
        ("jnp.array_equiv(x, x[:1])", {"x": i}),
        ("jnp.array_equiv(x, x[:1, :1] * 0 + x[0, 0])", {"x": i}),
        ("jnp.array_equiv(x, x[:, :2])", {"x": i}),
        ("jnp.select([x > 0, x < -1], [x, 2 * x], -7.0)", {"x": make("float32", (3, 4))}),
        ("jnp.select([x > 0], [x], 0)", {"x": make("int8", (5,))}),
        ("jnp.select([x > 0, x > 1], [x, 1.5])", {"x": make("int32", (2, 3))}),
        ("jnp.select([x > 0], [x, x])", {"x": x}),
        ("jnp.select([], [])", {}),
        ("jnp.vander(p)", {"p": np.array([1.0, 2.0, 3.0], np.float32)}),
        ("jnp.vander(p, 5, increasing=True)", {"p": np.array([1, 2, 3], np.int32)}),
        ("jnp.vander(p, 0)", {"p": np.array([1.0, 2.0], np.float32)}),
        ("jnp.vander(p)", {"p": make("float32", (2, 2))}),
    ]
    check(oracle, cases)


def test_gradient_cov_corrcoef(oracle):
    x = make("float32", (3, 5), seed=1)
    c = np.cumsum(make("float32", (5,), seed=2, lo=0.1, hi=1.0))
    cases = [
        ("jnp.gradient(x)", {"x": x}),
        ("jnp.gradient(x, 2.0, axis=1)", {"x": x}),
        ("jnp.gradient(x, c, axis=-1)", {"x": x, "c": c}),
        ("jnp.gradient(x, 0.5, c)", {"x": x, "c": c[:3]}),
        ("jnp.gradient(i)", {"i": make("int32", (6,))}),
        ("jnp.gradient(x[:, :1], axis=1)", {"x": x}),
        ("jnp.cov(x)", {"x": x}),
        ("jnp.cov(x, rowvar=False, bias=True)", {"x": x}),
        ("jnp.cov(x[0], x[1])", {"x": x}),
        ("jnp.cov(x[0], ddof=0)", {"x": x}),
        ("jnp.cov(i)", {"i": make("int8", (2, 4))}),
        ("jnp.corrcoef(x)", {"x": x}),
        ("jnp.corrcoef(x[0], x[2])", {"x": x}),
    ]
    check(oracle, cases, rtol=1e-4, atol=1e-4)


def test_jit_matches_eager(oracle):
    x = make("float32", (3, 4))

    def f(x):
        return (xnp.pad(x, ((1, 2), (0, 3)), "reflect"), xnp.pad(x, 2, constant_values=x[0, 0]),
                xnp.diff(x, axis=0), xnp.isclose(x, x + 1e-7), xnp.convolve(x[0], x[1]),
                xnp.interp(x[0], xnp.sort(x[1]), x[2]))

    eager, jitted = f(x), xjax.jit(f)(x)
    for e, j in zip(eager, jitted):
        np.testing.assert_allclose(np.asarray(e), np.asarray(j), rtol=1e-6, atol=1e-6)
    assert_matches(jitted[1], oracle.eval("jnp.pad(x, 2, constant_values=x[0, 0])", x=x))


def test_x64(oracle):
    x = make("float64", (3, 4))
    i = make("int64", (5,))
    cases = [
        ("jnp.pad(x, 1, 'reflect')", {"x": x}),
        ("jnp.diff(i)", {"i": i}),
        ("jnp.histogram(x, 3)", {"x": x}),
        ("jnp.interp(x[0], jnp.sort(x[1]), x[2])", {"x": x}),
        ("jnp.polyval(i, x)", {"i": i, "x": x}),
        ("jnp.isclose(x, x)", {"x": x}),
    ]
    check(oracle, cases, x64=True)
