"""Evaluate a Verilog candidate against a self-checking Verilog testbench (VerilogEval, RTLLM).

Icarus runs inside the sandbox (``harness.jobs.iverilog_job``): ``iverilog -g2012 -Wall
-Winfloop -Wno-timescale -s <tb>``, then ``vvp -n``, each with a timeout, output drained.

Verdicts cannot be forged. The testbench's own verdict line (``Mismatches: N in M samples`` or
``... Your Design Passed ...``) is rewritten to start with a per-run nonce, and only a line with
that nonce counts, so a candidate printing the plain line gains nothing. Statically, on top of
:mod:`harness.families.verilog.integrity` (file I/O, ``$finish``/``$stop``, host access),
``$fatal`` and hierarchical references into the testbench (``tb.stats1.errors = 0``,
``good1.out`` reached by upward name resolution, ``$root``) are rejected: those are the ways a
design can end the simulation early or reach the checker's state. Defence in depth: a passing
VerilogEval candidate must also have run as many samples as the reference did.

Failures carry VerilogEval's classes (``scripts/sv-iv-analyze``): S syntax error, e explicit
cast needed, 0 zero-width constant, n no sensitivities, w assignment to a wire, m unknown module,
p unbound signal, c unbound clk, C other compile error, T timeout, r reset-related mismatch,
R mismatch.
"""
from __future__ import annotations

import json
import re
import secrets
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from harness.families.verilog.extract import module_spans
from harness.families.verilog.integrity import violations
from harness.families.verilog.lexer import mask_comments, tokenize
from harness.jobs import parse_records
from harness.proc import tail
from harness.suite import EvalContext
from harness.tools import require, tool_bin_dirs
from harness.types import Candidate, StageResult, Status, Verdict

ICARUS_FLAGS = ("-g2012", "-Wall", "-Winfloop", "-Wno-timescale")
DESIGN_FILE = "design.sv"
TAG = "HWEVAL-"
SIM_TIMEOUT_S = 30.0  # VerilogEval's own limit on vvp

FAILURE_CLASSES = {
    "S": "syntax error", "e": "explicit cast required", "0": "sized constant of zero width",
    "n": "process with no sensitivities", "w": "procedural assignment to a wire",
    "m": "unknown module type", "p": "unable to bind a signal", "c": "unable to bind clk",
    "C": "compile error", "T": "timeout", "r": "mismatch (reset in a sensitivity list)",
    "R": "mismatch", "X": "runtime error",
}

