"""Shared by the lax family tests.

Tables: an expression sees `lax`, `np` and `ml_dtypes` (xjax.lax here, jax.lax in the oracle)
plus the case's numpy inputs; `match_jax_test` makes the one-test-per-case comparison against a
module's table (one oracle round trip per process), `check_cases` checks a small table at once.
Errors must have JAX's class and a message that names the lax API.

vmap drivers (the *_vmap tests): a case is (name, per-example function source, {argument:
generator of one example}); vmap over the stacked examples must equal a Python loop of the
unbatched function, also under jit, and a sample equals `jax.vmap` through the oracle.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import ml_dtypes
import numpy as np
import pytest

import xjax
from tests import _util
from tests.oracle import assert_matches
from xjax._src.core import check_jaxpr

LAX = _util.Namespace(lax="lax")

DTYPES = [np.dtype(d) for d in (np.bool_, np.int8, np.int16, np.int32, np.uint8, np.uint32,
                                ml_dtypes.bfloat16, np.float16, np.float32, np.complex64)]


def rand(shape: tuple, dtype: Any, seed: int = 0) -> np.ndarray:
    """Small random values of `dtype` (ints in [-5, 5) or [0, 10), floats with a fraction)."""
    rng = np.random.default_rng(seed)
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return rng.random(shape) < 0.5
    if dtype.kind == "u":
        return rng.integers(0, 10, shape).astype(dtype)
    if dtype.kind == "i":
        return rng.integers(-5, 5, shape).astype(dtype)
    if dtype.kind == "c":
        return (rng.integers(-4, 4, shape) + 1j * rng.integers(-4, 4, shape)).astype(dtype)
    return (rng.integers(-8, 8, shape) / 4).astype(dtype)


def draw(rng: np.random.Generator, shape: tuple, dtype: Any, int_hi: int) -> np.ndarray:
    """Standard normal floats (complex: both parts), integers in [0, int_hi), coin flips."""
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return rng.random(shape) > 0.5
    if dtype.kind in "iu":
        return rng.integers(0, int_hi, shape).astype(dtype)
    if dtype.kind == "c":
        return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


# ---------------------------------------------------------------------------------------------
# Tables of (expression, inputs)


def oracle_results(oracle: Any, cases: list[tuple[str, dict]], x64: bool = False) -> list:
    """JAX's result (or `("__error__", class, message)`) for each case, in one round trip."""
    return _util.ask_oracle(oracle, cases, ns=LAX, x64=x64)


def check_case(expr: str, inputs: dict, want: Any, jit: bool = False) -> None:
    """xjax's result equals JAX's; errors have JAX's type and a message naming the lax API.
    With `jit`, also runs under xjax.jit (array inputs as arguments) and type-checks the jaxpr."""
    msg = _util.compare(expr, LAX.scope(inputs), want, inputs=inputs, error_says="lax.", jit=jit)
    assert not msg, f"{expr}: {msg}"


def check_cases(oracle: Any, cases: list[tuple[str, dict]], *, x64: bool = False,
                jit: bool | Callable[[int, str], bool] = False) -> None:
    """`check_case` for every case of a table (in 64-bit mode when `x64`), all failures listed."""
    _util.check(oracle, cases, ns=LAX, x64=x64, error_says="lax.", jit=jit)


def match_jax_test(cases: list[tuple[str, dict]],
                   jit: Callable[[int, str], bool] = lambda k, expr: False) -> Callable:
    """A test parametrized over the table's cases (ids: the expressions): `check_case` against
    JAX's results, asked for once per process; `jit(index, expr)` says which also run jitted."""
    results: list = []

    @pytest.mark.oracle
    @pytest.mark.parametrize("k", range(len(cases)), ids=[e for e, _ in cases])
    def test(oracle: Any, k: int) -> None:
        if not results:
            results.append(oracle_results(oracle, cases))
        expr, inputs = cases[k]
        check_case(expr, inputs, results[0][k], jit=jit(k, expr))

    return test


# ---------------------------------------------------------------------------------------------
# vmap against a loop

SIZES = (0, 1, 3)


def compile_fn(src: str) -> Callable:
    return eval(src, {"lax": xjax.lax, "np": np})


def examples(case: tuple, seed: int = 0) -> dict:
    """Three examples of every argument, stacked along axis 0."""
    _, _, gens = case
    rng = np.random.default_rng(seed)
    return {k: np.stack([g(rng) for _ in range(3)]) for k, g in gens.items()}


def batched(stacked: dict, in_axes: tuple, n: int) -> list:
    """The first `n` examples of each mapped argument at its axis; example 0 of unmapped ones."""
    return [a[0] if ax is None else np.moveaxis(a[:n], 0, ax)
            for a, ax in zip(stacked.values(), in_axes)]


def leaves(out: object) -> list:
    return list(out) if isinstance(out, (tuple, list)) else [out]


