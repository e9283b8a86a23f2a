"""Host code calls only what it names (issue 14, rule ``cuda_host_indirect``).

Round 7 closed the copy kinds and the loader's lookups by name (:mod:`.cudacopy`); a call can
still reach a function the text never names: through a function pointer built from an allowed
function plus an offset, an integer cast to a function pointer, a member-function pointer
(``(x.*m)()`` with ``m = &at::Tensor::relu`` is ATen compute no method rule sees),
``std::function``/``std::invoke``, a forged vtable, an asm label or ``weakref`` naming
``"cudaMemcpy"`` in a string, ``__builtin_*``, or a runtime/driver API function the lists never
considered (``cudaLaunchHostFunc``, ``cudaGraphAddMemcpyNode1D``, ``cuMemAllocHost``, a host
memory pool). So host code (every build pass, bodies of device-only functions excepted) is held to
a structural allowlist instead of another denylist entry:

* no function-pointer, function-reference or member-pointer type or operator (``(*f)(``,
  ``(C::*m)``, ``.*``, ``->*``), no alias of a function type, no ``std::function``/``mem_fn``/
  ``invoke``/``bind``, no ``virtual``;
* a function is only ever called by its name: the answer's own functions, its kernels and the
  listed runtime functions never appear as values (``&f``, ``auto g = f``, ``decltype(f)``,
  ``shift(f, 64)``), except a kernel as the first argument of a launch/attribute call; no ``&`` of
  a qualified name (``&at::Tensor::relu``);
* a cast to a pointer or reference type (C-style, ``reinterpret_cast``, ``static_cast``,
  ``const_cast``) takes a tensor's ``data_ptr`` call (or, to ``void*``, a kernel); a
  ``reinterpret_cast`` to anything but an integer type too; a C-style cast otherwise names a listed
  arithmetic type: an integer never becomes a pointer, a pointer never becomes a function;
* calls only of the answer's own functions, listed runtime, math and ``std::`` functions
  (:mod:`.cudacalls`): no ``cublasGetVector``, ``system``, ``fopen`` ...;
* of the CUDA runtime only the listed names (:data:`RUNTIME_FUNCTIONS`, :data:`RUNTIME_NAMES`); no
  driver API (``cu*``/``CU*``);
* no ``asm``, ``__builtin_*``, ``__attribute__`` other than plain layout/inlining ones, no C++
  attribute but the standard hints, no ``union``, ``memcpy``/``memmove``/``bit_cast``, ``setjmp``.

Not closed: host code that corrupts memory with in-range-looking data-pointer arithmetic (an
index past a host array) is C++'s undefined behaviour, which no lexical rule sees.
"""
from __future__ import annotations

import re

from harness.families.kernels.static.cudacalls import unlisted_calls

#: CUDA runtime functions host code may call (the copies are judged by :mod:`.cudacopy`)
RUNTIME_FUNCTIONS = frozenset({
    "cudaMalloc", "cudaFree", "cudaMallocAsync", "cudaFreeAsync", "cudaMallocPitch", "cudaMemset",
    "cudaMemsetAsync", "cudaMemset2D", "cudaMemset2DAsync", "cudaMemcpy", "cudaMemcpyAsync", "cudaMemcpy2D",
    "cudaMemcpy2DAsync", "cudaMemcpyToSymbol", "cudaMemcpyToSymbolAsync", "cudaGetLastError",
    "cudaPeekAtLastError", "cudaGetErrorString", "cudaGetErrorName", "cudaDeviceSynchronize",
    "cudaStreamSynchronize", "cudaGetDevice", "cudaSetDevice", "cudaGetDeviceCount", "cudaGetDeviceProperties",
    "cudaDeviceGetAttribute", "cudaFuncSetAttribute", "cudaFuncGetAttributes", "cudaFuncSetCacheConfig",
    "cudaDeviceSetCacheConfig", "cudaDeviceGetLimit", "cudaDeviceSetLimit", "cudaMemGetInfo",
    "cudaOccupancyMaxActiveBlocksPerMultiprocessor", "cudaOccupancyMaxPotentialBlockSize",
    "cudaOccupancyMaxActiveBlocksPerMultiprocessorWithFlags", "cudaOccupancyAvailableDynamicSMemPerBlock",
    "cudaLaunchKernel", "cudaLaunchCooperativeKernel", "cudaLaunchKernelEx", "cudaStreamCreate",
    "cudaStreamCreateWithFlags", "cudaStreamCreateWithPriority", "cudaStreamDestroy", "cudaStreamWaitEvent",
    "cudaDeviceGetStreamPriorityRange", "cudaEventCreate", "cudaEventCreateWithFlags", "cudaEventRecord",
    "cudaEventSynchronize", "cudaEventElapsedTime", "cudaEventDestroy", "cudaEventQuery", "cudaStreamQuery",
    "cudaCreateTextureObject", "cudaDestroyTextureObject", "cudaCreateChannelDesc",
})
#: kernels may be named as values in the arguments of these, e.g. ``cudaFuncSetAttribute(k, ...)``
TAKES_KERNEL = ("cudaLaunchKernel", "cudaLaunchCooperativeKernel", "cudaLaunchKernelEx", "cudaFuncSetAttribute",
                "cudaFuncGetAttributes", "cudaFuncSetCacheConfig", "cudaOccupancyMaxActiveBlocksPerMultiprocessor",
                "cudaOccupancyMaxPotentialBlockSize", "cudaOccupancyMaxActiveBlocksPerMultiprocessorWithFlags",
                "cudaOccupancyAvailableDynamicSMemPerBlock")
