"""Small strict helpers shared across the package."""

from __future__ import annotations

import builtins
from typing import Any, Callable, Iterable, Sequence, TypeVar

T = TypeVar("T")


def safe_zip(*seqs: Sequence[Any]) -> list[tuple]:
    n = len(seqs[0])
    for s in seqs[1:]:
        assert len(s) == n, (n, len(s))
    return list(builtins.zip(*seqs))


def safe_map(f: Callable[..., T], *seqs: Sequence[Any]) -> list[T]:
    n = len(seqs[0])
    for s in seqs[1:]:
        assert len(s) == n, (n, len(s))
    return list(builtins.map(f, *seqs))


def unzip2(pairs: Iterable[tuple[Any, Any]]) -> tuple[list, list]:
    a, b = [], []
    for x, y in pairs:
        a.append(x)
        b.append(y)
    return a, b


def split_list(xs: Sequence[T], sizes: Sequence[int]) -> list[list[T]]:
    out, i = [], 0
    for n in sizes:
        out.append(list(xs[i : i + n]))
        i += n
    out.append(list(xs[i:]))
    return out


def partition_list(flags: Sequence[bool], xs: Sequence[T]) -> tuple[list[T], list[T]]:
    assert len(flags) == len(xs), (len(flags), len(xs))
    no, yes = [], []
    for f, x in builtins.zip(flags, xs):
        (yes if f else no).append(x)
    return no, yes


def merge_lists(flags: Sequence[bool], no: Sequence[T], yes: Sequence[T]) -> list[T]:
    it_no, it_yes = iter(no), iter(yes)
    out = [next(it_yes) if f else next(it_no) for f in flags]
    assert next(it_no, None) is None and next(it_yes, None) is None
    return out


def prod(xs: Iterable[int]) -> int:
    p = 1
    for x in xs:
        p *= int(x)
    return p


def canonicalize_axis(axis: Any, ndim: int, fn: str = "", name: str = "axis") -> int:
    """A user axis (possibly negative) as a non-negative int, or a clear error."""
    try:
        a = int(axis.__index__())
    except (AttributeError, TypeError):
        raise TypeError(f"{fn}: {name} must be an integer, got {axis!r}") from None
    if not -ndim <= a < ndim:
        raise ValueError(f"{fn}: {name} {a} is out of bounds for array of dimension {ndim}")
    return a + ndim if a < 0 else a


def canonicalize_axes(axes: Any, ndim: int, fn: str = "", name: str = "axis") -> tuple[int, ...]:
    """A user axis spec (None, int or sequence) as a sorted tuple of distinct non-negative ints."""
    if axes is None:
        return tuple(range(ndim))
    if not isinstance(axes, (tuple, list)):
        axes = (axes,)
    out = tuple(canonicalize_axis(a, ndim, fn, name) for a in axes)
    if len(set(out)) != len(out):
        raise ValueError(f"{fn}: repeated {name} in {tuple(axes)}")
    return tuple(sorted(out))


def fn_name(f: Any) -> str:
    """A readable name for a traced function: qualname (file:line)."""
    name = getattr(f, "__qualname__", None) or getattr(f, "__name__", None) or repr(f)
    code = getattr(f, "__code__", None)
    if code is not None:
        return f"{name} at {code.co_filename}:{code.co_firstlineno}"
    return name
