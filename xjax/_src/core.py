"""Avals, primitives, the stackless trace context, tracers and the jaxpr IR.

A `Primitive` carries every rule beside it (abstract eval, impl, jvp, transpose, batching,
lowering). `bind` hands the call to the current trace, held in a thread-local context; a
transformation installs its own trace (whose parent is the previous one) while it runs the
user's function. Tracers of outer traces seen by an inner trace are constants to it.
"""

from __future__ import annotations

import itertools
import threading
from typing import Any, Callable, Iterator, NamedTuple, Sequence

import numpy as np

from xjax._src import dtypes
from xjax._src.errors import (
    ConcretizationTypeError,
    MissingRuleError,
    TracerArrayConversionError,
    TracerBoolConversionError,
    TracerIntegerConversionError,
    UnexpectedTracerError,
    docs_link,
)

# ---------------------------------------------------------------------------
# Abstract values


class ShapedArray:
    """The abstract value of an array: shape, dtype and whether its type is weak."""

    __slots__ = ("shape", "dtype", "weak_type", "_hash")
    array_abstraction_level = 1

    def __init__(self, shape: Sequence[int], dtype: Any, weak_type: bool = False):
        self.shape = tuple(shape)
        self.dtype = dtype if isinstance(dtype, np.dtype) else np.dtype(dtype)
        self.weak_type = bool(weak_type)
        self._hash = hash((self.shape, self.dtype, self.weak_type))

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n

    def __eq__(self, other: object) -> bool:
        return (
            type(other) is ShapedArray
            and self._hash == other._hash
            and self.shape == other.shape
            and self.dtype == other.dtype
            and self.weak_type == other.weak_type
        )

    def __hash__(self) -> int:
        return self._hash

    def update(self, shape: Any = None, dtype: Any = None, weak_type: Any = None) -> ShapedArray:
        return shaped_array(
            self.shape if shape is None else shape,
            self.dtype if dtype is None else dtype,
            self.weak_type if weak_type is None else weak_type,
        )

    def strip_weak_type(self) -> ShapedArray:
        return self.update(weak_type=False) if self.weak_type else self

    def str_short(self) -> str:
        return f"{dtypes.short_name(self.dtype)}[{','.join(map(str, self.shape))}]"

    def __repr__(self) -> str:
        weak = ", weak_type=True" if self.weak_type else ""
        return f"ShapedArray({self.dtype.name}[{','.join(map(str, self.shape))}]{weak})"

    __str__ = str_short


_aval_cache: dict[tuple, ShapedArray] = {}


def shaped_array(shape: Sequence[int], dtype: Any, weak_type: bool = False) -> ShapedArray:
    """An interned ShapedArray (equal avals are usually the same object: cheap cache keys)."""
    key = (tuple(shape), dtype, weak_type)
    a = _aval_cache.get(key)
    if a is None:
        a = ShapedArray(shape, dtype, weak_type)
        if len(_aval_cache) < 100_000:
            _aval_cache[key] = a
    return a


_PY_SCALARS = (bool, int, float, complex)


def get_aval(x: Any) -> ShapedArray:
    """The abstract value of an array, tracer, numpy value or Python scalar."""
    aval = getattr(x, "aval", None)
    if type(aval) is ShapedArray:
        return aval
    t = type(x)
    if t in _PY_SCALARS:
        return shaped_array((), dtypes.canonicalize_dtype(dtypes.python_scalar_dtype(x)), t is not bool)
    if isinstance(x, (np.ndarray, np.generic)):
        dt = dtypes.canonicalize_dtype(x.dtype)
        return shaped_array(x.shape, dt, False)
    raise TypeError(f"Value {x!r} of type {t.__name__} is not a valid xjax type")


class TypedScalar:
    """A host scalar with an explicit dtype and weak type (how lax/jnp pass a weakly typed
    constant of a non-default dtype to `bind`, e.g. the 2 in `weak_f16 * 2`)."""

    __slots__ = ("val", "aval")

    def __init__(self, val: Any, dtype: np.dtype, weak_type: bool):
        self.val = np.asarray(val, dtype)[()]
        self.aval = shaped_array((), dtype, weak_type)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return np.asarray(self.val, dtype)

    shape = property(lambda self: ())
    ndim = property(lambda self: 0)
    size = property(lambda self: 1)
    dtype = property(lambda self: self.aval.dtype)
    weak_type = property(lambda self: self.aval.weak_type)

    def __repr__(self) -> str:
        return f"TypedScalar({self.val!r}, {self.aval.str_short()}{', weak' if self.aval.weak_type else ''})"


def is_valid_jaxtype(x: Any) -> bool:
    try:
        get_aval(x)
        return True
    except TypeError:
        return False


# ---------------------------------------------------------------------------
# Primitives


