"""jax.scipy.stats.norm: the normal distribution's pdf, cdf and quantiles, as JAX 0.10 does."""

from __future__ import annotations

from typing import Any

import numpy as np

import xjax.numpy as jnp
from xjax import lax
from xjax._src.nn.functions import promote_inexact
from xjax._src.scipy_special import _const, ndtr, ndtri

Array = Any
ArrayLike = Any


def norm_logpdf(x: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    """Log density of N(loc, scale^2): -(log(2 pi scale^2) + ((x - loc) / scale)^2) / 2."""
    x, loc, scale = promote_inexact("norm.logpdf", x, loc, scale)
    scale_sqrd = lax.square(scale)
    log_normalizer = lax.log(lax.mul(_const(x, 2 * np.pi), scale_sqrd))
    quadratic = lax.div(lax.square(lax.sub(x, loc)), scale_sqrd)
    return lax.div(lax.add(log_normalizer, quadratic), _const(x, -2))


def norm_pdf(x: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    """Density of N(loc, scale^2): exp(logpdf)."""
    return lax.exp(norm_logpdf(x, loc, scale))


def norm_cdf(x: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    """CDF of N(loc, scale^2): ndtr((x - loc) / scale)."""
    x, loc, scale = promote_inexact("norm.cdf", x, loc, scale)
    return ndtr(lax.div(lax.sub(x, loc), scale))


def norm_sf(x: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    """Survival function 1 - cdf, computed as cdf(-x, -loc, scale)."""
    x, loc, scale = promote_inexact("norm.sf", x, loc, scale)
    return norm_cdf(-x, -loc, scale)


def norm_ppf(q: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    """Quantile function (inverse CDF): ndtri(q) * scale + loc, in the default float dtype."""
    return jnp.asarray(ndtri(q) * scale + loc, float)


def norm_isf(q: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    """Inverse survival function: ppf(1 - q)."""
    return norm_ppf(lax.sub(_const(q, 1), q), loc, scale)
