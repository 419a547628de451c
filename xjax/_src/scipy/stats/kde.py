"""jax.scipy.stats.gaussian_kde (JAX 0.10): Gaussian kernel density estimation, a pytree."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

import xjax.numpy as jnp
from xjax import random
from xjax._src import dtypes
from xjax._src.api import jit
from xjax._src.numpy.util import check_arraylike, promote_dtypes_inexact
from xjax._src.scipy import linalg
from xjax._src.scipy.stats.common import Array, as_arrays
from xjax._src.tree import register_pytree_node_class
from xjax._src.vmap import vmap
from xjax.scipy import special

BwMethod = None | str | Array | Callable[[Any], Array]


def _is_complex(x: Any) -> bool:
    return dtypes.is_complex(dtypes.dtype(x))


@register_pytree_node_class
@dataclasses.dataclass(frozen=True, init=False, slots=True)
class gaussian_kde:
    """xjax implementation of `scipy.stats.gaussian_kde`.

    Args:
      dataset: the samples, shape (d, n) (or (n,) for d = 1).
      bw_method: 'scott' (default), 'silverman', a scalar factor, or a callable taking the
        kde (with `neff`, `dataset` and `weights` set) and returning the factor.
      weights: optional sample weights, shape (n,) (normalised to sum to 1).

    The covariance is the weighted sample covariance times factor^2. A kde is a pytree (its
    arrays are leaves), so it can be passed through jit, vmap and grad.
    """

    neff: Any
    dataset: Any
    weights: Any
    covariance: Any
    inv_cov: Any

    def __init__(self, dataset: Any, bw_method: BwMethod = None, weights: Any = None):
        check_arraylike("gaussian_kde", dataset)
        dataset = jnp.atleast_2d(dataset)
        if _is_complex(dataset):
            raise NotImplementedError("gaussian_kde does not support complex data")
        if not dataset.size > 1:
            raise ValueError("`dataset` input should have multiple elements.")
        d, n = dataset.shape
        if weights is not None:
            check_arraylike("gaussian_kde", weights)
            dataset, weights = as_arrays(*promote_dtypes_inexact(dataset, weights))
            weights = jnp.atleast_1d(weights)
            weights /= jnp.sum(weights)
            if weights.ndim != 1:
                raise ValueError("`weights` input should be one-dimensional.")
            if len(weights) != n:
                raise ValueError(
                    f"`weights` input should be of length n = {n}; got {len(weights)}."
                )
        else:
            (dataset,) = as_arrays(*promote_dtypes_inexact(dataset))
            weights = jnp.full(n, 1.0 / n, dtype=dataset.dtype)
        self._setattr("dataset", dataset)
        self._setattr("weights", weights)
        neff = self._setattr("neff", 1 / jnp.sum(weights**2))

        if bw_method is None or (isinstance(bw_method, str) and bw_method == "scott"):
            factor = jnp.power(neff, -1.0 / (d + 4))
        elif isinstance(bw_method, str) and bw_method == "silverman":
            factor = jnp.power(neff * (d + 2) / 4.0, -1.0 / (d + 4))
        elif _is_scalar(bw_method):
            factor = bw_method
        elif callable(bw_method):
            factor = bw_method(self)
        else:
            raise ValueError("`bw_method` should be 'scott', 'silverman', a scalar, or a callable.")

        data_covariance = jnp.atleast_2d(jnp.cov(dataset, rowvar=True, bias=False, aweights=weights))
        data_inv_cov = jnp.linalg.inv(data_covariance)
        self._setattr("covariance", data_covariance * factor**2)
        self._setattr("inv_cov", data_inv_cov / factor**2)

    def _setattr(self, name: str, value: Any) -> Any:
        object.__setattr__(self, name, value)  # the dataclass is frozen
        return value

    def tree_flatten(self) -> tuple[tuple, None]:
        return (self.neff, self.dataset, self.weights, self.covariance, self.inv_cov), None

    @classmethod
    def tree_unflatten(cls, aux_data: None, children: tuple) -> gaussian_kde:
        del aux_data
        kde = cls.__new__(cls)
        for name, value in zip(("neff", "dataset", "weights", "covariance", "inv_cov"), children):
            kde._setattr(name, value)
        return kde

    @property
    def d(self) -> int:
        """The number of dimensions."""
        return self.dataset.shape[0]

    @property
    def n(self) -> int:
        """The number of samples."""
        return self.dataset.shape[1]

    def evaluate(self, points: Any) -> Array:
        """The estimated density at `points`, shape (d, m) (or (m,) for d = 1)."""
        check_arraylike("evaluate", points)
        points = self._reshape_points(points)
        values = self.weights[:, None]
        return _gaussian_kernel_eval(False, self.dataset.T, values, points.T, self.inv_cov)[:, 0]

    def __call__(self, points: Any) -> Array:
        return self.evaluate(points)

    def pdf(self, x: Any) -> Array:
        """The estimated density at `x` (as `evaluate`)."""
        return self.evaluate(x)

    def logpdf(self, x: Any) -> Array:
        """The log of the estimated density at `x`, computed with logsumexp."""
        check_arraylike("logpdf", x)
        x = self._reshape_points(x)
        return _gaussian_kernel_eval(
            True, self.dataset.T, self.weights[:, None], x.T, self.inv_cov
        )[:, 0]

    def integrate_gaussian(self, mean: Any, cov: Any) -> Array:
        """The integral of the density times a Gaussian N(mean, cov)."""
        mean = jnp.atleast_1d(jnp.squeeze(mean))
        cov = jnp.atleast_2d(cov)
        if mean.shape != (self.d,):
            raise ValueError(f"mean does not have dimension {self.d}; got shape {mean.shape}")
        if cov.shape != (self.d, self.d):
            raise ValueError(f"covariance does not have dimension {self.d}; got shape {cov.shape}")
        chol = linalg.cho_factor(self.covariance + cov)
        norm = 1.0 / (jnp.sqrt(2 * np.pi) ** self.d * jnp.prod(jnp.diag(chol[0])))
        return _gaussian_kernel_convolve(chol, norm, self.dataset, self.weights, mean)

    def integrate_box_1d(self, low: Any, high: Any) -> Array:
        """The mass of a 1-D density between the scalars `low` and `high`."""
        if self.d != 1:
            raise ValueError("integrate_box_1d() only handles 1D pdfs")
        if np.ndim(low) != 0 or np.ndim(high) != 0:
            raise ValueError("the limits of integration in integrate_box_1d must be scalars")
        return _integrate_box_1d(self, low, high)

    def integrate_kde(self, other: gaussian_kde) -> Array:
        """The integral of the product of this density and `other`'s."""
        if other.d != self.d:
            raise ValueError(f"KDEs are not the same dimensionality: {self.d} and {other.d}")
        chol = linalg.cho_factor(self.covariance + other.covariance)
        norm = 1.0 / (jnp.sqrt(2 * np.pi) ** self.d * jnp.prod(jnp.diag(chol[0])))
        sm, lg = (self, other) if self.n < other.n else (other, self)
        convolve = partial(_gaussian_kernel_convolve, chol, norm, lg.dataset, lg.weights)
        return jnp.sum(vmap(convolve, in_axes=1)(sm.dataset) * sm.weights)

    def resample(self, key: Any, shape: tuple[int, ...] = ()) -> Array:
        """Draws samples from the density: shape (d, *shape)."""
        return _resample(self, key, shape=tuple(shape))

    def integrate_box(self, low_bounds: Any, high_bounds: Any, maxpts: Any = None) -> Array:
        """Not supported (as in JAX): use `integrate_box_1d`."""
        del low_bounds, high_bounds, maxpts
        raise NotImplementedError("only 1D box integrations are supported; use `integrate_box_1d`")

    def set_bandwidth(self, bw_method: BwMethod = None) -> None:
        """Not supported (as in JAX): a kde is immutable; build a new one."""
        del bw_method
        raise NotImplementedError("dynamically changing the bandwidth method is not supported")

    def _reshape_points(self, points: Any) -> Array:
        if _is_complex(points):
            raise NotImplementedError("gaussian_kde does not support complex coordinates")
        points = jnp.atleast_2d(points)
        d, m = points.shape
        if d != self.d:
            if d == 1 and m == self.d:
                points = jnp.reshape(points, (self.d, 1))
            else:
                raise ValueError(f"points have dimension {d}, dataset has dimension {self.d}")
        return points


