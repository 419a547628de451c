"""Fit a linear model with a jit(grad(...)) step and print the loss curve."""

from __future__ import annotations

import time

import numpy as np

import xjax
import xjax.numpy as jnp


def loss(w: xjax.Array, b: xjax.Array, x: xjax.Array, y: xjax.Array) -> xjax.Array:
    """Mean squared error of the model y ≈ x @ w + b."""
    err = jnp.dot(x, w) + b - y
    return jnp.mean(err * err)


@xjax.jit
def step(w: xjax.Array, b: xjax.Array, x: xjax.Array, y: xjax.Array, lr: float):
    """One gradient-descent step on `loss`; returns the new parameters and the loss."""
    value, (grad_w, grad_b) = xjax.value_and_grad(loss, argnums=(0, 1))(w, b, x, y)
    return w - lr * grad_w, b - lr * grad_b, value


def main() -> None:
    rng = np.random.default_rng(0)
    n, d = 256, 8
    true_w = rng.standard_normal(d).astype(np.float32)
    true_b = np.float32(0.5)
    x_host = rng.standard_normal((n, d)).astype(np.float32)
    y_host = x_host @ true_w + true_b + 0.01 * rng.standard_normal(n).astype(np.float32)

    x, y = xjax.device_put(x_host), xjax.device_put(y_host)
    w, b = jnp.zeros(d, jnp.float32), jnp.zeros((), jnp.float32)
    print(f"xjax {xjax.__version__} on {xjax.devices()}: fitting {d} weights to {n} points")
    t0 = time.perf_counter()
    for i in range(201):
        w, b, current = step(w, b, x, y, 0.1)
        if i % 20 == 0:
            bar = "#" * max(1, int(40 * min(1.0, float(current) / 10)))
            print(f"step {i:4d}  loss {float(current):10.6f}  {bar}")
    elapsed = time.perf_counter() - t0
    final = float(loss(w, b, x, y))
    err_w = float(np.max(np.abs(np.asarray(w) - true_w)))
    print(f"final loss {final:.6f}; max |w - true_w| = {err_w:.4f}; b = {float(b):.4f} "
          f"(true {true_b}); {elapsed:.2f} s")
    assert final < 1e-3, "the fit did not converge"


if __name__ == "__main__":
    main()
