"""Structured control flow: scan, cond/switch, while_loop (+ fori_loop, map, select helpers).

The primitives carry closed jaxprs as params and have every rule. Reverse mode works by
linearizing the body once at trace time: the jvp of scan/cond is a "known" loop that also
emits the body's residuals plus a linear "tangent" loop that consumes them. The tangent loop is
what linearize records, and its transpose is a reverse loop over the transposed body.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from xjax._src import core, dtypes
from xjax._src import tree as tree_lib
from xjax._src.core import ClosedJaxpr, Jaxpr, Primitive, ShapedArray, Tracer
from xjax._src.errors import ConcretizationTypeError
from xjax._src.interpreters import ad, batching, lowering
from xjax._src.interpreters.ad import Zero
from xjax._src.interpreters.lowering import i64_array, ttype
from xjax._src.interpreters.partial_eval import DebugInfo, trace_to_jaxpr
from xjax._src.pjit import split_consts
from xjax._src.util import fn_name, split_list

__all__ = ["scan", "cond", "switch", "while_loop", "fori_loop", "map"]

# ---------------------------------------------------------------------------
# Tracing helpers


def _trace(fun: Callable, in_avals: Sequence[ShapedArray], what: str, fname: str) -> tuple[ClosedJaxpr, list]:
    """Traces `fun` (flat in, flat out); hoisted consts become leading invars of the result."""
    jaxpr, consts = trace_to_jaxpr(fun, list(in_avals), DebugInfo(what, fname, ()))
    closed, hoisted = split_consts(jaxpr, consts)
    return closed, hoisted


def _eval(closed: ClosedJaxpr, *args: Any) -> list:
    return core.eval_jaxpr(closed.jaxpr, closed.consts, *args)


def _avals(xs: Sequence[Any]) -> list[ShapedArray]:
    return [core.get_aval(x) for x in xs]


def _check_carry(what: str, in_avals: Sequence[ShapedArray], out_avals: Sequence[ShapedArray],
                 paths: Sequence[str]) -> None:
    diffs = []
    for p, a, b in zip(paths, in_avals, out_avals):
        if a.shape != b.shape or a.dtype != b.dtype:
            kind = "shapes" if a.shape != b.shape else "dtypes"
            diffs.append(
                f"  * the input carry component {p} has type {a.str_short()} but the corresponding "
                f"output carry component has type {b.str_short()}, so the {kind} do not match"
            )
    if diffs:
        raise TypeError(
            f"{what} function carry input and carry output must have equal types, but they "
            "differ:\n" + "\n".join(diffs) + "\nFix: make the body return a carry of the same "
            "shapes and dtypes as its input (e.g. cast with .astype)."
        )


def _paths(tree: Any, prefix: str) -> list[str]:
    return [prefix + tree_lib.keystr(p) for p, _ in tree_lib.tree_flatten_with_path(tree)[0]]


def _zeros(aval: ShapedArray) -> Any:
    return ad.zeros_like_aval(aval)


# ---------------------------------------------------------------------------
# scan


scan_p = Primitive("scan", multiple_results=True)


def scan(f: Callable, init: Any, xs: Any = None, length: int | None = None, reverse: bool = False,
         unroll: int | bool = 1, _split_transpose: bool = False) -> tuple[Any, Any]:
    """Loops `carry, y = f(carry, x)` over the leading axis of `xs`; returns (carry, stacked ys)."""
    xs_flat, xs_tree = tree_lib.flatten(xs)
    lengths = {core.get_aval(x).shape[0] for x in xs_flat if core.get_aval(x).ndim}
    for x in xs_flat:
        if core.get_aval(x).ndim == 0:
            raise ValueError("lax.scan: scanned-over values (xs) must have a leading axis; got a scalar")
    if length is not None:
        length = int(length)
        lengths.add(length)
    if len(lengths) > 1:
        raise ValueError(
            f"lax.scan got values with different leading axis sizes: {sorted(lengths)}"
            + (f" (length={length})" if length is not None else "")
        )
    if not lengths:
        raise ValueError("lax.scan: scan got no values to scan over and `length` not provided.")
    n = lengths.pop()
    init_flat, init_tree = tree_lib.flatten(init)
    x_avals = [core.get_aval(x).update(shape=core.get_aval(x).shape[1:]) for x in xs_flat]
    closed, hoisted, out_tree, init_flat = _trace_scan_body(f, init, init_flat, init_tree, x_avals, xs_tree)
    outs = scan_p.bind(*hoisted, *init_flat, *xs_flat, jaxpr=closed, num_consts=len(hoisted),
                       num_carry=len(init_flat), length=n, reverse=bool(reverse),
                       unroll=int(unroll) if not isinstance(unroll, bool) else (n if unroll else 1))
    carry_out, ys = split_list(outs, [len(init_flat)])
    carry_tree, y_tree = out_tree
    return tree_lib.tree_unflatten(carry_tree, carry_out), tree_lib.tree_unflatten(y_tree, ys)


def _trace_scan_body(f: Callable, init: Any, init_flat: list, init_tree: Any, x_avals: list,
                     xs_tree: Any) -> tuple:
    carry_avals = _avals(init_flat)
    for attempt in range(2):
        store: list = []

        def body(*args: Any) -> list:
            c, x = split_list(args, [len(carry_avals)])
            out = f(tree_lib.tree_unflatten(init_tree, c), tree_lib.tree_unflatten(xs_tree, x))
            if not isinstance(out, tuple) or len(out) != 2:
                raise TypeError(
                    f"lax.scan: the body function {fn_name(f)} must return a pair (carry, y); got "
                    f"{type(out).__name__}"
                )
            c_out, c_tree = tree_lib.flatten(out[0])
            y_out, y_tree = tree_lib.flatten(out[1])
            store.append((c_tree, y_tree))
            return c_out + y_out

        closed, hoisted = _trace(body, carry_avals + x_avals, "lax.scan", fn_name(f))
        c_tree, y_tree = store[0]
        if c_tree != init_tree:
            raise TypeError(
                f"lax.scan: the body function {fn_name(f)} carry output structure {c_tree} does not "
                f"match the carry input structure {init_tree}"
            )
        out_avals = closed.out_avals[: len(carry_avals)]
        _check_carry("scan body", carry_avals, out_avals, _paths(init, "carry"))
        weak_fix = [a.weak_type and not b.weak_type for a, b in zip(carry_avals, out_avals)]
        if not any(weak_fix) or attempt:
            return closed, hoisted, (c_tree, y_tree), init_flat
        # JAX promotes weakly typed initial carries to the body's strong output types
        from xjax._src.lax.elementwise import convert_element_type

        init_flat = [convert_element_type(x, a.dtype) if w else x for x, a, w in zip(init_flat, carry_avals, weak_fix)]
        carry_avals = _avals(init_flat)
    raise AssertionError("unreachable")


@scan_p.def_abstract_eval
def _scan_abstract_eval(*avals: ShapedArray, jaxpr: ClosedJaxpr, num_consts: int, num_carry: int,
                        length: int, reverse: bool, unroll: int) -> list:
    carry = jaxpr.out_avals[:num_carry]
    ys = [a.update(shape=(length,) + a.shape) for a in jaxpr.out_avals[num_carry:]]
    return carry + ys


@scan_p.def_lowering
def _scan_lower(ctx: Any, *args: str, jaxpr: ClosedJaxpr, num_consts: int, num_carry: int,
                length: int, reverse: bool, unroll: int) -> list:
    consts, carry, xs = split_list(list(args), [num_consts, num_carry])
    c_avals, carry_avals, xs_avals = split_list(list(ctx.avals_in), [num_consts, num_carry])
    y_avals = ctx.avals_out[num_carry:]
    i32 = core.shaped_array((), dtypes.int32)
    zero_i = ctx.constant(0, i32)
    ys_init = [ctx.constant(np.zeros((), a.dtype), a.update(shape=(), weak_type=False)) for a in y_avals]
    ys_init = [ctx.op("stablehlo.broadcast_in_dim", [z], a, attrs="broadcast_dimensions = array<i64>",
                      operand_avals=[a.update(shape=(), weak_type=False)]) for z, a in zip(ys_init, y_avals)]
    state_avals = [i32] + list(c_avals) + list(carry_avals) + list(xs_avals) + list(y_avals)
    init_state = [zero_i] + consts + carry + xs + ys_init
    fn = ctx.fn
    pred_aval = core.shaped_array((), dtypes.bool_)

    def cond_body(i: str, *rest: str) -> list:
        bound = lowering.constant(fn, length, i32)
        c = ctx.sub([i32, i32], [pred_aval])
        return [c.op("stablehlo.compare", [i, bound],
                     attrs="comparison_direction = #stablehlo<comparison_direction LT>, "
                     "compare_type = #stablehlo<comparison_type SIGNED>")]

    def loop_body(i: str, *rest: str) -> list:
        cs, cr, xv, yv = split_list(list(rest), [num_consts, num_carry, len(xs_avals)])
        if reverse:
            last = lowering.constant(fn, length - 1, i32)
            idx = ctx.sub([i32, i32], [i32]).op("stablehlo.subtract", [last, i])
        else:
            idx = i
        x_slices = []
        for x, a in zip(xv, xs_avals):
            sl_aval = a.update(shape=(1,) + a.shape[1:])
            zeros = [lowering.constant(fn, 0, i32) for _ in a.shape[1:]]
            sl = ctx.sub([a] + [i32] * a.ndim, [sl_aval]).op(
                "stablehlo.dynamic_slice", [x, idx] + zeros,
                attrs=f"slice_sizes = {i64_array(sl_aval.shape)}")
            x_slices.append(ctx.sub([sl_aval], [a.update(shape=a.shape[1:])]).op("stablehlo.reshape", [sl]))
        outs = lowering.jaxpr_subcomp(fn, jaxpr.jaxpr, jaxpr.consts, cs + cr + x_slices)
        new_carry, ys_i = split_list(outs, [num_carry])
        new_ys = []
        for y_acc, y, a in zip(yv, ys_i, y_avals):
            up_aval = a.update(shape=(1,) + a.shape[1:])
            y1 = ctx.sub([a.update(shape=a.shape[1:])], [up_aval]).op("stablehlo.reshape", [y])
            zeros = [lowering.constant(fn, 0, i32) for _ in a.shape[1:]]
            new_ys.append(ctx.sub([a, up_aval] + [i32] * a.ndim, [a]).op(
                "stablehlo.dynamic_update_slice", [y_acc, y1, idx] + zeros))
        one = lowering.constant(fn, 1, i32)
        i_next = ctx.sub([i32, i32], [i32]).op("stablehlo.add", [i, one])
        return [i_next] + list(cs) + new_carry + list(xv) + new_ys

    cond_region = lowering.region(fn, state_avals, [pred_aval], cond_body)
    body_region = lowering.region(fn, state_avals, state_avals, loop_body)
    outs = ctx.op("stablehlo.while", init_state, state_avals, regions=[cond_region, body_region],
                  operand_avals=state_avals)
    _, _, carry_out, _, ys_out = split_list(outs, [1, num_consts, num_carry, len(xs_avals)])
    return carry_out + ys_out


def _scan_impl(*args: Any, jaxpr: ClosedJaxpr, num_consts: int, num_carry: int, length: int,
               reverse: bool, unroll: int) -> list:
    from xjax._src.dispatch import apply_primitive

    return apply_primitive(scan_p, args, dict(jaxpr=jaxpr, num_consts=num_consts, num_carry=num_carry,
                                              length=length, reverse=reverse, unroll=unroll))


# -- scan: forward mode via a known scan (with residuals) and a linear tangent scan ----------


def _linearized_body(jaxpr: ClosedJaxpr, diff: Sequence[bool]) -> tuple:
    """Traces body -> (outs, residuals) once; returns (known ClosedJaxpr, hoisted consts, lin
    jaxpr, which residuals are per-iteration, n residuals, lin out tangent avals)."""
    in_avals = jaxpr.in_avals
    box: dict = {}

    def known(*args: Any) -> list:
        diff_in = [a for a, d in zip(args, diff) if d]

        def f(*dvals: Any) -> list:
            it = iter(dvals)
            full = [next(it) if d else a for a, d in zip(args, diff)]
            return _eval(jaxpr, *full)

        outs, lin, res, t_avals = ad.linearize_flat(f, diff_in)
        box["lin"], box["t_avals"] = lin, t_avals
        box["res_avals"] = _avals(res)
        return list(outs) + list(res)

    closed, hoisted = _trace(known, in_avals, "lax.scan (linearize)", "scan body")
    return closed, hoisted, box["lin"], box["res_avals"], box["t_avals"]


def _scan_jvp(primals: Sequence[Any], tangents: Sequence[Any], *, jaxpr: ClosedJaxpr, num_consts: int,
              num_carry: int, length: int, reverse: bool, unroll: int) -> tuple:
    avals = jaxpr.in_avals
    n_c, n_k = num_consts, num_carry
    inexact = [dtypes.is_inexact(a.dtype) for a in avals]
    diff = [
        inexact[i] and (n_c <= i < n_c + n_k or type(tangents[i]) is not Zero) for i in range(len(avals))
    ]
    if not any(diff):
        outs = scan_p.bind(*primals, jaxpr=jaxpr, num_consts=n_c, num_carry=n_k, length=length,
                           reverse=reverse, unroll=unroll)
        return outs, [Zero.from_value(o) for o in outs]
    known, hoisted, lin, res_avals, t_avals = _linearized_body(jaxpr, diff)
    n_res = len(res_avals)
    outs = scan_p.bind(*hoisted, *primals, jaxpr=known, num_consts=len(hoisted) + n_c, num_carry=n_k,
                       length=length, reverse=reverse, unroll=unroll)
    n_out = len(jaxpr.out_avals)
    prim_outs, stacked_res = outs[:n_out], outs[n_out:]
    # tangent scan: consts = const tangents; carry = carry tangents; xs = residuals + x tangents
    d_c, d_k, d_x = split_list(diff, [n_c, n_k])
    t_c, t_k, t_x = split_list(list(tangents), [n_c, n_k])
    t_c = [ad.instantiate(t) for t, d in zip(t_c, d_c) if d]
    t_k = [ad.instantiate(t) for t, d in zip(t_k, d_k) if d]
    t_x = [ad.instantiate(t) for t, d in zip(t_x, d_x) if d]
    y_inexact = [dtypes.is_inexact(a.dtype) for a in jaxpr.out_avals[n_k:]]
    lin_body = _lin_scan_body(lin, len(t_c), len(t_k), n_res, list(d_k) + y_inexact)
    lin_closed, lin_hoisted = _trace(
        lin_body, [ad.tangent_aval(core.get_aval(t)) for t in t_c + t_k] + res_avals
        + [ad.tangent_aval(a) for a, d in zip(avals[n_c + n_k:], d_x) if d], "lax.scan (tangent)", "scan body")
    t_outs = scan_p.bind(*lin_hoisted, *t_c, *t_k, *stacked_res, *t_x, jaxpr=lin_closed,
                         num_consts=len(lin_hoisted) + len(t_c), num_carry=len(t_k), length=length,
                         reverse=reverse, unroll=unroll)
    # map back: carry tangents for diff carries; y tangents for all ys
    t_k_out, t_y_out = split_list(t_outs, [len(t_k)])
    it_k, it_y = iter(t_k_out), iter(t_y_out)
    result = [next(it_k) if d else Zero.from_value(prim_outs[i]) for i, d in enumerate(d_k)]
    result += [next(it_y) if k else Zero.from_value(y) for y, k in zip(prim_outs[n_k:], y_inexact)]
    return prim_outs, result


def _lin_scan_body(lin: Jaxpr, n_tc: int, n_tk: int, n_res: int, keep: Sequence[bool]) -> Callable:
    """The tangent scan body: the linearized body on (residuals, tangents), keeping the tangents
    of differentiable carries and of inexact ys (the others are float0)."""

    def body(*args: Any) -> list:
        t_c, t_k, res, t_x = split_list(list(args), [n_tc, n_tk, n_res])
        outs = core.eval_jaxpr(lin, res, *t_c, *t_k, *t_x)
        return [o for o, k in zip(outs, keep) if k]

    return body


scan_p.def_jvp(_scan_jvp)


def _scan_transpose(cts: Sequence[Any], *args: Any, jaxpr: ClosedJaxpr, num_consts: int,
                    num_carry: int, length: int, reverse: bool, unroll: int) -> list:
    consts, carry, xs = split_list(list(args), [num_consts, num_carry])
    c_lin = [ad.is_undefined(c) for c in consts]
    x_lin = [ad.is_undefined(x) for x in xs]
    # Tangent scans are linear in their carry; a known carry there is an instantiated zero
    # tangent, so it is transposed like a linear one and its cotangent dropped.
    carry_lin = [ad.is_undefined(c) for c in carry]
    ct_carry, ct_ys = split_list(list(cts), [num_carry])
    carry_avals = [c.aval if ad.is_undefined(c) else core.get_aval(c) for c in carry]
    ct_carry = [ad.instantiate(c) if type(c) is not Zero else _zeros(a) for c, a in zip(ct_carry, carry_avals)]
    y_avals = jaxpr.out_avals[num_carry:]
    ct_ys = [ad.instantiate(c) if type(c) is not Zero else _zeros(a.update(shape=(length,) + a.shape))
             for c, a in zip(ct_ys, y_avals)]
    lin_consts_avals = [c.aval for c, l in zip(consts, c_lin) if l]
    nonlin_consts = [c for c, l in zip(consts, c_lin) if not l]
    nonlin_xs = [x for x, l in zip(xs, x_lin) if not l]
    x_avals = jaxpr.in_avals[num_consts + num_carry:]
    body_in_avals = jaxpr.in_avals

    def t_body(*a: Any) -> list:
        nl_c, acc_c, ct_k, nl_x, ct_y = split_list(
            list(a), [len(nonlin_consts), len(lin_consts_avals), num_carry, len(nonlin_xs)])
        it_c, it_x = iter(nl_c), iter(nl_x)
        args_ = [next(it_c) if not l else ad.UndefinedPrimal(av) for l, av in zip(c_lin, body_in_avals[:num_consts])]
        args_ += [ad.UndefinedPrimal(av) for av in carry_avals]
        args_ += [next(it_x) if not l else ad.UndefinedPrimal(av) for l, av in zip(x_lin, x_avals)]
        cts_in = ad.backward_pass(jaxpr.jaxpr, jaxpr.consts, args_, list(ct_k) + list(ct_y))
        ct_c, ct_k_new, ct_x = split_list(cts_in, [num_consts, num_carry])
        new_acc = [ad.add_tangents(acc, ct) if type(ct) is not Zero else acc
                   for acc, ct in zip(acc_c, [c for c, l in zip(ct_c, c_lin) if l])]
        ct_k_new = [ad.instantiate(c) for c in ct_k_new]
        ct_x_out = [ad.instantiate(c) for c, l in zip(ct_x, x_lin) if l]
        return new_acc + ct_k_new + ct_x_out

    acc_init = [_zeros(a) for a in lin_consts_avals]
    in_avals = (_avals(nonlin_consts) + lin_consts_avals + carry_avals
                + [core.get_aval(x).update(shape=core.get_aval(x).shape[1:]) for x in nonlin_xs]
                + [a for a in y_avals])
    closed, hoisted = _trace(t_body, in_avals, "lax.scan (transpose)", "scan body")
    outs = scan_p.bind(*hoisted, *nonlin_consts, *acc_init, *ct_carry, *nonlin_xs, *ct_ys, jaxpr=closed,
                       num_consts=len(hoisted) + len(nonlin_consts),
                       num_carry=len(lin_consts_avals) + num_carry, length=length, reverse=not reverse,
                       unroll=unroll)
    ct_consts_lin, ct_carry_in, ct_xs_lin = split_list(outs, [len(lin_consts_avals), num_carry])
    it_c, it_x = iter(ct_consts_lin), iter(ct_xs_lin)
    result = [next(it_c) if l else None for l in c_lin]
    result += [c if l else None for c, l in zip(ct_carry_in, carry_lin)]
    result += [next(it_x) if l else None for l in x_lin]
    return result


scan_p.def_transpose(_scan_transpose)


def _scan_batch(vals: Sequence[Any], dims: Sequence[int | None], *, jaxpr: ClosedJaxpr, num_consts: int,
                num_carry: int, length: int, reverse: bool, unroll: int) -> tuple:
    size = next(core.get_aval(v).shape[d] for v, d in zip(vals, dims) if d is not None)
    consts, carry, xs = split_list(list(vals), [num_consts, num_carry])
    c_dims, k_dims, x_dims = split_list(list(dims), [num_consts, num_carry])
    xs = [batching.move_dim(x, d, 1, size) if d is not None else x for x, d in zip(xs, x_dims)]
    x_slice_dims = [0 if d is not None else None for d in x_dims]
    carry_batched = [d is not None for d in k_dims]
    for _ in range(num_carry + 1):
        out_batched: list = []

        def body(*a: Any, carry_batched: list = carry_batched) -> list:
            in_dims = [0 if d is not None else None for d in c_dims] + [0 if b else None for b in carry_batched] + x_slice_dims
            store: list = []

            def out_dims(n: int) -> list:
                return [0] * n

            def f(*inner: Any) -> list:
                outs = _eval(jaxpr, *inner)
                return outs

            trace = batching.BatchTrace(core.current_trace(), size)
            try:
                ins = [batching.BatchTracer(trace, v, d) if d is not None else v for v, d in zip(a, in_dims)]
                with core.set_current_trace(trace):
                    outs = f(*ins)
                pairs = [trace.to_val_dim(o) for o in outs]
            finally:
                trace.invalidate()
            del store, out_dims
            out_batched.clear()
            out_batched.extend(d is not None for _, d in pairs)
            res = []
            for i, (v, d) in enumerate(pairs):
                want = carry_batched[i] if i < num_carry else True
                res.append(batching.move_dim(v, d, 0, size) if want else v)
            return res

        in_avals = ([_bavals(c, d, size, 0) for c, d in zip(consts, c_dims)]
                    + [_bavals(k, d, size, 0, force=True) if b else core.get_aval(k)
                       for k, d, b in zip(carry, k_dims, carry_batched)]
                    + [_slice_aval(x, d) for x, d in zip(xs, x_dims)])
        closed, hoisted = _trace(body, in_avals, "lax.scan (vmap)", "scan body")
        new_batched = [a or b for a, b in zip(carry_batched, out_batched[:num_carry])]
        if new_batched == carry_batched:
            break
        carry_batched = new_batched
    consts_b = [batching.move_dim(c, d, 0, size) if d is not None else c for c, d in zip(consts, c_dims)]
    carry_b = [batching.move_dim(k, d, 0, size) if b else k for k, d, b in zip(carry, k_dims, carry_batched)]
    outs = scan_p.bind(*hoisted, *consts_b, *carry_b, *xs, jaxpr=closed, num_consts=len(hoisted) + num_consts,
                       num_carry=num_carry, length=length, reverse=reverse, unroll=unroll)
    out_dims = [0 if b else None for b in carry_batched] + [1] * (len(outs) - num_carry)
    return outs, out_dims


def _bavals(x: Any, d: int | None, size: int, at: int, force: bool = False) -> ShapedArray:
    """The aval of `x` with its batch dim (or a new one, if `force`) at position `at`."""
    a = core.get_aval(x)
    if d is None:
        return a.update(shape=a.shape[:at] + (size,) + a.shape[at:]) if force else a
    shape = list(a.shape)
    shape.pop(d)
    shape.insert(at, size)
    return a.update(shape=tuple(shape))


def _slice_aval(x: Any, d: int | None) -> ShapedArray:
    a = core.get_aval(x)  # batched xs have batch dim at 1 already
    return a.update(shape=a.shape[1:])


scan_p.def_batching(_scan_batch)


# ---------------------------------------------------------------------------
# cond / switch

cond_p = Primitive("cond", multiple_results=True)


def switch(index: Any, branches: Sequence[Callable], *operands: Any) -> Any:
    """Applies branches[index](*operands); the index is clamped into range."""
    if not branches:
        raise ValueError("lax.switch: empty branch sequence")
    idx_aval = core.get_aval(index)
    if idx_aval.shape != () or not (dtypes.is_integer(idx_aval.dtype) or idx_aval.dtype == dtypes.bool_):
        raise TypeError(f"lax.switch: index must be a scalar integer, got {idx_aval.str_short()}")
    from xjax._src.lax.elementwise import clamp, convert_element_type

    index = convert_element_type(index, dtypes.int32)
    if len(branches) > 1:
        index = clamp(np.int32(0), index, np.int32(len(branches) - 1))
    return _cond(index, list(branches), operands, "lax.switch")


def cond(pred: Any, true_fun: Callable, false_fun: Callable, *operands: Any, operand: Any = None) -> Any:
    """Applies true_fun(*operands) if pred else false_fun(*operands), as one primitive."""
    if operand is not None:
        operands = operands + (operand,)
    if len(operands) == 2 and not callable(true_fun) and callable(false_fun):
        # the old 5-argument form: cond(pred, true_operand, true_fun, false_operand, false_fun)
        true_op, t_fun, false_op, f_fun = true_fun, false_fun, operands[0], operands[1]
        return cond(pred, lambda ops: t_fun(ops[0]), lambda ops: f_fun(ops[1]), (true_op, false_op))
    if not callable(true_fun) or not callable(false_fun):
        raise TypeError("lax.cond: true_fun and false_fun arguments should be callable.")
    p_aval = core.get_aval(pred)
    if p_aval.shape != ():
        raise TypeError(
            f"Pred must be a scalar, got {pred!r} of shape {p_aval.shape} (lax.cond). Fix: reduce "
            "it (e.g. jnp.all(pred)) or use jnp.where for elementwise selection."
        )
    if p_aval.dtype != dtypes.bool_ and not dtypes.is_integer(p_aval.dtype):
        raise TypeError(f"Pred type must be either boolean or number, got {p_aval.dtype.name} (lax.cond)")
    from xjax._src.lax.elementwise import convert_element_type, ne

    if p_aval.dtype != dtypes.bool_:
        pred = ne(pred, np.zeros((), p_aval.dtype))
    index = convert_element_type(pred, dtypes.int32)
    return _cond(index, [false_fun, true_fun], operands, "lax.cond")


def _cond(index: Any, branches: list, operands: tuple, what: str) -> Any:
    ops_flat, ops_tree = tree_lib.flatten(operands)
    avals = _avals(ops_flat)
    traced, out_trees = [], []
    for br in branches:
        store: list = []

        def fun(*xs: Any, br: Callable = br, store: list = store) -> list:
            out = br(*tree_lib.tree_unflatten(ops_tree, xs))
            leaves, t = tree_lib.flatten(out)
            store.append(t)
            return leaves

        closed, hoisted = _trace(fun, avals, what, fn_name(br))
        traced.append((closed, hoisted))
        out_trees.append(store[0])
    for i, (t, (c, _)) in enumerate(zip(out_trees, traced)):
        if t != out_trees[0]:
            raise TypeError(
                f"{what}: branch {i} output structure {t} differs from branch 0 output structure "
                f"{out_trees[0]}; every branch must return the same pytree structure"
            )
        for j, (a, b) in enumerate(zip(c.out_avals, traced[0][0].out_avals)):
            if a.shape != b.shape or a.dtype != b.dtype:
                raise TypeError(
                    f"{what}: branch {i} output {j} has type {a.str_short()} but branch 0 output {j} "
                    f"has type {b.str_short()}; branch outputs must have identical types"
                )
    all_consts: list = []
    for _, h in traced:
        all_consts += h
    const_avals = _avals(all_consts)
    jaxprs, offset = [], 0
    for closed, h in traced:
        jaxprs.append(_take_all_consts(closed, len(h), offset, const_avals))
        offset += len(h)
    outs = cond_p.bind(index, *all_consts, *ops_flat, branches=tuple(jaxprs), num_consts=len(all_consts))
    return tree_lib.tree_unflatten(out_trees[0], outs)


def _take_all_consts(closed: ClosedJaxpr, n_own: int, offset: int, const_avals: list) -> ClosedJaxpr:
    """`closed` (own hoisted consts first) taking every branch's consts ahead of the operands."""
    j = closed.jaxpr
    own, ops = j.invars[:n_own], j.invars[n_own:]
    before = [core.Var(a) for a in const_avals[:offset]]
    after = [core.Var(a) for a in const_avals[offset + n_own:]]
    return ClosedJaxpr(Jaxpr(j.constvars, before + own + after + ops, j.outvars, j.eqns), closed.consts)


