"""Forward mode (JVPTrace with symbolic zeros), linearize (jvp + partial evaluation) and the
backward pass over linear jaxprs (transposition), as in JAX.

Rules live on the primitives: `prim.jvp(primals, tangents, **params) -> (out, tangent_out)`
and, for linear primitives, `prim.transpose(ct, *args, **params) -> [ct_in per arg]` where the
linear arguments are `UndefinedPrimal`s. The builders `defjvp`, `deflinear`, `defjvp_zero` make
those rules from per-input pieces.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from xjax._src import core, dtypes
from xjax._src.core import Jaxpr, Literal, Primitive, ShapedArray, Tracer, Var
from xjax._src.errors import MissingRuleError

# ---------------------------------------------------------------------------
# Tangent types and symbolic zeros


def tangent_aval(aval: ShapedArray) -> ShapedArray:
    """The aval of tangents of `aval`: same for inexact dtypes, float0 for ints and bools."""
    if dtypes.is_inexact(aval.dtype):
        return aval.strip_weak_type() if aval.weak_type else aval
    return core.shaped_array(aval.shape, dtypes.float0, False)


class Zero:
    """A symbolic zero tangent/cotangent of the given aval (never materialised unless needed)."""

    __slots__ = ("aval",)

    def __init__(self, aval: ShapedArray):
        self.aval = aval

    def __repr__(self) -> str:
        return f"Zero({self.aval.str_short()})"

    @staticmethod
    def from_value(x: Any) -> Zero:
        return Zero(tangent_aval(core.get_aval(x)))


def zeros_like_aval(aval: ShapedArray) -> Any:
    """A concrete (or traced, under the current trace) array of zeros of `aval`."""
    if aval.dtype == dtypes.float0:
        return np.zeros(aval.shape, dtypes.float0)
    from xjax._src.lax.shape import broadcast_in_dim_p

    zero = core.TypedScalar(0, aval.dtype, aval.weak_type)
    return broadcast_in_dim_p.bind(zero, shape=aval.shape, broadcast_dimensions=())


def instantiate(t: Any) -> Any:
    return zeros_like_aval(t.aval) if type(t) is Zero else t


def add_tangents(x: Any, y: Any) -> Any:
    if type(x) is Zero:
        return y
    if type(y) is Zero:
        return x
    if _is_float0(x):
        return x
    from xjax._src.lax.elementwise import add_p

    return add_p.bind(x, y)


def _is_float0(x: Any) -> bool:
    return getattr(x, "dtype", None) == dtypes.float0


# ---------------------------------------------------------------------------
# JVP


class JVPTracer(Tracer):
    __slots__ = ("primal", "tangent")

    def __init__(self, trace: JVPTrace, primal: Any, tangent: Any):
        self._trace = trace
        self.primal = primal
        self.tangent = tangent

    @property
    def aval(self) -> ShapedArray:
        return core.get_aval(self.primal)


class JVPTrace(core.Trace):
    """Carries (primal, tangent) pairs; tangents may be symbolic `Zero`s."""

    __slots__ = ()

    def describe(self) -> str:
        return "JVPTrace"

    def to_primal_tangent(self, x: Any) -> tuple[Any, Any]:
        if isinstance(x, JVPTracer) and x._trace is self:
            return x.primal, x.tangent
        if isinstance(x, Tracer):
            core.check_tracer_alive(x, "a differentiated function")
        return x, Zero.from_value(x)

    def process_primitive(self, prim: Primitive, args: Sequence[Any], params: dict) -> Any:
        primals, tangents = [], []
        for a in args:
            p, t = self.to_primal_tangent(a)
            primals.append(p)
            tangents.append(t)
        with core.set_current_trace(self.parent):
            if all(type(t) is Zero for t in tangents):
                return prim.bind(*primals, **params)
            if prim.jvp is None:
                raise MissingRuleError(prim.name, "Differentiation (jvp)")
            out, t_out = prim.jvp(primals, tangents, **params)
        if prim.multiple_results:
            return [JVPTracer(self, p, t) for p, t in zip(out, t_out)]
        return JVPTracer(self, out, t_out)


def _lift_scalar(x: Any) -> Any:
    """A Python scalar primal as a (weakly typed) Array, as JAX's transformations see it: rules
    may then mix it with Python constants (`mul(2, x)`)."""
    if type(x) in core._PY_SCALARS:
        from xjax._src.array import to_array

        return to_array(x)
    return x


def jvp_flat(fun: Callable, primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[list, list]:
    """Runs `fun` (flat in, flat out) on (primal, tangent) pairs; tangents out may be Zero."""
    trace = JVPTrace(core.current_trace())
    primals = [_lift_scalar(p) for p in primals]
    tangents = [Zero(tangent_aval(core.get_aval(p))) if _is_float0(t) else t
                for p, t in zip(primals, tangents)]
    try:
        ins = [JVPTracer(trace, p, t) for p, t in zip(primals, tangents)]
        with core.set_current_trace(trace):
            outs = fun(*ins)
        pairs = [trace.to_primal_tangent(o) for o in outs]
    finally:
        trace.invalidate()
    return [p for p, _ in pairs], [t for _, t in pairs]


# ---------------------------------------------------------------------------
# Rule builders


def defjvp(prim: Primitive, *rules: Callable | None) -> None:
    """JVP from per-input rules `rule_i(t_i, ans, *primals, **params)` (None: not
    differentiable in that input); contributions are summed."""

    def jvp(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> tuple[Any, Any]:
        ans = prim.bind(*primals, **params)
        acc: Any = Zero.from_value(ans)
        for rule, t in zip(rules, tangents):
            if rule is None or type(t) is Zero:
                continue
            acc = add_tangents(acc, rule(t, ans, *primals, **params))
        return ans, acc

    prim.def_jvp(jvp)


def defjvp_zero(prim: Primitive) -> None:
    """The output does not depend differentiably on any input (comparisons, argmax, ...)."""

    def jvp(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> tuple[Any, Any]:
        ans = prim.bind(*primals, **params)
        if prim.multiple_results:
            return ans, [Zero.from_value(a) for a in ans]
        return ans, Zero.from_value(ans)

    prim.nondiff = True
    prim.def_jvp(jvp)


def deflinear(prim: Primitive, transpose: Callable) -> None:
    """A primitive linear in all its array inputs: its jvp applies it to the tangents."""

    def jvp(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> tuple[Any, Any]:
        ans = prim.bind(*primals, **params)
        t_out = prim.bind(*map(instantiate, tangents), **params)
        return ans, t_out

    prim.def_jvp(jvp)
    prim.def_transpose(transpose)


# ---------------------------------------------------------------------------
# Linearize: jvp with tangents traced into a jaxpr, primal work forwarded to the parent trace


class LinearizeTrace(core.Trace):
    """Partial evaluation: ops on known values run on the parent trace; ops touching this
    trace's tracers (the tangents) are recorded into the linear jaxpr."""

    __slots__ = ("builder",)

    def __init__(self, parent: core.Trace):
        super().__init__(parent)
        from xjax._src.interpreters.partial_eval import JaxprTrace

        self.builder = JaxprTrace(parent)

    def describe(self) -> str:
        return "LinearizeTrace"

    def new_arg(self, aval: ShapedArray) -> Tracer:
        t = self.builder.new_arg(aval)
        t._trace = self
        return t

    def process_primitive(self, prim: Primitive, args: Sequence[Any], params: dict) -> Any:
        if not any(isinstance(a, Tracer) and a._trace is self for a in args):
            with core.set_current_trace(self.parent):
                return prim.bind(*args, **params)
        if prim.inline:  # a jit call on tangents: record its body (jit has no transpose rule)
            return core.eval_call_inline(self, params["jaxpr"], args)
        b = self.builder
        atoms = [a.var if isinstance(a, Tracer) and a._trace is self else b.to_atom(a) for a in args]
        avals_out = prim.out_avals([v.aval for v in atoms], params)
        outvars = [Var(a) for a in avals_out]
        b.eqns.append(core.JaxprEqn(atoms, outvars, prim, params))
        from xjax._src.interpreters.partial_eval import JaxprTracer

        outs = [JaxprTracer(self, a, v) for a, v in zip(avals_out, outvars)]  # type: ignore[arg-type]
        return outs if prim.multiple_results else outs[0]

    def to_jaxpr(self, outs: Sequence[Any]) -> tuple[Jaxpr, list]:
        b = self.builder
        atoms = [o.var if isinstance(o, Tracer) and o._trace is self else b.to_atom(o) for o in outs]
        jaxpr = Jaxpr(b.constvars, b.invars, atoms, b.eqns)
        return jaxpr, list(b.consts)


