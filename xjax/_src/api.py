"""jit and its companions: make_jaxpr, eval_shape, device_put/get, block_until_ready,
clear_caches, default-device switching, live_arrays, named_call/named_scope, typeof,
make_array_from_callback / make_array_from_single_device_arrays."""

from __future__ import annotations

import contextlib
import functools
import inspect
import operator
import weakref
from typing import Any, Callable, Iterator, NamedTuple, Sequence

import numpy as np

from xjax._src import core, dtypes
from xjax._src import tree as tree_lib
from xjax._src.array import Array, _default_device, common_device, from_host, to_array, to_device
from xjax._src.config import _x64, config, x64_enabled
from xjax._src.core import ClosedJaxpr, ShapedArray
from xjax._src.interpreters import lowering
from xjax._src.interpreters.partial_eval import DebugInfo, trace_to_jaxpr
from xjax._src.pjit import compile_closed_jaxpr, jit_p, split_consts
from xjax._src.util import fn_name
from xjax._src.xla import client as xla_client
from xjax._src.xla import execute as xla

_PY = (bool, int, float, complex)
_live_jits: weakref.WeakSet = weakref.WeakSet()
_flatten = tree_lib.flatten
_ctx = core._ctx
_eval_trace = core.eval_trace
_Array = Array


class ShapeDtypeStruct:
    """A shape, dtype (and weak type) standing in for an array in eval_shape / lower."""

    __slots__ = ("shape", "dtype", "sharding", "weak_type")

    def __init__(self, shape: Sequence[int], dtype: Any, sharding: Any = None, weak_type: bool = False):
        self.shape = tuple(operator.index(d) for d in shape)
        self.dtype = np.dtype(dtype)
        self.sharding = sharding
        self.weak_type = weak_type

    @property
    def aval(self) -> ShapedArray:
        return core.shaped_array(self.shape, dtypes.canonicalize_dtype(self.dtype), self.weak_type)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, ShapeDtypeStruct)
            and (self.shape, self.dtype, self.weak_type) == (other.shape, other.dtype, other.weak_type)
        )

    def __hash__(self) -> int:
        return hash((self.shape, self.dtype, self.weak_type))

    def __repr__(self) -> str:
        weak = ", weak_type=True" if self.weak_type else ""
        return f"ShapeDtypeStruct(shape={self.shape}, dtype={self.dtype.name}{weak})"


def _abstractify(x: Any) -> ShapedArray:
    try:
        return core.get_aval(x)
    except TypeError:
        raise TypeError(
            f"Argument {x!r} of type {type(x).__name__} is not a valid xjax type: "
            "arguments must be arrays, scalars or pytrees of them (mark other arguments static)"
        ) from None


def _arg_names(fun: Callable, in_tree: Any, n_leaves: int) -> tuple[str, ...]:
    """Names of flattened arguments ('x', "params['w']") for error messages."""
    try:
        params = list(inspect.signature(fun).parameters)
    except (TypeError, ValueError):
        params = []
    try:
        dummy = tree_lib.tree_unflatten(in_tree, list(range(n_leaves)))
        paths = tree_lib.tree_flatten_with_path(dummy)[0]
    except Exception:  # pragma: no cover - names are best effort
        return tuple(f"argument {i}" for i in range(n_leaves))
    names = []
    for path, _ in paths:
        head = path[0] if path else None
        pos = getattr(head, "idx", None)
        key = getattr(head, "key", None)
        if len(path) >= 2:
            inner = path[1]
            if pos == 0:  # positional
                i = getattr(inner, "idx", 0)
                base = params[i] if i < len(params) else f"args[{i}]"
            else:  # keyword
                base = str(getattr(inner, "key", key))
            names.append(base + tree_lib.keystr(tuple(path[2:])))
        else:
            names.append("argument")
    return tuple(names)


class _Entry(NamedTuple):
    exe: xla.Executable
    const_bufs: list
    out_avals: list
    out_tree: Any
    execute: Any  # the jaxlib entry point and result handlers, unwrapped for the hot path
    handlers: list
    single: ShapedArray | None  # the output's aval when the result is one bare array


