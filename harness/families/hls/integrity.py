"""Checks on a model's fixed kernel before it is executed, and the size of its change.

Only the kernel file from an answer is ever used: the testbench and headers are the suite's.
A fix may not define ``main``, end or spawn processes, print, read or write files or the
environment, use threads, signals, raw system calls or inline assembly, paste tokens (which
would hide a banned name) or include anything but standard and HLS headers. These are the
quick text rules of the gate (:mod:`harness.families.hls.guard`), which also checks what the
compiler sees (:mod:`scan`) and what the object can reach (:mod:`objcheck`); the verdict itself
comes from a judge process that holds the nonce (:mod:`judge`), and the code runs in the sandbox.
"""
from __future__ import annotations

import difflib
import re

from harness.families.hls import lexer

FIX_MAX_CHANGED_LINES = 10

#: Identifiers a kernel may not name (also as ``__builtin_<name>``): ending or replacing the
#: process, output, file and environment access, signals, threads, raw system calls.
BANNED_NAMES = frozenset("""
    main exit _exit _Exit quick_exit at_quick_exit atexit abort terminate set_terminate system popen fork vfork
    execv execve execvp execvpe execl execlp execle posix_spawn posix_spawnp clone kill raise signal sigaction
    setjmp longjmp siglongjmp sigsetjmp pthread_exit pthread_create pthread_kill thrd_exit thread jthread
    fopen freopen fdopen tmpfile printf fprintf dprintf vprintf vfprintf vdprintf wprintf fwprintf vwprintf
    puts fputs putchar putc fputc fwrite putwchar putchar_unlocked putc_unlocked fputc_unlocked fwrite_unlocked
    fputs_unlocked fputws fputwc perror cout cerr clog wcout wcerr wclog cin wcin stdout stderr stdin
    ofstream ifstream fstream wofstream wifstream filebuf basic_filebuf streambuf basic_streambuf rdbuf ostream
    istream iostream basic_ostream basic_istream basic_iostream ios_base asm __asm__ __asm dlopen dlsym syscall
    getenv secure_getenv environ __environ program_invocation_name program_invocation_short_name __libc_argv
    mmap mprotect ptrace prctl
""".split())
#: Banned names that are also ordinary variable names (``bool signal``, ``int kill``): a fix may
#: declare and use a variable (or parameter, or member) of its own by one of these names
#: (:func:`own_variable_only`); any other use, a call ``signal(...)``, ``::signal``/``std::signal``
#: or the bare name where the fix declares no such variable, stays ``io``. They are C library
#: functions that the HLS headers' own code never calls, so the object rule (``external``) refuses
#: any reference to the library function that these token rules missed (honest round 15: a local
#: ``bool signal`` was ``io: signal``). Names the headers do reach (``exit``, ``abort``) stay banned
#: outright: for them the token rules are the only guard.
OWN_NAME_OK = frozenset({"signal", "kill", "raise", "clone", "system"})
_TOKEN_TEXT = re.compile(r"[A-Za-z_]\w*|::|->|\S")
_NOT_A_TYPE = frozenset("""return case sizeof decltype throw new delete else do goto typeid alignof noexcept not and or
    xor bitand bitor compl not_eq and_eq or_eq xor_eq co_return co_yield co_await""".split())


def _is_type_end(text: str) -> bool:
    """Whether a token can end a type name (``int``, ``T``, the ``>`` of ``ap_uint<1>``)."""
    return text == ">" or (_IDENT.fullmatch(text) is not None and text not in _NOT_A_TYPE)


def own_variable_only(texts: list[str], name: str) -> bool:
    """Whether ``name`` in the token texts ``texts`` is only a variable of the code's own: it is
    declared (a type name or the ``>`` of one before it, or ``*``/``&`` after one, and ``=``,
    ``;``, ``,``, ``{``, ``[``, ``)`` or ``:`` after it), and no use of it is qualified (``::name``; ``::`` may come as two
    ``:`` tokens) or called (``name(``), member accesses (``.name``, ``->name``) aside."""
    declared = False
    for i, text in enumerate(texts):
        if text != name:
            continue
        prev, prev2 = texts[i - 1] if i else "", texts[i - 2] if i > 1 else ""
        nxt = texts[i + 1] if i + 1 < len(texts) else ""
        if prev == "::" or (prev == ":" and prev2 == ":"):
            return False
        if prev in (".", "->") or (prev == ">" and prev2 == "-"):
            continue
        if nxt == "(":
            return False
        typed = _is_type_end(prev) or (prev in ("*", "&", "&&") and _is_type_end(prev2))
        declared = declared or (typed and nxt in ("=", ";", ",", "{", "[", ")", ":"))
    return declared