class Primitive:
    """A named operation with its rules: the unit every transformation interprets."""

    registry: dict[str, Primitive] = {}

    __slots__ = (
        "name", "multiple_results", "abstract_eval", "impl", "jvp", "transpose",
        "batch", "lower", "nondiff", "inline", "axis_batch", "__weakref__",
    )

    def __init__(self, name: str, *, multiple_results: bool = False):
        self.name = name
        self.multiple_results = multiple_results
        self.abstract_eval: Callable | None = None
        self.impl: Callable | None = None
        self.jvp: Callable | None = None
        self.transpose: Callable | None = None
        self.batch: Callable | None = None
        self.lower: Callable | None = None
        self.nondiff = False
        # call primitives (jit): the `jaxpr` param is the body, which traces that cannot keep
        # the call whole evaluate in its place (`eval_call_inline`)
        self.inline = False
        # collectives: rule(trace, vals, dims, **params) applied by the vmap trace naming the axis
        self.axis_batch: Callable | None = None
        assert name not in Primitive.registry, f"duplicate primitive {name}"
        Primitive.registry[name] = self

    def __repr__(self) -> str:
        return self.name

    def bind(self, *args: Any, **params: Any) -> Any:
        return _ctx.trace.process_primitive(self, args, params)

    def def_abstract_eval(self, fn: Callable) -> Callable:
        self.abstract_eval = fn
        return fn

    def def_impl(self, fn: Callable) -> Callable:
        self.impl = fn
        return fn

    def def_jvp(self, fn: Callable) -> Callable:
        self.jvp = fn
        return fn

    def def_transpose(self, fn: Callable) -> Callable:
        self.transpose = fn
        return fn

    def def_batching(self, fn: Callable) -> Callable:
        self.batch = fn
        return fn

    def def_lowering(self, fn: Callable) -> Callable:
        self.lower = fn
        return fn

    def out_avals(self, avals: Sequence[ShapedArray], params: dict) -> list[ShapedArray]:
        if self.abstract_eval is None:
            raise MissingRuleError(self.name, "abstract evaluation")
        out = self.abstract_eval(*avals, **params)
        return list(out) if self.multiple_results else [out]


# ---------------------------------------------------------------------------
# Traces and the current-trace context


class Trace:
    """An interpreter of primitives. Subclasses: EvalTrace, JaxprTrace, JVPTrace, BatchTrace."""

    __slots__ = ("parent", "alive", "__weakref__")

    def __init__(self, parent: Trace | None = None):
        self.parent = parent
        self.alive = True

    def process_primitive(self, prim: Primitive, args: Sequence[Any], params: dict) -> Any:
        raise NotImplementedError

    def invalidate(self) -> None:
        self.alive = False

    def describe(self) -> str:
        return type(self).__name__


class EvalTrace(Trace):
    """The bottom trace: executes primitives on concrete arrays."""

    __slots__ = ()

    def process_primitive(self, prim: Primitive, args: Sequence[Any], params: dict) -> Any:
        if prim.impl is None:
            return _apply_primitive(prim, args, params)  # checks for leaked tracers itself
        for a in args:
            if isinstance(a, Tracer):
                raise escaped_tracer_error(a, f"primitive {prim.name}")
        return prim.impl(*args, **params)


eval_trace = EvalTrace()


class _Ctx(threading.local):
    trace: Trace = eval_trace  # every thread starts at the bottom


_ctx = _Ctx()


def current_trace() -> Trace:
    return _ctx.trace


class set_current_trace:
    """Context manager installing `trace` as the current one."""

    __slots__ = ("trace", "prev")

    def __init__(self, trace: Trace):
        self.trace = trace

    def __enter__(self) -> Trace:
        self.prev = current_trace()
        _ctx.trace = self.trace
        return self.trace

    def __exit__(self, *exc: Any) -> None:
        _ctx.trace = self.prev


def _apply_primitive(prim: Primitive, args: Sequence[Any], params: dict) -> Any:
    from xjax._src import dispatch  # late: dispatch needs lowering, which needs core

    global _apply_primitive
    _apply_primitive = dispatch.apply_primitive
    return _apply_primitive(prim, args, params)


# ---------------------------------------------------------------------------
# Tracers


