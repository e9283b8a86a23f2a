"""Synthesis scores with yosys: synthesizable or not, cell count, an area estimate, logic depth.

Every passing candidate and its problem's reference are synthesised with yosys's generic flow
(``synth -flatten``, which includes ``abc``), then ``stat`` and ``ltp -noff`` (the longest
combinational path, in cells). Yosys reads Verilog attributes (``(* keep_hierarchy *)`` on an
instance keeps a sub-module out of the flattening, and the top then counts it as one cell;
``full_case``/``parallel_case`` change the logic made): every ``(* ... *)`` is blanked from the
text before yosys reads it (:func:`strip_attributes`; Icarus ignores them, so the simulated
design is the synthesised one), empty modules are not made black boxes (``-noblackbox``), and a
top module still holding a cell that is not a yosys primitive is reported as not synthesised. An
answer's area, cells and depth are reported only over ordinary sequential cells (flip-flops clocked
and reset from input ports on the reference's clock edges, no latch and no combinational loop the
reference lacks: :mod:`harness.families.verilog.seqcheck`). Area is an estimate in NAND2 gate equivalents from the generic
cell types (weights below: roughly CMOS transistor counts / 4); there is no liberty file. The
reference's result is cached in ``ctx.cache_dir`` by content hash, so it is made once per
problem, yosys version, sandbox kind and harness version, not per sample. ``-S synth=off`` skips the stage.

Optional formal equivalence (``--equiv``): yosys ``equiv_make``/``equiv_simple``/``equiv_induct``
between the reference (gold) and the candidate (gate), and for designs without flip-flops a
SAT miter that also finds counterexamples. It is recorded beside the verdict, never replacing it.
Yosys runs through the sandbox like every tool that reads candidate code.
"""
from __future__ import annotations

import json
import logging
import re
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.cache import JsonCache, harness_code_digest, key_of
from harness.families.verilog.latches import COMB_LATCHES, DEPTH, LATCH_MAP, LATCH_MAP_FILE
from harness.families.verilog.lexer import tokenize
from harness.families.verilog.netcheck import NETLIST_MAX_CHARS
from harness.families.verilog.seqcheck import SEQ_FILE, SEQ_MAX_CHARS, SEQ_SCRIPT, clocking
from harness.families.verilog.seqcheck import irregular as irregular_cells
from harness.metrics import mean_stats
from harness.proc import tail
from harness.sandbox.base import Limits
from harness.suite import COMMON_OPTIONS, EvalContext, Requirements, SuiteOptions
from harness.tools import tool_versions
from harness.types import StageResult, Status, Verdict

if TYPE_CHECKING:
    from harness.families.verilog.wrapsynth import Wrapper

log = logging.getLogger(__name__)

SYNTH_TIMEOUT_S = 120.0
Retest = Callable[[str], Verdict]  # the problem's tests on a netlist text
#: NAND2 gate equivalents of yosys's generic cells (prefix match, longest first)
CELL_AREA = {
    "$_BUF_": 1.0, "$_NOT_": 0.5, "$_NAND_": 1.0, "$_NOR_": 1.0, "$_AND_": 1.5, "$_OR_": 1.5,
    "$_ANDNOT_": 1.5, "$_ORNOT_": 1.5, "$_XOR_": 2.5, "$_XNOR_": 2.5, "$_MUX_": 3.0, "$_NMUX_": 2.5,
    "$_AOI3_": 1.5, "$_OAI3_": 1.5, "$_AOI4_": 2.0, "$_OAI4_": 2.0, "$_MUX4_": 7.0, "$_MUX8_": 14.0,
    "$_MUX16_": 28.0, "$_TBUF_": 1.5, "$_DLATCH": 4.0, "$_SR_": 3.0, "$_DFF_": 6.0, "$_DFFE_": 7.0,
    "$_SDFF_": 7.0, "$_ADFF_": 7.0, "$_ALDFF": 7.5, "$_SDFFE_": 8.0, "$_SDFFCE_": 8.0, "$_ADFFE_": 8.0,
    "$_DFFSR_": 8.0, "$_DFFSRE_": 9.0,
}
_LTP = re.compile(r"Longest topological path in \\?(\S+) \(length=(\d+)\)")


