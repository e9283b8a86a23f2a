"""Indexes of host memory the checks can bound (issue 14, round 9; part of rule ``cuda_host_pointer``,
see :mod:`.hostptr`).

``a[i]`` in host code is accepted only of an array, ``std::array``, ``std::vector`` or ``new T[N]``
pointer declared once, whose size is a literal (or a ``constexpr`` of one) or a name set once in its
function, which keeps its storage (never reassigned, swapped, resized, grown, tied, moved, bound to
a reference or handed whole to anything but a CUDA runtime or torch call), with ``i`` a literal
below the size or the variable of an enclosing ``for (T i = 0; i < M; ++i)`` whose bound is no
larger and which the body neither writes nor redeclares; never a call's result but
``.sizes()``/``.strides()`` (read-only), never ``a[i][j]``; no variable-length array.
"""
from __future__ import annotations

import re

from harness.families.kernels.static.cudacalls import _outer_body
from harness.families.kernels.static.cudaindirect import _balanced, own_functions
from harness.families.kernels.static.cudaops import device_signatures
from harness.families.kernels.static.hostmem import _args
from harness.families.kernels.static.hostsizes import (
    _MOVES,
    _array_members,
    _call_result,
    _items_pair,
    _literal,
    _open_of,
    _own_size_loop,
    _owning,
    _pushed,
    _returned_sizes,
    iterator_loops,
    member_size,
    numbers,
)

_UNARY_AFTER = frozenset({"return", "case", "throw", "else", "do", "co_return", "co_yield", "delete"})

_BOUND = r"\s*<\s*(?:\(\s*(?:int|long|long long|size_t|int64_t|unsigned)\s*\)\s*)?(\w+(?:\s*\.\s*size\s*\(\s*\))?)\s*"
#: ``for (T i = 0; i < B; ++i)``, also ``i < A && i < (int)v.size()`` (each conjunct bounds ``i``: honest11b F8)
#: and ``i + c < B`` (a literal ``c``: ``i`` stays below ``B`` too; honest12 H9)
_LOOP = re.compile(r"\bfor\s*\(\s*(?:(?:const\s+|unsigned\s+|signed\s+|long\s+)*[A-Za-z_][\w:]*\s+)([A-Za-z_]\w*)\s*=\s*"
                   r"(\d+)\s*[lLuU]*\s*;\s*\1(?:\s*\+\s*\d+[lLuU]*)?" + _BOUND + r"((?:&&\s*\1" + _BOUND.replace("(\\w+", "(?:\\w+")
                   + r")*);\s*(?:\+\+\s*\1|\1\s*\+\+|\1\s*\+=\s*1)\s*\)")

#: callees that may take a sized host array or container whole (they neither keep nor resize it)
_WHOLE_ARG_OK = re.compile(r"(?:cuda[A-Z]\w*|sizeof|(?:(?:::)?\s*(?:torch|at|c10)\s*::\s*[\w:\s]*))$")


#: at most this many host arrays and containers are sized (an index of any other is rejected)
_MAX_SIZED = 64


def _constants(code: str) -> dict[str, int]:
    """``constexpr``/``const`` integers initialised by a literal (``constexpr int K = 4;``)."""
    out: dict[str, int] = {}
    for m in re.finditer(r"\b(?:constexpr|const)\s+(?:(?:static|unsigned|signed|long|short)\s+)*[A-Za-z_]\w*\s+"
                         r"([A-Za-z_]\w*)\s*=\s*(\d+)[uUlL]*\s*;", code):
        out[m.group(1)] = int(m.group(2))
    return out


def _symbolic(text: str, consts: dict[str, int]) -> int | str | None:
    """A size: a literal (or constexpr), a name ``S``, ``S > 0 ? S : 1`` or ``max(S, 1)`` (then ``S``)."""
    if (n := _literal(text, consts)) is not None:
        return n
    m = re.fullmatch(r"\s*([A-Za-z_]\w*)\s*(?:>\s*0\s*\?\s*\1\s*:\s*\d+\s*)?", text) or re.fullmatch(
        r"\s*(?:std\s*::\s*)?max\s*(?:<[^<>]*>)?\s*\(\s*(?:([A-Za-z_]\w*)\s*,\s*\d+|\d+\s*,\s*([A-Za-z_]\w*))\s*\)\s*", text)
    return (m.group(1) or m.group(m.lastindex or 1)) if m else None


#: a vector's element type for which a two-item brace list is always two elements (never the count constructor)
_ARITHMETIC = re.compile(r"\s*(?:const\s+)?(?:std\s*::\s*)?(?:u?int(?:8|16|32|64)_t|size_t|ptrdiff_t|float|double|bool|char"
                         r"|(?:(?:unsigned|signed|long|short)\s+)*(?:int|long|short|char)|unsigned|signed)\s*")


