"""Aggregates that carry device pointers (issue 14, honest10b F2/F3; part of rule ``cuda_host_copy``).

:mod:`.devptr` follows single pointers. Honest host code also gathers them: a local array of
``data_ptr`` pointers indexed in a launch (``ins[k]``), a ``std::vector<float*>`` or table copied to
the device for a kernel taking ``float**``, a struct built inline (``k<<<g, b>>>(Seg{...})``) or
returned by the answer's own helper. An aggregate carries device memory when every pointer it holds
is device memory by devptr's rule; what the checks cannot follow fails closed:

* a *pointer table* is a local ``T* a[N]``, ``std::array<T*, N>`` or ``std::vector<T*>``; its
  elements (the key ``a[]``) are bound by its initialiser's items, ``a[i] = e`` (``+=``, ``-=``,
  ``a.at(i) = e``), ``push_back``/``emplace_back(e)``, ``resize``/``assign(n, e)``,
  ``std::fill(a.begin(), ..., e)`` and ``std::vector<T*> v(n, e)`` (``v(n)``, ``resize(n)``:
  null; ``v(w)``: ``w``'s elements); a table declared without an initialiser (an array, a
  ``std::array``) holds what the stack held unless literal indices ``0..N-1`` or a loop
  ``for (i = 0; i < N; ++i)`` that does not write ``i`` assign every element. Any other use of the
  table's name binds its elements to something not device memory: handed to a function, swapped,
  reassigned, bound to a reference or a non-const range-for reference, ``&a``, ``a.data()`` or
  ``a.begin()`` but as a copy's source or in ``std::fill``/``sort``/``reverse``, an element's
  address taken but as a copy's source, an element bound to a reference, passed for a reference
  parameter or given to ``std::swap``/``exchange``. Reads are ``a[i]``, ``sizeof``, ``size()``, a
  by-value range-for (whose variable is bound to the elements) and a whole kernel argument;
* ``a[i]`` (``a.at(i)``, ``a.front()``, ``a.back()``) of a table is device memory when its elements
  are; a ``std::array`` passed by value for a kernel's ``std::array`` parameter likewise;
* the source of a ``cudaMemcpy*``/``cudaMemcpyToSymbol*`` that is a pointer table read whole
  (``a``, ``a.data()``, ``&a[0]``, under casts, plus an offset) must hold device memory only, a
  pointer copied by its address (``&p``) must be device-derived, a struct there (``&s``) must have
  every pointer member device-derived, and a table of structs with pointer members is rejected:
  the device copy is what a kernel reads its pointers from (a table inside any other source
  expression, ``grab(ins, g)``, counts as handed to a function);
* a struct passed by value to a kernel: each pointer member (of an array member each element, with
  the coverage rule above; of a member whose type is a struct, its members) is bound and
  device-derived. The struct is a variable (its declaration's brace items, positional or
  designated, its members' assignments, its default member initialisers, whole assignments), a
  temporary ``S{...}``/``{...}``, or a call of an own function, every ``return`` of which gives one.

Flow is not modelled (as in devptr): an assignment on a path that does not run counts, and so
does an element assignment a ``continue`` skips.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from harness.families.kernels.static.devsyntax import _close, _strip
from harness.families.kernels.static.hostmem import _FUNC, _args, _split

if TYPE_CHECKING:
    from harness.families.kernels.static.devptr import DevicePointers

NOT_DERIVED = "<not device-derived>"
_C_TABLE = re.compile(r"(?:(?:^|[;{}(])\s*(?:(?:const|static|volatile|constexpr)\s+)*[A-Za-z_][\w:]*"
                      r"(?:\s*<[^;(){}]*>)?|,)\s*(?:const\s*)?\*+\s*(?:const\s+|__restrict__\s+)*([A-Za-z_]\w*)"
                      r"\s*\[([^\]]*)\]")
_STD_TABLE = re.compile(r"\bstd\s*::\s*(array|vector)\s*<([^<>;]*(?:<[^<>;]*>[^<>;]*)*)>\s*([A-Za-z_]\w*)\s*(?=[;={(])")
_STRUCT_TABLE = re.compile(r"(?:^|[;{}])\s*(?:const\s+|static\s+)*([A-Za-z_]\w*)\s+([A-Za-z_]\w*)\s*\[[^\]]*\]")
_HEAD = re.compile(r"\b(?:struct|class)\s+([A-Za-z_]\w*)\s*(:[^{;]*)?\{")
_COPY = re.compile(r"\b(?:cudaMemcpy(?:2D)?(?:Async)?|cudaMemcpyToSymbol(?:Async)?)\s*\(")
_READS = frozenset({"size", "empty", "capacity", "reserve", "clear", "shrink_to_fit", "pop_back"})


def opaque_structs(code: str) -> dict[str, str]:
    """Structs whose members a brace list does not give in order: with a ``base`` class (its members
    come first, and are not read) or a ``constructor`` (the items are its arguments)."""
    out = {}
    for m in _HEAD.finditer(code):
        body = code[m.end():_close(code, m.end() - 1)]
        if m.group(2) or re.search(r"(?<![\w~:])" + re.escape(m.group(1)) + r"\s*\(", body):
            out[m.group(1)] = "base" if m.group(2) else "constructor"
    return out


class Table(NamedTuple):
    """A pointer table: its name, the function scope, where its name is declared, ``array``,
    ``std_array`` or ``vector``, its size text (``None``: a vector), its element type."""

    name: str
    scope: int
    at: int
    kind: str
    size: str | None
    elem: str


def pointer_tables(code: str, scope: list[int], structs: dict) -> dict[str, Table]:
    """The pointer tables of ``code`` (and tables of structs with pointer members), by key ``scope:name``."""
    from harness.families.kernels.static.devsyntax import _in_parens
    from harness.families.kernels.static.hostmem import class_body

    found: list[Table] = []
    for m in _C_TABLE.finditer(code):
        found.append(Table(m.group(1), scope[m.start(1)], m.start(1), "array", m.group(2).strip(), "*"))
    for m in _STD_TABLE.finditer(code):
        targs = _split(m.group(2))
        if targs and ("*" in targs[0] or _pointer_struct(structs, targs[0])):
            kind = "std_array" if m.group(1) == "array" else "vector"
            found.append(Table(m.group(3), scope[m.start(3)], m.start(3), kind,
                               targs[1].strip() if kind == "std_array" and len(targs) > 1 else None, targs[0].strip()))
    for m in _STRUCT_TABLE.finditer(code):
        if _pointer_struct(structs, m.group(1)):
            found.append(Table(m.group(2), scope[m.start(2)], m.start(2), "array", None, m.group(1)))
    return {f"{t.scope}:{t.name}": t for t in found if not _in_parens(code, t.at) and not class_body(code, t.at)}


def _pointer_struct(structs: dict, type_text: str, depth: int = 0) -> str | None:
    """The struct ``type_text`` names when it holds a pointer (or such a struct) by value."""
    if "*" in type_text or depth > 4:
        return None
    for word in re.findall(r"[A-Za-z_]\w*", type_text):
        members = structs.get(word)
        if members and any(mb.ptr or _pointer_struct(structs, mb.type, depth + 1) for mb in members):
            return word
    return None


def table_bindings(code: str, tables: dict[str, Table], scope: list[int]) -> list[tuple[int, str, str]]:
    """(where, element key, expression) for each binding of a pointer table's elements (module docstring)."""
    sources = copy_source_names(code)
    out: list[tuple[int, str, str]] = []
    for key, t in tables.items():
        if t.elem != "*" and "*" not in t.elem:
            continue  # a table of structs: copies of it are rejected, its items are not variables
        elem = f"{key}[]"
        after = t.at + len(t.name)
        if t.kind == "array":
            after = code.index("]", after) + 1
        rest = re.match(r"\s*(=\s*(?:[A-Za-z_][\w:]*(?:\s*<[^;{}]*>)?\s*)?)?([{(])?", code[after:])
        opener = after + rest.end() - 1 if rest and rest.group(2) else -1
        if opener >= 0 and code[opener] == "{":
            out += [(t.at, elem, item) for item in _args(code, opener)[0]]
        elif opener >= 0 and t.kind == "vector":
            out.append((t.at, elem, _vector_init(code, _args(code, opener)[0], tables, scope, t.scope)))
        elif t.kind != "vector" and not (rest and rest.group(1)) and not covered(code, t.name, t.size or "", t.at):
            out.append((t.at, elem, NOT_DERIVED))  # uninitialised elements
        out += _uses(code, t, elem, scope, sources)
    return out


