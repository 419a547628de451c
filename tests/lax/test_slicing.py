"""lax slicing family: slice, dynamic_slice, dynamic_update_slice, gather, scatter*, helpers.

Expected values come from NumPy references (np.take, fancy indexing, np.add.at, ...) and from
real JAX through the `oracle` fixture (out-of-bounds modes, dtypes, weak types, error types).
"""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest

import xjax
from tests._util import x64_fixture  # noqa: F401  (the `x64` fixture)
from tests.oracle import assert_matches
from xjax import lax
from xjax._src.core import check_jaxpr

BF16 = np.dtype(ml_dtypes.bfloat16)
DTYPES = [
    np.bool_,
    np.int8,
    np.int16,
    np.int32,
    np.uint8,
    np.uint32,
    BF16,
    np.float16,
    np.float32,
    np.complex64,
]
NUMERIC = [d for d in DTYPES if d is not np.bool_]
RNG = np.random.default_rng(0)

GDN = lax.GatherDimensionNumbers
SDN = lax.ScatterDimensionNumbers


def rand(shape: tuple, dtype: type) -> np.ndarray:
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return RNG.random(shape) < 0.5
    if dtype.kind in "iu":
        return RNG.integers(0, 20, shape).astype(dtype)
    if dtype.kind == "c":
        return (RNG.normal(size=shape) + 1j * RNG.normal(size=shape)).astype(dtype)
    return RNG.normal(size=shape).astype(dtype)


def check(got: object, want: np.ndarray) -> None:
    got = np.asarray(got)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    np.testing.assert_array_equal(got, want)


def check_jit(f, *args) -> None:
    """jit(f) equals eager f, and the traced jaxpr type-checks."""
    check(xjax.jit(f)(*args), np.asarray(f(*args)))
    check_jaxpr(xjax.make_jaxpr(f)(*args).jaxpr)


# -- slice ------------------------------------------------------------------------------------

SLICE_CASES = [
    ((), (), (), None, np.float32),
    ((7,), (2,), (7,), (2,), np.int32),
    ((3, 4), (1, 0), (3, 4), (1, 3), BF16),
    ((3, 4), (0, 2), (0, 4), None, np.bool_),  # empty result
    ((0, 4), (0, 1), (0, 3), None, np.float16),  # empty operand
    ((2, 3, 5), (1, 0, 1), (2, 3, 5), (1, 2, 3), np.complex64),
    ((6,), (1,), (6,), (4,), np.uint8),
]


@pytest.mark.parametrize("shape,start,limit,strides,dtype", SLICE_CASES)
def test_slice_values(shape, start, limit, strides, dtype):
    x = rand(shape, dtype)
    st = strides or (1,) * len(shape)
    want = x[tuple(np.s_[a:b:s] for a, b, s in zip(start, limit, st))]
    check(lax.slice(x, start, limit, strides), want)


def test_slice_jit_and_jaxpr():
    x = rand((3, 4), np.float32)
    check_jit(lambda x: lax.slice(x, (1, 1), (3, 4), (1, 2)), x)


def test_slice_keeps_weak_type():
    assert lax.slice(1.0, (), ()).aval.weak_type
    assert not lax.slice(np.float32(1.0), (), ()).aval.weak_type


@pytest.mark.parametrize(
    "start,limit,strides,match",
    [
        (
            (1,),
            (2,),
            None,
            r"lax\.slice: start_indices \(1,\) must have one entry per operand dimension",
        ),
        (
            (0, 0),
            (3, 2),
            None,
            r"lax\.slice: limit_indices \(3, 2\) must be <= operand shape \(2, 3\)",
        ),
        ((0, -1), (1, 2), None, r"lax\.slice: start_indices \(0, -1\) must be >= 0"),
        ((1, 2), (0, 3), None, r"lax\.slice: limit_indices \(0, 3\) must be >= start_indices"),
        ((0, 0), (1, 1), (1, 0), r"lax\.slice: strides \(1, 0\) must be positive"),
    ],
)
def test_slice_errors(start, limit, strides, match):
    with pytest.raises(TypeError, match=match):
        lax.slice(np.zeros((2, 3), np.float32), start, limit, strides)


# -- dynamic_slice / dynamic_update_slice -----------------------------------------------------


