"""An integer made from a pointer is made from device memory (issue 14, part of rule ``cuda_host_copy``).

:mod:`.devptr` makes every pointer a kernel or a copy gets device memory, and :mod:`.hostptr`
keeps a host address from becoming an integer. An uninitialised pointer is neither (it holds what
the stack held, a host address an earlier call left there), so ``float* g; unsigned long long
tab[1] = {(unsigned long long)g};`` copied to the device (or the integer passed to a kernel, or
stored in a struct) let a kernel cast it back and read or write host memory (cudafix, round 11).
The class is *an integer made from a pointer*, wherever it then goes, so in host code (every build
pass) each pointer that becomes an integer must be device-derived by devptr's rule:

* the operand of a cast to an integer type (C-style, functional, ``reinterpret_cast``,
  ``static_cast``): each pointer in it (``(uintptr_t)(p + 4)``);
* both operands of a difference of two pointers (``g - d``: ``d`` plus that offset is ``g``) and of
  a comparison of two pointers (``g < d + k``, bit by bit, is the address);
* the arguments of ``std::distance`` that are pointers.

A pointer here is an operand that takes an address (``&x``), calls ``data_ptr``/``data()``/
``get()``/``begin()``/``end()``, names a variable declared with a pointer declarator in the function
using it (or at namespace level) or bound to a pointer, a pointer member (``a.p``, ``a->p``), an
element of a pointer table, or a call of an own function one of whose ``return``s is a pointer.
``nullptr`` is device-derived. Alignment checks of device pointers
(``reinterpret_cast<uintptr_t>(x.data_ptr<float>()) % 16``) and comparisons of ``data_ptr``s pass.
"""
from __future__ import annotations

import re

from harness.families.kernels.static.cudaindirect import _C_CAST, _balanced, _operand
from harness.families.kernels.static.devptr import _POINTER_DECL, DevicePointers, _product
from harness.families.kernels.static.devsyntax import _close, _strip, _top_split
from harness.families.kernels.static.hostmem import _args
from harness.families.kernels.static.hostptr import (
    _DISTANCE,
    _FUNCTIONAL_INT,
    _INT_CAST,
    _INT_NAMES,
    _ITER_END,
    _left_operand,
)

_ADDRESS = re.compile(r"(?<![&\w])&(?!&)|\b(?:data_ptr|const_data_ptr|mutable_data_ptr)\b|(?:\.|->)\s*(?:data|get|begin|end"
                      r"|cbegin|cend|c_str)\s*\(\s*\)|\bstd\s*::\s*(?:begin|end|data)\s*\(|\bnew\b")
_PAIRS = re.compile(r"(?<![-<>=!+*/%&|^])(-|==|!=|<=|>=|<|>)(?![-<>=>])")
_PASS_ARGS = re.compile(r"(?:std\s*::\s*)?(?:min|max|exchange|move|forward)\s*(?:<[^<>;()]*>)?\s*\(")


class _Kinds:
    """Which operands of one host text are pointers, and the scoped pointer declarations."""

    def __init__(self, code: str, ptrs: DevicePointers) -> None:
        self.code, self.ptrs = code, ptrs
        self.declared: set[str] = set()  # "scope:name", a parameter under its function's body
        for m in _POINTER_DECL.finditer(code):
            if _product(code, m.start()):
                continue
            self.declared.add(f"{self._scope_of(m.start(1))}:{m.group(1)}")
        self.members = {m.name for ms in ptrs.structs.values() for m in ms if m.ptr}

    def _scope_of(self, at: int) -> int:
        """The function body a declaration at ``at`` belongs to: a parameter's is the body after its list."""
        scope = self.ptrs.scope[at]
        if scope != -1:
            return scope
        depth = 0
        for j in range(at, len(self.code)):
            ch = self.code[j]
            depth += (ch == "(") - (ch == ")")
            if depth < 0:
                after = re.match(r"\s*(?:const\s*|noexcept\s*|mutable\s*|->\s*[\w:<>*&\s]+?)*\{", self.code[j + 1:])
                return j + after.end() if after else -1
            if ch in ";{}" and depth == 0:
                return -1
        return -1

    def pointer(self, expr: str, scope: int, depth: int = 0) -> bool:
        """Is ``expr`` (an operand in the function ``scope``) possibly a pointer (module docstring)?"""
        e = _strip(expr)
        if depth > 6 or not e:
            return False
        if _ADDRESS.search(e) and not re.fullmatch(r"[\w.\s]*\.\s*(?:size|numel|stride|dim)\s*\(.*\)", e, re.S):
            return True
        pieces = _top_split(e)
        if len(pieces) > 1:
            return any(self.pointer(p, scope, depth + 1) for _, p in pieces)
        call = re.match(r"((?:std\s*::\s*)?[A-Za-z_]\w*)\s*(?:<[^<>;()]*>)?\s*\(", e)
        if call and _close(e, call.end() - 1) == len(e) - 1:
            if _PASS_ARGS.match(e):
                return any(self.pointer(a, scope, depth + 1) for a in _args(e, call.end() - 1)[0])
            rets = self.ptrs.returns(call.group(1)) if "::" not in call.group(1) else None
            return any(self.pointer(r, s, depth + 1) for s, r in rets or [])
        element = re.fullmatch(r"([A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*)\s*\[.*\]", e, re.S)
        if element:
            return self.ptrs.key(scope, f"{element.group(1).replace(' ', '')}[]") in self.ptrs.binds
        member = re.fullmatch(r"[A-Za-z_]\w*(?:\s*(?:\.|->)\s*[A-Za-z_]\w*)+", e)
        if member:
            return re.split(r"\.|->", e)[-1].strip() in self.members
        if re.fullmatch(r"[A-Za-z_]\w*", e):
            own = f"{scope}:{e}" in self.declared or f"-1:{e}" in self.declared
            return own or self.ptrs.names_pointer(e, scope)
        return False

    def not_device(self, expr: str, scope: int) -> bool:
        return self.pointer(expr, scope) and not self.ptrs.derived(expr, None, scope)


