"""The operator and method table of Array and Tracer."""

from __future__ import annotations

from xjax._src.numpy import ufuncs
from xjax._src.numpy.array_methods import install

install(
    binary={
        "add": ufuncs.add,
        "sub": ufuncs.subtract,
        "mul": ufuncs.multiply,
        "truediv": ufuncs.true_divide,
        "pow": ufuncs.power,
        "eq": ufuncs.equal,
        "ne": ufuncs.not_equal,
        "lt": ufuncs.less,
        "le": ufuncs.less_equal,
        "gt": ufuncs.greater,
        "ge": ufuncs.greater_equal,
    },
    unary={"__neg__": ufuncs.negative},
    methods={},
)
