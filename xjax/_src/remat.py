"""checkpoint / remat: recompute intermediates in the backward pass instead of saving them.

`checkpoint(f)` binds `checkpoint` (a call primitive). Its jvp emits the primal call plus a
`checkpoint_lin` equation, linear in the tangents, whose residuals are only the inputs (and the
values the policy saves). Transposing `checkpoint_lin` re-linearizes `f` from those residuals:
the forward recomputation happens inside the backward pass.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Sequence

from xjax._src import core
from xjax._src import tree as tree_lib
from xjax._src.core import ClosedJaxpr, Primitive
from xjax._src.interpreters import ad, batching, lowering
from xjax._src.interpreters.ad import Zero
from xjax._src.interpreters.partial_eval import DebugInfo, trace_to_jaxpr
from xjax._src.pjit import split_consts
from xjax._src.util import fn_name

# -- policies: functions (primitive, params) -> bool "save this output" ----------------------


def everything_saveable(prim: Primitive, *_: Any, **__: Any) -> bool:
    return True


def nothing_saveable(prim: Primitive, *_: Any, **__: Any) -> bool:
    return False


def dots_saveable(prim: Primitive, *_: Any, **__: Any) -> bool:
    return prim.name in ("dot_general", "conv_general_dilated")


def dots_with_no_batch_dims_saveable(prim: Primitive, *_: Any, **params: Any) -> bool:
    if prim.name == "dot_general":
        (_, (lb, _)) = params["dimension_numbers"]
        return not lb
    return False


def save_only_these_names(*names: str) -> Callable:
    wanted = frozenset(names)

    def policy(prim: Primitive, *_: Any, **params: Any) -> bool:
        return prim.name == "name" and params.get("name") in wanted

    return policy


class checkpoint_policies:  # noqa: N801 - JAX's name
    everything_saveable = staticmethod(everything_saveable)
    nothing_saveable = staticmethod(nothing_saveable)
    dots_saveable = staticmethod(dots_saveable)
    checkpoint_dots = staticmethod(dots_saveable)
    dots_with_no_batch_dims_saveable = staticmethod(dots_with_no_batch_dims_saveable)
    checkpoint_dots_with_no_batch_dims = staticmethod(dots_with_no_batch_dims_saveable)
    save_only_these_names = staticmethod(save_only_these_names)


# -- checkpoint_name: an identity primitive that tags a value -----------------------------------

name_p = Primitive("name")
name_p.def_abstract_eval(lambda x, *, name: x)
name_p.def_impl(lambda x, *, name: x)
name_p.def_lowering(lambda ctx, x, *, name: x)
ad.deflinear(name_p, lambda ct, x, *, name: [ct if type(ct) is not Zero else None])
name_p.def_batching(lambda vals, dims, *, name: (name_p.bind(vals[0], name=name), dims[0]))


def checkpoint_name(x: Any, name: str) -> Any:
    """Tags every leaf of `x` with `name` (for save_only_these_names policies)."""
    return tree_lib.tree_map(lambda leaf: name_p.bind(leaf, name=name), x)


# -- the primitives -----------------------------------------------------------------------------

checkpoint_p = Primitive("checkpoint", multiple_results=True)


def _eval(closed: ClosedJaxpr, *args: Any) -> list:
    return core.eval_jaxpr(closed.jaxpr, closed.consts, *args)


checkpoint_p.def_abstract_eval(lambda *avals, jaxpr, prevent_cse, policy: jaxpr.out_avals)
checkpoint_p.def_impl(lambda *args, jaxpr, prevent_cse, policy: _eval(jaxpr, *args))
checkpoint_p.def_lowering(
    lambda ctx, *args, jaxpr, prevent_cse, policy: lowering.jaxpr_subcomp(ctx.fn, jaxpr.jaxpr, jaxpr.consts, args)
)


def _eval_with_policy(jaxpr: ClosedJaxpr, policy: Callable | None, args: Sequence[Any],
                      on_saveable: Callable[[list], list]) -> list:
    """Interprets `jaxpr`; the outputs of equations the policy saves pass through
    `on_saveable(outs) -> outs` (to record them, or to substitute saved values)."""
    env: dict = {}

    def read(v: Any) -> Any:
        return v.val if type(v) is core.Literal else env[v]

    j = jaxpr.jaxpr
    for v, c in zip(j.constvars, jaxpr.consts):
        env[v] = c
    for v, a in zip(j.invars, args):
        env[v] = a
    for eqn in j.eqns:
        outs = eqn.primitive.bind(*map(read, eqn.invars), **eqn.params)
        if not eqn.primitive.multiple_results:
            outs = [outs]
        if policy is not None and policy(eqn.primitive, **eqn.params):
            outs = on_saveable(outs)
        for v, o in zip(eqn.outvars, outs):
            env[v] = o
    return [read(v) for v in j.outvars]


def _saved_values(jaxpr: ClosedJaxpr, policy: Callable | None, args: Sequence[Any]) -> tuple[list, list]:
    """Runs `jaxpr`, returning (outputs, values of the equations the policy saves)."""
    saved: list = []

    def record(outs: list) -> list:
        saved.extend(outs)
        return outs

    return _eval_with_policy(jaxpr, policy, args, record), saved


def _checkpoint_jvp(primals: Sequence[Any], tangents: Sequence[Any], *, jaxpr: ClosedJaxpr,
                    prevent_cse: bool, policy: Any) -> tuple:
    if policy is everything_saveable:
        return ad.jvp_flat(lambda *xs: _eval(jaxpr, *xs), primals, tangents)
    outs, saved = _saved_values(jaxpr, policy, primals)
    diff = [type(t) is not Zero for t in tangents]
    t_in = [ad.instantiate(t) for t, d in zip(tangents, diff) if d]
    t_out = checkpoint_lin_p.bind(*primals, *saved, *t_in, jaxpr=jaxpr, policy=policy,
                                  num_saved=len(saved), diff=tuple(diff))
    return outs, t_out


checkpoint_p.def_jvp(_checkpoint_jvp)


def _checkpoint_batch(vals: Sequence[Any], dims: Sequence[int | None], *, jaxpr: ClosedJaxpr,
                      prevent_cse: bool, policy: Any) -> tuple:
    size = next(core.get_aval(v).shape[d] for v, d in zip(vals, dims) if d is not None)
    moved = [batching.move_dim(v, d, 0, size) if d is not None else v for v, d in zip(vals, dims)]
    in_dims = [0 if d is not None else None for d in dims]

    def f(*xs: Any) -> list:
        return batching.batch_flat(lambda *ys: _eval(jaxpr, *ys), xs, in_dims, size, None, lambda n: [0] * n)

    closed = _trace(f, [core.get_aval(m) for m in moved], "checkpoint (vmap)")
    return checkpoint_p.bind(*moved, jaxpr=closed, prevent_cse=prevent_cse, policy=policy), [0] * len(closed.out_avals)


checkpoint_p.def_batching(_checkpoint_batch)

checkpoint_lin_p = Primitive("checkpoint_lin", multiple_results=True)


def _lin_split(args: Sequence[Any], jaxpr: ClosedJaxpr, num_saved: int) -> tuple[list, list, list]:
    n = len(jaxpr.in_avals)
    return list(args[:n]), list(args[n:n + num_saved]), list(args[n + num_saved:])


@checkpoint_lin_p.def_abstract_eval
def _lin_abstract_eval(*avals: Any, jaxpr: ClosedJaxpr, policy: Any, num_saved: int, diff: tuple) -> list:
    return [ad.tangent_aval(a) for a in jaxpr.out_avals]


def _relinearize(jaxpr: ClosedJaxpr, policy: Any, primals: list, saved: list, diff: tuple) -> tuple:
    """Linearizes the checkpointed function at `primals`, reusing `saved` policy values."""
    diff_in = [p for p, d in zip(primals, diff) if d]

    def f(*dvals: Any) -> list:
        it = iter(dvals)
        full = [next(it) if d else p for p, d in zip(primals, diff)]
        saved_it = iter(saved)

        def substitute(outs: list) -> list:
            # keep the tangent, take the primal from the forward pass (the recomputation of
            # this value is then dead code)
            return [ad.JVPTracer(o._trace, next(saved_it), o.tangent) if isinstance(o, ad.JVPTracer)
                    else next(saved_it) for o in outs]

        return _eval_with_policy(jaxpr, policy, full, substitute)

    return ad.linearize_flat(f, diff_in)


@checkpoint_lin_p.def_impl
def _lin_impl(*args: Any, jaxpr: ClosedJaxpr, policy: Any, num_saved: int, diff: tuple) -> list:
    primals, saved, t_in = _lin_split(args, jaxpr, num_saved)
    _, lin, consts, _ = _relinearize(jaxpr, policy, primals, saved, diff)
    return core.eval_jaxpr(lin, consts, *t_in)


def _lin_lower(ctx: Any, *args: str, jaxpr: ClosedJaxpr, policy: Any, num_saved: int, diff: tuple) -> list:
    n_in = len(ctx.avals_in)

    def f(*xs: Any) -> list:
        return _lin_impl(*xs, jaxpr=jaxpr, policy=policy, num_saved=num_saved, diff=diff)

    closed = _trace(f, list(ctx.avals_in), "checkpoint (jvp)")
    assert len(closed.in_avals) == n_in
    return lowering.jaxpr_subcomp(ctx.fn, closed.jaxpr, closed.consts, args)


checkpoint_lin_p.def_lowering(_lin_lower)


@checkpoint_lin_p.def_transpose
def _lin_transpose(cts: Sequence[Any], *args: Any, jaxpr: ClosedJaxpr, policy: Any, num_saved: int,
                   diff: tuple) -> list:
    primals, saved, t_in = _lin_split(args, jaxpr, num_saved)
    _, lin, consts, _ = _relinearize(jaxpr, policy, primals, saved, diff)
    cts_in = ad.backward_pass(lin, consts, [ad.UndefinedPrimal(t.aval) for t in t_in], list(cts))
    return [None] * (len(primals) + len(saved)) + list(cts_in)


def _trace(f: Callable, avals: list, what: str) -> ClosedJaxpr:
    jaxpr, consts = trace_to_jaxpr(f, avals, DebugInfo(what, "checkpointed function", ()))
    closed, hoisted = split_consts(jaxpr, consts)
    if hoisted:  # keep device constants as consts of the closed jaxpr
        j = closed.jaxpr
        n = len(hoisted)
        closed = ClosedJaxpr(core.Jaxpr(j.invars[:n] + j.constvars, j.invars[n:], j.outvars, j.eqns),
                             list(hoisted) + closed.consts)
    return closed


# -- the public API -----------------------------------------------------------------------------


def checkpoint(fun: Callable, *, prevent_cse: bool = True, policy: Callable | None = None,
               static_argnums: int | tuple[int, ...] = ()) -> Callable:
    """Makes `fun` recompute its intermediates during differentiation instead of saving them
    (only inputs, and what `policy` marks saveable, are kept as residuals)."""
    statics = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)
    pol = nothing_saveable if policy is None else policy

    @functools.wraps(fun)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if kwargs:
            raise TypeError("checkpoint: keyword arguments are not supported; pass them positionally")
        static_vals = {i: args[i] for i in statics}
        dyn = [a for i, a in enumerate(args) if i not in static_vals]
        flat, in_tree = tree_lib.flatten(tuple(dyn))
        store: list = []

        def f(*xs: Any) -> list:
            d = iter(tree_lib.tree_unflatten(in_tree, xs))
            full = [static_vals[i] if i in static_vals else next(d) for i in range(len(args))]
            leaves, t = tree_lib.flatten(fun(*full))
            store.append(t)
            return leaves

        jaxpr, consts = trace_to_jaxpr(f, [core.get_aval(x) for x in flat],
                                       DebugInfo("checkpoint", fn_name(fun), ()))
        closed, hoisted = split_consts(jaxpr, consts)
        outs = checkpoint_p.bind(*hoisted, *flat, jaxpr=closed, prevent_cse=prevent_cse, policy=pol)
        return tree_lib.tree_unflatten(store[0], outs)

    return wrapped


remat = checkpoint
