"""vmap: in_axes/out_axes handling, composition with jit and grad, and errors."""

import numpy as np
import pytest

import xjax
import xjax.numpy as jnp
from xjax import lax


def loop(f, *args, in_axes=0):
    axes = in_axes if isinstance(in_axes, tuple) else (in_axes,) * len(args)
    n = next(np.shape(a)[ax] for a, ax in zip(args, axes) if ax is not None)
    outs = [f(*[a if ax is None else np.take(a, i, axis=ax) for a, ax in zip(args, axes)]) for i in range(n)]
    return np.stack([np.asarray(o) for o in outs])


def test_vmap_matches_python_loop_over_axes():
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 10
    f = lambda r: jnp.sin(r) * 2.0 + r  # noqa: E731
    for ax in (0, 1, -1, 2):
        got = xjax.vmap(f, in_axes=ax)(x)
        want = loop(f, x, in_axes=ax)
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6)


def test_unmapped_args_out_axes_and_size_one_and_zero():
    x = np.arange(6, dtype=np.float32).reshape(3, 2)
    y = np.float32(2.0)
    got = xjax.vmap(lambda a, b: a * b, in_axes=(0, None), out_axes=1)(x, y)
    np.testing.assert_allclose(np.asarray(got), (x * 2).T)
    one = xjax.vmap(lambda a: a + 1.0)(np.ones((1, 2), np.float32))
    assert one.shape == (1, 2)
    empty = xjax.vmap(lambda a: jnp.sin(a))(np.ones((0, 2), np.float32))
    assert empty.shape == (0, 2)


def test_pytree_in_axes_and_kwargs():
    params = {"w": np.ones((3, 2), np.float32), "b": np.float32(1.0)}
    xs = np.arange(8, dtype=np.float32).reshape(4, 2)

    def f(p, x):
        return lax.dot_general(p["w"], x, (((1,), (0,)), ((), ()))) + p["b"]

    got = xjax.vmap(f, in_axes=({"w": None, "b": None}, 0))(params, xs)
    want = loop(lambda x: f(params, x), xs)
    np.testing.assert_allclose(np.asarray(got), want)


def test_nested_vmap_pairwise_distances():
    a = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    b = np.random.default_rng(1).standard_normal((5, 3)).astype(np.float32)

    def dist(x, y):
        d = x - y
        return lax.reduce_sum(d * d, (0,))

    got = xjax.vmap(xjax.vmap(dist, in_axes=(None, 0)), in_axes=(0, None))(a, b)
    want = ((a[:, None, :] - b[None, :, :]) ** 2).sum(-1)
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-5)


def test_per_example_gradients_and_jit_composition():
    rng = np.random.default_rng(0)
    w = rng.standard_normal((3, 2)).astype(np.float32)
    xs = rng.standard_normal((5, 3)).astype(np.float32)

    def loss(w, x):
        return lax.reduce_sum(jnp.tanh(lax.dot_general(x, w, (((0,), (0,)), ((), ())))), (0,))

    per_ex = xjax.jit(xjax.vmap(xjax.grad(loss), in_axes=(None, 0)))(w, xs)
    want = np.stack([np.asarray(xjax.grad(loss)(w, x)) for x in xs])
    np.testing.assert_allclose(np.asarray(per_ex), want, rtol=1e-5)
    summed = xjax.grad(lambda w: lax.reduce_sum(xjax.vmap(loss, in_axes=(None, 0))(w, xs), (0,)))(w)
    np.testing.assert_allclose(np.asarray(summed), want.sum(0), rtol=1e-5)


def test_vmap_errors():
    with pytest.raises(ValueError, match="inconsistent sizes"):
        xjax.vmap(lambda a, b: a + b)(np.ones(3, np.float32), np.ones(4, np.float32))
    with pytest.raises(ValueError, match="rank should be at least"):
        xjax.vmap(lambda a: a, in_axes=1)(np.ones(3, np.float32))
    with pytest.raises(ValueError, match="len\\(in_axes\\)=1, len\\(args\\)=2"):
        xjax.vmap(lambda a, b: a, in_axes=(0,))(np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match="at least one non-None"):
        xjax.vmap(lambda a: a, in_axes=None)(np.ones(3))
    with pytest.raises(ValueError, match="out_axes is None"):
        xjax.vmap(lambda a: a, out_axes=None)(np.ones(3, np.float32))
    assert xjax.vmap(lambda: np.float32(1), axis_size=3, out_axes=None)() == 1


