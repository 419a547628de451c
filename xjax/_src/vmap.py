"""The public vmap (JAX's signature): pytree-prefix in_axes/out_axes, axis names, axis_size."""

from __future__ import annotations

import functools
from typing import Any, Callable

import optree

from xjax._src import core
from xjax._src import tree as tree_lib
from xjax._src.interpreters import batching
from xjax._src.util import fn_name


def _axes_per_leaf(prefix: Any, tree: Any, what: str, fun: Callable) -> list:
    """One axis (int or None) per leaf of `tree` (whose None nodes have no leaves)."""
    try:
        full = optree.tree_broadcast_prefix(prefix, tree, none_is_leaf=True, namespace="xjax")
        axes = optree.tree_leaves(full, none_is_leaf=True, namespace="xjax")
        values = optree.tree_leaves(tree, none_is_leaf=True, namespace="xjax")
        leaves = [a for a, v in zip(axes, values) if v is not None]  # None values carry no leaf
    except ValueError as e:
        raise ValueError(
            f"vmap {what} specification must be a tree prefix of the corresponding value, got "
            f"specification {prefix!r} for value tree {tree_lib.tree_structure(tree)} "
            f"(function {fn_name(fun)}): {e}"
        ) from None
    for a in leaves:
        if a is not None and not isinstance(a, int):
            raise TypeError(f"vmap {what} must be an int, None, or a (nested) container of them; got {a!r}")
    return leaves


def vmap(
    fun: Callable,
    in_axes: Any = 0,
    out_axes: Any = 0,
    axis_name: Any = None,
    axis_size: int | None = None,
    spmd_axis_name: Any = None,
) -> Callable:
    """Vectorizes `fun` over the mapped axes of its inputs (in_axes) into out_axes."""
    if not callable(fun):
        raise TypeError(f"vmap: expected a callable, got {fun!r}")
    if isinstance(in_axes, list):
        in_axes = tuple(in_axes)  # JAX treats a list like a tuple here

    @functools.wraps(fun)
    def vmapped(*args: Any, **kwargs: Any) -> Any:
        if isinstance(in_axes, tuple) and len(in_axes) != len(args):
            raise ValueError(
                f"vmap in_axes must be an int, None, or a tuple of entries corresponding to the "
                f"positional arguments passed to the function, but got len(in_axes)={len(in_axes)}, "
                f"len(args)={len(args)} (function {fn_name(fun)})"
            )
        # keyword arguments are always mapped over their leading axis (JAX's behaviour)
        flat, in_tree = tree_lib.flatten((args, kwargs))
        axes = _axes_per_leaf((in_axes, 0), (args, kwargs), "in_axes", fun) if flat else []
        # leaves of `None` args vanish from `flat`; axes are aligned on non-None leaves
        dims, sizes = [], []
        for i, (x, a) in enumerate(zip(flat, axes)):
            if a is None:
                dims.append(None)
                continue
            aval = core.get_aval(x)
            if not -aval.ndim <= a < aval.ndim:
                raise ValueError(
                    f"vmap was requested to map its argument along axis {a}, which implies that "
                    f"its rank should be at least {a + 1 if a >= 0 else -a}, but is only "
                    f"{aval.ndim} (its shape is {aval.shape}) (function {fn_name(fun)})"
                )
            d = a % aval.ndim
            dims.append(d)
            sizes.append((i, aval.shape[d], d))
        distinct = {s for _, s, _ in sizes}
        if axis_size is not None:
            distinct.add(axis_size)
        if len(distinct) > 1:
            lines = "\n".join(f"  flattened argument {i} has size {s} along axis {d}" for i, s, d in sizes)
            raise ValueError(
                f"vmap got inconsistent sizes for array axes to be mapped:\n{lines}"
                + (f"\n  axis_size is {axis_size}" if axis_size is not None else "")
            )
        if not distinct:
            raise ValueError(
                "vmap must have at least one non-None value in in_axes, or axis_size must be "
                f"given (function {fn_name(fun)})"
            )
        size = distinct.pop()
        store: list = []

        def flat_fun(*xs: Any) -> list:
            a, k = tree_lib.tree_unflatten(in_tree, xs)
            out = fun(*a, **k)
            leaves, out_tree = tree_lib.flatten(out)
            store.append((out, out_tree))
            return leaves

        def out_dims(n: int) -> list:
            out, out_tree = store[0]
            return _axes_per_leaf(out_axes, out, "out_axes", fun) if n else []

        outs = batching.batch_flat(flat_fun, flat, dims, size, axis_name, out_dims, spmd_axis_name)
        return tree_lib.tree_unflatten(store[0][1], outs)

    return vmapped
