"""Pytrees: JAX's `jax.tree_util` semantics on top of `optree`.

Every call passes the private optree namespace "xjax" and `none_is_leaf=False`, so `None` is a node
with no children, as in JAX. Dict leaves come in sorted key order. Key paths use JAX's key classes
(`SequenceKey`, `DictKey`, `GetAttrKey`, `FlattenedIndexKey`), converted from optree's accessors.

Dict key order: JAX unflattens a `dict` or `defaultdict` with its keys sorted
(`tree_map(f, {'b': 1, 'a': 2})` is `{'a': ..., 'b': ...}`), an `OrderedDict` in its own order.
optree's treedef remembers the insertion order of the dict that was flattened and restores it, so
every treedef we hand out is first made canonical (`_canonical`: dict nodes rebuilt in sorted key
order), cached by treedef; treedefs equal regardless of dict order, so one cache entry serves all.

Known differences from JAX, all from optree's built-in node types:
- dict keys of mixed, unorderable types sort by optree's fallback order (JAX raises ValueError).
- `collections.deque` and structseqs (`os.stat_result`, ...) are nodes, not leaves.
- treedefs print as `PyTreeSpec(...)`, not `PyTreeDef(...)`.
"""

from __future__ import annotations

import dataclasses
import functools
import operator
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, TypeVar

import optree

T = TypeVar("T")
Typ = TypeVar("Typ", bound=type)
PyTreeDef = optree.PyTreeSpec
KeyEntry = Any
KeyPath = tuple[KeyEntry, ...]
_NS = "xjax"


_C_FLATTEN = optree._C.flatten


def flatten(tree: Any) -> tuple[list[Any], PyTreeDef]:
    """Fast path for jit dispatch: `tree_flatten` without `is_leaf` (optree's C entry point)."""
    leaves, treedef = _C_FLATTEN(tree, None, False, _NS)
    return leaves, _canonical(treedef)


# --- canonical treedefs: dicts unflatten with sorted keys, as in JAX ---

_CANONICAL: dict[PyTreeDef, PyTreeDef] = {}
_CANONICAL_MAX = 2048


def _sorted_dict_node(node: PyTreeDef) -> PyTreeDef:
    """A one-level treedef, with the keys of a dict/defaultdict node in sorted (leaf) order."""
    typ = node.type
    if typ is not dict and typ is not defaultdict:
        return node
    keys = node.entries()  # optree's sorted order, which is the leaf order
    old = node.unflatten(range(len(keys)))
    if list(old) == keys:
        return node
    new = {k: old[k] for k in keys}
    if typ is defaultdict:
        new = defaultdict(old.default_factory, new)
    return optree.tree_structure(new, none_is_leaf=node.none_is_leaf, namespace=node.namespace)


def _canonical(treedef: PyTreeDef) -> PyTreeDef:
    """`treedef` with every dict node in sorted key order (cached; equal treedefs share one)."""
    try:
        canon = _CANONICAL.get(treedef)
    except Exception:  # noqa: BLE001  (node metadata that cannot be hashed or compared: no cache)
        return treedef.transform(_sorted_dict_node)
    if canon is None:
        if len(_CANONICAL) >= _CANONICAL_MAX:
            _CANONICAL.clear()
        canon = _CANONICAL[treedef] = treedef.transform(_sorted_dict_node)
    return canon


# --- key path entries (JAX's names, fields, str and repr) ---


@dataclasses.dataclass(frozen=True, slots=True)
class SequenceKey:
    """Key of a list or tuple child: `str` is `[0]`."""

    idx: int

    def __str__(self) -> str:
        return f"[{self.idx!r}]"


@dataclasses.dataclass(frozen=True, slots=True)
class DictKey:
    """Key of a dict child: `str` is `['a']`."""

    key: Hashable

    def __str__(self) -> str:
        return f"[{self.key!r}]"


@dataclasses.dataclass(frozen=True, slots=True)
class GetAttrKey:
    """Key of a namedtuple or dataclass field: `str` is `.name`."""

    name: str

    def __str__(self) -> str:
        return f".{self.name}"


@dataclasses.dataclass(frozen=True, slots=True)
class FlattenedIndexKey:
    """Position among the children of a custom node registered without keys."""

    key: int

    def __str__(self) -> str:
        return f"[<flat index {self.key}>]"


