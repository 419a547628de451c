"""Differential tests of xjax.numpy.fft against JAX (values, dtypes, norms, s/axes, errors),
derivatives by check_grads, and jit."""

from __future__ import annotations

import numpy as np
import pytest

import xjax
import xjax.numpy as xnp
import xjax.numpy.fft as xfft
from tests._util import check, make, x64_fixture  # noqa: F401  (the `x64` fixture)
from tests.oracle import assert_matches
from xjax.test_util import check_grads

pytestmark = pytest.mark.oracle

TOL = {"rtol": 2e-4, "atol": 2e-4}


def test_1d_transforms(oracle):
    x = make("float32", (3, 8), seed=1)
    c = make("complex64", (3, 7), seed=2)
    cases = [
        ("jnp.fft.fft(a)", {"a": c}),
        ("jnp.fft.ifft(a, n=5, norm='ortho')", {"a": c}),
        ("jnp.fft.rfft(a, n=12, axis=0, norm='forward')", {"a": x}),
        ("jnp.fft.irfft(a, axis=-2, norm='backward')", {"a": c}),
        ("jnp.fft.irfft(a, 9, norm='ortho')", {"a": c}),
        ("jnp.fft.hfft(a, norm='forward')", {"a": c}),
        ("jnp.fft.ihfft(a, n=5, norm='ortho')", {"a": x}),
    ]
    check(oracle, cases, **TOL)


def test_input_dtypes(oracle):
    fns = ("fft", "rfft", "irfft", "ihfft", "hfft", "ifft")
    cases = []
    for k, dt in enumerate(["bool", "int8", "uint8", "bfloat16", "float16", "complex64"]):
        cases.append((f"jnp.fft.{fns[k]}(a)", {"a": make(dt, (2, 6), seed=k)}))
    cases += [("jnp.fft.fft(2.0)", {}), ("jnp.fft.fftn(a)", {"a": np.float32(3)})]
    check(oracle, cases, rtol=2e-3, atol=2e-3)


# (xjax function, numpy function, input, kwargs, result dtype)
_C = make("complex64", (2, 3, 4, 5), seed=4)
_X = make("float32", (2, 3, 4, 5), seed=3)
_MULTI = [
    ("fftn", _C, {}, np.complex64),  # 4 axes: two 2-D transforms
    ("ifftn", _C, {"axes": (3, 0, 1)}, np.complex64),
    ("rfftn", _X, {"s": (3, 6), "axes": (1, 3)}, np.complex64),
    ("irfftn", _C, {"s": (2, 3, 7), "axes": (0, 2, 3), "norm": "ortho"}, np.float32),
    ("irfftn", _C, {}, np.float32),  # Hermitian symmetry needed along the last axis only
    ("fft2", _C, {"s": (5, 3), "axes": (0, 2), "norm": "forward"}, np.complex64),
    ("irfft2", _C[0], {"axes": (0, 2)}, np.float32),
    ("fftn", make("complex64", (2, 2, 3, 2, 3), seed=5), {}, np.complex64),  # 3-D + 2-D
    ("irfftn", make("complex64", (2, 2, 3, 2, 3), seed=6), {"norm": "forward"}, np.float32),
]


@pytest.mark.parametrize("case", range(len(_MULTI)))
def test_multi_axis_vs_numpy(case):
    name, a, kw, dt = _MULTI[case]
    got = getattr(xfft, name)(a, **kw)
    want = getattr(np.fft, name)(a.astype(np.complex128 if a.dtype.kind == "c" else np.float64), **kw)
    assert got.dtype == dt and got.shape == want.shape, (got.dtype, got.shape, want.shape)
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-4, atol=1e-4)


def test_axes_empty_and_odd(oracle):
    cases = [
        ("jnp.fft.fftn(a, axes=())", {"a": make("int32", (2, 3))}),
        ("jnp.fft.fft(a)", {"a": np.zeros((0, 4), np.float32)}),
        ("jnp.fft.rfft(a)", {"a": np.zeros((0, 4), np.float32)}),
        ("jnp.fft.irfft(a)", {"a": np.zeros((3, 1), np.complex64)}),
        ("jnp.fft.irfft(a, 1)", {"a": make("complex64", (3,))}),
        ("jnp.fft.rfft(a)", {"a": make("float32", (13,))}),
        ("jnp.fft.hfft(a, 7)", {"a": make("complex64", (4,))}),
    ]
    check(oracle, cases, **TOL)