def test_vmap_of_custom_rules_keeps_them():
    @xjax.custom_jvp
    def f(x):
        return jnp.sin(x)

    f.defjvp(lambda p, t: (f(p[0]), 10.0 * t[0]))

    @xjax.custom_vjp
    def g(x):
        return jnp.sin(x)

    g.defvjp(lambda x: (g(x), jnp.cos(x)), lambda c, ct: (c * ct * 100.0,))
    x = np.arange(3, dtype=np.float32)
    np.testing.assert_allclose(np.asarray(xjax.vmap(f)(x)), np.sin(x), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(xjax.vmap(xjax.grad(f))(x)), [10.0] * 3)
    np.testing.assert_allclose(np.asarray(xjax.grad(lambda v: lax.reduce_sum(xjax.vmap(f)(v), (0,)))(x)), [10.0] * 3)
    np.testing.assert_allclose(np.asarray(xjax.vmap(xjax.grad(g))(x)), np.cos(x) * 100, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(xjax.grad(lambda v: lax.reduce_sum(xjax.vmap(g)(v), (0,)))(x)),
                               np.cos(x) * 100, rtol=1e-5)


def test_grad_through_all_gather_under_vmap():
    x = np.arange(6, dtype=np.float32).reshape(3, 2)
    f = lambda v: lax.reduce_sum(lax.all_gather(v, "i") ** 2, (0, 1))  # noqa: E731
    g = xjax.vmap(xjax.grad(f), axis_name="i")(x)
    # every member's loss includes every member's squares: d/dv = 2 v * (number of members)
    np.testing.assert_allclose(np.asarray(g), 2 * x * 3, rtol=1e-6)


def test_none_arguments_are_empty_nodes():
    x = np.arange(6, dtype=np.float32).reshape(3, 2)
    y = np.ones((3, 2), np.float32)
    for in_axes in ((0, None, 0), 0):
        out = xjax.vmap(lambda a, n, b: a + b, in_axes=in_axes)(x, None, y)
        np.testing.assert_allclose(np.asarray(out), x + y)


def test_pairwise_distances_and_per_example_grads_match_jax(oracle):
    from tests.oracle import assert_matches

    rng = np.random.default_rng(3)
    a = rng.standard_normal((4, 3)).astype(np.float32)
    b = rng.standard_normal((5, 3)).astype(np.float32)
    w = rng.standard_normal((3, 2)).astype(np.float32)
    code = (
        "dist = lambda x, y: jnp.sum((x - y) ** 2)\n"
        "pair = jax.vmap(jax.vmap(dist, in_axes=(None, 0)), in_axes=(0, None))(a, b)\n"
        "loss = lambda w, x: jnp.sum(jnp.tanh(x @ w) ** 2)\n"
        "pex = jax.jit(jax.vmap(jax.grad(loss), in_axes=(None, 0)))(w, a)\n"
        "out = (pair, pex)"
    )
    want = oracle.exec(code, a=a, b=b, w=w)
    dist = lambda x, y: jnp.sum((x - y) ** 2)  # noqa: E731
    pair = xjax.vmap(xjax.vmap(dist, in_axes=(None, 0)), in_axes=(0, None))(a, b)
    loss = lambda w, x: jnp.sum(jnp.tanh(x @ w) ** 2)  # noqa: E731
    pex = xjax.jit(xjax.vmap(xjax.grad(loss), in_axes=(None, 0)))(w, a)
    assert_matches((pair, pex), want, rtol=1e-5, atol=1e-5)


# ---------------------------------------------------------------------------
# vmap of a jit function: the body is batched and called as one jit


def f32(*shape):
    return np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape) / 7 - 0.8


def _count_calls(monkeypatch):
    """Counts compiles of jit bodies and eager single-op dispatches."""
    from xjax._src import core, dispatch, pjit

    counts = {"compiles": 0, "ops": 0}
    compile_ = pjit.compile_closed_jaxpr

    def compiling(*a, **k):
        counts["compiles"] += 1
        return compile_(*a, **k)

    def applying(*a, **k):
        counts["ops"] += 1
        return dispatch.apply_primitive(*a, **k)

    monkeypatch.setattr(pjit, "compile_closed_jaxpr", compiling)
    monkeypatch.setattr(core, "_apply_primitive", applying)
    return counts


def test_vmap_of_jit_is_one_batched_jit_call(monkeypatch):
    f = xjax.jit(lambda a, b: jnp.tanh(a * b) + jnp.sum(a) * b)
    x, y = f32(4, 3), f32(4, 3) - 1.0
    jaxpr = xjax.make_jaxpr(xjax.vmap(f))(x, y)
    (eqn,) = jaxpr.eqns
    assert eqn.primitive.name == "jit"
    assert [v.aval.shape for v in eqn.invars] == [(4, 3), (4, 3)]
    assert [v.aval.shape for v in eqn.outvars] == [(4, 3)]
    assert "jit[" in str(jaxpr) and "f32[4,3]" in str(eqn.params["jaxpr"])
    counts = _count_calls(monkeypatch)
    for i in range(2):  # one executable, compiled once, no op-by-op dispatch
        got = xjax.vmap(f)(x, y)
        assert counts == {"compiles": 1, "ops": 0}, (i, counts)
        np.testing.assert_allclose(np.asarray(got), loop(f, x, y), rtol=1e-6)