@cond_p.def_abstract_eval
def _cond_abstract_eval(index: ShapedArray, *avals: ShapedArray, branches: tuple, num_consts: int) -> list:
    if index.shape != () or index.dtype != dtypes.int32:
        raise TypeError(f"cond: index must be an int32 scalar, got {index.str_short()}")
    return branches[0].out_avals


@cond_p.def_impl
def _cond_impl(index: Any, *args: Any, branches: tuple, num_consts: int) -> list:
    i = int(np.clip(int(np.asarray(index)), 0, len(branches) - 1))
    return _eval(branches[i], *args)


@cond_p.def_lowering
def _cond_lower(ctx: Any, index: str, *args: str, branches: tuple, num_consts: int) -> list:
    fn = ctx.fn
    out_avals = list(ctx.avals_out)
    regions = []
    for br in branches:
        def body(br: ClosedJaxpr = br) -> list:
            return lowering.jaxpr_subcomp(fn, br.jaxpr, br.consts, list(args))

        regions.append(lowering.region(fn, [], out_avals, body))
    if len(branches) == 1:
        return lowering.jaxpr_subcomp(fn, branches[0].jaxpr, branches[0].consts, list(args))
    return ctx.op("stablehlo.case", [index], out_avals, regions=regions,
                  operand_avals=[ctx.avals_in[0]])


