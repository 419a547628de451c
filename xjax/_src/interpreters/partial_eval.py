"""Tracing Python functions to jaxprs (JaxprTrace), DCE, and provenance for error messages."""

from __future__ import annotations

from typing import Any, Callable, NamedTuple, Sequence

import numpy as np

from xjax._src import core, dtypes
from xjax._src.config import config
from xjax._src.core import (
    ClosedJaxpr,
    Jaxpr,
    JaxprEqn,
    Literal,
    ShapedArray,
    Tracer,
    Var,
)


class DebugInfo(NamedTuple):
    """What a trace was for, used in error messages."""

    traced_for: str  # "jit", "make_jaxpr", "eval_shape", "lax.cond", ...
    func_name: str  # qualname at file:line
    arg_names: tuple[str, ...]  # one per flat input


class JaxprTracer(Tracer):
    __slots__ = ("_aval", "var")

    def __init__(self, trace: JaxprTrace, aval: ShapedArray, var: Var):
        self._trace = trace
        self._aval = aval
        self.var = var

    @property
    def aval(self) -> ShapedArray:
        return self._aval


_SCALAR_TYPES = (bool, int, float, complex)


def _literal(x: Any) -> Literal | None:
    """A Literal for scalar constants (Python and numpy scalars, 0-d numpy arrays)."""
    t = type(x)
    if t in _SCALAR_TYPES:
        aval = core.get_aval(x)
        if t is int:
            _check_int_range(x, aval.dtype)
        return Literal(np.array(x, aval.dtype)[()], aval)
    if t is core.TypedScalar:
        return Literal(x.val, x.aval)
    if isinstance(x, np.generic) or (isinstance(x, np.ndarray) and x.ndim == 0):
        aval = core.get_aval(x)
        return Literal(np.asarray(x).astype(aval.dtype)[()], aval)
    return None


def _check_int_range(x: int, dtype: np.dtype) -> None:
    info = np.iinfo(dtype)
    if not info.min <= x <= info.max:
        raise OverflowError(f"Python int {x} too large to convert to {dtype.name}")


class JaxprTrace(core.Trace):
    """Records every primitive applied to its tracers as a jaxpr equation."""

    __slots__ = ("eqns", "invars", "constvars", "consts", "_const_ids", "debug", "_producer")

    def __init__(self, parent: core.Trace, debug: DebugInfo | None = None):
        super().__init__(parent)
        self.eqns: list[JaxprEqn] = []
        self.invars: list[Var] = []
        self.constvars: list[Var] = []
        self.consts: list[Any] = []
        self._const_ids: dict[int, Var] = {}
        self.debug = debug
        self._producer: dict[Var, JaxprEqn] | None = None

    @property
    def debug_name(self) -> str:
        d = self.debug
        return f"{d.func_name} (for {d.traced_for})" if d else "a function"

    def describe(self) -> str:
        return "JaxprTrace" + (f"({self.debug.traced_for})" if self.debug else "")

    def new_arg(self, aval: ShapedArray) -> JaxprTracer:
        v = Var(aval)
        self.invars.append(v)
        return JaxprTracer(self, aval, v)

    def to_atom(self, x: Any) -> Any:
        if isinstance(x, Tracer):
            if x._trace is self:
                return x.var
            core.check_tracer_alive(x, self.debug_name)
        else:
            lit = _literal(x)
            if lit is not None:
                return lit
        return self._const(x)

    def _const(self, x: Any) -> Var:
        v = self._const_ids.get(id(x))
        if v is None:
            if isinstance(x, np.ndarray):
                x = x.astype(dtypes.canonicalize_dtype(x.dtype), copy=False)
            v = Var(core.get_aval(x))
            self._const_ids[id(x)] = v
            self.constvars.append(v)
            self.consts.append(x)
        return v

    def process_primitive(self, prim: core.Primitive, args: Sequence[Any], params: dict) -> Any:
        invars = [self.to_atom(a) for a in args]
        avals_out = prim.out_avals([v.aval for v in invars], params)
        outvars = [Var(a) for a in avals_out]
        self.eqns.append(JaxprEqn(invars, outvars, prim, params))
        outs = [JaxprTracer(self, a, v) for a, v in zip(avals_out, outvars)]
        return outs if prim.multiple_results else outs[0]

    def to_jaxpr(self, outs: Sequence[Any]) -> tuple[Jaxpr, list[Any]]:
        outvars = [self.to_atom(x) for x in outs]
        jaxpr = Jaxpr(self.constvars, self.invars, outvars, self.eqns)
        if config.jax_enable_checks:
            core.check_jaxpr(jaxpr)
        return jaxpr, list(self.consts)

    # -- provenance, for error messages --------------------------------------------------

    def _input_deps(self, var: Var) -> list[int]:
        if self._producer is None:
            self._producer = {v: e for e in self.eqns for v in e.outvars}
        positions = {v: i for i, v in enumerate(self.invars)}
        seen, stack, found = set(), [var], set()
        while stack:
            v = stack.pop()
            if v in seen or isinstance(v, Literal):
                continue
            seen.add(v)
            if v in positions:
                found.add(positions[v])
            eqn = self._producer.get(v)
            if eqn is not None:
                stack.extend(eqn.invars)
        self._producer = None
        return sorted(found)

    def describe_origin(self, tracer: Tracer) -> str:
        d = self.debug
        if d is None or not isinstance(tracer, JaxprTracer):
            return ""
        msg = f"The error occurred while tracing the function {d.func_name} for {d.traced_for}. "
        deps = self._input_deps(tracer.var)
        if deps:
            names = [d.arg_names[i] if i < len(d.arg_names) else f"argument {i}" for i in deps]
            if len(names) > 5:
                names = names[:5] + ["..."]
            plural = "s" if len(deps) > 1 else ""
            msg += f"This value depends on the argument{plural} {', '.join(names)}.\n"
        else:
            msg += "This value was computed inside the traced function from no argument.\n"
        return msg


