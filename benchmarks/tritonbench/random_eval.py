"""One evaluation of a random TritonBench-T operator (see :mod:`benchmarks.tritonbench.random_ops`):
the reference's runs and their classification, then (for an answer) its checked runs."""
from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import torch

from harness.cache import atomic_dir, code_digest, key_of
from harness.families.kernels.cases import CASES_CODE
from harness.families.kernels.problem import Problem as KernelProblem
from harness.families.kernels.runner import sandbox_runner
from harness.families.kernels.suite import to_verdict
from harness.suite import EvalContext
from harness.types import Candidate, Verdict

from .random_ops import answer_runs, check_answer, classify, reference_runs


def _verdict(status: str, reason: str, stages: dict[str, Any]) -> Verdict:
    return to_verdict({"status": status, "reason": reason, "stages": stages})


def _cached_reference_runs(kp: KernelProblem, work: Path, cache: Path | None, runner: Any, seed: int,
                           timeout: float) -> tuple[dict[str, Any], list[list[float]]]:
    """The reference's runs, computed once per (reference, test section, seed) when there is a cache."""
    if cache is None:
        return reference_runs(kp, work / "ref", runner, seed=seed, timeout_s=timeout)
    # ns2: the reference namespace; keyed on the code that makes the runs (this package, the kernels worker)
    code = code_digest(Path(__file__).resolve().parent, *CASES_CODE)
    key = key_of("ns2", code, kp.reference_source, kp.test_code, kp.entry, seed)[:24]
    final = cache / "tritonbench_random" / key
    if (final / "runs.pt").is_file() and (final / "runs.json").is_file():
        runs = torch.load(final / "runs.pt", map_location="cpu", weights_only=True)
        return runs, json.loads((final / "runs.json").read_text())["ps"]
    runs, ps = reference_runs(kp, work / "ref", runner, seed=seed, timeout_s=timeout)
    with atomic_dir(final) as tmp:  # a reader sees both files or neither
        for name in ("runs.pt", "runs.json"):
            shutil.copyfile(work / "ref" / name, tmp / name)
    return runs, ps


def evaluate_random(kp: KernelProblem, candidate: Candidate, ctx: EvalContext, *, seed: int) -> Verdict:
    """The validation of the reference (a self-check candidate) or the verdict of an answer; the
    test sections run under input seed ``seed`` (the suite's, fresh per run)."""
    base = sandbox_runner(ctx.sandbox, ctx.limits, gpu=False)
    # the reference phase runs ``-m benchmarks.tritonbench.random_ref``: this package is bound read-only
    runner = replace(base, ro_paths=(*base.ro_paths, Path(__file__).resolve().parent))
    timeout = max(ctx.limits.wall_s, 120.0)
    seed = int(seed) % (1 << 31)
    stages: dict[str, Any] = {"reference": {"status": "not_run"}, "correctness": {"status": "not_run"}}
    with ctx.scratch() as work:
        try:
            runs, ps = _cached_reference_runs(kp, work, ctx.cache_dir, runner, seed, timeout)
        except TimeoutError as exc:  # the harness's side (time, sandbox): not run, never excluded
            stages["reference"] = {"status": "infra_error", "reason": str(exc)[-1500:]}
            return _verdict("infra_error", f"reference failed: {exc}"[:2000], stages)
        except RuntimeError as exc:
            stages["reference"] = {"status": "fail", "reason": str(exc)[-1500:]}
            if candidate.meta.get("selfcheck"):
                return _verdict("fail", f"the reference does not run here: {exc}"[:2000], stages)
            return _verdict("infra_error", f"reference failed: {exc}"[:2000], stages)
        plan, why = classify(kp, runs, ps)
        stages["reference"] = {"status": "fail" if why else "pass", "random_checks": plan, "reason": why}
        if why:
            reason = f"random operator that cannot be checked from its outputs: {why}"
            return _verdict("fail" if candidate.meta.get("selfcheck") else "infra_error", reason, stages)
        if candidate.meta.get("selfcheck"):
            return _verdict("pass", "", stages)
        data, status, reason, results = answer_runs(kp, candidate.code, work / "cand", runner, seed=seed,
                                                    timeout_s=ctx.limits.wall_s)
        if status:
            stage = "static" if reason.split(":", 1)[0] in ("no_entry_function",) else "correctness"
            stages[stage] = {"status": status, "reason": reason}
            return _verdict(status, reason, stages)
        status, reason = check_answer(kp, plan, runs["kept"]["values"], runs["dropped"]["values"], results)
        stages["correctness"] = {"status": status, "reason": reason, "n_cases": len(results),
                                 "device": "cpu (triton interpreter)", "checks": sorted({p["kind"] for p in plan}),
                                 "input_seed": seed, "draw_seeds": (data or {}).get("draw_seeds")}
        return _verdict(status, reason, stages)

