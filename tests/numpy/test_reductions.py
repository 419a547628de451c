"""Differential tests of xjax.numpy reductions against JAX (values, dtypes, weak types, errors)."""

from __future__ import annotations

import numpy as np
import pytest

import xjax
import xjax.numpy as xnp
from tests._util import check, make
from tests.numpy.test_ufuncs import DTYPES

pytestmark = pytest.mark.oracle

BASIC = ["sum", "prod", "max", "min", "amax", "amin", "mean", "var", "std", "all", "any",
         "argmax", "argmin", "ptp", "count_nonzero"]


@pytest.mark.parametrize("chunk", range(2))
def test_basic_dtypes(oracle, chunk):
    cases = []
    for i, name in enumerate(BASIC[chunk::2]):
        for j in range(3):
            dt = DTYPES[(3 * i + j + chunk) % len(DTYPES)]
            x = make(dt, (2, 3), seed=i + 10 * j, lo=-1.5, hi=1.5)
            cases.append((f"jnp.{name}(x)", {"x": x}))
            cases.append((f"jnp.{name}(x, axis=-1)", {"x": x}))
    check(oracle, cases)


def test_axes_keepdims(oracle):
    x = make("float32", (2, 3, 4), 1)
    i = make("int32", (2, 3, 4), 2)
    cases = []
    for name in ("sum", "max", "mean", "all"):
        for axis in (None, -1, (0, 2), ()):
            cases.append((f"jnp.{name}(x, axis={axis!r}, keepdims=True)", {"x": x}))
        cases.append((f"jnp.{name}(i, axis=1)", {"i": i}))
    for name in ("argmax", "argmin"):
        for axis in (None, 0, -1):
            cases.append((f"jnp.{name}(x, axis={axis}, keepdims=True)", {"x": x}))
            cases.append((f"jnp.{name}(i, axis={axis})", {"i": i}))
    check(oracle, cases)


def test_scalars_and_empty(oracle):
    cases = []
    for name in ("sum", "prod", "mean", "max", "min", "all", "any", "argmax", "var", "std"):
        for x in (2.5, 3, True, make("float32", ()), make("int8", ()), make("float32", (0,)),
                  make("float32", (0, 3)), make("int32", (2, 0))):
            cases.append((f"jnp.{name}(x)", {"x": x}))
        cases.append((f"jnp.{name}(x, axis=1)", {"x": make("float32", (0, 3))}))
        cases.append((f"jnp.{name}(x, axis=0)", {"x": make("float32", (0, 3))}))
    check(oracle, cases)


def test_dtype_where_initial(oracle):
    x = make("float32", (3, 4), 3)
    i8 = make("int8", (3, 4), 4)
    w = make("bool", (3, 4), 5)
    cases = [
        ("jnp.sum(x, dtype=jnp.int8)", {"x": i8}), ("jnp.sum(x, dtype=jnp.float16)", {"x": i8}),
        ("jnp.prod(x, dtype=jnp.int32)", {"x": i8}), ("jnp.mean(x, dtype=jnp.float16)", {"x": i8}),
        ("jnp.sum(x, promote_integers=False)", {"x": i8}), ("jnp.sum(x, dtype='float32')", {"x": x}),
        ("jnp.sum(x, where=w)", {"x": x, "w": w}), ("jnp.prod(x, where=w, axis=0)", {"x": x, "w": w}),
        ("jnp.mean(x, where=w, axis=1)", {"x": x, "w": w}), ("jnp.var(x, where=w)", {"x": x, "w": w}),
        ("jnp.max(x, where=w, initial=-1.0)", {"x": x, "w": w}),
        ("jnp.max(x, where=w)", {"x": x, "w": w}), ("jnp.max(x, initial=5.0)", {"x": x}),
        ("jnp.min(x, axis=0, initial=0)", {"x": i8}), ("jnp.sum(x, initial=10)", {"x": i8}),
        ("jnp.all(x, where=w)", {"x": x, "w": w}), ("jnp.any(x, axis=0, where=w)", {"x": x, "w": w}),
        ("jnp.sum(x, where=w[0])", {"x": x, "w": w}),
        ("jnp.max(x, axis=1, initial=2.0)", {"x": make("float32", (2, 0))}),
        ("jnp.var(x, ddof=1, axis=0)", {"x": x}), ("jnp.std(x, ddof=2)", {"x": x}),
        ("jnp.var(x, correction=1)", {"x": x}), ("jnp.var(x, axis=0, ddof=3)", {"x": x}),
        ("jnp.var(x)", {"x": make("complex64", (5,))}), ("jnp.std(x)", {"x": make("bfloat16", (5,))}),
        ("jnp.var(x, dtype=jnp.float16)", {"x": i8}), ("jnp.mean(x)", {"x": make("float16", (5,))}),
        ("jnp.sum(x)", {"x": make("bfloat16", (50,))}), ("jnp.mean(x)", {"x": make("uint32", (5,))}),
    ]
    check(oracle, cases)


def test_errors(oracle):
    x = make("float32", (2, 3))
    cases = [
        ("jnp.max(x)", {"x": make("float32", (0,))}), ("jnp.argmax(x)", {"x": make("float32", (0,))}),
        ("jnp.min(x, axis=0)", {"x": make("float32", (0, 2))}), ("jnp.sum(x, axis=2)", {"x": x}),
        ("jnp.sum(x, axis=(0, 0))", {"x": x}), ("jnp.max(x, where=x > 0)", {"x": x}),
        ("jnp.sum([1, 2])", {}), ("jnp.sum(x, initial=np.ones(2))", {"x": x}),
        ("jnp.var(x, ddof=1, correction=1)", {"x": x}), ("jnp.sum(x, where=x)", {"x": x}),
    ]
    check(oracle, cases)


