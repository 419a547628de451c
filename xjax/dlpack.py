"""DLPack interchange (xjax.dlpack.from_dlpack)."""

from __future__ import annotations

from typing import Any

import numpy as np

from xjax._src import dtypes
from xjax._src.array import Array, from_host


def from_dlpack(external_array: Any, device: Any = None, copy: bool | None = None) -> Array:
    """An xjax Array holding the data of any object implementing `__dlpack__` (copied)."""
    if not hasattr(external_array, "__dlpack__"):
        raise TypeError(
            f"xjax.dlpack.from_dlpack: expected an object implementing __dlpack__, got "
            f"{type(external_array).__name__}"
        )
    host = np.from_dlpack(external_array)
    if not dtypes.is_supported(host.dtype):
        raise TypeError(f"xjax.dlpack.from_dlpack: unsupported dtype {host.dtype}")
    return from_host(np.array(host, copy=True), host.dtype, device=device)
