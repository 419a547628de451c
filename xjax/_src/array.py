"""Array: the user-facing device array. Wraps one jaxlib buffer and its aval.

Operators and the NumPy-style methods that need `xjax.numpy` are installed on this class (and
on `core.Tracer`) by `xjax._src.numpy.array_methods`, so arrays and tracers share one definition.
"""

from __future__ import annotations

from typing import Any, Iterator

import numpy as np

from xjax._src import core, dtypes
from xjax._src.core import ShapedArray
from xjax._src.xla import client as xla_client
from xjax._src.xla import execute as xla


class Array:
    """A (possibly not yet computed) array on a device. Immutable: use `x.at[idx].set(v)`."""

    __slots__ = ("_buf", "aval", "_npy", "__weakref__")
    __array_priority__ = 100

    def __init__(self, buf: Any, aval: ShapedArray):
        self._buf = buf
        self.aval = aval
        self._npy = None

    # -- metadata ------------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return self.aval.shape

    @property
    def dtype(self) -> np.dtype:
        return self.aval.dtype

    @property
    def ndim(self) -> int:
        return len(self.aval.shape)

    @property
    def size(self) -> int:
        return self.aval.size

    @property
    def weak_type(self) -> bool:
        return self.aval.weak_type

    @property
    def itemsize(self) -> int:
        return self.aval.dtype.itemsize

    @property
    def nbytes(self) -> int:
        return self.aval.size * self.aval.dtype.itemsize

    # -- device and host -----------------------------------------------------------------
    @property
    def _value(self) -> np.ndarray:
        v = self._npy
        if v is None:
            self._check_alive()
            v = self._npy = xla.to_numpy(self._buf)
        return v

    def _check_alive(self) -> None:
        if self._buf.is_deleted():
            raise RuntimeError(
                "Array has been deleted or donated (e.g. through donate_argnums); "
                "it can no longer be used"
            )

    def block_until_ready(self) -> Array:
        """Waits until the value is computed; returns self."""
        try:
            self._buf.block_until_ready()
        except Exception:
            self._check_alive()  # a clear error for deleted/donated arrays
            raise
        return self

    def is_ready(self) -> bool:
        self._check_alive()
        return self._buf.is_ready()

    def delete(self) -> None:
        self._buf.delete()
        self._npy = None

    def is_deleted(self) -> bool:
        return self._buf.is_deleted()

    @property
    def device(self) -> Any:
        return xla.buffer_device(self._buf)

    def devices(self) -> set[Any]:
        return {xla.buffer_device(self._buf)}

    @property
    def sharding(self) -> Any:
        from xjax._src.sharding import SingleDeviceSharding

        return SingleDeviceSharding(self.device)

    @property
    def committed(self) -> bool:
        return True

    def copy_to_host_async(self) -> None:
        self._check_alive()
        self._buf._copy_single_device_array_to_host_async()

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        v = self._value
        if dtype is not None and np.dtype(dtype) != v.dtype:
            return v.astype(dtype)
        if copy:
            return v.copy()
        return v

    def __dlpack__(self, *, stream: Any = None, max_version: Any = None, dl_device: Any = None,
                   copy: Any = None) -> Any:
        self._check_alive()
        self._buf.block_until_ready()
        return xla.dlpack_capsule(self._buf)

    def __dlpack_device__(self) -> tuple[int, int]:
        return (1, 0)  # kDLCPU, device 0

    def __reduce__(self) -> Any:
        return (_reconstruct, (np.array(self._value), self.aval.weak_type))

    # -- Python protocol -------------------------------------------------------------------
    def item(self, *args: Any) -> Any:
        return self._value.item(*args)

    def tolist(self) -> Any:
        return self._value.tolist()

    def __bool__(self) -> bool:
        return bool(self._value)

    def __float__(self) -> float:
        return float(self._value)

    def __int__(self) -> int:
        return int(self._value)

    def __complex__(self) -> complex:
        return complex(self._value)

    def __index__(self) -> int:
        if not dtypes.is_integer(self.dtype) and self.dtype != dtypes.bool_:
            raise TypeError(f"only integer arrays can be used as an index, got {self.dtype.name}")
        return int(self._value)

    def __len__(self) -> int:
        if not self.aval.shape:
            raise TypeError("len() of unsized object")
        return self.aval.shape[0]

    def __iter__(self) -> Iterator[Array]:
        if not self.aval.shape:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(self.aval.shape[0]))

    def __hash__(self) -> int:
        raise TypeError("unhashable type: 'Array'")

    def __format__(self, spec: str) -> str:
        if self.ndim == 0:
            return format(self._value[()], spec)
        return format(self._value, spec)

    def __str__(self) -> str:
        return str(self._value)

    def __repr__(self) -> str:
        prefix = "Array("
        dtype_str = f"dtype={self.dtype.name}" + (", weak_type=True" if self.weak_type else "")
        if self._buf.is_deleted():
            return f"{prefix}<deleted>, {dtype_str})"
        width = np.get_printoptions()["linewidth"]
        if self.size == 0:
            body = f"[], shape={self.shape}"
        else:
            body = np.array2string(
                self._value, prefix=prefix, suffix=",", separator=", ", max_line_width=width
            )
        last = len(body) - body.rfind("\n") + 1
        # JAX's layout: a too-long last line gets padding, not a line break
        sep = " " * len(prefix) if last + len(dtype_str) + 2 > width else " "
        return f"{prefix}{body},{sep}{dtype_str})"

    def copy(self) -> Array:
        return Array(xla.copy_to_device(self._buf, self.device), self.aval)

    def __copy__(self) -> Array:
        return self.copy()

    def __deepcopy__(self, memo: Any) -> Array:
        return self.copy()


