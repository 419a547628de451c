"""lax structural ops vs real JAX: broadcast_in_dim, broadcast, reshape, transpose, squeeze,
expand_dims, rev, pad, concatenate, iota, broadcasted_iota, collapse, full, full_like."""

from __future__ import annotations

import numpy as np
import pytest

import xjax
from tests.lax._cases import DTYPES, check_cases, match_jax_test, rand
from tests.oracle import assert_matches
from xjax import lax
from xjax._src.core import check_jaxpr


def _dt(i: int) -> np.dtype:
    return DTYPES[i % len(DTYPES)]


def _cases() -> list[tuple[str, dict]]:
    c: list[tuple[str, dict]] = []

    def add(expr: str, **inputs: np.ndarray) -> None:
        c.append((expr, inputs))

    i = 0
    for shape, perm in [((), ()), ((2, 3, 4), (2, 0, 1)), ((0, 3), (1, 0)), ((3, 1), (1, 0))]:
        for _ in range(2):
            add(f"lax.transpose(x, {perm})", x=rand(shape, _dt(i), i))
            i += 1
    add("lax.transpose(x, (0, 0))", x=rand((2, 2), np.float32))
    add("lax.transpose(x, (0,))", x=rand((2, 2), np.float32))
    for shape, dims in [((1, 3, 1), (0, -1)), ((1,), (0,)), ((1, 0), (0,)), ((2, 1), ())]:
        add(f"lax.squeeze(x, {dims})", x=rand(shape, _dt(i), i))
        i += 1
    add("lax.squeeze(x, (1,))", x=rand((2, 3), np.float32))
    add("lax.squeeze(x, (2,))", x=rand((2, 1), np.float32))
    for shape, dims in [((3,), (0, 2)), ((), (0,)), ((2, 0), (-1,)), ((2, 3), (1,))]:
        add(f"lax.expand_dims(x, {dims})", x=rand(shape, _dt(i), i))
        i += 1
    add("lax.expand_dims(x, (0, 0))", x=rand((2,), np.float32))
    add("lax.expand_dims(x, (3,))", x=rand((2,), np.float32))
    for shape, dims in [((2, 3), (0, 1)), ((0,), (0,)), ((), ()), ((2, 3, 2), (1,))]:
        add(f"lax.rev(x, {dims})", x=rand(shape, _dt(i), i))
        i += 1
    add("lax.rev(x, (0, 0))", x=rand((2,), np.float32))
    add("lax.rev(x, (1,))", x=rand((2,), np.float32))
    for shape, cfg in [((3,), [(1, 2, 1)]), ((2, 3), [(-1, 1, 0), (0, -2, 2)]),
                       ((0,), [(2, 1, 3)]), ((), []), ((4, 1), [(-2, -2, 0), (1, 0, 5)])]:
        for _ in range(2):
            dt = _dt(i)
            add(f"lax.pad(x, v, {cfg})", x=rand(shape, dt, i), v=rand((), dt, i + 1))
            i += 1
    x = rand((3,), np.float32)
    add("lax.pad(x, 0.0, [(1, 1, 0)])", x=x)
    add("lax.pad(x, np.int32(0), [(1, 1, 0)])", x=x)
    add("lax.pad(x, np.zeros(2, np.float32), [(1, 1, 0)])", x=x)
    add("lax.pad(x, np.float32(0), [(1, 1, -1)])", x=x)
    add("lax.pad(x, np.float32(0), [(-2, -2, 0)])", x=x)
    add("lax.pad(x, np.float32(0), [(1, 1, 0), (0, 0, 0)])", x=x)
    for shapes, dim in [([(2, 3), (1, 3), (0, 3)], 0), ([(2, 1), (2, 3)], 1), ([(4,)], 0),
                        ([(2, 0, 2), (2, 1, 2)], 1)]:
        dt = _dt(i)
        arrs = {f"a{k}": rand(s, dt, i + k) for k, s in enumerate(shapes)}
        add(f"lax.concatenate([{', '.join(arrs)}], {dim})", **arrs)
        i += 1
    a, b = rand((2, 3), np.float32), rand((2, 4), np.float32)
    add("lax.concatenate([a, b], 0)", a=a, b=b)
    add("lax.concatenate([a, b], 2)", a=a, b=b)
    add("lax.concatenate([a, b.astype(np.int32)], 1)", a=a, b=b)
    add("lax.concatenate([a, b[0]], 0)", a=a, b=b)
    add("lax.concatenate([], 0)")
    for dt in ["np.int32", "np.float32", "ml_dtypes.bfloat16", "np.uint8", "np.complex64"]:
        add(f"lax.iota({dt}, 5)")
    add("lax.iota(np.int16, 0)")
    add("lax.broadcasted_iota(np.int8, (2, 3), 1)")
    add("lax.broadcasted_iota(np.float16, (2, 0, 3), 2)")
    add("lax.broadcasted_iota(np.int32, (2, 3), -2)")
    add("lax.broadcasted_iota(np.int32, (2, 3), 2)")
    y = rand((2, 3, 4), np.int32)
    for args in ["1", "0, 2", "0, 3", "1, -1", "2, 2"]:
        add(f"lax.collapse(y, {args})", y=y)
    for expr in ["lax.full((2, 3), 1.5)", "lax.full((), 3, np.int8)", "lax.full((2,), True)",
                 "lax.full((0, 2), 2.0, ml_dtypes.bfloat16)", "lax.full((3,), np.float16(2))",
                 "lax.full((2,), 1 + 2j, np.complex64)", "lax.full((2,), np.zeros(2))"]:
        add(expr)
    for k, (shape, dt) in enumerate([((2, 3), np.float32), ((), np.int8), ((0,), np.bool_)]):
        z = rand(shape, dt, k)
        add("lax.full_like(z, 2)", z=z)
        add("lax.full_like(z, 1, np.float16, (3,))", z=z)
    add("lax.full_like(1.0, 2)")
    for shape, out, dims in [((3,), (2, 3), (1,)), ((), (2, 2), ()), ((1, 3), (0, 3), (0, 1)),
                             ((2, 1), (2, 4, 5), (0, 1))]:
        add(f"lax.broadcast_in_dim(x, {out}, {dims})", x=rand(shape, _dt(i), i))
        i += 1
    add("lax.broadcast_in_dim(x, (2, 3), (0,))", x=rand((3,), np.float32))
    add("lax.broadcast(x, (2, 0))", x=rand((3,), np.int8))
    for shape, new, dims in [((2, 3), (3, 2), None), ((2, 3), (6,), (1, 0)), ((), (1, 1), None),
                             ((0, 3), (3, 0), None), ((2, 3, 4), (4, 6), (2, 0, 1))]:
        add(f"lax.reshape(x, {new}, {dims})", x=rand(shape, _dt(i), i))
        i += 1
    add("lax.reshape(x, (4,), None)", x=rand((2, 3), np.float32))
    return c


