"""Run a CVDP record's harness on a candidate's files, inside hweval's sandbox.

The harness files (``src/*``: ``.env``, cocotb tests, ``test_runner.py``) are trusted checker
code; the candidate's files (the names in ``output.context``) are not. Before anything runs:

- every candidate HDL file passes the Verilog family's integrity rules (no file or host access,
  no ``$finish``, no ``include``...) on its raw text here, as a quick filter
  (:func:`harness.api.integrity_verdict`), and then, inside the sandbox, on the text the
  compiler sees (preprocessed by Icarus, comments blanked), which replaces the raw file before
  any build (:func:`benchmarks.cvdp.guard.check_answer`);
- a candidate may instantiate only modules it defines or that the problem gave it (in
  ``input.context``, or named in the prompt), never a module that exists only in the hidden
  harness (a reference model): checked on both texts.

Then :mod:`benchmarks.cvdp.job` runs each docker-compose service's ``pytest`` command in the
sandbox and reports one nonce-tagged verdict. Once the ``integrity`` record says the answer is
clean, a job that ends without a verdict ended while the candidate's design ran (output flood,
memory, a crash): ``runtime_error``, the answer's failure, not ``infra_error``. A job whose own
code raised says so in a sealed ``job_error`` record (:func:`harness.jobs.job_error`):
``infra_error`` for a harness failure, ``runtime_error`` for a limit the answer exhausted.
"""
from __future__ import annotations

import importlib.util
import json
import re
import secrets
import shlex
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from benchmarks.cvdp.records import CvdpRecord, parse_env
from harness.api import integrity_verdict, parse_records
from harness.errors import ToolMissingError
from harness.families.verilog.extract import module_spans
from harness.families.verilog.tbeval import instantiations
from harness.proc import tail
from harness.suite import EvalContext
from harness.tools import tool_bin_dirs
from harness.types import Candidate, StageResult, Status, Verdict

HDL_SUFFIXES = (".v", ".sv", ".vh", ".svh")
_FAILURE = re.compile(r"\bFAIL\b|AssertionError|[Ee]rror:|syntax error")


class Unsupported(Exception):
    """The record's harness does something hweval does not run; the message says what."""


def services(rec: CvdpRecord) -> list[dict[str, Any]]:
    """The docker-compose services as ``{"name", "script", "env"}``, or :class:`Unsupported`."""
    try:
        compose = yaml.safe_load(rec.harness.get("docker-compose.yml", "")) or {}
    except yaml.YAMLError as exc:
        raise Unsupported(f"docker-compose.yml is not valid YAML: {exc}") from exc
    found = compose.get("services") if isinstance(compose, dict) else None
    if not isinstance(found, dict) or not found:
        raise Unsupported("docker-compose.yml has no services")
    out = []
    for name, svc in found.items():
        if not isinstance(svc, dict):
            raise Unsupported(f"service {name!r} is not a mapping in docker-compose.yml")
        cmd = svc.get("command")
        try:
            argv = shlex.split(cmd) if isinstance(cmd, str) else [str(c) for c in cmd or []]
        except ValueError as exc:
            raise Unsupported(f"service {name!r}: unreadable command {cmd!r} ({exc})") from exc
        if not argv or argv[0] != "pytest":
            raise Unsupported(f"service {name!r} runs {cmd!r}; hweval runs pytest services only")
        scripts = [a for a in argv[1:] if a.endswith(".py") and not a.startswith("-")]
        if len(scripts) != 1:
            raise Unsupported(f"service {name!r}: expected one test script in {cmd!r}")
        out.append({"name": str(name), "script": scripts[0], "env": _service_env(name, svc, rec)})
    return out


def _service_env(name: str, svc: dict[str, Any], rec: CvdpRecord) -> dict[str, str]:
    env: dict[str, str] = {}
    env_files = svc.get("env_file") or []
    for ref in [env_files] if isinstance(env_files, str) else env_files:
        key = str(ref).removeprefix("./")
        if key not in rec.harness:
            raise Unsupported(f"service {name!r}: env_file {ref} is not in harness.files")
        env.update(parse_env(rec.harness[key]))
    extra = svc.get("environment") or {}
    if isinstance(extra, list):
        extra = dict(str(e).partition("=")[::2] for e in extra)
    if not isinstance(extra, dict):
        raise Unsupported(f"service {name!r}: environment must be a list or a mapping")
    env.update({str(k): str(v) for k, v in extra.items()})
    return env


def _modules(texts: list[str]) -> set[str]:
    return {name for text in texts for name, _, _ in module_spans(text)}


def hidden_modules(rec: CvdpRecord, candidate: Candidate) -> set[str]:
    """Modules defined only in the hidden harness, which the candidate may not instantiate."""
    hdl = {n: t for n, t in candidate.files.items() if n.lower().endswith(HDL_SUFFIXES)}
    allowed = _modules(list(hdl.values())) | _modules([t for n, t in rec.context.items()
                                                       if n.lower().endswith(HDL_SUFFIXES)])
    harness_only = _modules([t for n, t in rec.harness.items() if n.lower().endswith(HDL_SUFFIXES)]) - allowed
    named = set(re.findall(r"[A-Za-z_][\w$]*", rec.prompt))  # a module the prompt names is provided
    return harness_only - named


