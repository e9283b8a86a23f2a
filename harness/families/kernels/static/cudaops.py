"""Tensor compute written with C++ operators in a CUDA answer's host code (``return a + b;``,
``t * (t > 0)``, ``x.view(-1) * 2``), which no method or namespace allowlist sees (:mod:`.cuda` calls
:func:`tensor_operators` on every build pass). A rule about types (red team 12c): every arithmetic,
bit, shift or comparison operator whose operand may be an ``at::Tensor`` (:mod:`.cudatypes`: any value
whose type is not provably a number, pointer, size or other non-tensor type, failing closed on an
unknown one) is ATen compute. Imports: the standard library only."""
from __future__ import annotations

import re

from harness.families.kernels.static.cppunits import host_marked
from harness.families.kernels.static.cudadecl import ANGLE, KEYWORDS, top_args
from harness.families.kernels.static.cudaindirect import _balanced, own_functions
from harness.families.kernels.static.cudatypes import HostTypes

#: operators, longest first (``->``, ``++``, ``&&``, ``!`` and ``=`` are read and skipped)
_OP = re.compile(r"->|\+\+|--|&&|\|\||<<=|>>=|<<|>>|<=|>=|==|!=|[-+*/%^|&]=|[-+*/%^|&<>~!]|=")
_SKIP = frozenset({"->", "++", "--", "&&", "||", "!", "="})
_CLOSE = {"(": ")", "[": "]", "‹": "›", "{": "}"}
_OPEN = {")": "(", "]": "[", "›": "‹"}
_PREFIX_KEYWORDS = re.compile(r"return|case|throw|co_return|co_yield|else|do|operator|delete|new|sizeof")


def _left(code: str, i: int) -> str:
    """The postfix expression (a name with members, calls, indexes, template arguments, a lambda called
    in place) ending before ``i``."""
    plain = _chain(code, i, _OPEN)
    start = i - len(plain) - (len(code[:i]) - len(code[:i].rstrip()))
    head = code[:start].rstrip()
    if plain.lstrip().startswith("(") and head.endswith("}"):
        depth, k = 0, len(head) - 1
        while k >= 0:
            depth += (head[k] == "}") - (head[k] == "{")
            if depth == 0:
                break
            k -= 1
        intro = re.search(r"\[[^\[\];]*\]\s*(?:\([^;]*?\))?\s*(?:mutable\s*)?(?:->[^;{]*)?$", head[:max(k, 0)])
        if intro:
            return code[intro.start():i]  # a lambda called in place
    return plain


def _chain(code: str, i: int, pairs: dict[str, str]) -> str:
    j = i
    while j > 0 and code[j - 1].isspace():
        j -= 1
    end = j
    while j > 0:
        c = code[j - 1]
        if c in pairs:
            depth, k = 0, j - 1
            while k >= 0:
                depth += (code[k] == c) - (code[k] == pairs[c])
                if depth == 0:
                    break
                k -= 1
            j = max(k, 0)
        elif c.isalnum() or c in "_.\"'":
            j -= 1
        elif code[j - 2:j] in ("->", "::"):
            j -= 2
        else:
            break
    return code[j:end]


def _right(code: str, i: int) -> str:
    """The unary expression starting at ``i`` (prefix operators, a cast, a lambda, a postfix chain)."""
    j = i
    while j < len(code) and (code[j].isspace() or code[j] in "-+!~*&"):
        j += 1
    start = j
    if j < len(code) and code[j] == "[":  # a lambda: [...](...) ... {...}
        brace = code.find("{", j)
        if brace != -1 and ";" not in code[j:brace]:
            j = _balanced(code, brace, "{", "}")
    while j < len(code):
        c = code[j]
        if c in "([‹":
            j = _balanced(code, j, c, _CLOSE[c])
        elif c.isalnum() or c in "_.\"'":
            j += 1
        elif code.startswith(("->", "::"), j):
            j += 2
        elif c == "{" and re.search(r"[\w›]$", code[start:j]) and code[start:j].split()[-1] not in KEYWORDS:
            j = _balanced(code, j, "{", "}")  # T{...}: a braced initialisation (a name before { is a type)
        elif c.isspace() and re.match(r"\s*(?:\.|->|::|\()", code[j:]) and code[start:j].strip():
            j += 1
        else:
            break
    return code[i:j]


