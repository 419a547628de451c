"""lax.custom_linear_solve and lax.custom_root: values, jvp, grad, hessian and vmap against real
JAX (the oracle, same program text on both sides), gradients against finite differences, and
errors."""

from __future__ import annotations

import types

import numpy as np
import pytest

import xjax
import xjax.lax as xlax
import xjax.numpy as xnp
import xjax.scipy.linalg
from tests._util import x64_fixture  # noqa: F401  (the `x64` fixture)
from xjax._src.lax import custom_solve
from xjax.test_util import check_grads

# xjax.lax with the two functions (re-exported by xjax.lax itself once it imports them)
LAX = types.SimpleNamespace(**{k: getattr(xlax, k) for k in dir(xlax) if not k.startswith("_")})
LAX.custom_linear_solve = custom_solve.custom_linear_solve
LAX.custom_root = custom_solve.custom_root


# The same program runs under JAX (in the oracle) and under xjax.
PROGRAM = """
def lin(a, b):
    return lax.custom_linear_solve(
        lambda x: a @ x, b,
        solve=lambda mv, x: jnp.linalg.solve(a, x),
        transpose_solve=lambda vm, x: jnp.linalg.solve(a.T, x))

def lin_auto_vecmat(a, b):
    # transpose_solve gets vecmat (the transpose of matvec, derived automatically)
    def tsolve(vm, x):
        y = jnp.linalg.solve(a.T, x)
        return y + 0.0 * vm(y)
    return lax.custom_linear_solve(lambda x: a @ x, b,
                                   solve=lambda mv, x: jnp.linalg.solve(a, x),
                                   transpose_solve=tsolve)

def sym(s, b):
    c = jnp.linalg.cholesky(s)
    solve = lambda mv, x: jax.scipy.linalg.cho_solve((c, True), x)
    return lax.custom_linear_solve(lambda x: s @ x, b, solve, symmetric=True)

def aux(a, b):
    solve = lambda mv, x: (jnp.linalg.solve(a, x), jnp.sum(x))
    tsolve = lambda vm, x: (jnp.linalg.solve(a.T, x), jnp.sum(x))
    return lax.custom_linear_solve(lambda x: a @ x, b, solve, tsolve, has_aux=True)

def tree(a, b):
    # a pytree right-hand side: the block-diagonal system diag(a, 2a)
    mv = lambda x: {"u": a @ x["u"], "v": 2.0 * (a @ x["v"])}
    solve = lambda f, x: {"u": jnp.linalg.solve(a, x["u"]), "v": jnp.linalg.solve(2.0 * a, x["v"])}
    tsolve = lambda f, x: {"u": jnp.linalg.solve(a.T, x["u"]),
                           "v": jnp.linalg.solve(2.0 * a.T, x["v"])}
    return lax.custom_linear_solve(mv, {"u": b, "v": b * b}, solve, tsolve)

def newton_sqrt(x):
    def solve(f, y0):
        def body(c):
            y, _ = c
            return y - f(y) / (2 * y), y
        return lax.while_loop(lambda c: jnp.any(jnp.abs(c[0] - c[1]) > 1e-6), body,
                             (y0, y0 + 1.0))[0]
    return lax.custom_root(lambda y: y ** 2 - x, jnp.ones_like(x), solve,
                           lambda g, y: y / g(jnp.ones_like(y)))

def vec_root(p):
    # y with tanh(y) + y = p, solved by a fixed number of Newton steps
    f = lambda y: jnp.tanh(y) + y - p
    def solve(f, y):
        for _ in range(20):
            y = y - f(y) / (2.0 - jnp.tanh(y) ** 2)
        return y
    tangent_solve = lambda g, y: jnp.linalg.solve(jax.jacobian(g)(y), y)
    return lax.custom_root(f, jnp.zeros_like(p), solve, tangent_solve)

def root_aux(p):
    f = lambda y: y ** 3 - p
    solve = lambda f, y: (jnp.cbrt(p), jnp.sum(p))
    return lax.custom_root(f, jnp.ones_like(p), solve, lambda g, y: y / g(jnp.ones_like(y)),
                           has_aux=True)

sq = lambda f: (lambda *args: jnp.sum(f(*args) ** 2))
out = [
    lin(a, b),
    jax.jvp(lin, (a, b), (b2 @ b2.T, b2[:, 0])),
    jax.grad(sq(lin), (0, 1))(a, b),
    jax.grad(sq(lin_auto_vecmat), (0, 1))(a, b),
    jax.hessian(sq(lin), 1)(a, b),
    jax.jacfwd(jax.grad(sq(lin)))(a, b),
    jax.vmap(lin, (None, 1), 1)(a, b2),
    jax.vmap(lin, (0, None))(ab, b),
    jax.vmap(jax.grad(sq(lin), (0, 1)))(ab, b2.T),
    sym(s, b),
    jax.grad(lambda s, b: jnp.sum(jnp.sin(sym(s, b))), (0, 1))(s, b),
    aux(a, b),
    jax.grad(lambda a, b: jnp.sum(aux(a, b)[0] ** 2), (0, 1))(a, b),
    tree(a, b),
    jax.grad(lambda a, b: sum(jnp.sum(v ** 2) for v in tree(a, b).values()), (0, 1))(a, b),
    jax.jit(jax.grad(sq(lin)))(a, b),
    newton_sqrt(x),
    jax.grad(lambda x: jnp.sum(newton_sqrt(x)))(x),
    jax.jvp(newton_sqrt, (x,), (x,)),
    vec_root(b),
    jax.grad(lambda p: jnp.sum(vec_root(p) * jnp.arange(3.0)))(b),
    jax.vmap(vec_root)(b2.T),
    jax.jit(jax.grad(lambda p: jnp.sum(jnp.sin(vec_root(p)))))(b),
    root_aux(b),
    jax.grad(lambda p: jnp.sum(root_aux(p)[0]))(b),
]
"""


