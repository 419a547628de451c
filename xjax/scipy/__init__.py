"""xjax.scipy: SciPy's API on xjax arrays (JAX's jax.scipy)."""

from xjax.scipy import linalg as linalg
from xjax.scipy import special as special
from xjax.scipy import stats as stats