class _KeyedEntry(optree.FlattenedEntry):
    """optree entry of a node registered with keys: `entry` already is the user's key."""

    __slots__ = ()


_ENTRY_TO_KEY: dict[type, Callable[[Any], KeyEntry]] = {
    optree.SequenceEntry: lambda e: SequenceKey(e.entry),
    optree.MappingEntry: lambda e: DictKey(e.entry),
    optree.NamedTupleEntry: lambda e: GetAttrKey(e.field),
    optree.StructSequenceEntry: lambda e: GetAttrKey(e.field),
    optree.FlattenedEntry: lambda e: FlattenedIndexKey(e.entry),
    _KeyedEntry: lambda e: e.entry,
}


def _key(entry: optree.PyTreeEntry) -> KeyEntry:
    return _ENTRY_TO_KEY.get(type(entry), _ENTRY_TO_KEY[optree.FlattenedEntry])(entry)


def keystr(keys: KeyPath, *, simple: bool = False, separator: str = "") -> str:
    """Pretty-prints a key path: `keystr((DictKey('a'), SequenceKey(0)))` is `['a'][0]`.

    With `simple=True` keys print bare: `keystr(p, simple=True, separator='/')` is `a/0`.
    """
    return separator.join(map(_simple_str if simple else str, keys))


def _simple_str(key: KeyEntry) -> str:
    for cls, field in (
        (SequenceKey, "idx"),
        (DictKey, "key"),
        (GetAttrKey, "name"),
        (FlattenedIndexKey, "key"),
    ):
        if type(key) is cls:
            return str(getattr(key, field))
    return str(key)


# --- flatten / unflatten / map ---


def tree_flatten(
    tree: Any, is_leaf: Callable[[Any], bool] | None = None
) -> tuple[list[Any], PyTreeDef]:
    """Flattens a pytree into its leaves (dicts in sorted key order) and a treedef."""
    leaves, treedef = optree.tree_flatten(tree, is_leaf, none_is_leaf=False, namespace=_NS)
    return leaves, _canonical(treedef)


def tree_unflatten(treedef: PyTreeDef, leaves: Iterable[Any]) -> Any:
    """Rebuilds the pytree of structure `treedef` from `leaves` (every treedef this module hands
    out is canonical, so dicts come back with sorted keys)."""
    return treedef.unflatten(leaves)


def tree_leaves(tree: Any, is_leaf: Callable[[Any], bool] | None = None) -> list[Any]:
    """The leaves of a pytree, in flattening order."""
    return optree.tree_leaves(tree, is_leaf, none_is_leaf=False, namespace=_NS)


def tree_structure(tree: Any, is_leaf: Callable[[Any], bool] | None = None) -> PyTreeDef:
    """The treedef of a pytree."""
    return _canonical(optree.tree_structure(tree, is_leaf, none_is_leaf=False, namespace=_NS))


def _one_level(node: Any) -> tuple[list[KeyEntry], list[Any], PyTreeDef]:
    """Keys, children and one-level treedef of a (non-leaf) pytree node."""
    accessors, children, spec = optree.tree_flatten_with_accessor(
        node, lambda x: x is not node, none_is_leaf=False, namespace=_NS
    )
    return [_key(acc[0]) for acc in accessors], children, spec


def _mismatch(
    prefix: Any, full: Any, is_leaf: Callable | None, path: KeyPath = ()
) -> KeyPath | None:
    """First key path where `full` does not have the structure of the prefix tree `prefix`."""
    spec = tree_structure(prefix, is_leaf)
    if spec.num_nodes == 1 and spec.num_leaves == 1:
        return None
    if optree.tree_is_leaf(full, none_is_leaf=False, namespace=_NS):
        return path
    keys, prefix_children, prefix_spec = _one_level(prefix)
    _, full_children, full_spec = _one_level(full)
    if prefix_spec != full_spec:
        return path
    for k, p, f in zip(keys, prefix_children, full_children):
        if (bad := _mismatch(p, f, is_leaf, (*path, k))) is not None:
            return bad
    return None


