"""jax.ad_checkpoint: checkpoint, checkpoint_name, checkpoint_policies."""

from xjax._src.remat import (  # noqa: F401
    checkpoint as checkpoint,
    checkpoint_name as checkpoint_name,
    checkpoint_policies as checkpoint_policies,
    remat as remat,
)
