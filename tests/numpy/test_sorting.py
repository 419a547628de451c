"""Differential tests of xjax.numpy sorting, searching and set functions against JAX."""

from __future__ import annotations

import numpy as np
import pytest

import xjax
import xjax.numpy as xnp
from tests._util import check, make
from tests.oracle import assert_matches

pytestmark = pytest.mark.oracle


def _with_specials(x: np.ndarray) -> np.ndarray:
    x = x.copy()
    if x.dtype.kind == "f" or x.dtype.name == "bfloat16":
        flat = x.reshape(-1)
        flat[:4] = np.array([np.nan, -0.0, np.inf, 0.0]).astype(x.dtype)
    return x


def test_sort_argsort(oracle):
    cases = []
    for i, dt in enumerate(["bool", "int8", "int32", "uint8", "bfloat16", "float16", "float32"]):
        x = _with_specials(make(dt, (3, 5), seed=i))
        cases += [
            ("jnp.sort(x)", {"x": x}),
            ("jnp.argsort(x, axis=0)", {"x": x}),
            ("jnp.sort(x, axis=None, descending=True)", {"x": x}),
            ("jnp.argsort(x, descending=True)", {"x": x}),
        ]
    x = make("int32", (4, 6))
    cases += [
        ("jnp.sort(x, axis=-2)", {"x": x}),
        ("jnp.argsort(x, axis=None)", {"x": x}),
        ("jnp.argsort(x, stable=False) * 0", {"x": x}),
        ("jnp.sort(x[:, :0])", {"x": x}),
        ("jnp.sort(3.0)", {}),
        ("jnp.sort(x, axis=2)", {"x": x}),
        ("jnp.lexsort((a, b))", {"a": make("int32", (8,), seed=1) % 3, "b": make("int32", (8,), seed=2) % 2}),
        ("jnp.lexsort(k, axis=0)", {"k": make("int8", (2, 6, 2), seed=3) % 2}),
        ("jnp.lexsort(())", {}),
        ("jnp.sort_complex(x)", {"x": x}),
    ]
    check(oracle, cases)


def test_partition(oracle):
    x = make("float32", (3, 7))
    i = make("int32", (6, 2))
    cases = [
        ("jnp.partition(x, 2)", {"x": x}),
        ("jnp.partition(x, -1)", {"x": x}),
        ("jnp.partition(i, 3, axis=0)", {"i": i}),
        ("jnp.argpartition(x, 2)", {"x": x}),
        ("jnp.argpartition(x, 0)", {"x": x}),
        ("jnp.argpartition(i, 4, axis=0)", {"i": i}),
        ("jnp.partition(x, 9)", {"x": x}),
    ]
    check(oracle, cases)


def test_searchsorted_digitize(oracle):
    a = np.sort(make("float32", (12,), seed=1))
    a[3] = a[4]
    v = make("float32", (2, 5), seed=2)
    v[0, 0] = a[3]
    ai = np.sort(make("int32", (9,), seed=3))
    cases = [
        ("jnp.searchsorted(a, v)", {"a": a, "v": v}),
        ("jnp.searchsorted(a, v, side='right')", {"a": a, "v": v}),
        ("jnp.searchsorted(a, 0.5)", {"a": a}),
        ("jnp.searchsorted(a, v, method='sort')", {"a": ai, "v": make("int32", (7,), seed=4)}),
        ("jnp.searchsorted(a, v, method='compare_all', side='right')", {"a": ai, "v": ai}),
        ("jnp.searchsorted(a, v)", {"a": a[:0], "v": v}),
        ("jnp.searchsorted(a, v)", {"a": ai, "v": v}),
        ("jnp.searchsorted(a, v, sorter=s)", {"a": a[::-1].copy(), "v": v, "s": np.arange(11, -1, -1)}),
        ("jnp.searchsorted(a, v, side='middle')", {"a": a, "v": v}),
        ("jnp.searchsorted(v, a)", {"a": a, "v": v}),
        ("jnp.digitize(v, a)", {"a": a, "v": v}),
        ("jnp.digitize(v, a, right=True)", {"a": a, "v": v}),
        ("jnp.digitize(v, a[::-1])", {"a": a, "v": v}),
        ("jnp.digitize(v, a[:0])", {"a": a, "v": v}),
        ("jnp.digitize(i, a)", {"a": ai, "i": make("int32", (4,), seed=5)}),
    ]
    check(oracle, cases)


def test_nonzero_family(oracle):
    m = make("int32", (3, 4), seed=1) % 3
    b = make("bool", (5,), seed=2)
    cases = [
        ("jnp.nonzero(m)", {"m": m}),
        ("jnp.nonzero(m, size=12)", {"m": m}),
        ("jnp.nonzero(m, size=3, fill_value=-1)", {"m": m}),
        ("jnp.nonzero(m, size=14, fill_value=(7, 8))", {"m": m}),
        ("jnp.nonzero(b)", {"b": b}),
        ("jnp.nonzero(b[:0])", {"b": b}),
        ("jnp.nonzero(f)", {"f": np.array([0.0, -0.0, 1.5, np.nan], np.float32)}),
        ("jnp.nonzero(3)", {}),
        ("jnp.argwhere(m)", {"m": m}),
        ("jnp.argwhere(m, size=10, fill_value=-1)", {"m": m}),
        ("jnp.argwhere(b)", {"b": b}),
        ("jnp.argwhere(3)", {}),
        ("jnp.argwhere(0.0)", {}),
        ("jnp.flatnonzero(m)", {"m": m}),
        ("jnp.flatnonzero(m, size=2)", {"m": m}),
    ]
    check(oracle, cases)