def loop(f: Callable, stacked: dict, in_axes: tuple) -> list[np.ndarray]:
    """np.stack of the unbatched function over the three examples, per output."""
    outs = []
    for k in range(3):
        args = [a[0] if ax is None else a[k] for a, ax in zip(stacked.values(), in_axes)]
        outs.append([np.asarray(o) for o in leaves(f(*args))])
    return [np.stack(col) for col in zip(*outs)]


def assert_outputs(got: object, want: list, n: int) -> None:
    """Every output has the loop's dtype and exactly its first `n` rows."""
    got = leaves(got)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype, (g.dtype, w.dtype)
        np.testing.assert_array_equal(np.asarray(g), w[:n], err_msg=f"batch size {n}")


def axes_combos(case: tuple, light: set[str], every_axis: bool) -> list[tuple]:
    """Every nonempty choice of mapped arguments at axis 0; where the batched rank allows (and
    the case is not in `light`), axes 1 and -1 on one argument at a time, the others at 0. Without
    `every_axis`, that is with every argument mapped, plus axis -1 on an argument mapped alone."""
    name, _, gens = case
    ranks = [np.ndim(g(np.random.default_rng(0))) + 1 for g in gens.values()]
    combos = []
    for mapped in itertools.product((False, True), repeat=len(ranks)):
        if not any(mapped):
            continue
        base = tuple(0 if m else None for m in mapped)
        combos.append(base)
        if every_axis or all(mapped):
            axes = (1, -1)
        else:
            axes = (-1,) if sum(mapped) == 1 else ()
        for k, (m, r) in enumerate(zip(mapped, ranks)):
            if m and r >= 2 and name not in light:
                combos += [base[:k] + (ax,) + base[k + 1 :] for ax in axes]
    return combos


def vmap_loop_tests(cases: list[tuple], light: set[str], every_axis: bool,
                    jit_reference: str = "loop") -> tuple:
    """Two tests over a module's vmap cases: vmap at batch sizes 0, 1 and 3 equals the loop
    (parametrized over each case's `axes_combos`); jit(vmap(f)) and vmap(jit(f)) equal the loop,
    or vmap(f) with `jit_reference="vmap"` (cheaper: no eager loop), with the first argument at
    -1 where it can be, and the jaxpr of vmap(f) type-checks."""
    by_name = {c[0]: c for c in cases}
    params = [pytest.param(c[0], axes, id=f"{c[0]}-{axes}")
              for c in cases for axes in axes_combos(c, light, every_axis)]

    @pytest.mark.parametrize("name,in_axes", params)
    def test_vmap_matches_loop(name: str, in_axes: tuple) -> None:
        case = by_name[name]
        f = compile_fn(case[1])
        stacked = examples(case)
        want = loop(f, stacked, in_axes)
        vf = xjax.vmap(f, in_axes=in_axes)
        for n in SIZES:
            assert_outputs(vf(*batched(stacked, in_axes, n)), want, n)

    @pytest.mark.parametrize("name", [c[0] for c in cases])
    def test_jit_of_vmap_and_vmap_of_jit(name: str) -> None:
        case = by_name[name]
        f = compile_fn(case[1])
        stacked = examples(case, seed=1)
        in_axes = tuple(-1 if i == 0 and np.ndim(a) >= 2 else 0
                        for i, a in enumerate(stacked.values()))
        args = batched(stacked, in_axes, 3)
        if jit_reference == "loop":
            want = loop(f, stacked, in_axes)
        else:
            want = [np.asarray(o) for o in leaves(xjax.vmap(f, in_axes=in_axes)(*args))]
        assert_outputs(xjax.jit(xjax.vmap(f, in_axes=in_axes))(*args), want, 3)
        assert_outputs(xjax.vmap(xjax.jit(f), in_axes=in_axes)(*args), want, 3)
        check_jaxpr(xjax.make_jaxpr(xjax.vmap(f, in_axes=in_axes))(*args).jaxpr)

    return test_vmap_matches_loop, test_jit_of_vmap_and_vmap_of_jit


_VMAP_CODE = """
out = [jax.vmap(eval(src, dict(lax=lax, np=np)), in_axes=axes)(*args) for src, axes, args in cases]
"""


def check_vmap_matches_jax(oracle: Any, cases: list[tuple], sample: list[tuple]) -> None:
    """xjax.vmap equals jax.vmap (one round trip) for each (case name, in_axes) of `sample`."""
    by_name = {c[0]: c for c in cases}
    todo, got = [], []
    for name, in_axes in sample:
        case = by_name[name]
        args = batched(examples(case, seed=2), in_axes, 3)
        todo.append((case[1], in_axes, args))
        got.append(xjax.vmap(compile_fn(case[1]), in_axes=in_axes)(*args))
    want = oracle.exec(_VMAP_CODE, cases=todo)
    for s, g, w in zip(sample, got, want):
        try:
            assert_matches(g, w)
        except AssertionError as err:
            raise AssertionError(f"{s}: {err}") from None
