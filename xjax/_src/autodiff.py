"""The public autodiff API: jvp, linearize, vjp, grad, value_and_grad, jacfwd, jacrev,
jacobian, hessian (JAX's signatures)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from xjax._src import core, dtypes
from xjax._src import tree as tree_lib
from xjax._src.interpreters import ad
from xjax._src.util import fn_name


def _check_tangent(p: Any, t: Any, i: int, fn: str) -> None:
    pa, ta = core.get_aval(p), core.get_aval(t)
    want = ad.tangent_aval(pa)
    if ta.shape != want.shape or (ta.dtype != want.dtype and want.dtype != dtypes.float0):
        raise TypeError(
            f"{fn}: primal and tangent arguments must have equal shapes and the tangent the "
            f"primal's tangent dtype; argument {i} has primal {pa.str_short()} and tangent "
            f"{ta.str_short()} (expected {want.str_short()})"
        )


def _flat_fun(fun: Callable, in_tree: Any, out_store: list) -> Callable:
    def flat(*args: Any) -> list:
        out = fun(*tree_lib.tree_unflatten(in_tree, args))
        leaves, out_tree = tree_lib.flatten(out)
        out_store.append(out_tree)
        return leaves

    return flat


def _with_aux(fun: Callable, has_aux: bool) -> tuple[Callable, list]:
    """`fun` itself, or (for has_aux) a wrapper returning the main output and storing aux."""
    aux_store: list = []
    if not has_aux:
        return fun, aux_store

    def f(*args: Any) -> Any:
        out, aux = fun(*args)
        aux_store.append(aux)
        return out

    return f, aux_store


def jvp(fun: Callable, primals: Sequence[Any], tangents: Sequence[Any], has_aux: bool = False) -> Any:
    """Forward-mode derivative: (fun(*primals), the directional derivative along tangents)."""
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError(
            "jvp: primal and tangent arguments must be tuples or lists; found "
            f"{type(primals).__name__} and {type(tangents).__name__}"
        )
    p_flat, p_tree = tree_lib.flatten(tuple(primals))
    t_flat, t_tree = tree_lib.flatten(tuple(tangents))
    if p_tree != t_tree:
        raise TypeError(f"jvp: primal and tangent arguments must have the same tree structure; got {p_tree} and {t_tree}")
    for i, (p, t) in enumerate(zip(p_flat, t_flat)):
        _check_tangent(p, t, i, "jvp")
    store: list = []
    f, aux_store = _with_aux(fun, has_aux)
    outs, t_outs = ad.jvp_flat(_flat_fun(f, p_tree, store), p_flat, t_flat)
    t_outs = [ad.instantiate(t) for t in t_outs]
    out_tree = store[0]
    res = (tree_lib.tree_unflatten(out_tree, outs), tree_lib.tree_unflatten(out_tree, t_outs))
    if has_aux:
        return res + (_strip_tracers_aux(aux_store[0]),)
    return res


def _strip_tracers_aux(aux: Any) -> Any:
    """Auxiliary outputs leave the differentiation as their primal values."""

    def strip(leaf: Any) -> Any:
        while isinstance(leaf, ad.JVPTracer) and not leaf._trace.alive:
            leaf = leaf.primal
        return leaf

    return tree_lib.tree_map(strip, aux)


def _close_over_ints(flat_fun: Callable, p_flat: list) -> tuple[Callable, list, list[bool]]:
    """Integer and boolean leaves are not differentiated (their tangents are float0 zeros):
    `flat_fun` with them closed over, the differentiable leaves, and which leaves those are."""
    diff = [dtypes.is_inexact(core.get_aval(p).dtype) for p in p_flat]
    if all(diff):
        return flat_fun, p_flat, diff

    def f(*dyn: Any) -> list:
        it = iter(dyn)
        return flat_fun(*[next(it) if d else p for p, d in zip(p_flat, diff)])

    return f, [p for p, d in zip(p_flat, diff) if d], diff


def _float0_zeros(p: Any) -> np.ndarray:
    return np.zeros(core.get_aval(p).shape, dtypes.float0)


def linearize(fun: Callable, *primals: Any, has_aux: bool = False) -> Any:
    """(fun(*primals), f_jvp) where f_jvp(*tangents) evaluates the linearised function."""
    p_flat, p_tree = tree_lib.flatten(primals)
    store: list = []
    f, aux_store = _with_aux(fun, has_aux)
    flat_f, dyn, diff = _close_over_ints(_flat_fun(f, p_tree, store), p_flat)
    outs, jaxpr, consts, _ = ad.linearize_flat(flat_f, dyn)
    out_tree = store[0]

    def f_jvp(*tangents: Any) -> Any:
        t_flat, t_tree = tree_lib.flatten(tangents)
        if t_tree != p_tree:
            raise TypeError(f"linearize: tangent tree {t_tree} does not match primal tree {p_tree}")
        for i, (p, t) in enumerate(zip(p_flat, t_flat)):
            _check_tangent(p, t, i, "linearize")
        t_out = core.eval_jaxpr(jaxpr, consts, *[t for t, d in zip(t_flat, diff) if d])
        return tree_lib.tree_unflatten(out_tree, t_out)

    out = tree_lib.tree_unflatten(out_tree, outs)
    return (out, f_jvp, _strip_tracers_aux(aux_store[0])) if has_aux else (out, f_jvp)


def vjp(fun: Callable, *primals: Any, has_aux: bool = False) -> Any:
    """(fun(*primals), vjp_fn) where vjp_fn(cotangent) returns cotangents of the primals
    (float0 zeros for integer and boolean primals)."""
    p_flat, p_tree = tree_lib.flatten(primals)
    store: list = []
    f, aux_store = _with_aux(fun, has_aux)
    flat_f, dyn, diff = _close_over_ints(_flat_fun(f, p_tree, store), p_flat)
    outs, jaxpr, consts, out_t_avals = ad.linearize_flat(flat_f, dyn)
    out_tree = store[0]
    in_t_avals = [ad.tangent_aval(core.get_aval(p)) for p in dyn]

    def vjp_fn(ct: Any) -> tuple:
        ct_flat, ct_tree = tree_lib.flatten(ct)
        if ct_tree != out_tree:
            raise TypeError(
                f"vjp: cotangent tree structure {ct_tree} does not match the primal output "
                f"structure {out_tree}"
            )
        for i, (c, a) in enumerate(zip(ct_flat, out_t_avals)):
            ca = core.get_aval(c)
            if ca.shape != a.shape:
                raise ValueError(
                    f"vjp: cotangent {i} has shape {ca.shape}, expected {a.shape} (the shape of "
                    "the corresponding primal output)"
                )
        args = [ad.UndefinedPrimal(a) for a in in_t_avals]
        cts_in = iter([ad.instantiate(c) for c in ad.backward_pass(jaxpr, consts, args, ct_flat)])
        cts = [next(cts_in) if d else _float0_zeros(p) for p, d in zip(p_flat, diff)]
        return tuple(tree_lib.tree_unflatten(p_tree, cts))

    out = tree_lib.tree_unflatten(out_tree, outs)
    return (out, vjp_fn, _strip_tracers_aux(aux_store[0])) if has_aux else (out, vjp_fn)


def linear_transpose(fun: Callable, *primals: Any, reduce_axes: Sequence[Any] = ()) -> Callable:
    """xjax implementation of `jax.linear_transpose`: the transpose of the linear `fun`,
    specialised to the shapes/dtypes of `primals` (arrays or ShapeDtypeStructs). The result
    maps an output cotangent to a tuple of input cotangents, structured like `primals`."""
    from xjax._src.interpreters.partial_eval import DebugInfo, trace_to_jaxpr

    if reduce_axes:
        raise NotImplementedError("reduce_axes argument to transpose is deprecated")
    p_flat, in_tree = tree_lib.flatten(primals)
    in_avals = []
    for x in p_flat:
        try:
            in_avals.append(core.get_aval(x))
        except TypeError:
            in_avals.append(core.shaped_array(tuple(x.shape), dtypes.canonicalize_dtype(x.dtype)))
    store: list = []
    jaxpr, consts = trace_to_jaxpr(_flat_fun(fun, in_tree, store), in_avals,
                                   DebugInfo("linear_transpose", fn_name(fun), ()))
    out_tree = store[0]
    out_avals = [v.aval for v in jaxpr.outvars]
    in_dtypes = [a.dtype for a in in_avals]
    out_dtypes = [a.dtype for a in out_avals]
    all_dt = in_dtypes + out_dtypes
    if not (all(dtypes.is_inexact(d) for d in all_dt) or all(dtypes.is_integer(d) for d in all_dt)):
        raise TypeError(
            "linear_transpose only supports [float or complex] -> [float or complex], and integer "
            f"-> integer functions, but got {in_dtypes} -> {out_dtypes}."
        )

    def transposed(out_cotangent: Any) -> tuple:
        cts, tree = tree_lib.flatten(out_cotangent)
        if tree != out_tree:
            raise TypeError(
                f"cotangent tree does not match function output, expected {out_tree} but got {tree}"
            )
        for c, a in zip(cts, out_avals):
            ca = core.get_aval(c)
            if ca.shape != a.shape or ca.dtype != a.dtype:
                raise TypeError(
                    "cotangent type does not match function output, expected "
                    f"{[x.str_short() for x in out_avals]} but got "
                    f"{[core.get_aval(x).str_short() for x in cts]}"
                )
        dummies = [ad.UndefinedPrimal(a if dtypes.is_integer(a.dtype) else ad.tangent_aval(a))
                   for a in in_avals]
        in_cts = ad.backward_pass(jaxpr, consts, dummies, cts)
        in_cts = [ad.zeros_like_aval(d.aval) if type(c) is ad.Zero or c is None else c
                  for c, d in zip(in_cts, dummies)]
        return tree_lib.tree_unflatten(in_tree, in_cts)

    functools.update_wrapper(transposed, fun)
    return transposed


def _argnums_tuple(argnums: int | Sequence[int], nargs: int, fn: str) -> tuple[int, ...]:
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for i in nums:
        if not isinstance(i, int) or not -nargs <= i < nargs:
            raise TypeError(
                f"{fn}: can't compute the gradient of argument index {i} because the function is "
                f"called with only {nargs} positional arguments"
            )
    return tuple(i % nargs for i in nums)


def _argnums_partial(fun: Callable, args: tuple, kwargs: dict, nums: tuple) -> tuple:
    """`fun` as a function of `args[i]` for `i` in `nums` alone (the rest held fixed), and
    those arguments."""

    def partial_f(*dyn: Any) -> Any:
        full = list(args)
        for i, d in zip(nums, dyn):
            full[i] = d
        return fun(*full, **kwargs)

    return partial_f, tuple(args[i] for i in nums)


def _check_input_dtype(x: Any, fn: str, holomorphic: bool, allow_int: bool, name: str) -> None:
    dt = core.get_aval(x).dtype
    if holomorphic:
        if not dtypes.is_complex(dt):
            raise TypeError(
                f"{fn} with holomorphic=True requires inputs with complex dtype, but got "
                f"{dt.name} for {name}."
            )
    elif not dtypes.is_inexact(dt) and not allow_int:
        raise TypeError(
            f"{fn} requires real- or complex-valued inputs (input dtype that is a sub-dtype of "
            f"np.inexact), but got {dt.name} for {name}. If you want to use Integer-valued "
            "inputs, set allow_int to True."
        )


def value_and_grad(
    fun: Callable,
    argnums: int | Sequence[int] = 0,
    has_aux: bool = False,
    holomorphic: bool = False,
    allow_int: bool = False,
    reduce_axes: Sequence[Any] = (),
) -> Callable:
    """Returns a function computing (fun(*args), gradient of fun w.r.t. args[argnums])."""
    api_name = "grad"

    @functools.wraps(fun)
    def value_and_grad_f(*args: Any, **kwargs: Any) -> Any:
        nums = _argnums_tuple(argnums, len(args), api_name)
        for i in nums:
            for leaf in tree_lib.tree_leaves(args[i]):
                _check_input_dtype(leaf, api_name, holomorphic, allow_int, f"argument {i} of {fn_name(fun)}")
        partial_f, dyn_args = _argnums_partial(fun, args, kwargs, nums)
        if has_aux:
            out, vjp_fn, aux = vjp(partial_f, *dyn_args, has_aux=True)
        else:
            out, vjp_fn = vjp(partial_f, *dyn_args)
        _check_scalar(out, fun, holomorphic)
        from xjax._src.lax.shape import broadcast_in_dim_p

        one = core.TypedScalar(1, core.get_aval(out).dtype, False)
        ct = broadcast_in_dim_p.bind(one, shape=(), broadcast_dimensions=())
        grads = tree_lib.tree_map(_like_primal, vjp_fn(ct), dyn_args)
        g = grads[0] if isinstance(argnums, int) else grads
        return ((out, aux), g) if has_aux else (out, g)

    return value_and_grad_f


def _like_primal(g: Any, p: Any) -> Any:
    """Gradients carry their primal's weak type (as in JAX: grad(f)(0.3) is weakly typed)."""
    pa, ga = core.get_aval(p), core.get_aval(g)
    if pa.weak_type and not ga.weak_type and pa.dtype == ga.dtype:
        from xjax._src.lax.elementwise import convert_element_type

        return convert_element_type(g, ga.dtype, weak_type=True)
    return g


