"""Tests for xjax.tree_util / xjax.tree.

Expected values follow JAX's documented semantics; the less obvious ones (key path strings,
dataclass and Partial flattening, error types) were checked once against jax 0.10.2's tree_util.
"""

import collections
import dataclasses
import functools
import pathlib
import subprocess
import sys

import pytest

import xjax.tree as jt
import xjax.tree_util as tu
from xjax._src import tree as tree_impl
from xjax.tree_util import DictKey, FlattenedIndexKey, GetAttrKey, SequenceKey

Point = collections.namedtuple("Point", "x y")


class Box:
    """Custom node registered without keys: children (a, b), aux `tag`."""

    def __init__(self, a, b, tag="t"):
        self.a, self.b, self.tag = a, b, tag


tu.register_pytree_node(Box, lambda x: ((x.a, x.b), x.tag), lambda tag, ch: Box(*ch, tag=tag))


@tu.register_pytree_node_class
class Pair:
    def __init__(self, a, b):
        self.a, self.b = a, b

    def tree_flatten(self):
        return (self.a, self.b), "meta"

    @classmethod
    def tree_unflatten(cls, aux, children):
        return cls(*children)


class Keyed:
    def __init__(self, a, b):
        self.a, self.b = a, b


tu.register_pytree_with_keys(
    Keyed,
    lambda k: (((GetAttrKey("a"), k.a), (DictKey("bee"), k.b)), None),
    lambda aux, ch: Keyed(*ch),
)


@tu.register_static
class Name:
    def __init__(self, v):
        self.v = v

    def __hash__(self):
        return hash(self.v)

    def __eq__(self, other):
        return isinstance(other, Name) and other.v == self.v


@tu.register_dataclass
@dataclasses.dataclass
class Layer:
    y: list
    x: int
    op: str = jt.static(default="add")


def paths(tree, **kw):
    return [(tu.keystr(p), x) for p, x in tu.tree_leaves_with_path(tree, **kw)]


# --- None ---


def test_none_is_an_empty_node():
    assert tu.tree_leaves([None, 1, (None, 2)]) == [1, 2]
    assert tu.tree_leaves(None) == []
    assert tu.tree_structure(None).num_leaves == 0
    assert tu.tree_structure(None) != tu.tree_structure(())
    assert tu.tree_structure([None]) != tu.tree_structure([1])


def test_none_survives_tree_map():
    out = tu.tree_map(lambda x: x * 2, {"a": None, "b": 1, "c": (None, 2)})
    assert out == {"a": None, "b": 2, "c": (None, 4)}


def test_none_can_be_made_a_leaf_with_is_leaf():
    assert tu.tree_leaves([1, None, 2], is_leaf=lambda x: x is None) == [1, None, 2]
    out = tu.tree_map(lambda x: x is None, [None, 1], is_leaf=lambda x: x is None)
    assert out == [True, False]


def test_is_leaf_is_called_on_every_node_preorder():
    seen = []
    tu.tree_leaves([None, 1, (2,)], is_leaf=lambda x: seen.append(x) or False)
    assert seen == [[None, 1, (2,)], None, 1, (2,), 2]


def test_rest_tree_may_hold_none_under_a_leaf():
    assert tu.tree_map(lambda x, y: (x, y), [1], [None]) == [(1, None)]


def test_empty_containers_have_no_leaves():
    assert tu.tree_leaves([(), [], {}, None]) == []
    assert tu.tree_structure([]) != tu.tree_structure(())


# --- dict ordering ---


def test_dict_leaves_are_sorted_by_key():
    assert tu.tree_leaves({"b": {"d": 1, "c": 2}, "a": [3, None, 4]}) == [3, 4, 2, 1]


def test_dict_structure_ignores_insertion_order():
    t1, t2 = tu.tree_structure({"a": 1, "b": 2}), tu.tree_structure({"b": 3, "a": 4})
    assert t1 == t2 and hash(t1) == hash(t2)
    assert tu.tree_structure({"a": 1}) != tu.tree_structure({"b": 1})


def test_unflatten_dict_and_map_roundtrip():
    tree = {"b": 1, "a": (2, [3])}
    leaves, treedef = tu.tree_flatten(tree)
    assert leaves == [2, 3, 1]
    assert tu.tree_unflatten(treedef, [10, 20, 30]) == {"a": (10, [20]), "b": 30}
    assert tu.tree_map(lambda x: -x, tree) == {"a": (-2, [-3]), "b": -1}


