"""Special-function primitives (JAX's `jax/_src/lax/special.py`): incomplete gamma and beta,
polygamma, Hurwitz zeta and the exponentially scaled Bessel functions i0e and i1e.

`polygamma`, `zeta` and `bessel_i1e` lower to their CHLO ops. `igamma`, `igammac`,
`igamma_grad_a`, `betainc` and `bessel_i0e` have no CHLO op: each is a primitive whose lowering
is a lax composition (power series, continued fractions in while loops, Chebyshev sums) traced in
place, as JAX's `mlir.lower_fun` does. Being primitives, they keep JAX's jaxprs, derivatives and
vmap rule (elementwise broadcasting); the loops only ever run inside one compiled computation.
float16/bfloat16 inputs are computed in float32. The algorithms are those of XLA's
`client/lib/math.cc` (after Cephes), which JAX ports; see the functions below for references.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from functools import reduce
from typing import Any

import numpy as np

from xjax import lax
from xjax._src import core, dtypes
from xjax._src.core import Primitive
from xjax._src.interpreters.ad import defjvp
from xjax._src.interpreters.batching import broadcast_batch, vectorized_batch
from xjax._src.lax._rules import broadcast_shapes, hlo_nary, naryop_aval, scalars_like, unary_aval

__all__ = [
    "bessel_i0e",
    "bessel_i0e_p",
    "bessel_i1e",
    "bessel_i1e_p",
    "betainc",
    "igamma",
    "igamma_grad_a",
    "igamma_grad_a_p",
    "igamma_p",
    "igammac",
    "igammac_p",
    "polygamma",
    "polygamma_p",
    "random_gamma_grad",
    "regularized_incomplete_beta_p",
    "zeta",
    "zeta_p",
]

Array = Any
ArrayLike = Any

F = dtypes.FLOATING
_LOW = (np.dtype(dtypes.bfloat16), np.dtype(np.float16))


# -- helpers: lowering by tracing, broadcasting and upcasting --------------------------------


def _lower_composition(fun: Callable[..., Any]) -> Callable:
    """A lowering rule that traces `fun(*operands)` (lax ops, one result) into the function."""

    def rule(ctx: Any, *args: str, **params: Any) -> str:
        from xjax._src.interpreters.lowering import jaxpr_subcomp
        from xjax._src.interpreters.partial_eval import trace_to_jaxpr

        jaxpr, consts = trace_to_jaxpr(lambda *xs: [fun(*xs)], list(ctx.avals_in))
        return jaxpr_subcomp(ctx.fn, jaxpr, consts, list(args))[0]

    return rule


def _upcast(impl: Callable[..., Any], args: Sequence[Array]) -> Array:
    """`impl(*args)`, computed in float32 when the first operand is float16/bfloat16."""
    dt = core.get_aval(args[0]).dtype
    if dt in _LOW:
        args = [lax.convert_element_type(a, np.float32) for a in args]
        return lax.convert_element_type(impl(*args), dt)
    return impl(*args)


def _broadcast_and_upcast(impl: Callable[..., Any]) -> Callable[..., Any]:
    """`impl` on operands broadcast to one shape (lax's rule), float16/bfloat16 computed in
    float32."""
    name = f"lax.{impl.__name__.removesuffix('_impl')}"

    def fun(*args: Any) -> Any:
        avals = [core.get_aval(a) for a in args]
        shape = broadcast_shapes(name, *(a.shape for a in avals))
        args = [a if v.shape == shape else
                lax.broadcast_in_dim(a, shape, tuple(range(len(shape) - v.ndim, len(shape))))
                for a, v in zip(args, avals)]
        return _upcast(impl, args)

    fun.__name__ = impl.__name__
    return fun


def _composite(name: str, impl: Callable[..., Any], nargs: int) -> Primitive:
    """An elementwise float primitive lowered through the lax composition `impl`."""
    p = Primitive(name)
    p.def_abstract_eval(naryop_aval(F, f"lax.{name}") if nargs > 1 else unary_aval(F, f"lax.{name}"))
    p.def_lowering(_lower_composition(_broadcast_and_upcast(impl) if nargs > 1 else impl))
    p.def_batching(broadcast_batch(p) if nargs > 1 else vectorized_batch(p))
    return p


def _any(pred: Array) -> Array:
    """True when any element of the boolean array `pred` is."""
    return lax.reduce_or(pred, tuple(range(np.ndim(pred))))


def _or(*preds: Array) -> Array:
    return reduce(lax.bitwise_or, preds)


def _isnan(x: Array) -> Array:
    return lax.ne(x, x)


def _eps(x: Array) -> float:
    return float(dtypes.finfo(core.get_aval(x).dtype).eps)


def _log_max(x: Array) -> float:
    return float(np.log(dtypes.finfo(core.get_aval(x).dtype).max))


def _full(x: Array, value: float) -> Array:
    return lax.full_like(x, value)


# -- incomplete gamma: power series and continued fraction (Cephes igam/igamc) ----------------


class _Mode(enum.Enum):
    VALUE = 1  # P(a, x) or Q(a, x)
    DERIVATIVE = 2  # dP/da
    SAMPLE_DERIVATIVE = 3  # dx/da of a Gamma(a, 1) sample x at fixed P(a, x)


def _log_ax(a: Array, x: Array) -> Array:
    """log(x^a e^-x / Gamma(a)), the prefactor of both expansions."""
    return a * lax.log(x) - x - lax.lgamma(a)


def _igamma_series(ax: Array, x: Array, a: Array, enabled: Array, mode: _Mode) -> Array:
    """P(a, x) = ax / a * sum_n x^n / ((a+1)...(a+n)), and its derivative in a (DLMF 8.7.1)."""
    eps = _eps(x)

    def body(state: tuple) -> tuple:
        on, r, c, total, dc_da, dtotal_da = state
        r1 = r + 1.0
        dc_da1 = dc_da * (x / r1) - (c * x) / (r1 * r1)
        dtotal_da1 = dtotal_da + dc_da1
        c1 = c * (x / r1)
        total1 = total + c1
        if mode is _Mode.VALUE:
            more = lax.bitwise_and(on, c1 / total1 > eps)
        else:
            more = lax.bitwise_and(on, lax.abs(dc_da1 / dtotal_da1) > eps)
        keep = lambda new, old: lax.select(on, new, old)
        return (more, keep(r1, r), keep(c1, c), keep(total1, total), keep(dc_da1, dc_da),
                keep(dtotal_da1, dtotal_da))

    init = (enabled, a, _full(a, 1), _full(a, 1), _full(a, 0), _full(a, 0))
    _, _, _, total, _, dtotal_da = lax.while_loop(lambda s: _any(s[0]), body, init)
    if mode is _Mode.VALUE:
        return total * ax / a
    dlogax_da = lax.log(x) - lax.digamma(a + 1.0)
    if mode is _Mode.DERIVATIVE:
        return ax * (total * dlogax_da + dtotal_da) / a
    return -(dtotal_da + total * dlogax_da) * x / a


def _igammac_fraction(ax: Array, x: Array, a: Array, enabled: Array, mode: _Mode) -> Array:
    """Q(a, x) by Legendre's continued fraction (DLMF 8.9.2) evaluated with the recurrences
    p_k = z p_{k-1} - y c p_{k-2} (same for q), rescaled against overflow, and its a-derivative
    carried alongside (d p_k / da, d q_k / da)."""
    eps = _eps(x)
    big = 1.0 / eps

    def body(state: tuple) -> tuple:
        on, ans, t, y, z, c, pkm1, qkm1, pkm2, qkm2, dpkm2, dqkm2, dpkm1, dqkm1, dans = state
        c = c + 1.0
        y1 = y + 1.0
        z1 = z + 2.0
        yc = y1 * c
        pk = pkm1 * z1 - pkm2 * yc
        qk = qkm1 * z1 - qkm2 * yc
        nonzero = lax.ne(qk, _full(qk, 0))
        r = pk / qk
        t1 = lax.select(nonzero, lax.abs((ans - r) / r), _full(r, 1))
        ans1 = lax.select(nonzero, r, ans)
        dpk = dpkm1 * z1 - pkm1 - dpkm2 * yc + pkm2 * c
        dqk = dqkm1 * z1 - qkm1 - dqkm2 * yc + qkm2 * c
        dans1 = lax.select(nonzero, (dpk - ans1 * dqk) / qk, dans)
        dchange = lax.select(nonzero, lax.abs(dans1 - dans), _full(dans, 1))
        rescale = lax.abs(pk) > big
        scaled = lambda v: lax.select(rescale, v * eps, v)
        new_pkm2, new_pkm1 = scaled(pkm1), scaled(pk)
        new_qkm2, new_qkm1 = scaled(qkm1), scaled(qk)
        new_dpkm2, new_dpkm1 = scaled(dpkm1), scaled(dpk)
        new_dqkm2, new_dqkm1 = scaled(dqkm1), scaled(dqk)
        if mode is _Mode.VALUE:
            more = lax.bitwise_and(on, t1 > eps)
        else:
            more = lax.bitwise_and(on, dchange > eps)
        keep = lambda new, old: lax.select(on, new, old)
        return (more, keep(ans1, ans), keep(t1, t), keep(y1, y), keep(z1, z), c,
                keep(new_pkm1, pkm1), keep(new_qkm1, qkm1), keep(new_pkm2, pkm2),
                keep(new_qkm2, qkm2), keep(new_dpkm2, dpkm2), keep(new_dqkm2, dqkm2),
                keep(new_dpkm1, dpkm1), keep(new_dqkm1, dqkm1), keep(dans1, dans))

    def cond(state: tuple) -> Array:
        return lax.bitwise_and(state[5] < 2000.0, _any(state[0]))

    y = 1.0 - a
    z = x + y + 1.0
    pkm1 = x + 1.0
    qkm1 = z * x
    ans = pkm1 / qkm1
    zero = _full(x, 0)
    dqkm1 = -x
    dans = (zero - ans * dqkm1) / qkm1
    init = (enabled, ans, _full(x, 1), y, z, lax.full_like(x, 0, shape=()), pkm1, qkm1,
            _full(x, 1), x, zero, zero, zero, dqkm1, dans)
    out = lax.while_loop(cond, body, init)
    ans, dans = out[1], out[14]
    if mode is _Mode.VALUE:
        return ans * ax
    dlogax_da = lax.log(x) - lax.digamma(a)
    if mode is _Mode.DERIVATIVE:
        return ax * (ans * dlogax_da + dans)
    return -(dans + ans * dlogax_da) * x


def igamma_impl(a: Array, x: Array) -> Array:
    """P(a, x): the series below max(1, a), 1 - the continued fraction above."""
    x_zero, x_inf = lax.eq(x, _full(x, 0)), lax.eq(x, _full(x, np.inf))
    domain_error = _or(x < 0.0, a < 0.0, lax.bitwise_and(lax.eq(a, _full(a, 0)), x_zero),
                       _isnan(a), _isnan(x))
    use_fraction = lax.bitwise_and(x >= 1.0, x > a)
    log_ax = _log_ax(a, x)
    underflow = log_ax < -_log_max(x)
    ax = lax.exp(log_ax)
    enabled = lax.bitwise_not(_or(x_zero, domain_error, underflow, x_inf))
    out = lax.select(
        use_fraction,
        1.0 - _igammac_fraction(ax, x, a, lax.bitwise_and(enabled, use_fraction), _Mode.VALUE),
        _igamma_series(ax, x, a, lax.bitwise_and(enabled, lax.bitwise_not(use_fraction)),
                       _Mode.VALUE))
    out = lax.select(x_zero, _full(a, 0), out)
    out = lax.select(x_inf, _full(a, 1), out)
    return lax.select(domain_error, _full(a, np.nan), out)


def igammac_impl(a: Array, x: Array) -> Array:
    """Q(a, x) = 1 - P(a, x): 1 - the series below max(1, a), the continued fraction above."""
    a_zero, x_inf = lax.eq(a, _full(a, 0)), lax.eq(x, _full(x, np.inf))
    domain_error = _or(x < 0.0, a < 0.0, lax.bitwise_and(a_zero, lax.eq(x, _full(x, 0))),
                       _isnan(a), _isnan(x))
    use_series = _or(x < 1.0, x < a)
    log_ax = _log_ax(a, x)
    underflow = log_ax < -_log_max(x)
    enabled = lax.bitwise_not(_or(domain_error, underflow, x_inf, a_zero))
    ax = lax.exp(log_ax)
    series = _igamma_series(ax, x, a, lax.bitwise_and(enabled, use_series), _Mode.VALUE)
    fraction = _igammac_fraction(ax, x, a, lax.bitwise_and(enabled, lax.bitwise_not(use_series)),
                                 _Mode.VALUE)
    out = lax.select(use_series, 1.0 - series, fraction)
    out = lax.select(lax.bitwise_or(x_inf, a_zero), _full(out, 0), out)
    return lax.select(domain_error, _full(a, np.nan), out)


def _igamma_derivative(a: Array, x: Array, mode: _Mode) -> Array:
    x_zero = lax.eq(x, _full(x, 0))
    domain_error = lax.bitwise_or(x < 0.0, a <= 0.0)
    nan = lax.bitwise_or(_isnan(a), _isnan(x))
    use_fraction = lax.bitwise_and(x > 1.0, x > a)
    log_ax = _log_ax(a, x)
    underflow = log_ax < -_log_max(x)
    ax = lax.exp(log_ax)
    enabled = lax.bitwise_not(_or(x_zero, domain_error, underflow, nan))
    out = lax.select(
        use_fraction,
        -_igammac_fraction(ax, x, a, lax.bitwise_and(enabled, use_fraction), mode),
        _igamma_series(ax, x, a, lax.bitwise_and(enabled, lax.bitwise_not(use_fraction)), mode))
    out = lax.select(x_zero, _full(out, 0), out)
    return lax.select(lax.bitwise_or(domain_error, nan), _full(a, np.nan), out)


def igamma_grad_a_impl(a: Array, x: Array) -> Array:
    """d P(a, x) / da."""
    return _igamma_derivative(a, x, _Mode.DERIVATIVE)


def random_gamma_grad_impl(a: Array, x: Array) -> Array:
    """dx/da along P(a, x) = const: the reparameterization gradient of Gamma(a, 1) samples."""
    return _igamma_derivative(a, x, _Mode.SAMPLE_DERIVATIVE)


# -- regularized incomplete beta: continued fraction by the modified Lentz method -------------


def _lentz(num: Callable, den: Callable, iterations: int, tiny: float, tol: float) -> Array:
    """The continued fraction b0 + a1/(b1 + a2/(b2 + ...)), with `num(n)` = a_n and `den(n)` =
    b_n for an int32 scalar n, by the modified Lentz algorithm (Thompson and Barnett 1986)."""

    def body(state: tuple) -> tuple:
        n, _, c, d, h = state
        an, bn = num(n), den(n)
        c = bn + an / c
        c = lax.select(lax.abs(c) < tiny, _full(c, tiny), c)
        d = bn + an * d
        d = 1.0 / lax.select(lax.abs(d) < tiny, _full(d, tiny), d)
        delta = c * d
        return n + np.int32(1), _any(lax.abs(delta - 1.0) >= tol), c, d, h * delta

    b0 = den(np.int32(0))
    h = lax.select(lax.abs(b0) < tiny, _full(b0, tiny), b0)
    init = (np.int32(1), np.bool_(True), h, _full(h, 0), h)
    return lax.while_loop(lambda s: lax.bitwise_and(s[0] < np.int32(iterations), s[1]), body,
                          init)[4]


def regularized_incomplete_beta_impl(a: Array, b: Array, x: Array) -> Array:
    """I_x(a, b) from the continued fraction of DLMF 8.17.22, applied to I_{1-x}(b, a) when
    x > (a + 1) / (a + b + 2), where it converges slowly (DLMF 8.17.4)."""
    dt = core.get_aval(a).dtype
    shape = core.get_aval(a).shape
    a_zero = lax.bitwise_or(lax.eq(a, _full(a, 0)), lax.eq(b, _full(b, np.inf)))
    b_zero = lax.bitwise_or(lax.eq(b, _full(b, 0)), lax.eq(a, _full(a, np.inf)))
    x_zero, x_one = lax.eq(x, _full(x, 0)), lax.eq(x, _full(x, 1))
    not_x_zero, not_x_one = lax.bitwise_not(x_zero), lax.bitwise_not(x_one)
    is_zero = lax.bitwise_or(lax.bitwise_and(b_zero, not_x_one), lax.bitwise_and(a_zero, x_zero))
    is_one = lax.bitwise_or(lax.bitwise_and(a_zero, not_x_zero), lax.bitwise_and(b_zero, x_one))
    is_nan = _or(a < 0.0, b < 0.0, x < 0.0, x > 1.0, lax.bitwise_and(a_zero, b_zero),
                 _isnan(a), _isnan(b), _isnan(x))

    direct = x < (a + 1.0) / (a + b + 2.0)
    a, b = lax.select(direct, a, b), lax.select(direct, b, a)
    x = lax.select(direct, x, 1.0 - x)

    def num(n: Array) -> Array:
        n = lax.broadcast_in_dim(n, shape, ())
        m = lax.convert_element_type(lax.div(n - np.int32(1), np.int32(2)), dt)
        even = lax.eq(lax.rem(n, np.int32(2)), lax.full_like(n, 0))
        d_2m0 = -(a + b) * x / (a + 1.0)  # the m = 0 term, kept apart for tiny a
        d_even = -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0))
        d_even = lax.select(lax.eq(m, _full(m, 0)), d_2m0, d_even)
        d_odd = m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m))
        out = lax.select(even, d_even, d_odd)
        return lax.select(lax.eq(n, lax.full_like(n, 1)), _full(x, 1), out)

    def den(n: Array) -> Array:
        n = lax.broadcast_in_dim(n, shape, ())
        return lax.select(lax.eq(n, lax.full_like(n, 0)), _full(x, 0), _full(x, 1))

    eps = _eps(x)
    fraction = _lentz(num, den, 200 if dt == np.float32 else 600, eps / 2, eps / 2)
    # a * Gamma(a) = Gamma(a + 1) -> 1 as a -> 0+: keeps the prefactor finite for tiny a
    tiny = float(dtypes.finfo(dt).tiny) * 2
    lbeta_small_a = lax.lgamma(b) - lax.lgamma(a + b)
    lbeta = lax.lgamma(a) + lbeta_small_a
    factor = lax.select(a < tiny, lax.exp(lax.log1p(-x) * b - lbeta_small_a),
                        lax.exp(lax.log(x) * a + lax.log1p(-x) * b - lbeta) / a)
    out = fraction * factor
    out = lax.select(direct, out, 1.0 - out)
    out = lax.select(is_zero, _full(a, 0), out)
    out = lax.select(is_one, _full(a, 1), out)
    return lax.select(is_nan, _full(a, np.nan), out)


# -- bessel_i0e: Cephes' Chebyshev expansions -------------------------------------------------

# Chebyshev coefficients of exp(-x) I0(x) on [0, 8] (in x/2 - 2) and of sqrt(x) exp(-x) I0(x)
# on (8, inf) (in 32/x - 2), from Cephes i0.c; float32 uses their trailing terms.
_I0E_A = (
    -4.41534164647933937950e-18, 3.33079451882223809783e-17, -2.43127984654795469359e-16,
    1.71539128555513303061e-15, -1.16853328779934516808e-14, 7.67618549860493561688e-14,
    -4.85644678311192946090e-13, 2.95505266312963983461e-12, -1.72682629144155570723e-11,
    9.67580903537323691224e-11, -5.18979560163526290666e-10, 2.65982372468238665035e-09,
    -1.30002500998624804212e-08, 6.04699502254191894932e-08, -2.67079385394061173391e-07,
    1.11738753912010371815e-06, -4.41673835845875056359e-06, 1.64484480707288970893e-05,
    -5.75419501008210370398e-05, 1.88502885095841655729e-04, -5.76375574538582365885e-04,
    1.63947561694133579842e-03, -4.32430999505057594430e-03, 1.05464603945949983183e-02,
    -2.37374148058994688156e-02, 4.93052842396707084878e-02, -9.49010970480476444210e-02,
    1.71620901522208775349e-01, -3.04682672343198398683e-01, 6.76795274409476084995e-01,
)
_I0E_B = (
    -7.23318048787475395456e-18, -4.83050448594418207126e-18, 4.46562142029675999901e-17,
    3.46122286769746109310e-17, -2.82762398051658348494e-16, -3.42548561967721913462e-16,
    1.77256013305652638360e-15, 3.81168066935262242075e-15, -9.55484669882830764870e-15,
    -4.15056934728722208663e-14, 1.54008621752140982691e-14, 3.85277838274214270114e-13,
    7.18012445138366623367e-13, -1.79417853150680611778e-12, -1.32158118404477131188e-11,
    -3.14991652796324136454e-11, 1.18891471078464383424e-11, 4.94060238822496958910e-10,
    3.39623202570838634515e-09, 2.26666899049817806459e-08, 2.04891858946906374183e-07,
    2.89137052083475648297e-06, 6.88975834691682398426e-05, 3.36911647825569408990e-03,
    8.04490411014108831608e-01,
)


def _chebyshev(x: Array, coefficients: Sequence[float]) -> Array:
    """Clenshaw's recurrence for sum' c_k T_k(x / 2) (Cephes `chbevl`)."""
    b0, b1, b2 = _full(x, 0), _full(x, 0), _full(x, 0)
    for c in coefficients:
        b0, b1, b2 = x * b0 - b1 + c, b0, b1
    return 0.5 * (b0 - b2)


def bessel_i0e_impl(x: Array) -> Array:
    """exp(-|x|) I0(x)."""
    dt = core.get_aval(x).dtype
    if dt != np.float64 and dt != np.float32:
        return lax.convert_element_type(bessel_i0e_impl(lax.convert_element_type(x, np.float32)),
                                        dt)
    n_a, n_b = (30, 25) if dt == np.float64 else (18, 7)
    x = lax.abs(x)
    small = _chebyshev(0.5 * x - 2.0, _I0E_A[-n_a:])
    large = _chebyshev(32.0 / x - 2.0, _I0E_B[-n_b:]) / lax.sqrt(x)
    return lax.select(x <= 8.0, small, large)


# -- the primitives ---------------------------------------------------------------------------

igamma_p = _composite("igamma", igamma_impl, 2)
igammac_p = _composite("igammac", igammac_impl, 2)
igamma_grad_a_p = _composite("igamma_grad_a", igamma_grad_a_impl, 2)
regularized_incomplete_beta_p = _composite("regularized_incomplete_beta",
                                           regularized_incomplete_beta_impl, 3)
bessel_i0e_p = _composite("bessel_i0e", bessel_i0e_impl, 1)

polygamma_p = Primitive("polygamma")
zeta_p = Primitive("zeta")
for _p, _hlo in ((polygamma_p, "chlo.polygamma"), (zeta_p, "chlo.zeta")):
    _p.def_abstract_eval(naryop_aval(F, f"lax.{_p.name}"))
    _p.def_lowering(hlo_nary(_hlo))
    _p.def_batching(broadcast_batch(_p))
bessel_i1e_p = Primitive("bessel_i1e")
bessel_i1e_p.def_abstract_eval(unary_aval(F, "lax.bessel_i1e"))
bessel_i1e_p.def_lowering(hlo_nary("chlo.bessel_i1e"))
bessel_i1e_p.def_batching(vectorized_batch(bessel_i1e_p))


def igamma(a: ArrayLike, x: ArrayLike) -> Array:
    """Elementwise regularized lower incomplete gamma function P(a, x)."""
    return igamma_p.bind(*scalars_like((a, x)))


def igammac(a: ArrayLike, x: ArrayLike) -> Array:
    """Elementwise regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x)."""
    return igammac_p.bind(*scalars_like((a, x)))


def igamma_grad_a(a: ArrayLike, x: ArrayLike) -> Array:
    """Elementwise derivative of `igamma(a, x)` with respect to a."""
    return igamma_grad_a_p.bind(*scalars_like((a, x)))


def random_gamma_grad(a: ArrayLike, x: ArrayLike) -> Array:
    """Elementwise derivative dx/da of samples x from Gamma(a, 1) (implicit reparameterization:
    -(dP/da) / (dP/dx) at fixed P(a, x)); what `random.gamma` differentiates with.

    As in JAX, a composition rather than a primitive (its while loops appear in the jaxpr), and
    broadcast as JAX's `_up_and_broadcast` does: to the NumPy broadcast shape of `a` and `x`,
    with each operand's dimensions taken as the *leading* ones of that shape. float16/bfloat16
    (taken from `a`) are computed in float32.
    """
    a, x = scalars_like((a, x))
    avals = [core.get_aval(a), core.get_aval(x)]
    shapes = [v.shape for v in avals]
    if not all(dtypes.is_floating(v.dtype) for v in avals) or (
        avals[0].dtype != avals[1].dtype and avals[0].dtype not in _LOW
    ):
        raise TypeError("lax.random_gamma_grad: a and x must have one floating dtype, got "
                        f"{avals[0].str_short()} and {avals[1].str_short()}; convert them with "
                        "lax.convert_element_type.")
    try:
        shape = np.broadcast_shapes(*shapes)
    except ValueError:
        raise ValueError("lax.random_gamma_grad: incompatible shapes for broadcasting: "
                         f"{shapes[0]}, {shapes[1]}") from None
    args = []
    for arg, s in zip((a, x), shapes):
        if s != shape:
            if any(d not in (1, n) for d, n in zip(s, shape)):
                raise TypeError(
                    f"lax.random_gamma_grad: an operand of shape {s} does not broadcast to "
                    f"{shape} along the leading dimensions (JAX's rule here); give a and x "
                    "equal ranks, e.g. with lax.expand_dims.")
            arg = lax.broadcast_in_dim(arg, shape, tuple(range(len(s))))
        args.append(arg)
    return _upcast(random_gamma_grad_impl, args)


def betainc(a: ArrayLike, b: ArrayLike, x: ArrayLike) -> Array:
    """Elementwise regularized incomplete beta integral I_x(a, b)."""
    return regularized_incomplete_beta_p.bind(*scalars_like((a, b, x)))


def polygamma(m: ArrayLike, x: ArrayLike) -> Array:
    """Elementwise polygamma function psi^(m)(x), the m-th derivative of digamma (m integral,
    given as a float of x's dtype)."""
    return polygamma_p.bind(*scalars_like((m, x)))


def zeta(x: ArrayLike, q: ArrayLike) -> Array:
    """Elementwise Hurwitz zeta function zeta(x, q) = sum_n (n + q)^-x."""
    return zeta_p.bind(*scalars_like((x, q)))


def bessel_i0e(x: ArrayLike) -> Array:
    """Exponentially scaled modified Bessel function of order 0: exp(-|x|) I0(x)."""
    return bessel_i0e_p.bind(x)


def bessel_i1e(x: ArrayLike) -> Array:
    """Exponentially scaled modified Bessel function of order 1: exp(-|x|) I1(x)."""
    return bessel_i1e_p.bind(x)


# -- derivatives (JAX's rules) ----------------------------------------------------------------


def _not_differentiable(prim: str, arg: str) -> Callable:
    def rule(*_: Any, **__: Any) -> Any:
        raise ValueError(f"lax.{prim}: the derivative with respect to `{arg}` is not "
                         "implemented (JAX does not define it either).")

    return rule


def _igamma_dx(t: Array, ans: Array, a: Array, x: Array) -> Array:
    return t * lax.exp(-x + (a - 1.0) * lax.log(x) - lax.lgamma(a))  # x^(a-1) e^-x / Gamma(a)


defjvp(igamma_p, lambda t, ans, a, x: t * igamma_grad_a(a, x), _igamma_dx)
defjvp(igammac_p, lambda t, ans, a, x: -(t * igamma_grad_a(a, x)),
       lambda t, ans, a, x: -_igamma_dx(t, ans, a, x))
defjvp(regularized_incomplete_beta_p,
       _not_differentiable("betainc", "a"), _not_differentiable("betainc", "b"),
       lambda t, ans, a, b, x: t * lax.exp((b - 1.0) * lax.log1p(-x) + (a - 1.0) * lax.log(x)
                                           - (lax.lgamma(a) + lax.lgamma(b) - lax.lgamma(a + b))))
defjvp(polygamma_p, _not_differentiable("polygamma", "m"),
       lambda t, ans, m, x: t * polygamma(m + 1.0, x))
defjvp(bessel_i0e_p, lambda t, ans, x: t * (bessel_i1e(x) - lax.sign(x) * ans))


def _bessel_i1e_dx(t: Array, ans: Array, x: Array) -> Array:
    eps = _eps(x)
    big = lax.abs(x) > eps
    safe_x = lax.select(big, x, _full(x, eps))
    slope = bessel_i0e(safe_x) - ans * (lax.sign(safe_x) + 1.0 / safe_x)
    return t * lax.select(big, slope, _full(x, 0.5))


defjvp(bessel_i1e_p, _bessel_i1e_dx)