def np_dynamic_slice(x: np.ndarray, starts: list, sizes: tuple) -> np.ndarray:
    starts = [s + d if s < 0 else s for s, d in zip(starts, x.shape)]
    starts = [min(max(s, 0), d - z) for s, d, z in zip(starts, x.shape, sizes)]
    return x[tuple(np.s_[s : s + z] for s, z in zip(starts, sizes))]


def np_dynamic_update_slice(x: np.ndarray, u: np.ndarray, starts: list) -> np.ndarray:
    starts = [s + d if s < 0 else s for s, d in zip(starts, x.shape)]
    starts = [min(max(s, 0), d - z) for s, d, z in zip(starts, x.shape, u.shape)]
    out = x.copy()
    out[tuple(np.s_[s : s + z] for s, z in zip(starts, u.shape))] = u
    return out


DS_CASES = [  # shape, starts (clamping and negative wrap included), sizes, dtype
    ((), [], (), np.int32),
    ((5,), [3], (3,), np.float32),
    ((5,), [-2], (2,), np.bool_),
    ((3, 4), [1, -1], (2, 2), np.uint32),
    ((3, 4), [-7, 9], (2, 3), BF16),
    ((4, 0), [2, 0], (1, 0), np.float16),
    ((2, 3, 4), [1, 1, 1], (1, 2, 3), np.complex64),
    ((6,), [4], (6,), np.int8),
]


@pytest.mark.parametrize("shape,starts,sizes,dtype", DS_CASES)
def test_dynamic_slice_values(shape, starts, sizes, dtype):
    x = rand(shape, dtype)
    want = np_dynamic_slice(x, starts, sizes)
    check(lax.dynamic_slice(x, starts, sizes), want)
    # array indices (traced under jit), including negative ones
    idx = [np.int32(s) for s in starts]
    check(lax.dynamic_slice(x, idx, sizes), want)


@pytest.mark.parametrize("shape,starts,sizes,dtype", DS_CASES[1:5])
def test_dynamic_update_slice_values(shape, starts, sizes, dtype):
    x, u = rand(shape, dtype), rand(sizes, dtype)
    want = np_dynamic_update_slice(x, u, starts)
    check(lax.dynamic_update_slice(x, u, starts), want)
    check(lax.dynamic_update_slice(x, u, [np.int32(s) for s in starts]), want)


def test_dynamic_slice_traced_indices_jit():
    x = rand((4, 5), np.float32)
    f = lambda x, i, j: lax.dynamic_slice(x, (i, j), (2, 3))
    for i, j in [(1, 1), (-1, 4), (9, -9)]:
        got = xjax.jit(f)(x, np.int32(i), np.int32(j))
        check(got, np_dynamic_slice(x, [i, j], (2, 3)))
    check_jaxpr(xjax.make_jaxpr(f)(x, np.int32(0), np.int32(0)).jaxpr)
    g = lambda x, u, i: lax.dynamic_update_slice(x, u, (i, 1))
    u = rand((2, 2), np.float32)
    check(xjax.jit(g)(x, u, np.int32(-1)), np_dynamic_update_slice(x, u, [-1, 1]))
    check_jaxpr(xjax.make_jaxpr(g)(x, u, np.int32(0)).jaxpr)


def test_dynamic_slice_array_of_indices():
    x = rand((4, 5), np.int16)
    check(lax.dynamic_slice(x, np.array([1, 2], np.int32), (2, 2)), x[1:3, 2:4])


def test_dynamic_slice_x64(x64):
    x = rand((4, 5), np.float64)
    check(lax.dynamic_slice(x, (np.int64(-1), 1), (2, 2)), np_dynamic_slice(x, [-1, 1], (2, 2)))
    u = rand((1, 5), np.complex128)
    y = rand((4, 5), np.complex128)
    check(lax.dynamic_update_slice(y, u, (2, 0)), np_dynamic_update_slice(y, u, [2, 0]))