#: Low-level calls banned as bare calls only (``s.read()``/``s.write(x)`` on an hls::stream are fine).
_BARE_CALL = re.compile(r"(?<![.>\w])(write|read|open|openat|creat|close|dup|dup2|dup3|pread|pwrite|ioctl|"
                        r"readv|writev|sendfile|splice|memfd_create)\s*\(")
_IDENT = re.compile(r"[A-Za-z_]\w*")
_CTOR_ATTR = re.compile(r"__attribute__\s*\(\(\s*(constructor|destructor)")
_INCLUDE_LINE = re.compile(r"^\s*(?:#|%:)\s*include\b(.*)$", re.MULTILINE)
_INCLUDE = re.compile(r"^\s*([<\"])([^>\"]+)[>\"]\s*(?://.*)?$")
_QUOTED_OK = re.compile(r"^(kernel\.h|ap_\w+\.h|hls_\w+\.h|etc/ap_private\.h|utils/x_hls_utils\.h)$")
_ANGLE_OK = re.compile(r"^[a-z_0-9]+(\.h)?$")
#: Standard headers a fix may add to the original kernel's includes (``#include <algorithm>`` for
#: ``std::max``): they declare no I/O, file, process, thread or environment function. Any other
#: header must be one the original kernel includes (:func:`scan.check_text`).
STANDARD_INCLUDES = frozenset({"algorithm", "array", "cmath", "climits", "cstdint", "cstring", "limits",
                               "numeric", "type_traits", "utility"})
_ANGLE_DENIED = frozenset({"unistd.h", "fcntl.h", "dlfcn.h", "csignal", "signal.h", "csetjmp", "setjmp.h", "fstream",
                           "spawn.h", "pthread.h", "thread", "future", "filesystem", "syscall.h", "link.h"})


def _banned_identifier(name: str) -> bool:
    if name in BANNED_NAMES:
        return True
    if name.startswith("__builtin_"):
        rest = name[len("__builtin_"):]
        return rest in BANNED_NAMES or rest.lstrip("_") in BANNED_NAMES or f"_{rest}" in BANNED_NAMES
    return False


def own_name_note(name: str) -> str:
    """What a refusal of ``name`` adds when the name may be a variable of the fix's own."""
    return (" (a variable of the fix's own may have this name; the library function may not be called or named)"
            if name in OWN_NAME_OK else "")


def _rule_of(name: str) -> str:
    bare = name.removeprefix("__builtin_")
    if bare.strip("_") == "asm":
        return "asm"
    return "main" if bare == "main" else "io"


def strip_comments_and_strings(code: str) -> str:
    """``code`` with comments made blanks and string/char literals emptied (line count kept), split
    where GCC splits it (:mod:`harness.families.hls.lexer`: raw strings, digit separators)."""
    return lexer.strip(code, literals=True)


def check_fix(code: str) -> str | None:
    """Why ``code`` may not be executed, or None when it may."""
    code = lexer.join_splices(code)  # line splices join tokens before anything else
    for line in _INCLUDE_LINE.findall(code):
        m = _INCLUDE.match(line)
        if m is None:
            return f"include: #include{line} is not allowed in a kernel (only <header> or \"header\" forms)"
        quote, name = m.groups()
        ok = _QUOTED_OK.match(name) if quote == '"' else (_ANGLE_OK.match(name) and name not in _ANGLE_DENIED)
        if not ok:
            shown = f'"{name}"' if quote == '"' else f"<{name}>"
            return f"include: #include {shown} is not allowed in a kernel"
    bare = strip_comments_and_strings(code)
    if "%:" in bare:
        return "digraph: `%:` (the digraph of # and ##) is not allowed in a kernel"
    if "##" in bare:
        return "token: token pasting (##) is not allowed in a kernel"
    texts = _TOKEN_TEXT.findall(bare)
    for m in _IDENT.finditer(bare):
        name = m.group(0)
        if _banned_identifier(name) and not (name in OWN_NAME_OK and own_variable_only(texts, name)):
            return f"{_rule_of(name)}: kernel code may not use `{name}`{own_name_note(name)}"
    m = _BARE_CALL.search(bare)
    if m:
        return f"io: kernel code may not call `{m.group(1)}`"
    if _CTOR_ATTR.search(bare):
        return "attribute: constructor/destructor attributes are not allowed"
    return None


def _norm(code: str) -> list[str]:
    return [ln.strip() for ln in code.replace("\r\n", "\n").split("\n") if ln.strip()]


def changed_lines(before: str, after: str) -> int:
    """Lines changed between two sources, ignoring indentation and blank lines (for each
    differing block, the larger of its removed and added line counts)."""
    sm = difflib.SequenceMatcher(a=_norm(before), b=_norm(after), autojunk=False)
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in sm.get_opcodes() if tag != "equal")
