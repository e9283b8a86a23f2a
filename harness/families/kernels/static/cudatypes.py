"""Which values of a CUDA answer's host code may be an ``at::Tensor`` (issue 14, red team 12c), for
:mod:`.cudaops`: a rule about types, not a list of copy forms.

A value may be a tensor unless its C++ type is provably not one: a builtin number, a pointer, a
library type of sizes, streams, devices or vectors (:data:`SCALAR_WORDS`). Every declaration in host
code is read (parameters, locals, members, ``T a, b = ...`` lists, range-for variables, structured
bindings, lambda init-captures); a name is a possible tensor when any of its declarations is (fail
closed on a name reused), ``auto``/``decltype`` take the type of their initializer, an answer's own
struct, a template type parameter (but one every use instantiates with numbers: :mod:`.cudatemplates`)
and an unknown type are possible tensors, and so is a name no
declaration gives a type (ALL_CAPS and ``kName`` constants aside). An expression's value may be a
tensor when any operand may be: a method's result (but a size, pointer or metadata method:
:data:`NEVER_TENSOR_METHODS`), an element, a member, a call of a function or lambda returning one, a
``torch::``/``at::`` call, any other call given one (``std::make_pair``, ``std::get``, ``std::tie``).
Template argument lists and launch configurations are masked first (``‹...›``, ``⁅⁅⁅...⁆⁆⁆``).
Imports: the standard library only.
"""
from __future__ import annotations

import re

from harness.families.kernels.static.cudadecl import (
    ANGLE,
    DECL,
    KEYWORDS,
    KNOWN_VALUES,
    NEVER_TENSOR_METHODS,
    NS_SCALAR_CALLS,
    RESERVED_TYPE_WORDS,
    SCALAR_RE,
    SCALAR_WORDS,
    TENSOR_TYPES,
    TYPE,
    blank_prefix_words,
    init_end,
    mask,
    operator_types,
    paren_depths,
    spell_operators,
    split_operands,
    template_names,
    top_args,
    typedef_names,
)
from harness.families.kernels.static.cudaindirect import _balanced
from harness.families.kernels.static.cudatemplates import function_templates, tensor_instance

_TAGS = frozenset({"struct", "class", "union", "enum"})


