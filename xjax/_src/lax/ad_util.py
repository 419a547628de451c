"""stop_gradient: the identity whose derivative is zero."""

from __future__ import annotations

from typing import Any

from xjax._src import core, dtypes
from xjax._src import tree as tree_lib
from xjax._src.core import Primitive
from xjax._src.interpreters.ad import defjvp_zero
from xjax._src.interpreters.batching import vectorized_batch

__all__ = ["stop_gradient"]

stop_gradient_p = Primitive("stop_gradient")
stop_gradient_p.def_abstract_eval(lambda x: x)
stop_gradient_p.def_lowering(lambda ctx, x: x)
defjvp_zero(stop_gradient_p)
stop_gradient_p.def_batching(vectorized_batch(stop_gradient_p))


def stop_gradient(x: Any) -> Any:
    """The identity on every leaf of `x`, with zero derivative (gradients do not flow through)."""

    def stop(leaf: Any) -> Any:
        if dtypes.is_inexact(core.get_aval(leaf).dtype):
            return stop_gradient_p.bind(leaf)
        return leaf

    return tree_lib.tree_map(stop, x)