class _Traced(NamedTuple):
    closed: ClosedJaxpr  # small host consts inlined; hoisted consts are leading invars
    hoisted: list  # values of the leading invars (Arrays, big numpy arrays or outer tracers)
    out_tree: Any
    in_avals: list


def _runtime_error(name: str, e: Exception) -> Exception:
    if "delete" in str(e) or "donated" in str(e):
        return RuntimeError(
            f"jit({name}): an argument was deleted or donated earlier (donate_argnums) and can "
            "no longer be used"
        )
    return e


def _check_static(x: Any, i: Any) -> Any:
    try:
        hash(x)
    except TypeError as e:
        raise ValueError(
            f"Non-hashable static arguments are not supported. An error occurred while trying to "
            f"hash an object of type {type(x)}, {x!r}, passed as static argument {i}. The error "
            f"was: {e}. Fix: make it hashable (e.g. a tuple) or pass it as a traced argument."
        ) from None
    return x


class JitWrapped:
    """A jit-compiled function: traced once per input signature, then run from a cache."""

    def __init__(
        self,
        fun: Callable,
        static_argnums: int | Sequence[int] | None = None,
        static_argnames: str | Sequence[str] | None = None,
        donate_argnums: int | Sequence[int] | None = None,
        donate_argnames: str | Sequence[str] | None = None,
    ):
        if not callable(fun):
            raise TypeError(f"jit: expected a callable, got {fun!r} of type {type(fun).__name__}")
        self._fun = fun
        self._name = getattr(fun, "__name__", "fun")
        functools.update_wrapper(self, fun, updated=())
        try:
            self._sig: inspect.Signature | None = inspect.signature(fun)
        except (TypeError, ValueError):
            self._sig = None
        self._static_argnums, self._static_argnames = self._resolve(static_argnums, static_argnames)
        self._donate_argnums, _ = self._resolve(donate_argnums, donate_argnames)
        self._cache: dict[Any, _Entry] = {}
        self._trace_cache: dict[Any, _Traced] = {}
        self._checked = False  # set once an argument on another device was seen
        self._has_statics = bool(self._static_argnums or self._static_argnames)
        # Positional-Arrays-only calls: (x64, *avals) -> the _cache entry's fields as a plain
        # tuple (unpacking an exact tuple is ~50 ns faster than a NamedTuple). No pytree
        # flattening on this path.
        self._fast: dict[tuple, tuple] = {}
        # (_cache, _fast) of other default devices (`default_device` swaps them in and out)
        self._by_device: dict[Any, tuple[dict, dict]] = {}
        _live_jits.add(self)

    def _resolve(self, nums: Any, names: Any) -> tuple[tuple[int, ...], tuple[str, ...]]:
        nums = () if nums is None else (nums,) if isinstance(nums, int) else tuple(nums)
        names = () if names is None else (names,) if isinstance(names, str) else tuple(names)
        params = list(self._sig.parameters.values()) if self._sig else []
        positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        n_pos = len(positional)
        has_varargs = any(p.kind == p.VAR_POSITIONAL for p in params)
        out_nums = []
        for i in nums:
            if not isinstance(i, int):
                raise TypeError(f"jit: argnums must be integers, got {i!r}")
            if i < 0:
                if not n_pos or has_varargs:
                    raise ValueError(f"jit: negative argnum {i} needs a fixed number of positional parameters")
                i += n_pos
            if not has_varargs and self._sig is not None and i >= n_pos:
                raise ValueError(
                    f"jit: argnum {i} is out of range for {self._name} with {n_pos} positional parameters"
                )
            out_nums.append(i)
        out_names = list(names)
        for i in out_nums:  # infer names from numbers, and numbers from names, as JAX does
            if i < n_pos and positional[i].kind != positional[i].POSITIONAL_ONLY:
                out_names.append(positional[i].name)
        for nm in names:
            for j, p in enumerate(positional):
                if p.name == nm:
                    out_nums.append(j)
        return tuple(sorted(set(out_nums))), tuple(sorted(set(out_names)))

    # -- argument handling ---------------------------------------------------------------
    def _split(self, args: tuple, kwargs: dict) -> tuple[tuple, dict, tuple]:
        if not self._static_argnums and not self._static_argnames:
            return args, kwargs, ()
        statics = []
        dyn_args = []
        for i, a in enumerate(args):
            if i in self._static_argnums:
                statics.append((i, _check_static(a, i)))
            else:
                dyn_args.append(a)
        dyn_kwargs = {}
        for k, v in kwargs.items():
            if k in self._static_argnames:
                statics.append((k, _check_static(v, k)))
            else:
                dyn_kwargs[k] = v
        return tuple(dyn_args), dyn_kwargs, tuple(statics)

    def _merge(self, dyn_args: tuple, dyn_kwargs: dict, statics: tuple) -> tuple[tuple, dict]:
        if not statics:
            return dyn_args, dyn_kwargs
        pos = {k: v for k, v in statics if isinstance(k, int)}
        kw = {k: v for k, v in statics if isinstance(k, str)}
        args, it = [], iter(dyn_args)
        n = len(dyn_args) + len(pos)
        for i in range(n):
            args.append(pos[i] if i in pos else next(it))
        return tuple(args), {**dyn_kwargs, **kw}

    # -- tracing -------------------------------------------------------------------------
    def _trace(self, in_tree: Any, in_avals: list, statics: tuple, traced_for: str = "jit") -> _Traced:
        key = (in_tree, tuple(in_avals), statics, x64_enabled())
        hit = self._trace_cache.get(key)
        if hit is not None:
            return hit
        out_tree_box = []

        def flat_fun(*flat: Any) -> list:
            dyn_args, dyn_kwargs = tree_lib.tree_unflatten(in_tree, flat)
            args, kwargs = self._merge(dyn_args, dyn_kwargs, statics)
            out = self._fun(*args, **kwargs)
            leaves, out_tree = tree_lib.flatten(out)
            out_tree_box.append(out_tree)
            return leaves

        debug = DebugInfo(traced_for, fn_name(self._fun), _arg_names(self._fun, in_tree, len(in_avals)))
        jaxpr, consts = trace_to_jaxpr(flat_fun, in_avals, debug)
        closed, hoisted = split_consts(jaxpr, consts)
        traced = _Traced(closed, hoisted, out_tree_box[0], in_avals)
        if not any(isinstance(c, core.Tracer) for c in hoisted):
            self._trace_cache[key] = traced
        return traced

    def _flatten_args(self, args: tuple, kwargs: dict) -> tuple[list, Any, tuple]:
        dyn_args, dyn_kwargs, statics = self._split(args, kwargs)
        leaves, in_tree = tree_lib.flatten((dyn_args, dyn_kwargs))
        return leaves, in_tree, statics

    def _donated(self, leaves: list, in_tree: Any, n_hoisted: int, statics: tuple) -> list[bool]:
        """Per-executable-argument donation flags (hoisted consts are never donated)."""
        if not self._donate_argnums:
            return []
        dyn_args, _ = tree_lib.tree_unflatten(in_tree, leaves)
        static_pos = {k for k, _ in statics if isinstance(k, int)}
        positions = [i for i in range(len(dyn_args) + len(static_pos)) if i not in static_pos]
        flags = [False] * n_hoisted
        for pos, sub in zip(positions, dyn_args):
            flags += [pos in self._donate_argnums] * len(tree_lib.flatten(sub)[0])
        return flags + [False] * (n_hoisted + len(leaves) - len(flags))

    def _compile(self, leaves: list, in_tree: Any, statics: tuple, device: Any = None) -> _Entry:
        in_avals = [_abstractify(x) for x in leaves]
        traced = self._trace(in_tree, in_avals, statics)
        donated = self._donated(leaves, in_tree, len(traced.hoisted), statics)
        exe = compile_closed_jaxpr(traced.closed, self._name, donated, device)
        device = exe.devices[0]
        const_bufs = [
            (to_device(c, device) if type(c) is Array else from_host(c, device=device))._buf
            for c in traced.hoisted
        ]
        out_avals, out_tree = traced.closed.out_avals, traced.out_tree
        single = out_avals[0] if out_tree.num_leaves == 1 and out_tree.num_nodes == 1 else None
        return _Entry(exe, const_bufs, out_avals, out_tree, exe._execute, exe._handlers, single)

    # -- calling -------------------------------------------------------------------------
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not kwargs and _ctx.trace is _eval_trace and not self._checked:
            key = [_x64[0]]
            bufs = []
            for x in args:
                if type(x) is not _Array:
                    break
                key.append(x.aval)
                bufs.append(x._buf)
            else:
                fast = self._fast.get(tuple(key))
                if fast is not None and not config.jax_disable_jit:
                    _, consts, out_avals, out_tree, execute, handlers, single = fast
                    try:
                        outs = execute(consts + bufs if consts else bufs).consume_with_handlers(handlers)
                    except xla_client.XlaRuntimeError:
                        pass  # the general path below re-runs and explains the error
                    else:
                        if single is not None:
                            return _Array(outs[0], single)
                        return out_tree.unflatten(list(map(_Array, outs, out_avals)))
        if config.jax_disable_jit:
            return self._fun(*args, **kwargs)
        if self._has_statics:
            args, kwargs, statics = self._split(args, kwargs)
        else:
            statics = ()
        leaves, in_tree = _flatten((args, kwargs))
        if _ctx.trace is not _eval_trace:
            return self._bind(leaves, in_tree, statics)
        if self._checked and any(
            type(x) is Array and x.device != _default_device() for x in leaves
        ):
            return self._call_elsewhere(leaves, in_tree, statics, [in_tree, statics, _x64[0]]
                                        + [_abstractify(x) for x in leaves])
        key = [in_tree, statics, _x64[0]]
        bufs = []
        for x in leaves:
            if type(x) is _Array:
                key.append(x.aval)
                bufs.append(x._buf)
            else:
                key.append(type(x) if type(x) in _PY else _abstractify(x))
                bufs.append(to_array(x)._buf)
        key = tuple(key)
        entry = self._cache.get(key)
        if entry is None:
            entry = self._cache[key] = self._compile(leaves, in_tree, statics)
            if not kwargs and not self._has_statics and len(leaves) == len(args) and all(
                type(x) is _Array for x in args
            ):
                self._fast[(_x64[0], *key[3:])] = tuple(entry)
        if entry.const_bufs:
            bufs = entry.const_bufs + bufs
        try:
            outs = entry.execute(bufs).consume_with_handlers(entry.handlers)
        except xla_client.XlaRuntimeError as e:
            # Arguments on another device are rejected by the runtime (never run on the wrong
            # device), so the device check costs nothing on the fast path.
            if "is on device" in str(e):
                self._checked = True  # from now on check placement before running
                return self._call_elsewhere(leaves, in_tree, statics, list(key))
            raise _runtime_error(self._name, e) from e
        return entry.out_tree.unflatten(list(map(_Array, outs, entry.out_avals)))

    def _call_elsewhere(self, leaves: list, in_tree: Any, statics: tuple, key: list) -> Any:
        """Slow path: some argument lives on a non-default device; compile and run there."""
        device = common_device(leaves, f"jit({self._name})")
        arrays = [to_device(x, device) for x in leaves]
        key = tuple(key) + (device,)
        entry = self._cache.get(key)
        if entry is None:
            entry = self._cache[key] = self._compile(leaves, in_tree, statics, device)
        outs = entry.exe(entry.const_bufs + [a._buf for a in arrays])
        return entry.out_tree.unflatten([Array(b, a) for b, a in zip(outs, entry.out_avals)])

    def _bind(self, leaves: list, in_tree: Any, statics: tuple) -> Any:
        in_avals = [_abstractify(x) for x in leaves]
        traced = self._trace(in_tree, in_avals, statics)
        outs = jit_p.bind(*traced.hoisted, *leaves, jaxpr=traced.closed, name=self._name)
        return tree_lib.tree_unflatten(traced.out_tree, outs)

    # -- AOT -----------------------------------------------------------------------------
    def trace(self, *args: Any, **kwargs: Any) -> Traced:
        """Traces for the given arguments (arrays or ShapeDtypeStructs) without compiling."""
        leaves, in_tree, statics = self._flatten_args(args, kwargs)
        in_avals = [_abstractify(x) for x in leaves]
        return Traced(self, self._trace(in_tree, in_avals, statics), in_tree, statics)

    def lower(self, *args: Any, **kwargs: Any) -> Lowered:
        """Lowers to StableHLO for the given arguments (arrays or ShapeDtypeStructs)."""
        return self.trace(*args, **kwargs).lower()

    def eval_shape(self, *args: Any, **kwargs: Any) -> Any:
        return self.trace(*args, **kwargs).out_info

    def clear_cache(self) -> None:
        self._cache.clear()
        self._trace_cache.clear()

    def _cache_size(self) -> int:
        return len(self._cache)

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        if obj is None:
            return self
        return functools.partial(self, obj)

    def __repr__(self) -> str:
        return f"<xjax.jit({self._name})>"


