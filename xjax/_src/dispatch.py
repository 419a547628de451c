"""Eager execution of one primitive: a cached single-op executable per (primitive, params, avals)."""

from __future__ import annotations

from typing import Any, Sequence

from xjax._src import core
from xjax._src.array import Array, _default_device, to_array
from xjax._src.core import Jaxpr, JaxprEqn, Var
from xjax._src.interpreters.lowering import lower_jaxpr
from xjax._src.xla import execute as xla


class _Compiled:
    __slots__ = ("exe", "out_avals")

    def __init__(self, exe: xla.Executable, out_avals: list):
        self.exe = exe
        self.out_avals = out_avals


_cache: dict[Any, _Compiled] = {}


def _compile(prim: core.Primitive, avals: tuple, params: dict) -> _Compiled:
    out_avals = prim.out_avals(avals, params)
    invars = [Var(a) for a in avals]
    outvars = [Var(a) for a in out_avals]
    jaxpr = Jaxpr([], invars, outvars, [JaxprEqn(invars, outvars, prim, params)])
    text = lower_jaxpr(jaxpr, name=prim.name)
    exe = xla.make_executable(text, [_default_device()], avals, out_avals)
    return _Compiled(exe, out_avals)


def apply_primitive(prim: core.Primitive, args: Sequence[Any], params: dict) -> Any:
    """Runs `prim` on concrete arguments (Arrays, numpy values, Python scalars)."""
    bufs, avals = [], []
    for a in args:
        if type(a) is not Array:
            a = to_array(a)
        bufs.append(a._buf)
        avals.append(a.aval)
    avals = tuple(avals)
    try:
        key = (prim, avals, *params.items())
        entry = _cache.get(key)
    except TypeError:  # unhashable params: compile without caching
        key, entry = None, None
    if entry is None:
        entry = _compile(prim, avals, params)
        if key is not None:
            _cache[key] = entry
    outs = entry.exe(bufs)
    if prim.multiple_results:
        return [Array(b, a) for b, a in zip(outs, entry.out_avals)]
    return Array(outs[0], entry.out_avals[0])


def clear_cache() -> None:
    _cache.clear()
