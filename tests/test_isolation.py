"""xjax never imports `jax` and never leaves a fake `jax` in sys.modules.

Each situation runs in a fresh interpreter: jax absent, installed but not imported, imported
first. (The main test process must not import jax at all; see conftest.py.)
"""

import subprocess
import sys
import textwrap

import pytest

USE_XJAX = """
import numpy as np
import xjax, xjax.numpy as jnp
x = xjax.device_put(np.arange(6, dtype=np.float32))
y = xjax.jit(lambda a: jnp.sin(a) * 2)(x)
z = jnp.cos(x) + 1.0
vals = [np.asarray(y), np.asarray(z), float(z[0]) if hasattr(z, '__getitem__') else 0.0]
assert np.allclose(vals[0], np.sin(np.arange(6)) * 2, atol=1e-6), vals[0]
repr(y); str(z); y.tolist(); xjax.device_get({'a': y})
import pickle; assert np.allclose(np.asarray(pickle.loads(pickle.dumps(y))), vals[0])
"""


def run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120
    )


def check(proc: subprocess.CompletedProcess) -> None:
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "OK" in proc.stdout, proc.stdout + proc.stderr


def test_jax_absent():
    code = (
        """
import sys, importlib.abc
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == 'jax' or name.startswith('jax.') or name.startswith('jax_'):
            raise ImportError('jax is not installed (simulated)')
sys.meta_path.insert(0, Block())
"""
        + USE_XJAX
        + """
assert 'jax' not in sys.modules, sorted(m for m in sys.modules if m.startswith('jax'))
print('OK')
"""
    )
    check(run(code))


def test_jax_installed_not_imported_then_imported_later():
    pytest.importorskip("jaxlib")
    code = (
        "import sys\n"
        + USE_XJAX
        + """
assert not [m for m in sys.modules if m == 'jax' or m.startswith('jax.')], 'xjax imported jax'
try:
    import jax
except ImportError:
    print('OK'); raise SystemExit
import jax.numpy as real_jnp
assert jax.__file__ and jax.__file__.endswith('jax/__init__.py'), jax.__file__
assert not getattr(jax, '__xjax_stub__', False)
v = real_jnp.sin(real_jnp.arange(3.0))
assert abs(float(v[1]) - 0.8414709848) < 1e-6
# xjax keeps working beside it
w = xjax.jit(lambda a: a + 1)(xjax.device_put(np.ones(3, np.float32)))
assert np.asarray(w).tolist() == [2.0, 2.0, 2.0]
print('OK')
"""
    )
    check(run(code))


def test_jax_imported_first():
    code = (
        """
try:
    import jax, jax.numpy as real_jnp
except ImportError:
    print('OK'); raise SystemExit
a = real_jnp.arange(4.0) * 2
"""
        + USE_XJAX
        + """
assert float(real_jnp.sum(a)) == 12.0
b = jax.jit(lambda t: t + 1)(a)
assert np.asarray(b).tolist() == [1.0, 3.0, 5.0, 7.0]
print('OK')
"""
    )
    check(run(code))