class HostTypes:
    """The possible-tensor names of one host text (module docstring) and a typer for expressions."""

    def __init__(self, host: str, skip: list[tuple[int, int]] | None = None) -> None:
        host = blank_prefix_words(spell_operators(host))
        raw_templates = template_names(host)
        crude = {m.group("name") for m in DECL.finditer(host) if m.group("type").split()[-1] not in KEYWORDS}
        self.code = mask(host, crude - raw_templates, raw_templates)
        self.templates = raw_templates
        self.aliases: dict[str, str] = {}
        for m in re.finditer(r"\busing\s+([A-Za-z_]\w*)\s*=\s*([^;]*);|\btypedef\s+([^;]*?)\b([A-Za-z_]\w*)\s*;"
                             r"|\busing\s+(?:typename\s+)?((?:[A-Za-z_]\w*\s*::\s*)+([A-Za-z_]\w*))\s*;", self.code):
            if m.group(1):
                self._alias(m.group(1), m.group(2))
            elif m.group(4):
                base, names = typedef_names(m.group(3), m.group(4))
                for name in names:
                    self._alias(name, base)
            else:
                self._alias(m.group(6), m.group(5))
        self.tparams = set(re.findall(r"(?:‹|,)\s*(?:typename|class)\s*(?:\.\.\.\s*)?([A-Za-z_]\w*)", self.code))
        self.function_templates, self.tensor_tparams = function_templates(self.code)  # grows in _fixed_point
        self.structs = set(re.findall(r"\b(?:struct|class|union)\s+([A-Za-z_]\w*)\s*(?:final\s*)?[{:]", self.code))
        #: the answer's own namespaces: ``cuda::t`` is no library name when the answer declares ``namespace cuda``
        #: (red team 14 s3: ``namespace cuda { thread_local torch::Tensor t; }``)
        self.namespaces = {w for m in re.finditer(r"\bnamespace\s+([A-Za-z_][\w:\s]*)", self.code)
                           for w in re.findall(r"[A-Za-z_]\w*", m.group(1))}
        self.enums = set(re.findall(r"\benum\s+(?:class\s+|struct\s+)?([A-Za-z_]\w*)", self.code))
        self.enumerators: set[str] = set()
        for m in re.finditer(r"\benum\b[^;{}]*\{([^{}]*)\}", self.code):
            self.enumerators |= set(re.findall(r"(?:^|,)\s*([A-Za-z_]\w*)", m.group(1)))
        self.decls: dict[str, list[tuple[str, str]]] = {}  # name -> [("type", text) | ("init", expr) | ("lambda", ...)]
        self.lambdas: dict[str, list[tuple[str | None, str]]] = {}  # name -> [(return type, body)]
        self._declarations(skip or [])
        self.tensor_structs: set[str] = set()
        self.bodies = self._struct_bodies()
        self.tensor_names: set[str] = set()
        self._fixed_point()

    def _alias(self, name: str, target: str) -> None:
        """Every binding of an alias name counts (red team 14b a08: ``using value_type = torch::Tensor;`` in
        one function and ``= long long`` in another read as ``long long`` everywhere)."""
        self.aliases[name] = f"{self.aliases[name]} , {target}" if name in self.aliases else target

    def own_name(self, word: str) -> bool:
        """Does the answer declare ``word`` itself (a namespace, struct, enum, alias or variable)?"""
        return word in self.namespaces or word in self.structs or word in self.enums or word in self.aliases \
            or word in self.decls

    # -- declarations ------------------------------------------------------------------------------
    def _add(self, name: str, kind: str, text: str) -> None:
        self.decls.setdefault(name, []).append((kind, text))

    def _declarations(self, skip: list[tuple[int, int]]) -> None:
        code = self.code
        parens = paren_depths(code)
        for m in DECL.finditer(code):
            base = re.findall(r"[A-Za-z_]\w*", m.group("type"))
            if not base or base[-1] in KEYWORDS | _TAGS or m.group("name") in KEYWORDS or m.group("name") in RESERVED_TYPE_WORDS \
                    or any(a <= m.start() < b for a, b in skip):  # struct S {: S is a type, no variable
                continue
            if not self._type_word(base[-1], m.group("type")) and re.search(r"[*&]", m.group("ptr")):
                continue  # x * y, x & y: an expression unless x is a type
            open_ = parens[m.start("name")]
            in_parens = open_ != -1 and not re.search(r"\bfor\s*$", code[max(0, open_ - 10):open_])
            self._declare(m, m.group("name"), m.group("type"), in_parens or open_ != -1)
            if not in_parens and m.group("next") not in ("(", ":"):
                self._continuations(m, m.group("type"))
        for m in re.finditer(r"(?:[;{}]|^)\s*(" + TYPE + r")\s*\(\s*[*&]*\s*([A-Za-z_]\w*)\s*\)\s*[=;,({\[]", code, re.M):
            words = re.findall(r"[A-Za-z_]\w*", re.sub(ANGLE, "", m.group(1)))
            if words and (words[-1] in SCALAR_WORDS | TENSOR_TYPES | {"auto"} or SCALAR_RE.fullmatch(words[-1])
                          or words[-1] in self.aliases or words[-1] in self.structs | self.tparams):
                self._add(m.group(2), "type", m.group(1))  # T (x) = ...: a parenthesised declarator
        for m in re.finditer(r"\bauto\b(?:\s*(?:const\b|volatile\b|&&|&))*\s*\[([^\]]*)\]\s*(=|\(|\{|:)", code):  # structured bindings
            init = self._initializer(m.end() - 1, m.group(2), parens[m.start()] != -1)
            for name in re.findall(r"[A-Za-z_]\w*", m.group(1)):
                self._add(name, "init", init)
        for m in re.finditer(r"(?<=[\[,])\s*&?\s*([A-Za-z_]\w*)\s*(=\s*(?!=)|\{)", code):  # [t = x], [t{x}]
            start = code.rfind("[", 0, m.start() + 1)
            close = _balanced(code, start, "[", "]") if start != -1 else -1
            if close != -1 and m.end() < close and re.match(r"\s*(?:\(|\{|mutable|->)", code[close:]):
                if m.group(2) == "{":
                    self._add(m.group(1), "init", code[m.end():_balanced(code, m.end() - 1, "{", "}") - 1])
                else:
                    self._add(m.group(1), "init", code[m.end():init_end(code[:close - 1], m.end(), False)])

    def _type_word(self, word: str, text: str) -> bool:
        return (word in SCALAR_WORDS or word == "auto" or word in TENSOR_TYPES or "::" in text
                or "‹" in text or word in self.aliases or word in self.tparams or word in self.structs
                or word in self.enums or SCALAR_RE.fullmatch(word) is not None or "decltype" in text)

    def _initializer(self, at: int, opener: str, in_parens: bool) -> str:
        code = self.code
        if opener in "({":
            return code[at + 1:_balanced(code, at, opener, ")" if opener == "(" else "}") - 1]
        if opener == ":":  # range-for: the element of the range
            end = init_end(code, at + 1, True)
            return code[at + 1:end] + "[0]"
        return code[at + 1:init_end(code, at + 1, in_parens)]

    def _declare(self, m: re.Match[str], name: str, type_text: str, in_parens: bool) -> None:
        nxt = m.group("next")
        at = m.end() - 1
        dep = re.fullmatch(r"\s*(?:const\s+)?(?:auto|decltype\s*\(\s*auto\s*\))(?:\s+const)?\s*", type_text)
        if dep and nxt in ("=", "(", "{", ":"):
            if nxt == "(" and re.match(r"\s*(?:\{|->|const\b|noexcept\b)", self.code[_balanced(self.code, at):]):
                self._add(name, "type", "Tensor")  # a function returning auto: fail closed
                return
            init = self._initializer(at, nxt, in_parens)
            lam = re.match(r"\s*\[", init)
            if lam and nxt == "=":
                self._lambda(name, init, lam.end() - 1)
            self._add(name, "init", init)
            return
        if re.match(r"\s*decltype\s*\(", type_text) and not dep:
            self._add(name, "init", type_text[type_text.index("(") + 1:type_text.rindex(")")])
            return
        self._add(name, "type", type_text)

    def _continuations(self, m: re.Match[str], type_text: str) -> None:
        """``T a = 1, b, *c = ...;``: every declarator of the list has the first one's type."""
        code, i = self.code, m.end() - 1
        while i < len(code):
            if code[i] in "=([{":
                i = init_end(code, i + 1 if code[i] == "=" else i, False)
            if i >= len(code) or code[i] != ",":
                return
            nxt = re.match(r",\s*[*&\s]*(?:const\s+)?([A-Za-z_]\w*)\s*(?=[=;,\[({])", code[i:])
            if not nxt or nxt.group(1) in KEYWORDS:
                return
            i += nxt.end()
            self._declare_at(nxt.group(1), type_text, i)

    def _declare_at(self, name: str, type_text: str, at: int) -> None:
        nxt = self.code[at]
        if re.fullmatch(r"\s*(?:const\s+)?auto(?:\s+const)?\s*", type_text) and nxt in "=({":
            self._add(name, "init", self._initializer(at, nxt, False))
        else:
            self._add(name, "type", type_text)

    def _lambda(self, name: str, init: str, start: int) -> None:
        close = _balanced(init, start, "[", "]")
        rest = init[close:]
        params = re.match(r"\s*\(", rest)
        after = _balanced(rest, params.end() - 1) if params else 0
        ret = re.match(r"[^{]*?->\s*([^{]*)\{", rest[after:])
        body = rest[rest.find("{", after):] if "{" in rest[after:] else ""
        self.lambdas.setdefault(name, []).append((ret.group(1) if ret else None, body))

    # -- kinds ---------------------------------------------------------------------------------------
    def _struct_bodies(self) -> dict[str, list[list[str] | None]]:
        """Each own struct's bodies as the types they name (members, methods' and parameters' types, ``T (x)``,
        aliases and own types named); None: fail closed (a base class, a template or specialization, a tensor
        type, ``auto`` or ``decltype`` inside)."""
        bodies: dict[str, list[list[str] | None]] = {}
        for m in re.finditer(r"\b(?:struct|class|union)\s+([A-Za-z_]\w*)\s*(?:final\s*)?([{:‹<])", self.code):
            end = _balanced(self.code, m.end() - 1, "{", "}") if m.group(2) == "{" else -1
            body = self.code[m.end() - 1:end] if end != -1 and m.group(1) not in self.templates else ""
            if not body or re.search(r"\b(?:auto|decltype|" + "|".join(TENSOR_TYPES) + r")\b", body):
                bodies.setdefault(m.group(1), []).append(None)
                continue
            types = [d.group("type") for d in DECL.finditer(body)]
            types += [d.group(1) for d in re.finditer(r"(?:[;{}]|^)\s*(" + TYPE + r")\s*\(\s*[*&]*\s*[A-Za-z_]\w*\s*\)",
                                                      body, re.M)]  # T (x);
            types = [t for t in types if re.findall(r"[A-Za-z_]\w*", t)[-1] not in KEYWORDS | _TAGS]  # return x;
            types += [w for w in re.findall(r"[A-Za-z_]\w*", body) if w in self.aliases or w in self.tparams
                      or w in self.structs]
            bodies.setdefault(m.group(1), []).append(types)
        return bodies

    def _struct_pass(self) -> bool:
        """Adds the own structs that may be tensors now, requeuing the structs that name one; True if any."""
        users: dict[str, set[str]] = {}
        for name, bodies in self.bodies.items():
            for w in {w for b in bodies if b for t in b for w in re.findall(r"[A-Za-z_]\w*", t)} & self.structs:
                users.setdefault(w, set()).add(name)
        work, grew = sorted(self.structs - self.tensor_structs), False
        while work:
            name = work.pop()
            if name not in self.tensor_structs and any(b is None or any(self.type_tensor(t) for t in b)
                                                       for b in self.bodies.get(name, [None])):
                self.tensor_structs.add(name)
                work += sorted(users.get(name, set()) - self.tensor_structs)
                grew = True
        return grew

    def _fixed_point(self) -> None:
        """Names and own structs that may be tensors, to the least fixed point (each round adds one or
        ends). A struct may be one when a type it names may be (:meth:`_struct_bodies`), every struct
        when an operator the answer declares may return or convert to one (:meth:`_operator_types`)."""
        operators = operator_types(self.code)
        declared = {t.at for t in self.function_templates}
        grew = True
        while grew:
            grew = self.tensor_structs != self.structs and any(self.type_tensor(t) for t in operators)
            if grew:
                self.tensor_structs = set(self.structs)
            grew = self._struct_pass() or grew
            for tpl in self.function_templates:
                if not set(tpl.params) <= self.tensor_tparams and tensor_instance(self, tpl, declared):
                    self.tensor_tparams |= set(tpl.params)
                    grew = True
            for n, ds in self.decls.items():
                if n not in self.tensor_names and any(self.type_tensor(t) if k == "type" else self.tensor(t)
                                                      for k, t in ds):
                    self.tensor_names.add(n)  # at once: a copy declared later sees it this round
                    grew = True

    def type_tensor(self, text: str, depth: int = 0) -> bool:
        """May a value of the C++ type ``text`` be a tensor? (``auto`` without an initializer: yes)"""
        dm = re.search(r"\bdecltype\s*\(", text)
        if dm:
            return re.match(r"\s*auto\s*\)", text[dm.end():]) is not None or \
                self.tensor(text[dm.end():_balanced(text, dm.end() - 1) - 1], depth + 1)
        if re.search(r"\bauto\b", text) or depth > 8:
            return True
        for m in re.finditer(r"([A-Za-z_]\w*)(\s*::)?", text):
            w = m.group(1)
            alias = self.aliases.get(w)
            if m.group(2):
                continue  # a qualifier
            if alias is not None and re.findall(r"[A-Za-z_]\w*", alias)[-1:] != [w]:
                if self.type_tensor(alias, depth + 1):
                    return True
                continue  # the answer's alias comes first (using int64_t = torch::Tensor;)
            if w in self.tensor_tparams or w in self.tensor_structs or w in TENSOR_TYPES:
                return True  # a template parameter, an own struct that may hold or become a tensor, a Tensor
                # (an own struct Tensor does not make torch::Tensor a number: red team 14b a09)
            if w in self.structs or w in self.tparams:
                continue  # a struct that holds no tensor, a type parameter only numbers instantiate
            argument = text.count("‹", 0, m.start()) > text.count("›", 0, m.start())
            if w in SCALAR_WORDS or w in self.enums or SCALAR_RE.fullmatch(w) or argument and \
                    w not in TENSOR_TYPES and (re.fullmatch(r"[A-Z][A-Z0-9_]*", w) or w in self.decls):
                continue  # a scalar type, a constant or a variable as a template argument
            return True  # Tensor, an unknown type
        return False

    def name_tensor(self, name: str) -> bool:
        """May the variable ``name`` hold a tensor? Undeclared lower-case names may (fail closed)."""
        if name in self.tensor_names:
            return True
        if name in self.decls or name in self.enumerators or name in KNOWN_VALUES or name in RESERVED_TYPE_WORDS:
            return False
        if re.search(r"(?<![\w.>:])" + re.escape(name) + r"\s*(?:\)\s*)*(?:=(?!=)|\{)", self.code):
            return True  # bound in the answer (a declaration no pattern read: [KX{x}], T ((KX)) = x): no header constant
        return re.fullmatch(r"[A-Z][A-Z0-9_]*|k[A-Z]\w*|__\w+", name) is None and SCALAR_RE.fullmatch(name) is None

    def is_type(self, text: str) -> bool:
        """Is ``text`` a type (the inside of a C-style cast)?"""
        m = re.fullmatch(r"\s*(" + TYPE + r")[\s*&]*", text)
        if not m:
            return False
        if re.match(r"\s*decltype\b", m.group(1)):
            return True
        words = re.findall(r"[A-Za-z_]\w*", m.group(1))
        return bool(words) and words[-1] not in self.decls and words[-1] not in KEYWORDS and \
            self._type_word(words[-1], m.group(1))

    # -- expressions ---------------------------------------------------------------------------------
    def tensor(self, expr: str, depth: int = 0) -> bool:
        """May the value of the (masked) expression ``expr`` be a tensor? Fail closed."""
        if depth > 12:
            return True
        return any(self.operand(p, depth + 1) for p in split_operands(expr) if p.strip())

    def operand(self, text: str, depth: int = 0) -> bool:
        """May the unary expression ``text`` be a tensor?"""
        e = text.strip()
        while True:
            kw = re.match(r"(?:return|case|throw|co_return|else|const)\b\s*|[-+!~*]\s*", e)
            if not kw:
                break
            e = e[kw.end():]
        if re.match(r"(?:sizeof|alignof|new|noexcept|typeid)\b|&|\"|'|\d|\.\d", e) or not e:
            return False
        cast = re.match(r"\(([^()]*)\)\s*(?=\S)", e)
        if cast and self.is_type(cast.group(1)):
            return self.type_tensor(cast.group(1), depth)
        value, rest = self._primary(e, depth)
        return self._postfix(value, rest, depth)

    def _primary(self, e: str, depth: int) -> tuple[bool, str]:
        if e[0] == "(":
            end = _balanced(e, 0)
            return self.tensor(e[1:end - 1], depth), e[end:]
        if e[0] == "[":
            return self._lambda_call(e, depth)
        m = re.match(r"(?:::\s*)?[A-Za-z_]\w*(?:\s*(?:" + ANGLE + r"\s*)?::\s*[A-Za-z_]\w*)*\s*(" + ANGLE + r")?\s*", e)
        if not m:
            return True, ""
        path = re.findall(r"[A-Za-z_]\w*", re.sub(ANGLE, "", m.group(0)))
        rest = e[m.end():]
        if rest.startswith("(") or rest.startswith("{") and self.is_type(m.group(0)):
            end = _balanced(rest, 0, rest[0], ")" if rest[0] == "(" else "}")
            return self.call(path, rest[1:end - 1], m.group(1) or "", depth), rest[end:]
        if path[0] in ("torch", "at", "c10", "std", "cuda") and len(path) > 1 and not self.own_name(path[0]):
            return False, rest
        return self.name_tensor(path[-1]), rest

    def _postfix(self, value: bool, rest: str, depth: int) -> bool:
        while rest.strip():
            rest = rest.lstrip()
            m = re.match(r"(?:\.|->)\s*(?:template\s+)?([A-Za-z_]\w*)\s*(" + ANGLE + r")?\s*", rest)
            if m:
                rest = rest[m.end():]
                if rest.startswith("("):
                    rest = rest[_balanced(rest, 0):]
                    never = m.group(1) in NEVER_TENSOR_METHODS or m.group(1) == "data" and bool(m.group(2))
                    value = value and not never or m.group(1) in self.tensor_names  # an own method
                elif m.group(1) in self.decls and m.group(1) not in ("first", "second", "tensor"):
                    # an own struct's member; pair's first/second and at::TensorArg's tensor are the library's
                    # whatever the answer declares so (red team 14b a10: .tensor beside an own long long tensor)
                    value = value and m.group(1) in self.tensor_names
                # else: a library type's member (dim3::x, pair::first) is a tensor only of a possible tensor
                continue
            if rest[0] in "([":
                rest = rest[_balanced(rest, 0, rest[0], ")" if rest[0] == "(" else "]"):]
            elif rest.startswith(("++", "--")):
                rest = rest[2:]
            elif rest[0] == "‹":
                rest = rest[_balanced(rest, 0, "‹", "›"):]
            else:
                return True  # something this reading does not know: fail closed
        return value

    def _lambda_call(self, e: str, depth: int) -> tuple[bool, str]:
        """``[...](...) -> R {...}`` (called right away or not)."""
        close = _balanced(e, 0, "[", "]")
        brace = e.find("{", close)
        if brace == -1:
            return True, ""
        end = _balanced(e, brace, "{", "}")
        rest = e[end:]
        if not rest.lstrip().startswith("("):
            return False, rest  # a lambda object is no tensor
        rest = rest.lstrip()
        ret = re.search(r"->\s*([^{]*)$", e[close:brace])
        value = self.type_tensor(ret.group(1), depth) if ret else self._returns(e[brace:end], depth)
        return value, rest[_balanced(rest, 0):]

    def _returns(self, body: str, depth: int) -> bool:
        return any(self.tensor(r, depth + 1) for r in re.findall(r"\breturn\b([^;]*);", body))

    def call(self, path: list[str], args: str, targs: str, depth: int) -> bool:
        """May ``path<targs>(args)`` return a tensor?"""
        last = path[-1]
        if last in ("static_cast", "reinterpret_cast", "const_cast", "dynamic_cast", "bit_cast"):
            return self.type_tensor(targs.strip("‹›"), depth)
        if path[0] in ("torch", "at", "c10") and len(path) > 1:
            return last not in NS_SCALAR_CALLS
        if len(path) == 1 and last in self.aliases or last in self.structs or last in self.tparams:
            return self.type_tensor(last, depth)
        if len(path) == 1 and last not in self.decls and (last in SCALAR_WORDS or SCALAR_RE.fullmatch(last)
                                                          or last in self.enums):
            return False  # int(x), dim3(...), size_t(...); not an own function named vector(...)
        if last in self.lambdas and len(path) == 1:
            return any(self.type_tensor(r, depth) if r else self._returns(b, depth) for r, b in self.lambdas[last]) or \
                any(k == "type" and self.type_tensor(t, depth) for k, t in self.decls.get(last, []))
        if last in self.decls and (len(path) == 1 or path[0] not in ("std",)):
            return last in self.tensor_names
        given = any(self.tensor(a, depth + 1) for a in top_args(args))
        return given or bool(targs) and self.type_tensor(targs.strip("‹›"), depth)
