"""xjax.scipy: SciPy's API on xjax arrays (JAX's jax.scipy)."""

from xjax.scipy import linalg as linalg
