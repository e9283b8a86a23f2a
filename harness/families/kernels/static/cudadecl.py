"""Reading a CUDA answer's host code for :mod:`.cudatypes`: the type words no tensor hides behind,
declarations (:data:`DECL`), template argument lists and launch configurations masked (``‹...›``,
``⁅⁅⁅...⁆⁆⁆``: a ``<``/``>`` left is a comparison), operands and arguments of an expression.
Imports: the standard library only.
"""
from __future__ import annotations

import re

from harness.families.kernels.static.cudaindirect import _balanced

#: type words no tensor hides behind (qualifiers, numbers, sizes, devices, streams, containers whose
#: template arguments are checked on their own)
SCALAR_WORDS = frozenset({
    "void", "bool", "char", "short", "int", "long", "float", "double", "unsigned", "signed", "const", "volatile",
    "static", "constexpr", "inline", "extern", "register", "mutable", "thread_local", "typename", "struct", "class",
    "enum", "union", "__restrict__", "__restrict", "__device__", "__host__", "__forceinline__", "__shared__",
    "__constant__", "__align__", "half", "__half", "__half2", "half2", "__nv_bfloat16", "__nv_bfloat162",
    "nv_bfloat16", "dim3", "string", "string_view", "IntArrayRef", "IntList", "ArrayRef", "ScalarType",
    "TensorOptions", "Device", "DeviceType", "MemoryFormat", "Layout", "Scalar", "Half", "BFloat16", "Float8_e4m3fn",
    "vector", "array", "pair", "tuple", "initializer_list", "optional", "unique_ptr", "shared_ptr", "function",
    "numeric_limits", "complex", "CUDAStream", "CUDAGuard", "OptionalCUDAGuard", "DeviceGuard",
    "OptionalDeviceGuard", "Stream", "SymInt", "PackedTensorAccessor32", "PackedTensorAccessor64",
    "RestrictPtrTraits", "DefaultPtrTraits", "opmath_type", "acc_type", "scalar_t", "index_t", "accscalar_t",
    "ostream", "stringstream", "ostringstream", "exception", "runtime_error", "nullptr_t", "byte",
})
#: the words of :data:`SCALAR_WORDS` that C++ reserves: no variable or function can be named so (``array``,
#: ``vector``, ``half`` ... can: red team 14b a02 named a tensor ``array``)
RESERVED_TYPE_WORDS = frozenset({
    "void", "bool", "char", "short", "int", "long", "float", "double", "unsigned", "signed", "const", "volatile",
    "static", "constexpr", "inline", "extern", "register", "mutable", "thread_local", "typename", "struct", "class",
    "enum", "union", "__restrict__", "__restrict", "__device__", "__host__", "__forceinline__", "__shared__",
    "__constant__", "__align__",
})
TENSOR_TYPES = frozenset({"Tensor", "TensorList", "TensorBase", "ITensorListRef"})
#: ``int64_t``, ``cudaStream_t``, ``cudaDeviceProp``, ``float4``, ...
SCALAR_RE = re.compile(r"\w+_t|cuda[A-Z]\w*|cu[A-Z]\w*|cublas\w*|cudnn\w*|curand\w*|nvtx\w*"
                        r"|u?(?:char|short|int|long|longlong)[1-4]|(?:float|double)[1-4]")
#: methods whose result is never a tensor, whatever the receiver (not ``data``: ``Tensor::data()`` is the
#: tensor itself, red team 14 s1; ``x.data<float>()``, with template arguments, is a pointer)
NEVER_TENSOR_METHODS = frozenset({
    "size", "sizes", "stride", "strides", "numel", "dim", "ndimension", "data_ptr", "const_data_ptr",
    "mutable_data_ptr", "scalar_type", "dtype", "options", "device", "is_cuda", "is_cpu", "is_contiguous",
    "element_size", "itemsize", "nbytes", "storage_offset", "get_device", "defined", "device_type", "layout",
    "requires_grad", "is_floating_point", "toString", "name", "c_str", "str", "length", "empty", "count",
    "has_value", "begin", "end", "find", "get", "packed_accessor32", "packed_accessor64", "stream", "vec",
    "thread_rank", "num_threads", "memory_format", "id",
})
#: ``torch::``/``at::``/``c10::`` calls that return no tensor
NS_SCALAR_CALLS = frozenset({"elementSize", "getCurrentCUDAStream", "getCurrentDeviceProperties", "irange",
                              "device_of", "toString", "isFloatingType", "typeMetaToScalarType"})
#: names before ``<`` that open template arguments (besides the answer's own templates and type words)
_TEMPLATES = frozenset({
    "template", "static_cast", "reinterpret_cast", "const_cast", "dynamic_cast", "bit_cast", "get", "make_pair",
    "make_tuple", "min", "max", "clamp", "conditional", "conditional_t", "enable_if", "enable_if_t",
    "is_same", "is_same_v", "decay_t", "integral_constant", "map", "unordered_map", "set", "atomic",
    "make_unique", "make_shared", "tie", "declval", "accumulate", "swap", "begin", "end",
})
_MEMBER_TEMPLATES = frozenset({"data_ptr", "mutable_data_ptr", "const_data_ptr", "data", "packed_accessor32",
                               "packed_accessor64", "accessor", "item", "to", "template"})