def test_dynamic_slice_errors():
    x = np.zeros((2, 3), np.float32)
    with pytest.raises(
        ValueError,
        match=r"lax\.dynamic_slice: got 1 start indices for an operand of shape \(2, 3\)",
    ):
        lax.dynamic_slice(x, (1,), (1, 1))
    with pytest.raises(
        TypeError,
        match=r"lax\.dynamic_slice: slice_sizes \(3, 2\) must be >= 0 and <= operand shape",
    ):
        lax.dynamic_slice(x, (0, 0), (3, 2))
    with pytest.raises(TypeError, match=r"integers of the same type, got int8, int32"):
        lax.dynamic_slice(x, (np.int8(0), np.int32(0)), (1, 1))
    with pytest.raises(
        TypeError, match=r"lax\.dynamic_update_slice requires arguments to have the same dtypes"
    ):
        lax.dynamic_update_slice(x, np.zeros((1, 1), np.int32), (0, 0))
    with pytest.raises(
        TypeError, match=r"lax\.dynamic_update_slice: update shape \(3, 1\) must not exceed"
    ):
        lax.dynamic_update_slice(x, np.zeros((3, 1), np.float32), (0, 0))
    with pytest.raises(
        TypeError, match=r"lax\.dynamic_update_slice: update shape \(2,\) must have the same rank"
    ):
        lax.dynamic_update_slice(x, np.zeros((2,), np.float32), (0, 0))
    with pytest.raises(ValueError, match=r"allow_negative_indices=False"):
        lax.dynamic_slice(x, (-1, 0), (1, 1), allow_negative_indices=False)


def test_dynamic_slice_error_types_match_jax(oracle):
    want = oracle.exec(
        "def t(f):\n"
        "    try:\n        f(); return None\n"
        "    except Exception as e:\n        return type(e).__name__\n"
        "x = jnp.zeros((2, 3))\n"
        "out = [t(lambda: lax.dynamic_slice(x, (1,), (1, 1))),\n"
        "       t(lambda: lax.dynamic_slice(x, (0, 0), (3, 2))),\n"
        "       t(lambda: lax.dynamic_update_slice(x, jnp.zeros((3, 1)), (0, 0))),\n"
        "       t(lambda: lax.slice(x, (0, 0), (3, 2)))]\n"
    )
    x = np.zeros((2, 3), np.float32)
    calls = [
        lambda: lax.dynamic_slice(x, (1,), (1, 1)),
        lambda: lax.dynamic_slice(x, (0, 0), (3, 2)),
        lambda: lax.dynamic_update_slice(x, np.zeros((3, 1), np.float32), (0, 0)),
        lambda: lax.slice(x, (0, 0), (3, 2)),
    ]
    for name, call in zip(want, calls):
        assert name is not None
        with pytest.raises(Exception) as info:
            call()
        assert type(info.value).__name__ == name, (info.value, name)


# -- gather -----------------------------------------------------------------------------------


def take_dnums(ndim: int, axis: int) -> tuple:
    """Dimension numbers of np.take(x, idx, axis) for idx of shape (n,) -> indices (n, 1)."""
    offset = tuple(range(axis)) + tuple(range(axis + 1, ndim))
    return GDN(offset_dims=offset, collapsed_slice_dims=(axis,), start_index_map=(axis,))


@pytest.mark.parametrize(
    "shape,axis,dtype",
    [
        ((5,), 0, np.float32),
        ((4, 3), 0, np.int8),
        ((4, 3), 1, np.bool_),
        ((2, 5, 3), 1, BF16),
        ((3, 4), 1, np.complex64),
        ((3, 4), 0, np.uint32),
        ((0, 3), 1, np.float16),
    ],
)
def test_gather_take(shape, axis, dtype):
    x = rand(shape, dtype)
    n = shape[axis]
    idx = RNG.integers(0, n, (4,)) if n else np.zeros((4,), np.int64)
    sizes = tuple(1 if d == axis else s for d, s in enumerate(shape))
    got = lax.gather(x, idx.astype(np.int32)[:, None], take_dnums(len(shape), axis), sizes)
    # np.take puts the index dimension at `axis`; offset dims here put it at position `axis` too
    check(got, np.take(x, idx, axis=axis))


def test_gather_fancy_indexing_2d_points():
    x = rand((4, 5), np.int32)
    rows, cols = np.array([[0, 3], [2, 1]]), np.array([[4, 0], [2, 2]])
    idx = np.stack([rows, cols], -1).astype(np.int32)  # (2, 2, 2)
    dn = GDN(offset_dims=(), collapsed_slice_dims=(0, 1), start_index_map=(0, 1))
    check(lax.gather(x, idx, dn, (1, 1)), x[rows, cols])


def test_gather_windows_and_permuted_index_map():
    x = rand((4, 6), np.float32)
    idx = np.array([[1, 0], [3, 2]], np.int32)  # (col start, row start)
    dn = GDN(offset_dims=(1, 2), collapsed_slice_dims=(), start_index_map=(1, 0))
    want = np.stack([x[0:2, 1:4], x[2:4, 3:6]])
    check(lax.gather(x, idx, dn, (2, 3)), want)


