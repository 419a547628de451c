"""jax.random on threefry2x32: keys, split/fold_in and the samplers, bit for bit as JAX 0.10.

Each sampler checks its arguments here, then calls a `jit`-compiled kernel on the raw key data
(`uint32[2]`), as JAX does, so that eager calls run one cached executable. The algorithms (and
so the bits) follow `jax/_src/random/core.py`: uniform fills the mantissa of a float in [1, 2)
with random bits; normal is `sqrt(2) * erf_inv(u)`; discrete samplers use the Gumbel-max trick or
sorts by random keys.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from functools import partial
from typing import Any

import numpy as np

import xjax.numpy as jnp
from xjax._src import core, dtypes, prng
from xjax._src.api import jit
from xjax._src.array import Array
from xjax._src.config import x64_enabled
from xjax._src.core import Tracer
from xjax._src.lax import elementwise as lax
from xjax._src.lax import shape as lax_shape
from xjax._src.lax.sorting import sort_key_val, top_k
from xjax._src.numpy.util import check_arraylike, promote_dtypes_inexact
from xjax._src.prng import UINT_DTYPES, PRNGKeyArray
from xjax._src.util import canonicalize_axis

__all__ = [
    "PRNGKey",
    "PRNGKeyArray",
    "bernoulli",
    "beta",
    "bits",
    "categorical",
    "cauchy",
    "chisquare",
    "choice",
    "dirichlet",
    "exponential",
    "f",
    "fold_in",
    "gamma",
    "geometric",
    "gumbel",
    "key",
    "key_data",
    "key_impl",
    "laplace",
    "loggamma",
    "logistic",
    "lognormal",
    "multivariate_normal",
    "normal",
    "orthogonal",
    "pareto",
    "permutation",
    "poisson",
    "rademacher",
    "randint",
    "rayleigh",
    "split",
    "t",
    "triangular",
    "truncated_normal",
    "uniform",
    "wald",
    "weibull_min",
    "wrap_key_data",
]

Shape = Sequence[int]

# ---------------------------------------------------------------------------
# Argument checks


def _check_prng_key(name: str, key: Any, allow_batched: bool = False) -> tuple[Any, bool]:
    """(raw uint32[..., 2] key data, whether `key` was typed)."""
    if isinstance(key, PRNGKeyArray):
        data, typed = key._base_array, True
    elif isinstance(key, (Array, Tracer, np.ndarray)):
        prng.check_key_data(key)
        data, typed = key, False
    else:
        raise TypeError(f"unexpected PRNG key type {type(key)}")
    if not allow_batched and core.get_aval(data).ndim > 1:
        raise ValueError(
            f"{name} accepts a single key, but was given a key array of shape "
            f"{tuple(core.get_aval(data).shape[:-1])} != (). Use jax.vmap for batching."
        )
    return data, typed


def _canonical_shape(shape: Any, name: str) -> tuple[int, ...]:
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    try:
        out = tuple(operator.index(d) for d in shape)
    except TypeError:
        raise TypeError(f"{name}: shape must be a sequence of integers, got {shape!r}") from None
    if any(d < 0 for d in out):
        raise ValueError(f"{name}: shape {out} has a negative dimension")
    return out


def _check_shape(name: str, shape: tuple[int, ...], *param_shapes: tuple[int, ...]) -> None:
    if param_shapes:
        got = jnp.broadcast_shapes(shape, *param_shapes)
        if got != shape:
            raise ValueError(
                f"{name} parameter shapes must be broadcast-compatible with shape argument, and "
                "the result of broadcasting the shapes must equal the shape argument, but got "
                f"result {got} for shape argument {shape}."
            )


def _broadcast_param_shapes(name: str, shape: Any, *args: Any) -> tuple[int, ...]:
    arg_shapes = [np.shape(a) for a in args]
    if shape is None:
        return jnp.broadcast_shapes(*arg_shapes) if arg_shapes else ()
    shape = _canonical_shape(shape, name)
    _check_shape(name, shape, *arg_shapes)
    return shape


def _float_dtype(dtype: Any, name: str, kinds: str = "float") -> np.dtype:
    dt = dtypes.default_float_dtype() if dtype is None else dtypes.check_user_dtype(dtype, name)
    ok = dtypes.is_floating(dt) if kinds == "float" else dtypes.is_inexact(dt)
    if not ok:
        what = "a float" if kinds == "float" else "a float or complex"
        raise ValueError(f"dtype argument to `{name}` must be {what} dtype, got {dt}")
    return dt


class TypePromotionError(ValueError):
    """A parameter's dtype does not cast safely to the requested dtype (JAX's class name).

    TODO(#6): move to xjax._src.errors beside the other JAX-named errors."""


def _check_all_safe_to_cast(name: str, dtype: np.dtype, *args: Any) -> None:
    for arg in args:
        arg_dtype = dtypes.canonicalize_dtype(dtypes.dtype(arg))
        if arg_dtype != dtype and dtypes.result_type(arg, dtype) != dtype:
            raise TypePromotionError(
                f"In arguments to {name}, cannot safely cast argument of type {arg_dtype} "
                f"to {dtype}"
            )


def _rank_broadcast(x: Any, ndim: int) -> Any:
    """`x` with leading 1-dims up to rank `ndim` (JAX's lax.broadcast_to_rank)."""
    shape = core.get_aval(x).shape
    if len(shape) == ndim:
        return x
    return lax_shape.reshape(x, (1,) * (ndim - len(shape)) + tuple(shape))


def _const(x: Any, value: Any) -> Any:
    return np.asarray(value, core.get_aval(x).dtype)[()]


# ---------------------------------------------------------------------------
# Keys


def _seed_array(seed: Any, ctor: str) -> Any:
    if isinstance(seed, PRNGKeyArray):
        raise TypeError(f"{ctor} accepts a scalar seed, but was given a PRNG key.")
    if np.ndim(seed):
        raise TypeError(
            f"{ctor} accepts a scalar seed, but was given an array of shape {np.shape(seed)} "
            "!= (). Use jax.vmap for batching"
        )
    if isinstance(seed, (Array, Tracer)):
        return seed
    if isinstance(seed, bool):
        return np.bool_(seed)
    if isinstance(seed, int):
        # As JAX: Python ints go through int64 (wrapping to int32 without x64).
        return np.int64(seed) if x64_enabled() else np.int64(seed).astype(np.int32)
    arr = np.asarray(seed)
    if arr.dtype.kind in "iub":
        return arr.astype(dtypes.canonicalize_dtype(arr.dtype))[()]
    raise TypeError(f"PRNG key seed must be an integer; got {seed!r}")


def _check_impl(impl: Any, dtype: Any, fn: str) -> None:
    if dtype is not None:
        if impl is not None:
            raise ValueError(f"Cannot specify both `impl` and `dtype` arguments to {fn}")
        impl = dtype
    if impl is None or isinstance(impl, prng.KeyTy) or impl == "threefry2x32":
        return
    if isinstance(impl, str):
        raise ValueError(  # noqa: TRY004  (JAX raises ValueError here)
            f'unrecognized PRNG implementation "{impl}". Did you mean one of: "threefry2x32"? '
            "(xjax implements threefry2x32 only)"
        )
    raise TypeError(f"unrecognized type {type(impl)} for specifying PRNG implementation.")


_seed = jit(prng.threefry_seed)


def key(seed: Any, *, impl: Any = None, dtype: Any = None) -> PRNGKeyArray:
    """A typed PRNG key (dtype `key<fry>`, shape ()) from an integer seed.

    Args:
      seed: a 64- or 32-bit integer scalar.
    Returns:
      A scalar key array for `split`, `fold_in` and the samplers.
    """
    _check_impl(impl, dtype, "jax.random.key")
    return PRNGKeyArray(_seed(_seed_array(seed, "key")))


def PRNGKey(seed: Any, *, impl: Any = None) -> Array:
    """A legacy raw PRNG key: `uint32[2]` = [seed >> 32, seed & 0xFFFFFFFF]."""
    _check_impl(impl, None, "jax.random.PRNGKey")
    return _seed(_seed_array(seed, "PRNGKey"))


def key_data(keys: Any) -> Array:
    """The uint32 data of a (typed or raw) key array: shape `(*keys.shape, 2)`."""
    data, _ = _check_prng_key("key_data", keys, allow_batched=True)
    return jnp.asarray(data)


def wrap_key_data(key_bits_array: Any, *, impl: Any = None, dtype: Any = None) -> PRNGKeyArray:
    """A typed key array over `key_bits_array` (uint32 with trailing dimension 2)."""
    _check_impl(impl, dtype, "jax.random.wrap_key_data")
    prng.check_key_data(key_bits_array)
    if isinstance(key_bits_array, np.ndarray):
        key_bits_array = jnp.asarray(key_bits_array)
    return PRNGKeyArray(key_bits_array)


def key_impl(keys: Any) -> str:
    """The name of the PRNG implementation of `keys`: always 'threefry2x32'."""
    _check_prng_key("key_impl", keys, allow_batched=True)
    return "threefry2x32"


def _wrap_like(typed: bool, data: Any) -> Any:
    return PRNGKeyArray(data) if typed else data


_split_kernel = jit(prng.threefry_split, static_argnums=1)


def _split(key: Any, num: int | tuple[int, ...] = 2) -> Any:
    shape = tuple(num) if isinstance(num, Sequence) else (num,)
    return _split_kernel(key, tuple(operator.index(d) for d in shape))


def split(key: Any, num: int | tuple[int, ...] = 2) -> Any:
    """Splits a key into `num` new keys (a leading axis; a tuple gives a shape)."""
    data, typed = _check_prng_key("split", key)
    return _wrap_like(typed, _split(data, num))


@jit
def _fold_in_kernel(key: Any, data: Any) -> Any:
    return prng.threefry_fold_in(key, lax.convert_element_type(data, dtypes.uint32))


def fold_in(key: Any, data: Any) -> Any:
    """A new key from `key` and the 32-bit integer `data`."""
    kd, typed = _check_prng_key("fold_in", key)
    if np.ndim(data):
        raise TypeError(
            "fold_in accepts a scalar, but was given an array of"
            f"shape {np.shape(data)} != (). Use jax.vmap for batching."
        )
    if isinstance(data, int) and not isinstance(data, bool):
        if not 0 <= data < 2**32:
            raise OverflowError(f"Python integer {data} out of bounds for uint32")
        data = np.uint32(data)
    elif isinstance(data, float):
        data = np.float32(data) if not x64_enabled() else np.float64(data)
    return _wrap_like(typed, _fold_in_kernel(kd, data))


# ---------------------------------------------------------------------------
# Bits and uniform floats


_random_bits = jit(prng.threefry_random_bits, static_argnums=(1, 2))


def bits(key: Any, shape: Shape = (), dtype: Any = None) -> Array:
    """Uniform random bits as unsigned integers (default uint32, uint64 with x64)."""
    data, _ = _check_prng_key("bits", key)
    dt = dtypes.default_uint_dtype() if dtype is None else dtypes.check_user_dtype(dtype, "bits")
    if dt not in dtypes.UNSIGNED:
        raise ValueError(f"dtype argument to `bits` must be an unsigned int dtype, got {dt}")
    return _random_bits(data, dt.itemsize * 8, _canonical_shape(shape, "bits"))


@partial(jit, static_argnums=(3, 4))
def _uniform(key: Any, minval: Any, maxval: Any, shape: tuple, dtype: np.dtype) -> Any:
    return _uniform_traced(key, minval, maxval, shape, dtype)


def _uniform_traced(
    key: Any,
    minval: Any,
    maxval: Any,
    shape: tuple,
    dtype: np.dtype,
    out_shape: tuple | None = None,
) -> Any:
    """`_uniform`'s body; with a batch of keys `uint32[n, 2]`, shape () and out_shape (n,)."""
    out_shape = shape if out_shape is None else out_shape
    minval = _rank_broadcast(lax.convert_element_type(minval, dtype), len(out_shape))
    maxval = _rank_broadcast(lax.convert_element_type(maxval, dtype), len(out_shape))
    finfo = dtypes.finfo(dtype)
    nbits, nmant = finfo.bits, finfo.nmant
    if nbits not in (8, 16, 32, 64):
        raise TypeError(f"uniform only accepts 8-, 16-, 32-, or 64-bit dtypesgot {dtype}.")
    rng_bits = 8 if nmant < 8 else nbits
    uint = UINT_DTYPES[nbits]
    rbits = prng.threefry_random_bits(key, rng_bits, shape)
    if rng_bits != nbits:
        rbits = lax.convert_element_type(rbits, uint)
    # Random mantissa under the exponent of 1.0: a float in [1, 2), then shift and scale.
    fbits = lax.shift_right_logical(rbits, np.asarray(rng_bits - nmant, uint)[()])
    fbits = lax.bitwise_or(fbits, np.array(1.0, dtype).view(uint)[()])
    floats = lax.sub(lax.bitcast_convert_type(fbits, dtype), np.asarray(1.0, dtype)[()])
    scaled = lax.add(lax.mul(floats, lax.sub(maxval, minval)), minval)
    return lax.max(minval, lax_shape.reshape(scaled, out_shape))


def uniform(
    key: Any, shape: Shape = (), dtype: Any = None, minval: Any = 0.0, maxval: Any = 1.0
) -> Array:
    """Uniform floats in [minval, maxval) of `shape` and `dtype` (default float32/float64)."""
    data, _ = _check_prng_key("uniform", key)
    dtype = _float_dtype(dtype, "uniform")
    shape = _canonical_shape(shape, "uniform")
    return _uniform(data, minval, maxval, shape, dtype)


# ---------------------------------------------------------------------------
# Normal family


@partial(jit, static_argnums=(1, 2))
def _normal_real(key: Any, shape: tuple, dtype: np.dtype) -> Any:
    return _normal_traced(key, shape, dtype)


def _normal_traced(key: Any, shape: tuple, dtype: np.dtype, out_shape: tuple | None = None) -> Any:
    lo = np.nextafter(np.array(-1.0, dtype), np.array(0.0, dtype))
    u = _uniform_traced(key, lo, np.array(1.0, dtype), shape, dtype, out_shape)
    return lax.mul(np.asarray(np.sqrt(2), dtype)[()], lax.erf_inv(u))


@partial(jit, static_argnums=(1, 2))
def _normal(key: Any, shape: tuple, dtype: np.dtype) -> Any:
    if dtypes.is_complex(dtype):
        real = dtypes.real_dtype(dtype)
        k_re, k_im = (
            lax_shape.reshape(k, (2,)) for k in _split_rows(prng.threefry_split(key, (2,)))
        )
        re = lax.convert_element_type(_normal_real(k_re, shape, real), dtype)
        im = lax.convert_element_type(_normal_real(k_im, shape, real), dtype)
        z = lax.add(re, lax.mul(np.asarray(1j, dtype)[()], im))
        return lax.div(z, np.asarray(np.sqrt(2), dtype)[()])
    return _normal_real(key, shape, dtype)


def _split_rows(keys: Any) -> list:
    from xjax._src.lax.slicing import index_in_dim

    return [index_in_dim(keys, i, 0, keepdims=False) for i in range(core.get_aval(keys).shape[0])]


def normal(key: Any, shape: Shape = (), dtype: Any = None) -> Array:
    """Standard normal values of `shape` and float (or complex) `dtype`."""
    data, _ = _check_prng_key("normal", key)
    shape = _canonical_shape(shape, "normal")
    dtype = _float_dtype(dtype, "normal", kinds="inexact")
    return _normal(data, shape, dtype)


@partial(jit, static_argnums=(3, 4))
def _truncated_normal(key: Any, lower: Any, upper: Any, shape: tuple, dtype: np.dtype) -> Any:
    sqrt2 = np.asarray(np.sqrt(2), dtype)[()]
    lower = lax.convert_element_type(lower, dtype)
    upper = lax.convert_element_type(upper, dtype)
    a = lax.erf(lax.div(lower, sqrt2))
    b = lax.erf(lax.div(upper, sqrt2))
    u = _uniform(key, a, b, shape, dtype)
    out = lax.mul(sqrt2, lax.erf_inv(u))
    # Clamp into the open interval (lower, upper): rounding may land on an end.
    lo = lax.nextafter(lower, np.asarray(np.inf, dtype)[()])
    hi = lax.nextafter(upper, np.asarray(-np.inf, dtype)[()])
    return jnp.minimum(hi, jnp.maximum(lo, out))


def truncated_normal(
    key: Any, lower: Any, upper: Any, shape: Shape | None = None, dtype: Any = None
) -> Array:
    """Standard normal values truncated to the open interval (lower, upper)."""
    data, _ = _check_prng_key("truncated_normal", key)
    dtype = _float_dtype(dtype, "truncated_normal")
    shape = _broadcast_param_shapes("truncated_normal", shape, lower, upper)
    return _truncated_normal(data, lower, upper, shape, dtype)


@partial(jit, static_argnums=(2, 3))
def _lognormal(key: Any, sigma: Any, shape: tuple, dtype: np.dtype) -> Any:
    sigma = lax.convert_element_type(sigma, dtype)
    return lax.exp(jnp.multiply(_normal_real(key, shape, dtype), sigma))


def lognormal(key: Any, sigma: Any = 1.0, shape: Shape | None = None, dtype: Any = None) -> Array:
    """Log-normal values: exp(sigma * normal)."""
    data, _ = _check_prng_key("lognormal", key)
    dtype = _float_dtype(dtype, "lognormal")
    shape = _broadcast_param_shapes("lognormal", shape, sigma)
    _check_all_safe_to_cast("lognormal", dtype, sigma)
    return _lognormal(data, sigma, shape, dtype)


# ---------------------------------------------------------------------------
# Bernoulli, integers, discrete choices


@partial(jit, static_argnums=(2, 3))
def _bernoulli(key: Any, p: Any, shape: tuple, mode: str) -> Any:
    dtype = core.get_aval(p).dtype
    if mode == "high":
        u = _uniform(key, 0.0, 1.0, (2, *shape), dtype)
        u1, u2 = _split_rows(u)
        u2 = lax.mul(u2, _const(u2, 2.0 ** -dtypes.finfo(dtype).nmant))
        return jnp.less(u2, jnp.subtract(p, u1))
    return jnp.less(_uniform(key, 0.0, 1.0, shape, dtype), p)


def bernoulli(key: Any, p: Any = 0.5, shape: Shape | None = None, mode: str = "low") -> Array:
    """Booleans that are True with probability `p` (mode='high' resolves tiny p)."""
    if shape is not None:
        shape = _canonical_shape(shape, "bernoulli")
    if mode not in ("high", "low"):
        raise ValueError(f"got {mode=}, expected 'high' or 'low'")
    data, _ = _check_prng_key("bernoulli", key)
    dtype = dtypes.canonicalize_dtype(dtypes.dtype(p))
    if not dtypes.is_floating(dtype):
        raise TypeError(f"bernoulli probability `p` must have a floating dtype, got {dtype}.")
    p = lax.convert_element_type(p, dtype)
    if shape is None:
        shape = tuple(np.shape(p))
    else:
        _check_shape("bernoulli", shape, np.shape(p))
    return _bernoulli(data, p, shape, mode)


def _convert_and_clip_integer(val: Any, dtype: np.dtype) -> Any:
    """`val` as integer `dtype`, clipped to its range rather than wrapped."""
    vdt = core.get_aval(val).dtype
    lo = max(int(dtypes.iinfo(dtype).min), int(dtypes.iinfo(vdt).min))
    hi = min(int(dtypes.iinfo(dtype).max), int(dtypes.iinfo(vdt).max))
    clipped = jnp.minimum(_const(val, hi), jnp.maximum(_const(val, lo), val))
    return lax.convert_element_type(clipped, dtype)


@partial(jit, static_argnums=(3, 4))
def _randint(key: Any, minval: Any, maxval: Any, shape: tuple, dtype: np.dtype) -> Any:
    # Modular reduction of 2 * nbits random bits into [minval, maxval) (JAX's choice: biased
    # by at most ~span**2 / 2**(2 * nbits), fixed cost).
    minval, maxval = jnp.asarray(minval), jnp.asarray(maxval)
    if not dtypes.is_integer(minval.dtype):
        minval = minval.astype(int)
    if not dtypes.is_integer(maxval.dtype):
        maxval = maxval.astype(int)
    top = _convert_and_clip_integer(jnp.asarray(int(dtypes.iinfo(dtype).max), dtype), maxval.dtype)
    maxval_out_of_range = jnp.greater(maxval, top)
    minval = _rank_broadcast(_convert_and_clip_integer(minval, dtype), len(shape))
    maxval = _rank_broadcast(_convert_and_clip_integer(maxval, dtype), len(shape))
    maxval_out_of_range = _rank_broadcast(maxval_out_of_range, len(shape))
    nbits = dtypes.iinfo(dtype).bits
    k1, k2 = _split_rows(prng.threefry_split(key, (2,)))
    higher = prng.threefry_random_bits(k1, nbits, shape)
    lower = prng.threefry_random_bits(k2, nbits, shape)
    unsigned = UINT_DTYPES[nbits]
    span = lax.convert_element_type(lax.sub(maxval, minval), unsigned)
    span = lax.select(lax.le(maxval, minval), lax_shape.full_like(span, 1), span)
    span = lax.select(
        lax.bitwise_and(maxval_out_of_range, lax.gt(maxval, minval)),
        lax.add(span, _const(span, 1)),
        span,
    )
    multiplier = lax.rem(_const(span, 2 ** (nbits // 2)), span)
    multiplier = lax.rem(lax.mul(multiplier, multiplier), span)
    offset = lax.add(lax.mul(lax.rem(higher, span), multiplier), lax.rem(lower, span))
    offset = lax.rem(offset, span)
    return lax.add(minval, lax.convert_element_type(offset, dtype))


def randint(key: Any, shape: Shape, minval: Any, maxval: Any, dtype: Any = None) -> Array:
    """Integers uniform in [minval, maxval) (default int32/int64); see JAX's note on bias."""
    data, _ = _check_prng_key("randint", key)
    dt = dtypes.default_int_dtype() if dtype is None else dtypes.check_user_dtype(dtype, "randint")
    shape = _canonical_shape(shape, "randint")
    if not dtypes.is_integer(dt):
        raise TypeError(f"randint only accepts integer dtypes, got {dt}")
    check_arraylike("randint", minval, maxval)
    _check_shape("randint", shape, np.shape(minval), np.shape(maxval))
    info = dtypes.iinfo(dt)
    sample_dt = dt
    if info.bits < 32:  # sample in 32 bits to avoid biased results
        sample_dt = dtypes.int32
        minval = jnp.clip(jnp.asarray(minval).astype("int32"), int(info.min), int(info.max))
        maxval = jnp.clip(jnp.asarray(maxval).astype("int32"), int(info.min), int(info.max) + 1)
    return _randint(data, minval, maxval, shape, sample_dt).astype(dt)


@partial(jit, static_argnums=(2,))
def _shuffle(key: Any, x: Any, axis: int) -> Any:
    # Sort by fresh 32-bit random keys; repeat while collisions are likely (tjablin@'s bound).
    size = core.get_aval(x).size
    rounds = int(np.ceil(3 * np.log(max(1, size)) / np.log(np.iinfo(np.uint32).max)))
    shape = core.get_aval(x).shape
    for _ in range(rounds):
        key, subkey = _split_rows(prng.threefry_split(key, (2,)))
        _, x = sort_key_val(prng.threefry_random_bits(subkey, 32, shape), x, axis)
    return x


def permutation(key: Any, x: Any, axis: int = 0, independent: bool = False) -> Array:
    """A random permutation of `x` along `axis` (of arange(x) for an int `x`)."""
    data, _ = _check_prng_key("permutation", key)
    check_arraylike("permutation", x)
    axis = canonicalize_axis(axis, np.ndim(x) or 1, "permutation")
    if not np.ndim(x):
        if not dtypes.is_integer(dtypes.dtype(x)):
            raise TypeError("x must be an integer or at least 1-dimensional")
        r = int(x)
        return _shuffle(data, jnp.arange(r), axis)
    x = jnp.asarray(x)
    if independent or x.ndim == 1:
        return _shuffle(data, x, axis)
    ind = _shuffle(data, jnp.arange(x.shape[axis]), 0)
    return jnp.take(x, ind, axis)


def choice(
    key: Any,
    a: Any,
    shape: Shape = (),
    replace: bool = True,
    p: Any = None,
    axis: int = 0,
    mode: str | None = None,
) -> Array:
    """A random sample of `shape` from `a` (or arange(a)), with or without replacement,
    optionally with probabilities `p`."""
    data, _ = _check_prng_key("choice", key)
    if not isinstance(shape, Sequence):
        raise TypeError(f"shape argument of jax.random.choice must be a sequence, got {shape}")
    check_arraylike("choice", a)
    arr = jnp.asarray(a)
    if arr.ndim == 0:
        n_inputs = int(a)
    else:
        axis = canonicalize_axis(axis, arr.ndim, "choice")
        n_inputs = arr.shape[axis]
    shape = tuple(shape)
    n_draws = math.prod(shape)
    if n_draws == 0:
        return jnp.zeros(shape, dtype=arr.dtype)
    if n_inputs <= 0:
        raise ValueError("a must be greater than 0 unless no samples are taken")
    if not replace and n_draws > n_inputs:
        raise ValueError(
            f"Cannot take a larger sample (size {n_draws}) than population (size {n_inputs}) "
            "when 'replace=False'"
        )
    if p is None:
        if replace:
            ind = randint(data, shape, 0, n_inputs)
            result = ind if arr.ndim == 0 else jnp.take(arr, ind, axis)
        else:
            perm = permutation(data, n_inputs if arr.ndim == 0 else arr, axis)
            result = perm[(slice(None),) * axis + (slice(n_draws),)]
    else:
        check_arraylike("choice", p)
        (p_arr,) = promote_dtypes_inexact(p)
        if p_arr.shape != (n_inputs,):
            raise ValueError(
                "p must be None or a 1D vector with the same size as a.shape[axis]. "
                f"p has shape {p_arr.shape} and a.shape[axis] is {n_inputs}."
            )
        if replace:
            p_cuml = jnp.cumsum(p_arr)
            r = p_cuml[-1] * (1 - uniform(data, shape, dtype=p_cuml.dtype))
            ind = jnp.searchsorted(p_cuml, r).astype(int)
        else:
            # Gumbel top-k: Vieira, "Algorithms for sampling without replacement" (2019).
            g = gumbel(data, (n_inputs,), dtype=p_arr.dtype, mode=mode) + jnp.log(p_arr)
            ind = top_k(g, n_draws)[1].astype(int)
        result = ind if arr.ndim == 0 else jnp.take(arr, ind, axis)
    out_shape = shape if arr.ndim == 0 else arr.shape[:axis] + shape + arr.shape[axis + 1 :]
    return result.reshape(out_shape)


# ---------------------------------------------------------------------------
# Gumbel and categorical


def _safe_int_to_float(hi: Any, lo: Any) -> Any:
    """u32 pairs (hi, lo) as 64-bit fixed point in (0, 1), rounded into f32 without underflow."""
    finfo = dtypes.finfo(np.float32)
    u32 = lambda v: np.uint32(v)
    hiclz, loclz = lax.clz(hi), lax.clz(lo)
    hi_is_zero = lax.eq(hiclz, u32(32))
    mantissa = lax.bitwise_or(
        lax.shift_left(hi, hiclz),
        lax.select(
            hi_is_zero,
            lax.shift_left(lo, loclz),
            lax.shift_right_logical(lo, lax.sub(u32(finfo.bits), hiclz)),
        ),
    )
    mantissa = lax.shift_right_logical(mantissa, u32(finfo.bits - finfo.nmant - 1))
    mantissa = lax.bitwise_and(mantissa, u32((1 << finfo.nmant) - 1))
    lead = lax.select(hi_is_zero, lax.add(u32(32), loclz), hiclz)
    exp = lax.shift_left(lax.sub(u32(-finfo.minexp), lead), u32(finfo.nmant))
    exp = lax.bitwise_and(exp, u32((1 << (finfo.bits - 2)) - (1 << (finfo.nmant - 1))))
    return lax.bitcast_convert_type(lax.bitwise_or(exp, mantissa), np.float32)


@partial(jit, static_argnums=(1, 2, 3))
def _gumbel(key: Any, shape: tuple, dtype: np.dtype, mode: str) -> Any:
    info = dtypes.finfo(dtype)
    if dtype == dtypes.float32 and mode == "highest":
        rbits = prng.threefry_random_bits(key, 32, (2, *shape))
        b0, b1 = _split_rows(rbits)
        n0, n1 = lax.bitwise_not(b0), lax.bitwise_not(b1)
        # 1 - bits in u64 fixed point
        carry = lax.convert_element_type(lax.eq(n1, np.uint32(0xFFFFFFFF)), dtypes.uint32)
        n0, n1 = lax.add(n0, carry), lax.add(n1, np.uint32(1))
        flip = lax.lt(b0, np.uint32(1 << 31))
        x = _safe_int_to_float(lax.select(flip, b0, n0), lax.select(flip, b1, n1))
        # log1p for (0, 0.5), log for [0.5, 1)
        return lax.select(
            flip,
            lax.neg(lax.log(lax.neg(lax.log1p(lax.neg(x))))),
            lax.neg(lax.log(lax.neg(lax.log(x)))),
        )
    if mode in ("high", "highest"):
        high, low = _split_rows(_uniform(key, 0.0, 1.0, (2, *shape), dtype))
        x = jnp.where(high >= 0.5, high, high + 2.0**-info.nmant * low + info.tiny)
        return lax.neg(lax.log(lax.neg(lax.log1p(lax.neg(x)))))
    u = _uniform(key, np.asarray(info.tiny, dtype), 1.0, shape, dtype)
    return lax.neg(lax.log(lax.neg(lax.log(u))))


def _gumbel_mode(mode: str | None) -> str:
    mode = "low" if mode is None else mode
    if mode not in ("highest", "high", "low"):
        raise ValueError(f"Must provide valid mode for gumbel got: {mode}")
    return mode


def gumbel(key: Any, shape: Shape = (), dtype: Any = None, mode: str | None = None) -> Array:
    """Gumbel values: -log(-log(u)) ('high'/'highest' modes use more bits near 1)."""
    data, _ = _check_prng_key("gumbel", key)
    dtype = _float_dtype(dtype, "gumbel")
    shape = _canonical_shape(shape, "gumbel")
    return _gumbel(data, shape, dtype, _gumbel_mode(mode))


def categorical(
    key: Any,
    logits: Any,
    axis: int = -1,
    shape: Shape | None = None,
    replace: bool = True,
    mode: str | None = None,
) -> Array:
    """Samples of category indices along `axis` with unnormalised log-probabilities `logits`
    (Gumbel-max with replacement, Gumbel top-k without; Kool et al., ICML 2019)."""
    data, _ = _check_prng_key("categorical", key)
    check_arraylike("categorical", logits)
    logits = jnp.asarray(logits)
    axis = canonicalize_axis(axis, logits.ndim, "categorical")
    batch_shape = tuple(np.delete(logits.shape, axis))
    if shape is None:
        shape = batch_shape
    else:
        shape = _canonical_shape(shape, "categorical")
        _check_shape("categorical", shape, batch_shape)
    prefix = shape[: len(shape) - len(batch_shape)]
    if replace:
        logits_shape = list(shape[len(shape) - len(batch_shape) :])
        logits_shape.insert(axis, logits.shape[axis])
        g = gumbel(data, (*prefix, *logits_shape), logits.dtype, mode=mode)
        return jnp.argmax(
            g + jnp.expand_dims(logits, tuple(range(len(prefix)))), axis=axis + len(prefix)
        )
    logits = logits + gumbel(data, logits.shape, logits.dtype, mode=mode)
    k = math.prod(prefix)
    if k > logits.shape[axis]:
        raise ValueError(
            f"Number of samples without replacement ({k}) cannot exceed number of "
            f"categories ({logits.shape[axis]})."
        )
    _, indices = top_k(jnp.moveaxis(logits, axis, -1), k)
    dims = (indices.ndim - 1, *range(indices.ndim - 1))
    return lax_shape.reshape(indices, shape, dims)


# ---------------------------------------------------------------------------
# Continuous samplers by inversion of a uniform


def _simple_sampler(name: str, body: Any, doc: str) -> Any:
    kernel = jit(body, static_argnums=(1, 2))

    def sampler(key: Any, shape: Shape = (), dtype: Any = None) -> Array:
        data, _ = _check_prng_key(name, key)
        dtype = _float_dtype(dtype, name)
        return kernel(data, _canonical_shape(shape, name), dtype)

    sampler.__name__ = sampler.__qualname__ = name
    sampler.__doc__ = doc
    return sampler


def _exponential(key: Any, shape: tuple, dtype: np.dtype) -> Any:
    u = _uniform(key, 0.0, 1.0, shape, dtype)
    return lax.neg(lax.log1p(lax.neg(u)))  # 1 - u keeps log's argument in (0, 1]


def _laplace(key: Any, shape: tuple, dtype: np.dtype) -> Any:
    lo = np.asarray(-1.0 + float(dtypes.finfo(dtype).epsneg), dtype)
    u = _uniform(key, lo, 1.0, shape, dtype)
    return lax.mul(lax.sign(u), lax.log1p(lax.neg(lax.abs(u))))


def _logistic(key: Any, shape: tuple, dtype: np.dtype) -> Any:
    x = _uniform(key, np.asarray(dtypes.finfo(dtype).tiny, dtype), 1.0, shape, dtype)
    return lax.sub(lax.log(x), lax.log1p(lax.neg(x)))


def _cauchy(key: Any, shape: tuple, dtype: np.dtype) -> Any:
    u = _uniform(key, np.asarray(dtypes.finfo(dtype).eps, dtype), 1.0, shape, dtype)
    return lax.tan(lax.mul(_const(u, np.pi), lax.sub(u, _const(u, 0.5))))


exponential = _simple_sampler("exponential", _exponential, "Exponential(1) values: -log1p(-u).")
laplace = _simple_sampler("laplace", _laplace, "Laplace(0, 1) values.")
logistic = _simple_sampler("logistic", _logistic, "Standard logistic values: log(u / (1 - u)).")
cauchy = _simple_sampler("cauchy", _cauchy, "Standard Cauchy values: tan(pi * (u - 1/2)).")


def rademacher(key: Any, shape: Shape = (), dtype: Any = None) -> Array:
    """Values -1 or +1 with equal probability (default int32/int64)."""
    data, _ = _check_prng_key("rademacher", key)
    dt = (
        dtypes.default_int_dtype()
        if dtype is None
        else dtypes.check_user_dtype(dtype, "rademacher")
    )
    return _rademacher(data, _canonical_shape(shape, "rademacher"), dt)


@partial(jit, static_argnums=(1, 2))
def _rademacher(key: Any, shape: tuple, dtype: np.dtype) -> Any:
    p = lax.convert_element_type(0.5, dtypes.default_float_dtype())
    b = _bernoulli(key, p, shape, "low").astype(dtype)
    return (2 * b - 1).astype(dtype)


@partial(jit, static_argnums=(2, 3))
def _pareto(key: Any, b: Any, shape: tuple, dtype: np.dtype) -> Any:
    b = lax.convert_element_type(b, dtype)
    return jnp.exp(jnp.divide(_exponential(key, shape, dtype), b))


def pareto(key: Any, b: Any, shape: Shape | None = None, dtype: Any = None) -> Array:
    """Pareto values with shape parameter `b`: exp(exponential / b)."""
    data, _ = _check_prng_key("pareto", key)
    dtype = _float_dtype(dtype, "pareto")
    shape = _broadcast_param_shapes("pareto", shape, b)
    _check_all_safe_to_cast("pareto", dtype, b)
    return _pareto(data, b, shape, dtype)


@partial(jit, static_argnums=(2, 3))
def _rayleigh(key: Any, scale: Any, shape: tuple, dtype: np.dtype) -> Any:
    u = _uniform(key, 0.0, 1.0, shape, dtype)
    scale = jnp.broadcast_to(lax.convert_element_type(scale, dtype), shape)
    log_u = lax.log(u)
    return lax.mul(scale, lax.sqrt(lax.mul(log_u, _const(log_u, -2))))


def rayleigh(key: Any, scale: Any = 1.0, shape: Shape | None = None, dtype: Any = None) -> Array:
    """Rayleigh values: scale * sqrt(-2 log u)."""
    data, _ = _check_prng_key("rayleigh", key)
    dtype = _float_dtype(dtype, "rayleigh")
    shape = _broadcast_param_shapes("rayleigh", shape, scale)
    _check_all_safe_to_cast("rayleigh", dtype, scale)
    return _rayleigh(data, scale, shape, dtype)


@partial(jit, static_argnums=(3, 4))
def _weibull_min(key: Any, scale: Any, concentration: Any, shape: tuple, dtype: np.dtype) -> Any:
    random_uniform = _uniform(key, 0.0, 1.0, shape, dtype)
    # inverse Weibull CDF
    return jnp.power(-jnp.log1p(-random_uniform), 1.0 / concentration) * scale


def weibull_min(
    key: Any, scale: Any, concentration: Any, shape: Shape = (), dtype: Any = None
) -> Array:
    """Weibull values by inversion of the CDF."""
    data, _ = _check_prng_key("weibull_min", key)
    dtype = _float_dtype(dtype, "weibull_min")
    return _weibull_min(data, scale, concentration, _canonical_shape(shape, "weibull_min"), dtype)


@partial(jit, static_argnums=(4, 5))
def _triangular(key: Any, left: Any, mode: Any, right: Any, shape: tuple, dtype: np.dtype) -> Any:
    left, mode, right = (
        jnp.broadcast_to(lax.convert_element_type(v, dtype), shape) for v in (left, mode, right)
    )
    fc = (mode - left) / (right - left)
    u = _uniform(key, 0.0, 1.0, shape, dtype)
    out1 = left + lax.sqrt(u * (right - left) * (mode - left))
    out2 = right - lax.sqrt((1 - u) * (right - left) * (right - mode))
    return lax.select(u < fc, out1, out2)


def triangular(
    key: Any, left: Any, mode: Any, right: Any, shape: Shape | None = None, dtype: Any = None
) -> Array:
    """Triangular values on [left, right] with peak at `mode`."""
    data, _ = _check_prng_key("triangular", key)
    dtype = _float_dtype(dtype, "triangular")
    shape = _broadcast_param_shapes("triangular", shape, left, mode, right)
    _check_all_safe_to_cast("triangular", dtype, left, mode, right)
    return _triangular(data, left, mode, right, shape, dtype)


@partial(jit, static_argnums=(2, 3))
def _geometric(key: Any, p: Any, shape: tuple, dtype: np.dtype) -> Any:
    check_arraylike("geometric", p)
    (p,) = promote_dtypes_inexact(p)
    u = _uniform(key, 0.0, 1.0, shape, p.dtype)
    u = jnp.where(u == 0, 1, u)  # as JAX: u = 0 maps to 1, keeping the other samples' bits
    log_one_minus_p = jnp.broadcast_to(lax.log1p(lax.neg(p)), shape)
    g = lax.add(lax.floor(lax.div(lax.log(u), log_one_minus_p)), _const(u, 1))
    return g.astype(dtype)


def geometric(key: Any, p: Any, shape: Shape | None = None, dtype: Any = None) -> Array:
    """Geometric values (trials to first success, >= 1) with success probability `p`."""
    data, _ = _check_prng_key("geometric", key)
    dt = (
        dtypes.default_int_dtype() if dtype is None else dtypes.check_user_dtype(dtype, "geometric")
    )
    if not dtypes.is_integer(dt):
        raise ValueError(f"dtype argument to `geometric` must be an int dtype, got {dt}")
    shape = _broadcast_param_shapes("geometric", shape, p)
    return _geometric(data, p, shape, dt)


@partial(jit, static_argnums=(2, 3))
def _wald(key: Any, mean: Any, shape: tuple, dtype: np.dtype) -> Any:
    k1, k2 = _split_rows(prng.threefry_split(key, (2,)))
    mean = jnp.broadcast_to(lax.convert_element_type(mean, dtype), shape)
    v = _normal_real(k1, shape, dtype)
    z = _uniform(k2, 0.0, 1.0, shape, dtype)
    y = lax.integer_pow(v, 2)
    y_sq = lax.integer_pow(y, 2)
    mean_sq = lax.integer_pow(mean, 2)
    sqrt_term = lax.sqrt(4 * mean * y + mean_sq * y_sq)
    x = mean + mean_sq * y / 2 - mean / 2 * sqrt_term
    return lax.select(lax.le(z, mean / (mean + x)), x, mean_sq / x)


def wald(key: Any, mean: Any, shape: Shape | None = None, dtype: Any = None) -> Array:
    """Wald (inverse Gaussian) values with the given mean (Michael et al., 1976)."""
    data, _ = _check_prng_key("wald", key)
    dtype = _float_dtype(dtype, "wald")
    shape = _broadcast_param_shapes("wald", shape, mean)
    _check_all_safe_to_cast("wald", dtype, mean)
    return _wald(data, mean, shape, dtype)


# ---------------------------------------------------------------------------
# Gamma family (rejection loops)
#
# JAX draws each element of a gamma sample from its own key (`split(key, size)`) with the
# scalar Marsaglia-Tsang loop, vmapped; a vmapped while_loop runs until every element is done
# and keeps each element's state once its own condition fails. We run that batched loop
# directly on uint32[n, 2] key arrays.


def _keys_split(keys: Any, num: int) -> list:
    """Each of n keys split in `num` (JAX's split per key): `num` arrays uint32[n, 2]."""
    from xjax._src.lax.slicing import slice_in_dim

    n = core.get_aval(keys).shape[0]
    k1 = slice_in_dim(keys, 0, 1, axis=1)
    k2 = slice_in_dim(keys, 1, 2, axis=1)
    lo = lax_shape.reshape(lax_shape.iota(dtypes.uint32, num), (1, num))
    hi = lax_shape.full((1, num), np.uint32(0), dtypes.uint32)
    b1, b2 = prng.threefry2x32(k1, k2, hi, lo)
    both = lax_shape.concatenate(
        [lax_shape.reshape(b1, (n, num, 1)), lax_shape.reshape(b2, (n, num, 1))], 2
    )
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
        x = _normal_traced(sub, (), dtype, (n,))
        return k, x, lax.add(one, lax.mul(x, cc))

    def outer_body(s: tuple) -> tuple:
        k, x_key, u_key = _keys_split(s[0], 3)
        _, x, v = _batched_while(
            lambda t: lax.le(t[2], c(0)), inner_body, (x_key, full(0), full(-1))
        )
        u = _uniform_traced(u_key, 0.0, 1.0, (), dtype, (n,))
        return k, lax.mul(x, x), lax.mul(lax.mul(v, v), v), u

    keys, subkeys = _keys_split(keys, 2)
    _, _, v, _ = _batched_while(outer_cond, outer_body, (keys, full(0), full(1), full(2)))
    if log_space:
        u = _uniform_traced(subkeys, 0.0, 1.0, (), dtype, (n,))
        log_samples = lax.neg(lax.neg(lax.log1p(lax.neg(u))))
        skip = lax.bitwise_or(boost_mask, lax.eq(log_samples, c(0)))
        log_boost = lax.select(skip, full(0), lax.mul(log_samples, lax.div(one, alpha_orig)))
        return lax.add(lax.add(lax.log(d), lax.log(v)), log_boost)
    samples = lax.sub(one, _uniform_traced(subkeys, 0.0, 1.0, (), dtype, (n,)))
    boost = lax.select(boost_mask, full(1), lax.pow(samples, lax.div(one, alpha_orig)))
    return lax.mul(lax.mul(d, v), boost)


@partial(jit, static_argnums=(2, 3, 4))
def _gamma(key: Any, a: Any, shape: tuple, dtype: np.dtype, log_space: bool) -> Any:
    a = jnp.broadcast_to(lax.convert_element_type(a, dtype), shape)
    n = math.prod(shape)
    if n == 0:
        return a
    keys = prng.threefry_split(key, (n,))
    return lax_shape.reshape(_gamma_batched(keys, lax_shape.reshape(a, (n,)), log_space), shape)


def _gamma_args(name: str, key: Any, a: Any, shape: Any, dtype: Any) -> tuple:
    data, _ = _check_prng_key(name, key)
    dtype = _float_dtype(dtype, "gamma")
    if shape is None:
        shape = tuple(np.shape(a))
    else:
        shape = _canonical_shape(shape, name)
        _check_shape("gamma", shape, np.shape(a))
    return data, shape, dtype


def gamma(key: Any, a: Any, shape: Shape | None = None, dtype: Any = None) -> Array:
    """Gamma(a, 1) values (Marsaglia-Tsang rejection, one key per element as JAX)."""
    data, shape, dtype = _gamma_args("gamma", key, a, shape, dtype)
    return _gamma(data, a, shape, dtype, False)


def loggamma(key: Any, a: Any, shape: Shape | None = None, dtype: Any = None) -> Array:
    """log of Gamma(a, 1) values, accurate for small `a` (exp(loggamma) ~ gamma)."""
    data, shape, dtype = _gamma_args("loggamma", key, a, shape, dtype)
    return _gamma(data, a, shape, dtype, True)


@partial(jit, static_argnums=(3, 4))
def _beta(key: Any, a: Any, b: Any, shape: tuple, dtype: np.dtype) -> Any:
    key_a, key_b = _split_rows(prng.threefry_split(key, (2,)))
    log_gamma_a = _gamma(key_a, a, shape, dtype, True)
    log_gamma_b = _gamma(key_b, b, shape, dtype, True)
    # gamma_a / (gamma_a + gamma_b) without losing precision
    log_max = lax.max(log_gamma_a, log_gamma_b)
    gamma_a_scaled = lax.exp(lax.sub(log_gamma_a, log_max))
    gamma_b_scaled = lax.exp(lax.sub(log_gamma_b, log_max))
    return lax.div(gamma_a_scaled, lax.add(gamma_a_scaled, gamma_b_scaled))


def beta(key: Any, a: Any, b: Any, shape: Shape | None = None, dtype: Any = None) -> Array:
    """Beta(a, b) values from two log-gamma samples."""
    data, _ = _check_prng_key("beta", key)
    dtype = _float_dtype(dtype, "beta")
    shape = _broadcast_param_shapes("beta", shape, a, b)
    _check_all_safe_to_cast("beta", dtype, a, b)
    return _beta(data, a, b, shape, dtype)


@partial(jit, static_argnums=(2, 3))
def _dirichlet(key: Any, alpha: Any, shape: tuple, dtype: np.dtype) -> Any:
    alpha = lax.convert_element_type(alpha, dtype)
    log_gamma = _gamma(key, alpha, shape + tuple(np.shape(alpha)[-1:]), dtype, True)
    # softmax over the last axis, as jax.nn.softmax computes it
    x_max = jnp.max(log_gamma, -1, keepdims=True)
    unnormalized = jnp.exp(log_gamma - x_max)
    return unnormalized / jnp.sum(unnormalized, -1, keepdims=True)


def dirichlet(key: Any, alpha: Any, shape: Shape | None = None, dtype: Any = None) -> Array:
    """Dirichlet(alpha) values over the last axis of `alpha`."""
    data, _ = _check_prng_key("dirichlet", key)
    dtype = _float_dtype(dtype, "dirichlet")
    if not np.ndim(alpha) >= 1:
        raise ValueError(f"dirichlet requires alpha.ndim >= 1, got alpha.ndim == {np.ndim(alpha)}")
    if shape is None:
        shape = tuple(np.shape(alpha)[:-1])
    else:
        shape = _canonical_shape(shape, "dirichlet")
        _check_shape("dirichlet", shape, tuple(np.shape(alpha)[:-1]))
    return _dirichlet(data, alpha, shape, dtype)


@partial(jit, static_argnums=(2, 3))
def _t(key: Any, df: Any, shape: tuple, dtype: np.dtype) -> Any:
    df = lax.convert_element_type(df, dtype)
    key_n, key_g = _split_rows(prng.threefry_split(key, (2,)))
    n = _normal_traced(key_n, shape, dtype)
    half_df = lax.div(df, _const(df, 2))
    g = _gamma(key_g, half_df, shape, dtype, False)
    return n * jnp.sqrt(half_df / g)


def t(key: Any, df: Any, shape: Shape | None = None, dtype: Any = None) -> Array:
    """Student's t values with `df` degrees of freedom."""
    data, _ = _check_prng_key("t", key)
    dtype = _float_dtype(dtype, "t")
    shape = _broadcast_param_shapes("t", shape, df)
    _check_all_safe_to_cast("t", dtype, df)
    return _t(data, df, shape, dtype)


@partial(jit, static_argnums=(2, 3))
def _chisquare(key: Any, df: Any, shape: tuple, dtype: np.dtype) -> Any:
    df = lax.convert_element_type(df, dtype)
    two = _const(df, 2)
    log_g = _gamma(key, lax.div(df, two), shape, dtype, True)
    return lax.mul(jnp.exp(log_g), two)


def chisquare(key: Any, df: Any, shape: Shape | None = None, dtype: Any = None) -> Array:
    """Chi-square values with `df` degrees of freedom: 2 * Gamma(df / 2)."""
    data, _ = _check_prng_key("chisquare", key)
    dtype = _float_dtype(dtype, "chisquare")
    shape = _broadcast_param_shapes("chisquare", shape, df)
    return _chisquare(data, df, shape, dtype)


@partial(jit, static_argnums=(3, 4))
def _f(key: Any, dfnum: Any, dfden: Any, shape: tuple, dtype: np.dtype) -> Any:
    dfden = lax.convert_element_type(dfden, dtype)
    dfnum = lax.convert_element_type(dfnum, dtype)
    key_dfd, key_dfn = _split_rows(prng.threefry_split(key, (2,)))
    num = lax.div(_chisquare(key_dfn, dfnum, shape, dtype), dfnum)
    den = lax.div(_chisquare(key_dfd, dfden, shape, dtype), dfden)
    return lax.div(num, den)


def f(key: Any, dfnum: Any, dfden: Any, shape: Shape | None = None, dtype: Any = None) -> Array:
    """F-distribution values: (chi2(dfnum) / dfnum) / (chi2(dfden) / dfden)."""
    data, _ = _check_prng_key("f", key)
    dtype = _float_dtype(dtype, "f")
    shape = _broadcast_param_shapes("f", shape, dfnum, dfden)
    return _f(data, dfnum, dfden, shape, dtype)


# Poisson: Knuth's product of uniforms for lam < 10, Hormann's transformed rejection
# ("The transformed rejection method for generating Poisson random variables", 1993) above.


def _poisson_knuth(key: Any, lam: Any, shape: tuple, dtype: np.dtype, max_iters: Any) -> Any:
    from xjax._src.lax.control_flow import while_loop

    def body(carry: tuple) -> tuple:
        i, k, rng, log_prod = carry
        rng, subkey = _split_rows(prng.threefry_split(rng, (2,)))
        k = lax.select(lax.gt(log_prod, lax.neg(lam)), lax.add(k, _const(k, 1)), k)
        u = _uniform_traced(subkey, 0.0, 1.0, shape, dtypes.float32)
        return lax.add(i, _const(i, 1)), k, rng, lax.add(log_prod, lax.log(u))

    def cond(carry: tuple) -> Any:
        i, log_prod = carry[0], carry[3]
        return jnp.logical_and(jnp.any(lax.gt(log_prod, lax.neg(lam))), lax.lt(i, max_iters))

    k0 = lax_shape.full(shape, np.asarray(0, dtype)[()], dtype)
    log0 = lax_shape.full(shape, np.float32(0), dtypes.float32)
    k = while_loop(cond, body, (np.asarray(0, dtype)[()], k0, key, log0))[1]
    return lax.sub(k, _const(k, 1))


def _poisson_rejection(key: Any, lam: Any, shape: tuple, dtype: np.dtype, max_iters: Any) -> Any:
    from xjax._src.lax.control_flow import while_loop

    log_lam = lax.log(lam)
    b = 0.931 + 2.53 * lax.sqrt(lam)
    a = -0.059 + 0.02483 * b
    inv_alpha = 1.1239 + 1.1328 / (b - 3.4)
    v_r = 0.9277 - 3.6224 / (b - 2)

    def body(carry: tuple) -> tuple:
        i, k_out, accepted, key = carry
        key, subkey_0, subkey_1 = _split_rows(prng.threefry_split(key, (3,)))
        u = _uniform_traced(subkey_0, 0.0, 1.0, shape, lam.dtype) - 0.5
        v = _uniform_traced(subkey_1, 0.0, 1.0, shape, lam.dtype)
        u_shifted = 0.5 - abs(u)
        k = lax.floor((2 * a / u_shifted + b) * u + lam + 0.43)
        s = lax.log(v * inv_alpha / (a / (u_shifted * u_shifted) + b))
        t_ = -lam + k * log_lam - lax.lgamma(k + 1)
        accept1 = (u_shifted >= 0.07) & (v <= v_r)
        reject = (k < 0) | ((u_shifted < 0.013) & (v > u_shifted))
        accept2 = s <= t_
        accept = accept1 | (~reject & accept2)
        k_out = lax.select(accept, k, k_out)
        return i + 1, k_out, accepted | accept, key

    def cond(carry: tuple) -> Any:
        i, _, accepted, _ = carry
        return jnp.logical_and(jnp.any(~accepted), lax.lt(i, max_iters))

    k0 = lax_shape.full(shape, np.asarray(-1, lam.dtype)[()], lam.dtype)
    acc0 = lax_shape.full(shape, False, dtypes.bool_)
    k = while_loop(cond, body, (np.asarray(0, dtype)[()], k0, acc0, key))[1]
    return k.astype(dtype)


@partial(jit, static_argnums=(2, 3))
def _poisson(key: Any, lam: Any, shape: tuple, dtype: np.dtype) -> Any:
    use_knuth = jnp.logical_or(jnp.isnan(lam), lam < 10)
    lam_knuth = lax.select(use_knuth, lam, lax_shape.full_like(lam, 0.0))
    # the rejection sampler accepts at most ~89% as lam -> inf: any large value will do
    lam_rejection = lax.select(use_knuth, lax_shape.full_like(lam, 1e5), lam)
    max_iters = np.asarray(dtypes.iinfo(dtype).max, dtype)[()]  # as JAX: never the limit
    result = lax.select(
        use_knuth,
        _poisson_knuth(key, lam_knuth, shape, dtype, max_iters),
        _poisson_rejection(key, lam_rejection, shape, dtype, max_iters),
    )
    return lax.select(lam == 0, jnp.zeros_like(result), result)


def poisson(key: Any, lam: Any, shape: Shape | None = None, dtype: Any = None) -> Array:
    """Poisson(lam) integers (default int32/int64)."""
    data, _ = _check_prng_key("poisson", key)
    dt = dtypes.default_int_dtype() if dtype is None else dtypes.check_user_dtype(dtype, "poisson")
    shape = tuple(np.shape(lam)) if shape is None else _canonical_shape(shape, "poisson")
    lam = lax.convert_element_type(jnp.broadcast_to(lam, shape), dtypes.float32)
    return _poisson(data, lam, shape, dt)


# ---------------------------------------------------------------------------
# Samplers through linear algebra


@partial(jit, static_argnums=(3, 4, 5))
def _multivariate_normal(
    key: Any, mean: Any, cov: Any, shape: tuple | None, dtype: np.dtype, method: str
) -> Any:
    from xjax.numpy import linalg

    if not np.ndim(mean) >= 1:
        raise ValueError(
            f"multivariate_normal requires mean.ndim >= 1, got mean.ndim == {np.ndim(mean)}"
        )
    if not np.ndim(cov) >= 2:
        raise ValueError(
            f"multivariate_normal requires cov.ndim >= 2, got cov.ndim == {np.ndim(cov)}"
        )
    n = mean.shape[-1]
    if np.shape(cov)[-2:] != (n, n):
        raise ValueError(
            f"multivariate_normal requires cov.shape == (..., n, n) for n={n}, but got "
            f"cov.shape == {np.shape(cov)}."
        )
    if shape is None:
        shape = jnp.broadcast_shapes(mean.shape[:-1], cov.shape[:-2])
    else:
        _check_shape("normal", shape, mean.shape[:-1], cov.shape[:-2])
    if method == "svd":
        u, s, _ = linalg.svd(cov)
        factor = u * jnp.sqrt(s[..., None, :])
    elif method == "eigh":
        w, v = linalg.eigh(cov)
        factor = v * jnp.sqrt(w[..., None, :])
    else:
        factor = linalg.cholesky(cov)
    samples = _normal_real(key, tuple(shape) + mean.shape[-1:], dtype)
    return mean + jnp.einsum("...ij,...j->...i", factor, samples)


def multivariate_normal(
    key: Any,
    mean: Any,
    cov: Any,
    shape: Shape | None = None,
    dtype: Any = None,
    method: str = "cholesky",
) -> Array:
    """Multivariate normal values: mean + factor @ normal, factor from cholesky/svd/eigh of cov."""
    data, _ = _check_prng_key("multivariate_normal", key)
    mean, cov = promote_dtypes_inexact(mean, cov)
    if method not in {"svd", "eigh", "cholesky"}:
        raise ValueError("method must be one of {'svd', 'eigh', 'cholesky'}")
    dtype = mean.dtype if dtype is None else dtypes.check_user_dtype(dtype, "multivariate_normal")
    if not dtypes.is_floating(dtype):
        raise ValueError(
            f"dtype argument to `multivariate_normal` must be a float dtype, got {dtype}"
        )
    if shape is not None:
        shape = _canonical_shape(shape, "multivariate_normal")
    return _multivariate_normal(data, mean, cov, shape, dtype, method)


@partial(jit, static_argnums=(1, 2, 3, 4))
def _orthogonal(key: Any, n: int, m: int, shape: tuple, dtype: np.dtype) -> Any:
    from xjax.numpy import linalg

    z = _normal(key, (*shape, max(n, m), min(n, m)), dtype)
    q, r = linalg.qr(z)
    d = jnp.diagonal(r, axis1=-2, axis2=-1)
    x = q * jnp.expand_dims(jnp.sign(d), -2)
    return jnp.swapaxes(x, -1, -2) if n < m else x


def orthogonal(
    key: Any, n: int, shape: Shape = (), dtype: Any = None, m: int | None = None
) -> Array:
    """A uniformly random (semi-)orthogonal n x m matrix (Mezzadri 2007: QR of a normal
    matrix with the signs of R's diagonal folded into Q)."""
    shape = _canonical_shape(shape, "orthogonal")
    data, _ = _check_prng_key("orthogonal", key)
    dtype = _float_dtype(dtype, "orthogonal", kinds="inexact")
    n = operator.index(n)
    m = n if m is None else operator.index(m)
    return _orthogonal(data, n, m, shape, dtype)
