"""Contractions: matmul, dot, tensordot, einsum (greedy pairwise order), trace, diagonal..."""

from __future__ import annotations

import itertools
import string
from collections.abc import Sequence
from typing import Any

import numpy as np

import xjax.lax as lax
from xjax._src import core, dtypes
from xjax._src.numpy import util
from xjax._src.numpy.manipulation import (
    _axis,
    _shape,
    asarray,
    axis_tuple,
    broadcast_to,
    moveaxis,
    ravel,
    reshape,
    slice_axis,
    static_int,
    transpose,
    unstack,
)
from xjax._src.util import prod

__all__ = [
    "matmul",
    "dot",
    "vdot",
    "vecdot",
    "inner",
    "outer",
    "tensordot",
    "kron",
    "einsum",
    "einsum_path",
    "cross",
    "trace",
    "diagonal",
]


def _promote(fn: str, *args: Any, preferred_element_type: Any = None) -> list[Any]:
    util.check_arraylike(fn, *args)
    args = util.promote_dtypes(*args)
    return [asarray(a, fn) for a in args]


def _pet(preferred_element_type: Any, fn: str) -> Any:
    return None if preferred_element_type is None else dtypes.check_user_dtype(preferred_element_type, fn)


def _conj(x: Any) -> Any:
    if dtypes.is_complex(core.get_aval(x).dtype):
        return lax.conj(x)
    return x


def _dot_general(a: Any, b: Any, dims: Any, precision: Any, pet: Any) -> Any:
    return lax.dot_general(a, b, dims, precision=precision, preferred_element_type=pet)


def matmul(a: Any, b: Any, *, precision: Any = None, preferred_element_type: Any = None,
           out_sharding: Any = None) -> Any:
    """xjax implementation of `numpy.matmul`.

    Leading (batch) dimensions broadcast; a 1-D operand is a vector (its axis is removed from
    the result). Lowers to one `dot_general` with batch dimensions (plus a transpose where size-1
    batch dimensions broadcast).
    """
    fn = "jnp.matmul"
    a, b = _promote(fn, a, b)
    pet = _pet(preferred_element_type, fn)
    sa, sb = _shape(a), _shape(b)
    for i, s in enumerate((sa, sb)):
        if len(s) == 0:
            raise ValueError(f"{fn}: Input operand {i} does not have enough dimensions: "
                             f"matmul requires operands of at least 1 dimension, got shapes {sa} and {sb}")
    a_vec, b_vec = len(sa) == 1, len(sb) == 1
    if a_vec:
        a, sa = reshape(a, (1,) + sa), (1,) + sa
    if b_vec:
        b, sb = reshape(b, sb + (1,)), sb + (1,)
    if sa[-1] != sb[-2]:
        raise TypeError(f"{fn}: contracting dimension mismatch: a has shape {_shape(a)} and b has "
                        f"shape {_shape(b)} (a.shape[-1] != b.shape[-2])")
    ba, bb = sa[:-2], sb[:-2]
    nb = max(len(ba), len(bb))
    pa, pb = (1,) * (nb - len(ba)) + ba, (1,) * (nb - len(bb)) + bb
    # each batch position: shared (batch dim of dot_general), a-only, or b-only (the other is 1/absent)
    a_keep, b_keep, kinds = [], [], []
    for i, (x, y) in enumerate(zip(pa, pb)):
        ia, ib = i - (nb - len(ba)), i - (nb - len(bb))
        if x == y and ia >= 0 and ib >= 0:
            kinds.append("batch")
            a_keep.append(ia)
            b_keep.append(ib)
        elif x == y == 1:
            kinds.append("a" if ia >= 0 else "b")
            (a_keep if ia >= 0 else b_keep).append(ia if ia >= 0 else ib)
        elif y == 1:
            kinds.append("a")
            a_keep.append(ia)
        elif x == 1:
            kinds.append("b")
            b_keep.append(ib)
        else:
            raise ValueError(f"{fn}: Incompatible shapes for broadcasting: batch dimensions of "
                             f"{_shape(a) if not a_vec else sa[1:]} and {sb if not b_vec else sb[:-1]}")
    # squeeze the batch dims that broadcast away
    ra = [i for i in range(len(ba)) if i not in a_keep]
    rb = [i for i in range(len(bb)) if i not in b_keep]
    if ra:
        a = lax.reshape(a, tuple(d for i, d in enumerate(sa) if i not in ra))
    if rb:
        b = lax.reshape(b, tuple(d for i, d in enumerate(sb) if i not in rb))
    # new positions of kept dims
    pos_a = {d: j for j, d in enumerate(sorted(a_keep))}
    pos_b = {d: j for j, d in enumerate(sorted(b_keep))}
    na, nbk = len(a_keep), len(b_keep)
    batch_pairs = [(pos_a[ia], pos_b[ib]) for k, ia, ib in _zip_batch(kinds, a_keep, b_keep)]
    lb = tuple(p for p, _ in batch_pairs)
    rbd = tuple(p for _, p in batch_pairs)
    out = _dot_general(a, b, (((na + 1,), (nbk,)), (lb, rbd)), precision, pet)
    # output order of dot_general: batch, a free (a-only batch..., m), b free (b-only batch..., n)
    nbatch = len(lb)
    a_only = [i for i, k in enumerate(kinds) if k == "a"]
    b_only = [i for i, k in enumerate(kinds) if k == "b"]
    batch_i = [i for i, k in enumerate(kinds) if k == "batch"]
    src = {}
    for j, i in enumerate(batch_i):
        src[i] = j
    for j, i in enumerate(a_only):
        src[i] = nbatch + j
    m_pos = nbatch + len(a_only)
    for j, i in enumerate(b_only):
        src[i] = m_pos + 1 + j
    n_pos = m_pos + 1 + len(b_only)
    perm = [src[i] for i in range(len(kinds))] + [m_pos, n_pos]
    if perm != list(range(len(perm))):
        out = lax.transpose(out, tuple(perm))
    oshape = _shape(out)
    if a_vec or b_vec:
        out = lax.reshape(out, oshape[:-2] + (() if a_vec else oshape[-2:-1]) + (() if b_vec else oshape[-1:]))
    return out


