"""Differential tests of xjax.numpy ufuncs against JAX (values, dtypes, weak types, errors)."""

from __future__ import annotations

import numpy as np
import pytest

import xjax
import xjax.numpy as xnp
from tests._util import check, make

pytestmark = pytest.mark.oracle

DTYPES = ["bool", "int8", "int32", "uint8", "uint32", "bfloat16", "float16", "float32", "complex64"]

UNARY = {
    # name: (lo, hi) input range for floats
    "abs": None, "absolute": None, "sign": None, "floor": None, "ceil": None, "round": None,
    "rint": None, "trunc": None, "exp": None, "exp2": None, "expm1": None, "log": (0.1, 4),
    "log2": (0.1, 4), "log10": (0.1, 4), "log1p": (-0.5, 3), "sqrt": (0, 4), "square": None,
    "cbrt": None, "reciprocal": (0.5, 3), "sin": None, "cos": None, "tan": (-1, 1),
    "arcsin": (-0.9, 0.9), "arccos": (-0.9, 0.9), "arctan": None, "sinh": None, "cosh": None,
    "tanh": None, "arcsinh": None, "arccosh": (1.1, 4), "arctanh": (-0.9, 0.9),
    "deg2rad": None, "rad2deg": None, "degrees": None, "radians": None, "sinc": None,
    "positive": None, "negative": None, "signbit": None, "isfinite": None, "isinf": None,
    "isnan": None, "isneginf": None, "isposinf": None, "logical_not": None, "bitwise_not": None,
    "invert": None, "bitwise_count": None, "real": None, "imag": None, "conj": None,
    "conjugate": None, "angle": None, "nan_to_num": None, "frexp": None, "modf": None,
}



def _sample(i: int, k: int = 3) -> list[str]:
    """k of the dtypes, a different rotation for each op (every dtype is covered by some op)."""
    return [DTYPES[(k * i + j) % len(DTYPES)] for j in range(k)]


@pytest.mark.parametrize("chunk", range(3))
def test_unary(oracle, chunk):
    names = sorted(UNARY)[chunk::3]
    cases = []
    for i, name in enumerate(names):
        rng = UNARY[name] or (-3.0, 3.0)
        for j, dt in enumerate(_sample(i + chunk)):
            x = make(dt, (2, 3), seed=i * 31 + j, lo=rng[0], hi=rng[1])
            cases.append((f"jnp.{name}(x)", {"x": x}))
    check(oracle, cases)


def test_unary_special_values(oracle):
    x = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1.5, -2.5, 0.5, 2.5, 1e-30], np.float32)
    names = ["abs", "sign", "floor", "ceil", "round", "rint", "trunc", "signbit", "isfinite",
             "isinf", "isnan", "isneginf", "isposinf", "nan_to_num", "sinc", "frexp", "modf",
             "exp2", "sqrt", "reciprocal", "arctan", "sinh", "cosh", "tanh", "arcsinh"]
    check(oracle, [(f"jnp.{n}(x)", {"x": x}) for n in names])


def test_unary_scalars_and_shapes(oracle):
    cases = []
    for name in ["abs", "floor", "rint", "exp", "square", "isnan", "log2", "modf"]:
        for x in (2.5, 3, True, np.float32(1.5), make("int32", (0,)), make("float32", (0, 3))):
            cases.append((f"jnp.{name}(x)", {"x": x}))
    check(oracle, cases)


def test_round_decimals(oracle):
    x = make("float32", (7,), 3, -100, 100)
    cases = [(f"jnp.round(x, {d})", {"x": x}) for d in (-2, -1, 0, 1, 2, 3)]
    cases += [("jnp.round(x, 1)", {"x": make("bfloat16", (4,), 1)}),
              ("jnp.around(x, 1)", {"x": make("float16", (4,), 2)}),
              ("jnp.round(x, 1)", {"x": make("int32", (4,))}),
              ("jnp.round(x, -1)", {"x": make("int32", (4,))}),
              ("jnp.round(x, 2)", {"x": make("complex64", (4,))})]
    check(oracle, cases)


BINARY = ["add", "subtract", "multiply", "divide", "true_divide", "floor_divide", "remainder",
          "mod", "fmod", "power", "float_power", "maximum", "minimum", "fmax", "fmin",
          "heaviside", "copysign", "arctan2", "hypot", "logaddexp", "logaddexp2",
          "logical_and", "logical_or", "logical_xor", "bitwise_and", "bitwise_or",
          "bitwise_xor", "equal", "not_equal", "less", "less_equal", "greater",
          "greater_equal", "divmod", "gcd", "lcm"]


def _nonzero(x: np.ndarray) -> np.ndarray:
    if x.dtype.kind == "b":
        return np.ones_like(x)
    return np.where(x == 0, np.ones_like(x), x)


