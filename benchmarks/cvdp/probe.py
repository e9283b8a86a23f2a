"""Inside the CVDP sandbox job: the answer's interface as Icarus elaborates it, beside the reference's.

A CVDP test may size its stimulus from the design (``len(dut.a)``, ``int(dut.WIDTH.value)``) or
read a golden model through the hidden harness; reading the answer's text for its parameter values
and widths lost to macros, escaped names, ternaries and signedness alike (red team 9, 9c). Here the
answer's modules that the test reaches (the ``TOPLEVEL`` and every module the hidden harness
instantiates, :func:`interface_modules`) are each instantiated, unconnected, in a probe module of
ours that is the only root, and compiled with the answer's files, the problem's context files and
the harness's HDL, and the probe prints every reference parameter's value and every reference
port's ``$bits``. The same probe runs on the reference's text. The answer is ``interface`` when its
values differ, and ``hierarchical_reference`` when it does not elaborate as a child of the probe
where the reference does: a name it reaches above itself (``tb_top.u_ref.p``) has no scope there.
"""
from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

from benchmarks.cvdp.hierarchy import drives as placed_drives
from benchmarks.cvdp.hierarchy import roots
from harness.families.verilog.extract import module_spans
from harness.families.verilog.paramdefaults import parameter_names
from harness.families.verilog.ports import port_directions
from harness.families.verilog.tbeval import instantiations

_LINE = re.compile(r"^(\S+) (\S+ \S+) (.*)$")
_NO_PARAM = re.compile(r"parameter (\S+) not found")
#: Icarus elaborating an instance whose connected input port the module drives (red team 11a)
_COERCED = re.compile(r"^(\S+?):(\d+): warning: input port (\S+) is coerced to inout", re.MULTILINE)
#: Icarus's words for a name that does not resolve (an upward reference with no scope above)
_UNBOUND = re.compile(r"[Uu]nable to bind|could not be resolved|[Uu]nable to resolve|not found in|"
                      r"[Ss]cope .* not found|unresolved|No function named|unknown task|found in this context")


def probe_source(modules: list[str], reference: str, answer_names: set[str], tag: str = "HWEVAL_PROBE") -> str:
    """The probe module ``hweval_probe_<tag>`` (a name an answer cannot know, so it cannot declare it:
    9d S2): one unconnected instance of each module, a line per parameter and port (only those the
    answer's text names, so a name it lacks is left to the test)."""
    lines = [f"module hweval_probe_{tag};", *(f"  {mod} hweval_probe_u{k} ();" for k, mod in enumerate(modules))]
    shows = [s for k, mod in enumerate(modules) for s in _shows(f"hweval_probe_u{k}", mod, mod, reference, answer_names, tag)]
    return "\n".join([*lines, "  initial begin", "    #0;", *shows, "    $finish;", "  end", "endmodule", ""])


def _shows(path: str, label: str, mod: str, reference: str, answer_names: set[str], tag: str) -> list[str]:
    """The ``$display`` lines of one probed instance: each reference parameter's value and port's width."""
    shows = [f'    $display("\\n{tag} {label} P:{param} %0d", {path}.{param});'
             for param in parameter_names(reference).get(mod, []) if param in answer_names]
    return shows + [f'    $display("\\n{tag} {label} W:{port} %0d", $bits({path}.{port}));'
                    for port, _ in port_directions(reference, mod) if port in answer_names]


