"""Jaxpr -> StableHLO MLIR text. One rule per primitive (`prim.lower`), emitted in MLIR's
generic operation syntax, which is uniform and needs no per-op printer.

A rule is `rule(ctx, *operands, **params) -> name | [names]`: operands are SSA value names,
`ctx.avals_in` / `ctx.avals_out` give the types, `ctx.op(...)` emits an operation.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from xjax._src import core, dtypes
from xjax._src.core import Jaxpr, Literal, ShapedArray
from xjax._src.errors import MissingRuleError


def ttype(aval: ShapedArray) -> str:
    """MLIR tensor type of an aval: tensor<3x4xf32>, tensor<i1>."""
    el = dtypes.mlir_type(aval.dtype)
    if not aval.shape:
        return f"tensor<{el}>"
    return f"tensor<{'x'.join(map(str, aval.shape))}x{el}>"


def i64_array(xs: Sequence[int]) -> str:
    """A `array<i64: ...>` attribute."""
    return f"array<i64{': ' if len(xs) else ''}{', '.join(str(int(x)) for x in xs)}>"


def dense_i64(xs: Sequence[int], shape: Sequence[int] | None = None) -> str:
    """A dense i64 elements attribute (`dense<[..]> : tensor<Nxi64>`)."""
    xs = [int(x) for x in xs]
    shape = (len(xs),) if shape is None else tuple(shape)
    ty = "x".join(map(str, shape))
    if not xs:
        return f"dense<> : tensor<{ty}{'x' if shape else ''}i64>"
    body = np.array(xs, np.int64).reshape(shape).tolist()
    return f"dense<{body}> : tensor<{ty}{'x' if shape else ''}i64>"


def _scalar_literal(x: Any, dtype: np.dtype) -> str:
    if dtype == dtypes.bool_:
        return "true" if bool(x) else "false"
    if dtypes.is_integer(dtype):
        return str(int(x))
    if dtypes.is_complex(dtype):
        part = dtypes.real_dtype(dtype)
        c = np.asarray(x, dtype)
        return f"({_float_hex(c.real, part)}, {_float_hex(c.imag, part)})"
    return _float_hex(x, dtype)


def _float_hex(x: Any, dtype: np.dtype) -> str:
    bits = np.asarray(x, dtype).reshape(()).view(f"u{dtype.itemsize}")
    return f"0x{int(bits):0{2 * dtype.itemsize}X}"


def dense_attr(value: Any, aval: ShapedArray) -> str:
    """`dense<...> : tensor<...>` holding `value` exactly (splats inline, else raw hex bytes)."""
    arr = np.asarray(value, aval.dtype)
    if arr.shape != aval.shape:
        arr = np.broadcast_to(arr, aval.shape)
    flat = np.ascontiguousarray(arr).reshape(-1)
    if flat.size == 0:
        return f"dense<> : {ttype(aval)}" if aval.shape else f"dense<0> : {ttype(aval)}"
    if flat.size == 1 or (flat == flat[0]).all() and not _has_nan_mix(flat):
        return f"dense<{_scalar_literal(flat[0], aval.dtype)}> : {ttype(aval)}"
    raw = np.ascontiguousarray(flat).astype(flat.dtype.newbyteorder("<"), copy=False).tobytes()
    return f'dense<"0x{raw.hex().upper()}"> : {ttype(aval)}'


def _has_nan_mix(flat: np.ndarray) -> bool:
    # NaN payloads differ bitwise though `==` says nothing; compare bits for inexact types.
    if flat.dtype.kind in "fc" or flat.dtype == dtypes.bfloat16:
        b = flat.view(f"u{flat.dtype.itemsize}") if flat.dtype.kind != "c" else flat.view("u8")
        return not (b == b[0]).all()
    return False


class FunctionBuilder:
    """Emits the body of one func.func; SSA names are unique within it."""

    def __init__(self, module: ModuleBuilder):
        self.module = module
        self.lines: list[str] = []
        self.counter = 0

    def fresh(self) -> str:
        self.counter += 1
        return f"%{self.counter}"

    def emit(self, line: str) -> None:
        self.lines.append(line)


class ModuleBuilder:
    def __init__(self, name: str = "xjax_module"):
        self.name = name
        self.funcs: list[str] = []
        self.attrs: dict[str, str] = {}

    def text(self) -> str:
        attrs = ""
        if self.attrs:
            attrs = " attributes {" + ", ".join(f"{k} = {v}" for k, v in self.attrs.items()) + "}"
        return f"module @{self.name}{attrs} {{\n" + "\n".join(self.funcs) + "\n}\n"


class LoweringRuleContext:
    """What a lowering rule sees: its function builder and the equation's avals."""

    __slots__ = ("fn", "avals_in", "avals_out")

    def __init__(self, fn: FunctionBuilder, avals_in: Sequence[ShapedArray], avals_out: Sequence[ShapedArray]):
        self.fn = fn
        self.avals_in = avals_in
        self.avals_out = avals_out

    def op(
        self,
        name: str,
        operands: Sequence[str],
        results: ShapedArray | Sequence[ShapedArray] | None = None,
        attrs: str | dict[str, str] = "",
        regions: Sequence[str] = (),
        operand_avals: Sequence[ShapedArray] | None = None,
    ) -> Any:
        """Emits `"name"(operands) ({regions}) {attrs} : (types) -> types`.

        `results` defaults to the equation's single output aval; a list gives a list of names.
        `operand_avals` defaults to the equation's input avals.
        """
        single = results is None or isinstance(results, ShapedArray)
        res_avals = [self.avals_out[0] if results is None else results] if single else list(results)
        in_avals = self.avals_in if operand_avals is None else operand_avals
        assert len(in_avals) == len(operands), (name, len(in_avals), len(operands))
        return emit_op(self.fn, name, operands, in_avals, res_avals, attrs, regions, single)

    def constant(self, value: Any, aval: ShapedArray) -> str:
        return constant(self.fn, value, aval)

    def region(
        self,
        arg_avals: Sequence[ShapedArray],
        out_avals: Sequence[ShapedArray],
        body: Callable[..., Sequence[str]],
    ) -> str:
        return region(self.fn, arg_avals, out_avals, body)

    def sub(self, avals_in: Sequence[ShapedArray], avals_out: Sequence[ShapedArray]) -> LoweringRuleContext:
        """A context with other avals (for rules that emit several ops)."""
        return LoweringRuleContext(self.fn, avals_in, avals_out)