def _cond_jvp(primals: Sequence[Any], tangents: Sequence[Any], *, branches: tuple, num_consts: int) -> tuple:
    index, *args = primals
    t_args = list(tangents[1:])
    avals = branches[0].in_avals
    diff = [dtypes.is_inexact(a.dtype) and type(t) is not Zero for a, t in zip(avals, t_args)]
    if not any(diff):
        outs = cond_p.bind(*primals, branches=branches, num_consts=num_consts)
        return outs, [Zero.from_value(o) for o in outs]
    lins = [_linearized_branch(br, diff) for br in branches]  # (known, hoisted, lin, res_avals)
    # join residuals: branch i emits every branch's residual slots (zeros in the others')
    all_res = [a for _, _, _, r in lins for a in r]
    hoisted_all = [h for _, hs, _, _ in lins for h in hs]
    n_out = len(branches[0].out_avals)
    knowns, offset, h_off = [], 0, 0
    for known, hs, _, r in lins:
        knowns.append(_pad_residuals(known, len(hs), h_off, _avals(hoisted_all), n_out, offset, len(r), all_res))
        offset += len(r)
        h_off += len(hs)
    outs = cond_p.bind(index, *hoisted_all, *args, branches=tuple(knowns), num_consts=len(hoisted_all) + num_consts)
    prim_outs, res = outs[:n_out], outs[n_out:]
    t_in = [ad.instantiate(t) for t, d in zip(t_args, diff) if d]
    t_in_avals = [ad.tangent_aval(a) for a, d in zip(avals, diff) if d]
    lin_branches, offset = [], 0
    for _, _, lin, r in lins:
        lin_branches.append(_lin_branch(lin, offset, len(r), all_res, t_in_avals))
        offset += len(r)
    lin_h: list = []
    lin_closed = []
    for lb in lin_branches:
        closed, h = _trace(lb, all_res + t_in_avals, "lax.cond (tangent)", "cond branch")
        lin_closed.append((closed, h))
    for _, h in lin_closed:
        lin_h += h
    lin_jaxprs, h_off = [], 0
    for closed, h in lin_closed:
        lin_jaxprs.append(_take_all_consts(closed, len(h), h_off, _avals(lin_h)))
        h_off += len(h)
    t_outs = cond_p.bind(index, *lin_h, *res, *t_in, branches=tuple(lin_jaxprs),
                         num_consts=len(lin_h) + len(all_res))
    return prim_outs, t_outs


