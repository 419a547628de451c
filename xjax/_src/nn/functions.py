"""jax.nn's activations, normalisations and attention, composed from xjax.numpy and xjax.lax.

Each function follows `jax/_src/nn/functions.py` (JAX 0.10): the same composition of ops, the
same constants and the same `jit` boundaries (which decide where XLA may fuse and so how bf16 and
f16 round), so that values agree with JAX's to the last bit where XLA allows it. `relu` and
`relu6` carry JAX's custom JVPs (the derivative at a kink is 0); `softmax` follows JAX's default
(`jax_softmax_custom_jvp=False`): the max is subtracted under `stop_gradient`.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from functools import partial
from typing import Any

import numpy as np

import xjax.numpy as jnp
from xjax import lax
from xjax._src import core, dtypes
from xjax._src.api import jit
from xjax._src.custom_derivatives import custom_jvp
from xjax._src.errors import ConcretizationTypeError
from xjax._src.numpy.util import check_arraylike, promote_args_inexact
from xjax._src.util import canonicalize_axis
from xjax._src.vmap import vmap

Array = Any
ArrayLike = Any
Axis = int | Sequence[int] | None

__all__ = [
    "celu", "dot_product_attention", "elu", "gelu", "glu", "hard_sigmoid", "hard_silu",
    "hard_swish", "hard_tanh", "identity", "leaky_relu", "log1mexp", "log_sigmoid", "log_softmax",
    "logmeanexp", "logsumexp", "mish", "one_hot", "relu", "relu6", "selu", "sigmoid", "silu",
    "soft_sign", "softmax", "softplus", "sparse_plus", "sparse_sigmoid", "squareplus",
    "standardize", "swish",
]


def _arr(fn: str, x: ArrayLike) -> Array:
    """JAX's `ensure_arraylike`: scalars and arrays only (no lists), as an array."""
    check_arraylike(fn, x)
    return jnp.asarray(x)


def promote_inexact(fn: str, *args: ArrayLike) -> list[Array]:
    """JAX's `promote_args_inexact`: common inexact dtype and shape, as arrays (weak types kept)."""
    out = []
    for a in promote_args_inexact(fn, *args):
        if type(a) is core.TypedScalar:
            a = lax.full_like(a, a.val)
        out.append(jnp.asarray(a))
    return out


# -- elementwise activations ----------------------------------------------------------------


@jit
def identity(x: ArrayLike) -> Array:
    """Identity activation: returns `x` unchanged (as an array)."""
    return _arr("identity", x)


@custom_jvp
@jit
def relu(x: ArrayLike) -> Array:
    """Rectified linear unit, `max(x, 0)`; its derivative at 0 is taken to be 0.

    >>> relu(jnp.array([-1.0, 0.0, 2.0]))
    Array([0., 0., 2.], dtype=float32)
    """
    return jnp.maximum(x, 0)


relu.defjvps(lambda g, ans, x: lax.select(x > 0, g, lax.full_like(g, 0)))


@custom_jvp
@jit
def relu6(x: ArrayLike) -> Array:
    """ReLU capped at 6, `min(max(x, 0), 6)`; derivative 0 at both kinks."""
    return jnp.minimum(jnp.maximum(x, 0), 6.0)


relu6.defjvps(lambda g, ans, x: lax.select((x > 0) & (x < 6), g, lax.full_like(g, 0)))


@jit
def squareplus(x: ArrayLike, b: ArrayLike = 4) -> Array:
    """Squareplus, `(x + sqrt(x^2 + b)) / 2` (arXiv:2112.11687)."""
    check_arraylike("squareplus", x, b)
    x, b = jnp.asarray(x), jnp.asarray(b)
    return (x + jnp.sqrt(jnp.square(x) + b)) / 2


@jit
def softplus(x: ArrayLike) -> Array:
    """Softplus, `log(1 + exp(x))`, computed as `logaddexp(x, 0)`."""
    return jnp.logaddexp(x, 0)


@jit
def sparse_plus(x: ArrayLike) -> Array:
    """0 for x <= -1, (x + 1)^2 / 4 on (-1, 1), x for x >= 1."""
    x = _arr("sparse_plus", x)
    return jnp.where(x <= -1.0, 0.0, jnp.where(x >= 1.0, x, (x + 1.0) ** 2 / 4))


@jit
def soft_sign(x: ArrayLike) -> Array:
    """Soft-sign, `x / (|x| + 1)`."""
    x = _arr("soft_sign", x)
    return x / (jnp.abs(x) + 1)


