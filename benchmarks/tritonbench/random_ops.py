"""TritonBench-T operators that draw random numbers (dropout, ``rand``): checks that fit them.

No kernel can reproduce torch's random stream, so comparing values says nothing. Instead the
reference's test section is run (sandboxed, :mod:`benchmarks.tritonbench.random_ref`) with
``F.dropout`` (or a mask the reference draws itself with ``rand``/``bernoulli`` and one threshold:
:mod:`benchmarks.tritonbench.random_probe`) keeping every element, dropping every element, and for
real under two generator seeds. Each result leaf is then one of:

* ``fixed``: the same in every run (dropout inactive: ``training=False``, ``p=0``): compared like
  any TritonBench-T result;
* ``masked``: every element of the real runs equals the all-kept or the all-dropped value (dropout
  is last, or only element-wise operations follow it): each element of the answer must equal one
  of the two (so kept values carry the ``1/(1-p)`` scaling), and the fraction kept, pooled over the
  leaves that share a dropout probability ``p`` and over both cases, must lie within
  ``4 sigma + 1/n`` of ``1 - p`` (binomial bound; a false failure about once in 15,000 checks);
  and which elements are kept must not depend on the element index, the kept value or the
  neighbours along any dimension (:mod:`benchmarks.tritonbench.random_stats`);
* ``uniform``: values that change with the seed, lie in [0, 1) and pass the uniform tests themselves
  (``torch.rand``; not ``torch.rand(...) * 0.5``, which stays excluded): the answer's
  leaf must have the same shape and dtype, lie in [0, 1), its mean be within 4 sigma of 1/2, its
  distribution be U[0, 1) (Kolmogorov-Smirnov) and its values independent of the index and of
  their neighbours (:mod:`benchmarks.tritonbench.random_stats`: each of these tests falsely fails
  an honest draw with probability at most 1e-6);
* anything else (dropout followed by operations that mix elements, e.g. ``bmm`` or ``layer_norm``)
  cannot be checked from the outputs: the problem stays excluded with that reason.

Fresh draws (:mod:`benchmarks.tritonbench.random_pairs`): the answer's test section runs twice on the
same inputs, each call of its function under its own seed of torch's generator (fresh per
evaluation). Where the reference's draws changed with the generator, the answer's two runs must be
independent draws (a fixed ``tl.rand`` seed or a hash of the position fails); where they did not
(the function is given its seed), they must be identical. The answer seeds its kernels with
``torch.randint(0, 2**31 - 1, (1,)).item()`` (:mod:`harness.families.kernels.static.seeddraw`). The
answer runs through the family's checked worker (static allowlist, launch counting, outputs taken
from the checker).
"""
from __future__ import annotations

import ast
import json
import math
import re
import secrets
import shutil
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import torch

from harness.families.kernels import compare
from harness.families.kernels.cases import run_checked, run_worker, worker_env
from harness.families.kernels.judge import case_rejection, worker_failure
from harness.families.kernels.problem import Problem
from harness.families.kernels.runner import Runner
from harness.families.kernels.sandboxed.refcases import section_record
from harness.families.kernels.static.check import analyze, scalar_positions
from harness.proc import tail

from .random_pairs import Draws, cross_kind, cross_run_problems, repeat_problems
from .random_stats import mask_problems, uniform_problems

#: every torch random API: the functions (``rand``, ``rand_like``, ``randint_like``, ``normal``,
#: ``poisson`` ...), the in-place samplers (``uniform_``, ``exponential_``, ``random_`` ...), the random
#: layers and functionals (any ``dropout``, ``rrelu``, fractional max pooling, ``gumbel_softmax``),
#: generators and ``torch.distributions``. Matching too much costs nothing: a leaf that does not
#: change from run to run is compared exactly (``fixed``).
_RANDOM = re.compile(
    r"\b(?:rand|randn|randint|randperm|rand_like|randn_like|randint_like|bernoulli_?|multinomial|normal_?|"
    r"poisson|binomial|standard_gamma|sample_dirichlet|uniform_|exponential_|geometric_|log_normal_|"
    r"cauchy_|random_)\s*\(|dropout|rrelu|fractional_?max_?pool|gumbel_softmax|\bgenerator\b|"
    r"\bdistributions\b|\b(?:manual_)?seed\s*\(", re.IGNORECASE)
