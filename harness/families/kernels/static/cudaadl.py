"""Calls in a CUDA answer's host code that ATen may answer (issue 14, red team 13 K3), part of
``cuda_torch_compute`` (:func:`.cuda.cpp_compute_calls` runs :func:`tensor_calls` on every build pass).

- An unqualified call ``f(x, ...)`` with an argument that may be an ``at::Tensor`` (:mod:`.cudatypes`)
  is looked up in namespace ``at`` too (C++ argument-dependent lookup): ``max(x, zeros)`` is
  ``at::max``, ``exp(x)`` is ``at::exp``, and an answer's own template ``relu(T)`` loses to
  ``at::relu``. Such a call is rejected when ``f`` is a math or conversion name of
  :data:`.cudacalls.HOST_CALLS` or a function ATen declares (:func:`aten_names`: the installed
  torch's headers; when they cannot be read, every such call of an answer's own function fails closed).
  A call through a lambda variable or a class name, or qualified (``::f``, ``ns::f``), has no lookup in ``at``.
- A ``std::`` call given a possible tensor, as an argument, a template argument or the element of a range
  (``v.begin()``, ``std::end(v)``, an iterator variable made from one) applies Tensor's operators
  inside the library (``std::accumulate`` sums with ``+``, ``std::max``/``std::sort`` compare with
  ``<``), unless it only moves, stores or passes tensors (:data:`STD_PASS`) or only calls a predicate
  (``std::all_of``). ``std::max(a, b)`` on sizes and ``std::accumulate`` over a ``std::vector<int64_t>`` pass.
- An operator written as a call (``operator*(a, b)``, ``a.operator+=(b)``) in host code: no honest
  host code needs one; declaring an operator (``float2 operator+(float2 a, float2 b)``) stays allowed.
Imports: the standard library only.
"""
from __future__ import annotations

import functools
import importlib.util
import os
import re

from harness.families.kernels.static.cudacalls import HOST_CALLS, _declaration
from harness.families.kernels.static.cudadecl import top_args
from harness.families.kernels.static.cudaindirect import _balanced
from harness.families.kernels.static.cudatypes import HostTypes

#: HOST_CALLS names that are no function ADL could send to ATen: keywords, casts, types, macros,
#: and ``device_of`` (``at::device_of`` by ADL on purpose: a device guard, no compute)
_NOT_FUNCTIONS = frozenset({
    "sizeof", "alignof", "alignas", "decltype", "static_cast", "reinterpret_cast", "const_cast", "dynamic_cast",
    "static_assert", "noexcept", "typeid", "if", "for", "while", "switch", "catch", "return", "throw", "case",
    "operator", "co_return", "delete", "new", "else", "do", "and", "or", "not", "dim3", "int", "float", "double",
    "long", "unsigned", "signed", "short", "char", "bool", "half", "auto", "assert", "device_of",
})
HOST_FUNCTIONS = HOST_CALLS - _NOT_FUNCTIONS
#: ``std::`` calls that only pass, move or store tensors, or only call the predicate they are given
STD_PASS = frozenset({
    "move", "forward", "swap", "vector", "array", "pair", "make_pair", "tuple", "make_tuple", "get", "tie",
    "optional", "make_optional", "initializer_list", "size", "begin", "end", "distance", "reverse", "unique_ptr",
    "make_unique", "all_of", "any_of", "none_of", "runtime_error", "invalid_argument", "out_of_range",
    "logic_error", "domain_error", "length_error", "overflow_error", "string", "to_string",
})
_CALL = re.compile(r"((?:(?:::)?\s*[A-Za-z_]\w*\s*(?:‹[^;{}]*?›)?\s*::\s*)*(?:::\s*)?)"
                   r"(?<![\w.])([A-Za-z_]\w*)\s*(‹[^;{}]*?›)?\s*([({])")
_HEADER_FUNCTION = re.compile(r"(?:TORCH_API|inline)\s+[\w:<>,\s*&]*?\b([A-Za-z_]\w*)\s*\(")
_OPS_SUFFIX = re.compile(r"_(?:native|ops|meta|\w+_dispatch)$")


@functools.lru_cache(maxsize=1)
def aten_names() -> frozenset[str] | None:
    """The functions of the installed torch's ATen headers a tensor argument can reach: the operators
    of ``ATen/ops``, and what ``ATen/*.h``, ``ATen/core/*.h`` declare ``inline``/``TORCH_API`` with a
    tensor or template parameter (a superset of what ADL finds in ``at``); None when the headers
    cannot be read."""
    spec = importlib.util.find_spec("torch")
    if spec is None or not spec.submodule_search_locations:
        return None
    include = os.path.join(list(spec.submodule_search_locations)[0], "include", "ATen")
    try:
        names = {_OPS_SUFFIX.sub("", f[:-2]) for f in os.listdir(os.path.join(include, "ops")) if f.endswith(".h")}
        for sub in ("", "core"):
            folder = os.path.join(include, sub)
            for f in os.listdir(folder):
                if f.endswith(".h"):
                    with open(os.path.join(folder, f), encoding="utf-8", errors="replace") as fh:
                        names |= _tensor_functions(fh.read())
    except OSError:
        return None
    return frozenset(names) if len(names) > 500 else None


def _tensor_functions(text: str) -> set[str]:
    """The functions a header declares that a tensor argument can reach: a parameter of a tensor type
    or a template (``at::launch(std::function<void()>)`` is not; ``at::sum_to(Tensor, ...)`` is)."""
    names = set()
    for m in _HEADER_FUNCTION.finditer(text):
        params = text[m.end():_balanced(text, m.end() - 1) - 1]
        head = text[max(text.rfind(";", 0, m.start()), text.rfind("}", 0, m.start())) + 1:m.start()]
        if "Tensor" in params or "template" in head:
            names.add(m.group(1))
    return names


