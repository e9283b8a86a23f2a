"""Host code neither makes a pointer from an integer nor writes past what it allocated (issue 14, rule
``cuda_host_pointer``).

Round 8's ``cuda_host_indirect`` lets host code call only functions it names; two ways around it
were left: an integer becomes a pointer through a cast the checks could not read as one
(``template <class T> T f(long a) { return T(a); }`` called as ``f<float*>(addr)``, an alias, a
``decltype`` or a type trait), and memory corruption: host code writing past a host array, through
``&v + 12`` or past a vector's end overwrites a return address or a GOT slot, and a call the text
names then jumps elsewhere. Host code (every build pass, bodies of device-only functions excepted)
is held to structural rules instead, which no honest host code we know breaks:

* no cast (C-style or functional) to a template type parameter, a ``decltype``, a type alias of
  anything but a plain type name, a type trait (``std::decay_t<...>(a)``) or ``...::type``;
* a cast to ``void*`` (or ``void**``) takes a tensor's ``data_ptr`` call, ``&name``, a kernel or
  ``nullptr``; a host address never becomes an integer (``(long)&n``, ``reinterpret_cast<uintptr_t>(v.data())``,
  ``std::distance(d, v.data())``: only ``std::distance`` of iterators of one container takes one);
* no unary ``*`` (dereference) and no arithmetic (``+ - += -= ++ --``) on a host address: ``&x``,
  ``.data()``, ``.begin()``/``.end()``, ``new``, ``this``, a string, an array or a pointer bound to one
  (arithmetic on device pointers from ``data_ptr`` stays: ``x.data_ptr<float>() + off`` to a launch);
* ``a[i]`` only where :mod:`.hostindex` can bound it (a literal or bounded loop variable below a
  literal or stable size of storage that does not move);
* ``std::fill``/``iota``/``sort``/``stable_sort``/``reverse`` take ``v.begin(), v.end()`` of one
  container, no ``std::fill_n``; no placement ``new``; ``delete`` only of a local that ``new``
  initialised and nothing reassigns, outside loops, not used after; smart pointers own only what
  ``new`` made; no range-for by reference over a container that grows; no ``%n`` in a format string;
* ``cudaMemset*`` sets device memory only (under HMM it would write a host address too), and
  ``(void**)&p`` for ``cudaMalloc`` names a pointer (an ``int`` there takes 8 bytes).
"""
from __future__ import annotations

import re
from collections import Counter

from harness.families.kernels.static.cudacalls import _declarator_list, _outer_body
from harness.families.kernels.static.cudaindirect import (
    _C_CAST,
    _DATA_PTR,
    _balanced,
    _operand,
)
from harness.families.kernels.static.hostindex import (
    _MOVES,
    _UNARY_AFTER,
    _constants,
    _indexing,
    _open_of,
    safe_iterators,
)
from harness.families.kernels.static.hostmem import _args, _mentions, host_buffers

_TEMPLATE_PARAM = re.compile(r"\b(?:class|typename)\s+(?:\.\.\.\s*)?([A-Za-z_]\w*)\s*(?=[,>=])")
_ALIAS = re.compile(r"\busing\s+([A-Za-z_]\w*)\s*=\s*([^;{}]*);|\btypedef\s+([^;{}]*?)\b([A-Za-z_]\w*)\s*;")
_PLAIN_TYPE = re.compile(r"\s*(?:const\s+|unsigned\s+|signed\s+|long\s+|short\s+)*(?:::\s*)?[A-Za-z_]\w*"
                         r"(?:\s*::\s*[A-Za-z_]\w*)*\s*")
_TRAIT = re.compile(r"\bstd\s*::\s*(?:decay|remove_cv|remove_cvref|remove_reference|remove_pointer|add_pointer"
                    r"|conditional|common_type|enable_if|type_identity|underlying_type|remove_const)(?:_t)?\s*<")
_VOID_TARGET = re.compile(r"\s*(?:const\s+)?void\s*(?:const\s*)?(?:\*\s*(?:const\s*)?)+")
_INT_CAST = re.compile(r"\b(?:reinterpret_cast|static_cast)\s*<\s*(?:std\s*::\s*)?(?:u?int(?:ptr|64|32|16|8)_t|size_t"
                       r"|ptrdiff_t|(?:unsigned\s+|signed\s+)?(?:long\s+)*(?:long|int|short|char))\s*>\s*\(")