def _array_sizes(code: str, consts: dict[str, int], results: dict[str, int] | None = None
                 ) -> tuple[dict[str, list[tuple[int | str, int]]], list[str]]:
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
        count: int | str | None = len(args) if m.group(2) != "(" else (_symbolic(args[0], consts) if args else 0)
        element = re.match(r"std\s*::\s*vector\s*<([^;{}]*?)>", m.group(0))
        if m.group(2) != "(" and len(args) == 2 and not _ARITHMETIC.fullmatch(element.group(1) if element else "") \
                and not _items_pair(code, args[0]):
            count = None  # v{k, p} of pointers or tensors may be the count constructor: k copies (round 12)
        if count is not None:
            sizes.setdefault(m.group(1), []).append((count, m.start(1)))
    for m in re.finditer(r"(?:\bauto|>)\s*([A-Za-z_]\w*)\s*=\s*([A-Za-z_]\w*)\s*\(", code):
        if m.group(2) in (results or {}):  # auto outs = own_fn(x): what every return of it gives (honest11 F3)
            sizes.setdefault(m.group(1), []).append(((results or {})[m.group(2)], m.start(1)))
    for m in re.finditer(r"\b([A-Za-z_]\w*)\s*=\s*new\s+[A-Za-z_][\w:]*\s*\[([^\]]*)\]", code):
        if (alloc := _symbolic(m.group(2), consts)) is not None:
            sizes.setdefault(m.group(1), []).append((alloc, m.start(1)))
    return sizes, vla


def _scope(code: str, body: list[int], at: int) -> tuple[int, int]:
    """The span of the outermost function around ``at``, its parameter list included (the whole
    text at namespace level)."""
    b = body[at]
    if b == -1:
        return 0, len(code)
    close = code.rfind(")", max(0, b - 200), b)
    return (_open_of(code, close) if close != -1 else b), _balanced(code, b, "{", "}")


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
        declared = _declarations(code, name, device_signatures(code))
    if declared != 1:
        return False  # a parameter or local of the same name elsewhere: not the same value
    sets = list(re.finditer(r"(?<![\w.>])" + n + r"\s*(?:[-+*/%&|^]|<<|>>)?=(?!=)", code))
    if len(sets) > 1 or re.search(r"(?:\+\+|--)\s*" + n + r"\b|(?<![\w.>])" + n + r"\s*(?:\+\+|--)", code):
        return False
    if sets and not re.search(r"[\w>*&]\s+$", code[max(0, sets[0].start() - 40):sets[0].start()]):
        return False
    if re.search(r"\b(?:swap|exchange|tie|move)\s*\([^;]*\b" + n + r"\b", code):
        return False
    for m in re.finditer(r"&\s*" + n + r"\b", code):
        before = code[max(0, m.start() - 400):m.start()]
        if re.search(r"\(\s*(?:const\s+)?void\s*\*\s*\)\s*$", before):
            continue
        depth, k = 0, len(before) - 1
        while k >= 0:
            depth += (before[k] in ")]}") - (before[k] in "([{")
            if depth < 0:
                break
            k -= 1
        head = before[:k].rstrip() if k >= 0 else ""
        if k < 0 or before[k] != "{" or not re.search(r"(?:=|[\w>])$", head) or \
                re.search(r"\b(?:else|do|try)$", head):
            return False  # a reference to it, or its address where it could be written through
    return True


def _fixed(code: str, name: str, own: set[str], skip: list[tuple[int, int]]) -> bool:
    """Does ``name`` keep the storage it was declared with? Declared once, never reassigned,
    swapped, resized, grown (a reference into it would dangle), moved, tied, bound to a reference
    or handed whole to anything but a CUDA runtime or torch call."""
    n = re.escape(name)
    if _declarations(code, name, skip) != 1:
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


#: ``auto v = t.sizes();`` (``strides``; ``[const] c10::IntArrayRef v = ...``): a view of tensor ``t``'s metadata
_SIZES_VIEW = r"(?:\bauto|\bIntArrayRef)\s+{n}\s*=\s*([A-Za-z_]\w*)\s*\.\s*(?:sizes|strides)\s*\(\s*\)\s*;"
#: what may be called on the tensor while a view of its sizes is read (nothing that drops or resizes it)
_VIEW_SAFE = r"(?:size|sizes|stride|strides|numel|dim|ndimension|data_ptr|const_data_ptr|mutable_data_ptr|scalar_type" \
             r"|dtype|options|device|is_cuda|is_contiguous|element_size|itemsize|nbytes|storage_offset|get_device" \
             r"|defined|device_type|layout|is_floating_point)"