def _check_scalar(out: Any, fun: Callable, holomorphic: bool) -> None:
    if not core.is_valid_jaxtype(out) or isinstance(out, (list, tuple, dict)):
        raise TypeError(
            f"Gradient only defined for scalar-output functions. Output of {fn_name(fun)} was "
            f"a {type(out).__name__}."
        )
    aval = core.get_aval(out)
    if aval.shape != ():
        raise TypeError(
            "Gradient only defined for scalar-output functions. Output had shape: "
            f"{aval.shape} (function {fn_name(fun)}). Fix: reduce the output (e.g. .sum()), or "
            "use jacrev/jacfwd/vjp for non-scalar outputs."
        )
    if holomorphic:
        if not dtypes.is_complex(aval.dtype):
            raise TypeError(f"grad with holomorphic=True requires a complex output, got {aval.dtype.name}")
    elif not dtypes.is_floating(aval.dtype):
        raise TypeError(
            "grad requires real-valued outputs (output dtype that is a sub-dtype of np.floating), "
            f"but got {aval.dtype.name} from {fn_name(fun)}. For holomorphic differentiation, "
            "pass holomorphic=True. For differentiating non-holomorphic functions involving "
            "complex outputs, use jax.vjp directly."
        )


def grad(
    fun: Callable,
    argnums: int | Sequence[int] = 0,
    has_aux: bool = False,
    holomorphic: bool = False,
    allow_int: bool = False,
    reduce_axes: Sequence[Any] = (),
) -> Callable:
    """Returns a function computing the gradient of the scalar `fun` w.r.t. args[argnums]."""
    vg = value_and_grad(fun, argnums, has_aux, holomorphic, allow_int)

    @functools.wraps(fun)
    def grad_f(*args: Any, **kwargs: Any) -> Any:
        if has_aux:
            (_, aux), g = vg(*args, **kwargs)
            return g, aux
        return vg(*args, **kwargs)[1]

    return grad_f