@pytest.mark.parametrize("chunk", range(3))
def test_binary(oracle, chunk):
    cases = []
    for i, name in enumerate(BINARY[chunk::3]):
        for j, dt in enumerate(_sample(i + chunk)):
            x = make(dt, (2, 3), seed=7 * i + j)
            y = make(dt, (3,), seed=7 * i + j + 100)
            if name in ("floor_divide", "remainder", "mod", "fmod", "divmod", "divide", "true_divide"):
                y = _nonzero(y)
            if name == "power" and dt.startswith(("int", "uint")):
                y = np.abs(y) % 4
            if name in ("power", "float_power") and dt in ("bfloat16", "float16", "float32"):
                x = np.abs(x)
            cases.append((f"jnp.{name}(x, y)", {"x": x, "y": y}))
    check(oracle, cases)


def test_binary_promotion_and_weak_types(oracle):
    i8, u8, f16 = make("int8", (3,), 1), make("uint8", (3,), 2), make("float16", (3,), 3)
    bf, i32 = make("bfloat16", (3,), 4), make("int32", (3,), 5)
    cases = []
    for name in ("add", "divide", "floor_divide", "power", "less", "arctan2"):
        for a, b in ((i8, 2.5), (u8, i8), (f16, bf), (i32, 1.5), (3, 4), (2.0, 3),
                     (True, 2), (u8, np.float32(2.0)), (bf, 3)):
            if name in ("floor_divide", "remainder") and not np.all(np.asarray(b) != 0):
                continue
            cases.append((f"jnp.{name}(a, b)", {"a": a, "b": b}))
    check(oracle, cases)


def test_floor_divide_remainder_signs(oracle):
    a = np.array([-7, -7, 7, 7, 0, -1, 5, -9], np.int32)
    b = np.array([2, -2, 2, -2, 3, 4, -7, 3], np.int32)
    cases = []
    for dt in ("int8", "int32", "uint8", "float32", "float16"):
        x, y = a.astype(dt), b.astype(dt)
        if dt == "uint8":
            x, y = np.abs(a).astype(dt), np.abs(b).astype(dt)
        for n in ("floor_divide", "remainder", "fmod", "divmod"):
            cases.append((f"jnp.{n}(x, y)", {"x": x, "y": y}))
    f = np.array([-7.5, 7.5, -0.5, 0.5, np.inf, 3.0], np.float32)
    g = np.array([2.0, -2.0, 2.0, -2.0, 2.0, np.inf], np.float32)
    cases += [(f"jnp.{n}(x, y)", {"x": f, "y": g}) for n in ("floor_divide", "remainder", "fmod")]
    # integer division by zero: JAX's remainder/fmod give 0 (XLA's rem alone would give x)
    z = np.array([1, -3, 0, 5], np.int32)
    cases += [(f"jnp.{n}(x, y)", {"x": z.astype(dt), "y": np.zeros(4, dt)})
              for n in ("floor_divide", "remainder", "fmod", "divmod") for dt in ("int32", "uint8")]
    check(oracle, cases)


def test_power_ints(oracle):
    x = np.array([-3, -2, -1, 0, 1, 2, 3], np.int32)
    cases = [(f"jnp.power(x, {n})", {"x": x}) for n in (0, 1, 2, 3, 5)]
    cases += [("jnp.power(x, -1)", {"x": x}), ("jnp.power(x, -2)", {"x": np.float32(x)})]
    cases += [("jnp.power(x, y)", {"x": x, "y": np.array([0, 1, 2, 3, 4, 5, -1], np.int32)})]
    cases += [("jnp.power(x, y)", {"x": x.astype(np.uint8) % 4, "y": np.array([0, 1, 2, 3, 4, 5, 6], np.uint8)})]
    cases += [("jnp.power(2, x)", {"x": np.abs(x)}), ("jnp.power(2.0, x)", {"x": x}),
              ("x ** 2", {"x": np.float16(x)})]
    check(oracle, cases)


