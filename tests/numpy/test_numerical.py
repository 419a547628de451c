"""Differential tests of jnp.trapezoid, unwrap, histogram2d, histogramdd, packbits and
unpackbits against JAX."""

from __future__ import annotations

import numpy as np
import pytest

import xjax
from tests._util import check, make
from xjax._src.numpy import numerical
from xjax.test_util import check_grads

pytestmark = pytest.mark.oracle


def test_trapezoid_unwrap(oracle):
    y = make("float32", (3, 5), seed=1)
    xs = np.sort(make("float32", (5,), seed=2))
    phase = np.cumsum(make("float32", (2, 9), seed=3, lo=-2.5, hi=2.5), axis=1).astype(np.float32)
    cases = [
        ("jnp.trapezoid(y)", {"y": y}),
        ("jnp.trapezoid(y, dx=0.5, axis=0)", {"y": y}),
        ("jnp.trapezoid(y, xs)", {"y": y, "xs": xs}),
        ("jnp.trapezoid(y, np.stack([xs, xs + 1, 2 * xs]))", {"y": y, "xs": xs}),
        ("jnp.trapezoid(y, dx=d)", {"y": y, "d": np.array([0.5, 1, 2, 1, 3], np.float32)[:4]}),
        ("jnp.trapezoid(i)", {"i": make("int32", (6,))}),
        ("jnp.trapezoid(y[:, :1])", {"y": y}),
        ("jnp.unwrap(jnp.mod(p, 2 * np.pi))", {"p": phase}),
        ("jnp.unwrap(jnp.mod(p, 2 * np.pi), axis=0)", {"p": phase}),
        ("jnp.unwrap(p, discont=1.0)", {"p": phase}),
        ("jnp.unwrap(p, period=3.0)", {"p": phase}),
        ("jnp.unwrap(i, period=5)", {"i": np.array([0, 4, 8, 1, 2, 9], np.int32)}),
        ("jnp.unwrap(i)", {"i": np.array([0, 4, 8, 1], np.int32)}),
        ("jnp.unwrap(p[:, :0])", {"p": phase}),
        ("jnp.unwrap(c)", {"c": make("complex64", (3,))}),
    ]
    check(oracle, cases, rtol=1e-4, atol=1e-4)


def test_trapezoid_grad():
    y, xs = make("float32", (2, 5), seed=4), np.sort(make("float32", (5,), seed=5))
    check_grads(numerical.trapezoid, (y, xs), order=1, atol=1e-2, rtol=1e-2)


@pytest.mark.slow
def test_histograms(oracle):
    x = make("float32", (30,), seed=6)
    y = make("float32", (30,), seed=7, lo=-1, hi=5)
    s3 = make("float32", (25, 3), seed=8)
    w = make("float32", (30,), seed=9, lo=0, hi=2)
    env = {"x": x, "y": y, "s3": s3, "w": w}
    cases = [
        ("jnp.histogram2d(x, y, bins=(3, 4), range=[(-2, 2), None], weights=w)", env),
        ("jnp.histogram2d(x, y, bins=np.array([-3.0, 0.0, 1.0, 3.0], np.float32), density=True)", env),
        ("jnp.histogram2d(x, y, bins=[np.array([-3.0, 0.0, 3.0], np.float32), 3])", env),
        ("jnp.histogramdd(s3, bins=(2, 3, 4), range=[(-1, 1), None, (0, 3)], density=True)", env),
        ("jnp.histogramdd(i, bins=2, weights=w[:6])", {"i": make("int32", (6, 2)), "w": w}),
        ("jnp.histogramdd(s3, bins=(2, 3))", env),
        ("jnp.histogramdd(s3, weights=w)", env),
        ("jnp.histogramdd(s3, range=[(0, 1)])", env),
    ]
    check(oracle, cases, rtol=1e-5, atol=1e-5)


def test_packbits(oracle):
    b = make("bool", (3, 11), seed=10)
    i = make("int32", (2, 3, 8), seed=11)
    u = make("uint8", (2, 3), seed=12) * 25
    cases = [
        ("jnp.packbits(b)", {"b": b}),
        ("jnp.packbits(b, axis=1)", {"b": b}),
        ("jnp.packbits(b, axis=0, bitorder='little')", {"b": b}),
        ("jnp.packbits(i, axis=-1)", {"i": i}),
        ("jnp.packbits(np.zeros((0,), bool))", {}),
        ("jnp.packbits(f)", {"f": make("float32", (8,))}),
        ("jnp.packbits(b, bitorder='middle')", {"b": b}),
        ("jnp.unpackbits(u)", {"u": u}),
        ("jnp.unpackbits(u, axis=0)", {"u": u}),
        ("jnp.unpackbits(u, axis=1, bitorder='little')", {"u": u}),
        ("jnp.unpackbits(u, count=13)", {"u": u}),
        ("jnp.unpackbits(u, axis=1, count=-3)", {"u": u}),
        ("jnp.unpackbits(u, axis=0, count=20)", {"u": u}),
        ("jnp.unpackbits(jnp.packbits(b, axis=1), axis=1, count=11)", {"b": b}),
        ("jnp.unpackbits(i)", {"i": i}),
    ]
    check(oracle, cases)


def test_jit():
    u = np.array([[5, 250], [17, 0]], np.uint8)
    f = xjax.jit(lambda a: numerical.packbits(numerical.unpackbits(a, axis=1), axis=1))
    np.testing.assert_array_equal(np.asarray(f(u)), u)