def tensor_calls(host: str) -> list[str]:
    """Calls in ``host`` (host code, device bodies blanked) that may have ATen compute (module docstring)."""
    types = HostTypes(host)
    code = types.code
    plain = code.replace("‹", "<").replace("›", ">")  # for cudacalls' reading of declarations
    bad = []
    for m in _CALL.finditer(code):
        qualifier, name, targs = "".join(m.group(1).split()), m.group(2), (m.group(3) or "").strip("‹›")
        qualifier = re.sub(r"^(?:return|case|else|throw|co_return|co_yield)(?=::)", "", qualifier)  # return ::f(x)
        qualifier = "std::" if qualifier == "::std::" else qualifier
        if re.search(r"(?:\.|->)\s*$", code[:m.start()]) or qualifier not in ("", "::", "std::") or \
                not qualifier and _declaration(plain, m.start(2)):
            continue  # a method (its own allowlist), an own/torch namespace, a declaration
        if m.group(4) == "{" and qualifier != "std::":
            continue  # T{...}: a braced initializer
        args = _arguments(code, m.end() - 1)
        if qualifier == "std::":
            if name not in STD_PASS and (any(_element_tensor(types, a) for a in args if a.strip())
                                         or targs.strip() and types.type_tensor(targs)):
                bad.append(f"std::{name}(...) on a tensor (Tensor's operators applied by the library)")
        elif any(types.tensor(a) for a in args if a.strip()) and _adl_target(name, types, qualifier):
            bad.append(f"{qualifier}{name}(...) on a tensor (argument-dependent lookup finds at::{name})")
    return sorted(set(bad + operator_calls(code)))


def _arguments(code: str, at: int) -> list[str]:
    """The arguments of the call whose ``(`` or ``{`` is at ``at`` and of the calls chained to it
    (``std::plus<>()(a, b)``, ``std::multiplies<>{}(a, b)``)."""
    args: list[str] = []
    while at < len(code) and code[at] in "({":
        end = _balanced(code, at, code[at], ")" if code[at] == "(" else "}")
        args += top_args(code[at + 1:end - 1])
        nxt = re.match(r"\s*", code[end:])
        at = end + (nxt.end() if nxt else 0)
    return args


def _adl_target(name: str, types: HostTypes, qualifier: str) -> bool:
    """May the unqualified call of ``name`` with a tensor argument be ATen's ``at::name``?"""
    if name in _NOT_FUNCTIONS:
        return False
    if name in HOST_FUNCTIONS:
        return True  # fail closed for ::name too
    if qualifier or name in types.lambdas or name in types.structs or name in types.aliases:
        return False  # no argument-dependent lookup: a qualified name, a variable, a class
    known = aten_names()
    return known is None or name in known


_ITERATOR = re.compile(r"(?:\.|->)\s*c?r?(?:begin|end|data)\s*\(\s*\)|\+\s*[\w.()]+\s*$|-\s*[\w.()]+\s*$")


def _element_tensor(types: HostTypes, arg: str, depth: int = 0) -> bool:
    """May ``arg``, or the element of the range or iterator ``arg`` names, be a tensor?"""
    a = arg.strip()
    if a.startswith("{") and depth <= 4 and _balanced(a, 0, "{", "}") == len(a):  # std::min({a, b, c})
        return any(_element_tensor(types, e, depth + 1) for e in top_args(a[1:-1]) if e.strip())
    if types.tensor(arg) or depth > 4:
        return True
    std = re.fullmatch(r"std\s*::\s*c?r?(?:begin|end|data|next|prev)\s*\((.*)\)", a, re.S)
    inner = top_args(std.group(1))[0] if std else _ITERATOR.sub("", a)
    if inner.strip() != a and inner.strip():
        return _element_tensor(types, inner, depth + 1)
    if re.fullmatch(r"[A-Za-z_]\w*", a):  # an iterator variable: auto it = v.begin();
        return any(k == "init" and t.strip() != a and _element_tensor(types, t, depth + 1)
                   for k, t in types.decls.get(a, []))
    return False


def operator_calls(code: str) -> list[str]:
    """``operator+(a, b)``, ``a.operator*=(b)``, ``&operator+``: an operator used as a function.
    A declaration (the statement before ``operator`` is only a type, qualifiers and ``Class::``, or
    nothing for a conversion operator: ``operator bool() const``) is not."""
    bad = []
    for m in re.finditer(r"\boperator\b", code):
        before = code[:m.start()]
        stops = [before.rfind(c) for c in ";{}"] + [x.start() for x in re.finditer(r"(?<!:):(?!:)", before)]
        head = before[max(stops) + 1:]
        while re.search(r"‹[^‹›]*›", head):
            head = re.sub(r"‹[^‹›]*›", " ", head)
        after = code[m.end():].lstrip()
        conversion = re.match(r"[A-Za-z_]", after) is not None and not re.match(r"(?:new|delete)\b", after)
        owner = re.sub(r"(?:[A-Za-z_]\w*\s*::\s*)+$", "", head)  # what stands before Class::operator
        declaration = re.fullmatch(r"[\w\s*&:]*", head) is not None and (re.search(r"\w", owner) or conversion) and \
            not re.search(r"\b(?:return|case|else|throw|co_return|co_yield|goto|sizeof|new|delete)\b", head)
        if not declaration:
            op = re.match(r"\(\s*\)|\[\s*\]|[^\s\w(]+|[A-Za-z_]\w*", after)
            bad.append(f"operator{op.group(0) if op else ''} used as a function (write the operator)")
    return bad