KEYWORDS = frozenset({
    "return", "case", "throw", "else", "do", "goto", "delete", "new", "sizeof", "alignof", "using", "namespace",
    "operator", "template", "typedef", "if", "while", "for", "switch", "co_return", "co_yield", "co_await",
    "public", "private", "protected", "friend", "default", "decltype", "noexcept", "static_assert", "catch",
    "try", "this", "true", "false", "nullptr", "NULL", "typeid", "asm",
})
#: names host code uses undeclared that are no tensor (iostreams, CUDA built-ins, math constants)
KNOWN_VALUES = frozenset({"cout", "cerr", "clog", "endl", "warpSize", "true", "false", "nullptr", "NULL",
                           "npos", "errno"})
#: a template argument list, three levels deep (no two ways to match: a regex that could split ``‹a›::b‹c›``
#: differently would backtrack exponentially on a crafted answer)
ANGLE = "‹(?:[^;{}⁅⁆‹›]|‹(?:[^;{}⁅⁆‹›]|‹[^;{}⁅⁆‹›]*›)*›)*›"
TYPE = (r"(?:(?:const|volatile|static|constexpr|inline|extern|register|mutable|thread_local|typename|struct|class"
         r"|unsigned|signed|__device__|__host__|__forceinline__)\s+)*"
         r"(?:decltype\s*\((?:[^()]|\([^()]*\))*\)|(?:::\s*)?[A-Za-z_]\w*(?:\s*(?:::\s*[A-Za-z_]\w*|" + ANGLE + r"))*)"
         r"(?:\s+(?:const|volatile|long|int|short|char|double|unsigned|signed)\b)*")
DECL = re.compile(r"(?:(?<=[;{}(,)›:\]\"])|^)\s*(?P<type>" + TYPE + r")(?P<ptr>(?:\s|[*&])[\s*&]*"
                   r"(?:(?:const|__restrict__|__restrict|volatile)\b[\s*&]*)*)(?P<name>[A-Za-z_]\w*)\s*"
                   r"(?P<next>[=;,)({\[]|:(?!:))", re.M)


def _match_angle(code: str, i: int) -> int:
    """Index just past the ``>`` closing the ``<`` at ``i`` as a template argument list, or -1."""
    depth = 0
    j = i
    while j < len(code):
        c = code[j]
        if c in "([":
            j = _balanced(code, j, c, ")" if c == "(" else "]")
            continue
        if c in ";{})]" or code.startswith(("&&", "||"), j):
            return -1
        depth += (c == "<") - (c == ">")
        if depth == 0:
            return j + 1
        j += 1
    return -1


def template_names(code: str) -> set[str]:
    """Names the answer declares after ``template <...>`` (functions, kernels, structs, alias templates)."""
    names = set()
    for m in re.finditer(r"\btemplate\s*<", code):
        end = _match_angle(code, m.end() - 1)
        if end == -1:
            continue
        head = re.match(r"[^;{}()=]*", re.sub(r"__launch_bounds__\s*\([^()]*\)", "", code[end:end + 400]))
        words = re.findall(r"[A-Za-z_]\w*", head.group(0) if head else "")
        if words:
            names.add(words[-1])
    return names


def mask(code: str, variables: set[str], templates: set[str]) -> str:
    """``code`` with launch configurations' chevrons as ``⁅⁅⁅``/``⁆⁆⁆`` and template argument
    lists' brackets as ``‹``/``›`` (same length): ``<``/``>`` left are comparisons."""
    out = list(code)
    for m in re.finditer(r"<<<", code):
        end = code.find(">>>", m.end())
        if end != -1 and ";" not in code[m.end():end]:
            out[m.start():m.end()] = "⁅⁅⁅"
            out[end:end + 3] = "⁆⁆⁆"
    text = "".join(out)
    for m in re.finditer(r"(?:(\.|->)\s*(?:template\s+)?|(::\s*))?([A-Za-z_]\w*)\s*<(?![<=])", text):
        name = m.group(3)
        if m.group(1):
            ok = name in _MEMBER_TEMPLATES or name in templates
        else:
            ok = name not in variables and (name in _TEMPLATES or name in templates or name in SCALAR_WORDS
                                            or SCALAR_RE.fullmatch(name) is not None or bool(m.group(2)))
        if not ok or out[m.end() - 1] != "<":
            continue
        end = _match_angle(text, m.end() - 1)
        if end != -1:
            out[m.end() - 1] = "‹"
            out[end - 1] = "›"
    return "".join(out)


def paren_depths(code: str) -> list[int]:
    """For each index, the position of the innermost unclosed ``(`` before it (-1: none)."""
    out: list[int] = []
    stack: list[int] = []
    for i, c in enumerate(code):
        out.append(stack[-1] if stack else -1)
        if c == "(":
            stack.append(i)
        elif c == ")" and stack:
            stack.pop()
    return out


