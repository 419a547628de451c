"""Differential tests of xjax.numpy contractions (matmul, dot, einsum, ...) against JAX."""

from __future__ import annotations

import numpy as np
import pytest

import xjax
import xjax.numpy as xnp
from tests._util import check, make
from tests.oracle import assert_matches

pytestmark = pytest.mark.oracle

TOL = {"rtol": 2e-2, "atol": 2e-2}  # low-precision dtypes accumulate differently


def test_matmul_shapes(oracle):
    shapes = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((5, 2, 3), (3, 4)), ((2, 3), (5, 3, 4)),
              ((5, 1, 2, 3), (4, 3, 2)), ((1, 2, 3), (4, 3, 2)), ((0, 3), (3, 2)), ((2, 0), (0, 4)),
              ((7, 2, 3), (7, 3, 1)), ((2, 3), (4, 5)), ((3, 2, 3), (2, 3, 4)), ((), (3,))]
    cases = []
    for i, (sa, sb) in enumerate(shapes):
        a, b = make("float32", sa, seed=i), make("float32", sb, seed=i + 50)
        cases.append(("jnp.matmul(a, b)", {"a": a, "b": b}))
    cases.append(("a @ b", {"a": make("float32", (2, 3)), "b": make("float32", (3, 2))}))
    check(oracle, cases)


def test_matmul_dtypes(oracle):
    cases = []
    for i, dt in enumerate(["bool", "int8", "int32", "uint8", "bfloat16", "float16", "float32", "complex64"]):
        a, b = make(dt, (2, 3), seed=i), make(dt, (3, 2), seed=i + 1)
        cases.append(("jnp.matmul(a, b)", {"a": a, "b": b}))
        cases.append(("jnp.dot(a, b)", {"a": a, "b": b}))
    a, b = make("int8", (2, 3)), make("float16", (3,))
    cases += [
        ("jnp.matmul(a, b)", {"a": a, "b": b}),
        ("jnp.matmul(a, a.T, preferred_element_type=jnp.int32)", {"a": a}),
        ("jnp.dot(b, 2.0)", {"b": b}),
        ("jnp.dot(3, 2.0)", {}),
    ]
    check(oracle, cases, **TOL)


def test_dot_family(oracle):
    a, b = make("float32", (2, 3, 4), seed=1), make("float32", (5, 4, 2), seed=2)
    v, w = make("float32", (4,), seed=3), make("float32", (4,), seed=4)
    c = make("complex64", (3, 2), seed=5)
    cases = [
        ("jnp.dot(a, b)", {"a": a, "b": b}),
        ("jnp.dot(a, v)", {"a": a, "v": v}),
        ("jnp.dot(v, w)", {"v": v, "w": w}),
        ("jnp.dot(a, a)", {"a": a}),
        ("jnp.vdot(v, w)", {"v": v, "w": w}),
        ("jnp.vdot(c, c)", {"c": c}),
        ("jnp.vdot(a, v)", {"a": a, "v": v}),
        ("jnp.inner(a, v)", {"a": a, "v": v}),
        ("jnp.inner(a, a)", {"a": a}),
        ("jnp.inner(2.0, v)", {"v": v}),
        ("jnp.outer(a, v)", {"a": a, "v": v}),
        ("jnp.outer(v, 3)", {"v": v}),
        ("jnp.tensordot(a, b, 1)", {"a": a, "b": b}),
        ("jnp.tensordot(a, b, axes=([2, 0], [1, 2]))", {"a": a, "b": b}),
        ("jnp.tensordot(a, a, axes=0)", {"a": v}),
        ("jnp.tensordot(a, b, axes=([1], [1]))", {"a": a, "b": b}),
        ("jnp.kron(a, v)", {"a": make("int32", (2, 3)), "v": make("int32", (3,))}),
        ("jnp.kron(v, w)", {"v": v, "w": w}),
        ("jnp.vecdot(a, v)", {"a": a, "v": v}),
        ("jnp.vecdot(a, b, axis=1)", {"a": make("float32", (2, 4, 3)), "b": make("float32", (1, 4, 3))}),
        ("jnp.vecdot(c, c, axis=0)", {"c": c}),
        ("jnp.cross(a, b)", {"a": make("float32", (4, 3)), "b": make("float32", (3,))}),
        ("jnp.cross(a, b)", {"a": make("float32", (4, 2)), "b": make("float32", (4, 2))}),
        ("jnp.cross(a, b, axisa=0, axisb=0)", {"a": make("float32", (3, 2)), "b": make("float32", (2, 2))}),
        ("jnp.cross(a, b)", {"a": make("float32", (4,)), "b": make("float32", (4,))}),
    ]
    check(oracle, cases)