def _is_scalar(x: Any) -> bool:
    """jnp.isscalar: a Python/NumPy number or a 0-d array (not a string or a callable)."""
    if isinstance(x, (bool, int, float, complex, np.number)):
        return True
    return hasattr(x, "shape") and hasattr(x, "dtype") and np.ndim(x) == 0


@jit
def _integrate_box_1d(kde: gaussian_kde, low: Any, high: Any) -> Array:
    sigma = jnp.squeeze(jnp.sqrt(kde.covariance))
    low = jnp.squeeze((low - kde.dataset) / sigma)
    high = jnp.squeeze((high - kde.dataset) / sigma)
    return jnp.sum(kde.weights * (special.ndtr(high) - special.ndtr(low)))


@partial(jit, static_argnames=("shape",))
def _resample(kde: gaussian_kde, key: Any, shape: tuple[int, ...]) -> Array:
    ind_key, eps_key = random.split(key)
    ind = random.choice(ind_key, kde.n, shape=shape, p=kde.weights)
    mean = jnp.zeros(kde.d, kde.covariance.dtype)
    eps = random.multivariate_normal(
        eps_key, mean, kde.covariance, shape=shape, dtype=kde.dataset.dtype
    ).T
    return kde.dataset[:, ind] + eps


def _gaussian_kernel_convolve(
    chol: Any, norm: Array, target: Array, weights: Array, mean: Array
) -> Array:
    diff = target - mean[:, None]
    alpha = linalg.cho_solve(chol, diff)
    arg = 0.5 * jnp.sum(diff * alpha, axis=0)
    return norm * jnp.sum(jnp.exp(-arg) * weights)


