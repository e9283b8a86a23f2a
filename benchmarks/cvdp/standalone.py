"""Inside the CVDP sandbox job: an answer stands on its own files, and its directives stop there.

- :func:`directive_tail`: CVDP compiles the answer's files before (or beside) the hidden harness's
  HDL, in one compilation, so a directive left in effect at the end of an answer file reached the
  harness: a trailing `` `timescale 1ps/1ps `` made ``tb_top.sv``'s ``always #5 clk`` run 1000
  times faster against cocotb's nanosecond timers, and a slow design met its latency (red team 10a
  S7; `` `default_nettype `` and `` `celldefine `` the same way). Each checked answer file ends with
  `` `resetall `` and the directives the reference's HDL leaves in effect at its end, so the files
  after it see what they saw when the problem was validated with the reference.
- :func:`hidden_use`: the harness's HDL is compiled with the answer, so a function, task, package
  or constant it defines at compilation-unit scope was callable from the answer (``assign p =
  scr_golden_fn(a, b)`` passed implementing nothing: red team 10a S6). The answer's files, with the
  problem's context files and without the harness, must elaborate wherever the reference's do; an
  answer that does not, for want of a name the hidden harness defines, is ``foreign_module``.
"""
from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

from harness.families.verilog.lexer import mask_comments

_DIRECTIVE = re.compile(r"`(timescale|default_nettype|celldefine|endcelldefine|resetall)\b[^\n]*")
#: names declared outside modules: packages, classes, interfaces, programs; functions and tasks;
#: parameters and localparams; typedefs (and an enum's members)
_DECLARED = (
    re.compile(r"\b(?:package|class|interface|program)\s+(?:(?:automatic|static|virtual)\s+)*([A-Za-z_][\w$]*)"),
    re.compile(r"\b(?:function|task)\b[^;(]*?([A-Za-z_][\w$]*)\s*[(;]"),
    re.compile(r"\btypedef\b[^;]*?([A-Za-z_][\w$]*)\s*;"),
)
_PARAMS = re.compile(r"\b(?:parameter|localparam)\b([^;]*);")
_ASSIGNED = re.compile(r"([A-Za-z_][\w$]*)\s*=(?!=)")
_ENUM = re.compile(r"\benum\b[^{;]*\{([^}]*)\}")
_WORD = re.compile(r"[A-Za-z_][\w$]*")


def directive_tail(reference: str) -> str:
    """`` `resetall `` and the `` `timescale ``/`` `default_nettype ``/`` `celldefine `` state the
    reference's HDL leaves in effect at its end: appended to each answer file."""
    state: dict[str, str] = {}
    for m in _DIRECTIVE.finditer(mask_comments(reference)):
        word = m.group(1)
        if word == "resetall":
            state.clear()
        elif word in ("celldefine", "endcelldefine"):
            state["cell"] = m.group(0).strip()
        else:
            state[word] = m.group(0).strip()
    kept = [v for k, v in state.items() if not (k == "cell" and v.startswith("`endcelldefine"))]
    return "\n`resetall\n" + "".join(f"{line}\n" for line in kept)


def end_directives(files: list[str], reference: str) -> None:
    """Append :func:`directive_tail` to each (checked) answer file."""
    tail = directive_tail(reference)
    for name in files:
        path = Path(name)
        path.write_text(path.read_text(errors="replace") + tail)


def _context(root: Path, answer: list[Path]) -> list[Path]:
    """The problem's own HDL files under ``code/`` other than the answer's, packages first."""
    from harness.families.verilog.extract import module_spans

    own = {n.lstrip("\\") for p in answer for n, _, _ in module_spans(p.read_text(errors="replace"))}
    found = []
    for p in sorted((root / "code").rglob("*")):
        if p.suffix.lower() not in (".v", ".sv") or p in answer or not p.is_file():
            continue
        text = p.read_text(errors="replace")
        if not {n.lstrip("\\") for n, _, _ in module_spans(text)} & own:
            found.append(p)
    return sorted(found, key=lambda p: "package" not in mask_comments(p.read_text(errors="replace")))


def _elaborate(sources: list[Path], work: Path) -> str | None:
    """Icarus's error output when ``sources`` do not elaborate together; None when they do."""
    dirs = sorted({str(p.parent) for p in sources})
    cmd = ["iverilog", "-g2012", "-o", str(work / "standalone.vvp"), *(f"-I{d}" for d in dirs), *map(str, sources)]
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=60)
    except subprocess.TimeoutExpired:
        return None  # says nothing: the real build decides
    return None if res.returncode == 0 else (res.stderr + res.stdout)