def test_vmap_of_jit_axes_mixes_pytrees_and_nesting():
    @xjax.jit
    def inner(a, b):
        return jnp.sin(a) @ b

    @xjax.jit
    def f(a, b, c):
        return {"y": inner(a, b) * c, "z": jnp.sum(a, axis=0), "k": c * 2.0}

    a, b, c = f32(3, 2, 4), f32(4, 5), f32(5)
    cases = [((0, None, None), 0), ((1, None, None), 1), ((0, 0, None), 0), ((None, 2, 0), 1),
             ((2, 1, None), 0)]
    for in_axes, out_axes in cases:
        args = [x if ax is None else np.stack([x + i / 10 for i in range(3)], axis=ax)
                for x, ax in zip((a, b, c), in_axes)]
        got = xjax.vmap(f, in_axes=in_axes, out_axes=out_axes)(*args)
        for key in ("y", "z", "k"):  # unmapped outputs ("k", "z") are broadcast like the loop's
            want = loop(lambda *xs, key=key: f(*xs)[key], *args, in_axes=in_axes)
            np.testing.assert_allclose(np.asarray(got[key]), np.moveaxis(want, 0, out_axes),
                                       rtol=1e-5, atol=1e-6, err_msg=f"{in_axes} {key}")
    # jit(vmap(jit)) and vmap(vmap(jit)): the batched jit nests inside the outer jaxpr
    g = xjax.jit(xjax.vmap(f, in_axes=(0, None, None)))
    text = str(xjax.make_jaxpr(g)(a, b, c))
    assert text.count("jit[") >= 3  # outer jit, batched f, batched inner
    got = g(a, b, c)
    np.testing.assert_allclose(np.asarray(got["y"]), loop(lambda x: f(x, b, c)["y"], a), rtol=1e-5)
    aa = np.stack([a, a + 1.0])
    got = xjax.vmap(xjax.vmap(f, in_axes=(0, None, None)), in_axes=(0, None, None))(aa, b, c)
    want = np.stack([loop(lambda x: f(x, b, c)["y"], s) for s in aa])
    np.testing.assert_allclose(np.asarray(got["y"]), want, rtol=1e-5, atol=1e-6)


def test_vmap_of_jit_with_collectives_under_named_axes():
    x = f32(3, 4)
    center = xjax.jit(lambda v: v - lax.pmean(v, "i"))
    got = xjax.vmap(center, axis_name="i")(x)
    np.testing.assert_allclose(np.asarray(got), x - x.mean(0), rtol=1e-6, atol=1e-6)
    jaxpr = xjax.make_jaxpr(xjax.vmap(center, axis_name="i"))(x)
    (eqn,) = jaxpr.eqns  # still one jit call; the collective is resolved in its batched body
    assert eqn.primitive.name == "jit" and "psum" not in str(jaxpr)
    # no mapped argument: the body still sees the named axis (as in JAX: [3, 4, 5])
    h = xjax.jit(lambda s: lax.psum(s, "i") + lax.axis_index("i"))
    got = xjax.vmap(lambda v: h(1.0) + v, axis_name="i")(np.zeros(3, np.float32))
    np.testing.assert_allclose(np.asarray(got), [3.0, 4.0, 5.0])
    # an unnamed inner vmap batches the body first; the outer named one resolves the psum
    y = f32(2, 3, 4)
    k = xjax.jit(lambda v: v * lax.psum(v, "i"))
    got = xjax.vmap(xjax.vmap(k), axis_name="i")(y)
    np.testing.assert_allclose(np.asarray(got), y * y.sum(0), rtol=1e-5)
    got = xjax.vmap(xjax.vmap(k, axis_name="i"), axis_name="j")(y)
    np.testing.assert_allclose(np.asarray(got), y * y.sum(1, keepdims=True), rtol=1e-5)


def test_grad_and_vmap_of_jit_compose():
    from xjax.test_util import check_grads

    f = xjax.jit(lambda v: jnp.sin(v) * v)
    x = f32(5)
    want = np.cos(x) * x + np.sin(x)
    for got in (
        xjax.grad(lambda v: jnp.sum(xjax.vmap(f)(v)))(x),
        xjax.vmap(xjax.grad(f))(x),
        xjax.vmap(xjax.jit(xjax.grad(f)))(x),
        xjax.jit(xjax.vmap(xjax.grad(f)))(x),
        jnp.diagonal(xjax.jacrev(xjax.vmap(f))(x)),
    ):
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-5, atol=1e-6)
    check_grads(xjax.vmap(f), (x,), order=2, modes=("fwd", "rev"))
