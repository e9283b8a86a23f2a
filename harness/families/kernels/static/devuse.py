"""Device memory reaches no host library code (red team s16 rtk c1; part of rule ``cuda_host_pointer``).

A host ReLU needs no copy call: ``std::vector<float> g(xc.data_ptr<float>(), xc.data_ptr<float>() + n)``
reads device memory on the host (a GPU with HMM or ATS makes that work), and so do ``v.insert(v.end(),
p, p + n)``, ``std::string(p, n)``, ``std::accumulate(p, p + n, 0.f)``, ``std::fill(q, q + n, 0)``, ...
A denylist of library names was not enough, so a positive rule: in host code a *device pointer* (a tensor's
``data_ptr``/``const_data_ptr``/``mutable_data_ptr``/``data<T>()``, a name :class:`.devptr.DevicePointers`
finds device-bound or ``cudaMalloc`` fills, and every name, table, member, parameter or own function's
result this rule binds one to) may only be:

* a kernel launch's argument, or an argument of a listed CUDA runtime call at a pointer position
  (``cudaMemcpy*`` destination or source, ``cudaMemset*``/``cudaFree*`` target, ``cudaLaunchKernelEx``);
* cast (to a pointer type: still a device pointer; to an integer, ``bool`` or ``void``: the end),
  parenthesised, offset (``p + k``, ``&p[i]``, ``++p``), a branch of ``?:``, compared (``==``, ``<``,
  ``!p``, ``p && q``), its address taken (``&p``: a host variable holding it), or inside ``sizeof``/``decltype``;
* the initialiser or assigned value of a pointer name (``T* q = p``, ``auto q = p``, ``T* q(p)``, ``q = p``,
  ``s.q = p``), an integer (``ptrdiff_t d = q - p``), or returned by an own function or a named lambda
  (whose calls are then device pointers);
* an item of a pointer table or an own struct (``const float* ptrs[] = {p, q}``, ``std::vector<const float*>
  v{p}``, ``v.push_back(p)``, ``t[i] = p``, ``Args a{p, n}``, ``Args{p, n}``): the table or struct is then
  followed as an aggregate (its elements and pointer members are device pointers; itself it may go to a
  launch, a copy or an own function, its ``size()``/``data()`` be read, a range-for bind its elements);
* an argument of an own function or lambda, whose parameter is then followed the same way.

Anything else (a container's constructor in any brace or paren form, ``insert``/``append``/``assign``, a
``std::`` or ADL algorithm, ``std::next``, a macro, a subscript or dereference) is reported.
"""
from __future__ import annotations

import re

from harness.families.kernels.static.devptr import DevicePointers
from harness.families.kernels.static.devtok import ASSIGN, INTEGER, Tokens, has_pointer, type_words, word
from harness.families.kernels.static.devusectx import Context

_COMPARE = frozenset({"==", "!=", "<=", ">=", "<", ">", "&&", "||", "?"})
_LOWER = ASSIGN | _COMPARE | frozenset({":", "return", "throw", "case", "co_return", "|", "^"})
_UNEVALUATED = frozenset({"sizeof", "decltype", "alignof", "typeid", "noexcept", "alignas"})
_SIZE_METHODS = frozenset({"size", "empty", "length", "capacity", "max_size"})
_GROW = frozenset({"push_back", "emplace_back", "push_front", "emplace_front"})
_DATA = re.compile(r"^(?:data_ptr|const_data_ptr|mutable_data_ptr|data)$")
_MALLOC = frozenset({"cudaMalloc", "cudaMallocAsync", "cudaMallocPitch"})


def device_uses(code: str, ptrs: DevicePointers | None = None) -> list[str]:
    """Where in one host text a device pointer reaches anything but the module docstring's places."""
    ptrs = DevicePointers(code) if ptrs is None else ptrs
    toks = Tokens(code)
    ctx = Context(toks, ptrs)
    for i in range(len(toks) - 2):
        if toks.text[i] in _MALLOC and toks.at(i + 1) == "(":
            j = i + 2
            while j < toks.match.get(i + 1, i) and toks.text[j] != "&":
                j += 1
            if word(toks.at(j + 1)) and toks.at(j + 2) in (")", ","):
                ctx.track(ctx.key(j + 1, toks.text[j + 1]), "ptr")
    problems: list[str] = []
    for _ in range(12):
        before = ctx.size()
        problems = []
        for a, b, kind in _roots(toks, ctx):
            found = _Climb(toks, ctx, a, b, kind).run()
            if found:
                problems.append(f"device pointer {toks.source(a, b)[:40]!r} {found} (host code would touch device "
                                "memory)")
        if ctx.size() == before:
            break
    return sorted(set(problems))