def test_ordered_dict_keeps_insertion_order_and_defaultdict_sorts():
    od = collections.OrderedDict([("b", 1), ("a", 2)])
    assert tu.tree_leaves(od) == [1, 2]
    assert tu.tree_structure(od) != tu.tree_structure(collections.OrderedDict(a=1, b=2))
    assert tu.tree_leaves(collections.defaultdict(int, {"b": 1, "a": 2})) == [2, 1]
    out = tu.tree_map(lambda x: x, collections.defaultdict(list, {"a": 1}))
    assert isinstance(out, collections.defaultdict) and out.default_factory is list


# --- namedtuples ---


def test_namedtuple_is_a_node_distinct_from_tuple():
    assert tu.tree_leaves(Point(x=[1, 2], y=3)) == [1, 2, 3]
    assert tu.tree_structure(Point(1, 2)) != tu.tree_structure((1, 2))
    out = tu.tree_map(lambda v: v + 1, Point(1, 2))
    assert type(out) is Point and out == Point(2, 3)


def test_namedtuple_key_paths_are_attributes():
    assert paths(Point(1, [2])) == [(".x", 1), (".y[0]", 2)]


# --- custom nodes ---


def test_register_pytree_node_flattens_children_and_keeps_aux():
    leaves, treedef = tu.tree_flatten([Box(1, (2, 3), tag="u")])
    assert leaves == [1, 2, 3]
    out = tu.tree_unflatten(treedef, ["a", "b", "c"])[0]
    assert (out.a, out.b, out.tag) == ("a", ("b", "c"), "u")
    assert tu.tree_structure(Box(1, 2, "u")) == tu.tree_structure(Box(5, 6, "u"))
    assert tu.tree_structure(Box(1, 2, "u")) != tu.tree_structure(Box(1, 2, "v"))


def test_custom_unflatten_gets_a_tuple_of_children():
    got = []

    class Rec:
        def __init__(self, a):
            self.a = a

    tu.register_pytree_node(Rec, lambda r: ([r.a], None), lambda _, ch: got.append(ch) or Rec(*ch))
    tu.tree_map(lambda x: x, Rec(1))
    assert got == [(1,)]


def test_custom_node_keys_without_key_func_are_flat_indices():
    assert paths(Pair(1, [2])) == [("[<flat index 0>]", 1), ("[<flat index 1>][0]", 2)]
    assert tu.tree_leaves_with_path(Box(1, 2))[0][0] == (FlattenedIndexKey(0),)
    assert tu.tree_structure(Pair(1, 2)).num_nodes == 3


def test_register_pytree_with_keys_uses_the_given_keys():
    assert paths(Keyed(1, {"z": 2})) == [(".a", 1), ("['bee']['z']", 2)]
    assert tu.tree_leaves(Keyed(1, {"z": 2})) == [1, 2]
    out = tu.tree_map(lambda x: x * 10, Keyed(1, 2))
    assert (out.a, out.b) == (10, 20)


def test_register_pytree_with_keys_class():
    @tu.register_pytree_with_keys_class
    class Vec:
        def __init__(self, xs):
            self.xs = xs

        def tree_flatten_with_keys(self):
            return [(SequenceKey(i), x) for i, x in enumerate(self.xs)], len(self.xs)

        @classmethod
        def tree_unflatten(cls, n, children):
            return cls(list(children))

    assert paths(Vec([5, 6])) == [("[0]", 5), ("[1]", 6)]
    assert tu.tree_map(lambda x: -x, Vec([5, 6])).xs == [-5, -6]


def test_register_twice_raises():
    with pytest.raises(ValueError):
        tu.register_pytree_node(Box, lambda x: ((), None), lambda aux, ch: Box(0, 0))


def test_register_static_has_no_leaves():
    assert tu.tree_leaves([Name(1), 2]) == [2]
    assert tu.tree_structure(Name(1)).num_leaves == 0
    assert tu.tree_structure(Name(1)) == tu.tree_structure(Name(1))
    assert tu.tree_structure(Name(1)) != tu.tree_structure(Name(2))
    assert tu.tree_map(lambda x: x, [Name(3)])[0].v == 3


def test_is_tree_node():
    assert all(map(tu.is_tree_node, [list, tuple, dict, type(None), Point, Box, tu.Partial]))
    assert not tu.is_tree_node(int)