_INT_NAMES = re.compile(r"(?:(?:const|unsigned|signed|long|short)\s+)*(?:u?int(?:ptr|64|32|16|8)_t|size_t|ptrdiff_t"
                        r"|long|int|short|char|unsigned|signed|bool)(?:\s+(?:long|int))*")
_FUNCTIONAL_INT = re.compile(r"(?<![\w.>:])(?:std\s*::\s*)?(u?int(?:ptr|64|32|16|8)_t|size_t|ptrdiff_t|long|int"
                             r"|unsigned|short)\s*\(")
_HOST_ADDR_CALL = re.compile(r"(?:(?:\.|->)\s*(?:data|begin|end|rbegin|rend|cbegin|cend|c_str|get)\s*\(\s*\)"
                             r"|\bstd\s*::\s*(?:begin|end|data)\s*\([^()]*\))\s*$")
_CONTROL = frozenset({"if", "while", "for", "switch"})
_RANGE_ALGOS = re.compile(r"\bstd\s*::\s*(fill|fill_n|iota|sort|stable_sort|reverse|generate|generate_n)\s*\(")
_DISTANCE = re.compile(r"(?<![\w.>])(?:std\s*::\s*)?(?:ranges\s*::\s*)?distance\s*(?:<[^<>;()]*>)?\s*\(")
_ITER_END = re.compile(r"([A-Za-z_]\w*)\s*\.\s*c?(?:begin|end)\s*\(\s*\)|std\s*::\s*c?(?:begin|end)\s*\(\s*([A-Za-z_]\w*)\s*\)")
_PRINTF_N = re.compile(r"%[-+ #0'0-9.*$]*(?:hh|h|ll|l|j|z|t|L|q)?n")


def opaque_types(code: str) -> set[str]:
    """Template type parameters and aliases of anything but a plain type name (a pointer may hide there)."""
    names = set(_TEMPLATE_PARAM.findall(code))
    for m in _ALIAS.finditer(code):
        name, rhs = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        if not _PLAIN_TYPE.fullmatch(rhs or "") or re.search(r"\b(?:decltype|typename|type)\b", rhs or ""):
            names.add(name)
    for _ in range(5):  # an alias of an opaque name is opaque
        more = {m.group(1) or m.group(4) for m in _ALIAS.finditer(code)
                if set(re.findall(r"[A-Za-z_]\w*", m.group(2) or m.group(3))) & names}
        if more <= names:
            break
        names |= more
    return names


def plain_aliases(code: str) -> set[str]:
    """Aliases of a plain type name (``using index_type = long long;``): a functional cast to one
    is a conversion of that type, and :mod:`.cudacalls` lets it be called like one."""
    opaque = opaque_types(code)
    return {m.group(1) or m.group(4) for m in _ALIAS.finditer(code)} - opaque


def _type_casts(code: str, opaque: set[str]) -> list[str]:
    """Casts to a type the checks cannot see is not a pointer (see the module docstring)."""
    bad = []
    if opaque:
        alt = "|".join(map(re.escape, sorted(opaque)))
        for m in re.finditer(r"(?<![\w.>:])(" + alt + r")\s*[({]", code):
            before = code[max(0, m.start() - 40):m.start()].rstrip()
            if not re.search(r"(?:[\w>*&]|::)$", before) or re.search(r"\b(?:return|else|case|throw)$", before):
                bad.append(f"{m.group(1)}(...) (a functional cast to a template parameter or alias)")
        for m in re.finditer(r"\(\s*(?:const\s+)?(" + alt + r")\s*(?:const\s*)?\)\s*(?=[\w(&*~!\"+-])", code):
            bad.append(f"({m.group(1)}) (a cast to a template parameter or alias)")
    for m in re.finditer(r"\bdecltype\s*\(", code):
        end = _balanced(code, m.end() - 1)
        if re.match(r"\s*[({]", code[end:]) or re.search(r"\(\s*$", code[max(0, m.start() - 20):m.start()]) and \
                re.match(r"\s*\)\s*[\w(&*~!\"+-]", code[end:]):
            bad.append("a cast to decltype(...)")
    for m in _TRAIT.finditer(code):
        close = m.end() - 1
        depth = 0
        for j in range(close, len(code)):
            depth += (code[j] == "<") - (code[j] == ">")
            if depth == 0:
                close = j
                break
        if re.match(r"\s*(?:::\s*type\s*)?[({]", code[close + 1:]):
            bad.append(f"a cast to {' '.join(code[m.start():close + 1].split())[:40]}")
    bad += ["a cast to ...::type" for _ in re.finditer(r"::\s*type\s*[({]", code)]
    return bad


