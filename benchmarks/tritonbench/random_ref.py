"""The sandboxed reference phase of a random TritonBench-T operator:
``python -m benchmarks.tritonbench.random_ref --workdir W``.

It runs the problem's test section against the reference function four times under the same
input seed (``job.json``: ``seed``), writing every result leaf to ``runs.pt``:

* ``kept``: ``F.dropout`` keeps every element (``x / (1 - p)`` when it is active), and so does a
  mask the reference draws itself (:mod:`benchmarks.tritonbench.random_probe`);
* ``dropped``: ``F.dropout`` (or that mask) zeroes every element it acts on;
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
import functools
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


def _entry_call(fn: Callable[..., Any], ps: list[list[float]], seed: int | None, mode: str) -> Callable[..., Any]:
    """The reference function as one run calls it: under its own generator (``real_a``/``real_b``:
    seeded per call), or with every element kept or dropped (``kept``/``dropped``), its dropout
    probabilities going to ``ps`` (one list per call)."""
    import torch

    from benchmarks.tritonbench.random_probe import probe_call

    counter = [0]

    def call(*args: Any, **kwargs: Any) -> Any:
        counter[0] += 1
        if seed is None:
            ps.append([])  # where a patched F.dropout inside the probe's runs writes: dropped
            probed = probe_call(fn, args, kwargs, mode)  # a hand-written mask (honest finding N1)
            ps[-1:] = [[probed[1]]] if probed is not None else [[]]
            if probed is not None:
                return probed[0]
            with torch.random.fork_rng(devices=[]):  # the test section's next inputs stay the real runs'
                return fn(*args, **kwargs)
        ps.append([])
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed * 1_000_003 + counter[0])
            return fn(*args, **kwargs)

    return call


def _swap(original: Any, replacement: Any, value: Any) -> Any:
    return replacement if value is original else value


def run(workdir: Path) -> dict[str, Any]:
    import torch
    import torch.nn.functional as F  # noqa: N812

    from harness.families.kernels.sandboxed.constants import SECTION_KEY, section_namespace, section_record
    from harness.families.kernels.sandboxed.hooks import device_remap
    from harness.families.kernels.sandboxed.refcases import cpu_leaves, exec_module, flatten, importable_as

    job = json.loads((workdir / "job.json").read_text())
    source = (workdir / "reference.py").read_text()
    test_text = (workdir / "test_section.py").read_text()
    test = compile(test_text, "test_section.py", "exec")
    module = exec_module(source, "hweval_reference", str(workdir / "reference.py"))
    entry, seed = job["entry"], int(job["seed"])
    section = section_record(source, test_text, entry)[SECTION_KEY]  # the answer's runs get this namespace too
    real_dropout = F.dropout
    out: dict[str, Any] = {}
    ps_by_mode: dict[str, list[list[float]]] = {}
    for mode, call_seed in (("kept", None), ("dropped", None), ("real_a", 1), ("real_b", 2)):
        ps: list[list[float]] = []
        fn = getattr(module, entry)
        call = _entry_call(fn, ps, call_seed, mode)
        F.dropout = real_dropout if call_seed is not None else _patched_dropout(mode, ps)
        try:
            torch.manual_seed(seed)
            with torch.no_grad(), device_remap("cpu"):
                ns = section_namespace(section, module.__dict__, functools.partial(_swap, fn, call))
                torch.manual_seed(seed)  # as the answer's run (worker_function.run_test_section)
                with importable_as(job.get("module_name"), ns):
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
