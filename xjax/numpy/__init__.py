"""xjax.numpy: NumPy's API on xjax arrays (JAX's jax.numpy)."""

from xjax._src.array import Array as ndarray
from xjax._src.dtypes import (
    bfloat16 as _bf16, bool_ as _b, complex64 as _c64, complex128 as _c128, float16 as _f16,
    float32 as _f32, float64 as _f64, int8 as _i8, int16 as _i16, int32 as _i32, int64 as _i64,
    uint8 as _u8, uint16 as _u16, uint32 as _u32, uint64 as _u64,
)
from xjax._src.dtypes import (
    finfo as finfo, iinfo as iinfo, issubdtype as issubdtype, promote_types as promote_types,
    result_type as result_type,
)
from xjax._src.numpy.ufuncs import (
    add as add, cbrt as cbrt, cos as cos, divide as divide, equal as equal, exp as exp,
    expm1 as expm1, greater as greater, greater_equal as greater_equal, less as less,
    less_equal as less_equal, log as log, log1p as log1p, maximum as maximum, minimum as minimum,
    multiply as multiply, negative as negative, not_equal as not_equal, power as power, sin as sin,
    sqrt as sqrt, subtract as subtract, tan as tan, tanh as tanh, true_divide as true_divide,
)
import xjax._src.numpy.operators  # noqa: F401  (installs Array/Tracer operators)
