"""Scaffolding shared by the differential tests (the oracle itself is tests/oracle.py).

- `check(oracle, cases, inputs, ns=...)`: a table of expressions, evaluated by xjax here and by
  real JAX in the oracle worker (one round trip, run while xjax computes); results must match
  (`assert_matches`: shape, dtype, weak type, values) or both sides must raise alike. Every
  mismatch of the table is listed, not just the first.
- `Namespace`: the names those expressions see (xjax's modules here, JAX's in the worker).
- `ask_oracle` / `compare`: the two halves of `check`, for tests that compare case by case.
- `check_linalg`: the linear-algebra variant (tolerances scaled by the result's magnitude, an
  expression table run eagerly or compiled as one program).
- `x64_mode` and the fixture `x64` (`x64_fixture`).
- `make`, `small_arrays`, `normal`, `np_dtype`: deterministic inputs.

A test module gets the fixture `x64` by importing it:
`from tests._util import x64_fixture  # noqa: F401  (the `x64` fixture)`.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import importlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple

import ml_dtypes
import numpy as np
import pytest

import xjax
import xjax.numpy as xnp
from tests.oracle import OracleArray, assert_matches
from xjax._src.core import check_jaxpr

# ---------------------------------------------------------------------------------------------
# 64-bit mode and inputs


@contextlib.contextmanager
def x64_mode(enabled: bool = True) -> Iterator[None]:
    """xjax's `jax_enable_x64` set to `enabled` inside the block (restored after)."""
    old = xjax.config.jax_enable_x64
    xjax.config.update("jax_enable_x64", enabled)
    try:
        yield
    finally:
        xjax.config.update("jax_enable_x64", old)


@pytest.fixture(name="x64")
def x64_fixture() -> Iterator[None]:
    """The fixture `x64`: enables 64-bit types for one test."""
    with x64_mode(True):
        yield


def np_dtype(name: Any) -> np.dtype:
    """`np.dtype(name)`, with "bfloat16" meaning ml_dtypes' bfloat16."""
    return np.dtype(ml_dtypes.bfloat16) if name == "bfloat16" else np.dtype(name)


def make(dtype: Any, shape: tuple, seed: int = 0, lo: float = -3.0, hi: float = 3.0) -> np.ndarray:
    """A deterministic random array: uniform in [lo, hi) for floats (and both parts of complex
    ones), integers in [-9, 10) or [0, 10), and coin flips for bool."""
    rng = np.random.default_rng(seed)
    dt = np_dtype(dtype)
    if dt.kind == "b":
        return rng.random(shape) < 0.5
    if dt.kind == "u":
        return rng.integers(0, 10, shape).astype(dt)
    if dt.kind == "i":
        return rng.integers(-9, 10, shape).astype(dt)
    v = rng.uniform(lo, hi, shape)
    if dt.kind == "c":
        v = v + 1j * rng.uniform(lo, hi, shape)
    return v.astype(dt)


def small_arrays(seed: int, dtype: Any = "float32") -> dict[str, np.ndarray]:
    """Arrays x0 (), x1 (5,), x2 (3, 4), x3 (2, 3, 4) and e (0, 3) of `dtype`: normal floats
    (complex too), integers in [-50, 50) or [0, 50), coin flips for bool."""
    rng = np.random.default_rng(seed)
    dt = np_dtype(dtype)
    shapes = {"x0": (), "x1": (5,), "x2": (3, 4), "x3": (2, 3, 4), "e": (0, 3)}
    out = {}
    for name, shape in shapes.items():
        if dt == np.bool_:
            v = rng.random(shape) > 0.5
        elif dt.kind in "iu":
            v = rng.integers(0 if dt.kind == "u" else -50, 50, shape)
        elif dt.kind == "c":
            v = rng.normal(size=shape) + 1j * rng.normal(size=shape)
        else:
            v = rng.normal(size=shape)
        out[name] = np.asarray(v).astype(dt)
    return out


def normal(rng: np.random.Generator, dtype: Any, *shape: int) -> np.ndarray:
    """Standard normal entries of `dtype` (complex dtypes: real and imaginary parts)."""
    x = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.standard_normal(shape)
    return x.astype(dtype)


