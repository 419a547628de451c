"""Linear-algebra primitives (JAX's `jax.lax.linalg`): cholesky, eigh, lu, qr, svd and
triangular_solve, lowered on CPU to the LAPACK kernels jaxlib registers (shared/XLA_BACKEND.md
§11), with JAX's jvp/transpose rules and batching (batch dims are leading dims: the LAPACK FFI
kernels take them natively, batch dims major and each matrix column-major).

A lowering emits one `stablehlo.custom_call` and then post-processes its results (NaN fill
where LAPACK reports failure, masking of the unused triangle) with ordinary xjax code traced
into the same function (`_emit`, JAX's `mlir.lower_fun`).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from xjax._src import core, dtypes
from xjax._src.core import Primitive, ShapedArray
from xjax._src.interpreters.ad import Zero
from xjax._src.interpreters.batching import move_dim

__all__ = [
    "cholesky",
    "cholesky_p",
    "eigh",
    "eigh_p",
    "lu",
    "lu_p",
    "lu_pivots_to_permutation",
    "qr",
    "qr_p",
    "svd",
    "svd_p",
    "triangular_solve",
    "triangular_solve_p",
]

_LAPACK_DTYPES = (
    np.dtype(np.float32),
    np.dtype(np.float64),
    np.dtype(np.complex64),
    np.dtype(np.complex128),
)
_PREFIX = {"float32": "s", "float64": "d", "complex64": "c", "complex128": "z"}


def _jnp() -> Any:
    import xjax.numpy as jnp  # lazily: xjax.numpy may import this module

    return jnp


# ---------------------------------------------------------------------------
# Shared helpers


def _T(x: Any) -> Any:
    return _jnp().swapaxes(x, -1, -2)


def _H(x: Any) -> Any:
    return _jnp().conj(_T(x))


def symmetrize(x: Any) -> Any:
    """(x + xᴴ) / 2."""
    return (x + _H(x)) / 2


def _tril(x: Any, k: int = 0) -> Any:
    return _jnp().tril(x, k)


def _triu(x: Any, k: int = 0) -> Any:
    return _jnp().triu(x, k)


def _mm(a: Any, b: Any) -> Any:
    return _jnp().matmul(a, b)


def _eye(n: int, dtype: Any) -> Any:
    return _jnp().eye(n, dtype=dtype)


def _check_matrix(fn: str, aval: ShapedArray, square: bool = False) -> None:
    if aval.ndim < 2:
        raise ValueError(
            f"{fn}: argument must have shape [..., m, n] (rank >= 2), got shape {aval.shape}"
        )
    if square and aval.shape[-1] != aval.shape[-2]:
        raise ValueError(
            f"{fn}: argument must be a batch of square matrices [..., n, n], got shape {aval.shape}"
        )
    if aval.dtype not in _LAPACK_DTYPES:
        raise TypeError(
            f"{fn}: argument must be float32, float64, complex64 or complex128, got "
            f"{aval.str_short()}"
        )


def _real_dtype(dt: np.dtype) -> np.dtype:
    return dtypes.real_dtype(dt) if dtypes.is_complex(dt) else dt


def _layout(aval: ShapedArray, core_rank: int) -> str:
    """Batch dims major, each matrix column-major (minor-to-major order); `core_rank` is 2 for
    matrices, 1 for vectors, 0 for scalars (per batch entry)."""
    ndim = aval.ndim
    if core_rank == 2:
        dims = [ndim - 2, ndim - 1] + list(range(ndim - 3, -1, -1))
    else:
        dims = list(range(ndim - 1, -1, -1))
    if not dims:
        return "dense<> : tensor<0xindex>"
    return f"dense<[{', '.join(map(str, dims))}]> : tensor<{ndim}xindex>"


def _custom_call(
    ctx: Any,
    name: str,
    operands: Sequence[str],
    in_avals: Sequence[ShapedArray],
    out_avals: Sequence[ShapedArray],
    config: dict[str, str | int] | None = None,
    aliases: Sequence[tuple[int, int]] = (),
    in_core: Sequence[int] = (),
    out_core: Sequence[int] = (),
) -> list[str]:
    """One jaxlib LAPACK FFI call `lapack_<s|d|c|z><name>`; `config` maps attribute names to
    LAPACK character codes (str, sent as ui8) or int32 values, `aliases` (output, operand)
    pairs that share a buffer, `in_core` / `out_core` the per-entry rank of each
    operand/result (2: matrix, 1: vector, 0: info)."""
    target = f"lapack_{_PREFIX[in_avals[0].dtype.name]}{name}"
    cfg = ", ".join(
        f"{k} = {ord(v)} : ui8" if isinstance(v, str) else f"{k} = {int(v)} : i32"
        for k, v in (config or {}).items()
    )
    single = len(out_avals) == 1
    alias = ", ".join(
        f"#stablehlo.output_operand_alias<output_tuple_indices = [{'' if single else o}], "
        f"operand_index = {i}, operand_tuple_indices = []>"
        for o, i in aliases
    )
    attrs = (
        f'api_version = 4 : i32, backend_config = {{{cfg}}}, call_target_name = "{target}", '
        f"operand_layouts = [{', '.join(map(_layout, in_avals, in_core))}], "
        f"output_operand_aliases = [{alias}], "
        f"result_layouts = [{', '.join(map(_layout, out_avals, out_core))}]"
    )
    assert len(in_core) == len(in_avals) and len(out_core) == len(out_avals), (name, in_core)
    return ctx.op(
        "stablehlo.custom_call",
        list(operands),
        list(out_avals),
        attrs=attrs,
        operand_avals=list(in_avals),
    )


def _emit(
    ctx: Any, fun: Callable[..., Sequence[Any]], names: Sequence[str], avals: Sequence[ShapedArray]
) -> list[str]:
    """Traces `fun` (arrays in, list of arrays out) on `avals` and emits it in place."""
    from xjax._src.interpreters.lowering import jaxpr_subcomp
    from xjax._src.interpreters.partial_eval import trace_to_jaxpr

    jaxpr, consts = trace_to_jaxpr(lambda *xs: list(fun(*xs)), list(avals))
    return jaxpr_subcomp(ctx.fn, jaxpr, consts, list(names))


def _lapack(
    ctx: Any,
    name: str,
    x: str,
    out_avals: Sequence[ShapedArray],
    out_core: Sequence[int],
    post: Callable[..., Sequence[Any]] | None = None,
    config: dict[str, str | int] | None = None,
    aliases: Sequence[tuple[int, int]] = ((0, 0),),
) -> list[str]:
    """The LAPACK kernel `name` (see `_custom_call`) on the one matrix operand `x`, returning
    `out_avals` (per-entry ranks `out_core`) and then LAPACK's info [batch]; gives
    `post(*results, info)` traced in place, by default every result NaN where info != 0."""
    aval = ctx.avals_in[0]
    info = _info_aval(aval.shape[:-2])
    avals = [*out_avals, info]
    res = _custom_call(ctx, name, [x], [aval], avals, config, aliases, (2,), (*out_core, 0))
    return _emit(ctx, post or _nan_where_info, res, avals)


def _lower_fun(fun: Callable[..., Sequence[Any]]) -> Callable:
    """A lowering rule that is `fun(*operands, **params)` traced in place (lower_fun)."""

    def rule(ctx: Any, *args: str, **params: Any) -> list[str]:
        return _emit(ctx, lambda *xs: fun(*xs, **params), args, ctx.avals_in)

    return rule


def _nan_where_failed(x: Any, ok: Any) -> Any:
    """`x` with the matrices/vectors of batch entries where `ok` is False filled with NaN."""
    jnp = _jnp()
    ok = jnp.reshape(ok, ok.shape + (1,) * (x.ndim - ok.ndim))
    return jnp.where(ok, x, jnp.array(np.nan, x.dtype))


def _nan_where_info(*args: Any) -> list:
    """`args` = (*results, info): each result with the failed (info != 0) entries NaN."""
    *results, info = args
    return [_nan_where_failed(r, info == 0) for r in results]


def _info_aval(batch: tuple) -> ShapedArray:
    return core.shaped_array(batch, dtypes.int32)


def _leading_batch(prim: Primitive) -> Callable:
    """vmap rule for one-operand primitives whose kernels take leading batch dims."""

    def rule(vals: list, dims: list, **params: Any) -> tuple:
        x = move_dim(vals[0], dims[0], 0, None)
        out = prim.bind(x, **params)
        return out, ([0] * len(out) if prim.multiple_results else 0)

    return rule


def _zeros(shape: tuple, dtype: Any) -> Any:
    return _jnp().zeros(shape, dtype)


# ---------------------------------------------------------------------------
# Cholesky

cholesky_p = Primitive("cholesky")


def cholesky(x: Any, *, symmetrize_input: bool = True) -> Any:
    """Cholesky factor L (lower triangular, A = L·Lᴴ) of a batch [..., n, n] of Hermitian
    positive-definite matrices; NaN-filled where the factorization fails.

    With `symmetrize_input` the input is first replaced by (x + xᴴ)/2, else only its lower
    triangle is read."""
    _check_matrix("lax.linalg.cholesky", core.get_aval(x), square=True)
    if symmetrize_input:
        x = symmetrize(x)
    return cholesky_p.bind(x)


@cholesky_p.def_abstract_eval
def _cholesky_abstract_eval(x: ShapedArray) -> ShapedArray:
    _check_matrix("lax.linalg.cholesky", x, square=True)
    return x.strip_weak_type()


@cholesky_p.def_lowering
def _cholesky_lower(ctx: Any, x: str) -> str:
    aval = ctx.avals_in[0]
    if aval.size == 0:
        return _emit(ctx, lambda a: [a], [x], [aval])[0]
    post = lambda r, i: [_tril(_nan_where_failed(r, i == 0))]
    return _lapack(ctx, "potrf_ffi", x, [aval], (2,), post, {"uplo": "L"})[0]


def _cholesky_jvp(primals: list, tangents: list) -> tuple:
    # Forward-mode rule of Murray, https://arxiv.org/abs/1602.07527 (as JAX).
    (x,), (sigma_dot,) = primals, tangents
    L = cholesky_p.bind(x)
    n = x.shape[-1]

    def phi(X: Any) -> Any:
        return _tril(X) / (1 + _eye(n, X.dtype))

    tmp = triangular_solve(
        L, sigma_dot, left_side=False, transpose_a=True, conjugate_a=True, lower=True
    )
    L_dot = _mm(L, phi(triangular_solve(L, tmp, left_side=True, transpose_a=False, lower=True)))
    return L, L_dot


cholesky_p.def_jvp(_cholesky_jvp)
cholesky_p.def_batching(_leading_batch(cholesky_p))


# ---------------------------------------------------------------------------
# Triangular solve

triangular_solve_p = Primitive("triangular_solve")


def triangular_solve(
    a: Any,
    b: Any,
    *,
    left_side: bool = False,
    lower: bool = False,
    transpose_a: bool = False,
    conjugate_a: bool = False,
    unit_diagonal: bool = False,
) -> Any:
    """Solves op(a)·x = b (`left_side`) or x·op(a) = b for x, with `a` [..., m, m] triangular
    (`lower` says which triangle is read) and op(a) = a, aᵀ or aᴴ. A `b` of rank one less than
    `a` is a (batch of) vector(s)."""
    a_aval, b_aval = core.get_aval(a), core.get_aval(b)
    conjugate_a = bool(conjugate_a) and dtypes.is_complex(a_aval.dtype)
    singleton = b_aval.ndim == a_aval.ndim - 1
    if singleton:
        b = _jnp().expand_dims(b, -1 if left_side else -2)
    out = triangular_solve_p.bind(
        a,
        b,
        left_side=bool(left_side),
        lower=bool(lower),
        transpose_a=bool(transpose_a),
        conjugate_a=conjugate_a,
        unit_diagonal=bool(unit_diagonal),
    )
    if singleton:
        out = out[..., 0] if left_side else out[..., 0, :]
    return out


@triangular_solve_p.def_abstract_eval
def _triangular_solve_abstract_eval(
    a: ShapedArray, b: ShapedArray, *, left_side: bool, **_: Any
) -> ShapedArray:
    fn = "lax.linalg.triangular_solve"
    _check_matrix(fn, a, square=True)
    _check_matrix(fn, b)
    if a.dtype != b.dtype:
        raise TypeError(
            f"{fn}: a and b must have the same dtype, got {a.str_short()} and {b.str_short()}"
        )
    if a.shape[:-2] != b.shape[:-2] or a.shape[-1] != b.shape[-2 if left_side else -1]:
        raise ValueError(
            f"{fn}: incompatible shapes for a and b: {a.shape} and {b.shape} "
            f"(left_side={left_side}); batch dims must be equal"
        )
    return b.strip_weak_type()


@triangular_solve_p.def_lowering
def _triangular_solve_lower(
    ctx: Any,
    a: str,
    b: str,
    *,
    left_side: bool,
    lower: bool,
    transpose_a: bool,
    conjugate_a: bool,
    unit_diagonal: bool,
) -> str:
    a_aval, b_aval = ctx.avals_in
    if b_aval.size == 0:
        return _emit(ctx, lambda x: [x], [b], [b_aval])[0]
    if conjugate_a and not transpose_a:
        a = _emit(ctx, lambda x: [_jnp().conj(x)], [a], [a_aval])[0]
        conjugate_a = False
    trans = "C" if transpose_a and conjugate_a else "T" if transpose_a else "N"
    cfg = {
        "diag": "U" if unit_diagonal else "N",
        "side": "L" if left_side else "R",
        "trans_x": trans,
        "uplo": "L" if lower else "U",
    }
    return _custom_call(
        ctx, "trsm_ffi", [a, b], [a_aval, b_aval], [b_aval], cfg, [(0, 1)], (2, 2), (2,)
    )[0]


def _triangular_solve_jvp_a(
    g_a: Any,
    ans: Any,
    a: Any,
    *,
    left_side: bool,
    lower: bool,
    transpose_a: bool,
    conjugate_a: bool,
    unit_diagonal: bool,
) -> Any:
    m, n = ans.shape[-2:]
    k = 1 if unit_diagonal else 0
    g_a = _tril(g_a, -k) if lower else _triu(g_a, k)
    g_a = -g_a
    g_a = _T(g_a) if transpose_a else g_a
    g_a = _jnp().conj(g_a) if conjugate_a else g_a

    def a_inverse(rhs: Any) -> Any:
        return triangular_solve_p.bind(
            a,
            rhs,
            left_side=left_side,
            lower=lower,
            transpose_a=transpose_a,
            conjugate_a=conjugate_a,
            unit_diagonal=unit_diagonal,
        )

    # Whichever order is cheaper (both ~n^2 per column), as JAX does.
    if left_side:
        return a_inverse(_mm(g_a, ans)) if m > n else _mm(a_inverse(g_a), ans)
    return a_inverse(_mm(ans, g_a)) if m < n else _mm(ans, a_inverse(g_a))


def _triangular_solve_jvp(primals: list, tangents: list, **params: Any) -> tuple:
    a, b = primals
    g_a, g_b = tangents
    ans = triangular_solve_p.bind(a, b, **params)
    t = Zero.from_value(ans)
    if type(g_b) is not Zero:
        t = triangular_solve_p.bind(a, g_b, **params)
    if type(g_a) is not Zero:
        ta = _triangular_solve_jvp_a(g_a, ans, a, **params)
        t = ta if type(t) is Zero else t + ta
    return ans, t


def _triangular_solve_transpose(
    ct: Any,
    a: Any,
    b: Any,
    *,
    left_side: bool,
    lower: bool,
    transpose_a: bool,
    conjugate_a: bool,
    unit_diagonal: bool,
) -> list:
    # Linear in b only (like div, swapped).
    if type(ct) is Zero:
        return [None, Zero(b.aval)]
    ct_b = triangular_solve_p.bind(
        a,
        ct,
        left_side=left_side,
        lower=lower,
        transpose_a=not transpose_a,
        conjugate_a=conjugate_a,
        unit_diagonal=unit_diagonal,
    )
    return [None, ct_b]


def _triangular_solve_batch(vals: list, dims: list, **params: Any) -> tuple:
    a, b = vals
    size = next(core.get_aval(v).shape[d] for v, d in zip(vals, dims) if d is not None)
    a = move_dim(a, dims[0], 0, size)
    b = move_dim(b, dims[1], 0, size)
    return triangular_solve_p.bind(a, b, **params), 0


triangular_solve_p.def_jvp(_triangular_solve_jvp)
triangular_solve_p.def_transpose(_triangular_solve_transpose)
triangular_solve_p.def_batching(_triangular_solve_batch)


# ---------------------------------------------------------------------------
# LU

lu_p = Primitive("lu", multiple_results=True)


def lu(x: Any) -> tuple[Any, Any, Any]:
    """LU decomposition with partial pivoting, P·A = L·U, of a batch [..., m, n].

    Returns (lu, pivots, permutation): L (unit diagonal implied) below and U on and above the
    diagonal of `lu`; int32 row swaps `pivots` [..., min(m, n)]; the int32 permutation
    [..., m] they amount to."""
    _check_matrix("lax.linalg.lu", core.get_aval(x))
    return tuple(lu_p.bind(x))


@lu_p.def_abstract_eval
def _lu_abstract_eval(x: ShapedArray) -> list:
    _check_matrix("lax.linalg.lu", x)
    *batch, m, n = x.shape
    return [
        x.strip_weak_type(),
        core.shaped_array((*batch, min(m, n)), dtypes.int32),
        core.shaped_array((*batch, m), dtypes.int32),
    ]


def lu_pivots_to_permutation(pivots: Any, permutation_size: int) -> Any:
    """The permutation [..., permutation_size] that the row swaps `pivots` [..., k] perform
    (swap i with pivots[i], for i in order)."""
    from xjax._src.lax.control_flow import fori_loop

    jnp = _jnp()
    pivots = jnp.asarray(pivots)
    m = operator.index(permutation_size)
    *batch, k = pivots.shape
    if k > m:
        raise ValueError(
            f"lax.linalg.lu_pivots_to_permutation: permutation_size={m} is smaller "
            f"than the number of pivots {k}"
        )
    perm = jnp.broadcast_to(jnp.arange(m, dtype=jnp.int32), (*batch, m))
    if m == 0 or k == 0:
        return perm
    iota_m = jnp.arange(m, dtype=jnp.int32)
    iota_k = jnp.arange(k, dtype=jnp.int32)
    pivots = pivots.astype(jnp.int32)

    def body(i: Any, perm: Any) -> Any:
        # one-hot selects instead of gather/scatter: batch-friendly and O(m) per swap
        j = jnp.sum(jnp.where(iota_k == i, pivots, 0), axis=-1, keepdims=True, dtype=jnp.int32)
        pi = jnp.sum(jnp.where(iota_m == i, perm, 0), axis=-1, keepdims=True, dtype=jnp.int32)
        pj = jnp.sum(jnp.where(iota_m == j, perm, 0), axis=-1, keepdims=True, dtype=jnp.int32)
        return jnp.where(iota_m == i, pj, jnp.where(iota_m == j, pi, perm))

    return fori_loop(np.int32(0), np.int32(k), body, perm)


@lu_p.def_lowering
def _lu_lower(ctx: Any, x: str) -> list:
    aval = ctx.avals_in[0]
    _, piv_aval, _ = ctx.avals_out
    m = aval.shape[-2]
    if aval.size == 0:
        return _emit(
            ctx,
            lambda a: [
                a,
                _zeros(piv_aval.shape, np.int32)
                + _jnp().arange(piv_aval.shape[-1], dtype=np.int32),
                lu_pivots_to_permutation(_zeros(piv_aval.shape, np.int32), m),
            ],
            [x],
            [aval],
        )

    def post(r: Any, p: Any, i: Any) -> list:
        p = p - 1  # LAPACK pivots are 1-based
        return [_nan_where_failed(r, i >= 0), p, lu_pivots_to_permutation(p, m)]

    return _lapack(ctx, "getrf_ffi", x, [aval, piv_aval], (2, 1), post)


def _lu_jvp(primals: list, tangents: list) -> tuple:
    # De Hoog, Anderssen & Lukas, "Differentiation of matrix functionals using triangular
    # factorization": L' = L·tril(L⁻¹·A'·U⁻¹, -1), U' = triu(L⁻¹·A'·U⁻¹)·U (as JAX).
    jnp = _jnp()
    (a,), (a_dot,) = primals, tangents
    lu_, pivots, perm = lu_p.bind(a)
    *batch, m, n = a.shape
    k = min(m, n)
    dtype = lu_.dtype
    x = jnp.take_along_axis(a_dot, perm[..., :, None], axis=-2)
    l = jnp.pad(_tril(lu_[..., :, :k], -1), [(0, 0)] * (len(batch) + 1) + [(0, m - k)])
    l = l + _eye(m, dtype)
    u_eye = jnp.pad(_eye(n - k, dtype), ((k, 0), (k, 0)))
    u = jnp.pad(_triu(lu_[..., :k, :]), [(0, 0)] * len(batch) + [(0, n - k), (0, 0)]) + u_eye
    la = triangular_solve(l, x, left_side=True, transpose_a=False, lower=True, unit_diagonal=True)
    lau = triangular_solve(u, la, left_side=False, transpose_a=False, lower=False)
    lu_dot = _mm(l, _tril(lau, -1)) + _mm(_triu(lau), u)
    return [lu_, pivots, perm], [lu_dot, Zero.from_value(pivots), Zero.from_value(perm)]


lu_p.def_jvp(_lu_jvp)
lu_p.def_batching(_leading_batch(lu_p))


# ---------------------------------------------------------------------------
# Symmetric/Hermitian eigendecomposition

eigh_p = Primitive("eigh", multiple_results=True)


def eigh(
    x: Any,
    *,
    lower: bool = True,
    symmetrize_input: bool = True,
    sort_eigenvalues: bool = True,
    subset_by_index: tuple[int, int] | None = None,
    implementation: Any = None,
) -> tuple[Any, Any]:
    """Eigenvectors v [..., n, n] and ascending eigenvalues w [..., n] (real dtype) of a batch
    of Hermitian matrices: x·v[..., :, i] = w[..., i]·v[..., :, i]. Returns (v, w)."""
    aval = core.get_aval(x)
    _check_matrix("lax.linalg.eigh", aval, square=True)
    n = aval.shape[-1]
    if subset_by_index is not None and tuple(subset_by_index) != (0, n):
        raise NotImplementedError("lax.linalg.eigh: subset_by_index is not supported on CPU")
    if implementation is not None:
        raise NotImplementedError("lax.linalg.eigh: only the default implementation exists on CPU")
    if symmetrize_input:
        x = symmetrize(x)
    v, w = eigh_p.bind(x, lower=bool(lower), sort_eigenvalues=bool(sort_eigenvalues))
    return v, w


@eigh_p.def_abstract_eval
def _eigh_abstract_eval(x: ShapedArray, *, lower: bool, sort_eigenvalues: bool) -> list:
    _check_matrix("lax.linalg.eigh", x, square=True)
    return [x.strip_weak_type(), core.shaped_array(x.shape[:-1], _real_dtype(x.dtype))]


@eigh_p.def_lowering
def _eigh_lower(ctx: Any, x: str, *, lower: bool, sort_eigenvalues: bool) -> list:
    aval = ctx.avals_in[0]
    v_aval, w_aval = ctx.avals_out
    if aval.size == 0:
        return _emit(ctx, lambda a: [a, _zeros(w_aval.shape, w_aval.dtype)], [x], [aval])
    name = "heevd_ffi" if dtypes.is_complex(aval.dtype) else "syevd_ffi"
    cfg = {"mode": "V", "uplo": "L" if lower else "U"}
    return _lapack(ctx, name, x, [v_aval, w_aval], (2, 1), None, cfg)


def _eigh_jvp(primals: list, tangents: list, *, lower: bool, sort_eigenvalues: bool) -> tuple:
    # Non-degenerate perturbation theory (Giles, NA-08-01), as JAX.
    jnp = _jnp()
    (a,), (a_dot,) = primals, tangents
    v, w_real = eigh_p.bind(a, lower=lower, sort_eigenvalues=sort_eigenvalues)
    n = a.shape[-1]
    w = w_real.astype(a.dtype)
    eye_n = _eye(n, a.dtype)
    Fmat = 1 / (eye_n + w[..., None, :] - w[..., :, None]) - eye_n
    vdag_adot_v = _mm(_mm(_H(v), a_dot), v)
    dv = _mm(v, Fmat * vdag_adot_v)
    dw = jnp.real(jnp.diagonal(vdag_adot_v, axis1=-2, axis2=-1))
    return [v, w_real], [dv, dw]


eigh_p.def_jvp(_eigh_jvp)
eigh_p.def_batching(_leading_batch(eigh_p))


# ---------------------------------------------------------------------------
# QR

qr_p = Primitive("qr", multiple_results=True)


def qr(
    x: Any, *, pivoting: bool = False, full_matrices: bool = True, use_magma: bool | None = None
) -> tuple[Any, Any]:
    """QR decomposition A = Q·R of a batch [..., m, n]: Q [..., m, m] unitary and R [..., m, n]
    upper triangular; with `full_matrices=False`, Q [..., m, k] and R [..., k, n], k=min(m, n)."""
    _check_matrix("lax.linalg.qr", core.get_aval(x))
    if pivoting:
        raise NotImplementedError("lax.linalg.qr: pivoting=True is not implemented in xjax")
    q, r = qr_p.bind(x, full_matrices=bool(full_matrices))
    return q, r


@qr_p.def_abstract_eval
def _qr_abstract_eval(x: ShapedArray, *, full_matrices: bool) -> list:
    _check_matrix("lax.linalg.qr", x)
    *batch, m, n = x.shape
    k = m if full_matrices else min(m, n)
    dt = x.dtype
    return [core.shaped_array((*batch, m, k), dt), core.shaped_array((*batch, k, n), dt)]


@qr_p.def_lowering
def _qr_lower(ctx: Any, x: str, *, full_matrices: bool) -> list:
    aval = ctx.avals_in[0]
    q_aval, r_aval = ctx.avals_out
    *batch, m, n = aval.shape
    k = min(m, n)
    if aval.size == 0:

        def empty(a: Any) -> list:
            jnp = _jnp()
            q = jnp.broadcast_to(jnp.eye(m, q_aval.shape[-1], dtype=a.dtype), q_aval.shape)
            return [q, _zeros(r_aval.shape, a.dtype)]

        return _emit(ctx, empty, [x], [aval])
    tau_aval = core.shaped_array((*batch, k), aval.dtype)
    r, taus = _custom_call(
        ctx, "geqrf_ffi", [x], [aval], [aval, tau_aval], None, [(0, 0)], (2,), (2, 1)
    )
    if m < n:
        qin_aval = core.shaped_array((*batch, m, m), aval.dtype)
        qin = _emit(ctx, lambda r: [r[..., :m, :m]], [r], [aval])[0]
    elif full_matrices:
        qin_aval = core.shaped_array((*batch, m, m), aval.dtype)
        pads = [(0, 0)] * (len(batch) + 1) + [(0, m - n)]
        qin = _emit(ctx, lambda r: [_jnp().pad(r, pads)], [r], [aval])[0]
    else:
        qin_aval, qin = aval, r
    name = "ungqr_ffi" if dtypes.is_complex(aval.dtype) else "orgqr_ffi"
    q = _custom_call(
        ctx, name, [qin, taus], [qin_aval, tau_aval], [qin_aval], None, [(0, 0)], (2, 1), (2,)
    )[0]
    r_rows = r_aval.shape[-2]
    r = _emit(ctx, lambda r: [_triu(r[..., :r_rows, :])], [r], [aval])[0]
    return [q, r]


def _thin_qr_jvp(q: Any, r: Any, dx: Any) -> tuple:
    # j-towns.github.io/papers/qr-derivative.pdf (as JAX)
    jnp = _jnp()
    dx_rinv = triangular_solve(r, dx)  # right-side solve
    qt_dx_rinv = _mm(_H(q), dx_rinv)
    qt_dx_rinv_lower = _tril(qt_dx_rinv, -1)
    do = qt_dx_rinv_lower - _H(qt_dx_rinv_lower)  # skew-symmetric
    n = r.shape[-1]
    do = do + _eye(n, do.dtype) * (qt_dx_rinv - jnp.real(qt_dx_rinv).astype(qt_dx_rinv.dtype))
    dq = _mm(q, do - qt_dx_rinv) + dx_rinv
    dr = _mm(qt_dx_rinv - do, r)
    return dq, dr


def _qr_jvp(primals: list, tangents: list, *, full_matrices: bool) -> tuple:
    jnp = _jnp()
    (x,), (dx,) = primals, tangents
    q, r = qr_p.bind(x, full_matrices=full_matrices)
    *_, m, n = x.shape
    if m < n:
        dq, dr1 = _thin_qr_jvp(q, r[..., :, :m], dx[..., :, :m])
        dr2 = _mm(_H(dq), x[..., :, m:]) + _mm(_H(q), dx[..., :, m:])
        return [q, r], [dq, jnp.concatenate([dr1, dr2], axis=-1)]
    if not full_matrices or m == n:
        dq, dr = _thin_qr_jvp(q, r, dx)
        return [q, r], [dq, dr]
    # Full Q of a tall matrix (https://arxiv.org/abs/2409.13374, eqs. 32-33, as JAX).
    q_mn, q_mp = q[..., :, :n], q[..., :, n:]
    dq_mn, dr_nn = _thin_qr_jvp(q_mn, r[..., :n, :], dx)
    q_nn, q_pn = q_mn[..., :n, :], q_mn[..., n:, :]
    dq_nn, dq_pn = dq_mn[..., :n, :], dq_mn[..., n:, :]
    # Z_pn = Q_pn (Q_nn - I)^-1, from (Q_nn - I)^H Z_pn^H = Q_pn^H solved by LU
    lu_, _, perm = lu_p.bind(q_nn - _eye(n, q.dtype))
    z = triangular_solve(
        lu_, _H(q_pn), left_side=True, lower=False, transpose_a=True, conjugate_a=True
    )
    z = triangular_solve(
        lu_, z, left_side=True, lower=True, unit_diagonal=True, transpose_a=True, conjugate_a=True
    )
    z_pn_H = jnp.take_along_axis(z, jnp.argsort(perm, axis=-1)[..., :, None], axis=-2)
    z_pn = _H(z_pn_H)
    dq_mp = _mm(dq_mn, z_pn_H) - _mm(q_mn + _mm(q_mp, z_pn), _H(dq_pn - _mm(z_pn, dq_nn)))
    dq = jnp.concatenate([dq_mn, dq_mp], axis=-1)
    dr = jnp.concatenate([dr_nn, jnp.zeros((*dr_nn.shape[:-2], m - n, n), dr_nn.dtype)], axis=-2)
    return [q, r], [dq, dr]


qr_p.def_jvp(_qr_jvp)
qr_p.def_batching(_leading_batch(qr_p))


# ---------------------------------------------------------------------------
# SVD

svd_p = Primitive("svd", multiple_results=True)


def svd(
    x: Any,
    *,
    full_matrices: bool = True,
    compute_uv: bool = True,
    subset_by_index: tuple[int, int] | None = None,
    algorithm: Any = None,
) -> Any:
    """Singular value decomposition A = U·diag(s)·Vh of a batch [..., m, n]: returns (u, s, vh)
    (s descending, real dtype), or s alone when `compute_uv` is False."""
    aval = core.get_aval(x)
    _check_matrix("lax.linalg.svd", aval)
    if subset_by_index is not None and tuple(subset_by_index) != (0, min(aval.shape[-2:])):
        raise NotImplementedError("lax.linalg.svd: subset_by_index is not supported on CPU")
    if algorithm is not None:
        raise NotImplementedError("lax.linalg.svd: only the default algorithm exists on CPU")
    out = svd_p.bind(x, full_matrices=bool(full_matrices), compute_uv=bool(compute_uv))
    if compute_uv:
        s, u, vh = out
        return u, s, vh
    return out[0]


@svd_p.def_abstract_eval
def _svd_abstract_eval(x: ShapedArray, *, full_matrices: bool, compute_uv: bool) -> list:
    _check_matrix("lax.linalg.svd", x)
    *batch, m, n = x.shape
    k = min(m, n)
    s = core.shaped_array((*batch, k), _real_dtype(x.dtype))
    if not compute_uv:
        return [s]
    return [
        s,
        core.shaped_array((*batch, m, m if full_matrices else k), x.dtype),
        core.shaped_array((*batch, n if full_matrices else k, n), x.dtype),
    ]


@svd_p.def_lowering
def _svd_lower(ctx: Any, x: str, *, full_matrices: bool, compute_uv: bool) -> list:
    aval = ctx.avals_in[0]
    outs = ctx.avals_out
    *batch, m, n = aval.shape
    k = min(m, n)
    if aval.size == 0:

        def empty(a: Any) -> list:
            jnp = _jnp()
            res = [_zeros(outs[0].shape, outs[0].dtype)]
            for o in outs[1:]:
                res.append(jnp.broadcast_to(jnp.eye(*o.shape[-2:], dtype=o.dtype), o.shape))
            return res

        return _emit(ctx, empty, [x], [aval])
    if compute_uv:
        u_aval, vt_aval = outs[1:]
        mode = "A" if full_matrices else "S"
    else:  # the kernel still wants buffers for U and Vᴴ (as JAX)
        u_aval = core.shaped_array((*batch, m, m if full_matrices else k), aval.dtype)
        vt_aval = core.shaped_array((*batch, n if full_matrices else k, n), aval.dtype)
        mode = "N"

    def post(a: Any, s: Any, u: Any, vt: Any, i: Any) -> list:
        return _nan_where_info(s, u, vt, i) if compute_uv else _nan_where_info(s, i)

    res_avals = [aval, outs[0], u_aval, vt_aval]
    return _lapack(ctx, "gesdd_ffi", x, res_avals, (2, 1, 2, 2), post, {"mode": mode})


def _svd_jvp(primals: list, tangents: list, *, full_matrices: bool, compute_uv: bool) -> tuple:
    # As JAX's rule (Townsend, "Differentiating the singular value decomposition").
    jnp = _jnp()
    (A,), (dA,) = primals, tangents
    m, n = A.shape[-2:]
    if compute_uv and full_matrices and m != n:
        raise NotImplementedError(
            "lax.linalg.svd: the derivative with full_matrices=True is "
            "implemented for square matrices only"
        )
    s, U, Vt = svd_p.bind(A, full_matrices=False, compute_uv=True)
    Ut, V = _H(U), _H(Vt)
    s_dim = s[..., None, :]
    dS = _mm(_mm(Ut, dA), V)
    ds = jnp.real(jnp.diagonal(dS, axis1=-2, axis2=-1))
    if not compute_uv:
        return [s], [ds]
    kk = s.shape[-1]
    s_diffs = (s_dim + _T(s_dim)) * (s_dim - _T(s_dim))
    s_diffs_zeros = _eye(kk, s.dtype)
    F = 1 / (s_diffs + s_diffs_zeros) - s_diffs_zeros
    sA = s_dim.astype(A.dtype)
    dSS = sA * dS
    SdS = _T(sA) * dS
    s_zeros = (s == 0).astype(s.dtype)
    s_inv = 1 / (s + s_zeros) - s_zeros
    s_inv_mat = s_inv[..., None, :] * _eye(kk, s.dtype)
    dUdV_diag = 0.5 * (dS - _H(dS)) * s_inv_mat.astype(A.dtype)
    FA = F.astype(A.dtype)
    dU = _mm(U, FA * (dSS + _H(dSS)) + dUdV_diag)
    dV = _mm(V, FA * (SdS + _H(SdS)))
    if m > n:
        dAV = _mm(dA, V)
        dU = dU + (dAV - _mm(U, _mm(Ut, dAV))) / sA
    if n > m:
        dAHU = _mm(_H(dA), U)
        dV = dV + (dAHU - _mm(V, _mm(Vt, dAHU))) / sA
    return [s, U, Vt], [ds, dU, _H(dV)]


svd_p.def_jvp(_svd_jvp)
svd_p.def_batching(_leading_batch(svd_p))
