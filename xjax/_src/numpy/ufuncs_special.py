"""Special elementwise functions of xjax.numpy (gcd, lcm, spacing, i0): compositions of lax ops.

Split from ufuncs.py for size; `xjax._src.numpy.ufuncs` re-exports these names.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from xjax._src import dtypes
from xjax._src.lax import elementwise as lax
from xjax._src.numpy.ufuncs import (
    _F32,
    _as,
    _aval,
    _c,
    _kind,
    _promote,
    _where,
    abs,
    copysign,
    floor_divide,
)

__all__ = ["gcd", "i0", "lcm", "spacing"]


def gcd(x1: Any, x2: Any, /) -> Any:
    """xjax implementation of `numpy.gcd` (Euclid's algorithm, unrolled)."""
    x1, x2 = _promote("jnp.gcd", x1, x2)
    if _kind(x1) not in "iu":
        raise ValueError("jnp.gcd: Arguments to jax.numpy.gcd must be integers.")
    a, b = abs(x1), abs(x2)
    zero = _c(a, 0)
    steps = {1: 14, 2: 26, 4: 48, 8: 94}[_aval(a).dtype.itemsize]  # Fibonacci worst case
    for _ in range(steps):
        nz = lax.ne(b, zero)
        a, b = _where(nz, b, a), _where(nz, lax.rem(a, _where(nz, b, _c(b, 1))), zero)
    return a


def lcm(x1: Any, x2: Any, /) -> Any:
    """xjax implementation of `numpy.lcm`."""
    x1, x2 = _promote("jnp.lcm", x1, x2)
    if _kind(x1) not in "iu":
        raise ValueError("jnp.lcm: Arguments to jax.numpy.lcm must be integers.")
    d = gcd(x1, x2)
    z = lax.eq(d, _c(d, 0))
    return _where(z, _c(d, 0), lax.mul(abs(x1), floor_divide(abs(x2), _where(z, _c(d, 1), d))))


def spacing(x: Any, /) -> Any:
    """xjax implementation of `numpy.spacing`: the distance to the next float away from zero."""
    (x,) = _promote("jnp.spacing", x, how="inexact")
    if _kind(x) == "c":
        raise ValueError("jnp.spacing is not defined for complex inputs.")
    inf = _c(x, np.inf)
    if _aval(x).dtype == dtypes.float16:
        return lax.sub(lax.nextafter(x, inf), x)
    result = lax.sub(lax.nextafter(x, copysign(inf, x)), x)
    tiny = copysign(_c(x, float(dtypes.finfo(_aval(x).dtype).smallest_subnormal)), x)
    return _as(_where(lax.eq(result, _c(result, 0)), tiny, result), _aval(x).dtype, False)


def i0(x: Any) -> Any:
    """xjax implementation of `numpy.i0`, the modified Bessel function of order 0.

    A power series for |x| <= 15 and the asymptotic expansion above (float32 accuracy).
    """
    (x,) = _promote("jnp.i0", x, how="inexact")
    if _kind(x) == "c":
        raise ValueError(f"jnp.i0: Unsupported input type to jax.numpy.i0: {_aval(x).dtype}")
    a = _aval(x)
    comp = _F32 if a.dtype.itemsize < 4 else a.dtype
    ax = lax.abs(lax.convert_element_type(x, comp, weak_type=a.weak_type))
    small = lax.le(ax, _c(ax, 15.0))
    # series: sum_k (x^2/4)^k / (k!)^2
    xs = _where(small, ax, _c(ax, 0.0))
    y = lax.mul(lax.mul(xs, xs), _c(ax, 0.25))
    term, total = _c(ax, 1.0), _c(ax, 1.0)
    for k in range(1, 40 if comp == _F32 else 60):
        term = lax.mul(term, lax.div(y, _c(ax, float(k * k))))
        total = lax.add(total, term)
    # asymptotic: e^x / sqrt(2 pi x) * sum_k a_k / x^k, a_k = ((2k-1)!!)^2 / (k! 8^k)
    xl = _where(small, _c(ax, 16.0), ax)
    inv = lax.div(_c(ax, 1.0), xl)
    coeffs = [1.0]
    for k in range(1, 8):
        coeffs.append(coeffs[-1] * (2 * k - 1) ** 2 / (8.0 * k))
    poly = _c(ax, coeffs[-1])
    for c in reversed(coeffs[:-1]):
        poly = lax.add(lax.mul(poly, inv), _c(ax, c))
    big = lax.mul(lax.div(lax.exp(xl), lax.sqrt(lax.mul(xl, _c(ax, 2 * np.pi)))), poly)
    out = _where(small, total, big)
    return lax.convert_element_type(out, a.dtype, weak_type=a.weak_type)
