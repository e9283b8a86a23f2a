"""Host memory never reaches a kernel or a copy's destination (issue 14, red team round 8 S3).

The copy rule (:mod:`.cudacopy`) reads the kind written in a ``cudaMemcpy``; under unified virtual
addressing the runtime takes the direction from the pointers, so
``cudaMemcpy(host_vector.data(), x.data_ptr<float>(), n * 4, cudaMemcpyHostToDevice)`` copies
device memory to the host whatever its kind says. And a GPU whose driver lets kernels address
pageable host memory (HMM) lets a kernel store into a ``std::vector`` the host then computes on.
So in host code (every build pass; part of rule ``cuda_host_copy``):

* *host buffers* are the names declared as arrays, ``std::`` containers or smart pointers,
  variables at namespace level that are arrays or pointers, and every name bound or assigned to an
  expression that mentions a host buffer, ``new``, ``.data()``, ``this``, a string literal or the
  address of something (``&x``), or the result of an own function returning one; a parameter of an
  own function or lambda becomes one when a call passes one (to a fixed point);
* no argument of a kernel launch (``k<<<g, b>>>(...)``; for ``cudaLaunchKernel`` the names in its
  argument array) and no destination of a copy (the first argument of ``cudaMemcpy``,
  ``cudaMemcpyAsync``, ``cudaMemcpy2D``, ``cudaMemcpy2DAsync``) mentions one; the destination of a
  ``cudaMemcpyToSymbol`` is a ``__constant__`` or ``__device__`` variable;
* no copy sends a host address to the device (``&h`` of a host pointer, a table of them), where a
  kernel could read it and store through it.

Copies *from* host memory to the device stay allowed (a table of offsets, constants).
"""
from __future__ import annotations

import re

_DEVICE_VAR = re.compile(r"\b(?:__constant__|__device__)\b[^;{}()]*?\b([A-Za-z_]\w*)\s*(?:\[[^\]]*\]\s*)*(?:=[^;]*)?;")
_ARRAY_DECL = re.compile(r"(?:[\w>*&]\s+|[*&]\s*)([A-Za-z_]\w*)\s*\[[^\]]*\]\s*(?=[=;{,)])")
_CONTAINER = re.compile(r"\bstd\s*::\s*(?:vector|array|string|unique_ptr|shared_ptr|deque|list|basic_string)\b"
                        r"\s*(?:<[^;{}]*?>)?[\s*&]*([A-Za-z_]\w*)")
_BINDING = re.compile(r"(?<![\w.>])([A-Za-z_]\w*)\s*(?:\[[^\]]*\]\s*)?(?:(?:\.|->)\s*\w+\s*)*"
                      r"(?:[+\-*/|&^]?=)(?!=)([^;{}]*)")
_BRACE_INIT = re.compile(r"(?<![\w.>])([A-Za-z_]\w*)\s*(?:\[[^\]]*\]\s*)?=\s*\{([^{}]*)\}")
#: direct initialisation in a declaration, ``T name{e}`` or ``T name(e)`` (red team 11b S1), and a
#: structured binding ``auto& [a, b] = e``: the names are bound to ``e``
_DIRECT_INIT = re.compile(r"(?:([\w>])\s*[*&]*\s+|[*&]\s*)([A-Za-z_]\w*)\s*(?=[({])")
_STRUCTURED = re.compile(r"\bauto\s*(?:const\s*)?[&*]*\s*\[([^\]]*)\]\s*(?:=\s*([^;]*)|[({])")
_NOT_TYPES = frozenset({"return", "else", "new", "delete", "throw", "case", "do", "co_return", "co_yield", "operator",
                        "sizeof", "decltype", "alignof", "goto"})
_STORE_CALL = re.compile(r"(?<![\w.>])([A-Za-z_]\w*)\s*(?:\.|->)\s*(?:push_back|emplace_back|push_front|emplace_front|insert"
                         r"|emplace|assign|reset|fill)\s*\(")