def test_flatten_one_level():
    assert tu.flatten_one_level([1, [2]])[0] == [1, [2]]
    assert list(tu.flatten_one_level({"b": 1, "a": 2})[0]) == [2, 1]
    assert tu.flatten_one_level_with_keys(Point(1, 2))[0] == [
        (GetAttrKey("x"), 1),
        (GetAttrKey("y"), 2),
    ]
    with pytest.raises(ValueError, match="can't tree-flatten type"):
        tu.flatten_one_level(1)


# --- dataclasses ---


def test_register_dataclass_infers_fields_and_static():
    layer = Layer([1, 2], 3)
    assert tu.tree_leaves(layer) == [1, 2, 3]
    assert paths(layer) == [(".y[0]", 1), (".y[1]", 2), (".x", 3)]
    assert tu.tree_map(lambda v: v + 1, Layer([1, 2], 3, "mul")) == Layer([2, 3], 4, "mul")
    assert tu.tree_structure(Layer(1, 2, "a")) != tu.tree_structure(Layer(1, 2, "b"))
    assert tu.tree_structure(Layer(1, 2, "a")) == tu.tree_structure(Layer(5, 6, "a"))


def test_register_dataclass_explicit_fields_on_plain_class():
    class Plain:
        def __init__(self, a, b, c):
            self.a, self.b, self.c = a, b, c

    assert tu.register_dataclass(Plain, data_fields=["c", "a"], meta_fields=["b"]) is Plain
    assert tu.tree_leaves(Plain(1, 2, 3)) == [3, 1]
    out = tu.tree_map(lambda v: v * 10, Plain(1, 2, 3))
    assert (out.a, out.b, out.c) == (10, 2, 30)


def test_register_dataclass_drop_fields():
    # jax 0.10.2 ignores drop_fields when it infers the fields (and then raises); we honour it
    @dataclasses.dataclass
    class WithCache:
        w: int
        cache: int = 0

    tu.register_dataclass(WithCache, drop_fields=["cache"])
    assert tu.tree_leaves(WithCache(1, 2)) == [1]


def test_register_dataclass_errors():
    with pytest.raises(TypeError, match="must both be specified"):
        tu.register_dataclass(type("F1", (), {}), data_fields=["x"])
    with pytest.raises(TypeError, match="required when nodetype is not a dataclass"):
        tu.register_dataclass(type("F2", (), {}))

    @dataclasses.dataclass
    class G:
        a: int
        b: int

    with pytest.raises(ValueError, match="Missing fields: {'b'}"):
        tu.register_dataclass(G, data_fields=["a"], meta_fields=[])
    with pytest.raises(ValueError, match="overlap"):
        tu.register_dataclass(G, data_fields=["a", "b"], meta_fields=["a"])


# --- key paths ---


def test_key_classes_str_repr_eq():
    assert (str(SequenceKey(0)), repr(SequenceKey(0))) == ("[0]", "SequenceKey(idx=0)")
    assert (str(DictKey("a")), repr(DictKey("a"))) == ("['a']", "DictKey(key='a')")
    assert (str(DictKey(1)), str(DictKey(("a", 1)))) == ("[1]", "[('a', 1)]")
    assert (str(GetAttrKey("n")), repr(GetAttrKey("n"))) == (".n", "GetAttrKey(name='n')")
    assert str(FlattenedIndexKey(1)) == "[<flat index 1>]"
    assert repr(FlattenedIndexKey(1)) == "FlattenedIndexKey(key=1)"
    assert SequenceKey(0) == SequenceKey(0) and hash(SequenceKey(0)) == hash(SequenceKey(0))
    assert SequenceKey(0) != FlattenedIndexKey(0)
    assert (SequenceKey(3).idx, DictKey("a").key, GetAttrKey("n").name) == (3, "a", "n")
    match DictKey("k"):
        case DictKey(key=k):
            assert k == "k"


def test_flatten_with_path_builtin_containers():
    tree = {"b": 1, "a": (2, None, [3]), "p": Point(4, 5), "o": collections.OrderedDict(z=1, y=2)}
    (kl, treedef) = tu.tree_flatten_with_path(tree)
    assert [p for p, _ in kl] == [
        (DictKey("a"), SequenceKey(0)),
        (DictKey("a"), SequenceKey(2), SequenceKey(0)),
        (DictKey("b"),),
        (DictKey("o"), DictKey("z")),
        (DictKey("o"), DictKey("y")),
        (DictKey("p"), GetAttrKey("x")),
        (DictKey("p"), GetAttrKey("y")),
    ]
    assert [x for _, x in kl] == [2, 3, 1, 1, 2, 4, 5]
    assert treedef == tu.tree_structure(tree)


