"""Which template type parameters of a CUDA answer's host code may be ``at::Tensor`` (honest round 14:
``template <typename T> T cdiv(T a, T b) { return (a + b - 1) / b; }`` called as ``cdiv<long long>(n, 256)``
was refused as tensor arithmetic), for :mod:`.cudatypes`.

A type parameter may be a tensor unless every template that declares it is a plain function template
(``template <typename T, ...> R name(params)``: no variadic pack, no default, not a member defined
outside its class, not an operator) whose every use is a call (``name(...)``, ``name<...>(...)``, a
launch ``name<...><<<...>>>(...)``) that instantiates it with no tensor: explicit template arguments
that are not tensor types, and, for the parameters they do not give, no possible tensor passed where a
parameter's type names one of them. Any other use (``&name``, ``(name)(x)``, a name given to a
``std::function``) deduces from what the checker does not read: fail closed. The caller iterates this
with its own names to the least fixed point. Imports: the standard library only."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from harness.families.kernels.static.cudadecl import top_args
from harness.families.kernels.static.cudaindirect import _balanced

if TYPE_CHECKING:
    from harness.families.kernels.static.cudatypes import HostTypes

_PARAM = re.compile(r"(?:‹|,)\s*(?:typename|class)\s*(\.\.\.)?\s*([A-Za-z_]\w*)\s*(=)?")


@dataclass(frozen=True)
class FunctionTemplate:
    name: str
    params: tuple[str, ...]  # the type parameters, in order
    at: int  # where its name stands in the declaration
    arguments: tuple[str, ...]  # the function's parameter declarations


def function_templates(code: str) -> tuple[list[FunctionTemplate], set[str]]:
    """The answer's plain function templates, and the type parameter names declared anywhere else
    (always possible tensors). ``code``: masked host code (template brackets as ``‹``/``›``)."""
    found: list[FunctionTemplate] = []
    inside: list[tuple[int, int]] = []
    for m in re.finditer(r"\btemplate\s*‹", code):
        end = _balanced(code, m.end() - 1, "‹", "›")
        head = re.match(r"[^;{}()=]*", code[end:])
        text = head.group(0) if head else ""
        after = end + len(text)
        params = [p for p in _PARAM.finditer(code[m.end() - 1:end]) if "‹" not in code[m.end():m.end() + p.start()]]
        words = re.findall(r"[A-Za-z_]\w*", text)
        if not params or after >= len(code) or code[after] != "(" or not words \
                or re.search(r"\b(?:struct|class|union|using|typedef|operator|template|enum)\b|::|‹|⁅", text) \
                or any(p.group(1) or p.group(3) for p in params):
            continue
        close = _balanced(code, after)
        name_at = end + text.rfind(words[-1])
        found.append(FunctionTemplate(words[-1], tuple(p.group(2) for p in params), name_at,
                                      tuple(a for a in top_args(code[after + 1:close - 1]) if a.strip())))
        inside.append((m.end() - 1, end))
    closed = {p.group(2) for p in _PARAM.finditer(code)
              if not any(a <= p.start() < b for a, b in inside)}
    return found, closed


def tensor_instance(types: HostTypes, tpl: FunctionTemplate, declared: set[int]) -> bool:
    """May some use of ``tpl`` make one of its type parameters a tensor (module docstring)?
    ``declared``: where the answer's template declarations name their functions (not uses)."""
    code = types.code
    for m in re.finditer(r"(?<![\w~])" + re.escape(tpl.name) + r"\b", code):
        if m.start() in declared:
            continue
        j = m.end()
        given: list[str] = []
        targs = re.match(r"\s*‹", code[j:])
        if targs:
            close = _balanced(code, j + targs.end() - 1, "‹", "›")
            given = [a for a in top_args(code[j + targs.end():close - 1]) if a.strip()]
            j = close
        launch = re.match(r"\s*⁅⁅⁅", code[j:])
        if launch:
            j = code.find("⁆⁆⁆", j) + 3 if "⁆⁆⁆" in code[j:] else len(code)
        call = re.match(r"\s*\(", code[j:])
        if call is None:
            return True  # not a call: deduced from what this reading does not see
        if any(types.type_tensor(f"‹{a}›") for a in given[:len(tpl.params)]):
            return True
        open_ = set(tpl.params[len(given):])
        if not open_:
            continue
        args = [a for a in top_args(code[j + call.end():_balanced(code, j + call.end() - 1) - 1]) if a.strip()]
        if len(args) > len(tpl.arguments):
            return True
        for arg, param in zip(args, tpl.arguments, strict=False):
            if open_ & set(re.findall(r"[A-Za-z_]\w*", param)) and types.tensor(arg):
                return True
    return False
