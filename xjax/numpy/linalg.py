"""xjax.numpy.linalg: NumPy's linear algebra on xjax arrays (JAX's jax.numpy.linalg)."""

from xjax._src.numpy.linalg import *
