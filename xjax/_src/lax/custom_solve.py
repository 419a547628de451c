"""Implicitly differentiated solvers, JAX's `lax.custom_linear_solve` and `lax.custom_root`.

`custom_linear_solve` is a primitive carrying four closed jaxprs (matvec, vecmat, solve,
transpose_solve), each with its closed-over values hoisted into leading arguments. Its jvp
solves again with the same solver (x' = solve(b' - A'·x)), its transpose swaps the jaxprs
(solve <-> transpose_solve, matvec <-> vecmat), and vmap batches every jaxpr.

`custom_root` is a custom_jvp over the traced solver: the tangent of the root follows from the
implicit function theorem, -(∂f/∂x)⁻¹·(∂f/∂θ)·θ', solved by the user's `tangent_solve`.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

from xjax._src import core
from xjax._src import tree as tree_lib
from xjax._src.core import ClosedJaxpr, Primitive, ShapedArray
from xjax._src.interpreters import ad, batching, lowering
from xjax._src.interpreters.ad import Zero
from xjax._src.interpreters.partial_eval import DebugInfo, dce_jaxpr, trace_to_jaxpr
from xjax._src.pjit import split_consts
from xjax._src.util import fn_name, split_list

__all__ = ["custom_linear_solve", "custom_root"]


class _Solve(NamedTuple):
    """One field per traced function (a ClosedJaxpr, a const count, ...)."""

    matvec: Any
    vecmat: Any
    solve: Any
    transpose_solve: Any

    def transpose(self) -> _Solve:
        return _Solve(self.vecmat, self.matvec, self.transpose_solve, self.solve)


def _trace(fun: Callable, avals: Sequence[ShapedArray], what: str) -> tuple[ClosedJaxpr, list, Any]:
    """Traces `fun` (a pytree of arrays in, one out) on the flat `avals`: (closed jaxpr with
    hoisted consts as leading invars, the hoisted values, the output tree)."""
    store: list = []

    def flat(*xs: Any) -> list:
        leaves, tree = tree_lib.flatten(fun(list(xs)))
        store.append(tree)
        return leaves

    jaxpr, consts = trace_to_jaxpr(flat, list(avals), DebugInfo(what, fn_name(fun), ()))
    closed, hoisted = split_consts(jaxpr, consts)
    return closed, hoisted, store[0]


def _eval(closed: ClosedJaxpr, *args: Any) -> list:
    return core.eval_jaxpr(closed.jaxpr, closed.consts, *args)


def _check_out(fn: str, tree: Any, want_tree: Any, has_aux: bool, what: str) -> None:
    if has_aux:
        kids = tree_lib.treedef_children(tree)
        if len(kids) != 2:
            raise ValueError(
                f"{fn}() produced a pytree with structure {tree}, but a pair (result, aux) was "
                "expected because has_aux=True"
            )
        tree = kids[0]
    if tree != want_tree:
        raise TypeError(
            f"{fn}() output pytree structure must match {what}, got {tree} and {want_tree}"
        )


def _check_shapes(fn: str, outs: Sequence[Any], avals: Sequence[ShapedArray]) -> None:
    got = [tuple(np.shape(o)) for o in outs]
    want = [a.shape for a in avals]
    if got != want:
        raise ValueError(f"{fn}() output shapes must match b, got {got} and {want}")


def _linear_transpose(matvec: Callable, tree: Any, avals: Sequence[ShapedArray]) -> Callable:
    """vecmat: the transpose of the linear function `matvec` (pytree -> same-structured pytree),
    by linearizing at zero and running the backward pass."""

    def vecmat(ct: Any) -> Any:
        ct_flat, ct_tree = tree_lib.flatten(ct)
        if ct_tree != tree:
            raise TypeError(f"custom_linear_solve: vecmat expects structure {tree}, got {ct_tree}")

        def flat(*xs: Any) -> list:
            return tree_lib.tree_leaves(matvec(tree_lib.tree_unflatten(tree, xs)))

        zeros = [ad.zeros_like_aval(a) for a in avals]
        _, jaxpr, consts, _ = ad.linearize_flat(flat, zeros)
        cts = ad.backward_pass(
            jaxpr, consts, [ad.UndefinedPrimal(ad.tangent_aval(a)) for a in avals], ct_flat
        )
        return tree_lib.tree_unflatten(tree, [ad.instantiate(c) for c in cts])

    return vecmat


def custom_linear_solve(
    matvec: Callable,
    b: Any,
    solve: Callable[[Callable, Any], Any],
    transpose_solve: Callable[[Callable, Any], Any] | None = None,
    symmetric: bool = False,
    has_aux: bool = False,
) -> Any:
    """Solves matvec(x) = b with `solve(matvec, b)`, differentiated implicitly at the solution
    (xjax implementation of `jax.lax.custom_linear_solve`).

    `transpose_solve(vecmat, b)` solves the transposed system, needed for reverse mode unless
    `symmetric` (then `solve` serves). With `has_aux` the solvers return (x, aux)."""
    if transpose_solve is None and symmetric:
        transpose_solve = solve
    b_flat, tree = tree_lib.flatten(b)
    avals = [core.get_aval(x) for x in b_flat]

    def checked(fun: Callable, name: str, aux: bool) -> Callable:
        def f(xs: list) -> Any:
            out = fun(tree_lib.tree_unflatten(tree, xs))
            if aux and not (isinstance(out, (tuple, list)) and len(out) == 2):
                raise ValueError(
                    f"{name}() must return a pair (result, aux) because has_aux=True; got "
                    f"{type(out).__name__}"
                )
            y = out[0] if aux else out
            leaves, y_tree = tree_lib.flatten(y)
            if y_tree == tree:
                _check_shapes(name, leaves, avals)
            return out

        f.__name__ = fn_name(fun)
        return f

    def as_tree_fun(closed: ClosedJaxpr, consts: list) -> Callable:
        return lambda x: tree_lib.tree_unflatten(
            tree, _eval(closed, *consts, *tree_lib.tree_leaves(x))
        )

    mv, mv_c, mv_tree = _trace(checked(matvec, "matvec", False), avals, "custom_linear_solve")
    _check_out("matvec", mv_tree, tree, False, "b")
    matvec_fn = as_tree_fun(mv, mv_c)
    sv, sv_c, sv_tree = _trace(
        checked(lambda x: solve(matvec_fn, x), "solve", has_aux), avals, "custom_linear_solve solve"
    )
    _check_out("solve", sv_tree, tree, has_aux, "b")
    if transpose_solve is None:
        vm = ts = None
        vm_c, ts_c = [], []
    else:
        if symmetric:
            vm, vm_c = mv, mv_c
        else:
            vecmat = _linear_transpose(matvec_fn, tree, avals)
            vm, vm_c, _ = _trace(
                lambda x: vecmat(tree_lib.tree_unflatten(tree, x)),
                avals,
                "custom_linear_solve vecmat",
            )
            live, _ = dce_jaxpr(vm.jaxpr, [True] * len(vm.jaxpr.outvars))
            vm = ClosedJaxpr(live, vm.consts)
        vecmat_fn = as_tree_fun(vm, vm_c)
        ts, ts_c, ts_tree = _trace(
            checked(lambda x: transpose_solve(vecmat_fn, x), "transpose_solve", has_aux),
            avals,
            "custom_linear_solve transpose_solve",
        )
        _check_out("transpose_solve", ts_tree, tree, has_aux, "b")
    jaxprs = _Solve(mv, vm, sv, ts)
    consts = _Solve(mv_c, vm_c, sv_c, ts_c)
    outs = linear_solve_p.bind(
        *mv_c,
        *vm_c,
        *sv_c,
        *ts_c,
        *b_flat,
        const_lengths=_Solve(*map(len, consts)),
        jaxprs=jaxprs,
    )
    return tree_lib.tree_unflatten(sv_tree, outs)


def _split(args: Sequence[Any], const_lengths: _Solve) -> tuple[_Solve, list]:
    parts = split_list(list(args), list(const_lengths))
    return _Solve(*parts[:-1]), parts[-1]


linear_solve_p = Primitive("custom_linear_solve", multiple_results=True)


@linear_solve_p.def_abstract_eval
def _linear_solve_abstract_eval(*avals: ShapedArray, const_lengths: _Solve, jaxprs: _Solve) -> list:
    n_b = len(jaxprs.matvec.out_avals)
    b = list(avals[sum(const_lengths) :])
    return b + list(jaxprs.solve.out_avals[n_b:])


@linear_solve_p.def_impl
def _linear_solve_impl(*args: Any, const_lengths: _Solve, jaxprs: _Solve) -> list:
    params, b = _split(args, const_lengths)
    return _eval(jaxprs.solve, *params.solve, *b)


@linear_solve_p.def_lowering
def _linear_solve_lower(ctx: Any, *args: str, const_lengths: _Solve, jaxprs: _Solve) -> list:
    params, b = _split(args, const_lengths)
    sv = jaxprs.solve
    return lowering.jaxpr_subcomp(ctx.fn, sv.jaxpr, sv.consts, [*params.solve, *b])


def _linear_solve_jvp(
    primals: Sequence[Any], tangents: Sequence[Any], *, const_lengths: _Solve, jaxprs: _Solve
) -> tuple:
    kw = {"const_lengths": const_lengths, "jaxprs": jaxprs}
    x = linear_solve_p.bind(*primals, **kw)
    params, _ = _split(primals, const_lengths)
    params_dot, b_dot = _split(tangents, const_lengths)
    n_b = len(b_dot)
    x_leaves = x[:n_b]
    rhs = list(b_dot)
    if any(type(t) is not Zero for t in params_dot.matvec):
        # A'·x: the tangent of matvec in its closed-over values, at the solution
        t_in = list(params_dot.matvec) + [Zero.from_value(v) for v in x_leaves]
        _, mv_dot = ad.jvp_flat(
            lambda *a: _eval(jaxprs.matvec, *a), list(params.matvec) + list(x_leaves), t_in
        )
        rhs = [ad.add_tangents(r, _neg(t)) for r, t in zip(rhs, mv_dot)]
    aux = [Zero.from_value(a) for a in x[n_b:]]
    if all(type(r) is Zero for r in rhs):
        return x, [Zero.from_value(v) for v in x_leaves] + aux
    rhs = [ad.instantiate(r) for r in rhs]
    x_dot = linear_solve_p.bind(*[p for ps in params for p in ps], *rhs, **kw)
    return x, list(x_dot[:n_b]) + aux


def _neg(t: Any) -> Any:
    if type(t) is Zero:
        return t
    from xjax._src.lax.elementwise import neg

    return neg(t)


def _linear_solve_transpose(
    cts: Sequence[Any], *args: Any, const_lengths: _Solve, jaxprs: _Solve
) -> list:
    if jaxprs.transpose_solve is None:
        raise TypeError(
            "transpose_solve required for backwards mode automatic differentiation of "
            "custom_linear_solve (pass transpose_solve=..., or symmetric=True for a symmetric "
            "matvec)"
        )
    params, b = _split(args, const_lengths)
    if any(ad.is_undefined(p) for ps in params for p in ps):
        raise NotImplementedError(
            "custom_linear_solve: transposing with respect to the closed-over values of the "
            "solver functions is not supported"
        )
    n_b = len(b)
    ct_x = [
        ad.instantiate(c) if type(c) is not Zero else ad.zeros_like_aval(c.aval) for c in cts[:n_b]
    ]
    ct_b = linear_solve_p.bind(
        *[p for ps in params.transpose() for p in ps],
        *ct_x,
        const_lengths=const_lengths.transpose(),
        jaxprs=jaxprs.transpose(),
    )
    return [None] * sum(const_lengths) + list(ct_b[:n_b])


def _batch_jaxpr(
    closed: ClosedJaxpr | None, n_consts: int, const_dims: Sequence[int | None], size: int
) -> tuple[ClosedJaxpr | None, list]:
    """`closed` vmapped with its consts mapped at `const_dims` (moved to 0) and every other
    input and every output mapped at 0: (batched jaxpr, its new hoisted consts)."""
    if closed is None:
        return None, []
    in_dims = [None if d is None else 0 for d in const_dims] + [0] * (
        len(closed.in_avals) - n_consts
    )
    out_dims = [0] * len(closed.out_avals)
    batched, hoisted, _ = batching.batch_jaxpr(
        closed, in_dims, size, out_dims, what="custom_linear_solve (vmap)"
    )
    return batched, hoisted


def _linear_solve_batch(
    vals: Sequence[Any], dims: Sequence[int | None], *, const_lengths: _Solve, jaxprs: _Solve
) -> tuple:
    # Every jaxpr is batched with b and x mapped (simpler than JAX's fixed point over which
    # of them stay unmapped; the unmapped ones are broadcast).
    size = next(core.get_aval(v).shape[d] for v, d in zip(vals, dims) if d is not None)
    params, b = _split(vals, const_lengths)
    p_dims, b_dims = _split(dims, const_lengths)
    new_jaxprs, new_params = [], []
    for closed, ps, ds in zip(jaxprs, params, p_dims):
        bj, hoisted = _batch_jaxpr(closed, len(ps), ds, size)
        new_jaxprs.append(bj)
        moved = [p if d is None else batching.move_dim(p, d, 0, size) for p, d in zip(ps, ds)]
        new_params.append(list(hoisted) + moved)
    b = [batching.move_dim(x, d, 0, size) for x, d in zip(b, b_dims)]
    outs = linear_solve_p.bind(
        *[p for ps in new_params for p in ps],
        *b,
        const_lengths=_Solve(*map(len, new_params)),
        jaxprs=_Solve(*new_jaxprs),
    )
    return outs, [0] * len(outs)


linear_solve_p.def_jvp(_linear_solve_jvp)
linear_solve_p.def_transpose(_linear_solve_transpose)
linear_solve_p.def_batching(_linear_solve_batch)


# ---------------------------------------------------------------------------
# custom_root


def custom_root(
    f: Callable,
    initial_guess: Any,
    solve: Callable[[Callable, Any], Any],
    tangent_solve: Callable[[Callable, Any], Any],
    has_aux: bool = False,
) -> Any:
    """The root `solve(f, initial_guess)` of `f`, differentiated by the implicit function
    theorem with respect to the values `f` closes over (xjax implementation of
    `jax.lax.custom_root`). `tangent_solve(g, y)` solves the linear system g(x) = y, where g
    is `f` linearized at the root. With `has_aux`, `solve` returns (root, aux)."""
    from xjax._src.autodiff import linearize
    from xjax._src.custom_derivatives import custom_jvp

    g_flat, tree = tree_lib.flatten(initial_guess)
    avals = [core.get_aval(x) for x in g_flat]

    def unflat(xs: Sequence[Any]) -> Any:
        return tree_lib.tree_unflatten(tree, xs)

    f_j, f_c, f_tree = _trace(lambda x: f(unflat(x)), avals, "custom_root")
    _check_out("f", f_tree, tree, False, "initial_guess")
    s_j, s_c, s_tree = _trace(lambda x: solve(f, unflat(x)), avals, "custom_root solve")
    _check_out("solve", s_tree, tree, has_aux, "initial_guess")

    def lin_and_solve(xs: list) -> Any:
        x, rhs = unflat(xs[: len(avals)]), unflat(xs[len(avals) :])
        _, f_jvp = linearize(f, x)
        return tangent_solve(f_jvp, rhs)

    l_j, l_c, l_tree = _trace(lin_and_solve, avals + avals, "custom_root tangent_solve")
    _check_out("tangent_solve", l_tree, tree, False, "x")
    n_f, n_s, n_l, n_x = len(f_c), len(s_c), len(l_c), len(avals)

    @custom_jvp
    def root(*args: Any) -> list:
        _, s_args, _, guess = split_list(list(args), [n_f, n_s, n_l])
        return _eval(s_j, *s_args, *guess)

    def root_jvp(primals: Sequence[Any], tangents: Sequence[Any]) -> tuple:
        f_args, _, l_args, _ = split_list(list(primals), [n_f, n_s, n_l])
        f_dot = list(tangents[:n_f])
        sol = root(*primals)
        x, aux = sol[:n_x], sol[n_x:]
        _, rhs = ad.jvp_flat(lambda *p: _eval(f_j, *p, *x), f_args, f_dot)
        rhs = [ad.instantiate(r) for r in rhs]
        x_dot = [operator.neg(t) for t in _eval(l_j, *l_args, *x, *rhs)]
        return sol, x_dot + [ad.zeros_like_aval(ad.tangent_aval(core.get_aval(a))) for a in aux]

    root.defjvp(root_jvp)
    outs = root(*f_c, *s_c, *l_c, *g_flat)
    return tree_lib.tree_unflatten(s_tree, outs)