@jit
def sigmoid(x: ArrayLike) -> Array:
    """Logistic sigmoid, `1 / (1 + exp(-x))` (`lax.logistic`)."""
    return lax.logistic(x)


@jit
def sparse_sigmoid(x: ArrayLike) -> Array:
    """0 for x <= -1, (x + 1) / 2 on (-1, 1), 1 for x >= 1: the derivative of `sparse_plus`."""
    return 0.5 * jnp.clip(x + 1.0, 0.0, 2.0)


@jit
def silu(x: ArrayLike) -> Array:
    """SiLU (swish), `x * sigmoid(x)`."""
    x = _arr("silu", x)
    return x * sigmoid(x)


swish = silu


@jit
def mish(x: ArrayLike) -> Array:
    """Mish, `x * tanh(softplus(x))` (arXiv:1908.08681)."""
    x = _arr("mish", x)
    return x * jnp.tanh(softplus(x))


@jit
def log_sigmoid(x: ArrayLike) -> Array:
    """Log-sigmoid, `-softplus(-x)`."""
    x = _arr("log_sigmoid", x)
    return -softplus(-x)


@jit
def elu(x: ArrayLike, alpha: ArrayLike = 1.0) -> Array:
    """Exponential linear unit: x for x > 0, alpha * (exp(x) - 1) otherwise."""
    x = _arr("elu", x)
    # expm1 sees 0 where x > 0, so that large x gives no inf (nor a nan gradient)
    return jnp.where(x > 0, x, alpha * jnp.expm1(jnp.where(x > 0, 0.0, x)))


@jit
def leaky_relu(x: ArrayLike, negative_slope: ArrayLike = 1e-2) -> Array:
    """x for x >= 0, negative_slope * x otherwise."""
    x = _arr("leaky_relu", x)
    return jnp.where(x >= 0, x, negative_slope * x)


@jit
def hard_tanh(x: ArrayLike) -> Array:
    """`x` clipped to [-1, 1]."""
    x = _arr("hard_tanh", x)
    return jnp.where(x > 1, 1, jnp.where(x < -1, -1, x))


@jit
def celu(x: ArrayLike, alpha: ArrayLike = 1.0) -> Array:
    """Continuously differentiable ELU, `max(x, 0) + alpha * expm1(min(x, 0) / alpha)`."""
    return jnp.maximum(x, 0.0) + alpha * jnp.expm1(jnp.minimum(x, 0.0) / alpha)


# SELU's fixed point constants (Klambauer et al. 2017), as JAX spells them.
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


@jit
def selu(x: ArrayLike) -> Array:
    """Scaled ELU, `scale * elu(x, alpha)` with the self-normalising constants."""
    return _SELU_SCALE * elu(x, _SELU_ALPHA)


def gelu(x: ArrayLike, approximate: bool = True) -> Array:
    """Gaussian error linear unit.

    approximate=True: `x/2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))`;
    approximate=False: `x/2 * erfc(-x / sqrt(2))`.
    """
    [x] = promote_inexact("gelu", x)
    dtype = core.get_aval(x).dtype
    if approximate:
        sqrt_2_over_pi = np.sqrt(2 / np.pi).astype(dtype)
        cdf = 0.5 * (1.0 + jnp.tanh(sqrt_2_over_pi * (x + 0.044715 * (x**3))))
        return x * cdf
    sqrt_half = np.sqrt(0.5).astype(dtype)
    return jnp.array(0.5 * x * lax.erfc(-x * sqrt_half), dtype=dtype)


@partial(jit, static_argnames=("axis",))
def glu(x: ArrayLike, axis: int = -1) -> Array:
    """Gated linear unit: splits `x` in two halves along `axis`, returns `a * sigmoid(b)`."""
    x = _arr("glu", x)
    size = x.shape[axis]
    if size % 2:
        raise ValueError(f"jax.nn.glu: axis size must be divisible by 2, got {size}")
    x1, x2 = jnp.split(x, 2, axis)
    return x1 * sigmoid(x2)


@jit
def hard_sigmoid(x: ArrayLike) -> Array:
    """`relu6(x + 3) / 6`."""
    return relu6(x + 3.0) / 6.0


@jit
def hard_silu(x: ArrayLike) -> Array:
    """Hard SiLU (hard swish), `x * hard_sigmoid(x)`."""
    x = _arr("hard_silu", x)
    return x * hard_sigmoid(x)