def set_probe_source(build: dict[str, Any], modules: list[str], reference: str, answer_names: set[str],
                     harness_text: str, tag: str) -> str | None:
    """The probe at one of the harness's parameter sets (:mod:`.params`): the build's top module with
    each of the harness's values set by a ``defparam`` (cocotb's runner sets them on the top module),
    probing that module when it is one of ``modules``, else (a harness wrapper such as ``tb_top``) the
    instances of ``modules`` the wrapper's text makes directly; None when there is nothing to probe."""
    top = build["top"]
    if top in modules:
        targets = [("hweval_probe_u0", top)]
    else:
        spans = [text[a:b] for text in [harness_text] for name, a, b in module_spans(text) if name.lstrip("\\") == top]
        targets = [(f"hweval_probe_u0.{inst}", mod) for span in spans[:1] for mod, inst in instantiations(span)
                   if mod in modules and re.fullmatch(r"[A-Za-z_]\w*", inst)]
    if not targets or not re.fullmatch(r"[A-Za-z_][\w$]*", top):
        return None
    sets = _defparams(build)
    shows = [s for path, mod in targets for s in _shows(path, path.replace("hweval_probe_u0", top), mod, reference,
                                                         answer_names, tag)]
    return "\n".join([f"module hweval_probe_{tag};", f"  {top} hweval_probe_u0 ();", *sets, "  initial begin", "    #0;",
                      *shows, "    $finish;", "  end", "endmodule", ""])


def _defparams(build: dict[str, Any]) -> list[str]:
    """A ``defparam`` line on the probe's first instance for each of the build's parameters."""
    return [f"  defparam hweval_probe_u0.{name} = {value};" for name, value in build["parameters"].items()
            if re.fullmatch(r"[A-Za-z_]\w*", name) and value.strip() and not re.search(r"[;\n]", value)]


def elaborate(files: list[Path], probe: str, work: Path, tag: str = "HWEVAL_PROBE",
              defines: dict[str, str] | None = None) -> tuple[dict[str, str] | None, str]:
    """(``{"mod P:name": value}``, "") or (None, Icarus's complaint) for the probe over ``files``
    (``defines``: the harness's, as cocotb's runner gives them to Icarus)."""
    top = work / "hweval_probe_root.sv"
    top.write_text(probe)
    image = work / "hweval_probe.vvp"
    iverilog = shutil.which("iverilog") or "iverilog"
    # COCOTB_SIM as cocotb's runner defines it: an answer cannot tell the probe from the test's build
    flags = [f"-D{name}={value}" for name, value in (defines or {}).items()]
    built = subprocess.run([iverilog, "-g2012", "-DCOCOTB_SIM=1", *flags, "-s", f"hweval_probe_{tag}", "-o", str(image),
                            str(top), *map(str, files)], capture_output=True, timeout=60, cwd=work)
    log = (built.stderr or built.stdout).decode(errors="replace")  # an answer's bytes (9d S4)
    if built.returncode != 0:
        return None, log[-600:]
    out: dict[str, str] = {}
    for line in tagged_lines([shutil.which("vvp") or "vvp", "-n", str(image)], work, tag):
        m = _LINE.match(line)
        if m and m.group(1) == tag:  # the probe's lines carry a tag the answer cannot know (red team 9c S18)
            key = m.group(2)
            out[key] = m.group(3).strip() if key not in out else "printed twice"
    return out, log


def tagged_lines(argv: list[str], cwd: Path, tag: str, timeout: float = 60) -> list[str]:
    """The lines of ``argv``'s standard output that hold ``tag``, as ``decode(errors="replace")
    .splitlines()`` of the whole output gives them (a line of the text holds the tag only within
    one newline-ended piece of the bytes, and a newline byte is never part of a UTF-8 sequence).
    The rest is dropped as it comes: an answer's ``initial`` loop printing 800 MB was read whole into
    the job's memory, then decoded and split, once per probe run, until the job's time limit.
    Past ``timeout`` the run is killed and :class:`subprocess.TimeoutExpired` raised, as ``run``'s."""
    key, keep, rest = tag.encode(), list[bytes](), b""
    expired = threading.Event()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=cwd)

    def expire() -> None:
        expired.set()
        proc.kill()
    timer = threading.Timer(timeout, expire)
    timer.start()
    try:
        assert proc.stdout is not None
        while chunk := os.read(proc.stdout.fileno(), 1 << 20):
            rest += chunk
            cut = rest.rfind(b"\n") + 1
            if cut and rest.find(key, 0, cut) >= 0:
                keep += [piece for piece in rest[:cut].split(b"\n") if key in piece]
            rest = rest[cut:]
        proc.wait()  # within the timeout too, as run's
    finally:
        timer.cancel()
        if proc.poll() is None:  # the reading raised: leave nothing running
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
    if expired.is_set():
        raise subprocess.TimeoutExpired(argv, timeout)
    pieces = [*keep, rest] if key in rest else keep
    return [line for piece in pieces for line in piece.decode(errors="replace").splitlines()]