class Tracer:
    """A value inside a transformation. Operators and methods are installed by xjax.numpy."""

    __slots__ = ("_trace", "__weakref__")
    __array_priority__ = 1000

    @property
    def aval(self) -> ShapedArray:
        raise NotImplementedError

    @property
    def shape(self) -> tuple[int, ...]:
        return self.aval.shape

    @property
    def dtype(self) -> np.dtype:
        return self.aval.dtype

    @property
    def ndim(self) -> int:
        return len(self.aval.shape)

    @property
    def size(self) -> int:
        return self.aval.size

    @property
    def weak_type(self) -> bool:
        return self.aval.weak_type

    def __len__(self) -> int:
        if not self.aval.shape:
            raise TypeError("len() of unsized object")
        return self.aval.shape[0]

    def __iter__(self) -> Iterator[Any]:
        if not self.aval.shape:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(self.aval.shape[0]))

    def __bool__(self) -> bool:
        raise concretization_error(
            self, TracerBoolConversionError, "The truth value of a traced array was requested",
            "use lax.cond / lax.select / jnp.where for value-dependent branches, or "
            "lax.while_loop / lax.fori_loop for loops; or mark the argument static "
            "(jit(f, static_argnums=...))",
        )

    def _int_error(self, what: str) -> Exception:
        return concretization_error(
            self, TracerIntegerConversionError, f"{what} of a traced array was requested",
            "mark the argument static (jit(f, static_argnums=...)) or use x.shape for sizes",
        )

    def __int__(self) -> int:
        raise self._int_error("int()")

    def __index__(self) -> int:
        raise self._int_error("__index__() (use as a Python integer)")

    def __float__(self) -> float:
        raise concretization_error(
            self, ConcretizationTypeError, "float() of a traced array was requested",
            "keep the value as an array, or mark the argument static",
        )

    def __complex__(self) -> complex:
        raise concretization_error(
            self, ConcretizationTypeError, "complex() of a traced array was requested",
            "keep the value as an array, or mark the argument static",
        )

    def __array__(self, *args: Any, **kwargs: Any) -> np.ndarray:
        raise concretization_error(
            self, TracerArrayConversionError,
            "The numpy.ndarray conversion method __array__() was called on a traced array",
            "use xjax.numpy instead of numpy inside transformed functions (jnp.sin, not np.sin)",
        )

    def __hash__(self) -> int:
        raise TypeError(f"unhashable type: traced array {self.aval.str_short()}")

    def __repr__(self) -> str:
        return f"Traced<{self.aval.str_short()}>with<{self._trace.describe()}>"

    def item(self, *args: Any) -> Any:
        raise concretization_error(
            self, ConcretizationTypeError, "item() of a traced array was requested",
            "keep the value as an array, or mark the argument static",
        )

    def tolist(self) -> Any:
        raise concretization_error(
            self, ConcretizationTypeError, "tolist() of a traced array was requested",
            "keep the value as an array, or mark the argument static",
        )


def concretization_error(
    tracer: Tracer, cls: type, what: str, fix: str, context: str = ""
) -> Exception:
    """An error about needing a concrete value, naming the traced function and the origin."""
    origin = ""
    describe_origin = getattr(tracer._trace, "describe_origin", None)
    if describe_origin is not None:
        origin = describe_origin(tracer)
    ctx = f"{context}: " if context else ""
    msg = (
        f"{ctx}{what}. Abstract tracer value encountered where concrete value is expected: "
        f"traced array with shape {tracer.aval.str_short()}.\n{origin}"
        f"Fix: {fix}.\n{docs_link(cls)}"
    )
    return cls(msg)


def escaped_tracer_error(tracer: Tracer, where: str) -> UnexpectedTracerError:
    trace = tracer._trace
    desc = getattr(trace, "debug_name", None) or trace.describe()
    return UnexpectedTracerError(
        f"Encountered an unexpected tracer ({tracer.aval.str_short()}) in {where}. A value "
        f"created while transforming {desc} escaped that transformation (it was stored in a "
        "global, a closure or an object attribute and used after the transformation ended). "
        "Fix: return the value from the transformed function instead of storing it, or pass it "
        f"as an explicit argument.\n{docs_link(UnexpectedTracerError)}"
    )


def check_tracer_alive(x: Tracer, where: str) -> None:
    if not x._trace.alive:
        raise escaped_tracer_error(x, where)


# ---------------------------------------------------------------------------
# Jaxpr IR


class Var:
    """A jaxpr variable: identity plus aval; names are assigned when printing."""

    __slots__ = ("aval", "suffix")

    def __init__(self, aval: ShapedArray, suffix: str = ""):
        self.aval = aval
        self.suffix = suffix

    def __repr__(self) -> str:
        return f"Var({self.aval.str_short()})"


class DropVar(Var):
    """An unused output of an equation (printed `_`)."""

    __slots__ = ()


class Literal:
    """A scalar constant inlined into an equation."""

    __slots__ = ("val", "aval")

    def __init__(self, val: Any, aval: ShapedArray):
        self.val = val
        self.aval = aval

    def __repr__(self) -> str:
        return f"Literal({self.val})"


Atom = Var | Literal


class JaxprEqn(NamedTuple):
    invars: list[Atom]
    outvars: list[Var]
    primitive: Primitive
    params: dict[str, Any]


