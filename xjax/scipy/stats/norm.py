"""xjax.scipy.stats.norm: the normal distribution (JAX's jax.scipy.stats.norm)."""

from xjax._src.scipy_stats import (  # noqa: F401
    norm_cdf as cdf,
    norm_isf as isf,
    norm_logpdf as logpdf,
    norm_pdf as pdf,
    norm_ppf as ppf,
    norm_sf as sf,
)