def _zip_batch(kinds: list[str], a_keep: list[int], b_keep: list[int]) -> Any:
    ai = iter(a_keep)
    bi = iter(b_keep)
    for k in kinds:
        if k == "batch":
            yield k, next(ai), next(bi)
        elif k == "a":
            next(ai)
        else:
            next(bi)


def dot(a: Any, b: Any, *, precision: Any = None, preferred_element_type: Any = None,
        out_sharding: Any = None) -> Any:
    """xjax implementation of `numpy.dot`."""
    fn = "jnp.dot"
    a, b = _promote(fn, a, b)
    pet = _pet(preferred_element_type, fn)
    sa, sb = _shape(a), _shape(b)
    if len(sa) == 0 or len(sb) == 0:
        out = lax.mul(a, b) if sa == sb else _mul_bcast(a, b)
        return out if pet is None else lax.convert_element_type(out, pet)
    cb = 0 if len(sb) == 1 else len(sb) - 2
    if sa[-1] != sb[cb]:
        raise TypeError(f"{fn}: shapes {sa} and {sb} are not aligned: dimension {len(sa) - 1} of a "
                        f"({sa[-1]}) != dimension {cb} of b ({sb[cb]})")
    return _dot_general(a, b, (((len(sa) - 1,), (cb,)), ((), ())), precision, pet)


def _mul_bcast(a: Any, b: Any) -> Any:
    shape = util.broadcast_shapes(_shape(a), _shape(b))
    return lax.mul(broadcast_to(a, shape), broadcast_to(b, shape))


def vdot(a: Any, b: Any, *, precision: Any = None, preferred_element_type: Any = None) -> Any:
    """xjax implementation of `numpy.vdot`: conj(a).ravel() @ b.ravel()."""
    fn = "jnp.vdot"
    a, b = _promote(fn, a, b)
    a, b = ravel(a), ravel(b)
    if _shape(a) != _shape(b):
        raise TypeError(f"{fn}: arguments must have the same size, got {_shape(a)} and {_shape(b)}")
    return _dot_general(_conj(a), b, (((0,), (0,)), ((), ())), precision,
                        _pet(preferred_element_type, fn))