#: CUDA runtime types, enumerators and constants host code may name
RUNTIME_NAMES = re.compile(
    r"cuda(?:Error_t|Error|Success|Error[A-Z]\w*|Stream_t|StreamNonBlocking|StreamDefault|StreamPerThread"
    r"|StreamLegacy|Event_t|EventDefault|EventDisableTiming|EventBlockingSync|DeviceProp|DevAttr\w+|FuncAttribute\w*"
    r"|FuncAttributes|FuncCache\w+|Limit\w+|LaunchConfig_t|LaunchAttribute\w*|TextureObject_t|ResourceDesc"
    r"|TextureDesc|ResourceType(?:Linear|Pitch2D)|AddressMode\w+|FilterMode\w+|ReadMode\w+|ChannelFormatDesc"
    r"|ChannelFormatKind\w+|SharedMem\w+|OccupancyDefault|MemcpyHostToDevice|MemcpyDeviceToDevice)")
_RUNTIME = re.compile(r"\b(cuda[A-Z]\w*|cu[A-Z]\w*|CU[a-z_]\w*|nvrtc\w*)\b")
#: C-style casts to these (and pointers to them) are arithmetic conversions
ARITH_TYPES = re.compile(
    r"(?:(?:const|volatile|unsigned|signed|long|short)\s+)*(?:bool|char|short|int|long|float|double|unsigned|signed"
    r"|void|size_t|ssize_t|ptrdiff_t|u?int(?:8|16|32|64)_t|u?intptr_t|index_t|scalar_t|acc_t|__half|__nv_bfloat16"
    r"|half|dim3|(?:(?:::)?\s*(?:at|c10|torch)\s*::\s*)?(?:Half|BFloat16|ScalarType))(?:\s+(?:int|long|const))*")
_FN_SYNTAX = [
    (re.compile(r"\(\s*(?:[A-Za-z_]\w*\s*::\s*)*[*&^]+\s*(?:const\b\s*|volatile\b\s*)*(?:[A-Za-z_]\w*)?"
                r"\s*(?:\[[^\]]*\]\s*)*\)\s*\("), "a function pointer or reference"),
    (re.compile(r"::\s*\*"), "a member pointer"),
    (re.compile(r"(?:[A-Za-z_]\w*|\)|\])\s*(?:\.|->)\s*\*"), "a pointer-to-member call"),
    (re.compile(r"\b(?:function|move_only_function|copyable_function|function_ref)\s*<"), "std::function"),
    (re.compile(r"\b(?:mem_fn|invoke|invoke_r|bind_front|bind_back)\b|\bstd\s*::\s*(?:bind|apply)\b"),
     "a call through a library callable"),
    (re.compile(r"\bvirtual\b"), "virtual dispatch"),
    (re.compile(r"\btypedef\b[^;{}]*\(|\btypedef\b[^;{}]*\*\s*\w+\s*;|\busing\s+\w+\s*=[^;{}]*\*\s*;"),
     "an alias of a pointer or function type"),
    (re.compile(r"[<,=]\s*(?:const\s+)?(?!(?:sizeof|alignof|decltype|noexcept|typeid|alignas|\w+_cast)\b)"
                r"[A-Za-z_][\w:]*[\s*&]*\(\s*(?:(?:const\s+)?[A-Za-z_][\w:]*_t\b|void|int|long"
                r"|float|double|char|bool|unsigned|size_t)[\s*&\w]*(?:,|\))"), "a function type"),
]
_ESCAPES = re.compile(r"\b(asm|__asm__|__asm|__builtin_\w+|__declspec|__cxa_\w+|__libc_\w+|_dl_\w+|environ|__environ"
                      r"|union|memcpy|memmove|bit_cast|setjmp|longjmp|sigsetjmp|siglongjmp|makecontext|swapcontext"
                      r"|mprotect|mmap)\b")
