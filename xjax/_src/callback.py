"""Host callbacks: `pure_callback`, `debug.callback` and `debug.print` (JAX 0.10.2 semantics).

Eagerly the primitives call the Python function directly (its exceptions propagate as they
are). Under jit they lower to jaxlib's Python CPU callback custom call (`xla/callback.py`); the
function then runs on an XLA thread and receives xjax Arrays copied from the program's buffers.
An exception it raises fails the program: it surfaces as an `XlaRuntimeError` (a RuntimeError)
carrying the original traceback, at the call, on readback, `block_until_ready` or
`effects_barrier`. As in JAX, a callback that itself runs many device computations while the
caller keeps queueing work can exhaust the CPU client's in-flight limit and deadlock.
"""

from __future__ import annotations

import string
import sys
import weakref
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from xjax._src import core, dtypes
from xjax._src import tree as tree_lib
from xjax._src.array import Array, from_host, to_array
from xjax._src.core import Primitive, ShapedArray
from xjax._src.interpreters import batching
from xjax._src.interpreters.lowering import ttype
from xjax._src.xla import callback as host_callback

__all__ = ["debug_callback", "debug_print", "io_callback", "pure_callback"]


class _FlatCallback:
    """The user's function called with flat arguments, returning flat results. Equal for the
    same function and argument structure (so equal calls give equal jaxpr params)."""

    __slots__ = ("__weakref__", "callback", "in_tree")

    def __init__(self, callback: Callable[..., Any], in_tree: Any):
        self.callback, self.in_tree = callback, in_tree

    def __call__(self, *flat: Any) -> list:
        args, kwargs = tree_lib.tree_unflatten(self.in_tree, flat)
        return tree_lib.tree_leaves(self.callback(*args, **kwargs))

    def __eq__(self, other: object) -> bool:
        return (type(other) is _FlatCallback and self.callback is other.callback
                and self.in_tree == other.in_tree)

    def __hash__(self) -> int:
        return hash((id(self.callback), self.in_tree))

    def __repr__(self) -> str:
        return getattr(self.callback, "__name__", type(self.callback).__name__)


def _cb_name(callback: Any) -> str:
    fn = getattr(callback, "callback", callback)
    return getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or repr(fn)


def _to_arrays(args: Sequence[Any], avals: Sequence[ShapedArray]) -> list[Array]:
    """Host buffers the program passed (views valid only during the call) as device Arrays."""
    return [from_host(np.asarray(x), a.dtype) for x, a in zip(args, avals)]


def _check_results(what: str, callback: Any, outs: Sequence[Any],
                   result_avals: Sequence[ShapedArray]) -> list[np.ndarray]:
    """The callback's results as host arrays of the declared shapes and dtypes (JAX's checks)."""
    name = _cb_name(callback)
    if len(outs) != len(result_avals):
        raise RuntimeError(
            f"{what}: mismatched number of outputs from callback {name}. Expected: "
            f"{len(result_avals)}, Actual: {len(outs)}. Fix: return one array per leaf of "
            "result_shape_dtypes."
        )
    checked = []
    for i, (x, aval) in enumerate(zip(outs, result_avals)):
        arr = np.asarray(x)
        arr = arr.astype(dtypes.canonicalize_dtype(arr.dtype), copy=False)
        if arr.shape != aval.shape:
            raise RuntimeError(
                f"{what}: incorrect output shape for return value #{i} of callback {name}: "
                f"Expected: {aval.shape}, Actual: {arr.shape}. Fix: return arrays of the shapes "
                "declared in result_shape_dtypes, or declare the shapes it returns."
            )
        if arr.dtype != aval.dtype:
            raise RuntimeError(
                f"{what}: incorrect output dtype for return value #{i} of callback {name}: "
                f"Expected: {aval.dtype}, Actual: {arr.dtype}. Fix: cast the result (e.g. "
                f"np.asarray(r, np.{aval.dtype.name})) or declare the dtype it returns."
            )
        checked.append(arr if arr.flags.c_contiguous else arr.copy(order="C"))
    return checked


# ---------------------------------------------------------------------------
# Emitting the custom call

_block_tokens: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_TOKEN = "!stablehlo.token"


def _token_in(fn: Any) -> str:
    """The current ordered-effects token of the block being emitted (created on first use).
    Ordered callbacks chain through it, so they run in program order within a block."""
    blocks = _block_tokens.setdefault(fn, {})
    entry = blocks.get(id(fn.lines))
    if entry is not None and entry[0] is fn.lines:
        return entry[1]
    t = fn.fresh()
    fn.emit(f'{t} = "stablehlo.after_all"() : () -> {_TOKEN}')
    blocks[id(fn.lines)] = (fn.lines, t)  # the list is kept alive, so its id is not reused
    return t


