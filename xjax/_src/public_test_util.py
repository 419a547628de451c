"""check_grads: numerical checks of jvp (central differences) and vjp (inner-product identity)."""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from xjax._src import dtypes
from xjax._src import tree as tree_lib

EPS = 1e-4

_DEFAULT_TOL = {
    dtypes.bfloat16: 1e-1,
    dtypes.float16: 1e-1,
    dtypes.float32: 2e-3,
    dtypes.float64: 1e-5,
    dtypes.complex64: 2e-3,
    dtypes.complex128: 1e-5,
}


def _tol(x: Any, tol: Any) -> float:
    if tol is not None:
        return tol
    return _DEFAULT_TOL.get(np.dtype(np.asarray(x).dtype), 1e-5)


def _inner(x: Any, y: Any) -> float:
    """Real part of sum(conj(x) * y) over matching leaves (float0 leaves contribute nothing)."""
    total = 0.0
    for a, b in zip(tree_lib.tree_leaves(x), tree_lib.tree_leaves(y)):
        a, b = np.asarray(a), np.asarray(b)
        if a.dtype == dtypes.float0 or b.dtype == dtypes.float0:
            continue
        total += float(np.real(np.vdot(a.astype(np.complex128).ravel(), b.astype(np.complex128).ravel())))
    return total


def _conj(x: Any) -> Any:
    return tree_lib.tree_map(lambda a: np.conj(np.asarray(a)) if np.iscomplexobj(a) else a, x)


def _random_like(rng: np.random.Generator, x: Any) -> Any:
    def one(leaf: Any) -> Any:
        a = np.asarray(leaf)
        if dtypes.is_complex(a.dtype):
            return (rng.standard_normal(a.shape) + 1j * rng.standard_normal(a.shape)).astype(a.dtype)
        if not dtypes.is_inexact(a.dtype):
            return np.zeros(a.shape, dtypes.float0)
        return rng.standard_normal(a.shape).astype(a.dtype)

    return tree_lib.tree_map(one, x)


def _axpy(a: float, x: Any, y: Any) -> Any:
    def one(xl: Any, yl: Any) -> Any:
        yl = np.asarray(yl)
        if np.asarray(xl).dtype == dtypes.float0:
            return yl
        return (np.asarray(yl, np.float64 if not dtypes.is_complex(yl.dtype) else np.complex128)
                + a * np.asarray(xl)).astype(yl.dtype)

    return tree_lib.tree_map(one, x, y)


def _assert_close(x: Any, y: Any, atol: float, rtol: float, what: str) -> None:
    for a, b in zip(tree_lib.tree_leaves(x), tree_lib.tree_leaves(y)):
        a = np.asarray(a, np.complex128 if np.iscomplexobj(a) else np.float64)
        b = np.asarray(b, np.complex128 if np.iscomplexobj(b) else np.float64)
        np.testing.assert_allclose(a, b, atol=atol, rtol=rtol, err_msg=what)


def check_jvp(f: Callable, f_jvp: Callable, args: Sequence[Any], atol: Any = None, rtol: Any = None,
              eps: float = EPS, err_msg: str = "") -> None:
    """Compares f_jvp(args, v) with the central difference (f(x+eps v) - f(x-eps v)) / 2eps."""
    rng = np.random.default_rng(0)
    tangent = _random_like(rng, args)
    y, t = f_jvp(args, tangent)
    y_ref = f(*args)
    tol_a = _tol(tree_lib.tree_leaves(y)[0] if tree_lib.tree_leaves(y) else 0.0, atol)
    tol_r = _tol(tree_lib.tree_leaves(y)[0] if tree_lib.tree_leaves(y) else 0.0, rtol)
    _assert_close(y, y_ref, tol_a, tol_r, f"{err_msg} primal output")
    plus = f(*_axpy(eps, tangent, args))
    minus = f(*_axpy(-eps, tangent, args))
    fd = tree_lib.tree_map(
        lambda p, m: (np.asarray(p, np.float64 if not np.iscomplexobj(p) else np.complex128) - np.asarray(m)) / (2 * eps),
        plus, minus,
    )
    _assert_close(t, fd, tol_a, tol_r, f"{err_msg} jvp vs finite differences")


def check_vjp(f: Callable, f_vjp: Callable, args: Sequence[Any], atol: Any = None, rtol: Any = None,
              eps: float = EPS, err_msg: str = "") -> None:
    """Checks <u, J v> (central differences) == <J^T u, v> for random u, v."""
    from xjax._src.autodiff import jvp

    rng = np.random.default_rng(1)
    v = _random_like(rng, args)
    out, vjp_fn = f_vjp(*args)
    u = _random_like(rng, out)
    # JAX's convention for complex values: the vjp of conj(u), conjugated back
    ct_in = _conj(vjp_fn(_conj(u)))
    _, jv = jvp(f, tuple(args), tuple(v))
    lhs = _inner(jv, u)
    rhs = _inner(v, ct_in)
    leaf = tree_lib.tree_leaves(out)[0] if tree_lib.tree_leaves(out) else 0.0
    tol_a, tol_r = _tol(leaf, atol), _tol(leaf, rtol)
    np.testing.assert_allclose(lhs, rhs, atol=tol_a * (1 + abs(lhs)), rtol=tol_r,
                               err_msg=f"{err_msg} vjp inner-product check")
    check_jvp(f, lambda a, t: jvp(f, tuple(a), tuple(t)), args, atol, rtol, eps, err_msg)


def check_grads(f: Callable, args: Sequence[Any], order: int, modes: Sequence[str] = ("fwd", "rev"),
                atol: Any = None, rtol: Any = None, eps: Any = None) -> None:
    """Checks forward and/or reverse derivatives of `f` at `args` numerically, up to `order`."""
    from xjax._src.autodiff import jvp, vjp

    eps = eps or EPS
    args = tuple(args)

    def _check(fun: Callable, args: tuple, order: int) -> None:
        if "fwd" in modes:
            check_jvp(fun, lambda a, t: jvp(fun, tuple(a), tuple(t)), args, atol, rtol, eps,
                      f"order {order} fwd")
            if order > 1:
                rng = np.random.default_rng(2)
                t = _random_like(rng, args)
                _check(lambda *a: jvp(fun, a, t)[1], args, order - 1)
        if "rev" in modes:
            check_vjp(fun, lambda *a: vjp(fun, *a), args, atol, rtol, eps, f"order {order} rev")
            if order > 1:
                rng = np.random.default_rng(3)
                out = fun(*args)
                u = _random_like(rng, out)
                _check(lambda *a: vjp(fun, *a)[1](u), args, order - 1)

    _check(f, args, order)
