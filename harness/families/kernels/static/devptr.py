"""Kernel pointer arguments and copy destinations come from device memory (issue 14, part of rule
``cuda_host_copy``; the uninitialised host pointer left open in round 9).

:mod:`.hostmem` lists the ways host code makes host memory (a denylist). An uninitialised pointer
is none of them: ``float* p; cudaMemcpy(p, ...)`` or ``T* p; k<<<g, b>>>(p)`` hands the runtime or
a kernel whatever the stack held, a host address an earlier call left there, which a kernel stores
through on a GPU that addresses pageable host memory (HMM). So, in host code, a positive rule:

* a kernel launch's argument for a pointer parameter (``T*`` in the kernel's signature; for a
  template type parameter, an argument that names a pointer variable or takes an address), the
  destination of ``cudaMemcpy*`` and ``cudaMemset*``, the items of a ``cudaLaunchKernel`` or
  ``cudaLaunchCooperativeKernel`` argument array and the arguments of ``cudaLaunchKernelEx`` are
  *device-derived*: a tensor's ``data_ptr``/``const_data_ptr``/``mutable_data_ptr``, ``nullptr``,
  or a *device-bound* name, under casts and parentheses, plus or minus an offset that names no
  other pointer variable, ``&p[i]``, or a ``?:`` whose branches both are;
* a name (scoped by the function around it) is device-bound when it has at least one binding and
  every binding is device-derived, one of them without the name's own help (``p += 4`` counts once
  another grounds it). Bindings: the declaration's initialiser, each assignment (``=``, ``+=``,
  ``-=``), ``cudaMalloc``/``cudaMallocAsync``/``cudaMallocPitch`` of ``&p``, each argument that a
  call of an own function or lambda passes for its parameter, ``std::swap``/``std::exchange``
  partners. Not device-derived: ``&p`` anywhere but as a copy's source (a call that could store into it,
  ``memcpy(&p, ...)``), a reference bound to ``p`` or a reference parameter it is passed to, and a
  declaration without an initialiser that no assignment or ``cudaMalloc`` follows;
* a call of an own function is device-derived when every ``return`` in it is (``get_ptr(x)``);
* an element of a local pointer table (``ins[k]``), a struct passed by value for a kernel parameter
  of its type (each pointer member bound and device-derived, also when built inline or returned by
  an own function) and the pointers a copy's source holds: :mod:`.devagg`.

Flow is not modelled: a binding on a path that does not run counts (``if (n < 0) p = x.data_ptr<float>();``).
"""
from __future__ import annotations

import re
from collections import defaultdict

from harness.families.kernels.static.cudacalls import _outer_body
from harness.families.kernels.static.devagg import (
    copy_source_names,
    fill_bindings,
    opaque_structs,
    pointer_tables,
    returns,
    source_problems,
    struct_problems,
    table_bindings,
)
from harness.families.kernels.static.devsyntax import (
    _close,
    _in_brace_list,
    _in_parens,
    _strip,
    _struct_members,
    _ternary,
    _top_split,
    kernel_params,
)
from harness.families.kernels.static.hostmem import _FUNC, _LAMBDA, _args, _params, _split, class_body
from harness.families.kernels.static.hostsizes import _only_called

_LAUNCH = re.compile(r"([A-Za-z_]\w*)\s*(?:<[^<>;()]*(?:<[^<>;()]*>[^<>;()]*)*>)?\s*<<<")
_DST = re.compile(r"\b(cudaMemcpy(?:2D)?(?:Async)?|cudaMemset(?:2D)?(?:Async)?|cudaLaunchKernel|cudaLaunchCooperativeKernel"
                  r"|cudaLaunchKernelEx)\s*\(")
_ALLOC = re.compile(r"\b(?:cudaMalloc|cudaMallocAsync|cudaMallocPitch)\s*\(")
_BIND = re.compile(r"(?<![\w.>:])([A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*)\s*(?:\[[^\]]*\]\s*)?([+-]?=)(?!=)"
                   r"(?=(\s*(?:[A-Za-z_][\w:]*\s*)?\{[^{}]*\}|[^;{}]*))")