def linearize_flat(fun: Callable, primals: Sequence[Any]) -> tuple[list, Jaxpr, list, list]:
    """(primals_out, linear jaxpr tangents_in -> tangents_out, its consts, out tangent avals)."""
    lin = LinearizeTrace(core.current_trace())
    jvp = JVPTrace(lin)
    primals = [_lift_scalar(p) for p in primals]
    try:
        t_in = [lin.new_arg(tangent_aval(core.get_aval(p))) for p in primals]
        ins = [JVPTracer(jvp, p, t) for p, t in zip(primals, t_in)]
        with core.set_current_trace(jvp):
            outs = fun(*ins)
        pairs = [jvp.to_primal_tangent(o) for o in outs]
        primals_out = [p for p, _ in pairs]
        with core.set_current_trace(lin):
            t_out = [instantiate(t) for _, t in pairs]
        jaxpr, consts = lin.to_jaxpr(t_out)
    finally:
        jvp.invalidate()
        lin.invalidate()
    out_avals = [tangent_aval(core.get_aval(p)) for p in primals_out]
    return primals_out, jaxpr, consts, out_avals


# ---------------------------------------------------------------------------
# Transposition


class UndefinedPrimal:
    """A linear input of a primitive being transposed (its value is what we solve for)."""

    __slots__ = ("aval",)

    def __init__(self, aval: ShapedArray):
        self.aval = aval

    def __repr__(self) -> str:
        return f"UndefinedPrimal({self.aval.str_short()})"