def _vector_init(code: str, args: list[str], tables: dict[str, Table], where: list[int], scope: int) -> str:
    """What ``std::vector<T*> v(args)`` holds: ``v(n)`` null pointers, ``v(n, e)`` copies of ``e``,
    ``v(w)`` another table's elements; a range, a move or an own function's result is not followed."""
    names = re.findall(r"[A-Za-z_]\w*", " ".join(args))
    if len(args) == 1 and len(names) == 1 and f"{scope}:{names[0]}" in tables:
        return f"{names[0]}[0]"
    if any(returns(code, n, where) is not None or f"{scope}:{n}" in tables for n in names) or \
            re.search(r"[{}]|\b(?:begin|end|data|move)\b", " ".join(args)) or len(args) not in (1, 2):
        return NOT_DERIVED
    return args[1] if len(args) == 2 else "nullptr"


def _uses(code: str, t: Table, elem: str, scope: list[int], sources: set[int]) -> list[tuple[int, str, str]]:
    """Bindings of a table's elements by the uses of its name after the declaration (module docstring)."""
    out: list[tuple[int, str, str]] = []
    for m in re.finditer(r"(?<![\w.>:])" + re.escape(t.name) + r"\b", code):
        at = m.start()
        if at == t.at or scope[at] != t.scope != -1:  # a namespace-level table: its uses in every function
            continue
        tail, head = code[m.end():], code[:at]
        idx = re.match(r"\s*(?:\[[^\]]*\]|\.\s*at\s*\([^()]*\)|\.\s*(?:front|back)\s*\(\s*\))", tail)
        method = re.match(r"\s*\.\s*([A-Za-z_]\w*)\s*\(", tail)
        loop = re.search(r"\bfor\s*\(([^;()]*?)([A-Za-z_]\w*)\s*:\s*$", head)
        if idx:
            out += _element_use(t, elem, at, tail[idx.end():], head, at in sources)
        elif method:
            out += _method(method.group(1), _args(tail, method.end() - 1)[0], at, elem, head, at in sources)
        elif loop:  # a range-for: by value (or const reference) it reads the elements
            ref = "&" in loop.group(1) and not re.search(r"\bconst\b", loop.group(1))
            out.append((at, elem, NOT_DERIVED) if ref else (at, f"{t.scope}:{loop.group(2)}", f"{t.name}[0]"))
        elif not (at in sources or re.search(r"\bsizeof\s*\(?\s*$|\bstd\s*::\s*size\s*\(\s*$", head)
                  or (re.search(r">>>\s*\([^;]*$", head) and re.match(r"\s*[,)]", tail))):
            out.append((at, elem, NOT_DERIVED))  # given away whole (a kernel's argument is a copy, checked there)
    return out


