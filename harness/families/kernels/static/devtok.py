"""Tokens of one host text and the bracket structure :mod:`.devuse` climbs through.

Host code (comments removed, literals blanked, device bodies blanked) is cut into tokens; ``()``,
``[]``, ``{}`` are matched, and so are template argument lists (``<`` after a name whose ``>`` comes
before any ``;``, ``{``, ``}``, ``&&``, ``||``, ``?``: ``i < n && j > m`` is no template, ``std::vector<float>``
is). ``<<<``/``>>>`` of a launch are single tokens.
"""
from __future__ import annotations

import re

_TOKEN = re.compile(r"<<<|>>>|::|->|\+\+|--|<=|>=|==|!=|&&|\|\||<<=|>>=|[-+*/%&|^]=|\.\.\.|[A-Za-z_]\w*"
                    r"|\d(?:[eEpP][-+]|[\w.])*|\"\"|''|\S")
#: words after which ``*``, ``&``, ``(`` start an operand, not a declaration or a call
KEYWORDS = frozenset({"return", "case", "else", "throw", "new", "delete", "sizeof", "co_return", "co_yield", "goto",
                      "do", "and", "or", "not", "if", "while", "for", "switch", "decltype", "alignof", "typeid",
                      "noexcept", "alignas", "static_assert", "catch"})
#: words after which ``(T)x`` is a cast
CAST_AFTER = frozenset({"return", "case", "else", "throw", "co_return", "do", "delete", "and", "or", "not"})
#: assignment operators
ASSIGN = frozenset({"=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>="})
_OPEN = {"(": ")", "[": "]", "{": "}"}
_STOP_TEMPLATE = frozenset({";", "{", "}", "&&", "||", "?", "<<<", ">>>"})


