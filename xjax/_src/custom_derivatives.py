"""custom_jvp and custom_vjp: user-defined derivative rules (JAX's API).

Calling a decorated function traces it to a jaxpr and binds a call primitive carrying the
user's rule. Traces other than JVP just run the traced function; the JVP trace calls the rule.
custom_vjp's forward pass records a `custom_lin` equation whose transpose calls `bwd`.
"""

from __future__ import annotations

import functools
import inspect
import weakref
from collections.abc import Callable, Sequence
from typing import Any

from xjax._src import core, dtypes
from xjax._src import tree as tree_lib
from xjax._src.core import ClosedJaxpr, Primitive
from xjax._src.interpreters import ad, lowering
from xjax._src.interpreters.partial_eval import DebugInfo, trace_to_jaxpr
from xjax._src.pjit import split_consts
from xjax._src.util import fn_name

_live: weakref.WeakSet = weakref.WeakSet()  # custom_jvp/custom_vjp objects (for clear_caches)


def clear_trace_caches() -> None:
    for obj in list(_live):
        obj._cache.clear()


def _resolve_args(fun: Callable, args: tuple, kwargs: dict, name: str) -> tuple:
    """Positional arguments with keyword arguments and defaults bound by signature (as JAX)."""
    try:
        sig = _signature(fun)
    except (TypeError, ValueError):
        if not kwargs:
            return args
        raise TypeError(f"{name}: could not bind keyword arguments without a signature") from None
    if not kwargs and len(args) >= sig[1]:
        return args  # every positional parameter given: nothing to bind
    try:
        ba = sig[0].bind(*args, **kwargs)
    except (TypeError, ValueError) as e:
        raise TypeError(f"{name}: could not bind arguments: {e}") from None
    ba.apply_defaults()
    if ba.kwargs:
        raise TypeError(f"{name}: keyword-only arguments are not supported by custom derivatives")
    return ba.args


_signatures: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _signature(fun: Callable) -> tuple[inspect.Signature, int]:
    """`fun`'s signature and its number of positional parameters (memoised)."""
    try:
        hit = _signatures.get(fun)
    except TypeError:  # not weakly referenceable
        hit = None
    if hit is None:
        sig = inspect.signature(fun)
        n = sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in sig.parameters.values())
        hit = (sig, n)
        try:
            _signatures[fun] = hit
        except TypeError:
            pass
    return hit


class _Traced:
    __slots__ = ("closed", "hoisted", "out_tree")

    def __init__(self, closed: ClosedJaxpr, hoisted: list, out_tree: Any):
        self.closed, self.hoisted, self.out_tree = closed, hoisted, out_tree


def _trace(fun: Callable, dyn_args: list, in_tree: Any, what: str, cache: dict) -> _Traced:
    avals = tuple(core.get_aval(x) for x in dyn_args)
    key = (in_tree, avals)
    hit = cache.get(key)
    if hit is not None:
        return hit
    store: list = []

    def flat(*xs: Any) -> list:
        out = fun(*tree_lib.tree_unflatten(in_tree, xs))
        leaves, out_tree = tree_lib.flatten(out)
        store.append(out_tree)
        return leaves

    jaxpr, consts = trace_to_jaxpr(flat, avals, DebugInfo(what, fn_name(fun), ()))
    closed, hoisted = split_consts(jaxpr, consts)
    traced = _Traced(closed, hoisted, store[0])
    if not any(isinstance(c, core.Tracer) for c in hoisted):
        cache[key] = traced
    return traced


def _split_nondiff(args: tuple, nondiff: tuple[int, ...]) -> tuple[list, list]:
    return [args[i] for i in nondiff], [a for i, a in enumerate(args) if i not in nondiff]


def _merge_nondiff(static: list, dyn: Sequence[Any], nondiff: tuple[int, ...]) -> list:
    out, it_s, it_d = [], iter(static), iter(dyn)
    for i in range(len(static) + len(dyn)):
        out.append(next(it_s) if i in nondiff else next(it_d))
    return out


