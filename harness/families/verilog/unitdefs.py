"""What the answer defines outside its modules: interfaces, programs, checkers, packages, functions
and tasks (red team s16 rtv2).

The drive and scope rules (:mod:`.drivers`) read each module on its own. An ``interface`` the
answer defines at unit scope and instantiates in its module was read by none of them: inside it,
``assign and_gate.y = and_gate.a & and_gate.b`` reached the design from above through its own
module name, and ``assign (weak0, weak1) and_gate.b = 1'b1`` drove the design's own input, both
forms the rules refuse inside a module. So:

* :func:`outside_modules` is the answer's text with its modules blanked out, which
  :func:`.drivers.foreign_scopes` reads as one more region: a hierarchical reference there must
  start at a name declared there too (a module's name is not one);
* :func:`port_rules`: an interface, program or checker of the answer may have input ports only (an
  output, inout or ref port, or a port without a direction, which defaults to inout, is a way to
  drive the module that instantiates it, which :func:`.drivers.input_drivers` checks for module
  instances only): rule ``input_driven``.
"""
from __future__ import annotations

from harness.families.verilog.extract import module_spans
from harness.families.verilog.lexer import tokenize

_DEFINED = {"interface": "endinterface", "program": "endprogram", "checker": "endchecker"}
_DIRECTIONS = frozenset({"input", "output", "inout", "ref"})


def outside_modules(source: str) -> str:
    """``source`` with every module's text replaced by spaces (newlines kept)."""
    out = list(source)
    for _, start, end in module_spans(source):
        for k in range(start, end):
            if out[k] != "\n":
                out[k] = " "
    return "".join(out)


def port_rules(source: str) -> list[tuple[str, str]]:
    """("input_driven", detail) for each interface, program or checker whose port list holds a port
    that is not an input."""
    toks = tokenize(outside_modules(source))
    found = []
    for i, t in enumerate(toks):
        if t.kind != "ident" or t.text not in _DEFINED or (i + 1 < len(toks) and toks[i + 1].text == "class"):
            continue
        j = i + 1
        while j < len(toks) and toks[j].text not in ("(", ";"):
            j += 1
        if j >= len(toks) or toks[j].text != "(":
            continue
        depth, k, direction, bad = 0, j, "", ""
        while k < len(toks):
            tok = toks[k].text
            depth += tok in "([{"
            depth -= tok in ")]}"
            if depth == 0:
                break
            if depth == 1 and tok in _DIRECTIONS:
                direction = tok
            elif depth == 1 and toks[k].kind == "ident" and k + 1 < len(toks) and toks[k + 1].text in (",", ")") \
                    and direction != "input":
                bad = toks[k].text
                break
            k += 1
        if bad:
            name = toks[i + 1].text if i + 1 < len(toks) else t.text
            found.append(("input_driven", f"{t.text} {name} has port {bad} that is not an input (an answer's "
                                           f"{t.text} may take inputs only; it could drive the module holding it)"))
    return found