def drive_probe_source(modules: list[str], reference: str, widths: dict[str, str],
                       tag: str = "HWEVAL_PROBE") -> tuple[str, dict[int, str]]:
    """The probe module with one instance of each module, every input port the reference declares
    connected by name to a net of the probe (as wide as the reference's port, ``widths``: the
    probe's ``"mod W:port"`` lines), and the line of each instance (Icarus names that line when it
    coerces a connected input the module drives to inout)."""
    lines, at = [f"module hweval_probe_{tag};"], {}
    for k, mod in enumerate(modules):
        conns = []
        for j, (port, d) in enumerate(port_directions(reference, mod)):
            if d != "input":
                continue
            width = widths.get(f"{mod} W:{port}", "1")
            lines.append(f"  wire [{int(width) - 1 if width.isdigit() and int(width) > 0 else 0}:0] hweval_probe_d{k}_{j};")
            conns.append(f".{port} (hweval_probe_d{k}_{j})")
        if conns:
            at[len(lines) + 1] = mod
            lines.append(f"  {mod} hweval_probe_u{k} ({', '.join(conns)});")
    # the build's warnings are what counts; the image ends at once (an answer's free-running
    # `always #1` clock kept vvp running to the job's timeout: red team 11c S5)
    return "\n".join([*lines, "  initial $finish;", "endmodule", ""]), at


def driven_inputs(log: str, at: dict[int, str]) -> set[str]:
    """``"mod.port"`` for each input of a probed instance that Icarus coerced to inout in ``log``."""
    return {f"{at[int(line)]}.{port}" for name, line, port in _COERCED.findall(log)
            if name.endswith("hweval_probe_root.sv") and int(line) in at}


def _drives(want: dict[str, str], modules: list[str], reference: str, ref_files: list[Path], ans_files: list[Path],
            tmp: Path, tag: str) -> tuple[str, str] | None:
    """(rule, reason) when a probed answer module drives one of its own inputs: each is elaborated
    with every input connected (:func:`drive_probe_source`), which no text rule's list of forms
    bounds (escaped names, port expressions, interfaces, programs, instances of any module: 11a).
    A port the reference itself drives is left alone; a build that fails only for the answer fails
    closed (a port name of the reference's that the answer's header lacks: 11a S13). At the
    defaults; the values a harness's build gives are :func:`benchmarks.cvdp.hierarchy.drives`'."""
    probe, at = drive_probe_source(modules, reference, want, tag)
    if not at:
        return None
    for folder in ("ref_drv", "ans_drv"):
        (tmp / folder).mkdir()
    ref_out, ref_log = elaborate(ref_files, probe, tmp / "ref_drv", tag)
    if ref_out is None:
        return None
    ans_out, ans_log = elaborate(ans_files, probe, tmp / "ans_drv", tag)
    driven = sorted(driven_inputs(ans_log, at) - driven_inputs(ref_log, at))
    if driven:
        return "input_driven", (f"the answer drives its own input {', '.join(driven[:6])} (Icarus coerces it to inout "
                                "when the input is connected, as the test's harness connects it)")
    if ans_out is None:
        return "interface", ("the answer does not elaborate with the reference's inputs connected by name, where the "
                             f"reference does: {ans_log.strip()[:300]}")
    return None