def beside_oracle(ask: Callable[[], Any], here: Callable[[], Any], x64: bool) -> tuple[Any, Any]:
    """`(here(), ask())`: `here` runs in this thread with xjax in 64-bit mode when `x64`, while
    `ask` (the oracle's round trips) runs in another, so that JAX's worker process and this one
    compile at the same time."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pending = pool.submit(ask)
        with x64_mode(x64):
            got = here()
        return got, pending.result()


# ---------------------------------------------------------------------------------------------
# Expression tables


class Namespace:
    """The names a test expression sees besides its inputs: `np`, `ml_dtypes` and modules given
    by their path under the package ("" for the package itself, "scipy.special", ...), bound to
    xjax's modules here (`.here`) and to JAX's in the oracle worker."""

    def __init__(self, **paths: str):
        self.paths = paths
        self.here = {"np": np, "ml_dtypes": ml_dtypes}
        for name, path in paths.items():
            self.here[name] = importlib.import_module("xjax." + path if path else "xjax")

    def scope(self, inputs: dict, as_arrays: bool = False, setup: str = "") -> dict:
        """The xjax-side globals of an expression: modules, inputs, then what `setup` defines."""
        scope = dict(self.here)
        scope.update({k: xnp.asarray(v) for k, v in inputs.items()} if as_arrays else inputs)
        if setup:
            exec(setup, scope)  # noqa: S102  (test code)
        return scope


# `jax`, `jnp`, `lax`: what most tables see.
NUMPY = Namespace(jax="", jnp="numpy", lax="lax")

_WORKER_SCOPE = """
import importlib
scope = {"np": np, "ml_dtypes": ml_dtypes}
scope.update({k: importlib.import_module("jax." + p if p else "jax") for k, p in modules.items()})
scope.update({k: jnp.asarray(v) for k, v in shared.items()} if as_arrays else shared)
exec(setup, scope)
"""

_WORKER_TABLE = _WORKER_SCOPE + """
out = []
for e, env in cases:
    try:
        out.append(eval(e, {**scope, **env}))
    except Exception as ex:
        out.append(("__error__", type(ex).__name__, str(ex)[:500]))
"""

Case = tuple[str, dict]


def _cases(cases: Sequence[str | Case]) -> list[Case]:
    return [(c, {}) if isinstance(c, str) else (c[0], c[1]) for c in cases]


def is_error(want: Any) -> bool:
    """Whether an `ask_oracle` result is JAX's exception (`("__error__", class name, message)`)."""
    return isinstance(want, tuple) and len(want) == 3 and want[0] == "__error__"


def ask_oracle(
    oracle: Any,
    cases: Sequence[str | Case],
    inputs: dict | None = None,
    *,
    ns: Namespace = NUMPY,
    x64: bool = False,
    chunk: int | None = None,
    as_arrays: bool = False,
    setup: str = "",
) -> list:
    """JAX's result for each case (an expression, or `(expression, its own inputs)`), seeing
    `ns`, the shared `inputs` (as jnp arrays with `as_arrays`) and what `setup` defines; an
    exception comes back as `("__error__", class name, message)`. One round trip, or one per
    `chunk` cases (each round trip has the oracle's time limit)."""
    cases = _cases(cases)
    step = chunk or max(len(cases), 1)
    out: list = []
    for i in range(0, len(cases), step):
        part = oracle.exec(_WORKER_TABLE, x64=x64, cases=cases[i : i + step], shared=inputs or {},
                           modules=ns.paths, as_arrays=as_arrays, setup=setup)
        assert isinstance(part, list), f"the oracle could not run the table: {part}"
        out += part
    return out


class _Raised(NamedTuple):
    error: Exception


def _evaluate(expr: str, scope: dict) -> Any:
    try:
        return eval(expr, scope)
    except Exception as ex:  # noqa: BLE001  (compared with JAX's error)
        return _Raised(ex)


def _show(r: Any) -> str:
    if isinstance(r, _Raised):
        return f"raised {type(r.error).__name__}: {r.error}"
    if is_error(r):
        return f"raised {r[1]}: {r[2]}"
    return f"returned {r!r}"