def is_undefined(x: Any) -> bool:
    return type(x) is UndefinedPrimal


def backward_pass(jaxpr: Jaxpr, consts: Sequence[Any], args: Sequence[Any], cts_out: Sequence[Any]) -> list:
    """Cotangents of `jaxpr`'s inputs; `args[i]` is an UndefinedPrimal for linear inputs and a
    value otherwise. Equations with only known inputs are evaluated forward first."""
    primal_env: dict[Var, Any] = {}
    ct_env: dict[Var, Any] = {}

    def read_primal(v: Any) -> Any:
        if type(v) is Literal:
            return v.val
        return primal_env.get(v, UndefinedPrimal(v.aval))

    for v, c in zip(jaxpr.constvars, consts, strict=True):
        primal_env[v] = c
    for v, a in zip(jaxpr.invars, args, strict=True):
        if not is_undefined(a):
            primal_env[v] = a
    linear_eqns = []
    for eqn in jaxpr.eqns:
        ins = [read_primal(v) for v in eqn.invars]
        if any(is_undefined(x) for x in ins):
            linear_eqns.append(eqn)
            continue
        outs = eqn.primitive.bind(*ins, **eqn.params)
        if not eqn.primitive.multiple_results:
            outs = [outs]
        for v, o in zip(eqn.outvars, outs):
            primal_env[v] = o

    def write_ct(v: Any, ct: Any) -> None:
        if type(v) is Literal or ct is None or type(ct) is Zero:
            return
        ct_env[v] = add_tangents(ct_env[v], ct) if v in ct_env else ct

    for v, ct in zip(jaxpr.outvars, cts_out, strict=True):
        write_ct(v, ct)
    for eqn in reversed(linear_eqns):
        cts = [ct_env.pop(v, None) for v in eqn.outvars]
        if all(c is None for c in cts):
            continue
        cts = [Zero(tangent_aval(v.aval)) if c is None else c for v, c in zip(eqn.outvars, cts)]
        prim = eqn.primitive
        if prim.transpose is None:
            raise MissingRuleError(prim.name, "Transpose")
        ins = [read_primal(v) for v in eqn.invars]
        cts_in = prim.transpose(cts if prim.multiple_results else cts[0], *ins, **eqn.params)
        for v, x, ct in zip(eqn.invars, ins, cts_in):
            if is_undefined(x):
                write_ct(v, ct)
    return [ct_env.get(v, Zero(tangent_aval(v.aval))) if is_undefined(a) else None
            for v, a in zip(jaxpr.invars, args)]