def _shape_struct(a: ShapedArray) -> ShapeDtypeStruct:
    return ShapeDtypeStruct(a.shape, a.dtype, weak_type=a.weak_type)


class Traced:
    """The result of `jit(f).trace(...)`: the jaxpr, before lowering."""

    def __init__(self, wrapped: JitWrapped, traced: _Traced, in_tree: Any, statics: tuple):
        self._wrapped, self._traced, self._in_tree, self._statics = wrapped, traced, in_tree, statics

    @property
    def jaxpr(self) -> ClosedJaxpr:
        return self._traced.closed

    @property
    def out_info(self) -> Any:
        return tree_lib.tree_unflatten(
            self._traced.out_tree, [_shape_struct(a) for a in self._traced.closed.out_avals]
        )

    def lower(self) -> Lowered:
        return Lowered(self._wrapped, self._traced, self._in_tree, self._statics)


class Lowered:
    """The result of `jit(f).lower(...)`: StableHLO text, ready to compile."""

    def __init__(self, wrapped: JitWrapped, traced: _Traced, in_tree: Any, statics: tuple):
        self._wrapped, self._traced, self._in_tree, self._statics = wrapped, traced, in_tree, statics
        closed = traced.closed
        self._text = lowering.lower_jaxpr(closed.jaxpr, closed.consts, name=f"jit_{wrapped._name}")

    def as_text(self, dialect: str | None = None) -> str:
        if dialect not in (None, "stablehlo"):
            raise ValueError(f"Lowered.as_text: unknown dialect {dialect!r}; only 'stablehlo'")
        return self._text

    def compile(self) -> Compiled:
        exe = compile_closed_jaxpr(self._traced.closed, self._wrapped._name)
        return Compiled(exe, self._traced, self._in_tree, self._wrapped._name)