hard_swish = hard_silu


@custom_jvp
@jit
def log1mexp(x: ArrayLike) -> Array:
    """`log(1 - exp(-x))`, choosing the accurate form on each side of log(2)."""
    x = _arr("log1mexp", x)
    c = jnp.log(2.0)
    return jnp.where(x < c, jnp.log(-jnp.expm1(-x)), jnp.log1p(-jnp.exp(-x)))


log1mexp.defjvps(lambda g, ans, x: g / jnp.expm1(x))


# -- reductions: logsumexp, softmax --------------------------------------------------------


def _reduction_dims(ndim: int, axis: Axis) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(axes in sorted non-negative form, the same axes as given) as JAX's `_reduction_dims`."""
    if axis is None:
        dims = tuple(range(ndim))
        return dims, dims
    axes = (axis,) if isinstance(axis, int) or np.ndim(axis) == 0 else tuple(axis)
    dims = tuple(canonicalize_axis(operator.index(a), ndim, "logsumexp") for a in axes)
    if len(set(dims)) != len(dims):
        raise ValueError(f"logsumexp: duplicate value in 'axis': {axis}")
    return tuple(sorted(dims)), dims


def logsumexp(a: ArrayLike, axis: Axis = None, b: ArrayLike | None = None,
              keepdims: bool = False, return_sign: bool = False,
              where: ArrayLike | None = None) -> Array | tuple[Array, Array]:
    """`log(sum(b * exp(a)))` over `axis`, shifted by the (finite) max for stability.

    xjax implementation of `scipy.special.logsumexp`. With `return_sign`, returns
    `(log|sum|, sign(sum))`; otherwise a negative sum gives nan. The shift is under
    `stop_gradient`, so gradients are exact softmax weights, also with `-inf` entries.
    """
    if where is not None:
        a = jnp.where(where, a, 0)
    if b is not None:
        a_arr, b_arr = promote_inexact("logsumexp", a, b)
        a_arr = jnp.where(b_arr != 0, a_arr, -np.inf)
    else:
        (a_arr,) = promote_inexact("logsumexp", a)
        b_arr = a_arr
    dtype = a_arr.dtype
    pos_dims, dims = _reduction_dims(a_arr.ndim, axis)
    amax = jnp.max(jnp.real(a_arr), axis=dims, keepdims=keepdims, where=where, initial=-np.inf)
    amax = lax.stop_gradient(lax.select(jnp.isfinite(amax), amax, lax.full_like(amax, 0)))
    amax_with_dims = amax if keepdims else lax.expand_dims(amax, pos_dims)
    exp_a = lax.exp(lax.sub(a_arr, amax_with_dims.astype(dtype)))
    if b is not None:
        exp_a = lax.mul(exp_a, b_arr)
    sumexp = exp_a.sum(axis=dims, keepdims=keepdims, where=where)
    sign = lax.sign(sumexp)
    if return_sign or not dtypes.is_complex(dtype):
        sumexp = abs(sumexp)
    out = lax.add(lax.log(sumexp), amax.astype(sumexp.dtype))
    if return_sign:
        return out, sign
    if b is not None and not dtypes.is_complex(out.dtype):
        out = jnp.where(sign < 0, jnp.array(np.nan, dtype=out.dtype), out)
    return out


@partial(jit, static_argnames=("axis", "keepdims"))
def logmeanexp(x: ArrayLike, axis: Axis = None, where: ArrayLike | None = None,
               keepdims: bool = False) -> Array:
    """`log(mean(exp(x)))` over `axis`: `logsumexp` minus the log of the element count."""
    lse = logsumexp(x, axis=axis, where=where, keepdims=keepdims)
    shape = jnp.shape(x)
    if where is None:
        count = math.prod(shape[d] for d in _reduction_dims(len(shape), axis)[0])
        count = lax.convert_element_type(count, lse.dtype)
    else:
        count = jnp.sum(jnp.broadcast_to(where, shape), axis, dtype=lse.dtype, keepdims=keepdims)
    return lse - jnp.log(count)


@partial(jit, static_argnames=("axis",))
def log_softmax(x: ArrayLike, axis: Axis = -1, where: ArrayLike | None = None) -> Array:
    """`x - logsumexp(x, axis, keepdims=True)`; entries outside `where` give -inf."""
    x = _arr("log_softmax", x)
    x_max = jnp.max(x, axis, where=where, initial=-np.inf, keepdims=True)
    x_safe = x if where is None else jnp.where(where, x, -np.inf)
    shifted = x_safe - lax.stop_gradient(x_max)
    shifted_logsumexp = jnp.log(jnp.sum(jnp.exp(shifted), axis, where=where, keepdims=True))
    result = shifted - shifted_logsumexp
    if where is not None:
        return jnp.where(where, result, -np.inf)
    return result