def _flatten_rest(
    fn: str,
    treedef: PyTreeDef,
    tree: Any,
    rest: Sequence[Any],
    is_leaf: Callable | None,
    names: Sequence[str],
) -> list[list[Any]]:
    """Leaves of each of `rest` cut at the leaves of `treedef`, the structure of `tree`."""
    out = []
    for r, name in zip(rest, names):
        try:
            out.append(treedef.flatten_up_to(r))
        except ValueError as e:
            path = _mismatch(tree, r, is_leaf)
            where = "" if path is None else f" at key path {name}{keystr(path)}"
            raise ValueError(
                f"{fn}: {name} does not have the structure of the first tree (or one extending"
                f" it){where}: {e}\nExpected a tree with prefix {treedef}."
            ) from None
    return out


def _rest_names(rest: Sequence[Any]) -> list[str]:
    return [f"rest[{i}]" for i in range(len(rest))]


def tree_map(
    f: Callable[..., Any], tree: Any, *rest: Any, is_leaf: Callable[[Any], bool] | None = None
) -> Any:
    """Maps `f` over the leaves of `tree` and the matching subtrees of each of `rest`.

    `tree` must be a prefix of each of `rest`: `tree_map(f, [1], [(2, 3)])` calls `f(1, (2, 3))`.
    """
    leaves, treedef = tree_flatten(tree, is_leaf)
    all_leaves = [
        leaves,
        *_flatten_rest("tree_map", treedef, tree, rest, is_leaf, _rest_names(rest)),
    ]
    return treedef.unflatten(f(*xs) for xs in zip(*all_leaves))


def tree_flatten_with_path(
    tree: Any, is_leaf: Callable[..., bool] | None = None, is_leaf_takes_path: bool = False
) -> tuple[list[tuple[KeyPath, Any]], PyTreeDef]:
    """Like `tree_flatten`, but each leaf comes paired with its key path."""
    if is_leaf is not None and is_leaf_takes_path:
        is_leaf = _path_is_leaf(tree, is_leaf)
    accessors, leaves, treedef = optree.tree_flatten_with_accessor(
        tree, is_leaf, none_is_leaf=False, namespace=_NS
    )
    return [(tuple(map(_key, acc)), x) for acc, x in zip(accessors, leaves)], _canonical(treedef)


def _path_is_leaf(tree: Any, is_leaf: Callable[[KeyPath, Any], bool]) -> Callable[[Any], bool]:
    """Turns `is_leaf(path, x)` into an `is_leaf(x)` that replays its answers in visit order."""
    answers = []

    def visit(path: KeyPath, x: Any) -> None:  # pre-order, as optree calls is_leaf
        answers.append(stop := bool(is_leaf(path, x)))
        if not stop and not optree.tree_is_leaf(x, none_is_leaf=False, namespace=_NS):
            keys, children, _ = _one_level(x)
            for k, c in zip(keys, children):
                visit((*path, k), c)

    visit((), tree)
    it = iter(answers)
    return lambda _: next(it)


def tree_leaves_with_path(
    tree: Any, is_leaf: Callable[..., bool] | None = None, is_leaf_takes_path: bool = False
) -> list[tuple[KeyPath, Any]]:
    """The `(key path, leaf)` pairs of a pytree."""
    return tree_flatten_with_path(tree, is_leaf, is_leaf_takes_path)[0]


def tree_map_with_path(
    f: Callable[..., Any],
    tree: Any,
    *rest: Any,
    is_leaf: Callable[..., bool] | None = None,
    is_leaf_takes_path: bool = False,
) -> Any:
    """Like `tree_map`, but calls `f(key_path, leaf, *rest_subtrees)`."""
    path_leaves, treedef = tree_flatten_with_path(tree, is_leaf, is_leaf_takes_path)
    plain_is_leaf = None if is_leaf_takes_path else is_leaf
    all_rest = _flatten_rest(
        "tree_map_with_path", treedef, tree, rest, plain_is_leaf, _rest_names(rest)
    )
    return treedef.unflatten(f(*pl, *xs) for pl, *xs in zip(path_leaves, *all_rest))


# --- reductions, transpose, broadcast ---


class Unspecified:
    """Marks a missing `initializer`/`identity` (None is a valid value)."""


_UNSPECIFIED = Unspecified()