def vecdot(x1: Any, x2: Any, /, *, axis: int = -1, precision: Any = None,
           preferred_element_type: Any = None) -> Any:
    """xjax implementation of `numpy.vecdot` (Array API): sum(conj(x1) * x2, axis)."""
    fn = "jnp.vecdot"
    x1, x2 = _promote(fn, x1, x2)
    s1, s2 = _shape(x1), _shape(x2)
    a1 = _axis(axis, len(s1), fn)
    a2 = _axis(axis, len(s2), fn)
    if s1[a1] != s2[a2]:
        raise ValueError(f"{fn}: axes must match, got x1.shape[{axis}]={s1[a1]} and "
                         f"x2.shape[{axis}]={s2[a2]}")
    x1, x2 = moveaxis(x1, a1, -1), moveaxis(x2, a2, -1)
    bshape = util.broadcast_shapes(_shape(x1)[:-1], _shape(x2)[:-1], fn=fn)
    k = s1[a1]
    x1, x2 = broadcast_to(x1, bshape + (k,)), broadcast_to(x2, bshape + (k,))
    nb = len(bshape)
    return _dot_general(_conj(x1), x2, (((nb,), (nb,)), (tuple(range(nb)), tuple(range(nb)))),
                        precision, _pet(preferred_element_type, fn))


def inner(a: Any, b: Any, *, precision: Any = None, preferred_element_type: Any = None) -> Any:
    """xjax implementation of `numpy.inner`: contracts the last axes."""
    fn = "jnp.inner"
    a, b = _promote(fn, a, b)
    sa, sb = _shape(a), _shape(b)
    if len(sa) == 0 or len(sb) == 0:
        return dot(a, b, precision=precision, preferred_element_type=preferred_element_type)
    if sa[-1] != sb[-1]:
        raise TypeError(f"{fn}: last dimensions must match, got shapes {sa} and {sb}")
    return _dot_general(a, b, (((len(sa) - 1,), (len(sb) - 1,)), ((), ())), precision,
                        _pet(preferred_element_type, fn))


def outer(a: Any, b: Any, out: None = None) -> Any:
    """xjax implementation of `numpy.outer`."""
    fn = "jnp.outer"
    if out is not None:
        raise NotImplementedError(f"{fn}: the `out` argument is not supported")
    a, b = _promote(fn, a, b)
    a, b = ravel(a), ravel(b)
    shape = (_shape(a)[0], _shape(b)[0])
    return lax.mul(lax.broadcast_in_dim(a, shape, (0,)), lax.broadcast_in_dim(b, shape, (1,)))


def tensordot(a: Any, b: Any, axes: int | Sequence[Any] = 2, *, precision: Any = None,
              preferred_element_type: Any = None) -> Any:
    """xjax implementation of `numpy.tensordot`."""
    fn = "jnp.tensordot"
    a, b = _promote(fn, a, b)
    sa, sb = _shape(a), _shape(b)
    if isinstance(axes, (int, np.integer)) or (np.ndim(axes) == 0 and not isinstance(axes, (list, tuple))):
        n = static_int(axes, fn, "axes")
        if n < 0 or n > min(len(sa), len(sb)):
            raise TypeError(f"{fn}: number of contracting dimensions {n} must be between 0 and "
                            f"the operand ranks, got shapes {sa} and {sb}")
        ca, cb = tuple(range(len(sa) - n, len(sa))), tuple(range(n))
    elif isinstance(axes, (list, tuple)) and len(axes) == 2:
        xa, xb = axes
        xa = (xa,) if np.ndim(xa) == 0 else tuple(xa)
        xb = (xb,) if np.ndim(xb) == 0 else tuple(xb)
        if len(xa) != len(xb):
            raise TypeError(f"{fn}: axes lists must have equal length, got {xa} and {xb}")
        ca, cb = axis_tuple(xa, len(sa), fn, "axes"), axis_tuple(xb, len(sb), fn, "axes")
    else:
        raise TypeError(f"{fn}: axes must be an int or a pair of sequences, got {axes!r}")
    for i, j in zip(ca, cb):
        if sa[i] != sb[j]:
            raise TypeError(f"{fn}: shape mismatch on contracted axes: a{sa} axis {i} vs b{sb} axis {j}")
    return _dot_general(a, b, ((ca, cb), ((), ())), precision, _pet(preferred_element_type, fn))