def _sizes_view(code: str, name: str, scope: tuple[int, int]) -> bool:
    """Is ``name`` a view of the sizes of a tensor that outlives every use of it (honest12 H9)? ``name``
    is ``auto name = t.sizes();`` in this function, ``t`` a by-value tensor of it (``auto t = ...``,
    ``torch::Tensor t``) that :func:`_stable` finds set once, never addressed or bound to a reference,
    and up to the view's last use (the end of a loop it is read in) only read (``t.size(0)``,
    ``t.numel()``): never handed to a call or a lambda, reset or swapped before it (the tensor's storage of
    its sizes would go, the view dangle).
    Not a view of a temporary (``torch::empty_like(x).sizes()``)."""
    text = code[scope[0]:scope[1]]
    decl = re.search(_SIZES_VIEW.format(n=re.escape(name)), text)
    if not decl or re.search(r"\bgoto\b", text):
        return False
    t = re.escape(decl.group(1))
    declared = re.search(r"(?:\bauto|(?:torch|at)\s*::\s*Tensor)\s+(" + t + r")\s*[=;,)({]", text)
    if not declared or \
            not _stable(code, decl.group(1), scope) or re.search(r"&\s*" + t + r"\b", text) or \
            re.search(r"&\s*[A-Za-z_]\w*\s*[=({]\s*" + t + r"\s*[;)},]", text):
        return False
    last = max(m.end() for m in re.finditer(r"(?<![\w.>])" + re.escape(name) + r"\b", text))
    for loop in re.finditer(r"\b(?:for|while)\s*\(", text[decl.end():last]):
        head = decl.end() + loop.end() - 1
        k = _balanced(text, head, "(", ")")
        while k < len(text) and text[k].isspace():
            k += 1
        end = _balanced(text, k, "{", "}") if k < len(text) and text[k] == "{" else text.find(";", k) + 1
        last = max(last, end)  # a later iteration reads the view again
    uses = {m.start() for m in re.finditer(r"(?<![\w.>])" + t + r"\b", text[:last])}
    reads = {m.start() for m in re.finditer(r"(?<![\w.>])" + t + r"\s*\.\s*" + _VIEW_SAFE + r"\s*(?:<[^<>;]*>)?\s*\(",
                                          text[:last])}
    reads |= {m.start(1) for m in re.finditer(r"\b(?:torch|at)\s*::\s*(?:empty|zeros|ones|full)_like\s*\(\s*(" + t + r")\b",
                                              text[:last])}  # an allocation like it (a const reference)
    return uses - reads == {declared.start(1)}  # up to the view's last read, only declared and read


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
            for bound in [m.group(3), *re.findall(r"&&\s*" + v + _BOUND, m.group(4))]:
                loops.append((m.group(1), re.sub(r"\s+", "", bound), k, end))
    return loops


def _bounded(name: str, index: str, at: int, size: int | str, loops: list[tuple[str, str, int, int]],
             consts: dict[str, int], code: str, scope: tuple[int, int], literal_sizes: dict[str, int]) -> bool:
    lit = _literal(index, consts)
    if lit is not None:
        return isinstance(size, int) and lit < size
    for var, bound, start, end in loops:
        if index.strip() != var or not start <= at < end:
            continue
        other = re.fullmatch(r"([A-Za-z_]\w*)\.size\(\)", bound)
        if other and isinstance(size, int) and isinstance(literal_sizes.get(other.group(1)), int) and \
                literal_sizes[other.group(1)] <= size:
            return True  # below the size of another container of a fixed literal size (honest11 F3)
        b = _literal(bound, consts)
        if b is not None and isinstance(size, int) and b <= size or bound == f"{name}.size()" or \
                isinstance(size, str) and bound == size and _stable(code, size, scope):
            return True
    return False


def _not_an_index(before: str, word: re.Match[str] | None) -> bool:
    """Whether the ``[`` after ``before`` (``word``: the name or member just before it) opens no
    index: a lambda, an attribute, a structured binding, ``new T[n]``, ``delete[]``, a declaration."""
    if not before or before[-1] not in ")]" and not re.search(r"[A-Za-z_]\w*$", before):
        return True  # a lambda, an attribute, new T[n], delete[]
    if word and not word.group(1) and word.group(2) == "auto":
        return True  # a structured binding, auto [n, m] = ... (honest11b F8a)
    if word and not word.group(1):
        ahead = before[:word.start()].rstrip()
        if word.group(2) in ("new", "delete", "operator") or re.search(r"\bnew\s+[\w:]*$", before) or (
                ahead and (re.search(r"[\w>*&]$", ahead) and not re.search(r"\b(?:return|case|else|do)$", ahead))):
            return True  # new T[n], delete[], a declaration T a[N]
    return False


