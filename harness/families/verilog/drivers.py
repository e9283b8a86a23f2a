"""A design does not drive its own inputs, and reaches other scopes only through names it declares.

An input port and the net the testbench drives are one net to the simulator. Where the design is
the simulation's top (cocotb drives its ports), nothing sits between the two: a design that
``force``s its own input, drives it with a continuous ``assign``, a procedural assignment or a
pull or switch primitive, decides what a test that reads the input back (``int(dut.gnt.value)``)
believes it drove (red team 9 S1, S2). These forms are rules here, on the text the compiler
reads:

- ``force``, ``release`` and ``deassign`` (rule ``force``): no honest design overrides nets;
- ``defparam`` (rule ``defparam``, :mod:`harness.families.verilog.defparams`): ``defparam acc8.W = 1``
  changed the value a test reads back; only an instance the same module declares may be set so;
- a hierarchical reference through a module's own name or through a scope the text never
  declares (rule ``hierarchical_reference``): ``assign #2 acc8.en = clk`` drove the design's own
  input from "above" (red team 9 S5);
- the pull and switch primitives (``pullup``, ``pulldown``, ``tran``, ``tranif0/1``, ``rtran``,
  ``rtranif0/1``; rule ``switch_primitive``);
- an ``assign`` or an assignment statement whose target is an input port of the module it is in
  (rule ``input_driven``).

:func:`dotted_heads` lists the first names of the hierarchical references a text makes
(``a.b.c`` -> ``a``), for suites whose hidden harness sits above the design (CVDP): Icarus
resolves ``top.u_ref.p`` upward even when a local scope has the name ``top``.
"""
from __future__ import annotations

import re

from harness.families.verilog.extract import module_spans
from harness.families.verilog.lexer import Token, drop_end_labels, tokenize
from harness.families.verilog.ports import bracket_end, port_directions

FORCE_WORDS = frozenset({"force", "release", "deassign"})  # and `defparam`, its own rule
SWITCHES = frozenset({"pullup", "pulldown", "tran", "tranif0", "tranif1", "rtran", "rtranif0", "rtranif1"})
#: Tokens after which a name starts a statement (``if (c) g <= 1;``, ``begin g = 0;``).
_STATEMENT_START = frozenset({";", "begin", "else", ")", "end", ":", "*", "always", "always_ff", "always_comb",
                              "always_latch", "initial", "final"})
#: Words that stand before ``.`` without naming a scope of the design.
_NOT_SCOPES = frozenset({"this", "super", "local"})


