"""Compile time of a 64-layer MLP written as lax.scan over stacked weights vs a Python loop.

    python benchmarks/control_flow.py [--rounds N] [--taskset | --both] [--json out.json]

The scan version's compile time stays constant in depth; the unrolled Python loop grows with it.
Each call uses a new batch size so that neither library reuses an earlier trace or executable.
"""

from _harness import Benchmark, main

SETUP = """
lax = libimport("lax")
rng = np.random.default_rng(0)
DEPTH, WIDTH = 64, 128
ws = jax.device_put((rng.standard_normal((DEPTH, WIDTH, WIDTH)) / np.sqrt(WIDTH)).astype(np.float32))
batches = [jax.device_put(rng.standard_normal((n, WIDTH)).astype(np.float32)) for n in range(8, 48)]
counter = [0]

def scanned(ws, x):
    h, _ = lax.scan(lambda h, w: (jnp.tanh(h @ w), None), x, ws)
    return h

def unrolled(ws, x):
    h = x
    for i in range(DEPTH):
        h = jnp.tanh(h @ ws[i])
    return h

def fresh_batch():
    counter[0] += 1
    return batches[counter[0] % len(batches)]
"""

BENCHMARKS = [
    Benchmark(
        "compile_scan_mlp64",
        setup=SETUP,
        stmt="jax.block_until_ready(jax.jit(scanned)(ws, fresh_batch()))",
        target=1.5,
        doc="trace+lower+compile+first run of a 64-layer MLP as lax.scan over stacked weights",
    ),
    Benchmark(
        "compile_loop_mlp64",
        setup=SETUP,
        stmt="jax.block_until_ready(jax.jit(unrolled)(ws, fresh_batch()))",
        target=1.5,
        doc="the same MLP as a Python loop (64 unrolled layers)",
    ),
    Benchmark(
        "run_scan_mlp64",
        setup=SETUP + "f = jax.jit(scanned); x = batches[0]\n",
        stmt="jax.block_until_ready(f(ws, x))",
        check="f(ws, x)",
        target=1.1,
        rtol=1e-4,
        atol=1e-5,
        doc="steady-state call of the compiled scan MLP",
    ),
]

if __name__ == "__main__":
    main(BENCHMARKS)