def integer_problems(code: str, ptrs: DevicePointers | None = None) -> list[str]:
    """Pointers in host ``code`` made integers that are not device memory (module docstring)."""
    ptrs = DevicePointers(code) if ptrs is None else ptrs
    kinds = _Kinds(code, ptrs)
    bad = []
    for at, operand in _int_casts(code):
        scope = ptrs.scope[at]
        atoms = [p for _, p in _top_split(_strip(operand))] or [operand]
        for atom in atoms:
            if kinds.not_device(atom, scope):
                bad.append(f"an integer made from {_show(atom)}, not device memory (a cast of a pointer that no "
                           "data_ptr or cudaMalloc made)")
    for m in _PAIRS.finditer(code):
        left = _left_operand(code, m.start())
        right = _operand(code, m.end())
        scope = ptrs.scope[m.start()]
        if not left.strip() or not right.strip() or _template_bracket(code, m):
            continue
        if kinds.pointer(left, scope) and kinds.pointer(right, scope) and not _one_container([left, right]):
            for side in (left, right):
                if not ptrs.derived(side, None, scope):
                    bad.append(f"{_show(left)} {m.group(1)} {_show(right)}: an integer made from {_show(side)}, not "
                               "device memory")
                    break
    for m in _DISTANCE.finditer(code):
        args = _args(code, m.end() - 1)[0]
        for arg in [] if _one_container(args) else args:
            if kinds.not_device(arg, ptrs.scope[m.start()]):
                bad.append(f"std::distance of {_show(arg)}, not device memory (an integer made from a pointer)")
    return bad


def _one_container(exprs: list[str]) -> bool:
    """Are ``exprs`` all ``v.begin()``/``v.end()`` (``std::begin(v)``...) of one ``v`` (their distance is a size)?"""
    ends = [_ITER_END.fullmatch(e.strip()) for e in exprs]
    return all(ends) and len({e.group(1) or e.group(2) for e in ends if e}) == 1


def _int_casts(code: str) -> list[tuple[int, str]]:
    """(position, operand) of every cast to an integer type."""
    out = []
    for m in _C_CAST.finditer(code):
        prev = re.search(r"(\w+|\S)\s*$", code[max(0, m.start() - 40):m.start()])
        if prev and (prev.group(1)[-1] in ")]>" or prev.group(1)[-1].isalnum() or prev.group(1)[-1] == "_") and \
                prev.group(1) not in ("return", "case", "else", "do"):
            continue
        if _INT_NAMES.fullmatch(m.group(1).strip()):
            out.append((m.start(), _operand(code, m.end())))
    for pat in (_INT_CAST, _FUNCTIONAL_INT):
        for m in pat.finditer(code):
            out.append((m.start(), code[m.end():_balanced(code, m.end() - 1) - 1]))
    return out


def _template_bracket(code: str, m: re.Match[str]) -> bool:
    """Is the ``<``/``>`` at ``m`` a template bracket (``data_ptr<float>``, ``vector<float*>``)?"""
    if m.group(1) == "<":
        return bool(re.match(r"<[^<>;()=]*(?:<[^<>;()]*>[^<>;()=]*)*>", code[m.start():])) and \
            bool(re.search(r"[\w]\s*$", code[:m.start()]))
    if m.group(1) == ">":
        return bool(re.search(r"[\w]\s*<[^<>;()=]*(?:<[^<>;()]*>[^<>;()=]*)*$", code[:m.start()]))
    return False


def _show(expr: str) -> str:
    return repr(" ".join(expr.split())[:40])