class Compiled:
    """An executable for fixed input types (`jit(f).lower(...).compile()`)."""

    def __init__(self, exe: xla.Executable, traced: _Traced, in_tree: Any, name: str):
        self._exe, self._traced, self._in_tree, self._name = exe, traced, in_tree, name
        self._const_bufs = [(c if type(c) is Array else from_host(c))._buf for c in traced.hoisted]

    def as_text(self) -> str:
        return self._exe.hlo_text()

    def cost_analysis(self) -> Any:
        return self._exe.cost_analysis()

    def memory_analysis(self) -> Any:
        return self._exe.memory_analysis()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        leaves, in_tree = tree_lib.flatten((args, kwargs))
        if in_tree != self._in_tree:
            raise TypeError(
                f"Compiled({self._name}): called with argument structure {in_tree}, compiled for "
                f"{self._in_tree}"
            )
        arrays = [x if type(x) is Array else to_array(x) for x in leaves]
        for i, (a, want) in enumerate(zip(arrays, self._traced.in_avals)):
            if a.aval.shape != want.shape or a.aval.dtype != want.dtype:
                raise TypeError(
                    f"Compiled({self._name}): argument {i} has type {a.aval.str_short()}, but the "
                    f"executable was compiled for {want.str_short()}"
                )
        outs = self._exe(self._const_bufs + [a._buf for a in arrays])
        avals = self._traced.closed.out_avals
        return tree_lib.tree_unflatten(self._traced.out_tree, [Array(b, a) for b, a in zip(outs, avals)])


