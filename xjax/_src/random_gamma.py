"""The gamma sampler of jax.random and the samplers built on it, bit for bit as JAX: gamma,
loggamma, beta, dirichlet, t, chisquare, f, generalized_normal and ball.

As in JAX, gamma is the primitive `random_gamma` (keys, alpha): its lowering draws each element
from its own key (each key split in as many keys as its alphas) with the Marsaglia-Tsang
rejection loop, vmapped; a vmapped while_loop runs until every element is done and keeps each
element's state once its own condition fails. We run that batched loop directly on
`uint32[n, 2]` key arrays. Its vmap rule moves the batch into the keys, and its derivative in
alpha is the implicit reparameterization gradient (`lax.random_gamma_grad`).
"""

from __future__ import annotations

import math
import operator
from functools import partial
from typing import Any

import numpy as np

import xjax.numpy as jnp
from xjax._src import core, dtypes, prng
from xjax._src.api import jit
from xjax._src.array import Array
from xjax._src.core import Primitive
from xjax._src.interpreters.ad import defjvp
from xjax._src.interpreters.batching import bdim_at_front
from xjax._src.lax import elementwise as lax
from xjax._src.lax import shape as lax_shape
from xjax._src.prng import lower_fun
from xjax._src.random import (
    Shape,
    canonical_shape,
    check_prng_key,
    check_shape,
    const,
    normal_traced,
    sample_dtype,
    sampler_args,
    split_key,
    uniform_traced,
)
from xjax._src.random_continuous import exponential_traced
from xjax._src.random_discrete import rademacher_kernel

__all__ = [
    "ball",
    "beta",
    "chisquare",
    "dirichlet",
    "f",
    "gamma",
    "generalized_normal",
    "loggamma",
    "random_gamma_p",
    "t",
]

# ---------------------------------------------------------------------------
# The random_gamma primitive: (raw keys uint32[*kb, 2], alpha[*kb, *rest]) -> samples like alpha


def _split_each(keys: Any, num: int) -> Any:
    """Each key of `keys` (uint32[n, 2]) split in `num`: uint32[n, num, 2] (a vmapped split)."""
    from xjax._src.lax.slicing import slice_in_dim

    n = core.get_aval(keys).shape[0]
    k1 = slice_in_dim(keys, 0, 1, axis=1)
    k2 = slice_in_dim(keys, 1, 2, axis=1)
    lo = lax_shape.reshape(lax_shape.iota(dtypes.uint32, num), (1, num))
    hi = lax_shape.full((1, num), np.uint32(0), dtypes.uint32)
    b1, b2 = prng.threefry2x32(k1, k2, hi, lo)
    return lax_shape.concatenate(
        [lax_shape.reshape(b1, (n, num, 1)), lax_shape.reshape(b2, (n, num, 1))], 2
    )


def _keys_split(keys: Any, num: int) -> list:
    """Each of n keys split in `num` (JAX's split per key): `num` arrays uint32[n, 2]."""
    from xjax._src.lax.slicing import slice_in_dim

    both = _split_each(keys, num)
    n = core.get_aval(keys).shape[0]
    return [lax_shape.reshape(slice_in_dim(both, j, j + 1, axis=1), (n, 2)) for j in range(num)]


def _batched_while(cond: Any, body: Any, state: tuple) -> tuple:
    """A while_loop vmapped over elements: `cond(state)` is a bool vector; finished elements
    keep their state."""
    from xjax._src.lax.control_flow import while_loop
    from xjax._src.lax.reductions import reduce_or

    def step(s: tuple) -> tuple:
        pred = cond(s)
        new = body(s)
        return tuple(lax.select(_bcast_pred(pred, x), y, x) for x, y in zip(s, new))

    return while_loop(lambda s: reduce_or(cond(s), (0,)), step, state)


def _bcast_pred(pred: Any, x: Any) -> Any:
    shape = core.get_aval(x).shape
    if len(shape) == 1:
        return pred
    return lax_shape.broadcast_in_dim(pred, shape, (0,))