def test_keystr():
    keys = (DictKey("a"), GetAttrKey("b"), SequenceKey(0), FlattenedIndexKey(2))
    assert tu.keystr(keys) == "['a'].b[0][<flat index 2>]"
    assert tu.keystr(keys, simple=True, separator="/") == "a/b/0/2"
    assert tu.keystr(("x", 1)) == "x1"
    assert tu.keystr(()) == ""


def test_leaves_with_path_is_leaf():
    assert tu.tree_leaves_with_path([None, 1], is_leaf=lambda x: x is None) == [
        ((SequenceKey(0),), None),
        ((SequenceKey(1),), 1),
    ]
    out = tu.tree_leaves_with_path(
        {"a": [1, (2, 3)], "b": 4}, is_leaf=lambda p, x: len(p) == 2, is_leaf_takes_path=True
    )
    assert out == [
        ((DictKey("a"), SequenceKey(0)), 1),
        ((DictKey("a"), SequenceKey(1)), (2, 3)),
        ((DictKey("b"),), 4),
    ]


def test_tree_map_with_path():
    out = tu.tree_map_with_path(
        lambda p, x, y: (tu.keystr(p), x, y), {"a": [1], "b": 2}, {"a": [10], "b": 20}
    )
    assert out == {"a": [("['a'][0]", 1, 10)], "b": ("['b']", 2, 20)}


# --- Partial ---


def test_partial_args_and_keywords_are_leaves():
    p = tu.Partial(lambda a, b=0: a + b, 1, b=2)
    assert isinstance(p, functools.partial)
    assert tu.tree_leaves(p) == [1, 2]
    assert tu.tree_map(lambda v: v * 10, p)() == 30
    assert tu.tree_structure(p) == tu.tree_structure(tu.Partial(p.func, 5, b=6))
    assert tu.tree_structure(tu.Partial(max, 1)).num_leaves == 1
    assert [tu.keystr(k) for k, _ in tu.tree_leaves_with_path(tu.Partial(max, 1, 2, key=3))] == [
        "[<flat index 0>][0]",
        "[<flat index 0>][1]",
        "[<flat index 1>]['key']",
    ]


def test_partial_of_functools_partial_keeps_inner_args_static():
    p = tu.Partial(functools.partial(lambda a, b, c: a * 100 + b * 10 + c, 1), 2)
    assert tu.tree_leaves(p) == [2]
    assert p(3) == 123
    assert tu.tree_map(lambda v: v * 2, p)(3) == 143


# --- transpose, reduce, all, broadcast ---


def test_tree_transpose():
    outer, inner = tu.tree_structure([0, 0]), tu.tree_structure((0, 0))
    assert tu.tree_transpose(outer, inner, [(1, 2), (3, 4)]) == ([1, 3], [2, 4])
    assert tu.tree_transpose(outer, None, [(1, 2), (3, 4)]) == ([1, 3], [2, 4])
    d = {"a": [1, 2, 3], "b": [4, 5, 6]}
    out = tu.tree_transpose(tu.tree_structure({"a": 0, "b": 0}), tu.tree_structure([0, 0, 0]), d)
    assert out == [{"a": 1, "b": 4}, {"a": 2, "b": 5}, {"a": 3, "b": 6}]


def test_tree_transpose_mismatch():
    with pytest.raises(TypeError, match="Mismatch"):
        tu.tree_transpose(tu.tree_structure([0, 0]), tu.tree_structure((0, 0, 0)), [(1, 2), (3, 4)])


def test_tree_reduce():
    assert tu.tree_reduce(lambda a, b: a + b, [1, (2, {"c": 3})]) == 6
    assert tu.tree_reduce(lambda a, b: a + b, [], 10) == 10
    assert tu.tree_reduce(lambda a, b: a + b, [], None) is None
    with pytest.raises(TypeError):
        tu.tree_reduce(lambda a, b: a + b, [])


def test_tree_reduce_associative_is_balanced():
    assert tu.tree_reduce_associative(lambda a, b: (a, b), [1, 2, 3, 4, 5]) == (
        (1, 2),
        (3, (4, 5)),
    )
    assert tu.tree_reduce_associative(lambda a, b: a + b, [], identity=0) == 0
    with pytest.raises(TypeError, match="Must specify identity"):
        tu.tree_reduce_associative(lambda a, b: a + b, [])