def test_einsum(oracle):
    specs = [
        ("ij,jk->ik", [(2, 3), (3, 4)]), ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]),
        ("ii->i", [(3, 3)]), ("ii", [(3, 3)]), ("ij->", [(2, 3)]), ("ij", [(2, 3)]), ("ji", [(2, 3)]),
        ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]), ("...ij,...jk", [(2, 3, 4), (4, 5)]),
        ("i,i", [(3,), (3,)]), ("i,j->ij", [(3,), (2,)]), ("ij,ij->ij", [(2, 3), (2, 3)]),
        ("iij->ji", [(3, 3, 2)]), ("abc,cd,bd->a", [(2, 3, 4), (4, 5), (3, 5)]),
        ("...i,...i->...", [(1, 3), (4, 3)]), ("ab,b...->a...", [(2, 3), (3, 4, 5)]),
        ("ij,jk,kl,lm->mi", [(2, 3), (3, 4), (4, 5), (5, 2)]), ("i,,i", [(3,), (), (3,)]),
        ("bhqd,bhkd->bhqk", [(2, 2, 3, 4), (2, 2, 5, 4)]), ("ij,kj->ik", [(0, 3), (2, 3)]),
        ("ijk,ikl->ijl", [(2, 1, 3), (2, 3, 4)]), ("iji->j", [(2, 3, 2)]),
    ]
    cases = []
    for k, (sub, shapes) in enumerate(specs):
        env = {f"o{i}": make("float32", s, seed=k * 7 + i) for i, s in enumerate(shapes)}
        args = ", ".join(env)
        cases.append((f"jnp.einsum({sub!r}, {args})", env))
    a, b = make("float32", (2, 3), seed=1), make("float32", (3, 4), seed=2)
    cases += [
        ("jnp.einsum(a, [0, 1], b, [1, 2], [0, 2])", {"a": a, "b": b}),
        ("jnp.einsum(a, [0, 1], b, [1, 2])", {"a": a, "b": b}),
        ("jnp.einsum(a, [Ellipsis, 1], b, [1, 2], [Ellipsis, 2])", {"a": a, "b": b}),
        ("jnp.einsum('ij,jk', a, b, optimize='optimal')", {"a": a, "b": b}),
        ("jnp.einsum('ij,jk', a, b, optimize=False)", {"a": a, "b": b}),
        ("jnp.einsum('ij,jk', a, b, optimize=True)", {"a": a, "b": b}),
        ("jnp.einsum('ij,jk', a, b)", {"a": make("int8", (2, 3)), "b": make("bfloat16", (3, 4))}),
        ("jnp.einsum('ij,jk', a, b, preferred_element_type=jnp.float32)",
         {"a": make("bfloat16", (2, 3)), "b": make("bfloat16", (3, 4))}),
        ("jnp.einsum('ij,j', a, 2.0 * np.ones(3, np.float32))", {"a": a}),
        ("jnp.einsum('ij,jk->ik', a, a)", {"a": a}),
        ("jnp.einsum('ij,jk->iz', a, b)", {"a": a, "b": b}),
        ("jnp.einsum('ijk,jk', a, b)", {"a": a, "b": b}),
        ("jnp.einsum('ij,jk->ii', a, b)", {"a": a, "b": b}),
    ]
    check(oracle, cases, **TOL)


def test_einsum_is_pairwise_dot_generals():
    a, b, c = xnp.ones((2, 3)), xnp.ones((3, 4)), xnp.ones((4, 5))
    jaxpr = str(xjax.make_jaxpr(lambda a, b, c: xnp.einsum("ij,jk,kl->il", a, b, c))(a, b, c))
    assert jaxpr.count("dot_general") == 2, jaxpr
    # greedy order: the (3,4)x(4,5) -> (3,5) product before the one producing (2,4)? either way 2 dots.
    path, info = xnp.einsum_path("ij,jk,kl->il", np.ones((2, 3)), np.ones((3, 40)), np.ones((40, 5)))
    assert len(path) == 2 and isinstance(info, str)
    assert tuple(path[0]) in ((0, 1), (1, 2))