def _std_basis(aval: core.ShapedArray) -> np.ndarray:
    n = aval.size
    return np.eye(n, dtype=aval.dtype).reshape((n,) + aval.shape)


def _stack(xs: list, axis: int) -> Any:
    from xjax._src.lax.shape import concatenate, expand_dims

    if not xs:
        raise ValueError("cannot stack an empty list")
    return concatenate([expand_dims(x, (axis,)) for x in xs], axis)


def jacfwd(fun: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False,
           holomorphic: bool = False) -> Callable:
    """Jacobian by forward mode: one jvp per input basis vector (vmap'd once vmap lands)."""
    return _jacobian(fun, argnums, has_aux, holomorphic, forward=True)


def jacrev(fun: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False,
           holomorphic: bool = False, allow_int: bool = False) -> Callable:
    """Jacobian by reverse mode: one vjp per output basis vector."""
    return _jacobian(fun, argnums, has_aux, holomorphic, forward=False)


jacobian = jacrev


def _jacobian(fun: Callable, argnums: Any, has_aux: bool, holomorphic: bool, forward: bool) -> Callable:
    name = "jacfwd" if forward else "jacrev"

    @functools.wraps(fun)
    def jac_f(*args: Any, **kwargs: Any) -> Any:
        nums = _argnums_tuple(argnums, len(args), name)
        for i in nums:
            for leaf in tree_lib.tree_leaves(args[i]):
                dt = core.get_aval(leaf).dtype
                if holomorphic and not dtypes.is_complex(dt) or not holomorphic and not dtypes.is_floating(dt):
                    raise TypeError(
                        f"{name} requires real-valued inputs (input dtype that is a sub-dtype of "
                        f"np.floating), but got {dt.name}. For holomorphic differentiation, pass "
                        "holomorphic=True."
                    )
        partial_f, dyn = _argnums_partial(fun, args, kwargs, nums)
        in_flat, in_tree = tree_lib.flatten(dyn)
        if has_aux:
            out, f_lin, aux = linearize(partial_f, *dyn, has_aux=True)
        else:
            out, f_lin = linearize(partial_f, *dyn)
            aux = None
        out_flat, out_tree = tree_lib.flatten(out)
        in_avals = [core.get_aval(x) for x in in_flat]
        out_avals = [core.get_aval(x) for x in out_flat]
        # blocks[o][i]: d out_o / d in_i, shaped out_o.shape + in_i.shape
        blocks: list[list[Any]] = [[None] * len(in_flat) for _ in out_flat]
        if forward:
            for i, a in enumerate(in_avals):
                cols = []
                for e in _std_basis(a):
                    t = [np.zeros(b.shape, b.dtype) if j != i else e for j, b in enumerate(in_avals)]
                    cols.append(tree_lib.flatten(f_lin(*tree_lib.tree_unflatten(in_tree, t)))[0])
                for o, oa in enumerate(out_avals):
                    col = [c[o] for c in cols]
                    blocks[o][i] = _reshape(_stack(col, oa.ndim) if col else None, oa.shape + a.shape, oa.dtype)
        else:
            _, vjp_fn = vjp(partial_f, *dyn)
            for o, oa in enumerate(out_avals):
                rows = []
                for e in _std_basis(oa):
                    ct = [np.zeros(b.shape, b.dtype) if j != o else e for j, b in enumerate(out_avals)]
                    rows.append(tree_lib.flatten(vjp_fn(tree_lib.tree_unflatten(out_tree, ct)))[0])
                for i, a in enumerate(in_avals):
                    row = [r[i] for r in rows]
                    blocks[o][i] = _reshape(_stack(row, 0) if row else None, oa.shape + a.shape, oa.dtype)
        per_out = [tree_lib.tree_unflatten(in_tree, b) for b in blocks]
        per_out = [p[0] if isinstance(argnums, int) else p for p in per_out]
        jac = tree_lib.tree_unflatten(out_tree, per_out)
        return (jac, aux) if has_aux else jac

    return jac_f


def _reshape(x: Any, shape: tuple, dtype: np.dtype) -> Any:
    from xjax._src.lax.shape import reshape

    if x is None:
        return np.zeros(shape, dtype)
    return reshape(x, shape)


def hessian(fun: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False,
            holomorphic: bool = False) -> Callable:
    """The Hessian: jacfwd(jacrev(fun))."""
    return jacfwd(jacrev(fun, argnums, has_aux=has_aux, holomorphic=holomorphic), argnums,
                  has_aux=has_aux, holomorphic=holomorphic)
