"""Run kernel answers of kernels-hard in this process under the Triton interpreter.

``python -m tests.kernels_hard.golden_runner PROBLEM=ANSWER.py [...]`` prints one JSON line per
answer: ``{"problem", "answer", "ok", "reason", "cases"}``. Every CPU configuration, every
distribution and two seeds are checked with the problem's tolerances and the family's
comparison (:func:`harness.families.kernels.compare.compare_outputs`). A fast, in-process
check for the tests; the full sandboxed evaluation is ``hweval run --suite kernels-hard``.
TRITON_INTERPRET must be set before triton is imported, so this runs as its own process.
"""
from __future__ import annotations

import os

os.environ["TRITON_INTERPRET"] = "1"

import importlib.util  # noqa: E402
import json  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
import traceback  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import torch  # noqa: E402

from benchmarks.kernels_hard import PROBLEMS_DIR, load_hard_problem  # noqa: E402
from harness.families.kernels.compare import compare_outputs, dtype_name  # noqa: E402
from harness.families.kernels.sandboxed import interp  # noqa: E402


def _import(path: Path, name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def _flat(out: Any) -> list[Any]:
    return list(out) if isinstance(out, tuple | list) else [out]


def _tolerance_used(ref: list[Any], out: list[Any], tol: dict[str, tuple[float, float]]) -> float:
    """The largest |out - ref| / (atol + rtol |ref|) over finite float elements (1.0: at the limit)."""
    worst = 0.0
    for r, o in zip(ref, out, strict=False):
        if not (isinstance(r, torch.Tensor) and isinstance(o, torch.Tensor) and r.is_floating_point()
                and o.shape == r.shape and r.numel()):
            continue
        atol, rtol = tol[dtype_name(r)]
        rd, od = r.double(), o.double()
        fin = torch.isfinite(rd) & torch.isfinite(od)
        if fin.any():
            allowed = (atol + rtol * rd[fin].abs()).clamp_min(1e-300)
            worst = max(worst, float(((od[fin] - rd[fin]).abs() / allowed).max()))
    return worst


def check(problem_id: str, answer: Path, seeds: int = 2) -> dict[str, Any]:
    prob = load_hard_problem(PROBLEMS_DIR / problem_id)
    record: dict[str, Any] = {"problem": problem_id, "answer": str(answer), "ok": True, "reason": "", "cases": 0}
    try:
        mod = _import(answer, f"answer_{problem_id}_{abs(hash(str(answer)))}")
        model = mod.ModelNew(*prob.init_inputs(prob.config_names(False)[0]))
        ref_model = prob.module.Model(*prob.init_inputs(prob.config_names(False)[0]))
        names = prob.config_names(False)
        for cfg in names:
            for seed in range(seeds if cfg == names[0] else 1):
                for dist in prob.dists:
                    inputs = prob.inputs(cfg, dist, seed)
                    with torch.no_grad():
                        ref = _flat(ref_model(*[x.clone() if isinstance(x, torch.Tensor) else x for x in inputs]))
                        out = _flat(model(*[x.clone() if isinstance(x, torch.Tensor) else x for x in inputs]))
                    tol = {dtype_name(r): prob.tolerance(dtype_name(r), dist, cfg) for r in ref
                           if isinstance(r, torch.Tensor)}
                    cmp = compare_outputs(ref, out, tol)
                    record["cases"] += 1
                    usage = record.setdefault("tolerance_used", {})
                    usage[f"{cfg}/{dist}/{seed}"] = round(_tolerance_used(ref, out, tol), 4)
                    if not cmp.ok:
                        record.update(ok=False, reason=f"{cfg}/{dist}/seed{seed}: {cmp.reason}")
                        return record
    except Exception as exc:  # noqa: BLE001 - a wrong answer may crash: that is a failure too
        record.update(ok=False, reason=f"{type(exc).__name__}: {exc}"[:500], traceback=traceback.format_exc()[-2000:])
    return record


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _Timeout("answer exceeded its time limit")


def main(argv: list[str]) -> int:
    """``[--timeout S] PROBLEM=ANSWER.py ...``; S seconds per answer (a hung answer is a failure)."""
    timeout = 0
    if argv[:1] == ["--timeout"]:
        timeout, argv = int(argv[1]), argv[2:]
    signal.signal(signal.SIGALRM, _alarm)
    interp.install()  # as the sandboxed worker interprets answers
    for arg in argv:
        pid, _, path = arg.partition("=")
        signal.alarm(timeout)
        try:
            record = check(pid, Path(path))
        except _Timeout as exc:  # raised outside check()'s own handler
            record = {"problem": pid, "answer": path, "ok": False, "reason": str(exc), "cases": 0}
        finally:
            signal.alarm(0)
        print(json.dumps(record), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
