"""Autodiff: trace+compile time and run time of jit(grad(loss)) for deep MLPs.

    python benchmarks/ad.py [--rounds N] [--taskset | --both] [--json out.json]

Reference figures (BENCHMARKS.md, this machine, JAX 0.10.2): width 256, batch 32: first result
end to end 0.13 s (depth 8) and 0.68 s (depth 64).
Compile benchmarks use a new batch size on every call so that neither library can reuse a
previous trace or executable: each call traces, differentiates, lowers and compiles.
"""

from _harness import Benchmark, main

SETUP = """
rng = np.random.default_rng(0)
WIDTH = 256

def make_params(depth):
    return [
        (jnp.asarray((rng.standard_normal((WIDTH, WIDTH)) / np.sqrt(WIDTH)).astype(np.float32)),
         jnp.asarray(np.zeros(WIDTH, np.float32)))
        for _ in range(depth)
    ]

def loss(params, x, y):
    h = x
    for w, b in params:
        h = jnp.tanh(h @ w + b)
    return jnp.mean((h - y) ** 2)

params = make_params(DEPTH)
batches = [(jax.device_put(rng.standard_normal((n, WIDTH)).astype(np.float32)),
            jax.device_put(rng.standard_normal((n, WIDTH)).astype(np.float32)))
           for n in range(32, 32 + NB)]
counter = [0]
x, y = batches[0]
step = jax.jit(jax.grad(loss))
"""


def _bench(depth: int, nb: int, compile_target: float, run_target: float) -> list[Benchmark]:
    setup = SETUP.replace("DEPTH", str(depth)).replace("NB", str(nb))
    return [
        Benchmark(
            f"trace_compile_depth{depth}",
            setup=setup,
            stmt=(
                "counter[0] += 1; bx, by = batches[counter[0] % len(batches)]; "
                "jax.block_until_ready(jax.jit(jax.grad(loss))(params, bx, by))"
            ),
            target=compile_target,
            doc=f"first call of jit(grad(loss)), MLP depth {depth} width 256: trace+AD+lower+compile+run",
        ),
        Benchmark(
            f"run_depth{depth}",
            setup=setup,
            stmt="jax.block_until_ready(step(params, x, y))",
            check="step(params, x, y)[0][0]",
            target=run_target,
            rtol=1e-3,
            atol=1e-5,
            doc=f"compiled jit(grad(loss)) call, MLP depth {depth} width 256 batch 32",
        ),
    ]


BENCHMARKS = _bench(8, 40, 1.5, 1.1) + _bench(64, 12, 1.5, 1.1)

if __name__ == "__main__":
    main(BENCHMARKS)