def tensor_operators(host: str, skip: list[tuple[int, int]] | None = None) -> list[str]:
    """Operators on a possible tensor in host code (module docstring); ``skip``: spans whose
    declarations are not host code's (device functions' parameter lists)."""
    types = HostTypes(host, device_signatures(host) if skip is None else skip)
    code = types.code
    bad = []
    for m in _OP.finditer(code):
        op = m.group(0)
        if op in _SKIP or op == "-" and re.search(r"\d[eEpP]$", code[max(0, m.start() - 2):m.start()]):
            continue
        left = _left(code, m.start()) or _braced_init(code, m.start(), types)
        if left.strip() == "operator":
            if _operator_call(code, m.start() - len(left), m.end(), types):
                bad.append(f"tensor arithmetic: operator{op}(...) on a tensor")
            continue
        cast = re.fullmatch(r"\s*\(([^()]*)\)\s*", left)
        if not left.strip() or _PREFIX_KEYWORDS.fullmatch(left.strip()) or cast and types.is_type(cast.group(1)):
            if op in ("-", "+", "~") and types.operand(_right(code, m.end())):
                bad.append(f"tensor arithmetic: {op}{' '.join(_right(code, m.end()).split())[:30]}")
            continue  # unary &, * (an address, a dereference), an operator's name
        if op in ("*", "&") and (types.is_type(left) or re.fullmatch(r"[A-Za-z_]\w*", left) and left not in types.decls
                                 and not re.fullmatch(r"[A-Z][A-Z0-9_]*", left) and _declarator(code, m.start(), left)):
            continue  # a declarator: T* p, const T& r
        right = _right(code, m.end())
        for side in (left, right):
            if side.strip() and types.operand(side):
                bad.append(f"tensor arithmetic on {' '.join(side.split())[:30]} ({op})")
                break
    return sorted(set(bad + _library_operators(code, types) + _compute_methods(code, types)))


#: allowed methods (``policy.CPP_METHODS_ALLOWED``, for ``x.device().index()``) that compute when the
#: receiver is a tensor: ``Tensor::index({i, j})`` is a gather (red team 14 s5 computed a ReLU byte by
#: byte from a lookup table)
_COMPUTE_METHODS = re.compile(r"(?:\.|->)\s*(index)\s*\(")


def _compute_methods(code: str, types: HostTypes) -> list[str]:
    return [f"tensor compute: .{m.group(1)}(...) on a tensor" for m in _COMPUTE_METHODS.finditer(code)
            if (receiver := _left(code, m.start())).strip() and types.operand(receiver)]


#: standard functors and algorithms that apply C++ operators to their arguments or a range's elements
_STD_OPERATORS = re.compile(r"\bstd\s*::\s*(plus|minus|multiplies|divides|modulus|negate|equal_to|not_equal_to|greater"
                            r"|less|greater_equal|less_equal|bit_and|bit_or|bit_xor|bit_not|accumulate|inner_product"
                            r"|partial_sum|adjacent_difference|reduce|transform_reduce|inclusive_scan|exclusive_scan"
                            r"|transform_inclusive_scan|transform_exclusive_scan)\b\s*(" + ANGLE + ")?")