# ---------------------------------------------------------------------------
# custom_jvp


def _call_abstract_eval(*avals: Any, call: ClosedJaxpr, **params: Any) -> list:
    return call.out_avals


def _call_impl(*args: Any, call: ClosedJaxpr, **params: Any) -> list:
    return core.eval_jaxpr(call.jaxpr, call.consts, *args)


def _call_lower(ctx: Any, *args: str, call: ClosedJaxpr, **params: Any) -> list:
    return lowering.jaxpr_subcomp(ctx.fn, call.jaxpr, call.consts, args)


def _call_primitive(name: str) -> Primitive:
    """A primitive whose `call` param (a ClosedJaxpr) gives its meaning away from
    differentiation: evaluated, abstractly evaluated and lowered by inlining it."""
    p = Primitive(name, multiple_results=True)
    p.def_abstract_eval(_call_abstract_eval)
    p.def_impl(_call_impl)
    p.def_lowering(_call_lower)
    return p


custom_jvp_call_p = _call_primitive("custom_jvp_call")


@custom_jvp_call_p.def_jvp
def _custom_jvp_call_jvp(primals: Sequence[Any], tangents: Sequence[Any], *, call: ClosedJaxpr,
                         jvp: Callable, num_consts: int, symbolic_zeros: bool) -> tuple:
    dyn_p, dyn_t = list(primals[num_consts:]), list(tangents[num_consts:])
    if not symbolic_zeros:
        dyn_t = [ad.instantiate(t) for t in dyn_t]
    outs, t_outs = jvp(dyn_p, dyn_t)
    return outs, t_outs


class custom_jvp:
    """A function with a user-defined JVP rule (`@custom_jvp` then `f.defjvp(rule)`)."""

    def __init__(self, fun: Callable, nondiff_argnums: Sequence[int] = ()):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = tuple(nondiff_argnums)
        self.jvp: Callable | None = None
        self.symbolic_zeros = False
        self._cache: dict = {}
        _live.add(self)

    def defjvp(self, jvp: Callable, symbolic_zeros: bool = False) -> Callable:
        """Sets the rule `jvp(primals, tangents) -> (primal_out, tangent_out)`."""
        self.jvp = jvp
        self.symbolic_zeros = symbolic_zeros
        return jvp

    def defjvps(self, *jvps: Callable | None) -> None:
        """Sets one rule per argument, `jvp_i(t_i, primal_out, *primals)`, summed."""

        def jvp(primals: Sequence[Any], tangents: Sequence[Any]) -> tuple:
            out = self(*primals)
            acc = None
            for rule, t in zip(jvps, tangents):
                if rule is None:
                    continue
                contrib = rule(t, out, *primals)
                acc = contrib if acc is None else tree_lib.tree_map(lambda a, b: a + b, acc, contrib)
            if acc is None:
                acc = tree_lib.tree_map(lambda o: ad.zeros_like_aval(ad.tangent_aval(core.get_aval(o))), out)
            return out, acc

        self.defjvp(jvp)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        name = f"custom_jvp({fn_name(self.fun)})"
        if self.jvp is None:
            raise AttributeError(f"No JVP defined for custom_jvp function {self.__name__} using defjvp.")
        static, _, flat, in_tree, traced = _prepare(self, args, kwargs, name, "custom_jvp")
        user_jvp, sym = self.jvp, self.symbolic_zeros

        def flat_jvp(primals: list, tangents: list) -> tuple[list, list]:
            p = tree_lib.tree_unflatten(in_tree, primals)
            t = tree_lib.tree_unflatten(in_tree, tangents)
            out, t_out = user_jvp(*static, tuple(p), tuple(t))
            out_flat, out_tree = tree_lib.flatten(out)
            t_flat, t_tree = tree_lib.flatten(t_out)
            if out_tree != traced.out_tree or t_tree != out_tree:
                raise TypeError(
                    f"{name}: the custom JVP rule must return (primal_out, tangent_out) with the "
                    f"structure of the function's output {traced.out_tree}; got {out_tree} and "
                    f"{t_tree}"
                )
            return out_flat, t_flat

        outs = custom_jvp_call_p.bind(
            *traced.hoisted, *flat, call=traced.closed, jvp=flat_jvp,
            num_consts=len(traced.hoisted), symbolic_zeros=sym,
        )
        return tree_lib.tree_unflatten(traced.out_tree, outs)