_ATTRIBUTE = re.compile(r"\b__attribute__\s*\(\(")
_ATTR_OK = frozenset({"aligned", "__aligned__", "unused", "__unused__", "always_inline", "__always_inline__",
                      "noinline", "__noinline__", "maybe_unused", "pure", "const", "hot", "cold", "noreturn"})
_CXX_ATTR = re.compile(r"\[\[(.*?)\]\]", re.S)
_CXX_ATTR_OK = frozenset({"likely", "unlikely", "maybe_unused", "nodiscard", "fallthrough", "noreturn", "deprecated"})
_KEYWORDS = frozenset({"if", "for", "while", "switch", "catch", "return", "sizeof", "alignof", "decltype", "new",
                       "delete", "throw", "else", "do", "case", "co_return", "noexcept", "static_assert",
                       "typeid", "alignas", "operator", "template", "typename", "using", "namespace"})
#: keywords after which ``(T)x`` is a cast (after any other name it is a call or ``if (c) x``)
_CAST_AFTER = frozenset({"return", "case", "else", "do", "throw", "co_return", "co_yield", "delete"})
_CAST_KW = re.compile(r"\b(reinterpret_cast|static_cast|const_cast|dynamic_cast)\s*<")
_DATA_PTR = re.compile(r"\s*\(*\s*[\w.\->\[\]:()]*?(?:\.|->)\s*(?:data_ptr|const_data_ptr|mutable_data_ptr)"
                       r"\s*(?:<[^<>;]*>)?\s*\(\s*\)\s*\)*\s*")
_INT_TYPE = re.compile(r"\s*(?:(?:std\s*::\s*)?u?int(?:ptr|64|32)_t|size_t|ptrdiff_t|(?:unsigned\s+)?(?:long\s+)*long"
                       r"|(?:unsigned\s+)?int)\s*")
_C_CAST = re.compile(r"\(\s*((?:const\s+|volatile\s+|struct\s+)*[A-Za-z_][\w:]*(?:\s*<[^()<>]*>)?"
                     r"(?:\s+(?:const|int|long|short|char|double))*\s*[*&\s]*(?:const\s*)?)\)\s*(?=[\w(&*~!\"'+-])")


def _balanced(code: str, i: int, open_: str = "(", close: str = ")") -> int:
    """Index just past the bracket that matches ``code[i]`` (an ``open_``); len(code) if none."""
    depth = 0
    for j in range(i, len(code)):
        depth += (code[j] == open_) - (code[j] == close)
        if depth == 0:
            return j + 1
    return len(code)


def _operand(code: str, i: int) -> str:
    """The unary operand that starts at ``i`` (a parenthesised expression, or a name/call chain)."""
    while i < len(code) and code[i].isspace():
        i += 1
    j = i
    while j < len(code) and code[j] in "&*~!-+":
        j += 1
    while j < len(code):
        if code[j] == "(":
            j = _balanced(code, j)
        elif code[j] == "[":
            j = _balanced(code, j, "[", "]")
        elif code[j] == "<" and re.match(r"<[^<>;()]*>\s*\(", code[j:]):
            j = code.index(">", j) + 1
        elif re.match(r"[\w.]|->|::", code[j:j + 2]):
            j += 2 if code[j:j + 2] in ("->", "::") else 1
        else:
            break
    return code[i:j]


