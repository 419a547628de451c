"""xjax/_src/dtypes.py against jax.dtypes: promotion tables, canonicalisation, categories.

Each x64 mode costs one oracle call, which returns every table at once.
"""

from types import SimpleNamespace

import ml_dtypes
import numpy as np
import pytest

from xjax._src import dtypes
from xjax._src.config import config

pytestmark = pytest.mark.oracle

NAMES = [
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "bfloat16", "float16", "float32", "float64", "complex64", "complex128",
]  # fmt: skip
DTYPES = [np.dtype(ml_dtypes.bfloat16) if n == "bfloat16" else np.dtype(n) for n in NAMES]
CATEGORIES = [
    np.generic, np.number, np.integer, np.signedinteger, np.unsignedinteger,
    np.inexact, np.floating, np.complexfloating, np.bool_,
]  # fmt: skip
SUBDTYPE_ARGS = DTYPES + [ml_dtypes.bfloat16, np.float32, np.int8, bool, int, float, complex]
PROMOTE_ARGS = DTYPES + [bool, int, float, complex, np.dtype(object)]
# jax canonicalises any dtype; xjax's canonicalize_dtype rejects the unsupported ones (object).
CANONICALIZE_ARGS = DTYPES + [bool, int, float, complex, "int64", np.float64, ml_dtypes.bfloat16]


def _operands() -> list[tuple[str, tuple]]:
    """(label, spec): spec ("value", v) is passed as is, ("weak", name) is a weak array."""
    ops = [(f"np {n} array", ("value", np.zeros((), dt))) for n, dt in zip(NAMES, DTYPES)]
    ops += [(f"weak {n} array", ("weak", n)) for n in NAMES]
    ops += [(repr(v), ("value", v)) for v in (True, 1, 1.0, 1j)]
    ops += [(f"dtype {n}", ("value", dt)) for n, dt in zip(NAMES, DTYPES)]
    ops += [(t.__name__, ("value", t)) for t in (bool, int, float, complex, np.int16)]
    ops += [("'float16'", ("value", "float16")), ("None", ("value", None))]
    ops += [("object array", ("value", np.empty((), object))), ("'U3'", ("value", "U3"))]
    return ops


OPERANDS = _operands()
_rng = np.random.default_rng(0)
TRIPLES = [tuple(int(i) for i in _rng.integers(len(OPERANDS), size=3)) for _ in range(400)]

# Runs in both processes: a call's result, or its error's class, as comparable strings.
_DESCRIBE = """
def describe(f, *args):
    try:
        r = f(*args)
    except Exception as e:  # errors are compared by type name
        return ("error", type(e).__name__)
    if isinstance(r, tuple):
        return (str(r[0]), "weak" if r[1] else "strong")
    return str(r)  # dtype names, and True/False (a bool would come back as an OracleArray)
"""
_describe_ns: dict = {}
exec(_DESCRIBE, _describe_ns)  # noqa: S102  (one source for both processes)
_describe = _describe_ns["describe"]

# Runs in the oracle; `specs`, `triples`, `cats`, `sub_args`, `promote_args`, `canon_args` are inputs.
_JAX_TABLES = _DESCRIBE + """
import warnings
from jax._src import dtypes as jdt  # dtype() and is_weakly_typed() are not public
from jax._src.lax.lax import _convert_element_type

def make(spec):
    kind, v = spec
    return _convert_element_type(np.zeros((), v), np.dtype(v), weak_type=True) if kind == "weak" else v

rt = lambda *a: jax.dtypes.result_type(*a, return_weak_type_flag=True)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    ops = [make(s) for s in specs]
    out = {
        "weak": [(str(o.dtype), str(o.aval.weak_type)) if s[0] == "weak" else None
                 for o, s in zip(ops, specs)],
        "single": [describe(rt, a) for a in ops],
        "pairs": [[describe(rt, a, b) for b in ops] for a in ops],
        "triples": [describe(rt, *(ops[i] for i in t)) for t in triples],
        "dtype": [describe(jdt.dtype, a) for a in ops],
        "is_weakly_typed": [describe(jdt.is_weakly_typed, a) for a in ops],
        "promote": [[describe(jnp.promote_types, a, b) for b in promote_args]
                    for a in promote_args],
        "canonicalize": [describe(jax.dtypes.canonicalize_dtype, d) for d in canon_args],
        "issubdtype": [[describe(jax.dtypes.issubdtype, a, b) for b in sub_args + cats]
                       for a in sub_args],
    }
"""