def _roots(toks: Tokens, ctx: Context) -> list[tuple[int, int, str]]:
    """(first token, last token, kind) of every device pointer (``ptr``) and aggregate (``agg``) occurrence."""
    out = []
    for i, t in enumerate(toks.text):
        if _DATA.match(t) and toks.at(i - 1) in (".", "->"):
            j = i + 1
            if j in toks.template and toks.opener(j):
                j = toks.match[j] + 1
            elif t == "data":
                continue  # a container's data(): host memory; a tensor's data<T>() is a pointer
            if toks.at(j) == "(" and toks.at(j + 1) == ")":
                out.append((_object_start(toks, i - 2), j + 1, "ptr"))
            continue
        if not word(t) or toks.at(i - 1) in (".", "->") or toks.decl_site(i):
            continue
        if t in ctx.functions and (toks.at(i + 1) == "(" or toks.at(i + 1) == "<" and i + 1 in toks.template):
            close = toks.match.get(i + 1, i)
            close = toks.match.get(close + 1, close) if toks.at(i + 1) == "<" else close
            out.append((i, close, ctx.functions[t]))
            continue
        member = toks.at(i + 1) == "." and word(toks.at(i + 2))
        kind = ctx.kind(ctx.key(i, f"{t}.{toks.at(i + 2)}")) if member else None
        if kind and toks.at(i + 3) != "(":
            out.append((i, i + 2, kind))
        elif ctx.kind(ctx.key(i, t)):
            out.append((i, i, ctx.kind(ctx.key(i, t)) or "ptr"))
    return out


def _object_start(toks: Tokens, j: int) -> int:
    """The first token of the postfix expression that ends at token ``j`` (``x.contiguous()``, ``a[k]``)."""
    while j >= 0:
        if toks.closer(j) and toks.text[j] in (")", "]"):
            j = toks.match[j] - 1
            if j in toks.template and toks.closer(j):
                j = toks.match[j] - 1
            if not word(toks.at(j)) and not toks.closer(j):
                return j + 1
            continue
        if word(toks.at(j)):
            if toks.at(j - 1) in (".", "->", "::"):
                j -= 2
                continue
            return j
        return j + 1
    return 0