class Tokens:
    """The tokens of ``code`` (``text``, ``start``), their matching brackets and enclosing openers."""

    def __init__(self, code: str) -> None:
        self.code = code
        found = [(m.group(0), m.start()) for m in _TOKEN.finditer(code)]
        self.text = [t for t, _ in found]
        self.start = [s for _, s in found]
        self.match: dict[int, int] = {}
        self.template: set[int] = set()  # indices of template `<` and `>` tokens
        stack: list[int] = []
        for i, t in enumerate(self.text):
            if t in _OPEN:
                stack.append(i)
            elif t in (")", "]", "}"):
                while stack and _OPEN[self.text[stack[-1]]] != t:
                    stack.pop()  # unbalanced: the checks elsewhere fail such code anyway
                if stack:
                    j = stack.pop()
                    self.match[i], self.match[j] = j, i
        for i, t in enumerate(self.text):
            if t == "<" and i > 0 and (_word(self.text[i - 1]) or self.text[i - 1] == "operator"):
                end = self._template_end(i)
                if end is not None:
                    self.match[i], self.match[end] = end, i
                    self.template |= {i, end}

    def _template_end(self, i: int) -> int | None:
        depth, j = 0, i
        while j < len(self.text):
            t = self.text[j]
            if t in _STOP_TEMPLATE or t in (")", "]") and (j not in self.match or self.match[j] < i):
                return None
            if t in _OPEN and j in self.match:
                j = self.match[j] + 1
                continue
            depth += (t == "<") - (t == ">")
            if depth == 0:
                return j
            j += 1
        return None

    def __len__(self) -> int:
        return len(self.text)

    def at(self, i: int) -> str:
        return self.text[i] if 0 <= i < len(self.text) else ""

    def source(self, a: int, b: int) -> str:
        """The source text of tokens ``a..b`` (inclusive), spaces squeezed."""
        end = self.start[b] + len(self.text[b])
        return " ".join(self.code[self.start[a]:end].split())

    def closer(self, i: int) -> bool:
        """Is token ``i`` a matched closing bracket (``)``, ``]``, ``}``, template ``>``)?"""
        return i in self.match and self.match[i] < i

    def opener(self, i: int) -> bool:
        return i in self.match and self.match[i] > i

    def bounds(self, a: int, b: int) -> tuple[int, int]:
        """The tokens around ``a..b`` that end its comma-separated segment: an unmatched opener, ``,``
        or ``;`` (or -1) on the left, an unmatched closer, ``,`` or ``;`` (or ``len``) on the right."""
        j = a - 1
        while j >= 0:
            t = self.text[j]
            if t == ")" and self.at(self.match.get(j, j) - 1) in ("if", "for", "while", "switch", "catch"):
                break  # a statement after a control header: `for (...) t[k] = e;`
            if self.closer(j):
                j = self.match[j] - 1
                continue
            if self.opener(j) or t in (",", ";", "}", "{", "(", "[", "else", "do") or j in self.template:
                break
            j -= 1
        k = b + 1
        while k < len(self.text):
            t = self.text[k]
            if self.opener(k):
                k = self.match[k] + 1
                continue
            if t in (",", ";", ")", "]", "}", "{") or k in self.template:
                break
            k += 1
        return j, k

    def unary(self, i: int) -> bool:
        """Is the operator token ``i`` a prefix (unary) one, by the token before it?"""
        p = self.at(i - 1)
        if not p:
            return True
        if _word(p):
            return p in KEYWORDS
        if p == ")" and self.closer(i - 1) and self.cast_paren(self.match[i - 1], i - 1):
            return True
        return not (p[0].isdigit() or p in ("\"\"", "''") or self.closer(i - 1) or p in ("++", "--") and
                    not self.unary(i - 1))

    def cast_paren(self, open_: int, close: int) -> bool:
        """Are the parentheses ``open_..close`` a C-style cast's (``(const float*)``, ``(void**)``)?"""
        before = self.at(open_ - 1)
        if before and (_word(before) and before not in CAST_AFTER or self.closer(open_ - 1) or before in ("++", "--")):
            return False
        inner = range(open_ + 1, close)
        words = [self.text[j] for j in inner if _word(self.text[j])]
        return bool(words) and not any(w in KEYWORDS for w in words) and \
            all(_word(self.text[j]) or self.text[j] in ("*", "&", "::") or j in self.template for j in inner)

    def decl_site(self, i: int) -> bool:
        """Is the name at token ``i`` declared here (after a type: ``float* q``, ``auto q``, ``T q(``)?"""
        j = i - 1
        while self.at(j) in ("*", "&", "&&", "const", "__restrict__", "__restrict", "volatile"):
            j -= 1
        p = self.at(j)
        if p == "," and j < i - 1:  # `T *a = x, *b = y;`: a declarator of a list
            from harness.families.kernels.static.cudacalls import _declarator_list

            return _declarator_list(self.code, self.start[j])
        if _word(p):
            return p not in KEYWORDS
        return j in self.template and self.closer(j)

    def name_before(self, i: int) -> int:
        """The token of the name before token ``i`` (skipping a template argument list), or -1."""
        j = i - 1
        if j in self.template and self.closer(j):
            j = self.match[j] - 1
        return j if _word(self.at(j)) else -1

    def args_index(self, open_: int, a: int) -> int:
        """Which argument of the bracket opened at ``open_`` holds token ``a``."""
        k, j = 0, open_ + 1
        while j < a:
            if self.opener(j):
                j = self.match[j] + 1
                continue
            k += self.text[j] == ","
            j += 1
        return k

    def parent(self, i: int) -> int:
        """The innermost unmatched opener (``(``, ``[``, ``{``) before token ``i``, or -1."""
        j = i - 1
        while j >= 0:
            if self.closer(j):
                j = self.match[j] - 1
                continue
            if self.text[j] in _OPEN:
                return j
            j -= 1
        return -1


def _word(t: str) -> bool:
    return bool(t) and (t[0].isalpha() or t[0] == "_")


def word(t: str) -> bool:
    return _word(t)


def has_pointer(toks: Tokens, a: int, b: int, inside: bool = False) -> bool:
    """Do the type tokens ``a..b`` declare a pointer: a ``*`` outside template arguments (``inside``:
    anywhere, ``std::vector<const float*>``)?"""
    depth = 0
    for j in range(a, b + 1):
        if j in toks.template:
            depth += 1 if toks.opener(j) else -1
        elif toks.text[j] == "*" and (inside or depth == 0):
            return True
    return False


def type_words(toks: Tokens, a: int, b: int) -> list[str]:
    return [toks.text[j] for j in range(a, b + 1) if _word(toks.text[j])]


INTEGER = re.compile(r"(?:(?:std\s*::\s*)?(?:u?int(?:ptr|64|32|16|8)_t|size_t|ptrdiff_t|intptr_t)|long|int|short|char"
                     r"|unsigned|signed|bool|const|volatile|void|index_t)")
