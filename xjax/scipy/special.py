"""xjax.scipy.special: JAX's jax.scipy.special (special functions on xjax arrays)."""

from xjax._src.scipy_special import (  # noqa: F401
    betaln as betaln,
    digamma as digamma,
    entr as entr,
    erf as erf,
    erfc as erfc,
    erfinv as erfinv,
    expit as expit,
    gammaln as gammaln,
    log_softmax as log_softmax,
    logit as logit,
    logsumexp as logsumexp,
    ndtr as ndtr,
    ndtri as ndtri,
    softmax as softmax,
    xlog1py as xlog1py,
    xlogy as xlogy,
)