def jit(
    fun: Callable | None = None,
    *,
    static_argnums: int | Sequence[int] | None = None,
    static_argnames: str | Sequence[str] | None = None,
    donate_argnums: int | Sequence[int] | None = None,
    donate_argnames: str | Sequence[str] | None = None,
    keep_unused: bool = False,
    device: Any = None,
    backend: str | None = None,
    inline: bool = False,
) -> Any:
    """Compiles `fun` with XLA: traced once per argument signature, then cached.

    Usable as `jit(f, ...)` or as a decorator `@jit` / `@partial(jit, static_argnums=...)`.
    """
    if fun is None:
        return lambda f: jit(f, static_argnums=static_argnums, static_argnames=static_argnames,
                             donate_argnums=donate_argnums, donate_argnames=donate_argnames)
    return JitWrapped(fun, static_argnums, static_argnames, donate_argnums, donate_argnames)


def make_jaxpr(
    fun: Callable,
    static_argnums: int | Sequence[int] = (),
    return_shape: bool = False,
) -> Callable[..., Any]:
    """Returns a function that traces `fun` and returns its ClosedJaxpr (JAX's printed form)."""
    wrapped = JitWrapped(fun, static_argnums)

    @functools.wraps(fun)
    def make(*args: Any, **kwargs: Any) -> Any:
        leaves, in_tree, statics = wrapped._flatten_args(args, kwargs)
        in_avals = [_abstractify(x) for x in leaves]
        traced = wrapped._trace(in_tree, in_avals, statics, traced_for="make_jaxpr")
        closed = traced.closed
        n_h = len(traced.hoisted)
        if n_h:  # hoisted consts back to constvars for display
            j = closed.jaxpr
            jaxpr = core.Jaxpr(j.invars[:n_h] + j.constvars, j.invars[n_h:], j.outvars, j.eqns)
            closed = ClosedJaxpr(jaxpr, list(traced.hoisted) + closed.consts)
        if return_shape:
            return closed, tree_lib.tree_unflatten(traced.out_tree, [_shape_struct(a) for a in closed.out_avals])
        return closed

    return make