def own_functions(code: str, defined: bool = False) -> set[str]:
    """Names of functions the host text defines or declares (``T name(...) {`` or ``;``; only
    ``{`` when ``defined``), the kernels included; control keywords, calls and direct-initialised
    variables inside bodies (``dim3 grid(...)``) are not declarations."""
    found: set[str] = set()
    depth_fn = 0  # how many enclosing braces are function or lambda bodies
    stack: list[bool] = []
    for m in re.finditer(r"[{}]|([A-Za-z_]\w*)\s*\(", code):
        if m.group(0) == "{":
            prev = code[:m.start()].rstrip()
            body = prev.endswith((")", "const", "noexcept", "mutable", "override")) or re.search(r"->\s*[\w:<>]+$", prev)
            stack.append(bool(body))
            depth_fn += bool(body)
            continue
        if m.group(0) == "}":
            depth_fn -= stack.pop() if stack else 0
            continue
        name = m.group(1)
        if name in _KEYWORDS or depth_fn:
            continue
        before = code[:m.start()].rstrip()
        if not re.search(r"(?:[\w>*&]|::)$", before) or before.endswith(("return", "else", "::")):
            continue
        end = _balanced(code, m.end() - 1)
        after = code[end:end + 40].lstrip()
        if defined:
            if re.match(r"(?:(?:const|noexcept|override|mutable)\b\s*|->\s*[\w:<>*&\s]+?)*[{:]", after):
                found.add(name)
        elif re.match(r"(?:[{;:]|const\b|noexcept\b|->|override\b|asm\b|__asm|__attribute__|=\s*(?:delete|default)\b)",
                      after):
            found.add(name)
    return found


def _value_uses(code: str, names: set[str], kernels: set[str]) -> list[str]:
    """Functions of ``names`` used other than as a callee (``f(``, ``f<T>(``, ``k<<<``)."""
    bad = []
    for m in re.finditer(r"\b([A-Za-z_]\w*)\b", code):
        name = m.group(1)
        if name not in names:
            continue
        before = code[:m.start()].rstrip()
        if before.endswith((".", "->")) or re.search(r"\w\s*::$", before):
            continue  # a member of something else, or a qualified name of a library
        rest = code[m.end():]
        t = re.match(r"\s*<[^<>;()]*(?:<[^<>;()]*>[^<>;()]*)*>", rest)
        tail = rest[t.end():] if t else rest
        if re.match(r"\s*(?:\(|<<<)", tail):
            continue
        if name in kernels and _kernel_argument(code, m.start()):
            continue
        if re.search(r"\.\s*def\s*\(\s*\"\"\s*,\s*&?\s*$", before):
            continue  # PYBIND11_MODULE: m.def("name", &fn)
        bad.append(f"{'&' if before.endswith('&') else ''}{name} as a value (functions are only called)")
    return bad


def _kernel_argument(code: str, at: int) -> bool:
    """Is the kernel name at ``at`` an argument (maybe cast to ``void*``) of a :data:`TAKES_KERNEL`
    call, directly inside its parentheses?"""
    depth = 0
    for j in range(at - 1, -1, -1):
        ch = code[j]
        if ch in ")]}":
            depth += 1
        elif ch in "[{" and depth == 0:
            return False
        elif ch in "([{":
            depth -= 1
            if depth < 0 and ch == "(":
                before = code[:j]
                if re.search(r"(?:reinterpret_cast\s*<[^<>]*>|static_cast\s*<[^<>]*>)\s*$", before):
                    depth = 0
                    continue  # the cast's own parenthesis
                return re.search(r"\b(?:" + "|".join(TAKES_KERNEL) + r")\s*$", before) is not None
        elif ch == ";" :
            return False
    return False


#: ``void*``: nothing can be called or read through it, and every cast out of it is checked
_VOID_PTR = re.compile(r"\s*(?:const\s+)?void\s*(?:const\s*)?\*\s*(?:const\s*)?")
_MALLOC_OUT = re.compile(r"\b(?:cudaMalloc|cudaMallocAsync|cudaMallocPitch)\s*\(\s*$")


def _out_pointer(code: str, start: int, arg: str) -> bool:
    """``(void**)&p`` as the first argument of ``cudaMalloc``/``cudaMallocAsync``/``cudaMallocPitch``."""
    return re.fullmatch(r"\s*&\s*[A-Za-z_]\w*\s*", arg) is not None and _MALLOC_OUT.search(code[:start]) is not None