def _gamma_batched(keys: Any, alpha: Any, log_space: bool) -> Any:
    # Marsaglia & Tsang, "A simple method for generating gamma variables", ACM TOMS 2000.
    dtype = core.get_aval(alpha).dtype
    n = core.get_aval(alpha).shape[0]
    c = lambda v: np.asarray(v, dtype)[()]
    full = lambda v: lax_shape.full((n,), c(v), dtype)
    one = c(1)
    boost_mask = lax.ge(alpha, one)
    alpha_orig = alpha
    alpha = lax.select(boost_mask, alpha, lax.add(alpha, one))
    d = lax.sub(alpha, c(1.0 / 3.0))
    cc = lax.div(c(1.0 / 3.0), lax.sqrt(d))

    def outer_cond(s: tuple) -> Any:
        _, x, v, u = s
        return lax.bitwise_and(
            lax.ge(u, lax.sub(one, lax.mul(c(0.0331), lax.mul(x, x)))),
            lax.ge(
                lax.log(u),
                lax.add(lax.mul(x, c(0.5)), lax.mul(d, lax.add(lax.sub(one, v), lax.log(v)))),
            ),
        )

    def inner_body(s: tuple) -> tuple:
        k, _, _ = s
        k, sub = _keys_split(k, 2)
        x = normal_traced(sub, (), dtype, (n,))
        return k, x, lax.add(one, lax.mul(x, cc))

    def outer_body(s: tuple) -> tuple:
        k, x_key, u_key = _keys_split(s[0], 3)
        _, x, v = _batched_while(
            lambda t: lax.le(t[2], c(0)), inner_body, (x_key, full(0), full(-1))
        )
        u = uniform_traced(u_key, 0.0, 1.0, (), dtype, (n,))
        return k, lax.mul(x, x), lax.mul(lax.mul(v, v), v), u

    keys, subkeys = _keys_split(keys, 2)
    _, _, v, _ = _batched_while(outer_cond, outer_body, (keys, full(0), full(1), full(2)))
    if log_space:
        u = uniform_traced(subkeys, 0.0, 1.0, (), dtype, (n,))
        log_samples = lax.neg(lax.neg(lax.log1p(lax.neg(u))))
        skip = lax.bitwise_or(boost_mask, lax.eq(log_samples, c(0)))
        log_boost = lax.select(skip, full(0), lax.mul(log_samples, lax.div(one, alpha_orig)))
        return lax.add(lax.add(lax.log(d), lax.log(v)), log_boost)
    samples = lax.sub(one, uniform_traced(subkeys, 0.0, 1.0, (), dtype, (n,)))
    boost = lax.select(boost_mask, full(1), lax.pow(samples, lax.div(one, alpha_orig)))
    return lax.mul(lax.mul(d, v), boost)


def _random_gamma(keys: Any, a: Any, *, log_space: bool) -> Any:
    """JAX's `_gamma_impl`: every key split in as many keys as its alphas, one per element."""
    a_shape = core.get_aval(a).shape
    batch = core.get_aval(keys).shape[:-1]
    n = math.prod(a_shape)
    if n == 0:
        return a
    keys = lax_shape.reshape(keys, (math.prod(batch), 2))
    keys = lax_shape.reshape(_split_each(keys, math.prod(a_shape[len(batch) :])), (n, 2))
    alphas = lax_shape.reshape(a, (n,))
    return lax_shape.reshape(_gamma_batched(keys, alphas, log_space), a_shape)


random_gamma_p = Primitive("random_gamma")


@random_gamma_p.def_abstract_eval
def _random_gamma_abstract_eval(keys: Any, a: Any, *, log_space: bool) -> Any:
    batch = keys.shape[:-1]
    if keys.dtype != dtypes.uint32 or keys.shape[-1:] != (2,) or a.shape[: len(batch)] != batch:
        raise TypeError(
            "random_gamma: expected raw key data uint32[*batch, 2] and alpha of shape "
            f"(*batch, ...), got {keys.str_short()} and {a.str_short()}; pass "
            "jax.random.key_data(keys) for typed keys"
        )
    if not dtypes.is_floating(a.dtype):
        raise TypeError(f"random_gamma: alpha must be floating, got {a.str_short()}")
    return a.update(weak_type=False)


random_gamma_p.def_lowering(lower_fun(_random_gamma, multiple_results=False))


def _random_gamma_batch(vals: Any, dims: Any, *, log_space: bool) -> tuple:
    size = next(core.get_aval(v).shape[d] for v, d in zip(vals, dims) if d is not None)
    keys, a = (bdim_at_front(v, d, size) for v, d in zip(vals, dims))
    return random_gamma_p.bind(keys, a, log_space=log_space), 0


random_gamma_p.def_batching(_random_gamma_batch)


def _gamma_grad(sample: Any, a: Any, *, log_space: bool) -> Any:
    """d(sample)/d(a), elementwise by a map over the flattened values, as JAX does on CPU."""
    from xjax._src.lax.loops import map as lax_map
    from xjax._src.lax.special import random_gamma_grad  # imports xjax.lax: lazily

    shape = core.get_aval(a).shape
    samples = lax_shape.reshape(sample, (math.prod(shape),))
    alphas = lax_shape.reshape(a, (math.prod(shape),))
    grad = random_gamma_grad
    if log_space:
        # d log(x) = dx / x; exp(log x) may round to 0: use the smallest normal float instead
        samples = lax.exp(samples)
        tiny = lax_shape.full_like(samples, const(samples, dtypes.finfo(samples.dtype).tiny))
        samples = lax.select(lax.eq(samples, const(samples, 0)), tiny, samples)
        grad = lambda alpha, x: lax.div(random_gamma_grad(alpha, x), x)
    grads = lax_map(lambda args: grad(*args), (alphas, samples))
    return lax_shape.reshape(grads, shape)


