"""The candidate-side process: ``python -m harness.families.kernels.sandboxed.worker --workdir W --phase P``.

Everything it reads and writes lives in the workdir (the parent builds it):

* ``candidate.py``  the answer; ``job.json``  what to run; ``init.pt``  constructor args;
* ``in_<i>.pt``  one input list per case, ``perf_in.pt``  the inputs to time;
* it writes ``result_<phase>.json`` (rewritten as it progresses, so a crash still says how far it
  got). The ``check`` phase is started by :mod:`harness.families.kernels.sandboxed.checker` and talks to it
  over pipes instead: inputs come in case by case, reports and outputs go back, and the checker
  writes ``out_<i>.pt`` and the only record the harness trusts.

Phases: ``compile`` (Triton on CPU: compile the launched kernels for a CUDA target), ``check``
(correctness runs with launch counting, torch op recording and aliasing facts), ``perf`` (GPU
timing of ModelNew), ``baseline`` (GPU timing of the reference, eager and torch.compile) and
``reference`` (inputs and reference outputs of a problem from external data, see
:mod:`harness.families.kernels.sandboxed.refcases`; never in a folder a candidate sees). The worker never
compares against the reference: the trusted parent does.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
import traceback
from pathlib import Path
from typing import Any

from harness.families.kernels.sandboxed.guards import GuardSet, guard_allocations, guard_inputs
from harness.families.kernels.sandboxed.worker_common import (
    COMPILE_ERRORS,
    PipeIO,
    Result,
    construct,
    cpu_copy,
    flat,
    import_candidate,
    import_file,
    load_pt,
    setup_hooks,
    sync,
    to_device,
)

log = logging.getLogger("hweval.kernels.worker")


def _spans(values: list[Any]) -> list[tuple[int, int]]:
    import torch

    spans = []
    for v in values:
        if isinstance(v, torch.Tensor) and v.numel() > 0:
            st = v.untyped_storage()
            spans.append((st.data_ptr(), st.data_ptr() + st.nbytes()))
    return spans


def _overlap(a: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(a[0] < b[1] and b[0] < a[1] for b in spans)


def _output_facts(outs: list[Any], inputs: list[Any], previous: list[tuple[int, int]]) -> dict[str, Any]:
    import torch

    in_spans = _spans(inputs)
    facts: dict[str, Any] = {"alias_input": [], "alias_previous": [], "alias_within": [], "types": []}
    seen: list[tuple[int, int]] = []
    for i, o in enumerate(outs):
        facts["types"].append(type(o).__name__)
        if not isinstance(o, torch.Tensor) or o.numel() == 0:
            continue
        span = _spans([o])[0]
        if _overlap(span, in_spans):
            facts["alias_input"].append(i)
        if _overlap(span, previous):
            facts["alias_previous"].append(i)
        if _overlap(span, seen):
            facts["alias_within"].append(i)
        seen.append(span)
    return facts


def _profiled_names(fn: Any) -> list[str]:
    from torch.profiler import ProfilerActivity, profile

    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        fn()
        sync("cuda")
    return sorted({ev.name for ev in prof.events() if str(getattr(ev, "device_type", "")).endswith("CUDA")})


def _profile_kernels(model: Any, inputs: list[Any]) -> dict[str, list[str]]:
    """GPU kernels one forward call executes; ``sentinel`` (a plain fill) shows the profiler works."""
    import torch

    sentinel = _profiled_names(lambda: torch.empty(1024, device="cuda").fill_(1.0))
    return {"sentinel": sentinel, "kernels": _profiled_names(lambda: model(*inputs))}


def phase_compile(workdir: Path, job: dict[str, Any], res: Result) -> None:
    """Triton without a GPU: compile every kernel the first forward launches, for sm_<arch>.

    Runs in its own process with ``TRITON_INTERPRET=0`` (Triton's standard library is decorated
    once per process, so compiled and interpreted kernels cannot share one).
    """
    from harness.families.kernels.sandboxed import hooks

    setup_hooks(job)
    init = load_pt(workdir / job["init"])
    res.reach("import")
    try:
        mod = import_candidate(job)
    except Exception as exc:
        return res.fail("import", exc)
    if job.get("kind") == "function":
        from harness.families.kernels.sandboxed.worker_function import compile_function_kind

        return compile_function_kind(workdir, job, res, mod)
    compiled: list[str] = []
    res.data["compile"] = {"traced": True, "kernels": compiled}
    res.reach("construct")
    try:
        model = construct(mod, "ModelNew", init, job.get("seed", 0), "cpu")
    except Exception as exc:
        res.data["compile"]["trace_error"] = "".join(traceback.format_exception(exc))[-2000:]
        return res.reach("done")
    res.reach("run")
    try:
        with hooks.compile_trace(compiled, arch=int(job.get("arch", 90))):
            model(*load_pt(workdir / job["cases"][0]["inputs"]))
        caught = hooks.caught_out_of_resources(compiled)
        if caught is not None:
            raise caught
    except Exception as exc:
        if type(exc).__name__ in COMPILE_ERRORS:
            return res.fail("compile", exc)
        # Not a compile error (e.g. forward reads a kernel's output): the check phase judges it.
        res.data["compile"]["trace_error"] = "".join(traceback.format_exception(exc))[-2000:]
    res.reach("done")


def phase_check(workdir: Path, job: dict[str, Any], res: Result) -> None:
    """Correctness runs, driven case by case by the checker over the pipes (see :mod:`.checker`)."""
    io = PipeIO()
    device = job["device"]
    counter = setup_hooks(job)
    init = load_pt(workdir / job["init"])
    res.reach("ready")  # the harness's own start-up is over: from here on a death is the answer's
    io.status(res)
    res.reach("import")
    try:
        mod = import_candidate(job)
    except Exception as exc:
        res.fail("import", exc)
        return io.status(res)
    if job.get("kind") == "function":
        from harness.families.kernels.sandboxed.worker_function import check_function_kind

        return check_function_kind(workdir, job, res, mod, counter, io)
    res.reach("construct")
    try:
        model = construct(mod, "ModelNew", to_device(init, device), job.get("seed", 0), device)
    except Exception as exc:
        res.fail("construct", exc)
        return io.status(res)
    res.reach("run")
    io.status(res)
    _run_cases(job, res, model, counter, io)


def _run_cases(job: dict[str, Any], res: Result, model: Any, counter: Any, io: PipeIO) -> None:
    import torch

    from harness.families.kernels.sandboxed import hooks, races

    device = job["device"]
    kept: list[dict[str, Any]] = []
    previous: list[tuple[int, int]] = []
    first: list[Any] = []
    for _ in job["cases"]:
        case, raw = io.case(device)
        first = first or raw
        guards = GuardSet()
        inputs = guard_inputs(raw, guards)
        counter.reset()
        races.take()  # what earlier code found is not this case's
        recorder = hooks.make_op_recorder(counter)
        try:
            with torch.no_grad(), hooks.device_remap(device), guard_allocations(guards, counter), recorder:
                out = model(*inputs)
            sync(device)
        except Exception as exc:
            res.fail("forward", exc, case=case["id"])
            return io.status(res)
        outs = flat(out)
        facts = _output_facts(outs, inputs, previous)
        previous.extend(_spans(outs))
        io.report({"id": case["id"], "launches": counter.count, "kernels": dict(counter.names),
                   "ops": dict(recorder.ops), "tuple": isinstance(out, tuple | list),
                   "oob_write": guards.broken(), "host_args": dict(counter.host_args),
                   "host_copies": dict(recorder.host_copies), "races": races.take(), **facts})
        kept.append({"outputs": outs, "inputs_after": inputs})
    # Sent only now: a candidate that reuses or later overwrites a buffer shows up as wrong.
    io.outputs([{"outputs": cpu_copy(k["outputs"]), "inputs_after": cpu_copy(k["inputs_after"])} for k in kept])
    extra: dict[str, Any] = {}
    if job.get("profile") and device == "cuda" and first:
        try:
            extra["profile"] = _profile_kernels(model, first)
        except Exception as exc:  # profiler unavailable: reported, never held against the candidate
            extra["profile_error"] = repr(exc)[-500:]
    res.reach("done")
    io.status(res, **extra)


def phase_perf(workdir: Path, job: dict[str, Any], res: Result) -> None:
    import torch

    from harness.families.kernels.sandboxed.perfcalls import CheckedCalls
    from harness.families.kernels.sandboxed.timing import time_cuda

    counter = setup_hooks(job)
    res.reach("import")
    try:
        mod = import_candidate(job)
        model = construct(mod, "ModelNew", to_device(load_pt(workdir / job["init"]), "cuda"),
                           job.get("seed", 0), "cuda")
    except Exception as exc:
        return res.fail("import", exc)
    inputs = to_device(load_pt(workdir / job["perf"]["inputs"]), "cuda")
    launches: list[int] = []
    kw = {k: job["perf"].get(k, d) for k, d in (("warmup", 10), ("reps", 50), ("rounds", 3))}
    # two timed calls' outputs kept for the harness to check (red team 13 K5), every output garbage-filled
    # after its call, outside the events: no call is told from another (red team 15)
    calls = CheckedCalls(model, counter, warmup=kw["warmup"], timed=kw["reps"] * kw["rounds"])
    res.reach("run")
    try:
        with torch.no_grad():
            timing = time_cuda(calls, inputs, **kw,
                               on_call=counter.reset, after_call=lambda: launches.append(counter.count),
                               after_any=calls.after)
            torch.cuda.synchronize()
            torch.save(calls.record(), workdir / job["perf"].get("outputs", "perf_out.pt"))
    except Exception as exc:
        return res.fail("perf", exc)
    res.data["timing"] = timing
    res.data["launches_min"] = min(launches) if launches else 0
    res.reach("done")


def phase_baseline(workdir: Path, job: dict[str, Any], res: Result) -> None:
    import torch

    from harness.families.kernels.sandboxed.timing import time_cuda

    spec = job["baseline"]
    ref = import_file(workdir / spec["reference"], "hweval_baseline_reference")
    init = to_device(load_pt(workdir / job["init"]), "cuda")
    model = construct(ref, "Model", init, job.get("seed", 0), "cuda")
    inputs = to_device(load_pt(workdir / job["perf"]["inputs"]), "cuda")
    kw = {k: job["perf"].get(k, d) for k, d in (("warmup", 10), ("reps", 50), ("rounds", 3))}
    res.reach("run")
    with torch.no_grad():
        res.data["eager"] = time_cuda(model, inputs, **kw)
        res.flush()
        if spec.get("compile", True):
            try:
                compiled = torch.compile(model)
                res.data["compiled"] = time_cuda(compiled, inputs, **kw)
            except Exception as exc:  # a torch.compile failure only loses that baseline
                res.data["compiled_error"] = f"{type(exc).__name__}: {exc}"[-2000:]
    res.reach("done")


def phase_reference(workdir: Path, job: dict[str, Any], res: Result) -> None:
    """Inputs and reference outputs of an external problem (``reference.py`` in this folder)."""
    from harness.families.kernels.sandboxed.refcases import compute

    res.reach("run")
    path = workdir / "reference.py"
    try:
        report = compute(path.read_text(), job, workdir, path=str(path))
    except Exception as exc:
        return res.fail("reference", exc)
    res.data["n_cases"] = len(report["cases"])
    res.reach("done")


PHASES = {"compile": phase_compile, "check": phase_check, "perf": phase_perf, "baseline": phase_baseline,
          "reference": phase_reference}


def _require_cuda() -> None:
    """A GPU job in a process that sees no GPU is the harness's problem, never the candidate's."""
    import torch

    if not torch.cuda.is_available():
        raise RuntimeError("no CUDA device is visible inside the sandbox (does the sandbox pass the GPU "
                           "through? see harness/families/kernels/runner.py)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", required=True, type=Path)
    parser.add_argument("--phase", required=True, choices=sorted(PHASES))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    workdir = args.workdir.resolve()
    res = Result(workdir / f"result_{args.phase}.json", args.phase)
    job = json.loads((workdir / "job.json").read_text())
    try:
        if job.get("device") == "cuda" or args.phase in ("perf", "baseline"):
            _require_cuda()
        PHASES[args.phase](workdir, job, res)
    except Exception as exc:  # anything unexpected in our own code path
        res.fail("worker", exc)
        if PipeIO.current is not None:
            PipeIO.current.status(res)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
