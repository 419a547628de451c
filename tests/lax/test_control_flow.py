"""Structured control flow against real JAX: values, grad, jit and vmap, alone and composed."""

import numpy as np
import pytest

import xjax
from xjax import lax
from tests.oracle import assert_matches

X = np.linspace(-1.0, 1.5, 6).astype(np.float32)
M = np.arange(12, dtype=np.float32).reshape(4, 3) / 10

# Each case is a function of (jax, lax, x, m) evaluated identically in both libraries.
CASES = {
    "scan_cumsum": "lax.scan(lambda c, v: (c + v, c * v), np.float32(0), x)",
    "scan_reverse": "lax.scan(lambda c, v: (c * 0.5 + v, c), np.float32(1), x, reverse=True)",
    "scan_pytree": "lax.scan(lambda c, v: ((c[0] + v['a'], c[1] * 2), v['b'] * c[0]), (np.float32(0), np.float32(1)), {'a': x, 'b': x * 2})",
    "scan_no_xs": "lax.scan(lambda c, _: (c * 1.5, c), np.float32(1), None, length=4)",
    "scan_matrix": "lax.scan(lambda c, r: (c + r, (c * r).sum()), np.zeros(3, np.float32), m)",
    "cond_true": "lax.cond(x[0] < 0, lambda a: a * 2, lambda a: a - 1, x)",
    "cond_false": "lax.cond(x[0] > 0, lambda a: a * 2, lambda a: a - 1, x)",
    "cond_pytree": "lax.cond(True, lambda a, b: (a + b, a), lambda a, b: (a - b, b), x, x * 3)",
    "switch": "[lax.switch(i, [lambda a: a + 1, lambda a: a * 2, lambda a: -a], x) for i in (-1, 0, 1, 2, 7)]",
    "while": "lax.while_loop(lambda c: c[0] < 100, lambda c: (c[0] * 3, c[1] + 1), (np.int32(1), np.int32(0)))",
    "fori_static": "lax.fori_loop(0, 5, lambda i, v: v * 1.1 + i, np.float32(1))",
    "fori_dynamic": "jax.jit(lambda n: lax.fori_loop(0, n, lambda i, v: v + i, np.int32(0)))(np.int32(6))",
    "map": "lax.map(lambda r: (r * r).sum(), m)",
    "map_batched": "lax.map(lambda r: r * 2, m, batch_size=3)",
    "grad_scan": "jax.grad(lambda a: lax.scan(lambda c, v: (jnp.sin(c) * v + c, c * v), a, x)[1].sum())(np.float32(0.3))",
    "grad_scan_xs": "jax.grad(lambda xs: lax.scan(lambda c, v: (c * v + 1, c), np.float32(1), xs)[0])(x)",
    "grad_cond": "jax.grad(lambda a: lax.cond(a > 0, lambda b: b * b * 3, lambda b: jnp.sin(b), a))(np.float32(0.7))",
    "grad_fori": "jax.grad(lambda a: lax.fori_loop(0, 4, lambda i, v: jnp.sin(v) * a, a))(np.float32(0.9))",
    "jvp_while": "jax.jvp(lambda a: lax.while_loop(lambda c: c[1] < 4, lambda c: (jnp.sin(c[0]) + c[0], c[1] + 1), (a, 0))[0], (np.float32(0.5),), (np.float32(1.0),))",
    "vmap_scan": "jax.vmap(lambda r: lax.scan(lambda c, v: (c + v * r[0], c), np.float32(0), r))(m)",
    "vmap_cond_batched_pred": "jax.vmap(lambda a: lax.cond(a > 0, lambda b: b * 10, lambda b: b - 1, a))(x)",
    "vmap_while_batched_pred": "jax.vmap(lambda a: lax.while_loop(lambda c: c < 5, lambda c: c + 1.5, a))(x)",
    "jit_composed": "jax.jit(lambda xs: lax.scan(lambda c, v: (lax.fori_loop(0, 3, lambda i, t: lax.cond(t > 0, lambda u: u * 0.5, lambda u: u + 1, t), c + v), c), np.float32(0), xs))(x)",
    "grad_composed": "jax.grad(lambda a: lax.scan(lambda c, v: (lax.fori_loop(0, 2, lambda i, t: lax.cond(t > 0, lambda u: u * a, lambda u: u + a, t), c + v), c), np.float32(0), x)[0])(np.float32(0.8))",
    "assoc_scan_add": "lax.associative_scan(lax.add, x)",
    "assoc_scan_reverse_axis1": "lax.associative_scan(lax.mul, m + 1, reverse=True, axis=1)",
    "assoc_scan_pytree": "lax.associative_scan(lambda a, b: (a[0] + b[0], jnp.maximum(a[1], b[1])), (x, x * 2))",
    "select": "lax.select(x > 0, x, x * 3)",
    "vmap_grad_scan": "jax.vmap(jax.grad(lambda a: lax.scan(lambda c, v: (c * a + v, c), np.float32(0), x)[0]))(x)",
}