def _linearized_branch(br: ClosedJaxpr, diff: Sequence[bool]) -> tuple:
    box: dict = {}

    def known(*args: Any) -> list:
        diff_in = [a for a, d in zip(args, diff) if d]

        def f(*dvals: Any) -> list:
            it = iter(dvals)
            return _eval(br, *[next(it) if d else a for a, d in zip(args, diff)])

        outs, lin, res, _ = ad.linearize_flat(f, diff_in)
        box["lin"], box["res"] = lin, _avals(res)
        return list(outs) + list(res)

    closed, hoisted = _trace(known, br.in_avals, "lax.cond (linearize)", "cond branch")
    return closed, hoisted, box["lin"], box["res"]


def _pad_residuals(known: ClosedJaxpr, n_h: int, h_off: int, h_avals: list, n_out: int, offset: int,
                   n_res: int, all_res: list) -> ClosedJaxpr:
    def f(*args: Any) -> list:
        hs, rest = args[: len(h_avals)], args[len(h_avals):]
        outs = _eval(known, *hs[h_off:h_off + n_h], *rest)
        prim, res = outs[:n_out], outs[n_out:]
        padded = [_zeros(a) for a in all_res[:offset]] + list(res) + [_zeros(a) for a in all_res[offset + n_res:]]
        return list(prim) + padded

    closed, hoisted = _trace(f, list(h_avals) + known.in_avals[n_h:], "lax.cond (residuals)", "cond branch")
    assert not hoisted, "residual padding closes over nothing"
    return closed