def _element_use(t: Table, elem: str, at: int, after: str, head: str, source: bool) -> list[tuple[int, str, str]]:
    """``a[i] = e`` binds the elements; ``&a[i]`` (but as a copy's source), a reference bound to
    ``a[i]`` and ``std::swap``/``exchange`` of it unbind them; any other ``a[i]`` reads one."""
    op = re.match(r"\s*([+-]?=)(?!=)", after)
    if op:
        rhs = _operand(after[op.end():])
        return [(at, elem, rhs if op.group(1) == "=" else f"{t.name}[0] + ({rhs})")]
    if (re.search(r"(?<![\w)\]&])&\s*$", head) and not source) or re.search(r"[\w>*]\s*&\s*[A-Za-z_]\w*\s*[={(]\s*$", head) \
            or re.search(r"\b(?:swap|exchange)\s*\([^;()]*$", head):
        return [(at, elem, NOT_DERIVED)]
    return []


def _method(name: str, args: list[str], at: int, elem: str, head: str, source: bool) -> list[tuple[int, str, str]]:
    if name in ("push_back", "emplace_back") and len(args) == 1:
        return [(at, elem, args[0])]
    if name in ("resize", "assign") and len(args) in (1, 2) and "begin" not in "".join(args):
        return [(at, elem, args[1] if len(args) == 2 else "nullptr")]
    if name in _READS or (name == "data" and source):
        return []
    if name in ("begin", "end") and re.search(r"\bstd\s*::\s*(?:fill|sort|stable_sort|reverse)\s*\((?:[^;()]|\(\s*\))*$", head):
        return []  # std::fill's value is bound by fill_bindings
    return [(at, elem, NOT_DERIVED)]


