"""Inside the CVDP sandbox job: the answer's modules where the harness's own build places them.

The drive probe (:func:`benchmarks.cvdp.probe._drives`) elaborates each probed module with its
inputs connected at its default parameters, and the build's top at the build's values. A harness
wrapper sets the values itself (``tb_top`` making ``addw #(.WIDTH(16)) dut``, a ``defparam``, a
provided wrapper of the problem's context files), so a drive of an input behind a generate ``if``
on them went unseen (red team 11c S1). Here the build is compiled as cocotb's runner compiles it
(its top as the root, ``-P<top>.<name>=<value>``, ``-D``), never run; the compiled image lists
every instance with its module, its ports' widths and its parameters' values (:func:`scopes`).
Each distinct parameterisation of an answer module that a module other than the answer's makes
(the harness, a provided module, the root itself) is then elaborated with the reference's inputs
connected and those values set by ``defparam`` (:func:`drives`); an input Icarus coerces to inout
there, where the reference's is not, is ``input_driven``.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from harness.families.verilog.extract import module_spans
from harness.families.verilog.ports import port_directions

#: ``S_<id> .scope <kind>, "<instance>" "<definition>" ..., S_<parent>;`` (no parent: a root)
_SCOPE = re.compile(r'^(S_\w+) \.scope (\w+), "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)"[^;]*?(?:, (S_\w+))?;$')
_SWITCH = re.compile(r"^\s*\.scope (S_\w+);")
_PORT = re.compile(r'^\s*\.port_info \d+ /(\w+) (\d+) "((?:[^"\\]|\\.)*)";')
_PARAM = re.compile(r'^P_\w+ \.param/(\w+) "((?:[^"\\]|\\.)*)" (\d+) \d+ \d+, (.*?);(?: value=.*)?$')
_BITS = re.compile(r"(\+?)C4<([01xz]+)>")
_REAL = re.compile(r"Cr<m([0-9a-f]+)g([0-9a-f]+)>")
#: the most distinct placements probed in one build (an instance array of one value counts once)
MAX_PLACEMENTS = 64


def literal(kind: str, value: str) -> str | None:
    """A Verilog literal of the image's parameter value (``kind``: ``l`` bits, ``str``, ``real``),
    or None for a form it does not write (a parameter then keeps the module's default)."""
    if kind == "l" and (m := _BITS.fullmatch(value)):
        return f"{len(m.group(2))}'{'s' if m.group(1) else ''}b{m.group(2)}"
    if kind == "str" and value.startswith('"') and value.endswith('"'):
        return value  # the image's escapes (\042, \012) are Verilog's octal escapes
    if kind == "real" and (m := _REAL.fullmatch(value)):
        exp = int(m.group(2), 16)
        number = int(m.group(1), 16) * 2.0 ** ((exp & 0x3FFF) - 0x1000)
        text = repr(-number if exp & 0x4000 else number)
        return text if re.fullmatch(r"-?\d+(\.\d+)?(e[-+]?\d+)?", text) else None
    return None


def scopes(image: str) -> dict[str, dict[str, Any]]:
    """``{id: {"kind", "module", "parent", "params": {name: literal}, "ports": {name: (dir, width)}}}``
    for each scope of a compiled image (``module``: the definition's name)."""
    out: dict[str, dict[str, Any]] = {}
    current: dict[str, Any] | None = None
    for line in image.splitlines():
        if m := _SCOPE.match(line):
            current = out[m.group(1)] = {"kind": m.group(2), "module": m.group(4), "parent": m.group(5),
                                         "params": {}, "ports": {}}
        elif m := _SWITCH.match(line):
            current = out.get(m.group(1))
        elif current is not None and (m := _PORT.match(line)):
            current["ports"][m.group(3)] = (m.group(1).lower(), int(m.group(2)))
        elif current is not None and (m := _PARAM.match(line)) and m.group(3) == "0":  # not a localparam
            value = literal(m.group(1), m.group(4).strip())
            if value is not None:
                current["params"][m.group(2)] = value
    return out


def placements(image: str, own: set[str], targets: set[str]) -> list[tuple[str, dict[str, str], dict[str, int]]]:
    """(module, parameter values, port widths) of each distinct instance of a ``targets`` module in
    the image that no module of the answer's (``own``) makes: the answer's inner instances are its
    own business, the harness's and the provided modules' are what the test drives."""
    all_scopes = scopes(image)
    found: dict[str, tuple[str, dict[str, str], dict[str, int]]] = {}
    for scope in all_scopes.values():
        if scope["kind"] != "module" or scope["module"] not in targets:
            continue
        parent = all_scopes.get(scope["parent"] or "")
        while parent is not None and parent["kind"] != "module":
            parent = all_scopes.get(parent["parent"] or "")
        if parent is not None and parent["module"] in own:
            continue
        widths = {name: width for name, (_, width) in scope["ports"].items()}
        key = repr((scope["module"], sorted(scope["params"].items()), sorted(widths.items())))
        found.setdefault(key, (scope["module"], dict(scope["params"]), widths))
    return list(found.values())[:MAX_PLACEMENTS]


def compile_build(files: list[Path], top: str, work: Path, build: dict[str, Any] | None) -> tuple[str | None, str]:
    """(the compiled image's text, "") or (None, Icarus's complaint) for ``files`` with ``top`` as
    the root and the build's parameters and defines given as cocotb's Icarus runner gives them."""
    image = work / "hweval_build.vvp"
    params = [f"-P{top}.{name}={value}" for name, value in (build or {}).get("parameters", {}).items()]
    defines = [f"-D{name}={value}" for name, value in (build or {}).get("defines", {}).items()]
    built = subprocess.run([shutil.which("iverilog") or "iverilog", "-g2012", "-DCOCOTB_SIM=1", *defines, *params,
                            "-s", top, "-o", str(image), *map(str, files)], capture_output=True, timeout=120, cwd=work)
    if built.returncode != 0 or not image.is_file():
        return None, (built.stderr or built.stdout).decode(errors="replace")[-600:]
    return image.read_text(errors="replace"), ""


def placed_probe(placed: list[tuple[str, dict[str, str], dict[str, int]]], reference: str,
                 tag: str) -> tuple[str, dict[int, str]]:
    """The drive probe (:func:`benchmarks.cvdp.probe.drive_probe_source`) of each placement: every
    input the reference declares connected to a net as wide as the placed port, the placement's
    values set by ``defparam``; and the line of each instance."""
    lines, at = [f"module hweval_probe_{tag};"], {}
    for k, (mod, params, widths) in enumerate(placed):
        conns = []
        for j, (port, d) in enumerate(port_directions(reference, mod)):
            if d == "input":
                lines.append(f"  wire [{max(widths.get(port, 1), 1) - 1}:0] hweval_probe_d{k}_{j};")
                conns.append(f".{port} (hweval_probe_d{k}_{j})")
        if conns:
            at[len(lines) + 1] = mod
            lines.append(f"  {mod} hweval_probe_u{k} ({', '.join(conns)});")
            lines += [f"  defparam hweval_probe_u{k}.{name} = {value};" for name, value in params.items()
                      if re.fullmatch(r"[A-Za-z_]\w*", name)]
    return "\n".join([*lines, "  initial $finish;", "endmodule", ""]), at


def roots(modules: list[str], own: set[str], context_text: str) -> list[str]:
    """The modules a build can have as its top when no build names one: those of the harness or the
    context files (``context_text``) that no other such module makes, among ``modules`` (the test's
    TOPLEVELs and what the harness instantiates) or making an answer module, directly or through
    other such modules (a ``hdl_toplevel`` the runner names in Python, not in ``TOPLEVEL``)."""
    from harness.families.verilog.tbeval import instantiations

    made_by = {name.lstrip("\\"): {mod.lstrip("\\") for mod, _ in instantiations(context_text[a:b])}
               for name, a, b in module_spans(context_text)}
    made = set().union(*made_by.values()) if made_by else set()
    reaching = set(own)
    while True:
        more = {name for name, inner in made_by.items() if name not in reaching and inner & reaching}
        if not more:
            break
        reaching |= more
    return [m for m in made_by if m not in own and m not in made and (m in modules or m in reaching)]


def drives(ans_files: list[Path], ref_files: list[Path], reference: str, own: set[str], tops: list[str],
           build: dict[str, Any] | None, work: Path, tag: str) -> tuple[str, str] | None:
    """(rule, reason) when an answer module, at a placement the build of each of ``tops`` makes
    (:func:`placements`), drives one of its own inputs where the reference's does not; or when the
    answer does not compile as that build where the reference does (fail closed)."""
    from benchmarks.cvdp.probe import driven_inputs, elaborate

    targets = own & {name.lstrip("\\") for name, _, _ in module_spans(reference)}
    placed: list[tuple[str, dict[str, str], dict[str, int]]] = []
    tops = [top for top in tops if re.fullmatch(r"[A-Za-z_][\w$]*", top)] if targets else []
    for k, top in enumerate(tops):
        (work / f"build{k}" / "ref").mkdir(parents=True)
        image, why = compile_build(ans_files, top, work / f"build{k}", build)
        if image is None:
            if compile_build(ref_files, top, work / f"build{k}" / "ref", build)[0] is not None:
                return "interface", (f"the answer does not compile as the harness's build with top {top}, where the "
                                     f"reference does: {why.strip()[:300]}")
            continue
        placed += [p for p in placements(image, own, targets) if p not in placed]
    if not placed:
        return None
    probe, at = placed_probe(placed[:MAX_PLACEMENTS], reference, tag)
    defines = (build or {}).get("defines") or None
    for folder in ("ref_placed", "ans_placed"):
        (work / folder).mkdir()
    ref_out, ref_log = elaborate(ref_files, probe, work / "ref_placed", tag, defines)
    if ref_out is None:
        return None
    ans_out, ans_log = elaborate(ans_files, probe, work / "ans_placed", tag, defines)
    driven = sorted(driven_inputs(ans_log, at) - driven_inputs(ref_log, at))
    where = f"as the harness's build with top {', '.join(tops)} places it"
    if driven:
        return "input_driven", (f"the answer drives its own input {', '.join(driven[:6])} {where} (Icarus coerces it "
                                "to inout when the input is connected, as the test's harness connects it)")
    if ans_out is None:
        return "interface", (f"the answer does not elaborate {where} with the reference's inputs connected by name, "
                             f"where the reference does: {ans_log.strip()[:300]}")
    return None