_MISMATCH_CALL = re.compile(r'(\$(?:display|write|strobe)\s*\(\s*")(\s*Mismatches:)')
_STRING_IN_CALL = re.compile(r'(\$(?:display|write|strobe|monitor)\s*\(\s*")((?:[^"\\\n]|\\.)*)"')
_PASS_TEXT = re.compile(r"your\s+design\s+passed", re.IGNORECASE)
_MISMATCH_LINE = re.compile(r"Mismatches:\s*(\d+)\s+in\s+(\d+)\s+samples")
_RESET_EDGE = re.compile(r"(posedge|negedge)\s+reset\b|posedge\s+r\)")


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

    def to_data(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Testbench:
        return cls(files=dict(data["files"]), before=tuple(data["before"]), after=tuple(data["after"]),
                   root=data["root"], verdict=data["verdict"], tb_file=data["tb_file"],
                   sources=tuple(data.get("sources") or (*data["before"], *data["after"])))


# -- the nonce ------------------------------------------------------------------------------
def tag_verdict_line(tb_source: str, verdict: str, nonce: str) -> str:
    """``tb_source`` with its verdict line(s) prefixed by ``HWEVAL-<nonce>``; ValueError if none."""
    tag = f"{TAG}{nonce} "
    masked = mask_comments(tb_source)  # a call inside a comment or a string does not count

    def live(m: re.Match[str]) -> bool:
        return masked[m.start()] == "$"

    if verdict == "mismatches":
        spots = [m.end(1) for m in _MISMATCH_CALL.finditer(tb_source) if live(m)]
    elif verdict == "passline":
        spots = [m.end(1) for m in _STRING_IN_CALL.finditer(tb_source) if live(m) and _PASS_TEXT.search(m.group(2))]
    else:
        raise ValueError(f"unknown verdict kind {verdict!r}")
    if not spots:
        what = "$display(\"Mismatches: ...\")" if verdict == "mismatches" else "a \"Your Design Passed\" display"
        raise ValueError(f"the testbench has no {what}")
    out = tb_source
    for pos in sorted(spots, reverse=True):
        out = out[:pos] + tag + out[pos:]
    return out


# -- static rules -----------------------------------------------------------------------------
def testbench_names(sources: Iterable[str]) -> set[str]:
    """Every identifier of the testbench sources: what upward name resolution could reach."""
    names: set[str] = set()
    for src in sources:
        names.update(t.text for t in tokenize(src) if t.kind == "ident")
    return names


NOT_MODULES = {
    "module", "macromodule", "function", "task", "integer", "reg", "wire", "logic", "input", "output", "inout",
    "real", "time", "genvar", "bit", "int", "byte", "shortint", "longint", "signed", "unsigned", "automatic",
    "begin", "end", "if", "else", "for", "while", "case", "casez", "casex", "repeat", "forever", "always",
    "always_ff", "always_comb", "always_latch", "initial", "final", "assign", "parameter", "localparam",
    "return", "wait", "fork", "join", "default", "posedge", "negedge", "typedef", "struct", "enum", "var",
    "and", "or", "nand", "nor", "xor", "xnor", "not", "buf", "bufif0", "bufif1", "notif0", "notif1", "tri",
    "supply0", "supply1", "void", "static", "const", "string", "event", "defparam", "generate",
}


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
    toks = tokenize(src)
    out = []
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
        if j + 1 < len(toks) and toks[j].kind == "ident" and toks[j + 1].text in ("(", "["):
            out.append((tok.text, toks[j].text))
    return out


def hierarchy_violations(code: str, tb_names: set[str], tb_modules: set[str]) -> list[tuple[str, str]]:
    """Hierarchical references that could reach the testbench, and ``$fatal``."""
    found: list[tuple[str, str]] = []
    spans = module_spans(code) or [("", 0, len(code))]
    for _, start, end in spans:
        toks = tokenize(code[start:end])
        local = {inst for _, inst in instantiations(code[start:end])} - tb_modules
        for i, tok in enumerate(toks):
            if tok.kind == "systask" and tok.text.lower() == "$fatal":
                found.append(("early_finish", "$fatal (only the testbench ends a simulation)"))
            if tok.text in ("$root", "$unit") and i + 1 < len(toks) and toks[i + 1].text in (".", "::"):
                found.append(("hierarchical_reference", f"{tok.text} (candidates may not reach the testbench)"))
                continue
            if tok.kind != "ident" or i + 2 >= len(toks) or toks[i + 1].text != "." or toks[i + 2].kind != "ident":
                continue
            if i and toks[i - 1].text == ".":
                continue
            if tok.text in tb_modules or (tok.text in tb_names and tok.text not in local):
                found.append(("hierarchical_reference", f"{tok.text}.{toks[i + 2].text} (candidates may not reach "
                              "into the testbench)"))
    return list(dict.fromkeys(found))


def static_verdict(candidate: Candidate, top: str, tb: Testbench) -> Verdict | None:
    found = violations(candidate.code)
    tb_sources = [tb.files[name] for name in tb.sources if name in tb.files]
    tb_modules = {name for src in tb_sources for name, _, _ in module_spans(src)}
    found += hierarchy_violations(candidate.code, testbench_names(tb_sources), tb_modules)
    if found:
        reason = "; ".join(dict.fromkeys(detail for _, detail in found))
        return Verdict(Status.REJECTED, reason=reason, rule=found[0][0],
                       stages={"integrity": StageResult("rejected", reason)})
    if not candidate.meta.get("top_found", True):
        reason = f"no module named {top!r} in the answer (found: {', '.join(candidate.meta.get('modules', []))})"
        return Verdict(Status.SYNTAX_ERROR, reason=reason,
                       stages={"syntax": StageResult("syntax_error", reason, data={"class": "m"})})
    return None


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
def _stage(rec: dict[str, Any]) -> StageResult:
    return StageResult(rec["status"], rec.get("reason", ""), rec.get("wall_s", 0.0), rec.get("data", {}))


def run_testbench(candidate: Candidate, tb: Testbench, ctx: EvalContext) -> tuple[dict[str, StageResult], Any]:
    """Compile and simulate in the sandbox; (stages keyed syntax/function, ExecResult, nonce)."""
    require("iverilog")
    require("vvp")
    nonce = secrets.token_hex(16)
    job_nonce = secrets.token_hex(16)
    files = dict(tb.files)
    files[tb.tb_file] = tag_verdict_line(tb.files[tb.tb_file], tb.verdict, nonce)
    files[DESIGN_FILE] = candidate.code
    wall = ctx.limits.wall_s
    sim_timeout = max(1.0, min(SIM_TIMEOUT_S, wall * 0.75))
    job = {"nonce": job_nonce, "sources": [*tb.before, DESIGN_FILE, *tb.after], "root": tb.root,
           "flags": list(ICARUS_FLAGS), "compile_timeout_s": max(10.0, wall * 0.5), "sim_timeout_s": sim_timeout,
           "markers": [f"{TAG}{nonce}", "TIMEOUT"]}
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin"}
    limits = ctx.limits.__class__(**{**ctx.limits.__dict__, "wall_s": max(10.0, wall * 0.5) + sim_timeout + 15})
    with ctx.scratch() as work:
        res = ctx.sandbox.run([sys.executable, "-m", "harness.jobs.iverilog_job"], workdir=work, files=files,
                              limits=limits, env=env, stdin=json.dumps(job).encode(), ro_paths=tool_bin_dirs())
    stages = {rec["stage"]: _stage(rec) for rec in parse_records(res.stdout, job_nonce) if "stage" in rec}
    return stages, (res, nonce)


GoldenFn = Callable[[dict[str, Any]], "dict[str, Any] | None"]


def judge_testbench(candidate: Candidate, tb: Testbench, ctx: EvalContext, golden: GoldenFn | None = None) -> Verdict:
    """Run the testbench and turn what it printed (with the nonce) into a verdict.

    ``golden(data)`` gives what the reference did on this testbench (``samples``, ``watchdog``),
    or None when unknown; a VerilogEval pass must run as many samples, and the testbench's own
    ``TIMEOUT`` watchdog only counts against the candidate when the reference does not hit it.
    """
    start = time.monotonic()
    stages, (res, nonce) = run_testbench(candidate, tb, ctx)
    wall = time.monotonic() - start
    if res.infra_error:
        return Verdict(Status.INFRA_ERROR, reason=res.infra_error, wall_s=wall)
    syntax, function = stages.get("syntax"), stages.get("function")
    logs: dict[str, str] = {}
    if res.stderr.strip():
        logs["stderr"] = tail(res.stderr, 2000)
    if syntax is None:
        if res.timed_out:
            return Verdict(Status.TIMEOUT, reason="the sandbox wall-time limit was reached", wall_s=wall, logs=logs)
        return Verdict(Status.INFRA_ERROR, reason=f"iverilog job failed (exit {res.returncode}): "
                       + tail(res.stderr, 1500), wall_s=wall, logs=logs)
    compile_log = syntax.data.pop("log", "")
    if compile_log:
        logs["compile"] = tail(compile_log, 4000)
    if syntax.status in ("infra_error",):
        return Verdict(Status.INFRA_ERROR, reason=syntax.reason, stages=stages, wall_s=wall, logs=logs)
    if syntax.status == "timeout":
        syntax.data["class"] = "T"
        return Verdict(Status.TIMEOUT, reason=syntax.reason, stages=stages, wall_s=wall, logs=logs)
    if syntax.status != "pass":
        cls = compile_class(compile_log)
        syntax.data["class"] = cls
        syntax.reason = f"{FAILURE_CLASSES[cls]}: " + _first_errors(compile_log)
        return Verdict(Status.SYNTAX_ERROR, reason=syntax.reason, stages=stages, wall_s=wall, logs=logs)
    if function is None:
        reason = "the simulation ended without a report" + (" (sandbox time limit)" if res.timed_out else "")
        status = Status.TIMEOUT if res.timed_out else Status.INFRA_ERROR
        return Verdict(status, reason=reason, stages=stages, wall_s=wall, logs=logs)
    data = function.data
    sim_tail = data.pop("tail", "")
    verdict = _function_verdict(function, nonce, tb.verdict, compile_log, candidate.code)
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


def _function_verdict(function: StageResult, nonce: str, kind: str, compile_log: str, code: str) -> Verdict:
    data = function.data
    tag = f"{TAG}{nonce} "
    marked: list[str] = data.pop("marked", [])
    mine = [ln for ln in marked if tag in ln]
    watchdog = any(ln.strip() == "TIMEOUT" for ln in marked if tag not in ln)
    timed_out = function.status == "timeout" or (watchdog and not (kind == "mismatches" and mine))

    def done(status: Status, cls: str | None, reason: str) -> Verdict:
        function.status = str(status)
        function.reason = reason
        if cls:
            data["class"] = cls
        return Verdict(status, reason=reason)

    if timed_out:
        limit = "the testbench's own watchdog fired" if function.status != "timeout" else "vvp ran past its time limit"
        return done(Status.TIMEOUT, "T", f"timeout: {limit}")
    if kind == "mismatches":
        counts = [_MISMATCH_LINE.search(ln) for ln in mine]
        found = [m for m in counts if m]
        if not found:
            return done(Status.RUNTIME_ERROR, "X", "the testbench printed no verdict "
                        f"(vvp exit {data.get('returncode')}): the simulation stopped before the end")
        errors, samples = int(found[-1].group(1)), int(found[-1].group(2))
        data.update(mismatches=errors, samples=samples)
        if errors:
            return done(Status.FAIL, mismatch_class(compile_log, code),
                        f"{errors} mismatches in {samples} samples")
        if samples == 0:
            return done(Status.FAIL, "R", "the testbench compared no samples")
        data["watchdog"] = watchdog
        return done(Status.PASS, None, f"0 mismatches in {samples} samples")
    if mine:
        return done(Status.PASS, None, "the testbench reported that the design passed")
    rc = data.get("returncode")
    if rc not in (0, None):
        return done(Status.RUNTIME_ERROR, "X", f"vvp exited with {rc} without a passing report")
    return done(Status.FAIL, mismatch_class(compile_log, code), "the testbench did not report a pass")
