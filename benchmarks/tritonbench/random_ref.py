"""The sandboxed reference phase of a random TritonBench-T operator:
``python -m benchmarks.tritonbench.random_ref --workdir W``.

It runs the problem's test section against the reference function four times under the same
input seed (``job.json``: ``seed``), writing every result leaf to ``runs.pt``:

* ``kept``: ``F.dropout`` keeps every element (``x / (1 - p)`` when it is active);
* ``dropped``: ``F.dropout`` zeroes every element it acts on;
* ``real_a`` / ``real_b``: the real operator, each call of the reference function drawing from its
  own forked generator (seeds ``a`` and ``b``), so the inputs the test section draws afterwards are
  the same in every run and in the answer's runs (whose calls get forked generators too, under
  seeds the harness draws: ``worker_function._own_generator``).

The dropout probability of every active call is recorded (``ps``, per call of the function). The
harness classifies the leaves (:mod:`benchmarks.tritonbench.random_ops`); this process only runs
the reference (external code, hence the sandbox).
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _patched_dropout(mode: str, ps: list[list[float]]) -> Callable[..., Any]:
    import torch

    def dropout(input: Any, p: float = 0.5, training: bool = True, inplace: bool = False) -> Any:
        if not training or p == 0:
            return input
        if ps:
            ps[-1].append(float(p))
        out = input * (1.0 / (1.0 - p)) if mode == "kept" and p < 1 else torch.zeros_like(input)
        if inplace:
            input.copy_(out)
            return input
        return out

    return dropout


def run(workdir: Path) -> dict[str, Any]:
    import torch
    import torch.nn.functional as F  # noqa: N812

    from harness.families.kernels.sandboxed.hooks import device_remap
    from harness.families.kernels.sandboxed.refcases import cpu_leaves, exec_module, flatten, importable_as

    job = json.loads((workdir / "job.json").read_text())
    source = (workdir / "reference.py").read_text()
    test = compile((workdir / "test_section.py").read_text(), "test_section.py", "exec")
    module = exec_module(source, "hweval_reference", str(workdir / "reference.py"))
    entry, seed = job["entry"], int(job["seed"])
    real_dropout = F.dropout
    out: dict[str, Any] = {}
    ps_by_mode: dict[str, list[list[float]]] = {}
    for mode, call_seed in (("kept", None), ("dropped", None), ("real_a", 1), ("real_b", 2)):
        ps: list[list[float]] = []
        counter = [0]
        fn = getattr(module, entry)

        def call(*args: Any, _fn: Any = fn, _ps: list[list[float]] = ps, _seed: int | None = call_seed,
                 _counter: list[int] = counter,
                 **kwargs: Any) -> Any:
            _ps.append([])
            _counter[0] += 1
            if _seed is None:
                return _fn(*args, **kwargs)
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(_seed * 1_000_003 + _counter[0])
                return _fn(*args, **kwargs)

        ns = dict(module.__dict__)
        ns.update({"__name__": "hweval_test_section", entry: call})
        F.dropout = real_dropout if call_seed is not None else _patched_dropout(mode, ps)
        try:
            torch.manual_seed(seed)
            with torch.no_grad(), device_remap("cpu"), importable_as(job.get("module_name"), ns):
                exec(test, ns)  # noqa: S102 - the reference's own test section, in the sandbox
        finally:
            F.dropout = real_dropout
        var = job.get("result_var", "test_results")
        if var not in ns:
            raise RuntimeError(f"the test section did not set {var}")
        leaves = list(flatten(ns[var]))
        out[mode] = {"keys": [k for k, _ in leaves], "values": cpu_leaves([v for _, v in leaves])}
        ps_by_mode[mode] = ps
    torch.save(out, workdir / "runs.pt")
    report = {"ps": ps_by_mode["kept"], "calls": len(ps_by_mode["kept"])}
    (workdir / "runs.json").write_text(json.dumps(report))
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", required=True, type=Path)
    args = parser.parse_args(argv)
    try:
        run(args.workdir.resolve())
    except Exception as exc:  # reported to the harness, which says the reference failed
        (args.workdir / "runs_error.txt").write_text(f"{type(exc).__name__}: {exc}"[-2000:])
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