def init_end(code: str, i: int, in_parens: bool) -> int:
    """End of the initializer that starts at ``i`` (a top-level ``,`` or ``;``, or the enclosing ``)``)."""
    j = i
    while j < len(code):
        c = code[j]
        if c in "([{‹":
            j = _balanced(code, j, c, {"(": ")", "[": "]", "{": "}", "‹": "›"}[c])
            continue
        if c in ",;}" or c == ")" and in_parens:
            return j
        j += 1
    return j

def top_args(text: str) -> list[str]:
    """The top-level comma-separated parts of ``text``."""
    out: list[str] = []
    cur: list[str] = []
    depth = 0
    for c in text:
        depth += (c in "([{‹") - (c in ")]}›")
        if c == "," and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(c)
    return [*out, "".join(cur)]


def split_operands(expr: str) -> list[str]:
    """The operands of ``expr``'s top-level binary, ternary, assignment and comma operators."""
    out: list[str] = []
    cur: list[str] = []
    depth = i = 0
    while i < len(expr):
        c = expr[i]
        two = expr[i:i + 2]
        if two in ("::", "->", "++", "--") or c == "-" and re.search(r"\d[eEpP]$", "".join(cur[-2:])):
            pair = two in ("::", "->", "++", "--")
            cur.append(two if pair else c)
            i += 2 if pair else 1
            continue
        depth += (c in "([{‹") - (c in ")]}›")
        if depth == 0 and c in "+-*/%^|&<>=!?:,~":
            out.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    return [*out, "".join(cur)]


#: C++'s alternative tokens and the operators they spell (``bitand`` is ``&``: red team 14 s2 computed a
#: ReLU with ``bitand``/``bitor`` on tensors, which no operator pattern read)
ALTERNATIVE_TOKENS = {"and": "&&", "or": "||", "not": "!", "not_eq": "!=", "bitand": "&", "bitor": "|",
                      "xor": "^", "compl": "~", "and_eq": "&=", "or_eq": "|=", "xor_eq": "^="}
_ALTERNATIVE = re.compile(r"\b(" + "|".join(ALTERNATIVE_TOKENS) + r")\b")


def spell_operators(code: str) -> str:
    """``code`` with every alternative token written as its operator (padded: offsets kept)."""
    return _ALTERNATIVE.sub(lambda m: ALTERNATIVE_TOKENS[m.group(1)].ljust(len(m.group(1))), code)


#: a word before a declaration that declares nothing itself: ``__extension__``, a header macro left
#: unexpanded (``C10_UNUSED``; the answer's own macros are expanded before this reading) followed by
#: a name or ``::`` (red team 14 s4: ``__extension__ auto kX = xc;`` was no declaration, and the
#: undeclared ``kX`` read as a constant)
_PREFIX_WORD = re.compile(r"\b(?:__extension__|_*[A-Z][A-Z0-9]*_[A-Z0-9_]*)(?=\s+(?:[A-Za-z_]|::))")


def blank_prefix_words(code: str) -> str:
    """``code`` with :data:`_PREFIX_WORD` words made a ``;`` (padded): what follows starts a statement."""
    return _PREFIX_WORD.sub(lambda m: ";".ljust(len(m.group(0))), code)


def typedef_names(head: str, last: str) -> tuple[str, list[str]]:
    """``typedef T a, *b, c`` (``head`` = ``T a, *b,``, ``last`` = ``c``): the type and every name
    (red team 14b a07: only the last name was an alias)."""
    parts = top_args(head)
    first = re.match(r"(.*?)[\s*&]*\b([A-Za-z_]\w*)\s*$", parts[0], re.S)
    if len(parts) == 1 or first is None:
        return head, [last]
    names = [first.group(2), *(w for p in parts[1:] for w in re.findall(r"[A-Za-z_]\w*", p)[-1:]), last]
    return first.group(1), names


def operator_types(code: str) -> list[str]:
    """The return types of the answer's operator declarations and the targets of its conversions
    (``Pair2 operator+(...)``, ``operator torch::Tensor()``); a call ``operator+(a, b)`` is none."""
    out = []
    for m in re.finditer(r"\boperator\b\s*([A-Za-z_:][^(]*)?", code):
        head = code[max(code.rfind(c, 0, m.start()) for c in ";{}") + 1:m.start()]
        head = re.sub(r"\b(?:public|private|protected)\s*:|\b(?:friend|explicit|virtual)\b|\btemplate\s*" + ANGLE,
                      " ", head).strip()
        words = re.findall(r"[A-Za-z_]\w*", head)
        if m.group(1):
            out.append(m.group(1))  # a conversion (or operator new/delete: fail closed)
        elif re.search(r"[\w›*&:]$", head) and words and words[-1] not in KEYWORDS:
            out.append(head)  # a declaration's return type (a use follows (, =, ., ->, return, ...)
    return out