def test_gather_batching_dims():
    x = rand((3, 5), np.float32)
    idx = np.array([[4], [0], [2]], np.int32)  # one index per batch row
    dn = GDN(
        offset_dims=(),
        collapsed_slice_dims=(1,),
        start_index_map=(1,),
        operand_batching_dims=(0,),
        start_indices_batching_dims=(0,),
    )
    check(lax.gather(x, idx, dn, (1, 1)), x[np.arange(3), idx[:, 0]])


def test_gather_scalar_index_empty_and_jit():
    x = rand((4, 3), np.float32)
    dn = take_dnums(2, 0)
    check(lax.gather(x, np.array([2], np.int32), GDN((0,), (0,), (0,)), (1, 3)), x[2])
    check(lax.gather(x, np.zeros((0, 1), np.int32), dn, (1, 3)), x[:0])
    check_jit(lambda x, i: lax.gather(x, i, dn, (1, 3)), x, np.array([[1], [3]], np.int32))
    check_jit(
        lambda x, i: lax.gather(x, i, dn, (1, 3), mode="fill"), x, np.array([[1], [7]], np.int32)
    )


def test_gather_modes_match_jax(oracle):
    """Out-of-bounds indices under each mode, default fill values per dtype, custom fill."""
    idx = np.array([[0], [3], [-1], [5], [2]], np.int32)
    cases = [
        ("float32", "None", "None"),
        ("float32", "'clip'", "None"),
        ("float32", "'fill'", "None"),
        ("int8", "'fill'", "None"),
        ("uint32", "'fill'", "None"),
        ("bool", "'fill'", "None"),
        ("bfloat16", "'fill'", "None"),
        ("complex64", "'fill'", "None"),
        ("int32", "'fill'", "7"),
        ("float16", "'promise_in_bounds'", "None"),
        ("uint8", "'drop'", "3"),
    ]
    code = (
        "dn = lax.GatherDimensionNumbers(offset_dims=(1,), collapsed_slice_dims=(0,), start_index_map=(0,))\n"
        "out = []\n"
        f"for dt, mode, fill in {cases!r}:\n"
        "    x = (jnp.arange(12).reshape(4, 3) % 5).astype(dt)\n"
        "    out.append(lax.gather(x, jnp.asarray(idx), dn, (1, 3), mode=eval(mode), fill_value=eval(fill)))\n"
        "    out.append(lax.gather(x, jnp.asarray(idx), lax.GatherDimensionNumbers(offset_dims=(1, 2), collapsed_slice_dims=(), start_index_map=(0,)), (2, 3), mode=eval(mode), fill_value=eval(fill)))\n"
    )
    want = oracle.exec(code, idx=idx)
    got = []
    dn = GDN(offset_dims=(1,), collapsed_slice_dims=(0,), start_index_map=(0,))
    dn2 = GDN(offset_dims=(1, 2), collapsed_slice_dims=(), start_index_map=(0,))
    for dt, mode, fill in cases:
        x = (np.arange(12).reshape(4, 3) % 5).astype(BF16 if dt == "bfloat16" else dt)
        m, f = eval(mode), eval(fill)
        got.append(lax.gather(x, idx, dn, (1, 3), mode=m, fill_value=f))
        got.append(lax.gather(x, idx, dn2, (2, 3), mode=m, fill_value=f))
    assert_matches(got, want)


def test_gather_x64(x64):
    x = rand((5, 2), np.float64)
    idx = np.array([[4], [0]], np.int64)
    check(lax.gather(x, idx, take_dnums(2, 0), (1, 2)), x[[4, 0]])
    got = lax.gather(
        x.astype(np.int64), np.array([[9]], np.int64), take_dnums(2, 0), (1, 2), mode="fill"
    )
    check(got, np.full((1, 2), np.iinfo(np.int64).min))