#: methods of a host buffer whose result is a number, not an address
_SIZE_METHODS = frozenset({"size", "numel", "empty", "capacity", "length", "count", "max_size"})
_SOURCE = re.compile(r"\bnew\b|(?:\.|->)\s*data\s*\(|\bthis\b|\"\"|(?:^|[(,=?:+\-*/!~<>|^{]|\breturn)\s*&(?!&)")
_LAUNCH = re.compile(r"([A-Za-z_]\w*)\s*(?:<[^<>;()]*>)?\s*<<<")
_COPY_DST = re.compile(r"\b(cudaMemcpy|cudaMemcpyAsync|cudaMemcpy2D|cudaMemcpy2DAsync|cudaMemcpyToSymbol"
                       r"|cudaMemcpyToSymbolAsync|cudaLaunchKernel)\s*\(")
_FUNC = re.compile(r"([A-Za-z_]\w*)\s*\(([^()]*(?:\([^()]*\)[^()]*)*)\)\s*(?:const\s*|noexcept\s*|->\s*[\w:<>*&\s]+?)*\{")
_LAMBDA = re.compile(r"\b([A-Za-z_]\w*)\s*=\s*\[[^\]]*\]\s*\(([^()]*)\)")


#: never a buffer's name (``new float[n]``, ``sizeof(float)``)
_TYPES = frozenset({"float", "double", "int", "long", "short", "char", "bool", "unsigned", "signed", "void", "auto",
                    "const", "size_t", "half", "__half", "__nv_bfloat16", "dim3", "return", "new", "delete"})
_KEYWORDS = frozenset({"if", "for", "while", "switch", "catch", "return", "sizeof", "decltype", "alignof"})


def _args(code: str, open_paren: int) -> tuple[list[str], int]:
    """The top-level arguments of the call whose ``(`` is at ``open_paren``, and the index after ``)``."""
    out: list[str] = []
    depth, cur = 0, ""
    for j in range(open_paren, len(code)):
        ch = code[j]
        if ch in "([{":
            depth += 1
            if depth == 1:
                continue
        elif ch in ")]}":
            depth -= 1
            if depth == 0:
                return ([*out, cur] if cur.strip() or out else out), j + 1
        elif ch == "," and depth == 1:
            out.append(cur)
            cur = ""
            continue
        cur += ch
    return out, len(code)


def _params(text: str) -> list[str]:
    """The parameter names of a parameter list (the last identifier before a default or the end)."""
    names = []
    for p in _split(text):
        p = p.split("=", 1)[0]
        ids = re.findall(r"[A-Za-z_]\w*", re.sub(r"\[[^\]]*\]", "", p))
        names.append(ids[-1] if len(ids) >= 2 else "")
    return names


def _split(text: str) -> list[str]:
    out: list[str] = []
    depth, cur = 0, ""
    for ch in text:
        depth += (ch in "(<[{") - (ch in ")>]}")
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    return [*out, cur] if cur.strip() else out


def _mentions(expr: str, tainted: set[str], bound: set[str] | None = None) -> bool:
    """Does ``expr`` take a host address: a source (``new``, ``&x``, ``.data()`` ...) or a host
    buffer itself, a member of one (``a.d``); an item (``v[i]``) only of a buffer bound to host
    addresses (``bound``: ``float* h = new float[n]``, not ``std::vector<int> shape``), and never a
    method's result (``v.size()``)."""
    expr = _fresh_tensors(expr)
    if _SOURCE.search(expr):
        return True
    for m in re.finditer(r"(?<![\w.])([A-Za-z_]\w*)\s*(\[|(?:\.|->)\s*(\w+)\s*\(?)?", expr):
        name, after = m.group(1), m.group(2) or ""
        if name not in tainted or after.endswith("(") and m.group(3) in _SIZE_METHODS:
            continue
        if after.startswith("[") and bound is not None and name not in bound:
            continue
        return True
    return False


