"""Real JAX as a test oracle, run in a worker process so that this process never imports `jax`.

Use the session fixture `oracle` (registered in `tests/conftest.py`):

    def test_add(oracle):
        want = oracle.eval("jnp.add(x, 1.0)", x=np.arange(3, dtype=np.float32))
        assert_matches(xnp.add(xnp.arange(3.0), 1.0), want)

`eval` sees the names `jax`, `jnp`, `lax`, `np`, `ml_dtypes` and the keyword inputs. Results come
back as the same tree of tuples/lists/dicts, with every array or scalar an `OracleArray` and a
JAX exception as an `OracleError` (returned, not raised). The worker runs on CPU (override with
XJAX_ORACLE_PLATFORMS) and a call that runs past XJAX_ORACLE_TIMEOUT seconds (120) or crashes the
worker fails the test; the next call starts a fresh worker.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.util
import io
import os
import pickle
import selectors
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from typing import Any

import ml_dtypes
import numpy as np
import pytest

_WORKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_oracle_worker.py")
_HEADER = struct.Struct(">Q")


@dataclasses.dataclass(frozen=True, eq=False)
class OracleArray:
    """An array (or scalar) computed by JAX: its value, dtype and weak type."""

    value: np.ndarray
    dtype: np.dtype
    weak_type: bool

    @property
    def shape(self) -> tuple[int, ...]:
        return self.value.shape

    @property
    def ndim(self) -> int:
        return self.value.ndim

    def item(self) -> Any:
        return self.value.item()

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self.value if dtype is None else self.value.astype(dtype)

    def __repr__(self) -> str:
        weak = ", weak_type=True" if self.weak_type else ""
        return f"OracleArray({self.value!r}, dtype={self.dtype}{weak})"


@dataclasses.dataclass(frozen=True)
class OracleError:
    """An exception JAX raised: its class name, message and the names of its base classes."""

    type_name: str
    message: str
    bases: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class OracleOpaque:
    """A result leaf that is neither an array nor a plain value (e.g. a PRNG key array)."""

    type_name: str
    repr: str


class _NoJaxUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module.split(".")[0] in ("jax", "jaxlib"):
            raise pickle.UnpicklingError(f"oracle result refers to {module}.{name}")
        return super().find_class(module, name)


def _prepare(x: Any) -> Any:
    """Inputs as plain picklable data: containers recursed, array-likes made numpy arrays."""
    if isinstance(x, (tuple, list)):
        return type(x)(map(_prepare, x)) if type(x) in (tuple, list) else tuple(map(_prepare, x))
    if isinstance(x, Mapping):
        return {k: _prepare(v) for k, v in x.items()}
    if x is None or isinstance(x, (np.ndarray, np.generic, bool, int, float, complex, str, type)):
        return x
    if isinstance(x, np.dtype):
        return x
    if hasattr(x, "__array__"):
        return np.asarray(x)
    return x


def _rebuild(t: tuple) -> Any:
    tag = t[0]
    if tag == "A":
        value = t[1]
        return OracleArray(value, value.dtype, t[2])
    if tag == "V":
        return t[1]
    if tag == "R":
        return OracleOpaque(t[1], t[2])
    if tag == "T":
        return tuple(map(_rebuild, t[1]))
    if tag == "L":
        return list(map(_rebuild, t[1]))
    assert tag == "D", tag
    return {k: _rebuild(v) for k, v in t[1]}


class Oracle:
    """A lazily started JAX worker process (one per test process)."""

    def __init__(self, timeout: float | None = None):
        self.timeout = float(timeout or os.environ.get("XJAX_ORACLE_TIMEOUT", "120"))
        self.jax_version: str | None = None
        self._proc: subprocess.Popen | None = None
        self._log: Any = None

    # -- public API ---------------------------------------------------------------------------

    def eval(self, expr: str, *, x64: bool = False, **inputs: Any) -> Any:
        """Evaluates the expression `expr` with real JAX; returns OracleArrays or an OracleError."""
        return self._call("eval", expr, x64, inputs)

    def exec(self, code: str, *, x64: bool = False, **inputs: Any) -> Any:
        """Runs the statements `code` with real JAX; returns the variable `out` as `eval` does."""
        return self._call("exec", code, x64, inputs)

    @property
    def pid(self) -> int | None:
        """The worker's process id, or None when no worker runs."""
        return None if self._proc is None or self._proc.poll() is not None else self._proc.pid

    def close(self) -> None:
        """Asks the worker to quit (kills it after 5 s)."""
        if self._proc is not None and self._proc.poll() is None:
            with contextlib.suppress(OSError):
                self._write(pickle.dumps(("quit",)))
                self._proc.stdin.close()
            try:
                self._proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
        self._kill()

    # -- process handling ---------------------------------------------------------------------

    def _start(self) -> None:
        env = dict(os.environ)
        env["TF_CPP_MIN_LOG_LEVEL"] = "3"
        env["JAX_PLATFORMS"] = os.environ.get("XJAX_ORACLE_PLATFORMS", "cpu")
        env.pop("JAX_ENABLE_X64", None)
        self._log = tempfile.TemporaryFile(prefix="xjax-oracle-")  # noqa: SIM115  (closed in _kill)
        self._proc = subprocess.Popen(
            [sys.executable, _WORKER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            env=env,
        )
        reply = self._read(time.monotonic() + self.timeout, "starting the jax oracle")
        assert reply[0] == "ready", reply
        self.jax_version = reply[1]

    def _kill(self) -> None:
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.kill()
            self._proc.wait()
            for f in (self._proc.stdin, self._proc.stdout):
                with contextlib.suppress(OSError):
                    f.close()
            self._proc = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def _log_tail(self, n: int = 4000) -> str:
        if self._log is None:
            return ""
        fd = self._log.fileno()
        size = os.fstat(fd).st_size
        return os.pread(fd, n, max(0, size - n)).decode(errors="replace")

    def _fail(self, what: str, why: str) -> None:
        code = self._proc.poll() if self._proc is not None else None
        tail = self._log_tail()
        self._kill()
        msg = f"jax oracle {why} while {what}"
        if code is not None:
            msg += f" (worker exit status {code})"
        if tail:
            msg += f"\n--- worker stderr (tail) ---\n{tail}"
        pytest.fail(msg, pytrace=False)

    def _write(self, data: bytes) -> None:
        self._proc.stdin.write(_HEADER.pack(len(data)) + data)
        self._proc.stdin.flush()

    def _read_exact(self, n: int, deadline: float, what: str) -> bytes:
        fd = self._proc.stdout.fileno()
        buf = io.BytesIO()
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while n:
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    self._fail(what, f"timed out after {self.timeout:g} s")
                chunk = os.read(fd, min(n, 1 << 20))
                if not chunk:
                    self._proc.wait()
                    self._fail(what, "crashed")
                buf.write(chunk)
                n -= len(chunk)
        return buf.getvalue()

    def _read(self, deadline: float, what: str) -> Any:
        (n,) = _HEADER.unpack(self._read_exact(_HEADER.size, deadline, what))
        return _NoJaxUnpickler(io.BytesIO(self._read_exact(n, deadline, what))).load()

    def _call(self, kind: str, code: str, x64: bool, inputs: dict) -> Any:
        what = f"running {kind}({code!r})"
        request = pickle.dumps((kind, code, bool(x64), _prepare(inputs)), pickle.HIGHEST_PROTOCOL)
        if self._proc is None or self._proc.poll() is not None:
            self._kill()
            self._start()
        try:
            try:
                self._write(request)
            except BrokenPipeError:
                self._fail(what, "crashed")
            reply = self._read(time.monotonic() + self.timeout, what)
        except BaseException:
            self._kill()  # a half-read reply would desynchronise the stream
            raise
        if reply[0] == "ok":
            return _rebuild(reply[1])
        if reply[0] == "err":
            return OracleError(*reply[1:])
        pytest.fail(f"jax oracle could not run {kind}({code!r}):\n{reply[1]}", pytrace=False)


@pytest.fixture(scope="session")
def oracle() -> Iterator[Oracle]:
    """Real JAX in a worker process, started on first use and closed at the session's end."""
    if importlib.util.find_spec("jax") is None:
        pytest.skip("jax oracle not installed")
    o = Oracle()
    try:
        yield o
    finally:
        o.close()


# ---------------------------------------------------------------------------------------------
# Comparing xjax results with the oracle's.

_TOLERANCE = {
    np.dtype(ml_dtypes.bfloat16): 1e-2,
    np.dtype(np.float16): 1e-2,
    np.dtype(np.float32): 1e-5,
    np.dtype(np.float64): 1e-12,
    np.dtype(np.complex64): 1e-5,
    np.dtype(np.complex128): 1e-12,
}
_PY_SCALARS = (bool, int, float, complex)


def _weak_type(x: Any) -> bool:
    aval = getattr(x, "aval", None)
    if aval is not None and hasattr(aval, "weak_type"):
        return bool(aval.weak_type)
    if type(x) in _PY_SCALARS:
        return type(x) is not bool
    return bool(getattr(x, "weak_type", False))


def _assert_values(got: np.ndarray, want: np.ndarray, rtol: Any, atol: Any, where: str) -> None:
    dt = want.dtype
    if dt.kind in "biu" or dt not in _TOLERANCE:
        np.testing.assert_array_equal(got, want, err_msg=f"{where}: values differ")
        return
    tol = _TOLERANCE[dt]
    wide = np.complex128 if dt.kind == "c" else np.float64
    np.testing.assert_allclose(
        np.asarray(got).astype(wide),
        want.astype(wide),
        rtol=tol if rtol is None else rtol,
        atol=tol if atol is None else atol,
        equal_nan=True,
        err_msg=f"{where}: values differ",
    )


def _assert_leaf(got: Any, want: OracleArray, rtol: Any, atol: Any, weak: bool, where: str):
    got_shape = tuple(np.shape(got))
    assert got_shape == want.shape, f"{where}: shape {got_shape} != jax's {want.shape}"
    if type(got) not in _PY_SCALARS:  # a Python scalar has no dtype of its own
        got_dtype = np.dtype(got.dtype) if hasattr(got, "dtype") else np.asarray(got).dtype
        assert got_dtype == want.dtype, f"{where}: dtype {got_dtype} != jax's {want.dtype}"
    if weak:
        w = _weak_type(got)
        assert w == want.weak_type, f"{where}: weak_type {w} != jax's {want.weak_type}"
    _assert_values(np.asarray(got), want.value, rtol, atol, where)


def _match(got: Any, want: Any, rtol: Any, atol: Any, weak: bool, where: str) -> None:
    if isinstance(want, OracleError):
        pytest.fail(f"{where}: jax raised {want.type_name}: {want.message}\nxjax gave {got!r}")
    elif isinstance(want, OracleArray):
        _assert_leaf(got, want, rtol, atol, weak, where)
    elif isinstance(want, (tuple, list)):
        kind = type(want)
        assert isinstance(got, kind), f"{where}: got {type(got).__name__}, jax gave {kind.__name__}"
        assert len(got) == len(want), f"{where}: length {len(got)} != jax's {len(want)}"
        for i, (g, w) in enumerate(zip(got, want)):
            _match(g, w, rtol, atol, weak, f"{where}[{i}]")
    elif isinstance(want, dict):
        assert isinstance(got, Mapping), f"{where}: got {type(got).__name__}, jax gave a dict"
        assert set(got) == set(want), f"{where}: keys {sorted(got)} != jax's {sorted(want)}"
        for k in want:
            _match(got[k], want[k], rtol, atol, weak, f"{where}[{k!r}]")
    elif isinstance(want, OracleOpaque):
        pytest.fail(f"{where}: cannot compare with jax's opaque {want.type_name}: {want.repr}")
    else:
        assert got == want, f"{where}: {got!r} != jax's {want!r}"


def assert_matches(
    got: Any,
    want: Any,
    *,
    rtol: float | None = None,
    atol: float | None = None,
    check_weak_type: bool = True,
) -> None:
    """Asserts that an xjax result equals the oracle's: structure, shape, dtype, weak type, values.

    Tolerances default by dtype (exact for bool and integers; 1e-2 for bf16/f16, 1e-5 for f32/c64,
    1e-12 for f64/c128, used as both rtol and atol); NaNs compare equal.
    """
    _match(got, want, rtol, atol, check_weak_type, "result")


@contextlib.contextmanager
def raises_like(want: Any) -> Iterator[Any]:
    """Asserts the block raises the error JAX raised (same class name, or a subclass of it)."""
    if not isinstance(want, OracleError):
        pytest.fail(f"jax did not raise; it returned {want!r}")
    with pytest.raises(Exception) as info:
        yield info
    names = [c.__name__ for c in type(info.value).__mro__]
    assert want.type_name in names, (
        f"xjax raised {names[0]}: {info.value}\njax raised {want.type_name}: {want.message}"
    )
