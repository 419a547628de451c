"""lax.dot_general / dot / batch_matmul / conv_general_dilated & friends vs NumPy and the JAX oracle."""

import ml_dtypes
import numpy as np
import pytest

import xjax
from tests._util import x64_fixture  # noqa: F401  (the `x64` fixture)
from tests.lax._cases import DTYPES as LAX_DTYPES
from tests.lax._cases import draw
from tests.oracle import assert_matches
from xjax import lax
from xjax._src.core import check_jaxpr

BF16 = np.dtype(ml_dtypes.bfloat16)
RNG = np.random.default_rng(0)


def _rand(shape, dtype):
    return draw(RNG, shape, dtype, int_hi=4)


def _check_traced(f, *args):
    check_jaxpr(xjax.make_jaxpr(f)(*args).jaxpr)
    np.testing.assert_allclose(
        np.asarray(xjax.jit(f)(*args)).astype(np.float64),
        np.asarray(f(*args)).astype(np.float64),
        rtol=1e-6,
        atol=1e-6,
    )


# ---------------------------------------------------------------------------------------------
# dot_general

# (lhs shape, rhs shape, dimension_numbers, einsum spec)
DOT_CASES = [
    ((2, 3), (3, 4), (((1,), (0,)), ((), ())), "ij,jk->ik"),
    ((3,), (3,), (((0,), (0,)), ((), ())), "i,i->"),
    ((), (), (((), ()), ((), ())), ",->"),
    ((2, 3), (4,), (((), ()), ((), ())), "ij,k->ijk"),
    ((5, 2, 3), (5, 3, 4), (((2,), (1,)), ((0,), (0,))), "bij,bjk->bik"),
    ((3, 5, 2), (4, 3, 5), (((0,), (1,)), ((1,), (2,))), "ibj,kib->bjk"),
    ((2, 0), (0, 3), (((1,), (0,)), ((), ())), "ij,jk->ik"),
    ((0, 3), (3, 2), (((1,), (0,)), ((), ())), "ij,jk->ik"),
    ((2, 3, 4), (4, 3), (((1, 2), (1, 0)), ((), ())), "ijk,kj->i"),
]


@pytest.mark.parametrize("ls,rs,dn,spec", DOT_CASES)
def test_dot_general_values_vs_numpy(ls, rs, dn, spec):
    a, b = _rand(ls, np.float32), _rand(rs, np.float32)
    got = lax.dot_general(a, b, dn)
    want = np.einsum(spec, a.astype(np.float64), b.astype(np.float64))
    assert got.shape == want.shape and got.dtype == np.float32
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-5, atol=1e-5)


DTYPES = [d.name for d in LAX_DTYPES]  # bool, ints, bfloat16, float16/32, complex64


def test_dot_general_dtypes_vs_oracle(oracle):
    dn = (((1,), (0,)), ((), ()))
    ins = {
        d: (
            _rand((2, 3), d if d != "bfloat16" else BF16),
            _rand((3, 4), d if d != "bfloat16" else BF16),
        )
        for d in DTYPES
    }
    want = oracle.exec(
        "out = {d: lax.dot_general(a, b, dn) for d, (a, b) in ins.items()}", ins=ins, dn=dn
    )
    for d, (a, b) in ins.items():
        assert_matches(lax.dot_general(a, b, dn), want[d])


def test_dot_general_mixed_and_preferred_vs_oracle(oracle):
    dn = (((1,), (0,)), ((), ()))
    i8, u8 = _rand((2, 3), np.int8), _rand((3, 4), np.uint8)
    f32, c64 = _rand((3, 4), np.float32), _rand((3, 4), np.complex64)
    bf = _rand((2, 3), BF16)
    b = _rand((2, 3), np.bool_)
    cases = [
        (i8, u8, None),
        (i8, f32, None),
        (f32.T, c64, None),
        (bf, f32, None),
        (i8, i8.T, np.int32),
        (i8, i8.T, np.float32),
        (bf, bf.T, np.float32),
        (f32.T, f32, BF16),
        (f32.T, f32, np.int32),
        (f32.T, f32, np.complex64),
        (b, b.T, np.int32),
        (i8, i8.T, np.int8),
    ]
    want = oracle.exec(
        "out = [lax.dot_general(a, b, dn, preferred_element_type=p) for a, b, p in cases]",
        cases=cases,
        dn=dn,
    )
    for (a, b_, p), w in zip(cases, want):
        assert_matches(lax.dot_general(a, b_, dn, preferred_element_type=p), w)