def test_ternary_and_misc(oracle):
    x = make("float32", (2, 3), 1)
    i = make("int32", (2, 3), 2)
    cases = [
        ("jnp.clip(x, -1, 1)", {"x": x}), ("jnp.clip(x, min=0.5)", {"x": x}),
        ("jnp.clip(x, max=0)", {"x": x}), ("jnp.clip(i, -1, 2.5)", {"i": i}),
        ("jnp.clip(i, np.int8(-1), np.int8(2))", {"i": i}), ("jnp.clip(2.0, 0, 1)", {}),
        ("jnp.clip(x, y, 1)", {"x": x, "y": make("float32", (3,), 4)}),
        ("jnp.nan_to_num(x, nan=1.0, posinf=2.0, neginf=-2.0)",
         {"x": np.array([np.nan, np.inf, -np.inf, 1.0], np.float32)}),
        ("jnp.nan_to_num(x)", {"x": np.array([np.nan, np.inf, -np.inf, 1.0], np.float16)}),
        ("jnp.ldexp(x, i)", {"x": x, "i": i}), ("jnp.ldexp(1.0, 3)", {}),
        ("jnp.ldexp(x, i)", {"x": make("float16", (4,), 3), "i": np.array([1, -2, 3, 0], np.int32)}),
        ("jnp.ldexp(x, 1.5)", {"x": x}),
        ("jnp.frexp(x)", {"x": np.array([0.0, 1.0, -3.5, 1e-3, 1024.0, np.inf], np.float32)}),
        ("jnp.frexp(x)", {"x": np.array([1, 2, 3], np.int32)}),
        ("jnp.angle(x, deg=True)", {"x": x}), ("jnp.angle(3)", {}),
        ("jnp.gcd(i, 0)", {"i": i}), ("jnp.lcm(i, 6)", {"i": i}), ("jnp.gcd(x, x)", {"x": x}),
        ("jnp.logical_and(x, i)", {"x": x, "i": i}), ("jnp.bitwise_and(x, x)", {"x": x}),
        ("jnp.add(x, y)", {"x": make("float32", (2, 3)), "y": make("float32", (4,))}),
        ("jnp.add(x, [1, 2, 3])", {"x": x}),
        ("jnp.fabs(x)", {"x": x}), ("jnp.fabs(i)", {"i": i}), ("jnp.fabs(x)", {"x": make("complex64", (2,))}),
        ("jnp.iscomplex(x)", {"x": make("complex64", (3,))}), ("jnp.isreal(x)", {"x": np.array([1, 1j], np.complex64)}),
        ("jnp.isreal(i)", {"i": i}), ("jnp.iscomplexobj(x)", {"x": x}), ("jnp.iscomplexobj(1j)", {}),
        ("jnp.isrealobj(x)", {"x": make("complex64", (2,))}),
        ("jnp.spacing(x)", {"x": np.array([0.0, -0.0, 1.0, -3.0, 1e30], np.float32)}),
        ("jnp.spacing(x)", {"x": make("float16", (3,))}), ("jnp.spacing(2)", {}),
        ("jnp.i0(x)", {"x": np.array([0.0, -0.5, 2.0, 14.0, 16.0, 40.0, 85.0, np.inf], np.float32)}),
        ("jnp.i0(x)", {"x": make("bfloat16", (3,))}), ("jnp.i0(1)", {}), ("jnp.i0(x)", {"x": make("complex64", (2,))}),
    ]
    check(oracle, cases)


def test_x64(oracle):
    cases = []
    for dt in ("int64", "float64", "uint32", "float32", "complex128"):
        x = make(dt, (3,), 1)
        for n in ("abs", "exp", "floor", "isnan"):
            cases.append((f"jnp.{n}(x)", {"x": x}))
        cases.append(("jnp.add(x, 1)", {"x": x}))
        cases.append(("jnp.floor_divide(x, 2)", {"x": x}))
        cases.append(("jnp.power(x, 2)", {"x": x}))
    cases += [("jnp.add(1, 2.0)", {}), ("jnp.sqrt(2)", {}), ("jnp.multiply(2, 3)", {})]
    check(oracle, cases, x64=True)


def test_jit_matches_eager():
    f = xjax.jit(lambda a, b: xnp.floor_divide(a, b) + xnp.remainder(a, b) * xnp.power(a, 2)
                 + xnp.hypot(xnp.float32(1.0), 2.0) + xnp.round(a * 0.37, 1))
    a = xnp.asarray(np.array([-7, 3, 5, -1], np.int32))
    b = xnp.asarray(np.array([2, -2, 3, 4], np.int32))
    np.testing.assert_allclose(np.asarray(f(a, b)), np.asarray(f.__wrapped__(a, b)) if hasattr(f, "__wrapped__")
                               else np.asarray(
                                   xnp.floor_divide(a, b) + xnp.remainder(a, b) * xnp.power(a, 2)
                                   + xnp.hypot(xnp.float32(1.0), 2.0) + xnp.round(a * 0.37, 1)), rtol=1e-6)


def test_errors(oracle):
    x = make("float32", (2, 3))
    cases = [
        ("jnp.add(x, y)", {"x": x, "y": make("float32", (2,))}),
        ("jnp.sin([1.0, 2.0])", {}),
        ("jnp.bitwise_and(x, x)", {"x": x}),
        ("jnp.power(x, -1)", {"x": make("int32", (3,))}),
        ("jnp.left_shift(x, 1)", {"x": x}),
        ("jnp.floor(x)", {"x": make("complex64", (2,))}),
        ("jnp.hypot(x, x)", {"x": make("complex64", (2,))}),
    ]
    check(oracle, cases)
