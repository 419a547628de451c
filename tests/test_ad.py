"""The autodiff API: jvp, linearize, vjp, grad, value_and_grad, jacobians, custom rules,
composition with jit, symbolic zeros, and the errors JAX raises."""

import numpy as np
import pytest

import xjax
import xjax.numpy as jnp
from tests._util import x64_fixture  # noqa: F401  (the `x64` fixture)
from tests.oracle import assert_matches
from xjax import lax
from xjax._src.errors import MissingRuleError
from xjax.test_util import check_grads


def f64(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def mlp_loss(params, x, y):
    h = x
    for w, b in params:
        h = jnp.tanh(lax.dot_general(h, w, (((1,), (0,)), ((), ()))) + b)
    err = h - y
    return lax.reduce_sum(err * err, (0, 1)) / err.shape[0]


def _mlp_params(rng, sizes, dtype=np.float32):
    return [
        (rng.standard_normal((m, n)).astype(dtype) / np.sqrt(m), rng.standard_normal(n).astype(dtype) * 0.1)
        for m, n in zip(sizes[:-1], sizes[1:])
    ]


MLP_JAX = """
def mlp_loss(params, x, y):
    h = x
    for w, b in params:
        h = jnp.tanh(lax.dot_general(h, w, (((1,), (0,)), ((), ()))) + b)
    err = h - y
    return lax.reduce_sum(err * err, (0, 1)) / err.shape[0]
out = jax.value_and_grad(mlp_loss)(params, x, y)
"""


def test_mlp_value_and_grad_matches_jax(oracle):
    rng = np.random.default_rng(0)
    params = _mlp_params(rng, [5, 7, 3])
    x = rng.standard_normal((4, 5)).astype(np.float32)
    y = rng.standard_normal((4, 3)).astype(np.float32)
    want = oracle.exec(MLP_JAX, params=params, x=x, y=y)
    got = xjax.value_and_grad(mlp_loss)(params, x, y)
    got = (got[0], [tuple(p) for p in got[1]])
    assert_matches(got, (want[0], [tuple(p) for p in want[1]]), rtol=1e-5, atol=1e-6)
    jitted = xjax.jit(xjax.value_and_grad(mlp_loss))(params, x, y)
    np.testing.assert_allclose(np.asarray(jitted[1][0][0]), np.asarray(got[1][0][0]), rtol=1e-5, atol=1e-6)


def test_check_grads_composite(x64):
    def f(x, y):
        return jnp.sin(x) * jnp.exp(y) / (1.5 + jnp.cos(x * y)) - jnp.tanh(x)

    check_grads(f, (f64(3), f64(3, seed=1)), order=2, modes=("fwd", "rev"))


def test_grad_argnums_has_aux_and_value(oracle):
    def f(x, y, z):
        return jnp.sin(x * y) + z * 2.0, {"aux": x * 3}

    x, y, z = np.float32(0.5), np.float32(1.5), np.float32(2.0)
    (val, aux), g = xjax.value_and_grad(f, argnums=(0, 2), has_aux=True)(x, y, z)
    np.testing.assert_allclose(float(val), np.sin(0.75) + 4.0, rtol=1e-6)
    np.testing.assert_allclose(float(aux["aux"]), 1.5, rtol=1e-6)
    np.testing.assert_allclose([float(g[0]), float(g[1])], [np.cos(0.75) * 1.5, 2.0], rtol=1e-6)
    g1, aux1 = xjax.grad(f, has_aux=True)(x, y, z)
    assert float(g1) == pytest.approx(np.cos(0.75) * 1.5, rel=1e-6)


def test_grad_of_grad_fourth_order(x64):
    f = lambda x: jnp.sin(x) * x  # noqa: E731
    g4 = xjax.grad(xjax.grad(xjax.grad(xjax.grad(f))))
    x = 0.7
    # d^4/dx^4 [x sin x] = x sin x - 4 cos x
    assert float(g4(x)) == pytest.approx(x * np.sin(x) - 4 * np.cos(x), rel=1e-9)


def test_jit_of_grad_and_grad_of_jit_agree():
    f = lambda x: lax.reduce_sum(jnp.sin(x) * jnp.cos(x) * x, (0,))  # noqa: E731
    x = np.linspace(-1, 1, 5).astype(np.float32)
    a = xjax.grad(f)(x)
    b = xjax.jit(xjax.grad(f))(x)
    c = xjax.grad(xjax.jit(f))(x)
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(a), np.asarray(c), rtol=1e-6)


def test_closure_over_outer_tracer():
    def outer(y):
        return xjax.grad(lambda x: jnp.sin(x * y))(np.float32(1.0))

    # d/dy [cos(y) * y] = cos(y) - y sin(y)
    g = xjax.grad(outer)(np.float32(0.3))
    assert float(g) == pytest.approx(np.cos(0.3) - 0.3 * np.sin(0.3), rel=1e-5)