def reference_hdl(rec: CvdpRecord) -> str:
    """The reference's HDL files, one text (its modules' parameters, port widths and directions)."""
    return "\n".join(t for n, t in rec.outputs.items() if n.lower().endswith(HDL_SUFFIXES))


def interface_modules(rec: CvdpRecord, plan: list[dict[str, Any]]) -> list[str]:
    """The modules a test reaches: each service's ``TOPLEVEL`` and every module the hidden harness's
    HDL instantiates (the interface probe compares these with the reference's)."""
    tops = {str(s["env"].get("TOPLEVEL", "")).strip() for s in plan}
    used = {mod for n, text in rec.harness.items() if n.lower().endswith(HDL_SUFFIXES)
            for mod, _ in instantiations(text)}
    found = sorted(m for m in tops | used if m)
    if found:
        return found
    # no TOPLEVEL in the environment (a test_runner.py that names it in Python: 9d S7): the
    # reference's own top modules, those no other module of it instantiates
    ref = reference_hdl(rec)
    inner = {mod.lstrip("\\") for mod, _ in instantiations(ref)}
    return sorted({n.lstrip("\\") for n, _, _ in module_spans(ref)} - inner)


def static_verdict(rec: CvdpRecord, candidate: Candidate) -> Verdict | None:
    """``rejected`` when a candidate file breaks an integrity rule on its raw text; None when all
    are clean (the sandbox job repeats the check on the preprocessed text)."""
    hdl = {n: t for n, t in candidate.files.items() if n.lower().endswith(HDL_SUFFIXES)}
    for name, text in hdl.items():
        bad = integrity_verdict(Candidate(code=text), rec.env.get("TOPLEVEL", ""))
        if bad is not None:
            bad.reason = f"{name}: {bad.reason}"
            return bad
    hidden = hidden_modules(rec, candidate)
    for name, text in hdl.items():
        used = sorted({mod.lstrip("\\") for mod, _ in instantiations(text)} & hidden)
        if used:
            reason = f"{name} instantiates {', '.join(used)}, defined only in the hidden harness"
            return Verdict(Status.REJECTED, reason=reason, rule="foreign_module",
                           stages={"integrity": StageResult("rejected", reason)})
    return None


def scratch_files(rec: CvdpRecord, candidate: Candidate) -> dict[str, str]:
    """What goes into the scratch folder: ``code/`` (context, then the answer) and ``src/``."""
    files = {f"code/{name}": text for name, text in rec.context.items()}
    files.update({f"code/{name}": text for name, text in candidate.files.items()})
    files.update({name: text for name, text in rec.harness.items() if name.startswith("src/")})
    files["code/rundir/.keep"] = ""
    return files


def require_pytest() -> None:
    """CVDP's harnesses are pytest files: without pytest here nothing can be judged."""
    if importlib.util.find_spec("pytest") is None:
        raise ToolMissingError("pytest is needed to run CVDP's harnesses: pip install pytest")


def run_harness(rec: CvdpRecord, candidate: Candidate, ctx: EvalContext) -> Verdict:
    start = time.monotonic()
    require_pytest()
    bad = static_verdict(rec, candidate)
    if bad is not None:
        return bad
    try:
        plan = services(rec)
    except Unsupported as exc:  # the suite lists these at load time; reaching here is a harness bug
        return Verdict(Status.INFRA_ERROR, reason=f"unsupported harness: {exc}")
    nonce = secrets.token_hex(16)
    answer = sorted(f"code/{n}" for n in candidate.files if n.lower().endswith(HDL_SUFFIXES))
    seed = secrets.randbelow(2**31)  # fresh and unpredictable: CVDP's stimulus cannot be memorised
    context = sorted(f"code/{n}" for n in rec.context if n.lower().endswith(HDL_SUFFIXES) and n not in candidate.files)
    job = {"nonce": nonce, "seed": seed, "services": plan, "answer_files": answer, "context_files": context,
           "hidden_modules": sorted(hidden_modules(rec, candidate)), "reference_hdl": reference_hdl(rec), "interface_modules": interface_modules(rec, plan)}
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin", "COCOTB_LOG_LEVEL": "INFO",
           "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}  # the harness's pytest and cocotb's need no installed plugin
    # the simulations run as children of pytest: give CPU time to match the wall-time limit
    limits = replace(ctx.limits, cpu_s=max(ctx.limits.cpu_s, int(2 * ctx.limits.wall_s)))
    with ctx.scratch() as work:
        res = ctx.sandbox.run([sys.executable, "-m", "benchmarks.cvdp.job"], workdir=work,
                              files=scratch_files(rec, candidate), limits=limits, env=env,
                              stdin=json.dumps(job).encode(),
                              ro_paths=[*tool_bin_dirs(), Path(__file__).resolve().parent])
        log = tail_of(work / "cvdp.log")
    wall = time.monotonic() - start
    verdict = _verdict(res, parse_records(res.stdout, nonce), log, wall, ctx)
    if "function" in verdict.stages:  # the seed a failure can be replayed with (COCOTB_RANDOM_SEED)
        verdict.stages["function"].data["seed"] = seed
    return verdict


