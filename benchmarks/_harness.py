"""Benchmark harness: xjax against real JAX, each in its own process, alternated A B A B.

A benchmark file defines a list of `Benchmark`s and ends with `main(BENCHMARKS)`. The file is
both the driver (no flags it does not know) and the worker (`--_worker`, started by the driver):

    from _harness import Benchmark, main

    BENCHMARKS = [
        Benchmark(
            "eager_sin",
            setup="x = jax.device_put(np.arange(4, dtype=np.float32))",
            stmt="r = jnp.sin(x)",
            sync="r.block_until_ready()",
            check="jnp.sin(x)",
            target=1.5,
        ),
    ]

    if __name__ == "__main__":
        main(BENCHMARKS)

Snippets see `jax`, `jnp` (the contender's top module and its `numpy`), `np` (NumPy), `LIB`
(the contender's module name) and `libimport("lax")` (imports `<LIB>.lax`). They must never
`import jax` themselves, and the benchmark file must not import jax or xjax at top level: the
driver process imports neither, and a worker imports exactly one of them.

Per round and benchmark the driver starts one worker per contender (jax first, then xjax). The
worker runs `setup`, warms up (`stmt` + `sync` for >= 3 calls and >= 0.05 s; this includes the
compile), calibrates the loop count so one measurement takes about `--min-time` seconds, then
takes `--repeat` measurements of `n` x `stmt` followed once by `sync`, and reports the median
time per call. The driver prints, per benchmark, the median over rounds of each contender's
time and the median over rounds of the per-round ratio xjax/JAX, and PASS/MISS against `target`.

Measurement modes: unpinned (both cores, the default), `--taskset` (`taskset -c 0`, one core),
`--both` (the full set of rounds in each mode, one after the other). `--xjax-is-jax` (or the
environment variable XJAX_IS_JAX=1) runs real JAX as the "xjax" contender too, to test the
harness and the snippets; ratios should then be about 1.0.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import itertools
import json
import keyword
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from typing import Any

CONTENDERS = ("jax", "xjax")  # run order within a round: A = jax, B = xjax
MODES = {
    "unpinned": ("two cores, unpinned", []),
    "taskset": ("one core, taskset -c 0", ["taskset", "-c", "0"]),
}
WARMUP_MIN_CALLS = 3
WARMUP_MIN_TIME = 0.05
CALIBRATE_MIN_TIME = 0.02


@dataclasses.dataclass(frozen=True)
class Benchmark:
    """One timed snippet, run the same way for every contender.

    Args:
      name: identifier shown in the report and used by `-k`.
      stmt: Python statement(s) timed in a loop; names from `setup` are bound as locals.
      setup: code string exec'd once in the snippet namespace, or a callable `setup(ns)` that may
        fill the dict `ns` and/or return a dict merged into it. Not timed.
      sync: statement run once after each timed loop, inside the timing (e.g. wait for the last
        pipelined result). Empty if `stmt` already blocks.
      check: expression evaluated once after warmup; its value (converted with `np.asarray`) is
        compared between contenders (shape, dtype, then values with `rtol`/`atol`).
      target: the largest acceptable median ratio xjax/JAX, or None for no verdict.
      doc: one line shown under the table.
    """

    name: str
    stmt: str
    setup: str | Callable[[dict], Any] = ""
    sync: str = ""
    check: str | None = None
    target: float | None = None
    rtol: float = 1e-5
    atol: float = 1e-6
    doc: str = ""


# ----------------------------------------------------------------------------------------------
# Worker side: runs in a fresh process with exactly one of jax / xjax imported.


def _import_contender(module_name: str) -> dict:
    import importlib

    import numpy as np

    lib = importlib.import_module(module_name)
    jnp = importlib.import_module(module_name + ".numpy")
    return {
        "jax": lib,
        "jnp": jnp,
        "np": np,
        "LIB": module_name,
        "libimport": lambda sub: importlib.import_module(f"{module_name}.{sub}"),
    }


def _make_loop(stmt: str, sync: str, ns: dict) -> Callable[[int], float]:
    """Compiles `def loop(n)`: time n x stmt, then sync. Namespace names become fast locals."""
    names = [
        k for k in ns if k.isidentifier() and not k.startswith("__") and not keyword.iskeyword(k)
    ]
    body = [f"    {k} = __ns[{k!r}]" for k in names]
    body += ["    __t0 = __timer()", "    for __i in __repeat(None, __n):"]
    body += ["        " + line for line in stmt.strip().splitlines()]
    body += ["    " + line for line in sync.strip().splitlines()]
    body += ["    return __timer() - __t0"]
    src = "def __loop(__n, __ns=__ns, __timer=__timer, __repeat=__repeat):\n" + "\n".join(body)
    glb = dict(ns, __ns=ns, __timer=time.perf_counter, __repeat=itertools.repeat)
    exec(compile(src, "<benchmark loop>", "exec"), glb)  # noqa: S102 (this is a timeit)
    return glb["__loop"]


def _timed(loop: Callable[[int], float], n: int, gc_off: bool) -> float:
    gc.collect()
    if gc_off:
        gc.disable()
    try:
        return loop(n)
    finally:
        gc.enable()


def _encode_check(value: Any) -> dict:
    import numpy as np

    arr = np.asarray(value)
    flat = arr.reshape(-1)[:100_000].astype(np.float64)
    return {"shape": list(arr.shape), "dtype": str(arr.dtype), "data": flat.tolist()}


def run_worker(bench: Benchmark, module_name: str, min_time: float, repeat: int, gc_off: bool):
    """Measures one benchmark in this process; returns a JSON-able dict."""
    t_start = time.perf_counter()
    ns = _import_contender(module_name)
    t_import = time.perf_counter() - t_start
    lib = ns["jax"]
    t0 = time.perf_counter()
    if callable(bench.setup):
        extra = bench.setup(ns)
        if extra:
            ns.update(extra)
    elif bench.setup:
        exec(compile(bench.setup, f"<setup {bench.name}>", "exec"), ns)  # noqa: S102
    t_setup = time.perf_counter() - t0

    loop = _make_loop(bench.stmt, bench.sync, ns)
    t0 = time.perf_counter()
    first = loop(1)  # first call: includes any compile left after setup
    calls = 1
    while calls < WARMUP_MIN_CALLS or time.perf_counter() - t0 < WARMUP_MIN_TIME:
        loop(1)
        calls += 1
    check = None
    if bench.check:
        check = _encode_check(eval(compile(bench.check, f"<check {bench.name}>", "eval"), ns))

    n = 1
    while True:  # as timeit.autorange: 1, 2, 5, 10, 20, 50, ...
        dt = _timed(loop, n, gc_off)
        if dt >= CALIBRATE_MIN_TIME:
            break
        n *= 2.5 if str(n)[0] == "2" else 2
        n = int(n)
    n = max(1, int(n * min_time / dt))
    samples = [_timed(loop, n, gc_off) / n for _ in range(repeat)]
    return {
        "median_s": statistics.median(samples),
        "samples_s": samples,
        "number": n,
        "first_call_s": first,
        "import_s": t_import,
        "setup_s": t_setup,
        "version": getattr(lib, "__version__", "?"),
        "check": check,
    }


def _worker_main(benchmarks: list[Benchmark], args: argparse.Namespace) -> int:
    repo_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if repo_root not in sys.path:
        sys.path.insert(1, repo_root)  # run xjax from the source tree without installing it
    bench = {b.name: b for b in benchmarks}[args._bench]
    try:
        result = run_worker(bench, args._module, args.min_time, args.repeat, args.gc_off)
    except Exception as e:  # noqa: BLE001 (report it to the driver, which goes on)
        tb = traceback.format_exc().strip().splitlines()
        result = {"error": f"{type(e).__name__}: {e}", "traceback": tb[-12:]}
    with open(args._out, "w") as f:
        json.dump(result, f)
    return 0


# ----------------------------------------------------------------------------------------------
# Driver side: imports neither jax nor xjax.


def _fmt_time(s: float | None) -> str:
    if s is None:
        return "-"
    if s < 1e-3:
        return f"{s * 1e6:.3g} µs"
    if s < 1:
        return f"{s * 1e3:.3g} ms"
    return f"{s:.3g} s"


def _spawn(script: str, bench: Benchmark, contender: str, module: str, mode: str, args) -> dict:
    fd, out = tempfile.mkstemp(prefix=f"bench-{bench.name}-{contender}-", suffix=".json")
    os.close(fd)
    cmd = [*MODES[mode][1], sys.executable, script, "--_worker", "--_bench", bench.name]
    cmd += ["--_module", module, "--_out", out]
    cmd += ["--min-time", str(args.min_time), "--repeat", str(args.repeat)]
    if args.gc_off:
        cmd.append("--gc-off")
    env = dict(os.environ)
    env.setdefault("JAX_PLATFORMS", "cpu")
    try:
        proc = subprocess.run(
            cmd, check=False, env=env, capture_output=True, text=True, timeout=args.timeout
        )
        try:
            with open(out) as f:
                result = json.load(f)
        except (OSError, ValueError):
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-12:]
            result = {"error": f"worker exited with status {proc.returncode}", "traceback": tail}
    except subprocess.TimeoutExpired:
        result = {"error": f"worker timed out after {args.timeout} s", "traceback": []}
    finally:
        os.unlink(out)
    return result


def _compare_checks(bench: Benchmark, ref: dict | None, got: dict | None) -> str | None:
    """None if they agree (or there is nothing to compare), else a one-line reason."""
    if ref is None or got is None:
        return None
    import numpy as np

    if ref["shape"] != got["shape"]:
        return f"shape {got['shape']} != JAX {ref['shape']}"
    if ref["dtype"] != got["dtype"]:
        return f"dtype {got['dtype']} != JAX {ref['dtype']}"
    a, b = np.asarray(got["data"]), np.asarray(ref["data"])
    if not np.allclose(a, b, rtol=bench.rtol, atol=bench.atol, equal_nan=True):
        return f"values differ, max abs diff {np.nanmax(np.abs(a - b)):.3g}"
    return None


def _summarize(bench: Benchmark, runs: dict[str, list[dict]]) -> dict:
    times = {c: [r.get("median_s") for r in runs[c]] for c in CONTENDERS}
    ratios = [x / j for j, x in zip(times["jax"], times["xjax"]) if j is not None and x is not None]
    errors = {c: r["error"] for c in CONTENDERS for r in runs[c] if "error" in r}
    tracebacks = {c: r.get("traceback", []) for c in CONTENDERS for r in runs[c] if "error" in r}
    checks = {c: next((r["check"] for r in runs[c] if r.get("check")), None) for c in CONTENDERS}
    mismatch = _compare_checks(bench, checks["jax"], checks["xjax"])
    ratio = statistics.median(ratios) if ratios else None
    if errors:
        verdict = "ERROR"
    elif mismatch:
        verdict = "WRONG"
    elif bench.target is None or ratio is None:
        verdict = "-"
    else:
        verdict = "PASS" if ratio <= bench.target else "MISS"
    med = {c: [t for t in times[c] if t is not None] for c in CONTENDERS}
    return {
        "name": bench.name,
        "doc": bench.doc,
        "target": bench.target,
        "verdict": verdict,
        "ratio_median": ratio,
        "ratios": ratios,
        "check_mismatch": mismatch,
        "errors": errors,
        "tracebacks": tracebacks,
        **{
            c: {
                "median_s": statistics.median(med[c]) if med[c] else None,
                "rounds_s": times[c],
                "version": next((r["version"] for r in runs[c] if "version" in r), None),
                "first_call_s": [r.get("first_call_s") for r in runs[c]],
                "setup_s": [r.get("setup_s") for r in runs[c]],
                "number": [r.get("number") for r in runs[c]],
            }
            for c in CONTENDERS
        },
    }


def run_mode(benchmarks: list[Benchmark], script: str, mode: str, args) -> list[dict]:
    """All rounds in one mode: for each round, for each benchmark, jax then xjax."""
    modules = {"jax": "jax", "xjax": "jax" if args.xjax_is_jax else "xjax"}
    runs = {b.name: {c: [] for c in CONTENDERS} for b in benchmarks}
    failed: set[tuple[str, str]] = set()  # an error is deterministic: do not retry it each round
    for rnd in range(args.rounds):
        for b in benchmarks:
            for c in CONTENDERS:
                if (b.name, c) in failed:
                    runs[b.name][c].append({})
                    continue
                r = _spawn(script, b, c, modules[c], mode, args)
                if "error" in r:
                    failed.add((b.name, c))
                runs[b.name][c].append(r)
                if args.verbose:
                    t = r.get("error") or _fmt_time(r.get("median_s"))
                    print(f"  [{mode} round {rnd + 1}/{args.rounds}] {b.name:<24} {c:<5} {t}")
    return [_summarize(b, runs[b.name]) for b in benchmarks]


def print_report(title: str, mode: str, results: list[dict], args) -> None:
    sub = "   xjax := jax (harness self-test)" if args.xjax_is_jax else ""
    print(
        f"\n== {title} | mode: {MODES[mode][0]} | {args.rounds} rounds x {args.repeat} "
        f"measurements of ~{args.min_time:g} s{sub}"
    )
    head = f"{'benchmark':<24} {'JAX':>10} {'xjax':>10} {'xjax/JAX':>9} {'[min-max]':>13}"
    print(head + f" {'target':>8}  verdict")
    for r in results:
        spread = f"[{min(r['ratios']):.2f}-{max(r['ratios']):.2f}]" if r["ratios"] else ""
        ratio = f"{r['ratio_median']:.2f}" if r["ratio_median"] is not None else "-"
        target = f"<= {r['target']:.2f}" if r["target"] is not None else "-"
        print(
            f"{r['name']:<24} {_fmt_time(r['jax']['median_s']):>10} "
            f"{_fmt_time(r['xjax']['median_s']):>10} {ratio:>9} {spread:>13} {target:>8}  "
            f"{r['verdict']}"
        )
    for r in results:
        for c, err in r["errors"].items():
            print(f"  {r['name']} [{c}] {err}")
            if args.verbose:
                for line in r["tracebacks"][c]:
                    print(f"      {line}")
        if r["check_mismatch"]:
            print(f"  {r['name']}: result differs from JAX: {r['check_mismatch']}")
    docs = [r for r in results if r["doc"]]
    for r in docs:
        print(f"  {r['name']}: {r['doc']}")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description="xjax vs JAX benchmarks (each in its own process)")
    p.add_argument("--rounds", type=int, default=5, help="A B rounds per benchmark (default 5)")
    pin = p.add_mutually_exclusive_group()
    pin.add_argument("--taskset", action="store_true", help="pin workers to core 0 (taskset -c 0)")
    pin.add_argument("--both", action="store_true", help="run unpinned, then pinned to core 0")
    p.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    p.add_argument(
        "--xjax-is-jax",
        action="store_true",
        help="run real JAX as the xjax contender (harness self-test; env XJAX_IS_JAX=1)",
    )
    p.add_argument(
        "-k",
        metavar="SUBSTR",
        help="only benchmarks whose name contains one of these comma-separated substrings",
    )
    p.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    p.add_argument(
        "--min-time", type=float, default=0.2, help="target seconds per measurement (default 0.2)"
    )
    p.add_argument(
        "--repeat",
        type=int,
        default=5,
        help="measurements per worker process; it reports their median (default 5)",
    )
    p.add_argument("--gc-off", action="store_true", help="disable the GC inside timed loops")
    p.add_argument("--timeout", type=float, default=300, help="seconds per worker (default 300)")
    p.add_argument(
        "--fail-on-miss",
        action="store_true",
        help="exit with status 1 if any benchmark is MISS, WRONG or ERROR",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="print each worker's result")
    p.add_argument("--_worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--_bench", help=argparse.SUPPRESS)
    p.add_argument("--_module", help=argparse.SUPPRESS)
    p.add_argument("--_out", help=argparse.SUPPRESS)
    return p


def main(benchmarks: list[Benchmark], argv: list[str] | None = None, title: str | None = None):
    """Entry point of a benchmark file: `main(BENCHMARKS)` under `if __name__ == "__main__"`."""
    args = _parser().parse_args(argv)
    if args._worker:
        sys.exit(_worker_main(benchmarks, args))
    names = [b.name for b in benchmarks]
    assert len(set(names)) == len(names), f"duplicate benchmark names: {names}"
    if args.list:
        for b in benchmarks:
            target = f"target <= {b.target:g}" if b.target is not None else "no target"
            print(f"{b.name:<24} {target:<16} {b.doc}")
        return
    if args.k:
        keys = args.k.split(",")
        benchmarks = [b for b in benchmarks if any(k in b.name for k in keys)]
    args.xjax_is_jax = args.xjax_is_jax or os.environ.get("XJAX_IS_JAX", "") not in ("", "0")
    modes = ["unpinned", "taskset"] if args.both else ["taskset" if args.taskset else "unpinned"]
    if "taskset" in modes and shutil.which("taskset") is None:
        sys.exit("--taskset needs the `taskset` program (util-linux)")
    script = os.path.abspath(sys.modules["__main__"].__file__)
    title = title or os.path.splitext(os.path.basename(script))[0]

    t0 = time.time()
    report = {
        "file": title,
        "argv": sys.argv,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "python": sys.version.split()[0],
        "machine": f"{platform.machine()} {os.cpu_count()} cpus",
        "xjax_is_jax": args.xjax_is_jax,
        "rounds": args.rounds,
        "repeat": args.repeat,
        "min_time_s": args.min_time,
        "gc_off": args.gc_off,
        "modes": {},
    }
    for mode in modes:
        results = run_mode(benchmarks, script, mode, args)
        print_report(title, mode, results, args)
        report["modes"][mode] = {"description": MODES[mode][0], "results": results}
    report["elapsed_s"] = time.time() - t0
    print(f"\n({report['elapsed_s']:.0f} s; xjax/JAX ratios are medians of per-round ratios)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)
    verdicts = [r["verdict"] for m in report["modes"].values() for r in m["results"]]
    if args.fail_on_miss and any(v in ("MISS", "WRONG", "ERROR") for v in verdicts):
        sys.exit(1)