def test_python_control_flow_on_concrete_values():
    def f(x, n):
        out = x
        for _ in range(n):
            out = jnp.sin(out) if n % 2 else out * 2
        return out

    assert float(xjax.grad(f)(np.float32(0.5), 2)) == pytest.approx(4.0)


def test_jvp_linearize_vjp_consistency(x64):
    f = lambda x, y: (jnp.sin(x) * y, jnp.exp(x) + y)  # noqa: E731
    x, y = f64(4), f64(4, seed=2)
    tx, ty = f64(4, seed=3), f64(4, seed=4)
    out, tout = xjax.jvp(f, (x, y), (tx, ty))
    out2, f_lin = xjax.linearize(f, x, y)
    tout2 = f_lin(tx, ty)
    for a, b in zip(tout, tout2):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-12)
    _, vjp_fn = xjax.vjp(f, x, y)
    u = (f64(4, seed=5), f64(4, seed=6))
    cx, cy = vjp_fn(u)
    lhs = sum(np.vdot(np.asarray(a), np.asarray(b)) for a, b in zip(u, tout))
    rhs = np.vdot(np.asarray(cx), tx) + np.vdot(np.asarray(cy), ty)
    assert lhs == pytest.approx(rhs, rel=1e-10)


def test_symbolic_zero_tangents_are_not_materialised():
    jaxpr = xjax.make_jaxpr(lambda x, y: xjax.jvp(lambda a: jnp.sin(a) * y, (x,), (np.float32(1),)))(
        np.float32(1), np.float32(2)
    )
    # y's tangent is a symbolic zero: only the x path is differentiated (one cos, no zeros).
    names = [e.primitive.name for e in jaxpr.eqns]
    assert names.count("cos") == 1 and "broadcast_in_dim" not in names


def test_integer_inputs_get_float0_tangents_and_errors():
    with pytest.raises(TypeError, match="allow_int"):
        xjax.grad(lambda x: x * 2.0)(np.int32(3))
    g = xjax.grad(lambda x, n: x * 2.0, argnums=0)(np.float32(1.0), np.int32(3))
    assert float(g) == 2.0
    g_int = xjax.grad(lambda x: x.astype(np.float32) * 2.0 if hasattr(x, "astype") else x,
                      allow_int=True)
    assert g_int is not None


def test_grad_requires_scalar_real_output():
    with pytest.raises(TypeError, match="scalar-output functions.*shape: \\(3,\\)"):
        xjax.grad(lambda x: x * 2)(np.ones(3, np.float32))
    with pytest.raises(TypeError, match="real-valued outputs"):
        xjax.grad(lambda x: lax.convert_element_type(x, np.int32))(np.float32(1))


def test_missing_rule_names_primitive_and_transformation():
    from xjax._src.core import Primitive

    p = Primitive("test_nojvp")
    p.def_abstract_eval(lambda x: x)
    p.def_lowering(lambda ctx, x: x)
    try:
        with pytest.raises(MissingRuleError, match="jvp.*'test_nojvp'|'test_nojvp'.*jvp"):
            xjax.grad(lambda x: p.bind(x))(np.float32(1))
    finally:
        from xjax._src.core import Primitive as P

        del P.registry["test_nojvp"]


def test_stop_gradient():
    g = xjax.grad(lambda x: x * lax.stop_gradient(x))(np.float32(3.0))
    assert float(g) == 3.0


def test_custom_jvp_and_defjvps(oracle):
    @xjax.custom_jvp
    def f(x):
        return jnp.sin(x)

    @f.defjvp
    def f_jvp(primals, tangents):
        (x,), (t,) = primals, tangents
        return f(x), 10.0 * t  # deliberately not cos: proves the rule is used

    assert float(xjax.grad(f)(np.float32(0.3))) == pytest.approx(10.0)
    assert float(xjax.jit(xjax.grad(f))(np.float32(0.3))) == pytest.approx(10.0)
    assert float(f(np.float32(0.3))) == pytest.approx(np.sin(0.3), rel=1e-6)

    @xjax.custom_jvp
    def g(x, y):
        return x * y

    g.defjvps(lambda t, ans, x, y: t * 2.0, None)
    assert float(xjax.grad(g)(np.float32(1.0), np.float32(5.0))) == 2.0
    assert float(xjax.grad(g, argnums=1)(np.float32(1.0), np.float32(5.0))) == 0.0


