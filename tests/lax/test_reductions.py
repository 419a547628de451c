"""lax reductions vs real JAX and NumPy: reduce_*, argmax/argmin, cumsum/cumprod/cummax/cummin."""

from __future__ import annotations

import numpy as np

from tests.lax._cases import DTYPES, check_cases, match_jax_test, rand
from xjax import lax

NAN = np.float32(np.nan)


def _cases() -> list[tuple[str, dict]]:
    c: list[tuple[str, dict]] = []

    def add(expr: str, **inputs: np.ndarray) -> None:
        c.append((expr, inputs))

    shapes = [((3, 4), (1,)), ((), ()), ((2, 0, 3), (0, 2)), ((5,), (0,)), ((2, 3), (0, 1))]
    for k, dt in enumerate(DTYPES):
        shape, axes = shapes[k % len(shapes)]
        x = rand(shape, dt, k)
        for op in ["sum", "prod", "max", "min"] if dt != np.bool_ else ["max", "min"]:
            add(f"lax.reduce_{op}(x, {axes})", x=x)
        if dt == np.bool_ or dt.kind in "iu":
            for op in ["and", "or", "xor"]:
                add(f"lax.reduce_{op}(x, {axes})", x=x)
    add("lax.reduce_sum(x, (2,))", x=rand((2, 3), np.float32))
    add("lax.reduce_and(x, (0,))", x=rand((2, 3), np.float32))
    add("lax.reduce_max(x, (0,))", x=np.array([[1, NAN], [NAN, 2]], np.float32))

    # argmax / argmin: NaN wins, ties keep the first index.
    nanx = np.array([[1, NAN, 3, NAN], [2, 2, -1, -1], [0.0, -0.0, 0.0, -0.0],
                     [-np.inf, -np.inf, NAN, 5]], np.float32)
    for op in ["argmax", "argmin"]:
        add(f"lax.{op}(x, 1, np.int32)", x=nanx)
        add(f"lax.{op}(x, 0, np.int8)", x=nanx)
        add(f"lax.{op}(x, 0, np.uint8)", x=nanx.astype(np.float16))
        for k, dt in enumerate([np.bool_, np.int8, np.uint32, np.int16, DTYPES[6], np.float32]):
            shape, axis = [((7,), 0), ((3, 4), 1), ((3, 4), 0), ((2, 0), 0), ((1,), 0)][k % 5]
            add(f"lax.{op}(x, {axis}, np.int32)", x=rand(shape, dt, 10 + k))
    add("lax.argmax(x, 0, np.int32)", x=np.zeros((0, 2), np.float32))
    add("lax.argmax(x, 0, np.float32)", x=np.zeros((3,), np.float32))
    add("lax.argmin(x, -1, np.int32)", x=np.zeros((3,), np.float32))
    add("lax.argmin(x, 1, np.int32)", x=np.zeros((3,), np.float32))
    add("lax.argmax(x, 0, np.int32)", x=np.zeros((3,), np.complex64))

    # cumulative ops
    cum_shapes = [((5,), 0), ((3, 4), 1), ((0,), 0), ((2, 0, 3), 2), ((2, 3), 0), ((4, 1), 1)]
    k = 0
    for dt in DTYPES[1:]:
        for op in ["cumsum", "cumprod", "cummax", "cummin"]:
            shape, axis = cum_shapes[k % len(cum_shapes)]
            add(f"lax.{op}(x, {axis}, {bool(k % 2)})", x=rand(shape, dt, k))
            k += 1
    add("lax.cumsum(x)", x=rand((6,), np.int32))
    add("lax.cummax(x, 0)", x=np.array([1, NAN, 3, 0], np.float32))
    add("lax.cummin(x, 0, reverse=True)", x=np.array([1, NAN, 3, 0], np.float32))
    add("lax.cumsum(x, 0)", x=np.ones(3, bool))
    add("lax.cumsum(x, -1)", x=np.ones(3, np.float32))
    add("lax.cumprod(x, 1)", x=np.ones(3, np.float32))

    # generic reduce: monoids become reduce_* (JAX's choice), anything else a `reduce` region.
    x, i = rand((3, 4), np.float32, 1), np.broadcast_to(np.arange(4, dtype=np.int32), (3, 4))
    add("lax.reduce(x, 0.0, lax.add, (1,))", x=x)
    add("lax.reduce(x, np.float32(1), lax.mul, [0])", x=x)
    add("lax.reduce(x, np.float32(-np.inf), lax.max, (0, 1))", x=x)
    add("lax.reduce(x, np.float32(0.5), lax.add, (0,))", x=x)
    add("lax.reduce(b, True, lax.bitwise_and, (0,))", b=rand((3, 2), np.bool_, 2))
    add("lax.reduce(x, np.int8(3), lax.max, (1,))", x=rand((2, 3), np.int8, 3))
    add("lax.reduce((x, i), (np.float32(-np.inf), np.int32(0)), "
        "lambda a, b: (lax.max(a[0], b[0]), lax.max(a[1], b[1])), (1,))", x=x, i=i)
    add("lax.reduce({'a': x}, {'a': np.float32(2)}, "
        "lambda p, q: {'a': lax.min(p['a'], q['a'])}, (0,))", x=x)
    add("lax.reduce(e, np.float32(7), lambda a, b: lax.add(a, b), (0,))",
        e=np.zeros((0, 2), np.float32))
    add("lax.reduce((x, x), 0.0, lax.add, (0,))", x=x)
    add("lax.reduce(x, np.int32(0), lambda a, b: lax.add(a, b), (0,))", x=x)
    add("lax.reduce(x, np.float32(0), lambda a, b: lax.add(a, b), (2,))", x=x)
    return c


CASES = _cases()


test_reductions_match_jax = match_jax_test(CASES, jit=lambda k, expr: k % 3 == 0)


def test_reductions_x64(oracle):
    x = np.arange(12, dtype=np.int64).reshape(3, 4) - 5
    f = np.array([[1.0, np.nan, 2.0], [0.5, 0.5, -1.0]])
    cases = [("lax.cumsum(x, 1)", {"x": x}), ("lax.cumprod(f, 1, True)", {"f": f}),
             ("lax.argmax(f, 1, np.int64)", {"f": f}), ("lax.argmin(x, 0, np.int64)", {"x": x}),
             ("lax.reduce_sum(c, (0,))", {"c": f.astype(np.complex128)}),
             ("lax.cummax(u, 0)", {"u": x.astype(np.uint64)})]
    check_cases(oracle, cases, x64=True, jit=True)


def test_cumulative_vs_numpy():
    x = rand((3, 5), np.int32, 3)
    np.testing.assert_array_equal(lax.cumsum(x, 1), np.cumsum(x, 1))
    np.testing.assert_array_equal(lax.cumprod(x, 0), np.cumprod(x, 0))
    np.testing.assert_array_equal(lax.cummax(x, 1), np.maximum.accumulate(x, 1))
    np.testing.assert_array_equal(lax.cummin(x, 1, reverse=True),
                                  np.minimum.accumulate(x[:, ::-1], 1)[:, ::-1])
    np.testing.assert_array_equal(lax.argmax(x, 1, np.int32), np.argmax(x, 1))
    np.testing.assert_array_equal(lax.argmin(x, 0, np.int32), np.argmin(x, 0))