def _void_casts(code: str, kernels: set[str]) -> list[str]:
    """Casts to ``void*``: only of data_ptr, ``&name``, a kernel or ``nullptr``."""
    ok = r"\s*(?:&\s*[A-Za-z_][\w.]*|nullptr|NULL|0" + "".join(f"|{re.escape(k)}" for k in sorted(kernels)) + r")\s*"
    bad = []
    for m in _C_CAST.finditer(code):
        prev = re.search(r"(\w+|\S)\s*$", code[max(0, m.start() - 40):m.start()])
        if prev and (prev.group(1)[-1] in ")]>" or prev.group(1)[-1].isalnum() or prev.group(1)[-1] == "_") and \
                prev.group(1) not in _UNARY_AFTER:
            continue
        if _VOID_TARGET.fullmatch(m.group(1)):
            arg = _operand(code, m.end())
            if not (_DATA_PTR.fullmatch(arg) or re.fullmatch(ok, arg)):
                bad.append(f"({' '.join(m.group(1).split())}) cast of {' '.join(arg.split())[:30]!r}")
    for m in re.finditer(r"\b(?:reinterpret_cast|static_cast)\s*<([^<>;]*)>\s*\(", code):
        if _VOID_TARGET.fullmatch(m.group(1)):
            arg = code[m.end():_balanced(code, m.end() - 1) - 1]
            if not (_DATA_PTR.fullmatch(arg) or re.fullmatch(ok, arg)):
                bad.append(f"cast<{' '.join(m.group(1).split())}> of {' '.join(arg.split())[:30]!r}")
    return bad


class _Pointers:
    """Which expressions of one host text hold host addresses."""

    def __init__(self, code: str) -> None:
        tainted, bound, tables = host_buffers(code)
        iters = {m.group(1) for m in re.finditer(r"\b([A-Za-z_]\w*)\s*=\s*([^;{}]*)", code)
                 if _HOST_ADDR_CALL.search(m.group(2).rstrip())}
        self.names, self.tables = tainted | iters, tables

    def holds(self, expr: str) -> bool:
        e = expr.strip()
        while True:  # casts and parentheses around the operand
            m = re.match(r"\(\s*(?:const\s+)?[A-Za-z_][\w:]*(?:\s*<[^()<>;]*>)?[\s*&]*\)\s*(?=\S)", e)
            if m and m.end() < len(e):
                e = e[m.end():].strip()
                continue
            if e.startswith("(") and _balanced(e, 0) == len(e):
                inner = e[1:-1]
                return any(self.holds(p) for p in re.split(r"(?<![-+])[+-](?![-+>=])", inner))
            break
        if re.match(r"&(?!&)|new\b|this\b|\"\"", e) or _HOST_ADDR_CALL.search(e):
            return True
        m = re.fullmatch(r"([A-Za-z_]\w*)(\s*\[.*\]|\s*(?:<[^<>;]*>)?\s*\(.*\))?", e, re.S)
        if not m:
            return False
        return m.group(1) in self.tables if (m.group(2) or "").lstrip().startswith("[") else m.group(1) in self.names


