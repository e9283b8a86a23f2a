"""Evaluate a Verilog candidate against a self-checking Verilog testbench (VerilogEval, RTLLM).

Icarus runs inside the sandbox (``harness.jobs.iverilog_job``): the candidate is checked as the
compiler sees it (preprocessed, against allowlists: :mod:`harness.families.verilog.integrity`),
then ``iverilog -g2012 -Wall -Winfloop -Wno-timescale -s <tb>`` compiles the checked text with
the testbench, then ``vvp -n`` runs it, each with a timeout, output drained.

Verdicts cannot be forged (docs/integrity.md, "Verilog"):

- The testbench sources are prepared once per problem (:mod:`harness.families.verilog.isolation`):
  every name of theirs the design does not share is renamed with a per-process random suffix,
  so the one build of each candidate fails when the candidate instantiates the reference or a
  testbench module, or reaches into the testbench (``tb.stats1.errors``, ``good1.out`` by upward
  name resolution, a testbench task called by its name); the log names what it tried to reach
  and the verdict is ``rejected``. Connections to the design's inputs (and the reference
  model's) are one-way (:mod:`harness.families.verilog.ports`): forcing or over-driving its own
  inputs changes nothing the testbench or the reference sees.
- The testbench's verdict prints (``Mismatches: N in M samples``, ``... Your Design Passed ...``)
  and VerilogEval's ``TIMEOUT`` watchdog go to a pipe only the testbench writes; what the
  simulator prints on its output is never read as a verdict. Exactly one verdict line per run,
  or ``rejected``. Defence in depth: a passing VerilogEval candidate must also have run as many
  samples as the reference did.

Failures carry VerilogEval's classes (``scripts/sv-iv-analyze``): S syntax error, e explicit
cast needed, 0 zero-width constant, n no sensitivities, w assignment to a wire, m unknown module,
p unbound signal, c unbound clk, C other compile error, T timeout, r reset-related mismatch,
R mismatch.
"""
from __future__ import annotations

import re
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from harness.families.verilog import isolation
from harness.families.verilog.cocotb_eval import (
    integrity_outcome,
    job_error_verdict,
    missing_top_verdict,
    stages_from,
)
from harness.families.verilog.keywords import KEYWORDS
from harness.families.verilog.lexer import mask_comments, tokenize
from harness.proc import tail
from harness.sandbox.base import ExecResult
from harness.suite import EvalContext
from harness.tools import require, tool_bin_dirs
from harness.types import Candidate, StageResult, Status, Verdict

ICARUS_FLAGS = ("-g2012", "-Wall", "-Winfloop", "-Wno-timescale")
RAW_FILE = "answer.sv"  # the answer as given; the job preprocesses it into DESIGN_FILE
DESIGN_FILE = "design.sv"
RESET_FILE = "hweval_reset.sv"  # after the design: its directives do not reach the testbench
SIM_TIMEOUT_S = 30.0  # VerilogEval's own limit on vvp

FAILURE_CLASSES = {
    "S": "syntax error", "e": "explicit cast required", "0": "sized constant of zero width",
    "n": "process with no sensitivities", "w": "procedural assignment to a wire",
    "m": "unknown module type", "p": "unable to bind a signal", "c": "unable to bind clk",
    "C": "compile error", "T": "timeout", "r": "mismatch (reset in a sensitivity list)",
    "R": "mismatch", "X": "runtime error",
}

_PASS_TEXT = re.compile(r"your\s+design\s+passed", re.IGNORECASE)
_MISMATCH_LINE = re.compile(r"Mismatches:\s*(\d+)\s+in\s+(\d+)\s+samples")
_RESET_EDGE = re.compile(r"(posedge|negedge)\s+reset\b|posedge\s+r\)")
_TIMESCALE = re.compile(r"^[ \t]*`timescale[^\n]*", re.MULTILINE)


