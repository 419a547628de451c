"""Derivatives of the contraction and windowed primitives (dot_general, conv_general_dilated,
reduce_window_sum/max/min, the generic reduce_window, select_and_gather_add /
select_and_scatter_add): numerical checks of forward and reverse mode to second order (float64),
and gradients compared with real JAX (layouts, groups, dilations, pooling ties)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import xjax
import xjax.numpy as jnp
from tests._util import x64_fixture  # noqa: F401  (the `x64` fixture)
from tests.oracle import assert_matches
from xjax import lax
from xjax.test_util import check_grads

pytestmark = pytest.mark.usefixtures("x64")

def _rand(shape: tuple, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape)


def _distinct(shape: tuple, seed: int) -> np.ndarray:
    """Values at least 0.1 apart, so that max/min choices are stable under finite differences."""
    n = int(np.prod(shape))
    return np.random.default_rng(seed).permutation(np.arange(n) * 0.1 - 1.0).reshape(shape)


def _conv(**kw: Any) -> Callable:
    return lambda x, w: lax.conv_general_dilated(x, w, **kw)


def _rw(init: float, op: Callable, *win: Any, **kw: Any) -> Callable:
    return lambda x: lax.reduce_window(x, init, op, *win, **kw)


NHWC = ("NHWC", "HWIO", "NHWC")

# (name, function, args, modes (default both; "tol": loose tolerances))
CASES: list[tuple[str, Callable, tuple, tuple]] = [
    ("dot_matmul", lambda x, y: lax.dot(x, y), (_rand((3, 4), 0), _rand((4, 2), 1)), ()),
    ("dot_vec", lambda x, y: lax.dot(x, y), (_rand((4,), 2), _rand((4,), 3)), ()),
    ("dot_batch_unsorted", lambda x, y: lax.dot_general(x, y, (((2,), (1,)), ((0,), (2,)))),
     (_rand((2, 3, 4), 4), _rand((5, 4, 2), 5)), ()),
    ("dot_two_contract", lambda x, y: lax.dot_general(x, y, (((2, 0), (0, 1)), ((), ())))
     , (_rand((2, 3, 4), 6), _rand((4, 2, 5), 7)), ()),
    ("dot_outer", lambda x, y: lax.dot_general(x, y, (((), ()), ((), ()))), (_rand((2, 3), 8), _rand((2,), 9)), ()),
    ("dot_two_batch", lambda x, y: lax.dot_general(x, y, (((1,), (3,)), ((0, 2), (2, 0)))),
     (_rand((2, 3, 4, 2), 10), _rand((4, 5, 2, 3), 11)), ()),
    ("dot_mixed_dtypes", lambda x, y: lax.dot(x, y), (_rand((3, 4), 12), _rand((4,), 13).astype(np.float32)), ("tol",)),
    ("dot_preferred", lambda x, y: lax.dot(x, y, preferred_element_type=np.float64),
     (_rand((3, 4), 14), _rand((4, 2), 15)), ()),
    ("conv_same", _conv(window_strides=(1, 1), padding="SAME"), (_rand((2, 3, 5, 6), 20), _rand((4, 3, 3, 2), 21)), ()),
    ("conv_strided_dilated", _conv(window_strides=(2, 1), padding=[(1, 0), (2, 1)], lhs_dilation=(1, 2), rhs_dilation=(2, 1)),
     (_rand((2, 3, 7, 5), 22), _rand((4, 3, 3, 2), 23)), ()),
    ("conv_nhwc_valid_stride", _conv(window_strides=(1, 2), padding="VALID", dimension_numbers=NHWC),
     (_rand((2, 6, 7, 3), 24), _rand((3, 2, 3, 4), 25)), ()),
    ("conv_negative_padding", _conv(window_strides=(1, 1), padding=[(-1, 2), (0, -1)]),
     (_rand((1, 2, 6, 5), 26), _rand((2, 2, 2, 2), 27)), ()),
    ("conv_feature_groups", _conv(window_strides=(1, 1), padding="SAME", feature_group_count=2),
     (_rand((2, 4, 5, 5), 28), _rand((6, 2, 3, 3), 29)), ()),
    ("conv_depthwise_strided", _conv(window_strides=(2, 2), padding=[(1, 1), (0, 1)], feature_group_count=3, rhs_dilation=(1, 2)),
     (_rand((1, 3, 6, 7), 30), _rand((3, 1, 2, 2), 31)), ()),
    ("conv_batch_groups", _conv(window_strides=(2, 1), padding=[(1, 1), (0, 1)], batch_group_count=2),
     (_rand((4, 3, 5, 5), 32), _rand((6, 3, 3, 2), 33)), ()),
    ("conv_1d_nwc", _conv(window_strides=(2,), padding=[(1, 2)], lhs_dilation=(2,), dimension_numbers=("NWC", "WIO", "NWC")),
     (_rand((2, 6, 3), 34), _rand((3, 3, 2), 35)), ()),
    ("conv_3d", _conv(window_strides=(1, 2, 1), padding="VALID"), (_rand((1, 2, 4, 5, 3), 36), _rand((2, 2, 2, 2, 2), 37)), ()),
    ("conv_transpose", lambda x, w: lax.conv_transpose(x, w, (2, 2), "SAME", dimension_numbers=NHWC),
     (_rand((1, 3, 4, 2), 38), _rand((3, 3, 2, 3), 39)), ()),
    ("window_sum", _rw(0.0, lax.add, (2, 3), (1, 2), [(1, 0), (0, 2)]), (_rand((5, 6), 40),), ()),
    ("window_sum_dilated", _rw(0.0, lax.add, (2, 2), (2, 1), "SAME", (2, 1), (1, 2)), (_rand((5, 6), 41),), ()),
    ("window_sum_3d", _rw(0.0, lax.add, (1, 2, 2), (1, 2, 2), "VALID"), (_rand((2, 4, 5), 42),), ()),
    ("window_max", _rw(-np.inf, lax.max, (2, 3), (1, 2), [(1, 0), (0, 2)]), (_distinct((5, 6), 43),), ()),
    ("window_max_pool", _rw(-np.inf, lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "SAME"), (_distinct((2, 5, 5, 3), 44),), ()),
    ("window_min_base_dilated", _rw(np.inf, lax.min, (2, 2), (2, 1), "SAME", (2, 1)), (_distinct((5, 6), 45),), ()),
    ("window_max_window_dilated", _rw(-np.inf, lax.max, (2, 2), (1, 1), "VALID", None, (2, 1)),
     (_distinct((5, 4), 46),), ("fwd",)),
    ("window_generic_mul", _rw(1.0, lax.mul, (2, 2), (1, 2), [(0, 1), (1, 0)]), (_rand((4, 5), 47),), ("fwd",)),
    ("window_generic_pair", lambda x, y: lax.reduce_window((x, y), (0.0, 1.0), lambda a, b: (a[0] + b[0] * b[1], a[1] * b[1]), (2,), (1,)),
     (_rand((5,), 48), _rand((5,), 49)), ("fwd",)),
]


@pytest.mark.parametrize("name,f,args,modes", CASES, ids=[c[0] for c in CASES])
def test_check_grads(name: str, f: Callable, args: tuple, modes: tuple) -> None:
    tol = 2e-2 if "tol" in modes else None  # a float32 operand: float32 finite differences
    modes = tuple(m for m in modes if m != "tol") or ("fwd", "rev")
    check_grads(f, args, order=2, modes=modes, atol=tol, rtol=tol)


def test_select_and_gather_scatter_are_transposes() -> None:
    """<scatter(s), t> == <s, gather(t)>, and both differentiate to themselves."""
    from xjax._src.lax.logic import ge_p
    from xjax._src.lax.windowed import select_and_gather_add_p, select_and_scatter_add_p

    x, t, s = _distinct((5, 6), 50), _rand((5, 6), 51), _rand((3, 3), 52)
    win = {"window_dimensions": (3, 2), "window_strides": (2, 2), "padding": ((1, 1), (0, 1))}
    ones = (1, 1)
    g = select_and_gather_add_p.bind(t, x, select_prim=ge_p, base_dilation=ones, window_dilation=ones, **win)
    sc = select_and_scatter_add_p.bind(s, x, select_prim=ge_p, **win)
    np.testing.assert_allclose(np.vdot(np.asarray(sc), t), np.vdot(s, np.asarray(g)), rtol=1e-12)
    check_grads(lambda s: select_and_scatter_add_p.bind(s, x, select_prim=ge_p, **win), (s,), order=2)


def test_window_dilated_max_vjp_not_implemented() -> None:
    f = _rw(-np.inf, lax.max, (2, 2), (1, 1), "VALID", None, (2, 1))
    with pytest.raises(NotImplementedError, match="window dilation"):
        xjax.grad(lambda x: jnp.sum(f(x)))(_distinct((5, 4), 53))


def test_integer_operand_has_no_tangent() -> None:
    """A float x int product differentiates in the float operand only."""
    x, k = _rand((3, 4), 54), np.arange(8, dtype=np.int32).reshape(4, 2)
    g = xjax.grad(lambda x: jnp.sum(lax.dot(x, k) * lax.dot(x, k)))(x)
    want = 2 * (x @ k) @ k.T
    np.testing.assert_allclose(g, want, rtol=1e-12)


def test_jit_of_grad_matches_grad() -> None:
    x, w = _rand((2, 3, 6, 5), 55), _rand((4, 3, 3, 3), 56)

    def f(x: Any, w: Any) -> Any:
        y = lax.conv_general_dilated(x, w, (1, 1), "SAME", feature_group_count=1)
        y = lax.reduce_window(y, -np.inf, lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "SAME")
        y = lax.reduce_window(y, 0.0, lax.add, (1, 1, 2, 2), (1, 1, 1, 1), "VALID")
        return jnp.sum(jnp.tanh(lax.dot_general(y, y, (((1, 2, 3), (1, 2, 3)), ((), ())))))

    g = xjax.grad(f, argnums=(0, 1))(x, w)
    gj = xjax.jit(xjax.grad(f, argnums=(0, 1)))(x, w)
    for a, b in zip(g, gj):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


# -- against real JAX ---------------------------------------------------------------------------

_T = np.array([[1.0, 3.0, 3.0, 2.0], [3.0, 0.0, 1.0, 3.0], [2.0, 2.0, 2.0, 2.0]])  # ties in windows
ORACLE = [
    ("lambda x, w: jnp.sum(jnp.sin(lax.dot_general(x, w, (((2,), (1,)), ((0,), (2,))))))",
     _rand((2, 3, 4), 60), _rand((5, 4, 2), 61)),
    ("lambda x, w: jnp.sum(jnp.sin(lax.dot(x, w, preferred_element_type=jnp.float64)))",
     _rand((3, 4), 62).astype(np.float32), _rand((4, 2), 63).astype(np.float32)),
    ("lambda x, w: jnp.sum(jnp.sin(lax.dot(x, w)))", _rand((3, 4), 64), _rand((4, 2), 65).astype(np.float32)),
    ("lambda x, w: jnp.sum(jnp.sin(lax.conv_general_dilated(x, w, (2, 1), [(1, 0), (2, 1)], (1, 2), (2, 1))))",
     _rand((2, 3, 7, 5), 66), _rand((4, 3, 3, 2), 67)),
    ("lambda x, w: jnp.sum(jnp.sin(lax.conv_general_dilated(x, w, (1, 2), 'SAME', dimension_numbers=('NHWC', 'HWIO', 'NHWC'), feature_group_count=3)))",
     _rand((2, 5, 6, 6), 68), _rand((3, 2, 2, 6), 69)),
    ("lambda x, w: jnp.sum(jnp.sin(lax.conv_general_dilated(x, w, (2, 1), [(1, 1), (0, 1)], batch_group_count=2)))",
     _rand((4, 3, 5, 5), 70), _rand((6, 3, 3, 2), 71)),
    ("lambda x, w: jnp.sum(jnp.sin(lax.reduce_window(x * w, -jnp.inf, lax.max, (2, 2), (1, 1), 'SAME')))",
     _T, np.ones_like(_T)),
    ("lambda x, w: jnp.sum(jnp.sin(lax.reduce_window(x * w, jnp.inf, lax.min, (2, 3), (1, 2), [(1, 1), (0, 1)], (1, 2))))",
     _T, np.ones_like(_T)),
    ("lambda x, w: jnp.sum(jnp.sin(lax.reduce_window(x * w, 0.0, lax.add, (2, 2), (2, 1), [(0, 1), (1, 1)], (2, 1), (1, 2))))",
     _rand((4, 5), 72), _rand((4, 5), 73)),
]


@pytest.mark.oracle
@pytest.mark.parametrize("expr,x,w", ORACLE, ids=[e[10:70] for e, _, _ in ORACLE])
def test_grad_matches_jax(oracle: Any, expr: str, x: np.ndarray, w: np.ndarray) -> None:
    want = oracle.eval(f"jax.grad({expr}, argnums=(0, 1))(x, w)", x64=True, x=x, w=w)
    f = eval(expr, {"jnp": jnp, "lax": lax})
    tol = 1e-5 if x.dtype == np.float32 or w.dtype == np.float32 else 1e-12
    assert_matches(xjax.grad(f, argnums=(0, 1))(x, w), want, rtol=tol, atol=tol)
    assert_matches(xjax.jit(xjax.grad(f, argnums=(0, 1)))(x, w), want, rtol=tol, atol=tol)


@pytest.mark.oracle
def test_jacrev_and_hessian_match_jax(oracle: Any) -> None:
    x, w = _rand((1, 2, 4, 4), 80), _rand((1, 2, 2, 2), 81)
    expr = "lambda x, w: lax.reduce_window(lax.conv_general_dilated(x, w, (1, 1), 'SAME'), -jnp.inf, lax.max, (1, 1, 2, 2), (1, 1, 2, 2), 'VALID')"
    want = oracle.eval(f"jax.jacrev({expr}, argnums=(0, 1))(x, w)", x64=True, x=x, w=w)
    f = eval(expr, {"jnp": jnp, "lax": lax})
    assert_matches(xjax.jit(xjax.jacrev(f, argnums=(0, 1)))(x, w), want, rtol=1e-12, atol=1e-12)
    x, y = _rand((2, 3), 82), _rand((3,), 83)
    expr = "lambda x: jnp.sum(jnp.sin(lax.dot(x, y)) * lax.reduce_window(x, 0.0, lax.add, (2, 2), (1, 2), 'SAME')[:, 0])"
    want = oracle.eval(f"jax.hessian({expr})(x)", x64=True, x=x, y=y)
    got = xjax.jit(xjax.hessian(eval(expr, {"jnp": jnp, "lax": lax, "y": y})))(x)
    assert_matches(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.oracle
def test_jvp_and_dtypes_match_jax(oracle: Any) -> None:
    """Forward mode picks the first maximal element of each window (ties), as JAX on CPU; the
    cotangents of mixed-precision products come back in each operand's dtype."""
    t = np.arange(12.0).reshape(3, 4)
    cases = [
        ("jax.jvp(lambda x: lax.reduce_window(x, -jnp.inf, lax.max, (2, 2), (1, 1), 'SAME'), (x,), (t,))[1]",
         {"x": _T, "t": t}),
        ("jax.jvp(lambda x: lax.reduce_window(x, jnp.inf, lax.min, (2, 3), (2, 1), 'VALID'), (x,), (t,))[1]",
         {"x": _T, "t": t}),
        ("jax.grad(lambda x, w: jnp.sum(lax.dot(x, w, preferred_element_type=jnp.float32)), (0, 1))(x, w)",
         {"x": _rand((3, 4), 90).astype(jnp.bfloat16), "w": _rand((4, 2), 91).astype(np.float16)}),
        ("jax.grad(lambda x, w: jnp.sum(lax.conv(x, w, (1, 1), 'SAME', preferred_element_type=jnp.float64)), (0, 1))(x, w)",
         {"x": _rand((1, 2, 4, 4), 92).astype(np.float32), "w": _rand((3, 2, 2, 2), 93).astype(np.float32)}),
    ]
    for expr, inputs in cases:
        want = oracle.eval(expr, x64=True, **inputs)
        got = eval(expr.replace("jax.", "xjax."), {"xjax": xjax, "jnp": jnp, "lax": lax, **inputs})
        assert_matches(got, want, rtol=1e-6, atol=1e-6)