def test_custom_jvp_nondiff_argnums():
    from functools import partial

    @partial(xjax.custom_jvp, nondiff_argnums=(0,))
    def app(fn, x):
        return fn(x)

    @app.defjvp
    def app_jvp(fn, primals, tangents):
        (x,), (t,) = primals, tangents
        return app(fn, x), 3.0 * t

    assert float(xjax.grad(lambda x: app(jnp.sin, x))(np.float32(1.0))) == 3.0

    @partial(xjax.custom_jvp, nondiff_argnums=(1,))
    def scaled(x, k=3.0):  # a defaulted non-differentiable argument left out by the caller
        return x * k

    @scaled.defjvp
    def scaled_jvp(k, primals, tangents):
        return scaled(primals[0], k), tangents[0] * k

    assert float(scaled(2.0)) == 6.0
    assert float(xjax.grad(scaled)(2.0)) == 3.0
    assert float(xjax.grad(lambda x: scaled(x, 5.0))(1.0)) == 5.0


def test_custom_vjp_with_pytree_residuals():
    @xjax.custom_vjp
    def f(x, y):
        return jnp.sin(x) * y

    def fwd(x, y):
        return f(x, y), {"cos": jnp.cos(x), "sin": jnp.sin(x), "y": y}

    def bwd(res, g):
        return (res["cos"] * res["y"] * g * 100.0, res["sin"] * g)

    f.defvjp(fwd, bwd)
    gx, gy = xjax.grad(f, argnums=(0, 1))(np.float32(0.5), np.float32(2.0))
    assert float(gx) == pytest.approx(np.cos(0.5) * 2 * 100, rel=1e-5)
    assert float(gy) == pytest.approx(np.sin(0.5), rel=1e-6)
    gj = xjax.jit(xjax.grad(f))(np.float32(0.5), np.float32(2.0))
    assert float(gj) == pytest.approx(np.cos(0.5) * 2 * 100, rel=1e-5)
    with pytest.raises(TypeError, match="forward-mode"):
        xjax.jvp(lambda x: f(x, np.float32(1)), (np.float32(1),), (np.float32(1),))


def test_jacobians_and_hessian(oracle, x64):
    def f(x):
        return jnp.sin(x) * x[0]

    x = np.array([0.3, -0.2, 0.9])
    want = oracle.eval("jax.jacrev(lambda x: jnp.sin(x) * x[0])(x)", x=x, x64=True)
    jr = xjax.jacrev(f)(x)
    jf = xjax.jacfwd(f)(x)
    np.testing.assert_allclose(np.asarray(jr), want.value, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(jf), want.value, rtol=1e-12)
    h = xjax.hessian(lambda x: lax.reduce_sum(jnp.sin(x) * x, (0,)))(x)
    want_h = oracle.eval("jax.hessian(lambda x: jnp.sum(jnp.sin(x) * x))(x)", x=x, x64=True)
    np.testing.assert_allclose(np.asarray(h), want_h.value, rtol=1e-10, atol=1e-12)


def test_vjp_cotangent_errors():
    _, vjp_fn = xjax.vjp(lambda x: x * 2, np.ones(3, np.float32))
    with pytest.raises(ValueError, match="shape"):
        vjp_fn(np.ones(4, np.float32))
    with pytest.raises(TypeError, match="tree structure"):
        vjp_fn((np.ones(3, np.float32),))


def test_jit_call_on_tangents_inside_a_custom_rule_transposes():
    # A jvp rule that calls a jitted function on the tangent: reverse mode must see its body.
    scale = xjax.jit(lambda t: t * 3.0)

    @xjax.custom_jvp
    def f(x):
        return jnp.sin(x)

    @f.defjvp
    def f_jvp(primals, tangents):
        (x,), (tx,) = primals, tangents
        return f(x), scale(jnp.cos(x) * tx) / 3.0

    np.testing.assert_allclose(xjax.grad(f)(1.0), np.cos(1.0), rtol=1e-6)
    np.testing.assert_allclose(xjax.grad(lambda x: xjax.jit(lambda y: y * y)(x))(3.0), 6.0)


def test_grads_at_python_scalars_and_infinities_match_jax(oracle):
    progs = {
        "abs_pos": "jax.grad(jnp.abs)(2.0)",
        "abs_neg": "jax.grad(jnp.abs)(-2.0)",
        "lae_minf": "jax.grad(jnp.logaddexp, (0, 1))(-jnp.inf, 0.0)",
        "lae_both": "jax.grad(jnp.logaddexp, (0, 1))(-jnp.inf, -jnp.inf)",
        "cumlse": "jax.grad(lambda x: lax.cumlogsumexp(x).sum())(jnp.array([-jnp.inf, 0.0, 1.0]))",
    }
    want = oracle.eval("[" + ", ".join(progs.values()) + "]")
    got = [
        xjax.grad(jnp.abs)(2.0),
        xjax.grad(jnp.abs)(-2.0),
        xjax.grad(jnp.logaddexp, (0, 1))(-np.inf, 0.0),
        xjax.grad(jnp.logaddexp, (0, 1))(-np.inf, -np.inf),
        xjax.grad(lambda x: lax.cumlogsumexp(x).sum())(jnp.array([-np.inf, 0.0, 1.0])),
    ]
    for g, w in zip(got, want):
        assert_matches(g, w)
