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
* :func:`unit_ports`: the ports of the answer's interfaces, programs and checkers, which
  :func:`.drivers.input_drivers` reads with the modules' ports: an instance of one whose output,
  inout, ref or direction-less port is connected to the holding module's input drives that input
  (rule ``input_driven``), as an instance of a module does.
"""
from __future__ import annotations

from harness.families.verilog.extract import module_spans
from harness.families.verilog.lexer import tokenize

_DEFINED = {"interface": "endinterface", "program": "endprogram", "checker": "endchecker"}


def outside_modules(source: str) -> str:
    """``source`` with every module's text replaced by spaces (newlines kept)."""
    out = list(source)
    for _, start, end in module_spans(source):
        for k in range(start, end):
            if out[k] != "\n":
                out[k] = " "
    return "".join(out)


def unit_ports(source: str) -> dict[str, list[tuple[str, str]]]:
    """The ports, with their directions, of each interface, program and checker ``source`` defines
    outside its modules (a port whose direction is not read is ``""``)."""
    from harness.families.verilog.ports import port_directions

    text = outside_modules(source)
    toks = tokenize(text)
    out: dict[str, list[tuple[str, str]]] = {}
    for i, t in enumerate(toks):
        if t.kind != "ident" or t.text not in _DEFINED or i + 1 >= len(toks) or toks[i + 1].kind != "ident" \
                or toks[i + 1].text == "class":
            continue
        end = next((k for k in range(i + 1, len(toks)) if toks[k].text == _DEFINED[t.text]), None)
        if end is None:
            continue
        name = toks[i + 1].text.lstrip("\\")
        # read as a module of the same header and body (the port rules are the module rules)
        fake = "module" + text[t.end:toks[end].start] + "endmodule"
        out.setdefault(name, port_directions(fake, name))
    return out