def kron(a: Any, b: Any) -> Any:
    """xjax implementation of `numpy.kron`."""
    fn = "jnp.kron"
    a, b = _promote(fn, a, b)
    sa, sb = _shape(a), _shape(b)
    nd = max(len(sa), len(sb))
    sa, sb = (1,) * (nd - len(sa)) + sa, (1,) * (nd - len(sb)) + sb
    big = tuple(x for p in zip(sa, sb) for x in p)
    a2 = lax.broadcast_in_dim(reshape(a, sa), big, tuple(range(0, 2 * nd, 2)))
    b2 = lax.broadcast_in_dim(reshape(b, sb), big, tuple(range(1, 2 * nd, 2)))
    return reshape(lax.mul(a2, b2), tuple(x * y for x, y in zip(sa, sb)))


# ---------------------------------------------------------------------------
# einsum


def _parse_interleaved(args: Sequence[Any]) -> tuple[str, list[Any]]:
    args = list(args)
    out_sub = args.pop() if len(args) % 2 == 1 else None
    ops, subs = args[0::2], args[1::2]
    letters = {}

    def name(i: Any) -> str:
        if i is Ellipsis:
            return "..."
        i = int(i)
        if i not in letters:
            letters[i] = string.ascii_letters[len(letters)]
        return letters[i]

    # numeric labels map to letters by sorted value (as numpy) so that implicit output order matches
    for i in sorted({int(i) for s in subs + ([out_sub] if out_sub is not None else [])
                     for i in s if i is not Ellipsis}):
        name(i)
    expr = ",".join("".join(name(i) for i in s) for s in subs)
    if out_sub is not None:
        expr += "->" + "".join(name(i) for i in out_sub)
    return expr, ops


def _parse_subscripts(fn: str, subscripts: str, shapes: list[tuple[int, ...]]) -> tuple[list[str], str]:
    subscripts = subscripts.replace(" ", "")
    if "->" in subscripts:
        lhs, out = subscripts.split("->")
        explicit = True
    else:
        lhs, out, explicit = subscripts, "", False
    ins = lhs.split(",")
    if len(ins) != len(shapes):
        raise ValueError(f"{fn}: {len(ins)} operand subscripts given for {len(shapes)} operands in {subscripts!r}")
    used = set(c for s in ins for c in s if c.isalpha())
    free = [c for c in string.ascii_letters if c not in used]
    ell_nd = 0
    for s, shp in zip(ins, shapes):
        if "..." in s:
            ell_nd = max(ell_nd, len(shp) - (len(s) - 3))
    ell = "".join(free[-ell_nd:]) if ell_nd else ""
    res = []
    for s, shp in zip(ins, shapes):
        if "..." in s:
            k = len(shp) - (len(s) - 3)
            if k < 0:
                raise ValueError(f"{fn}: operand of shape {shp} has too few dimensions for {s!r}")
            s = s.replace("...", ell[len(ell) - k:] if k else "")
        if any(not c.isalpha() for c in s):
            raise ValueError(f"{fn}: invalid subscript characters in {subscripts!r}")
        if len(s) != len(shp):
            raise ValueError(f"{fn}: einstein sum subscripts string {s!r} does not contain the correct "
                             f"number of indices for an operand of shape {shp}")
        res.append(s)
    if explicit:
        out = out.replace("...", ell)
        for c in out:
            if c not in used and c not in ell:
                raise ValueError(f"{fn}: output subscript {c!r} does not appear in the input subscripts")
    else:
        counts = {}
        for s in res:
            for c in s:
                counts[c] = counts.get(c, 0) + 1
        out = ell + "".join(sorted(c for c in counts if counts[c] == 1 and c not in ell))
    return res, out


