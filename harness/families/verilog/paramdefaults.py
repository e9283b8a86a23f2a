"""The parameters a module declares (``parameter`` and ``localparam``), by name.

Used by the CVDP interface probe (:mod:`benchmarks.cvdp.probe`), which prints each of the
reference's parameters as Icarus elaborates it, in the reference and in the answer: a value read
from the text lost to macros, escaped names, ternaries and signedness (red team 9c), an
elaborated one does not.
"""
from __future__ import annotations

from harness.families.verilog.extract import module_spans
from harness.families.verilog.lexer import tokenize


def parameter_names(source: str) -> dict[str, list[str]]:
    """``{module: [parameter names in declaration order]}`` for every module of ``source``."""
    out: dict[str, list[str]] = {}
    for name, start, end in module_spans(source):
        toks = tokenize(source[start:end])
        names: list[str] = []
        depth = 0
        declaring = False
        for i, t in enumerate(toks):
            if t.text in ("parameter", "localparam"):
                declaring, depth = True, 0
                continue
            if not declaring:
                continue
            if t.text in "([{":
                depth += 1
            elif t.text in ")]}":
                if depth == 0:
                    declaring = False
                    continue
                depth -= 1
            elif t.text == ";" and depth == 0:
                declaring = False
            elif t.kind == "ident" and depth == 0 and i + 1 < len(toks) and toks[i + 1].text == "=":
                names.append(t.text.lstrip("\\"))
        out[name.lstrip("\\")] = list(dict.fromkeys(names))
    return out