def test_unique(oracle):
    u = make("int32", (12,), seed=1) % 5
    f = np.array([3.0, np.nan, 1.0, 3.0, np.nan, -0.0, 0.0], np.float32)
    m = make("int8", (6, 3), seed=2) % 2
    cases = [
        ("jnp.unique(u)", {"u": u}),
        ("jnp.unique(u, return_index=True, return_inverse=True, return_counts=True)", {"u": u}),
        ("jnp.unique(u, size=8, return_index=True, return_inverse=True, return_counts=True)", {"u": u}),
        ("jnp.unique(u, size=3, return_counts=True)", {"u": u}),
        ("jnp.unique(u, size=8, fill_value=-1)", {"u": u}),
        ("jnp.unique(m, return_inverse=True)", {"m": m}),
        ("jnp.unique(f)", {"f": f}),
        ("jnp.unique(f, equal_nan=False)", {"f": f}),
        ("jnp.unique(u[:0])", {"u": u}),
        ("jnp.unique(u[:0], return_counts=True)", {"u": u}),
        ("jnp.unique(m, axis=0)", {"m": m}),
        ("jnp.unique(m, axis=1, return_counts=True)", {"m": m}),
        ("jnp.unique(2.0)", {}),
        ("jnp.unique_values(u)", {"u": u}),
        ("jnp.unique_counts(u)", {"u": u}),
        ("jnp.unique_inverse(u)", {"u": u}),
        ("jnp.unique_all(u)", {"u": u}),
    ]
    check(oracle, cases)


def test_sets_isin_bincount(oracle):
    a = make("int32", (10,), seed=1) % 6
    b = np.array([1, 2, 7, 2], np.int32)
    f = make("float32", (3, 4), seed=2).round()
    cases = [
        ("jnp.isin(a, b)", {"a": a, "b": b}),
        ("jnp.isin(f, b, invert=True)", {"f": f, "b": b}),
        ("jnp.isin(f, b[:0])", {"f": f, "b": b}),
        ("jnp.isin(2, b)", {"b": b}),
        ("jnp.setdiff1d(a, b)", {"a": a, "b": b}),
        ("jnp.setdiff1d(a, b, size=6, fill_value=0)", {"a": a, "b": b}),
        ("jnp.setdiff1d(a, b, size=6)", {"a": a, "b": b}),
        ("jnp.union1d(a, b)", {"a": a, "b": b}),
        ("jnp.union1d(a, b, size=9)", {"a": a, "b": b}),
        ("jnp.intersect1d(a, b)", {"a": a, "b": b}),
        ("jnp.intersect1d(a, b, size=4, fill_value=-9)", {"a": a, "b": b}),
        ("jnp.setxor1d(a, b)", {"a": a, "b": b}),
        ("jnp.bincount(a)", {"a": a}),
        ("jnp.bincount(a, minlength=9)", {"a": a}),
        ("jnp.bincount(a, length=3)", {"a": a}),
        ("jnp.bincount(a, weights=w)", {"a": a, "w": make("float32", (10,), seed=3)}),
        ("jnp.bincount(a, weights=w)", {"a": a, "w": make("int8", (10,), seed=3)}),
        ("jnp.bincount(a[:0])", {"a": a}),
        ("jnp.bincount(f)", {"f": f}),
    ]
    check(oracle, cases)


def test_size_required_under_jit(oracle):
    from xjax._src.errors import ConcretizationTypeError

    u = make("int32", (8,)) % 3
    for fn in (lambda x: xnp.unique(x), lambda x: xnp.nonzero(x), lambda x: xnp.bincount(x)):
        with pytest.raises(ConcretizationTypeError, match=r"(?s)jnp\.\w+.*(size|length)"):
            xjax.jit(fn)(u)
    want = oracle.exec("out = [jax.jit(jnp.unique)(x)]", x=u)
    assert want.type_name in ("ConcretizationTypeError", "TracerIntegerConversionError") or \
        "Concretization" in want.message
    got = xjax.jit(lambda x: xnp.unique(x, size=4, fill_value=9, return_counts=True))(u)
    assert_matches(list(got), oracle.eval(
        "list(jax.jit(lambda x: jnp.unique(x, size=4, fill_value=9, return_counts=True))(x))", x=u))
    got = xjax.jit(lambda x: xnp.argwhere(x, size=6))(u)
    assert_matches(got, oracle.eval("jax.jit(lambda x: jnp.argwhere(x, size=6))(x)", x=u))


def test_jit_matches_eager():
    x = make("float32", (4, 6))

    def f(x):
        return (xnp.sort(x, axis=0), xnp.argsort(x, descending=True), xnp.searchsorted(xnp.sort(x[0]), x[1]),
                xnp.partition(x, 2), xnp.isin(x, x[0]), xnp.intersect1d(x[0], x[0][::2], size=4),
                xnp.setxor1d(x[0], x[1], size=12), xnp.unique(x, size=30, return_counts=True)[1])

    for e, j in zip(f(x), xjax.jit(f)(x)):
        np.testing.assert_array_equal(np.asarray(e), np.asarray(j))


def test_x64(oracle):
    x = make("float64", (3, 5))
    i = make("int64", (9,)) % 4
    cases = [
        ("jnp.argsort(x)", {"x": x}),
        ("jnp.sort(x, axis=0)", {"x": x}),
        ("jnp.searchsorted(jnp.sort(x[0]), x[1])", {"x": x}),
        ("jnp.unique(i, return_counts=True, return_inverse=True)", {"i": i}),
        ("jnp.nonzero(i)", {"i": i}),
        ("jnp.bincount(i)", {"i": i}),
    ]
    check(oracle, cases, x64=True)