def test_dot_general_weak_type_vs_oracle(oracle):
    e = (((), ()), ((), ()))
    code = """
f = jax.jit(lambda a, b, p: lax.dot_general(a, b, e, preferred_element_type=p), static_argnums=2)
out = [f(2.0, 3.0, None), f(2.0, np.float32(3.0), None), f(2.0, 3.0, jnp.float16), f(2, 3, None)]
"""
    want = oracle.exec(code, e=e)
    f = xjax.jit(
        lambda a, b, p: lax.dot_general(a, b, e, preferred_element_type=p), static_argnums=2
    )
    got = [f(2.0, 3.0, None), f(2.0, np.float32(3.0), None), f(2.0, 3.0, np.float16), f(2, 3, None)]
    for g, w in zip(got, want):
        assert_matches(g, w)


def test_dot_general_x64(oracle, x64):
    dn = (((1,), (0,)), ((), ()))
    ins = [(_rand((2, 3), d), _rand((3, 2), d)) for d in ("float64", "int64", "complex128")]
    want = oracle.exec(
        "out = [lax.dot_general(a, b, dn) for a, b in ins]", ins=ins, dn=dn, x64=True
    )
    for (a, b), w in zip(ins, want):
        assert_matches(lax.dot_general(a, b, dn), w)


@pytest.mark.parametrize(
    "precision,canon",
    [
        (None, None),
        ("highest", ("HIGHEST", "HIGHEST")),
        ("fastest", ("DEFAULT", "DEFAULT")),
        ("tensorfloat32", ("HIGH", "HIGH")),
        (lax.Precision.HIGH, ("HIGH", "HIGH")),
        ((lax.Precision.HIGHEST, lax.Precision.DEFAULT), ("HIGHEST", "DEFAULT")),
        (("highest", "bfloat16"), ("HIGHEST", "DEFAULT")),
    ],
)
def test_dot_general_precision(precision, canon):
    a, b = _rand((2, 3), np.float32), _rand((3, 2), np.float32)
    f = lambda a, b: lax.dot(a, b, precision=precision)
    jaxpr = xjax.make_jaxpr(f)(a, b).jaxpr
    p = jaxpr.eqns[0].params["precision"]
    assert (None if p is None else tuple(x.name for x in p)) == canon
    hash(p)
    np.testing.assert_allclose(np.asarray(xjax.jit(f)(a, b)), a @ b, rtol=1e-5, atol=1e-6)


def test_precision_enum():
    assert lax.Precision("highest") is lax.Precision.HIGHEST
    assert lax.Precision("bfloat16_3x") is lax.Precision.HIGH
    assert str(lax.Precision.HIGH) == "HIGH" and repr(lax.Precision.HIGH) == "Precision.HIGH"


def test_dot_and_batch_matmul(oracle):
    m, v = _rand((2, 3), np.float32), _rand((3,), np.float32)
    x, y = _rand((4, 2, 3), np.float32), _rand((4, 3, 5), np.float32)
    want = oracle.exec(
        "out = [lax.dot(m, v), lax.dot(v, v), lax.dot(m, m.T), lax.batch_matmul(x, y),"
        " lax.dot(x, y, dimension_numbers=(((2,), (1,)), ((0,), (0,))))]",
        m=m,
        v=v,
        x=x,
        y=y,
    )
    got = [
        lax.dot(m, v),
        lax.dot(v, v),
        lax.dot(m, m.T),
        lax.batch_matmul(x, y),
        lax.dot(x, y, dimension_numbers=(((2,), (1,)), ((0,), (0,)))),
    ]
    for g, w in zip(got, want):
        assert_matches(g, w)


def test_dot_general_jit_and_jaxpr():
    a, b = _rand((5, 2, 3), np.float32), _rand((5, 3, 4), np.int8)
    _check_traced(lambda a, b: lax.dot_general(a, b, (((2,), (1,)), ((0,), (0,)))), a, b)
    m, n = _rand((2, 3), np.int8), _rand((3, 2), np.int8)
    _check_traced(lambda m, n: lax.dot(m, n, preferred_element_type=np.float32), m, n)