def _lin_branch(lin: Jaxpr, offset: int, n_res: int, all_res: list, t_avals: list) -> Callable:
    def f(*args: Any) -> list:
        res, ts = args[: len(all_res)], args[len(all_res):]
        return core.eval_jaxpr(lin, list(res[offset:offset + n_res]), *ts)

    return f


cond_p.def_jvp(_cond_jvp)


def _cond_transpose(cts: Sequence[Any], index: Any, *args: Any, branches: tuple, num_consts: int) -> list:
    lin_mask = [ad.is_undefined(a) for a in args]
    defined = [a for a in args if not ad.is_undefined(a)]
    out_avals = branches[0].out_avals
    cts = [ad.instantiate(c) if type(c) is not Zero else _zeros(a) for c, a in zip(cts, out_avals)]
    lin_avals = [a.aval for a in args if ad.is_undefined(a)]
    t_branches = []
    for br in branches:
        def f(*xs: Any, br: ClosedJaxpr = br) -> list:
            d, c = xs[: len(defined)], xs[len(defined):]
            it = iter(d)
            full = [ad.UndefinedPrimal(a.aval) if l else next(it) for a, l in zip(args, lin_mask)]
            cts_in = ad.backward_pass(br.jaxpr, br.consts, full, list(c))
            return [ad.instantiate(ct) if type(ct) is not Zero else _zeros(av)
                    for ct, l, av in zip(cts_in, lin_mask, [a.aval if l else None for a, l in zip(args, lin_mask)]) if l]

        t_branches.append(f)
    traced = [_trace(f, _avals(defined) + list(out_avals), "lax.cond (transpose)", "cond branch") for f in t_branches]
    all_h = [h for _, hs in traced for h in hs]
    jaxprs, off = [], 0
    for closed, hs in traced:
        jaxprs.append(_take_all_consts(closed, len(hs), off, _avals(all_h)))
        off += len(hs)
    outs = cond_p.bind(index, *all_h, *defined, *cts, branches=tuple(jaxprs), num_consts=len(all_h) + len(defined))
    it = iter(outs)
    del lin_avals
    return [None] + [next(it) if l else None for l in lin_mask]