def _not_parameters(want: dict[str, str], modules: list[str], ref_files: list[Path], ans_files: list[Path],
                    probe: str, tmp: Path, tag: str) -> list[str]:
    """The reference parameters that the answer does not declare as parameters: each is set by a
    ``defparam`` of the probe (to the reference's own value), which only a parameter takes. Checked
    only where the reference takes them all (a ``localparam`` of the reference's is left out)."""
    lines = []
    for key, value in want.items():
        mod, kind = key.split(" ", 1)
        if kind.startswith("P:") and re.fullmatch(r"-?\d+", value):
            lines.append(f"  defparam hweval_probe_u{modules.index(mod)}.{kind[2:]} = {value};")
    if not lines:
        return []
    set_probe = probe.replace("  initial begin", "\n".join(lines) + "\n  initial begin", 1)
    for folder in ("ref_dp", "ans_dp"):
        (tmp / folder).mkdir()
    ref_out, ref_log = elaborate(ref_files, set_probe, tmp / "ref_dp", tag)
    if ref_out is None or _NO_PARAM.search(ref_log):
        return []
    ans_out, ans_log = elaborate(ans_files, set_probe, tmp / "ans_dp", tag)
    if ans_out is None:
        return ["one of its parameters"]
    return sorted(set(_NO_PARAM.findall(ans_log)))  # Icarus warns, it does not fail, on a defparam of no parameter


def check(answer_files: list[Path], context_files: list[Path] | tuple[list[Path], list[Path]], harness_files: list[Path], reference: str,
          modules: list[str], answer_names: set[str]) -> tuple[str, str] | None:
    """(rule, reason) when the answer's interface differs from the reference's; None when it agrees
    or when the reference itself does not elaborate under the probe (nothing to compare)."""
    ans_context, ref_context = context_files if isinstance(context_files, tuple) else (context_files, context_files)
    own = {name.lstrip("\\") for f in answer_files for name, _, _ in module_spans(f.read_text(errors="replace"))}
    tested, modules = modules, _reached(modules, own, ans_context)
    tag = "P" + secrets.token_hex(12)
    probe = probe_source(modules, reference, answer_names, tag)
    with tempfile.TemporaryDirectory(prefix="hweval-probe-") as tmp:
        ref_dir, ans_dir = Path(tmp) / "ref", Path(tmp) / "ans"
        ref_dir.mkdir()
        ans_dir.mkdir()
        (ref_dir / "reference.sv").write_text(reference)
        ref_files, ans_files = [ref_dir / "reference.sv", *ref_context, *harness_files], [*answer_files, *ans_context, *harness_files]
        # the answer's modules where a harness or provided wrapper places them, at its values (11c S1)
        context_text = "\n".join(f.read_text(errors="replace") for f in [*ans_context, *harness_files])
        placed = placed_drives(ans_files, ref_files, reference, own, roots(tested, own, context_text), None,
                               Path(tmp) / "placed", tag)
        if not modules:
            return placed
        want, _ = elaborate(ref_files, probe, ref_dir, tag)
        if want is None:
            return placed
        got, why = elaborate(ans_files, probe, ans_dir, tag)
        not_params = _not_parameters(want, modules, ref_files, ans_files, probe, Path(tmp), tag) if got is not None else []
        drives = _drives(want, modules, reference, ref_files, ans_files, Path(tmp), tag) if got is not None else None
    if not_params:  # `integer WIDTH = 8; initial #1 WIDTH = 1;` reads 8 at time 0 only (red team 9c S15)
        return "interface", f"the answer declares {', '.join(not_params)} as something other than a parameter"
    return _judge(want, got, why, answer_files, reference, modules) or drives or placed