DOT_ERRORS = [
    # (lhs shape, rhs shape, dimension_numbers, kwargs, exception, match)
    (
        (2, 3),
        (4,),
        (((1,), (0,)), ((), ())),
        {},
        TypeError,
        r"dot_general.*contracting.*\(3,\) and \(4,\)",
    ),
    ((2, 3), (3,), (((2,), (0,)), ((), ())), {}, TypeError, r"dot_general.*lhs.*rank 2"),
    ((2, 3), (3,), (((-1,), (0,)), ((), ())), {}, TypeError, r"dot_general.*nonnegative"),
    ((2, 3), (2, 3), (((1,), (1,)), ((0,), ())), {}, TypeError, r"dot_general.*equal numbers"),
    (
        (2, 3),
        (4, 3),
        (((1,), (1,)), ((0,), (0,))),
        {},
        TypeError,
        r"dot_general.*batch.*\(2,\) and \(4,\)",
    ),
    ((2, 3), (3, 2), (((1, 1), (0, 0)), ((), ())), {}, TypeError, r"dot_general.*distinct"),
    ((2, 3), (2, 3), (((0,), (0,)), ((0,), (0,))), {}, TypeError, r"dot_general.*disjoint"),
    (
        (2, 3),
        (3, 2),
        (((1,), (0,)), ((), ())),
        {"precision": "foo"},
        ValueError,
        r"lax.dot_general: precision",
    ),
    ((2, 3), (3, 2), (((1,), (0,)), ((), ())), {"precision": 3}, ValueError, r"precision"),
]


def test_dot_general_errors_vs_oracle(oracle):
    code = """
out = []
for ls, rs, dn, kw in cases:
    try:
        lax.dot_general(jnp.ones(ls), jnp.ones(rs), dn, **kw)
        out.append(None)
    except Exception as e:
        out.append(type(e).__name__)
"""
    want = oracle.exec(code, cases=[c[:4] for c in DOT_ERRORS])
    for (ls, rs, dn, kw, exc, match), w in zip(DOT_ERRORS, want):
        assert w == exc.__name__, (ls, rs, dn, w)
        with pytest.raises(exc, match=match):
            lax.dot_general(np.ones(ls, np.float32), np.ones(rs, np.float32), dn, **kw)


def test_dot_general_dtype_errors():
    i32 = np.ones((2, 2), np.int32)
    with pytest.raises(TypeError, match="preferred_element_type.*narrower"):
        lax.dot_general(i32, i32, (((1,), (0,)), ((), ())), preferred_element_type=np.int8)
    with pytest.raises(ValueError, match="lax.dot: dimension_numbers must be specified"):
        lax.dot(np.ones((2, 3, 4)), np.ones(4))
    with pytest.raises(ValueError, match="lax.dot: dimension_numbers"):
        lax.dot(np.ones((2, 3)), np.ones(4))
    with pytest.raises(ValueError, match="batch_matmul.*at least 2D"):
        lax.batch_matmul(np.ones(3), np.ones((3, 3)))
    with pytest.raises(ValueError, match="batch_matmul.*same ndim"):
        lax.batch_matmul(np.ones((2, 3, 3)), np.ones((3, 3)))


# ---------------------------------------------------------------------------------------------
# conv_general_dilated


def _np_conv2d_nchw(x, w, strides, pads):
    """Direct NumPy 2D cross-correlation, NCHW/OIHW, explicit padding, no dilation."""
    x = np.pad(x.astype(np.float64), ((0, 0), (0, 0)) + tuple(pads))
    kh, kw = w.shape[2:]
    win = np.lib.stride_tricks.sliding_window_view(x, (kh, kw), axis=(2, 3))
    win = win[:, :, :: strides[0], :: strides[1]]
    return np.einsum("ncijab,ocab->noij", win, w.astype(np.float64))


@pytest.mark.parametrize(
    "xs,ws,strides,padding,pads",
    [
        ((2, 3, 7, 6), (4, 3, 3, 2), (1, 1), "VALID", ((0, 0), (0, 0))),
        ((1, 2, 8, 8), (3, 2, 3, 3), (2, 3), ((1, 2), (0, 1)), ((1, 2), (0, 1))),
        ((2, 1, 5, 5), (2, 1, 3, 3), (1, 1), "SAME", ((1, 1), (1, 1))),
        ((0, 3, 5, 5), (2, 3, 3, 3), (1, 1), "VALID", ((0, 0), (0, 0))),
    ],
)
def test_conv_vs_numpy(xs, ws, strides, padding, pads):
    x, w = _rand(xs, np.float32), _rand(ws, np.float32)
    got = lax.conv_general_dilated(x, w, strides, padding)
    want = _np_conv2d_nchw(x, w, strides, pads)
    assert got.shape == want.shape and got.dtype == np.float32
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-4, atol=1e-4)


