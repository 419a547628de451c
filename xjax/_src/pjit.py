"""The `jit` primitive (a closed jaxpr as a param) and compiling jaxprs to executables."""

from __future__ import annotations

import weakref
from typing import Any, Sequence

import numpy as np

from xjax._src import core
from xjax._src.array import Array, _default_device, to_array
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
jit_p.inline = True  # vmap evaluates the body inline (the enclosing jit compiles it whole)


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