def _compare(got: Any, want: Any, errors: str | None, error_says: str | None, tol: dict) -> str:
    """'' when xjax's result (or _Raised) matches JAX's, else why not."""
    raised = isinstance(got, _Raised)
    if raised or is_error(want):
        if errors is None or not (raised and is_error(want)):
            return f"jax {_show(want)}; xjax {_show(got)}"
        names = [c.__name__ for c in type(got.error).__mro__]
        if (names[0] != want[1]) if errors == "same" else (want[1] not in names):
            return f"xjax raised {names[0]}: {got.error}; jax raised {want[1]}: {want[2]}"
        if error_says is not None and error_says not in str(got.error):
            return f"xjax's error does not name {error_says!r}: {got.error}"
        return ""
    try:
        assert_matches(got, want, **tol)
    except AssertionError as ex:
        return str(ex)
    except Exception as ex:  # noqa: BLE001  (a result assert_matches cannot read is a mismatch)
        return f"{type(ex).__name__}: {ex}"
    return ""


def _compare_jit(expr: str, scope: dict, inputs: dict, want: Any, tol: dict) -> str:
    """xjax.jit of the expression, with the array inputs as arguments, matches JAX's eager
    result, and the traced jaxpr type-checks."""
    names = [k for k, v in inputs.items() if isinstance(v, np.ndarray)]

    def f(*args: Any) -> Any:
        return eval(expr, {**scope, **dict(zip(names, args))})

    args = [inputs[k] for k in names]
    try:
        assert_matches(xjax.jit(f)(*args), want, **tol)
        check_jaxpr(xjax.make_jaxpr(f)(*args).jaxpr)
    except Exception as ex:  # noqa: BLE001  (reported as the case's failure)
        return f"under jit: {type(ex).__name__}: {ex}"
    return ""


def _describe(env: dict) -> str:
    if not env:
        return ""
    return " " + str({k: f"{v.dtype}{list(v.shape)}" if hasattr(v, "dtype") else repr(v)
                      for k, v in env.items()})


def compare(
    expr: str,
    scope: dict,
    want: Any,
    *,
    inputs: dict | None = None,
    errors: str | None = "like",
    error_says: str | None = None,
    jit: bool = False,
    **tol: Any,
) -> str:
    """Evaluates `expr` with xjax in `scope` and compares with JAX's `want` (from `ask_oracle`);
    returns '' or what differs. `errors` (both sides raised): "like" takes JAX's class or a
    subclass, "same" JAX's class only, None no exception at all; `error_says` must then be in
    xjax's message. With `jit`, a value is also checked under xjax.jit with the ndarrays of
    `inputs` as arguments. `tol` goes to `assert_matches` (rtol, atol, check_weak_type)."""
    msg = _compare(_evaluate(expr, scope), want, errors, error_says, tol)
    if not msg and jit and not is_error(want):
        msg = _compare_jit(expr, scope, inputs or {}, want, tol)
    return msg


def check(
    oracle: Any,
    cases: Sequence[str | Case],
    inputs: dict | None = None,
    *,
    ns: Namespace = NUMPY,
    x64: bool = False,
    chunk: int | None = None,
    as_arrays: bool = False,
    setup: str = "",
    errors: str | None = "like",
    error_says: str | None = None,
    jit: bool | Callable[[int, str], bool] = False,
    **tol: Any,
) -> None:
    """Evaluates each case (an expression, or `(expression, its own inputs)`) with xjax here,
    in 64-bit mode when `x64`, and with JAX in the oracle (`ask_oracle`, in a thread meanwhile);
    asserts that every result matches (`compare`; `jit` may be a predicate of (index, expr)),
    listing all that do not."""
    cases = _cases(cases)
    inputs = inputs or {}
    scope: dict = {}

    def here() -> list:
        scope.update(ns.scope(inputs, as_arrays, setup))
        return [_evaluate(e, {**scope, **env}) for e, env in cases]

    def ask() -> list:
        return ask_oracle(oracle, cases, inputs, ns=ns, x64=x64, chunk=chunk, as_arrays=as_arrays,
                          setup=setup)

    got, want = beside_oracle(ask, here, x64)
    failures = []
    with x64_mode(x64):
        for k, ((e, env), g, w) in enumerate(zip(cases, got, want)):
            msg = _compare(g, w, errors, error_says, tol)
            if not msg and (jit(k, e) if callable(jit) else jit) and not is_error(w):
                msg = _compare_jit(e, {**scope, **env}, {**inputs, **env}, w, tol)
            if msg:
                failures.append(f"{e}{_describe(env)}: {msg}")
    assert not failures, f"{len(failures)} of {len(cases)} differ:\n" + "\n".join(failures[:40])


