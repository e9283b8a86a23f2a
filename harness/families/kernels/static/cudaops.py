"""Tensor compute written with C++ operators in a CUDA answer's host code (``return a + b;``,
``t * (t > 0)``), which no method or namespace allowlist sees (:mod:`.cuda` calls
:func:`tensor_operators` on every build pass). Text rules over the host code: a name counts as a
tensor where host code declares it as one (or copies one into it), failing closed on a name also
used for a number. Imports: the standard library only."""
from __future__ import annotations

import re

#: a name host code declares as a tensor: ``torch::Tensor x`` (parameters and locals, ``const ... &``),
#: or ``auto x = ...`` from an allocation (``torch::empty_like(...)``) or a view of another tensor
_TENSOR_DECL = re.compile(r"\b(?:torch|at)\s*::\s*Tensor\s*(?:const\s*)?&?\s*([A-Za-z_]\w*)\s*[,;=)({]")
_TENSOR_AUTO = re.compile(r"\bauto\s*&?\s*([A-Za-z_]\w*)\s*=\s*(?:(?:torch|at)\s*::\s*\w+\s*\(|[\w.]+\.(?:contiguous|view|"
                          r"reshape|to|transpose|permute|unsqueeze|squeeze|expand|narrow|select|t|flatten|view_as|"
                          r"reshape_as|expand_as|cuda|detach|clone)\s*\()")
_TENSOR_LIST = re.compile(r"\bstd\s*::\s*(?:vector|array)\s*<\s*(?:torch|at)\s*::\s*Tensor\s*(?:,[^<>;]*)?>\s*&?\s*([A-Za-z_]\w*)")
_BINARY = r"(?:\+=|-=|\*=|/=|%=|\^=|\|=|&=|<<=|>>=|\+(?!\+)|-(?![->])|\*|/(?![/*])|%|\^|\|(?!\|)|&(?!&)" \
          r"|==|!=|<=|>=|<(?![<=])|>(?![>=]))"  # comparisons are ATen compute too (red team 12c C2)
#: ``auto t = <a tensor's name or a tensor list's element> ...;``: ``t`` is a tensor (12c C1/C2)
#: (the name itself or its element, not a method's result: ``auto n = x.numel()`` is a number)
_AUTO_COPY = re.compile(r"\b(?:auto|decltype\s*\([^()]*\))\s*&?\s*([A-Za-z_]\w*)\s*=\s*([A-Za-z_]\w*)"
                        r"\s*(?:\[[^\]]*\]\s*)?(?![\w.(:]|->)")


def tensor_operators(host: str) -> list[str]:
    """Arithmetic on a tensor in host code (``return a + b;``, ``out *= 2;``, ``-x``): ATen compute
    through C++ operators, which no method or namespace allowlist sees. A name counts as a tensor
    where host code declares it as one anywhere (fail closed on a name reused for a number)."""
    lists = set(_TENSOR_LIST.findall(host))  # v[0] * 2, v.at(0) * 2 of a std::vector/array of tensors
    if lists:  # an element's method (v[0].numel() * 2) is not arithmetic on it
        alt = "|".join(map(re.escape, lists))
        host = re.sub(r"(?<![\w.>])(" + alt + r")\s*\.\s*at\s*\(([^()]*)\)", r"\1[\2]", host)
        host = re.sub(r"(?<![\w.>])(" + alt + r")\s*\.\s*(?:back|front)\s*\(\s*\)", r"\1[0]", host)
        host = re.sub(r"(?<![\w.>])(?:" + alt + r")\s*\[[^\]]*\]\s*(?=\.|->)", "elem_", host)
    names = set(_TENSOR_DECL.findall(host)) | set(_TENSOR_AUTO.findall(host)) | lists
    for _ in range(8):  # auto copies of copies
        more = {t for t, src in _AUTO_COPY.findall(host) if src in names} - names
        if not more:
            break
        names |= more
    bad = []
    for name in sorted(names):
        n = re.escape(name)
        after = re.search(rf"(?<![\w.>:])\b{n}\b\s*(?:\[[^\]]*\]\s*)?{_BINARY}", host)
        before = re.search(rf"(?:[+\-/%^]|\b\d+\s*\*|\)\s*\*)\s*(?<![\w.>:]){n}\b(?!\s*(?:\.|->|\(|::))", host)
        if after or before:
            bad.append(f"tensor arithmetic on {name}")
    return bad
