"""jax.nn.initializers: parameter initialisers `init(key, shape, dtype) -> Array`.

Each one is the composition `jax/_src/nn/initializers.py` (JAX 0.10) uses, over xjax.random, with
JAX's constants, so that the same key, shape and dtype give the same bits as JAX. Factories
(`normal(stddev)`, `variance_scaling(...)`) return the initialiser; `zeros`/`ones` are
initialisers themselves.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

import xjax.numpy as jnp
from xjax import random
from xjax._src import dtypes

Array = Any
Shape = Sequence[int]

__all__ = [
    "Initializer", "constant", "delta_orthogonal", "glorot_normal", "glorot_uniform", "he_normal",
    "he_uniform", "kaiming_normal", "kaiming_uniform", "lecun_normal", "lecun_uniform", "normal",
    "ones", "orthogonal", "truncated_normal", "uniform", "variance_scaling", "xavier_normal",
    "xavier_uniform", "zeros",
]

# Standard deviation of a standard normal truncated to [-2, 2] (real case), and of the complex
# truncated normal of `_complex_truncated_normal`: dividing by it restores the target variance.
_TRUNC_STD_REAL = 0.87962566103423978
_TRUNC_STD_COMPLEX = 0.95311164380491208


@runtime_checkable
class Initializer(Protocol):
    """An initialiser: `init(key, shape, dtype=None, out_sharding=None) -> Array`."""

    def __call__(self, key: Array, shape: Shape, dtype: Any = None,
                 out_sharding: Any = None) -> Array:
        raise NotImplementedError


def _dtype(dtype: Any) -> np.dtype:
    return dtypes.default_float_dtype() if dtype is None else np.dtype(dtype)


def _no_sharding(out_sharding: Any, name: str) -> None:
    if out_sharding is not None:
        raise NotImplementedError(f"nn.initializers.{name}: out_sharding is not supported yet")


def _shape(shape: Any) -> tuple[int, ...]:
    return tuple(int(d) for d in shape) if isinstance(shape, Sequence) else (int(shape),)


def zeros(key: Array, shape: Shape, dtype: Any = None, out_sharding: Any = None) -> Array:
    """An array of zeros (the key is unused)."""
    _no_sharding(out_sharding, "zeros")
    return jnp.zeros(shape, _dtype(dtype))


def ones(key: Array, shape: Shape, dtype: Any = None, out_sharding: Any = None) -> Array:
    """An array of ones (the key is unused)."""
    _no_sharding(out_sharding, "ones")
    return jnp.ones(shape, _dtype(dtype))


def constant(value: Any, dtype: Any = None) -> Initializer:
    """Initialiser filling the array with `value`."""

    def init(key: Array, shape: Shape, dtype: Any = dtype, out_sharding: Any = None) -> Array:
        _no_sharding(out_sharding, "constant")
        return jnp.full(shape, value, dtype=_dtype(dtype))

    return init


def _scaled(name: str, sample: Any, scale: Any, dtype: Any) -> Initializer:
    """Initialiser `sample(key, shape, dtype) * scale`."""

    def init(key: Array, shape: Shape, dtype: Any = dtype, out_sharding: Any = None) -> Array:
        _no_sharding(out_sharding, name)
        dtype = _dtype(dtype)
        return sample(key, shape, dtype) * jnp.array(scale, dtype)

    return init


def uniform(scale: Any = 1e-2, dtype: Any = None) -> Initializer:
    """Initialiser drawing from U[0, scale)."""
    return _scaled("uniform", random.uniform, scale, dtype)


def normal(stddev: Any = 1e-2, dtype: Any = None) -> Initializer:
    """Initialiser drawing from N(0, stddev^2)."""
    return _scaled("normal", random.normal, stddev, dtype)


def truncated_normal(stddev: Any = 1e-2, dtype: Any = None, lower: Any = -2.0,
                     upper: Any = 2.0) -> Initializer:
    """Initialiser drawing `stddev * z`, z a standard normal truncated to [lower, upper]."""

    def sample(key: Array, shape: Shape, dtype: np.dtype) -> Array:
        return random.truncated_normal(key, lower, upper, shape, dtype)

    return _scaled("truncated_normal", sample, stddev, dtype)


def _axes_size(shape: tuple[int, ...], axes: int | Sequence[int]) -> int:
    return shape[axes] if isinstance(axes, int) else math.prod(shape[i] for i in axes)


def _compute_fans(shape: tuple[int, ...], in_axis: int | Sequence[int] = -2,
                  out_axis: int | Sequence[int] = -1,
                  batch_axis: int | Sequence[int] = ()) -> tuple[float, float]:
    """(fan_in, fan_out): in/out sizes times the receptive field (all other non-batch axes)."""
    if isinstance(in_axis, int) and in_axis == -2 and len(shape) <= 1:
        raise ValueError(
            f"Can't compute input and output sizes of a {len(shape)}-dimensional weights tensor "
            "with default in_axis. Must be at least 2D or specify in_axis explicitly."
        )
    in_size = _axes_size(shape, in_axis)
    out_size = _axes_size(shape, out_axis)
    batch_size = _axes_size(shape, batch_axis)
    receptive_field_size = math.prod(shape) / in_size / out_size / batch_size
    return in_size * receptive_field_size, out_size * receptive_field_size


def _complex_polar(key: Array, shape: tuple[int, ...], dtype: np.dtype, radius: Any) -> Array:
    """r * exp(i theta), theta uniform on [0, 2 pi) and r = `radius(u, complex dtype)` of u
    uniform on [0, 1) (drawn with the first of two keys split from `key`)."""
    key_r, key_theta = random.split(key)
    real_dtype = dtypes.real_dtype(dtype)
    dtype = dtypes.to_complex_dtype(real_dtype)
    r = radius(random.uniform(key_r, shape, real_dtype), dtype)
    theta = 2 * np.pi * random.uniform(key_theta, shape, real_dtype).astype(dtype)
    return r * jnp.exp(1j * theta)


def _complex_uniform(key: Array, shape: tuple[int, ...], dtype: np.dtype) -> Array:
    """Uniform on the unit-variance disk: r = sqrt(2 u), theta uniform."""
    return _complex_polar(key, shape, dtype, lambda u, dt: jnp.sqrt(2 * u).astype(dt))


def _complex_truncated_normal(key: Array, upper: Any, shape: tuple[int, ...],
                              dtype: np.dtype) -> Array:
    """Complex normal with modulus truncated to `upper` (inverse-CDF of the Rayleigh law)."""

    def radius(u: Array, dt: np.dtype) -> Array:
        t = (1 - jnp.exp(jnp.array(-(upper**2), dt))) * u.astype(dt)
        return jnp.sqrt(-jnp.log(1 - t))

    return _complex_polar(key, shape, dtype, radius)


def variance_scaling(scale: Any, mode: str, distribution: str,
                     in_axis: int | Sequence[int] = -2, out_axis: int | Sequence[int] = -1,
                     batch_axis: int | Sequence[int] = (), dtype: Any = None) -> Initializer:
    """Initialiser with variance `scale / n`, n the fan chosen by `mode`.

    Args:
      scale: the variance scale.
      mode: "fan_in", "fan_out", "fan_avg" ((in + out) / 2) or "fan_geo_avg" (sqrt(in * out)).
      distribution: "truncated_normal" (to +-2 std, rescaled to the variance), "normal" or
        "uniform" (on +-sqrt(3 variance)).
      in_axis, out_axis, batch_axis: the axes of the input, output and batch dimensions; the
        other axes form the receptive field.
    """

    def init(key: Array, shape: Shape, dtype: Any = dtype, out_sharding: Any = None) -> Array:
        _no_sharding(out_sharding, "variance_scaling")
        shape = _shape(shape)
        dtype = _dtype(dtype)
        fan_in, fan_out = _compute_fans(shape, in_axis, out_axis, batch_axis)
        if mode == "fan_in":
            denominator = fan_in
        elif mode == "fan_out":
            denominator = fan_out
        elif mode == "fan_avg":
            denominator = (fan_in + fan_out) / 2
        elif mode == "fan_geo_avg":
            denominator = (fan_in * fan_out) ** 0.5
        else:
            raise ValueError(f"invalid mode for variance scaling initializer: {mode}")
        variance = jnp.array(scale / denominator, dtype=dtype)
        real = dtypes.issubdtype(dtype, np.floating)
        if distribution == "truncated_normal":
            if real:
                stddev = jnp.sqrt(variance) / jnp.array(_TRUNC_STD_REAL, dtype)
                return random.truncated_normal(key, -2, 2, shape, dtype) * stddev
            stddev = jnp.sqrt(variance) / jnp.array(_TRUNC_STD_COMPLEX, dtype)
            return _complex_truncated_normal(key, 2, shape, dtype) * stddev
        if distribution == "normal":
            return random.normal(key, shape, dtype) * jnp.sqrt(variance)
        if distribution == "uniform":
            if real:
                return random.uniform(key, shape, dtype, -1) * jnp.sqrt(3 * variance)
            return _complex_uniform(key, shape, dtype) * jnp.sqrt(variance)
        raise ValueError(f"invalid distribution for variance scaling initializer: {distribution}")

    return init


def _scaling(scale: float, mode: str, distribution: str, doc: str) -> Any:
    def factory(in_axis: int | Sequence[int] = -2, out_axis: int | Sequence[int] = -1,
                batch_axis: int | Sequence[int] = (), dtype: Any = None) -> Initializer:
        return variance_scaling(scale, mode, distribution, in_axis=in_axis, out_axis=out_axis,
                                batch_axis=batch_axis, dtype=dtype)

    factory.__doc__ = doc
    return factory


glorot_uniform = _scaling(1.0, "fan_avg", "uniform", "Glorot/Xavier uniform: variance 2/(in+out).")
glorot_normal = _scaling(1.0, "fan_avg", "truncated_normal",
                         "Glorot/Xavier normal (truncated): variance 2/(in+out).")
lecun_uniform = _scaling(1.0, "fan_in", "uniform", "LeCun uniform: variance 1/fan_in.")
lecun_normal = _scaling(1.0, "fan_in", "truncated_normal",
                        "LeCun normal (truncated): variance 1/fan_in.")
he_uniform = _scaling(2.0, "fan_in", "uniform", "He/Kaiming uniform: variance 2/fan_in.")
he_normal = _scaling(2.0, "fan_in", "truncated_normal",
                     "He/Kaiming normal (truncated): variance 2/fan_in.")
for _name in ("glorot_uniform", "glorot_normal", "lecun_uniform", "lecun_normal", "he_uniform",
              "he_normal"):
    globals()[_name].__name__ = globals()[_name].__qualname__ = _name
xavier_uniform = glorot_uniform
xavier_normal = glorot_normal
kaiming_uniform = he_uniform
kaiming_normal = he_normal


def orthogonal(scale: Any = 1.0, column_axis: int = -1, dtype: Any = None) -> Initializer:
    """Initialiser giving a (scaled) orthogonal matrix, reshaped; `column_axis` holds the columns.

    The rows are all axes but `column_axis` flattened; the matrix is `random.orthogonal`'s.
    """

    def init(key: Array, shape: Shape, dtype: Any = dtype, out_sharding: Any = None) -> Array:
        _no_sharding(out_sharding, "orthogonal")
        shape = _shape(shape)
        dtype = _dtype(dtype)
        if len(shape) < 2:
            raise ValueError("orthogonal initializer requires at least a 2D shape")
        if any(d == 0 for d in shape):
            return jnp.zeros(shape, dtype=dtype)
        n_rows, n_cols = math.prod(shape) // shape[column_axis], shape[column_axis]
        q = random.orthogonal(key, n_rows, (), dtype, n_cols)
        q = jnp.reshape(q, tuple(np.delete(shape, column_axis)) + (shape[column_axis],))
        q = jnp.moveaxis(q, -1, column_axis)
        return jnp.array(scale, dtype) * q

    return init


def delta_orthogonal(scale: Any = 1.0, column_axis: int = -1, dtype: Any = None) -> Initializer:
    """Delta-orthogonal initialiser for 3D-5D convolution kernels (Xiao et al. 2018).

    Zeros everywhere but the spatial centre, which holds an orthogonal (in, out) matrix.
    """

    def init(key: Array, shape: Shape, dtype: Any = dtype, out_sharding: Any = None) -> Array:
        _no_sharding(out_sharding, "delta_orthogonal")
        shape = _shape(shape)
        dtype = _dtype(dtype)
        if len(shape) not in (3, 4, 5):
            raise ValueError("Delta orthogonal initializer requires a 3D, 4D or 5D shape.")
        if shape[-1] < shape[-2]:
            raise ValueError("`fan_in` must be less or equal than `fan_out`. ")
        ortho = orthogonal(scale=scale, column_axis=column_axis, dtype=dtype)(key, shape[-2:])
        centre = tuple((k - 1) // 2 for k in shape[:-2])
        return jnp.zeros(shape, dtype=dtype).at[centre + (Ellipsis,)].set(ortho)

    return init
