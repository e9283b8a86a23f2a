"""The prompt of the HLS bug-finding task."""
from __future__ import annotations

from collections.abc import Mapping

from harness.families.hls.csim import COMMON_FLAGS
from harness.families.hls.integrity import FIX_MAX_CHANGED_LINES, STANDARD_INCLUDES
from harness.families.hls.items import HlsItem
from harness.families.hls.scan import HLS_INCLUDES, PURE_BUILTINS
from harness.families.hls.taxonomy import BUG_TYPES, CHRYSALIS_TYPES

SYSTEM = ("You are an expert FPGA engineer who reviews Vitis HLS C++ code (ap_int, ap_fixed, hls::stream, "
          "#pragma HLS) for functional bugs.")

ANSWER_FORMAT = """Answer with one JSON object:
```json
{"buggy": true, "line": 12, "type": "OOB", "fix": "<the complete corrected file, or null>"}
```
- "buggy": true if the code has a functional bug, false if it is correct (an answer without this
  field, a line, a type or a changed file gives no verdict).
- "line": the line number (as numbered above) of the bug, or null when it is correct.
- "type": one of the codes listed above, or null when it is correct.
- "fix": the whole corrected file, changed as little as possible and compiled as C++14 in GNU mode
  (g++ STD_FLAG: C++17 and later features such as std::clamp, if constexpr, structured bindings
  or std::optional are not available); the top function keeps its
  declared signature (helper functions may change theirs); at most FIX_MAX_CHANGED_LINES lines may
  differ from the original (indentation and blank lines do not count; a larger fix is rejected); it
  may not add I/O, attributes, asm, or objects whose type has a constructor, ap_int and ap_fixed
  included, at namespace scope (static or not): static initialisation must stay the original's (use
  a constexpr integer, a local, or a static local inside a function instead); it may
  #include only the original's headers and STANDARD_INCLUDES (and the HLS headers HLS_INCLUDES),
  and call only its own functions,
  those headers' templates (std::min, std::swap...), members and operators of the ap and hls
  types, math functions (sqrt, exp, fabs...) and memcpy, memmove, memset, memcmp (no new/delete,
  malloc or other library functions), and of the compiler's builtins only BUILTINS; a #define
  that comes before an #include must not change what the headers compile to; null
  when the code is correct. You may leave "fix" null and give the corrected file in a separate
  ```cpp block after the JSON instead."""

#: The language standard flag every build compiles a fix with (stated in the prompt).
STD_FLAG = next(f for f in COMMON_FLAGS if f.startswith("-std="))

#: The builtins the prompt names: each family of :data:`scan.PURE_BUILTINS` once.
_BUILTIN_NAMES = "__builtin_clz/ctz/popcount/parity (and their l, ll forms), __builtin_bswap16/32/64, __builtin_expect"
assert {f"__builtin_{n}" for n in ("clz", "ctz", "popcount", "parity", "bswap16", "bswap32", "bswap64", "expect")} \
    <= PURE_BUILTINS

ANSWER_FORMAT = ANSWER_FORMAT.replace("FIX_MAX_CHANGED_LINES", str(FIX_MAX_CHANGED_LINES)).replace(
    "STANDARD_INCLUDES", ", ".join(f"<{h}>" for h in sorted(STANDARD_INCLUDES))).replace("STD_FLAG", STD_FLAG).replace(
    "HLS_INCLUDES", ", ".join(f'"{h}"' for h in sorted(HLS_INCLUDES))).replace("BUILTINS", _BUILTIN_NAMES)

#: The answer format where fixes are not executed (Chrysalis-HLS has no testbenches).
LABELS_FORMAT = """Answer with one JSON object:
```json
{"buggy": true, "line": 12, "type": "OOB"}
```
- "buggy": true if the code has a bug, false if it is correct.
- "line": the line number (as numbered above) of the bug, or null when it is correct.
- "type": one of the codes listed above, or null when it is correct."""


def number_lines(code: str) -> str:
    """``code`` with right-aligned 1-based line numbers (``  12 | ...``)."""
    lines = code.rstrip("\n").split("\n")
    width = max(3, len(str(len(lines))))
    return "\n".join(f"{i:>{width}} | {line}".rstrip() for i, line in enumerate(lines, 1))


def type_list(types: Mapping[str, str]) -> str:
    return "\n".join(f"- {code}: {text}" for code, text in types.items())


def build_prompt(item: HlsItem, types: Mapping[str, str] | None = None) -> str:
    """The user message for ``item``: task, bug types, (header,) numbered code, answer format.

    Items with a testbench (``hls-bugs``) ask for a fix, which is executed; items without one
    (Chrysalis-HLS) say plainly that no fix is executed and ask for the labels only.
    """
    executes = item.kernel_dir is not None
    if types is None:  # the same list for every item of a source, so it says nothing about the item
        types = BUG_TYPES if item.source == "hweval" else CHRYSALIS_TYPES
    fname = "kernel.cpp" if item.header is not None else "the source file"
    parts = []
    if item.source == "hweval":
        parts.append(f"The HLS kernel below either contains exactly one functional bug or is correct. Find out which; "
                     f"if it is buggy, say where, of which type{f', and fix {fname}' if executes else ''}.")
    else:
        parts.append("The HLS source below may contain bugs (in the C++ code or in its #pragma HLS directives) or be "
                     "correct. Find out which; if it is buggy, report the most important bug: its line and its type.")
    if executes:
        parts.append("Pragmas (#pragma HLS) do not change what the C++ code computes; the fix is checked by compiling "
                     "and running it against a hidden testbench.")
    else:
        parts.append("There is no testbench for this code: no fix is executed or scored. Only whether the code is "
                     "buggy, the line of the bug and its type are scored.")
    parts.append("Bug types:\n" + type_list(types))
    if item.header is not None:
        parts.append("kernel.h (correct, for reference; it is not to be changed):\n```cpp\n" + item.header.rstrip() + "\n```")
    parts.append(f"{fname} (line numbers added for reference, they are not part of the code):\n```\n"
                 + number_lines(item.code) + "\n```")
    parts.append(ANSWER_FORMAT if executes else LABELS_FORMAT)
    return "\n\n".join(parts) + "\n"