def _reached(modules: list[str], own: set[str], context_files: list[Path]) -> list[str]:
    """The answer's modules among ``modules``, and those a module of the problem's context files
    among them instantiates directly: a provided wrapper as the TOPLEVEL (``top_wrap`` making the
    answer's ``mul8``) left nothing to probe (red team 11c S4)."""
    found = [m for m in modules if m in own]
    for f in context_files:
        text = f.read_text(errors="replace")
        for name, a, b in module_spans(text):
            if name.lstrip("\\") in modules and name.lstrip("\\") not in own:
                found += [mod for mod, _ in instantiations(text[a:b]) if mod in own and mod not in found]
    return found


def _judge(want: dict[str, str], got: dict[str, str] | None, why: str, answer_files: list[Path], reference: str,
           modules: list[str], where: str = "") -> tuple[str, str] | None:
    """(rule, reason) from the reference's probe lines (``want``) and the answer's (``got``, or None
    with Icarus's complaint ``why``), and the directions of the reference's ports."""
    if got is None:  # fail closed: a build only the probe fails is how a check is dodged (9d S2, S8)
        if _UNBOUND.search(why):
            return "hierarchical_reference", ("the answer reaches a name above itself (it does not elaborate as a "
                                              f"child of a module of ours{where}, where the reference does): {why.strip()[:300]}")
        return "interface", (f"the answer does not elaborate as a child of a module of ours{where} where the reference "
                             f"does, so its interface cannot be checked: {why.strip()[:300]}")
    changed = [f"{key} (reference {value}, answer {got.get(key, 'missing')})"
               for key, value in want.items() if got.get(key) != value]
    answer_text = "\n".join(f.read_text(errors="replace") for f in answer_files)
    for mod in modules:  # an input the answer declares an output it drives (9d S3)
        theirs = dict(port_directions(answer_text, mod))
        changed += [f"{mod} {port}'s direction (reference {d}, answer {theirs[port]})"
                    for port, d in port_directions(reference, mod) if d and theirs.get(port) and theirs[port] != d]
    if changed:
        return "interface", f"the answer changes the reference's interface{where}: {'; '.join(changed[:6])}"
    return None


def check_set(answer_files: list[Path], context_files: tuple[list[Path], list[Path]], harness_files: list[Path],
              reference: str, modules: list[str], answer_names: set[str], build: dict[str, Any]) -> tuple[str, str] | None:
    """:func:`check` at one of the harness's parameter sets (:func:`set_probe_source`); None when it
    has nothing to probe or the reference itself does not elaborate so (nothing to compare)."""
    own = {name.lstrip("\\") for f in answer_files for name, _, _ in module_spans(f.read_text(errors="replace"))}
    modules = [m for m in modules if m in own]
    tag = "P" + secrets.token_hex(12)
    harness_text = "\n".join(f.read_text(errors="replace") for f in harness_files)
    probe = set_probe_source(build, modules, reference, answer_names, harness_text, tag) if modules else None
    ans_context, ref_context = context_files
    with tempfile.TemporaryDirectory(prefix="hweval-probe-") as tmp:
        ref_dir, ans_dir = Path(tmp) / "ref", Path(tmp) / "ans"
        ref_dir.mkdir()
        ans_dir.mkdir()
        (ref_dir / "reference.sv").write_text(reference)
        ref_files, ans_files = [ref_dir / "reference.sv", *ref_context, *harness_files], [*answer_files, *ans_context, *harness_files]
        # the drive probe wherever the harness's build places the answer's modules, at its values (11c S1)
        drives = placed_drives(ans_files, ref_files, reference, own, [build["top"]], build, Path(tmp) / "placed", tag)
        if probe is None:  # nothing the top makes directly to compare (a wrapper of wrappers)
            return drives
        want, _ = elaborate(ref_files, probe, ref_dir, tag, build["defines"])
        if want is None:
            return drives
        got, why = elaborate(ans_files, probe, ans_dir, tag, build["defines"])
    values = ", ".join(f"{k}={v}" for k, v in [*build["parameters"].items(), *build["defines"].items()])
    return _judge(want, got, why, answer_files, reference, modules, f" at the harness's {build['top']} {values}") or drives