def _diag_pair(x: Any, s: str, c: str) -> tuple[Any, str]:
    """Takes the diagonal of the first two occurrences of label `c` in operand `x` (subscripts `s`)."""
    i = s.index(c)
    j = s.index(c, i + 1)
    rest = [k for k in range(len(s)) if k not in (i, j)]
    x = transpose(x, tuple(rest) + (i, j))
    shp = _shape(x)
    n = shp[-1]
    x = reshape(x, shp[:-2] + (n * n,))
    x = slice_axis(x, 0, n * n, len(shp) - 2, n + 1) if n > 1 else x
    return x, "".join(s[k] for k in rest) + c


def _sum(x: Any, axes: tuple[int, ...]) -> Any:
    return lax.reduce_sum(x, axes) if axes else x


def _greedy_path(subs: list[str], out: str, sizes: dict[str, int], optimize: Any) -> list[tuple[int, int]]:
    subs = list(subs)
    path = []
    while len(subs) > 1:
        if optimize is False or optimize is None:
            pair = (0, 1)
        else:
            best = None
            for i, j in itertools.combinations(range(len(subs)), 2):
                others = set(out).union(*(subs[k] for k in range(len(subs)) if k not in (i, j)))
                res = [c for c in dict.fromkeys(subs[i] + subs[j]) if c in others]
                cost = prod(sizes[c] for c in res) - prod(sizes[c] for c in set(subs[i])) \
                    - prod(sizes[c] for c in set(subs[j]))
                shared = len(set(subs[i]) & set(subs[j]))
                key = (cost, -shared, i, j)
                if best is None or key < best[0]:
                    best = (key, (i, j))
            pair = best[1]
        i, j = pair
        others = set(out).union(*(subs[k] for k in range(len(subs)) if k not in (i, j)))
        res = "".join(c for c in dict.fromkeys(subs[i] + subs[j]) if c in others)
        subs = [s for k, s in enumerate(subs) if k not in (i, j)] + [res]
        path.append(pair)
    return path


def _contract_pair(a: Any, sa: str, b: Any, sb: str, keep: set, precision: Any, pet: Any) -> tuple[Any, str]:
    batch = [c for c in sa if c in sb and c in keep]
    contract = [c for c in sa if c in sb and c not in keep]
    # labels only in one operand and not kept are summed first
    da = tuple(k for k, c in enumerate(sa) if c not in sb and c not in keep)
    db = tuple(k for k, c in enumerate(sb) if c not in sa and c not in keep)
    if da:
        a, sa = _sum(a, da), "".join(c for k, c in enumerate(sa) if k not in da)
    if db:
        b, sb = _sum(b, db), "".join(c for k, c in enumerate(sb) if k not in db)
    dims = ((tuple(sa.index(c) for c in contract), tuple(sb.index(c) for c in contract)),
            (tuple(sa.index(c) for c in batch), tuple(sb.index(c) for c in batch)))
    out = _dot_general(a, b, dims, precision, pet)
    fa = "".join(c for c in sa if c not in batch and c not in contract)
    fb = "".join(c for c in sb if c not in batch and c not in contract)
    return out, "".join(batch) + fa + fb


def _einsum_prepare(fn: str, subscripts: Any, operands: tuple) -> tuple[list[Any], list[str], str, dict]:
    if not isinstance(subscripts, str):
        subscripts, operands = _parse_interleaved((subscripts,) + tuple(operands))
    ops = list(operands)
    util.check_arraylike(fn, *ops)
    shapes = [core.get_aval(x).shape for x in ops]
    subs, out = _parse_subscripts(fn, subscripts, shapes)
    sizes: dict[str, int] = {}
    for s, shp in zip(subs, shapes):
        for c, d in zip(s, shp):
            if sizes.get(c, 1) not in (1, d) and d != 1:
                raise ValueError(f"{fn}: size of label {c!r} for operand of shape {shp} ({d}) does "
                                 f"not match previous terms ({sizes[c]}) in {subscripts!r}")
            sizes[c] = max(sizes.get(c, d), d) if d != 1 else sizes.get(c, 1)
    if len(set(out)) != len(out):
        raise ValueError(f"{fn}: output subscript string {out!r} includes a repeated label")
    return ops, subs, out, sizes