def _indexing(code: str, consts: dict[str, int]) -> list[str]:
    results = _returned_sizes(code)
    sizes, bad = _array_sizes(code, consts, results)
    if len(sizes) > _MAX_SIZED:  # each is checked against the whole text: bound the work
        sizes = dict(sorted(sizes.items(), key=lambda kv: kv[1][0][1])[:_MAX_SIZED])
    own = own_functions(code)
    loops = _loops(code)
    skip = device_signatures(code)
    pushed = {name: (count, at) for name, (count, at, blanked) in _pushed(code).items()  # honest11b F8e
              if name not in sizes and _fixed(blanked, name, own, skip)}
    sizes.update({name: [entry] for name, entry in pushed.items()})
    fixed = {name: name in pushed or _fixed(code, name, own, skip) for name in sizes}
    literal_sizes = {name: d[0][0] for name, d in sizes.items() if len(d) == 1 and isinstance(d[0][0], int) and fixed[name]}
    members = _array_members(code, consts)
    body = _outer_body(code)
    scopes: dict[int, tuple[int, int]] = {}
    counts: dict[tuple[str, int], int] = {}
    for m in re.finditer(r"\[", code):
        before = code[max(0, m.start() - 80):m.start()].rstrip()
        word = re.search(r"(?:(\.|->)\s*)?([A-Za-z_]\w*)$", before)
        if _not_an_index(before, word):
            continue
        close = _balanced(code, m.start(), "[", "]")
        index = code[m.start() + 1:close - 1]
        if not index.strip():
            continue  # a type (float[]) or a declaration's empty bound
        if before[-1] == ")" and re.search(r"(?:\.|->)\s*(?:sizes|strides)\s*\(\s*\)$", before):
            continue  # a read-only IntArrayRef
        if before[-1] == ")" and _call_result(code, m.start(), index, results, consts):
            continue  # a literal index below the size every return of an own function gives
        member = member_size(code, before, word.group(2), members) if word and word.group(1) == "." else None
        if word and member is not None:
            member_scope = scopes.setdefault(body[m.start()], _scope(code, body, m.start()))
            if _bounded(word.group(2), index, m.start(), member, loops, consts, code, member_scope, literal_sizes):
                continue  # s.p[k]: an own struct's array member of a literal size (honest11b F8d)
        if before[-1] in ")]" or not word or word.group(1):
            bad.append(f"{before[-20:].split()[-1] if before.split() else ''}[{' '.join(index.split())[:20]}] "
                       "(an index of memory the checks cannot bound)")
            continue
        name = word.group(2)
        if name not in sizes and re.fullmatch(r"\s*\d{1,2}\s*", index) and _sizes_view(
                code, name, scopes.setdefault(body[m.start()], _scope(code, body, m.start()))):
            continue  # auto s = x.sizes(); s[0]: as x.sizes()[0] (honest round 14)
        if name not in sizes and _own_size_loop(name, index, m.start(), loops) and _fixed(code, name, own, skip) and (
                _owning(code, name) or _sizes_view(code, name, scopes.setdefault(body[m.start()],
                                                                                 _scope(code, body, m.start())))):
            continue  # v[k] for k < v.size(), v never resized, reassigned or handed away (honest11b F8)
        if name not in sizes or not fixed[name]:
            bad.append(f"{name}[{' '.join(index.split())[:20]}] (an index of storage without a literal or stable size)")
            continue
        fn = body[m.start()]
        if fn not in scopes:
            scopes[fn] = _scope(code, body, m.start())
        scope = scopes[fn]
        decls = [(size, at) for size, at in sizes[name] if body[at] in (fn, -1)]
        if (name, fn) not in counts:
            counts[name, fn] = _declarations(code[scope[0]:scope[1]], name, []) if fn != -1 else \
                _declarations(code, name, skip)
        in_scope = counts[name, fn]
        if not (len(decls) == 1 and in_scope == (1 if body[decls[0][1]] != -1 else 0) + (body[m.start()] == -1)
                and fixed[name] and _bounded(name, index, m.start(), decls[0][0], loops, consts, code, scope,
                                             literal_sizes)):
            bad.append(f"{name}[{' '.join(index.split())[:20]}] (an index the checks cannot bound: a literal below a "
                       "literal size, or a for-loop variable below it)")
    return bad


def safe_iterators(code: str) -> list[tuple[str, int, int, int]]:
    """``for (auto it = s.begin(); it != s.end(); ++it)`` loops whose ``*it`` and ``++it`` are safe
    (:func:`.hostsizes.iterator_loops`): ``s`` a vector of numbers that keeps its storage (:func:`_fixed`)
    or a sizes view whose tensor stays (:func:`_sizes_view`)."""
    if "begin" not in code:
        return []
    body = _outer_body(code)
    own = own_functions(code)
    skip = device_signatures(code)

    def accept(name: str, at: int) -> bool:
        if numbers(code, name):
            return _fixed(code, name, own, skip)
        return _sizes_view(code, name, _scope(code, body, at))

    return iterator_loops(code, accept)