# (lhs shape, rhs shape, dtype, positional args, keyword args)
CONV_CASES = [
    ((2, 3, 9), (4, 3, 3), "float32", ((2,), "SAME"), {}),
    (
        (2, 7, 6, 3),
        (3, 2, 3, 5),
        "float32",
        ((1, 2), "VALID"),
        {"dimension_numbers": ("NHWC", "HWIO", "NHWC")},
    ),
    ((2, 3, 9, 8), (4, 3, 3, 2), "float32", ((2, 1), "SAME_LOWER"), {"rhs_dilation": (2, 1)}),
    (
        (1, 2, 5, 6),
        (3, 2, 3, 3),
        "float32",
        ((1, 1), ((1, 2), (0, -1))),
        {"lhs_dilation": (2, 1), "rhs_dilation": (1, 2)},
    ),
    ((1, 2, 4, 5, 6), (3, 2, 2, 2, 3), "float32", ((1, 2, 1), "SAME"), {}),
    ((2, 6, 5, 5), (4, 3, 3, 3), "float32", ((1, 1), "SAME"), {"feature_group_count": 2}),
    (
        (2, 5, 5, 3),
        (3, 3, 1, 6),
        "float32",
        ((1, 1), "VALID"),
        {"feature_group_count": 3, "dimension_numbers": ("NHWC", "HWIO", "NHWC")},
    ),
    ((4, 3, 5, 5), (6, 3, 2, 2), "float32", ((1, 1), "VALID"), {"batch_group_count": 2}),
    (
        (2, 4, 6, 3),
        (5, 3, 2, 4),
        "float32",
        ((1, 2), "SAME"),
        {"dimension_numbers": ("NWHC", "OIHW", "NCWH")},
    ),
    (
        (2, 3, 6, 6),
        (4, 3, 3, 3),
        "bfloat16",
        ((1, 1), "SAME"),
        {"preferred_element_type": "float32"},
    ),
    ((2, 3, 6, 6), (4, 3, 3, 3), "float16", ((2, 2), "VALID"), {}),
    ((2, 3, 6, 6), (4, 3, 3, 3), "int32", ((1, 1), "SAME"), {}),
    ((2, 3, 6, 6), (4, 3, 3, 3), "int8", ((1, 1), "VALID"), {"preferred_element_type": "int32"}),
    ((2, 3, 6), (4, 3, 3), "complex64", ((1,), "SAME"), {}),
    ((1, 1, 2, 2), (1, 1, 3, 3), "float32", ((1, 1), "VALID"), {}),
    ((2, 3, 6, 6), (4, 3, 3, 3), "float32", ((1, 1), "SAME"), {"precision": "highest"}),
]


def _conv_inputs(cases):
    out = []
    for xs, ws, dt, _, _ in cases:
        dt = BF16 if dt == "bfloat16" else np.dtype(dt)
        out.append((_rand(xs, dt), _rand(ws, dt)))
    return out


def test_conv_general_dilated_vs_oracle(oracle):
    ins = _conv_inputs(CONV_CASES)
    args = [(c[3], c[4]) for c in CONV_CASES]
    want = oracle.exec(
        "out = [lax.conv_general_dilated(x, w, *a, **k) for (x, w), (a, k) in zip(ins, args)]",
        ins=ins,
        args=args,
    )
    for (x, w), (a, k), wt in zip(ins, args, want):
        assert_matches(
            lax.conv_general_dilated(x, w, *a, **k),
            wt,
            rtol=2e-2 if x.dtype.itemsize == 2 else 1e-4,
            atol=5e-2 if x.dtype.itemsize == 2 else 1e-4,
        )