def unit_names(text: str) -> set[str]:
    """Names ``text`` declares outside its modules (see :data:`_DECLARED`)."""
    masked = _outside_modules(mask_comments(text))
    names = {m.group(1) for rx in _DECLARED for m in rx.finditer(masked)}
    names |= {m.group(1) for p in _PARAMS.finditer(masked) for m in _ASSIGNED.finditer(p.group(1))}
    names |= {w for e in _ENUM.finditer(masked) for w in _WORD.findall(re.sub(r"=[^,]*", "", e.group(1)))}
    return names


_BODIES = re.compile(r"\b(package|interface|class|program)\b.*?\bend\1\b", re.DOTALL)


def shadowing(texts: list[str], reference: str, harness_text: str) -> tuple[str, str] | None:
    """``("unit_scope", why)`` when an answer file declares at compilation-unit scope (a parameter,
    an enum member, a typedef, a function...: :func:`unit_names`) a name that the hidden harness's
    HDL uses and the reference does not declare there. Icarus compiles the answer with the harness
    in one unit, where a ``$unit`` name wins over the harness's ``import pkg::*``: an answer's
    ``localparam CMP_MASK = 0`` rewrote the mask of the harness's own comparison (red team 11a S4).
    Which names a harness file reaches through an import is not worked out: any use counts (fail
    closed). A package's, interface's or class's own declarations do not count: imported into
    ``$unit`` beside the harness's import, Icarus finds the name ambiguous and does not build."""
    used = set(_WORD.findall(mask_comments(harness_text)))
    if not used:
        return None
    ours = unit_names(reference)
    for text in texts:
        outside = _outside_modules(mask_comments(text))
        names = unit_names(_BODIES.sub(" ", outside))
        clash = sorted((names & used) - ours)
        if clash:
            return "unit_scope", (f"declares {', '.join(clash[:3])} outside its modules, a name the hidden harness's HDL "
                                  "uses: compiled with it in one unit, it would replace what the harness imports "
                                  "(declare it inside a module or a package of the answer's)")
    return None


def _outside_modules(masked: str) -> str:
    from harness.families.verilog.extract import module_spans

    for _, start, end in sorted(module_spans(masked), key=lambda s: -s[1]):
        masked = masked[:start] + " " * (end - start) + masked[end:]
    return masked


def hidden_use(files: list[str], reference: str, harness_text: str) -> tuple[str, str] | None:
    """``("foreign_module", why)`` when the answer's files do not elaborate without the hidden
    harness and name something it declares outside its modules; None otherwise (also when the
    reference itself does not elaborate without the harness). First :func:`shadowing`."""
    found = shadowing([(Path.cwd() / f).read_text(errors="replace") for f in files], reference, harness_text)
    if found is not None:
        return found
    declared = unit_names(harness_text)
    if not declared:
        return None
    root = Path.cwd()
    answer = [root / f for f in files]
    answer_text = mask_comments("\n".join(p.read_text(errors="replace") for p in answer))
    used = sorted(declared & set(_WORD.findall(answer_text)))
    if not used:
        return None
    context = _context(root, answer)
    with tempfile.TemporaryDirectory(dir=root) as tmp:
        work = Path(tmp)
        ref = work / "reference.sv"
        ref.write_text(reference)
        if _elaborate([*context, ref], work) is not None:
            return None  # the reference needs the harness too (or the context alone does not build)
        if _elaborate([*context, *answer], work) is None:
            return None  # it binds those names to its own declarations
    return "foreign_module", (f"uses {', '.join(used[:3])}, declared only in the hidden harness (the answer's "
                              "files do not elaborate without it; the reference's do)")


def unread_localparams(reference: str, root: Path) -> set[str]:
    """The reference's ``localparam`` names that no file of the hidden harness (``src/``: its tests
    and HDL) names. The interface probe compares the reference's parameter values so that an
    answer cannot resize what a test reads (``dut.WIDTH``); a ``localparam`` nothing reads is the
    design's own business (honest10 F2: one-hot state codes named like the reference's binary ones,
    a pointer one bit wider, were rejected as ``interface``)."""
    from harness.families.verilog.lexer import tokenize

    local: set[str] = set()
    toks = tokenize(reference)
    for i, t in enumerate(toks):
        if t.text != "localparam":
            continue
        depth = 0
        for j in range(i + 1, len(toks)):
            tj = toks[j]
            if tj.text in "([{":
                depth += 1
            elif tj.text in ")]}":
                depth -= 1
            elif tj.text == ";" and depth <= 0:
                break
            elif tj.kind == "ident" and depth == 0 and j + 1 < len(toks) and toks[j + 1].text == "=":
                local.add(tj.text.lstrip("\\"))
    if not local:
        return set()
    read: set[str] = set()
    for p in (root / "src").rglob("*"):
        if p.is_file():
            read |= set(_WORD.findall(p.read_text(errors="replace")))
    return local - read