def _reconstruct(value: np.ndarray, weak_type: bool) -> Array:
    return from_host(value, weak_type=weak_type)


def from_host(x: Any, dtype: Any = None, weak_type: bool = False, device: Any = None) -> Array:
    """Copies a host value (numpy array or scalar) to a device as an Array."""
    if dtype is None:
        dtype = dtypes.canonicalize_dtype(np.result_type(x))
    else:
        dtype = dtypes.canonicalize_dtype(dtype)
    arr = np.asarray(x, dtype=dtype)
    aval = core.shaped_array(arr.shape, dtype, weak_type)
    return Array(xla.put(arr, aval, device or _default_device()), aval)


_default: list[Any] = []


def _default_device() -> Any:
    if not _default:
        _default.append(xla_client.default_device())
    return _default[0]


def common_device(arrays: list, what: str) -> Any:
    """The device a computation on `arrays` runs on: the one non-default device among them.

    Arrays on the default device move to it (like JAX's uncommitted arrays); arrays on two
    different non-default devices are an error.
    """
    dflt = _default_device()
    devices = {a.device for a in arrays if type(a) is Array} - {dflt}
    if len(devices) > 1:
        desc = ", ".join(f"{a.aval.str_short()} on {a.device}" for a in arrays if type(a) is Array)
        raise ValueError(
            f"{what}: received arrays on different devices ({desc}). Move them to one device "
            "first with xjax.device_put(x, device)."
        )
    return devices.pop() if devices else dflt


def to_device(x: Any, device: Any) -> Array:
    """`x` (an Array or host value) as an Array on `device` (copied if elsewhere)."""
    a = x if type(x) is Array else to_array(x)
    if a.device == device:
        return a
    return Array(xla.copy_to_device(a._buf, device), a.aval)


_scalar_cache: dict[tuple, Array] = {}


def to_array(x: Any) -> Array:
    """Any concrete array-like (Array, numpy, Python scalar) as an Array; weak types kept.

    Scalars are cached on device by (dtype, weak type, bytes): eager code reuses the same few
    constants (0, 1, 0.5, ...) over and over.
    """
    if type(x) is Array:
        return x
    aval = core.get_aval(x)
    if aval.shape:
        return _put_checked(x, aval)
    if type(x) is int:
        _check_int(x, aval.dtype)
    key = (aval, np.asarray(x, aval.dtype).tobytes())
    hit = _scalar_cache.get(key)
    if hit is not None and not hit._buf.is_deleted():
        return hit
    out = _put_checked(x, aval)
    if len(_scalar_cache) < 4096:
        _scalar_cache[key] = out
    return out


def _check_int(x: int, dtype: np.dtype) -> None:
    info = np.iinfo(dtype)
    if not info.min <= x <= info.max:
        raise OverflowError(f"Python int {x} too large to convert to {dtype.name}")


def _put_checked(x: Any, aval: ShapedArray) -> Array:
    if type(x) is int:
        _check_int(x, aval.dtype)
    arr = np.asarray(x, aval.dtype)
    return Array(xla.put(arr, aval, _default_device()), aval)
