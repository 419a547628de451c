"""Test-wide fixtures: the JAX oracle, and a guard that real JAX stays out of this process.

xjax must never import real JAX (jaxlib misbehaves with both in one interpreter); the oracle runs
JAX in a worker process instead. The guard blames the first test after which `jax` is in
`sys.modules` (this works under xdist too) and fails the session if it is there at the end.
"""

import os
import sys

import pytest

# The suite compiles thousands of small XLA programs. XLA's CPU backend optimisation level (LLVM's
# -O) sets how long each compile takes (2-3x) and none of the HLO semantics under test; the oracle
# worker inherits the environment, so both libraries compile alike. XJAX_TEST_XLA_OPT_LEVEL
# overrides the level (e.g. 2 to test the default code generation).
if "xla_backend_optimization_level" not in os.environ.get("XLA_FLAGS", ""):
    _level = os.environ.get("XJAX_TEST_XLA_OPT_LEVEL", "0")
    os.environ["XLA_FLAGS"] = (
        os.environ.get("XLA_FLAGS", "") + f" --xla_backend_optimization_level={_level}"
    ).strip()

from tests.oracle import oracle  # noqa: F401  (the session fixture)
from xjax._src.config import config

# Type-check every jaxpr as it is built (xjax's internal consistency checks).
config.update("jax_enable_checks", True)

_JAX_REPORTED = [False]


def _jax_imported() -> bool:
    if "jax" in sys.modules and not _JAX_REPORTED[0]:
        _JAX_REPORTED[0] = True
        return True
    return False


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "oracle: differential test against real JAX (worker process)"
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    result = yield
    if _jax_imported():
        raise AssertionError(f"real jax was imported in the test process by {item.nodeid}")
    return result


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if "jax" in sys.modules:
        where = getattr(sys.modules["jax"], "__file__", "?")
        sys.stderr.write(f"\nERROR: real jax ({where}) was imported in the test process\n")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