def word_rules(tokens: list[Token]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for tok in tokens:
        if tok.kind != "ident":
            continue
        if tok.text in FORCE_WORDS:
            found.append(("force", f"{tok.text} (a design may not override nets: it could override its own "
                                   "inputs, which the test reads back)"))
        elif tok.text in SWITCHES:
            found.append(("switch_primitive", f"{tok.text} (pull and switch primitives could drive the "
                                              "design's own inputs)"))
    return found


def _targets(tokens: list[Token], i: int) -> list[str]:
    """The names assigned by the ``assign`` at ``tokens[i]``: one name, or a ``{...}`` concatenation
    (after a drive strength ``(strong0, weak1)`` and a delay ``#2``/``#(1, 2)``, red team 11a S3)."""
    j = _after_strength_and_delay(tokens, i + 1)
    if j < len(tokens) and tokens[j].text == "{":
        names, depth = [], 0
        for t in tokens[j:]:
            depth += t.text == "{"
            depth -= t.text == "}"
            if t.kind == "ident":
                names.append(t.text)
            if depth == 0:
                break
        return names
    return [tokens[j].text] if j < len(tokens) and tokens[j].kind == "ident" else []


def _after_strength_and_delay(toks: list[Token], j: int) -> int:
    """The index after a drive strength and a delay that start at ``toks[j]`` (either may be absent)."""
    if j + 1 < len(toks) and toks[j].text == "(" and toks[j + 1].text in STRENGTHS:  # (strong0, weak1)
        j = bracket_end(toks, j) + 1
    if j < len(toks) and toks[j].text == "#":
        j = bracket_end(toks, j + 1) + 1 if j + 1 < len(toks) and toks[j + 1].text == "(" else j + 2
    return j


GATES = frozenset({"and", "nand", "or", "nor", "xor", "xnor", "buf", "not", "bufif0", "bufif1", "notif0",
                   "notif1", "cmos", "rcmos", "nmos", "pmos", "rnmos", "rpmos"})


def _args(toks: list[Token], i: int, stop: int) -> list[list[Token]]:
    """The comma-separated arguments between ``toks[i]`` (an opening paren) and ``toks[stop]``."""
    out: list[list[Token]] = [[]]
    depth = 0
    for t in toks[i + 1:stop]:
        if t.text == "," and depth == 0:
            out.append([])
            continue
        depth += t.text in "([{"
        depth -= t.text in ")]}"
        out[-1].append(t)
    return out


STRENGTHS = frozenset({"supply0", "strong0", "pull0", "weak0", "highz0", "supply1", "strong1", "pull1", "weak1",
                       "highz1", "small", "medium", "large"})


def _driven_through_ports(toks: list[Token], inputs: set[str], outputs: dict[str, set[str]],
                          order: dict[str, list[str]], gates: frozenset[str] = GATES) -> str | None:
    """An input of the enclosing module connected to an output of an instance (a module of the
    answer's, or a gate or user-defined primitive, whose first terminal is its output)."""
    for i, t in enumerate(toks):
        if t.kind != "ident" or (t.text not in outputs and t.text not in gates) or (i and toks[i - 1].text == "."):
            continue
        j = _after_strength_and_delay(toks, i + 1)
        while True:  # each instance of a list: `m u0 (...), u1 (...);` (red team 11a S5)
            if j < len(toks) and toks[j].kind == "ident":
                j += 1
            if j < len(toks) and toks[j].text == "[":
                j = bracket_end(toks, j) + 1
            if j >= len(toks) or toks[j].text != "(":
                break
            end = bracket_end(toks, j)
            hit = _output_on_input(t.text, _args(toks, j, end), inputs, outputs, order, gates)
            if hit:
                return hit
            if end + 1 >= len(toks) or toks[end + 1].text != ",":
                break
            j = end + 2
    return None


def _output_on_input(kind: str, args: list[list[Token]], inputs: set[str], outputs: dict[str, set[str]],
                     order: dict[str, list[str]], gates: frozenset[str]) -> str | None:
    """An input of the enclosing module among the output connections of one instance of ``kind``."""
    for pos, arg in enumerate(args):
        if [a.text for a in arg] == [".", "*"] and kind in outputs:  # `.*`: each output port to its name
            hit = next((p for p in outputs[kind] if p in inputs), None)
            if hit:
                return hit
            continue
        if len(arg) == 2 and arg[0].text == "." and arg[1].kind == "ident":  # `.en`: the port to `en`
            arg = [arg[0], arg[1], arg[1]]
        if kind in ("buf", "not"):
            out = pos < len(args) - 1  # every terminal but the last is an output
        elif kind in gates:
            out = pos == 0
        elif arg and arg[0].text == ".":
            out = len(arg) > 1 and arg[1].text in outputs[kind]
            arg = arg[2:]
        else:
            out = pos < len(order[kind]) and order[kind][pos] in outputs[kind]
        hit = next((a.text for a in arg if a.kind == "ident" and a.text in inputs), None) if out else None
        if hit:
            return hit
    return None


_NET_WORDS = frozenset({"wire", "tri", "wand", "wor", "triand", "trior", "tri0", "tri1", "supply0", "supply1",
                        "uwire", "trireg", "logic", "reg", "var", "bit", "signed", "unsigned"})


def _in_expression(toks: list[Token], i: int) -> bool:
    """Whether ``toks[i]`` stands inside an expression of its statement: after an ``=``, ``<=``
    or ``?`` since the statement began (``c ? x : a <= b`` compares), inside an unclosed
    parenthesis (``assert property (... lvl <= 9)``), or as a case item's expression
    (``case (1'b1) a <= b: lt = 1;``, a ``:`` before the statement's end with no ``?`` before it)."""
    depth = 0
    for k in range(i - 1, -1, -1):
        text = toks[k].text
        if text == ")":
            depth += 1
        elif text == "(":
            if depth == 0:
                return True
            depth -= 1
        elif depth:
            continue
        elif text in (";", "begin", "end", "endcase", "fork", "join", "always", "always_ff", "always_comb",
                      "always_latch", "initial", "final", "default"):
            break
        elif text in ("=", "<=", "?", "assign"):
            return True
    questions = 0
    for t in toks[i + 2:]:
        if t.text in (";", "begin", "end"):
            return False
        if t.text == "?":
            questions += 1
        elif t.text == ":":
            if questions == 0:
                return True  # `a <= b :` a case item, not an assignment
            questions -= 1
    return False


def _primitives(source: str) -> frozenset[str]:
    """Names of the user-defined primitives ``source`` declares (their first terminal is the output)."""
    toks = _plain_tokens(source)
    return frozenset(toks[k + 1].text for k, t in enumerate(toks[:-1]) if t.text == "primitive")


def _plain_tokens(source: str) -> list[Token]:
    """``source``'s tokens with escaped identifiers as the plain names they denote (``\\en `` is ``en``)."""
    return [t._replace(text=t.text[1:]) if t.kind == "ident" and t.text.startswith("\\") else t
            for t in drop_end_labels(tokenize(source))]  # `end : b`: a label is not a statement's start


def _net_declaration(toks: list[Token], i: int) -> bool:
    """Whether ``toks[i]`` is a declarator of a net declaration statement (``wire a = 0, en = 0;``)."""
    for k in range(i - 1, -1, -1):
        if toks[k].text in (";", "begin", "end", ")") or k == 0:
            first = toks[k + 1] if toks[k].text in (";", "begin", "end", ")") else toks[k]
            return first.text in _NET_WORDS
    return False


def _port_expression(toks: list[Token]) -> bool:
    """Whether a module's header (``toks`` from ``module``) lists a port as an expression
    (``module m (.a(x), .b({y, z}))``): its ports then have no directions the checks can read."""
    j = 2
    if j < len(toks) and toks[j].text == "#":
        j = bracket_end(toks, j + 1) + 1 if j + 1 < len(toks) and toks[j + 1].text == "(" else j
    if j >= len(toks) or toks[j].text != "(":
        return False
    end, depth = bracket_end(toks, j), 0
    for k in range(j + 1, end):
        depth += toks[k].text in "([{"
        depth -= toks[k].text in ")]}"
        if depth == 0 and toks[k].text == "." and k + 2 < end and toks[k + 2].text == "(":
            return True
    return False


def input_drivers(source: str, modules: set[str] | None = None) -> list[tuple[str, str]]:
    """(rule, detail) for each input port a module of ``source`` drives itself (only the modules
    named in ``modules`` when given: the others, e.g. provided ones, lend their port directions)."""
    found: list[tuple[str, str]] = []
    from harness.families.verilog.unitdefs import unit_ports

    spans = module_spans(source)
    ports = {n.lstrip("\\"): port_directions(source, n.lstrip("\\")) for n, _, _ in spans}
    outputs = {m: {p for p, d in ps if d in ("output", "inout")} for m, ps in ports.items()}
    # the answer's interfaces, programs and checkers drive through their ports too (red team s16 rtv2)
    for unit, unit_ps in unit_ports(source).items():
        if unit not in ports:
            ports[unit] = unit_ps
            outputs[unit] = {p for p, d in unit_ps if d != "input"}
    order = {m: [p for p, _ in ps] for m, ps in ports.items()}
    gates = GATES | _primitives(source)
    for name, start, end in spans:
        if modules is not None and name.lstrip("\\") not in modules:
            continue
        toks = _plain_tokens(source[start:end])
        if _port_expression(toks):  # red team 11a S2: no directions, so no input was checked
            found.append(("port_expression", f"{name.lstrip(chr(92))} lists a port as an expression "
                                             "(.name(expr)); declare its ports by name"))
            continue
        inputs = {p for p, d in ports[name.lstrip("\\")] if d == "input"}
        if not inputs:
            continue
        instances = {toks[k + 1].text for k in range(len(toks) - 2)
                     if toks[k].text in outputs and toks[k + 1].kind == "ident" and toks[k + 2].text in ("(", "[")}
        via = _driven_through_ports(toks[2:], inputs, outputs, order, gates)
        if via:
            found.append(("input_driven", f"{name.lstrip(chr(92))} connects its own input {via} to an output "
                                          "of an instance (an input is driven by the test alone)"))
        inner = 0  # inside a function or task: its own arguments and variables may share a port's name
        scopes: list[set[str]] = []  # names declared in each open begin-end block (honest10 F1)
        for i, t in enumerate(toks):
            hit = None
            _track_blocks(toks, i, scopes)
            if t.kind == "ident" and t.text in ("function", "task") and not (i and toks[i - 1].text == "."):
                inner += 1
            elif t.kind == "ident" and t.text in ("endfunction", "endtask"):
                inner = max(0, inner - 1)
            elif inner:
                continue
            elif t.kind == "ident" and t.text == "assign":
                hit = next((n for n in _targets(toks, i) if n in inputs), None)
                if hit is None and i + 2 < len(toks) and toks[i + 1].text in instances and toks[i + 2].text == ".":
                    hit = f"{toks[i + 1].text}'s port"  # `assign u0.p = ...`: a port of an instance, from outside
            elif t.kind == "ident" and t.text in inputs and 0 < i < len(toks) - 1 and toks[i + 1].text == "=" \
                    and (toks[i - 1].text in _NET_WORDS or toks[i - 1].text == "]"
                         or (toks[i - 1].text == "," and _net_declaration(toks, i))):
                hit = t.text  # `wire en = 1'b0;`: a net declaration assignment on the input
            elif t.kind == "ident" and t.text in inputs and 0 < i < len(toks) - 1 \
                    and toks[i + 1].text in ("=", "<=") \
                    and (toks[i - 1].text in _STATEMENT_START or (i > 1 and toks[i - 2].text == "#")) \
                    and not _in_expression(toks, i):
                hit = t.text
            if hit and any(hit in declared for declared in scopes):
                hit = None  # a variable or net of the block's own, named like the input
            if hit:
                found.append(("input_driven", f"{name.lstrip(chr(92))} assigns its own input {hit} "
                                              "(an input is driven by the test alone)"))
    return found


_DECL_WORDS = _NET_WORDS - {"signed", "unsigned"} | {"integer", "int", "byte", "shortint", "longint", "time",
                                                      "real", "shortreal", "realtime", "genvar"}
_DECL_QUALIFIERS = frozenset({"automatic", "static", "const", "var"})


def _track_blocks(toks: list[Token], i: int, scopes: list[set[str]]) -> None:
    """Open and close begin-end (and fork-join) blocks, and record the names a block declares
    (``begin : g wire [7:0] gray = ...;``): an assignment to such a name is to the block's own."""
    t = toks[i]
    if t.kind != "ident" or (i and toks[i - 1].text == "."):
        return
    if t.text in ("begin", "fork"):
        scopes.append(set())
    elif t.text in ("end", "join", "join_any", "join_none"):
        if scopes:
            scopes.pop()
    elif scopes and t.text in _DECL_WORDS:
        k = i - 1
        while k >= 0 and toks[k].text in _DECL_QUALIFIERS:
            k -= 1
        labelled = k >= 2 and toks[k - 1].text == ":" and toks[k - 2].text in ("begin", "fork")
        if k >= 0 and (toks[k].text in (";", "begin", "fork") or labelled):
            scopes[-1].update(_declared(toks, i + 1))


def _declared(toks: list[Token], j: int) -> set[str]:
    """The names a declaration starting at ``toks[j]`` (after its type word) declares."""
    names: set[str] = set()
    depth = 0
    while j < len(toks):
        text = toks[j].text
        if text in "([{":
            depth += 1
        elif text in ")]}":
            depth -= 1
        elif depth == 0 and text == ";":
            break
        elif depth == 0 and text == "=":  # skip the initial value, to the next name or the end
            while j + 1 < len(toks) and not (toks[j + 1].text in (",", ";") and depth == 0):
                j += 1
                depth += toks[j].text in "([{"
                depth -= toks[j].text in ")]}"
        elif depth == 0 and toks[j].kind == "ident" and j + 1 < len(toks) and toks[j + 1].text in (",", ";", "=", "["):
            names.add(text.lstrip("\\"))
        j += 1
    return names


def dotted_heads(source: str) -> set[str]:
    """The first names of the hierarchical references in ``source`` (``a.b`` and ``a[0].b`` -> ``a``),
    leaving out named port connections (``.a(x)``) and interface-port declarations (``bus.slave s``)."""
    return _heads(tokenize(source))[0]


def scope_rules(source: str) -> list[tuple[str, str]]:
    """A hierarchical reference must start at a name the design declares, and not at one of its
    modules' names (``acc8.en`` names the design's own input from above, as the test's top does)."""
    own = {name.lstrip("\\") for name, _, _ in module_spans(source)}
    return [("hierarchical_reference", f"{head}.… (candidates reach only scopes they declare; a module's name "
                                       "is not one)") for head in foreign_scopes(source, own)]


def foreign_scopes(source: str, harness_names: set[str]) -> list[str]:
    """Heads of ``source``'s hierarchical references that it does not declare itself (the name
    appears nowhere else in it) or that the hidden harness uses: a reference into a scope above
    the design (Icarus resolves ``top.u_ref.p`` upward even past a local scope named ``top``)."""
    found: set[str] = set()
    from harness.families.verilog.unitdefs import outside_modules

    regions = [source[start:end] for _, start, end in module_spans(source)]
    # and what lies outside them (interfaces, programs, packages, functions, tasks: red team s16 rtv2)
    regions = [*regions, outside_modules(source)] if regions else [source]
    for region in regions:  # each module on its own: a name declared in another module is not this one's
        toks = drop_end_labels(tokenize(region))  # a label (`endmodule : top`) declares no scope
        heads, plain = _heads(toks)
        data = _data_names(toks)
        generates = any(t.text in ("generate", "genvar", "begin") for t in toks)  # conditional generates need neither
        found |= {h for h in heads
                  if not (generates and _GENBLK.match(h))  # the design's own unnamed generate blocks
                  and (h not in plain or (h in harness_names and h not in data))}
    return sorted(found)


_GENBLK = re.compile(r"genblk\d+$")


def _data_names(toks: list[Token]) -> set[str]:
    """Names declared as nets or variables (``state_t state;``, ``logic [1:0] s = 0;``): a dotted
    name that starts at one is a member or a method (``state.next()``), resolved locally."""
    out = set()
    for i, t in enumerate(toks[1:-1], start=1):
        before, after = toks[i - 1], toks[i + 1]
        if t.kind != "ident" or before.text in (".", ":", "begin", "module", "endmodule", "function", "task"):
            continue
        if (before.kind == "ident" or before.text == "]") and after.text in (";", ",", "=", ")"):
            out.add(t.text.lstrip("\\"))
        elif (before.kind == "ident" or before.text == "]") and after.text == "[":
            k = bracket_end(toks, i + 1) + 1  # an unpacked array unless a `(` follows: an instance array
            if k < len(toks) and toks[k].text != "(":
                out.add(t.text.lstrip("\\"))
    return out


def _heads(toks: list[Token]) -> tuple[set[str], set[str]]:
    """(heads of hierarchical references, every other identifier) of a token list."""
    heads: set[str] = set()
    head_at: set[int] = set()
    for i, t in enumerate(toks):
        if t.kind != "ident" or t.text in _NOT_SCOPES or i + 2 >= len(toks) or (i and toks[i - 1].text == "."):
            continue
        j = i + 1
        while j < len(toks) and toks[j].text == "[":  # a[0].b: skip the selects
            depth = 0
            while j < len(toks):
                depth += toks[j].text == "["
                depth -= toks[j].text == "]"
                j += 1
                if depth == 0:
                    break
        if j + 1 < len(toks) and toks[j].text == "." and toks[j + 1].kind == "ident":
            if j == i + 1 and j + 2 < len(toks) and toks[j + 2].kind == "ident" \
                    and (i == 0 or toks[i - 1].text in (",", "(", ";")):
                continue  # `bus.slave s` in a port list: an interface's modport, not a reference
            heads.add(t.text.lstrip("\\"))
            head_at.add(i)
    plain = {t.text.lstrip("\\") for i, t in enumerate(toks)
             if t.kind == "ident" and i not in head_at and not (i and toks[i - 1].text == ".")}
    return heads, plain
