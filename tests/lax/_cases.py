"""Shared by the lax family tests: run a table of expressions in real JAX (one oracle round
trip) and in xjax, and compare. An expression is evaluated with `lax`, `np` and `ml_dtypes`
bound (to xjax.lax in this process, jax.lax in the oracle) plus the case's numpy inputs."""

from __future__ import annotations

from typing import Any

import ml_dtypes
import numpy as np
import pytest

import xjax
from tests.oracle import assert_matches
from xjax._src.core import check_jaxpr

_CODE = """
def _one(e, inp):
    try:
        return eval(e, dict(lax=lax, np=np, jnp=jnp, ml_dtypes=ml_dtypes, **inp))
    except Exception as err:
        return "ERR:" + type(err).__name__
out = [_one(e, inp) for e, inp in cases]
"""

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


def oracle_results(oracle: Any, cases: list[tuple[str, dict]], x64: bool = False) -> list:
    """JAX's result (or "ERR:<TypeName>") for each (expr, inputs) case, in one round trip."""
    return oracle.exec(_CODE, x64=x64, cases=list(cases))


def run_xjax(expr: str, inputs: dict) -> Any:
    return eval(expr, dict(lax=xjax.lax, np=np, ml_dtypes=ml_dtypes, **inputs))


def check_case(expr: str, inputs: dict, want: Any, jit: bool = False) -> None:
    """xjax's result equals JAX's; errors have JAX's type and a message naming the lax API.
    With `jit`, also runs under xjax.jit (array inputs as arguments) and type-checks the jaxpr."""
    if isinstance(want, str) and want.startswith("ERR:"):
        with pytest.raises(Exception) as info:
            run_xjax(expr, inputs)
        names = [c.__name__ for c in type(info.value).__mro__]
        assert want[4:] in names, f"{expr}: xjax raised {names[0]}: {info.value}; jax {want}"
        assert "lax." in str(info.value), f"{expr}: message does not name the API: {info.value}"
        return
    got = run_xjax(expr, inputs)
    assert_matches(got, want)
    if jit:
        names = [k for k, v in inputs.items() if isinstance(v, np.ndarray)]
        rest = {k: v for k, v in inputs.items() if k not in names}

        def f(*args: Any) -> Any:
            return run_xjax(expr, {**rest, **dict(zip(names, args))})

        args = [inputs[k] for k in names]
        assert_matches(xjax.jit(f)(*args), want)
        check_jaxpr(xjax.make_jaxpr(f)(*args).jaxpr)


@pytest.fixture
def x64():
    """Enables 64-bit types for one test."""
    xjax.config.update("jax_enable_x64", True)
    try:
        yield
    finally:
        xjax.config.update("jax_enable_x64", False)