@dataclass(frozen=True)
class Testbench:
    """Everything the checker side of one problem needs (stored in ``Problem.data["tb"]``)."""

    __test__ = False  # not a pytest class

    files: dict[str, str]  # testbench sources, reference model, data files the testbench reads
    before: tuple[str, ...]  # sources compiled before the candidate, in order
    after: tuple[str, ...]  # sources compiled after it
    root: str  # the testbench's root module (iverilog -s)
    verdict: str  # "mismatches" (VerilogEval) | "passline" (RTLLM)
    tb_file: str  # the file that prints the verdict
    sources: tuple[str, ...] = field(default=())  # every Verilog source among ``files``
    #: names the testbench shares with the design: its module name, ports and parameters
    keep: tuple[str, ...] = field(default=())
    top: str = ""  # the design's module
    #: the design's ports (name, direction) from the reference: inputs are connected one-way
    ports: tuple[tuple[str, str], ...] = field(default=())
    #: modules instantiated beside the design with its ports (the reference model): their inputs
    #: are connected the same way, so both see the stimulus with the same timing
    mirrors: tuple[str, ...] = field(default=())
    #: whether the testbench's unseeded random calls draw from a fresh seed each run (None: when
    #: ``verdict`` is "mismatches", VerilogEval's testbenches, which compare against a reference
    #: model live; RTLLM's often compare against fixed expected values, so the RTLLM suite sets it
    #: per problem after a trial of the reference: :mod:`harness.families.verilog.stimulus`)
    reseed: bool | None = None

    def to_data(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Testbench:
        return cls(files=dict(data["files"]), before=tuple(data["before"]), after=tuple(data["after"]),
                   root=data["root"], verdict=data["verdict"], tb_file=data["tb_file"],
                   sources=tuple(data.get("sources") or (*data["before"], *data["after"])),
                   keep=tuple(data.get("keep") or ()), top=str(data.get("top") or ""),
                   ports=tuple((str(n), str(d)) for n, d in data.get("ports") or ()),
                   mirrors=tuple(data.get("mirrors") or ()), reseed=data.get("reseed"))

    @property
    def reseeded(self) -> bool:
        return self.verdict == "mismatches" if self.reseed is None else bool(self.reseed)

    def prepared(self) -> isolation.Prepared:
        """The sources as compiled: trusted names renamed, verdict prints sent to the channel,
        connections to the design's inputs one-way."""
        ports = {name: self.ports for name in (self.top, *self.mirrors)} if self.top and self.ports else None
        return isolation.prepare(self.files, self.sources, self.root, self.keep, route=(self.tb_file, self.verdict),
                                 ports=ports, reseed_random=self.reseeded)


def verdict_prints(tb_source: str, verdict: str) -> int:
    """How many verdict prints the testbench has; ValueError when it has none."""
    if verdict not in ("mismatches", "passline"):
        raise ValueError(f"unknown verdict kind {verdict!r}")
    _, count = isolation.route_verdicts(tb_source, verdict)
    if not count:
        what = "$display(\"Mismatches: ...\")" if verdict == "mismatches" else "a \"Your Design Passed\" display"
        raise ValueError(f"the testbench has no {what}")
    return count


NOT_MODULES = KEYWORDS | {"string", "void"}


def _close(toks: list[Any], i: int) -> int | None:
    depth = 0
    for j in range(i, len(toks)):
        if toks[j].text == "(":
            depth += 1
        elif toks[j].text == ")":
            depth -= 1
            if depth == 0:
                return j
    return None


def instantiations(src: str) -> list[tuple[str, str]]:
    """(module, instance) for each ``Mod [#(...)] inst [range] (`` in ``src``."""
    return [(mod, inst) for mod, inst, _ in instantiation_sites(src)]


def instantiation_sites(src: str) -> list[tuple[str, str, int]]:
    """(module, instance, offset of the module's name) for each instantiation in ``src``."""
    toks = tokenize(src)
    out: list[tuple[str, str, int]] = []
    for i, tok in enumerate(toks):
        if tok.kind != "ident" or tok.text in NOT_MODULES or (i and toks[i - 1].text in (".", "module")):
            continue
        j = i + 1
        if j < len(toks) and toks[j].text == "#":
            if j + 1 < len(toks) and toks[j + 1].text == "(":
                end = _close(toks, j + 1)
                if end is None:
                    continue
                j = end + 1
            else:
                j += 2
        # the instance's name is no keyword: ``begin : g_regs reg [W-1:0] stage ...`` is a block label
        # and a declaration (credit_link's wrapper: ``(* keep_hierarchy *)`` was put after the colon)
        if (j + 1 < len(toks) and toks[j].kind == "ident" and toks[j].text not in NOT_MODULES
                and toks[j + 1].text in ("(", "[")):
            out.append((tok.text, toks[j].text, tok.start))
    return out


def static_verdict(candidate: Candidate, top: str, tb: Testbench) -> Verdict | None:
    """What can be said before any sandbox: a missing top module (class ``m``)."""
    bad = missing_top_verdict(candidate, top)
    if bad is not None:
        bad.stages["syntax"].data["class"] = "m"
    return bad


# -- VerilogEval's failure classes --------------------------------------------------------------
def compile_class(log: str) -> str:
    """The class VerilogEval's analyzer gives a compile log (first matching rule wins)."""
    error_p = False
    for line in log.splitlines():
        if "syntax error" in line:
            return "S"
        if "error: This assignment requires an explicit cast" in line:
            return "e"
        if "error: Sized numeric constant must have a size greater than zero" in line:
            return "0"
        if "always_comb process has no sensitivities" in line or "found no sensitivities" in line:
            return "n"
        if "is declared here as wire" in line:
            return "w"
        if "Unknown module type" in line:
            return "m"
        if "Unable to bind wire/reg/memory `clk'" in line:
            return "c"
        if "Unable to bind wire/reg" in line:
            error_p = True
    return "p" if error_p else "C"


def mismatch_class(compile_log: str, code: str) -> str:
    if "always_comb process has no sensitivities" in compile_log or "found no sensitivities" in compile_log:
        return "n"
    return "r" if _RESET_EDGE.search(mask_comments(code)) else "R"


# -- evaluation -----------------------------------------------------------------------------
def reset_directives(tb: Testbench) -> str:
    """What follows the design: `` `resetall`` and the timescale the files before it set, so that
    the design's `` `default_nettype``, `` `timescale``... never reach the testbench."""
    found = [m.group() for name in tb.before for m in _TIMESCALE.finditer(tb.files.get(name, ""))]
    return "`resetall\n" + (found[-1].strip() + "\n" if found else "")


@contextmanager
def _unmade_scratch(ctx: EvalContext) -> Iterator[Path]:
    """A scratch path that is made only if the sandbox needs it: a warm worker collecting nothing
    back never does (it works in its own folder), a one-shot run does; removed afterwards."""
    path = Path(ctx.scratch_root or tempfile.gettempdir()) / f"hweval-{secrets.token_hex(12)}"
    try:
        yield path
    finally:
        if path.exists():
            shutil.rmtree(path, ignore_errors=True)


def sim_timeout_for(wall_s: float) -> float:
    """vvp's wall limit for a sample limit of ``wall_s`` (``--timeout``): VerilogEval's 30 s at the
    default 60 s, less for a shorter limit, and raised by a longer one (half of it, up to three
    quarters), so a loaded machine can give a slow simulation time instead of a timeout verdict."""
    return max(1.0, min(max(SIM_TIMEOUT_S, wall_s * 0.5), wall_s * 0.75))


def run_testbench(candidate: Candidate, tb: Testbench, ctx: EvalContext) -> tuple[dict[str, StageResult], Any]:
    """Check, compile and simulate in the sandbox; (stages, (ExecResult, repeated stage or None))."""
    require("iverilog")
    require("vvp")
    prepared = tb.prepared()
    nonce = secrets.token_hex(16)
    seed = secrets.randbelow(2**31 - 1024) + 1  # the stimulus seed: only in the testbench's text
    files = {**prepared.files_for_run(seed), RAW_FILE: candidate.code, RESET_FILE: reset_directives(tb)}
    wall = ctx.limits.wall_s
    sim_timeout = sim_timeout_for(wall)
    job = {"nonce": nonce, "design": RAW_FILE, "compiled": DESIGN_FILE, "roots": sorted(prepared.designs),
           "sources": [*tb.before, DESIGN_FILE, RESET_FILE, *tb.after], "root": prepared.root,
           "flags": list(ICARUS_FLAGS),
           "compile_timeout_s": max(10.0, wall * 0.5), "sim_timeout_s": sim_timeout,
           "channel_fd": isolation.CHANNEL_FD}
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin"}
    limits = ctx.limits.__class__(**{**ctx.limits.__dict__, "wall_s": max(10.0, wall * 0.5) + sim_timeout + 25})
    with ctx.scratch() if ctx.keep_scratch else _unmade_scratch(ctx) as work:
        res = ctx.sandbox.run_job("harness.jobs.iverilog_job", job, workdir=work, files=files, limits=limits,
                                  env=env, ro_paths=tool_bin_dirs(), collect=None if ctx.keep_scratch else ())
    stages, repeated = stages_from(res, nonce)
    if prepared.seeded and "function" in stages:  # recorded, so a failure can be replayed
        stages["function"].data["tb_seed"] = seed
    return stages, (res, repeated)


GoldenFn = Callable[[dict[str, Any]], "dict[str, Any] | None"]


def _compile_verdict(res: ExecResult, stages: dict[str, StageResult], tb: Testbench, wall: float,
                     logs: dict[str, str]) -> tuple[Verdict | None, str]:
    """The verdict when the answer did not get past compiling (None when it compiled), and the
    compile log (its tail also goes in ``logs["compile"]``)."""
    syntax = stages.get("syntax")
    if syntax is None:
        if res.timed_out:
            return Verdict(Status.TIMEOUT, reason="the sandbox wall-time limit was reached", wall_s=wall, logs=logs), ""
        if "integrity" in stages:  # the answer was checked, then its compilation died with the job
            return Verdict(Status.RUNTIME_ERROR, reason=f"the job ended while compiling the answer (exit "
                           f"{res.returncode}: a limit or a crash)\n" + tail(res.stderr, 1500),
                           stages=stages, wall_s=wall, logs=logs), ""
        return Verdict(Status.INFRA_ERROR, reason=f"iverilog job failed (exit {res.returncode}): "
                       + tail(res.stderr, 1500), wall_s=wall, logs=logs), ""
    compile_log = syntax.data.pop("log", "")
    if compile_log:
        logs["compile"] = tail(compile_log, 4000)
    if syntax.status in ("infra_error", "timeout"):
        syntax.data.update({"class": "T"} if syntax.status == "timeout" else {})
        return Verdict(Status(syntax.status), reason=syntax.reason, stages=stages, wall_s=wall, logs=logs), compile_log
    reach = isolation.reach_rule(compile_log, tb.prepared().trusted)
    if reach is not None:
        rule, what = reach
        stages["integrity"] = StageResult("rejected", f"the answer {what}", data={"rule": rule})
        return (Verdict(Status.REJECTED, reason=f"the answer {what}", rule=rule, stages=stages, wall_s=wall,
                        logs=logs), compile_log)
    if syntax.status != "pass":
        cls = compile_class(compile_log)
        syntax.data["class"] = cls
        syntax.reason = f"{FAILURE_CLASSES[cls]}: " + _first_errors(compile_log)
        return Verdict(Status.SYNTAX_ERROR, reason=syntax.reason, stages=stages, wall_s=wall, logs=logs), compile_log
    return None, compile_log


def judge_testbench(candidate: Candidate, tb: Testbench, ctx: EvalContext, golden: GoldenFn | None = None) -> Verdict:
    """Run the testbench and turn what it sent over its channel into a verdict.

    ``golden(data)`` gives what the reference did on this testbench (``samples``, ``watchdog``),
    or None when unknown; a VerilogEval pass must run as many samples, and the testbench's own
    ``TIMEOUT`` watchdog only counts against the candidate when the reference does not hit it.
    Sets ``candidate.meta["compiled"]`` (the text the build compiled).
    """
    start = time.monotonic()
    stages, (res, repeated) = run_testbench(candidate, tb, ctx)
    wall = time.monotonic() - start
    if res.infra_error:
        return Verdict(Status.INFRA_ERROR, reason=res.infra_error, wall_s=wall)
    if repeated:
        return Verdict(Status.REJECTED, reason=f"the {repeated!r} stage reported more than once",
                       rule="one_verdict", stages=stages, wall_s=wall)
    logs: dict[str, str] = {}
    if res.stderr.strip():
        logs["stderr"] = tail(res.stderr, 2000)
    checked = integrity_outcome(stages, candidate, wall)
    if checked is not None:
        checked.logs = logs
        return checked
    failed = job_error_verdict(stages, wall, logs)
    if failed is not None:
        return failed
    compiled, compile_log = _compile_verdict(res, stages, tb, wall, logs)
    if compiled is not None:
        return compiled
    function = stages.get("function")
    if function is None:
        reason = "the simulation ended without a report" + (" (sandbox time limit)" if res.timed_out else "")
        status = Status.TIMEOUT if res.timed_out else Status.RUNTIME_ERROR  # it died running the answer
        return Verdict(status, reason=reason, stages=stages, wall_s=wall, logs=logs)
    if function.status == "infra_error":  # the job could not start the simulator (vvp missing)
        return Verdict(Status.INFRA_ERROR, reason=function.reason, stages=stages, wall_s=wall, logs=logs)
    data = function.data
    sim_tail = data.pop("tail", "")
    verdict = _function_verdict(function, tb.verdict, compile_log, candidate.code)
    if verdict.status == Status.PASS and tb.verdict == "mismatches":
        _check_golden(verdict, function, golden(dict(function.data)) if golden else None)
    verdict.stages = stages
    verdict.wall_s = wall
    if verdict.status != Status.PASS and sim_tail:
        logs["sim"] = tail(sim_tail, 4000)
    verdict.logs = logs
    return verdict


def _first_errors(log: str, n: int = 5) -> str:
    lines = [ln for ln in log.splitlines() if "error" in ln.lower() or "sorry" in ln.lower()]
    return "\n".join(lines[:n]) or tail(log, 800)


def _check_golden(verdict: Verdict, function: StageResult, ref: dict[str, Any] | None) -> None:
    samples, watchdog = function.data.get("samples", 0), function.data.get("watchdog", False)
    if watchdog and not (ref and ref.get("watchdog")):
        verdict.status, function.status = Status.TIMEOUT, str(Status.TIMEOUT)
        function.data["class"] = "T"
        verdict.reason = function.reason = "timeout: the testbench's own watchdog fired (TIMEOUT)"
    elif ref and ref.get("samples") is not None and samples < ref["samples"]:
        verdict.status, function.status = Status.FAIL, str(Status.FAIL)
        function.data["class"] = "R"
        verdict.reason = function.reason = (f"the testbench ran {samples} samples, the reference runs "
                                            f"{ref['samples']}: the simulation ended early")


def _function_verdict(function: StageResult, kind: str, compile_log: str, code: str) -> Verdict:
    data = function.data
    channel: list[str] = data.pop("channel", [])
    watchdog = any(ln.strip() == isolation.WATCHDOG for ln in channel)
    if kind == "mismatches":
        found = [m for m in map(_MISMATCH_LINE.search, channel) if m]
    else:
        found = [m for m in map(_PASS_TEXT.search, channel) if m]
    timed_out = function.status == "timeout" or (watchdog and not (kind == "mismatches" and found))

    def done(status: Status, cls: str | None, reason: str, rule: str | None = None) -> Verdict:
        function.status = str(status)
        function.reason = reason
        if cls:
            data["class"] = cls
        return Verdict(status, reason=reason, rule=rule)

    if len(found) > 1:
        return done(Status.REJECTED, None, f"the testbench reported {len(found)} verdicts in one run "
                    "(exactly one is accepted)", rule="one_verdict")
    if timed_out:
        limit = "the testbench's own watchdog fired" if function.status != "timeout" else "vvp ran past its time limit"
        return done(Status.TIMEOUT, "T", f"timeout: {limit}")
    if kind == "mismatches":
        if not found:
            return done(Status.RUNTIME_ERROR, "X", "the testbench printed no verdict "
                        f"(vvp exit {data.get('returncode')}): the simulation stopped before the end")
        errors, samples = int(found[0].group(1)), int(found[0].group(2))
        data.update(mismatches=errors, samples=samples)
        if errors:
            return done(Status.FAIL, mismatch_class(compile_log, code),
                        f"{errors} mismatches in {samples} samples")
        if samples == 0:
            return done(Status.FAIL, "R", "the testbench compared no samples")
        data["watchdog"] = watchdog
        return done(Status.PASS, None, f"0 mismatches in {samples} samples")
    if found:
        return done(Status.PASS, None, "the testbench reported that the design passed")
    rc = data.get("returncode")
    if rc not in (0, None):
        return done(Status.RUNTIME_ERROR, "X", f"vvp exited with {rc} without a passing report")
    return done(Status.FAIL, mismatch_class(compile_log, code), "the testbench did not report a pass")