def _left_operand(code: str, i: int) -> str:
    """The postfix expression that ends just before ``i`` (a name with members, calls, indexes)."""
    j = i
    while j > 0 and code[j - 1].isspace():
        j -= 1
    end = j
    while j > 0:
        c = code[j - 1]
        if c in ")]":
            depth, k = 0, j - 1
            while k >= 0:
                depth += (code[k] in ")]") - (code[k] in "([")
                if depth == 0:
                    break
                k -= 1
            j = k
        elif c == ">" and re.search(r"\w\s*<[^<>;()]*>$", code[max(0, j - 60):j]):
            j = code.rindex("<", 0, j)
        elif c.isalnum() or c in "_.":
            j -= 1
        elif code[j - 2:j] in ("->", "::"):
            j -= 2
        else:
            break
    if j > 0 and code[j - 1] == "&" and not code[max(0, j - 2):j].startswith("&&"):
        prev = code[max(0, j - 30):j - 1].rstrip()
        if not prev or prev[-1] in "(,=;{}?:!+-*/<>|^[" or re.search(r"\breturn$", prev):
            j -= 1
    return code[j:end]


#: an optional of no pointer (``c10::optional<double> min_val``): ``*min_val`` reads its value, not memory
#: through an address (honest round 14: clamp's optional bounds were a dereference in host code)
_OPTIONAL = re.compile(r"\b(?:(?:c10|std|at|torch)\s*::\s*)?optional\s*<([^<>;*&]*(?:<[^<>;*&]*>)?[^<>;*&]*)>"
                       r"\s*(?:const\s*)?&?\s*([A-Za-z_]\w*)\s*[,)=;{]")


def _derefs(code: str) -> list[str]:
    bad = []
    optionals = Counter(m.group(2) for m in _OPTIONAL.finditer(code))  # name -> its optional declarations
    for m in re.finditer(r"\*(?:\s*\*)*(?!=)", code):
        if m.start() > 0 and code[m.start() - 1] in "*/" or code[m.end():m.end() + 1] == "/":
            continue
        before = code[max(0, m.start() - 60):m.start()].rstrip()
        last = before[-1:] if before else ""
        word = re.search(r"(\w+)$", before)
        if word and word.group(1) not in _UNARY_AFTER or last in ("]", ">") and not before.endswith("->"):
            continue
        if last == ")":
            open_ = _open_of(code, code.rindex(")", 0, m.start()))
            head = re.search(r"([A-Za-z_]\w*)\s*$", code[max(0, open_ - 30):open_])
            if not (head and head.group(1) in _CONTROL):
                continue  # a product, or a cast of a dereference (a read)
        if last == "," and _declarator_list(code, code.rindex(",", 0, m.start())):
            continue
        if re.search(r"\b(?:sizeof|alignof|decltype|noexcept)\s*\($", before) or before.endswith("operator"):
            continue
        operand = _operand(code, m.end())
        if m.group(0) == "*" and operand.strip() in optionals and _only_optional(code, operand.strip(), optionals):
            continue
        bad.append(f"*{' '.join(operand.split())[:30]} (a dereference in host code)")
    return bad


def _arithmetic(code: str, ptrs: _Pointers, iters: list[tuple[str, int, int, int]]) -> list[str]:
    bad = []
    for m in re.finditer(r"\+\+|--|\+=|-=|(?<![-+])[+-](?![-+=>])", code):
        if re.search(r"\d[eEpP]$", code[max(0, m.start() - 2):m.start()]):
            continue
        if m.group(0) == "++" and any(head <= m.start() < start for _, head, start, _ in iters):
            continue  # ++it in the header of a loop from begin to end
        left = _left_operand(code, m.start())
        right = _operand(code, m.end()) if m.group(0) not in ("++", "--") or not left.strip() else ""
        if m.group(0) in ("++", "--") and left.strip():
            right = ""
        for side in (left, right):
            if side.strip() and ptrs.holds(side):
                bad.append(f"{' '.join(side.split())[:30]} {m.group(0)} (arithmetic on a host address)")
                break
    return bad