class Jaxpr:
    """A typed first-order program: constvars, invars, equations, outvars."""

    __slots__ = ("constvars", "invars", "outvars", "eqns", "__weakref__")

    def __init__(
        self,
        constvars: Sequence[Var],
        invars: Sequence[Var],
        outvars: Sequence[Atom],
        eqns: Sequence[JaxprEqn],
    ):
        self.constvars = list(constvars)
        self.invars = list(invars)
        self.outvars = list(outvars)
        self.eqns = list(eqns)

    @property
    def in_avals(self) -> list[ShapedArray]:
        return [v.aval for v in self.invars]

    @property
    def out_avals(self) -> list[ShapedArray]:
        return [v.aval for v in self.outvars]

    def __str__(self) -> str:
        from xjax._src.pretty import pp_jaxpr

        return pp_jaxpr(self)

    __repr__ = __str__


class ClosedJaxpr:
    """A jaxpr with its constants bound."""

    __slots__ = ("jaxpr", "consts", "__weakref__")

    def __init__(self, jaxpr: Jaxpr, consts: Sequence[Any]):
        assert len(jaxpr.constvars) == len(consts), (len(jaxpr.constvars), len(consts))
        self.jaxpr = jaxpr
        self.consts = list(consts)

    @property
    def in_avals(self) -> list[ShapedArray]:
        return self.jaxpr.in_avals

    @property
    def out_avals(self) -> list[ShapedArray]:
        return self.jaxpr.out_avals

    @property
    def eqns(self) -> list[JaxprEqn]:
        return self.jaxpr.eqns

    def __str__(self) -> str:
        return str(self.jaxpr)

    __repr__ = __str__


def eval_jaxpr(jaxpr: Jaxpr, consts: Sequence[Any], *args: Any) -> list[Any]:
    """Interprets `jaxpr` by binding each equation's primitive under the current trace."""
    env: dict[Var, Any] = {}

    def read(v: Atom) -> Any:
        return v.val if type(v) is Literal else env[v]

    for v, x in zip(jaxpr.constvars, consts, strict=True):
        env[v] = x
    for v, x in zip(jaxpr.invars, args, strict=True):
        env[v] = x
    for eqn in jaxpr.eqns:
        outs = eqn.primitive.bind(*map(read, eqn.invars), **eqn.params)
        if not eqn.primitive.multiple_results:
            outs = (outs,)
        for v, x in zip(eqn.outvars, outs, strict=True):
            env[v] = x
    return [read(v) for v in jaxpr.outvars]


def eval_call_inline(trace: Trace, closed: ClosedJaxpr, args: Sequence[Any]) -> list[Any]:
    """The body `closed` of a call primitive (jit's `jaxpr` param) evaluated on `args` with
    `trace` current: `trace` sees the body's equations one by one instead of the call."""
    with set_current_trace(trace):
        return eval_jaxpr(closed.jaxpr, closed.consts, *args)


class JaxprTypeError(TypeError):
    """A jaxpr failed its type check."""


def check_jaxpr(jaxpr: Jaxpr) -> None:
    """Type-checks `jaxpr`: every variable bound once before use, every equation's outputs match
    its primitive's abstract evaluation, sub-jaxprs checked recursively."""
    defined: set[Var] = set()

    def bind_var(v: Var, where: str) -> None:
        if isinstance(v, DropVar):
            return
        if v in defined:
            raise JaxprTypeError(f"check_jaxpr: variable {v} bound twice ({where})")
        defined.add(v)

    def read(v: Atom, where: str) -> ShapedArray:
        if type(v) is Literal:
            return v.aval
        if v not in defined:
            raise JaxprTypeError(f"check_jaxpr: variable {v} used before definition ({where})")
        return v.aval

    for v in itertools.chain(jaxpr.constvars, jaxpr.invars):
        bind_var(v, "binder")
    for i, eqn in enumerate(jaxpr.eqns):
        where = f"equation {i}: {eqn.primitive.name}"
        in_avals = [read(v, where) for v in eqn.invars]
        for p in eqn.params.values():
            for sub in p if isinstance(p, tuple) else (p,):
                if isinstance(sub, ClosedJaxpr):
                    check_jaxpr(sub.jaxpr)
                elif isinstance(sub, Jaxpr):
                    check_jaxpr(sub)
        out_avals = eqn.primitive.out_avals(in_avals, eqn.params)
        if len(out_avals) != len(eqn.outvars):
            raise JaxprTypeError(
                f"check_jaxpr: {where} produces {len(out_avals)} outputs, binds {len(eqn.outvars)}"
            )
        for v, a in zip(eqn.outvars, out_avals):
            if v.aval != a:
                raise JaxprTypeError(
                    f"check_jaxpr: {where} output typed {v.aval!r} but the rule gives {a!r}"
                )
            bind_var(v, where)
    for v in jaxpr.outvars:
        read(v, "outvars")