def test_tree_all_and_all_leaves():
    assert tu.tree_all([True, None, (1,)]) and tu.tree_all([]) and tu.tree_all(None)
    assert not tu.tree_all([True, [0]])
    assert tu.all_leaves([1, 2]) and not tu.all_leaves([1, [2]])
    assert not tu.all_leaves([1, None])
    assert tu.all_leaves([None], is_leaf=lambda x: x is None)


def test_tree_broadcast():
    assert tu.tree_broadcast([1, 2], [(3, 4), {"a": 5}]) == [(1, 1), {"a": 2}]
    assert tu.tree_broadcast(1, None) is None
    assert tu.tree_broadcast({"a": 1}, {"a": [1, 2]}) == {"a": [1, 1]}
    with pytest.raises(ValueError, match="tree_broadcast"):
        tu.tree_broadcast([1, 2], [1])


# --- treedefs ---


def test_treedef_methods():
    treedef = tu.tree_structure([1, (2, 3)])
    assert (treedef.num_leaves, treedef.num_nodes) == (3, 5)
    assert tu.treedef_children(treedef) == [tu.tree_structure(1), tu.tree_structure((2, 3))]
    assert treedef.flatten_up_to([[4, 5], (6, 7)]) == [[4, 5], 6, 7]
    assert [tu.treedef_is_leaf(tu.tree_structure(v)) for v in (1, None, (), [1])] == [
        True,
        True,
        True,
        False,
    ]
    both = tu.treedef_tuple([tu.tree_structure([1]), tu.tree_structure({"a": 1})])
    assert both == tu.tree_structure(([1], {"a": 2}))
    assert tu.tree_unflatten(tu.tree_structure([1, (None, 2)]), ["x", "y"]) == ["x", (None, "y")]


def test_treedefs_are_hashable_cache_keys():
    cache = {tu.tree_structure({"a": [1, 2]}): "hit"}
    assert cache[tu.tree_structure({"a": [3, 4]})] == "hit"


def test_fast_flatten_matches_tree_flatten():
    tree = {"a": [1, None, Box(2, 3)], "b": Layer([4], 5)}
    assert tree_impl.flatten(tree) == tu.tree_flatten(tree)


# --- errors ---


@pytest.mark.parametrize(
    "tree, other, where",
    [
        ([1, 2], [1], r"rest\[0\]:"),
        ({"a": 1}, {"b": 1}, r"rest\[0\]:"),
        ((1, 2), [1, 2], r"rest\[0\]:"),
        ([None], [1], r"rest\[0\]\[0\]:"),
        ({"a": [1, {"b": 2}]}, {"a": [1, {"c": 2}]}, r"rest\[0\]\['a'\]\[1\]:"),
        (Box(1, 2), [1, 2], r"rest\[0\]:"),
    ],
)
def test_tree_map_mismatch_names_the_key_path(tree, other, where):
    with pytest.raises(ValueError, match=rf"^tree_map: .*key path {where}") as e:
        tu.tree_map(lambda *xs: xs, tree, other)
    assert "Expected a tree with prefix" in str(e.value)


def test_tree_map_mismatch_in_second_rest_tree():
    with pytest.raises(ValueError, match=r"rest\[1\]"):
        tu.tree_map(lambda *xs: xs, [1, 2], [3, 4], [5])


def test_tree_map_with_path_mismatch():
    with pytest.raises(ValueError, match="^tree_map_with_path: "):
        tu.tree_map_with_path(lambda p, x, y: x, {"a": 1}, {"b": 1})


def test_errors_inside_f_are_not_rewritten():
    def f(x):
        raise ValueError("boom")

    with pytest.raises(ValueError, match="^boom$"):
        tu.tree_map(f, [1])


# --- public modules ---


def test_tree_module_aliases():
    assert jt.map is tu.tree_map and jt.leaves is tu.tree_leaves
    assert jt.structure is tu.tree_structure and jt.flatten is tu.tree_flatten
    assert jt.unflatten is tu.tree_unflatten and jt.all is tu.tree_all
    assert jt.reduce is tu.tree_reduce and jt.transpose is tu.tree_transpose
    assert jt.map_with_path is tu.tree_map_with_path
    assert jt.flatten_with_path is tu.tree_flatten_with_path
    assert jt.leaves_with_path is tu.tree_leaves_with_path
    assert jt.broadcast is tu.tree_broadcast


def test_tree_util_does_not_import_jax():
    code = (
        "import sys, xjax.tree_util, xjax.tree\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('jax', 'flax', 'optax')))"
    )
    root = pathlib.Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