@dataclass
class SynthResult:
    synthesizable: bool
    cells: int | None = None
    area: float | None = None
    depth: int | None = None
    reason: str = ""
    wall_s: float = 0.0
    by_type: dict[str, int] = field(default_factory=dict)
    #: what drives the flip-flops' clock and asynchronous pins (:func:`seqcheck.clocking`)
    clocking: dict[str, Any] = field(default_factory=dict)
    #: yosys's netlist of the design (``write_verilog``), when asked for: not part of the record
    netlist: str = field(default="", repr=False)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("netlist")
        return out


def enabled(options: SuiteOptions) -> bool:
    return (options.get("synth", "on") or "on").lower() not in ("off", "0", "false", "no")


#: ``-S`` keys of every Verilog suite (``Suite.options_schema``)
VERILOG_OPTIONS: dict[str, str] = {
    **COMMON_OPTIONS,
    "simulator": "icarus|verilator: the simulator of cocotb suites (default icarus; also --simulator)",
    "lint": "on|off: lint the candidate before simulating (default on)",
    "synth": "on|off: synthesise with yosys for area and depth (default on)",
    "equiv": "on|off: formal equivalence against the reference (default off; also --equiv)",
}


def simulator_of(options: SuiteOptions) -> str:
    """``-S simulator=`` (``--simulator``): icarus unless verilator is asked for."""
    return options.get("simulator") or "icarus"


def verilog_verdict_options(options: SuiteOptions, *, simulated: bool) -> dict[str, Any]:
    """The settings that change a Verilog suite's verdicts (``Suite.verdict_options``): the ``-S``
    options but the driver's and ``shots`` (prompts only), the simulator with its default filled
    in where the suite runs one of the two (``simulated``), and left out where it runs Icarus
    alone (the testbench suites)."""
    from harness.suite import DRIVER_OPTIONS

    extra = {k: v for k, v in options.extra.items() if k not in DRIVER_OPTIONS and k not in ("shots", "simulator")}
    if simulated:
        extra["simulator"] = simulator_of(options)
    return {"options": dict(sorted(extra.items()))}


def verilog_requirements(options: SuiteOptions) -> Requirements:
    """The simulator's tools, and yosys when synthesis or equivalence is on (the preflight's list)."""
    tools: tuple[str, ...] = ("iverilog", "vvp") if simulator_of(options) == "icarus" else ("verilator",)
    if enabled(options) or equiv_enabled(options):
        tools += ("yosys",)
    return Requirements(tools=tools)


def equiv_enabled(options: SuiteOptions) -> bool:
    return (options.get("equiv", "off") or "off").lower() in ("on", "1", "true", "yes")


def cell_area(by_type: dict[str, int]) -> float:
    total = 0.0
    for cell, count in by_type.items():
        weight = next((w for prefix, w in sorted(CELL_AREA.items(), key=lambda kv: -len(kv[0]))
                       if cell.startswith(prefix)), 1.0)
        total += weight * count
    return round(total, 2)


def strip_attributes(code: str) -> str:
    """``code`` with every attribute instance ``(* ... *)`` blanked (newlines kept). ``@(*)`` and
    ``( * )`` are not attributes; strings and comments are skipped by the tokenizer."""
    toks = tokenize(code)
    spans = []
    i = 0
    while i + 2 < len(toks):
        opens = toks[i].text == "(" and toks[i + 1].text == "*" and toks[i].end == toks[i + 1].start
        if not opens or toks[i + 2].text == ")":
            i += 1
            continue
        j = i + 2
        while j + 1 < len(toks) and not (toks[j].text == "*" and toks[j + 1].text == ")"
                                         and toks[j].end == toks[j + 1].start):
            j += 1
        end = toks[j + 1].end if j + 1 < len(toks) else len(code)
        spans.append((toks[i].start, end))
        i = j + 2
    out, pos = [], 0
    for start, end in spans:
        out += [code[pos:start], re.sub(r"[^\n]", " ", code[start:end])]
        pos = end
    return "".join(out) + code[pos:]


def yosys_text(code: str) -> str:
    """What yosys reads of ``code``: attributes blanked, and the SystemVerilog forms yosys 0.23 does not
    parse rewritten (:mod:`harness.families.verilog.yosysfront`)."""
    from harness.families.verilog.yosysfront import for_yosys

    return for_yosys(strip_attributes(code))


NETLIST_FILE = "netlist.v"
#: before ``write_verilog``: wires and cells named by the answer (a ``generate`` loop of long block
#: names made an 18 MB netlist of no cells, too large to check) made internal, dropped where unused
HIDE_NAMES = ("rename -hide w:* c:*", "opt_clean", "rename -enumerate")