cond_p.def_transpose(_cond_transpose)


def _cond_batch(vals: Sequence[Any], dims: Sequence[int | None], *, branches: tuple, num_consts: int) -> tuple:
    from xjax._src.lax.elementwise import select_n

    index, *args = vals
    i_dim, *a_dims = dims
    size = next(core.get_aval(v).shape[d] for v, d in zip(vals, dims) if d is not None)
    if i_dim is not None:
        # a batched predicate: evaluate every branch and select per element (as JAX)
        outs_per = []
        for br in branches:
            outs = batching.batch_flat(lambda *xs, br=br: _eval(br, *xs), args, a_dims, size, None,
                                       lambda n: [0] * n)
            outs_per.append(outs)
        index = batching.move_dim(index, i_dim, 0, size)
        res = []
        for outs in zip(*outs_per):
            shape = core.get_aval(outs[0]).shape
            w = index
            if len(shape) > 1:
                from xjax._src.lax.shape import broadcast_in_dim

                w = broadcast_in_dim(index, shape, (0,))
            res.append(select_n(w, *outs))
        return res, [0] * len(res)
    b_branches = []
    for br in branches:
        def f(*xs: Any, br: ClosedJaxpr = br) -> list:
            return batching.batch_flat(lambda *ys: _eval(br, *ys), xs,
                                       [0 if d is not None else None for d in a_dims], size, None,
                                       lambda n: [0] * n)

        b_branches.append(f)
    in_avals = [_bavals(a, d, size, 0) for a, d in zip(args, a_dims)]
    traced = [_trace(f, in_avals, "lax.cond (vmap)", "cond branch") for f in b_branches]
    all_h = [h for _, hs in traced for h in hs]
    jaxprs, off = [], 0
    for closed, hs in traced:
        jaxprs.append(_take_all_consts(closed, len(hs), off, _avals(all_h)))
        off += len(hs)
    moved = [batching.move_dim(a, d, 0, size) if d is not None else a for a, d in zip(args, a_dims)]
    outs = cond_p.bind(index, *all_h, *moved, branches=tuple(jaxprs), num_consts=len(all_h) + num_consts)
    return outs, [0] * len(outs)


cond_p.def_batching(_cond_batch)


# ---------------------------------------------------------------------------
# while_loop

while_p = Primitive("while", multiple_results=True)


def while_loop(cond_fun: Callable, body_fun: Callable, init_val: Any) -> Any:
    """Repeats `val = body_fun(val)` while `cond_fun(val)`; forward-mode differentiable only."""
    init_flat, init_tree = tree_lib.flatten(init_val)
    for attempt in range(2):
        avals = _avals(init_flat)
        c_store: list = []

        def cond_flat(*xs: Any) -> list:
            return [cond_fun(tree_lib.tree_unflatten(init_tree, xs))]

        def body_flat(*xs: Any) -> list:
            out = body_fun(tree_lib.tree_unflatten(init_tree, xs))
            leaves, t = tree_lib.flatten(out)
            c_store.append(t)
            return leaves

        cond_closed, cond_h = _trace(cond_flat, avals, "lax.while_loop (cond)", fn_name(cond_fun))
        pa = cond_closed.out_avals[0]
        if pa.shape != () or pa.dtype != dtypes.bool_:
            raise TypeError(
                f"lax.while_loop: cond_fun must return a boolean scalar, but got output type(s) "
                f"[{pa.str_short()}]. Fix: reduce it (jnp.all/jnp.any) or compare with a scalar."
            )
        body_closed, body_h = _trace(body_flat, avals, "lax.while_loop (body)", fn_name(body_fun))
        if c_store[0] != init_tree:
            raise TypeError(
                f"lax.while_loop: body_fun output structure {c_store[0]} does not match the input "
                f"structure {init_tree}"
            )
        _check_carry("while_loop body", avals, body_closed.out_avals, _paths(init_val, "carry"))
        weak_fix = [a.weak_type and not b.weak_type for a, b in zip(avals, body_closed.out_avals)]
        if not any(weak_fix) or attempt:
            break
        from xjax._src.lax.elementwise import convert_element_type

        init_flat = [convert_element_type(x, a.dtype) if w else x for x, a, w in zip(init_flat, avals, weak_fix)]
    outs = while_p.bind(*cond_h, *body_h, *init_flat, cond_jaxpr=cond_closed, body_jaxpr=body_closed,
                        cond_nconsts=len(cond_h), body_nconsts=len(body_h))
    return tree_lib.tree_unflatten(init_tree, outs)


@while_p.def_abstract_eval
def _while_abstract_eval(*avals: ShapedArray, cond_jaxpr: ClosedJaxpr, body_jaxpr: ClosedJaxpr,
                         cond_nconsts: int, body_nconsts: int) -> list:
    return body_jaxpr.out_avals