def _int_casts(code: str, ptrs: _Pointers) -> list[str]:
    """A host address made an integer (C-style, functional, reinterpret_cast or static_cast)."""
    bad = []
    for m in _C_CAST.finditer(code):
        prev = re.search(r"(\w+|\S)\s*$", code[max(0, m.start() - 40):m.start()])
        if prev and (prev.group(1)[-1] in ")]>" or prev.group(1)[-1].isalnum() or prev.group(1)[-1] == "_") and \
                prev.group(1) not in _UNARY_AFTER:
            continue
        if _INT_NAMES.fullmatch(m.group(1).strip()) and ptrs.holds(_operand(code, m.end())):
            bad.append(f"({' '.join(m.group(1).split())}) of a host address")
    for pat in (_INT_CAST, _FUNCTIONAL_INT):
        for m in pat.finditer(code):
            arg = code[m.end():_balanced(code, m.end() - 1) - 1]
            if ptrs.holds(arg):
                bad.append(f"{' '.join(arg.split())[:30]} made an integer (a host address)")
    return bad


def _distances(code: str, ptrs: _Pointers) -> list[str]:
    """``std::distance`` of a host address: the integer it returns is the address (red team 11b S1:
    ``std::distance(d, hv.data())`` with ``d`` a device pointer, added back to ``d``, was a host vector
    passed as device memory, with no cast and no arithmetic). Accepted only when no argument holds a
    host address, or every argument is ``v.begin()``/``v.end()`` (``std::begin(v)``...) of one ``v``."""
    bad = []
    tainted, bound, _ = host_buffers(code) if _DISTANCE.search(code) else (set(), set(), None)
    for m in _DISTANCE.finditer(code):
        args = [a.strip() for a in _args(code, m.end() - 1)[0]]
        ends = [_ITER_END.fullmatch(a) for a in args]
        if all(ends) and len({e.group(1) or e.group(2) for e in ends if e}) == 1:
            continue
        if any(ptrs.holds(a) or _mentions(a, tainted, bound) for a in args):
            bad.append(f"std::distance({', '.join(args)[:40]}) of a host address (an integer made from it)")
    return bad


def _library_writes(code: str) -> list[str]:
    """Range writes, placement new and ``delete`` (module docstring)."""
    bad = []
    for m in _RANGE_ALGOS.finditer(code):
        args = [a.strip() for a in _args(code, m.end() - 1)[0]]
        first = re.fullmatch(r"([A-Za-z_]\w*)\s*\.\s*begin\s*\(\s*\)|std\s*::\s*begin\s*\(\s*([A-Za-z_]\w*)\s*\)",
                             args[0]) if args else None
        container = (first.group(1) or first.group(2)) if first else "@"
        last = re.fullmatch(re.escape(container) + r"\s*\.\s*end\s*\(\s*\)|std\s*::\s*end\s*\(\s*"
                            + re.escape(container) + r"\s*\)", args[1]) if len(args) > 1 else None
        if m.group(1).endswith("_n") or last is None:
            bad.append(f"std::{m.group(1)}({', '.join(args)[:40]}) (a range other than v.begin(), v.end())")
    bad += ["placement new" for _ in re.finditer(r"(?<![\w.])new\s*\(", code)]
    for m in re.finditer(r"\bfor\s*\([^;()]*&\s*[A-Za-z_]\w*\s*:\s*([A-Za-z_]\w*)\s*\)", code):
        if re.search(r"(?<![\w.>])" + re.escape(m.group(1)) + r"\s*" + _MOVES, code) and "const" not in m.group(0):
            bad.append(f"for (&... : {m.group(1)}) over a container that grows (the reference dangles)")
    for m in re.finditer(r"\b(?:unique_ptr|shared_ptr)\s*<[^;{}]*?>\s*[A-Za-z_]*\w*\s*[({]\s*(?![)}]|new\b)"
                         r"|(?:\.|->)\s*reset\s*\(\s*(?!\)|new\b)", code):
        bad.append(f"{' '.join(m.group(0).split())[:30]}... (a smart pointer owns only what new made)")
    return bad + _deletes(code)


