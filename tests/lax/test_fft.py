"""Tests of the `fft` primitive (lax.fft): values and errors against JAX, dtype rules,
derivatives (check_grads, fwd and rev, every FftType), vmap against a loop, and jit."""

from __future__ import annotations

import numpy as np
import pytest

import xjax
from tests._util import check, make
from xjax._src.lax.fft import FftType, fft
from xjax.test_util import check_grads


@pytest.mark.oracle
def test_values_and_dtypes(oracle):
    x = make("float32", (2, 3, 6), seed=1)
    c = make("complex64", (2, 3, 6), seed=2)
    cases = [
        ("lax.fft(c, 'fft', (6,))", {"c": c}),
        ("lax.fft(c, lax.FftType.IFFT, (3, 6))", {"c": c}),
        ("lax.fft(c, 'FFT', (2, 3, 6))", {"c": c}),
        ("lax.fft(x, 'rfft', (3, 6))", {"x": x}),
        ("lax.fft(x, lax.FftType.RFFT, (6,))", {"x": x[..., :5].copy()}),
        ("lax.fft(c, 'irfft', (10,))", {"c": c}),
        ("lax.fft(c, 'irfft', (3, 11))", {"c": c}),
        ("lax.fft(c, 'IRFFT', (2, 3, 10))", {"c": c}),
        ("lax.fft(i, 'fft', (4,))", {"i": make("int32", (4,))}),
        ("lax.fft(i, 'rfft', (4,))", {"i": make("uint8", (4,))}),
        ("lax.fft(h, 'ifft', (4,))", {"h": make("float16", (4,))}),
        ("lax.fft(b, 'irfft', (4,))", {"b": make("bool", (3,))}),
        ("lax.fft(x, 'fft', ())", {"x": x}),
        ("lax.fft(z, 'fft', (0,))", {"z": np.zeros((2, 0), np.complex64)}),
        ("lax.fft(z, 'irfft', (0,))", {"z": np.zeros((2, 1), np.complex64)}),
    ]
    check(oracle, cases, rtol=2e-4, atol=2e-4)


@pytest.mark.oracle
def test_errors(oracle):
    x = make("float32", (4,))
    cases = [
        ("lax.fft(x, 'bad', (4,))", {"x": x}),
        ("lax.fft(x, 3, (4,))", {"x": x}),
        ("lax.fft(x, 'fft', (5,))", {"x": x}),
        ("lax.fft(x, 'fft', (1, 4))", {"x": x}),
        ("lax.fft(c, 'rfft', (4,))", {"c": make("complex64", (4,))}),
        ("lax.fft(h, 'rfft', (4,))", {"h": make("bfloat16", (4,))}),
        ("lax.fft(c, 'irfft', (3, 4))", {"c": make("complex64", (2, 3))}),
    ]
    check(oracle, cases)


@pytest.mark.oracle
def test_x64_complex128(oracle):
    c = make("complex64", (3, 5), seed=3).astype(np.complex128)
    cases = [
        ("lax.fft(c, 'fft', (3, 5))", {"c": c}),
        ("lax.fft(c, 'irfft', (8,))", {"c": c}),
        ("lax.fft(x, 'rfft', (5,))", {"x": c.real.copy()}),
        ("lax.fft(i, 'fft', (4,))", {"i": make("int64", (4,))}),
    ]
    check(oracle, cases, x64=True, rtol=1e-10, atol=1e-10)


def test_complex128_without_x64():
    out = fft(make("complex64", (4,)).astype(np.complex128), FftType.FFT, (4,))
    assert out.dtype == np.complex64


_GRAD_CASES = [
    (FftType.FFT, (6,), "complex64", (2, 6)),
    (FftType.IFFT, (2, 6), "complex64", (2, 6)),
    (FftType.RFFT, (6,), "float32", (2, 6)),
    (FftType.RFFT, (2, 5), "float32", (2, 5)),
    (FftType.IRFFT, (6,), "complex64", (2, 4)),
    (FftType.IRFFT, (7,), "complex64", (2, 4)),
    (FftType.IRFFT, (2, 6), "complex64", (2, 4)),
]


@pytest.mark.parametrize("typ,lengths,dt,shape", _GRAD_CASES)
def test_grads(typ, lengths, dt, shape):
    a = make(dt, shape, seed=4)
    check_grads(lambda v: fft(v, typ, lengths), (a,), order=2, modes=("fwd", "rev"), atol=1e-2, rtol=1e-2)


@pytest.mark.parametrize("typ,in_axis", [("fft", 0), ("rfft", 2), ("irfft", 1), ("ifft", 2)])
def test_vmap_matches_loop(typ, in_axis):
    dt = "float32" if typ == "rfft" else "complex64"
    a = make(dt, (3, 4, 5), seed=5)
    lengths = (8,) if typ == "irfft" else None
    f = lambda v: fft(v, typ, lengths or v.shape[-2:] if typ != "rfft" else v.shape[-1:])
    got = xjax.vmap(f, in_axes=in_axis)(a)
    want = np.stack([np.asarray(f(np.take(a, i, axis=in_axis))) for i in range(a.shape[in_axis])])
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-5, atol=1e-5)


def test_jit():
    a = make("complex64", (2, 3, 4), seed=6)
    f = xjax.jit(lambda v: fft(v, FftType.IRFFT, (3, 6)))
    np.testing.assert_allclose(np.asarray(f(a)), np.fft.irfftn(a, (3, 6), axes=(1, 2)), rtol=1e-5, atol=1e-5)
    jaxpr = str(xjax.make_jaxpr(lambda v: fft(v, "rfft", (4,)))(np.ones(4, np.float32)))
    assert "fft[fft_lengths=(4,) fft_type=2]" in jaxpr, jaxpr
