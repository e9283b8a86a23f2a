"""Sizes of host containers that :mod:`.hostindex` could not read from a declaration (issue 14, round 12;
part of rule ``cuda_host_pointer``; honest11 F3, honest11b F8d/F8e): the result of an own function
returning a brace list of tensors, an owning container indexed below its own ``size()``, a vector
filled by ``push_back`` statements that always run, a struct's array member of a literal size.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from harness.families.kernels.static.cudacalls import _outer_body
from harness.families.kernels.static.cudaindirect import _balanced
from harness.families.kernels.static.devsyntax import _struct_members
from harness.families.kernels.static.hostmem import _args

#: calls after which a container's storage may move or shrink (a reference or an index into it dangles)
_MOVES = r"(?:\.|->)\s*(?:swap|resize|reset|assign|clear|pop_back|erase|shrink_to_fit|release|push_back|emplace_back" \
         r"|reserve|insert|emplace|append|push_front|emplace_front)\s*\("


def _literal(text: str, consts: dict[str, int]) -> int | None:
    t = text.strip()
    m = re.fullmatch(r"(\d+)[uUlL]*", t)
    return int(m.group(1)) if m else consts.get(t)


def _open_of(code: str, close: int) -> int:
    depth = 0
    for k in range(close, -1, -1):
        depth += (code[k] == ")") - (code[k] == "(")
        if depth == 0:
            return k
    return 0


def _owning(code: str, name: str) -> bool:
    """Is ``name`` declared as a container that owns its elements: ``std::vector<...> name`` or
    ``std::array<...> name`` by value, or ``auto name = t.chunk(...)`` (``split``, ``unbind``)?
    Not a reference or a view (``IntArrayRef``), whose storage could be gone."""
    n = re.escape(name)
    return bool(re.search(r"\bstd\s*::\s*(?:vector|array)\s*<[^;{}()]*>\s*" + n + r"\s*[=;({]"
                          r"|\bauto\s+" + n + r"\s*=\s*[\w.]+\.\s*(?:chunk|split|unbind|tensor_split|split_with_sizes)\s*\(",
                          code))


def _own_size_loop(name: str, index: str, at: int, loops: list[tuple[str, str, int, int]]) -> bool:
    return any(index.strip() == var and bound == f"{name}.size()" and start <= at < end for var, bound, start, end in loops)


#: an own function returning a container of tensors: ``std::vector<torch::Tensor> f(`` (or ``std::array<..., N>``)
_TENSOR_LIST_FN = re.compile(r"\bstd\s*::\s*(vector|array)\s*<\s*(?:torch|at)\s*::\s*Tensor\s*(?:,\s*(\d+)\s*)?>\s*"
                             r"([A-Za-z_]\w*)\s*\([^;{}]*\)\s*\{")


_PUSH = re.compile(r"\.\s*(?:push_back|emplace_back|reserve)\s*\(")


def _pushed(code: str) -> dict[str, tuple[int, int, str]]:
    """``std::vector<T> v;`` then ``v.push_back(e);`` statements (``emplace_back``, ``reserve``) that
    run whenever the function does (at the top level of its body, not after an ``if``/``else``/loop
    header or a label; no ``goto`` in the text) before any other mention of ``v``: v -> (the number
    of elements pushed, where declared, the text with those statements blanked)."""
    out: dict[str, tuple[int, int, str]] = {}
    if re.search(r"\bgoto\b", code):
        return out
    body = _outer_body(code)
    for m in re.finditer(r"\bstd\s*::\s*vector\s*<[^;{}()]*>\s*([A-Za-z_]\w*)\s*;", code):
        name, fn = m.group(1), body[m.start()]
        if fn == -1:
            continue
        end = _balanced(code, fn, "{", "}")
        blanked, count = code, 0
        for use in re.finditer(r"(?<![\w.>])" + re.escape(name) + r"\b", code[m.end():end]):
            at = m.end() + use.start()
            push = _PUSH.match(code, at + len(name))
            stmt_end = _balanced(code, push.end() - 1) if push else -1
            prev = code[:at].rstrip()
            top = prev.endswith((";", "{", "}")) and _depth(code, fn, at) == 1
            if not (push and top and code[stmt_end:stmt_end + 1] == ";"):
                break
            count += push.group(0).find("reserve") == -1
            blanked = blanked[:at] + " " * (stmt_end + 1 - at) + blanked[stmt_end + 1:]
        rest = blanked[m.end():end]
        if count and not re.search(r"(?<![\w.>])" + re.escape(name) + r"\s*" + _MOVES, rest):
            out[name] = (count, m.start(1), blanked)
    return out


def _depth(code: str, start: int, at: int) -> int:
    """Brace depth at ``at`` counted from the ``{`` at ``start`` (1: directly in that body); parentheses count too."""
    depth = 0
    for ch in code[start:at]:
        depth += (ch in "{(") - (ch in "})")
    return depth


def _array_members(code: str, consts: dict[str, int]) -> dict[str, dict[str, int]]:
    """The answer's structs: each array member of a literal size, by name."""
    out: dict[str, dict[str, int]] = {}
    for struct, members in _struct_members(code).items():
        sized = {mb.name: _literal(mb.size, consts) for mb in members if mb.size is not None}
        out[struct] = {name: size for name, size in sized.items() if size is not None}
    return out


def member_size(code: str, before: str, member: str, structs: dict[str, dict[str, int]]) -> int | None:
    """The size of ``obj.member`` where ``before`` ends with ``obj.member`` and every declaration of
    ``obj`` in the text gives it one of the answer's structs with that array member (the smallest);
    None otherwise (a library struct such as ``cudaDeviceProp`` has its own sizes)."""
    obj = re.search(r"(?<![\w.>])([A-Za-z_]\w*)\s*\.\s*" + re.escape(member) + r"$", before)
    if not obj:
        return None
    types = re.findall(r"\b([A-Za-z_]\w*)\s*(?:&\s*)?\s" + re.escape(obj.group(1)) + r"\s*[;={(\[,)]", code)
    types = [t for t in types if t not in ("return", "case", "else", "do", "throw", "const")]
    sizes = [structs.get(t, {}).get(member) for t in types]
    known = [n for n in sizes if n is not None]
    return min(known) if known and len(known) == len(sizes) else None


def _tensor_names(code: str) -> set[str]:
    """Names the text declares as tensors (``torch::Tensor x``, ``auto x = torch::...``/``t.contiguous()``)."""
    names = set(re.findall(r"\b(?:torch|at)\s*::\s*Tensor\s*(?:const\s*)?&?\s*([A-Za-z_]\w*)", code))
    return names | set(re.findall(r"\bauto\s+([A-Za-z_]\w*)\s*=\s*(?:(?:torch|at)\s*::|[\w.]+\.(?:contiguous|view|reshape"
                                  r"|clone)\s*\()", code))


def _items_pair(code: str, first: str) -> bool:
    """Is a two-item brace list ``{first, b}`` of a vector two elements, not the count constructor
    (``first`` copies of ``b``)? Only when ``first`` is a tensor or a pointer: a name the text declares
    as a tensor or with a pointer declarator, a ``data_ptr``, an address or ``nullptr``."""
    f = first.strip()
    if re.search(r"\bdata_ptr\b|\bnullptr\b|^&(?!&)", f):
        return True
    return bool(re.fullmatch(r"[A-Za-z_]\w*", f)) and (f in _tensor_names(code) or bool(
        re.search(r"\*\s*(?:const\s+|__restrict__\s+)*" + re.escape(f) + r"\s*[=;,)]", code)))


def _returned_sizes(code: str) -> dict[str, int]:
    """Own functions returning a vector (or array) of tensors, every ``return`` a brace list of
    tensors: the fewest items any gives (an array: its size). Two items ``{n, t}`` may be the count
    constructor (``n`` copies), so a pair counts only when its first item is a tensor the text declares."""
    out: dict[str, int] = {}
    tensors = _tensor_names(code)
    for m in _TENSOR_LIST_FN.finditer(code):
        if m.group(1) == "array":
            out[m.group(3)] = min(int(m.group(2)), out.get(m.group(3), int(m.group(2))))
            continue
        body = code[m.end() - 1:_balanced(code, m.end() - 1, "{", "}")]
        counts: list[int] = []
        for r in re.finditer(r"\breturn\b\s*", body):
            items = _args(body, r.end())[0] if body[r.end():r.end() + 1] == "{" else None
            if items is None or (len(items) == 2 and items[0].strip() not in tensors):
                counts = []
                break
            counts.append(len(items))
        size = min(counts) if counts else 0  # 0: an overload the checks cannot size
        out[m.group(3)] = min(size, out.get(m.group(3), size))
    defined = {m.start(3) for m in _TENSOR_LIST_FN.finditer(code)}
    return {name: n for name, n in out.items() if _only_called(code, name, defined)}


def _only_called(code: str, name: str, defined: set[int]) -> bool:
    """Is ``name`` named only by the definitions at ``defined`` and by calls (no other overload or
    declaration, here or in the other unit's view, no lambda or variable of that name)?"""
    for m in re.finditer(r"(?<![\w.>:])" + re.escape(name) + r"\b", code):
        if m.start() in defined:
            continue
        before = re.search(r"(\w+|\S)\s*$", code[:m.start()])
        word = before.group(1) if before else ""
        if not re.match(r"\s*\(", code[m.end():]) or \
                (re.fullmatch(r"\w+|[>*&]", word) and word not in ("return", "case", "else", "do", "throw")):
            return False
    return True


def _call_result(code: str, at: int, index: str, results: dict[str, int], consts: dict[str, int]) -> bool:
    """Is ``f(...)[i]`` at ``at`` a literal index below the size every return of the own function ``f`` gives?"""
    start = _open_of(code, code.rindex(")", 0, at))
    callee = re.search(r"(?<![\w.>:])([A-Za-z_]\w*)\s*$", code[:start])
    lit = _literal(index, consts)
    return callee is not None and lit is not None and lit < results.get(callee.group(1), 0)


#: ``for (auto it = s.begin(); it != s.end(); ++it)`` (``cbegin``/``cend``, ``it++``)
_ITER_LOOP = re.compile(r"\bfor\s*\(\s*auto\s+([A-Za-z_]\w*)\s*=\s*([A-Za-z_]\w*)\s*\.\s*(c?)begin\s*\(\s*\)\s*;\s*\1\s*!=\s*"
                        r"\2\s*\.\s*\3end\s*\(\s*\)\s*;\s*(?:\+\+\s*\1|\1\s*\+\+)\s*\)")
#: a container of numbers by value: ``std::vector<int64_t> s`` (``std::array<int, 4>``)
_NUMBERS = r"\bstd\s*::\s*(?:vector|array)\s*<\s*(?:const\s+)?(?:std\s*::\s*)?(?:u?int(?:8|16|32|64)_t|size_t|ptrdiff_t" \
           r"|float|double|(?:(?:unsigned|signed|long|short)\s+)*(?:int|long|short))\s*(?:,\s*\w+\s*)?>\s*{n}\s*[=;({{]"


def numbers(code: str, name: str) -> bool:
    """Is ``name`` declared (once) as a ``std::vector``/``std::array`` of numbers by value?"""
    return len(re.findall(_NUMBERS.format(n=re.escape(name)), code)) == 1


def iterator_loops(code: str, accept: Callable[[str, int], bool]) -> list[tuple[str, int, int, int]]:
    """Loops that walk a container from its begin to its end (honest12 H3): (iterator, start of the
    loop's header, start and end of its body). ``accept(container, at)`` says the container keeps its
    storage (a vector of numbers never resized, a sizes view of a tensor that stays); the body mentions
    the container nowhere and the iterator only as ``*it`` (never moved, copied or addressed), so each
    ``*it`` is an element and the loop stops at the end (an empty container runs no iteration)."""
    out = []
    for m in _ITER_LOOP.finditer(code):
        it, cont = re.escape(m.group(1)), m.group(2)
        k = m.end()
        while k < len(code) and code[k].isspace():
            k += 1
        end = _balanced(code, k, "{", "}") if k < len(code) and code[k] == "{" else code.find(";", k) + 1
        body = code[k:end]
        if end <= k or re.search(r"(?<![\w.>])" + re.escape(cont) + r"\b", body) or \
                re.search(r"(?<![\w.>*])" + it + r"\b|\*\s*" + it + r"\s*(?:\[|\.|->|\+\+|--)", body):
            continue
        if accept(cont, m.start()):
            out.append((m.group(1), m.start(), k, end))
    return out
