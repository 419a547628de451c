"""Scalar types: jnp.float32, jnp.int32, jnp.bool_, ... (JAX's `_ScalarMeta` design).

Each is a class whose metaclass makes it callable (`jnp.float32(1)` is a strong float32 Array,
`jnp.float32([1, 2])` works too) and usable wherever a dtype is expected (`np.dtype(jnp.float32)`,
`jnp.zeros(3, jnp.float32)`), through its `dtype` attribute.
"""

from __future__ import annotations

from typing import Any

import ml_dtypes
import numpy as np

__all__ = [
    "bfloat16", "bool", "bool_", "cdouble", "character", "complex64", "complex128", "complex_",
    "complexfloating", "csingle", "double", "dtype", "flexible", "float16", "float32", "float64",
    "float_", "floating", "generic", "inexact", "int8", "int16", "int32", "int64", "int_",
    "integer", "number", "object_", "signedinteger", "single", "uint", "uint8", "uint16", "uint32",
    "uint64", "unsignedinteger",
]


class _ScalarMeta(type):
    dtype: np.dtype

    @property
    def __numpy_dtype__(cls) -> np.dtype:
        return cls.dtype

    def __hash__(cls) -> int:
        return hash(cls.dtype.type)

    def __eq__(cls, other: object) -> bool:
        return cls is other or cls.dtype.type == other

    def __ne__(cls, other: object) -> bool:
        return not cls == other

    def __call__(cls, x: Any) -> Any:
        from xjax._src.numpy.creation import asarray

        return asarray(x, dtype=cls.dtype)

    def __instancecheck__(cls, instance: Any) -> bool:
        return isinstance(instance, cls.dtype.type)


def _make_scalar_type(np_type: type) -> _ScalarMeta:
    name = np_type.__name__
    meta = _ScalarMeta(name, (object,), {"dtype": np.dtype(np_type)})
    meta.__module__ = "xjax.numpy"
    meta.__doc__ = (
        f"An xjax scalar constructor of type {name}: xjax represents scalars as 0-d arrays."
    )
    return meta


bool_ = _make_scalar_type(np.bool_)
uint8 = _make_scalar_type(np.uint8)
uint16 = _make_scalar_type(np.uint16)
uint32 = _make_scalar_type(np.uint32)
uint64 = _make_scalar_type(np.uint64)
int8 = _make_scalar_type(np.int8)
int16 = _make_scalar_type(np.int16)
int32 = _make_scalar_type(np.int32)
int64 = _make_scalar_type(np.int64)
bfloat16 = _make_scalar_type(ml_dtypes.bfloat16)
float16 = _make_scalar_type(np.float16)
float32 = single = _make_scalar_type(np.float32)
float64 = double = _make_scalar_type(np.float64)
complex64 = csingle = _make_scalar_type(np.complex64)
complex128 = cdouble = _make_scalar_type(np.complex128)

int_ = int64
uint = uint64
float_ = float64
complex_ = complex128

dtype = np.dtype
generic = np.generic
number = np.number
integer = np.integer
signedinteger = np.signedinteger
unsignedinteger = np.unsignedinteger
inexact = np.inexact
floating = np.floating
complexfloating = np.complexfloating
bool = bool_
character = np.character
flexible = np.flexible
object_ = np.object_
