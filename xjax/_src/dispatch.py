"""Eager execution of one primitive: a cached single-op executable per (primitive, params, avals)."""

from __future__ import annotations

from typing import Any, Sequence

from xjax._src import core
from xjax._src.array import (
    Array,
    _default_device,
    common_device,
    to_array,
    to_device,
)
from xjax._src.core import Jaxpr, JaxprEqn, Var
from xjax._src.interpreters.lowering import lower_jaxpr
from xjax._src.xla import execute as xla
from xjax._src.xla.client import XlaRuntimeError


class _Compiled:
    __slots__ = ("exe", "out_avals", "execute", "handlers")

    def __init__(self, exe: xla.Executable, out_avals: list):
        self.exe = exe
        self.out_avals = out_avals
        self.execute = exe._execute  # unwrapped for the hot path
        self.handlers = exe._handlers


_cache: dict[Any, _Compiled] = {}


def _compile(prim: core.Primitive, avals: tuple, params: dict, device: Any) -> _Compiled:
    out_avals = prim.out_avals(avals, params)
    invars = [Var(a) for a in avals]
    outvars = [Var(a) for a in out_avals]
    jaxpr = Jaxpr([], invars, outvars, [JaxprEqn(invars, outvars, prim, params)])
    text = lower_jaxpr(jaxpr, name=prim.name)
    exe = xla.make_executable(text, [device], avals, out_avals)
    return _Compiled(exe, out_avals)


def apply_primitive(prim: core.Primitive, args: Sequence[Any], params: dict) -> Any:
    """Runs `prim` on concrete arguments (Arrays, numpy values, Python scalars)."""
    bufs, avals = [], [prim]
    for a in args:
        if type(a) is not Array:
            if isinstance(a, core.Tracer):
                raise core.escaped_tracer_error(a, f"primitive {prim.name}")
            a = to_array(a)
        bufs.append(a._buf)
        avals.append(a.aval)
    if params:
        avals.extend(params.items())
    key = tuple(avals)
    try:
        entry = _cache.get(key)
    except TypeError:  # unhashable params: compile without caching
        key, entry = None, None
    if entry is None:
        entry = _compile(prim, tuple(a.aval for a in map(_as_array, args)), params, _default_device())
        if key is not None:
            _cache[key] = entry
    try:
        outs = entry.execute(bufs).consume_with_handlers(entry.handlers)
    except XlaRuntimeError as e:
        # arguments on another device are rejected by the runtime: run there instead
        if "is on device" in str(e):
            return _apply_elsewhere(prim, args, params)
        raise
    if prim.multiple_results:
        return [Array(b, a) for b, a in zip(outs, entry.out_avals)]
    return Array(outs[0], entry.out_avals[0])


def _apply_elsewhere(prim: core.Primitive, args: Sequence[Any], params: dict) -> Any:
    """Slow path: some argument lives on a non-default device; run there (data decides)."""
    device = common_device(list(args), f"primitive {prim.name}")
    arrays = [to_device(a, device) for a in args]
    avals = tuple(a.aval for a in arrays)
    try:
        key = (prim, device, avals, *params.items())
        entry = _cache.get(key)
    except TypeError:
        key, entry = None, None
    if entry is None:
        entry = _compile(prim, avals, params, device)
        if key is not None:
            _cache[key] = entry
    outs = entry.exe([a._buf for a in arrays])
    if prim.multiple_results:
        return [Array(b, a) for b, a in zip(outs, entry.out_avals)]
    return Array(outs[0], entry.out_avals[0])


def _as_array(a: Any) -> Array:
    return a if type(a) is Array else to_array(a)


def clear_cache() -> None:
    _cache.clear()
