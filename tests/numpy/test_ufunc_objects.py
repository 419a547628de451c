"""The built-in jnp ufunc objects (`jnp.add`, `jnp.multiply`, `jnp.maximum`, `jnp.logical_and`,
`jnp.bitwise_xor`, `jnp.logaddexp`, `jnp.negative`...) against real JAX: which names are ufuncs,
their nin/nout/identity, and `reduce`, `accumulate`, `at`, `outer`, `reduceat` (values, dtypes,
weak types, errors; jit, vmap, grad). Direct calls are covered by tests/numpy/test_ufuncs.py."""

import copy
import inspect

import numpy as np
import pytest

import xjax.numpy as xnp
from tests._util import check, make
from xjax._src.numpy import ufuncs as plain

pytestmark = pytest.mark.oracle

BINARY = ["add", "bitwise_and", "bitwise_or", "bitwise_xor", "logaddexp", "logaddexp2", "logical_and",
          "logical_or", "logical_xor", "maximum", "minimum", "multiply", "subtract"]
NAMES = [*BINARY, "negative"]

_INPUTS = {
    "x": make("float32", (3, 4), seed=1),
    "y": make("float32", (4,), seed=2),
    "h": make("float16", (3, 4), seed=3),
    "i": make("int32", (3, 4), seed=4),
    "u": make("uint8", (3, 4), seed=5),
    "b": make("bool", (3, 4), seed=6),
    "c": make("complex64", (2, 3), seed=7),
    "e": np.zeros((0, 3), np.float32),
    "ei": np.zeros((0, 3), np.int32),
    "m": make("bool", (3, 4), seed=8),
    "idx": np.array([0, 2, 0, 1, 2], np.int32),
    "v": make("float32", (5,), seed=9),
}


def test_which_names_are_ufuncs(oracle):
    probe = ("sorted(n for n in dir(jnp) if isinstance(getattr(jnp, n), jnp.ufunc) "
             "and not n.startswith('_'))")
    want = oracle.eval(probe)
    got = sorted(n for n in dir(xnp) if isinstance(getattr(xnp, n), xnp.ufunc) and not n.startswith("_"))
    assert got == list(want) == sorted(NAMES)


def test_ufunc_attributes(oracle):
    expr = "[(u.__name__, repr(u), u.nin, u.nout, u.nargs, repr(u.identity), type(u.identity).__name__) " \
           "for u in [getattr(jnp, n) for n in names]]"
    want = oracle.eval(expr, names=NAMES)
    got = eval(expr, {"jnp": xnp, "names": NAMES})
    assert [tuple(w if isinstance(w, str) else w.item() for w in t) for t in want] == got


def test_ufunc_objects_call_the_plain_functions():
    # no wrapper frame: the class attribute `__call__` is the function of ufuncs.py itself
    for name in NAMES:
        u = getattr(xnp, name)
        assert isinstance(u, xnp.ufunc) and type(u).__dict__["__call__"].__func__ is getattr(plain, name)
        assert inspect.signature(u) == inspect.signature(getattr(plain, name))
        assert u.__doc__.startswith(getattr(plain, name).__doc__)
    assert copy.deepcopy(xnp.add) == xnp.add and hash(xnp.add) == hash(copy.copy(xnp.add))
    assert xnp.add != xnp.multiply and len({xnp.add, xnp.add, xnp.subtract}) == 2