@while_p.def_lowering
def _while_lower(ctx: Any, *args: str, cond_jaxpr: ClosedJaxpr, body_jaxpr: ClosedJaxpr,
                 cond_nconsts: int, body_nconsts: int) -> list:
    cc, bc, init = split_list(list(args), [cond_nconsts, body_nconsts])
    avals = list(ctx.avals_in)
    fn = ctx.fn
    pred = core.shaped_array((), dtypes.bool_)

    def cond_body(*state: str) -> list:
        c, b, v = split_list(list(state), [cond_nconsts, body_nconsts])
        return lowering.jaxpr_subcomp(fn, cond_jaxpr.jaxpr, cond_jaxpr.consts, c + v)

    def loop_body(*state: str) -> list:
        c, b, v = split_list(list(state), [cond_nconsts, body_nconsts])
        return c + b + lowering.jaxpr_subcomp(fn, body_jaxpr.jaxpr, body_jaxpr.consts, b + v)

    regions = [lowering.region(fn, avals, [pred], cond_body), lowering.region(fn, avals, avals, loop_body)]
    outs = ctx.op("stablehlo.while", cc + bc + init, avals, regions=regions, operand_avals=avals)
    return outs[cond_nconsts + body_nconsts:]


def _while_jvp(primals: Sequence[Any], tangents: Sequence[Any], *, cond_jaxpr: ClosedJaxpr,
               body_jaxpr: ClosedJaxpr, cond_nconsts: int, body_nconsts: int) -> tuple:
    cc, bc, init = split_list(list(primals), [cond_nconsts, body_nconsts])
    _, t_bc, t_init = split_list(list(tangents), [cond_nconsts, body_nconsts])
    n = len(init)
    diff = [dtypes.is_inexact(core.get_aval(x).dtype) for x in init]
    if not any(diff) or (all(type(t) is Zero for t in t_init) and all(type(t) is Zero for t in t_bc)):
        outs = while_p.bind(*primals, cond_jaxpr=cond_jaxpr, body_jaxpr=body_jaxpr,
                            cond_nconsts=cond_nconsts, body_nconsts=body_nconsts)
        return outs, [Zero.from_value(o) for o in outs]
    bc_diff = [dtypes.is_inexact(core.get_aval(c).dtype) and type(t) is not Zero for c, t in zip(bc, t_bc)]
    t_bc_in = [ad.instantiate(t) for t, d in zip(t_bc, bc_diff) if d]
    t_init_in = [ad.instantiate(t) for t, d in zip(t_init, diff) if d]
    nb = len(bc)

    def cond2(*xs: Any) -> list:
        return _eval(cond_jaxpr, *xs[:cond_nconsts], *xs[cond_nconsts:cond_nconsts + n])

    def body2(*xs: Any) -> list:
        b, tb, v, tv = split_list(list(xs), [nb, len(t_bc_in), n])
        it_b, it_v = iter(tb), iter(tv)
        tb_full = [next(it_b) if d else Zero.from_value(x) for x, d in zip(b, bc_diff)]
        tv_full = [next(it_v) if d else Zero.from_value(x) for x, d in zip(v, diff)]
        outs, t_outs = ad.jvp_flat(lambda *ys: _eval(body_jaxpr, *ys), list(b) + list(v), tb_full + tv_full)
        return list(outs) + [ad.instantiate(t) for t, d in zip(t_outs, diff) if d]

    carry_avals = _avals(init) + _avals(t_init_in)
    cond_closed, cond_h = _trace(cond2, _avals(cc) + carry_avals, "lax.while_loop (jvp cond)", "cond")
    body_closed, body_h = _trace(body2, _avals(bc) + _avals(t_bc_in) + carry_avals,
                                 "lax.while_loop (jvp)", "body")
    outs = while_p.bind(*cond_h, *cc, *body_h, *bc, *t_bc_in, *init, *t_init_in,
                        cond_jaxpr=cond_closed, body_jaxpr=body_closed,
                        cond_nconsts=len(cond_h) + cond_nconsts,
                        body_nconsts=len(body_h) + nb + len(t_bc_in))
    prim, t_out = outs[:n], outs[n:]
    it = iter(t_out)
    return prim, [next(it) if d else Zero.from_value(p) for p, d in zip(prim, diff)]


while_p.def_jvp(_while_jvp)


def _while_transpose(*args: Any, **params: Any) -> list:
    raise ValueError(
        "Reverse-mode differentiation does not work for lax.while_loop or lax.fori_loop with "
        "dynamic start/stop values. Try using lax.scan, or using fori_loop with static start/stop."
    )


while_p.def_transpose(_while_transpose)


def _while_batch(vals: Sequence[Any], dims: Sequence[int | None], *, cond_jaxpr: ClosedJaxpr,
                 body_jaxpr: ClosedJaxpr, cond_nconsts: int, body_nconsts: int) -> tuple:
    from xjax._src.lax.elementwise import select_n
    from xjax._src.lax.reductions import reduce_or
    from xjax._src.lax.shape import broadcast_in_dim

    size = next(core.get_aval(v).shape[d] for v, d in zip(vals, dims) if d is not None)
    cc, bc, init = split_list(list(vals), [cond_nconsts, body_nconsts])
    cd, bd, idims = split_list(list(dims), [cond_nconsts, body_nconsts])
    cc = [batching.move_dim(c, d, 0, size) if d is not None else c for c, d in zip(cc, cd)]
    bc = [batching.move_dim(c, d, 0, size) if d is not None else c for c, d in zip(bc, bd)]
    cd = [0 if d is not None else None for d in cd]
    bd = [0 if d is not None else None for d in bd]
    # all carries batched (simple and always correct); the predicate may be batched
    init = [batching.move_dim(x, d, 0, size) for x, d in zip(init, idims)]
    n = len(init)

    def pred_b(c: list, v: list) -> Any:
        (p,) = batching.batch_flat(lambda *xs: _eval(cond_jaxpr, *xs), c + v, cd + [0] * n, size, None,
                                   lambda k: [0])
        return p

    def cond2(*xs: Any) -> list:
        c, b, v = split_list(list(xs), [cond_nconsts, body_nconsts])
        return [reduce_or(pred_b(c, v), (0,))]

    def body2(*xs: Any) -> list:
        c, b, v = split_list(list(xs), [cond_nconsts, body_nconsts])
        p = pred_b(c, v)
        new = batching.batch_flat(lambda *ys: _eval(body_jaxpr, *ys), b + v, bd + [0] * n, size, None,
                                  lambda k: [0] * k)
        out = []
        for old, nw in zip(v, new):
            shape = core.get_aval(nw).shape
            w = broadcast_in_dim(p, shape, (0,)) if len(shape) > 1 else p
            out.append(select_n(w, old, nw))
        return out

    avals = _avals(cc) + _avals(bc) + _avals(init)
    cond_closed, cond_h = _trace(cond2, avals, "lax.while_loop (vmap cond)", "cond")
    body_closed, body_h = _trace(body2, avals, "lax.while_loop (vmap body)", "body")
    k = len(cc) + len(bc)
    outs = while_p.bind(*cond_h, *cc, *bc, *body_h, *cc, *bc, *init,
                        cond_jaxpr=cond_closed, body_jaxpr=body_closed,
                        cond_nconsts=len(cond_h) + k, body_nconsts=len(body_h) + k)
    return outs, [0] * len(outs)


