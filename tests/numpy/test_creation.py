"""Differential tests of xjax.numpy array creation and scalar types against JAX."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest

import xjax
import xjax.numpy as xnp
from tests._util import check, make
from tests.oracle import assert_matches

pytestmark = pytest.mark.oracle


def test_array_asarray(oracle):
    f64 = np.arange(4, dtype=np.float64)
    cases = [
        ("jnp.asarray(1.0)", {}), ("jnp.asarray(1)", {}), ("jnp.asarray(True)", {}),
        ("jnp.asarray(1j)", {}), ("jnp.array(1.0)", {}), ("jnp.array([1, 2])", {}),
        ("jnp.array([1, 2.5])", {}), ("jnp.array([True, 2])", {}), ("jnp.array([[1, 2], [3, 4]])", {}),
        ("jnp.array([])", {}), ("jnp.array([[]])", {}), ("jnp.asarray(x)", {"x": f64}),
        ("jnp.asarray(x)", {"x": f64.astype(ml_dtypes.bfloat16)}), ("jnp.asarray(x)", {"x": np.float32(2)}),
        ("jnp.asarray(x, dtype=jnp.int8)", {"x": f64}), ("jnp.array(x, dtype='float16')", {"x": [1, 2]}),
        ("jnp.asarray([x, x])", {"x": np.float16(1)}), ("jnp.array([x, 1.5])", {"x": np.int8(3)}),
        ("jnp.array(x, ndmin=3)", {"x": f64}), ("jnp.array(2.0, ndmin=2)", {}),
        ("jnp.asarray(jnp.asarray(2.0))", {}), ("jnp.array(jnp.asarray(2.0))", {}),
        ("jnp.array(jnp.asarray(2.0), dtype=jnp.float32)", {}),
        ("jnp.array([jnp.asarray(2.0), 3.0])", {}), ("jnp.array([jnp.ones(2, jnp.int8), [1, 2]])", {}),
        ("jnp.asarray(2 ** 40)", {}), ("jnp.array([[1, 2], [3]])", {}), ("jnp.asarray('a')", {}),
        ("jnp.copy(x)", {"x": f64}), ("jnp.asarray(x, dtype=jnp.bfloat16)", {"x": [1.5, 2.5]}),
        ("jnp.asarray((1, 2.0))", {}), ("jnp.array(x)", {"x": np.zeros((0, 3), np.uint8)}),
    ]
    check(oracle, cases)


def test_filled(oracle):
    cases = []
    for fn in ("zeros", "ones", "empty"):
        for shape in ((), (0,), 3, (2, 3), [2, 0, 1]):
            cases.append((f"jnp.{fn}({shape!r})", {}))
        for dt in ("jnp.int8", "'bool'", "jnp.bfloat16", "np.uint32", "jnp.complex64", "float", "int"):
            cases.append((f"jnp.{fn}((2,), dtype={dt})", {}))
    w = np.float32(1.5)
    cases += [
        ("jnp.full((2, 3), 1.0)", {}), ("jnp.full((2,), 7)", {}), ("jnp.full(3, True)", {}),
        ("jnp.full((2, 3), x)", {"x": np.arange(3, dtype=np.int8)}), ("jnp.full((), 2, dtype='float16')", {}),
        ("jnp.full((2, 2), x)", {"x": w}), ("jnp.full((2,), jnp.asarray(1.0))", {}),
        ("jnp.zeros_like(x)", {"x": make("int8", (2, 3))}), ("jnp.ones_like(x, dtype=jnp.float16)", {"x": make("int8", (2,))}),
        ("jnp.full_like(x, 3.5)", {"x": make("int32", (2,))}), ("jnp.full_like(x, 3.5, shape=(1, 2))", {"x": make("float32", (2,))}),
        ("jnp.empty_like(x)", {"x": make("bool", (2,))}), ("jnp.zeros_like(2.0)", {}), ("jnp.ones_like(3)", {}),
        ("jnp.zeros_like(jnp.asarray(2.0))", {}), ("jnp.full_like(x, y)", {"x": make("float32", (2, 3)), "y": make("float32", (3,))}),
        ("jnp.zeros((-1,))", {}), ("jnp.zeros((2.5,))", {}), ("jnp.zeros(3, dtype='object')", {}),
    ]
    check(oracle, cases)


def test_arange(oracle):
    cases = [(f"jnp.arange({args})", {}) for args in (
        "5", "5.0", "0", "-3", "2, 7", "2, 7, 2", "7, 2, -1", "0, 1, 0.1", "0.5, 3", "10, dtype=jnp.float16",
        "0, 1, 0.125, dtype=jnp.bfloat16", "3, dtype='uint8'", "1, 10, 3, dtype=float", "np.int8(5)",
        "np.float16(3.5)", "2, 3.5", "0, -1, 0.25", "0, 5, 0", "1j", "x", "jnp.asarray(4)",
    )]
    cases[-2] = ("jnp.arange(x)", {"x": np.arange(3)})
    check(oracle, cases)


def test_arange_traced_error():
    with pytest.raises(TypeError, match="concrete"):
        xjax.jit(lambda n: xnp.arange(n))(3)


def test_linspace_family(oracle):
    cases = [(f"jnp.linspace({a})", {}) for a in (
        "0, 1", "0, 1, 5", "0, 1, 5, endpoint=False", "0, 1, 1", "0, 1, 0", "2, 3, 4, retstep=True",
        "0, 10, 4, dtype=jnp.int32", "-1, 1, 5, dtype=jnp.float16", "0, 1, 1, retstep=True",
        "1, 2, 5, endpoint=False, retstep=True", "0, 1, -1",
    )]
    cases += [("jnp.linspace(a, b, 4, axis=a_)", {"a": np.zeros(2, np.float32), "b": np.ones(2, np.float32), "a_": ax})
              for ax in (0, 1, -1)]
    cases += [("jnp.linspace(a, 5, 3)", {"a": np.int32(1)}), ("jnp.linspace(a, 2.0, 3)", {"a": np.float16(1)})]
    cases += [(f"jnp.logspace({a})", {}) for a in ("0, 2, 3", "0, 2, 3, base=2.0", "1, 3, 4, endpoint=False",
                                                      "0, 2, 3, dtype=jnp.float16")]
    cases += [(f"jnp.geomspace({a})", {}) for a in ("1, 1000, 4", "1, 16, 5, endpoint=False", "2, 32, 3, dtype='float32'")]
    check(oracle, cases)


def test_matrices(oracle):
    m = make("float32", (3, 4), 1)
    m3 = make("int32", (2, 3, 3), 2)
    v = make("int8", (3,), 3)
    cases = [(f"jnp.eye({a})", {}) for a in ("3", "2, 4", "3, k=1", "3, 3, -2", "4, 2, 5", "0", "2, dtype=jnp.int8")]
    cases += [(f"jnp.identity({a})", {}) for a in ("3", "2, dtype=bool")]
    cases += [(f"jnp.tri({a})", {}) for a in ("3", "2, 4", "3, k=-1", "3, 3, 1, dtype=jnp.int32")]
    for k in (-1, 0, 2):
        cases += [(f"jnp.tril(m, {k})", {"m": m}), (f"jnp.triu(m, k={k})", {"m": m}),
                  (f"jnp.tril(m, {k})", {"m": m3}), (f"jnp.diag(v, {k})", {"v": v}),
                  (f"jnp.diag(m, {k})", {"m": m}), (f"jnp.diagflat(m, {k})", {"m": m[:2, :2]})]
    cases += [("jnp.diag(m, 5)", {"m": m}), ("jnp.diag(m)", {"m": m3}), ("jnp.tril(v)", {"v": v}),
              ("jnp.diag(v)", {"v": make("bool", (2,))}), ("jnp.triu(2.0)", {}),
              ("jnp.diag(v)", {"v": make("float32", (0,))})]
    check(oracle, cases)


def test_grids(oracle):
    a, b, c = (np.arange(n, dtype=np.float32) for n in (2, 3, 4))
    cases = [
        ("jnp.meshgrid(a, b)", {"a": a, "b": b}), ("jnp.meshgrid(a, b, indexing='ij')", {"a": a, "b": b}),
        ("jnp.meshgrid(a, b, c, sparse=True)", {"a": a, "b": b, "c": c}),
        ("jnp.meshgrid(a, b, c)", {"a": a, "b": b, "c": c}), ("jnp.meshgrid(a)", {"a": a}),
        ("jnp.meshgrid()", {}), ("jnp.meshgrid(a, b, indexing='bad')", {"a": a, "b": b}),
        ("jnp.meshgrid(a, np.ones((2, 2)))", {"a": a}),
        ("jnp.indices((2, 3))", {}), ("jnp.indices((2, 3), sparse=True)", {}),
        ("jnp.indices((2,), dtype=jnp.int8)", {}), ("jnp.indices(())", {}),
        ("jnp.fromfunction(lambda i, j: i + j, (2, 3), dtype=jnp.float32)", {}),
    ]
    check(oracle, cases)


def test_scalar_types(oracle):
    names = ["bool_", "int8", "int16", "int32", "uint8", "uint16", "uint32", "bfloat16", "float16",
             "float32", "complex64", "int_", "uint", "float_", "complex_", "single", "double"]
    cases = []
    for i, n in enumerate(names):
        cases.append((f"jnp.{n}(1)", {}))
        if i % 3 == 0:
            cases.append((f"jnp.{n}([1, 2])", {}))
            cases.append((f"jnp.zeros(2, jnp.{n})", {}))
            cases.append((f"jnp.{n}(x)", {"x": np.arange(3.0)}))
    cases += [("jnp.float32(jnp.asarray(2))", {}), ("jnp.int32(2.7)", {}), ("jnp.bool_(0)", {})]
    check(oracle, cases)


def test_scalar_types_as_dtypes():
    assert np.dtype(xnp.float32) == np.float32
    assert np.dtype(xnp.bfloat16) == ml_dtypes.bfloat16
    assert xnp.float32.dtype == np.dtype(np.float32)
    assert xnp.float32 == np.float32 and xnp.int8 != np.int16
    assert hash(xnp.int32) == hash(np.int32)
    assert isinstance(np.float32(1), xnp.float32)
    assert xnp.issubdtype(xnp.float32, xnp.floating) and xnp.issubdtype(xnp.int8, xnp.signedinteger)
    assert xnp.dtype("float32") == np.float32
    assert xnp.zeros(2, xnp.int16).dtype == np.int16
    with pytest.raises(TypeError):
        xnp.sin(xnp.float32)


def test_x64(oracle):
    cases = [("jnp.asarray(1.0)", {}), ("jnp.array([1, 2])", {}), ("jnp.asarray(x)", {"x": np.arange(3.0)}),
             ("jnp.arange(5)", {}), ("jnp.arange(0, 1, 0.25)", {}), ("jnp.zeros(2)", {}), ("jnp.ones(2, int)", {}),
             ("jnp.linspace(0, 1, 4)", {}), ("jnp.eye(2)", {}), ("jnp.float64(1)", {}), ("jnp.int_(3)", {}),
             ("jnp.full((2,), 3)", {}), ("jnp.asarray(2 ** 40)", {}), ("jnp.indices((2,))", {})]
    check(oracle, cases, x64=True)


def test_jit_matches_eager(oracle):
    def f(x):
        return (xnp.array([x, 2 * x, 3.0]) + xnp.zeros(3) + xnp.ones_like(x) + xnp.full((3,), x)
                + xnp.linspace(x, 2 * x, 3) + xnp.arange(3) + xnp.triu(xnp.ones((3, 3)))[0])

    x = xnp.asarray(np.float32(1.5))
    got = xjax.jit(f)(x)
    want = oracle.eval(
        "jnp.array([x, 2 * x, 3.0]) + jnp.zeros(3) + jnp.ones_like(x) + jnp.full((3,), x)"
        " + jnp.linspace(x, 2 * x, 3) + jnp.arange(3) + jnp.triu(jnp.ones((3, 3)))[0]",
        x=np.float32(1.5))
    assert_matches(got, want)
    assert_matches(f(x), want)


def test_index_grids_astype_frombuffer(oracle):
    buf = np.arange(6, dtype=np.int16).tobytes()
    cases = [
        ("jnp.mgrid[0:3, 0:4]", {}), ("jnp.mgrid[0:1:5j]", {}), ("jnp.mgrid[0:2, 0.5:2]", {}),
        ("jnp.mgrid[-1:1:3j, 0:3]", {}), ("jnp.ogrid[0:3, 1:4:2]", {}), ("jnp.ogrid[0:4]", {}),
        ("jnp.mgrid[()]", {}),
        ("jnp.astype(x, jnp.int8)", {"x": make("float32", (3,))}), ("jnp.astype(x, 'float32')", {"x": make("complex64", (2,))}),
        ("jnp.astype(2.5, jnp.int32)", {}), ("jnp.astype(x, bool)", {"x": make("int32", (4,))}),
        ("jnp.frombuffer(b, dtype=np.int16)", {"b": buf}), ("jnp.frombuffer(b, dtype=np.uint8, count=3, offset=1)", {"b": buf}),
    ]
    check(oracle, cases)
