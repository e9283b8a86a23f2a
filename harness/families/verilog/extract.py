"""Pull Verilog code out of a model's response.

Order: fenced blocks (verilog, systemverilog, sv, v or no language) that contain a module;
otherwise bare ``module ... endmodule`` text. Inside fenced blocks, declarations between
modules (typedefs, packages, parameters) are kept, ahead of the modules. Several modules are allowed (helpers); when a
module name is defined more than once, the last definition wins (models often revise).
Prose with no module gives ``None`` (status ``no_code``).
"""
from __future__ import annotations

import re

from harness.families.verilog.dedup import normalized_sha256
from harness.families.verilog.lexer import mask_comments, normalize_newlines, tokenize
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
        spans.append((name.group(), toks[k].start, toks[end].end))
        k = end + 1
    return spans


def _code_regions(text: str) -> tuple[list[str], bool]:
    """The fenced Verilog blocks that hold a module (True), or the whole text (False)."""
    blocks = [body for lang, body in _FENCE.findall(text) if lang.lower() in _VERILOG_LANGS]
    with_modules = [b for b in blocks if module_spans(b)]
    return (with_modules, True) if with_modules else ([text], False)


def _gap_items(gap: str) -> tuple[list[str], str]:
    """Directive lines, and the other code (types, packages, constants) of text between modules."""
    directives = [ln for ln in gap.splitlines() if ln.strip().startswith("`")]
    code = "\n".join(ln for ln in gap.splitlines() if not ln.strip().startswith("`")).strip()
    return directives, code if mask_comments(code).strip() else ""


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
    regions, fenced = _code_regions(text)
    names = [name for name, _, _ in module_spans(regions[0])]
    if fenced and len(regions) == 1 and len(set(names)) == len(names):
        # one block, each module once: the block as written (its directives stay where they are)
        code = regions[0].strip() + "\n"
        return Candidate(code=code, meta={"modules": names, "top_found": top is None or top in names,
                                          "normalized_sha256": normalized_sha256(code)})
    for region in regions:
        spans = module_spans(region)
        if not spans:
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
    code = "\n".join([*dict.fromkeys(preamble), *dict.fromkeys(units), *modules.values()]) + "\n"
    return Candidate(code=code, meta={"modules": list(modules), "top_found": top is None or top in modules,
                                      "normalized_sha256": normalized_sha256(code)})
