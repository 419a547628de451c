"""lax.reduce_window (sum / max / min) vs NumPy sliding windows and the JAX oracle."""

import itertools

import ml_dtypes
import numpy as np
import pytest

import xjax
from tests._util import Namespace, check, x64_mode
from tests.lax._cases import DTYPES, draw
from tests.oracle import assert_matches
from xjax import lax
from xjax._src.core import check_jaxpr

BF16 = np.dtype(ml_dtypes.bfloat16)
RNG = np.random.default_rng(1)


def _rand(shape, dtype):
    return draw(RNG, shape, dtype, int_hi=5)


def _dilate(n, r):
    return 0 if n == 0 else 1 + r * (n - 1)


def np_reduce_window(x, kind, wd, ws, pads, bd=None, wdil=None):
    """Reference: base-dilate, pad with the identity, then reduce every (dilated) window."""
    n = x.ndim
    bd, wdil = bd or (1,) * n, wdil or (1,) * n
    wide = (
        np.complex128 if x.dtype.kind == "c" else (x.dtype if x.dtype.kind in "biu" else np.float64)
    )
    if kind == "sum":
        init, red = 0, np.sum
    elif kind == "max":
        init = (
            False
            if x.dtype == np.bool_
            else (np.iinfo(x.dtype).min if x.dtype.kind in "iu" else -np.inf)
        )
        red = np.max
    else:
        init = (
            True
            if x.dtype == np.bool_
            else (np.iinfo(x.dtype).max if x.dtype.kind in "iu" else np.inf)
        )
        red = np.min
    xd = np.full([_dilate(d, b) for d, b in zip(x.shape, bd)], init, wide)
    xd[tuple(slice(None, None, b) for b in bd)] = x.astype(wide)
    xp = np.pad(xd, pads, constant_values=init) if n else xd
    ew = [_dilate(w, r) for w, r in zip(wd, wdil)]
    out_shape = [max(0, (p - e) // s + 1) if p >= e else 0 for p, e, s in zip(xp.shape, ew, ws)]
    out = np.empty(out_shape, wide)
    for idx in itertools.product(*map(range, out_shape)):
        win = xp[tuple(slice(i * s, i * s + e, r) for i, s, e, r in zip(idx, ws, ew, wdil))]
        out[idx] = red(win, initial=init) if kind != "sum" else red(win, dtype=wide)
    return out.astype(x.dtype)


_OPS = {"sum": (lax.add, 0), "max": (lax.max, -np.inf), "min": (lax.min, np.inf)}


def _init(kind, dtype):
    if kind == "sum":
        return 0
    if dtype == np.bool_:
        return kind == "min"
    if np.dtype(dtype).kind in "iu":
        info = np.iinfo(dtype)
        return info.min if kind == "max" else info.max
    return _OPS[kind][1]


# (shape, window_dimensions, window_strides, padding pairs, base_dilation, window_dilation)
CASES = [
    ((6,), (2,), (2,), ((0, 0),), None, None),
    ((4, 5), (2, 3), (1, 2), ((1, 0), (2, 1)), None, None),
    ((2, 3, 7, 6), (1, 1, 3, 3), (1, 1, 2, 2), ((0, 0), (0, 0), (1, 1), (1, 1)), None, None),
    ((5, 6), (2, 2), (1, 1), ((0, 0), (0, 0)), None, (2, 3)),
    ((4, 3), (3, 2), (2, 1), ((1, 1), (0, 2)), (2, 2), None),
    ((), (), (), (), None, None),
    ((0, 4), (1, 2), (1, 1), ((0, 0), (0, 0)), None, None),
    ((3, 2), (4, 1), (1, 1), ((0, 0), (0, 0)), None, None),  # window larger than input: size 0
]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("kind", ["sum", "max", "min"])
def test_reduce_window_vs_numpy(case, kind):
    shape, wd, ws, pads, bd, wdil = case
    x = _rand(shape, np.float32)
    comp, init = _OPS[kind]
    got = lax.reduce_window(x, init, comp, wd, ws, pads, bd, wdil)
    want = np_reduce_window(x, kind, wd, ws, pads, bd, wdil)
    assert got.shape == want.shape and got.dtype == np.float32
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-5, atol=1e-5)


SUM_DTYPES = [d.name for d in DTYPES if d != np.bool_]
CHOOSER_DTYPES = [d.name for d in DTYPES if d.name not in ("int32", "complex64")]


@pytest.mark.parametrize(
    "kind,dtype",
    [("sum", d) for d in SUM_DTYPES] + [(k, d) for k in ("max", "min") for d in CHOOSER_DTYPES],
)
def test_reduce_window_dtypes(kind, dtype):
    dtype = BF16 if dtype == "bfloat16" else np.dtype(dtype)
    x = _rand((4, 5), dtype)
    wd, ws, pads = (2, 2), (1, 2), ((1, 0), (0, 1))
    got = lax.reduce_window(x, _init(kind, dtype), _OPS[kind][0], wd, ws, pads)
    want = np_reduce_window(x, kind, wd, ws, pads)
    assert got.dtype == dtype and got.shape == want.shape
    tol = 2e-2 if dtype.itemsize == 2 and dtype.kind not in "iu" else 1e-5
    np.testing.assert_allclose(np.asarray(got).astype(want.dtype), want, rtol=tol, atol=tol)


def test_reduce_window_x64():
    with x64_mode():
        for dt in (np.float64, np.int64, np.complex128):
            x = _rand((5,), dt)
            got = lax.reduce_window(x, 0, lax.add, (2,), (1,), "VALID")
            assert got.dtype == dt
            np.testing.assert_allclose(np.asarray(got), x[:-1] + x[1:])
        x = _rand((5,), np.float64)
        got = lax.reduce_window(x, -np.inf, lax.max, (3,), (2,), "SAME")
        assert got.dtype == np.float64
        np.testing.assert_array_equal(np.asarray(got), [x[:2].max(), x[1:4].max(), x[3:].max()])


# (shape, dtype, kind, window_dimensions, window_strides, padding, base_dilation, window_dilation)
ORACLE_CASES = [
    ((2, 3, 8, 8), "float32", "sum", (1, 1, 2, 2), (1, 1, 2, 2), "SAME", None, None),
    ((2, 3, 7, 7), "float32", "max", (1, 1, 3, 3), (1, 1, 2, 2), "SAME", None, None),
    ((2, 7, 6, 3), "float32", "min", (1, 3, 2, 1), (1, 2, 2, 1), "SAME_LOWER", None, None),
    ((9,), "float32", "max", (3,), (2,), "SAME", None, (2,)),
    ((5, 6), "int32", "sum", (2, 3), None, "VALID", (2, 1), None),
    ((5, 6), "bfloat16", "max", (2, 2), (2, 2), ((0, 1), (1, 1)), None, None),
    ((4, 4), "uint8", "min", (3, 3), (1, 1), "same", None, None),
    ((4, 4), "bool", "max", (2, 2), (1, 1), "VALID", None, None),
]


def _oracle_inputs():
    return [_rand(c[0], BF16 if c[1] == "bfloat16" else np.dtype(c[1])) for c in ORACLE_CASES]


def test_reduce_window_vs_oracle(oracle):
    xs = _oracle_inputs()
    # typed init values: JAX sends a Python-scalar init through its generic path, which needs
    # the operand's dtype
    args = [
        (np.asarray(_init(c[2], x.dtype), x.dtype), c[2]) + c[3:] for c, x in zip(ORACLE_CASES, xs)
    ]
    code = """
ops = {"sum": lax.add, "max": lax.max, "min": lax.min}
out = [lax.reduce_window(x, init, ops[k], *rest) for x, (init, k, *rest) in zip(xs, args)]
"""
    want = oracle.exec(code, xs=xs, args=args)
    for x, (init, k, *rest), w in zip(xs, args, want):
        assert_matches(lax.reduce_window(x, init, _OPS[k][0], *rest), w)


def test_reduce_window_weak_type_vs_oracle(oracle):
    code = """
f = jax.jit(lambda x: lax.reduce_window(x, 0., lax.add, (2,), (1,), "VALID"))
g = jax.jit(lambda x: lax.reduce_window(x, -jnp.inf, lax.max, (), (), "VALID"))
out = [f(jnp.arange(4.0) * 1.0), f(np.arange(4, dtype=np.float16)), g(2.0)]
"""
    want = oracle.exec(code)
    f = xjax.jit(lambda x: lax.reduce_window(x, 0.0, lax.add, (2,), (1,), "VALID"))
    g = xjax.jit(lambda x: lax.reduce_window(x, -np.inf, lax.max, (), (), "VALID"))
    got = [f(np.arange(4.0, dtype=np.float32)), f(np.arange(4, dtype=np.float16)), g(2.0)]
    assert_matches(got[0], want[0], check_weak_type=False)
    assert_matches(got[1], want[1])
    assert_matches(got[2], want[2])


def test_reduce_window_jit_and_jaxpr():
    x = _rand((2, 6, 6, 3), np.float32)

    def pool(x):
        s = lax.reduce_window(x, 0.0, lax.add, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")
        m = lax.reduce_window(x, -np.inf, lax.max, (1, 3, 3, 1), (1, 2, 2, 1), "SAME")
        return s, m

    check_jaxpr(xjax.make_jaxpr(pool)(x).jaxpr)
    eqns = xjax.make_jaxpr(pool)(x).jaxpr.eqns
    assert [e.primitive.name for e in eqns] == ["reduce_window_sum", "reduce_window_max"]
    assert eqns[1].params["padding"] == ((0, 0), (0, 1), (0, 1), (0, 0))
    for g, e in zip(xjax.jit(pool)(x), pool(x)):
        np.testing.assert_allclose(np.asarray(g), np.asarray(e), rtol=1e-6)
    want = np_reduce_window(x, "max", (1, 3, 3, 1), (1, 2, 2, 1), ((0, 0), (0, 1), (0, 1), (0, 0)))
    np.testing.assert_allclose(np.asarray(pool(x)[1]), want)


def test_padtype_to_pads():
    assert lax.padtype_to_pads((5, 6), (3, 2), (2, 2), "SAME") == [(1, 1), (0, 0)]
    assert lax.padtype_to_pads((4,), (4,), (3,), "SAME") == [(1, 2)]
    assert lax.padtype_to_pads((4,), (4,), (3,), "SAME_LOWER") == [(2, 1)]
    assert lax.padtype_to_pads((4, 4), (4, 3), (3, 1), "valid") == [(0, 0), (0, 0)]
    with pytest.raises(RuntimeError, match="Unrecognized padding type.*'FOO'|FOO"):
        lax.padtype_to_pads((4,), (4,), (3,), "FOO")


# (shape, dtype, kind, window_dimensions, window_strides, padding, exception, match)
ERRORS = [
    (
        (4, 4),
        "float32",
        "sum",
        (2,),
        (1,),
        ((0, 0),),
        TypeError,
        "wrong number of window_dimensions",
    ),
    (
        (4, 4),
        "float32",
        "max",
        (2, 2),
        (1,),
        ((0, 0), (0, 0)),
        TypeError,
        "inconsistent window_strides",
    ),
    ((4, 4), "bool", "sum", (2, 2), (1, 1), ((0, 0), (0, 0)), TypeError, "reduce_window_sum.*bool"),
    ((4, 4), "float32", "min", (2, 2), (1, 1), "FOO", RuntimeError, "Unrecognized padding type"),
    (
        (4, 4),
        "float32",
        "sum",
        (2, 0),
        (1, 1),
        ((0, 0), (0, 0)),
        TypeError,
        "window_dimensions must be positive",
    ),
]


def test_reduce_window_errors_vs_oracle(oracle):
    code = """
ops = {"sum": lax.add, "max": lax.max, "min": lax.min}
out = []
for shape, dt, k, wd, ws, p in cases:
    try:
        init = {"sum": 0, "max": -jnp.inf, "min": jnp.inf}[k] if dt != "bool" else 0
        lax.reduce_window(jnp.ones(shape, dt), init, ops[k], wd, ws, p)
        out.append(None)
    except Exception as e:
        out.append(type(e).__name__)
"""
    want = oracle.exec(code, cases=[c[:6] for c in ERRORS])
    for (shape, dt, k, wd, ws, p, exc, match), w in zip(ERRORS, want):
        assert w == exc.__name__, (shape, dt, k, wd, ws, p, w)
        init = _init(k, np.dtype(dt)) if dt != "bool" else 0
        with pytest.raises(exc, match=match):
            lax.reduce_window(np.ones(shape, dt), init, _OPS[k][0], wd, ws, p)


def test_reduce_window_generic_vs_oracle(oracle):
    x = _rand((2, 6), np.float32)
    i = RNG.integers(-3, 3, (7,)).astype(np.int32)
    exprs = [
        'lax.reduce_window(x, np.float32(1), lax.mul, (1, 2), (1, 1), "VALID")',
        'lax.reduce_window(x, 1.0, lax.add, (2, 2), (1, 1), "SAME")',
        'jax.jit(lambda x, v: lax.reduce_window(x, v, lax.max, (1, 3), (1, 2), "SAME"))(x, f32(.5))',
        "lax.reduce_window(i, np.int32(0), lambda a, b: a - b, (3,), (2,), ((1, 1),))",
        (
            "lax.reduce_window((x, x), (f32(0), f32(1)),"
            ' lambda a, b: (lax.add(a[0], b[0]), lax.mul(a[1], b[1])), (1, 2), (1, 2), "VALID")'
        ),
    ]
    check(oracle, exprs, {"x": x, "i": i, "f32": np.float32}, ns=Namespace(jax="", lax="lax"),
          errors=None)
    jaxpr = xjax.make_jaxpr(
        lambda x: lax.reduce_window(x, np.float32(1), lax.mul, (1, 2), (1, 1), "VALID")
    )(x)
    assert jaxpr.jaxpr.eqns[0].primitive.name == "reduce_window"
    check_jaxpr(jaxpr.jaxpr)


def test_reduce_window_generic_errors(oracle):
    code = """
out = []
for x, init in cases:
    try:
        lax.reduce_window(x, init, lax.mul, (2,), (1,), "VALID")
        out.append(None)
    except Exception as e:
        out.append(type(e).__name__)
"""
    cases = [
        (np.ones(4, np.int32), np.float32(1)),
        (np.ones(4, np.float32), np.ones(2, np.float32)),
    ]
    want = oracle.exec(code, cases=cases)
    assert want == ["TypeError", "TypeError"]
    with pytest.raises(
        TypeError, match="lax.reduce_window got inconsistent dtypes.*int32.*float32"
    ):
        lax.reduce_window(*cases[0], lax.mul, (2,), (1,), "VALID")
    with pytest.raises(TypeError, match="lax.reduce_window expected init_values to be scalars"):
        lax.reduce_window(*cases[1], lax.mul, (2,), (1,), "VALID")
    with pytest.raises(ValueError, match="lax.reduce_window: operands must have the same tree"):
        lax.reduce_window((cases[1][0],), np.float32(1), lax.mul, (2,), (1,), "VALID")


def test_reduce_window_array_init():
    x = _rand((6,), np.float32)
    init = lax.neg(np.float32(np.inf))  # a concrete xjax Array: still the max identity
    got = lax.reduce_window(x, init, lax.max, (2,), (2,), "VALID")
    assert (
        xjax.make_jaxpr(lambda x: lax.reduce_window(x, init, lax.max, (2,), (2,), "VALID"))(x)
        .jaxpr.eqns[0]
        .primitive.name
        == "reduce_window_max"
    )
    np.testing.assert_array_equal(np.asarray(got), x.reshape(3, 2).max(1))
