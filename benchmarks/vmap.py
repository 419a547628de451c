"""vmap: per-example gradients of an MLP under jit, xjax vs JAX in the same run.

    python benchmarks/vmap.py [--rounds N] [--taskset | --both] [--json out.json]

Reference (BENCHMARKS.md, this machine): MLP 784-512-512-10, batch 128, jit(vmap(grad)):
JAX 443 ms on one core.
"""

from _harness import Benchmark, main

SETUP = """
rng = np.random.default_rng(0)
sizes = [784, 512, 512, 10]
params = [
    (jnp.asarray((rng.standard_normal((m, n)) * np.sqrt(2.0 / m)).astype(np.float32)),
     jnp.asarray(np.zeros(n, np.float32)))
    for m, n in zip(sizes[:-1], sizes[1:])
]
x = jax.device_put(rng.standard_normal((128, 784)).astype(np.float32))
y = jax.device_put(rng.standard_normal((128, 10)).astype(np.float32))

def loss(params, x, y):
    h = x
    for w, b in params[:-1]:
        h = jnp.maximum(h @ w + b, 0.0)
    w, b = params[-1]
    return jnp.sum((h @ w + b - y) ** 2)

per_example = jax.jit(jax.vmap(jax.grad(loss), in_axes=(None, 0, 0)))
"""

BENCHMARKS = [
    Benchmark(
        "per_example_grads_mlp",
        setup=SETUP,
        stmt="jax.block_until_ready(per_example(params, x, y))",
        check="per_example(params, x, y)[0][0]",
        target=1.1,
        rtol=1e-3,
        atol=1e-4,
        doc="jit(vmap(grad(loss))) of an MLP 784-512-512-10, batch 128, f32",
    ),
]

if __name__ == "__main__":
    main(BENCHMARKS)
