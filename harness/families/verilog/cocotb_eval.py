"""Evaluate a Verilog candidate with a cocotb test module, inside the sandbox.

Stages: ``integrity`` (static rules), ``syntax`` (Icarus elaboration, or Verilator build),
``lint`` (Verilator --lint-only, a second opinion recorded beside, never deciding the verdict),
``function`` (the cocotb tests). The verdict comes only from nonce-tagged job records.
"""
from __future__ import annotations

import json
import secrets
import sys
import time
from pathlib import Path

from harness.families.verilog.integrity import violations
from harness.jobs import parse_records
from harness.proc import tail
from harness.sandbox.base import Limits
from harness.suite import EvalContext
from harness.tools import require, tool_bin_dirs, verilator_env, verilator_root
from harness.types import Candidate, StageResult, Status, Verdict


def integrity_verdict(candidate: Candidate, top: str) -> Verdict | None:
    """A verdict when the candidate breaks a rule or lacks its top module; None when fine."""
    found = violations(candidate.code)
    if found:
        rule = found[0][0]
        reason = "; ".join(detail for _, detail in found)
        return Verdict(Status.REJECTED, reason=reason, rule=rule,
                       stages={"integrity": StageResult("rejected", reason)})
    if not candidate.meta.get("top_found", True):
        reason = f"no module named {top!r} in the answer (found: {', '.join(candidate.meta.get('modules', []))})"
        return Verdict(Status.SYNTAX_ERROR, reason=reason, stages={"syntax": StageResult("syntax_error", reason)})
    return None


def check_simulator(simulator: str) -> None:
    """Raise ToolMissingError (exit 2, with an install hint) when the simulator is absent."""
    if simulator == "icarus":
        require("iverilog")
        require("vvp")
    elif simulator == "verilator":
        verilator_env()
    else:
        from harness.errors import UsageError

        raise UsageError(f"--simulator {simulator!r}: choose icarus or verilator")


def evaluate_cocotb(
    candidate: Candidate, *, top: str, tb_source: str, ctx: EvalContext, simulator: str = "icarus",
    lint: bool = True, extra_files: dict[str, str] | None = None,
) -> Verdict:
    start = time.monotonic()
    bad = integrity_verdict(candidate, top)
    if bad is not None:
        return bad
    nonce = secrets.token_hex(16)
    job = {"nonce": nonce, "top": top, "sources": ["design.v"], "test_module": "tb",
           "simulator": simulator, "lint": lint and verilator_root() is not None, "seed": ctx.seed or 20261129}
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin", "COCOTB_LOG_LEVEL": "WARNING"}
    if verilator_root() is not None:
        venv = verilator_env()
        env["VERILATOR_ROOT"] = venv["VERILATOR_ROOT"]
        env["PATH"] = f"{venv['VERILATOR_ROOT']}/bin:{env['PATH']}"
    files = {"design.v": candidate.code, "tb.py": tb_source, **(extra_files or {})}
    limits = ctx.limits if simulator == "icarus" else Limits(**{**ctx.limits.__dict__,
                                                                "wall_s": ctx.limits.wall_s + 120})
    with ctx.scratch() as work:
        res = ctx.sandbox.run([sys.executable, "-m", "harness.jobs.cocotb_job"], workdir=work, files=files,
                              limits=limits, env=env, stdin=json.dumps(job).encode(), ro_paths=tool_bin_dirs())
        sim_log = tail((work / "sim.log").read_text(errors="replace")) if (work / "sim.log").exists() else ""
    wall = time.monotonic() - start
    if res.infra_error:
        return Verdict(Status.INFRA_ERROR, reason=res.infra_error, wall_s=wall)
    stages = {}
    for rec in parse_records(res.stdout, nonce):
        stages[rec["stage"]] = StageResult(rec["status"], rec.get("reason", ""), rec.get("wall_s", 0.0),
                                           rec.get("data", {}))
    passed = "function" in stages and stages["function"].status == "pass"
    logs = {"sim": sim_log} if sim_log and not passed else {}
    if res.stderr.strip():
        logs["stderr"] = tail(res.stderr, 2000)
    function = stages.get("function")
    syntax = stages.get("syntax")
    if res.timed_out:
        return Verdict(Status.TIMEOUT, reason=f"exceeded {limits.wall_s:g} s wall time", stages=stages,
                       wall_s=wall, logs=logs)
    if function is not None:
        return Verdict(Status(function.status), reason=function.reason, stages=stages, wall_s=wall, logs=logs)
    if syntax is not None and syntax.status == "syntax_error":
        return Verdict(Status.SYNTAX_ERROR, reason=syntax.reason, stages=stages, wall_s=wall, logs=logs)
    if syntax is not None:
        # Compiled, then the simulation died without a report: killed by a limit or crashed.
        return Verdict(Status.RUNTIME_ERROR, reason=f"simulation ended without a result (exit {res.returncode})\n"
                       + tail(res.stderr, 1500), stages=stages, wall_s=wall, logs=logs)
    return Verdict(Status.INFRA_ERROR, reason=f"cocotb job failed before compiling (exit {res.returncode}): "
                   + tail(res.stderr, 1500), stages=stages, wall_s=wall, logs=logs)