_CTOR = re.compile(r"(?:\*|\bauto)\s*(?:const\s+|__restrict__\s+)*([A-Za-z_]\w*)\s*[({]")
_ADDR = re.compile(r"(?<![\w)\]&])&\s*([A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*)\b(?!\s*[\[(])")
_REF = re.compile(r"[\w>*]\s*&\s*[A-Za-z_]\w*\s*(?:=|\(|\{)\s*([A-Za-z_]\w*)\s*[;)}]")
#: CUDA runtime queries that store only numbers through the addresses they are given (honest round 14:
#: ``cudaDeviceGetAttribute(&num_sms, ...)`` made ``num_sms`` a possible address, and the grid cap
#: ``(long long)num_sms * 8`` an integer made from a pointer)
_NUMBER_OUT = re.compile(r"\b(?:cudaDeviceGetAttribute|cudaOccupancyMaxActiveBlocksPerMultiprocessor"
                         r"|cudaOccupancyMaxActiveBlocksPerMultiprocessorWithFlags|cudaOccupancyMaxPotentialBlockSize"
                         r"|cudaGetDevice|cudaGetDeviceCount|cudaDriverGetVersion|cudaRuntimeGetVersion|cudaMemGetInfo"
                         r"|cudaGetDeviceProperties|cudaDeviceGetLimit)\s*\(")
#: a tensor's data pointer (``x.data<float>()``: torch's deprecated spelling; a container's ``data()`` takes no type)
_DATA_PTR = re.compile(r"[\w.\->\[\]:()\s]*?(?:\.|->)\s*(?:(?:data_ptr|const_data_ptr|mutable_data_ptr)\s*"
                       r"(?:<[^<>;]*>)?|data\s*<[^<>;]*>)\s*\(\s*\)")
_POINTER_DECL = re.compile(r"(?:(?:^|[;{}(,])\s*(?:const\s+|static\s+|volatile\s+)*[A-Za-z_][\w:]*(?:\s*<[^;(){}]*>)?|,)"
                           r"\s*\*+\s*(?:const\s+|__restrict__\s+)*([A-Za-z_]\w*)\s*(?=[;,)=\[])")
_NULL = frozenset({"nullptr", "NULL"})  # not `0`: `long long r0 = 0` is a number
_NOT_DERIVED = "<not device-derived>"
_CALL_AFTER = frozenset({"return", "else", "case", "throw", "co_return", "do"})
_NOT_FUNCS = frozenset({"if", "for", "while", "switch", "catch", "return", "sizeof", "decltype", "alignof"})


