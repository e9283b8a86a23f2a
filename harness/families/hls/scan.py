"""The source rules of a fixed HLS kernel: directives in its text, tokens in what the compiler sees.

Two passes, each returning the first broken rule as ``"<rule>: <detail>"`` (None when clean):

* :func:`check_text` reads the text as written (split by :mod:`lexer`, GCC's way): no trigraphs
  (the build is ``-std=gnu++14``, which ignores them, but they have no honest use), no raw string
  literals (``raw-string``: no honest kernel needs one, and text after one is easy to misread), only these directives: ``#include`` of a
  header the original kernel includes, of one of :data:`integrity.STANDARD_INCLUDES` or of one of
  the HLS headers of :data:`HLS_INCLUDES`, ``#pragma HLS ...``, ``#define``/``#undef`` of names
  that are neither keywords nor reserved, after the last include (so no macro reaches a header)
  unless the caller checks the macros before an include itself (``macros_checked``: the fix's
  headers preprocess to the same text without them, ``score.fix_at_exec``), and conditionals; no reserved name (``__SANITIZE_ADDRESS__``, ``__OPTIMIZE__``,
  ``__has_include``...) on a directive line but :data:`DIRECTIVE_RESERVED_OK` and those of the
  original's directives (``build-dependent``: such names differ between builds, and the
  preprocessed pass never sees a directive);
* :func:`check_tokens` reads the kernel's own lines of ``g++ -E`` output (the translation unit
  as compiled, macros expanded, ``_Pragma`` turned into ``#pragma``): only ``#pragma HLS``; ASCII
  only, no backslash outside literals (universal character names); no digraphs; no ``[[``
  attributes; no ``asm``/``thread_local``; no reserved identifier (``__x``, ``_X``: attributes,
  builtins, ``__asm__``...) but the pure bit builtins of :data:`PURE_BUILTINS` and no
  ``const_cast``/``reinterpret_cast`` that the original kernel does not use itself; no name of output,
  process, file, environment, signal or thread functions (:data:`integrity.BANNED_NAMES`), but a
  variable of the fix's own named by :data:`integrity.OWN_NAME_OK` (``bool signal``).

Which external code a fix can reach at all is settled on the compiled object
(:mod:`harness.families.hls.objcheck`); these rules name the attempt early and clearly.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from harness.families.hls import lexer
from harness.families.hls.integrity import (
    BANNED_NAMES,
    OWN_NAME_OK,
    STANDARD_INCLUDES,
    own_name_note,
    own_variable_only,
    strip_comments_and_strings,
)

_TRIGRAPH = re.compile(r"\?\?[=/'()!<>\-]")
_UCN = re.compile(r"\\[uU][0-9A-Fa-f]{4}")
#: a directive line: GCC takes form feed and vertical tab as blanks there too (red team 8c hid
#: ``\f#line`` and ``\f#include`` from a ``[ \t]``-only pattern)
_DIRECTIVE = re.compile(r"^[ \t\f\v]*(#|%:)[ \t\f\v]*(\w*)(.*)$", re.MULTILINE)
_INCLUDE = re.compile(r"^\s*([<\"])([^>\"]+)[>\"]\s*(?://.*|/\*.*\*/\s*)?$")
_STANDARD_INCLUDE = re.compile(r"^[ \t]*<([a-z_]+)>[ \t]*$")
_CONDITIONALS = frozenset({"if", "ifdef", "ifndef", "elif", "else", "endif"})
_RESERVED = re.compile(r"^(__|_[A-Z])")
_DIGRAPHS = ("<%", "%>", "%:", ":>")
_LINEMARKER = re.compile(r'^#\s+(\d+)\s+"((?:[^"\\]|\\.)*)"')
_TOKEN = re.compile(r"""
    (?P<raw>(?:u8|u|U|L)?R"(?P<delim>[^()\\\s]{0,16})\((?:.|\n)*?\)(?P=delim)")
  | (?P<str>(?:u8|u|U|L)?"(?:[^"\\\n]|\\.)*")
  | (?P<chr>(?:u8|u|U|L)?'(?:[^'\\\n]|\\.)*')
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<num>\.?[0-9](?:[eEpP][+-]|[A-Za-z0-9_.'])*)
  | (?P<ws>\s+)
  | (?P<punct>.)
""", re.VERBOSE)
KEYWORDS_BANNED = frozenset({"asm", "thread_local"})
#: Compiler builtins a fix may use: each computes a value from its argument alone (bit counts,
#: parity, byte swaps, a branch hint), compiled inline or to a pure libgcc helper
#: (``__popcountdi2``: :data:`objcheck.LIBGCC_BIT_HELPERS`). Every other builtin (frame and return
#: addresses, traps, memory, ``alloca``, ``apply``, ``longjmp``...) stays ``reserved``. Honest round
#: 16: ``__builtin_clz`` in a leading-one search was ``reserved``.
PURE_BUILTINS = frozenset({
    *(f"__builtin_{op}{w}" for op in ("clz", "ctz", "popcount", "parity") for w in ("", "l", "ll")),
    "__builtin_bswap16", "__builtin_bswap32", "__builtin_bswap64", "__builtin_expect"})
#: Reserved names a fix may not use even where its original (through a header macro) does.
ALWAYS_RESERVED = frozenset({"__attribute__", "__attribute", "__asm__", "__asm", "__declspec", "__thread",
                             "__builtin_trap", "__builtin_unreachable", "__builtin_frame_address",
                             "__builtin_return_address", "__builtin_extract_return_addr"})
#: C++ keywords, which a fix may not ``#define`` or ``#undef``.
_KEYWORDS = frozenset("""alignas alignof and and_eq asm auto bitand bitor bool break case catch char char16_t
    char32_t class compl const constexpr const_cast continue decltype default delete do double dynamic_cast else
    enum explicit export extern false float for friend goto if inline int long mutable namespace new noexcept not
    not_eq nullptr operator or or_eq private protected public register reinterpret_cast return short signed sizeof
    static static_assert static_cast struct switch template this thread_local throw true try typedef typeid
    typename union unsigned using virtual void volatile wchar_t while xor xor_eq""".split())


def strip_comments(text: str) -> str:
    """``text`` with each comment replaced by a space (newlines kept), literals untouched: the
    preprocessor treats a comment as whitespace, so ``/**/#include`` is a directive. Split where
    GCC splits it (:mod:`harness.families.hls.lexer`)."""
    return lexer.strip(text, literals=False)


def _includes(text: str) -> set[str]:
    return {m.group(3).strip() for m in _DIRECTIVE.finditer(text) if m.group(2) == "include"}


def _standard_include(rest: str) -> bool:
    """Whether an include's operand is ``<h>`` with ``h`` one of :data:`integrity.STANDARD_INCLUDES`."""
    m = _STANDARD_INCLUDE.match(rest)
    return m is not None and m.group(1) in STANDARD_INCLUDES


#: The HLS headers a fix may include though its original does not (``"ap_fixed.h"`` or
#: ``<ap_fixed.h>``): the public headers of the suites' include folder (hls4ml's ap_types: the
#: rest of it, ``ap_common.h``, ``etc/ap_private.h``..., are their parts), which every kernel
#: already reaches through ``kernel.h`` (``hls_math.h``: ``<cmath>`` and ``ap_fixed.h``, with
#: templates over ``std::exp``...). Honest round 16: a fix adding ``#include "ap_fixed.h"`` was
#: ``include``.
HLS_INCLUDES = frozenset({"ap_int.h", "ap_fixed.h", "hls_stream.h", "hls_math.h"})
_HLS_INCLUDE = re.compile(r'^[ \t]*(?:<([\w.]+)>|"([\w.]+)")[ \t]*$')


def _hls_include(rest: str) -> bool:
    """Whether an include's operand is ``<h>`` or ``"h"`` with ``h`` one of :data:`HLS_INCLUDES`."""
    m = _HLS_INCLUDE.match(rest)
    return m is not None and (m.group(1) or m.group(2)) in HLS_INCLUDES


def _macro_directives(text: str) -> list[tuple[re.Match[str], bool]]:
    """The ``#define``/``#undef`` directives of ``text`` (comments stripped, splices joined), each
    with whether it comes before the last ``#include`` (it could reach a header)."""
    found = list(_DIRECTIVE.finditer(text))
    last_include = max((m.start() for m in found if m.group(2) == "include"), default=-1)
    return [(m, m.start() < last_include) for m in found if m.group(2) in ("define", "undef")]


def early_macros(code: str) -> list[tuple[str, str]]:
    """``(directive, name)`` of each ``#define``/``#undef`` of ``code`` before its last ``#include``,
    in order (``("define", "N")``)."""
    text = strip_comments(lexer.join_splices(code))
    out: list[tuple[str, str]] = []
    for m, early in _macro_directives(text):
        name = re.match(r"\s+(\w+)", m.group(3))
        if early:
            out.append((m.group(2), name.group(1) if name else m.group(3).strip()))
    return out


def header_lines(preprocessed: str, main_file: str = "kernel.cpp") -> list[str]:
    """The lines of ``g++ -E`` output that come from files other than ``main_file`` (the headers,
    the compiler's predefined macros and the command line's), with the line markers that enter
    them: what the headers compile to. Markers back into ``main_file`` (its line numbers) are left out."""
    out: list[str] = []
    in_main = False
    for line in preprocessed.split("\n"):
        m = _LINEMARKER.match(line)
        if m:
            in_main = m.group(2) == main_file or m.group(2).endswith("/" + main_file)
        if not in_main:
            out.append(line)
    return out


def without_early_macros(code: str) -> str:
    """``code`` (comments stripped, splices joined) with each ``#define``/``#undef`` before its
    last ``#include`` blanked (its lines kept): what the headers would see if the fix defined its
    macros after them."""
    text = strip_comments(lexer.join_splices(code))
    for m, early in reversed(_macro_directives(text)):
        if early:
            text = text[: m.start()] + "\n" * m.group(0).count("\n") + text[m.end():]
    return text


def check_text(code: str, original: str, *, macros_checked: bool = False) -> str | None:
    """Rules on the fix's text (splices joined): trigraphs and directives. With ``macros_checked`` a
    ``#define``/``#undef`` before an ``#include`` is left to the caller, which must show that the
    headers do not see it (:func:`without_early_macros`, ``score.fix_at_exec``)."""
    if _TRIGRAPH.search(code):
        return f"trigraph: `{_TRIGRAPH.search(code).group(0)}` is not allowed (trigraphs have no use in a kernel)"  # type: ignore[union-attr]
    text = strip_comments(lexer.join_splices(code))
    if _UCN.search(strip_comments_and_strings(text)):
        return "unicode: universal character names (\\u...) are not allowed outside literals"
    original = strip_comments(lexer.join_splices(original))
    allowed, tested = _includes(original), DIRECTIVE_RESERVED_OK | _directive_reserved(original)
    last_include = max((m.start() for m in _DIRECTIVE.finditer(text) if m.group(2) == "include"), default=-1)
    for m in _DIRECTIVE.finditer(text):
        intro, name, rest = m.groups()
        if intro == "%:":
            return "digraph: `%:` directives are not allowed"
        if name == "include":
            if not _INCLUDE.match(rest) or (rest.strip() not in allowed and not _standard_include(rest)
                                            and not _hls_include(rest)):
                return (f"include: #include {rest.strip()} is not one of the original kernel's includes "
                        "nor a standard or HLS header a fix may add")
        elif name == "pragma":
            if not re.match(r"\s+HLS\b", rest, re.IGNORECASE):
                return f"pragma: only `#pragma HLS` is allowed, not `#pragma{rest[:40]}`"
        elif name in ("define", "undef"):
            macro = re.match(r"\s+(\w+)", rest)
            if m.start() < last_include and not macros_checked:
                return f"define: #{name} before an #include (a macro may not reach a header)"
            if macro is None or macro.group(1) in _KEYWORDS or _RESERVED.match(macro.group(1)):
                return f"define: #{name} of `{macro.group(1) if macro else rest.strip()}` is not allowed"
        elif name not in _CONDITIONALS:
            return f"directive: #{name} is not allowed in a kernel"
        if name not in ("include", "pragma"):
            bad = sorted(_directive_reserved(m.group(0)) - tested)
            if bad:
                return (f"build-dependent: #{name} names `{bad[0]}`, a reserved name (predefined by the compiler, "
                        "its flags or a header: it can differ between builds); a directive may name only the "
                        "kernel's own macros")
    return None


def check_raw_strings(code: str) -> str | None:
    """The ``raw-string`` rule (checked after the other text rules, which name a clearer fault
    first): no raw string literal anywhere in the text."""
    raw = lexer.RAW_STRING_START.search(lexer.join_splices(code))
    if raw:
        return (f"raw-string: `{raw.group(0)}...` raw string literals are not allowed in a kernel (the text after one "
                "can read differently to the compiler and to the gate)")
    return None


#: Reserved names a directive may name: ``__SYNTHESIS__`` (defined by HLS synthesis tools, by no
#: build here) and ``__cplusplus`` (the same in every build).
DIRECTIVE_RESERVED_OK = frozenset({"__SYNTHESIS__", "__cplusplus"})


def _directive_reserved(text: str) -> set[str]:
    """The reserved identifiers (``__x``, ``_X``) on the directive lines of ``text`` other than
    includes and pragmas, outside string literals."""
    names: set[str] = set()
    for m in _DIRECTIVE.finditer(text):
        if m.group(2) in ("include", "pragma"):
            continue
        body = strip_comments_and_strings(m.group(2) + m.group(3))
        names |= {t for t in re.findall(r"[A-Za-z_]\w*", body) if _RESERVED.match(t)}
    return names


def kernel_lines(preprocessed: str, main_file: str = "kernel.cpp") -> str:
    """The lines of ``g++ -E`` output that come from ``main_file`` (the rest: headers), each at
    its source line (blank lines pad the gaps): GCC marks a gap with blank lines or with a line
    marker as it likes, and ``-save-temps`` under a precompiled header chooses differently from
    ``-E`` (honest round 9: a fix adding ``<cstdint>`` and ``<climits>`` was ``build-dependent``)."""
    out: list[str] = []
    current, number = "", 0
    for line in preprocessed.split("\n"):
        m = _LINEMARKER.match(line)
        if m:
            number, current = int(m.group(1)), m.group(2)
            continue
        if current == main_file or current.endswith("/" + main_file):
            out.extend([""] * (number - 1 - len(out)))
            out.append(line)
        number += 1
    return "\n".join(out)


def tokens(code: str) -> Iterator[tuple[str, str, int]]:
    """``(kind, text, offset)`` for each token of preprocessed C++ (literals whole)."""
    for m in _TOKEN.finditer(code):
        kind = m.lastgroup or "punct"
        if kind == "delim":
            kind = "raw"
        if kind != "ws":
            yield kind, m.group(0), m.start()


#: Casts that can write through a ``const`` input or reinterpret memory; allowed only where the
#: original kernel uses them.
CASTS = frozenset({"const_cast", "reinterpret_cast"})


def reserved_names(code: str) -> set[str]:
    """The reserved names and :data:`CASTS` that ``code`` uses (what a fix of it may use too)."""
    toks = list(tokens(code))
    names = {t for k, t, _ in toks if k == "ident" and (_RESERVED.match(t) or t in CASTS)}
    return names | ({"cast"} if c_style_pointer_cast(toks) else set())


_TYPE_TOKENS = re.compile(r"^(?:[A-Za-z_]\w*|::|<|>|,|\d+)$")
_NOT_OPERAND = frozenset({"const", "volatile", "noexcept", "override", "final", "throw"})


def c_style_pointer_cast(toks: list[tuple[str, str, int]]) -> str | None:
    """The text of a C-style cast to a pointer or reference type (``(T *)x``), if any."""
    for i, (_, text, _) in enumerate(toks):
        if text != ")" or i < 2 or toks[i - 1][1] not in ("*", "&"):
            continue
        j = i - 2
        while j >= 0 and (toks[j][1] in ("*", "&") or _TYPE_TOKENS.match(toks[j][1])):
            j -= 1
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        operand = nxt is not None and (nxt[0] in ("ident", "num") and nxt[1] not in _NOT_OPERAND
                                       or nxt[1] in ("(", "&", "*"))
        if j >= 0 and toks[j][1] == "(" and j < i - 2 and operand:
            return " ".join(t for _, t, _ in toks[j: i + 2])
    return None


def _pragma_lines(code: str) -> Iterator[str]:
    for line in code.split("\n"):
        if line.lstrip().startswith("#"):
            yield line.strip()


def check_tokens(kernel_code: str, allowed_reserved: set[str]) -> str | None:
    """Rules on the kernel's preprocessed lines (see the module docstring)."""
    for line in _pragma_lines(kernel_code):
        if not re.match(r"#\s*pragma\s+HLS\b", line, re.IGNORECASE):
            return f"pragma: only `#pragma HLS` is allowed, not `{line[:60]}`"
    body = "\n".join(ln for ln in kernel_code.split("\n") if not ln.lstrip().startswith("#"))
    toks = list(tokens(body))
    texts = [t for _, t, _ in toks]
    cast = c_style_pointer_cast(toks)
    if cast and "cast" not in allowed_reserved:
        return f"cast: C-style pointer cast `{cast}` is not allowed (it can write through a const input)"
    prev, prev_end = "", -1
    for kind, text, start in toks:
        adjacent, prev_end = prev_end == start, start + len(text)
        if kind in ("raw", "str", "chr"):
            prev = text
            continue
        if not text.isascii():
            return f"unicode: non-ASCII character {text!r} outside a literal"
        if text == "\\":
            return "unicode: backslash outside a literal (universal character names are not allowed in names)"
        pair = prev + text if adjacent else ""
        if kind == "punct" and (pair in _DIGRAPHS or pair == "<:"):
            return f"digraph: `{pair}` is not allowed"
        if kind == "punct" and pair == "[[":
            return "attribute: `[[...]]` attributes are not allowed"
        if kind == "ident":
            if text in CASTS and text not in allowed_reserved:
                return f"cast: `{text}` is not allowed (it can write through a const input); the original does not use it"
            if text in KEYWORDS_BANNED:
                return f"keyword: `{text}` is not allowed in a kernel"
            if _RESERVED.match(text) and text not in PURE_BUILTINS and (text not in allowed_reserved
                                                                        or text in ALWAYS_RESERVED):
                return f"reserved: `{text}` (attributes, builtins, asm and other reserved names) is not allowed"
            if text in BANNED_NAMES and not (text in OWN_NAME_OK and own_variable_only(texts, text)):
                return (f"io: kernel code may not use `{text}` (output, process, file, environment or thread "
                        f"control){own_name_note(text)}")
        prev = text
    return None
