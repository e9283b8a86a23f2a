"""Integrity rules for Verilog candidates (DESIGN.md, "Integrity rules").

A candidate may not touch files or the host, end the simulation itself, or pull in other
files: that is how a design could forge a verdict or read a secret. The scan runs on the
source with comments and strings masked; a rule broken gives ``rejected`` with the rule named.
"""
from __future__ import annotations

from harness.families.verilog.lexer import tokenize

FILE_TASKS = {
    "$fopen", "$fclose", "$fwrite", "$fwriteb", "$fwriteh", "$fwriteo", "$fdisplay", "$fdisplayb",
    "$fdisplayh", "$fdisplayo", "$fmonitor", "$fmonitorb", "$fmonitorh", "$fmonitoro", "$fstrobe",
    "$fstrobeb", "$fstrobeh", "$fstrobeo", "$fscanf", "$fgets", "$fgetc", "$fread", "$ungetc",
    "$fflush", "$fseek", "$ftell", "$rewind", "$ferror", "$feof", "$readmemh", "$readmemb",
    "$writememh", "$writememb", "$dumpfile", "$dumpvars", "$dumpall", "$dumpflush", "$dumpon",
    "$dumpoff", "$dumpports", "$sreadmemh", "$sreadmemb",
}
HOST_TASKS = {"$system", "$getenv", "$test$plusargs", "$value$plusargs"}
END_TASKS = {"$finish", "$stop", "$exit", "$finish_and_return"}
FORBIDDEN_DIRECTIVES = {"`include"}


def violations(code: str) -> list[tuple[str, str]]:
    """(rule, detail) for each broken rule; empty when the candidate is clean."""
    found: list[tuple[str, str]] = []
    for tok in tokenize(code):
        if tok.kind == "systask":
            name = tok.text.lower()
            if name in FILE_TASKS:
                found.append(("file_io", f"{tok.text} (candidates may not read or write files)"))
            elif name in HOST_TASKS:
                found.append(("host_access", f"{tok.text} (candidates may not reach the host)"))
            elif name in END_TASKS:
                found.append(("early_finish", f"{tok.text} (only the testbench ends a simulation)"))
        elif tok.kind == "directive" and tok.text in FORBIDDEN_DIRECTIVES:
            found.append(("include", f"{tok.text} (candidates must be self-contained)"))
    toks = tokenize(code)
    for a, b in zip(toks, toks[1:], strict=False):
        if a.text in ("import", "export") and b.kind == "string" and b.text.startswith('"DPI'):
            found.append(("dpi", "DPI imports are not allowed"))
    seen: set[str] = set()
    unique = []
    for rule, detail in found:
        if detail not in seen:
            seen.add(detail)
            unique.append((rule, detail))
    return unique
