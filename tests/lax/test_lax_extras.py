"""The lax functions added for completeness (split, tile, cumlogsumexp, mulhi, approx_max_k,
conv_general_dilated_patches, optimization_barrier, rng_bit_generator, empty, broadcast_shapes,
broadcast_to_rank, dtype) and the primitive objects exported under JAX's names: values, errors
and weak types against JAX, derivatives with check_grads, vmap against a loop."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest

import xjax
import xjax.numpy as jnp
from tests._util import x64_fixture  # noqa: F401  (the `x64` fixture)
from tests.lax._cases import check_cases, match_jax_test, rand
from tests.oracle import assert_matches
from xjax import lax
from xjax._src.core import Primitive
from xjax.test_util import check_grads

BF16 = np.dtype(ml_dtypes.bfloat16)
F16, F32, C64 = np.dtype("float16"), np.dtype("float32"), np.dtype("complex64")
INTS = [np.dtype(d) for d in ("int8", "int16", "int32", "uint8", "uint32")]


def _perm(shape: tuple, dtype: np.dtype = F32, seed: int = 0) -> np.ndarray:
    """Distinct values (no ties, so the top-k indices are unique)."""
    n = int(np.prod(shape))
    return (np.random.default_rng(seed).permutation(n) - n // 2).reshape(shape).astype(dtype)


def _cases() -> list[tuple[str, dict]]:
    x34, x234 = rand((3, 4), F32), rand((2, 3, 4), F32)
    img = rand((2, 3, 5, 4), F32, seed=1)
    key = np.array([1, 2, 3, 4], np.uint32)
    cases: list[tuple[str, dict]] = []
    add = lambda e, **kw: cases.append((e, kw))
    for dt in (np.bool_, np.int8, np.uint32, BF16, F32, C64):
        add("lax.split(x, [1, 0, 3], axis=1)", x=rand((3, 4), dt))
        add("lax.tile(x, (2, 1, 3))", x=rand((2, 3, 1), dt))
    add("lax.split(x, [2, 1], axis=-3)", x=rand((3, 2, 1), F32))
    add("lax.split(x, [2, 3])", x=x34)  # sizes do not sum to the axis
    add("lax.split(x, [5, -1])", x=np.ones(4, F32))  # negative size
    add("lax.tile(x, (0, 2))", x=x34)
    add("lax.tile(x, (2,))", x=x34)  # one rep per dim
    add("lax.tile(np.float32(2), ())")
    add("lax.broadcast_to_rank(x, 4)", x=x34)
    add("lax.broadcast_to_rank(x, 1)", x=x234)
    add("lax.broadcast_to_rank(3.0, 2)")
    for dt in (F32, F16, BF16, C64):
        add("lax.cumlogsumexp(x)", x=rand((5,), dt))
        add("lax.cumlogsumexp(x, axis=1, reverse=True)", x=rand((2, 4, 3), dt, seed=2))
    add("lax.cumlogsumexp(x, axis=1)", x=np.zeros((2, 0), F32))
    add("lax.cumlogsumexp(x)", x=np.array([-np.inf, -np.inf, 0, 1, np.inf, np.nan, 2], F32))
    add("lax.cumlogsumexp(x, axis=-1)", x=x34)  # XLA ops take no negative axes
    add("lax.optimization_barrier((x, y, 2.0))", x=x34, y=rand((2,), np.int32))
    add("lax.optimization_barrier(x) + x", x=x34)
    add("lax.empty((2, 3), np.float32)")
    add("lax.empty(4, np.int32)")
    for dt in (F32, F16, BF16):
        add("lax.approx_max_k(x, 3)", x=_perm((4, 9), dt))
        add("lax.approx_min_k(x, 2, reduction_dimension=0)", x=_perm((5, 3), dt))
    add("lax.approx_max_k(x, 3, recall_target=0.9, aggregate_to_topk=False)", x=_perm((2, 300)))
    add("lax.approx_min_k(x, 4, aggregate_to_topk=False)", x=_perm((2000,)))
    add("lax.approx_max_k(x, 1, aggregate_to_topk=False)", x=_perm((1, 200)))
    add("lax.approx_max_k(x, 2, aggregate_to_topk=False, reduction_input_size_override=900)",
        x=_perm((1, 300)))
    add("lax.approx_max_k(x, 5)", x=_perm((4,)))  # k larger than the dim
    add("lax.conv_general_dilated_patches(x, (2, 3), (1, 1), 'VALID')", x=img)
    add("lax.conv_general_dilated_patches(x, (3, 2), (2, 1), 'SAME', rhs_dilation=(1, 2))", x=img)
    add("lax.conv_general_dilated_patches(x, (2, 2), (1, 1), [(1, 0), (0, 1)], lhs_dilation=(2, 1),"
        " dimension_numbers=('NHWC', 'OIHW', 'NCHW'))", x=img)
    add("lax.conv_general_dilated_patches(x, (3, 2), (1, 1), 'VALID',"
        " dimension_numbers=('NCHW', 'OIWH', 'NHWC'))", x=img)
    add("lax.conv_general_dilated_patches(x, (2,), (1,), 'VALID', precision=lax.Precision.HIGHEST)",
        x=rand((2, 3, 5), BF16))
    for dt, alg in ((np.uint32, 0), (np.uint8, 0), (np.uint16, 1), (np.uint32, 2)):
        add(f"lax.rng_bit_generator(k, (2, 3), np.{np.dtype(dt).name}, lax.RandomAlgorithm({alg}))",
            k=key)
    add("lax.rng_bit_generator(k, (4,), np.int32)", k=key)
    for x in (1.0, 1, True, 2j, np.int16(3), np.float64, "bfloat16", np.ones(2, np.uint8)):
        add("lax.dtype(x)", x=x)
    return cases


CASES = _cases()


_JITTED = ("lax.split", "lax.tile", "lax.cumlogsumexp", "lax.approx", "lax.conv")
test_matches_jax = match_jax_test(CASES, jit=lambda k, expr: expr.startswith(_JITTED))


@pytest.mark.oracle
def test_x64_matches_jax(oracle):
    key64 = np.array([5, 7], np.uint64)
    cases = [
        ("lax.rng_bit_generator(k, (3,), np.uint64)", {"k": key64}),
        ("lax.rng_bit_generator(k, (2, 2), np.uint32)", {"k": key64}),
        ("lax.mulhi(x, y)", {"x": np.array([2**62, -3, 2**63 - 1], np.int64),
                             "y": np.array([8, 2**62, 2**63 - 1], np.int64)}),
        ("lax.mulhi(x, y)", {"x": np.array([2**64 - 1, 3], np.uint64),
                             "y": np.array([2**64 - 1, 2**63], np.uint64)}),
        ("lax.cumlogsumexp(x, reverse=True)", {"x": rand((6,), np.float64)}),
        ("lax.dtype(1.0)", {}),
    ]
    check_cases(oracle, cases, x64=True, jit=lambda k, expr: not expr.startswith("lax.dtype"))


# -- NumPy references and errors -------------------------------------------------------------


def test_broadcast_shapes_is_numpys():
    for shapes in [((3, 1), (4,)), ((1,), (4,)), ((3, 1), (1, 4), (5, 1, 1)), ((0,), (1,)),
                   ((2, 3),), ((), (2,)), ((1, 1), ())]:
        assert lax.broadcast_shapes(*shapes) == np.broadcast_shapes(*shapes)
    with pytest.raises(ValueError, match=r"Incompatible shapes.*\(3,\), \(4,\).*lax\."):
        lax.broadcast_shapes((3,), (4,))
    with pytest.raises(TypeError, match="lax.broadcast_shapes.*non-negative"):
        lax.broadcast_shapes((3,), (-1,))


def test_mulhi_is_the_high_half_of_the_product():
    rng = np.random.default_rng(0)
    for dt in INTS:
        info = np.iinfo(dt)
        x = rng.integers(info.min, info.max, 64, dtype=np.int64, endpoint=True)
        y = rng.integers(info.min, info.max, 64, dtype=np.int64, endpoint=True)
        want = ((x * y) >> info.bits).astype(dt)  # exact in int64 for <= 32-bit types
        np.testing.assert_array_equal(lax.mulhi(x.astype(dt), y.astype(dt)), want)
    with pytest.raises(TypeError, match="lax.mulhi"):
        lax.mulhi(np.float32(1), np.float32(2))


def test_cumlogsumexp_is_a_stable_log_cumsum_exp():
    x = rand((3, 7), F32) * 40  # exp overflows float32 near 89
    want = np.logaddexp.accumulate(x.astype(np.float64), axis=1)
    np.testing.assert_allclose(lax.cumlogsumexp(x, axis=1), want, rtol=1e-6)
    with pytest.raises(TypeError, match="lax.cumlogsumexp does not accept dtype int32"):
        lax.cumlogsumexp(np.arange(3, dtype=np.int32))


def test_argument_errors():
    with pytest.raises(ValueError, match="approx_max_k: operand must be a floating type"):
        lax.approx_max_k(np.arange(4, dtype=np.int32), 2)
    with pytest.raises(ValueError, match="approx_min_k: k must be positive"):
        lax.approx_min_k(np.ones(4, F32), 0)
    with pytest.raises(ValueError, match="reduction_input_size_override 10 .*operand.shape"):
        lax.approx_max_k(np.ones((2, 300), F32), 2, reduction_input_size_override=10)
    with pytest.raises(TypeError, match="lax.rng_bit_generator: key must be uint32.4. or uint64.2."):
        lax.rng_bit_generator(np.ones(3, np.uint32), (2,))


def test_optimization_barrier_in_jaxpr_and_hlo():
    def f(x):
        return lax.optimization_barrier(lax.sin(x)) + lax.sin(x)

    x = np.arange(3, dtype=F32)
    jaxpr = xjax.make_jaxpr(f)(x)
    assert [e.primitive.name for e in jaxpr.jaxpr.eqns].count("optimization_barrier") == 1
    assert "stablehlo.optimization_barrier" in xjax.jit(f).lower(x).as_text()
    np.testing.assert_allclose(xjax.jit(f)(x), 2 * np.sin(x), rtol=1e-6)
    assert lax.optimization_barrier(()) == ()


def test_dimension_number_types_exist():
    assert lax.ConvDimensionNumbers((0, 1, 2), (0, 1, 2), (0, 1, 2)).rhs_spec == (0, 1, 2)
    assert lax.DotDimensionNumbers is not None
    assert lax.RandomAlgorithm.RNG_PHILOX == 2 and str(lax.RandomAlgorithm.RNG_DEFAULT) == "RNG_DEFAULT"


# -- derivatives ---------------------------------------------------------------------------


@pytest.mark.usefixtures("x64")
def test_grads():
    x = rand((3, 4), np.float64) + 0.1
    img = rand((1, 2, 4, 3), np.float64, seed=3)
    check_grads(lambda a: lax.split(a, [1, 3], axis=1), (x,), order=2)
    check_grads(lambda a: lax.tile(a, (2, 3)), (x,), order=2)
    check_grads(lambda a: lax.cumlogsumexp(a, axis=1), (x,), order=2)
    check_grads(lambda a: lax.cumlogsumexp(a, axis=0, reverse=True), (x * 1j + x,), order=1)
    check_grads(lambda a: lax.optimization_barrier((a, 2 * a)), (x,), order=1)
    check_grads(lambda a: lax.approx_max_k(a, 2)[0], (_perm((3, 5), np.float64),), order=2)
    check_grads(lambda a: lax.approx_min_k(a, 2, reduction_dimension=0)[0],
                (_perm((3, 5), np.float64),), order=1)
    check_grads(lambda a: lax.conv_general_dilated_patches(a, (2, 2), (1, 1), "SAME"), (img,),
                order=1)
    check_grads(lambda a: lax.broadcast_to_rank(a, 3), (x,), order=1)


def test_grad_matches_jax(oracle):
    x = np.array([-2.0, 0.5, 0.5, 1.0, 3.0], F32)
    code = "out = [jax.grad(lambda a: (lax.cumlogsumexp(a) * w).sum())(x), " \
           "jax.grad(lambda a: (lax.tile(a, (2,)) * jnp.arange(10.)).sum())(x), " \
           "jax.grad(lambda a: lax.approx_max_k(a, 2)[0].sum())(x)]"
    w = np.arange(5, dtype=F32)
    want = oracle.exec(code, x=x, w=w)
    got = [xjax.grad(lambda a: (lax.cumlogsumexp(a) * w).sum())(x),
           xjax.grad(lambda a: (lax.tile(a, (2,)) * jnp.arange(10.0)).sum())(x),
           xjax.grad(lambda a: lax.approx_max_k(a, 2)[0].sum())(x)]
    assert_matches(got, want)


# -- vmap against a loop -----------------------------------------------------------------------


def _check_vmap(f, *xs, in_axes=0):
    """vmap(f) equals stacking f over the examples (batch dim moved to the front)."""
    axes = in_axes if isinstance(in_axes, tuple) else (in_axes,) * len(xs)
    n = next(x.shape[a] for x, a in zip(xs, axes) if a is not None)
    rows = [f(*[x if a is None else np.take(x, i, axis=a) for x, a in zip(xs, axes)])
            for i in range(n)]
    got = xjax.vmap(f, in_axes=in_axes)(*xs)
    want = xjax.tree_util.tree_map(lambda *r: np.stack([np.asarray(v) for v in r]), *rows)
    xjax.tree_util.tree_map(lambda g, w: np.testing.assert_allclose(g, w, rtol=1e-6), got, want)


def test_vmap_matches_loop():
    x = rand((3, 4, 5), F32)
    _check_vmap(lambda a: lax.split(a, [2, 3], axis=1), x, in_axes=1)
    _check_vmap(lambda a: lax.tile(a, (1, 2)), x, in_axes=2)
    _check_vmap(lambda a: lax.cumlogsumexp(a, axis=0, reverse=True), x, in_axes=1)
    _check_vmap(lambda a: lax.approx_max_k(a, 2), _perm((3, 4, 5)), in_axes=2)
    _check_vmap(lambda a: lax.approx_min_k(a, 3, aggregate_to_topk=False), _perm((2, 400)))
    _check_vmap(lambda a, b: lax.mulhi(a, b), rand((4, 3), np.int32) * 99999,
                rand((3,), np.int32) * 77777, in_axes=(0, None))
    _check_vmap(lambda a: lax.optimization_barrier((a, a * 2)), x, in_axes=0)
    _check_vmap(lambda a: lax.conv_general_dilated_patches(a[None], (2, 2), (1, 1), "VALID"),
                rand((3, 2, 4, 5), F32), in_axes=0)


@pytest.mark.oracle
def test_vmap_rng_bit_generator_matches_jax(oracle):
    keys = np.arange(8, dtype=np.uint32).reshape(2, 4)
    expr = "jax.vmap(lambda k: lax.rng_bit_generator(k, (3,)))(keys)"
    want = oracle.eval(expr, keys=keys)
    assert_matches(xjax.vmap(lambda k: lax.rng_bit_generator(k, (3,)))(keys), want)


# -- primitive objects ---------------------------------------------------------------------------


# The family modules behind xjax.lax (the primitives of other lax modules are not checked here).
FAMILIES = ("elementwise", "logic", "conversions", "shape", "slicing", "gather", "scatter",
            "reductions", "sorting", "windowed", "dot", "conv", "ad_util", "rng", "collectives",
            "loops", "control_flow")


@pytest.mark.oracle
def test_exports_jax_primitive_names(oracle):
    """Every primitive JAX exposes as `jax.lax.<name>_p` that the lax families define (same
    primitive name) is exported as `xjax.lax.<name>_p`."""
    import importlib

    ours = {v.name for m in FAMILIES for v in vars(importlib.import_module(f"xjax._src.lax.{m}"))
            .values() if isinstance(v, Primitive)}
    jax_prims = oracle.eval("{n: getattr(lax, n).name for n in dir(lax) if n.endswith('_p')}")
    missing = [n for n, prim in sorted(jax_prims.items()) if prim in ours and not hasattr(lax, n)]
    assert not missing, f"xjax.lax lacks {missing}"
    wrong = [n for n, prim in jax_prims.items() if hasattr(lax, n) and getattr(lax, n).name != prim]
    assert not wrong, wrong
    for n in ("split_p", "tile_p", "cumlogsumexp_p", "mulhi_p", "optimization_barrier_p",
              "rng_bit_generator_p", "scan_p", "cond_p", "while_p", "conv_general_dilated_p"):
        assert n in jax_prims and isinstance(getattr(lax, n), Primitive), n