# ---------------------------------------------------------------------------------------------
# Linear algebra

_WORKER_LINALG = _WORKER_SCOPE + """
names = list(shared)
args = [scope[k] for k in names]
def run(e, *xs):
    return eval(e, {**scope, **dict(zip(names, xs))})
if jit == "all":
    out = jax.jit(lambda *xs: [run(e, *xs) for e in exprs])(*args)
elif jit == "each":
    out = [jax.jit(lambda *xs, e=e: run(e, *xs))(*args) for e in exprs]
else:
    out = [run(e, *args) for e in exprs]
"""


def flat_leaves(x: Any) -> list:
    """The leaves of nested tuples and lists, in order."""
    if isinstance(x, (tuple, list)):
        return [leaf for y in x for leaf in flat_leaves(y)]
    return [x]


def _close_scaled(got: Any, want: Any, tol: float) -> str:
    """Every output leaf has JAX's shape and dtype and its values to `tol` relative, `tol`
    times the largest finite |value| (at least 1) absolute."""
    gl, wl = flat_leaves(got), flat_leaves(want)
    if len(gl) != len(wl):
        return f"{len(gl)} outputs != jax's {len(wl)}"
    for i, (g, w) in enumerate(zip(gl, wl)):
        if not isinstance(w, OracleArray):
            return f"output {i}: jax gave {w!r}"
        g = np.asarray(g)
        if g.shape != w.shape or g.dtype != w.dtype:
            return f"output {i}: {g.dtype}{list(g.shape)} != jax's {w.dtype}{list(w.shape)}"
        finite = np.abs(w.value[np.isfinite(w.value)])
        scale = max(1.0, float(finite.max())) if finite.size else 1.0
        try:
            np.testing.assert_allclose(g, w.value, rtol=tol, atol=tol * scale)
        except AssertionError as ex:
            return f"output {i}: {ex}"
    return ""


def check_linalg(
    oracle: Any,
    exprs: Sequence[str],
    inputs: dict,
    *,
    ns: Namespace = NUMPY,
    x64: bool = False,
    jit: str | None = "all",
    tol: float | tuple[float, float] = (2e-4, 1e-10),
) -> None:
    """Evaluates `exprs` on `inputs` with xjax and with JAX alike: eagerly (`jit=None`), each
    compiled on its own ("each"), or all as one compiled function ("all": one compile a side);
    compares every output leaf (`tol` relative, scaled absolute; a pair is (32-bit, 64-bit)
    by `x64`). Weak types are not compared: linalg results are never weak."""
    if isinstance(tol, tuple):
        tol = tol[1] if x64 else tol[0]
    names = list(inputs)

    def run(e: str, *xs: Any) -> Any:
        return eval(e, {**ns.here, **dict(zip(names, xs))})

    def here() -> list:
        args = [xnp.asarray(inputs[k]) for k in names]
        if jit == "all":
            return xjax.jit(lambda *xs: [run(e, *xs) for e in exprs])(*args)
        if jit == "each":
            return [xjax.jit(lambda *xs, e=e: run(e, *xs))(*args) for e in exprs]
        return [run(e, *args) for e in exprs]

    def ask() -> Any:
        return oracle.exec(_WORKER_LINALG, x64=x64, exprs=list(exprs), jit=jit, shared=inputs,
                           modules=ns.paths, as_arrays=False, setup="")

    got, want = beside_oracle(ask, here, x64)
    assert isinstance(want, list), want
    failures = [f"{e}: {m}" for e, g, w in zip(exprs, got, want) if (m := _close_scaled(g, w, tol))]
    assert not failures, f"{len(failures)} of {len(exprs)} differ:\n" + "\n".join(failures)