_TORCH_CALL = re.compile(r"\b(?:torch|at|c10)\s*::\s*[\w:]*?(?:empty|zeros|ones|full|empty_like|zeros_like|ones_like"
                         r"|full_like|empty_strided|arange)\s*\(")


def _fresh_tensors(expr: str) -> str:
    """``expr`` with the arguments of torch's allocation calls dropped: ``torch::empty(shape, opts)``
    is a new tensor whatever host vector gives its shape (honest round 9: such a ``y`` was taken for
    host memory and its ``data_ptr`` as a kernel's host argument)."""
    out, last = [], 0
    for m in _TORCH_CALL.finditer(expr):
        if m.start() < last:
            continue
        end = _args(expr, m.end() - 1)[1]
        out.append(expr[last:m.end()] + ")")
        last = end
    return "".join(out) + expr[last:]


def _direct_bindings(code: str, body: list[int]) -> list[tuple[str, str]]:
    """(name, initialiser) of the declarations in function bodies by ``T name{e}``/``T name(e)`` and
    of each name of a structured binding ``auto [a, b] = e`` (``{e}``, ``(e)``)."""
    out = []
    for m in _DIRECT_INIT.finditer(code):
        word = re.search(r"(\w+)\s*[*&]*\s*$", code[max(0, m.start() - 30):m.start(2)])
        if body[m.start()] == -1 or word and word.group(1) in _NOT_TYPES:
            continue
        close = _args(code, m.end())[1]
        out.append((m.group(2), code[m.end() + 1:close - 1]))
    for m in _STRUCTURED.finditer(code):
        expr = m.group(2) if m.group(2) is not None else code[m.end() - 1:_args(code, m.end() - 1)[1]]
        out += [(n.strip(), expr) for n in m.group(1).split(",") if n.strip()]
    return out


def host_buffers(code: str) -> tuple[set[str], set[str], set[str]]:
    """The names of host buffers in host ``code`` (see the module docstring), those of them bound
    to host addresses (whose items count too), and the arrays and containers among those (tables
    of host addresses: ``float* ptrs[] = {h}``)."""
    from harness.families.kernels.static.cudacalls import _outer_body

    body = _outer_body(code)
    tainted = {m.group(1) for m in _ARRAY_DECL.finditer(code) if not re.search(r"\bnew\s*$", code[:m.start(1)])}
    tainted |= {m.group(1) for m in _CONTAINER.finditer(code)}
    tables = set(tainted)  # arrays and containers: bound to host addresses, they hold them
    for m in re.finditer(r"(?:[\w>]\s*\*+|[\w>]\s+\*?)\s*([A-Za-z_]\w*)\s*(?=[=;\[,])", code):
        stmt = code[max(code.rfind(c, 0, m.start()) for c in ";{}") + 1:m.start()]
        if body[m.start()] == -1 and stmt.count("(") == stmt.count(")") and ("*" in m.group(0) or code[m.end():m.end() + 1] == "[") and \
                not re.search(r"__(?:device|constant|shared|managed)__|\b(?:struct|class|typedef|using)\b", stmt) \
                and not class_body(code, m.start()):  # a member (``struct Args { float* y; }``) is no variable (rt10)
            tainted.add(m.group(1))  # a pointer or array at namespace level
    funcs = [(m.group(1), _params(m.group(2)), m.end()) for m in _FUNC.finditer(code) if m.group(1) not in _KEYWORDS]
    funcs += [(m.group(1), _params(m.group(2)), m.end()) for m in _LAMBDA.finditer(code)]
    bound: set[str] = set()  # names bound or assigned to host addresses (their items may be addresses too)
    for _ in range(20):
        before = len(tainted)
        for m in [*_BINDING.finditer(code), *_BRACE_INIT.finditer(code)]:
            if _mentions(m.group(2), tainted, bound):
                tainted.add(m.group(1))
                bound.add(m.group(1))
        for name, expr in _direct_bindings(code, body):
            if _mentions(expr, tainted, bound):
                tainted.add(name)
                bound.add(name)
        for m in _STORE_CALL.finditer(code):
            if any(_mentions(a, tainted, bound) for a in _args(code, m.end() - 1)[0]):
                tainted.add(m.group(1))
                bound.add(m.group(1))
        for name, params, end in funcs:
            close = _args(code, end - 1)[1] if code[end - 1] == "{" else end
            if any(_mentions(e, tainted, bound) for e in re.findall(r"\breturn\b([^;]*);", code[end:close])):
                tainted.add(name)
                bound.add(name)
            for call in re.finditer(r"\b" + re.escape(name) + r"\s*(?:<[^<>;()]*>)?\s*\(", code):
                for p, a in zip(params, _args(code, call.end() - 1)[0], strict=False):
                    if p and _mentions(a, tainted, bound):
                        tainted.add(p)
                        bound.add(p)
        tainted -= _TYPES
        if len(tainted) == before:
            break
    return tainted, bound, tables & bound