defjvp(
    random_gamma_p,
    None,
    lambda t, ans, keys, a, *, log_space: lax.mul(t, _gamma_grad(ans, a, log_space=log_space)),
)


@partial(jit, static_argnums=(2, 3, 4))
def gamma_kernel(key: Any, a: Any, shape: tuple, dtype: np.dtype, log_space: bool) -> Any:
    """JAX's `_gamma`: Gamma(a, 1) (or its log) of `shape`, one key per element."""
    a = lax.convert_element_type(a, dtype)
    if np.shape(a) != shape:
        a = jnp.broadcast_to(a, shape)
    return random_gamma_p.bind(key, a, log_space=log_space)


def gamma(key: Any, a: Any, shape: Shape | None = None, dtype: Any = None) -> Array:
    """Gamma(a, 1) values (Marsaglia-Tsang rejection, one key per element as JAX)."""
    data, shape, dtype = sampler_args("gamma", key, shape, dtype, a)
    return gamma_kernel(data, a, shape, dtype, False)


def loggamma(key: Any, a: Any, shape: Shape | None = None, dtype: Any = None) -> Array:
    """log of Gamma(a, 1) values, accurate for small `a` (exp(loggamma) ~ gamma)."""
    data, shape, dtype = sampler_args("loggamma", key, shape, dtype, a)
    return gamma_kernel(data, a, shape, dtype, True)


# ---------------------------------------------------------------------------
# Built on gamma


@partial(jit, static_argnums=(3, 4))
def _beta(key: Any, a: Any, b: Any, shape: tuple, dtype: np.dtype) -> Any:
    key_a, key_b = split_key(key)
    log_gamma_a = gamma_kernel(key_a, a, shape, dtype, True)
    log_gamma_b = gamma_kernel(key_b, b, shape, dtype, True)
    # gamma_a / (gamma_a + gamma_b) without losing precision
    log_max = lax.max(log_gamma_a, log_gamma_b)
    gamma_a_scaled = lax.exp(lax.sub(log_gamma_a, log_max))
    gamma_b_scaled = lax.exp(lax.sub(log_gamma_b, log_max))
    return lax.div(gamma_a_scaled, lax.add(gamma_a_scaled, gamma_b_scaled))


def beta(key: Any, a: Any, b: Any, shape: Shape | None = None, dtype: Any = None) -> Array:
    """Beta(a, b) values from two log-gamma samples."""
    data, shape, dtype = sampler_args("beta", key, shape, dtype, a, b, safe_cast=True)
    return _beta(data, a, b, shape, dtype)


@partial(jit, static_argnums=(2, 3))
def _dirichlet(key: Any, alpha: Any, shape: tuple, dtype: np.dtype) -> Any:
    alpha = lax.convert_element_type(alpha, dtype)
    log_gamma = gamma_kernel(key, alpha, shape + tuple(np.shape(alpha)[-1:]), dtype, True)
    # softmax over the last axis, as jax.nn.softmax computes it
    x_max = jnp.max(log_gamma, -1, keepdims=True)
    unnormalized = jnp.exp(log_gamma - x_max)
    return unnormalized / jnp.sum(unnormalized, -1, keepdims=True)


def dirichlet(key: Any, alpha: Any, shape: Shape | None = None, dtype: Any = None) -> Array:
    """Dirichlet(alpha) values over the last axis of `alpha`."""
    data, _ = check_prng_key("dirichlet", key)
    dtype = sample_dtype("dirichlet", dtype)
    if not np.ndim(alpha) >= 1:
        raise ValueError(f"dirichlet requires alpha.ndim >= 1, got alpha.ndim == {np.ndim(alpha)}")
    batch_shape = tuple(np.shape(alpha)[:-1])
    if shape is None:
        shape = batch_shape
    else:
        shape = canonical_shape(shape, "dirichlet")
        check_shape("dirichlet", shape, batch_shape)
    return _dirichlet(data, alpha, shape, dtype)


@partial(jit, static_argnums=(2, 3))
def _t(key: Any, df: Any, shape: tuple, dtype: np.dtype) -> Any:
    df = lax.convert_element_type(df, dtype)
    key_n, key_g = split_key(key)
    n = normal_traced(key_n, shape, dtype)
    half_df = lax.div(df, const(df, 2))
    g = gamma_kernel(key_g, half_df, shape, dtype, False)
    return n * jnp.sqrt(half_df / g)


