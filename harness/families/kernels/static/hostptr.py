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
  ``nullptr``; a host address never becomes an integer (``(long)&n``, ``reinterpret_cast<uintptr_t>(v.data())``);
* no unary ``*`` (dereference) and no arithmetic (``+ - += -= ++ --``) on a host address: ``&x``,
  ``.data()``, ``.begin()``/``.end()``, ``new``, ``this``, a string, an array or a pointer bound to one
  (arithmetic on device pointers from ``data_ptr`` stays: ``x.data_ptr<float>() + off`` to a launch);
* ``a[i]`` only of an array, ``std::array``, ``std::vector`` or ``new T[N]`` pointer whose size is a
  literal (or a ``constexpr`` of one) and which is never reassigned, swapped, resized, reset, moved or
  handed to an own function, with ``i`` a literal below the size or the variable of an enclosing
  ``for (T i = 0; i < M; ++i)`` with literal ``M`` no larger, not written in the loop; never a call's
  result but ``.sizes()``/``.strides()`` (read-only), never ``a[i][j]``; no variable-length array;
* ``std::fill``/``iota``/``sort``/``stable_sort``/``reverse`` take ``v.begin(), v.end()`` of one
  container, no ``std::fill_n``; no placement ``new``; ``delete`` only of a local that ``new``
  initialised and nothing reassigns, outside loops, not used after; no ``%n`` in a format string.