SIGMAS = 4.0


def draws_random(reference: str) -> bool:
    """Does the reference function's code (docstrings and comments aside) draw random numbers?"""
    try:
        tree = ast.parse(reference)
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Module) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                node.body = node.body[1:] or [ast.Pass()]
    return bool(_RANDOM.search(ast.unparse(tree)))


def _close(a: torch.Tensor, b: torch.Tensor, atol: float, rtol: float) -> torch.Tensor:
    a, b = a.double(), b.double()
    return ((a - b).abs() <= atol + rtol * b.abs()) | (torch.isnan(a) & torch.isnan(b))


def _tol(problem: Problem, t: torch.Tensor) -> tuple[float, float]:
    return problem.tolerance(compare.dtype_name(t))


def classify(problem: Problem, runs: dict[str, Any], ps: list[list[float]]) -> tuple[list[dict[str, Any]], str]:
    """Per result leaf: ``{"key", "kind", "p"}``; and why the problem cannot be checked ("" if it can):
    also where the checks have no power at the test section's sizes (:func:`powerless`)."""
    plan, why = _classify_leaves(problem, runs, ps)
    if why:
        return plan, why
    weak = powerless(problem, plan, runs)
    return (plan, "") if not weak else ([], f"random results too small to check: {weak} would pass")


def powerless(problem: Problem, plan: list[dict[str, Any]], runs: dict[str, Any]) -> str:
    """Which deterministic wrong answer the checks of ``plan`` would pass ("" if none): one result
    leaf with every element kept, with every element dropped, or (a uniform leaf) a constant 0.5,
    the same in every run, the other leaves the reference's own real draws (red team 10b S4: a
    dropout that never drops passed on 4x4 inputs, a constant 0.5 passed as ``rand_like`` on 3
    elements)."""
    kept, dropped = runs["kept"]["values"], runs["dropped"]["values"]
    keys = [leaf["key"] for leaf in plan]
    for i, leaf in enumerate(plan):
        if leaf["kind"] == "masked":
            fakes = {"every element kept": kept[i], "every element dropped": dropped[i]}
        elif leaf["kind"] == "uniform":
            fakes = {"a constant 0.5": torch.full_like(kept[i], 0.5)}
        else:
            continue
        for name, fake in fakes.items():
            real = [list(runs[m]["values"]) for m in ("real_a", "real_b", "real_a")]
            for values in real:
                values[i] = fake
            if check_answer(problem, plan, kept, dropped, [(keys, v) for v in real])[0] == "pass":
                return f"result {leaf['key']} with {name}"
    return ""


def _classify_leaves(problem: Problem, runs: dict[str, Any], ps: list[list[float]]
                     ) -> tuple[list[dict[str, Any]], str]:
    keys = runs["kept"]["keys"]
    if any(runs[m]["keys"] != keys for m in ("dropped", "real_a", "real_b")):
        return [], "the test section's results change structure from run to run"
    distinct = sorted({p for call in ps for p in call})
    out: list[dict[str, Any]] = []
    for i, key in enumerate(keys):
        kept, dropped = runs["kept"]["values"][i], runs["dropped"]["values"][i]
        ra, rb = runs["real_a"]["values"][i], runs["real_b"]["values"][i]
        if not isinstance(kept, torch.Tensor) or not kept.is_floating_point():
            same = all(repr(v) == repr(kept) if not isinstance(v, torch.Tensor) else
                       (isinstance(kept, torch.Tensor) and torch.equal(v, kept)) for v in (dropped, ra, rb))
            if not same:
                return [], f"result {key} is random and not a floating-point tensor"
            out.append({"key": key, "kind": "fixed"})
            continue
        atol, rtol = _tol(problem, kept)
        if kept.shape != dropped.shape or kept.shape != ra.shape:
            return [], f"result {key} changes shape with the random draws"
        as_kept = [_close(r, kept, atol, rtol) for r in (ra, rb)]
        as_dropped = [_close(r, dropped, atol, rtol) for r in (ra, rb)]
        if bool(_close(kept, dropped, atol, rtol).all()) and all(bool(m.all()) for m in as_kept):
            out.append({"key": key, "kind": "fixed"})
        elif all(bool((k | d).all()) for k, d in zip(as_kept, as_dropped, strict=True)):
            if len(distinct) == 1:
                p = distinct[0]
            elif len(ps) == len(keys) and len(set(ps[i])) == 1:
                p = ps[i][0]
            else:
                return [], f"result {key}: cannot tell which dropout probability produced it ({distinct})"
            informative = ~_close(kept, dropped, atol, rtol)
            cross = cross_kind(as_kept[0][informative], as_kept[1][informative], 1.0 - p)
            out.append({"key": key, "kind": "masked", "p": p, "cross": cross})
        elif not distinct and not bool(_close(ra, rb, atol, rtol).all()) and bool(
                ((ra >= 0) & (ra < 1)).all()) and bool(((rb >= 0) & (rb < 1)).all()) \
                and not uniform_problems(ra) and not uniform_problems(rb):  # e.g. not rand() * 0.5
            out.append({"key": key, "kind": "uniform", "cross": "independent"})
        elif not distinct:
            return [], (f"result {key}: random values that are not uniform draws on [0, 1) (normal, integer or "
                        "transformed draws): no check of their distribution is implemented")
        else:
            return [], (f"result {key}: the random draws are followed by operations that mix elements, so "
                        "neither the kept fraction nor the scaling can be read from the outputs")
    return out, ""


