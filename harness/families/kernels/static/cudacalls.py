"""The functions CUDA host code may call by name (issue 14, round 8; part of ``cuda_host_indirect``).

:mod:`.cudaindirect` makes host code call functions only by name; this module says which names.
A call in host code (a name followed by ``(``, not in a declaration) must be one of: the answer's
own functions, kernels, classes, aliases of a plain type name (``using idx = long long;``) and lambdas
(``auto launch = [&](...) {...}``), a listed CUDA
runtime function (:data:`.cudaindirect.RUNTIME_FUNCTIONS`), an all-caps macro (``TORCH_CHECK``,
``AT_DISPATCH_FLOATING_TYPES``), a C++ keyword or a type used as a functional cast, a listed math or
conversion function (:data:`HOST_CALLS`); and every ``std::`` name is one of :data:`STD_CALLS` or
:data:`STD_TYPES` (no ``std::thread``, ``std::system``, ``std::function``). ``torch::``,
``at::`` and ``c10::`` names have their own allowlist (``policy.CPP_NAMESPACE_ALLOWED``). So a
library the extension happens to link (``cublasGetVector`` copies device memory to the host,
``cublasSgemm`` computes), the C library (``system``, ``fopen``, ``getenv``, ``exit``, ``signal``)
and POSIX cannot be called, however they are declared.
"""
from __future__ import annotations

import re

#: unqualified host calls besides the answer's own: keywords, functional casts, math, conversions
HOST_CALLS = frozenset({
    "sizeof", "alignof", "alignas", "decltype", "static_cast", "reinterpret_cast", "const_cast", "dynamic_cast",
    "static_assert", "noexcept", "typeid", "if", "for", "while", "switch", "catch", "return", "throw", "case",
    "operator", "co_return", "delete", "new", "else", "do", "and", "or", "not",
    "dim3", "int", "float", "double", "long", "unsigned", "signed", "short", "char", "bool", "half", "auto",
    "make_int2", "make_int3", "make_int4", "make_uint2", "make_uint3", "make_uint4", "make_float2", "make_float3",
    "make_float4", "make_double2", "make_longlong2",
    "min", "max", "abs", "fabs", "fabsf", "sqrt", "sqrtf", "rsqrt", "rsqrtf", "cbrt", "ceil", "ceilf", "floor",
    "floorf", "round", "roundf", "lround", "llround", "trunc", "exp", "expf", "exp2", "exp2f", "log", "logf", "log2",
    "log2f", "log10", "pow", "powf", "fmin", "fmax", "fminf", "fmaxf", "fmod", "fmodf", "tanh", "tanhf", "erf",
    "erff", "sin", "cos", "sinf", "cosf", "isnan", "isinf", "isfinite", "ldexp", "frexp", "copysign", "umin",
    "umax", "llmin", "llmax", "ullmin", "ullmax",
    "__float2half", "__half2float", "__float2half_rn", "__float2bfloat16", "__bfloat162float", "__floats2half2_rn",
    "__float2bfloat16_rn", "__int2float_rn", "__float2int_rn", "__double2float_rn", "__half2half2",
    "printf", "assert",
    "device_of",  # at::device_of(x) by argument-dependent lookup, for a device guard (honest round 9 F9)
})
#: ``std::`` functions and classes host code may call
STD_CALLS = frozenset({
    "min", "max", "abs", "clamp", "swap", "move", "forward", "vector", "array", "pair", "make_pair", "tuple",
    "make_tuple", "get", "tie", "string", "to_string", "runtime_error", "invalid_argument", "out_of_range",
    "logic_error", "domain_error", "length_error", "overflow_error", "accumulate", "fill", "fill_n", "iota",
    "min_element", "max_element", "minmax", "sort", "stable_sort", "lower_bound", "upper_bound", "sqrt", "ceil",
    "floor", "pow", "exp", "log", "log2", "round", "lround", "llround", "fmin", "fmax", "isnan", "isinf",
    "isfinite", "gcd", "lcm", "size", "begin", "end", "distance", "optional", "make_optional", "initializer_list",
    "count", "all_of", "any_of", "none_of", "reverse", "unique_ptr", "make_unique", "string_view", "bit_width",
    "has_single_bit", "bit_ceil", "bit_floor", "countl_zero", "countr_zero", "popcount", "ceil_div",
    "plus", "multiplies",  # std::accumulate(dims.begin(), dims.end(), 1, std::multiplies<int64_t>()) (cudaadl)
})
#: other ``std::`` names host code may use: types and traits
STD_TYPES = frozenset({
    "size_t", "ptrdiff_t", "nullptr_t", "int8_t", "int16_t", "int32_t", "int64_t", "uint8_t", "uint16_t",
    "uint32_t", "uint64_t", "intptr_t", "uintptr_t", "numeric_limits", "nullopt", "is_same", "is_same_v",
    "enable_if", "enable_if_t", "conditional", "conditional_t", "is_floating_point", "is_floating_point_v",
    "is_integral", "is_integral_v", "integral_constant", "true_type", "false_type", "decay_t", "remove_cv_t",
    "common_type_t",
})
_STD_USING = re.compile(r"\busing\s+namespace\s+(?:::\s*)?std\b|\bnamespace\s+\w+\s*=\s*(?:::\s*)?std\b"
                        r"|\busing\s+(?:::\s*)?std\s*::")