def emit_op(
    fn: FunctionBuilder,
    name: str,
    operands: Sequence[str],
    in_avals: Sequence[ShapedArray],
    res_avals: Sequence[ShapedArray],
    attrs: str | dict[str, str] = "",
    regions: Sequence[str] = (),
    single: bool = True,
) -> Any:
    if isinstance(attrs, dict):
        attrs = ", ".join(f"{k} = {v}" for k, v in attrs.items())
    attr_s = f" {{{attrs}}}" if attrs else ""
    reg_s = f" ({', '.join(regions)})" if regions else ""
    sig = f"({', '.join(ttype(a) for a in in_avals)}) -> "
    if len(res_avals) == 1:
        sig += ttype(res_avals[0])
    else:
        sig += f"({', '.join(ttype(a) for a in res_avals)})"
    ops = ", ".join(operands)
    n = len(res_avals)
    if n == 0:
        fn.emit(f'"{name}"({ops}){reg_s}{attr_s} : {sig}')
        return []
    r = fn.fresh()
    lhs = r if n == 1 else f"{r}:{n}"
    fn.emit(f'{lhs} = "{name}"({ops}){reg_s}{attr_s} : {sig}')
    if n == 1:
        return r if single else [r]
    return [f"{r}#{i}" for i in range(n)]


def constant(fn: FunctionBuilder, value: Any, aval: ShapedArray) -> str:
    r = fn.fresh()
    fn.emit(f'{r} = "stablehlo.constant"() {{value = {dense_attr(value, aval)}}} : () -> {ttype(aval)}')
    return r


def region(
    fn: FunctionBuilder,
    arg_avals: Sequence[ShapedArray],
    out_avals: Sequence[ShapedArray],
    body: Callable[..., Sequence[str]],
) -> str:
    """A single-block region; `body(*arg_names)` emits ops and returns the values to return."""
    saved = fn.lines
    fn.lines = []
    args = [fn.fresh() for _ in arg_avals]
    outs = list(body(*args))
    types = ", ".join(ttype(a) for a in out_avals)
    fn.emit(f'"stablehlo.return"({", ".join(outs)}) : ({types}) -> ()')
    inner, fn.lines = fn.lines, saved
    head = "^bb0(" + ", ".join(f"{a}: {ttype(v)}" for a, v in zip(args, arg_avals)) + "):"
    return "{\n" + head + "\n" + "\n".join("  " + ln for ln in inner) + "\n}"


def jaxpr_subcomp(fn: FunctionBuilder, jaxpr: Jaxpr, consts: Sequence[Any], args: Sequence[str]) -> list[str]:
    """Emits `jaxpr`'s equations into `fn`; consts are host values inlined as constants."""
    env: dict[core.Var, str] = {}

    def read(v: Any) -> str:
        if type(v) is Literal:
            return constant(fn, v.val, v.aval)
        return env[v]

    for v, c in zip(jaxpr.constvars, consts, strict=True):
        env[v] = constant(fn, np.asarray(c), v.aval)
    for v, a in zip(jaxpr.invars, args, strict=True):
        env[v] = a
    for eqn in jaxpr.eqns:
        prim = eqn.primitive
        if prim.lower is None:
            raise MissingRuleError(prim.name, "lowering")
        ctx = LoweringRuleContext(fn, [v.aval for v in eqn.invars], [v.aval for v in eqn.outvars])
        outs = prim.lower(ctx, *map(read, eqn.invars), **eqn.params)
        if not prim.multiple_results:
            outs = [outs]
        for v, o in zip(eqn.outvars, outs, strict=True):
            env[v] = o
    return [read(v) for v in jaxpr.outvars]


def lower_jaxpr(
    jaxpr: Jaxpr,
    consts: Sequence[Any] = (),
    *,
    name: str = "xjax_module",
    arg_attrs: Sequence[str] | None = None,
) -> str:
    """A StableHLO module whose `main` computes `jaxpr` (constvars inlined from `consts`)."""
    module = ModuleBuilder(_sanitize(name))
    fn = FunctionBuilder(module)
    args = [f"%arg{i}" for i in range(len(jaxpr.invars))]
    outs = jaxpr_subcomp(fn, jaxpr, consts, args)
    out_types = [ttype(v.aval) for v in jaxpr.outvars]
    fn.emit(f'"func.return"({", ".join(outs)}) : ({", ".join(out_types)}) -> ()')
    params = []
    for i, (a, v) in enumerate(zip(args, jaxpr.invars)):
        extra = f" {{{arg_attrs[i]}}}" if arg_attrs and arg_attrs[i] else ""
        params.append(f"{a}: {ttype(v.aval)}{extra}")
    ret = f"({', '.join(out_types)})"
    body = "\n".join("    " + ln for ln in fn.lines)
    module.funcs.append(f"  func.func public @main({', '.join(params)}) -> {ret} {{\n{body}\n  }}")
    return module.text()


def _sanitize(name: str) -> str:
    s = "".join(c if c.isalnum() or c == "_" else "_" for c in name)
    return s if s and not s[0].isdigit() else f"m_{s}"