def reference_runs(problem: Problem, folder: Path, runner: Runner, *, seed: int, timeout_s: float
                   ) -> tuple[dict[str, Any], list[list[float]]]:
    """Run :mod:`random_ref` in the sandbox; (runs, dropout probabilities per call). RuntimeError:
    the reference failed; TimeoutError: it ran out of time or the sandbox failed (not its fault)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "reference.py").write_text(problem.reference_source)
    (folder / "test_section.py").write_text(problem.test_code)
    (folder / "job.json").write_text(json.dumps({
        "entry": problem.entry, "seed": seed, "result_var": problem.meta.get("result_var", "test_results"),
        "module_name": problem.meta.get("module_name")}))
    cmd = [_python(), "-m", "benchmarks.tritonbench.random_ref", "--workdir", str(folder)]
    res = runner(cmd, workdir=folder, env=worker_env(folder, interpret=True, gpu=False), timeout_s=timeout_s)
    if res.infra_error:
        raise TimeoutError(f"sandbox: {res.infra_error}")
    if res.timed_out:
        raise TimeoutError(f"the reference exceeded {timeout_s:g}s")
    if (folder / "runs_error.txt").is_file():
        raise RuntimeError((folder / "runs_error.txt").read_text())
    if not (folder / "runs.pt").is_file():
        raise RuntimeError(f"the reference run died (exit {res.returncode}): {tail(res.stderr, 1000)}")
    runs = torch.load(folder / "runs.pt", map_location="cpu", weights_only=True)
    ps = json.loads((folder / "runs.json").read_text())["ps"]
    return runs, ps


def _python() -> str:
    import sys

    return sys.executable


def check_answer(problem: Problem, plan: list[dict[str, Any]], kept: list[Any], dropped: list[Any],
                 answers: list[tuple[list[str], list[Any]]]) -> tuple[str, str]:
    """(status, reason) of the answer's results (one (keys, values) per case) against the plan."""
    keys = [leaf["key"] for leaf in plan]
    counts: dict[float, list[int]] = defaultdict(lambda: [0, 0])
    means: list[tuple[float, int, str]] = []
    patterns: list[str] = []  # reported after the kept fraction and the mean (the plainer reasons)
    runs, repeat = answers[:2], answers[2:]  # the third, if any, reruns the first (random_pairs.repeat_problems)
    draws: list[dict[str, Draws]] = [{} for _ in runs]
    for c, (akeys, values) in enumerate(runs):
        if akeys != keys:
            return "fail", f"case {c}: results {akeys} differ in structure from {keys}"
        for leaf, ref_k, ref_d, got in zip(plan, kept, dropped, values, strict=True):
            key = leaf["key"]
            if leaf["kind"] == "fixed":
                tol = {compare.dtype_name(ref_k): _tol(problem, ref_k)} if isinstance(ref_k, torch.Tensor) else {}
                cmp = compare.compare_outputs([ref_k], [got], tol)
                if not cmp.ok:
                    return "fail", f"wrong result {key}: {cmp.reason}"
                continue
            if not isinstance(got, torch.Tensor) or got.shape != ref_k.shape or got.dtype != ref_k.dtype:
                what = f"{tuple(got.shape)} {got.dtype}" if isinstance(got, torch.Tensor) else type(got).__name__
                return "fail", f"result {key}: {what}, expected {tuple(ref_k.shape)} {ref_k.dtype}"
            if leaf["kind"] == "uniform":
                if bool(((got < 0) | (got >= 1)).any()) or got.numel() == 0:
                    return "fail", f"result {key}: values outside [0, 1)"
                means.append((float(got.double().mean()), got.numel(), key))
                draws[c][key] = Draws("uniform", got)
                patterns += [f"result {key} (case {c}) is not independent uniform draws: {f}"
                             for f in uniform_problems(got)]
                continue
            atol, rtol = _tol(problem, ref_k)
            is_kept, is_dropped = _close(got, ref_k, atol, rtol), _close(got, ref_d, atol, rtol)
            bad = ~(is_kept | is_dropped)
            if bool(bad.any()):
                i = int(bad.reshape(-1).nonzero()[0])
                return "fail", (f"result {key}: {int(bad.sum())} element(s) are neither dropped nor the kept value "
                                f"scaled by 1/(1-p) (first: got {float(got.reshape(-1)[i]):.6g}, kept "
                                f"{float(ref_k.reshape(-1)[i]):.6g}, dropped {float(ref_d.reshape(-1)[i]):.6g})")
            informative = ~_close(ref_k, ref_d, atol, rtol)
            draws[c][key] = Draws("masked", is_kept[informative], 1.0 - leaf["p"])
            patterns += [f"result {key} (case {c}): the dropout mask is not random: {f}"
                         for f in mask_problems(is_kept, informative, ref_k, 1.0 - leaf["p"])]
            counts[leaf["p"]][0] += int((is_kept & informative).sum())
            counts[leaf["p"]][1] += int(informative.sum())
    for p, (k, n) in sorted(counts.items()):
        if n == 0:
            continue
        bound = SIGMAS * math.sqrt(p * (1 - p) / n) + 1.0 / n
        if abs(k / n - (1 - p)) > bound:
            return "fail", (f"kept fraction {k}/{n} = {k / n:.3f} for dropout p={p:g}: expected {1 - p:.3f} "
                            f"within {bound:.3f}")
    for mean, n, key in means:
        bound = SIGMAS * math.sqrt(1 / 12 / n) + 1.0 / n
        if abs(mean - 0.5) > bound:
            return "fail", f"result {key}: mean {mean:.3f} of uniform draws, expected 0.5 within {bound:.3f}"
    if patterns:
        return "fail", patterns[0]
    if len(runs) == 2:
        cross = cross_run_problems(plan, draws[0], draws[1])
        if cross:
            return "fail", cross[0]
    again = repeat_problems(plan, runs[0], repeat[0]) if repeat else []
    if again:
        return "fail", again[0]
    return "pass", ""