def tail_of(path: Path, nbytes: int = 1 << 17) -> str:
    """The last ``nbytes`` of a log file the job wrote (the job bounds it; this bounds the read)."""
    try:
        with path.open("rb") as fh:
            fh.seek(max(0, path.stat().st_size - nbytes))
            return fh.read().decode(errors="replace")
    except OSError:
        return ""


def _integrity(records: list[dict[str, Any]], wall: float) -> tuple[Verdict | None, list[dict[str, Any]]]:
    """The verdict when the job's ``integrity`` record stops the run, and the remaining records."""
    checks = [r for r in records if r.get("stage") == "integrity"]
    rest = [r for r in records if r.get("stage") != "integrity"]
    if len(checks) != 1:
        reason = "the CVDP harness job ended before checking the answer" if not checks else \
            f"{len(checks)} integrity records for one run"
        return Verdict(Status.INFRA_ERROR if not checks else Status.REJECTED, reason=reason, wall_s=wall,
                       rule=None if not checks else "one_verdict"), rest
    rec = checks[0]
    stage = StageResult(rec["status"], rec.get("reason", ""), rec.get("wall_s", 0.0), rec.get("data", {}))
    if rec["status"] == "pass":
        return None, rest
    if rec["status"] == "rejected":
        return Verdict(Status.REJECTED, reason=stage.reason, rule=str(rec.get("rule") or "integrity"),
                       stages={"integrity": stage}, wall_s=wall), rest
    status = Status(rec["status"]) if rec["status"] in {s.value for s in Status} else Status.INFRA_ERROR
    return Verdict(status, reason=stage.reason, stages={"integrity": stage}, wall_s=wall), rest


def _job_error(rec: dict[str, Any], checked: bool, wall: float, logs: dict[str, str]) -> Verdict:
    """The job's own code raised (its sealed ``job_error`` record, :func:`harness.jobs.job_error`):
    ``infra_error`` for a harness failure, ``runtime_error`` for one the answer caused through its
    limits."""
    resource = rec.get("kind") == "resource"
    who = "the answer exhausted a limit" if resource else "the harness failed"
    when = "after the integrity check" if checked else "before the integrity check"
    stage = StageResult(str(rec.get("status", "")), str(rec.get("reason", "")),
                        data={"kind": rec.get("kind"), "error": rec.get("error"), "where": rec.get("where")})
    return Verdict(Status.RUNTIME_ERROR if resource else Status.INFRA_ERROR, wall_s=wall, logs=logs,
                   reason=f"{who}: {stage.reason} ({when})", stages={"job_error": stage})


def _verdict(res: Any, records: list[dict[str, Any]], log: str, wall: float, ctx: EvalContext) -> Verdict:
    logs = {"harness": tail(log, 3000)} if log else {}
    if res.infra_error:
        return Verdict(Status.INFRA_ERROR, reason=res.infra_error, wall_s=wall, logs=logs)
    errors = [r for r in records if r.get("stage") == "job_error"]
    records = [r for r in records if r.get("stage") != "job_error"]
    checked, records = _integrity(records, wall)
    if errors and (checked is None or checked.status == Status.INFRA_ERROR):
        return _job_error(errors[0], checked is None, wall, logs)
    if checked is not None and not (checked.status == Status.INFRA_ERROR and res.timed_out):
        return checked
    if res.timed_out:
        return Verdict(Status.TIMEOUT, reason=f"exceeded {ctx.limits.wall_s:g} s wall time", wall_s=wall, logs=logs)
    if len(records) > 1:
        return Verdict(Status.REJECTED, reason=f"{len(records)} verdict lines for one run", rule="one_verdict",
                       wall_s=wall, logs=logs)
    if not records:  # the answer was clean and its design ran: the job died with it
        reason = (f"the CVDP harness job ended without a verdict while the design ran (exit {res.returncode}; "
                  "output flood, memory or a crash)\n" + tail(res.stderr, 1500))
        return Verdict(Status.RUNTIME_ERROR, reason=reason, wall_s=wall, logs=logs)
    rec = records[0]
    stage = StageResult(rec["status"], rec.get("reason", ""), rec.get("wall_s", 0.0), rec.get("data", {}))
    reason = stage.reason
    if rec["status"] == "pass":
        logs = {}
    else:
        hits = [ln.strip() for ln in log.splitlines() if _FAILURE.search(ln)]
        reason += "".join(f"\n{ln[:300]}" for ln in hits[-8:])
    rule = str(rec.get("rule") or "interface") if rec["status"] == "rejected" else None  # a late probe (params)
    return Verdict(Status(rec["status"]), reason=reason, stages={"function": stage}, wall_s=wall, logs=logs,
                   rule=rule)