def eval_shape(fun: Callable, *args: Any, **kwargs: Any) -> Any:
    """Output shapes/dtypes of `fun(*args)` as ShapeDtypeStructs, computed without running it."""
    return JitWrapped(fun).trace(*args, **kwargs).out_info


def device_put(x: Any, device: Any = None, *, donate: bool = False, may_alias: Any = None) -> Any:
    """Places every leaf of `x` on `device` (default: the first device)."""
    if device is not None and not isinstance(device, xla_client.Device):
        device = getattr(device, "_device", None) or next(iter(getattr(device, "device_set", [])), None)
        if device is None:
            raise TypeError("device_put: `device` must be a Device or a single-device Sharding")

    def put(leaf: Any) -> Any:
        if isinstance(leaf, core.Tracer):
            return leaf
        if type(leaf) is Array:
            if device is None or leaf.device == device:
                return leaf
            return Array(xla.copy_to_device(leaf._buf, device), leaf.aval)
        aval = _abstractify(leaf)
        return from_host(np.asarray(leaf), aval.dtype, aval.weak_type, device)

    return tree_lib.tree_map(put, x)


def device_get(x: Any) -> Any:
    """Copies every Array leaf of `x` to a host numpy array."""

    def get(leaf: Any) -> Any:
        if type(leaf) is Array:
            return leaf._value
        return leaf

    return tree_lib.tree_map(get, x)


