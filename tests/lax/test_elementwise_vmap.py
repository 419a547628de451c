"""vmap of the elementwise primitives (elementwise.py, conversions.py): each equals a Python loop
over the examples (np.stack of per-example results) for mapped axes 0, 1, -1 and None, batch
sizes 0, 1 and 3, with rank-0 operands that lax broadcasts, and under vmap(jit) / jit(vmap)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import xjax
from xjax import lax

P = pytest.param
F32, I32, U32, U8, C64 = (np.dtype(t) for t in ("float32", "int32", "uint32", "uint8", "complex64"))


def _operand(kind: str, shape: tuple, rng: np.random.Generator) -> np.ndarray:
    if kind == "f":  # in (0.2, 0.9): inside every float op's domain
        return rng.uniform(0.2, 0.9, shape).astype(F32)
    if kind == "g":  # any sign, away from 0
        return (rng.uniform(0.3, 2.0, shape) * rng.choice([-1, 1], shape)).astype(F32)
    if kind == "i":
        return rng.integers(-6, 6, shape).astype(I32)
    if kind == "n":  # nonzero ints
        return rng.choice([-3, -2, -1, 1, 2, 5], shape).astype(I32)
    if kind == "s":  # shift amounts
        return rng.integers(0, 33, shape).astype(I32)
    if kind == "u":
        return rng.integers(0, 1 << 20, shape).astype(U32)
    if kind == "b":
        return rng.random(shape) < 0.5
    if kind == "w":  # select_n's integer `which` for 3 cases
        return rng.integers(0, 3, shape).astype(I32)
    if kind == "c":
        return (rng.uniform(-1, 1, shape) + 1j * rng.uniform(-1, 1, shape)).astype(C64)
    if kind == "8":
        return rng.integers(0, 256, shape).astype(U8)
    raise ValueError(kind)


def _u(name: str, kind: str = "f") -> Any:
    return P(getattr(lax, name), kind, id=name)


def _b(name: str, kinds: str = "ff") -> Any:
    return P(getattr(lax, name), kinds, id=name)


# (function of the operands, one kind letter per operand). Every primitive of the family.
OPS = [
    _u("neg", "g"), _u("sign", "g"), _u("floor", "g"), _u("ceil", "g"), _u("round", "g"),
    P(lambda x: lax.round(x, lax.RoundingMethod.TO_NEAREST_EVEN), "g", id="round_even"),
    _u("is_finite", "g"), _u("exp"), _u("exp2"), _u("log"), _u("log1p"), _u("expm1"),
    _u("tanh"), _u("logistic"), _u("sin"), _u("cos"), _u("tan"), _u("asin"), _u("acos"),
    _u("atan"), _u("sinh"), _u("cosh"), _u("asinh"), P(lambda x: lax.acosh(x + 1.0), "f",
                                                         id="acosh"),
    _u("atanh"), _u("sqrt"), _u("rsqrt"), _u("cbrt", "g"), _u("abs", "g"), _u("square", "g"),
    P(lambda x: lax.integer_pow(x, 3), "g", id="integer_pow"),
    _u("erf", "g"), _u("erfc", "g"), _u("erf_inv"), _u("lgamma"), _u("digamma"),
    _u("bitwise_not", "i"), _u("population_count", "i"), _u("clz", "u"),
    _u("real", "c"), _u("imag", "c"), _u("conj", "c"), P(lax.conj, "f", id="conj_real"),
    P(lambda x: lax.convert_element_type(x, np.int32), "g", id="convert_element_type"),
    P(lambda x: lax.bitcast_convert_type(x, np.int32), "g", id="bitcast_same_width"),
    P(lambda x: lax.bitcast_convert_type(x, np.uint8), "g", id="bitcast_narrower"),
    P(lambda x: lax.reduce_precision(x, 5, 10), "g", id="reduce_precision"),
    P(lambda x: lax.copy_p.bind(x), "g", id="copy"),
    _b("add"), _b("sub"), _b("mul"), _b("div", "gg"), P(lax.div, "in", id="div_int"),
    _b("rem", "gg"), _b("max", "gg"), _b("min", "gg"), _b("pow"),
    P(lambda x, y: lax.pow(x, y), "fi", id="pow_int"), _b("atan2", "gg"), _b("nextafter", "gg"),
    _b("complex"), _b("bitwise_and", "ii"), _b("bitwise_or", "bb"), _b("bitwise_xor", "ii"),
    _b("shift_left", "is"), _b("shift_right_logical", "is"), _b("shift_right_arithmetic", "is"),
    _b("eq", "ii"), _b("ne", "gg"), _b("lt", "gg"), _b("le", "ii"), _b("gt", "gg"), _b("ge", "ii"),
    P(lax.select, "bff", id="select"),
    P(lax.select_n, "wfff", id="select_n"),
    P(lax.clamp, "fgf", id="clamp"),
]

SHAPE = (2, 3)  # the per-example shape of every operand (rank 2, so that 1 and -1 differ)


def _batched(kinds: str, shapes: list, in_axes: tuple, size: int, seed: int) -> list:
    rng = np.random.default_rng(seed)
    out = []
    for k, s, a in zip(kinds, shapes, in_axes):
        if a is None:
            out.append(_operand(k, s, rng))
        else:
            a = a % (len(s) + 1)
            out.append(_operand(k, s[:a] + (size,) + s[a:], rng))
    return out


def _loop(f: Callable, args: list, in_axes: tuple, size: int, kinds: str, shapes: list) -> Any:
    """np.stack of f over the examples (the output's per-example shape from a call at size 0)."""
    if size == 0:
        ex = [_operand(k, s, np.random.default_rng(0)) for k, s in zip(kinds, shapes)]
        out = np.asarray(f(*ex))
        return np.zeros((0,) + out.shape, out.dtype)
    outs = []
    for i in range(size):
        ex = [x if a is None else np.take(x, i, axis=a) for x, a in zip(args, in_axes)]
        outs.append(np.asarray(f(*ex)))
    return np.stack(outs)


def _assert_same(got: Any, want: np.ndarray, what: str) -> None:
    got = np.asarray(got)
    assert got.shape == want.shape and got.dtype == want.dtype, (what, got.shape, want.shape,
                                                                 got.dtype, want.dtype)
    if want.dtype.kind in "fc":
        np.testing.assert_allclose(got, want, rtol=2e-6, atol=1e-6, err_msg=what)
    else:
        np.testing.assert_array_equal(got, want, err_msg=what)


def _check(f: Callable, kinds: str, in_axes: tuple, sizes: tuple, shapes: list | None = None,
           seed: int = 0, jit: bool = False) -> None:
    shapes = shapes or [SHAPE] * len(kinds)
    for size in sizes:
        args = _batched(kinds, shapes, in_axes, size, seed)
        want = _loop(f, args, in_axes, size, kinds, shapes)
        ways = [("vmap", xjax.vmap(f, in_axes))]
        if jit:
            ways += [("vmap(jit)", xjax.vmap(xjax.jit(f), in_axes)),
                     ("jit(vmap)", xjax.jit(xjax.vmap(f, in_axes)))]
        for name, g in ways:
            _assert_same(g(*args), want, f"{name} in_axes={in_axes} size={size}")


def _axes_sets(n: int) -> list[tuple]:
    sets = [(0,) * n, (1,) * n, (-1,) * n]
    if n > 1:
        sets += [(None,) + (-1,) * (n - 1), (1,) + (None,) * (n - 1)]
    return sets


@pytest.mark.parametrize("f, kinds", OPS)
def test_vmap_equals_loop(f: Callable, kinds: str) -> None:
    n = len(kinds)
    _check(f, kinds, (0,) * n, (0, 1, 3), seed=1)
    for k, axes in enumerate(_axes_sets(n)[1:]):
        _check(f, kinds, axes, (3,), seed=2 + k)


def test_vmap_of_jit_and_jit_of_vmap_all_ops() -> None:
    """Every op of the table in one function (one compile each way), mapped along axis 1."""
    fs = [p.values[0] for p in OPS]
    kinds = [p.values[1] for p in OPS]
    args = [_batched(k, [SHAPE] * len(k), (1,) * len(k), 3, seed=i) for i, k in enumerate(kinds)]

    def all_ops(args: list) -> list:
        return [f(*a) for f, a in zip(fs, args)]

    want = [_loop(f, a, (1,) * len(k), 3, k, [SHAPE] * len(k)) for f, a, k in zip(fs, args, kinds)]
    for name, g in (("vmap(jit)", xjax.vmap(xjax.jit(all_ops), in_axes=(1,))),
                    ("jit(vmap)", xjax.jit(xjax.vmap(all_ops, in_axes=(1,))))):
        for p, got, w in zip(OPS, g(args), want):
            _assert_same(got, w, f"{name} {p.id}")


# lax broadcasting inside the batch: rank-0 operands (mapped, so rank 1 batched) next to rank-2
# ones, and per-example scalar `which` / clamp bounds.
SCALAR_CASES = [
    P(lax.add, "ff", [(), SHAPE], (0, 1), id="add_scalar_mapped"),
    P(lax.mul, "ff", [SHAPE, ()], (-1, None), id="mul_scalar_unmapped"),
    P(lax.sub, "ff", [(), ()], (0, None), id="sub_both_scalar"),
    P(lax.pow, "fi", [SHAPE, ()], (1, 0), id="pow_scalar_exponent"),
    P(lax.max, "gg", [(1, 3), SHAPE], (0, 1), id="max_size1"),
    P(lax.complex, "ff", [(), SHAPE], (None, -1), id="complex_scalar_unmapped"),
    P(lax.select_n, "bff", [(), SHAPE, SHAPE], (0, 1, -1), id="select_scalar_which_mapped"),
    P(lax.select_n, "bff", [(), SHAPE, SHAPE], (None, 1, 0), id="select_scalar_which_unmapped"),
    P(lax.select_n, "wfff", [SHAPE, SHAPE, SHAPE, SHAPE], (1, None, 0, None),
      id="select_n_which_mapped_cases_unmapped"),
    P(lax.select_n, "bff", [(), (), ()], (0, None, 0), id="select_all_scalar"),
    P(lax.clamp, "fgf", [(), SHAPE, ()], (None, 1, None), id="clamp_scalar_bounds_unmapped"),
    P(lax.clamp, "fgf", [(), SHAPE, ()], (0, -1, None), id="clamp_scalar_bound_mapped"),
    P(lax.clamp, "fgf", [SHAPE, SHAPE, ()], (1, None, 0), id="clamp_x_unmapped"),
    P(lax.clamp, "fgf", [(), (), ()], (None, None, 0), id="clamp_all_scalar"),
    P(lambda x: lax.bitcast_convert_type(x, np.float32), "8", [(2, 4)], (-1,),
      id="bitcast_wider_batch_last"),
    P(lambda x: lax.bitcast_convert_type(x, np.float32), "8", [(2, 4)], (0,),
      id="bitcast_wider_batch_first"),
]


@pytest.mark.parametrize("f, kinds, shapes, in_axes", SCALAR_CASES)
def test_vmap_broadcasting_operands(f: Callable, kinds: str, shapes: list, in_axes: tuple) -> None:
    _check(f, kinds, in_axes, (0, 1, 3), shapes=shapes, seed=7, jit=True)


def test_vmap_keeps_batch_dim_in_place() -> None:
    """Elementwise rules do not move batch dims that agree (no transposes in the jaxpr)."""
    x = np.ones((2, 4, 3), np.float32)
    f = xjax.vmap(lambda a, b: lax.sin(lax.add(a, b)), in_axes=(1, 1), out_axes=1)
    jaxpr = xjax.make_jaxpr(f)(x, x)
    assert "transpose" not in str(jaxpr), jaxpr


def test_vmap_of_grad() -> None:
    """vmap composes with the derivative rules (per-example gradients)."""
    f = lambda x, y: lax.reduce_sum(lax.mul(lax.sin(x), lax.clamp(0.3, y, 0.6)), (0,))
    rng = np.random.default_rng(3)
    x, y = rng.uniform(0.2, 0.9, (3, 4)).astype(F32), rng.uniform(0.2, 0.9, (4, 3)).astype(F32)
    got = xjax.vmap(xjax.grad(f, argnums=(0, 1)), in_axes=(0, 1))(x, y)
    for i in range(3):
        want = xjax.grad(f, argnums=(0, 1))(x[i], y[:, i])
        np.testing.assert_allclose(np.asarray(got[0][i]), np.asarray(want[0]), rtol=1e-6)
        np.testing.assert_allclose(np.asarray(got[1][i]), np.asarray(want[1]), rtol=1e-6)