def t(key: Any, df: Any, shape: Shape | None = None, dtype: Any = None) -> Array:
    """Student's t values with `df` degrees of freedom."""
    data, shape, dtype = sampler_args("t", key, shape, dtype, df, safe_cast=True)
    return _t(data, df, shape, dtype)


@partial(jit, static_argnums=(2, 3))
def _chisquare(key: Any, df: Any, shape: tuple, dtype: np.dtype) -> Any:
    df = lax.convert_element_type(df, dtype)
    two = const(df, 2)
    log_g = gamma_kernel(key, lax.div(df, two), shape, dtype, True)
    return lax.mul(jnp.exp(log_g), two)


def chisquare(key: Any, df: Any, shape: Shape | None = None, dtype: Any = None) -> Array:
    """Chi-square values with `df` degrees of freedom: 2 * Gamma(df / 2)."""
    data, shape, dtype = sampler_args("chisquare", key, shape, dtype, df)
    return _chisquare(data, df, shape, dtype)


@partial(jit, static_argnums=(3, 4))
def _f(key: Any, dfnum: Any, dfden: Any, shape: tuple, dtype: np.dtype) -> Any:
    dfden = lax.convert_element_type(dfden, dtype)
    dfnum = lax.convert_element_type(dfnum, dtype)
    key_dfd, key_dfn = split_key(key)
    num = lax.div(_chisquare(key_dfn, dfnum, shape, dtype), dfnum)
    den = lax.div(_chisquare(key_dfd, dfden, shape, dtype), dfden)
    return lax.div(num, den)


def f(key: Any, dfnum: Any, dfden: Any, shape: Shape | None = None, dtype: Any = None) -> Array:
    """F-distribution values: (chi2(dfnum) / dfnum) / (chi2(dfden) / dfden)."""
    data, shape, dtype = sampler_args("f", key, shape, dtype, dfnum, dfden)
    return _f(data, dfnum, dfden, shape, dtype)


@partial(jit, static_argnums=(2, 3))
def _generalized_normal(key: Any, p: Any, shape: tuple, dtype: np.dtype) -> Any:
    # `p` is traced (as in JAX), so 1 / p rounds in its own weak type before the cast.
    key_g, key_r = split_key(key)
    inv_p = 1 / p
    check_shape("gamma", shape, np.shape(inv_p))
    g = gamma_kernel(key_g, inv_p, shape, dtype, False)
    r = rademacher_kernel(key_r, shape, dtype)
    return r * g ** (1 / p)


def generalized_normal(key: Any, p: Any, shape: Shape = (), dtype: Any = None) -> Array:
    """Generalized normal values, density proportional to exp(-|x|^p).

    xjax implementation of `jax.random.generalized_normal`: a random sign times
    Gamma(1 / p) ** (1 / p).

    Args:
      key: a PRNG key.
      p: the shape parameter, p > 0 (a scalar, or an array broadcast-compatible with `shape`).
      shape: the shape of the result.
      dtype: a float dtype (default float32, float64 with x64).
    Returns:
      An array of `shape` and `dtype`.
    """
    data, shape, dtype = sampler_args("generalized_normal", key, shape, dtype)
    return _generalized_normal(data, p, shape, dtype)


@partial(jit, static_argnums=(2, 3, 4))
def _ball(key: Any, p: Any, d: int, shape: tuple, dtype: np.dtype) -> Any:
    k1, k2 = split_key(key)
    g = _generalized_normal(k1, p, (*shape, d), dtype)
    e = exponential_traced(k2, shape, dtype)
    return g / (((jnp.abs(g) ** p).sum(-1) + e) ** (1 / p))[..., None]


def ball(key: Any, d: int, p: Any = 2, shape: Shape = (), dtype: Any = None) -> Array:
    """Points uniform in the unit Lp ball of dimension `d` (Barthe, Guédon, Mendelson and
    Naor, "A probabilistic approach to the geometry of the l_p^n-ball", 2005).

    xjax implementation of `jax.random.ball`.

    Args:
      key: a PRNG key.
      d: the dimension of the ball (a nonnegative int).
      p: the order of the Lp norm.
      shape: the batch shape of the result.
      dtype: a float dtype (default float32, float64 with x64).
    Returns:
      An array of shape `(*shape, d)` and `dtype`.
    """
    shape = canonical_shape(shape, "ball")
    data, _, dtype = sampler_args("ball", key, shape, dtype)
    d = operator.index(d)
    if d < 0:
        raise TypeError(
            "Only non-negative indices are allowed when broadcasting static shapes, but got "
            f"shape {(*shape, d)}."
        )
    return _ball(data, p, d, shape, dtype)