CASES = _cases()


test_shape_ops_match_jax = match_jax_test(CASES, jit=lambda k, expr: True)


def test_shape_ops_x64(oracle):
    x = np.arange(6, dtype=np.int64).reshape(2, 3)
    f = np.linspace(-1, 1, 6).reshape(3, 2)
    cases = [("lax.transpose(x, (1, 0))", {"x": x}), ("lax.pad(f, -1.0, [(1, 0, 1), (0, 1, 0)])", {"f": f}),
             ("lax.concatenate([x, x], 1)", {"x": x}), ("lax.iota(np.int64, 3)", {}),
             ("lax.full((2,), 1.5)", {}), ("lax.full_like(f, 3)", {"f": f}),
             ("lax.rev(c, (0,))", {"c": f.astype(np.complex128)})]
    check_cases(oracle, cases, x64=True)


def test_shape_ops_values_vs_numpy():
    x = rand((2, 3, 4), np.float32)
    np.testing.assert_array_equal(lax.transpose(x, (2, 0, 1)), np.transpose(x, (2, 0, 1)))
    np.testing.assert_array_equal(lax.rev(x, (0, 2)), x[::-1, :, ::-1])
    np.testing.assert_array_equal(lax.concatenate([x, x[:1]], 0), np.concatenate([x, x[:1]], 0))
    np.testing.assert_array_equal(lax.pad(x, np.float32(7), [(0, 0, 0), (1, 1, 0), (0, 0, 0)]),
                                  np.pad(x, [(0, 0), (1, 1), (0, 0)], constant_values=7))
    np.testing.assert_array_equal(lax.broadcasted_iota(np.int32, (3, 4), 0),
                                  np.broadcast_to(np.arange(3)[:, None], (3, 4)))


def test_traced_shape_is_an_error():
    def f(n):
        return lax.full((n,), 1.0)

    with pytest.raises(xjax.errors.ConcretizationTypeError if hasattr(xjax, "errors") else Exception,
                       match="lax.full"):
        xjax.jit(f)(3)


def test_jaxpr_has_primitives():
    def f(x):
        y = lax.squeeze(lax.expand_dims(x, (0,)), (0,))
        return lax.concatenate([lax.rev(lax.transpose(x, (1, 0)), (0,)),
                                lax.pad(lax.reshape(y, (3, 2)), 0.0, [(0, 0, 0), (0, 0, 0)])], 0)

    x = rand((2, 3), np.float32)
    jaxpr = xjax.make_jaxpr(f)(x).jaxpr
    check_jaxpr(jaxpr)
    names = {e.primitive.name for e in jaxpr.eqns}
    assert {"transpose", "rev", "pad", "concatenate"} <= names, names
    assert_matches(xjax.jit(f)(x), _np_like(f(x)))


def _np_like(a):
    from tests.oracle import OracleArray

    return OracleArray(np.asarray(a), np.asarray(a).dtype, False)
