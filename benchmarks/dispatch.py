"""Dispatch overhead: jit and eager calls on tiny arrays, and a jitted MLP forward pass.

    python benchmarks/dispatch.py [--rounds N] [--taskset | --both] [--json out.json]

Reference figures (BENCHMARKS.md, this machine, JAX 0.10.2): jit pipelined 7.2 µs, jit with
block_until_ready 8.2-8.5 µs, eager jnp.sin 6.6 µs, eager a + b 11 µs.
"""

from _harness import Benchmark, main

TINY = """
f = jax.jit(lambda a, b: jnp.sin(a * b))
a = jax.device_put(np.arange(1, 5, dtype=np.float32))
b = jax.device_put(np.full(4, 0.5, dtype=np.float32))
x = a
"""

MLP = """
rng = np.random.default_rng(0)
sizes = [784, 512, 512, 10]
params = [
    (jnp.asarray((rng.standard_normal((m, n)) * np.sqrt(2.0 / m)).astype(np.float32)),
     jnp.asarray((rng.standard_normal(n) * 0.1).astype(np.float32)))
    for m, n in zip(sizes[:-1], sizes[1:])
]
x = jax.device_put(rng.standard_normal((128, 784)).astype(np.float32))

def forward(params, x):
    h = x
    for w, b in params[:-1]:
        h = jnp.maximum(h @ w + b, 0.0)
    w, b = params[-1]
    return jnp.dot(h, w) + b

mlp = jax.jit(forward)
"""

BENCHMARKS = [
    Benchmark(
        "jit_tiny_pipelined",
        setup=TINY,
        stmt="r = f(a, b)",
        sync="jax.block_until_ready(r)",
        check="f(a, b)",
        target=2.0,
        doc="jit(lambda a, b: jnp.sin(a * b)) on f32[4], calls queued, one wait per loop",
    ),
    Benchmark(
        "jit_tiny_blocking",
        setup=TINY,
        stmt="f(a, b).block_until_ready()",
        check="f(a, b)",
        target=2.0,
        doc="the same jitted call with .block_until_ready() on each result",
    ),
    Benchmark(
        "eager_sin",
        setup=TINY,
        stmt="r = jnp.sin(x)",
        sync="r.block_until_ready()",
        check="jnp.sin(x)",
        target=1.5,
        doc="eager jnp.sin on an f32[4] device array",
    ),
    Benchmark(
        "eager_add",
        setup=TINY,
        stmt="r = a + b",
        sync="r.block_until_ready()",
        check="a + b",
        target=1.5,
        doc="eager a + b on f32[4] device arrays",
    ),
    Benchmark(
        "jit_mlp_forward",
        setup=MLP,
        stmt="mlp(params, x).block_until_ready()",
        check="mlp(params, x)",
        target=1.1,
        rtol=1e-4,
        atol=1e-4,
        doc="jit MLP 784-512-512-10 relu, batch 128, f32, compiled call + block_until_ready",
    ),
]

if __name__ == "__main__":
    main(BENCHMARKS)
