"""checkpoint/remat: fewer residuals in the linearized jaxpr, unchanged gradients; policies."""

import numpy as np
import pytest

import xjax
import xjax.numpy as jnp
from xjax import lax
from xjax._src.interpreters import ad
from xjax.ad_checkpoint import checkpoint_name


def chain(x):
    for _ in range(4):
        x = lax.mul(lax.sin(x), 1.5)
    return x


def residuals(f, *args):
    _, _, consts, _ = ad.linearize_flat(lambda *a: [f(*a)], list(args))
    return consts


X = np.linspace(0.1, 1.0, 5).astype(np.float32)


def test_remat_saves_fewer_residuals_but_same_gradient():
    plain = residuals(chain, X)
    remat = residuals(xjax.checkpoint(chain), X)
    assert len(remat) == 1 and len(plain) >= 4  # only the input is kept
    loss = lambda f: lambda x: lax.reduce_sum(f(x), (0,))  # noqa: E731
    np.testing.assert_allclose(np.asarray(xjax.grad(loss(chain))(X)),
                               np.asarray(xjax.grad(loss(xjax.checkpoint(chain)))(X)), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(xjax.jit(xjax.grad(loss(xjax.remat(chain))))(X)),
                               np.asarray(xjax.grad(loss(chain))(X)), rtol=1e-6)


def test_policies_choose_what_is_saved():
    w = np.random.default_rng(0).standard_normal((5, 5)).astype(np.float32)

    def layer(w, x):
        h = lax.dot_general(w, x, (((1,), (0,)), ((), ())))
        h = checkpoint_name(lax.sin(h), "act")
        return lax.mul(lax.tanh(h), 2.0)

    def shapes(policy):
        f = xjax.checkpoint(layer, policy=policy)
        return [np.shape(c) for c in residuals(lambda w: f(w, X), w)]

    P = xjax.checkpoint_policies
    assert shapes(P.nothing_saveable) == [(5, 5), (5,)]  # inputs only
    assert shapes(P.dots_saveable) == [(5, 5), (5,), (5,)]  # + the dot's output
    assert len(shapes(P.everything_saveable)) >= len(residuals(lambda w: layer(w, X), w))
    assert shapes(P.save_only_these_names("act")) == [(5, 5), (5,), (5,)]
    base = xjax.grad(lambda w: lax.reduce_sum(layer(w, X), (0,)))(w)
    for pol in (P.nothing_saveable, P.dots_saveable, P.everything_saveable,
                P.dots_with_no_batch_dims_saveable, P.save_only_these_names("act")):
        g = xjax.grad(lambda w: lax.reduce_sum(xjax.checkpoint(layer, policy=pol)(w, X), (0,)))(w)
        np.testing.assert_allclose(np.asarray(g), np.asarray(base), rtol=1e-5, atol=1e-6)


def test_remat_composes_with_vmap_jvp_and_scan(oracle):
    f = xjax.checkpoint(chain)
    np.testing.assert_allclose(np.asarray(xjax.vmap(f)(X)), np.asarray(chain(X)), rtol=1e-6)
    _, t = xjax.jvp(f, (X,), (np.ones_like(X),))
    _, t_ref = xjax.jvp(chain, (X,), (np.ones_like(X),))
    np.testing.assert_allclose(np.asarray(t), np.asarray(t_ref), rtol=1e-6)

    def scanned(x):
        c, _ = lax.scan(lambda c, _: (xjax.checkpoint(lambda y: jnp.sin(y) * 1.5)(c), None), x, None, length=4)
        return lax.reduce_sum(c, (0,))

    want = oracle.eval(
        "jax.grad(lambda x: jnp.sum(lax.scan(lambda c, _: (jax.checkpoint(lambda y: jnp.sin(y) * 1.5)(c), None), x, None, length=4)[0]))(x)",
        x=X,
    )
    np.testing.assert_allclose(np.asarray(xjax.grad(scanned)(X)), want.value, rtol=1e-5)


def test_static_argnums():
    f = xjax.checkpoint(lambda x, n: x * n if n > 1 else x, static_argnums=(1,))
    assert float(xjax.grad(f)(np.float32(2.0), 3)) == 3.0


def test_kwargs_are_refused_clearly():
    with pytest.raises(TypeError, match="positionally"):
        xjax.checkpoint(lambda x: x)(x=np.float32(1))
