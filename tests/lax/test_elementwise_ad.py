"""Derivatives of the elementwise primitives (elementwise.py, conversions.py): numerical checks
of forward and reverse mode to second order in float64 (complex128 where JAX differentiates),
gradients compared with real JAX, zero derivatives, transposes of the linear ops with lax
broadcasting, and jit(grad) == grad."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import xjax
from tests._util import x64_fixture  # noqa: F401  (the `x64` fixture)
from tests.oracle import OracleError, assert_matches
from xjax import lax
from xjax.test_util import check_grads

pytestmark = pytest.mark.usefixtures("x64")

P = pytest.param
C128 = np.complex128


def _r(shape: tuple, seed: int, lo: float = -2.0, hi: float = 2.0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(lo, hi, shape)


def _c(shape: tuple, seed: int, scale: float = 1.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (scale * (rng.uniform(-1, 1, shape) + 1j * rng.uniform(-1, 1, shape))).astype(C128)


def _away(shape: tuple, seed: int, lo: float = 0.3, hi: float = 2.0) -> np.ndarray:
    """Values with |x| in [lo, hi] (away from 0), random signs."""
    rng = np.random.default_rng(seed)
    return rng.uniform(lo, hi, shape) * rng.choice([-1.0, 1.0], shape)


S = (2, 3)
POS = {"lo": 0.3, "hi": 2.0}
UNIT = {"lo": -0.8, "hi": 0.8}

# name -> (function of the operands, float64 operands). One line per differentiable op.
REAL_CASES = [
    P(lax.neg, (_r(S, 0),), id="neg"),
    P(lax.exp, (_r(S, 1),), id="exp"),
    P(lax.exp2, (_r(S, 2),), id="exp2"),
    P(lax.log, (_r(S, 3, **POS),), id="log"),
    P(lax.log1p, (_r(S, 4, **POS),), id="log1p"),
    P(lax.expm1, (_r(S, 5),), id="expm1"),
    P(lax.tanh, (_r(S, 6),), id="tanh"),
    P(lax.logistic, (_r(S, 7),), id="logistic"),
    P(lax.sin, (_r(S, 8),), id="sin"),
    P(lax.cos, (_r(S, 9),), id="cos"),
    P(lax.tan, (_r(S, 10, **UNIT),), id="tan"),
    P(lax.asin, (_r(S, 11, **UNIT),), id="asin"),
    P(lax.acos, (_r(S, 12, **UNIT),), id="acos"),
    P(lax.atan, (_r(S, 13),), id="atan"),
    P(lax.sinh, (_r(S, 14),), id="sinh"),
    P(lax.cosh, (_r(S, 15),), id="cosh"),
    P(lax.asinh, (_r(S, 16),), id="asinh"),
    P(lax.acosh, (_r(S, 17, 1.2, 3.0),), id="acosh"),
    P(lax.atanh, (_r(S, 18, **UNIT),), id="atanh"),
    P(lax.sqrt, (_r(S, 19, **POS),), id="sqrt"),
    P(lax.rsqrt, (_r(S, 20, **POS),), id="rsqrt"),
    P(lax.cbrt, (_away(S, 21),), id="cbrt"),
    P(lax.abs, (_away(S, 22),), id="abs"),
    P(lax.square, (_r(S, 23),), id="square"),
    P(lax.reciprocal, (_away(S, 24),), id="reciprocal"),
    P(lambda x: lax.integer_pow(x, 3), (_r(S, 25),), id="integer_pow3"),
    P(lambda x: lax.integer_pow(x, 2), (_r(S, 26),), id="integer_pow2"),
    P(lambda x: lax.integer_pow(x, 1), (_r(S, 27),), id="integer_pow1"),
    P(lambda x: lax.integer_pow(x, 0), (_r(S, 28),), id="integer_pow0"),
    P(lambda x: lax.integer_pow(x, -2), (_away(S, 29),), id="integer_pow_neg"),
    P(lax.erf, (_r(S, 30),), id="erf"),
    P(lax.erfc, (_r(S, 31),), id="erfc"),
    P(lax.erf_inv, (_r(S, 32, **UNIT),), id="erf_inv"),
    P(lax.lgamma, (_r(S, 33, 0.5, 4.0),), id="lgamma"),
    P(lax.digamma, (_r(S, 34, 0.5, 4.0),), id="digamma"),
    P(lax.digamma, (np.array([-2.5, -1.3, -0.7, 0.2, 0.45, 12.0]),), id="digamma_reflect"),
    P(lambda x: lax.reduce_precision(x, 11, 52), (_r(S, 35),), id="reduce_precision"),
    P(lambda x: lax.copy_p.bind(x), (_r(S, 36),), id="copy"),
    P(lambda x: lax.convert_element_type(x, C128), (_r(S, 37),), id="convert_to_complex"),
    P(lambda x: lax.conj(x), (_r(S, 38),), id="conj_real"),
    P(lambda x, y: lax.complex(x, y), (_r(S, 39), _r(S, 40)), id="complex"),
    P(lax.add, (_r(S, 41), _r(S, 42)), id="add"),
    P(lax.sub, (_r(S, 43), _r(S, 44)), id="sub"),
    P(lax.mul, (_r(S, 45), _r(S, 46)), id="mul"),
    P(lax.div, (_r(S, 47), _away(S, 48)), id="div"),
    P(lax.rem, (_r(S, 49, 0.1, 2.0), np.full(S, 2.3)), id="rem"),
    P(lax.rem, (_r(S, 50, 2.5, 4.4), _r(S, 51, 2.0, 2.2)), id="rem_floor1"),
    P(lax.max, (_r(S, 52), _r(S, 53)), id="max"),
    P(lax.min, (_r(S, 54), _r(S, 55)), id="min"),
    P(lax.pow, (_r(S, 56, **POS), _r(S, 57)), id="pow"),
    P(lambda x: lax.pow(x, np.array([[0, 1, 2], [3, -1, -2]], np.int32)), (_away(S, 58),),
      id="pow_int_exponent"),
    P(lax.atan2, (_r(S, 59), _r(S, 60)), id="atan2"),
    # lax broadcasting: rank-0 and size-1 operands (their transposes sum)
    P(lax.add, (np.float64(0.7), _r(S, 61)), id="add_scalar"),
    P(lax.sub, (_r((1, 3), 62), _r(S, 63)), id="sub_size1"),
    P(lax.mul, (_r(S, 64), np.float64(-1.3)), id="mul_scalar"),
    P(lax.div, (np.float64(0.9), _away(S, 65)), id="div_scalar"),
    P(lax.max, (_r((2, 1), 66), _r(S, 67)), id="max_size1"),
    P(lax.pow, (_r(S, 68, **POS), np.float64(1.7)), id="pow_scalar"),
    P(lax.atan2, (np.float64(0.4), _r(S, 69)), id="atan2_scalar"),
    P(lax.rem, (_r(S, 70, 0.1, 2.0), np.float64(2.3)), id="rem_scalar"),
    P(lambda x, y: lax.complex(x, y), (np.float64(0.5), _r(S, 71)), id="complex_scalar"),
    # selection
    P(lambda x, y: lax.select(x > y, x, y), (_r(S, 72), _r(S, 73)), id="select"),
    P(lambda x, y, z: lax.select_n(np.array([[0, 1, 2], [2, 1, 0]], np.int32), x, y, z),
      (_r(S, 74), _r(S, 75), _r(S, 76)), id="select_n_int"),
    P(lambda x, y: lax.select_n(np.True_, x, y), (_r(S, 77), _r(S, 78)), id="select_n_scalar"),
    P(lambda lo, x, hi: lax.clamp(lo, x, hi),
      (np.full(S, -0.5), np.array([[-1.0, -0.2, 0.3], [0.9, 1.5, 0.1]]), np.full(S, 1.0)),
      id="clamp"),
    P(lambda lo, x, hi: lax.clamp(lo, x, hi),
      (np.float64(-0.5), np.array([[-1.0, -0.2, 0.3], [0.9, 1.5, 0.1]]), np.float64(1.0)),
      id="clamp_scalar_bounds"),
]

COMPLEX_CASES = [
    P(lax.neg, (_c(S, 100),), id="neg"),
    P(lax.exp, (_c(S, 101),), id="exp"),
    P(lax.exp2, (_c(S, 102),), id="exp2"),
    P(lax.log, (_c(S, 103) + 2,), id="log"),
    P(lax.log1p, (_c(S, 104) + 2,), id="log1p"),
    P(lax.expm1, (_c(S, 105),), id="expm1"),
    P(lax.tanh, (_c(S, 106, 0.5),), id="tanh"),
    P(lax.logistic, (_c(S, 107, 0.5),), id="logistic"),
    P(lax.sin, (_c(S, 108),), id="sin"),
    P(lax.cos, (_c(S, 109),), id="cos"),
    P(lax.tan, (_c(S, 110, 0.5),), id="tan"),
    P(lax.asin, (_c(S, 111, 0.5),), id="asin"),
    P(lax.acos, (_c(S, 112, 0.5),), id="acos"),
    P(lax.atan, (_c(S, 113, 0.5),), id="atan"),
    P(lax.sinh, (_c(S, 114),), id="sinh"),
    P(lax.cosh, (_c(S, 115),), id="cosh"),
    P(lax.asinh, (_c(S, 116, 0.5),), id="asinh"),
    P(lax.acosh, (_c(S, 117, 0.5) + 2,), id="acosh"),
    P(lax.atanh, (_c(S, 118, 0.5),), id="atanh"),
    P(lax.sqrt, (_c(S, 119) + 2,), id="sqrt"),
    P(lax.rsqrt, (_c(S, 120) + 2,), id="rsqrt"),
    P(lax.abs, (_c(S, 121) + 0.5,), id="abs"),
    P(lax.square, (_c(S, 122),), id="square"),
    P(lambda x: lax.integer_pow(x, 3), (_c(S, 123),), id="integer_pow"),
    P(lax.real, (_c(S, 124),), id="real"),
    P(lax.imag, (_c(S, 125),), id="imag"),
    P(lax.conj, (_c(S, 126),), id="conj"),
    P(lambda x: lax.convert_element_type(x, np.float64), (_c(S, 127),), id="convert_to_real"),
    P(lambda x: lax.copy_p.bind(x), (_c(S, 128),), id="copy"),
    P(lax.add, (_c(S, 129), _c(S, 130)), id="add"),
    P(lax.sub, (_c(S, 131), _c(S, 132)), id="sub"),
    P(lax.mul, (_c(S, 133), _c(S, 134)), id="mul"),
    P(lax.div, (_c(S, 135), _c(S, 136) + 2), id="div"),
    P(lax.pow, (_c(S, 137) + 2, _c(S, 138)), id="pow"),
    P(lambda x, y: lax.select(lax.gt(lax.real(x), 0.0), x, y), (_c(S, 139), _c(S, 140)),
      id="select"),
]


def _realified(f: Callable, args: tuple) -> tuple[Callable, tuple]:
    """f as a map between real vectors: complex operands and results split into (re, im)
    pairs, so that the reverse-mode check does not depend on a complex inner-product
    convention (it exercises the real/imag/complex transposes on the way)."""
    kinds = [np.iscomplexobj(a) for a in args]
    flat = []
    for a, k in zip(args, kinds):
        flat += [np.real(a), np.imag(a)] if k else [a]

    def g(*xs: Any) -> Any:
        it, ins = iter(xs), []
        for k in kinds:
            ins.append(lax.complex(next(it), next(it)) if k else next(it))
        out = f(*ins)
        return (lax.real(out), lax.imag(out)) if np.iscomplexobj(np.zeros((), out.dtype)) else out

    return g, tuple(flat)


def _complex_io(args: tuple, f: Callable) -> bool:
    out = f(*args)
    return any(np.iscomplexobj(a) for a in args) or np.iscomplexobj(np.zeros((), out.dtype))


@pytest.mark.parametrize("f, args", REAL_CASES)
def test_grads_float64(f: Callable, args: tuple) -> None:
    if _complex_io(args, f):  # real -> complex (complex, conj, convert)
        check_grads(f, args, order=2, modes=("fwd",))
        f, args = _realified(f, args)
    check_grads(f, args, order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("f, args", COMPLEX_CASES)
def test_grads_complex128(f: Callable, args: tuple) -> None:
    check_grads(f, args, order=2, modes=("fwd",))
    check_grads(*_realified(f, args), order=2, modes=("fwd", "rev"))


# -- against JAX -----------------------------------------------------------------------------

# (expression with operands x, y, z, operands): compared as jax.grad of sum(real(expr))**2 wrt
# every operand, which exercises the ties, zeros and conventions each rule chooses.
ORACLE_GRADS = [
    ("lax.abs(x)", (np.array([-1.5, 0.0, 2.0]),)),
    ("lax.abs(x)", (np.array([1 + 2j, 0j, -3 - 0.5j]),)),
    ("lax.max(x, y)", (np.array([1.0, 2.0, -1.0, 3.0]), np.array([1.0, 0.5, -1.0, 4.0]))),
    ("lax.min(x, y)", (np.array([1.0, 2.0, -1.0, 3.0]), np.array([1.0, 0.5, -1.0, 4.0]))),
    ("lax.max(x, y)", (np.array([1 + 1j, 2 - 1j, 0j]), np.array([1 + 1j, 2 + 1j, -1j]))),
    ("lax.clamp(y, x, z)", (np.array([-1.0, 0.0, 0.5, 1.0, 2.0]), np.full(5, 0.0),
                            np.full(5, 1.0))),
    ("lax.clamp(y, x, z)", (np.array([0.5, 0.5]), np.array([1.0, 0.0]), np.array([0.0, 1.0]))),
    ("lax.pow(x, y)", (np.array([0.0, 2.0, 1.5]), np.array([2.0, 0.0, -1.0]))),
    ("lax.pow(x, lax.convert_element_type(y, np.int32))", (np.array([0.0, 2.0, -1.5]),
                                                            np.array([0.0, 0.0, 3.0]))),
    ("lax.pow(x, y)", (np.array([1 + 1j, 2 - 0.5j]), np.array([0.5 + 0.1j, 2j]))),
    ("lax.atan2(x, y)", (np.array([1.0, -2.0, 0.5]), np.array([0.3, 1.0, -2.0]))),
    ("lax.rem(x, y)", (np.array([5.3, -5.3, 1.0]), np.array([2.0, 2.0, -0.7]))),
    ("lax.sign(x) * x + lax.floor(x) + lax.round(x) + lax.ceil(x)", (np.array([-1.2, 0.4]),)),
    ("lax.digamma(x)", (np.array([-2.5, -0.7, 0.3, 1.0, 2.5, 7.0]),)),
    ("lax.lgamma(x)", (np.array([0.3, 1.0, 2.5, 7.0]),)),
    ("lax.erf_inv(x) + lax.erfc(x) + lax.erf(x)", (np.array([-0.5, 0.1, 0.7]),)),
    ("lax.logistic(x) * lax.tanh(x) + lax.cbrt(x)", (np.array([-0.5, 0.1, 3.0]),)),
    ("lax.sqrt(x) * lax.rsqrt(x + 1.0) + lax.log1p(x) * lax.expm1(x) + lax.exp2(x)",
     (np.array([0.5, 0.1, 3.0]),)),
    (("lax.acosh(x + 2.0) + lax.asinh(x) + lax.atanh(x / 4.0) + lax.asin(x / 4.0)"
      " + lax.acos(x / 4.0) + lax.atan(x) + lax.tan(x / 4.0)"), (np.array([0.5, -1.0, 3.0]),)),
    ("lax.sqrt(x) + lax.log(x) * lax.tanh(x) + lax.asin(x) + lax.atanh(x)",
     (np.array([0.5 + 0.3j, 0.2 - 0.1j]),)),
    ("lax.complex(x, y) * lax.conj(lax.complex(y, x))", (np.array([1.0, 2.0]), np.array([0.5, -1.0]))),
    ("lax.real(x) * lax.imag(x) + lax.abs(lax.conj(x))", (np.array([1 + 2j, -0.5 + 1j]),)),
    ("lax.convert_element_type(lax.convert_element_type(x, np.complex128) * (1 + 2j), np.float64)",
     (np.array([1.0, -2.0]),)),
    ("lax.integer_pow(x, 0) + lax.integer_pow(x, -3) * lax.square(x)", (np.array([0.5, -2.0]),)),
    ("lax.select_n(lax.convert_element_type(z, np.int32), x, y, x * y)",
     (np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0]), np.array([0.0, 1.0, 2.0]))),
    ("x * lax.reduce_precision(x, 5, 10)", (np.array([1.1, 2.3]),)),
]

_GRAD_CODE = """
def _grads(expr, args):
    names = "xyz"[:len(args)]
    def f(*a):
        y = eval(expr, dict(lax=lax, np=np, jnp=jnp, **dict(zip(names, a))))
        return jnp.sum(jnp.real(y) ** 2)
    try:
        return jax.jit(jax.grad(f, argnums=tuple(range(len(args)))))(*args)
    except Exception as err:
        return "ERR:" + type(err).__name__ + ": " + str(err)[:200]