def draw_seeds(case_ids: list[str]) -> dict[str, int]:
    """A distinct, unpredictable seed of torch's generator per case (``secrets``): the answer's
    draws must differ between the cases (:mod:`benchmarks.tritonbench.random_pairs`)."""
    out: dict[str, int] = {}
    while len(set(out.values())) < len(case_ids):
        out = {cid: secrets.randbelow(1 << 62) for cid in case_ids}
    return out


def _compile_folder(folder: Path, job: dict[str, Any]) -> Path:
    """A copy of the answer's folder for the compile phase, with the first case only."""
    comp = folder.parent / f"{folder.name}_compile"
    if comp.exists():
        shutil.rmtree(comp)
    comp.mkdir(parents=True)
    for name in ("candidate.py", "test_section.py", "init.pt", job["cases"][0]["inputs"]):
        shutil.copyfile(folder / name, comp / name)
    (comp / "job.json").write_text(json.dumps({**job, "cases": job["cases"][:1]}))
    return comp


def _compile_check(comp: Path, runner: Runner, timeout_s: float) -> str:
    """The compile phase every other kernel problem runs (``evaluate._run_stage``): the first case's
    kernels compiled for sm_90 and checked against its launch limits (``num_warps=64``, too much shared
    memory), red team 11b S3; the reason of a compile failure, else ""."""
    proc, data = run_worker(runner, comp, "compile", gpu=False, timeout_s=timeout_s, interpret=False)
    failure = worker_failure(proc, data, timeout_s)
    return failure[2] if failure and failure[0] == "syntax_error" else ""