def fill_bindings(code: str, tables: dict[str, Table], scope: list[int]) -> list[tuple[int, str, str]]:
    """``std::fill(a.begin(), a.end(), e)`` binds ``a``'s elements to ``e``."""
    out = []
    for m in re.finditer(r"\bstd\s*::\s*fill\s*\(", code):
        args = _args(code, m.end() - 1)[0]
        first = re.match(r"\s*([A-Za-z_]\w*)\s*\.\s*begin\s*\(\s*\)\s*$", args[0]) if len(args) == 3 else None
        for key, t in tables.items():
            if first and first.group(1) == t.name and t.scope in (scope[m.start()], -1):
                out.append((m.start(), f"{key}[]", args[2]))
    return out


def _operand(text: str) -> str:
    depth = 0
    for j, ch in enumerate(text):
        depth += (ch in "([{") - (ch in ")]}")
        if depth < 0 or (depth == 0 and ch in ",;"):
            return text[:j].strip()
    return text.strip()


_SOURCE = re.compile(r"&?\s*([A-Za-z_]\w*)\s*(?:\.\s*data\s*\(\s*\)|\[[^\]]*\])?\s*(?:[+-][^,]*)?")


def copy_source_names(code: str) -> set[int]:
    """Positions of the name each copy reads whole as its source (``a``, ``&a``, ``a.data()``,
    ``&a[0]``, under casts, plus an offset); a source that is any other expression names none."""
    out: set[int] = set()
    for m in _COPY.finditer(code):
        args = _args(code, m.end() - 1)[0]
        src = _SOURCE.fullmatch(_strip(args[1])) if len(args) > 1 else None
        begin = code.find(args[1], m.end()) if src else -1
        if src and begin >= 0:
            out |= {begin + n.start() for n in re.finditer(r"(?<![\w.>:])" + src.group(1) + r"\b", args[1])}
    return out


def covered(code: str, target: str, size: str, at: int) -> bool:
    """Do assignments in the function around ``at`` set every element of ``target`` (``size`` long):
    literal indices ``0..size-1``, or a ``for (i = 0; i < size; ++i)`` loop that does not write ``i``?"""
    end = _function_end(code, at)
    span = code[at:end]
    pat = re.escape(target).replace(r"\.", r"\s*\.\s*")
    lits = {int(m.group(1)) for m in re.finditer(r"(?<![\w.>])" + pat + r"\s*\[\s*(\d+)\s*\]\s*=(?!=)", span)}
    if size.isdigit() and int(size) <= 64 and lits >= set(range(int(size))):
        return True
    for m in re.finditer(r"(?<![\w.>])" + pat + r"\s*\[\s*([A-Za-z_]\w*)\s*\]\s*=(?!=)", span):
        var = re.escape(m.group(1))
        for h in re.finditer(r"\bfor\s*\(\s*(?:[\w:]+\s+)*" + var + r"\s*=\s*0\s*;\s*" + var + r"\s*<\s*([^;]+?)\s*;\s*(?:\+\+\s*"
                             + var + r"|" + var + r"\s*\+\+)\s*\)", span[:m.start()]):
            if _strip(h.group(1)) not in (size, f"{target}.size()") or not size:
                continue
            body_end = _close(span, h.end() + len(span[h.end():]) - len(span[h.end():].lstrip())) \
                if span[h.end():].lstrip().startswith("{") else span.find(";", h.end())
            body = span[h.end():body_end]
            if m.start() < body_end and not re.search(r"(?:\+\+|--)\s*" + var + r"\b|\b" + var + r"\s*(?:\+\+|--|[-+*/%&|^]?=(?!=))",
                                                      body):
                return True
    return False


def _function_end(code: str, at: int) -> int:
    depth = 0
    for j in range(at, len(code)):
        depth += (code[j] == "{") - (code[j] == "}")
        if depth < 0:
            return j
    return len(code)


