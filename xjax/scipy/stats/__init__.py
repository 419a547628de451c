"""xjax.scipy.stats: JAX's jax.scipy.stats (so far the normal distribution, `norm`)."""

from xjax.scipy.stats import norm as norm