def class_body(code: str, at: int) -> bool:
    """Is ``at`` inside the braces of a struct, class or union definition (a member, not a variable)?"""
    depth = 0
    for j in range(at - 1, -1, -1):
        if code[j] == "}":
            depth += 1
        elif code[j] == "{":
            if depth == 0:
                return re.search(r"\b(?:struct|class|union)\s*(?:[A-Za-z_]\w*\s*)?(?:final\s*)?(?::[^{};]*)?$",
                                 code[:j]) is not None
            depth -= 1
    return False


def host_memory_reach(code: str) -> list[str]:
    """Kernel arguments and copy destinations in host ``code`` that may be host memory."""
    tainted, bound, tables = host_buffers(code)
    device_vars = {m.group(1) for m in _DEVICE_VAR.finditer(code)}
    bad = []
    for m in _LAUNCH.finditer(code):
        close = code.find(">>>", m.end())
        k = close + 3
        while k < len(code) and code[k].isspace():
            k += 1
        if close == -1 or k >= len(code) or code[k] != "(":
            continue
        for a in _args(code, k)[0]:
            if _mentions(a, tainted, bound):
                bad.append(f"host memory {' '.join(a.split())[:40]!r} passed to kernel {m.group(1)}")
    for m in _COPY_DST.finditer(code):
        args = _args(code, m.end() - 1)[0]
        if not args:
            continue
        name, dst = m.group(1), args[0]
        if name == "cudaLaunchKernel":
            arr = args[3].strip() if len(args) > 3 else ""
            init = re.search(r"\b" + re.escape(arr) + r"\s*\[[^\]]*\]\s*=\s*\{([^}]*)\}", code) if arr else None
            for item in _split(init.group(1)) if init else []:
                if _mentions(re.sub(r"^\s*(?:\([^()]*\)\s*)?&", "", item), tainted, bound):
                    bad.append(f"host memory {' '.join(item.split())[:40]!r} passed to cudaLaunchKernel")
        elif name.startswith("cudaMemcpyToSymbol"):
            if dst.strip() not in device_vars:
                bad.append(f"{name} to {' '.join(dst.split())[:40]!r} (not a __constant__/__device__ variable)")
        elif _mentions(dst, tainted, bound):
            bad.append(f"{name} into host memory {' '.join(dst.split())[:40]!r} (the pointers decide the direction)")
        src = args[1] if len(args) > 1 and name != "cudaLaunchKernel" else ""
        address_of = bool(bound) and re.search(r"&\s*(?:\(\s*)?(?:" + "|".join(map(re.escape, sorted(bound)))
                                               + r")\b", src) is not None
        if address_of or any(t in tables for t in re.findall(r"[A-Za-z_]\w*", src)):
            bad.append(f"{name} of a host address to the device ({' '.join(src.split())[:40]!r}): a kernel could "
                       "then reach host memory through it")
    return bad
