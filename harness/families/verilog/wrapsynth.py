"""Synthesis of an answer inside its problem's trusted wrapper: the design scored is the design tested.

Some problems (``extra_sources``/``sim_top`` in a cocotb suite's ``meta.toml``) test the answer through a trusted
wrapper that instantiates the answer's module(s) at several parameter values; the answer's
default parameters may be among them or not. Scoring the answer alone, at its defaults, would
score a design no test ran (an answer may build one thing at the tested values and another at the
defaults), and its netlist could not be tested as the wrapper uses it.

So yosys reads the answer with the wrapper (``hierarchy -top <sim_top>``), each of the answer's
modules the wrapper instantiates kept whole (``keep_hierarchy`` on the wrapper's instances of them,
:func:`mark_instances`; the answer's own attributes are blanked first, :func:`harness.families.verilog.synth.strip_attributes`): every parameter set the
wrapper uses becomes one flattened netlist module, the wrapper's own logic is flattened around
them. The scores are those of the answer's instances, summed over the wrapper's instances (cells,
area) or the worst of them (depth); the reference is scored the same way. The netlist yosys writes
(the wrapper and the per-parameter-set modules, every name but the ports made internal, the
per-set modules renamed ``hweval_nl<k>_<module>``) is what the problem's tests then run on
(:mod:`harness.families.verilog.netcheck`), so each scored instance is a tested one. Yosys gets
its time limit once per instance of the answer in the wrapper (a parameter set can take far
longer than the defaults: ``rr_burst_arbiter`` at N=3 about 40 times N=4).
"""
from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from harness.suite import EvalContext

if TYPE_CHECKING:
    from harness.families.verilog.synth import SynthResult

#: the wrapper's files are written under this prefix (never clashing with the script's own files)
_PREFIX = "hweval_wrap_"
_LTP = re.compile(r"Longest topological path in \\?(\S+) \(length=(\d+)\)")


@dataclass(frozen=True)
class Wrapper:
    """A trusted wrapper: its sources (name -> text), its top module, and the answer's modules it
    instantiates (``designs``)."""

    sources: Mapping[str, str] = field(hash=False)
    sim_top: str
    designs: tuple[str, ...]

    def key(self) -> tuple[Any, ...]:
        return (sorted(self.sources.items()), self.sim_top, self.designs)


def mark_instances(text: str, designs: tuple[str, ...]) -> str:
    """``text`` (a wrapper's source) with ``(* keep_hierarchy *)`` before each of its instances of a
    module in ``designs``. The attribute is on the wrapper's instances, not on the answer's modules:
    an answer module that instantiates another of them (a decoder reusing its own encoder) is
    flattened whole, so its cells and depth include the inner one's (red team 10a S5: a kept module
    inside a kept module made yosys 0.23's ``stat -json`` unreadable, and ``ltp`` took the inner
    instance as a box of depth 0)."""
    from harness.families.verilog.tbeval import instantiation_sites

    out, pos = [], 0
    for mod, _, start in instantiation_sites(text):
        if mod.lstrip("\\") in designs:
            out += [text[pos:start], "(* keep_hierarchy *) "]
            pos = start
    return "".join(out) + text[pos:]


def script(wrapper: Wrapper, netlist: bool, netlist_file: str) -> str:
    from harness.families.verilog.latches import COMB_LATCHES, DEPTH
    from harness.families.verilog.seqcheck import SEQ_SCRIPT
    from harness.families.verilog.synth import HIDE_NAMES

    top = wrapper.sim_top
    return "\n".join([
        "read_verilog -sv -noblackbox design.sv",
        *(f"read_verilog -sv -noblackbox {_PREFIX}{name}" for name in sorted(wrapper.sources)),
        f"hierarchy -check -top {top}",
        COMB_LATCHES,
        f"synth -flatten -top {top}",
        "tee -q -o stat.json stat -json",
        *DEPTH,
        # every name but the ports made internal, then short: the netlist's size is its cells'
        *([*HIDE_NAMES, f"write_verilog -noattr {netlist_file}"] if netlist else []),
        *SEQ_SCRIPT,  # last: it deletes every combinational cell
    ]) + "\n"


def files(code: str, wrapper: Wrapper) -> dict[str, str]:
    from harness.families.verilog.latches import LATCH_MAP, LATCH_MAP_FILE

    return {"design.sv": code, LATCH_MAP_FILE: LATCH_MAP,
            **{f"{_PREFIX}{name}": mark_instances(text, wrapper.designs) for name, text in wrapper.sources.items()}}


