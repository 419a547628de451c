"""The `jit` primitive (a closed jaxpr as a param) and compiling jaxprs to executables."""

from __future__ import annotations

import weakref
from typing import Any, Sequence

import numpy as np

from xjax._src import core
from xjax._src.array import Array, _default_device, to_array
from xjax._src.config import x64_enabled
from xjax._src.core import ClosedJaxpr, Jaxpr, Primitive
from xjax._src.interpreters import lowering
from xjax._src.xla import execute as xla

# Host constants up to this many elements are inlined into the program; larger ones (and all
# device arrays) are passed as arguments.
INLINE_CONST_LIMIT = 1000


def split_consts(jaxpr: Jaxpr, consts: Sequence[Any]) -> tuple[ClosedJaxpr, list[Any]]:
    """Inlines small host constants; the others become leading invars, returned as `hoisted`."""
    inline_vars, inline_vals, hoisted_vars, hoisted = [], [], [], []
    for v, c in zip(jaxpr.constvars, consts, strict=True):
        if isinstance(c, (np.ndarray, np.generic)) and np.size(c) <= INLINE_CONST_LIMIT:
            inline_vars.append(v)
            inline_vals.append(c)
        else:
            hoisted_vars.append(v)
            hoisted.append(c)
    new = Jaxpr(inline_vars, hoisted_vars + jaxpr.invars, jaxpr.outvars, jaxpr.eqns)
    return ClosedJaxpr(new, inline_vals), hoisted


def compile_closed_jaxpr(
    closed: ClosedJaxpr, name: str, donated: Sequence[bool] = (), device: Any = None
) -> xla.Executable:
    """Lowers and compiles `closed` for `device` (default: the default device)."""
    attrs = None
    if any(donated):
        attrs = ["jax.buffer_donor = true" if d else "" for d in donated]
    text = lowering.lower_jaxpr(closed.jaxpr, closed.consts, name=f"jit_{name}", arg_attrs=attrs)
    device = device or _default_device()
    return xla.make_executable(text, [device], closed.in_avals, closed.out_avals)


jit_p = Primitive("jit", multiple_results=True)
jit_p.inline = True  # linearize records the body of a jit on tangents (jit has no transpose)


@jit_p.def_abstract_eval
def _jit_abstract_eval(*avals: core.ShapedArray, jaxpr: ClosedJaxpr, name: str) -> list:
    expected = jaxpr.in_avals
    if len(avals) != len(expected) or any(
        a.shape != e.shape or a.dtype != e.dtype for a, e in zip(avals, expected)
    ):
        raise TypeError(
            f"jit({name}): called with {[a.str_short() for a in avals]}, traced for "
            f"{[e.str_short() for e in expected]}"
        )
    return jaxpr.out_avals


_impl_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@jit_p.def_impl
def _jit_impl(*args: Any, jaxpr: ClosedJaxpr, name: str) -> list:
    arrays = [a if type(a) is Array else to_array(a) for a in args]
    per_jaxpr = _impl_cache.setdefault(jaxpr, {})
    key = tuple(a.aval for a in arrays)
    exe = per_jaxpr.get(key)
    if exe is None:
        exe = per_jaxpr[key] = compile_closed_jaxpr(jaxpr, name)
    outs = exe([a._buf for a in arrays])
    return [Array(b, a) for b, a in zip(outs, jaxpr.out_avals)]


@jit_p.def_lowering
def _jit_lower(ctx: Any, *args: str, jaxpr: ClosedJaxpr, name: str) -> list:
    return lowering.jaxpr_subcomp(ctx.fn, jaxpr.jaxpr, jaxpr.consts, args)


@jit_p.def_jvp
def _jit_jvp(primals: Sequence[Any], tangents: Sequence[Any], *, jaxpr: ClosedJaxpr, name: str) -> tuple:
    # Differentiation inlines the call: the enclosing trace sees the jvp of its equations.
    from xjax._src.interpreters import ad

    return ad.jvp_flat(lambda *xs: core.eval_jaxpr(jaxpr.jaxpr, jaxpr.consts, *xs), primals, tangents)


# Batched bodies per jaxpr: {(dims, axis size, axis name, spmd axis name, x64): (batched jaxpr,
# hoisted consts, out dims)}, so that repeated vmap calls of a jit function reuse one executable.
_batch_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _batch_call(vals: Sequence[Any], dims: Sequence[int | None], jaxpr: ClosedJaxpr, name: str,
                size: int, axis_name: Any = None, spmd_axis_name: Any = None) -> tuple[list, list]:
    from xjax._src.interpreters import batching

    key = (tuple(dims), size, axis_name, spmd_axis_name, x64_enabled())
    per_jaxpr = _batch_cache.setdefault(jaxpr, {})
    hit = per_jaxpr.get(key)
    if hit is None:
        hit = per_jaxpr[key] = batching.batch_jaxpr(
            jaxpr, dims, size, axis_name=axis_name, spmd_axis_name=spmd_axis_name,
            what=f"jit({name}) (vmap)",
        )
    batched, hoisted, out_dims = hit
    return jit_p.bind(*hoisted, *vals, jaxpr=batched, name=name), out_dims


@jit_p.def_batching
def _jit_batch(vals: Sequence[Any], dims: Sequence[int | None], *, jaxpr: ClosedJaxpr,
               name: str) -> tuple[list, list]:
    # The body is batched into a new jaxpr and called again: one executable, as in JAX.
    size = next(core.get_aval(v).shape[d] for v, d in zip(vals, dims) if d is not None)
    return _batch_call(vals, dims, jaxpr, name, size)


def _jit_axis_batch(trace: Any, vals: Sequence[Any], dims: Sequence[int | None], *,
                    jaxpr: ClosedJaxpr, name: str) -> tuple[list, list]:
    # Under a named vmap the body is batched under that name, so that its collectives resolve,
    # even when no argument is mapped.
    return _batch_call(vals, dims, jaxpr, name, trace.axis_size, trace.axis_name,
                       trace.spmd_axis_name)


jit_p.axis_batch = _jit_axis_batch