@pytest.fixture(scope="module")
def want(oracle):
    code = "out = {}\nfor k, v in cases.items():\n    out[k] = eval(v)"
    return oracle.exec(code, cases=CASES, x=X, m=M)


@pytest.mark.parametrize("name", sorted(CASES))
def test_control_flow_matches_jax(want, name):
    import xjax.numpy as jnp

    env = {"jax": xjax, "lax": lax, "jnp": jnp, "np": np, "x": X, "m": M}
    got = eval(CASES[name], env)
    assert_matches(got, want[name], rtol=2e-5, atol=2e-5)


def test_carry_type_mismatch_error_names_the_leaf():
    with pytest.raises(TypeError, match=r"carry\[1\] has type f32\[\] but .* i32\[\]"):
        lax.scan(lambda c, v: ((c[0], 1), v), (np.float32(0), np.float32(0)), X)
    with pytest.raises(TypeError, match="shapes do not match"):
        lax.while_loop(lambda c: c.sum() < 3 if hasattr(c, "sum") else False,
                       lambda c: lax.broadcast(c, (2,)), np.float32(0))


def test_cond_branch_mismatch_and_pred_errors():
    with pytest.raises(TypeError, match=r"branch 1 output 0 has type f32\[\] but branch 0 output 0 has type f32\[2\]"):
        lax.cond(True, lambda a: a, lambda a: lax.broadcast(a, (2,)), np.float32(1))
    with pytest.raises(TypeError, match="Pred must be a scalar"):
        lax.cond(np.array([True, False]), lambda a: a, lambda a: a, np.float32(1))


def test_python_if_on_tracer_points_at_lax_cond():
    def f(x):
        if x > 0:
            return x
        return -x

    with pytest.raises(TypeError, match="lax.cond"):
        xjax.jit(f)(np.float32(1))


def test_while_loop_reverse_mode_error():
    with pytest.raises(ValueError, match="Reverse-mode differentiation does not work for lax.while_loop"):
        xjax.grad(lambda a: lax.while_loop(lambda c: c < 3, lambda c: c * 2, a))(np.float32(1))


def test_scan_jaxpr_typechecks_and_compiles_once_per_signature():
    from xjax._src.core import check_jaxpr

    f = lambda xs: lax.scan(lambda c, v: (c + v, c), np.float32(0), xs)  # noqa: E731
    check_jaxpr(xjax.make_jaxpr(f)(X).jaxpr)
    check_jaxpr(xjax.make_jaxpr(xjax.grad(lambda xs: f(xs)[0]))(X).jaxpr)


def test_rnn_trains_with_gradient_descent():
    rng = np.random.default_rng(0)
    T, H = 8, 4
    xs = rng.standard_normal((T, 1)).astype(np.float32)
    target = np.float32(0.7)
    params = {"w": rng.standard_normal((H, H)).astype(np.float32) * 0.3,
              "u": rng.standard_normal((1, H)).astype(np.float32),
              "v": rng.standard_normal((H,)).astype(np.float32)}

    def loss(p):
        import xjax.numpy as jnp

        def cell(h, x):
            h = jnp.tanh(h @ p["w"] + x @ p["u"])
            return h, h

        h, _ = lax.scan(cell, np.zeros(H, np.float32), xs)
        return (h @ p["v"] - target) ** 2

    step = xjax.jit(lambda p: xjax.tree.map(lambda a, g: a - 0.2 * g, p, xjax.grad(loss)(p)))
    first = float(loss(params))
    for _ in range(60):
        params = step(params)
    assert float(loss(params)) < first * 0.05
