"""Pull Verilog code out of a model's response.

Order: fenced blocks (verilog, systemverilog, sv, v or no language) that contain a module;
otherwise bare ``module ... endmodule`` text. Several modules are allowed (helpers); when a
module name is defined more than once, the last definition wins (models often revise).
Prose with no module gives ``None`` (status ``no_code``).
"""
from __future__ import annotations

import re

from harness.families.verilog.lexer import mask_comments, tokenize
from harness.types import Candidate, sha256_text

_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+-]*)[^\n]*\n(.*?)(?:```|\Z)", re.DOTALL)
_VERILOG_LANGS = {"", "verilog", "systemverilog", "sv", "v", "vlog", "verilog2001", "svh"}
_MODULE = re.compile(r"\b(module|macromodule)\s+(\\?[A-Za-z_][\w$]*)")
_ENDMODULE = re.compile(r"\bendmodule\b")


def module_spans(code: str) -> list[tuple[str, int, int]]:
    """(name, start, end) of each complete module in ``code``; comments are ignored."""
    masked = mask_comments(code)
    spans = []
    pos = 0
    while True:
        m = _MODULE.search(masked, pos)
        if not m:
            break
        e = _ENDMODULE.search(masked, m.end())
        if not e:
            break
        spans.append((m.group(2), m.start(), e.end()))
        pos = e.end()
    return spans


def _code_regions(text: str) -> list[str]:
    blocks = [body for lang, body in _FENCE.findall(text) if lang.lower() in _VERILOG_LANGS]
    with_modules = [b for b in blocks if module_spans(b)]
    return with_modules or [text]


def extract_verilog(text: str, top: str | None = None) -> Candidate | None:
    """The modules found in ``text`` joined into one source, or None when there are none."""
    modules: dict[str, str] = {}
    preamble: list[str] = []
    for region in _code_regions(text):
        spans = module_spans(region)
        if not spans:
            continue
        head = region[: spans[0][1]]
        preamble += [ln for ln in head.splitlines() if ln.strip().startswith("`") and "timescale" not in ln]
        for name, start, end in spans:
            modules.pop(name, None)  # re-insert so the order follows the last definition
            modules[name] = region[start:end]
    if not modules:
        return None
    code = "\n".join([*dict.fromkeys(preamble), *modules.values()]) + "\n"
    return Candidate(code=code, meta={"modules": list(modules), "top_found": top is None or top in modules,
                                      "normalized_sha256": normalized_sha256(code)})


def normalized_sha256(code: str) -> str:
    """Hash of the token stream: comments and layout do not change it."""
    return sha256_text(" ".join(t.text for t in tokenize(code)))
