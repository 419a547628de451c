"""Jaxpr pretty-printing in JAX's textual form."""

from __future__ import annotations

from typing import Any

import enum

import numpy as np

from xjax._src import core


def _var_names() -> Any:
    letters = "abcdefghijklmnopqrstuvwxyz"

    def gen(n: int) -> str:
        s = ""
        n += 1
        while n:
            n, r = divmod(n - 1, 26)
            s = letters[r] + s
        return s

    names: dict[core.Var, str] = {}

    def name(v: core.Atom) -> str:
        if isinstance(v, core.Literal):
            val = v.val
            if isinstance(val, (np.ndarray, np.generic)):
                val = val.item() if np.ndim(val) == 0 else val
            return f"{val}:{v.aval.str_short()}"
        if isinstance(v, core.DropVar):
            return "_"
        if v not in names:
            names[v] = gen(len(names)) + v.suffix
        return names[v]

    return name


def _pp_param(v: Any, indent: int, name: Any) -> str:
    if isinstance(v, core.ClosedJaxpr):
        return _pp(v.jaxpr, indent + 4, name)
    if isinstance(v, core.Jaxpr):
        return _pp(v, indent + 4, name)
    if isinstance(v, np.dtype):
        return v.name
    if isinstance(v, enum.IntEnum):
        return str(int(v))
    if isinstance(v, tuple) and v and all(isinstance(x, core.ClosedJaxpr) for x in v):
        return "(" + ", ".join(_pp(x.jaxpr, indent + 4, name) for x in v) + ")"
    return repr(v) if not isinstance(v, str) else v


def _pp(jaxpr: core.Jaxpr, indent: int, name: Any) -> str:
    def binder(v: core.Var) -> str:
        return f"{name(v)}:{v.aval.str_short()}"

    consts = " ".join(map(binder, jaxpr.constvars))
    ins = " ".join(map(binder, jaxpr.invars))
    pad = " " * (indent + 4)
    lines = []
    for eqn in jaxpr.eqns:
        outs = " ".join(map(binder, eqn.outvars)) if eqn.outvars else "()"
        params = ""
        if eqn.params:
            params = (
                "["
                + " ".join(f"{k}={_pp_param(v, indent + 4, name)}" for k, v in sorted(eqn.params.items()))
                + "]"
            )
        args = " ".join(map(name, eqn.invars))
        lines.append(f"{pad}{outs} = {eqn.primitive.name}{params} {args}".rstrip())
    outs = ", ".join(map(name, jaxpr.outvars))
    outs = f"({outs},)" if len(jaxpr.outvars) == 1 else f"({outs})"
    head = f"{{ lambda {consts}; {ins}. let"
    if not lines:
        return f"{head} in {outs} }}"
    body = "\n".join(lines)
    return f"{head}\n{body}\n{' ' * (indent + 2)}in {outs} }}"


def pp_jaxpr(jaxpr: core.Jaxpr) -> str:
    """JAX's textual form: `{ lambda ; a:f32[3]. let b:f32[3] = sin a in (b,) }`."""
    return _pp(jaxpr, 0, _var_names())