def _casts(code: str, kernels: set[str]) -> list[str]:
    bad = []
    kernel_operand = re.compile(r"\s*&?\s*(?:" + "|".join(map(re.escape, sorted(kernels))) + r")\b[^(]*") if kernels \
        else None
    for m in _CAST_KW.finditer(code):
        close = code.find(">", m.end())
        target = code[m.end():close]
        while target.count("<") > target.count(">") and close != -1:
            close = code.find(">", close + 1)
            target = code[m.end():close]
        k = close + 1
        while k < len(code) and code[k].isspace():
            k += 1
        arg = code[k + 1:_balanced(code, k) - 1] if k < len(code) and code[k] == "(" else ""
        pointer = bool(re.search(r"[*&(]", target))
        if m.group(1) == "reinterpret_cast" and _INT_TYPE.fullmatch(target):
            continue
        if _VOID_PTR.fullmatch(target) or re.fullmatch(r"\s*void\s*\*\s*\*\s*", target) and \
                _out_pointer(code, m.start(), arg):
            continue
        if (pointer or m.group(1) == "reinterpret_cast") and not (
                _DATA_PTR.fullmatch(arg) or kernel_operand is not None and kernel_operand.fullmatch(arg)
                and re.fullmatch(r"\s*(?:const\s+)?void\s*\*\s*", target)):
            bad.append(f"{m.group(1)}<{' '.join(target.split())[:30]}>({' '.join(arg.split())[:30]})")
    for m in _C_CAST.finditer(code):
        prev = re.search(r"(\w+|\S)\s*$", code[:m.start()])
        if prev and (prev.group(1)[-1] in ")]>" or prev.group(1)[-1].isalnum() or prev.group(1)[-1] == "_") and \
                prev.group(1) not in _CAST_AFTER:
            continue  # a call's, a declaration's or a control statement's parentheses
        target = m.group(1)
        pointer = "*" in target or "&" in target
        arg = _operand(code, m.end())
        if pointer and (_DATA_PTR.fullmatch(arg) or kernel_operand is not None and kernel_operand.fullmatch(arg)
                        and re.fullmatch(r"\s*(?:const\s+)?void\s*\*\s*", target)):
            continue
        if _VOID_PTR.fullmatch(target) or re.fullmatch(r"\s*void\s*\*\s*\*\s*", target) and \
                _out_pointer(code, m.start(), arg):
            continue
        if not pointer and ARITH_TYPES.fullmatch(target.strip()):
            continue
        if not pointer and re.match(r"\s*[+\-&*]", code[m.end():]):
            continue  # (n) - 1 is arithmetic
        bad.append(f"({' '.join(target.split())[:30]}) cast of {' '.join(arg.split())[:30]!r}")
    return bad


def _escapes(code: str) -> list[str]:
    bad = [m.group(1) for m in _ESCAPES.finditer(code)]
    for m in _ATTRIBUTE.finditer(code):
        words = set(re.findall(r"[A-Za-z_]\w*", code[m.end():_balanced(code, m.end() - 2)]))
        if words - _ATTR_OK:
            bad.append(f"__attribute__(({', '.join(sorted(words - _ATTR_OK))[:40]}))")
    for m in _CXX_ATTR.finditer(code):
        words = set(re.findall(r"[A-Za-z_]\w*", m.group(1)))
        if words - _CXX_ATTR_OK:
            bad.append(f"[[{' '.join(m.group(1).split())[:40]}]]")
    return bad


def indirect_calls(host_texts: list[str], kernels: set[str]) -> list[str]:
    """What in the host texts (every build pass, device-only bodies blanked) can call a function the
    text does not name, or escapes the lexical checks (see the module docstring)."""
    bad: list[str] = []
    defined = kernels.union(*(own_functions(code, defined=True) for code in host_texts))
    for code in host_texts:
        for pat, what in _FN_SYNTAX:
            bad += [f"{what}: {' '.join(m.group(0).split())[:40]!r}" for m in pat.finditer(code)]
        bad += _escapes(code)
        for m in _RUNTIME.finditer(code):
            name = m.group(1)
            if name not in RUNTIME_FUNCTIONS and not RUNTIME_NAMES.fullmatch(name):
                bad.append(f"{name} (not a listed CUDA runtime name)")
        bad += [f"&{m.group(1).strip()}:: (a member or qualified function's address)"
                for m in re.finditer(r"&\s*((?:::)?\s*[A-Za-z_]\w*)\s*(?:<[^<>;]*>)?\s*::", code)]
        own = own_functions(code) | kernels
        bad += _value_uses(code, own | RUNTIME_FUNCTIONS, kernels)
        bad += unlisted_calls(code, defined)
        bad += _casts(code, kernels)
    return sorted(set(bad))
