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

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from harness.families.verilog.extract import module_spans
from harness.families.verilog.paramdefaults import parameter_names
from harness.families.verilog.ports import port_directions

_LINE = re.compile(r"^HWEVAL_PROBE (\S+) (\S+) (.*)$")
#: Icarus's words for a name that does not resolve (an upward reference with no scope above)
_UNBOUND = re.compile(r"[Uu]nable to bind|could not be resolved|[Uu]nable to resolve|not found in|"
                      r"[Ss]cope .* not found|unresolved")


def probe_source(modules: list[str], reference: str, answer_names: set[str]) -> str:
    """The probe module: one unconnected instance of each module, a line per parameter and port
    (only those the answer's text names, so a name it lacks is left to the test)."""
    lines = ["module hweval_probe_top;"]
    shows = []
    for k, mod in enumerate(modules):
        lines.append(f"  {mod} hweval_probe_u{k} ();")
        for param in parameter_names(reference).get(mod, []):
            if param in answer_names:
                shows.append(f'    $display("HWEVAL_PROBE {mod} P:{param} %0d", hweval_probe_u{k}.{param});')
        for port, _ in port_directions(reference, mod):
            if port in answer_names:
                shows.append(f'    $display("HWEVAL_PROBE {mod} W:{port} %0d", $bits(hweval_probe_u{k}.{port}));')
    return "\n".join([*lines, "  initial begin", "    #0;", *shows, "  end", "endmodule", ""])


def elaborate(files: list[Path], probe: str, work: Path) -> tuple[dict[str, str] | None, str]:
    """(``{"mod P:name": value}``, "") or (None, Icarus's complaint) for the probe over ``files``."""
    top = work / "hweval_probe_top.sv"
    top.write_text(probe)
    image = work / "hweval_probe.vvp"
    iverilog = shutil.which("iverilog") or "iverilog"
    # COCOTB_SIM as cocotb's runner defines it: an answer cannot tell the probe from the test's build
    built = subprocess.run([iverilog, "-g2012", "-DCOCOTB_SIM=1", "-s", "hweval_probe_top", "-o", str(image), str(top),
                            *map(str, files)], capture_output=True, text=True, timeout=60, cwd=work)
    if built.returncode != 0:
        return None, (built.stderr or built.stdout)[-600:]
    ran = subprocess.run([shutil.which("vvp") or "vvp", "-n", str(image)], capture_output=True, text=True,
                         timeout=60, cwd=work)
    out = {f"{m.group(1)} {m.group(2)}": m.group(3).strip()
           for m in map(_LINE.match, ran.stdout.splitlines()) if m}
    return out, ""


def check(answer_files: list[Path], context_files: list[Path], harness_files: list[Path], reference: str,
          modules: list[str], answer_names: set[str]) -> tuple[str, str] | None:
    """(rule, reason) when the answer's interface differs from the reference's; None when it agrees
    or when the reference itself does not elaborate under the probe (nothing to compare)."""
    own = {name.lstrip("\\") for f in answer_files for name, _, _ in module_spans(f.read_text(errors="replace"))}
    modules = [m for m in modules if m in own]
    if not modules:
        return None
    probe = probe_source(modules, reference, answer_names)
    with tempfile.TemporaryDirectory(prefix="hweval-probe-") as tmp:
        ref_dir, ans_dir = Path(tmp) / "ref", Path(tmp) / "ans"
        ref_dir.mkdir()
        ans_dir.mkdir()
        (ref_dir / "reference.sv").write_text(reference)
        want, _ = elaborate([ref_dir / "reference.sv", *context_files, *harness_files], probe, ref_dir)
        if want is None:
            return None
        got, why = elaborate([*answer_files, *context_files, *harness_files], probe, ans_dir)
    if got is None:
        if not _UNBOUND.search(why):
            return None  # a compile error of its own: the test's build reports it
        return "hierarchical_reference", ("the answer reaches a name above itself (it does not elaborate as a "
                                          f"child of a module of ours, where the reference does): {why.strip()[:300]}")
    changed = [f"{key} (reference {value}, answer {got.get(key, 'missing')})"
               for key, value in want.items() if got.get(key) != value]
    if changed:
        return "interface", f"the answer changes the reference's interface: {'; '.join(changed[:6])}"
    return None