def test_helpers(oracle):
    x = make("float32", (4, 5), seed=6)
    cases = [
        ("jnp.fft.fftfreq(5, 0.1)", {}),
        ("jnp.fft.fftfreq(0)", {}),
        ("jnp.fft.fftfreq(4, dtype=np.int32)", {}),
        ("jnp.fft.fftfreq(7, jnp.asarray(d))", {"d": np.float32(0.3)}),
        ("jnp.fft.rfftfreq(7, 0.5)", {}),
        ("jnp.fft.rfftfreq(8, dtype=np.float16)", {}),
        ("jnp.fft.fftshift(x)", {"x": x}),
        ("jnp.fft.fftshift(x, axes=(0,))", {"x": x}),
        ("jnp.fft.ifftshift(x, axes=-1)", {"x": x}),
        ("jnp.fft.fftfreq((3, 4))", {}),
        ("jnp.fft.rfftfreq(4, [1.0])", {}),
    ]
    check(oracle, cases)


def test_errors(oracle):
    x = make("float32", (4, 4))
    c = make("complex64", (4,))
    cases = [
        ("jnp.fft.fft(x, n=0)", {"x": x}),
        ("jnp.fft.fft(x, n=-2)", {"x": x}),
        ("jnp.fft.fft(x, axis=2)", {"x": x}),
        ("jnp.fft.fft(x, axis=(0,))", {"x": x}),
        ("jnp.fft.fftn(x, axes=(0, 0))", {"x": x}),
        ("jnp.fft.fftn(x, s=(2,), axes=(0, 1))", {"x": x}),
        ("jnp.fft.fft(x, norm='bad')", {"x": x}),
        ("jnp.fft.fft2(x, axes=(0,))", {"x": x}),
        ("jnp.fft.irfft2(x, axes=(0, 1, 1))", {"x": x}),
        ("jnp.fft.rfft(c)", {"c": c}),
        ("jnp.fft.ihfft(c)", {"c": c}),
        ("jnp.fft.rfft(x)", {"x": make("float16", (4,))}),
        ("jnp.fft.fft(np.float32(2.0))", {}),
        ("jnp.fft.fft([1.0, 2.0])", {}),
    ]
    check(oracle, cases)


@pytest.mark.usefixtures("x64")
def test_x64(oracle):
    c = make("complex64", (3, 6), seed=7).astype(np.complex128)
    cases = [
        ("jnp.fft.irfft(c, norm='ortho')", {"c": c}),
        ("jnp.fft.rfftn(x)", {"x": c.real.copy()}),
        ("jnp.fft.fft(i)", {"i": make("int64", (5,))}),
        ("jnp.fft.fftfreq(5)", {}),
    ]
    check(oracle, cases, x64=True, rtol=1e-10, atol=1e-10)
    want = np.fft.irfftn(c, s=(3, 7), axes=(0, 1))
    np.testing.assert_allclose(np.asarray(xfft.irfftn(c, s=(3, 7))), want, atol=1e-12)


def test_without_x64_complex128_becomes_complex64():
    c = make("complex64", (4,)).astype(np.complex128)
    out = xfft.fft(c)
    assert out.dtype == np.complex64
    np.testing.assert_allclose(np.asarray(out), np.fft.fft(c), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("norm", [None, "ortho", "forward"])
def test_grads(norm):
    x = make("float32", (3, 6), seed=9)
    c = make("complex64", (3, 4), seed=10)
    check_grads(lambda a: xfft.fftn(a, norm=norm), (c,), order=1, atol=2e-2, rtol=2e-2)
    check_grads(lambda a: xfft.rfft(a, n=5, norm=norm), (x,), order=1, atol=2e-2, rtol=2e-2)
    check_grads(lambda a: xfft.irfft2(a, s=(3, 7), norm=norm), (c,), order=1, atol=2e-2, rtol=2e-2)
    check_grads(lambda a: xfft.hfft(a, norm=norm), (c,), order=1, atol=2e-2, rtol=2e-2)


def test_grad_matches_jax(oracle):
    c = make("complex64", (4, 5), seed=12)
    want = oracle.eval("jax.grad(lambda a: jnp.sum(jnp.fft.irfft2(a, norm='ortho') ** 3))(c)", c=c)
    got = xjax.grad(lambda a: xnp.sum(xfft.irfft2(a, norm="ortho") ** 3))(c)
    assert_matches(got, want, rtol=1e-4, atol=1e-4)


def test_jit():
    x = make("float32", (3, 10), seed=13)
    f = xjax.jit(lambda a: xfft.irfft(xfft.rfft(a, norm="ortho"), n=10, norm="ortho"))
    np.testing.assert_allclose(np.asarray(f(x)), x, atol=1e-5)
    g = xjax.jit(lambda a: xfft.fftshift(xfft.fftn(a, axes=(0, 1))))
    np.testing.assert_allclose(np.asarray(g(x)), np.fft.fftshift(np.fft.fftn(x)), rtol=1e-4, atol=1e-4)
