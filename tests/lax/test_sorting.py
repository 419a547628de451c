"""lax.sort / sort_key_val / top_k vs real JAX (NaN and -0.0 order) and NumPy (stable sorts)."""

from __future__ import annotations

import numpy as np

import xjax
from tests.lax._cases import DTYPES, check_cases, match_jax_test, rand
from xjax import lax
from xjax._src.core import check_jaxpr

NAN = np.nan
SPECIAL = np.array([1, NAN, -0.0, 0.0, -NAN, -np.inf, 3, 0.0, np.inf, -0.0, NAN, 1], np.float32)


def _cases() -> list[tuple[str, dict]]:
    c: list[tuple[str, dict]] = []

    def add(expr: str, **inputs: np.ndarray) -> None:
        c.append((expr, inputs))

    shapes = [((7,), -1), ((3, 4), 0), ((0,), 0), ((2, 0), 1), ((2, 5), 1)]
    for k, dt in enumerate(DTYPES):
        shape, dim = shapes[k % len(shapes)]
        add(f"lax.sort(x, {dim})", x=rand(shape, dt, k))
    idx = np.arange(SPECIAL.size, dtype=np.int32)
    for dt in [np.float32, np.float16, DTYPES[6]]:
        add("lax.sort_key_val(x, i)", x=SPECIAL.astype(dt), i=idx)
    z = np.empty(SPECIAL.size, np.complex64)
    z.real, z.imag = SPECIAL, SPECIAL[::-1]
    add("lax.sort_key_val(z, i)", z=z, i=idx)
    add("lax.sort((k1, k2, v), num_keys=2)", k1=rand((3, 6), np.int8, 1),
        k2=rand((3, 6), np.float32, 2), v=rand((3, 6), np.uint32, 3))
    add("lax.sort([k1, v], dimension=0)", k1=rand((6, 2), np.bool_, 1), v=rand((6, 2), np.int16, 3))
    add("lax.sort(x, is_stable=False)", x=np.array([3, 1, 2, -5], np.int32))
    add("lax.sort_key_val(x, v, 0)", x=rand((5, 2), np.uint8, 4), v=rand((5, 2), np.float32, 5))
    add("lax.sort(x)", x=np.zeros((), np.float32))
    add("lax.sort(x, 2)", x=np.zeros((2, 2), np.float32))
    add("lax.sort([x, y])", x=np.zeros((2,), np.float32), y=np.zeros((3,), np.float32))
    add("lax.sort([x, x], num_keys=3)", x=np.zeros((2,), np.float32))
    add("lax.sort(x, num_keys=2)", x=np.zeros((2,), np.float32))

    for k, dt in enumerate([d for d in DTYPES if d.kind != "c"]):
        shape, kk = [((7,), 3), ((3, 4), 4), ((2, 5), 0), ((0,), 0), ((4,), 1)][k % 5]
        add(f"lax.top_k(x, {kk})", x=rand(shape, dt, k))
    add("lax.top_k(x, 5)", x=SPECIAL)
    add("lax.top_k(x, 2, axis=0)", x=rand((4, 3), np.int32, 9))
    add("lax.top_k(x, 3)", x=np.array([2, 1, 2, 2, 1], np.int8))
    add("lax.top_k(x, 4)", x=np.zeros(3, np.float32))
    add("lax.top_k(x, -1)", x=np.zeros(3, np.float32))
    add("lax.top_k(x, 1)", x=np.zeros(3, np.complex64))
    add("lax.top_k(x, 0)", x=np.zeros((), np.float32))
    return c


CASES = _cases()


test_sorting_matches_jax = match_jax_test(CASES, jit=lambda k, expr: k % 2 == 0)


def test_sort_is_stable_like_numpy():
    x = rand((4, 9), np.int8, 7)
    v = np.broadcast_to(np.arange(9, dtype=np.int32), x.shape)
    k, i = lax.sort_key_val(x, v, 1)
    np.testing.assert_array_equal(i, np.argsort(x, 1, kind="stable"))
    np.testing.assert_array_equal(k, np.sort(x, 1, kind="stable"))
    np.testing.assert_array_equal(lax.sort(x, 0), np.sort(x, 0))


def test_sort_jaxpr_typechecks():
    def f(x, y):
        return lax.sort([x, y], num_keys=2), lax.top_k(x, 2)

    x, y = rand((3, 4), np.float32, 1), rand((3, 4), np.int32, 2)
    jaxpr = xjax.make_jaxpr(f)(x, y).jaxpr
    check_jaxpr(jaxpr)
    assert [e.primitive.name for e in jaxpr.eqns] == ["sort", "top_k"]


def test_sorting_x64(oracle):
    f = np.array([3.0, NAN, -0.0, 0.0, -1.0])
    cases = [("lax.sort_key_val(f, i)", {"f": f, "i": np.arange(5)}),
             ("lax.top_k(f, 2)", {"f": f}),
             ("lax.sort(u)", {"u": np.array([5, 2**40, 1], np.uint64)})]
    check_cases(oracle, cases, x64=True, jit=True)