def softmax(x: ArrayLike, axis: Axis = -1, where: ArrayLike | None = None) -> Array:
    """`exp(x) / sum(exp(x), axis)`, shifted by the max for stability.

    Entries outside `where` are left out of the sum and give 0. As in JAX's default, the shift
    is under `stop_gradient` and the derivative comes from differentiating this composition.
    """
    initial = -np.inf
    x_max = jnp.max(x, axis, where=where, initial=initial, keepdims=True)
    x_safe = x if where is None else jnp.where(where, x, initial)
    unnormalized = jnp.exp(x_safe - lax.stop_gradient(x_max))
    result = unnormalized / jnp.sum(unnormalized, axis, where=where, keepdims=True)
    if where is not None:
        result = jnp.where(where, result, 0)
    return result


@partial(jit, static_argnames=("axis", "algorithm"))
def standardize(x: ArrayLike, axis: Axis = -1, mean: ArrayLike | None = None,
                variance: ArrayLike | None = None, epsilon: ArrayLike = 1e-5,
                where: ArrayLike | None = None, *, algorithm: str = "fast") -> Array:
    """`(x - mean) / sqrt(variance + epsilon)`, with mean/variance over `axis` unless given.

    algorithm="fast" uses `E[x^2] - E[x]^2` (clipped at 0); "stable" uses `E[(x - E[x])^2]`.
    """
    check_arraylike("standardize", x)
    for v in (mean, variance, where):
        if v is not None:
            check_arraylike("standardize", v)
    if mean is None:
        mean = jnp.mean(x, axis, keepdims=True, where=where)
    if variance is None:
        if algorithm == "stable":
            variance = jnp.mean(jnp.square(jnp.subtract(x, mean)), axis, keepdims=True,
                                where=where)
        elif algorithm == "fast":
            variance = jnp.mean(jnp.square(x), axis, keepdims=True, where=where) - jnp.square(mean)
            variance = jnp.clip(variance, 0)
        else:
            raise ValueError(f"Unknown algorithm '{algorithm}'. Expected 'fast' or 'stable'.")
    return jnp.subtract(x, mean) * lax.rsqrt(variance + epsilon)


# -- one_hot --------------------------------------------------------------------------------


@partial(jit, static_argnames=("num_classes", "dtype", "axis"))
def _one_hot(x: Array, num_classes: int, *, dtype: Any, axis: Any) -> Array:
    if isinstance(axis, (int, np.integer)):
        out_axis = canonicalize_axis(int(axis), x.ndim + 1, "jax.nn.one_hot")
        lhs = lax.expand_dims(x, (int(axis),))
        rhs_shape = [1] * x.ndim
        rhs_shape.insert(out_axis, num_classes)
        rhs = lax.broadcasted_iota(x.dtype, tuple(rhs_shape), out_axis)
        return (lhs == rhs).astype(dtype)
    # a named (vmap/pmap) axis: compare with this member's index along it
    size = lax.axis_size(axis)
    if num_classes != size:
        raise ValueError(f"Expected num_classes to match the size of axis {axis}, "
                         f"but {num_classes} != {size}")
    return jnp.asarray(x == lax.axis_index(axis), dtype=dtype)


def one_hot(x: Any, num_classes: int, *, dtype: Any | None = None, axis: Any = -1) -> Array:
    """One-hot encoding: `x[..., None] == arange(num_classes)`, the new axis at `axis`.

    Out-of-range entries give all-zero rows. `dtype` defaults to the default float dtype.
    """
    try:
        num_classes = operator.index(num_classes)
    except TypeError:
        raise ConcretizationTypeError(
            f"nn.one_hot: argument `num_classes` must be a concrete integer, got {num_classes!r}. "
            "It sets the output shape, so under jit it must be static "
            "(jit(f, static_argnums=...)) or derived from a shape."
        ) from None
    x = jnp.asarray(x)
    dtype = dtypes.default_float_dtype() if dtype is None else np.dtype(dtype)
    return _one_hot(x, num_classes, dtype=dtype, axis=axis)


# -- dot_product_attention ------------------------------------------------------------------