def _script(top: str, source: str = "design.sv", netlist: bool = False) -> str:
    return "\n".join([
        f"read_verilog -sv -noblackbox {source}",
        f"hierarchy -check -top {top}",
        COMB_LATCHES,
        f"synth -flatten -top {top}",
        "tee -q -o stat.json stat -json",
        *DEPTH,
        # the synthesised design as plain Verilog, every name but the ports made internal and then
        # ordinary (_N_): the netlist's size is its cells', not names the answer chose
        *([*HIDE_NAMES, f"write_verilog -noattr {NETLIST_FILE}"] if netlist else []),
        *SEQ_SCRIPT,  # last: it deletes every combinational cell
    ]) + "\n"


def _yosys(ctx: EvalContext, files: dict[str, str], script: str, outputs: Sequence[str],
           designs: int = 1) -> tuple[Any, dict[str, str]]:
    """Run yosys on ``script``; ``designs``: how many designs it synthesises (the time limit is per design)."""
    yosys = shutil.which("yosys")
    if yosys is None:
        return None, {}
    limits = Limits(**{**ctx.limits.__dict__, "wall_s": max(ctx.limits.wall_s, SYNTH_TIMEOUT_S * max(1, designs))})
    with ctx.scratch() as work:
        res = ctx.sandbox.run([yosys, "-q", "-s", "run.ys"], workdir=work, files={**files, "run.ys": script},
                              limits=limits, env={"PATH": "/usr/local/bin:/usr/bin:/bin"})
        found = {}
        for name in outputs:
            path = Path(work, name)
            if path.is_file():
                text = path.read_text(errors="replace")
                big = name in (NETLIST_FILE, SEQ_FILE)
                cap = SEQ_MAX_CHARS if name == SEQ_FILE else NETLIST_MAX_CHARS if big else 200_000
                found[name] = text[:cap] if not big or len(text) <= cap else ""  # cut: unusable
    return res, found


def synthesize(code: str, top: str, ctx: EvalContext, netlist: bool = False,
               wrapper: Wrapper | None = None) -> SynthResult:
    """Synthesise ``code`` with ``top`` as the top module (in the sandbox); ``netlist``: also
    bring back yosys's netlist (``SynthResult.netlist``); ``wrapper``: inside the problem's trusted
    wrapper, scored at the parameter sets it uses (:mod:`harness.families.verilog.wrapsynth`)."""
    if wrapper is not None:
        from harness.families.verilog.wrapsynth import synthesize_wrapped

        return synthesize_wrapped(code, wrapper, ctx, netlist)
    t0 = time.monotonic()
    res, out = _yosys(ctx, {"design.sv": yosys_text(code), LATCH_MAP_FILE: LATCH_MAP}, _script(top, netlist=netlist),
                      ("stat.json", "ltp.txt", SEQ_FILE, *([NETLIST_FILE] if netlist else [])))
    if res is None:
        return SynthResult(False, reason="yosys not found: apt-get install yosys")
    wall = time.monotonic() - t0
    if res.infra_error:
        raise RuntimeError(f"sandbox failed while running yosys: {res.infra_error}")
    if res.timed_out:
        return SynthResult(False, reason="yosys ran past its time limit", wall_s=wall)
    if res.returncode != 0 or "stat.json" not in out:
        errors = [ln for ln in (res.stderr + res.stdout).splitlines() if "ERROR" in ln]
        return SynthResult(False, reason="\n".join(errors[:5]) or tail(res.stderr, 800), wall_s=wall)
    try:
        stat = json.loads(out["stat.json"])
    except json.JSONDecodeError as exc:
        return SynthResult(False, reason=f"unreadable yosys stat output: {exc}", wall_s=wall)
    mods = stat.get("modules", {})
    entry = mods.get(f"\\{top}") or mods.get(top) or stat.get("design", {})
    by_type = {str(k): int(v) for k, v in (entry.get("num_cells_by_type") or {}).items()}
    kept = sorted(k.lstrip("\\") for k in by_type if not k.startswith("$"))
    if kept:  # a sub-module left whole: the top's numbers would leave its logic out
        return SynthResult(False, reason=f"synthesis left module(s) {', '.join(kept)} unflattened", wall_s=wall)
    depth = None
    for m in _LTP.finditer(out.get("ltp.txt", "")):
        if m.group(1) == top:
            depth = int(m.group(2))
    return SynthResult(True, cells=int(entry.get("num_cells", sum(by_type.values()))), area=cell_area(by_type),
                       depth=depth, wall_s=wall, by_type=by_type, clocking=clocking(out.get(SEQ_FILE, "")),
                       netlist=out.get(NETLIST_FILE, ""))


