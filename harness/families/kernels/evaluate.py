"""Evaluate one kernel answer: static -> compile -> correctness -> perf.

The candidate runs only in worker subprocesses started through a :class:`Runner` (a sandbox),
each phase in its own scratch folder, under a timeout. This (trusted) process builds or fetches
the reference cases (:mod:`harness.families.kernels.cases`), copies only the inputs into the
candidate's folder, and judges everything the worker reports.
"""
from __future__ import annotations

import json
import logging
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from harness.families.kernels.cases import (
    RefCases,
    ReferenceFailure,
    reference_cases,
    run_checked,
    run_worker,
    worker_command,
    worker_env,
)
from harness.families.kernels.compare import data_movement
from harness.families.kernels.compile_cuda import compile_extension, machine_too_slow
from harness.families.kernels.judge import judge_cases, worker_failure
from harness.families.kernels.perf import judge
from harness.families.kernels.perfcheck import PERF_OUTPUTS, perf_output_problem
from harness.families.kernels.problem import Problem, ProblemError, load_problem
from harness.families.kernels.refpower import results_unpowered
from harness.families.kernels.runner import Runner, as_runner
from harness.families.kernels.static.check import analyze, scalar_positions
from harness.proc import tail
from harness.sandbox.base import Sandbox

log = logging.getLogger(__name__)

STAGES = ("static", "compile", "correctness", "perf")
_NONDETERMINISTIC = ("the reference is nondeterministic in case {case}: two runs with the same seed gave "
                     "different outputs (random draws such as dropout or sampling, or unstable numerics), "
                     "so no kernel can reproduce them")
__all__ = ["STAGES", "evaluate_kernel", "reference_check", "worker_command", "worker_env"]


def _result(status: str, reason: str, stages: dict[str, Any]) -> dict[str, Any]:
    return {"status": status, "reason": reason, "stages": stages}


def _load(problem: Problem | Path) -> Problem:
    return problem if isinstance(problem, Problem) else load_problem(Path(problem))