def _inputs(dtype: str) -> dict:
    rng = np.random.default_rng(0)
    a = rng.standard_normal((3, 3)) + 3 * np.eye(3)
    m = rng.standard_normal((3, 3))
    return {
        "a": a.astype(dtype),
        "ab": np.stack([a, a.T + np.eye(3)]).astype(dtype),
        "b": rng.standard_normal(3).astype(dtype),
        "b2": rng.standard_normal((3, 2)).astype(dtype),
        "s": (m @ m.T + 3 * np.eye(3)).astype(dtype),
        "x": np.array([2.0, 3.0], dtype),
    }


def _leaves(x):
    if isinstance(x, dict):
        return [leaf for k in sorted(x) for leaf in _leaves(x[k])]
    if isinstance(x, (tuple, list)):
        return [leaf for y in x for leaf in _leaves(y)]
    return [x]


_JITTED = """
names = list(inputs)
def program(*xs):
    ns = dict(globals(), **dict(zip(names, xs)))
    exec(PROGRAM, ns)  # noqa: S102  (the program text shared with the oracle)
    return ns["out"]
out = jax.jit(program)(*[globals()[k] for k in names])
"""


@pytest.mark.oracle
@pytest.mark.parametrize(
    "dtype,jit",
    [("float64", True), pytest.param("float32", False, marks=pytest.mark.slow)],
)
def test_matches_jax(oracle, dtype, jit, request):
    """The whole program as one jitted function (one compile per side), or eagerly."""
    x64 = dtype == "float64"
    if x64:
        request.getfixturevalue("x64")
    inputs = _inputs(dtype)
    code = _JITTED if jit else PROGRAM
    want = oracle.exec(code, x64=x64, PROGRAM=PROGRAM, inputs=list(inputs), **inputs)
    ns = {"jax": xjax, "jnp": xnp, "lax": LAX, "np": np}
    names = list(inputs)
    arrays = [xnp.asarray(inputs[k]) for k in names]

    def program(*xs):
        env = dict(ns, **dict(zip(names, xs)))
        exec(PROGRAM, env)  # noqa: S102
        return env["out"]

    got = xjax.jit(program)(*arrays) if jit else program(*arrays)
    tol = 1e-4 if dtype == "float32" else 1e-9
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want)):
        gl, wl = _leaves(g), _leaves(w)
        assert len(gl) == len(wl), i
        for gg, ww in zip(gl, wl):
            assert hasattr(ww, "value"), (i, ww)
            gg = np.asarray(gg)
            assert gg.shape == ww.shape and gg.dtype == ww.dtype, (i, gg, ww)
            np.testing.assert_allclose(gg, ww.value, rtol=tol, atol=tol, err_msg=f"output {i}")


def test_check_grads_finite_differences(x64):
    rng = np.random.default_rng(1)
    a = rng.standard_normal((3, 3)) + 3 * np.eye(3)
    b = rng.standard_normal(3)

    def lin(a, b):
        return custom_solve.custom_linear_solve(
            lambda x: a @ x,
            b,
            solve=lambda mv, x: xnp.linalg.solve(a, x),
            transpose_solve=lambda vm, x: xnp.linalg.solve(a.T, x),
        )

    def cube_root(p):
        return custom_solve.custom_root(
            lambda y: y**3 - p,
            xnp.ones_like(p),
            lambda f, y: xnp.cbrt(p),
            lambda g, y: y / g(xnp.ones_like(y)),
        )

    check_grads(lin, (a, b), order=2, modes=("fwd", "rev"))
    check_grads(cube_root, (np.array([2.0, 5.0]),), order=2, modes=("fwd", "rev"))


def test_solver_is_used_not_differentiated():
    # the solver's own derivative is never taken: a solve through a stop_gradient gives the
    # implicit derivative anyway
    a = np.array([[3.0, 1.0], [0.5, 2.0]], np.float32)
    b = np.array([1.0, 2.0], np.float32)

    def f(a):
        sa = xlax.stop_gradient(a)
        x = custom_solve.custom_linear_solve(
            lambda x: a @ x,
            b,
            lambda mv, x: xnp.linalg.solve(sa, x),
            lambda vm, x: xnp.linalg.solve(sa.T, x),
        )
        return xnp.sum(x)

    want = -np.outer(np.linalg.solve(a.T, np.ones(2)), np.linalg.solve(a, b))
    np.testing.assert_allclose(np.asarray(xjax.grad(f)(a)), want, rtol=1e-5)


def test_errors():
    a = np.eye(2, dtype=np.float32)
    b = np.ones(2, np.float32)
    cls = custom_solve.custom_linear_solve
    x = cls(lambda x: a @ x, b, lambda mv, x: x)  # forward mode needs no transpose_solve
    with pytest.raises(TypeError, match="transpose_solve required"):
        xjax.grad(lambda b: xnp.sum(cls(lambda x: a @ x, b, lambda mv, x: x)))(b)
    np.testing.assert_allclose(np.asarray(x), b)
    with pytest.raises(TypeError, match=r"solve\(\) output pytree structure must match b"):
        cls(lambda x: a @ x, b, lambda mv, x: (x, x))
    with pytest.raises(ValueError, match=r"matvec\(\) output shapes must match b"):
        cls(lambda x: x[:1], b, lambda mv, x: x)
    with pytest.raises(ValueError, match="has_aux=True"):
        cls(lambda x: a @ x, b, lambda mv, x: x, has_aux=True)
    with pytest.raises(TypeError, match=r"f\(\) output pytree structure must match"):
        custom_solve.custom_root(lambda y: (y, y), b, lambda f, y: y, lambda g, y: y)