_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def reference_synthesis(code: str, top: str, ctx: EvalContext, wrapper: Wrapper | None = None) -> SynthResult:
    """``synthesize`` for a reference, cached (:class:`harness.cache.JsonCache`) by the code, the
    yosys version, the sandbox kind and the harness's code (the synthesis script lives there).
    A run that hit the time limit or found no yosys says nothing about the code: never cached."""
    key = key_of(code, top, tool_versions().get("yosys"), ctx.sandbox.name, harness_code_digest(),
                 *(wrapper.key() if wrapper is not None else ()))[:24]
    cache = JsonCache(Path(ctx.cache_dir, "synth"), label="synthesis cache", flat=True) if ctx.cache_dir else None
    with _locks_guard:
        lock = _locks.setdefault(key, threading.Lock())
    with lock:
        record = cache.get(key) if cache is not None else None
        if isinstance(record, dict):
            try:
                return SynthResult(**record)
            except TypeError:
                log.debug("ignoring a synthesis cache entry of another layout (%s)", key)
        result = synthesize(code, top, ctx, wrapper=wrapper)
        if cache is not None and not result.reason.startswith(_TRANSIENT):
            cache.put(key, result.to_json())
        return result


#: reasons of a synthesis result that depend on the machine, not the code
_TRANSIENT = ("yosys not found", "yosys ran past its time limit")


def _ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b <= 0:
        return None
    return round(a / b, 4)


def equivalence(reference: str, code: str, top: str, ctx: EvalContext) -> StageResult:
    """Formal equivalence of ``code`` against ``reference`` (both with module ``top``)."""
    t0 = time.monotonic()
    load = [
        "read_verilog -sv gold.sv", f"hierarchy -top {top}", "proc", "flatten", "opt_clean",
        f"rename {top} gold", "design -stash gold",
        "read_verilog -sv gate.sv", f"hierarchy -top {top}", "proc", "flatten", "opt_clean",
        f"rename {top} gate", "design -stash gate",
        "design -copy-from gold -as gold gold", "design -copy-from gate -as gate gate",
    ]
    # Without state a SAT miter proves or refutes; with state equiv_* proves or stays unsure.
    comb = [*load, "miter -equiv -flatten -make_assert -ignore_gold_x gold gate miter", "hierarchy -top miter",
            "tee -o sat.txt sat -verify -prove-asserts -enable_undef -set-def-inputs -show-ports miter"]
    seq = [*load, "async2sync", "equiv_make gold gate equiv", "hierarchy -top equiv", "equiv_simple -seq 5",
           "equiv_induct -seq 5", "tee -o equiv.txt equiv_status"]
    files = {"gold.sv": yosys_text(reference), "gate.sv": yosys_text(code)}
    stateful = _has_state(reference) or _has_state(code)
    res, out = _yosys(ctx, files, "\n".join(seq if stateful else comb) + "\n", ("sat.txt", "equiv.txt"))
    wall = time.monotonic() - t0
    if res is None:
        return StageResult("not_run", "yosys not found", wall)
    if res.infra_error:
        return StageResult("infra_error", res.infra_error, wall)
    if not stateful:
        text = out.get("sat.txt", "")
        if res.returncode == 0 and "SUCCESS!" in text:
            return StageResult("pass", "proven equivalent (SAT miter)", wall, {"method": "sat"})
        if "FAIL!" in text or "failed" in res.stderr.lower():
            return StageResult("fail", "counterexample found (SAT miter)", wall, {"method": "sat"})
        return StageResult("unknown", tail(res.stderr, 600), wall, {"method": "sat"})
    text = out.get("equiv.txt", "")
    m = re.search(r"Of those cells (\d+) are proven and (\d+) are unproven", text)
    if res.returncode == 0 and ("Equivalence successfully proven" in text or (m and m.group(2) == "0")):
        return StageResult("pass", "proven equivalent (equiv_induct)", wall, {"method": "equiv"})
    reason = f"{m.group(2)} unproven equivalence points" if m else tail(res.stderr, 600)
    return StageResult("unknown", reason, wall, {"method": "equiv"})