GATHER_ERRORS = [  # (indices shape, indices dtype, dnums, slice_sizes, exception, match)
    (
        (1, 1),
        np.float32,
        GDN((1,), (0,), (0,)),
        (1, 3),
        ValueError,
        r"lax\.gather: indices must have an integer type",
    ),
    (
        (),
        np.int32,
        GDN((1,), (0,), (0,)),
        (1, 3),
        TypeError,
        r"lax\.gather: indices must have rank >= 1",
    ),
    (
        (1, 2),
        np.int32,
        GDN((1,), (0,), (0,)),
        (1, 3),
        TypeError,
        r"start_index_map \(0,\) has 1 entries but the index vector",
    ),
    (
        (1, 1),
        np.int32,
        GDN((1,), (0,), (0,)),
        (2, 3),
        TypeError,
        r"collapsed_slice_dims \(0,\) need slice size 1",
    ),
    (
        (1, 1),
        np.int32,
        GDN((1,), (0,), (0,)),
        (1, 4),
        TypeError,
        r"slice_sizes \(1, 4\) must be >= 0 and <= operand shape \(2, 3\)",
    ),
    (
        (1, 1),
        np.int32,
        GDN((1,), (0,), (0,)),
        (1,),
        TypeError,
        r"slice_sizes \(1,\) must have one entry per operand dimension",
    ),
    (
        (1, 1),
        np.int32,
        GDN((1,), (), (0,)),
        (1, 3),
        TypeError,
        r"every operand dimension must be an offset dimension or collapsed",
    ),
    (
        (1, 1),
        np.int32,
        GDN((2,), (0,), (0,)),
        (1, 3),
        TypeError,
        r"offset_dims \(2,\) out of range",
    ),
    (
        (1, 1),
        np.int32,
        GDN((1,), (0,), (2,)),
        (1, 3),
        TypeError,
        r"start_index_map \(2,\) out of range",
    ),
]


@pytest.mark.parametrize("ishape,idt,dn,sizes,exc,match", GATHER_ERRORS)
def test_gather_errors(ishape, idt, dn, sizes, exc, match):
    with pytest.raises(exc, match=match):
        lax.gather(np.zeros((2, 3), np.float32), np.zeros(ishape, idt), dn, sizes)


def test_gather_bad_dnums_type_and_mode():
    with pytest.raises(
        TypeError, match=r"lax\.gather: dimension_numbers must be a lax\.GatherDimensionNumbers"
    ):
        lax.gather(np.zeros(3), np.zeros((1, 1), np.int32), ((), (0,), (0,)), (1,))
    with pytest.raises(ValueError, match=r'Unknown gather mode "wrap"'):
        lax.gather(np.zeros(3), np.zeros((1, 1), np.int32), GDN((), (0,), (0,)), (1,), mode="wrap")


def test_gather_error_types_match_jax(oracle):
    code = (
        "def t(f):\n"
        "    try:\n        f(); return None\n"
        "    except Exception as e:\n        return type(e).__name__\n"
        "x = jnp.zeros((2, 3))\n"
        "D = lax.GatherDimensionNumbers\n"
        f"out = [t(lambda s=s, d=d, dn=dn, z=z: lax.gather(x, jnp.zeros(s, d), D(*dn), z)) for s, d, dn, z in {[(e[0], np.dtype(e[1]).name, tuple(e[2]), e[3]) for e in GATHER_ERRORS]!r}]\n"
    )
    want = oracle.exec(code)
    assert [e[4].__name__ for e in GATHER_ERRORS] == want


# -- scatter ----------------------------------------------------------------------------------

SCATTER_1D = SDN(
    update_window_dims=(), inserted_window_dims=(0,), scatter_dims_to_operand_dims=(0,)
)
SCATTER_ROWS = SDN(
    update_window_dims=(1,), inserted_window_dims=(0,), scatter_dims_to_operand_dims=(0,)
)

UFUNCS = {
    "scatter_add": np.add,
    "scatter_sub": np.subtract,
    "scatter_mul": np.multiply,
    "scatter_min": np.minimum,
    "scatter_max": np.maximum,
}


@pytest.mark.parametrize(
    "op,dtype",
    [
        ("scatter_add", np.float32),
        ("scatter_add", np.int8),
        ("scatter_add", np.complex64),
        ("scatter_sub", np.int32),
        ("scatter_mul", np.uint32),
        ("scatter_mul", np.float16),
        ("scatter_min", np.bool_),
        ("scatter_min", np.int16),
        ("scatter_max", BF16),
        ("scatter_max", np.uint8),
    ],
)
def test_scatter_combiners_vs_ufunc_at(op, dtype):
    x = rand((5, 3), dtype)
    idx = np.array([0, 3, 0, 4, 3, 0], np.int32)  # duplicates accumulate
    upd = rand((6, 3), dtype)
    want = x.copy()
    UFUNCS[op].at(want, idx, upd)
    got = getattr(lax, op)(x, idx[:, None], upd, SCATTER_ROWS)
    if np.dtype(dtype) in (BF16, np.float16, np.complex64, np.float32):
        np.testing.assert_allclose(
            np.asarray(got).astype(np.complex128), want.astype(np.complex128), rtol=2e-2
        )
        assert np.asarray(got).dtype == want.dtype
    else:
        check(got, want)