def trace_to_jaxpr(
    flat_fun: Callable[..., Sequence[Any]],
    in_avals: Sequence[ShapedArray],
    debug: DebugInfo | None = None,
) -> tuple[Jaxpr, list[Any]]:
    """Traces `flat_fun` (flat list in, flat list out) on abstract inputs."""
    trace = JaxprTrace(core.current_trace(), debug)
    args = [trace.new_arg(a) for a in in_avals]
    try:
        with core.set_current_trace(trace):
            outs = flat_fun(*args)
        for i, x in enumerate(outs):
            if not isinstance(x, Tracer) and not core.is_valid_jaxtype(x):
                where = f" of {debug.func_name}" if debug else ""
                raise TypeError(
                    f"output {i}{where} is a value of type {type(x).__name__}, which is not a "
                    "valid xjax type: outputs must be arrays, scalars or pytrees of them"
                )
        return trace.to_jaxpr(outs)
    finally:
        trace.invalidate()


def close_jaxpr(jaxpr: Jaxpr, consts: Sequence[Any]) -> ClosedJaxpr:
    return ClosedJaxpr(jaxpr, consts)


def convert_constvars_jaxpr(jaxpr: Jaxpr) -> Jaxpr:
    """Turns constvars into leading invars (so consts can be passed as arguments)."""
    return Jaxpr([], jaxpr.constvars + jaxpr.invars, jaxpr.outvars, jaxpr.eqns)


def dce_jaxpr(jaxpr: Jaxpr, used_outputs: Sequence[bool]) -> tuple[Jaxpr, list[bool]]:
    """Drops equations whose outputs are unused; returns the jaxpr and which inputs it uses."""
    outvars = [v for v, u in zip(jaxpr.outvars, used_outputs, strict=True) if u]
    live = {v for v in outvars if isinstance(v, Var)}
    eqns = []
    for eqn in reversed(jaxpr.eqns):
        if any(v in live for v in eqn.outvars):
            eqns.append(eqn)
            live.update(v for v in eqn.invars if isinstance(v, Var))
    eqns.reverse()
    used_inputs = [v in live for v in jaxpr.invars]
    return Jaxpr(jaxpr.constvars, jaxpr.invars, outvars, eqns), used_inputs