"""
from __future__ import annotations

import re

from harness.families.kernels.static.cudacalls import _declarator_list, _outer_body
from harness.families.kernels.static.cudaindirect import (
    _C_CAST,
    _DATA_PTR,
    _balanced,
    _operand,
    own_functions,
)
from harness.families.kernels.static.hostmem import _args, host_buffers

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
_UNARY_AFTER = frozenset({"return", "case", "throw", "else", "do", "co_return", "co_yield", "delete"})
_RANGE_ALGOS = re.compile(r"\bstd\s*::\s*(fill|fill_n|iota|sort|stable_sort|reverse|generate|generate_n)\s*\(")
_PRINTF_N = re.compile(r"%[-+ #0'0-9.*$]*(?:hh|h|ll|l|j|z|t|L|q)?n")
_LOOP = re.compile(r"\bfor\s*\(\s*(?:(?:const\s+|unsigned\s+|signed\s+|long\s+)*[A-Za-z_][\w:]*\s+)([A-Za-z_]\w*)\s*=\s*"
                   r"(\d+)\s*[lLuU]*\s*;\s*\1\s*<\s*(\w+(?:\s*\.\s*size\s*\(\s*\))?)\s*;\s*(?:\+\+\s*\1|\1\s*\+\+|\1\s*\+=\s*1)\s*\)")
#: calls after which a container's storage may move or shrink (a reference or an index into it dangles)
_MOVES = r"(?:\.|->)\s*(?:swap|resize|reset|assign|clear|pop_back|erase|shrink_to_fit|release|push_back|emplace_back" \
         r"|reserve|insert|emplace|append|push_front|emplace_front)\s*\("
#: callees that may take a sized host array or container whole (they neither keep nor resize it)
_WHOLE_ARG_OK = re.compile(r"(?:cuda[A-Z]\w*|sizeof|(?:(?:::)?\s*(?:torch|at|c10)\s*::\s*[\w:\s]*))$")


def _literal(text: str, consts: dict[str, int]) -> int | None:
    t = text.strip()
    m = re.fullmatch(r"(\d+)[uUlL]*", t)
    return int(m.group(1)) if m else consts.get(t)


def _constants(code: str) -> dict[str, int]:
    """``constexpr``/``const`` integers initialised by a literal (``constexpr int K = 4;``)."""
    out: dict[str, int] = {}
    for m in re.finditer(r"\b(?:constexpr|const)\s+(?:(?:static|unsigned|signed|long|short)\s+)*[A-Za-z_]\w*\s+"
                         r"([A-Za-z_]\w*)\s*=\s*(\d+)[uUlL]*\s*;", code):
        out[m.group(1)] = int(m.group(2))
    return out


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


def _derefs(code: str) -> list[str]:
    bad = []
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
        bad.append(f"*{' '.join(_operand(code, m.end()).split())[:30]} (a dereference in host code)")
    return bad


def _open_of(code: str, close: int) -> int:
    depth = 0
    for k in range(close, -1, -1):
        depth += (code[k] == ")") - (code[k] == "(")
        if depth == 0:
            return k
    return 0


def _arithmetic(code: str, ptrs: _Pointers) -> list[str]:
    bad = []
    for m in re.finditer(r"\+\+|--|\+=|-=|(?<![-+])[+-](?![-+=>])", code):
        if re.search(r"\d[eEpP]$", code[max(0, m.start() - 2):m.start()]):
            continue
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


def _symbolic(text: str, consts: dict[str, int]) -> int | str | None:
    """A size: a literal (or constexpr), a name ``S``, ``S > 0 ? S : 1`` or ``max(S, 1)`` (then ``S``)."""
    if (n := _literal(text, consts)) is not None:
        return n
    m = re.fullmatch(r"\s*([A-Za-z_]\w*)\s*(?:>\s*0\s*\?\s*\1\s*:\s*\d+\s*)?", text) or re.fullmatch(
        r"\s*(?:std\s*::\s*)?max\s*(?:<[^<>]*>)?\s*\(\s*(?:([A-Za-z_]\w*)\s*,\s*\d+|\d+\s*,\s*([A-Za-z_]\w*))\s*\)\s*", text)
    return (m.group(1) or m.group(m.lastindex or 1)) if m else None


def _array_sizes(code: str, consts: dict[str, int]) -> tuple[dict[str, list[tuple[int | str, int]]], list[str]]:
    """Host arrays and containers of a literal (or symbolic) size -> [(the size, where declared)];
    and variable-length arrays."""
    sizes: dict[str, list[tuple[int | str, int]]] = {}
    vla = []
    for m in re.finditer(r"\b([A-Za-z_][\w:]*)(?:\s*<[^;{}()]*?>)?\s*[*&\s]\s*([A-Za-z_]\w*)\s*\[([^\]]*)\]\s*"
                         r"(?=[=;{,)])", code):
        if m.group(1) in _UNARY_AFTER or m.group(1) in ("new", "delete", "operator"):
            continue
        size = _literal(m.group(3), consts)
        if not m.group(3).strip():
            init = re.match(r"\s*=\s*\{", code[m.end():])
            size = len(_args(code, m.end() + init.end() - 1)[0]) if init else None
        if size is None and m.group(3).strip():
            vla.append(f"{m.group(2)}[{' '.join(m.group(3).split())[:20]}] (a variable-length array)")
        elif size is not None:
            sizes.setdefault(m.group(2), []).append((size, m.start(2)))
    for m in re.finditer(r"\bstd\s*::\s*array\s*<[^<>;]*,\s*(\w+)\s*>\s*([A-Za-z_]\w*)", code):
        if (n := _literal(m.group(1), consts)) is not None:
            sizes.setdefault(m.group(2), []).append((n, m.start(2)))
    for m in re.finditer(r"\bstd\s*::\s*vector\s*<[^;{}]*?>\s*([A-Za-z_]\w*)\s*(=\s*\{|\{|\()", code):
        args = _args(code, m.end() - 1)[0]
        size = len(args) if m.group(2) != "(" else (_symbolic(args[0], consts) if args else 0)
        if size is not None:
            sizes.setdefault(m.group(1), []).append((size, m.start(1)))
    for m in re.finditer(r"\b([A-Za-z_]\w*)\s*=\s*new\s+[A-Za-z_][\w:]*\s*\[([^\]]*)\]", code):
        if (size := _symbolic(m.group(2), consts)) is not None:
            sizes.setdefault(m.group(1), []).append((size, m.start(1)))
    return sizes, vla


def _scope(code: str, body: list[int], at: int) -> tuple[int, int]:
    """The span of the outermost function around ``at``, its parameter list included (the whole
    text at namespace level)."""
    b = body[at]
    if b == -1:
        return 0, len(code)
    close = code.rfind(")", max(0, b - 200), b)
    return (_open_of(code, close) if close != -1 else b), _balanced(code, b, "{", "}")


def _device_signatures(code: str) -> list[tuple[int, int]]:
    """The parameter lists of ``__global__``/``__device__`` functions (their bodies are blanked:
    a parameter there shadows nothing in host code)."""
    spans = []
    for m in re.finditer(r"\b(?:__global__|__device__)\b[^;{}()]*\(", code):
        if "__host__" not in m.group(0):
            spans.append((m.end() - 1, _balanced(code, m.end() - 1)))
    return spans


def _declarations(code: str, name: str, skip: list[tuple[int, int]]) -> int:
    """How many times host code declares ``name`` (a variable, parameter or array)."""
    count = 0
    for m in re.finditer(r"(?:[\w>]\s*[*&]*\s+|[*&]\s*|\[\s*[\w\s,]*?)" + re.escape(name) + r"\s*(?=[\[=;,)({:\]])",
                         code):
        word = re.search(r"(\w+)\s*[*&\s]*$", code[max(0, m.start() - 30):m.start() + len(m.group(0)) - len(name)])
        if word and word.group(1) in (*_UNARY_AFTER, "new", "sizeof", "operator"):
            continue
        if not any(a <= m.start() < b for a, b in skip):
            count += 1
    return count


def _stable(whole: str, name: str, scope: tuple[int, int]) -> bool:
    """Is ``name`` set once (by its declaration or as a parameter) and never written after, its
    address taken only in a brace list (``void* args[] = {&n}``) or cast to ``void*``? Read in the
    function ``scope`` when the name is its parameter or local, else in the whole text."""
    n = re.escape(name)
    code = whole[scope[0]:scope[1]]
    declared = _declarations(code, name, [])
    if declared == 0:
        code = whole
        declared = _declarations(code, name, _device_signatures(code))
    if declared != 1:
        return False  # a parameter or local of the same name elsewhere: not the same value
    sets = list(re.finditer(r"(?<![\w.>])" + n + r"\s*(?:[-+*/%&|^]|<<|>>)?=(?!=)", code))
    if len(sets) > 1 or re.search(r"(?:\+\+|--)\s*" + n + r"\b|(?<![\w.>])" + n + r"\s*(?:\+\+|--)", code):
        return False
    if sets and not re.search(r"[\w>*&]\s+$", code[max(0, sets[0].start() - 40):sets[0].start()]):
        return False
    for m in re.finditer(r"&\s*" + n + r"\b", code):
        before = code[max(0, m.start() - 400):m.start()]
        if re.search(r"\(\s*(?:const\s+)?void\s*\*\s*\)\s*$", before):
            continue
        depth = 0
        for ch in reversed(before):
            depth += (ch in ")]}") - (ch in "([{")
            if depth < 0:
                if ch != "{":
                    return False
                break
    return True


def _fixed(code: str, name: str, own: set[str]) -> bool:
    """Does ``name`` keep the storage it was declared with? Declared once, never reassigned,
    swapped, resized, grown (a reference into it would dangle), moved, tied, bound to a reference
    or handed whole to anything but a CUDA runtime or torch call."""
    n = re.escape(name)
    if _declarations(code, name, _device_signatures(code)) != 1:
        return False
    if len(re.findall(r"(?<![\w.>])" + n + r"\s*=(?!=)", code)) > 1 or re.search(r"(?<![\w.>])" + n + r"\s*" + _MOVES,
                                                                              code):
        return False
    if re.search(r"(?<![\w.>])" + n + r"\s*=(?!=)", code) and not re.search(
            r"[\w>*&]\s*[*&]?\s*" + n + r"\s*(?:\[[^\]]*\]\s*)?=(?!=)", code):
        return False  # assigned, not initialised
    if re.search(r"&\s*" + n + r"\b(?!\s*\[)", code) or re.search(r"&\s*[A-Za-z_]\w*\s*[=({]\s*" + n + r"\s*[;)}]", code):
        return False  # its address, or a reference bound to it
    for m in re.finditer(r"(?<![\w.>])" + n + r"\b(?!\s*(?:\[|\.|->))", code):
        before = code[max(0, m.start() - 200):m.start()]
        depth, k = 0, len(before) - 1
        while k >= 0:
            depth += (before[k] in ")]}") - (before[k] in "([{")
            if depth < 0:
                break
            k -= 1
        if k < 0 or before[k] not in "({":
            continue
        callee = before[:k].rstrip()
        if before[k] == "{" and not re.search(r"[\w>]$", callee):
            continue  # a brace list of values
        if not _WHOLE_ARG_OK.search(callee) and not re.search(r"[\w>*&]\s+" + n + r"\s*$", code[:m.end()][-80:]):
            return False  # handed whole to a function, lambda or constructor that could keep or resize it
    return True


def _loops(code: str) -> list[tuple[str, str, int, int]]:
    """``for (T i = 0; i < B; ++i)`` loops whose body does not write ``i``: (i, B, body start, end)."""
    loops = []
    for m in _LOOP.finditer(code):
        k = m.end()
        while k < len(code) and code[k].isspace():
            k += 1
        end = _balanced(code, k, "{", "}") if k < len(code) and code[k] == "{" else code.find(";", k) + 1
        v = m.group(1)
        written = re.search(r"(?<![\w.])" + v + r"\s*(?:[-+*/%&|^]?=(?!=)|\+\+|--)|(?:\+\+|--|&)\s*" + v
                            + r"\b|\b(?:auto|int|long|short|unsigned|signed|size_t|char|float|double|\w+_t|[A-Z]\w*)\s*[*&]*"
                            r"\s*" + v + r"\s*[=({:;,\]]|\bauto\s*&*\s*\[[^\]]*\b" + v + r"\b", code[k:end])
        if not written:
            loops.append((m.group(1), re.sub(r"\s+", "", m.group(3)), k, end))
    return loops


def _bounded(name: str, index: str, at: int, size: int | str, loops: list[tuple[str, str, int, int]],
             consts: dict[str, int], code: str, scope: tuple[int, int]) -> bool:
    lit = _literal(index, consts)
    if lit is not None:
        return isinstance(size, int) and lit < size
    for var, bound, start, end in loops:
        if index.strip() != var or not start <= at < end:
            continue
        b = _literal(bound, consts)
        if b is not None and isinstance(size, int) and b <= size or bound == f"{name}.size()" or \
                isinstance(size, str) and bound == size and _stable(code, size, scope):
            return True
    return False


def _indexing(code: str, consts: dict[str, int]) -> list[str]:
    sizes, bad = _array_sizes(code, consts)
    own = own_functions(code)
    loops = _loops(code)
    fixed = {name: _fixed(code, name, own) for name in sizes}
    body = _outer_body(code)
    skip = _device_signatures(code)
    for m in re.finditer(r"\[", code):
        before = code[max(0, m.start() - 80):m.start()].rstrip()
        if not before or before[-1] not in ")]" and not re.search(r"[A-Za-z_]\w*$", before):
            continue  # a lambda, an attribute, new T[n], delete[]
        word = re.search(r"(?:(\.|->)\s*)?([A-Za-z_]\w*)$", before)
        if word and not word.group(1):
            ahead = before[:word.start()].rstrip()
            if word.group(2) in ("new", "delete", "operator") or re.search(r"\bnew\s+[\w:]*$", before) or (
                    ahead and (re.search(r"[\w>*&]$", ahead) and not re.search(r"\b(?:return|case|else|do)$", ahead))):
                continue  # new T[n], delete[], a declaration T a[N]
        close = _balanced(code, m.start(), "[", "]")
        index = code[m.start() + 1:close - 1]
        if not index.strip():
            continue  # a type (float[]) or a declaration's empty bound
        if before[-1] == ")" and re.search(r"(?:\.|->)\s*(?:sizes|strides)\s*\(\s*\)$", before):
            continue  # a read-only IntArrayRef
        if before[-1] in ")]" or not word or word.group(1):
            bad.append(f"{before[-20:].split()[-1] if before.split() else ''}[{' '.join(index.split())[:20]}] "
                       "(an index of memory the checks cannot bound)")
            continue
        name = word.group(2)
        scope = _scope(code, body, m.start())
        decls = [(size, at) for size, at in sizes.get(name, []) if body[at] in (body[m.start()], -1)]
        in_scope = _declarations(code[scope[0]:scope[1]], name, []) if body[m.start()] != -1 else \
            _declarations(code, name, skip)
        if not (len(decls) == 1 and in_scope == (1 if body[decls[0][1]] != -1 else 0) + (body[m.start()] == -1)
                and fixed[name] and _bounded(name, index, m.start(), decls[0][0], loops, consts, code, scope)):
            bad.append(f"{name}[{' '.join(index.split())[:20]}] (an index the checks cannot bound: a literal below a "
                       "literal size, or a for-loop variable below it)")
    return bad


def _library_writes(code: str) -> list[str]:
    """Range writes, placement new and ``delete`` (module docstring)."""
    bad = []
    for m in _RANGE_ALGOS.finditer(code):
        args = [a.strip() for a in _args(code, m.end() - 1)[0]]
        first = re.fullmatch(r"([A-Za-z_]\w*)\s*\.\s*begin\s*\(\s*\)|std\s*::\s*begin\s*\(\s*([A-Za-z_]\w*)\s*\)",
                             args[0]) if args else None
        name = first and (first.group(1) or first.group(2))
        end = len(args) > 1 and re.fullmatch(re.escape(name or "@") + r"\s*\.\s*end\s*\(\s*\)|std\s*::\s*end\s*\(\s*"
                                             + re.escape(name or "@") + r"\s*\)", args[1])
        if m.group(1).endswith("_n") or not end:
            bad.append(f"std::{m.group(1)}({', '.join(args)[:40]}) (a range other than v.begin(), v.end())")
    bad += ["placement new" for _ in re.finditer(r"(?<![\w.])new\s*\(", code)]
    for m in re.finditer(r"\bfor\s*\([^;()]*&\s*[A-Za-z_]\w*\s*:\s*([A-Za-z_]\w*)\s*\)", code):
        if re.search(r"(?<![\w.>])" + re.escape(m.group(1)) + r"\s*" + _MOVES, code) and "const" not in m.group(0):
            bad.append(f"for (&... : {m.group(1)}) over a container that grows (the reference dangles)")
    for m in re.finditer(r"\b(?:unique_ptr|shared_ptr)\s*<[^;{}]*?>\s*[A-Za-z_]*\w*\s*[({]\s*(?![)}]|new\b)"
                         r"|(?:\.|->)\s*reset\s*\(\s*(?!\)|new\b)", code):
        bad.append(f"{' '.join(m.group(0).split())[:30]}... (a smart pointer owns only what new made)")
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


def pointer_problems(code: str, kernels: set[str]) -> list[str]:
    """What in one host text makes a pointer from an integer or writes past host memory (module doc)."""
    consts = _constants(code)
    ptrs = _Pointers(code)
    bad = _type_casts(code, opaque_types(code)) + _void_casts(code, kernels)
    bad += _int_casts(code, ptrs) + _derefs(code) + _arithmetic(code, ptrs)
    bad += _indexing(code, consts) + _library_writes(code)
    return bad


def format_writes(literals: list[str]) -> list[str]:
    """``%n`` conversions in string literals (printf would write through its arguments, or the stack)."""
    return [f"the format {s[:30]!r} writes through %n" for s in literals if _PRINTF_N.search(s)]