@pytest.mark.parametrize("dtype", [np.float32, np.bool_, np.int8, BF16])
def test_scatter_set_unique(dtype):
    x = rand((6,), dtype)
    idx = np.array([5, 1, 2], np.int32)
    upd = rand((3,), dtype)
    want = x.copy()
    want[idx] = upd
    check(lax.scatter(x, idx[:, None], upd, SCATTER_1D, unique_indices=True), want)


def test_scatter_2d_points_windows_and_batching():
    x = rand((4, 5), np.int32)
    pts = np.array([[0, 1], [3, 4], [0, 1]], np.int32)
    upd = np.array([10, 20, 30], np.int32)
    want = x.copy()
    np.add.at(want, (pts[:, 0], pts[:, 1]), upd)
    dn = SDN(
        update_window_dims=(), inserted_window_dims=(0, 1), scatter_dims_to_operand_dims=(0, 1)
    )
    check(lax.scatter_add(x, pts, upd, dn), want)
    # windows: add a (2, 3) block at (row, col) starts
    dnw = SDN(
        update_window_dims=(1, 2), inserted_window_dims=(), scatter_dims_to_operand_dims=(0, 1)
    )
    blocks = rand((2, 2, 3), np.int32)
    want = x.copy()
    want[0:2, 1:4] += blocks[0]
    want[1:3, 2:5] += blocks[1]
    check(lax.scatter_add(x, np.array([[0, 1], [1, 2]], np.int32), blocks, dnw), want)
    # batching: row b gets its own column index
    dnb = SDN(
        update_window_dims=(),
        inserted_window_dims=(1,),
        scatter_dims_to_operand_dims=(1,),
        operand_batching_dims=(0,),
        scatter_indices_batching_dims=(0,),
    )
    cols = np.array([[4], [0], [2], [2]], np.int32)
    want = x.copy()
    want[np.arange(4), cols[:, 0]] = -1
    check(lax.scatter(x, cols, np.full((4,), -1, np.int32), dnb), want)


def test_scatter_empty_scalar_and_jit():
    x = rand((5, 3), np.float32)
    check(
        lax.scatter_add(x, np.zeros((0, 1), np.int32), np.zeros((0, 3), np.float32), SCATTER_ROWS),
        x,
    )
    s = np.float32(2.0)
    dn0 = SDN(update_window_dims=(), inserted_window_dims=(), scatter_dims_to_operand_dims=())
    check(lax.scatter_add(s, np.zeros((0,), np.int32), s, dn0), np.float32(4.0))
    idx = np.array([[1], [1]], np.int32)
    upd = rand((2, 3), np.float32)
    for op in ("scatter", "scatter_add", "scatter_mul", "scatter_min", "scatter_max"):
        check_jit(
            lambda x, i, u, op=op: getattr(lax, op)(x, i, u, SCATTER_ROWS, mode="clip"), x, idx, upd
        )


def test_scatter_apply():
    x = rand((4, 3), np.float32)
    idx = np.array([[2], [0], [2]], np.int32)
    got = lax.scatter_apply(x, idx, lambda v: v * 2 + 1, SCATTER_ROWS, update_shape=(3, 3))
    want = x.copy()
    want[[0, 2]] = want[[0, 2]] * 2 + 1  # applied once per index: duplicates apply twice
    want[2] = want[2] * 2 + 1
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6)
    f = lambda x, i: lax.scatter_apply(x, i, lax.neg, SCATTER_ROWS, update_shape=(3, 3))
    check_jit(f, x, idx)