def test_average(oracle):
    x = make("float32", (3, 4), 1)
    i = make("int32", (3, 4), 2)
    wts = np.abs(make("float32", (3, 4), 3)) + 0.1
    cases = [
        ("jnp.average(x)", {"x": x}), ("jnp.average(x, axis=1)", {"x": x}),
        ("jnp.average(i, axis=0, weights=w)", {"i": i, "w": wts}),
        ("jnp.average(x, axis=1, weights=w[0], returned=True)", {"x": x, "w": wts}),
        ("jnp.average(x, weights=w, returned=True, keepdims=True)", {"x": x, "w": wts}),
        ("jnp.average(x, axis=0, returned=True)", {"x": x}),
        ("jnp.average(x, weights=w[0])", {"x": x, "w": wts}),
    ]
    check(oracle, cases)


def test_cumulative(oracle):
    cases = []
    for j, dt in enumerate(["bool", "int8", "float16", "complex64"]):
        x = make(dt, (3, 4), j, -1.5, 1.5)
        for name in ("cumsum", "cumprod", "nancumsum", "nancumprod"):
            cases.append((f"jnp.{name}(x, axis={j % 2 - 1})", {"x": x}))
        cases.append(("jnp.cumsum(x)", {"x": x}))
        cases.append(("jnp.cumulative_sum(x, axis=0, include_initial=True)", {"x": x}))
        cases.append(("jnp.cumulative_prod(x, axis=1, include_initial=True)", {"x": x}))
    v = make("int32", (5,), 9)
    cases += [("jnp.cumsum(x, dtype=jnp.float32)", {"x": v}), ("jnp.cumulative_sum(x)", {"x": v}),
              ("jnp.cumsum(x)", {"x": make("float32", (0,))}), ("jnp.cumsum(x)", {"x": 3.0}),
              ("jnp.cumulative_sum(x)", {"x": make("float32", (2, 2))}),
              ("jnp.cumsum(x, axis=2)", {"x": v}),
              ("jnp.nancumsum(x)", {"x": np.array([1.0, np.nan, 2.0], np.float32)})]
    check(oracle, cases)


def test_nan_reductions(oracle):
    x = make("float32", (3, 4), 1)
    x[0, 1] = x[2, 3] = np.nan
    x[1, :] = np.nan
    i = make("int32", (3, 4), 2)
    cases = []
    for name in ("nansum", "nanprod", "nanmax", "nanmin", "nanmean", "nanvar", "nanstd",
                 "nanargmax", "nanargmin", "max", "argmax", "sum"):
        for axis in (None, 1):
            cases.append((f"jnp.{name}(x, axis={axis})", {"x": x}))
        cases.append((f"jnp.{name}(i, axis=0)", {"i": i}))
    cases += [("jnp.nanmax(x, axis=1, keepdims=True)", {"x": x}),
              ("jnp.nanmean(x, axis=0, keepdims=True)", {"x": x}),
              ("jnp.nanvar(x, axis=0, ddof=1)", {"x": x}),
              ("jnp.nansum(x)", {"x": make("bfloat16", (4,))})]
    check(oracle, cases)


def test_quantiles(oracle):
    x = make("float32", (4, 5), 1)
    i = make("int32", (7,), 2)
    xn = x.copy()
    xn[0, 2] = xn[3, 0] = np.nan
    cases = []
    for method in ("linear", "lower", "higher", "midpoint", "nearest"):
        cases.append((f"jnp.quantile(x, q, axis=1, method='{method}')",
                      {"x": x, "q": np.array([0.0, 0.3, 0.5, 1.0], np.float32)}))
    cases += [
        ("jnp.median(x, axis=0)", {"x": x}), ("jnp.quantile(x, 0.3)", {"x": x}),
        ("jnp.median(i)", {"i": i}), ("jnp.median(x, axis=1, keepdims=True)", {"x": x}),
        ("jnp.percentile(x, 40.0, axis=0)", {"x": x}),
        ("jnp.quantile(x, 0.5, axis=(0, 1), keepdims=True)", {"x": x}),
        ("jnp.nanmedian(x, axis=1)", {"x": xn}), ("jnp.nanquantile(x, 0.3, axis=0)", {"x": xn}),
        ("jnp.nanpercentile(x, 90.0)", {"x": xn}), ("jnp.median(x, axis=1)", {"x": xn}),
        ("jnp.quantile(x, 0.5, method='bad')", {"x": x}),
    ]
    check(oracle, cases)


def test_x64(oracle):
    cases = []
    for dt in ("int8", "int64", "uint32", "float64", "bool"):
        x = make(dt, (2, 3), 1)
        for name in ("sum", "mean", "argmax", "cumsum", "var"):
            cases.append((f"jnp.{name}(x, axis=0)", {"x": x}))
    cases.append(("jnp.sum(3)", {}))
    check(oracle, cases, x64=True)


def test_jit_matches_eager():
    x = xnp.asarray(make("float32", (3, 4), 1))

    def f(a):
        return (xnp.sum(a, axis=0) + xnp.mean(a, axis=0) + xnp.var(a, axis=0) + xnp.max(a, axis=0)
                + xnp.cumsum(a, axis=0)[-1] + xnp.argmax(a, axis=0) + xnp.median(a, axis=0))

    np.testing.assert_allclose(np.asarray(xjax.jit(f)(x)), np.asarray(f(x)), rtol=1e-6)