def _candidate_folder(folder: Path, code: str, refs: RefCases, problem: Problem, job: dict[str, Any],
                      cases: list[dict[str, Any]]) -> None:
    """What a candidate phase sees: its code, the constructor arguments, the inputs. Never the
    reference or its outputs."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "candidate.py").write_text(code, encoding="utf-8")  # the worker decodes strictly as UTF-8
    shutil.copyfile(refs.folder / refs.init, folder / "init.pt")
    for case in cases:
        shutil.copyfile(refs.folder / case["inputs"], folder / case["inputs"])
    if problem.kind == "function":
        (folder / "test_section.py").write_text(problem.test_code)
    (folder / "job.json").write_text(json.dumps(job))


def evaluate_kernel(
    problem: Problem | Path, candidate_code: str, lang: str, workdir: Path, *, gpu: bool, timeout_s: float,
    seeds: int = 2, perf: bool = True, arch: str = "90", compile_baseline: bool = True,
    perf_reps: int = 50, runner: Runner | Sandbox, ref_cache: Path | None = None,
    compile_timeout_s: float | None = None, seed_base: int | None = None,
) -> dict[str, Any]:
    """Evaluate ``candidate_code`` (the answer's Python module text) against ``problem`` (a
    :class:`Problem` or a built-in problem folder).

    Returns ``{"status", "reason", "stages": {static, compile, correctness, perf}}``; every stage
    has a ``status`` (``not_run`` when skipped). ``workdir`` is created and holds everything.
    ``runner`` runs every sub-process: a :class:`Runner` or a :class:`Sandbox` (required: there is
    no unsandboxed default; the ``none`` sandbox must be asked for by name). ``ref_cache`` caches
    reference cases across evaluations. ``seed_base``: where the input seeds start (default: drawn
    once per process, so no answer can know its inputs in advance).

    ``gpu=False``: Triton runs under the interpreter on the small config and its kernels are
    compiled for ``sm_<arch>``; CUDA is compiled only (correctness ``not_run``). ``gpu=True``: every
    config on the device, then (``perf``) timing against eager and, with ``compile_baseline``,
    torch.compile.
    """
    stages: dict[str, Any] = {s: {"status": "not_run"} for s in STAGES}
    workdir = Path(workdir).resolve()
    run = as_runner(runner, gpu=gpu)
    try:
        prob = _load(problem)
    except (ProblemError, OSError, ValueError) as exc:
        return _result("infra_error", f"problem: {exc}", stages)
    stop, kernels, exts = _static_stage(prob, candidate_code, lang, stages)
    if stop:
        return stop
    workdir.mkdir(parents=True, exist_ok=True)
    if lang == "cuda":
        ctimeout = compile_timeout_s or max(timeout_s, 300.0)
        stop = _cuda_compile_stage(exts, workdir, stages, timeout_s=ctimeout, arch=arch, run=run, gpu=gpu)
        if stop:
            return stop
    refs, why = _reference_stage(prob, workdir, gpu=gpu, seeds=seeds, run=run, timeout_s=max(timeout_s, 120.0),
                                 ref_cache=ref_cache, seed_base=seed_base)
    if refs is None:
        return _result("infra_error", why, stages)
    # no seed in any file: TritonBench-T seeds reach the worker through the checker's pipe
    cases = [{"id": c["id"], "inputs": c["inputs"], "output": f"out_{i}.pt"} for i, c in enumerate(refs.cases)]
    job = _worker_job(prob, refs, cases, lang=lang, gpu=gpu, arch=arch)
    cand = workdir / "cand"
    _candidate_folder(cand, candidate_code, refs, prob, job, cases)
    stop, data = _run_stage(prob, candidate_code, refs, job, cases, workdir, stages, lang=lang, gpu=gpu,
                            arch=arch, timeout_s=timeout_s, run=run)
    if stop:
        return stop
    status, reason, detail = judge_cases(prob, cand, data, refs, kernels)
    stages["correctness"] = {"status": status, "reason": reason, "n_cases": len(cases), **detail,
                             "device": "cuda" if gpu else "cpu (triton interpreter)"}
    if status != "pass":
        return _result(status, reason, stages)
    if gpu and perf:
        stages["perf"] = _perf_stage(prob, workdir, refs, job, run, timeout_s, compile_baseline, perf_reps)
        if stages["perf"]["status"] not in ("pass", "not_run"):
            return _result(stages["perf"]["status"], stages["perf"].get("reason", ""), stages)
    return _result("pass", "", stages)


def _reference_stage(prob: Problem, workdir: Path, *, gpu: bool, seeds: int, run: Runner, timeout_s: float,
                     ref_cache: Path | None, seed_base: int | None) -> tuple[RefCases | None, str]:
    """The reference cases, or None and why not (a failing or nondeterministic reference is never
    the candidate's fault: ``infra_error``)."""
    try:
        refs = reference_cases(prob, workdir, gpu=gpu, seeds=seeds, runner=run, timeout_s=timeout_s,
                               cache_root=ref_cache, seed_base=seed_base)
    except ReferenceFailure as exc:
        return None, f"reference failed: {exc}"
    bad = [c["id"] for c in refs.cases if not c.get("deterministic", True)]
    if bad:
        return None, _NONDETERMINISTIC.format(case=bad[0])
    moved = data_movement(refs.cases) or results_unpowered(prob, refs)  # never scored (red team 13 K1, K4)
    return (None, moved) if moved else (refs, "")


def _worker_job(prob: Problem, refs: Any, cases: list[dict[str, Any]], *, lang: str, gpu: bool,
                arch: str) -> dict[str, Any]:
    """What the check worker is told (no seed in it: seeds travel over the checker's pipe)."""
    return {"lang": lang, "device": "cuda" if gpu else "cpu", "interpret": not gpu, "seed": 0,
            "arch": int(arch), "init": "init.pt", "cases": cases, "profile": gpu, "kind": prob.kind,
            "entry": prob.entry, "test_code": "test_section.py", "globals": refs.globals,
            "result_var": prob.meta.get("result_var", "test_results"), "module_name": prob.meta.get("module_name")}


def _static_stage(prob: Problem, candidate_code: str, lang: str, stages: dict[str, Any]
                  ) -> tuple[dict[str, Any] | None, list[str], list[Any]]:
    """The checks before anything runs: (an early result or None, the kernels, CUDA extensions)."""
    if lang not in ("triton", "cuda"):
        return _result("infra_error", f"unknown lang {lang!r}", stages), [], []
    if prob.meta.get("unsupported"):
        return _result("infra_error", f"problem not supported here: {prob.meta['unsupported']}", stages), [], []
    if not candidate_code or not candidate_code.strip():
        return _result("no_code", "empty answer", stages), [], []
    try:
        scalars = scalar_positions(prob.reference_source, function=None if prob.kind == "module" else prob.entry,
                                   test_code=prob.test_code)
        violations, kernels, exts = analyze(candidate_code, lang, entry=prob.entry, kind=prob.kind, scalars=scalars)
    except SyntaxError as exc:
        where = f"{exc.msg} (line {exc.lineno})" if exc.lineno else str(exc.msg)
        stages["static"] = {"status": "syntax_error", "error": where}
        return _result("syntax_error", f"does not parse: {where}", stages), [], []
    stages["static"] = {"status": "rejected" if violations else "pass", "kernels": kernels,
                        "violations": [v.as_dict() for v in violations]}
    if violations:
        v = violations[0]
        return _result("rejected", f"{v.rule}: {v.detail} (line {v.line})", stages), kernels, exts
    return None, kernels, exts


def _cuda_compile_stage(exts: list[Any], workdir: Path, stages: dict[str, Any], *, timeout_s: float, arch: str,
                        run: Runner, gpu: bool) -> dict[str, Any] | None:
    """nvcc and g++ on every extension; an early result, or None to go on to correctness."""
    builds = [compile_extension(e, workdir / f"build{i}", timeout_s=timeout_s, arch=arch, runner=run)
              for i, e in enumerate(exts)]
    stages["compile"] = {"status": "pass", "builds": [b.as_dict() for b in builds]}
    if any(b.infra for b in builds):
        stages["compile"]["status"] = "infra_error"
        return _result("infra_error", next(b.log for b in builds if b.infra), stages)
    if any(b.timed_out for b in builds):  # never cached: a loaded machine may finish the next time
        stop = _compile_timeout(exts, builds, workdir, stages, timeout_s=timeout_s, arch=arch, run=run)
        if stop:
            return stop
    if any(b.ok is False for b in builds):
        stages["compile"]["status"] = "syntax_error"
        log_text = next(b.log for b in builds if b.ok is False)
        return _result("syntax_error", f"CUDA compile failed: {tail(log_text, 1500)}", stages)
    if any(b.ok is None for b in builds):
        stages["compile"]["status"] = "not_run"
        stages["compile"]["reason"] = next(b.log for b in builds if b.ok is None)
    if not gpu:
        stages["correctness"] = {"status": "not_run", "reason": "CUDA correctness needs a GPU"}
        return _result("infra_error", "no GPU: CUDA correctness not_run (compile stage only)", stages)
    return None


def _compile_timeout(exts: list[Any], builds: list[Any], workdir: Path, stages: dict[str, Any], *, timeout_s: float,
                     arch: str, run: Runner) -> dict[str, Any] | None:
    """A build ran past its limit: ``timeout`` when a minimal extension, built now, takes at most a
    third of the limit; ``infra_error`` when it runs past the limit too; when it builds but slowly
    (the machine is loaded now: honest round 11 F6) the timed-out builds run once more (``builds``
    updated in place) and only a second timeout is ``infra_error``. None: every build finished."""
    slow = next(b for b in builds if b.timed_out)
    probe = machine_too_slow(workdir / "probe", timeout_s=timeout_s, arch=arch, runner=run)
    if probe is None:
        stages["compile"].update(status="timeout", probe="built in time")
        return _result("timeout", f"CUDA compile: {slow.log} (a minimal extension built in time)", stages)
    if probe.timed_out or probe.infra:  # the smallest extension does not build in time either: the machine's
        stages["compile"].update(status="infra_error", probe="timed out too")
        return _result("infra_error", f"CUDA compile: {slow.log}, and so did a minimal extension "
                       f"({probe.log}): the machine is too slow now", stages)
    share = f"a minimal extension took {probe.seconds:.0f}s of the {timeout_s:.0f}s limit"
    stages["compile"]["probe"] = f"built slowly ({share}): the answer's build ran again"
    for i, e in enumerate(exts):
        if builds[i].timed_out:
            builds[i] = compile_extension(e, workdir / f"build{i}_again", timeout_s=timeout_s, arch=arch, runner=run)
    stages["compile"]["builds"] = [b.as_dict() for b in builds]
    again = next((b for b in builds if b.timed_out or b.infra), None)
    if again is None:
        return None
    stages["compile"]["status"] = "infra_error"
    return _result("infra_error", f"CUDA compile: {again.log} (the second build), and {share}: the machine is too "
                   "slow now to tell a heavy answer from a loaded machine", stages)


def _run_stage(prob: Problem, candidate_code: str, refs: Any, job: dict[str, Any], cases: list[dict[str, Any]],
               workdir: Path, stages: dict[str, Any], *, lang: str, gpu: bool, arch: str, timeout_s: float,
               run: Runner) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """The checked run of the candidate on every case (on the CPU, with a real Triton compile for
    ``sm_<arch>`` alongside): (an early result or None, the worker's record)."""
    cand = workdir / "cand"
    case_seeds = {c["id"]: int(c.get("seed", 0)) for c in refs.cases} if prob.kind == "function" else {}
    if lang == "triton" and not gpu:  # real compile (for sm_<arch>) alongside the interpreter run
        comp_dir = workdir / "compile"
        _candidate_folder(comp_dir, candidate_code, refs, prob, {**job, "cases": cases[:1]}, cases[:1])
        with ThreadPoolExecutor(2) as pool:
            fut = pool.submit(run_worker, run, comp_dir, "compile", gpu=False, timeout_s=timeout_s, interpret=False)
            proc, data = run_checked(run, cand, gpu=gpu, timeout_s=timeout_s, seeds=case_seeds)
            cproc, cdata = fut.result()
        comp = cdata.get("compile", {}) if isinstance(cdata.get("compile"), dict) else {}
        stages["compile"] = {"status": "pass" if comp.get("kernels") else "not_run",
                             "kernels_compiled": comp.get("kernels", []), "target": f"sm_{arch}"}
        if comp.get("trace_error"):
            stages["compile"]["trace_error"] = comp["trace_error"]
        cfail = worker_failure(cproc, cdata, timeout_s)
        if cfail and (cfail[0] == "syntax_error" or worker_failure(proc, data, timeout_s) is None):
            stages["compile"].update(status=cfail[0], reason=cfail[2], stderr=tail(cproc.stderr, 3000))
            return _result(cfail[0], cfail[2], stages), data
        if cfail:  # e.g. both runs hit the same endless loop: the check run's verdict below says it
            stages["compile"].update(status="not_run", reason=cfail[2])
    else:
        proc, data = run_checked(run, cand, gpu=gpu, timeout_s=timeout_s, seeds=case_seeds)
        if lang == "triton":
            stages["compile"] = {"status": "pass", "target": "device (JIT at first launch)"}
    if data.get("forged"):  # attack class 7: the record or the outputs were rewritten
        stages["correctness"] = {"status": "rejected", "reason": data["forged"]}
        return _result("rejected", f"forged_result: {data['forged']}", stages), data
    failure = worker_failure(proc, data, timeout_s)
    if failure:
        status, stage, reason = failure
        stages[stage] = {**stages[stage], "status": status, "reason": reason,
                         "stderr": tail(proc.stderr, 3000)}
        return _result(status, reason, stages), data
    return None, data


def reference_check(problem: Problem | Path, workdir: Path, *, gpu: bool, timeout_s: float, seeds: int = 2,
                    runner: Runner | Sandbox, ref_cache: Path | None = None,
                    seed_base: int | None = None) -> dict[str, Any]:
    """Does the reference itself run here and give comparable outputs? (validation of problems
    without golden solutions: KernelBench, TritonBench)."""
    stages: dict[str, Any] = {"reference": {"status": "not_run"}}
    try:
        prob = _load(problem)
        if prob.meta.get("unsupported"):
            raise ReferenceFailure(f"not supported here: {prob.meta['unsupported']}")
        refs = reference_cases(prob, Path(workdir).resolve(), gpu=gpu, seeds=seeds,
                               runner=as_runner(runner, gpu=gpu), timeout_s=timeout_s, cache_root=ref_cache,
                               seed_base=seed_base)
    except (ProblemError, OSError, ValueError, ReferenceFailure) as exc:
        stages["reference"] = {"status": "fail", "reason": str(exc)[-1500:]}
        return _result("fail", f"the reference does not run here: {exc}"[:2000], stages)
    bad = [c["id"] for c in refs.cases if not c.get("deterministic", True)]
    stages["reference"] = {"status": "fail" if bad else "pass", "n_cases": len(refs.cases),
                           "globals": refs.globals, "nonfinite": [c["id"] for c in refs.cases if not c.get("finite", True)]}
    if bad:
        return _result("fail", _NONDETERMINISTIC.format(case=bad[0]), stages)
    moved = data_movement(refs.cases) or results_unpowered(prob, refs)
    if moved:
        return _result("fail", moved, stages)
    return _result("pass", "", stages)


def _perf_stage(problem: Problem, workdir: Path, refs: RefCases, job: dict[str, Any], run: Runner,
                timeout_s: float, compile_baseline: bool, reps: int) -> dict[str, Any]:
    """Time the largest config: the reference (eager, torch.compile) in one folder, the candidate in its own
    (``not_run`` for function problems: there is no timing harness for them)."""
    import torch

    if problem.kind != "module":
        return {"status": "not_run", "reason": "no timing harness for function problems"}
    cfg = problem.config_names(True)[-1]
    case = next(c for c in refs.cases if c["config"] == cfg)
    perf_job = {**job, "perf": {"inputs": case["inputs"], "warmup": 10, "reps": reps, "rounds": 3,
                                "outputs": PERF_OUTPUTS},
                "baseline": {"reference": "reference_baseline.py", "compile": compile_baseline}}
    base_dir = workdir / "baseline"
    base_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(refs.folder / refs.init, base_dir / "init.pt")
    shutil.copyfile(refs.folder / case["inputs"], base_dir / case["inputs"])
    (base_dir / "reference_baseline.py").write_text(problem.reference_source)
    (base_dir / "job.json").write_text(json.dumps(perf_job))
    proc_b, base = run_worker(run, base_dir, "baseline", gpu=True, timeout_s=max(timeout_s, 600.0))
    if base.get("reached") != "done" or "eager" not in base:
        return {"status": "infra_error", "reason": f"baseline timing failed: {tail(proc_b.stderr, 1500)}"}
    cand = workdir / "cand"
    (cand / "job.json").write_text(json.dumps(perf_job))
    shutil.copyfile(refs.folder / case["inputs"], cand / case["inputs"])  # the checker deleted it
    proc, data = run_worker(run, cand, "perf", gpu=True, timeout_s=timeout_s)
    failure = worker_failure(proc, data, timeout_s)
    if failure:
        return {"status": failure[0], "reason": f"perf run: {failure[2]}"}
    if int(data.get("launches_min", 0)) < 1:
        return {"status": "rejected", "reason": "kernel_not_launched: a timed call launched no kernel"}
    wrong = perf_output_problem(problem, case, refs.folder / case["ref"], cand / PERF_OUTPUTS)
    if wrong:  # red team 13 K5: a kernel that stops working once timed
        return {"status": "fail", "reason": wrong}
    flops, nbytes = problem.work(cfg) if problem.meta.get("perf") else (0.0, 0.0)
    device = torch.cuda.get_device_name() if torch.cuda.is_available() else "unknown"
    return judge(data["timing"], base.get("eager"), base.get("compiled"), flops, nbytes, device) | {
        "config": cfg, "compiled_error": base.get("compiled_error")}