def test_scatter_modes_match_jax(oracle):
    idx = np.array([[0], [4], [-1], [9], [2]], np.int32)
    modes = ["None", "'clip'", "'drop'", "'promise_in_bounds'"]
    code = (
        "out = []\n"
        f"for mode in {modes!r}:\n"
        "    for op in ('scatter', 'scatter_add', 'scatter_max'):\n"
        "        for w, dn in ((1, lax.ScatterDimensionNumbers((1,), (0,), (0,))), (2, lax.ScatterDimensionNumbers((1, 2), (), (0,)))):\n"
        "            x = jnp.arange(15, dtype=jnp.int32).reshape(5, 3)\n"
        "            u = jnp.arange(100, 100 + 5 * w * 3, dtype=jnp.int32).reshape((5, 3) if w == 1 else (5, 2, 3))\n"
        "            out.append(getattr(lax, op)(x, jnp.asarray(idx), u, dn, mode=eval(mode)))\n"
    )
    want = oracle.exec(code, idx=idx)
    got = []
    for mode in modes:
        for op in ("scatter", "scatter_add", "scatter_max"):
            for w, dn in ((1, SDN((1,), (0,), (0,))), (2, SDN((1, 2), (), (0,)))):
                x = np.arange(15, dtype=np.int32).reshape(5, 3)
                u = np.arange(100, 100 + 5 * w * 3, dtype=np.int32).reshape(
                    (5, 3) if w == 1 else (5, 2, 3)
                )
                got.append(getattr(lax, op)(x, idx, u, dn, mode=eval(mode)))
    assert_matches(got, want)


def test_scatter_x64(x64):
    x = rand((4,), np.float64)
    idx = np.array([[1], [1], [3]], np.int64)
    upd = rand((3,), np.float64)
    want = x.copy()
    np.add.at(want, idx[:, 0], upd)
    np.testing.assert_allclose(np.asarray(lax.scatter_add(x, idx, upd, SCATTER_1D)), want)
    assert lax.scatter_add(x, idx, upd, SCATTER_1D).dtype == np.float64


SCATTER_ERRORS = [  # operand dtype, (idx shape, idx dtype), updates (shape, dtype), dnums, exc, match
    (
        "float32",
        ((2, 1), "float32"),
        ((2, 3), "float32"),
        SCATTER_ROWS,
        ValueError,
        r"lax\.scatter_add: indices must have an integer type",
    ),
    (
        "float32",
        ((2, 1), "int32"),
        ((2, 3), "int32"),
        SCATTER_ROWS,
        TypeError,
        r"lax\.scatter_add requires arguments to have the same dtypes, got float32 \(operand\) and int32",
    ),
    (
        "float32",
        ((2, 1), "int32"),
        ((2, 1, 3), "float32"),
        SCATTER_ROWS,
        TypeError,
        r"updates shape \(2, 1, 3\) must have rank 2",
    ),
    (
        "float32",
        ((2, 1), "int32"),
        ((3, 3), "float32"),
        SCATTER_ROWS,
        TypeError,
        r"scatter dimensions \(3,\), which must equal the indices batch shape \(2,\)",
    ),
    (
        "float32",
        ((2, 1), "int32"),
        ((2, 4), "float32"),
        SCATTER_ROWS,
        TypeError,
        r"have sizes \(4,\), which exceed the corresponding operand sizes \(3,\)",
    ),
    (
        "float32",
        ((2, 2), "int32"),
        ((2, 3), "float32"),
        SCATTER_ROWS,
        TypeError,
        r"scatter_dims_to_operand_dims \(0,\) has 1 entries but the index vector",
    ),
    (
        "float32",
        ((2, 1), "int32"),
        ((2, 3), "float32"),
        SDN((1,), (), (0,)),
        TypeError,
        r"must together cover the 2 operand dimensions",
    ),
    (
        "bool",
        ((2, 1), "int32"),
        ((2, 3), "bool"),
        SCATTER_ROWS,
        TypeError,
        r"lax\.scatter_add does not accept dtype bool",
    ),
]


@pytest.mark.parametrize("xdt,ispec,uspec,dn,exc,match", SCATTER_ERRORS)
def test_scatter_errors(xdt, ispec, uspec, dn, exc, match):
    with pytest.raises(exc, match=match):
        lax.scatter_add(np.zeros((4, 3), xdt), np.zeros(*ispec), np.zeros(*uspec), dn)


def test_scatter_error_types_match_jax(oracle):
    specs = [(e[0], e[1], e[2], tuple(e[3])) for e in SCATTER_ERRORS]
    code = (
        "def t(f):\n"
        "    try:\n        f(); return None\n"
        "    except Exception as e:\n        return type(e).__name__\n"
        "S = lax.ScatterDimensionNumbers\n"
        f"out = [t(lambda x=x, i=i, u=u, d=d: lax.scatter_add(jnp.zeros((4, 3), x), jnp.zeros(*i), jnp.zeros(*u), S(*d))) for x, i, u, d in {specs!r}]\n"
    )
    assert [e[4].__name__ for e in SCATTER_ERRORS] == oracle.exec(code)


