"""xjax.random: JAX's PRNG (threefry2x32, partitionable) and its samplers, bit for bit.

`xjax._src.random.__all__` lists the public names; this module re-exports them.
"""

from xjax._src.random import *
