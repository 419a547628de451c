"""vmap of the contraction and windowed primitives (dot_general, conv_general_dilated,
reduce_window_sum/max/min, the generic reduce_window, select_and_gather_add /
select_and_scatter_add): each equals a Python loop over the examples, for mapped axes 0, 1, -1
and None, batch sizes 0, 1 and 3, eagerly, under vmap of jit and under jit of vmap."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import xjax
import xjax.numpy as jnp
from tests._util import x64_fixture  # noqa: F401  (the `x64` fixture)
from xjax import lax
from xjax._src.core import Primitive

pytestmark = pytest.mark.usefixtures("x64")

def _batched_args(shapes: tuple, in_axes: tuple, size: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    out = []
    for s, a in zip(shapes, in_axes):
        if a is None:
            out.append(rng.standard_normal(s))
        else:
            a = a % (len(s) + 1)
            out.append(rng.standard_normal(s[:a] + (size,) + s[a:]))
    return out


def _loop(f: Callable, args: list, in_axes: tuple, size: int, shapes: tuple) -> np.ndarray:
    """np.stack of f over the examples (the per-example shape from a dummy call when size 0)."""
    if size == 0:
        out = f(*[np.zeros(s) for s in shapes])
        return np.zeros((0,) + np.shape(out))
    outs = []
    for i in range(size):
        ex = [x if a is None else np.take(x, i, axis=a) for x, a in zip(args, in_axes)]
        outs.append(np.asarray(f(*ex)))
    return np.stack(outs)


def _check(f: Callable, shapes: tuple, in_axes: tuple, sizes: tuple = (0, 1, 3), seed: int = 0) -> None:
    for size in sizes:
        args = _batched_args(shapes, in_axes, size, seed)
        want = _loop(f, args, in_axes, size, shapes)
        ways = [("vmap", xjax.vmap(f, in_axes))]
        if size == max(sizes):  # the compositions with jit once, at the largest size
            ways += [("vmap(jit)", xjax.vmap(xjax.jit(f), in_axes)),
                     ("jit(vmap)", xjax.jit(xjax.vmap(f, in_axes)))]
        for how, g in ways:
            got = np.asarray(g(*args))
            assert got.shape == want.shape, (how, size, got.shape, want.shape)
            np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10, err_msg=f"{how} size {size}")


def _conv(**kw: Any) -> Callable:
    return lambda x, w: lax.conv_general_dilated(x, w, **kw)


def _rw(init: float, op: Callable, *win: Any) -> Callable:
    return lambda x: lax.reduce_window(x, init, op, *win)


PAIR_AXES = [(0, 0), (1, None), (None, -1), (-1, 1), (None, 0)]

# (name, function, per-example shapes)
BINARY = [
    ("dot_matmul", lambda x, y: lax.dot(x, y), ((3, 4), (4, 2))),
    ("dot_batch_dims", lambda x, y: lax.dot_general(x, y, (((2,), (1,)), ((0,), (2,)))), ((2, 3, 4), (5, 4, 2))),
    ("dot_outer", lambda x, y: lax.dot_general(x, y, (((), ()), ((), ()))), ((2, 3), (4, 2))),
    ("dot_preferred", lambda x, y: lax.dot(x, y, preferred_element_type=np.float64), ((3, 4), (4, 2))),
    ("conv", _conv(window_strides=(2, 1), padding=[(1, 0), (0, 1)], rhs_dilation=(1, 2)), ((2, 3, 5, 6), (4, 3, 2, 2))),
    ("conv_nhwc_lhs_dilated", _conv(window_strides=(1, 1), padding=[(1, 1), (0, 0)], lhs_dilation=(2, 1),
                                    dimension_numbers=("NHWC", "HWIO", "NHWC")), ((2, 4, 5, 3), (2, 2, 3, 4))),
    ("conv_feature_groups", _conv(window_strides=(1, 1), padding="SAME", feature_group_count=2), ((2, 4, 5, 5), (6, 2, 3, 3))),
    ("conv_batch_groups", _conv(window_strides=(1, 2), padding="VALID", batch_group_count=2), ((4, 3, 5, 5), (6, 3, 2, 2))),
]


@pytest.mark.parametrize("axes", PAIR_AXES, ids=str)
@pytest.mark.parametrize("name,f,shapes", BINARY, ids=[c[0] for c in BINARY])
def test_vmap_binary(name: str, f: Callable, shapes: tuple, axes: tuple) -> None:
    if name in ("dot_outer", "dot_preferred", "conv_nhwc_lhs_dilated") and axes in PAIR_AXES[3:]:
        pytest.skip("the other pairs are covered by the neighbouring cases")
    sizes = (0, 1, 3) if axes == (0, 0) else (3,)
    _check(f, shapes, axes, sizes)


UNARY = [
    ("window_sum", _rw(0.0, lax.add, (2, 3), (1, 2), [(1, 0), (0, 2)]), (5, 6)),
    ("window_sum_dilated", lambda x: lax.reduce_window(x, 0.0, lax.add, (2, 2), (2, 1), "SAME", (2, 1), (1, 2)), (5, 6)),
    ("window_max", _rw(-np.inf, lax.max, (2, 2), (1, 1), "SAME"), (4, 5)),
    ("window_min", _rw(np.inf, lax.min, (3, 1), (2, 1), [(1, 1), (0, 0)]), (5, 3)),
    ("window_generic", _rw(1.0, lax.mul, (2, 2), (1, 2), "VALID"), (4, 5)),
    ("window_generic_pair", lambda x: lax.reduce_window((x, -x), (0.0, 1.0), lambda a, b: (a[0] + b[0], a[1] * b[1]), (2, 1), (1, 1))[1], (4, 3)),
    ("max_pool_jvp", lambda x: xjax.jvp(_rw(-np.inf, lax.max, (2, 2), (2, 1), "SAME"), (x,), (jnp.cos(x),))[1], (5, 4)),
    ("max_pool_grad", lambda x: xjax.grad(lambda x: jnp.sum(jnp.sin(_rw(-np.inf, lax.max, (2, 2), (1, 2), "SAME")(x))))(x), (5, 4)),
    ("min_pool_grad_base_dilated",
     lambda x: xjax.grad(lambda x: jnp.sum(jnp.sin(lax.reduce_window(x, np.inf, lax.min, (2, 2), (1, 1), "VALID", (2, 1)))))(x), (3, 4)),
    ("avg_pool_grad", lambda x: xjax.grad(lambda x: jnp.sum(jnp.sin(_rw(0.0, lax.add, (2, 3), (2, 1), "SAME")(x))))(x), (5, 4)),
]


_NEEDS_PAD = {"min_pool_grad_base_dilated", "avg_pool_grad"}


@pytest.mark.parametrize("axis", [0, 1, -1], ids=str)
@pytest.mark.parametrize("name,f,shape", UNARY, ids=[c[0] for c in UNARY])
def test_vmap_unary(name: str, f: Callable, shape: tuple, axis: int) -> None:
    if name in _NEEDS_PAD and Primitive.registry["pad"].batch is None:
        pytest.skip("needs a vmap rule for lax.pad (used by these transposes)")
    sizes = (0, 1, 3) if axis == 0 else (3,)
    _check(f, (shape,), (axis,), sizes)


def test_per_example_conv_weight_grads() -> None:
    """vmap(grad) over examples: the conv rhs transpose batched in both operands."""

    def loss(w: Any, x: Any) -> Any:
        y = lax.conv_general_dilated(x[None], w, (1, 1), "SAME", feature_group_count=2)
        return jnp.sum(jnp.tanh(lax.dot_general(y, y, (((1, 2, 3), (1, 2, 3)), ((0,), (0,))))))

    _check(lambda w, x: xjax.grad(loss)(w, x), ((4, 2, 3, 3), (4, 5, 5)), (None, 0), sizes=(0, 2))
    _check(lambda w, x: xjax.grad(loss)(w, x), ((4, 2, 3, 3), (4, 5, 5)), (0, 1), sizes=(2,))


def test_select_and_scatter_add_vmap() -> None:
    from xjax._src.lax.logic import le_p
    from xjax._src.lax.windowed import select_and_scatter_add_p

    f = lambda s, x: select_and_scatter_add_p.bind(
        s, x, select_prim=le_p, window_dimensions=(2, 2), window_strides=(1, 2), padding=((0, 1), (1, 0)))
    for axes in [(0, 0), (None, 1), (-1, None)]:
        _check(f, ((4, 2), (4, 4)), axes, sizes=(0, 3))


def test_batched_init_value_not_implemented() -> None:
    f = lambda x, v: lax.reduce_window(x, v, lambda a, b: a * b, (2,), (1,))
    with pytest.raises(NotImplementedError, match="init_values"):
        xjax.vmap(f)(np.ones((2, 4)), np.ones(2))
