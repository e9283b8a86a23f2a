"""Pull Verilog code out of a model's response.

Order: fenced blocks (verilog, systemverilog, sv, v or no language) that contain a module;
otherwise bare ``module ... endmodule`` text. Inside fenced blocks, declarations between
modules (typedefs, packages, parameters) are kept, ahead of the modules, and so is a block holding
only declarations (a package, typedefs, functions, constants, imports, directives) when a block of
the answer has the top module (honest round s16). Several modules are allowed (helpers); when a
module name is defined more than once, the last definition wins (models often revise).
Prose with no module gives ``None`` (status ``no_code``).
"""
from __future__ import annotations

import re

from harness.families.verilog.dedup import normalized_sha256
from harness.families.verilog.lexer import end_label, mask_comments, normalize_newlines, tokenize
from harness.types import Candidate

__all__ = ["extract_verilog", "module_spans", "normalized_sha256"]

_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+-]*)[^\n]*\n(.*?)(?:```|\Z)", re.DOTALL)
_VERILOG_LANGS = {"", "verilog", "systemverilog", "sv", "v", "vlog", "verilog2001", "svh"}
_MODULE_WORDS = ("module", "macromodule")
_LIFETIMES = ("automatic", "static")
_NAME = re.compile(r"\\?[A-Za-z_][\w$]*")


def module_spans(code: str) -> list[tuple[str, int, int]]:
    """(name, start, end) of each complete module in ``code``, read on tokens: ``module`` and
    ``endmodule`` inside a comment, a string or an escaped name (``\\x.endmodule``) are not
    keywords (red team 11a S15); ``module automatic mul``'s lifetime is not the name (9c S19)."""
    toks = tokenize(code)
    spans = []
    k = 0
    while k < len(toks):
        if toks[k].kind != "ident" or toks[k].text not in _MODULE_WORDS:
            k += 1
            continue
        j = k + 1
        while j < len(toks) and toks[j].kind == "ident" and toks[j].text in _LIFETIMES:
            j += 1
        name = _NAME.match(toks[j].text) if j < len(toks) and toks[j].kind == "ident" else None
        if name is None:  # as before: a name such as yosys's `\$paramod...` is not read as a module
            k = j
            continue
        end = next((e for e in range(j + 1, len(toks)) if toks[e].kind == "ident" and toks[e].text == "endmodule"), None)
        if end is None:
            break
        end += end_label(toks, end)  # `endmodule : name`: the label belongs to the module (honest round s16)
        spans.append((name.group(), toks[k].start, toks[end].end))
        k = end + 1
    return spans


def _code_regions(text: str, top: str | None = None) -> tuple[list[str], bool]:
    """The fenced Verilog blocks that hold a module, and those holding only declarations where another
    block has the top module (True); or the whole text (False)."""
    blocks = [body for lang, body in _FENCE.findall(text) if lang.lower() in _VERILOG_LANGS]
    names = [{name for name, _, _ in module_spans(b)} for b in blocks]
    if not any(names):
        return [text], False
    if any(top is None or top in found for found in names):  # honest round s16: a package in its own block
        return [b for b, found in zip(blocks, names, strict=True) if found or _declarations_only(b)], True
    return [b for b, found in zip(blocks, names, strict=True) if found], True


#: What a block without a module may hold to be kept (it stands at compilation-unit scope, where the
#: integrity check's ``unit_scope`` rule reads it as in a one-block answer): definitions to their end
#: word, declarations to their ``;``, and directive lines.
_DECL_DEFINITIONS = {"package": "endpackage", "function": "endfunction", "task": "endtask"}
_DECL_WORDS = frozenset({"typedef", "localparam", "parameter", "import"})


def _declarations_only(block: str) -> bool:
    """Whether ``block`` holds only packages, functions, tasks, typedefs, constants, imports and
    directives (a testbench's ``initial`` stimulus, a net or anything else makes it not)."""
    at = _directive_lines(block)
    toks, i = tokenize("\n".join(ln for k, ln in enumerate(block.splitlines()) if k not in at)), 0
    while i < len(toks):
        word = toks[i].text if toks[i].kind == "ident" else ""
        if word in _DECL_DEFINITIONS:
            i = next((k for k in range(i, len(toks)) if toks[k].text == _DECL_DEFINITIONS[word]), len(toks))
            i += 1 + (end_label(toks, i) if i < len(toks) else 0)
        elif word in _DECL_WORDS:
            depth = 0
            while i < len(toks) and not (toks[i].text == ";" and depth == 0):
                depth += (toks[i].text in "([{") - (toks[i].text in ")]}")
                i += 1
            i += 1
        elif toks[i].text == ";":
            i += 1
        else:
            return False
    return bool(toks) or "`define" in block


def _directive_lines(text: str) -> set[int]:
    """Indices of the directive lines of ``text`` (read without its comments); a line ending in a
    backslash continues its directive (a multi-line `` `define ``)."""
    found: set[int] = set()
    going = False
    for k, ln in enumerate(mask_comments(text).splitlines()):
        if going or ln.strip().startswith("`"):
            found.add(k)
            going = ln.rstrip().endswith("\\")
        else:
            going = False
    return found


def _gap_items(gap: str) -> tuple[list[str], str]:
    """Directive lines, and the other code (types, packages, constants) of text between modules."""
    lines, at = gap.splitlines(), _directive_lines(gap)
    code = "\n".join(ln for k, ln in enumerate(lines) if k not in at).strip()
    return [ln for k, ln in enumerate(lines) if k in at], code if mask_comments(code).strip() else ""


#: Directives that are kept once however often the blocks repeat them; every other directive line is
#: kept as often as written, in order, so each block's `ifndef/`define/`endif guard balances (s16).
_ONCE = ("`timescale", "`default_nettype")


def _preamble(lines: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for ln in lines:
        key = " ".join(ln.split())
        if key.startswith(_ONCE):
            if key in seen:
                continue
            seen.add(key)
        out.append(ln)
    return out


def extract_verilog(text: str, top: str | None = None) -> Candidate | None:
    """The modules found in ``text`` joined into one source, or None when there are none.

    One fenced block whose modules are all distinct is taken as written. A `` `timescale `` is
    kept like any directive: it is allowed, and the trusted reset file after the design keeps it
    from reaching the testbench.
    Otherwise modules are merged (the last definition of a name wins) and, from fenced blocks,
    what stands between modules (typedefs, packages, parameters) is kept ahead of them;
    outside code blocks only directive lines are.
    """
    text = normalize_newlines(text)
    modules: dict[str, str] = {}
    preamble: list[str] = []
    units: list[str] = []
    regions, fenced = _code_regions(text, top)
    names = [name for name, _, _ in module_spans(regions[0])]
    if fenced and len(regions) == 1 and len(set(names)) == len(names):
        # one block, each module once: the block as written (its directives stay where they are)
        code = regions[0].strip() + "\n"
        return Candidate(code=code, meta={"modules": names, "top_found": top is None or top in names,
                                          "normalized_sha256": normalized_sha256(code)})
    for region in regions:
        spans = module_spans(region)
        if not spans:  # a block of declarations (_code_regions): all of it stands ahead of the modules
            directives, code = _gap_items(region)
            preamble += directives
            units += [code] if code else []
            continue
        cuts = [0, *[x for _, start, end in spans for x in (start, end)], len(region)]
        gaps = [region[a:b] for a, b in zip(cuts[::2], cuts[1::2], strict=True)] if fenced else [region[:spans[0][1]]]
        for gap in gaps:
            directives, code = _gap_items(gap)
            preamble += directives
            if fenced and code:
                units.append(code)
        for name, start, end in spans:
            modules.pop(name, None)  # re-insert so the order follows the last definition
            modules[name] = region[start:end]
    if not modules:
        return None
    unique: dict[str, str] = {}
    for unit in units:  # the first of each, comments and spacing aside
        unique.setdefault(" ".join(mask_comments(unit).split()), unit)
    code = "\n".join([*_preamble(preamble), *unique.values(), *modules.values()]) + "\n"
    return Candidate(code=code, meta={"modules": list(modules), "top_found": top is None or top in modules,
                                      "normalized_sha256": normalized_sha256(code)})