def _deletes(code: str) -> list[str]:
    """``delete`` only of a local that ``new`` initialised, not reassigned, outside loops, not used after."""
    bad = []
    body = _outer_body(code)
    for m in re.finditer(r"\bdelete\s*(?:\[\s*\])?\s*", code):
        name = re.match(r"([A-Za-z_]\w*)\s*;", code[m.end():])
        if not name:
            bad.append(f"delete {code[m.end():m.end() + 20].split(';')[0].strip()} (only a local new initialised)")
            continue
        n = re.escape(name.group(1))
        start = body[m.start()]
        end = _balanced(code, start, "{", "}") if start >= 0 else len(code)
        scope = code[max(start, 0):end]
        inits = re.findall(r"(?<![\w.>])" + n + r"\s*=(?!=)\s*(new\b)?", scope)
        after = re.search(r"\b" + n + r"\b", code[m.end() + name.end():end])
        loop = _in_loop(code, m.start(), start)
        if len(inits) != 1 or inits[0] != "new" or after or loop or re.search(r"&\s*" + n + r"\b", scope):
            bad.append(f"delete {name.group(1)} (only a local new initialised, not reassigned, outside loops, "
                       "not used after)")
    return bad


def _in_loop(code: str, at: int, body_start: int) -> bool:
    """Is ``at`` inside a for/while/do statement of the function body that starts at ``body_start``?"""
    for m in re.finditer(r"\b(?:for|while)\s*\(|\bdo\b", code[max(body_start, 0):at]):
        k = max(body_start, 0) + m.end()
        if m.group(0).startswith(("for", "while")):
            k = _balanced(code, k - 1)
        while k < len(code) and code[k].isspace():
            k += 1
        end = _balanced(code, k, "{", "}") if k < len(code) and code[k] == "{" else code.find(";", k) + 1
        if k <= at < end:
            return True
    return False


def _elements(code: str, iters: list[tuple[str, int, int, int]]) -> str:
    """``code`` with each ``*it`` in the body of a loop from begin to end (:func:`.hostindex.safe_iterators`)
    read as the number it is (``0``, same length): an element of numbers, no dereference of a host address."""
    for it, _, start, end in iters:
        body = re.sub(r"\*\s*" + re.escape(it) + r"\b", lambda m: "0" + " " * (len(m.group(0)) - 1), code[start:end])
        code = code[:start] + body + code[end:]
    return code


def pointer_problems(code: str, kernels: set[str]) -> list[str]:
    """What in one host text makes a pointer from an integer or writes past host memory (module doc)."""
    iters = safe_iterators(code)
    code = _elements(code, iters)
    consts = _constants(code)
    ptrs = _Pointers(code)
    bad = _type_casts(code, opaque_types(code)) + _void_casts(code, kernels)
    bad += _int_casts(code, ptrs) + _distances(code, ptrs) + _derefs(code) + _arithmetic(code, ptrs, iters)
    bad += _indexing(code, consts) + _library_writes(code) + _runtime_writes(code, ptrs)
    return bad


def _runtime_writes(code: str, ptrs: _Pointers) -> list[str]:
    """A memset of host memory, and a cudaMalloc out-pointer that is not a pointer."""
    tainted, bound, _ = host_buffers(code)
    bad = []
    for m in re.finditer(r"\b(cudaMemset(?:2D)?(?:Async)?)\s*\(", code):
        args = _args(code, m.end() - 1)[0]
        if args and (ptrs.holds(args[0]) or _mentions(args[0], tainted, bound)):
            bad.append(f"{m.group(1)} of host memory {' '.join(args[0].split())[:30]!r}")
    for m in re.finditer(r"(?:\(\s*void\s*\*\s*\*\s*\)|reinterpret_cast\s*<\s*void\s*\*\s*\*\s*>\s*\()\s*&\s*"
                         r"([A-Za-z_]\w*)", code):
        if not re.search(r"\*\s*(?:const\s+)?" + re.escape(m.group(1)) + r"\s*[=;,)\[]", code):
            bad.append(f"(void**)&{m.group(1)} of a name not declared a pointer")
    return bad


def format_writes(literals: list[str]) -> list[str]:
    """``%n`` conversions in string literals (printf would write through its arguments, or the stack)."""
    return [f"the format {s[:30]!r} writes through %n" for s in literals if _PRINTF_N.search(s)]


def _only_optional(code: str, name: str, optionals: Counter[str]) -> bool:
    """Is ``name`` declared only as an optional (no other declaration could make it a pointer)?"""
    return len(re.findall(r"[\w>][\s*&]+\b" + re.escape(name) + r"\s*[,)=;{\[]", code)) == optionals[name]
