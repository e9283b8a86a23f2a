#!/usr/bin/env python3
"""One-shot GPU check of the kernels family, safe to run in one go on a machine with a GPU.

    python tests/gpu/run_gpu_checks.py [--quick] [--lang triton,cuda] [--problems a,b] [--out FILE]

Needs a CUDA build of torch, triton and nvcc (``make setup`` on a GPU host). It only runs
hweval's own golden solutions and fixtures (trusted code), in plain sub-processes (the ``none``
sandbox: the bubblewrap and docker sandboxes do not pass GPUs through yet). Checks:

1. correctness of every golden solution on every config (small and large) and distribution,
   with the custom-kernel launch counter and the profiler's kernel list (``evaluate_kernel(gpu=True,
   perf=False)``); CUDA extensions build in parallel (``--jobs``);
2. negative controls on the device: an identity "ReLU" fails, a launch on a dead path and a CUDA
   host function that never launches its kernel are rejected (``kernel_not_launched``);
3. the KernelBench and TritonBench-T fixture answers of tests/kernels at their full GPU shapes;
4. timing: the perf stage passes (no physical bound beaten), speedups against eager (and, outside
   ``--quick``, torch.compile) are reported, and the timing is stable: coefficient of variation
   of the round medians under ``--max-cv`` (3%).

Prints a table, writes ``--out`` (JSON) if asked. Exit status: 0 all checks ok, 1 a check failed,
2 no GPU here (nothing was run). ``--quick`` fits in about 8 minutes on one H100/H200 with 16
cores; the full run takes 25-40 minutes. ``--budget-s`` stops starting new checks after that
long, so a run never overstays its slot.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PROBLEMS = ROOT / "benchmarks" / "kernels_core" / "problems"
FIXTURES = ROOT / "tests" / "kernels" / "fixtures"
QUICK = ["relu", "softmax_row", "layer_norm", "matmul", "cumsum_row", "attention"]

IDENTITY_RELU = '''
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def copy_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.store(y_ptr + offs, tl.load(x_ptr + offs, mask=offs < n), mask=offs < n)


class ModelNew(nn.Module):
    def forward(self, x):
        y = torch.empty_like(x)
        if x.numel() >= {threshold}:
            copy_kernel[(triton.cdiv(x.numel(), 1024),)](x, y, x.numel(), BLOCK=1024)
        return y
'''

CUDA_NO_LAUNCH = '''
import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

src = r"""
__global__ void relu_kernel(const float* x, float* y, long long n) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}
torch::Tensor relu_forward(torch::Tensor x) {
    auto y = torch::empty_like(x);
    long long n = x.numel();
    if (n < 0) relu_kernel<<<1, 1>>>(x.data_ptr<float>(), y.data_ptr<float>(), n);
    return y;
}
"""
ext = load_inline(name="gpu_check_no_launch", cpp_sources="torch::Tensor relu_forward(torch::Tensor x);",
                  cuda_sources=src, functions=["relu_forward"], verbose=False)


class ModelNew(nn.Module):
    def forward(self, x):
        return ext.relu_forward(x)
'''

#: (suite module, problem id, answer file in fixtures/answers)
EXTERNAL = [
    ("kernelbench", "level1/2_Row_scale_large", "kb_row_scale_triton.py"),
    ("kernelbench", "level2/1_Linear_Tanh_Bias", "kb_linear_tanh_bias_triton.py"),
    ("tritonbench", "scaled_add", "tb_scaled_add_triton.py"),
    ("tritonbench", "softmax_temperature", "tb_softmax_temperature_triton.py"),
]


def _row(check: str, lang: str, r: dict[str, Any], ok: bool, note: str) -> dict[str, Any]:
    return {"check": check, "lang": lang, "status": r.get("status"), "ok": ok, "note": note,
            "reason": str(r.get("reason", ""))[:400]}


def _eval(problem: Any, code: str, lang: str, work: Path, timeout: float, **kw: Any) -> dict[str, Any]:
    from harness.families.kernels.evaluate import evaluate_kernel
    from harness.families.kernels.runner import plain_runner

    try:
        return evaluate_kernel(problem, code, lang, work, gpu=True, timeout_s=timeout, runner=plain_runner(gpu=True),
                               **kw)
    except Exception as exc:  # noqa: BLE001 - a crash of the harness is a failed check, reported
        return {"status": "crash", "reason": f"{type(exc).__name__}: {exc}", "stages": {}}


def correctness(pid: str, lang: str, work: Path, timeout: float) -> dict[str, Any]:
    code = (PROBLEMS / pid / f"solution_{lang}.py").read_text()
    r = _eval(PROBLEMS / pid, code, lang, work / f"{pid}_{lang}", timeout, perf=False)
    corr = r.get("stages", {}).get("correctness", {})
    cases = corr.get("cases", [])
    ok = r["status"] == "pass" and bool(cases) and all(c.get("launches", 0) >= 1 for c in cases)
    configs = sorted({c["id"].split("/")[0] for c in cases})
    return _row(f"correct:{pid}", lang, r, ok, f"{len(cases)} cases, configs {','.join(configs)}")


def controls(work: Path, timeout: float, langs: list[str]) -> list[dict[str, Any]]:
    checks = [("identity_relu", "triton", IDENTITY_RELU.replace("{threshold}", "0"), "fail"),
              ("dead_launch", "triton", IDENTITY_RELU.replace("{threshold}", str(1 << 62)), "rejected"),
              ("cuda_no_launch", "cuda", CUDA_NO_LAUNCH, "rejected")]
    out = []
    for name, lang, code, want in checks:
        if lang not in langs:
            continue
        r = _eval(PROBLEMS / "relu", code, lang, work / f"control_{name}", timeout, perf=False)
        ok = r["status"] == want and (want != "rejected" or "kernel_not_launched" in r["reason"])
        out.append(_row(f"control:{name}", lang, r, ok, f"want {want}"))
    return out


def external(work: Path, timeout: float) -> list[dict[str, Any]]:
    from benchmarks.kernelbench import KernelBenchSuite
    from benchmarks.tritonbench import TritonBenchTSuite
    from harness.suite import SuiteOptions

    suites = {"kernelbench": KernelBenchSuite(SuiteOptions(data=str(FIXTURES / "kernelbench"), extra={"device": "cuda"})),
              "tritonbench": TritonBenchTSuite(SuiteOptions(data=str(FIXTURES / "tritonbench"), extra={"device": "cuda"}))}
    rows = []
    for suite_key, pid, answer in EXTERNAL:
        suite = suites[suite_key]
        problem = next(p for p in suite.problems() if p.id == pid)
        kp = suite.kernel_problem(problem)
        code = (FIXTURES / "answers" / answer).read_text()
        r = _eval(kp, code, "triton", work / f"ext_{pid.replace('/', '_')}", timeout, perf=False)
        cases = r.get("stages", {}).get("correctness", {}).get("cases", [])
        ok = r["status"] == "pass" and all(c.get("launches", 0) >= 1 for c in cases)
        rows.append(_row(f"{suite.name}:{pid}", "triton", r, ok, f"{len(cases)} cases at full size"))
    return rows


def perf(pid: str, lang: str, work: Path, timeout: float, compile_baseline: bool, max_cv: float,
         reps: int) -> dict[str, Any]:
    code = (PROBLEMS / pid / f"solution_{lang}.py").read_text()
    r = _eval(PROBLEMS / pid, code, lang, work / f"perf_{pid}_{lang}", timeout, perf=True, seeds=1,
              compile_baseline=compile_baseline, perf_reps=reps)
    p = r.get("stages", {}).get("perf", {})
    cand = p.get("candidate") or {}
    cv = float(cand.get("cv_rounds", 1.0))
    ok = r["status"] == "pass" and p.get("status") == "pass" and cv < max_cv
    note = (f"{cand.get('median_ms', float('nan')):.4g} ms  x{p.get('speedup', float('nan')):.2f} eager  "
            f"x{p.get('speedup_vs_compile', float('nan')):.2f} compile  cv {cv:.2%}  "
            f"floor {p.get('floor_ms', 0):.3g} ms")
    return _row(f"perf:{pid}", lang, r, ok, note)


def _budgeted(rows: list[dict[str, Any]], deadline: float, label: str, fn: Callable[[], Any]) -> None:
    if time.monotonic() > deadline:
        rows.append({"check": label, "lang": "-", "status": "skipped", "ok": True, "note": "time budget spent",
                     "reason": ""})
        return
    got = fn()
    rows.extend(got if isinstance(got, list) else [got])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--quick", action="store_true", help=f"only {', '.join(QUICK)}; eager baseline only")
    ap.add_argument("--problems", default="", help="comma-separated problem ids (default: all, or the quick set)")
    ap.add_argument("--lang", default="triton,cuda")
    ap.add_argument("--jobs", type=int, default=6, help="parallel correctness runs (CUDA builds)")
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds per evaluation")
    ap.add_argument("--budget-s", type=float, default=None, help="start no new check after this many seconds "
                    "(default: 420 with --quick, none otherwise)")
    ap.add_argument("--max-cv", type=float, default=0.03)
    ap.add_argument("--reps", type=int, default=None, help="timed calls per round (default 30 quick, 50 full)")
    ap.add_argument("--no-perf", action="store_true")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)

    try:
        import torch
    except ImportError:
        print("run_gpu_checks: torch is not installed (pip install 'hweval[kernels]'); nothing was run")
        return 2
    if not torch.cuda.is_available():
        print(f"run_gpu_checks: no CUDA device visible (torch {torch.__version__}"
              f"{', a CPU-only build' if torch.version.cuda is None else ''}); nothing was run. "
              "Run this script on a machine with an NVIDIA GPU.")
        return 2
    from harness.families.kernels.problem import list_problems

    print(f"device: {torch.cuda.get_device_name()}  torch {torch.__version__}  cuda {torch.version.cuda}")
    ids = [p.name for p in list_problems(PROBLEMS)]
    if args.problems:
        ids = [i for i in ids if i in args.problems.split(",")]
    elif args.quick:
        ids = [i for i in ids if i in QUICK]
    langs = [lang for lang in args.lang.split(",") if lang]
    budget = args.budget_s if args.budget_s is not None else (420.0 if args.quick else float("inf"))
    reps = args.reps or (30 if args.quick else 50)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="hweval_gpu_checks_"))
    start = time.monotonic()
    deadline = start + budget
    rows: list[dict[str, Any]] = []
    with ThreadPoolExecutor(max(args.jobs, 1)) as pool:
        futures = [pool.submit(correctness, pid, lang, work, args.timeout) for lang in langs for pid in ids]
        rows += [f.result() for f in futures]
    print(f"correctness done in {time.monotonic() - start:.0f}s")
    _budgeted(rows, deadline, "controls", lambda: controls(work, args.timeout, langs))
    if "triton" in langs:
        _budgeted(rows, deadline, "external fixtures", lambda: external(work, args.timeout))
    if not args.no_perf:
        for lang in langs:
            for pid in ids:
                _budgeted(rows, deadline, f"perf:{pid}:{lang}", lambda pid=pid, lang=lang: perf(
                    pid, lang, work, args.timeout, not args.quick, args.max_cv, reps))
    width = max(len(r["check"]) for r in rows)
    for r in rows:
        mark = "ok  " if r["ok"] else "FAIL"
        print(f"{mark} {r['check']:<{width}} {r['lang']:<6} {str(r['status']):<13} {r['note']}"
              + ("" if r["ok"] else f"\n      {r['reason']}"))
    failed = [r for r in rows if not r["ok"]]
    print(f"\n{len(rows) - len(failed)}/{len(rows)} checks ok in {time.monotonic() - start:.0f}s (workdir {work})")
    if args.out:
        args.out.write_text(json.dumps(rows, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