def tree_reduce(
    function: Callable[[T, Any], T],
    tree: Any,
    initializer: T | Unspecified = _UNSPECIFIED,
    is_leaf: Callable[[Any], bool] | None = None,
) -> T:
    """`functools.reduce(function, leaves[, initializer])` over the leaves of `tree`."""
    leaves = tree_leaves(tree, is_leaf)
    if isinstance(initializer, Unspecified):
        return functools.reduce(function, leaves)
    return functools.reduce(function, leaves, initializer)


def tree_reduce_associative(
    operation: Callable[[T, T], T],
    tree: Any,
    *,
    identity: T | Unspecified = _UNSPECIFIED,
    is_leaf: Callable[[Any], bool] | None = None,
) -> T:
    """Reduces the leaves with an associative `operation` as a balanced binary tree."""

    def reduce(xs: list[T]) -> T:
        if len(xs) == 1:
            return xs[0]
        return operation(reduce(xs[: len(xs) // 2]), reduce(xs[len(xs) // 2 :]))

    leaves = tree_leaves(tree, is_leaf)
    if leaves:
        return reduce(leaves)
    if isinstance(identity, Unspecified):
        raise TypeError("Must specify identity for parallel reduction of empty sequence.")
    return identity


def tree_all(tree: Any, *, is_leaf: Callable[[Any], bool] | None = None) -> bool:
    """True if every leaf is truthy (so True for a tree without leaves)."""
    return all(tree_leaves(tree, is_leaf))


def tree_transpose(
    outer_treedef: PyTreeDef, inner_treedef: PyTreeDef | None, pytree_to_transpose: Any
) -> Any:
    """Turns an `outer` tree of `inner` trees into an `inner` tree of `outer` trees.

    `inner_treedef=None` infers it from the first outer leaf.
    """
    flat, treedef = tree_flatten(pytree_to_transpose)
    if inner_treedef is None:
        inner_treedef = tree_structure(outer_treedef.flatten_up_to(pytree_to_transpose)[0])
    inner_size, outer_size = inner_treedef.num_leaves, outer_treedef.num_leaves
    if treedef.num_leaves != inner_size * outer_size:
        raise TypeError(f"Mismatch\n{treedef}\n != \n{outer_treedef.compose(inner_treedef)}")
    lol = [flat[i * inner_size : (i + 1) * inner_size] for i in range(outer_size)]
    return inner_treedef.unflatten(outer_treedef.unflatten(col) for col in zip(*lol))


def tree_broadcast(
    prefix_tree: Any, full_tree: Any, is_leaf: Callable[[Any], bool] | None = None
) -> Any:
    """Repeats each leaf of `prefix_tree` over the matching subtree of `full_tree`."""
    leaves, treedef = tree_flatten(prefix_tree, is_leaf)
    subtrees = _flatten_rest(
        "tree_broadcast", treedef, prefix_tree, [full_tree], is_leaf, ["full_tree"]
    )[0]
    out = [x for x, sub in zip(leaves, subtrees) for _ in range(tree_structure(sub).num_leaves)]
    return tree_structure(full_tree).unflatten(out)


# --- treedefs and nodes ---


def treedef_tuple(treedefs: Iterable[PyTreeDef]) -> PyTreeDef:
    """The treedef of a tuple whose children have the given treedefs."""
    return optree.treespec_tuple(list(treedefs), none_is_leaf=False, namespace=_NS)


def treedef_children(treedef: PyTreeDef) -> list[PyTreeDef]:
    """The treedefs of the root's immediate children."""
    return treedef.children()


def treedef_is_leaf(treedef: PyTreeDef) -> bool:
    """True for a single node: a leaf, `None` or an empty container."""
    return treedef.num_nodes == 1


def treedef_is_strict_leaf(treedef: PyTreeDef) -> bool:
    """True only for a leaf."""
    return treedef.num_nodes == 1 and treedef.num_leaves == 1


def all_leaves(iterable: Iterable[Any], is_leaf: Callable[[Any], bool] | None = None) -> bool:
    """True if every element of `iterable` is a leaf (None is not: it is an empty node)."""
    items = list(iterable)
    leaves = tree_leaves(items, is_leaf)
    return len(leaves) == len(items) and all(x is y for x, y in zip(items, leaves))


def is_tree_node(typ: type) -> bool:
    """True if instances of `typ` are pytree nodes (built-in, namedtuple or registered)."""
    if optree.is_namedtuple_class(typ) or optree.is_structseq_class(typ):
        return True
    return optree.register_pytree_node.get(typ, namespace=_NS) is not None


def flatten_one_level(tree: Any) -> tuple[list[Any], Hashable]:
    """The children and node metadata of a pytree node."""
    if optree.tree_is_leaf(tree, none_is_leaf=False, namespace=_NS):
        raise ValueError(f"can't tree-flatten type: {type(tree)}")
    out = optree.tree_flatten_one_level(tree, none_is_leaf=False, namespace=_NS)
    return list(out.children), out.metadata


def flatten_one_level_with_keys(tree: Any) -> tuple[list[tuple[KeyEntry, Any]], Hashable]:
    """Like `flatten_one_level`, but the children come paired with their keys."""
    children, metadata = flatten_one_level(tree)
    return list(zip(_one_level(tree)[0], children)), metadata


# --- registration ---


def register_pytree_node(
    nodetype: type[T],
    flatten_func: Callable[[T], tuple[Iterable[Any], Hashable]],
    unflatten_func: Callable[[Hashable, Iterable[Any]], T],
    flatten_with_keys_func: Callable[[T], tuple[Iterable[tuple[KeyEntry, Any]], Hashable]]
    | None = None,
) -> None:
    """Makes `nodetype` a pytree node.

    `flatten_func(x)` returns `(children, aux)`; `unflatten_func(aux, children)` rebuilds `x`.

    Without `flatten_with_keys_func` the children's keys are `FlattenedIndexKey(i)`.
    """
    if flatten_with_keys_func is None:
        optree.register_pytree_node(
            nodetype,
            flatten_func,
            unflatten_func,
            path_entry_type=optree.FlattenedEntry,
            namespace=_NS,
        )
        return

    def flatten_with_entries(x: T) -> tuple[list[Any], Hashable, tuple[KeyEntry, ...]]:
        key_children, aux = flatten_with_keys_func(x)
        key_children = list(key_children)
        return [c for _, c in key_children], aux, tuple(k for k, _ in key_children)

    optree.register_pytree_node(
        nodetype, flatten_with_entries, unflatten_func, path_entry_type=_KeyedEntry, namespace=_NS
    )


def register_pytree_with_keys(
    nodetype: type[T],
    flatten_with_keys: Callable[[T], tuple[Iterable[tuple[KeyEntry, Any]], Hashable]],
    unflatten_func: Callable[[Hashable, Iterable[Any]], T],
    flatten_func: Callable[[T], tuple[Iterable[Any], Hashable]] | None = None,
) -> None:
    """Makes `nodetype` a pytree node whose flatten also names each child's key.

    `flatten_func` is accepted for JAX compatibility; the keyed flatten is always used.
    """
    del flatten_func  # optree takes one flatten function; the keyed one serves both
    register_pytree_node(nodetype, None, unflatten_func, flatten_with_keys)  # type: ignore[arg-type]


def register_pytree_node_class(cls: Typ) -> Typ:
    """Class decorator: registers `cls` via its `tree_flatten` and `tree_unflatten` methods."""
    register_pytree_node(cls, operator.methodcaller("tree_flatten"), cls.tree_unflatten)
    return cls


def register_pytree_with_keys_class(cls: Typ) -> Typ:
    """Class decorator: registers `cls` via `tree_flatten_with_keys` and `tree_unflatten`."""
    register_pytree_with_keys(
        cls, operator.methodcaller("tree_flatten_with_keys"), cls.tree_unflatten
    )
    return cls


def register_dataclass(
    nodetype: Typ,
    data_fields: Sequence[str] | None = None,
    meta_fields: Sequence[str] | None = None,
    drop_fields: Sequence[str] = (),
) -> Typ:
    """Registers a dataclass-like type: `data_fields` are children, `meta_fields` static aux data.

    For a dataclass both may be omitted: fields with `metadata={'static': True}` (see `static`) are
    meta fields, the others data fields. Children keys are `GetAttrKey(name)`; unflatten calls
    `nodetype(**fields)`.
    """
    if data_fields is None or meta_fields is None:
        if (data_fields is None) != (meta_fields is None):
            raise TypeError(
                "register_dataclass: data_fields and meta_fields must both be specified when "
                f"either is specified. Got {data_fields=} {meta_fields=}."
            )
        if not dataclasses.is_dataclass(nodetype):
            raise TypeError(
                "register_dataclass: data_fields and meta_fields are required when nodetype is not "
                f"a dataclass. Got {nodetype=}."
            )
        fields = [f for f in dataclasses.fields(nodetype) if f.name not in drop_fields]
        data_fields = [f.name for f in fields if not f.metadata.get("static", False)]
        meta_fields = [f.name for f in fields if f.metadata.get("static", False)]
    data_fields, meta_fields = tuple(data_fields), tuple(meta_fields)
    if dataclasses.is_dataclass(nodetype):
        init_fields = {f.name for f in dataclasses.fields(nodetype) if f.init} - set(drop_fields)
        if missing := init_fields - {*meta_fields, *data_fields}:
            raise ValueError(
                "register_dataclass: data_fields and meta_fields must include all dataclass "
                f"fields with init=True. Missing fields: {missing}. Add them to drop_fields to "
                "suppress this error."
            )
        if unexpected := {*meta_fields, *data_fields} - init_fields:
            raise ValueError(
                f"register_dataclass: unexpected fields {unexpected} (not init fields)."
            )
    if overlap := set(data_fields) & set(meta_fields):
        raise ValueError(f"register_dataclass: data_fields and meta_fields overlap: {overlap}.")
    keys = tuple(map(GetAttrKey, data_fields))

    def flatten(x: Any) -> tuple[list[Any], tuple[Any, ...], tuple[GetAttrKey, ...]]:
        return [getattr(x, n) for n in data_fields], tuple(getattr(x, n) for n in meta_fields), keys

    def unflatten(meta: tuple[Any, ...], data: Iterable[Any]) -> Any:
        return nodetype(**dict(zip(meta_fields, meta)), **dict(zip(data_fields, data)))

    # optree's 3-tuple flatten (children, aux, keys) directly: this runs on every jit call
    optree.register_pytree_node(
        nodetype, flatten, unflatten, path_entry_type=_KeyedEntry, namespace=_NS
    )
    return nodetype


def register_static(cls: Typ) -> Typ:
    """Registers hashable `cls` as a pytree without leaves: the instance is its own aux data."""
    register_pytree_with_keys(cls, lambda x: ((), x), lambda x, _: x)
    return cls


def static(**kwargs: Any) -> Any:
    """`dataclasses.field` with `metadata={'static': True}`: a `register_dataclass` meta field."""
    metadata = {"static": True, **(kwargs.pop("metadata", None) or {})}
    return dataclasses.field(metadata=metadata, **kwargs)


# --- Partial ---


class _HashableCallableShim:
    """Wraps a `functools.partial` used as `Partial.func`, so it stays static aux data."""

    def __init__(self, fun: Callable) -> None:
        self.fun = fun

    def __call__(self, *args: Any, **kw: Any) -> Any:
        return self.fun(*args, **kw)

    def __hash__(self) -> int:
        return hash(self.fun)

    def __eq__(self, other: object) -> bool:
        return self.fun == (other.fun if isinstance(other, _HashableCallableShim) else other)

    def __repr__(self) -> str:
        return f"_HashableCallableShim({self.fun!r})"


class Partial(functools.partial):
    """A `functools.partial` that is a pytree: `func` is aux data, args and keywords are children.

    >>> tree_leaves(Partial(max, 1, key=abs))
    [1, <built-in function abs>]
    """

    def __new__(klass, func: Callable, *args: Any, **kw: Any) -> Partial:
        if not isinstance(func, functools.partial):
            return super().__new__(klass, func, *args, **kw)
        # functools.partial would merge a partial's args into ours (making them leaves): keep them
        # static by hiding the inner partial behind a shim
        shim = _HashableCallableShim(func)
        out = super().__new__(klass, shim, *args, **kw)
        shim.func, shim.args, shim.keywords = func.func, func.args, func.keywords
        return out


register_pytree_node(
    Partial,
    lambda p: ((p.args, p.keywords), p.func),
    lambda func, xs: Partial(func, *xs[0], **xs[1]),
)