def _prepare(obj: Any, args: tuple, kwargs: dict, name: str, what: str) -> tuple:
    """Binds arguments, splits off the nondiff ones and traces the function (cached)."""
    args = _resolve_args(obj.fun, args, kwargs, name)
    nondiff = obj.nondiff_argnums
    static, dyn = _split_nondiff(args, nondiff)
    flat, in_tree = tree_lib.flatten(tuple(dyn))

    def fun_dyn(*d: Any) -> Any:
        return obj.fun(*_merge_nondiff(static, d, nondiff))

    cache = obj._cache.setdefault(tuple(map(_static_key, static)), {})
    return static, dyn, flat, in_tree, _trace(fun_dyn, flat, in_tree, what, cache)


def _static_key(x: Any) -> Any:
    try:
        hash(x)
        return x
    except TypeError:
        return id(x)


# ---------------------------------------------------------------------------
# custom_vjp

custom_vjp_call_p = _call_primitive("custom_vjp_call")


@custom_vjp_call_p.def_jvp
def _custom_vjp_call_jvp(primals: Sequence[Any], tangents: Sequence[Any], *, call: ClosedJaxpr,
                         fwd: Callable, bwd: Callable, num_consts: int, symbolic_zeros: bool) -> tuple:
    dyn_p = list(primals[num_consts:])
    dyn_t = [ad.instantiate(t) for t in tangents[num_consts:]]
    outs, res = fwd(dyn_p)
    out_avals = [ad.tangent_aval(core.get_aval(o)) for o in outs]
    t_outs = custom_lin_p.bind(*res, *dyn_t, num_res=len(res), bwd=bwd, out_avals=tuple(out_avals))
    return outs, t_outs


custom_lin_p = Primitive("custom_lin", multiple_results=True)


@custom_lin_p.def_abstract_eval
def _custom_lin_abstract_eval(*avals: Any, num_res: int, bwd: Callable, out_avals: tuple) -> list:
    return list(out_avals)


@custom_lin_p.def_impl
def _custom_lin_impl(*args: Any, **params: Any) -> Any:
    raise TypeError(
        "can't apply forward-mode autodiff (jvp) to a custom_vjp function. Use reverse mode "
        "(grad/vjp/jacrev), or define the rule with custom_jvp instead."
    )


@custom_lin_p.def_transpose
def _custom_lin_transpose(cts: Sequence[Any], *args: Any, num_res: int, bwd: Callable,
                          out_avals: tuple) -> list:
    res = args[:num_res]
    cts = [ad.instantiate(c) for c in cts]
    cts_in = bwd(list(res), cts)
    return [None] * num_res + list(cts_in)