def einsum(subscripts: Any, /, *operands: Any, out: None = None, optimize: Any = "auto",
           precision: Any = None, preferred_element_type: Any = None, _dot_general: Any = None,
           out_sharding: Any = None) -> Any:
    """xjax implementation of `numpy.einsum`.

    Operands are contracted pairwise in a greedy order (smallest intermediate first); each
    pairwise step is one `dot_general` with batch dimensions.
    """
    fn = "jnp.einsum"
    if out is not None:
        raise NotImplementedError(f"{fn}: the `out` argument is not supported")
    ops, subs, res, sizes = _einsum_prepare(fn, subscripts, operands)
    pet = _pet(preferred_element_type, fn)
    ops = [asarray(x, fn) for x in util.promote_dtypes(*ops)]
    # per operand: squeeze broadcast size-1 labels, take diagonals, sum labels used nowhere else
    for k in range(len(ops)):
        x, s = ops[k], subs[k]
        drop = [i for i, c in enumerate(s) if _shape(x)[i] == 1 and sizes[c] != 1]
        if drop:
            x = reshape(x, tuple(d for i, d in enumerate(_shape(x)) if i not in drop))
            s = "".join(c for i, c in enumerate(s) if i not in drop)
        while len(set(s)) != len(s):
            c = next(c for c in s if s.count(c) > 1)
            x, s = _diag_pair(x, s, c)
        others = set(res).union(*(subs[j] for j in range(len(ops)) if j != k))
        red = tuple(i for i, c in enumerate(s) if c not in others)
        if red:
            x, s = _sum(x, red), "".join(c for i, c in enumerate(s) if i not in red)
        ops[k], subs[k] = x, s
    path = _greedy_path(subs, res, sizes, optimize)
    for i, j in path:
        keep = set(res).union(*(subs[k] for k in range(len(subs)) if k not in (i, j)))
        x, s = _contract_pair(ops[i], subs[i], ops[j], subs[j], keep, precision, pet)
        ops = [o for k, o in enumerate(ops) if k not in (i, j)] + [x]
        subs = [t for k, t in enumerate(subs) if k not in (i, j)] + [s]
    x, s = ops[0], subs[0]
    red = tuple(i for i, c in enumerate(s) if c not in res)
    if red:
        x, s = _sum(x, red), "".join(c for i, c in enumerate(s) if i not in red)
    for c in res:  # an output label absent from the operand (size-1 broadcast) is added back
        if c not in s:
            x, s = reshape(x, _shape(x) + (1,)), s + c
            x = broadcast_to(x, _shape(x)[:-1] + (sizes[c],))
    if s != res:
        x = transpose(x, tuple(s.index(c) for c in res))
    if pet is not None and core.get_aval(x).dtype != pet:
        x = lax.convert_element_type(x, pet)
    return x


def einsum_path(subscripts: Any, /, *operands: Any, optimize: Any = "greedy") -> tuple[list, str]:
    """xjax implementation of `numpy.einsum_path`: the pairwise contraction order and a report."""
    fn = "jnp.einsum_path"
    _, subs, res, sizes = _einsum_prepare(fn, subscripts, operands)
    path = _greedy_path(subs, res, sizes, optimize if optimize is not True else "greedy")
    lines = [f"  Complete contraction:  {','.join(subs)}->{res}",
             f"  Optimized path: {path}"]
    return path, "\n".join(lines)


# ---------------------------------------------------------------------------
# cross, trace, diagonal