_STD_NAME = re.compile(r"\bstd\s*::\s*([A-Za-z_]\w*)")
_CALL = re.compile(r"((?:(?:::)?\s*[A-Za-z_]\w*\s*(?:<[^<>;()]*(?:<[^<>;()]*>[^<>;()]*)*>)?\s*::\s*)*)"
                   r"(?<![\w.])([A-Za-z_]\w*)\s*(?:<[^<>;()]*(?:<[^<>;()]*>[^<>;()]*)*>)?\s*\(")
_KEYWORDS = frozenset({"return", "else", "case", "throw", "new", "delete", "co_return", "co_yield", "goto", "do",
                       "and", "or", "not"})
_LAMBDA = re.compile(r"\b([A-Za-z_]\w*)\s*=\s*\+?\s*\[")
_CLASS = re.compile(r"\b(?:struct|class|union|enum(?:\s+class)?)\s+([A-Za-z_]\w*)")


def _declaration(code: str, start: int) -> bool:
    """Does the name at ``start`` follow a type (``dim3 grid(...)``, ``torch::Tensor f(...)``), as
    in a declaration, rather than an operator or a keyword (a call)?"""
    prev = code[:start].rstrip()
    if prev.endswith(","):
        return _declarator_list(code, len(prev) - 1)
    m = re.search(r"([A-Za-z_]\w*)$", prev)
    if m:
        # an all-caps word is a header macro, maybe one that expands to nothing (``y = C10_RDTSC exp(x)``,
        # red team 13 K3 review): no type, so the name after it is called
        return m.group(1) not in _KEYWORDS and re.fullmatch(r"[A-Z][A-Z0-9_]*", m.group(1)) is None
    return prev.endswith((">", "*", "&")) and not prev.endswith(("->", ">>", "&&")) and \
        not re.search(r"[-+/%^|!=<(,]\s*[*&]$", prev)


def _declarator_list(code: str, comma: int) -> bool:
    """Is the comma at ``comma`` one between the declarators of a declaration
    (``dim3 block(16, 16), grid(n);``)? The statement starts with a type and a name, and the comma
    is outside every bracket of the statement."""
    depth = 0
    for j in range(comma - 1, -1, -1):
        ch = code[j]
        if ch in ")]":
            depth += 1
        elif ch in "([":
            if depth == 0:
                return False  # an argument list
            depth -= 1
        elif ch in ";{}" and depth == 0:
            head = code[j + 1:comma]
            return re.match(r"\s*(?:(?:const|static|constexpr|unsigned|signed|long|short)\s+)*[A-Za-z_][\w:]*"
                            r"(?:\s*<[^;]*?>)?[\s*&]+[A-Za-z_]\w*\s*[({=\[,;]", head) is not None
    return False


def _outer_body(code: str) -> list[int]:
    """For each position of ``code``, the start of the outermost function body around it (-1 at
    namespace level): a ``{`` after ``)`` or a function's qualifiers."""
    where = [-1] * (len(code) + 1)
    stack: list[int] = []  # the body start each open brace belongs to
    for i, ch in enumerate(code):
        if ch == "{":
            outer = stack[-1] if stack else -1
            prev = code[:i].rstrip()
            body = prev.endswith((")", "const", "noexcept", "mutable", "override")) or re.search(r"->\s*[\w:<>]+$", prev)
            stack.append(outer if outer != -1 or not body else i)
        elif ch == "}" and stack:
            stack.pop()
        where[i] = stack[-1] if stack else -1
    return where


def unlisted_calls(code: str, own: set[str]) -> list[str]:
    """Calls in host ``code`` of names that are neither the answer's own (``own``: the functions and
    kernels it defines; its classes, and its lambdas within the function that binds them, are added
    here) nor listed."""
    from harness.families.kernels.static.cudaindirect import RUNTIME_FUNCTIONS
    from harness.families.kernels.static.hostptr import plain_aliases

    own = own | set(_CLASS.findall(code)) | plain_aliases(code)
    body = _outer_body(code)
    lambdas = {(m.group(1), body[m.start()]) for m in _LAMBDA.finditer(code)}

    bad = []
    for m in _CALL.finditer(code):
        qualifier, name = " ".join(m.group(1).split()), m.group(2)
        if code[:m.start()].rstrip().endswith((".", "->")):
            continue  # a method: the method allowlist (static.cuda.cpp_compute_calls)
        first = re.match(r"(?:::)?\s*([A-Za-z_]\w*)", qualifier)
        if first and first.group(1) in ("torch", "at", "c10"):
            continue  # their own allowlist
        if first and first.group(1) == "std":
            continue  # every std:: name is listed below
        if qualifier.strip(": ") and name in own:
            continue  # a function of the answer's own namespace or class
        if not qualifier.strip(": ") and _declaration(code, m.start(2)):
            continue
        if (name, body[m.start(2)]) in lambdas and body[m.start(2)] != -1:
            continue
        if name in own or name in RUNTIME_FUNCTIONS or name in HOST_CALLS or re.fullmatch(r"[A-Z][A-Z0-9_]+", name) \
                or re.fullmatch(r"u?int\d+_t|size_t|ptrdiff_t|u?intptr_t|scalar_t|index_t|__half|__nv_bfloat16", name):
            continue
        bad.append(f"{qualifier.replace(' ', '')}{name}() (not the answer's own or a listed host function)")
    bad += [f"std::{m.group(1)} (not a listed std name)" for m in _STD_NAME.finditer(code)
            if m.group(1) not in STD_CALLS and m.group(1) not in STD_TYPES]
    bad += [f"'{' '.join(m.group(0).split())}' (std names are written std::name)" for m in _STD_USING.finditer(code)]
    return bad