class custom_vjp:
    """A function with a user-defined VJP (`@custom_vjp` then `f.defvjp(fwd, bwd)`)."""

    def __init__(self, fun: Callable, nondiff_argnums: Sequence[int] = ()):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = tuple(nondiff_argnums)
        self.fwd: Callable | None = None
        self.bwd: Callable | None = None
        self.symbolic_zeros = False
        self._cache: dict = {}
        _live.add(self)

    def defvjp(self, fwd: Callable, bwd: Callable, symbolic_zeros: bool = False) -> None:
        """fwd(*args) -> (out, residuals); bwd(*nondiff, residuals, out_ct) -> args' cts."""
        self.fwd, self.bwd, self.symbolic_zeros = fwd, bwd, symbolic_zeros

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        name = f"custom_vjp({fn_name(self.fun)})"
        if self.fwd is None or self.bwd is None:
            raise AttributeError(f"No VJP defined for custom_vjp function {self.__name__} using defvjp.")
        static, dyn, flat, in_tree, traced = _prepare(self, args, kwargs, name, "custom_vjp")
        nondiff = self.nondiff_argnums
        user_fwd, user_bwd = self.fwd, self.bwd
        res_tree_box: list = []
        in_avals = [ad.tangent_aval(core.get_aval(x)) for x in flat]

        def flat_fwd(primals: list) -> tuple[list, list]:
            p = tree_lib.tree_unflatten(in_tree, primals)
            out, res = user_fwd(*_merge_nondiff(static, p, nondiff))
            out_flat, out_tree = tree_lib.flatten(out)
            if out_tree != traced.out_tree:
                raise TypeError(
                    f"{name}: fwd must return (output, residuals) with the output structure "
                    f"{traced.out_tree}; got {out_tree}"
                )
            res_flat, res_tree = tree_lib.flatten(res)
            res_tree_box.append(res_tree)
            return out_flat, res_flat

        def flat_bwd(res_flat: list, cts: list) -> list:
            res = tree_lib.tree_unflatten(res_tree_box[-1], res_flat)
            ct = tree_lib.tree_unflatten(traced.out_tree, cts)
            cts_in = user_bwd(*static, res, ct)
            if not isinstance(cts_in, tuple):
                raise TypeError(f"{name}: bwd must return a tuple with one cotangent per argument, got {type(cts_in).__name__}")
            cts_in = tuple(cts_in)
            if len(cts_in) != len(dyn):
                raise TypeError(
                    f"{name}: bwd returned {len(cts_in)} cotangents, expected {len(dyn)} (one per "
                    "non-static argument)"
                )
            ct_flat = tree_lib.tree_leaves(tuple(_none_to_zero(c, d) for c, d in zip(cts_in, dyn)))
            return [c if c is not None else ad.zeros_like_aval(a) for c, a in zip(ct_flat, in_avals)]

        outs = custom_vjp_call_p.bind(
            *traced.hoisted, *flat, call=traced.closed, fwd=flat_fwd, bwd=flat_bwd,
            num_consts=len(traced.hoisted), symbolic_zeros=self.symbolic_zeros,
        )
        return tree_lib.tree_unflatten(traced.out_tree, outs)


def _none_to_zero(ct: Any, primal: Any) -> Any:
    if ct is None:
        return tree_lib.tree_map(lambda p: ad.zeros_like_aval(ad.tangent_aval(core.get_aval(p))), primal)
    return ct


# ---------------------------------------------------------------------------
# vmap of custom rules: every input is mapped at dim 0 (unmapped ones are broadcast), so the
# batched call, jvp, fwd and bwd all see one uniform layout.


def _batch_all(vals: Sequence[Any], dims: Sequence[Any]) -> tuple[list, int]:
    from xjax._src.interpreters import batching

    size = next(core.get_aval(v).shape[d] for v, d in zip(vals, dims) if d is not None)
    return [batching.move_dim(v, d, 0, size) for v, d in zip(vals, dims)], size


def _batched_call(call: ClosedJaxpr, size: int, what: str) -> ClosedJaxpr:
    from xjax._src.interpreters import batching

    def f(*xs: Any) -> list:
        return batching.batch_flat(lambda *ys: _call_impl(*ys, call=call), xs, [0] * len(xs), size,
                                   None, lambda n: [0] * n)

    avals = [a.update(shape=(size,) + a.shape) for a in call.in_avals]
    jaxpr, consts = trace_to_jaxpr(f, avals, DebugInfo(what, "custom rule", ()))
    closed, hoisted = split_consts(jaxpr, consts)
    if hoisted:
        j = closed.jaxpr
        n = len(hoisted)
        closed = ClosedJaxpr(core.Jaxpr(j.invars[:n] + j.constvars, j.invars[n:], j.outvars, j.eqns),
                             list(hoisted) + closed.consts)
    return closed


