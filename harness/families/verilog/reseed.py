"""Stimulus a candidate cannot have recorded: the testbench's unseeded random calls draw from a
seed the harness chooses per run.

VerilogEval's testbenches draw their stimulus from ``$random`` / ``$urandom`` /
``$urandom_range`` without a seed: Icarus starts those generators from fixed states, so every run
sees the same vectors, and an answer that ignores its inputs can play back a table of the
expected outputs by time (red team round 4, item 7). In the trusted testbench text only (never
the candidate), each module that makes such calls gets two variables of its own, initialised
from :data:`SEED_MARK` (replaced per run, :func:`with_seed`), and

- ``$random`` / ``$random()`` becomes ``$random(hweval_rseed)``,
- ``$urandom`` / ``$urandom()`` becomes ``$urandom(hweval_useed)`` (Icarus steps a variable
  given to ``$urandom`` as it does for ``$random``),
- ``$urandom_range(max[, min])`` becomes ``hweval_urange(max, min)``, a function declared in the
  module with the same contract (the bounds in either order, ``min`` 0 when left out).

Calls that already name a seed are left alone. The names are renamed with the trusted suffix
like every other testbench name (:func:`harness.families.verilog.isolation.rename`), so no
candidate can name them; the seed value is only in the testbench file, which no candidate can
read (no file I/O).
"""
from __future__ import annotations

from harness.families.verilog.lexer import Token, tokenize

SEED_MARK = "/*@hweval-seed@*/0"
RSEED, USEED, URANGE = "hweval_rseed", "hweval_useed", "hweval_urange"
_UNSEEDED = {"$random": RSEED, "$urandom": USEED}
_FUNCTION = (
    f"  function automatic [31:0] {URANGE}(input [31:0] mx, input [31:0] mn);\n"
    "    reg [31:0] lo, hi;\n"
    "    begin\n"
    "      lo = mx < mn ? mx : mn;\n"
    "      hi = mx < mn ? mn : mx;\n"
    f"      {URANGE} = hi - lo == 32'hffffffff ? $urandom({USEED}) : lo + $urandom({USEED}) % (hi - lo + 1);\n"
    "    end\n"
    "  endfunction\n")


def _close(toks: list[Token], i: int) -> int | None:
    """Index of the ``)`` matching ``toks[i] == "("``."""
    depth = 0
    for j in range(i, len(toks)):
        depth += (toks[j].text == "(") - (toks[j].text == ")")
        if depth == 0:
            return j
    return None


def _edits(toks: list[Token]) -> tuple[list[tuple[int, int, str]], bool]:
    """(start, end, text) replacements of the unseeded calls in ``toks``; whether
    ``$urandom_range`` is among them."""
    edits: list[tuple[int, int, str]] = []
    ranged = False
    for i, tok in enumerate(toks):
        if tok.kind != "systask" or tok.text not in (*_UNSEEDED, "$urandom_range"):
            continue
        opens = i + 1 < len(toks) and toks[i + 1].text == "("
        end = _close(toks, i + 1) if opens else None
        if tok.text == "$urandom_range":
            if end is None:
                continue
            commas = _top_level_commas(toks, i + 1, end)
            edits.append((tok.start, toks[i + 1].end, f"{URANGE}("))
            if commas == 0:
                edits.append((toks[end].start, toks[end].start, ", 0"))
            ranged = True
        elif not opens:
            edits.append((tok.start, tok.end, f"{tok.text}({_UNSEEDED[tok.text]})"))
        elif end == i + 2:  # $random()
            edits.append((tok.start, toks[end].end, f"{tok.text}({_UNSEEDED[tok.text]})"))
    return edits, ranged


def _top_level_commas(toks: list[Token], start: int, end: int) -> int:
    depth, commas = 0, 0
    for t in toks[start + 1:end]:
        if t.text in "([{":
            depth += 1
        elif t.text in ")]}":
            depth -= 1
        elif t.text == "," and depth == 0:
            commas += 1
    return commas


def _header_end(toks: list[Token], start: int) -> int | None:
    """Index of the ``;`` that ends the module header opened at ``toks[start]``."""
    depth = 0
    for j in range(start, len(toks)):
        if toks[j].text in "([{":
            depth += 1
        elif toks[j].text in ")]}":
            depth -= 1
        elif toks[j].text == ";" and depth == 0:
            return j
    return None


def reseed(source: str) -> tuple[str, int]:
    """``source`` with its unseeded random calls drawing from per-module seed variables set from
    :data:`SEED_MARK`; and how many calls were rewritten."""
    toks = tokenize(source)
    edits: list[tuple[int, int, str]] = []
    count = 0
    starts = [i for i, t in enumerate(toks) if t.text in ("module", "program")]
    for index, start in enumerate(starts):
        end = next((j for j in range(start, len(toks)) if toks[j].text in ("endmodule", "endprogram")), len(toks))
        header = _header_end(toks, start)
        if header is None or header > end:
            continue
        calls, ranged = _edits(toks[header:end])
        if not calls:
            continue
        count += sum(1 for _, _, text in calls if text != ", 0")
        decls = (f"\n  integer {RSEED} = {SEED_MARK} + {2 * index};"
                 f"\n  integer {USEED} = {SEED_MARK} + {2 * index + 1};\n" + (_FUNCTION if ranged else ""))
        edits.append((toks[header].end, toks[header].end, decls))
        edits.extend(calls)
    for start_, end_, text in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        source = source[:start_] + text + source[end_:]
    return source, count


def with_seed(text: str, seed: int) -> str:
    """``text`` with the run's seed in place of :data:`SEED_MARK`."""
    return text.replace(SEED_MARK, str(int(seed)))
