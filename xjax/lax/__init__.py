"""xjax.lax: the primitives, with JAX's signatures."""

from xjax._src.lax.dot import dot as dot, dot_general as dot_general
from xjax._src.lax.elementwise import (
    add as add, atan2 as atan2, bitwise_and as bitwise_and, bitwise_not as bitwise_not,
    bitwise_or as bitwise_or, bitwise_xor as bitwise_xor, cbrt as cbrt, ceil as ceil,
    convert_element_type as convert_element_type, cos as cos, div as div, eq as eq, exp as exp,
    expm1 as expm1, floor as floor, ge as ge, gt as gt, le as le, log as log, log1p as log1p,
    logistic as logistic, lt as lt, max as max, min as min, mul as mul, ne as ne, neg as neg,
    pow as pow, rem as rem, rsqrt as rsqrt, select_n as select_n, sign as sign, sin as sin,
    sqrt as sqrt, sub as sub, tan as tan, tanh as tanh,
)
from xjax._src.lax.reductions import (
    reduce_and as reduce_and, reduce_max as reduce_max, reduce_min as reduce_min,
    reduce_or as reduce_or, reduce_prod as reduce_prod, reduce_sum as reduce_sum,
    reduce_xor as reduce_xor,
)
from xjax._src.lax.shape import (
    broadcast as broadcast, broadcast_in_dim as broadcast_in_dim, reshape as reshape,
)
