"""Rule ``defparam``: a design sets parameters only of the instances it makes itself.

``defparam mulw.WIDTH = 1`` inside ``mulw`` changed the value a test read back (red team 9 S6): a
path that starts at a module's name, or at any name the module does not declare, reaches the
design from above (Icarus resolves it upward, into the testbench or its wrapper). An honest
Verilog-1995 answer sets its own helper's parameters the same way (``lzc_pair u_hi (...);
defparam u_hi.W = 2;``, honest round s16), which is what ``lzc_pair #(.W(2)) u_hi`` does. So a
``defparam`` is allowed when every path it sets starts at an instance that the module holding the
``defparam`` declares at its own top level (not inside a generate block, where the name would not
bind in the module's scope), of a module the answer defines, under a name that is none of the
answer's module names, with plain names after it (no selects). Anything else is rule ``defparam``.
"""
from __future__ import annotations

from harness.families.verilog.extract import module_spans
from harness.families.verilog.lexer import Token, drop_end_labels, tokenize
from harness.families.verilog.ports import bracket_end

DETAIL = ("defparam (parameters are set where a module is instantiated, `#(...)`, or by a defparam of an "
          "instance the same module declares; a defparam of anything else can change what a test reads back "
          "from the design)")
_OPENS = {"begin": 1, "end": -1, "generate": 1, "endgenerate": -1, "fork": 1, "join": -1, "join_any": -1,
          "join_none": -1, "function": 1, "endfunction": -1, "task": 1, "endtask": -1}
#: What may stand right before a module-level instance (a generate ``if``/``for``/``case`` item has
#: ``)``, ``else`` or ``:`` there, and its instance lives in an unnamed generate block).
_ITEM_AFTER = frozenset({";", "end", "endfunction", "endtask", "endgenerate", "endcase"})


def defparam_rules(source: str) -> list[tuple[str, str]]:
    """("defparam", detail) once when a ``defparam`` of ``source`` sets anything but a parameter of an
    instance its own module declares (see the module's docstring)."""
    toks = tokenize(source)
    if not any(t.kind == "ident" and t.text == "defparam" for t in toks):
        return []
    spans = module_spans(source)
    own = {name.lstrip("\\") for name, _, _ in spans}
    allowed = 0
    for _, start, end in spans:
        mod = drop_end_labels(tokenize(source[start:end]))
        instances = _own_instances(mod, own)
        for i, tok in enumerate(mod):
            if tok.kind == "ident" and tok.text == "defparam":
                if not _paths_ok(mod, i + 1, instances, own):
                    return [("defparam", DETAIL)]
                allowed += 1
    # a defparam outside every module (or one the spans do not hold) is never allowed
    return [] if allowed == sum(t.kind == "ident" and t.text == "defparam" for t in toks) else [("defparam", DETAIL)]


def _own_instances(toks: list[Token], own: set[str]) -> set[str]:
    """Names of the instances of the answer's modules made at the top level of one module's tokens."""
    found: set[str] = set()
    depth = 0
    for k, tok in enumerate(toks):
        if tok.kind == "ident":
            depth += _OPENS.get(tok.text, 0)
        if depth or k == 0 or tok.kind != "ident" or tok.text.lstrip("\\") not in own or toks[k - 1].text not in _ITEM_AFTER:
            continue
        j = k + 1
        if j < len(toks) and toks[j].text == "#":  # `m #(...) u (`
            j = bracket_end(toks, j + 1) + 1 if j + 1 < len(toks) and toks[j + 1].text == "(" else j + 2
        while j + 1 < len(toks) and toks[j].kind == "ident" and toks[j + 1].text == "(":
            found.add(toks[j].text.lstrip("\\"))  # `m u0 (...), u1 (...);`
            j = bracket_end(toks, j + 1) + 1
            if j >= len(toks) or toks[j].text != ",":
                break
            j += 1
    return found - own


def _paths_ok(toks: list[Token], i: int, instances: set[str], own: set[str]) -> bool:
    """Whether each ``PATH = VALUE`` of the defparam whose assignments start at ``toks[i]`` starts at one
    of ``instances`` and goes on by plain names (``u_hi.W``, ``u_hi.u_leaf.W``)."""
    while True:
        path: list[Token] = []
        while i < len(toks) and toks[i].text != "=":
            path.append(toks[i])
            i += 1
        names, dots = path[::2], path[1::2]
        if len(names) < 2 or len(path) % 2 == 0 or any(d.text != "." for d in dots) \
                or any(n.kind != "ident" for n in names) or names[0].text.lstrip("\\") not in instances \
                or names[0].text.lstrip("\\") in own:
            return False
        depth = 0
        while i < len(toks) and not (depth == 0 and toks[i].text in (",", ";")):
            depth += (toks[i].text in "([{") - (toks[i].text in ")]}")
            i += 1
        if i >= len(toks) or toks[i].text == ";":
            return i < len(toks)
        i += 1