def _batched_fn(fn: Callable, size: int) -> Callable:
    """`fn(list, list) -> (list, list)` mapped over dim 0 of every input and output."""
    from xjax._src.interpreters import batching

    def g(a: list, b: list) -> tuple:
        na = len(a)
        box: list = []

        def flat(*xs: Any) -> list:
            o1, o2 = fn(list(xs[:na]), list(xs[na:]))
            box.append(len(o1))
            return list(o1) + list(o2)

        outs = batching.batch_flat(flat, list(a) + list(b), [0] * (na + len(b)), size, None,
                                   lambda n: [0] * n)
        return outs[:box[0]], outs[box[0]:]

    return g


def _custom_jvp_call_batch(vals: Sequence[Any], dims: Sequence[Any], *, call: ClosedJaxpr, jvp: Callable,
                           num_consts: int, symbolic_zeros: bool) -> tuple:
    moved, size = _batch_all(vals, dims)
    b_call = _batched_call(call, size, "custom_jvp (vmap)")
    inner = _batched_fn(jvp, size)

    def b_jvp(primals: list, tangents: list) -> tuple:
        tangents = [ad.instantiate(t) for t in tangents]
        return inner(primals, tangents)

    outs = custom_jvp_call_p.bind(*moved, call=b_call, jvp=b_jvp, num_consts=num_consts,
                                  symbolic_zeros=False)
    return outs, [0] * len(outs)


custom_jvp_call_p.def_batching(_custom_jvp_call_batch)


def _custom_vjp_call_batch(vals: Sequence[Any], dims: Sequence[Any], *, call: ClosedJaxpr, fwd: Callable,
                           bwd: Callable, num_consts: int, symbolic_zeros: bool) -> tuple:
    from xjax._src.interpreters import batching

    moved, size = _batch_all(vals, dims)
    b_call = _batched_call(call, size, "custom_vjp (vmap)")
    res_count: list = []

    def b_fwd(primals: list) -> tuple:
        box: list = []

        def flat(*xs: Any) -> list:
            out, res = fwd(list(xs))
            box.append(len(out))
            return list(out) + list(res)

        outs = batching.batch_flat(flat, primals, [0] * len(primals), size, None, lambda n: [0] * n)
        res_count.append(len(outs) - box[0])
        return outs[:box[0]], outs[box[0]:]

    b_bwd = _batched_fn(lambda res, cts: ([], list(bwd(res, cts))), size)

    def b_bwd_flat(res: list, cts: list) -> list:
        return b_bwd(res, cts)[1]

    outs = custom_vjp_call_p.bind(*moved, call=b_call, fwd=b_fwd, bwd=b_bwd_flat,
                                  num_consts=num_consts, symbolic_zeros=symbolic_zeros)
    return outs, [0] * len(outs)


custom_vjp_call_p.def_batching(_custom_vjp_call_batch)


# ---------------------------------------------------------------------------
# custom_gradient and closure_convert


class _GradResiduals:
    """custom_gradient's residuals: the traced gradient rule's constants are the pytree
    children; its jaxpr and the trees are static."""

    __slots__ = ("consts", "in_tree", "jaxpr", "out_tree")

    def __init__(self, jaxpr: core.Jaxpr, in_tree: Any, out_tree: Any, consts: list):
        self.jaxpr, self.in_tree, self.out_tree, self.consts = jaxpr, in_tree, out_tree, consts


tree_lib.register_pytree_node(
    _GradResiduals,
    lambda r: (r.consts, (r.jaxpr, r.in_tree, r.out_tree)),
    lambda aux, consts: _GradResiduals(*aux, list(consts)),
)