def _large_negative(dtype: np.dtype) -> Array:
    dtype_max = min(float(dtypes.finfo(dtype).max), float(np.finfo(np.float32).max))
    return jnp.asarray(-0.7 * dtype_max, dtype=dtype)


def _apply_masks(logits: Array, mask: Array | None, is_causal: bool, q_seqlen: Array | None,
                 kv_seqlen: Array | None, local_window_size: tuple[int, int] | None) -> Array:
    """Sets masked logits (B, N, T, S) to a large negative number."""
    if (mask is None and not is_causal and q_seqlen is None and kv_seqlen is None
            and local_window_size is None):
        return logits
    combined = jnp.ones_like(logits, dtype=bool)
    if mask is not None:
        combined = jnp.logical_and(combined, mask)
    T, S = logits.shape[2], logits.shape[3]
    if is_causal:
        combined = jnp.logical_and(combined, jnp.tril(jnp.ones((T, S), dtype=bool))[None, None])
    if local_window_size is not None:
        left, right = local_window_size
        q_pos, k_pos = jnp.arange(T), jnp.arange(S)
        left_ok = q_pos[..., None] <= k_pos[..., None, :] + left
        right_ok = q_pos[..., None] >= k_pos[..., None, :] - right
        combined = jnp.logical_and(combined, jnp.logical_and(right_ok, left_ok)[None, None])
    if q_seqlen is not None or kv_seqlen is not None:
        pad = True
        if q_seqlen is not None:
            pad = jnp.arange(0, T)[None, :, None] < q_seqlen[:, None, None]
        if kv_seqlen is not None:
            pad = jnp.logical_and(pad, jnp.arange(0, S)[None, None, :] < kv_seqlen[:, None, None])
        combined = jnp.logical_and(combined, pad[:, None, :, :])
    return jnp.where(combined, logits, _large_negative(logits.dtype))


def _attention_core(query: Array, key: Array, value: Array, bias: Array | None,
                    mask: Array | None, is_causal: bool, scale: float, q_seqlen: Array | None,
                    kv_seqlen: Array | None, local_window_size: Any,
                    return_residual: bool) -> Any:
    # query (B, T, N, H), key/value (B, S, N, H): one group of query heads per key head
    logits_dtype = jnp.promote_types(query.dtype, np.float32)
    logits = jnp.einsum("BTNH,BSNH->BNTS", query, key, preferred_element_type=logits_dtype)
    logits = logits * jnp.array(scale, dtype=logits.dtype)
    if bias is not None:
        logits = (logits + bias).astype(logits.dtype)
    padded = _apply_masks(logits, mask, is_causal, q_seqlen, kv_seqlen, local_window_size)
    padded = padded.astype(np.float32)
    probs = softmax(padded, axis=-1).astype(key.dtype)
    encoded = jnp.einsum("BNTS,BSNH->BTNH", probs, value)
    if q_seqlen is not None:
        q_mask = jnp.arange(0, encoded.shape[1])[None, :] < q_seqlen[:, None]
        encoded = encoded * q_mask[:, :, None, None].astype(encoded.dtype)
    if return_residual:
        lse = logsumexp(padded, axis=-1).astype(key.dtype)
        return encoded, lax.stop_gradient(jnp.transpose(lse, (0, 2, 1)))  # B N T -> B T N
    return encoded


def _attention_xla(query: Array, key: Array, value: Array, bias: Array | None,
                   mask: Array | None, is_causal: bool, scale: float, q_seqlen: Array | None,
                   kv_seqlen: Array | None, local_window_size: Any,
                   return_residual: bool) -> Any:
    B, T, N, H = query.shape
    K = key.shape[2]
    G = N // K
    query = jnp.reshape(query, (B, T, K, G, H))

    def grouped(t: Array | None) -> Array | None:  # (B, N|1, T, S) -> (B, K|1, G, T, S)
        if t is None:
            return None
        tB, tN, tT, tS = t.shape
        if tN == 1:
            return jnp.broadcast_to(t[:, :, None, :, :], (tB, tN, G, tT, tS))
        if tN != N:
            raise ValueError(f"dot_product_attention: bias/mask head dim {tN} is not 1 or {N}")
        return jnp.reshape(t, (tB, K, G, tT, tS))

    bias, mask = grouped(bias), grouped(mask)

    # vmap over the G query heads sharing a key head; absent bias/mask are closed over
    def core_fn(q: Array, *bm: Array) -> Any:
        it = iter(bm)
        b = next(it) if bias is not None else None
        m = next(it) if mask is not None else None
        return _attention_core(q, key, value, b, m, is_causal, scale, q_seqlen, kv_seqlen,
                               local_window_size, return_residual)

    present = [t for t in (bias, mask) if t is not None]
    out = vmap(core_fn, in_axes=(3,) + (2,) * len(present), out_axes=3)(query, *present)
    if return_residual:
        encoded, lse = out
        return jnp.reshape(encoded, (B, T, N, H)), jnp.reshape(lse, (B, T, N))
    return jnp.reshape(out, (B, T, N, H))