while_p.def_batching(_while_batch)


# ---------------------------------------------------------------------------
# fori_loop, map


def _concrete_int(x: Any) -> int | None:
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        return int(x)
    if isinstance(x, Tracer):
        return None
    try:
        a = np.asarray(x)
    except Exception:
        return None
    if a.shape == () and a.dtype.kind in "iu":
        return int(a)
    return None


def fori_loop(lower: Any, upper: Any, body_fun: Callable, init_val: Any, *, unroll: int | bool | None = None) -> Any:
    """Runs `val = body_fun(i, val)` for i in [lower, upper). With concrete bounds it is a scan
    (so reverse mode works, as in JAX); otherwise a while_loop."""
    lo, hi = _concrete_int(lower), _concrete_int(upper)
    if lo is not None and hi is not None:
        n = max(hi - lo, 0)
        dt = dtypes.canonicalize_dtype(np.result_type(np.asarray(lower), np.asarray(upper)))

        def step(carry: Any, _: Any) -> tuple:
            i, val = carry
            from xjax._src.lax.elementwise import add

            return (add(i, np.ones((), dt)), body_fun(i, val)), None

        if n == 0:
            return init_val
        (_, out), _ = scan(step, (np.asarray(lo, dt), init_val), None, length=n,
                           unroll=1 if unroll is None else unroll)
        return out
    if unroll not in (None, 1, False):
        raise ValueError("lax.fori_loop: unroll requires static (concrete) loop bounds")
    from xjax._src.lax.elementwise import add, convert_element_type, lt

    dt = dtypes.result_type(lower, upper)
    lower = convert_element_type(lower, dt)
    upper = convert_element_type(upper, dt)

    def cond_f(c: Any) -> Any:
        return lt(c[0], c[1])

    def body_f(c: Any) -> Any:
        i, hi_, val = c
        return add(i, np.ones((), dt)), hi_, body_fun(i, val)

    return while_loop(cond_f, body_f, (lower, upper, init_val))[2]


def map(f: Callable, xs: Any, *, batch_size: int | None = None) -> Any:  # noqa: A001 - lax name
    """Applies `f` to each slice of `xs` along the leading axis (a scan with no carry)."""
    if batch_size is not None:
        from xjax._src.vmap import vmap
        from xjax._src.lax.shape import reshape, concatenate

        leaves, tree = tree_lib.flatten(xs)
        n = core.get_aval(leaves[0]).shape[0]
        nb, rem = divmod(n, batch_size)
        from xjax._src.lax.slicing import slice_in_dim

        main = [reshape(slice_in_dim(x, 0, nb * batch_size, axis=0),
                        (nb, batch_size) + core.get_aval(x).shape[1:]) for x in leaves]
        _, ys = scan(lambda c, x: (c, vmap(f)(x)), None, tree_lib.tree_unflatten(tree, main))
        ys = tree_lib.tree_map(lambda y: reshape(y, (nb * batch_size,) + core.get_aval(y).shape[2:]), ys)
        if rem:
            tail = tree_lib.tree_unflatten(tree, [slice_in_dim(x, nb * batch_size, n, axis=0) for x in leaves])
            ys_tail = vmap(f)(tail)
            ys = tree_lib.tree_map(lambda a, b: concatenate([a, b], 0), ys, ys_tail)
        return ys
    _, ys = scan(lambda c, x: (c, f(x)), None, xs)
    return ys


_unused = (ConcretizationTypeError, ttype)


# ---------------------------------------------------------------------------
# associative_scan (a composition of lax slicing/padding ops; Blelloch-style recursion)


def associative_scan(fn: Callable, elems: Any, reverse: bool = False, axis: int = 0) -> Any:
    """Inclusive scan of the associative `fn` along `axis` in O(log n) depth."""
    from xjax._src.lax.shape import concatenate, rev
    from xjax._src.lax.slicing import slice_in_dim

    flat, tree = tree_lib.flatten(elems)
    if not flat:
        return elems
    ndim = core.get_aval(flat[0]).ndim
    if not -ndim <= axis < ndim:
        raise ValueError(f"lax.associative_scan: axis {axis} is out of bounds for rank {ndim}")
    axis %= ndim
    sizes = {core.get_aval(x).shape[axis] for x in flat}
    if len(sizes) != 1:
        raise ValueError(f"lax.associative_scan: array inputs must have the same size along axis {axis}, got {sorted(sizes)}")
    if reverse:
        flat = [rev(x, (axis,)) for x in flat]

    def combine(a: list, b: list) -> list:
        out = fn(tree_lib.tree_unflatten(tree, a), tree_lib.tree_unflatten(tree, b))
        out_flat, out_tree = tree_lib.flatten(out)
        if out_tree != tree:
            raise TypeError(f"lax.associative_scan: fn must return the structure {tree}, got {out_tree}")
        return out_flat

    def sl(x: Any, start: int, stop: int | None, stride: int = 1) -> Any:
        n = core.get_aval(x).shape[axis]
        stop = n if stop is None else (stop if stop >= 0 else n + stop)
        return slice_in_dim(x, start, stop, stride, axis)

    def rec(xs: list) -> list:
        n = core.get_aval(xs[0]).shape[axis]
        if n < 2:
            return xs
        reduced = combine([sl(x, 0, -1, 2) for x in xs], [sl(x, 1, None, 2) for x in xs])
        odd = rec(reduced)
        if n % 2 == 0:
            even = combine([sl(o, 0, -1) for o in odd], [sl(x, 2, None, 2) for x in xs])
        else:
            even = combine(odd, [sl(x, 2, None, 2) for x in xs])
        even = [concatenate([sl(x, 0, 1), e], axis) for x, e in zip(xs, even)]
        return [_interleave(e, o, axis) for e, o in zip(even, odd)]

    out = rec(flat)
    if reverse:
        out = [rev(x, (axis,)) for x in out]
    return tree_lib.tree_unflatten(tree, out)


def _interleave(a: Any, b: Any, axis: int) -> Any:
    """[a0, b0, a1, b1, ...] along `axis` (a has as many or one more element than b)."""
    from xjax._src.lax.elementwise import add, bitwise_or
    from xjax._src.lax.shape import pad

    aa, ba = core.get_aval(a), core.get_aval(b)
    same = aa.shape[axis] == ba.shape[axis]
    a_cfg = [(0, 0, 0)] * aa.ndim
    b_cfg = [(0, 0, 0)] * ba.ndim
    a_cfg[axis] = (0, 1 if same else 0, 1)
    b_cfg[axis] = (1, 0 if same else 1, 1)
    zero = np.zeros((), aa.dtype)
    op = bitwise_or if aa.dtype == dtypes.bool_ else add
    return op(pad(a, zero, a_cfg), pad(b, zero, b_cfg))


__all__ += ["associative_scan"]