REDUCE = [
    # add / multiply: jnp.sum / jnp.prod
    "jnp.add.reduce(x)", "jnp.add.reduce(x, axis=1)", "jnp.add.reduce(x, axis=None)",
    "jnp.add.reduce(x, axis=(0, 1), keepdims=True)", "jnp.add.reduce(b)", "jnp.add.reduce(u, axis=1)",
    "jnp.add.reduce(h)", "jnp.add.reduce(x, initial=2.0)", "jnp.add.reduce(x, where=m)",
    "jnp.add.reduce(i, dtype=jnp.float32)", "jnp.add.reduce(e)", "jnp.multiply.reduce(i, axis=1)",
    "jnp.multiply.reduce(b)", "jnp.multiply.reduce(x, where=m, initial=3.0)", "jnp.multiply.reduce(e)",
    # maximum / minimum: no identity
    "jnp.maximum.reduce(x)", "jnp.maximum.reduce(i, axis=None, keepdims=True)", "jnp.minimum.reduce(b)",
    "jnp.minimum.reduce(x, axis=1, initial=-1.0)", "jnp.maximum.reduce(x, where=m, initial=0.0)",
    "jnp.maximum.reduce(e, axis=1)", "jnp.minimum.reduce(u, axis=1)",
    # bitwise: integers and bools, identity -1 / 0 / 0
    "jnp.bitwise_and.reduce(i)", "jnp.bitwise_and.reduce(u, axis=1)", "jnp.bitwise_and.reduce(b)",
    "jnp.bitwise_and.reduce(i, where=m)", "jnp.bitwise_and.reduce(u, where=m, axis=None)",
    "jnp.bitwise_or.reduce(i, axis=1)", "jnp.bitwise_or.reduce(u, initial=64)",
    "jnp.bitwise_xor.reduce(i)", "jnp.bitwise_xor.reduce(b, axis=1)", "jnp.bitwise_xor.reduce(ei)",
    "jnp.bitwise_xor.reduce(u, where=m, keepdims=True)",
    # logical: cast to bool first (complex by its real part)
    "jnp.logical_and.reduce(x)", "jnp.logical_and.reduce(i, axis=1)", "jnp.logical_or.reduce(b)",
    "jnp.logical_or.reduce(x, where=m)", "jnp.logical_xor.reduce(b, axis=None)",
    "jnp.logical_xor.reduce(i, axis=1, keepdims=True)", "jnp.logical_and.reduce(c)",
    "jnp.logical_or.reduce(e)", "jnp.logical_and.reduce(i, dtype=jnp.int32)",
    "jnp.logical_xor.reduce(b, initial=True)",
    # logaddexp: log-sum-exp
    "jnp.logaddexp.reduce(x)", "jnp.logaddexp.reduce(x, axis=1, keepdims=True)",
    "jnp.logaddexp.reduce(x, axis=None, initial=1.0)", "jnp.logaddexp.reduce(x, where=m)",
    "jnp.logaddexp.reduce(i)", "jnp.logaddexp.reduce(e)", "jnp.logaddexp.reduce(h, axis=1)",
    "jnp.logaddexp.reduce(jnp.array([-jnp.inf, -jnp.inf]))", "jnp.logaddexp.reduce(jnp.array([jnp.inf, 1.0]))",
    "jnp.logaddexp2.reduce(x)", "jnp.logaddexp2.reduce(x, axis=1, initial=0.5)",
    "jnp.logaddexp2.reduce(i, axis=None)", "jnp.logaddexp2.reduce(x, where=m, keepdims=True)",
    # subtract: the generic loop
    "jnp.subtract.reduce(x)", "jnp.subtract.reduce(i, axis=1)", "jnp.subtract.reduce(x, axis=None)",
    "jnp.subtract.reduce(x, initial=1.0)",
    # errors
    "jnp.negative.reduce(x)", "jnp.maximum.reduce(e)", "jnp.maximum.reduce(x, where=m)",
    "jnp.subtract.reduce(x, where=m)", "jnp.subtract.reduce(e)", "jnp.add.reduce(x, where=i)",
    "jnp.bitwise_and.reduce(x)", "jnp.bitwise_or.reduce(h)", "jnp.add.reduce([1, 2])",
    "jnp.add.reduce(x, axis=2)", "jnp.subtract.reduce(x, axis=(0, 1))",
]

ACCUMULATE = [
    "jnp.add.accumulate(x)", "jnp.add.accumulate(x, axis=1)", "jnp.add.accumulate(b)",
    "jnp.add.accumulate(u, axis=1)", "jnp.add.accumulate(i, dtype=jnp.float32)", "jnp.add.accumulate(e)",
    "jnp.multiply.accumulate(i, axis=-1)", "jnp.multiply.accumulate(b)", "jnp.add.accumulate(x, axis=None)",
    "jnp.maximum.accumulate(x)", "jnp.minimum.accumulate(i, axis=1)", "jnp.subtract.accumulate(x, axis=1)",
    "jnp.logical_or.accumulate(b)", "jnp.logical_and.accumulate(i, axis=1)", "jnp.bitwise_xor.accumulate(u)",
    "jnp.logaddexp.accumulate(x, axis=1)", "jnp.logaddexp2.accumulate(x)", "jnp.maximum.accumulate(e)",
    # errors
    "jnp.negative.accumulate(x)", "jnp.maximum.accumulate(x, axis=None)", "jnp.add.accumulate(x, out=x)",
]

AT = [
    "jnp.add.at(v, idx, 1.0, inplace=False)", "jnp.add.at(v, idx, v, inplace=False)",
    "jnp.add.at(x, (idx[:3], np.array([0, 3, 0])), 2.0, inplace=False)", "jnp.add.at(x, 1, y, inplace=False)",
    "jnp.add.at(i, (0, 1), 7, inplace=False)", "jnp.add.at(b[0], idx[:3], True, inplace=False)",
    "jnp.add.at(b[0], idx[:3], 0.0, inplace=False)", "jnp.add.at(v, idx, 1.5, inplace=False).dtype",
    "jnp.multiply.at(v, idx, 2.0, inplace=False)", "jnp.multiply.at(b[0], idx[:3], False, inplace=False)",
    "jnp.multiply.at(i[0], idx[:3], i[1, :3], inplace=False)", "jnp.subtract.at(v, idx, 1.0, inplace=False)",
    "jnp.subtract.at(i, (0, 1), 3, inplace=False)", "jnp.add.at(np.arange(5.0), idx, 1.0, inplace=False)",
    "jnp.maximum.at(v, idx, 0.5, inplace=False)", "jnp.minimum.at(i[0], idx[:3], i[1, :3], inplace=False)",
    "jnp.logical_and.at(i[0], idx[:3], 0, inplace=False)", "jnp.bitwise_or.at(u[0], idx[:3], 8, inplace=False)",
    "jnp.logaddexp.at(v, idx, 0.0, inplace=False)", "jnp.negative.at(v, idx, inplace=False)",
    # errors
    "jnp.add.at(v, idx, 1.0)", "jnp.add.at(v, slice(0, 2), 1.0, inplace=False)",
    "jnp.add.at(v, v > 0, 1.0, inplace=False)", "jnp.maximum.at(v, [0, 1], 1.0, inplace=False)",
]

