"""Covariance and correlation: `jnp.cov` (frequency and observation weights) and `jnp.corrcoef`.

The estimate follows JAX's (and NumPy's) formula: with weights `w = fweights * aweights`,
`avg = sum(X * w) / sum(w)` per variable, and the normalisation `f` is

- `N - ddof` without weights,
- `sum(w)` when `ddof == 0`,
- `sum(w) - ddof` with frequency weights only,
- `sum(w) - ddof * sum(w * aweights) / sum(w)` with observation ("reliability") weights.

`cov = (X - avg) @ ((X - avg) * w).conj().T / f`, squeezed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from xjax import lax
from xjax._src import core, dtypes
from xjax._src.numpy import util
from xjax._src.numpy.manipulation import asarray, promote_inexact, static_int

__all__ = ["corrcoef", "cov"]


def _jnp() -> Any:
    import xjax.numpy as jnp

    return jnp


def _ndim(x: Any) -> int:
    return len(core.get_aval(x).shape)


def _check_inexact_dtype(fn: str, dtype: Any) -> np.dtype | None:
    if dtype is None:
        return None
    dt = np.dtype(dtype)
    if not dtypes.is_inexact(dt):
        raise ValueError(f"{fn}: dtype must be a subclass of float or complex; got dtype={dt}. "
                         "Pass a float or complex dtype, or cast the result afterwards.")
    return dtypes.check_user_dtype(dt, fn)


def _weights(fn: str, name: str, w: Any, n: int) -> Any:
    """`w` as a 1-D array of `n` observation weights (RuntimeError otherwise, as NumPy/JAX)."""
    util.check_arraylike(fn, w)
    w = asarray(w, fn)
    shape = core.get_aval(w).shape
    if len(shape) != 1:
        raise RuntimeError(f"{fn}: cannot handle multidimensional {name}: expected shape ({n},), "
                           f"got {shape}")
    if shape[0] != n:
        raise RuntimeError(f"{fn}: incompatible numbers of samples and {name}: {n} observations, "
                           f"{name} of shape {shape}")
    return w


def cov(m: Any, y: Any = None, rowvar: bool = True, bias: bool = False, ddof: int | None = None,
        fweights: Any = None, aweights: Any = None, dtype: Any = None) -> Any:
    """xjax implementation of `numpy.cov`: the (weighted) sample covariance matrix.

    Args:
      m: `(M, N)` array of N observations of M variables (`(N, M)` with `rowvar=False`), or a
        1-D array of observations of one variable.
      y: more variables of the same form, stacked after those of `m`.
      rowvar: whether rows (True) or columns are the variables.
      bias: normalise by N (True) rather than N - 1; overridden by `ddof`.
      ddof: degrees of freedom subtracted from the normaliser (static int).
      fweights: `(N,)` integer frequency weights (repeat counts; absolute values used).
      aweights: `(N,)` observation weights (relative importance; absolute values used).
      dtype: float or complex dtype to compute in.

    Returns:
      The `(M, M)` covariance matrix, or a scalar when M is 1.
    """
    jnp, fn = _jnp(), "jnp.cov"
    if y is not None:
        m, y = promote_inexact(fn, m, y)
        if _ndim(y) > 2:
            raise ValueError(f"{fn}: y has more than 2 dimensions, got shape {core.get_aval(y).shape}")
    else:
        (m,) = promote_inexact(fn, m)
    if _ndim(m) > 2:
        raise ValueError(f"{fn}: m has more than 2 dimensions, got shape {core.get_aval(m).shape}")
    dtype = _check_inexact_dtype(fn, dtype)
    X = jnp.atleast_2d(m)
    if not rowvar and _ndim(m) != 1:
        X = X.T
    if X.shape[0] == 0:
        return jnp.array([]).reshape(0, 0)
    if y is not None:
        Y = jnp.atleast_2d(y)
        if not rowvar and Y.shape[0] != 1:
            Y = Y.T
        X = jnp.concatenate((X, Y), axis=0)
    if X.shape[1] == 0:
        return jnp.full(() if X.shape[0] == 1 else (X.shape[0],) * 2, np.nan, dtype=X.dtype)
    ddof = (1 if not bias else 0) if ddof is None else static_int(ddof, fn, "ddof")

    w = None
    if fweights is not None:
        fweights = _weights(fn, "fweights", fweights, X.shape[1])
        if not dtypes.is_integer(fweights.dtype):
            raise TypeError(f"{fn}: fweights must be integer, got dtype {fweights.dtype}; pass "
                            "repeat counts, or use aweights for fractional weights")
        w = jnp.abs(fweights)
    if aweights is not None:
        aweights = jnp.abs(_weights(fn, "aweights", aweights, X.shape[1]))
        w = aweights if w is None else w * aweights
    if dtype is not None:
        X = X.astype(dtype)
        w = None if w is None else w.astype(dtype)

    avg, w_sum = jnp.average(X, axis=1, weights=w, returned=True)
    w_sum = w_sum[0]
    if w is None:
        f = X.shape[1] - ddof
    elif ddof == 0:
        f = w_sum
    elif aweights is None:
        f = w_sum - ddof
    else:
        f = w_sum - ddof * jnp.sum(w * aweights) / w_sum
    X = X - avg[:, None]
    X_T = X.T if w is None else (X * w[None, :]).T
    return jnp.true_divide(jnp.dot(X, X_T.conj()), f).squeeze()


def corrcoef(x: Any, y: Any = None, rowvar: bool = True, dtype: Any = None) -> Any:
    """xjax implementation of `numpy.corrcoef`: Pearson correlation coefficients
    `R_ij = C_ij / sqrt(C_ii C_jj)` of the covariance `C = cov(x, y, rowvar, dtype=dtype)`,
    clipped to [-1, 1] (real and imaginary parts separately for complex inputs)."""
    jnp, fn = _jnp(), "jnp.corrcoef"
    util.check_arraylike(fn, x)
    dtype = _check_inexact_dtype(fn, dtype)
    c = cov(x, y, rowvar, dtype=dtype)
    if _ndim(c) == 0:
        return jnp.divide(c, c)  # nan for 0/0, inf/inf and nan; 1 otherwise
    stddev = jnp.sqrt(jnp.real(jnp.diag(c))).astype(c.dtype)
    c = c / stddev[:, None] / stddev[None, :]
    real = jnp.clip(jnp.real(c), -1, 1)
    if jnp.iscomplexobj(c):
        return lax.complex(real, jnp.clip(jnp.imag(c), -1, 1))
    return real
