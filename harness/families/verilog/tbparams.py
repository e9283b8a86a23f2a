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
synthesised). A ``defparam`` of an instance of the design (``defparam uut.W = 4;``, also by a
longer path ending in that instance) counts as that instance's override, named. Used only where
the reference synthesises this way (else the netlist is checked as before). Where the testbench
sets the design's parameters in a form read here as none (two instances at different values, a
``defparam`` of anything else, a positional override with a ``defparam``), the netlist is checked
as is; when the testbench cannot build it, nor the reference's netlist, it gets no area
(:mod:`harness.families.verilog.netcheck`).
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from harness.families.verilog.extract import module_spans
from harness.families.verilog.lexer import mask_comments, tokenize
from harness.families.verilog.wrapsynth import Wrapper

WRAP = "hweval_tbparams"
#: a module-level parameter declaration; its value may hold calls and parenthesised terms
#: (``$clog2(DEPTH)``), two levels deep, but no unbalanced ``)``: a header's ``#(parameter W = 8)`` is not one
_DECL = re.compile(r"\b(?:parameter|localparam)\s+(?:integer\s+|\[[^\]\n;]*\]\s*)?\w+\s*=\s*"
                   r"(?:[^;()]|\((?:[^;()]|\([^;()]*\))*\))+;")


def _close(toks: list, i: int) -> int | None:  # type: ignore[type-arg]
    depth = 0
    for j in range(i, len(toks)):
        depth += {"(": 1, ")": -1}.get(toks[j].text, 0)
        if depth == 0:
            return j
    return None


def _instances(toks: list, text: str, top: str) -> dict[str, str] | None:  # type: ignore[type-arg]
    """Each instance of ``top`` in one source: its name and its ``#( )`` text ("" at the defaults)."""
    found: dict[str, str] = {}
    for i, tok in enumerate(toks[:-2]):
        if tok.text != top or (i and toks[i - 1].text in (".", "module")):
            continue
        j, override = i + 1, ""
        if toks[j].text == "#" and toks[j + 1].text == "(":
            end = _close(toks, j + 1)
            if end is None:
                return None
            override, j = text[toks[j + 1].end:toks[end].start].strip(), end + 1
        if j + 1 < len(toks) and toks[j].kind == "ident" and toks[j + 1].text in ("(", "["):
            found[toks[j].text] = override
    return found


def _defparams(toks: list, text: str) -> list[tuple[list[str], str]] | None:  # type: ignore[type-arg]
    """Each ``defparam PATH = VALUE`` of one source: (the path's names, the value's text)."""
    out: list[tuple[list[str], str]] = []
    for i, tok in enumerate(toks):
        if tok.text != "defparam":
            continue
        j = i + 1
        while True:
            path = [toks[j].text] if j < len(toks) and toks[j].kind == "ident" else []
            j += 1
            while j + 1 < len(toks) and toks[j].text == "." and toks[j + 1].kind == "ident":
                path.append(toks[j + 1].text)
                j += 2
            if len(path) < 2 or j >= len(toks) or toks[j].text != "=":
                return None
            k, depth = j + 1, 0
            while k < len(toks) and not (depth == 0 and toks[k].text in (",", ";")):
                depth += {"(": 1, ")": -1, "{": 1, "}": -1, "[": 1, "]": -1}.get(toks[k].text, 0)
                k += 1
            if k >= len(toks) or k == j + 1:
                return None
            out.append((path, text[toks[j + 1].start:toks[k - 1].end]))
            if toks[k].text == ";":
                break
            j = k + 1
    return out


def overrides(sources: Iterable[str], top: str) -> tuple[str, list[str]] | None:
    """The text of the one parameter override every instance of ``top`` in the testbench gets (inside
    ``#( )``, with each ``defparam`` of an instance added as ``.NAME(VALUE)``) and the testbench's
    parameter declarations; None when it sets none, sets several, or sets them in another form."""
    instances: dict[str, str] = {}
    defparams: list[tuple[list[str], str]] = []
    decls: list[str] = []
    for text in sources:
        toks = tokenize(text)
        found, params = _instances(toks, text, top), _defparams(toks, text)
        if found is None or params is None:
            return None
        instances.update(found)
        defparams += params
        decls += _DECL.findall(mask_comments(text))
    sets: dict[str, list[str]] = {name: [text] if text else [] for name, text in instances.items()}
    for path, value in defparams:
        inst, param = path[-2], path[-1]
        if inst not in sets or (sets[inst] and not sets[inst][0].lstrip().startswith(".")) \
                or param in names_of(", ".join(sets[inst]) or "x"):
            return None  # a defparam of something else, beside a positional override, or of one set already
        sets[inst].append(f".{param}({value})")
    found_sets = {", ".join(parts) for parts in sets.values()}
    if len(found_sets) != 1 or "" in found_sets:
        return None
    return found_sets.pop(), decls


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
    # keep: the instance drives nothing (the wrapper has no ports), and yosys removed it (with it every
    # answer: "holds no instance", so the testbench values were never synthesised nor the netlist tested there)
    text = f"module {WRAP};\n{body}  (* keep *) {top} #({override}) hweval_u ();\nendmodule\n"
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