OUTER = [
    "jnp.add.outer(y, idx)", "jnp.multiply.outer(x, y)", "jnp.maximum.outer(i[0], i[1])",
    "jnp.logical_and.outer(b[0], i[1])", "jnp.bitwise_xor.outer(u[0], u[1])", "jnp.subtract.outer(3, y)",
    "jnp.logaddexp.outer(y, y)", "jnp.negative.outer(y, y)",
    "jnp.add.reduceat(v, np.array([0, 2, 3]))", "jnp.maximum.reduceat(x, np.array([0, 2]), axis=1)",
    "jnp.multiply.reduceat(i, np.array([1, 0]))", "jnp.logical_or.reduceat(b[0], np.array([0, 2]))",
    "jnp.negative.reduceat(v, np.array([0]))",
]

TRANSFORMED = [
    "jax.jit(jnp.add)(x, y)", "jax.jit(lambda x: jnp.add.reduce(x, axis=1))(x)",
    "jax.jit(lambda f, x: f.reduce(x), static_argnums=0)(jnp.maximum, x)",
    "jax.jit(lambda x: jnp.multiply.accumulate(x))(x)",
    "jax.jit(lambda x, v: jnp.add.at(x, idx, v, inplace=False))(v, v)",
    "jax.vmap(jnp.logaddexp.reduce)(x)", "jax.vmap(jnp.add.at, in_axes=(0, None, 0))(x, 1, y)",
    "jax.grad(lambda x: jnp.multiply.reduce(x))(y)", "jax.grad(lambda x: jnp.logaddexp.reduce(x))(y)",
    "jax.grad(lambda x: jnp.logaddexp2.reduce(x, initial=1.0))(y)",
    "jax.grad(lambda x: jnp.maximum.reduce(x).sum())(x)",
    "jax.grad(lambda x: (jnp.add.at(x, idx, 2.0 * x, inplace=False) ** 2).sum())(v)",
    "jax.grad(lambda x: jnp.logaddexp.reduce(jnp.array([-jnp.inf, -jnp.inf]) + x))(1.0)",
]


# one or two cases per ufunc and method run by default; the full tables are marked slow
CORE = [
    "jnp.add.reduce(x, axis=1)", "jnp.add.reduce(b)", "jnp.multiply.reduce(x, where=m, initial=3.0)",
    "jnp.maximum.reduce(i, axis=None, keepdims=True)", "jnp.minimum.reduce(x, axis=1, initial=-1.0)",
    "jnp.bitwise_and.reduce(u, where=m, axis=None)", "jnp.bitwise_or.reduce(i, axis=1)",
    "jnp.bitwise_xor.reduce(b, axis=1)", "jnp.logical_and.reduce(c)", "jnp.logical_or.reduce(x, where=m)",
    "jnp.logical_xor.reduce(i, axis=1, keepdims=True)", "jnp.logaddexp.reduce(x, axis=None, initial=1.0)",
    "jnp.logaddexp2.reduce(x, axis=1, initial=0.5)", "jnp.subtract.reduce(i, axis=1)",
    "jnp.maximum.reduce(x, where=m)", "jnp.bitwise_and.reduce(x)", "jnp.negative.reduce(x)",
    "jnp.add.accumulate(b)", "jnp.maximum.accumulate(x)", "jnp.negative.accumulate(x)",
    "jnp.add.at(v, idx, v, inplace=False)", "jnp.add.at(b[0], idx[:3], True, inplace=False)",
    "jnp.subtract.at(v, idx, 1.0, inplace=False)", "jnp.maximum.at(v, idx, 0.5, inplace=False)",
    "jnp.add.at(v, idx, 1.0)", "jnp.multiply.outer(x, y)", "jnp.add.reduceat(v, np.array([0, 2, 3]))",
    "jax.jit(lambda f, x: f.reduce(x), static_argnums=0)(jnp.maximum, x)",
    "jax.grad(lambda x: jnp.logaddexp.reduce(x))(y)",
]


def test_core(oracle):
    check(oracle, CORE, _INPUTS, rtol=1e-5, atol=1e-5)


def _more(cases: list[str]) -> list[str]:
    return [c for c in cases if c not in CORE]


@pytest.mark.slow
def test_reduce(oracle):
    check(oracle, _more(REDUCE), _INPUTS, rtol=1e-5, atol=1e-5)


@pytest.mark.slow
def test_accumulate_at(oracle):
    check(oracle, _more(ACCUMULATE + AT), _INPUTS, rtol=1e-5, atol=1e-5)


@pytest.mark.slow
def test_outer_reduceat_and_transforms(oracle):
    check(oracle, _more(OUTER + TRANSFORMED), _INPUTS, rtol=1e-5, atol=1e-5)