def _totals(mods: dict[str, Any], name: str, seen: tuple[str, ...] = ()) -> dict[str, int]:
    """The primitive cells of module ``name`` with its sub-modules' counted in (by type)."""
    out: dict[str, int] = {}
    for cell, count in ((mods.get(name) or {}).get("num_cells_by_type") or {}).items():
        cell = cell.lstrip("\\")
        if cell in mods and cell not in seen:
            for sub, n in _totals(mods, cell, (*seen, name)).items():
                out[sub] = out.get(sub, 0) + n * int(count)
        else:
            out[cell] = out.get(cell, 0) + int(count)
    return out


def scores(stat_text: str, ltp_text: str, wrapper: Wrapper) -> tuple[dict[str, int], int | None, list[str], str]:
    """From yosys's ``stat -json`` and ``ltp`` output: the answer's instances' cells by type, their
    worst depth, the per-parameter-set module names, and a reason when they cannot be scored."""
    try:
        # a cell's type names a module without its leading backslash: modules are keyed the same way
        mods = {str(k).lstrip("\\"): v for k, v in json.loads(stat_text).get("modules", {}).items()}
    except (json.JSONDecodeError, AttributeError) as exc:
        return {}, None, [], f"unreadable yosys stat output: {exc}"
    top = mods.get(wrapper.sim_top) or {}
    instances = {cell.lstrip("\\"): int(n) for cell, n in (top.get("num_cells_by_type") or {}).items()
                 if cell.lstrip("\\") in mods}
    if not instances:
        return {}, None, [], f"the wrapper {wrapper.sim_top} holds no instance of the answer after synthesis"
    by_type: dict[str, int] = {}
    for cell, count in instances.items():
        for prim, n in _totals(mods, cell).items():
            by_type[prim] = by_type.get(prim, 0) + n * count
    kept = sorted(k.lstrip("\\") for k in by_type if not k.startswith("$"))
    if kept:
        return {}, None, [], f"synthesis left module(s) {', '.join(kept)} unflattened"
    derived = [m for m in mods if m != wrapper.sim_top]
    depths = [int(m.group(2)) for m in _LTP.finditer(ltp_text) if m.group(1) in derived]
    return by_type, max(depths) if depths else None, derived, ""


def rename_modules(netlist: str, derived: list[str]) -> str:
    """The netlist with each per-parameter-set module (``$paramod...``, an escaped identifier, read as
    a system task name by the integrity check) renamed ``hweval_nl<k>_<module>``."""
    for k, name in enumerate(sorted(derived)):
        if not name.startswith("$"):
            continue
        base = re.sub(r"\W", "_", name.split("\\")[1] if "\\" in name else name)
        netlist = netlist.replace(f"\\{name} ", f"hweval_nl{k}_{base} ")
    return netlist


def instance_count(wrapper: Wrapper) -> int:
    """How many instances of the answer's modules the wrapper holds (each is synthesised)."""
    from harness.families.verilog.tbeval import instantiations

    return sum(1 for text in wrapper.sources.values() for mod, _ in instantiations(text) if mod in wrapper.designs)


def wall_since(t0: float) -> float:
    return time.monotonic() - t0


def synthesize_wrapped(code: str, wrapper: Wrapper, ctx: EvalContext, netlist: bool = False) -> SynthResult:
    """:func:`harness.families.verilog.synth.synthesize` for an answer inside ``wrapper``."""
    from harness.families.verilog.seqcheck import SEQ_FILE, clocking
    from harness.families.verilog.synth import NETLIST_FILE, SynthResult, _yosys, cell_area, yosys_text

    t0 = time.monotonic()
    res, out = _yosys(ctx, files(yosys_text(code), wrapper), script(wrapper, netlist, NETLIST_FILE),
                      ("stat.json", "ltp.txt", SEQ_FILE, *([NETLIST_FILE] if netlist else [])),
                      designs=instance_count(wrapper))
    if res is None:
        return SynthResult(False, reason="yosys not found: apt-get install yosys")
    if res.infra_error:
        raise RuntimeError(f"sandbox failed while running yosys: {res.infra_error}")
    if res.timed_out:
        return SynthResult(False, reason="yosys ran past its time limit", wall_s=wall_since(t0))
    if res.returncode != 0 or "stat.json" not in out:
        from harness.proc import tail

        errors = [ln for ln in (res.stderr + res.stdout).splitlines() if "ERROR" in ln]
        return SynthResult(False, reason="\n".join(errors[:5]) or tail(res.stderr, 800), wall_s=wall_since(t0))
    by_type, depth, derived, why = scores(out["stat.json"], out.get("ltp.txt", ""), wrapper)
    if why:
        return SynthResult(False, reason=why, wall_s=wall_since(t0))
    text = rename_modules(out[NETLIST_FILE], derived) if out.get(NETLIST_FILE) else ""
    return SynthResult(True, cells=sum(by_type.values()), area=cell_area(by_type), depth=depth,
                       wall_s=wall_since(t0), by_type=by_type, netlist=text,
                       clocking=clocking(out.get(SEQ_FILE, ""), skip=wrapper.sim_top))