def cross(a: Any, b: Any, axisa: int = -1, axisb: int = -1, axisc: int = -1, axis: int | None = None) -> Any:
    """xjax implementation of `numpy.cross`."""
    fn = "jnp.cross"
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = _promote(fn, a, b)
    a = moveaxis(a, _axis(axisa, len(_shape(a)), fn, "axisa"), -1)
    b = moveaxis(b, _axis(axisb, len(_shape(b)), fn, "axisb"), -1)
    if _shape(a)[-1] not in (2, 3) or _shape(b)[-1] not in (2, 3):
        raise ValueError(f"{fn}: incompatible dimensions for cross product (dimension must be 2 or 3), "
                         f"got {_shape(a)[-1]} and {_shape(b)[-1]}")
    shape = util.broadcast_shapes(_shape(a)[:-1], _shape(b)[:-1], fn=fn)
    a0 = [broadcast_to(c, shape) for c in unstack(a, axis=-1)]
    b0 = [broadcast_to(c, shape) for c in unstack(b, axis=-1)]
    zero = None
    if len(a0) == 2 or len(b0) == 2:
        zero = lax.sub(a0[0], a0[0])
    a0 = a0 + [zero] * (3 - len(a0))
    b0 = b0 + [zero] * (3 - len(b0))
    if len(unstack(a, axis=-1)) == 2 and len(unstack(b, axis=-1)) == 2:
        return lax.sub(lax.mul(a0[0], b0[1]), lax.mul(a0[1], b0[0]))
    c = [lax.sub(lax.mul(a0[1], b0[2]), lax.mul(a0[2], b0[1])),
         lax.sub(lax.mul(a0[2], b0[0]), lax.mul(a0[0], b0[2])),
         lax.sub(lax.mul(a0[0], b0[1]), lax.mul(a0[1], b0[0]))]
    from xjax._src.numpy.manipulation import stack

    nd = len(shape) + 1
    return stack(c, axis=_axis(axisc, nd, fn, "axisc"))


def diagonal(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
    """xjax implementation of `numpy.diagonal`: the diagonal becomes the last axis."""
    fn = "jnp.diagonal"
    a = asarray(a, fn)
    shp = _shape(a)
    if len(shp) < 2:
        raise ValueError(f"{fn}: diagonal requires an array of at least two dimensions, got shape {shp}")
    i, j = _axis(axis1, len(shp), fn, "axis1"), _axis(axis2, len(shp), fn, "axis2")
    if i == j:
        raise TypeError(f"{fn}: axis1 and axis2 must not be equal, got {axis1} and {axis2}")
    offset = static_int(offset, fn, "offset")
    rest = [k for k in range(len(shp)) if k not in (i, j)]
    x = transpose(a, tuple(rest) + (i, j))
    n, m = shp[i], shp[j]
    nd = len(rest)
    if offset >= 0:
        k = max(0, min(n, m - offset))
        x = slice_axis(slice_axis(x, 0, k, nd), min(offset, m), min(offset, m) + k, nd + 1)
    else:
        k = max(0, min(n + offset, m))
        x = slice_axis(slice_axis(x, min(-offset, n), min(-offset, n) + k, nd), 0, k, nd + 1)
    x = reshape(x, _shape(x)[:-2] + (k * k,))
    if k > 1:
        x = slice_axis(x, 0, k * k, nd, k + 1)
    return x


def trace(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1, dtype: Any = None, out: None = None) -> Any:
    """xjax implementation of `numpy.trace`: the sum along a diagonal."""
    fn = "jnp.trace"
    if out is not None:
        raise NotImplementedError(f"{fn}: the `out` argument is not supported")
    d = diagonal(a, offset, axis1, axis2)
    aval = core.get_aval(d)
    if dtype is not None:
        dt = dtypes.check_user_dtype(dtype, fn)
    elif dtypes.is_bool(aval.dtype) or (aval.dtype.kind == "i" and aval.dtype.itemsize < dtypes.default_int_dtype().itemsize):
        dt = dtypes.default_int_dtype()
    elif aval.dtype.kind == "u" and aval.dtype.itemsize < dtypes.default_uint_dtype().itemsize:
        dt = dtypes.default_uint_dtype()
    else:
        dt = aval.dtype
    if dt != aval.dtype:
        d = lax.convert_element_type(d, dt)
    return lax.reduce_sum(d, (aval.ndim - 1,))