out = [_grads(e, a) for e, a in cases]
"""


def _xjax_grads(expr: str, args: tuple) -> Any:
    names = "xyz"[: len(args)]

    def f(*a: Any) -> Any:
        y = eval(expr, dict(lax=lax, np=np, **dict(zip(names, a))))
        y = lax.real(y) if np.iscomplexobj(np.zeros((), y.dtype)) else y
        return lax.reduce_sum(y * y, tuple(range(y.ndim)))

    return xjax.grad(f, argnums=tuple(range(len(args))))(*args)


@pytest.fixture(scope="module")
def oracle_grads(oracle):
    got = oracle.exec(_GRAD_CODE, x64=True, cases=ORACLE_GRADS)
    assert not isinstance(got, OracleError), got
    return got


@pytest.mark.oracle
@pytest.mark.parametrize("k", range(len(ORACLE_GRADS)), ids=[e for e, _ in ORACLE_GRADS])
def test_grad_vs_jax(k: int, oracle_grads: list) -> None:
    expr, args = ORACLE_GRADS[k]
    want = oracle_grads[k]
    assert not isinstance(want, str), want
    got = _xjax_grads(expr, args)
    assert_matches(tuple(got), tuple(want), rtol=1e-10, atol=1e-12)


def test_jit_of_grad_equals_grad() -> None:
    for expr, args in ORACLE_GRADS[::3]:
        f = lambda *a, e=expr: _xjax_grads(e, a)
        for g, j in zip(f(*args), xjax.jit(f)(*args)):
            np.testing.assert_allclose(np.asarray(j), np.asarray(g), rtol=1e-12, atol=1e-14)


# -- zero derivatives and integer operands -------------------------------------------------


@pytest.mark.parametrize(
    "f",
    [
        lax.sign, lax.floor, lax.ceil, lax.round,
        lambda x: lax.round(x, lax.RoundingMethod.TO_NEAREST_EVEN),
        lambda x: lax.nextafter(x, np.full(5, 10.0)),
        lambda x: lax.convert_element_type(lax.convert_element_type(x, np.int32), np.float64),
        lambda x: lax.convert_element_type(lax.is_finite(x), np.float64),
        lambda x: lax.convert_element_type(lax.lt(x, 0.0), np.float64),
        lambda x: lax.bitcast_convert_type(lax.bitcast_convert_type(x, np.int64), np.float64),
    ],
    ids=["sign", "floor", "ceil", "round", "round_even", "nextafter", "via_int", "is_finite",
         "lt", "bitcast"],
)
def test_zero_derivative(f: Callable) -> None:
    x = _r((5,), 200) + 0.05
    _, t = xjax.jvp(f, (x,), (np.ones(5),))
    np.testing.assert_array_equal(np.asarray(t), np.zeros(5))
    g = xjax.grad(lambda x: lax.reduce_sum(f(x), (0,)))(x)
    np.testing.assert_array_equal(np.asarray(g), np.zeros(5))


def test_integer_ops_under_jvp() -> None:
    """Integer-valued primitives pass through a differentiated function (float0 tangents)."""

    def f(x: Any) -> Any:
        i = lax.convert_element_type(x, np.int32)
        j = lax.bitwise_xor(lax.shift_left(i, np.int32(1)), lax.population_count(i))
        j = lax.bitwise_or(lax.bitwise_and(lax.clz(j), lax.bitwise_not(j)), lax.rem(j, np.int32(3)))
        j = lax.shift_right_arithmetic(lax.shift_right_logical(j, np.int32(1)), np.int32(1))
        j = lax.max(lax.integer_pow(lax.abs(j), 2), lax.neg(lax.sign(j)))
        return lax.mul(x, lax.convert_element_type(j, np.float64))

    x = np.array([1.5, 2.5, 7.0])
    check_grads(f, (x,), order=2)
    _, t = xjax.jvp(f, (x,), (np.ones(3),))
    np.testing.assert_array_equal(np.asarray(t), np.asarray(f(x)) / x)


def test_linear_transposes_with_broadcasting() -> None:
    """vjp of the linear ops: the cotangent of a rank-0/size-1 operand is summed."""
    ct = _r(S, 300)
    s, row = np.float64(0.5), _r((1, 3), 301)
    cases = [
        (lambda a: lax.add(a, ct), s, np.float64(ct.size)),
        (lambda a: lax.sub(ct, a), row, np.full((1, 3), -2.0)),
        (lambda a: lax.mul(a, ct), s, np.sum(ct)),
        (lambda a: lax.div(a, 2.0 + ct * ct), row, np.sum(1 / (2.0 + ct * ct), 0, keepdims=True)),
        (lambda a: lax.complex(a, ct), s, np.float64(ct.size)),
    ]
    for f, a, want in cases:
        out, vjp = xjax.vjp(f, a)
        (got,) = vjp(np.ones(np.shape(out), np.asarray(out).dtype))
        assert np.shape(got) == np.shape(a)
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-12)


def test_complex_transpose_conventions() -> None:
    """JAX's cotangent conventions for real/imag/complex/conj (vjp with a complex ct)."""
    z = np.array([1 + 2j, -0.5 + 0.25j])
    x = np.array([0.5, -1.5])
    ct = np.array([0.3 - 0.7j, 1.1 + 0.2j])
    rct = np.array([0.3, -1.1])
    np.testing.assert_allclose(np.asarray(xjax.vjp(lax.real, z)[1](rct)[0]), rct + 0j)
    np.testing.assert_allclose(np.asarray(xjax.vjp(lax.imag, z)[1](rct)[0]), -1j * rct)
    np.testing.assert_allclose(np.asarray(xjax.vjp(lax.conj, z)[1](ct)[0]), np.conj(ct))
    np.testing.assert_allclose(np.asarray(xjax.vjp(lax.conj, x)[1](ct)[0]), ct.real)
    gx, gy = xjax.vjp(lax.complex, x, x)[1](ct)
    np.testing.assert_allclose(np.asarray(gx), ct.real)
    np.testing.assert_allclose(np.asarray(gy), -ct.imag)


def test_linearize_of_linear_ops_is_the_op() -> None:
    """Linear ops keep their structure under linearize (the linear jaxpr binds them)."""
    f = lambda x: lax.reduce_precision(lax.copy_p.bind(lax.neg(x)), 11, 52)
    x = _r(S, 400)
    y, f_lin = xjax.linearize(f, x)
    np.testing.assert_allclose(np.asarray(f_lin(x)), -x)
    np.testing.assert_allclose(np.asarray(y), -x)
