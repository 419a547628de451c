"""xjax.numpy: NumPy's API on xjax arrays (JAX's jax.numpy).

Each family module lists its public names in `__all__`; this module re-exports them.
"""

import numpy as _np

from xjax._src import dtypes as _dtypes
from xjax._src.array import Array as ndarray  # noqa: F401
from xjax._src.dtypes import (  # noqa: F401
    finfo as finfo,
    iinfo as iinfo,
    issubdtype as issubdtype,
    promote_types as promote_types,
    result_type as result_type,
)
from xjax._src.numpy.ufuncs import *  # noqa: F403
from xjax._src.numpy.reductions import *  # noqa: F403
from xjax._src.numpy.creation import *  # noqa: F403
from xjax._src.numpy.manipulation import *  # noqa: F403
from xjax._src.numpy.contractions import *  # noqa: F403
from xjax._src.numpy.indexing import *  # noqa: F403
from xjax._src.numpy.indexing_helpers import *  # noqa: F403
from xjax._src.numpy.index_tricks import *  # noqa: F403
from xjax._src.numpy.functional import *  # noqa: F403
from xjax._src.numpy.ufunc_api import *  # noqa: F403
from xjax._src.numpy.numpy_compat import *  # noqa: F403
from xjax._src.numpy.sorting import *  # noqa: F403
from xjax._src.numpy.misc import *  # noqa: F403
from xjax._src.numpy.statistics import *  # noqa: F403
from xjax._src.numpy.scalar_types import *  # noqa: F403
import xjax._src.numpy.operators  # noqa: F401,E402  (installs Array/Tracer operators)

pi = _np.pi
e = _np.e
inf = _np.inf
nan = _np.nan
euler_gamma = _np.euler_gamma
newaxis = None
from xjax.numpy import linalg as linalg  # noqa: E402
from xjax._src.numpy.polynomial import *  # noqa: F403,E402
from xjax._src.numpy.windows import *  # noqa: F403,E402
from xjax._src.numpy.numerical import *  # noqa: F403,E402
from xjax.numpy import fft as fft  # noqa: E402
