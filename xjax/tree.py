"""Short aliases of `xjax.tree_util` functions (`jax.tree`): `xjax.tree.map` is `tree_map`."""

from xjax._src.tree import static as static
from xjax._src.tree import tree_all as all
from xjax._src.tree import tree_broadcast as broadcast
from xjax._src.tree import tree_flatten as flatten
from xjax._src.tree import tree_flatten_with_path as flatten_with_path
from xjax._src.tree import tree_leaves as leaves
from xjax._src.tree import tree_leaves_with_path as leaves_with_path
from xjax._src.tree import tree_map as map
from xjax._src.tree import tree_map_with_path as map_with_path
from xjax._src.tree import tree_reduce as reduce
from xjax._src.tree import tree_reduce_associative as reduce_associative
from xjax._src.tree import tree_structure as structure
from xjax._src.tree import tree_transpose as transpose
from xjax._src.tree import tree_unflatten as unflatten

__all__ = [
    "all",
    "broadcast",
    "flatten",
    "flatten_with_path",
    "leaves",
    "leaves_with_path",
    "map",
    "map_with_path",
    "reduce",
    "reduce_associative",
    "static",
    "structure",
    "transpose",
    "unflatten",
]