class DevicePointers:
    """Which names of one host text are device-bound (module docstring). Names are scoped by the
    outermost function around them (``12:y``: the ``y`` of the function whose body opens at 12;
    ``-1:`` at namespace level), so a helper's parameter is not the tensor of the same name."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.scope = _outer_body(code)
        self.binds: dict[str, list[tuple[int, str]]] = defaultdict(list)  # key: [(scope of the expression, expression)]
        self.structs = _struct_members(code)
        self.tables = pointer_tables(code, self.scope, self.structs)  # pointer arrays and vectors (devagg)
        self.opaque = opaque_structs(code)
        self._returns: dict[str, list[tuple[int, str]] | None] = {}
        self._following: set[str] = set()
        #: names declared with a pointer declarator (``float* p;``, ``T *a, *b``), bound or not
        self.declared = {m.group(1) for m in _POINTER_DECL.finditer(code) if not _product(code, m.start())}
        self.assigned: set[str] = set()  # keys an `=` or cudaMalloc binds
        self._collect()
        self._calls()
        self._uninitialised()
        self.device = self._fixpoint()

    def key(self, scope: int, name: str) -> str:
        name = re.sub(r"\s+", "", name)
        own = f"{scope}:{name}"
        return own if own in self.binds or scope == -1 or f"-1:{name}" not in self.binds else f"-1:{name}"

    def _bind(self, at: int, name: str, expr: str, scope: int | None = None) -> None:
        """``name`` (of the function around ``at``, or of ``scope``) is bound to ``expr`` (read where ``at`` is)."""
        where = self.scope[at]
        self.binds[f"{where if scope is None else scope}:{_squeeze(name)}"].append((where, expr))

    def _collect(self) -> None:
        code = self.code
        for m in _BIND.finditer(code):
            name = re.sub(r"\s+", "", m.group(1))
            if "[" in code[m.end(1):m.start(2)]:
                if f"{self.scope[m.start()]}:{name}" in self.tables:
                    continue  # a table's elements: devagg.table_bindings
                if "." in name:
                    name += "[]"  # an element of an array member
            rhs = m.group(3).strip()
            rhs = rhs if rhs.startswith("{") else _operand_end(rhs)  # `float *a = x, *b = y`, `for (...; r += c)`
            self._bind(m.start(), name, f"{name} + ({rhs})" if m.group(2) != "=" else rhs)
            if m.group(2) == "=":
                self.assigned.add(f"{self.scope[m.start()]}:{name}")
        for m in _CTOR.finditer(code):
            inner = _args(code, m.end() - 1)[0]
            self._bind(m.start(), m.group(1), inner[0] if len(inner) == 1 else ("nullptr" if not inner else _NOT_DERIVED))
        allocated: set[int] = set()
        for m in _ALLOC.finditer(code):
            args = _args(code, m.end() - 1)[0]
            a = re.match(r"\s*(?:\(\s*void\s*\*\s*\*\s*\)|reinterpret_cast\s*<\s*void\s*\*\s*\*\s*>\s*\()?\s*&\s*"
                         r"([A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*)\s*\)?\s*$", args[0]) if args else None
            if a:
                self._bind(m.start(), a.group(1), "nullptr")
                self.assigned.add(f"{self.scope[m.start()]}:{_squeeze(a.group(1))}")
                allocated.add(code.index("&", m.end()))
        read = copy_source_names(code)  # a copy's source is read, not written
        numbers = {k for m in _NUMBER_OUT.finditer(code) for k in range(m.end(), _close(code, m.end() - 1))}
        for m in _ADDR.finditer(code):  # an address given away: whatever takes it may store into it
            if m.start() not in allocated and m.start(1) not in read and not _in_brace_list(code, m.start()) \
                    and not (m.start() in numbers and m.group(1).split(".")[0].strip() not in self.declared):
                self._bind(m.start(), m.group(1), _NOT_DERIVED)
        for m in _REF.finditer(code):
            self._bind(m.start(), m.group(1), _NOT_DERIVED)
        for at, name in _referenced_returns(code):  # a returned reference: a caller stores through it
            self.binds[self.key(self.scope[at], name)].append((self.scope[at], _NOT_DERIVED))
        for at, key, expr in table_bindings(code, self.tables, self.scope) + fill_bindings(code, self.tables, self.scope):
            self.binds[key].append((self.scope[at], expr))
        for m in re.finditer(r"\bstd\s*::\s*(swap|exchange)\s*\(", code):
            args = [a.strip() for a in _args(code, m.end() - 1)[0]]
            if len(args) == 2:
                self._bind(m.start(), args[0], args[1])
                if m.group(1) == "swap":
                    self._bind(m.start(), args[1], args[0])

    def _calls(self) -> None:
        """Each argument a call of an own function or lambda passes binds the parameter, in the
        function's scope (a lambda's: the function around it); a reference parameter unbinds it."""
        code = self.code
        funcs = [(m.group(1), m.group(2), m.end() - 1) for m in _FUNC.finditer(code) if m.group(1) not in _NOT_FUNCS]
        funcs += [(m.group(1), m.group(2), self.scope[m.start()]) for m in _LAMBDA.finditer(code)]
        for name, ptext, scope in funcs:
            params, refs = _params(ptext), ["&" in item for item in _split(ptext)]
            for call in re.finditer(r"(?<![\w.>])" + re.escape(name) + r"\s*(?:<[^<>;()]*>)?\s*\(", code):
                before = re.search(r"([A-Za-z_]\w*|[>*&])\s*$", code[:call.start()])
                if before and before.group(1) not in _CALL_AFTER:
                    continue  # the definition or a declaration, after its type
                for param, arg, ref in zip(params, _args(code, call.end() - 1)[0], refs, strict=False):
                    if param:
                        self._bind(call.start(), param, arg, scope)
                        if ref and re.fullmatch(r"\s*[A-Za-z_]\w*\s*", arg):
                            self._bind(call.start(), arg, _NOT_DERIVED)
                        elif ref and re.fullmatch(r"\s*[A-Za-z_]\w*\s*\[[^\]]*\]\s*", arg):
                            self._bind(call.start(), arg.split("[")[0].strip() + "[]", _NOT_DERIVED)

    def _uninitialised(self) -> None:
        """A pointer declared without an initialiser holds what the stack held until something assigns
        it: a binding that is not device-derived, unless an assignment or ``cudaMalloc`` binds it too
        (flow is not modelled). Parameters and members are not such declarations."""
        params = {n for m in [*_FUNC.finditer(self.code), *_LAMBDA.finditer(self.code)] for n in _params(m.group(2))}
        for m in _POINTER_DECL.finditer(self.code):
            name, at = m.group(1), m.start(1)
            if self.code[m.end():m.end() + 1] in (";", ",") and name not in params and not _in_parens(self.code, at) \
                    and not class_body(self.code, at) and self.key(self.scope[at], name) not in self.assigned:
                self._bind(at, name, _NOT_DERIVED, self.scope[at])

    def _fixpoint(self) -> set[str]:
        """The device-bound keys: the greatest set whose every binding is device-derived given it,
        less the keys that no binding grounds (``p = q; q = p;`` alone binds neither)."""
        keep = {k for k, exprs in self.binds.items() if exprs}
        while True:
            drop = {k for k in keep if not all(self.derived(e, keep, s) for s, e in self.binds[k])}
            if not drop:
                break
            keep -= drop
        device: set[str] = set()
        for _ in range(50):
            more = {k for k in keep - device if any(self.derived(e, device, s) for s, e in self.binds[k])}
            if not more:
                break
            device |= more
        return device

    def derived(self, expr: str, device: set[str] | None = None, scope: int = -1) -> bool:
        """Is ``expr`` (in the function ``scope``) device memory (module docstring), given the device-bound keys?"""
        device = self.device if device is None else device
        e = _strip(expr)
        if e in _NULL or e == _NOT_DERIVED:
            return e != _NOT_DERIVED
        tern = _ternary(e)
        if tern:
            return self.derived(tern[0], device, scope) and self.derived(tern[1], device, scope)
        pieces = _top_split(e)
        if len(pieces) > 1:
            roots = [p for _, p in pieces if _strip(p) not in _NULL and self.derived(p, device, scope)]
            others = [p for _, p in pieces if p not in roots]
            return len(roots) == 1 and pieces[0][1] in roots and \
                not any(self.names_pointer(p, scope, device) for p in others)
        if _DATA_PTR.fullmatch(e):
            return True
        if e.startswith("{") and _close(e, 0) == len(e) - 1:  # an aggregate's items (devagg)
            return all(self.derived(item, device, scope) for item in _args(e, 0)[0])
        element = re.fullmatch(r"([A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*)\s*(?:\[[^\[\]]*\]|\.\s*at\s*\([^()]*\)"
                               r"|\.\s*(?:front|back)\s*\(\s*\))", e)
        if element and self.key(scope, f"{_squeeze(element.group(1))}[]") in self.binds:
            return self.key(scope, f"{_squeeze(element.group(1))}[]") in device
        call = re.match(r"([A-Za-z_]\w*)\s*(?:<[^<>;()]*>)?\s*\(", e)
        if call and _close(e, call.end() - 1) == len(e) - 1 and call.group(1) not in self._following:
            rets = self.returns(call.group(1))  # an own function: every `return` is device memory
            self._following.add(call.group(1))
            try:
                return bool(rets) and all(self.derived(r, device, s) for s, r in rets or [])
            finally:
                self._following.discard(call.group(1))
        m = re.fullmatch(r"&\s*([A-Za-z_]\w*(?:\s*\.\s*\w+)*)\s*\[.*\]", e, re.S)
        key = self.key(scope, m.group(1) if m else e)
        return key in device and self.carries(key)

    def returns(self, name: str) -> list[tuple[int, str]] | None:
        """(scope, expression) of each ``return`` of the own functions named ``name`` (cached); not
        followed when a local (a lambda, a variable) of that name may shadow the function."""
        if name not in self._returns:
            lambdas = [m for m in _LAMBDA.finditer(self.code) if m.group(1) == name]
            binds = [e for k, es in self.binds.items() if k.endswith(f":{name}") for _, e in es]
            local = any(k.endswith(f":{name}") and not k.startswith("-1:") for k in self.binds) or lambdas
            if len(lambdas) == 1 and all(e.lstrip().startswith("[") for e in binds) and \
                    returns(self.code, name, self.scope) is None and \
                    _only_called(self.code, name, {lambdas[0].start(1)}):  # one lambda of that name, nothing else
                self._returns[name] = _lambda_returns(self.code, lambdas[0], self.scope)
            else:
                self._returns[name] = None if name in _NOT_FUNCS or local else returns(self.code, name, self.scope)
        return self._returns[name]

    def names_pointer(self, expr: str, scope: int, device: set[str] | None = None, declared: bool = False) -> bool:
        """Does ``expr`` take an address or name a pointer: a device-bound name, one bound to an address
        (``declared``: or one declared with a pointer declarator, bound or not)?"""
        if re.search(r"(?<![&\w])&(?!&)|\bdata_ptr\b|\bdata\s*\(", expr):
            return True
        device = self.device if device is None else device
        keys = [(n, self.key(scope, n)) for n in re.findall(r"(?<![\w.>])[A-Za-z_]\w*", expr)]
        return any(((k in device or k in self.binds) and self.carries(k)) or (declared and n in self.declared)
                   or f"{k}[]" in self.binds
                   or any(_pointer_like(b) for _, b in self.binds.get(k, [])) for n, k in keys)

    def carries(self, key: str, depth: int = 0) -> bool:
        """Can the name ``key`` hold an address: declared with a pointer declarator, or bound to
        something pointer-like or to an expression naming such a name (``off = h - d``)? An integer
        bound from sizes and indices (``r * cols``, ``x.size(1)``) cannot (honest10b F1: a row
        pointer ``x.data_ptr<float>() + r * cols`` was rejected, its offset read as a pointer)."""
        name = key.split(":", 1)[1]
        if depth > 8 or name in self.declared or name.endswith("[]"):
            return True
        for scope, bound in self.binds.get(key, []):
            if bound == _NOT_DERIVED or _pointer_like(bound):
                return True
            for other in re.findall(r"(?<![\w.>])[A-Za-z_]\w*(?!\s*(?:\.|->|\(|\w))", bound):
                k = self.key(scope, other)
                k = self.key(scope, f"{other}[]") if k not in self.binds else k
                if k != key and k in self.binds and self.carries(k, depth + 1):
                    return True
        return False


def _referenced_returns(code: str) -> list[tuple[int, str]]:
    """(where, name) of each name a function or lambda returning a reference returns (``float*& slot()
    { return gp; }``, ``[&]() -> float*& { return d; }``): ``slot() = g`` stores into ``gp``."""
    out = []
    bodies = []
    for m in _FUNC.finditer(code):
        if "&" in code[max(code.rfind(c, 0, m.start()) for c in ";{}") + 1:m.start()]:
            bodies.append(m.end() - 1)
    for m in _LAMBDA.finditer(code):
        head = re.match(r"\s*(?:mutable\s*|constexpr\s*|noexcept\s*)*(->\s*[^{;]*)?\{", code[m.end():])
        if head and "&" in (head.group(1) or ""):
            bodies.append(m.end() + head.end() - 1)
    for start in bodies:
        body = code[start:_close(code, start) + 1]
        for r in re.finditer(r"\breturn\b([^;]*);", body):
            out += [(start + r.start(), n) for n in re.findall(r"(?<![\w.>])[A-Za-z_]\w*", r.group(1))]
    return out


def _lambda_returns(code: str, m: re.Match[str], scope: list[int]) -> list[tuple[int, str]] | None:
    """(scope, expression) of each ``return`` in the body of the lambda ``m`` binds (honest11b F8b:
    ``auto P = [](const torch::Tensor& t) { return t.data_ptr<float>(); };``), read in the function
    around it; None when it returns a reference (a caller could store through it) or has no body."""
    head = re.match(r"\s*(?:mutable\s*|constexpr\s*|noexcept\s*)*(->\s*[^{;]*)?\{", code[m.end():])
    if not head or "&" in (head.group(1) or ""):
        return None
    start = m.end() + head.end() - 1
    body = code[start:_close(code, start) + 1]
    return [(scope[m.start()], r.group(1)) for r in re.finditer(r"\breturn\b([^;]*);", body)]


def _operand_end(text: str) -> str:
    """``text`` up to its first comma outside brackets or its first unmatched closing bracket."""
    depth = 0
    for j, ch in enumerate(text):
        depth += (ch in "([{") - (ch in ")]}")
        if depth < 0 or (ch == "," and depth == 0):
            return text[:j].strip()
    return text.strip()


def _product(code: str, at: int) -> bool:
    """Is the pointer declarator matched at ``at`` a parenthesised product (``+ (r * n)``), not a
    parameter or a ``for`` header (``f(T* p``, ``for (T* p``)?"""
    return code[at] == "(" and re.search(r"[\w>]\s*$", code[:at]) is None


def _squeeze(name: str) -> str:
    return re.sub(r"\s+", "", name)


def _pointer_like(expr: str) -> bool:
    return bool(re.search(r"\bdata_ptr\b|\bnullptr\b|(?<![&\w])&(?!&)|\*\s*>|\*\s*\)|\bnew\b", expr))


def device_pointer_problems(code: str, ptrs: DevicePointers | None = None) -> list[str]:
    """Kernel pointer arguments, copy and memset destinations, and ``cudaLaunchKernel`` argument
    items in host ``code`` that are not device-derived (module docstring)."""
    ptrs = DevicePointers(code) if ptrs is None else ptrs
    kernels = kernel_params(code)
    bad = []
    for m in _LAUNCH.finditer(code):
        k = code.find(">>>", m.end()) + 3
        while 2 < k < len(code) and code[k].isspace():
            k += 1
        if k < 3 or k >= len(code) or code[k] != "(":
            continue
        params = kernels.get(m.group(1))
        for i, arg in enumerate(_launch_args(code, k)):
            ptype, template = params[i] if params and i < len(params) else ("", True)
            bad += _argument(ptrs, arg, ptype, template, m.group(1), ptrs.scope[m.start()])
    for m in _DST.finditer(code):
        args = _launch_args(code, m.end() - 1)
        if m.group(1) == "cudaLaunchKernelEx":  # (config, kernel, the kernel's arguments...)
            params = kernels.get(_strip(args[1]) if len(args) > 1 else "")
            for i, arg in enumerate(args[2:]):
                ptype, template = params[i] if params and i < len(params) else ("", True)
                bad += _argument(ptrs, arg, ptype, template, _strip(args[1]), ptrs.scope[m.start()])
            continue
        if not m.group(1).startswith("cudaLaunch"):
            if args and not ptrs.derived(args[0], None, ptrs.scope[m.start()]):
                bad.append(f"{m.group(1)} into {_show(args[0])}, not device memory (a tensor's data_ptr or a "
                           "cudaMalloc'ed pointer)")
            continue
        kernel = _strip(args[0]) if args else ""
        arr = _strip(args[3]) if len(args) > 3 else ""
        init = re.search(r"\b" + re.escape(arr) + r"\s*\[[^\]]*\]\s*=\s*\{", code) if re.fullmatch(r"\w+", arr) else None
        items = _args(code, init.end() - 1)[0] if init else []
        params = kernels.get(kernel)
        if not init:
            bad.append(f"{m.group(1)} with arguments {_show(arr)} the checks cannot read")
        for i, item in enumerate(items):
            ptype, template = params[i] if params and i < len(params) else ("", True)
            bad += _argument(ptrs, re.sub(r"^&", "", _strip(item)), ptype, template, kernel, ptrs.scope[m.start()])
    return bad + source_problems(ptrs, ptrs.tables) + accessor_problems(code)


#: a tensor's packed accessor, whose template arguments hold commas (``x.packed_accessor32<float, 2, T>()``)
_ACCESSOR_ARGS = re.compile(r"\bpacked_accessor(?:32|64)\s*<[^<>;(){}]*(?:<[^<>;(){}]*>[^<>;(){}]*)*>")
_ACCESSOR_TYPE = re.compile(r"\bPackedTensorAccessor(?:32|64)\b")


def _launch_args(code: str, k: int) -> list[str]:
    """The arguments of the call whose ``(`` is at ``k``, a packed accessor's template arguments kept
    whole (split at their commas they shifted every later argument onto another parameter)."""
    masked = _ACCESSOR_ARGS.sub(lambda m: m.group(0).replace(",", "\x1f"), code)
    return [a.replace("\x1f", ",") for a in _args(masked, k)[0]]


def accessor_problems(code: str) -> list[str]:
    """Host code names the accessor types only in a kernel's or device function's parameter list (honest
    round 11 F2): an accessor is made by a tensor's ``packed_accessor32/64()`` from its own ``data_ptr``,
    never built by hand from a pointer (``PackedTensorAccessor32<float, 1>(g, sizes, strides)``)."""
    spans = [(m.end() - 1, _close(code, m.end() - 1)) for m in re.finditer(
        r"\b(?:__global__|__device__)\b(?:[^;{}()]|__launch_bounds__\s*\([^()]*\))*\(", code)]
    return [f"torch::{m.group(0)} outside a kernel's parameter list (an accessor comes only from a tensor's "
            "packed_accessor32()/packed_accessor64())" for m in _ACCESSOR_TYPE.finditer(code)
            if not any(a < m.start() < b for a, b in spans)]


def _argument(ptrs: DevicePointers, arg: str, ptype: str, template: bool, kernel: str, scope: int) -> list[str]:
    table = ptrs.tables.get(f"{scope}:{_strip(arg)}")
    if table and table.kind == "std_array" and re.search(r"\barray\s*<", ptype):  # a std::array by value
        return [] if ptrs.derived(f"{table.name}[0]", None, scope) else [f"{_show(arg)} passed to kernel {kernel} holds "
                                                                         "pointers that are not device memory"]
    if "*" in ptype or (template and ptrs.names_pointer(arg, scope, declared=True)):
        return [] if ptrs.derived(arg, None, scope) else [f"{_show(arg)} passed to kernel {kernel}, not device memory (a "
                                             "tensor's data_ptr or a cudaMalloc'ed pointer)"]
    for name in re.findall(r"[A-Za-z_]\w*", ptype):
        if name in ptrs.structs:
            return [f"{member} (in {_show(arg)} passed to kernel {kernel}) is not bound to device memory"
                    for member in struct_problems(ptrs, arg, name, scope, _label(arg))]
    return []


def _label(expr: str) -> str:
    """How a message names a struct argument: ``a``, ``Args{...}``, ``make_args(...)``."""
    e = " ".join(_strip(expr).split())
    head = re.match(r"[\w:.]*\s*(?:<[^<>]*>)?\s*([({])", e)
    if re.fullmatch(r"[\w.]+", e) or not head:
        return e[:40]
    return e[:head.end()] + ("...)" if head.group(1) == "(" else "...}")


def _show(expr: str) -> str:
    return repr(" ".join(expr.split())[:40])
