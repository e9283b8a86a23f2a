"""Copies in CUDA sources whose direction the checks can read, and functions reached by name at
run time (red team 7 S3), part of :func:`harness.families.kernels.static.cuda.cpp_host_reads`.

A ``cudaMemcpy`` is accepted only in a listed call form whose kind argument, at its position, is
exactly ``cudaMemcpyHostToDevice`` or ``cudaMemcpyDeviceToDevice`` (parentheses and a leading
``::`` aside), or, for ``cudaMemcpyToSymbol(Async)`` only, left out (its default is
``cudaMemcpyHostToDevice``), and those enumerators may appear nowhere else. Before, any call whose arguments
named only allowed kinds passed, so a kind *computed* from an allowed enumerator,
``static_cast<decltype(cudaMemcpyHostToDevice)>(cudaMemcpyHostToDevice + 1)`` (device to host),
or a local variable named like an enumerator, copied device memory to the host.

The dynamic loader and the driver's entry-point tables hand out any function by its name
(``dlsym(nullptr, "cudaMemcpy")`` then a call with kind 2): host code may not name them
(``cuda_symbol_lookup``). Not closed: a function address read out of the loader's tables in memory
by pointer arithmetic (names nothing); the CUDA checks do not model pointers.
"""
from __future__ import annotations

import re

#: the kind's position (0-based) in each copy call whose direction is read
KIND_AT = {"cudaMemcpy": 3, "cudaMemcpyAsync": 3, "cudaMemcpy2D": 6, "cudaMemcpy2DAsync": 6,
           "cudaMemcpyToSymbol": 4, "cudaMemcpyToSymbolAsync": 4}
TO_DEVICE = ("cudaMemcpyHostToDevice", "cudaMemcpyDeviceToDevice")
#: copies whose kind, left out, defaults to ``cudaMemcpyHostToDevice`` (cuda_runtime.h)
KIND_DEFAULTS_TO_DEVICE = ("cudaMemcpyToSymbol", "cudaMemcpyToSymbolAsync")
_KIND_ARG = re.compile(r"[\s(]*(?:::\s*)?(" + "|".join(TO_DEVICE) + r")[\s)]*")
#: the loader's and the driver's lookups of functions by name
SYMBOL_LOOKUP = re.compile(r"\b(dlsym|dlvsym|dlopen|dlmopen|dladdr1?|dlinfo|dl_iterate_phdr|__libc_dlsym"
                           r"|__libc_dlopen_mode|_dl_sym|getauxval|cuGetProcAddress\w*|cudaGetDriverEntryPoint\w*"
                           r"|cuGetExportTable|cudaGetExportTable|link_map|r_debug|_DYNAMIC|__ehdr_start"
                           r"|ElfW|Elf(?:32|64)_\w+)\b")


def _arg_spans(code: str, start: int) -> list[tuple[int, int]] | None:
    """(start, end) of each top-level argument of the call whose ``(`` follows ``start`` (after
    spaces); None when no parenthesis follows or it is never closed."""
    i = start
    while i < len(code) and code[i].isspace():
        i += 1
    if i >= len(code) or code[i] != "(":
        return None
    spans: list[tuple[int, int]] = []
    depth, begin = 0, i + 1
    for j in range(i, len(code)):
        ch = code[j]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth == 0:
                if code[begin:j].strip() or spans:
                    spans.append((begin, j))
                return spans
        elif ch == "," and depth == 1:
            spans.append((begin, j))
            begin = j + 1
    return None


def host_reads(code: str, names: list[re.Match[str]]) -> list[str]:
    """What of ``names`` (the matches of the host-reach names in ``code``) can read device memory:
    every name that is not the function of an accepted copy or the kind enumerator of one."""
    ok: set[int] = set()
    bad: list[str] = []
    for m in names:
        name = m.group(1)
        spans = _arg_spans(code, m.end()) if name in KIND_AT else None
        if spans is None:
            continue  # not a listed copy call (``&cudaMemcpy``): judged as a name below
        k = KIND_AT[name]
        ok.add(m.start())
        if len(spans) <= k:
            if name in KIND_DEFAULTS_TO_DEVICE:
                continue  # the default kind: host to device
            bad.append(f"{name} without its kind")
            continue
        a, b = spans[k]
        kind = _KIND_ARG.fullmatch(code, a, b)
        if kind is None:
            bad.append(f"{name} with kind {' '.join(code[a:b].split())[:60]!r} (not a literal "
                       f"{' or '.join(TO_DEVICE)})")
            continue
        ok.add(kind.start(1))
    for m in names:
        if m.start() not in ok:
            bad.append(f"{m.group(1)} outside the kind argument of a copy" if m.group(1) in TO_DEVICE else m.group(1))
    return bad


def symbol_lookups(code: str) -> list[str]:
    """Names of the loader's or the driver's function lookups in ``code``."""
    return sorted({f"{m.group(1)} (a function looked up by name at run time)" for m in SYMBOL_LOOKUP.finditer(code)})