def _has_state(code: str) -> bool:
    return bool(re.search(r"\b(posedge|negedge)\b|\balways_ff\b|\balways_latch\b", code))


def add_synthesis(verdict: Verdict, code: str, reference: str | None, top: str, ctx: EvalContext,
                  options: SuiteOptions, retest: Retest | None = None, wrapper: Wrapper | None = None) -> Verdict:
    """Add the ``synth`` (and ``equiv``) stages and the area/depth ratios to a passing verdict.

    ``retest(netlist)``: the problem's own tests run on yosys's netlist of the answer
    (:mod:`harness.families.verilog.netcheck`): a netlist that fails them makes the answer not
    synthesizable (the design scored must be the design tested). ``wrapper``: the problem's
    trusted wrapper; answer and reference are synthesised and scored inside it, and the netlist
    given to ``retest`` is the wrapper's (:mod:`harness.families.verilog.wrapsynth`).
    """
    if verdict.status != Status.PASS or not enabled(options) or shutil.which("yosys") is None:
        return verdict
    ref = reference_synthesis(reference, top, ctx, wrapper) if reference else None
    same = reference is not None and " ".join(code.split()) == " ".join(reference.split())
    cand = ref if same and ref is not None else synthesize(code, top, ctx, netlist=retest is not None,
                                                           wrapper=wrapper)
    known = ref if ref is not None and ref.synthesizable else None
    irregular = irregular_cells(cand.by_type, cand.clocking, known.by_type if known else None,
                                known.clocking if known else None) if cand.synthesizable and not same else ""
    if irregular:  # seqcheck: no area, cells or depth; the verdict stands
        cand = replace(cand, cells=None, area=None, depth=None,
                       reason=f"{cand.reason}; area, cells and depth not scored: {irregular}".lstrip("; "))
    checked: dict[str, Any] | None = None
    if retest is not None and cand.synthesizable and not same:
        from harness.families.verilog.netcheck import netlist_check

        cand, checked = netlist_check(cand, retest)
    data: dict[str, Any] = {"candidate": cand.to_json(), "reference": ref.to_json() if ref else None,
                            **({"netlist": checked} if checked is not None else {})}
    verdict.stages["synth"] = StageResult("pass" if cand.synthesizable else "fail", cand.reason, cand.wall_s, data)
    metrics: dict[str, Any] = {"synthesizable": cand.synthesizable}
    if cand.synthesizable:
        metrics.update(cells=cand.cells, area=cand.area, depth=cand.depth)
        if ref is not None and ref.synthesizable:
            metrics.update(ref_cells=ref.cells, ref_area=ref.area, ref_depth=ref.depth,
                           cells_ratio=_ratio(cand.cells, ref.cells), area_ratio=_ratio(cand.area, ref.area),
                           depth_ratio=_ratio(cand.depth, ref.depth))
    if equiv_enabled(options) and reference:
        eq = equivalence(reference, code, top, ctx)
        verdict.stages["equiv"] = eq
        metrics["equivalent"] = {"pass": True, "fail": False}.get(eq.status)
    verdict.metrics.update(metrics)
    return verdict


def verilog_suite_metrics(records: Sequence[dict[str, Any]], seed: int = 0) -> dict[str, Any]:
    """Synthesizable rate and area/depth ratios over passing samples, plus failure classes."""
    passing = [r for r in records if r.get("status") == Status.PASS and "synthesizable" in (r.get("metrics") or {})]
    out: dict[str, Any] = {}
    if passing:
        out["synth_rate"] = mean_stats([1.0 if r["metrics"]["synthesizable"] else 0.0 for r in passing], seed=seed)
        for key in ("area_ratio", "cells_ratio", "depth_ratio"):
            vals = [float(r["metrics"][key]) for r in passing if r["metrics"].get(key) is not None]
            out[key] = mean_stats(vals, seed=seed)
        eq = [r["metrics"]["equivalent"] for r in passing if "equivalent" in r["metrics"]]
        if eq:
            out["equiv_proven_rate"] = mean_stats([1.0 if e else 0.0 for e in eq], seed=seed)
    classes: dict[str, int] = {}
    for r in records:
        for stage in (r.get("stages") or {}).values():
            cls = (stage.get("data") or {}).get("class") if isinstance(stage, dict) else None
            if cls and r.get("status") != Status.PASS:
                classes[cls] = classes.get(cls, 0) + 1
    if classes:
        out["failure_classes"] = dict(sorted(classes.items()))
    return out