def own_methods(host: str, names: set[str]) -> set[str]:
    """Of ``names`` (methods outside the library allowlist that ``host`` calls), those the answer declares
    in one of its own structs and calls only on receivers that are provably not tensors (honest round
    14: ``cfg.blocks()``). A receiver that may be a tensor (``x.relu()`` beside an own ``relu``),
    ``this`` and a struct with a base class or a tensor member (:mod:`.cudatypes`) keep the call refused;
    the method's body is host code like any other."""
    if not names:
        return set()
    types = HostTypes(host, device_signatures(host))
    code = types.code
    declared: set[str] = set()
    for m in re.finditer(r"\b(?:struct|class)\s+[A-Za-z_]\w*\s*(?:final\s*)?\{", code):
        declared |= own_functions(code[m.end():_balanced(code, m.end() - 1, "{", "}") - 1])
    ok = set()
    for name in names & declared:
        calls = list(re.finditer(r"(?:\.|->)\s*(?:template\s+)?" + name + r"\s*(?:‹[^;]*?›)?\s*\(", code))
        if calls and all((r := _left(code, c.start())).strip() and not types.operand(r) for c in calls):
            ok.add(name)
    return ok


def _library_operators(code: str, types: HostTypes) -> list[str]:
    """``std::accumulate(v.begin(), v.end(), x)``, ``std::plus<>()(x, y)``: the library applies the
    operator; an argument, a range's element (``v`` of ``v.begin()``) or a template argument that
    may be a tensor makes it tensor arithmetic."""
    bad = []
    for m in _STD_OPERATORS.finditer(code):
        targs = (m.group(2) or "").strip("‹›")
        args: list[str] = []
        j = m.end()
        while True:
            call = re.match(r"\s*([({])", code[j:])
            if not call:
                break
            k = j + call.start(1)
            end = _balanced(code, k, call.group(1), ")" if call.group(1) == "(" else "}")
            args += top_args(code[k + 1:end - 1])
            j = end
        ranges = [re.sub(r"(?:\.|->)\s*c?r?(?:begin|end)\s*\(\s*\)\s*$|^\s*std\s*::\s*c?r?(?:begin|end)\s*\((.*)\)\s*$",
                         lambda r: f" {r.group(1) or ''}", a) for a in args]
        if any(types.tensor(a) for a in ranges if a.strip()) or targs.strip() and types.type_tensor(targs):
            bad.append(f"tensor arithmetic: std::{m.group(1)} on a tensor")
    return bad


def _operator_call(code: str, start: int, end: int, types: HostTypes) -> bool:
    """``operator*(x, 2)`` called (not declared: a type before ``operator``) with a possible tensor."""
    before = code[:start].rstrip()
    if re.search(r"(?:[\w>*&]|::)$", before) and not re.search(r"\b(?:return|case|else|throw)$", before):
        return False
    call = re.match(r"\s*\(", code[end:])
    if call is None:
        return False
    return types.tensor(code[end + call.end():_balanced(code, end + call.end() - 1) - 1])


def device_signatures(code: str) -> list[tuple[int, int]]:
    """The parameter lists of ``__global__`` and ``__device__``-only functions (a ``__host__ __device__``
    function is host code): their parameters are no host code's names."""
    spans = []
    for m in re.finditer(r"\b(?:__global__|__device__)\b(?:[^;{}()]|__launch_bounds__\s*\([^()]*\))*\(", code):
        begin = max(code.rfind(c, 0, m.start()) for c in ";{}")
        if not host_marked(code[begin + 1:m.end()]):
            spans.append((m.end() - 1, _balanced(code, m.end() - 1)))
    return spans


def _braced_init(code: str, i: int, types: HostTypes) -> str:
    """``T{...}`` (a type, then its braced initialiser) ending before ``i``, or ``""``."""
    head = code[:i].rstrip()
    if not head.endswith("}"):
        return ""
    depth, k = 0, len(head) - 1
    while k >= 0:
        depth += (head[k] == "}") - (head[k] == "{")
        if depth == 0:
            break
        k -= 1
    name = _chain(head, k, _OPEN) if k > 0 and not head[k - 1].isspace() else ""
    return name + head[k:] if name.strip() and types.is_type(name) else ""


def _declarator(code: str, at: int, left: str) -> bool:
    """Does ``left`` (an undeclared name) before the ``*``/``&`` at ``at`` start a declaration?"""
    before = code[:at].rstrip()[:-len(left)].rstrip()
    return not before or before[-1] in ";{}(,›" or re.search(r"\bconst$", before) is not None