def answer_runs(problem: Problem, code: str, folder: Path, runner: Runner, *, seed: int, timeout_s: float
                ) -> tuple[dict[str, Any] | None, str, str, list[tuple[list[str], list[Any]]]]:
    """The answer's test section, twice under the same input seed and two generator seeds for the
    answer's calls (``data["draw_seeds"]``), then once more under the first generator seed (other
    addresses: :func:`random_pairs.repeat_problems`), through the family's checked worker.
    (data, status, reason, results per case); status "" when it ran."""
    try:
        scalars = scalar_positions(problem.reference_source, function=problem.entry, test_code=problem.test_code)
        violations, _, _ = analyze(code, "triton", entry=problem.entry, kind="function", scalars=scalars)
    except SyntaxError as exc:
        return None, "syntax_error", f"does not parse: {exc.msg}" + (f" (line {exc.lineno})" if exc.lineno else ""), []
    if violations:
        v = violations[0]
        return None, "rejected", f"{v.rule}: {v.detail} (line {v.line})", []
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / "candidate.py").write_text(code, encoding="utf-8")  # the worker reads it as UTF-8
    (folder / "test_section.py").write_text(problem.test_code)
    torch.save([], folder / "init.pt")
    cases = []
    for i in range(3):
        torch.save([], folder / f"in_{i}.pt")
        cid = f"random/seed{i}" if i < 2 else "random/seed0-again"
        cases.append({"id": cid, "inputs": f"in_{i}.pt", "output": f"out_{i}.pt"})
    draws = draw_seeds([c["id"] for c in cases[:2]])
    draws[cases[2]["id"]] = draws[cases[0]["id"]]  # the rerun: the first run's generator seed, other addresses
    job = {"lang": "triton", "device": "cpu", "interpret": True, "seed": 0, "arch": 90, "init": "init.pt",
           "cases": cases, "profile": False, "kind": "function", "entry": problem.entry,
           "test_code": "test_section.py",
           "globals": section_record(problem.reference_source, problem.test_code, problem.entry),
           "result_var": problem.meta.get("result_var", "test_results"), "module_name": problem.meta.get("module_name")}
    (folder / "job.json").write_text(json.dumps(job))
    comp = _compile_folder(folder, job)  # before the checked run, whose checker deletes the inputs it reads
    with ThreadPoolExecutor(2) as pool:  # the real compile (sm_90 limits) alongside the checked run
        compiled = pool.submit(_compile_check, comp, runner, timeout_s)
        proc, data = run_checked(runner, folder, gpu=False, timeout_s=timeout_s, seeds={c["id"]: seed for c in cases},
                                 draws=draws)
        compile_failure = compiled.result()
    if compile_failure:
        return data, "syntax_error", compile_failure, []
    data["draw_seeds"] = draws
    if data.get("forged"):
        return data, "rejected", f"forged_result: {data['forged']}", []
    failure = worker_failure(proc, data, timeout_s)
    if failure:
        return data, failure[0], failure[2], []
    reports = {c.get("id"): c for c in data.get("cases", []) if isinstance(c, dict)}
    results = []
    for i, case in enumerate(cases):
        rep = reports.get(case["id"], {})
        why = case_rejection(rep, case["id"])  # the same runtime checks as every kernel problem's
        if why:
            return data, "rejected", why, []
        blob = torch.load(folder / f"out_{i}.pt", map_location="cpu", weights_only=True)
        results.append((list(blob.get("keys") or []), list(blob["outputs"])))
    return data, "", "", results
