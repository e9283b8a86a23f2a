"""The design scored is the design tested, for testbenches that set the design's parameters.

A VerilogEval/RTLLM testbench may instantiate the design with parameter overrides
(``asyn_fifo #(.WIDTH(8), .DEPTH(16)) dut (...)``). The netlist of the answer synthesised alone
has no parameters, so the testbench could not build it and the netlist check was skipped with
the scores kept: the round 7 S6 split (Icarus simulates one ``generate`` branch, yosys
synthesises another) kept its area credit on those problems. Here the answer is synthesised at
the testbench's values instead: a trusted wrapper holds the testbench's own ``parameter`` /
``localparam`` declarations and one unconnected instance of the design with the testbench's
overrides (:mod:`harness.families.verilog.wrapsynth` scores that instance), and the netlist the
testbench then runs is that instance's module, named as the design, with a placeholder
``parameter`` for each override so the testbench's ``#(...)`` still builds (the values are those
synthesised). Used only where the reference synthesises this way (else the netlist is checked
as before); a testbench with ``defparam`` or with two different overrides of the design is left
as before.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from harness.families.verilog.extract import module_spans
from harness.families.verilog.lexer import mask_comments, tokenize
from harness.families.verilog.wrapsynth import Wrapper

WRAP = "hweval_tbparams"
_DECL = re.compile(r"\b(?:parameter|localparam)\s+(?:integer\s+|\[[^\]\n;]*\]\s*)?\w+\s*=\s*[^;()]+;")


def _close(toks: list, i: int) -> int | None:  # type: ignore[type-arg]
    depth = 0
    for j in range(i, len(toks)):
        depth += {"(": 1, ")": -1}.get(toks[j].text, 0)
        if depth == 0:
            return j
    return None


def overrides(sources: Iterable[str], top: str) -> tuple[str, list[str]] | None:
    """The text of the testbench's one parameter override of ``top`` (inside ``#( )``) and the
    testbench's simple parameter declarations; None when there is none, several, or a ``defparam``."""
    found: set[str] = set()
    decls: list[str] = []
    for text in sources:
        toks = tokenize(text)
        if any(t.text == "defparam" for t in toks):
            return None
        for i, tok in enumerate(toks[:-2]):
            if tok.text == top and toks[i + 1].text == "#" and toks[i + 2].text == "(" \
                    and not (i and toks[i - 1].text in (".", "module")):
                end = _close(toks, i + 2)
                if end is None:
                    return None
                found.add(text[toks[i + 2].end:toks[end].start].strip())
        decls += _DECL.findall(mask_comments(text))
    if len(found) != 1:
        return None
    return found.pop(), decls


def names_of(override: str) -> list[str]:
    """The parameters an override sets: ``.NAME(`` at the top level, or placeholders by position."""
    toks = tokenize(override)
    named, depth, commas = [], 0, 0
    for i, tok in enumerate(toks):
        depth += {"(": 1, ")": -1}.get(tok.text, 0)
        if depth == 0 and tok.text == "." and i + 1 < len(toks) and toks[i + 1].kind == "ident":
            named.append(toks[i + 1].text)
        commas += depth == 0 and tok.text == ","
    return named or [f"hweval_p{k}" for k in range(commas + 1)]


def param_wrapper(sources: Iterable[str], top: str) -> tuple[Wrapper, list[str]] | None:
    """The trusted wrapper that synthesises ``top`` at the testbench's values, and the names the
    testbench overrides; None when the testbench sets none (or cannot be read that way)."""
    got = overrides(sources, top)
    if got is None:
        return None
    override, decls = got
    body = "".join(f"  {d}\n" for d in decls)
    text = f"module {WRAP};\n{body}  {top} #({override}) hweval_u ();\nendmodule\n"
    return Wrapper({f"{WRAP}.v": text}, WRAP, (top,)), names_of(override)


def design_netlist(netlist: str, top: str, names: list[str]) -> str:
    """The wrapper's netlist cut to the design's module, named ``top``, with a placeholder
    ``parameter`` for each name the testbench sets."""
    for name, start, end in module_spans(netlist):
        if name.lstrip("\\") == WRAP:
            continue
        text = re.sub(r"^module\s+\S+?(?=\s*\()", f"module {top}", netlist[start:end], count=1)
        head = text.index(";") + 1
        return text[:head] + "".join(f"\n  parameter {n} = 0;" for n in names) + text[head:] + "\n"
    return ""
