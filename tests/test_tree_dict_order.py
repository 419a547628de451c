"""Dict key order after unflattening, against real JAX: `dict` and `defaultdict` come back with
sorted keys (whatever order they were built in), `OrderedDict` keeps its own order, through
tree_map, tree_unflatten, PyTreeDef.unflatten, jit (arguments and results), grad and vmap.

The same program runs here (`jax` = xjax) and in the oracle worker; it reports every dict of each
result as (type name, keys in order), so key order and container types are compared exactly.
"""

import collections

import numpy as np
import pytest

import xjax
import xjax.numpy as xnp
import xjax.tree_util as tu
from xjax._src import tree as tree_impl

_PROGRAM = """
import collections

def order(t):
    if isinstance(t, dict):
        factory = getattr(t, "default_factory", None)
        return (type(t).__name__, getattr(factory, "__name__", None),
                [(repr(k), order(v)) for k, v in t.items()])
    if isinstance(t, (list, tuple)):
        return [type(t).__name__, [order(v) for v in t]]
    return "leaf"

def values(t):
    return [np.asarray(x).tolist() for x in jax.tree.leaves(t)]

P = collections.namedtuple("P", "x y")
dd = collections.defaultdict(list, [("q", 1.0), ("p", 2.0)])
od = collections.OrderedDict([("n", 3.0), ("m", 4.0)])
tree = {"b": 1.0, "a": {"z": 2.0, "y": (3.0, dd)}, "c": od, "d": None, "e": [P(x={"k": 5.0, "j": 6.0}, y=7.0)]}
ints = {3: 1.0, 1: 2.0, 2: 3.0}
tuples = {(2, 1): 1.0, (1, 5): 2.0}
pair = {"w": jnp.ones(2), "b": jnp.zeros(2)}
leaves, treedef = jax.tree.flatten(tree)
id_ = lambda x: x
out = [
    order(jax.tree.map(id_, tree)),
    order(jax.tree.map(id_, ints)),
    order(jax.tree.map(id_, tuples)),
    order(jax.tree_util.tree_unflatten(treedef, leaves)),
    order(treedef.unflatten(leaves)),
    order(jax.tree_util.tree_structure(od).unflatten([0, 1])),
    order(jax.tree_util.tree_map_with_path(lambda p, x: x, tree)),
    order(jax.tree_util.tree_transpose(jax.tree.structure([0, 0]), jax.tree.structure({"y": 0, "x": 0}),
                                       [{"y": 1.0, "x": 2.0}, {"x": 3.0, "y": 4.0}])),
    order(jax.jit(id_)(pair)),
    order(jax.jit(lambda d, o: (d, o))(pair, od)),
    order(jax.jit(lambda d: {"z": d["w"], "a": d["b"]})(pair)),
    values(jax.jit(lambda d: tuple(d.values()))({"w": jnp.ones(2), "b": jnp.zeros(2)})),
    order(jax.grad(lambda d: d["w"] * d["b"])({"w": 2.0, "b": 3.0})),
    values(jax.grad(lambda d: d["w"] * d["b"] * d["b"])({"w": 2.0, "b": 3.0})),
    order(jax.vmap(lambda d: {"y": d["w"], "x": d["b"]})(pair)),
    order(jax.tree.map(lambda x, y: x + y, {"b": 1.0, "a": 2.0}, {"a": 3.0, "b": 4.0})),
    values(jax.tree.map(lambda x, y: x + y, {"b": 1.0, "a": 2.0}, {"a": 3.0, "b": 4.0})),
]
"""


def _run_here() -> list:
    scope = {"jax": xjax, "jnp": xnp, "np": np}
    exec(_PROGRAM, scope)  # noqa: S102  (test program, run in both worlds)
    return scope["out"]


def _plain(x):
    """The oracle's answer with OracleArrays (of Python scalars) turned back into values."""
    if isinstance(x, (list, tuple)):
        return type(x)(_plain(v) for v in x)
    return x.item() if hasattr(x, "item") else x


@pytest.mark.oracle
def test_dict_key_order_matches_jax(oracle):
    want = oracle.exec(_PROGRAM)
    assert isinstance(want, list), want
    got = _run_here()
    diffs = [f"case {i}: xjax {g!r}\n        jax  {_plain(w)!r}"
             for i, (g, w) in enumerate(zip(got, want)) if g != _plain(w)]
    assert not diffs, "\n".join(diffs)


def test_cache_serves_both_insertion_orders():
    # the canonical-treedef cache is keyed by treedef equality, which ignores dict order
    t_sorted, t_unsorted = {"a": 1, "b": 2}, {"b": 2, "a": 1}
    for first, second in ((t_sorted, t_unsorted), (t_unsorted, t_sorted)):
        tree_impl._CANONICAL.clear()
        assert list(tu.tree_map(lambda x: x, first)) == ["a", "b"]
        assert list(tu.tree_map(lambda x: x, second)) == ["a", "b"]
        assert list(tu.tree_structure(second).unflatten([5, 6])) == ["a", "b"]


def test_fast_flatten_treedef_is_canonical():
    leaves, treedef = tree_impl.flatten(({"y": 1, "x": 2}, {"k": 3}))
    assert leaves == [2, 1, 3]
    assert list(treedef.unflatten(leaves)[0]) == ["x", "y"]


def test_unhashable_node_metadata_still_sorts():
    class Node:
        def __init__(self, v):
            self.v = v

    tu.register_pytree_node(Node, lambda n: ((n.v,), ["unhashable aux"]), lambda aux, ch: Node(*ch))
    out = tu.tree_map(lambda x: x * 10, {"b": Node({"d": 1, "c": 2}), "a": 3})
    assert list(out) == ["a", "b"]
    assert list(out["b"].v) == ["c", "d"] and out["b"].v == {"c": 20, "d": 10}


def test_cache_is_bounded():
    tree_impl._CANONICAL.clear()
    for i in range(tree_impl._CANONICAL_MAX + 10):
        tu.tree_structure({f"k{i}": 0})
    assert len(tree_impl._CANONICAL) <= tree_impl._CANONICAL_MAX


def test_sorted_dicts_keep_leaf_order_and_values():
    tree = {"b": [1, {"z": 2, "y": 3}], "a": collections.defaultdict(int, {"q": 4, "p": 5})}
    out = tu.tree_map(lambda x: -x, tree)
    assert out == {"a": {"p": -5, "q": -4}, "b": [-1, {"y": -3, "z": -2}]}
    assert list(out) == ["a", "b"] and list(out["b"][1]) == ["y", "z"] and list(out["a"]) == ["p", "q"]
    assert isinstance(out["a"], collections.defaultdict) and out["a"].default_factory is int