@partial(jit, static_argnums=0)
def _gaussian_kernel_eval(
    in_log: bool, points: Array, values: Array, xi: Array, precision: Array
) -> Array:
    """sum_j values_j N(xi; points_j, precision^-1) for each row of xi (its log when in_log)."""
    points, values, xi, precision = as_arrays(
        *promote_dtypes_inexact(points, values, xi, precision)
    )
    d = points.shape[1]
    if xi.shape[1] != d:
        raise ValueError(f"points and xi must have same trailing dim; got {d} and {xi.shape[1]}")
    if precision.shape != (d, d):
        raise ValueError(f"precision matrix must match data dims ({d}); got {precision.shape}")
    whitening = linalg.cholesky(precision, lower=True)
    points = jnp.dot(points, whitening)
    xi = jnp.dot(xi, whitening)
    log_norm = jnp.sum(jnp.log(jnp.diag(whitening))) - 0.5 * d * jnp.log(2 * np.pi)

    def kernel(x_test: Array, x_train: Array, y_train: Array) -> Array:
        arg = log_norm - 0.5 * jnp.sum(jnp.square(x_train - x_test))
        return jnp.log(y_train) + arg if in_log else y_train * jnp.exp(arg)

    reduce = special.logsumexp if in_log else jnp.sum

    def reduced_kernel(x: Array) -> Array:
        return reduce(vmap(kernel, in_axes=(None, 0, 0))(x, points, values), axis=0)

    return vmap(reduced_kernel)(xi)