def returns(code: str, name: str, scope: list[int]) -> list[tuple[int, str]] | None:
    """(scope, expression) of each ``return`` of the own functions named ``name``; ``None`` when none
    is, or one returns a reference (``float*& slot()``: a caller can store through it)."""
    out: list[tuple[int, str]] | None = None
    for m in _FUNC.finditer(code):
        if m.group(1) != name or re.search(r"\b(?:if|for|while|switch|catch|return)\s*$", code[:m.start()]):
            continue
        if "&" in code[max(code.rfind(c, 0, m.start()) for c in ";{}") + 1:m.start()]:
            return None
        end = _close(code, m.end() - 1)
        body = code[m.end():end]
        out = (out or []) + [(scope[m.end() - 1], r.group(1)) for r in re.finditer(r"\breturn\b([^;]*);", body)]
    return out


def struct_problems(ptrs: DevicePointers, expr: str, struct: str, scope: int, label: str, depth: int = 0) -> list[str]:
    """The pointer members (``label.member``) of ``expr``, a value of ``struct``, that are unbound
    or not device-derived (module docstring)."""
    bad: list[str] = []
    if ptrs.opaque.get(struct) == "base":
        return [f"{label} (a {struct}: a struct with a base class, whose members the checks do not read)"]
    for k, mb in enumerate(ptrs.structs.get(struct, [])):
        nested = None if mb.ptr else _pointer_struct(ptrs.structs, mb.type)
        if not mb.ptr and not nested:
            continue
        where = f"{label}.{mb.name}"
        srcs = member_sources(ptrs, expr, struct, k, scope, depth)
        if nested and srcs and depth < 6:
            bad += [b for s, src in srcs for b in struct_problems(ptrs, src, nested, s, where, depth + 1)]
        elif not srcs or not all(ptrs.derived(src, None, s) for s, src in srcs):
            bad.append(where)
    return list(dict.fromkeys(bad))


def member_sources(ptrs: DevicePointers, expr: str, struct: str, k: int, scope: int, depth: int = 0) -> list[tuple[int, str]]:
    """(scope, expression) of what member ``k`` of ``expr`` (a value of ``struct``) can hold; empty
    when nothing binds it."""
    mb = ptrs.structs[struct][k]
    empty = mb.default or ("nullptr" if mb.ptr and mb.size is None else "{}")
    e = _strip(expr)
    if depth > 6 or e == NOT_DERIVED:
        return [(scope, NOT_DERIVED)]
    brace = re.fullmatch(r"(?:[A-Za-z_][\w:]*\s*)?(\{.*\})", e, re.S)
    if brace and _close(brace.group(1), 0) == len(brace.group(1)) - 1:
        if struct in ptrs.opaque:
            return [(scope, NOT_DERIVED)]  # a constructor's arguments, not the members
        items = _args(brace.group(1), 0)[0]
        named = [re.match(r"\s*\.\s*([A-Za-z_]\w*)\s*=?\s*(.*)$", i, re.S) for i in items]
        if any(named):
            vals = [n.group(2) for n in named if n and n.group(1) == mb.name]
            return [(scope, vals[0] if vals and all(named) else empty if all(named) else NOT_DERIVED)]
        return [(scope, items[k] if k < len(items) else empty)]
    call = re.match(r"([A-Za-z_]\w*)\s*(?:<[^<>;()]*>)?\s*\(", e)
    if call and _close(e, call.end() - 1) == len(e) - 1:
        rets = ptrs.returns(call.group(1))
        return [x for s, r in rets for x in member_sources(ptrs, r, struct, k, s, depth + 1)] if rets else [(scope, NOT_DERIVED)]
    if not re.fullmatch(r"[A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*", e):
        return [(scope, NOT_DERIVED)]
    name = re.sub(r"\s+", "", e)
    own = list(ptrs.binds.get(ptrs.key(scope, f"{name}.{mb.name}"), []))
    inits: list[tuple[int, str]] = []
    for w, whole in ptrs.binds.get(ptrs.key(scope, name), []):
        inits += member_sources(ptrs, whole, struct, k, w, depth + 1)
    decl = re.search(r"\b" + re.escape(struct) + r"\s+" + re.escape(name) + r"\s*(?:=\s*(?:" + re.escape(struct)
                     + r"\s*)?)?\{", ptrs.code) if "." not in name else None
    if decl:
        inits += member_sources(ptrs, ptrs.code[decl.end() - 1:_close(ptrs.code, decl.end() - 1) + 1], struct, k, scope,
                                depth + 1)
    elif mb.default:
        inits.append((scope, mb.default))
    if mb.size is not None:  # an array member's elements
        elems = list(ptrs.binds.get(ptrs.key(scope, f"{name}.{mb.name}[]"), []))
        if elems and not inits and not covered(ptrs.code, f"{name}.{mb.name}", mb.size.strip(), scope + 1):
            elems.append((scope, NOT_DERIVED))
        own += elems
    prefix = ptrs.key(scope, f"{name}.{mb.name}") + "."
    if not mb.ptr and any(key.startswith(prefix) for key in ptrs.binds):
        own.append((scope, f"{name}.{mb.name}"))  # a member struct set member by member
    return own + inits