# -- convenience wrappers ---------------------------------------------------------------------


def test_in_dim_helpers():
    x = rand((4, 5), np.float32)
    check(lax.slice_in_dim(x, 1, -1, 2, axis=1), x[:, 1:-1:2])
    check(lax.slice_in_dim(x, None, None, axis=0), x)
    check(lax.index_in_dim(x, -1, axis=0), x[-1:])
    check(lax.index_in_dim(x, 2, axis=1, keepdims=False), x[:, 2])
    check(lax.dynamic_slice_in_dim(x, 3, 2, axis=0), x[2:4])  # clamped
    check(lax.dynamic_slice_in_dim(x, np.int32(-2), 2, axis=1), x[:, 3:5])
    check(lax.dynamic_index_in_dim(x, np.int32(1), axis=1, keepdims=False), x[:, 1])
    u = rand((4, 2), np.float32)
    want = x.copy()
    want[:, 3:5] = u
    check(lax.dynamic_update_slice_in_dim(x, u, -2, axis=1), want)
    row = rand((5,), np.float32)
    want = x.copy()
    want[2] = row
    check(lax.dynamic_update_index_in_dim(x, row, np.int32(2), 0), want)
    check(lax.dynamic_update_index_in_dim(x, row[None], 2, 0), want)
    with pytest.raises(
        IndexError, match=r"lax\.index_in_dim: index 5 is out of bounds for axis 0 with size 4"
    ):
        lax.index_in_dim(x, 5)
    with pytest.raises(ValueError, match=r"lax\.slice_in_dim: axis 2 is out of bounds"):
        lax.slice_in_dim(x, 0, 1, axis=2)


def test_index_take():
    x = rand((4, 5, 2), np.int32)
    i0, i1 = np.array([0, 3, -1]), np.array([4, 7, 2])  # wraps modulo the axis size
    want = x[i0 % 4, i1 % 5]
    check(lax.index_take(x, [i0.astype(np.int32), i1.astype(np.int32)], [0, 1]), want)
    check(lax.index_take(x, [np.array([1, 1], np.int32)], [2]), np.moveaxis(x[:, :, [1, 1]], 2, 0))


def test_dimension_numbers_are_hashable_params():
    assert hash(GDN((1,), (0,), (0,))) == hash(GDN((1,), (0,), (0,)))
    x = rand((3, 2), np.float32)
    jaxpr = xjax.make_jaxpr(
        lambda x: lax.gather(x, np.array([[1]], np.int32), GDN([1], [0], [0]), [1, 2])
    )(x)
    params = jaxpr.jaxpr.eqns[-1].params
    assert params["dimension_numbers"] == GDN((1,), (0,), (0,))
    assert params["slice_sizes"] == (1, 2)
    assert params["mode"] == lax.GatherScatterMode.PROMISE_IN_BOUNDS
    hash(tuple(params.items()))


def test_gather_fill_small_and_unsigned_index_dtypes_match_jax(oracle):
    code = (
        "dn = lax.GatherDimensionNumbers(offset_dims=(1,), collapsed_slice_dims=(0,), start_index_map=(0,))\n"
        "x = jnp.arange(12, dtype=jnp.float32).reshape(4, 3)\n"
        "out = [lax.gather(x, jnp.asarray(i8), dn, (1, 3), mode='fill'),\n"
        "       lax.gather(x, jnp.asarray(u8), dn, (1, 3), mode='fill'),\n"
        "       lax.gather(x, jnp.asarray(u8), dn, (1, 3), mode='clip'),\n"
        "       lax.dynamic_slice(x, (jnp.asarray(u8[1, 0]), jnp.uint8(1)), (2, 2))]\n"
    )
    i8 = np.array([[-128], [3], [-1], [127]], np.int8)
    u8 = np.array([[255], [1], [4], [0]], np.uint8)
    want = oracle.exec(code, i8=i8, u8=u8)
    x = np.arange(12, dtype=np.float32).reshape(4, 3)
    dn = GDN(offset_dims=(1,), collapsed_slice_dims=(0,), start_index_map=(0,))
    got = [
        lax.gather(x, i8, dn, (1, 3), mode="fill"),
        lax.gather(x, u8, dn, (1, 3), mode="fill"),
        lax.gather(x, u8, dn, (1, 3), mode="clip"),
        lax.dynamic_slice(x, (u8[1, 0], np.uint8(1)), (2, 2)),
    ]
    assert_matches(got, want)