def _layout(mlir_type: str) -> str:
    ndim = 0 if mlir_type == _TOKEN else mlir_type.count("x") - mlir_type.count("complex<")
    if ndim == 0:
        return "dense<> : tensor<0xindex>"
    return f"dense<[{', '.join(str(i) for i in reversed(range(ndim)))}]> : tensor<{ndim}xindex>"


def _emit_callback(ctx: Any, operands: Sequence[str], call: Callable[..., Sequence[Any]],
                   result_avals: Sequence[ShapedArray], side_effect: bool, ordered: bool) -> list:
    """Emits the host call `call(*arrays)` of the operands (as xjax Arrays), which returns host
    arrays of `result_avals`; with `ordered`, threads the block's token through it."""
    fn = ctx.fn
    in_avals = list(ctx.avals_in)

    def host_fn(*flat: Any) -> tuple:
        token, flat = (flat[:1], flat[1:]) if ordered else ((), flat)
        return (*token, *call(*_to_arrays(flat, in_avals)))

    attrs = host_callback.custom_call_attrs(host_callback.register(host_fn), side_effect)
    in_types = [ttype(a) for a in ctx.avals_in]
    out_types = [ttype(a) for a in result_avals]
    operands = list(operands)
    if ordered:
        operands.insert(0, _token_in(fn))
        in_types.insert(0, _TOKEN)
        out_types.insert(0, _TOKEN)
    n = len(out_types)
    results = out_types[0] if n == 1 else f"({', '.join(out_types)})"
    # Row-major layouts, as JAX gives (XLA may pick others for a token next to arrays).
    layouts = (f"operand_layouts = [{', '.join(_layout(t) for t in in_types)}], "
               f"result_layouts = [{', '.join(_layout(t) for t in out_types)}]")
    op = (f'"stablehlo.custom_call"({", ".join(operands)}) {{{attrs}, {layouts}}} : '
          f'({", ".join(in_types)}) -> {results}')
    if n == 0:
        fn.emit(op)
        return []
    r = fn.fresh()
    fn.emit(f"{r if n == 1 else f'{r}:{n}'} = {op}")
    names = [r] if n == 1 else [f"{r}#{i}" for i in range(n)]
    if ordered:
        _block_tokens[fn][id(fn.lines)] = (fn.lines, names[0])
        names = names[1:]
    return names


def _def_result_rules(prim: Primitive, side_effect: bool) -> None:
    """The abstract eval, impl and lowering of a callback primitive with results (params
    `callback`, `result_avals`, `sharding`, and `vmap_method` or `ordered`)."""
    name = prim.name

    def call(callback: _FlatCallback, result_avals: tuple, args: Sequence[Any]) -> list:
        return _check_results(name, callback, callback(*args), result_avals)

    @prim.def_abstract_eval
    def _abstract_eval(*avals: ShapedArray, result_avals: tuple, **params: Any) -> list:
        return list(result_avals)

    @prim.def_impl
    def _impl(*args: Any, callback: _FlatCallback, result_avals: tuple, **params: Any) -> list:
        outs = call(callback, result_avals, [to_array(a) for a in args])
        return [from_host(x, a.dtype) for x, a in zip(outs, result_avals)]

    @prim.def_lowering
    def _lower(ctx: Any, *args: str, callback: _FlatCallback, result_avals: tuple,
               ordered: bool = False, **params: Any) -> list:
        host = lambda *xs: call(callback, result_avals, xs)
        return _emit_callback(ctx, args, host, result_avals, side_effect, ordered)


# ---------------------------------------------------------------------------
# pure_callback

pure_callback_p = Primitive("pure_callback", multiple_results=True)
_def_result_rules(pure_callback_p, side_effect=False)
_VMAP_METHODS = ("sequential", "sequential_unrolled", "expand_dims", "broadcast_all",
                 "legacy_vectorized", None)


