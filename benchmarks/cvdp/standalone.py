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


#: design units whose own declarations are not the compilation unit's: the keyword and its end
_UNITS = {"module": "endmodule", "macromodule": "endmodule", "package": "endpackage", "interface": "endinterface",
          "program": "endprogram", "class": "endclass", "primitive": "endprimitive", "checker": "endchecker"}


def _bodies(text: str) -> list[tuple[str, int, int]]:
    """(keyword, start, end) of each top-level design unit of ``text`` (a module, package,
    interface, class...), read on tokens: a keyword inside an escaped name (``\\x.package``), a
    comment or a string is none (red team 11c S3); ``typedef class c;`` opens nothing."""
    from harness.families.verilog.lexer import tokenize

    toks = tokenize(text)
    spans, k = [], 0
    while k < len(toks):
        word = toks[k].text if toks[k].kind == "ident" else ""
        if word == "interface" and k + 1 < len(toks) and toks[k + 1].text == "class":
            k, word = k + 1, "class"  # interface class c; ... endclass
        if word not in _UNITS or (k and toks[k - 1].text in ("typedef", "extern")):
            k += 1
            continue
        end = next((e for e in range(k + 1, len(toks)) if toks[e].kind == "ident" and toks[e].text == _UNITS[word]), None)
        if end is None:
            break
        spans.append((word, toks[k].start, toks[end].end))
        k = end + 1
    return spans


def _blank(text: str, spans: list[tuple[str, int, int]]) -> str:
    for _, start, end in sorted(spans, key=lambda s: -s[1]):
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def _local_names(body: str) -> set[str]:
    """Names a design unit's text declares for itself (parameters, enum members, typedefs,
    functions, tasks: the forms of :data:`_DECLARED`)."""
    names = {m.group(1) for rx in _DECLARED[1:] for m in rx.finditer(body)}
    names |= {m.group(1) for p in _PARAMS.finditer(body) for m in _ASSIGNED.finditer(p.group(1))}
    names |= {w for e in _ENUM.finditer(body) for w in _WORD.findall(re.sub(r"=[^,]*", "", e.group(1)))}
    return names


_IMPORT = re.compile(r"\bimport\s+([^;]*);")
_ITEM = re.compile(r"([A-Za-z_][\w$]*)\s*::\s*(\*|[A-Za-z_][\w$]*)")


def unit_scope_names(text: str) -> set[str]:
    """Names ``text`` puts in compilation-unit scope: declared outside every design unit (a
    package's, interface's or class's own declarations are not; a keyword inside an escaped name
    opens no body), and brought there by a unit-scope ``import p::name``, or ``import p::*`` of a
    package ``text`` declares (red team 11c S3: an explicit import beats the harness's wildcard)."""
    masked = mask_comments(text)
    bodies = _bodies(masked)
    outside = _blank(masked, bodies)
    names = _local_names(outside)
    own = {}
    for word, start, end in bodies:
        m = re.match(r"package\s+(?:(?:automatic|static)\s+)*([A-Za-z_][\w$]*)", masked[start:end])
        if word == "package" and m:
            own[m.group(1)] = _local_names(masked[m.end():end])
    for imp in _IMPORT.finditer(outside):
        for pkg, item in _ITEM.findall(imp.group(1)):
            names |= own.get(pkg, set()) if item == "*" else {item}
    return names - set(_UNITS) - set(_UNITS.values())


def harness_free_names(harness_text: str) -> set[str]:
    """Names the harness's HDL uses where its own design unit does not declare them: at unit scope,
    or inside a module/package/... that does not declare the name itself (one it imports, or its
    unit's). A name a harness module declares for itself wins over ``$unit`` there (honest11b F1:
    an answer's file-scope FSM enum IDLE beside a golden model's module-local IDLE replaced nothing)."""
    masked = mask_comments(harness_text)
    bodies = _bodies(masked)
    used = set(_WORD.findall(_blank(masked, bodies)))
    for _, start, end in bodies:
        body = masked[start:end]
        used |= set(_WORD.findall(body)) - _local_names(body)
    return used


def shadowing(texts: list[str], reference: str, harness_text: str) -> tuple[str, str] | None:
    """``("unit_scope", why)`` when an answer file puts in compilation-unit scope (a parameter, an
    enum member, a typedef, a function, an import...: :func:`unit_scope_names`) a name that the
    hidden harness's HDL uses without declaring it in that design unit (:func:`harness_free_names`)
    and the reference does not put there. Icarus compiles the answer with the harness in one unit,
    where a ``$unit`` name wins over the harness's ``import pkg::*``: an answer's ``localparam
    CMP_MASK = 0`` rewrote the mask of the harness's own comparison (red team 11a S4). Which names
    a harness unit reaches through an import is not worked out: any such use counts (fail closed)."""
    used = harness_free_names(harness_text)
    if not used:
        return None
    ours = unit_names(reference) | unit_scope_names(reference)
    for text in texts:
        clash = sorted((unit_scope_names(text) & used) - ours)
        if clash:
            return "unit_scope", (f"declares {', '.join(clash[:3])} outside its modules, a name the hidden harness's HDL "
                                  "uses: compiled with it in one unit, it would replace what the harness imports "
                                  "(declare it inside a module or a package of the answer's)")
    return None


def _outside_modules(masked: str) -> str:
    from harness.families.verilog.extract import module_spans

    return _blank(masked, module_spans(masked))


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