def test_einsum_path_matches_numpy_greedy_on_chain():
    ops = [np.ones((10, 100)), np.ones((100, 2)), np.ones((2, 50))]
    path, _ = xnp.einsum_path("ij,jk,kl->il", *ops, optimize="greedy")
    want, _ = np.einsum_path("ij,jk,kl->il", *ops, optimize="greedy")
    assert [tuple(p) for p in path] == [tuple(p) for p in want[1:]]


def test_trace_diagonal(oracle):
    cases = []
    for dt in ["int8", "uint8", "bool", "float32", "bfloat16"]:
        m = make(dt, (3, 4, 5))
        cases += [("jnp.trace(m)", {"m": m}), ("jnp.diagonal(m, 1, 2, 0)", {"m": m})]
    m = make("float32", (3, 4, 5))
    for off in (-4, -1, 0, 2, 6):
        cases.append((f"jnp.diagonal(m, {off}, 0, 2)", {"m": m}))
        cases.append((f"jnp.trace(m, {off}, -1, 1)", {"m": m}))
    cases += [
        ("jnp.trace(m, dtype=jnp.float16)", {"m": m}),
        ("jnp.diagonal(m, 0, 1, 1)", {"m": m}),
        ("jnp.diagonal(m[0, 0])", {"m": m}),
        ("jnp.trace(m[:0])", {"m": m}),
    ]
    check(oracle, cases)


def test_errors(oracle):
    cases = [
        ("jnp.matmul(a, b)", {"a": make("float32", (2, 3)), "b": make("float32", (2, 3))}),
        ("jnp.matmul(a, b)", {"a": make("float32", (2, 2, 3)), "b": make("float32", (3, 3, 2))}),
        ("jnp.matmul(a, 2.0)", {"a": make("float32", (2, 3))}),
        ("jnp.dot(a, b)", {"a": make("float32", (2, 3)), "b": make("float32", (2, 3))}),
        ("jnp.tensordot(a, b, 3)", {"a": make("float32", (2, 3)), "b": make("float32", (2, 3))}),
        ("jnp.einsum('ij,jk', a, b)", {"a": make("float32", (2, 3)), "b": make("float32", (2, 3))}),
        ("jnp.einsum('ij', a, b)", {"a": make("float32", (2, 3)), "b": make("float32", (2, 3))}),
        ("jnp.cross(a, b)", {"a": make("float32", (4,)), "b": make("float32", (4,))}),
    ]
    check(oracle, cases)
    with pytest.raises(TypeError, match=r"jnp\.matmul"):
        xnp.matmul([1.0, 2.0], xnp.ones(2))


def test_jit_matches_eager(oracle):
    a, b, c = make("float32", (4, 2, 3)), make("float32", (3, 5)), make("float32", (5,))

    def f(a, b, c):
        return (xnp.matmul(a, b), xnp.einsum("bij,jk,k->bi", a, b, c), xnp.tensordot(a, b, 1),
                xnp.trace(a, axis1=1, axis2=2))

    eager, jitted = f(a, b, c), xjax.jit(f)(a, b, c)
    for e, j in zip(eager, jitted):
        np.testing.assert_allclose(np.asarray(e), np.asarray(j), rtol=1e-5, atol=1e-5)
    want = oracle.eval("jnp.einsum('bij,jk,k->bi', a, b, c)", a=a, b=b, c=c)
    assert_matches(jitted[1], want)


def test_x64(oracle):
    a, b = make("float64", (2, 3)), make("int64", (3, 2))
    cases = [
        ("jnp.matmul(a, b)", {"a": a, "b": b}),
        ("jnp.einsum('ij,jk->ki', a, b)", {"a": a, "b": b}),
        ("jnp.trace(b[:2])", {"b": b}),
        ("jnp.trace(b.astype(np.int8))", {"b": b}),
    ]
    check(oracle, cases, x64=True)