def test_conv_wrappers_vs_oracle(oracle):
    x, w = _rand((2, 3, 7, 6), np.float32), _rand((4, 3, 3, 2), np.float32)
    xt, wt = _rand((2, 5, 5, 3), np.float32), _rand((3, 3, 3, 4), np.float32)
    x1, w1 = _rand((2, 7, 3), np.float32), _rand((3, 3, 2), np.float32)
    dn = lax.ConvDimensionNumbers((0, 1, 2, 3), (0, 1, 2, 3), (0, 1, 2, 3))
    calls = [
        ("conv", (x, w, (1, 2), "SAME"), {}),
        ("conv_with_general_padding", (x, w, (2, 1), ((1, 0), (2, 2)), (1, 2), (2, 1)), {}),
        ("conv_general_dilated", (x, w, (1, 1), "VALID"), {"dimension_numbers": dn}),
        ("conv_transpose", (xt, wt, (2, 2), "SAME"), {}),
        ("conv_transpose", (xt, wt, (2, 1), "VALID"), {}),
        ("conv_transpose", (xt, wt, (2, 2), ((1, 1), (2, 0))), {}),
        ("conv_transpose", (xt, wt, (2, 2), ((1, 1), (2, 0))), {"use_consistent_padding": True}),
        (
            "conv_transpose",
            (xt, wt.transpose(0, 1, 3, 2)[..., :3], (2, 2), "SAME"),
            {"transpose_kernel": True},
        ),
        ("conv_transpose", (x1, w1, (3,), "SAME"), {"rhs_dilation": (2,)}),
    ]
    code = """
out = []
for n, a, k in calls:
    if "dimension_numbers" in k:
        k = dict(k, dimension_numbers=lax.ConvDimensionNumbers(*k["dimension_numbers"]))
    out.append(getattr(lax, n)(*a, **k))
"""
    want = oracle.exec(
        code,
        calls=[
            (n, a, {kk: tuple(v) if kk == "dimension_numbers" else v for kk, v in kw.items()})
            for n, a, kw in calls
        ],
    )
    for (n, a, k), wt_ in zip(calls, want):
        assert_matches(getattr(lax, n)(*a, **k), wt_, rtol=1e-4, atol=1e-4)


def test_conv_shape_helpers_vs_oracle(oracle):
    code = """
I = lambda t: tuple(int(i) for i in t)
out = repr([
    [tuple(map(I, lax.conv_dimension_numbers((2, 3, 4, 5), (6, 3, 1, 1), s))) for s in specs],
    [[I(p) for p in lax.padtype_to_pads(i, w, s, m)] for i, w, s, m in pads],
    [I(lax.conv_general_shape_tuple(l, r, s, p, d)) for l, r, s, p, d in gen],
    [I(lax.conv_transpose_shape_tuple(l, r, s, p, d)) for l, r, s, p, d in gen],
])
"""
    specs = [None, ("NCHW", "OIHW", "NCHW"), ("NHWC", "HWIO", "NHWC"), ("NWHC", "IOWH", "CHWN")]
    pads = [
        ((5, 6), (3, 2), (2, 2), "SAME"),
        ((5, 6), (3, 2), (2, 1), "SAME_LOWER"),
        ((5, 6), (3, 2), (2, 2), "valid"),
        ((4,), (4,), (3,), "same"),
    ]
    gen = [
        ((2, 5, 6, 3), (3, 2, 3, 4), (1, 2), "SAME", ("NHWC", "HWIO", "NHWC")),
        ((2, 3, 8, 8), (4, 3, 3, 3), (2, 2), "VALID", ("NCHW", "OIHW", "NCHW")),
    ]
    want = oracle.exec(code, specs=specs, pads=pads, gen=gen)
    got = [
        [
            tuple(map(tuple, lax.conv_dimension_numbers((2, 3, 4, 5), (6, 3, 1, 1), s)))
            for s in specs
        ],
        [[tuple(p) for p in lax.padtype_to_pads(*a)] for a in pads],
        [lax.conv_general_shape_tuple(*a) for a in gen],
        [lax.conv_transpose_shape_tuple(*a) for a in gen],
    ]
    assert repr(got) == want


def test_conv_jit_and_jaxpr():
    x, w = _rand((2, 5, 5, 3), np.float32), _rand((3, 3, 1, 6), np.float32)
    f = lambda x, w: lax.conv_general_dilated(
        x,
        w,
        (2, 1),
        "SAME",
        rhs_dilation=(1, 2),
        feature_group_count=3,
        dimension_numbers=("NHWC", "HWIO", "NHWC"),
    )
    _check_traced(f, x, w)
    x2, w2 = _rand((2, 5, 5, 2), np.float32), _rand((3, 3, 2, 4), np.float32)
    _check_traced(lambda x, w: lax.conv_transpose(x, w, (2, 2), "SAME"), x2, w2)


