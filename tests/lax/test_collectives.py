"""Named-axis collectives under vmap, against real JAX."""

import numpy as np
import pytest

import xjax
from xjax import lax
from tests.oracle import assert_matches

X = np.arange(24, dtype=np.float32).reshape(4, 3, 2) / 7

CASES = {
    "psum": "vmap(lambda r: lax.psum(r, 'i'), axis_name='i')(x)",
    "pmean": "vmap(lambda r: lax.pmean(r, 'i'), axis_name='i')(x)",
    "pmax": "vmap(lambda r: lax.pmax(r, 'i'), axis_name='i')(x)",
    "pmin": "vmap(lambda r: lax.pmin(r, 'i'), axis_name='i', in_axes=1)(x)",
    "normalise": "vmap(lambda r: r / lax.psum(r, 'i'), axis_name='i')(x)",
    "axis_index": "vmap(lambda r: r * lax.axis_index('i'), axis_name='i')(x)",
    "all_gather": "vmap(lambda r: lax.all_gather(r, 'i'), axis_name='i')(x)",
    "all_gather_axis1": "vmap(lambda r: lax.all_gather(r, 'i', axis=1), axis_name='i')(x)",
    "all_gather_tiled": "vmap(lambda r: lax.all_gather(r, 'i', tiled=True), axis_name='i')(x)",
    "ppermute": "vmap(lambda r: lax.ppermute(r, 'i', [(0, 1), (1, 2), (2, 3), (3, 0)]), axis_name='i')(x)",
    "all_to_all": "vmap(lambda r: lax.all_to_all(r, 'i', 0, 0), axis_name='i')(y)",
    "all_to_all_1_0": "vmap(lambda r: lax.all_to_all(r, 'i', 1, 0), axis_name='i')(z)",
    "all_to_all_tiled": "vmap(lambda r: lax.all_to_all(r, 'i', 0, 1, tiled=True), axis_name='i')(w)",
    "nested": "vmap(vmap(lambda r: lax.psum(r, ('i', 'j')), axis_name='j'), axis_name='i')(x)",
    "nested_inner": "vmap(vmap(lambda r: lax.psum(r, 'i'), axis_name='j'), axis_name='i')(x)",
    "grad_psum": "vmap(jax.grad(lambda r: lax.psum(r * r, 'i').sum()), axis_name='i')(x)",
    "jit_inside": "vmap(jax.jit(lambda r: lax.psum(r, 'i')), axis_name='i')(x)",
}
INPUTS = {
    "x": X,
    "y": np.arange(4 * 4 * 2, dtype=np.float32).reshape(4, 4, 2),
    "z": np.arange(4 * 3 * 4, dtype=np.float32).reshape(4, 3, 4),
    "w": np.arange(4 * 8 * 3, dtype=np.float32).reshape(4, 8, 3),
}


@pytest.fixture(scope="module")
def want(oracle):
    code = "vmap = jax.vmap\nout = {}\nfor k, v in cases.items():\n    out[k] = eval(v)"
    return oracle.exec(code, cases=CASES, **INPUTS)


@pytest.mark.parametrize("name", sorted(CASES))
def test_collective_matches_jax(want, name):
    env = {"vmap": xjax.vmap, "lax": lax, "jax": xjax, **INPUTS}
    got = eval(CASES[name], env)
    assert_matches(got, want[name], rtol=1e-6, atol=1e-6)


def test_unbound_axis_name_errors():
    with pytest.raises(NameError, match="unbound axis name: i"):
        lax.psum(np.float32(1), "i")
    with pytest.raises(NameError, match="unbound axis name: k"):
        xjax.vmap(lambda r: lax.psum(r, "k"), axis_name="i")(X)
    with pytest.raises(NameError, match="unbound"):
        xjax.jit(lambda r: lax.axis_index("i"))(X)


def test_ppermute_under_vmap_needs_a_full_permutation():
    with pytest.raises(ValueError, match="full permutation"):
        xjax.vmap(lambda r: lax.ppermute(r, "i", [(0, 2), (1, 0)]), axis_name="i")(X)