def _pure_jvp(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> Any:
    raise ValueError(
        "Pure callbacks do not support JVP. Please use `jax.custom_jvp` to use callbacks while "
        "taking gradients."
    )


def _pure_transpose(cts: Any, *args: Any, **params: Any) -> Any:
    raise ValueError(
        "Pure callbacks do not support transpose. Please use `jax.custom_vjp` to use callbacks "
        "while taking gradients."
    )


pure_callback_p.def_jvp(_pure_jvp)
pure_callback_p.def_transpose(_pure_transpose)


def _callback_batch(name: str, bind: Callable[..., list], vals: Sequence[Any],
                    dims: Sequence[Any], vmap_method: Any, result_avals: tuple) -> tuple:
    """vmap of a callback by `vmap_method`, as JAX's `ffi_batching_rule`; `bind(*args,
    vmap_method=, result_avals=)` binds the callback primitive."""
    from xjax.lax import broadcast, scan

    size = next(core.get_aval(v).shape[d] for v, d in zip(vals, dims) if d is not None)
    moved = [v if d is None else batching.move_dim(v, d, 0, size) for v, d in zip(vals, dims)]
    batched_avals = tuple(a.update(shape=(size,) + a.shape) for a in result_avals)
    if vmap_method == "legacy_vectorized":
        outs = bind(*moved, vmap_method=vmap_method, result_avals=batched_avals)
    elif vmap_method in ("expand_dims", "broadcast_all"):
        n = size if vmap_method == "broadcast_all" else 1
        args = [broadcast(x, (n,)) if d is None else x for x, d in zip(moved, dims)]
        outs = bind(*args, vmap_method=vmap_method, result_avals=batched_avals)
    elif vmap_method in ("sequential", "sequential_unrolled"):
        mapped = [d is not None for d in dims]

        def body(carry: Any, xs: list) -> tuple:
            it = iter(xs)
            args = [next(it) if m else x for x, m in zip(moved, mapped)]
            return carry, bind(*args, vmap_method=vmap_method, result_avals=result_avals)

        _, outs = scan(body, (), [x for x, m in zip(moved, mapped) if m],
                       unroll=vmap_method == "sequential_unrolled")
    else:
        raise NotImplementedError(
            f"vmap is only supported for the {name} primitive when vmap_method is one of "
            "'sequential', 'sequential_unrolled', 'expand_dims', 'broadcast_all', or "
            f"'legacy_vectorized'. Got vmap_method={vmap_method!r}. Fix: pass vmap_method=... "
            f"to xjax.{name}."
        )
    return list(outs), [0] * len(outs)


@pure_callback_p.def_batching
def _pure_batch(vals: Sequence[Any], dims: Sequence[Any], *, vmap_method: Any,
                result_avals: tuple, **params: Any) -> tuple:
    def bind(*args: Any, vmap_method: Any, result_avals: tuple) -> list:
        return pure_callback_p.bind(*args, vmap_method=vmap_method, result_avals=result_avals,
                                    **params)

    return _callback_batch("pure_callback", bind, vals, dims, vmap_method, result_avals)


def _result_avals(what: str, result_shape_dtypes: Any) -> tuple[list[ShapedArray], Any]:
    leaves, tree = tree_lib.flatten(result_shape_dtypes)
    avals = []
    for i, x in enumerate(leaves):
        if not hasattr(x, "shape") or not hasattr(x, "dtype"):
            raise TypeError(
                f"{what}: result_shape_dtypes leaf {i} is {x!r} of type {type(x).__name__}; "
                "leaves must have .shape and .dtype (use xjax.ShapeDtypeStruct(shape, dtype))"
            )
        dt = np.dtype(x.dtype)
        if dtypes.canonicalize_dtype(dt) != dt:
            raise ValueError(
                f"{what}: result_shape_dtypes cannot specify 64-bit types when `jax_enable_x64` "
                f"is disabled (leaf {i} has dtype {dt.name}). Fix: use the 32-bit type, or "
                "enable x64."
            )
        avals.append(core.shaped_array(tuple(x.shape), dt, False))
    return avals, tree


def pure_callback(callback: Callable[..., Any], result_shape_dtypes: Any, *args: Any,
                  sharding: Any = None, vmap_method: str | None = None, **kwargs: Any) -> Any:
    """xjax implementation of `jax.pure_callback`: calls a pure host function from (traced)
    code. `callback(*args, **kwargs)` gets xjax Arrays and returns arrays matching
    `result_shape_dtypes`. Under vmap, `vmap_method` ('sequential', 'sequential_unrolled',
    'expand_dims', 'broadcast_all', 'legacy_vectorized') says how it is batched."""
    if not callable(callback):
        raise TypeError(f"pure_callback: callback must be callable, got {type(callback).__name__}")
    if vmap_method not in _VMAP_METHODS:
        raise ValueError(
            f"vmap_method must be on of the allowed methods {list(_VMAP_METHODS)}, but got: "
            f"{vmap_method}"
        )
    flat, in_tree = tree_lib.flatten((args, kwargs))
    avals, out_tree = _result_avals("pure_callback", result_shape_dtypes)
    outs = pure_callback_p.bind(*flat, callback=_FlatCallback(callback, in_tree),
                                result_avals=tuple(avals), sharding=sharding,
                                vmap_method=vmap_method)
    return tree_lib.tree_unflatten(out_tree, outs)


# ---------------------------------------------------------------------------
# io_callback (impure, with results)

io_callback_p = Primitive("io_callback", multiple_results=True)
_def_result_rules(io_callback_p, side_effect=True)


def _io_jvp(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> Any:
    raise ValueError("IO callbacks do not support JVP.")


def _io_batch(vals: Sequence[Any], dims: Sequence[Any], *, callback: _FlatCallback,
              result_avals: tuple, sharding: Any, ordered: bool) -> tuple:
    if ordered:
        raise ValueError("Cannot `vmap` ordered IO callback.")

    def bind(*args: Any, vmap_method: Any, result_avals: tuple) -> list:
        return io_callback_p.bind(*args, callback=callback, result_avals=result_avals,
                                  sharding=sharding, ordered=False)

    return _callback_batch("io_callback", bind, vals, dims, "sequential", result_avals)


io_callback_p.def_jvp(_io_jvp)
io_callback_p.def_batching(_io_batch)


def io_callback(callback: Callable[..., Any], result_shape_dtypes: Any, *args: Any,
                sharding: Any = None, ordered: bool = False, **kwargs: Any) -> Any:
    """xjax implementation of `jax.experimental.io_callback`: an impure host callback that is
    never dropped or duplicated; with `ordered=True`, runs in program order."""
    if not callable(callback):
        raise TypeError(f"io_callback: callback must be callable, got {type(callback).__name__}")
    flat, in_tree = tree_lib.flatten((args, kwargs))
    avals, out_tree = _result_avals("io_callback", result_shape_dtypes)
    outs = io_callback_p.bind(*flat, callback=_FlatCallback(callback, in_tree),
                              result_avals=tuple(avals), sharding=sharding, ordered=bool(ordered))
    return tree_lib.tree_unflatten(out_tree, outs)


# ---------------------------------------------------------------------------
# debug.callback and debug.print

debug_callback_p = Primitive("debug_callback", multiple_results=True)


@debug_callback_p.def_abstract_eval
def _debug_abstract_eval(*avals: ShapedArray, callback: Callable, ordered: bool,
                         partitioned: bool) -> list:
    return []


@debug_callback_p.def_impl
def _debug_impl(*args: Any, callback: Callable, ordered: bool, partitioned: bool) -> list:
    callback(*[to_array(a) for a in args])
    return []


@debug_callback_p.def_lowering
def _debug_lower(ctx: Any, *args: str, callback: Callable, ordered: bool,
                 partitioned: bool) -> list:
    def host(*xs: Any) -> tuple:
        callback(*xs)
        return ()

    return _emit_callback(ctx, args, host, [], side_effect=True, ordered=ordered)


@debug_callback_p.def_jvp
def _debug_jvp(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> tuple:
    return debug_callback_p.bind(*primals, **params), []  # prints the primal values


@debug_callback_p.def_transpose
def _debug_transpose(cts: Any, *args: Any, **params: Any) -> list:
    return [None] * len(args)


@debug_callback_p.def_batching
def _debug_batch(vals: Sequence[Any], dims: Sequence[Any], **params: Any) -> tuple:
    """One call per batch element, in order (JAX unrolls the mapped axis)."""
    from xjax.lax import index_in_dim

    size = next(core.get_aval(v).shape[d] for v, d in zip(vals, dims) if d is not None)
    for i in range(size):
        debug_callback_p.bind(*[v if d is None else index_in_dim(v, i, d, keepdims=False)
                                for v, d in zip(vals, dims)], **params)
    return [], []


def _split_static(args: tuple, kwargs: dict) -> tuple[Any, list, dict[int, Any]]:
    """Flattens (args, kwargs); leaves that are not arrays or scalars stay static."""
    leaves, in_tree = tree_lib.flatten((args, kwargs))
    dyn, static = [], {}
    for i, x in enumerate(leaves):
        if isinstance(x, core.Tracer) or core.is_valid_jaxtype(x):
            dyn.append(x)
        else:
            static[i] = x
    return in_tree, dyn, static


class _MergedCallback:
    """Calls `fn(*args, **kwargs)` from the dynamic leaves, re-inserting the static ones."""

    __slots__ = ("fn", "in_tree", "n", "static")

    def __init__(self, fn: Callable, in_tree: Any, static: dict[int, Any], n: int):
        self.fn, self.in_tree, self.static, self.n = fn, in_tree, static, n

    def __call__(self, *dyn: Any) -> None:
        it = iter(dyn)
        leaves = [self.static[i] if i in self.static else next(it) for i in range(self.n)]
        args, kwargs = tree_lib.tree_unflatten(self.in_tree, leaves)
        self.fn(*args, **kwargs)

    def __repr__(self) -> str:
        return repr(self.fn)


def debug_callback(callback: Callable[..., None] | None = None, *args: Any, ordered: bool = False,
                   partitioned: bool = False, **kwargs: Any) -> Any:
    """xjax implementation of `jax.debug.callback`: calls `callback(*args, **kwargs)` on the
    host with the (primal, per-batch-element) values, also under jit/vmap/grad. Its return
    value is ignored. Without a callback, returns the two-call form `callback(ordered=...)(f, *args)`."""

    def call(callback: Callable[..., None], *c_args: Any, **c_kwargs: Any) -> None:
        if not callable(callback):
            raise TypeError(
                "first argument to jax.debug.callback must be callable, but got an object of type "
                f"{type(callback)}"
            )
        in_tree, dyn, static = _split_static(c_args, c_kwargs)
        merged = _MergedCallback(callback, in_tree, static, len(dyn) + len(static))
        debug_callback_p.bind(*dyn, callback=merged, ordered=bool(ordered),
                              partitioned=bool(partitioned))

    if callback is not None:
        call(callback, *args, **kwargs)
        return None
    if args or kwargs:
        raise TypeError(
            f"debug_callback received unexpected arguments in the two-call form: {args=} {kwargs=}"
        )
    return call


class _FormatChecker(string.Formatter):
    """Formats nothing; checks that every argument is used (as jax.debug.print does)."""

    def format_field(self, value: Any, format_spec: str) -> str:
        return ""

    def check_unused_args(self, used_args: Any, args: Sequence[Any], kwargs: dict) -> None:
        unused = [a for i, a in enumerate(args) if i not in used_args]
        unused_kw = [k for k in kwargs if k not in used_args]
        if unused:
            raise ValueError(f"Unused positional arguments to `jax.debug.print`: {unused}")
        if unused_kw:
            raise ValueError(
                f"Unused keyword arguments to `jax.debug.print`: {unused_kw}. You may be passing "
                'an f-string (i.e, `f"{x}"`) into `jax.debug.print` and instead should pass in a '
                "regular string."
            )


_format_checker = _FormatChecker()


class _Printer:
    """Formats and prints one debug.print call's values (with the call's numpy print options)."""

    __slots__ = ("fmt", "placeholders", "printoptions")

    def __init__(self, fmt: str, printoptions: dict, placeholders: bool):
        self.fmt, self.printoptions, self.placeholders = fmt, printoptions, placeholders

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        if self.placeholders:
            with np.printoptions(**self.printoptions):
                msg = self.fmt.format(*args, **kwargs)
        else:
            msg = " ".join((self.fmt, *(str(a) for a in args)))
        sys.stdout.write(msg + "\n")

    def __repr__(self) -> str:
        return f"print({self.fmt!r})"


def debug_print(fmt: str | None = None, *args: Any, ordered: bool = False,
                partitioned: bool = False, skip_format_check: bool = False, **kwargs: Any) -> Any:
    """xjax implementation of `jax.debug.print`: `print(fmt.format(*args, **kwargs))` with the
    runtime values, also under jit (staged), vmap (one line per batch element) and grad (primal
    values). Pass a plain format string, not an f-string."""

    def call(fmt: str, *c_args: Any, **c_kwargs: Any) -> None:
        if not isinstance(fmt, str):
            raise TypeError(f"jax.debug.print: fmt must be a str, got {type(fmt).__name__}")
        if not skip_format_check:
            _format_checker.format(fmt, *c_args, **c_kwargs)
        placeholders = bool(fmt) and next(iter(string.Formatter().parse(fmt)))[1] is not None
        printer = _Printer(fmt, dict(np.get_printoptions()), placeholders)
        debug_callback(printer, *c_args, ordered=ordered, partitioned=partitioned, **c_kwargs)

    if fmt is not None:
        call(fmt, *args, **kwargs)
        return None
    if args or kwargs:
        raise TypeError(
            f"debug_print received unexpected arguments in the two-call form: {args=} {kwargs=}"
        )
    return call
