"""The JAX side of the differential tests: a subprocess that evaluates code with real JAX.

Started by `tests/oracle.py` as `python _oracle_worker.py`; never imported by the test process.
Protocol: length-prefixed pickle frames (8-byte big-endian length) on the original stdin/stdout.
Request `(kind, code, x64, inputs)` with kind "eval" or "exec"; `("quit",)` ends the loop.
Reply `("ok", tree)`, `("err", type_name, message, base_names)` when JAX raised, or
`("internal", traceback)` for a bug in the test itself (bad syntax, no `out`, unpicklable result).
Leaves of `tree` are tagged so the parent never needs JAX to unpickle them:
`("A", ndarray, weak)` an array or scalar, `("V", x)` a plain value (None, str, np.dtype, numpy
scalar type), `("R", type_name, repr)` anything else; nodes are `("T"|"L", [children])` and
`("D", [(key, child)])`.
"""

import os
import pickle
import struct
import sys
import traceback

# Drop this script's folder from the path: tests/numpy must never shadow numpy here.
if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    del sys.path[0]
# Protocol frames use private copies of fds 0/1; user code and JAX printing go to stderr.
_IN = os.fdopen(os.dup(0), "rb", buffering=0)
_OUT = os.fdopen(os.dup(1), "wb", buffering=0)
os.dup2(2, 1)
_devnull = os.open(os.devnull, os.O_RDONLY)
os.dup2(_devnull, 0)
sys.stdout = sys.stderr

import jax
import jax.numpy as jnp
import ml_dtypes
import numpy as np
from jax import lax

_HEADER = struct.Struct(">Q")
_MISSING = object()
_SCALAR_DTYPES = {bool: "bool", int: "int64", float: "float64", complex: "complex128"}


def _read_exact(n: int) -> bytes:
    chunks = []
    while n:
        chunk = _IN.read(n)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _send(msg) -> None:
    try:
        data = pickle.dumps(msg, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001  (an unpicklable result is the test's bug: report it)
        data = pickle.dumps(("internal", traceback.format_exc()))
    _OUT.write(_HEADER.pack(len(data)) + data)
    _OUT.flush()


def _python_scalar(x):
    """A Python scalar as JAX would hold it: canonical default dtype, weak unless bool."""
    dt = jax.dtypes.canonicalize_dtype(_SCALAR_DTYPES[type(x)])
    try:
        value = np.asarray(x, dtype=dt)
    except (OverflowError, ValueError):
        value = np.asarray(x)
    return ("A", value, type(x) is not bool)


def _leaf(x):
    if isinstance(x, jax.Array):
        if jax.dtypes.issubdtype(x.dtype, jax.dtypes.extended):
            return ("R", type(x).__name__, repr(x))
        return ("A", np.asarray(x), bool(x.aval.weak_type))
    if isinstance(x, (np.ndarray, np.generic)) and x.dtype.kind != "O":
        return ("A", np.asarray(x), False)
    if type(x) in _SCALAR_DTYPES:
        return _python_scalar(x)
    if x is None or isinstance(x, (str, bytes)):
        return ("V", x)
    if isinstance(x, np.dtype) and type(x).__module__.startswith("numpy"):
        return ("V", x)
    if isinstance(x, type) and issubclass(x, np.generic):
        return ("V", x)
    if type(x).__name__ == "_ScalarMeta":  # jnp.float32 and friends
        return ("V", np.dtype(x.dtype).type)
    return ("R", type(x).__name__, repr(x))


def _convert(x):
    if isinstance(x, tuple):
        return ("T", [_convert(c) for c in x])
    if isinstance(x, list):
        return ("L", [_convert(c) for c in x])
    if isinstance(x, dict):
        return ("D", [(k, _convert(v)) for k, v in x.items()])
    return _leaf(x)


def _namespace(inputs: dict) -> dict:
    ns = {"jax": jax, "jnp": jnp, "lax": lax, "np": np, "ml_dtypes": ml_dtypes}
    ns.update(inputs)
    return ns


def _run(kind: str, code: str, x64: bool, inputs: dict):
    try:
        compiled = compile(code, "<oracle>", "eval" if kind == "eval" else "exec")
    except SyntaxError:
        return ("internal", traceback.format_exc())
    ns = _namespace(inputs)
    old = jax.config.jax_enable_x64
    jax.config.update("jax_enable_x64", x64)
    try:
        try:
            if kind == "eval":
                result = eval(compiled, ns)
            else:
                exec(compiled, ns)  # noqa: S102  (running test code is the point)
                result = ns.get("out", _MISSING)
            jax.block_until_ready(result)
        except Exception as e:  # noqa: BLE001  (JAX's errors are results: tests compare them)
            bases = tuple(c.__name__ for c in type(e).__mro__[1:])
            return ("err", type(e).__name__, str(e), bases)
        if result is _MISSING:
            return ("internal", "oracle.exec: the code did not assign the variable `out`")
        return ("ok", _convert(result))  # under the caller's x64 mode: Python scalars need it
    finally:
        jax.config.update("jax_enable_x64", old)


def main() -> None:
    _send(("ready", jax.__version__))
    while True:
        try:
            (n,) = _HEADER.unpack(_read_exact(_HEADER.size))
            request = pickle.loads(_read_exact(n))
        except EOFError:
            return
        if request[0] == "quit":
            return
        try:
            reply = _run(*request)
        except Exception:  # noqa: BLE001  (a bug here must not kill the worker)
            reply = ("internal", traceback.format_exc())
        _send(reply)


if __name__ == "__main__":
    main()
