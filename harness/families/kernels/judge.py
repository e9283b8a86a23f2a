"""The trusted verdicts: what a worker run means, and the candidate's outputs against the reference.

Rejections are checked first over every case (cheating outranks wrong answers), then the
comparisons with the problem's dtype-aware tolerances.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from harness.families.kernels import compare
from harness.families.kernels.cases import RefCases
from harness.families.kernels.problem import Problem
from harness.families.kernels.sandboxed.pipe import UNWATCHED
from harness.proc import tail
from harness.sandbox.base import ExecResult


def worker_failure(proc: ExecResult, data: dict[str, Any], timeout_s: float) -> tuple[str, str, str] | None:
    """(status, stage, reason) for a worker that did not finish, else None."""
    reached = str(data.get("reached", ""))
    if proc.infra_error:
        return "infra_error", "correctness", f"sandbox: {proc.infra_error}"
    if proc.timed_out:
        stage = "compile" if reached == "import" and "compile" in data else "correctness"
        return "timeout", stage, f"worker exceeded {timeout_s:g}s (reached {reached or 'start'})"
    err = data.get("error")
    if isinstance(err, dict):
        where, msg = err.get("where"), f"{err.get('type')}: {err.get('message', '')}"[-2000:]
        if where in ("import", "compile") or err.get("compile_error"):
            return "syntax_error", "compile", f"does not build: {msg}"
        if where == "worker" and reached in ("", "boot"):
            return "infra_error", "correctness", f"worker failure: {msg}"
        if where == "worker":  # after the candidate was imported: it shares the worker's process
            return "runtime_error", "correctness", f"worker failed after the candidate loaded: {msg}"
        case = f" (case {err.get('case')})" if err.get("case") else ""
        return "runtime_error", "correctness", f"{where} raised{case}: {msg}"
    if reached != "done":
        # ``boot``: the worker died in the harness's own start-up; from ``ready`` on (sent before
        # any answer code is imported) a death is the answer's (red team 4: SIGBUS from a full /dev/shm)
        if not data or reached == "boot":
            return "infra_error", "correctness", f"worker did not start: {tail(proc.stderr, 1500)}"
        code = data.get("worker_exit", proc.returncode)
        return "runtime_error", "correctness", (f"worker died in '{reached}' (exit {code}): "
                                                f"{tail(proc.stderr, 1500)}")
    return None


def _section_changes(rep: dict[str, Any], case: dict[str, Any]) -> str | None:
    """A test section's own check (``allclose(f(x), ref(x))``) reads ``x`` again: an answer's call may
    change what the section reaches only where the reference's call did (in-place operators), at a
    path the reference saw (another is the answer's own state; ``sandboxed.writes``); and the
    section must read the same provided-class data as in the reference's run (``sandboxed.provided``)."""
    seen = case.get("paths_seen")
    known = None if seen is None else set(seen)
    writes = sorted(w for w in set(rep.get("inputs_written") or []) - set(case.get("inputs_written") or [])
                    if known is None or str(w).partition("@")[2] in (*known, UNWATCHED))
    if any(str(w).partition("@")[2] == UNWATCHED for w in writes):
        return ("modifies_inputs: a call's write watch ran out of values to follow before reaching every "
                "tensor the test section holds (the answer's objects hold too many), so its writes cannot be checked")
    if writes:
        return (f"modifies_inputs: call {', '.join(map(str, writes[:4]))} changed a tensor the test section "
                "reaches, which the reference's call does not")
    want, got = case.get("class_reads"), rep.get("class_reads")
    if want is not None and list(got or []) != list(want):
        diff = next((f"{g!r} where the reference's run read {w!r}" for g, w in zip(got or [], want, strict=False)
                     if g != w), f"{len(got or [])} reads where the reference's run made {len(want)}")
        return f"provided_data: the test section read {diff}"[:500]
    return None


def case_rejection(rep: dict[str, Any], cid: str) -> str | None:
    """The rule one case's worker report breaks (defence in depth: the report comes from the
    candidate's process), or None."""
    if int(rep.get("launches", 0)) < 1:
        return f"kernel_not_launched: no custom kernel launch in case {cid}"
    if rep.get("host_args"):
        return f"host_object: a launch got host objects, {', '.join(sorted(rep['host_args'])[:4])} ({cid})"
    if rep.get("host_copies"):
        return f"cuda_host_copy: device memory copied to the host, {', '.join(sorted(rep['host_copies'])[:4])} ({cid})"
    bad_ops = compare.disallowed_ops(rep.get("ops", {}))
    if bad_ops:
        return f"runtime_torch_compute: forward ran {', '.join(bad_ops[:6])} ({cid})"
    if rep.get("alias_input"):
        return f"output_aliases_input: output {rep['alias_input']} shares memory ({cid})"
    if rep.get("alias_previous") or rep.get("alias_within"):
        return f"output_aliases_output: output reuses an earlier output's memory ({cid})"
    return None


_rejection = case_rejection  # the former name


def judge_cases(problem: Problem, cand: Path, data: dict[str, Any], refs: RefCases, kernels: list[str]
                ) -> tuple[str, str, dict[str, Any]]:
    """(status, reason, detail) of the check phase's report in folder ``cand``."""
    reports = {c.get("id"): c for c in data.get("cases", []) if isinstance(c, dict)}
    detail: dict[str, Any] = {"cases": []}
    saved: dict[str, tuple[list[Any], list[Any], list[str] | None]] = {}
    for i, case in enumerate(refs.cases):
        cid = case["id"]
        rep = reports.get(cid)
        if rep is None:
            return "runtime_error", f"no result for case {cid}", detail
        why = case_rejection(rep, cid)
        if why:
            return "rejected", why, detail
        try:
            blob = torch.load(cand / f"out_{i}.pt", map_location="cpu", weights_only=True)
            keys = blob.get("keys")
            saved[cid] = (list(blob["outputs"]), list(blob["inputs_after"]), list(keys) if keys else None)
        except Exception as exc:  # unreadable: the candidate returned something unsaveable
            return "runtime_error", f"outputs of {cid} unreadable: {exc!r}"[:500], detail
        before = torch.load(refs.folder / case["inputs"], map_location="cpu", weights_only=True)
        changed = compare.modified_inputs(list(before), saved[cid][1]) if problem.kind == "module" else []
        if changed:
            return "rejected", f"modifies_inputs: input(s) {changed} changed during forward ({cid})", detail
        if problem.kind == "function":
            why = _section_changes(rep, case)
            if why:
                return "rejected", f"{why} ({cid})", detail
    prof = data.get("profile")
    if isinstance(prof, dict) and prof.get("sentinel") and kernels:  # the profiler demonstrably works
        seen = [str(n) for n in prof.get("kernels", [])]
        if not any(k in n for k in kernels for n in seen):
            return "rejected", f"kernel_not_launched: the GPU ran {seen[:5]}, none of {kernels}", detail
    for case in refs.cases:
        cid = case["id"]
        ref_blob = torch.load(refs.folder / case["ref"], map_location="cpu", weights_only=True)
        ref, (outs, _, keys) = list(ref_blob["outputs"]), saved[cid]
        if problem.kind == "function" and keys != list(ref_blob.get("keys") or []):
            return "fail", f"case {cid}: results {keys} differ in structure from {ref_blob.get('keys')}", detail
        dtypes = {compare.dtype_name(r) for r in ref if isinstance(r, torch.Tensor)}
        scale = float(case.get("atol_scale", 1.0))
        tol = {d: (problem.tolerance(d, case.get("dist"), case.get("config"))[0] * scale,
                   problem.tolerance(d, case.get("dist"), case.get("config"))[1]) for d in dtypes}
        oob = reports[cid].get("oob_write") or []
        if oob:  # a kernel wrote into a guard band: a bug the outputs alone may not show
            return "fail", f"out-of-bounds write in case {cid}: {', '.join(map(str, oob[:4]))} guard band changed", detail
        raced = reports[cid].get("races") or []
        if raced:  # programs of one launch race (sandboxed.races): the serial interpreter hid it
            return "fail", f"{str(raced[0])[:400]} (case {cid})", detail
        try:
            cmp = compare.compare_outputs(ref, outs, tol)
        except (OverflowError, ValueError, TypeError, RuntimeError) as exc:  # the answer's values: never infra
            return "fail", f"wrong result in case {cid}: outputs cannot be compared ({exc!r})"[:500], detail
        detail["cases"].append({"id": cid, "ok": cmp.ok, "max_abs_err": cmp.max_abs_err,
                                "launches": reports[cid].get("launches")})
        if not cmp.ok:
            where = f" ({ref_blob['keys'][int(cmp.details.get('index', 0))]})" if problem.kind == "function" and \
                cmp.details.get("index") is not None else ""
            return "fail", f"wrong result in case {cid}{where}: {cmp.reason}", detail
    return "pass", "", detail
