"""xjax: the JAX programming model on XLA. `import xjax as jax` runs JAX code."""

from xjax._src.api import (
    ShapeDtypeStruct as ShapeDtypeStruct,
    block_until_ready as block_until_ready,
    device_get as device_get,
    device_put as device_put,
    eval_shape as eval_shape,
    jit as jit,
    make_jaxpr as make_jaxpr,
)
from xjax._src.array import Array as Array
from xjax._src.autodiff import (
    grad as grad,
    hessian as hessian,
    jacfwd as jacfwd,
    jacobian as jacobian,
    jacrev as jacrev,
    jvp as jvp,
    linearize as linearize,
    value_and_grad as value_and_grad,
    vjp as vjp,
)
from xjax._src.vmap import vmap as vmap
from xjax._src.remat import (
    checkpoint as checkpoint,
    checkpoint_policies as checkpoint_policies,
    remat as remat,
)
from xjax._src.custom_derivatives import custom_jvp as custom_jvp, custom_vjp as custom_vjp
from xjax._src.config import config as config, disable_jit as disable_jit
from xjax._src.xla.client import (
    default_backend as default_backend,
    device_count as device_count,
    devices as devices,
    local_device_count as local_device_count,
    local_devices as local_devices,
    process_count as process_count,
    process_index as process_index,
)
from xjax import numpy as numpy
from xjax import random as random
from xjax import nn as nn
from xjax import lax as lax
from xjax import tree_util as tree_util
from xjax import tree as tree
from xjax import test_util as test_util
from xjax import ad_checkpoint as ad_checkpoint
from xjax import scipy as scipy

__version__ = "0.0.1"