class _Climb:
    """Walks one occurrence out through the expressions around it to the place it ends (module docstring)."""

    def __init__(self, toks: Tokens, ctx: Context, a: int, b: int, kind: str) -> None:
        self.t, self.ctx, self.a, self.b, self.kind = toks, ctx, a, b, kind

    def run(self) -> str | None:
        for _ in range(200):
            step = self._postfix()
            if step is None:
                step = self._prefix()
            if step is None:
                step = self._binary()
            if step != "again":
                return step or None
        return "in an expression too deep to read"

    def _postfix(self) -> str | None:
        t, n = self.t, self.b + 1
        nxt = t.at(n)
        if nxt == "[" and n in t.match:
            if self.kind == "agg":
                self.b, self.kind = t.match[n], "ptr"
                return "again"
            if t.at(self.a - 1) == "&" and t.unary(self.a - 1):
                self.a, self.b = self.a - 1, t.match[n]
                return "again"
            return "indexed (a read or write on the host)"
        if nxt in (".", "->") and word(t.at(n + 1)):
            return self._member(n)
        if nxt in ("++", "--"):
            self.b = n
            return "again"
        if nxt == "(":
            return "called"
        return None

    def _member(self, n: int) -> str | None:
        t = self.t
        if self.kind == "ptr":
            return f"dereferenced by {t.text[n]}{t.text[n + 1]}"
        name, call = t.text[n + 1], t.at(n + 2) == "("
        if call and name in _SIZE_METHODS:
            return ""
        if call and name in ("data", "begin", "end", "cbegin", "cend"):
            self.b = t.match.get(n + 2, n + 2)
            return "again"
        if call and name in ("at", "front", "back"):
            self.b, self.kind = t.match.get(n + 2, n + 2), "ptr"
            return "again"
        if call:
            return ""  # a method of the table itself (push_back ...): its arguments are read on their own
        if name in self.ctx.pointer_members or name in self.ctx.struct_members:
            self.b, self.kind = n + 1, "ptr" if name in self.ctx.pointer_members else "agg"
            return "again"
        return ""

    def _prefix(self) -> str | None:
        t, p = self.t, self.a - 1
        op = t.at(p)
        if op in ("++", "--") and t.unary(p):
            self.a = p
            return "again"
        if op == "*" and t.unary(p):
            return "" if self._unevaluated() else "dereferenced"
        if op in ("&", "!") and t.unary(p):
            return ""
        if op == ")" and t.closer(p) and t.cast_paren(t.match[p], p):
            return self._cast(t.match[p] + 1, p - 1, t.match[p])
        return None

    def _cast(self, a: int, b: int, start: int) -> str:
        """A cast to the type tokens ``a..b`` whose expression starts at ``start``."""
        if has_pointer(self.t, a, b):
            self.a = start
            return "again"
        words = type_words(self.t, a, b)
        if all(INTEGER.fullmatch(w) or w == "std" for w in words):
            return ""
        return f"cast to {self.t.source(a, b)}"

    def _unevaluated(self) -> bool:
        j = self.t.parent(self.a)
        while j >= 0:
            if self.t.text[j] == "(" and self.t.at(j - 1) in _UNEVALUATED:
                return True
            j = self.t.parent(j)
        return False

    def _binary(self) -> str:
        t = self.t
        left, right = t.bounds(self.a, self.b)
        before = t.at(self.a - 1) if self.a - 1 > left else ""
        after = t.at(self.b + 1) if self.b + 1 < right else ""
        if after in ASSIGN:
            return ""  # written to: the value is checked on its own
        if after in _COMPARE and self.b + 1 not in t.template or before in _COMPARE - {"?"} and \
                self.a - 1 not in t.template:
            return ""
        if before == ":" and t.at(left) == "(" and t.at(left - 1) == "for" and \
                "?" not in t.text[left + 1:self.a]:
            return self._range_for(self.a - 2)
        if before in ("?", ":") or after == ":":
            self.a, self.b = self._extent(self.a, left, -1, _LOWER - {"?", ":", "==", "!=", "<", ">", "<=", ">=",
                                                                       "&&", "||"}), right - 1
            return "again"
        if before == "-" and not t.unary(self.a - 1):
            return ""  # q - p: a difference of pointers, an integer
        if after in ("+", "-", "*", "/", "%") or before in ("+", "*", "/", "%") and not t.unary(self.a - 1):
            self.a = self._extent(self.a, left, -1, _LOWER)
            self.b = self._extent(self.b, right, 1, _LOWER)
            return "again"
        if before in ("=", "return", "co_return") and not after:
            if before == "=":
                return self.ctx.assigned(left, self.a - 1, self.kind)
            return self.ctx.returned(self.a, self.kind)
        if before or after:
            return f"used with '{before or after}'"
        return self.ctx.container(self, left, right)

    def _extent(self, i: int, stop: int, step: int, lower: frozenset[str]) -> int:
        """How far the expression around token ``i`` reaches towards ``stop`` before an operator of ``lower``."""
        t, j = self.t, i + step
        while j != stop:
            if (t.closer(j) if step < 0 else t.opener(j)):
                j = t.match[j] + step
                continue
            if t.text[j] in lower and j not in t.template:
                break
            j += step
        return j - step

    def _range_for(self, j: int) -> str:
        """``for (T* q : table)``: ``q`` (token ``j``) is each element."""
        if self.kind == "ptr" or not word(self.t.at(j)):
            return "iterated by a range-for"
        self.ctx.track(self.ctx.key(j, self.t.text[j]), "ptr")
        return ""