def custom_gradient(fun: Callable) -> Callable:
    """xjax implementation of `jax.custom_gradient`: `fun(*args)` returns `(value, vjp)` where
    `vjp(cotangent)` returns one cotangent per argument (TensorFlow's `tf.custom_gradient`)."""

    @custom_vjp
    def wrapped(*args: Any) -> Any:
        ans, _ = fun(*args)
        return ans

    def fwd(*args: Any) -> tuple:
        ans, rule = fun(*args)
        ans_flat, out_tree = tree_lib.flatten((ans,))
        store: list = []

        def flat_rule(*cts: Any) -> list:
            (ct,) = tree_lib.tree_unflatten(out_tree, cts)
            leaves, in_tree = tree_lib.flatten(rule(ct))
            store.append(in_tree)
            return leaves

        avals = [ad.tangent_aval(core.get_aval(x)) for x in ans_flat]
        jaxpr, consts = trace_to_jaxpr(flat_rule, avals,
                                       DebugInfo("custom_gradient fwd", fn_name(rule), ()))
        return ans, _GradResiduals(jaxpr, store[0], out_tree, consts)

    def bwd(res: _GradResiduals, ct: Any) -> tuple:
        cts_flat, out_tree = tree_lib.flatten((ct,))
        if out_tree != res.out_tree:
            raise TypeError(
                f"custom_gradient({fn_name(fun)}): cotangent structure {out_tree} does not match "
                f"the output structure {res.out_tree}"
            )
        outs = tree_lib.tree_unflatten(res.in_tree, core.eval_jaxpr(res.jaxpr, res.consts, *cts_flat))
        return (outs,) if tree_lib.treedef_is_leaf(res.in_tree) else outs

    wrapped.defvjp(fwd, bwd)
    functools.update_wrapper(wrapped, fun)
    return wrapped


def _maybe_perturbed(x: Any) -> bool:
    """False if `x` cannot carry a nonzero tangent (JAX's heuristic for closure_convert)."""
    from xjax._src.interpreters.batching import BatchTracer
    from xjax._src.interpreters.partial_eval import JaxprTracer

    if not isinstance(x, core.Tracer):
        return False
    if isinstance(x, ad.JVPTracer) and type(x.tangent) is ad.Zero:
        return _maybe_perturbed(x.primal)
    if isinstance(x, JaxprTracer):
        return dtypes.is_inexact(x.aval.dtype)
    if isinstance(x, BatchTracer):
        return _maybe_perturbed(x.val)
    return True


def closure_convert(fun: Callable, *example_args: Any) -> tuple[Callable, list]:
    """xjax implementation of `jax.closure_convert`: `fun` specialised to the types of
    `example_args`, with the traced values it closes over hoisted out as extra trailing
    arguments. Returns `(converted, hoisted)`; `converted(*args, *hoisted) == fun(*args)`."""
    flat, in_tree = tree_lib.flatten(example_args)
    store: list = []

    def flat_fun(*xs: Any) -> list:
        leaves, out_tree = tree_lib.flatten(fun(*tree_lib.tree_unflatten(in_tree, xs)))
        store.append(out_tree)
        return leaves

    avals = [core.get_aval(x) for x in flat]
    jaxpr, consts = trace_to_jaxpr(flat_fun, avals, DebugInfo("closure_convert", fn_name(fun), ()))
    out_tree = store[0]
    hoist = [_maybe_perturbed(c) for c in consts]
    closed = [c for c, h in zip(consts, hoist) if not h]
    hoisted = [c for c, h in zip(consts, hoist) if h]

    def converted(*args_and_consts: Any) -> Any:
        n = len(args_and_consts) - len(hoisted)
        args, given = args_and_consts[:n], iter(args_and_consts[n:])
        it = iter(closed)
        all_consts = [next(given) if h else next(it) for h in hoist]
        leaves, tree = tree_lib.flatten(tuple(args))
        if tree != in_tree:
            raise TypeError(
                "The inputs to the closure produced by closure_convert must have the same Pytree "
                f"structure as the example arguments passed when closure_convert was called. "
                f"Expected {in_tree}, but got {tree}"
            )
        return tree_lib.tree_unflatten(out_tree, core.eval_jaxpr(jaxpr, all_consts, *leaves))

    functools.update_wrapper(converted, fun)
    return converted, hoisted