def block_until_ready(x: Any) -> Any:
    """Waits for every Array leaf of `x`; returns `x`."""
    leaves = [leaf for leaf in tree_lib.tree_leaves(x) if type(leaf) is Array]
    for leaf in leaves:
        leaf._check_alive()
    if leaves:
        xla.block_until_ready([leaf._buf for leaf in leaves])
    return x


# ---------------------------------------------------------------------------
# Caches and the default device


def clear_caches() -> None:
    """xjax implementation of `jax.clear_caches`: drops every tracing and compilation cache
    (jit functions, eager single-op executables, compiled programs)."""
    from xjax._src import custom_derivatives, dispatch, pjit

    for j in list(_live_jits):
        j._cache.clear()
        j._trace_cache.clear()
        j._fast.clear()
        j._by_device.clear()
    dispatch.clear_cache()
    pjit._impl_cache.clear()
    _device_caches.clear()
    xla.clear_compile_cache()
    custom_derivatives.clear_trace_caches()


# Eager and jit caches hold executables compiled for one device; each default device keeps
# its own (saved here while another device is the default).
_device_caches: dict[Any, dict[str, Any]] = {}


def _resolve_device(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return xla_client.default_device()
    if value not in xla_client.devices():
        raise ValueError(
            f"default_device: {value!r} is not a device of this process; available: "
            f"{xla_client.devices()}"
        )
    return value


def _set_default_device(value: Any) -> None:
    """Hook of `jax_default_device`: swaps the device-specific caches and the default device
    that eager operations, new arrays and jit compile for use."""
    from xjax._src import array as array_mod
    from xjax._src import dispatch, pjit

    new = _resolve_device(value)
    old = _default_device()
    if new == old:
        return
    _device_caches[old] = {"dispatch": dispatch._cache, "impl": pjit._impl_cache,
                           "scalars": array_mod._scalar_cache}
    saved = _device_caches.pop(new, None)
    dispatch._cache = saved["dispatch"] if saved else {}
    pjit._impl_cache = saved["impl"] if saved else weakref.WeakKeyDictionary()
    array_mod._scalar_cache = saved["scalars"] if saved else {}
    for j in list(_live_jits):
        j._by_device[old] = (j._cache, j._fast)
        j._cache, j._fast = j._by_device.pop(new, ({}, {}))
    array_mod._default[:] = [new]


config.add_hook("jax_default_device", _set_default_device)


def live_arrays(platform: str | None = None) -> list[Array]:
    """xjax implementation of `jax.live_arrays`: every array alive on the backend (new Array
    objects over the live buffers, including xjax's cached constants)."""
    if platform not in (None, "cpu"):
        raise RuntimeError(f"live_arrays: unknown platform {platform!r}; available: ['cpu']")
    out = []
    for b in xla_client.live_buffers():
        aval = getattr(b, "aval", None)
        if type(aval) is not ShapedArray:
            if not hasattr(aval, "shape"):  # a piece jaxlib made without one (none on 1 device)
                continue
            aval = core.shaped_array(tuple(aval.shape), np.dtype(aval.dtype))
        out.append(Array(b, aval))
    return out


def effects_barrier() -> None:
    """xjax implementation of `jax.effects_barrier`: waits for every host callback of every
    program run so far (re-raising the first error one raised)."""
    from xjax._src.xla.callback import effects_barrier as barrier

    barrier()


# ---------------------------------------------------------------------------
# Names, types


@contextlib.contextmanager
def named_scope(name: str) -> Iterator[None]:
    """xjax implementation of `jax.named_scope` (context manager or decorator). xjax records
    no name stack, so the name only annotates the source."""
    if not isinstance(name, str):
        raise TypeError(f"named_scope name argument must be a string, got {type(name).__name__}")
    yield


def named_call(fun: Callable, *, name: str | None = None) -> Callable:
    """xjax implementation of `jax.named_call`: `fun` run inside `named_scope(name)`."""
    if name is None:
        name = getattr(fun, "__name__", "fun")

    @functools.wraps(fun)
    def named(*args: Any, **kwargs: Any) -> Any:
        with named_scope(name):
            return fun(*args, **kwargs)

    return named


def typeof(x: Any) -> ShapedArray:
    """xjax implementation of `jax.typeof`: the abstract value (shape, dtype, weak type)."""
    try:
        return core.get_aval(x)
    except TypeError:
        raise TypeError(
            f"typeof: {x!r} of type {type(x).__name__} is not an array, scalar or traced value"
        ) from None


# ---------------------------------------------------------------------------
# Assembling arrays from pieces (single-device shardings; several devices come with sharded jit)


def _single_device(sharding: Any, fn: str) -> Any:
    if isinstance(sharding, xla_client.Device):
        return sharding
    dev = getattr(sharding, "_device", None)
    if dev is not None:
        return dev
    devs = getattr(sharding, "device_set", None)
    if devs is not None and len(devs) == 1:
        return next(iter(devs))
    if devs is not None:
        raise NotImplementedError(
            f"{fn}: shardings over several devices ({len(devs)}) are not supported yet; only "
            "single-device shardings (SingleDeviceSharding)."
        )
    raise TypeError(f"{fn}: sharding must be a Sharding, got {sharding!r}")


def make_array_from_callback(shape: Sequence[int], sharding: Any,
                             data_callback: Callable[[Any], Any], dtype: Any = None) -> Array:
    """xjax implementation of `jax.make_array_from_callback` for a single-device sharding:
    `data_callback((slice(None),) * ndim)` gives the whole array."""
    fn = "make_array_from_callback"
    device = _single_device(sharding, fn)
    shape = tuple(operator.index(d) for d in shape)
    data = data_callback((slice(None),) * len(shape))
    if isinstance(data, core.Tracer):
        raise core.escaped_tracer_error(data, f"jax.{fn}: the data callback returned a tracer")
    host = data._value if type(data) is Array else np.asarray(data)
    host = host.astype(dtypes.canonicalize_dtype(host.dtype), copy=False)
    if dtype is not None:
        want = dtypes.canonicalize_dtype(np.dtype(dtype))
        if host.dtype != want:
            raise ValueError(
                f"If `dtype` is provided to `jax.{fn}`, it must match the dtype of the "
                f"addressable shards. Got dtype={want} and shard dtype={host.dtype}`."
            )
    if host.shape != shape:
        raise ValueError(
            f"Expected shard shape {shape} doesn't match the single device array shape "
            f"{host.shape}. Shape of Array is {shape} with sharding {sharding}"
        )
    return from_host(host, host.dtype, device=device)


def make_array_from_single_device_arrays(shape: Sequence[int], sharding: Any, arrays: Sequence[Any],
                                         *, dtype: Any = None) -> Array:
    """xjax implementation of `jax.make_array_from_single_device_arrays` for a single-device
    sharding: `arrays` is one Array holding the whole value."""
    fn = "make_array_from_single_device_arrays"
    device = _single_device(sharding, fn)
    if not isinstance(arrays, (list, tuple)):
        raise TypeError(f"jax.{fn} `arrays` argument must be a list or tuple, but got {type(arrays)}.")
    if any(isinstance(a, core.Tracer) for a in arrays):
        raise ValueError(
            f"jax.{fn} requires a list of concrete arrays as input, but got a traced value. Fix: "
            "call it outside jit/vmap/grad."
        )
    if len(arrays) != 1:
        raise ValueError(
            f"jax.{fn}: a single-device sharding takes exactly one array, got {len(arrays)}"
        )
    a = arrays[0] if type(arrays[0]) is Array else to_array(arrays[0])
    shape = tuple(operator.index(d) for d in shape)
    want = a.dtype if dtype is None else dtypes.canonicalize_dtype(np.dtype(dtype))
    if a.dtype != want:
        raise ValueError(
            f"Input buffers to `Array` must have matching dtypes. Got {a.dtype}, expected {want} "
            f"for buffer: {a}"
        )
    if a.shape != shape:
        raise ValueError(
            f"Expected shard shape {shape} doesn't match the single device array shape {a.shape}. "
            f"Shape of Array is {core.shaped_array(shape, want).str_short()} with sharding "
            f"{sharding}"
        )
    return a if a.device == device else to_device(a, device)