@pytest.fixture(scope="module")
def jax_tables(oracle):
    """Every table from jax, per x64 mode."""
    inputs = {
        "specs": [s for _, s in OPERANDS],
        "triples": TRIPLES,
        "cats": CATEGORIES,
        "sub_args": SUBDTYPE_ARGS,
        "promote_args": PROMOTE_ARGS,
        "canon_args": CANONICALIZE_ARGS,
    }
    tables = {x64: oracle.exec(_JAX_TABLES, x64=x64, **inputs) for x64 in (False, True)}
    for t in tables.values():
        assert isinstance(t, dict), f"the oracle's tables failed: {t}"
    return tables


@pytest.fixture(params=[False, True], ids=["x32", "x64"])
def x64(request):
    old = config.jax_enable_x64
    config.update("jax_enable_x64", request.param)
    try:
        yield request.param
    finally:
        config.update("jax_enable_x64", old)




def _xjax_operands(weak: list) -> list:
    """Our operands; a weak array is a stand-in with the aval jax's weak array has."""
    ops = []
    for (_, (kind, v)), w in zip(OPERANDS, weak):
        if kind == "weak":
            dt = np.dtype(ml_dtypes.bfloat16) if w[0] == "bfloat16" else np.dtype(w[0])
            aval = SimpleNamespace(dtype=dt, weak_type=w[1] == "True")
            v = SimpleNamespace(dtype=dt, shape=(), aval=aval)
        ops.append(v)
    return ops


def _check(mismatches: list, limit: int = 40) -> None:
    if mismatches:
        lines = [f"{args}: xjax {got} != jax {want}" for args, got, want in mismatches[:limit]]
        more = len(mismatches) - limit
        pytest.fail(
            f"{len(mismatches)} mismatches:\n"
            + "\n".join(lines)
            + (f"\n... {more} more" * (more > 0))
        )


def _rt(*args):
    return dtypes.result_type(*args, return_weak_type_flag=True)


def test_weak_arrays_are_weak(jax_tables, x64):
    weak = [w for w in jax_tables[x64]["weak"] if w is not None]
    assert [w for _, w in weak] == ["True"] * len(NAMES)  # jax has weak bool arrays too


def test_result_type_single(jax_tables, x64):
    t = jax_tables[x64]
    ops = _xjax_operands(t["weak"])
    _check([
        (label, got, want)
        for (label, _), op, want in zip(OPERANDS, ops, t["single"])
        if (got := _describe(_rt, op)) != want
    ])  # fmt: skip


def test_result_type_pairs(jax_tables, x64):
    t = jax_tables[x64]
    ops = _xjax_operands(t["weak"])
    mismatches = []
    for (la, _), a, row in zip(OPERANDS, ops, t["pairs"]):
        for (lb, _), b, want in zip(OPERANDS, ops, row):
            if (got := _describe(_rt, a, b)) != want:
                mismatches.append(((la, lb), got, want))
    _check(mismatches)


def test_result_type_triples(jax_tables, x64):
    t = jax_tables[x64]
    ops = _xjax_operands(t["weak"])
    mismatches = []
    for idx, want in zip(TRIPLES, t["triples"]):
        if (got := _describe(_rt, *(ops[i] for i in idx))) != want:
            mismatches.append((tuple(OPERANDS[i][0] for i in idx), got, want))
    _check(mismatches)


@pytest.mark.parametrize("fn", ["dtype", "is_weakly_typed"])
def test_dtype_and_is_weakly_typed(jax_tables, x64, fn):
    t = jax_tables[x64]
    ops = _xjax_operands(t["weak"])
    f = getattr(dtypes, fn)
    _check([
        (label, got, want)
        for (label, _), op, want in zip(OPERANDS, ops, t[fn])
        if (got := _describe(f, op)) != want
    ])  # fmt: skip


def test_promote_types(jax_tables, x64):
    mismatches = []
    for a, row in zip(PROMOTE_ARGS, jax_tables[x64]["promote"]):
        for b, want in zip(PROMOTE_ARGS, row):
            if (got := _describe(dtypes.promote_types, a, b)) != want:
                mismatches.append(((a, b), got, want))
    _check(mismatches)


def test_canonicalize_dtype(jax_tables, x64):
    _check([
        (a, got, want)
        for a, want in zip(CANONICALIZE_ARGS, jax_tables[x64]["canonicalize"])
        if (got := _describe(dtypes.canonicalize_dtype, a)) != want
    ])  # fmt: skip


def test_issubdtype(jax_tables):
    mismatches = []
    for a, row in zip(SUBDTYPE_ARGS, jax_tables[False]["issubdtype"]):
        for b, want in zip(SUBDTYPE_ARGS + CATEGORIES, row):
            if (got := _describe(dtypes.issubdtype, a, b)) != want:
                mismatches.append(((a, b), got, want))
    _check(mismatches)


def test_bfloat16_is_floating():
    assert dtypes.issubdtype(dtypes.bfloat16, np.floating)
    assert dtypes.issubdtype(dtypes.bfloat16, np.inexact)
    assert not dtypes.issubdtype(dtypes.bfloat16, np.integer)
