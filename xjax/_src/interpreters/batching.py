"""vmap: BatchTrace carries (value, batch dim) pairs; batch dims move only when a rule needs it.

A primitive's rule lives in `prim.batch` with signature
`rule(vals: list, dims: list[int | None], **params) -> (out, out_dim)` (lists of both for
multiple_results primitives); `None` means "not mapped". It runs with the parent trace current.
Builders: `vectorized_batch` (elementwise unary), `broadcast_batch` (elementwise n-ary),
`defbroadcasting`, `move_dim`, `bdim_at_front`; `batch_jaxpr` for primitives with bodies.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from xjax._src import core
from xjax._src.core import ClosedJaxpr, Primitive, ShapedArray, Tracer
from xjax._src.errors import MissingRuleError

not_mapped = None


class BatchTracer(Tracer):
    __slots__ = ("val", "batch_dim")

    def __init__(self, trace: BatchTrace, val: Any, batch_dim: int | None):
        self._trace = trace
        self.val = val
        self.batch_dim = batch_dim

    @property
    def aval(self) -> ShapedArray:
        a = core.get_aval(self.val)
        if self.batch_dim is None:
            return a
        shape = a.shape[: self.batch_dim] + a.shape[self.batch_dim + 1 :]
        return core.shaped_array(shape, a.dtype, a.weak_type)


class BatchTrace(core.Trace):
    """One vmap level: its axis size and (optional) axis name."""

    __slots__ = ("axis_size", "axis_name", "spmd_axis_name")

    def __init__(self, parent: core.Trace, axis_size: int, axis_name: Any = None, spmd_axis_name: Any = None):
        super().__init__(parent)
        self.axis_size = axis_size
        self.axis_name = axis_name
        self.spmd_axis_name = spmd_axis_name

    def describe(self) -> str:
        return f"BatchTrace(axis_size={self.axis_size}, axis_name={self.axis_name})"

    def to_val_dim(self, x: Any) -> tuple[Any, int | None]:
        if isinstance(x, BatchTracer) and x._trace is self:
            return x.val, x.batch_dim
        if isinstance(x, Tracer):
            core.check_tracer_alive(x, "a vmapped function")
        return x, None

    def process_primitive(self, prim: Primitive, args: Sequence[Any], params: dict) -> Any:
        vals, dims = [], []
        for a in args:
            v, d = self.to_val_dim(a)
            vals.append(v)
            dims.append(d)
        axis_rule = prim.axis_batch
        with core.set_current_trace(self.parent):
            if axis_rule is not None and self.axis_name is not None and _names_axis(params, self.axis_name):
                out, out_dim = axis_rule(self, vals, dims, **params)
            elif all(d is None for d in dims):
                return prim.bind(*vals, **params)
            else:
                if prim.batch is None:
                    raise MissingRuleError(prim.name, "Batching (vmap)")
                out, out_dim = prim.batch(vals, dims, **params)
        if prim.multiple_results:
            return [BatchTracer(self, o, d) for o, d in zip(out, out_dim)]
        return BatchTracer(self, out, out_dim)


def _names_axis(params: dict, name: Any) -> bool:
    # call primitives (jit) name no axis: their bodies may use any, so their rule always runs
    names = params.get("axis_name")
    return names is None or name in names


# ---------------------------------------------------------------------------
# Moving batch dims


def move_dim(x: Any, src: int | None, dst: int | None, size: int) -> Any:
    """`x` with its batch dim at `dst` (an unmapped `x` is broadcast along a new dim)."""
    from xjax._src.lax.shape import broadcast_in_dim, transpose

    if src == dst:
        return x
    aval = core.get_aval(x)
    if src is None:
        if dst is None:
            return x
        shape = aval.shape[:dst] + (size,) + aval.shape[dst:]
        dims = tuple(i for i in range(len(shape)) if i != dst)
        return broadcast_in_dim(x, shape, dims)
    if dst is None:
        raise ValueError("cannot unmap a mapped value")
    perm = [i for i in range(aval.ndim) if i != src]
    perm.insert(dst, src)
    return transpose(x, tuple(perm))


def bdim_at_front(x: Any, dim: int | None, size: int) -> Any:
    return move_dim(x, dim, 0, size)


def vectorized_batch(prim: Primitive) -> Callable:
    """Rule for elementwise unary primitives: apply as is, the batch dim stays put."""

    def rule(vals: Sequence[Any], dims: Sequence[int | None], **params: Any) -> tuple[Any, Any]:
        return prim.bind(*vals, **params), dims[0]

    return rule


def broadcast_batch(prim: Primitive) -> Callable:
    """Rule for elementwise n-ary primitives with lax's broadcasting (rank-0 operands broadcast,
    equal ranks otherwise, size-1 dims stretch): batch dims go to the front, per-example ranks
    are equalised with size-1 dims, unmapped operands get a size-1 batch dim."""
    from xjax._src.lax.shape import reshape

    def rule(vals: Sequence[Any], dims: Sequence[int | None], **params: Any) -> tuple[Any, Any]:
        shapes = [core.get_aval(v).shape for v in vals]
        first = next(i for i, d in enumerate(dims) if d is not None)
        if all(d == dims[first] for d in dims) and all(s == shapes[first] for s in shapes):
            out = prim.bind(*vals, **params)
            return out, (dims[first] if not prim.multiple_results else [dims[first]] * len(out))
        size = shapes[first][dims[first]]
        ex_rank = max(len(s) - (d is not None) for s, d in zip(shapes, dims))
        moved = []
        for v, d, s in zip(vals, dims, shapes):
            if d is None:
                moved.append(v if not s else reshape(v, (1,) * (ex_rank + 1 - len(s)) + s))
                continue
            v = move_dim(v, d, 0, size)
            ex = core.get_aval(v).shape[1:]
            if len(ex) < ex_rank:
                v = reshape(v, (size,) + (1,) * (ex_rank - len(ex)) + ex)
            moved.append(v)
        out = prim.bind(*moved, **params)
        return out, (0 if not prim.multiple_results else [0] * len(out))

    return rule


def defvectorized(prim: Primitive) -> None:
    prim.def_batching(vectorized_batch(prim))


def defbroadcasting(prim: Primitive) -> None:
    prim.def_batching(broadcast_batch(prim))


# ---------------------------------------------------------------------------
# Running a function under vmap


def _batch_pairs(fun: Callable, vals: Sequence[Any], dims: Sequence[int | None], axis_size: int,
                 axis_name: Any, spmd_axis_name: Any) -> list[tuple[Any, int | None]]:
    """Runs `fun` (flat in/out) with inputs mapped along `dims`: (value, batch dim) per output."""
    trace = BatchTrace(core.current_trace(), axis_size, axis_name, spmd_axis_name)
    try:
        ins = [BatchTracer(trace, v, d) if d is not None else v for v, d in zip(vals, dims)]
        with core.set_current_trace(trace):
            outs = fun(*ins)
        return [trace.to_val_dim(o) for o in outs]
    finally:
        trace.invalidate()


def batch_flat(fun: Callable, vals: Sequence[Any], dims: Sequence[int | None], axis_size: int,
               axis_name: Any, out_dims_fn: Callable[[int], Sequence[int | None]],
               spmd_axis_name: Any = None) -> list:
    """Runs `fun` (flat in/out) with inputs mapped along `dims`; outputs moved to out dims."""
    pairs = _batch_pairs(fun, vals, dims, axis_size, axis_name, spmd_axis_name)
    out_dims = out_dims_fn(len(pairs))
    results = []
    for (v, d), od in zip(pairs, out_dims):
        if od is None:
            if d is not None:
                raise ValueError(
                    "vmap has mapped output but out_axes is None: an output that depends on a "
                    "mapped input cannot be returned unmapped"
                )
            results.append(v)
        else:
            nd = core.get_aval(v).ndim + (1 if d is None else 0)
            if not -nd <= od < nd:
                raise ValueError(
                    f"vmap: out_axes {od} is out of bounds for an output of rank {nd} "
                    "(including the mapped axis)"
                )
            results.append(move_dim(v, d, od % nd, axis_size))
    return results


def batch_jaxpr(
    closed: ClosedJaxpr,
    dims: Sequence[int | None],
    axis_size: int,
    out_dims: Sequence[int | None] | None = None,
    axis_name: Any = None,
    spmd_axis_name: Any = None,
    what: str = "vmap",
) -> tuple[ClosedJaxpr, list, list[int | None]]:
    """`closed` vmapped, as a new jaxpr: input i mapped at `dims[i]` (None: unmapped), outputs
    at `out_dims` (default: where the batching rules leave them, None where unmapped).

    Returns (batched jaxpr, hoisted, out dims): small host consts stay in the jaxpr, the other
    consts it captured (`hoisted`) become its leading invars, to be passed before the inputs."""
    from xjax._src.interpreters.partial_eval import DebugInfo, trace_to_jaxpr
    from xjax._src.pjit import split_consts

    avals = [a if d is None else a.update(shape=a.shape[:d] + (axis_size,) + a.shape[d:])
             for a, d in zip(closed.in_avals, dims, strict=True)]
    found: list = []

    def body(*ys: Any) -> list:
        return core.eval_jaxpr(closed.jaxpr, closed.consts, *ys)

    def fun(*xs: Any) -> list:
        if out_dims is not None:
            return batch_flat(body, xs, dims, axis_size, axis_name, lambda n: out_dims,
                              spmd_axis_name)
        pairs = _batch_pairs(body, xs, dims, axis_size, axis_name, spmd_axis_name)
        found.extend(d for _, d in pairs)
        return [v for v, _ in pairs]

    jaxpr, consts = trace_to_jaxpr(fun, avals, DebugInfo(what, "batched body", ()))
    batched, hoisted = split_consts(jaxpr, consts)
    return batched, hoisted, list(out_dims) if out_dims is not None else found


def size_of(x: Any, dim: int) -> int:
    return core.get_aval(x).shape[dim]