# (lhs shape, rhs shape, dtype pair, args, kwargs, exception, match)
CONV_ERRORS = [
    (
        (2, 3, 5, 5),
        (4, 3, 3),
        ("float32",) * 2,
        ((1, 1), "SAME"),
        {},
        TypeError,
        "ndim to be equal",
    ),
    (
        (2, 6, 5, 5),
        (4, 3, 3, 3),
        ("float32",) * 2,
        ((1, 1), "SAME"),
        {"feature_group_count": 4},
        ValueError,
        "feature_group_count must divide",
    ),
    (
        (2, 4, 5, 5),
        (4, 3, 3, 3),
        ("float32",) * 2,
        ((1, 1), "SAME"),
        {},
        ValueError,
        r"4 // 1 != 3",
    ),
    (
        (2, 3, 5, 5),
        (4, 3, 3, 3),
        ("float32",) * 2,
        ((1, 1), "SAME"),
        {"dimension_numbers": ("NCHW", "OIHW", "NCHX")},
        TypeError,
        "same set of spatial",
    ),
    (
        (2, 3, 5, 5),
        (4, 3, 3, 3),
        ("float32",) * 2,
        ((1, 1), "SAME"),
        {"dimension_numbers": ("NCHW", "OIHW")},
        TypeError,
        "must be length 3",
    ),
    (
        (2, 3, 5, 5),
        (4, 3, 3, 3),
        ("float32",) * 2,
        ((1, 1), "FOO"),
        {},
        RuntimeError,
        "Unrecognized padding type",
    ),
    (
        (2, 3, 5, 5),
        (4, 3, 3, 3),
        ("float32",) * 2,
        ((1, 1), "SAME"),
        {"lhs_dilation": (2, 1)},
        ValueError,
        "lax.conv_general_dilated: string padding is not implemented",
    ),
    (
        (2, 3, 5, 5),
        (4, 3, 3, 3),
        ("float32", "float16"),
        ((1, 1), "SAME"),
        {},
        TypeError,
        "same dtypes",
    ),
    (
        (4, 6, 5, 5),
        (4, 3, 3, 3),
        ("float32",) * 2,
        ((1, 1), "SAME"),
        {"feature_group_count": 2, "batch_group_count": 2},
        ValueError,
        "at most one",
    ),
    (
        (2, 3, 5, 5),
        (4, 3, 3, 3),
        ("float32",) * 2,
        ((1, 1), "SAME"),
        {"preferred_element_type": "int32"},
        TypeError,
        "incompatible with preferred_element_type",
    ),
    (
        (2, 3, 5, 5),
        (4, 3, 3, 3),
        ("float32",) * 2,
        ((1, 1), ((-6, 0), (0, 0))),
        {},
        ValueError,
        "lax.conv_general_dilated: negative padding",
    ),
    (
        (3, 3, 5, 5),
        (4, 3, 3, 3),
        ("float32",) * 2,
        ((1, 1), "SAME"),
        {"batch_group_count": 2},
        ValueError,
        "batch_group_count must divide",
    ),
]


def test_conv_errors_vs_oracle(oracle):
    code = """
out = []
for ls, rs, (dl, dr), a, k in cases:
    try:
        lax.conv_general_dilated(jnp.ones(ls, dl), jnp.ones(rs, dr), *a, **k)
        out.append(None)
    except Exception as e:
        out.append(type(e).__name__)
"""
    want = oracle.exec(code, cases=[c[:5] for c in CONV_ERRORS])
    for (ls, rs, (dl, dr), a, k, exc, match), w in zip(CONV_ERRORS, want):
        assert w == exc.__name__, (ls, rs, k, w)
        with pytest.raises(exc, match=match):
            lax.conv_general_dilated(np.ones(ls, dl), np.ones(rs, dr), *a, **k)


def test_conv_x64_vs_oracle(oracle, x64):
    ins = [
        (_rand((2, 3, 6), dt), _rand((4, 3, 3), dt)) for dt in ("float64", "complex128", "int64")
    ]
    want = oracle.exec(
        "out = [lax.conv_general_dilated(x, w, (2,), 'SAME') for x, w in ins]", ins=ins, x64=True
    )
    for (x, w), wt in zip(ins, want):
        assert_matches(lax.conv_general_dilated(x, w, (2,), "SAME"), wt)