def dot_product_attention(query: ArrayLike, key: ArrayLike, value: ArrayLike,
                          bias: ArrayLike | None = None, mask: ArrayLike | None = None, *,
                          scale: float | None = None, is_causal: bool = False,
                          query_seq_lengths: ArrayLike | None = None,
                          key_value_seq_lengths: ArrayLike | None = None,
                          local_window_size: int | tuple[int, int] | None = None,
                          implementation: str | None = None,
                          return_residual: bool = False) -> Any:
    """Scaled dot-product attention, `softmax(q k^T * scale + bias, masked) v`.

    Args:
      query: (B, T, N, H) (leading dims may be dropped); key, value: (B, S, K, H), N % K == 0
        (grouped-query attention). bias: broadcastable to (B, N, T, S); mask: bool, same shape.
      scale: defaults to 1/sqrt(H). is_causal: lower-triangular mask.
      query_seq_lengths, key_value_seq_lengths: int32 (B,) padding lengths.
      local_window_size: (left, right) window, or one int for both.
      implementation: None or "xla" (cuDNN is not available in xjax).
    Returns:
      (B, T, N, H), and with return_residual the logsumexp residual (B, T, N).
    """
    output_shape = jnp.asarray(query).shape

    def ensure_4d(t: Any) -> Array:
        t = jnp.asarray(t)
        return jnp.expand_dims(t, axis=tuple(range(4 - t.ndim))) if t.ndim < 4 else t

    q, k, v = ensure_4d(query), ensure_4d(key), ensure_4d(value)
    bias = ensure_4d(bias) if bias is not None else None
    mask = ensure_4d(mask) if mask is not None else None
    q_len = jnp.asarray(query_seq_lengths) if query_seq_lengths is not None else None
    kv_len = jnp.asarray(key_value_seq_lengths) if key_value_seq_lengths is not None else None
    if isinstance(local_window_size, int):
        local_window_size = (local_window_size, local_window_size)

    def check(t: Array | None, shape: Sequence[int], dtype: Any, name: str) -> None:
        if t is None:
            return
        if t.ndim != len(shape):
            raise ValueError(f"{name} ndim should be {len(shape)}, but got {t.ndim}")
        if dtype is not None and t.dtype != dtype:
            raise ValueError(f"{name} dtype should be {dtype}, but got {t.dtype}")
        for i in range(t.ndim):
            if shape[i] != -1 and t.shape[i] != shape[i]:
                raise ValueError(f"{name} shape should be {list(shape)}: but got {t.shape}")

    B, S, K, H = k.shape
    check(v, [B, S, K, H], k.dtype, "value")
    check(q, [B, -1, -1, H], k.dtype, "query")
    check(mask, [-1] * 4, np.dtype(bool), "mask")
    check(bias, [-1] * 4, None, "bias")
    check(q_len, [B], np.dtype("int32"), "query_seq_lengths")
    check(kv_len, [B], np.dtype("int32"), "key_value_seq_lengths")
    if q.shape[-2] % K != 0:
        raise ValueError("The number of query heads must be a multiple of key/value heads, but "
                         f"got {q.shape[-2]} vs {K}")
    scale_val = (1.0 / np.sqrt(H)) if scale is None else scale
    if implementation not in (None, "xla"):
        if implementation == "cudnn":
            raise NotImplementedError("dot_product_attention: implementation='cudnn' is not "
                                      "available in xjax; use None or 'xla'")
        raise ValueError(f"Unsupported implementation option: {implementation}")
    out = _attention_xla(q, k, v, bias, mask, is_causal, scale_val, q_len, kv_len,
                         local_window_size, return_residual)
    if return_residual:
        out, residual = out
        return jnp.reshape(out, output_shape), jnp.reshape(residual, output_shape[:-1])
    return jnp.reshape(out, output_shape)
