"""What :mod:`.devuse` follows (names, tables, parameters, own functions) and the places an occurrence
of a device pointer ends in: a declaration or assignment, a ``return``, a call's argument, a brace list."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from harness.families.kernels.static.cudacalls import _declarator_list
from harness.families.kernels.static.devptr import DevicePointers
from harness.families.kernels.static.devtok import INTEGER, KEYWORDS, Tokens, has_pointer, type_words, word
from harness.families.kernels.static.hostmem import _FUNC, _LAMBDA, _params

if TYPE_CHECKING:
    from harness.families.kernels.static.devuse import _Climb

#: runtime calls and the argument positions where a device pointer (or a table of them) may stand
RUNTIME_POSITIONS: dict[str, frozenset[int]] = {
    "cudaMemcpy": frozenset({0, 1}), "cudaMemcpyAsync": frozenset({0, 1}), "cudaMemcpy2D": frozenset({0, 2}),
    "cudaMemcpy2DAsync": frozenset({0, 2}), "cudaMemcpyToSymbol": frozenset({1}),
    "cudaMemcpyToSymbolAsync": frozenset({1}), "cudaMemset": frozenset({0}), "cudaMemsetAsync": frozenset({0}),
    "cudaMemset2D": frozenset({0}), "cudaMemset2DAsync": frozenset({0}), "cudaFree": frozenset({0}),
    "cudaFreeAsync": frozenset({0}), "cudaLaunchKernelEx": frozenset(range(2, 64)),
}
_AUTO = frozenset({"auto", "const", "volatile", "static", "__restrict__", "__restrict", "constexpr"})
_NOT_FUNCS = frozenset({"if", "for", "while", "switch", "catch", "return", "sizeof", "decltype", "alignof"})
_CONTROL = frozenset({"if", "while", "for", "switch", "catch"})
_BLOCK_AFTER = frozenset({";", "}", ")", "else", "do", "try", "mutable", "const", "noexcept", "override", "final",
                          ":", "\"\"", ""})


class Context:
    """The followed names (``scope:name`` -> ``ptr``/``agg``) and own functions returning device pointers."""

    def __init__(self, toks: Tokens, ptrs: DevicePointers) -> None:
        self.t, self.ptrs = toks, ptrs
        self.tracked: dict[str, str] = {}
        self.functions: dict[str, str] = {}
        members = [m for ms in ptrs.structs.values() for m in ms]
        self.pointer_members = {m.name for m in members if m.ptr or m.size}
        self.struct_members = {m.name for m in members if set(type_words_of(m.type)) & set(ptrs.structs)}
        code = toks.code
        self.defs: dict[str, list[tuple[list[str], int]]] = {}
        for m in _FUNC.finditer(code):
            if m.group(1) not in _NOT_FUNCS:
                self.defs.setdefault(m.group(1), []).append((_params(m.group(2)), ptrs.scope[m.end() - 1]))
        for m in _LAMBDA.finditer(code):
            self.defs.setdefault(m.group(1), []).append((_params(m.group(2)), ptrs.scope[m.start()]))

    def key(self, i: int, name: str) -> str:
        return self.ptrs.key(self.ptrs.scope[self.t.start[i]], name)

    def track(self, key: str, kind: str) -> None:
        name = key.split(":", 1)[1]
        for k in (key, f"-1:{name}") if f"-1:{name}" in self.ptrs.binds else (key,):  # a namespace-level variable
            if self.tracked.get(k) != "agg":
                self.tracked[k] = kind

    def kind(self, key: str) -> str | None:
        return self.tracked.get(key)

    def size(self) -> int:
        return len(self.tracked) + len(self.functions) + sum(v == "agg" for v in self.tracked.values())

    def table(self, i: int) -> bool:
        """Is the name at token ``i`` a pointer table (:func:`.devagg.pointer_tables`) or a followed aggregate?"""
        return self.key(i, self.t.text[i]) in self.ptrs.tables or self.kind(self.key(i, self.t.text[i])) == "agg"

    def declared(self, a: int, b: int, n: int, kind: str, what: str = "initialises") -> str:
        """The name at token ``n`` declared with the type tokens ``a..b``, ``what`` a device pointer (``ptr``),
        an aggregate of them (``agg``), several constructor arguments (``many``) or an array's initialiser."""
        t = self.t
        words = type_words(t, a, b)
        if kind in ("agg", "many"):
            if has_pointer(t, a, b, inside=True) or set(words) & set(self.ptrs.structs) or \
                    kind == "agg" and words and set(words) <= _AUTO:
                self.track(self.key(n, t.text[n]), "agg")
                return ""
            return f"{what} {t.source(a, n)} (not a pointer table or own struct)"
        if kind == "ptr" and (has_pointer(t, a, b) or words and set(words) <= _AUTO):
            self.track(self.key(n, t.text[n]), "ptr")
            return ""
        if kind == "ptr" and words and all(INTEGER.fullmatch(w) or w in ("std", "static", "constexpr") for w in words):
            return ""
        return f"{what} {t.source(a, n)}"

    def assigned(self, left: int, eq: int, kind: str, brace: bool = False) -> str:
        """``lhs = <occurrence>`` (``brace``: ``lhs = {..., <occurrence>, ...}``): a declaration or a name,
        member or element."""
        t = self.t
        a, end = left + 1, eq - 1
        if end < a:
            return "assigned to nothing the checks read"
        n = t.match[end] - 1 if t.at(end) == "]" and end in t.match else end
        if word(t.at(n)) and t.decl_site(n) and n > a:
            if n != end:
                return self.declared(a, n - 1, n, "agg" if kind == "agg" else "array")
            return self.declared(a, n - 1, n, kind)
        if t.at(left) == "," and all(x in ("*", "&") for x in t.text[a:n]) and word(t.at(n)) and \
                _declarator_list(t.code, t.start[left]):
            self.track(self.key(n, t.text[n]), kind)
            return ""
        if brace and not (n == a and n == end and word(t.at(a)) and self.table(a)):
            return f"listed in a brace list assigned to {t.source(a, end)[:30]}"
        if n == a and word(t.at(a)) and n == end:
            self.track(self.key(a, t.text[a]), kind)
            return ""
        if end == a + 2 and t.at(a + 1) == "." and word(t.at(a)) and word(t.at(end)):
            self.track(self.key(a, f"{t.text[a]}.{t.text[end]}"), kind)
            return ""
        if n != end and (n == a or n == a + 2 and t.at(a + 1) == ".") and word(t.at(a)) and word(t.at(n)):
            self.track(self.key(a, t.source(a, n).replace(" ", "")), "agg")  # t[k] = p, s.p[k] = p
            return ""
        return f"stored into {t.source(a, end)[:30]}"

    def returned(self, a: int, kind: str) -> str:
        """``return <occurrence>``: the own function or named lambda around it returns device memory."""
        t = self.t
        j = t.parent(a)
        while j >= 0:
            if t.text[j] == "{":
                name = self._function_of(j)
                if name == "":
                    return "returned from an unnamed lambda"
                if name:
                    if self.functions.get(name) != "agg":
                        self.functions[name] = kind
                    return ""
            j = t.parent(j)
        return "returned outside a function"

    def _function_of(self, brace: int) -> str | None:
        """The function or named lambda whose body opens at ``brace`` ('' for an unnamed lambda, None for no body)."""
        t = self.t
        j = brace - 1
        while j >= 0 and t.text[j] not in (")", "]", ";", "{", "}", "=", ","):
            j = t.match[j] - 1 if t.closer(j) else j - 1
        if t.at(j) == ")" and j in t.match:
            j = t.match[j] - 1
            if t.at(j) in _CONTROL:
                return None
            if word(t.at(j)) and t.at(j) not in KEYWORDS:
                return t.text[j]
        if t.at(j) == "]" and j in t.match:
            k = t.match[j]
            if t.at(k - 1) == "=" and word(t.at(k - 2)):
                return t.text[k - 2]
            return ""
        return None

    def param(self, name: str, k: int, kind: str) -> str:
        """An own function's or lambda's parameter ``k`` is given a device pointer: follow the parameter."""
        found = False
        for params, scope in self.defs.get(name, []):
            if k < len(params) and params[k]:
                self.track(self.ptrs.key(scope, params[k]), kind)
                found = True
        return "" if found else f"passed to {name}() beyond its parameters"

    def own(self, name: str) -> bool:
        return name in self.defs

    def block(self, open_: int) -> bool:
        """Is the ``{`` at ``open_`` a block (a body or statement), not a brace list?"""
        t = self.t
        prev = t.at(open_ - 1)
        if prev == "{":
            return self.block(open_ - 1)
        if prev in _BLOCK_AFTER or prev in ("struct", "class", "union", "namespace", "enum"):
            return True
        if prev == "]" and open_ - 1 in t.match:
            before = t.at(t.match[open_ - 1] - 1)
            return not (word(before) and before not in KEYWORDS or t.closer(t.match[open_ - 1] - 1))
        if word(prev) and t.at(open_ - 2) in ("struct", "class", "union", "namespace", "enum"):
            return True
        j = open_ - 1
        while j >= 0 and (word(t.at(j)) or t.at(j) in ("*", "&", "::") or j in t.template):
            j = t.match[j] - 1 if t.closer(j) else j - 1
        return t.at(j) == "->"

    def container(self, climb: _Climb, left: int, right: int) -> str:
        """The occurrence is a whole comma-separated segment: of a call, a brace list, a statement."""
        t = self.t
        open_ = t.parent(climb.a)
        if open_ < 0 or t.at(left) == ";":
            return ""
        if t.text[open_] == "[":
            before = t.at(open_ - 1)
            return "used as an index" if word(before) and before not in KEYWORDS or t.closer(open_ - 1) else ""
        if t.text[open_] == "{":
            return "" if self.block(open_) else self._brace_item(climb, open_)
        return self._paren(climb, open_, left, right)

    def _paren(self, climb: _Climb, open_: int, left: int, right: int) -> str:
        t = self.t
        prev = t.at(open_ - 1)
        if prev in (">>>", "sizeof", "decltype", "alignof", "typeid", "noexcept", "alignas") or prev in _CONTROL:
            return ""
        f = t.name_before(open_)
        if f >= 0 and t.at(f) in ("static_cast", "reinterpret_cast", "const_cast", "dynamic_cast"):
            if left != open_ or right != t.match.get(open_):
                return "in a cast the checks cannot read"
            climb.b = right
            return climb._cast(f + 2, open_ - 2, f)
        if f >= 0 and t.at(f) not in KEYWORDS:
            return self._call(climb, f, open_, left, right)
        if t.closer(open_ - 1) and prev != ">" and not (prev == ")" and t.cast_paren(t.match[open_ - 1], open_ - 1)):
            return "passed to a call through an expression"
        if left != open_ or right != t.match.get(open_):
            return "in a comma expression"
        climb.a, climb.b = open_, right
        return "again"

    def _call(self, climb: _Climb, f: int, open_: int, left: int, right: int) -> str:
        t = self.t
        name, k = t.text[f], t.args_index(open_, climb.a)
        if t.at(f - 1) in (".", "->"):
            single = left == open_ and right == t.match.get(open_)
            grow = name in ("push_back", "emplace_back", "push_front", "emplace_front") and single
            fill = name in ("resize", "assign") and k == 1 and t.args_index(open_, t.match[open_]) == 1
            if (grow or fill) and word(t.at(f - 2)) and self.table(f - 2):
                self.track(self.key(f - 2, t.text[f - 2]), "agg")  # a pointer table's elements (devagg)
                return ""
            return f"passed to .{name}()"
        ns = t.at(f - 2) if t.at(f - 1) == "::" else ""
        if ns == "std":
            fill = name == "fill" and (self._table_fill(open_, k) or k < 2 and climb.kind == "agg" and
                                       self._table_fill(open_, 2, track=False))
            return "" if name in ("swap", "exchange") or fill else f"passed to std::{name}()"
        if not ns and t.decl_site(f):
            single = left == open_ and right == t.match.get(open_)
            start = t.bounds(f, f)[0] + 1
            return self.declared(start, f - 1, f, climb.kind if single else "many",
                                 "given to the constructor of")
        if name in RUNTIME_POSITIONS:
            return "" if k in RUNTIME_POSITIONS[name] else f"passed to {name}() as its argument {k + 1}"
        if INTEGER.fullmatch(name) and climb.kind == "ptr":
            return ""
        if self.own(name):
            return self.param(name, k, climb.kind)
        if name in self.ptrs.structs:
            climb.a, climb.b, climb.kind = f, t.match[open_], "agg"
            return "again"
        return f"passed to {(ns + '::') if ns else ''}{name}()"

    def _table_fill(self, open_: int, k: int, track: bool = True) -> bool:
        """``std::fill(t.begin(), t.end(), <occurrence>)`` of a pointer table ``t`` (:mod:`.devagg`); ``k``
        the occurrence's argument (``track``: follow ``t`` as an aggregate)."""
        t = self.t
        first = open_ + 1
        if k != 2 or t.args_index(open_, t.match[open_]) != 2 or not word(t.at(first)):
            return False
        if t.at(first + 1) == "." and t.at(first + 2) == "begin" and self.table(first):
            if track:
                self.track(self.key(first, t.text[first]), "agg")
            return True
        return False

    def _brace_item(self, climb: _Climb, open_: int) -> str:
        """An item of the brace list at ``open_``: of a pointer table or own struct, else reported."""
        t = self.t
        close = t.match.get(open_, open_)
        prev = t.at(open_ - 1)
        if prev == "=":
            return self.assigned(t.bounds(open_, close)[0], open_ - 1, "agg", brace=True)
        if prev == "return":
            return self.returned(open_, "agg")
        if prev in ("{", ",", "("):
            climb.a, climb.b, climb.kind = open_, close, "agg"
            return "again"
        n = t.match[open_ - 1] - 1 if prev == "]" and open_ - 1 in t.match else open_ - 1
        if word(t.at(n)) and t.decl_site(n):
            return self.declared(t.bounds(n, n)[0] + 1, n - 1, n, "agg", "listed in the brace list of")
        start = t.name_before(open_)
        if start >= 0 and t.at(start) not in KEYWORDS:
            if has_pointer(t, start, open_ - 1, inside=True) or t.text[start] in self.ptrs.structs:
                climb.a, climb.b, climb.kind = start, close, "agg"
                return "again"
            return f"listed in {t.source(start, open_ - 1)}{{...}}"
        return "listed in a brace list the checks cannot read"


def type_words_of(text: Any) -> list[str]:
    import re

    return re.findall(r"[A-Za-z_]\w*", str(text or ""))