def source_problems(ptrs: DevicePointers, tables: dict[str, Table]) -> list[str]:
    """The copies whose source holds pointers a kernel could read that are not all device memory."""
    code, bad = ptrs.code, []
    for m in _COPY.finditer(code):
        args = _args(code, m.end() - 1)[0]
        scope = ptrs.scope[m.start()]
        src = _strip(args[1]) if len(args) > 1 else ""
        one = re.fullmatch(r"&\s*([A-Za-z_]\w*)", src)
        if one and _pointer_name(ptrs, one.group(1), scope) and not ptrs.derived(one.group(1), None, scope):
            bad.append(f"a copy of {src!r}, a pointer that is not device memory")
        for n in re.findall(r"(?<![\w.>:])[A-Za-z_]\w*", src):
            t = tables.get(f"{scope}:{n}") or tables.get(f"-1:{n}")
            struct = _struct_of(ptrs, n, scope)
            if t and "*" not in t.elem:
                bad.append(f"a copy of {n!r}, a table of structs holding pointers the checks cannot follow")
            elif t and not ptrs.derived(f"{n}[0]", None, scope):
                bad.append(f"a copy of {n!r}, a table holding pointers that are not device memory")
            elif struct and struct_problems(ptrs, n, struct, scope, n):
                bad.append(f"a copy of {n!r}, whose pointer members are not all device memory")
    return bad


def _pointer_name(ptrs: DevicePointers, name: str, scope: int) -> bool:
    """Is ``name`` (of the function ``scope``) a pointer variable: declared with ``*`` there, or bound
    (a parameter by its calls) to something that can hold an address, and no struct or table?"""
    if f"{scope}:{name}" in ptrs.tables or (ptrs.structs and re.search(
            r"\b(?:" + "|".join(map(re.escape, ptrs.structs)) + r")\s+" + re.escape(name) + r"\b", ptrs.code)):
        return False
    decl = r"\*\s*(?:const\s+|__restrict__\s+)*" + re.escape(name) + r"\s*[=;,{()\[]"
    for m in re.finditer(decl, ptrs.code):  # declared in the function, or among its parameters
        if ptrs.scope[m.start()] == scope or (0 < scope - m.start() and not re.search(r"[;{}]", ptrs.code[m.start():scope])):
            return True
    key = ptrs.key(scope, name)  # `auto p = ...`
    return name not in ptrs.declared and key in ptrs.binds and ptrs.carries(key)


def _struct_of(ptrs: DevicePointers, name: str, scope: int) -> str | None:
    """The struct with pointer members that ``name`` (of the function ``scope``) is declared as
    (``S name``, ``auto name = S{...}``)."""
    for m in re.finditer(r"\b([A-Za-z_]\w*)\s+" + re.escape(name) + r"\s*[;={(]|\bauto\s+" + re.escape(name)
                         + r"\s*=\s*([A-Za-z_]\w*)\s*\{", ptrs.code):
        if ptrs.scope[m.start()] == scope and m.group(1) not in ("return", "new", "delete", "else"):
            return _pointer_struct(ptrs.structs, m.group(1) or m.group(2))
    return None
