"""Worker phases for ``function`` problems (TritonBench-T): the problem's test section runs
against the candidate's entry function; its results are the outputs."""
from __future__ import annotations

import contextlib
import functools
import secrets
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from harness.families.kernels.sandboxed.guards import GuardSet, guard_allocations
from harness.families.kernels.sandboxed.worker_common import COMPILE_ERRORS, Result, sync


def compile_function_kind(workdir: Path, job: dict[str, Any], res: Result, mod: ModuleType) -> None:
    """TritonBench-T: compile the kernels the first test-section run launches."""
    from harness.families.kernels.sandboxed import hooks

    compiled: list[str] = []
    res.data["compile"] = {"traced": True, "kernels": compiled}
    res.reach("run")
    try:
        with hooks.compile_trace(compiled, arch=int(job.get("arch", 90))), hooks.device_remap("cpu"):
            run_test_section(workdir, job, mod, job["cases"][0], lambda fn: fn)
        caught = hooks.caught_out_of_resources(compiled)
        if caught is not None:
            raise caught
    except Exception as exc:
        if type(exc).__name__ in COMPILE_ERRORS:
            return res.fail("compile", exc)
        res.data["compile"]["trace_error"] = "".join(traceback.format_exception(exc))[-2000:]
    res.reach("done")


def run_test_section(workdir: Path, job: dict[str, Any], mod: ModuleType, case: dict[str, Any],
                      wrap: Any, watch: Any = None) -> Any:
    """Run the problem's test section against the candidate's entry function (``wrap``, ``watch``:
    :func:`.constants.section_namespace`); its test_results."""
    import torch

    entry = getattr(mod, job["entry"], None)
    if not callable(entry):
        raise AttributeError(f"the answer defines no function {job['entry']!r}")
    from harness.families.kernels.sandboxed.constants import SECTION_KEY, section_namespace
    from harness.families.kernels.sandboxed.refcases import importable_as
    from harness.families.kernels.sandboxed.writes import TEST_FILE

    section = (job.get("globals") or {}).get(SECTION_KEY)
    if not isinstance(section, dict):  # never the answer's own namespace (red team 9b S2, 9d S1/S5)
        raise RuntimeError("the job carries no reference namespace for the test section")
    code = compile((workdir / job["test_code"]).read_text(), TEST_FILE, "exec")
    # the reference module's namespace, with only the answer's entry and launching functions in it;
    # seeded before (its module-level draws) and after (a module-level manual_seed changes nothing)
    torch.manual_seed(int(case.get("seed", 0)))
    ns = section_namespace(section, vars(mod), wrap, watch)
    torch.manual_seed(int(case.get("seed", 0)))
    with importable_as(job.get("module_name"), ns):
        exec(code, ns)  # noqa: S102 - the problem's own test section, calling the candidate's function
    var = job.get("result_var", "test_results")
    if var not in ns:
        raise RuntimeError(f"the test section did not set {var}")
    return ns[var]


def _call_seeds(draw_seed: int) -> Iterator[int]:
    """The generator seed of each call of the answer's function in one case: the case's draw seed
    (sent by the checker, fresh per evaluation) and the call's index."""
    index = 0
    while True:
        index += 1
        yield (draw_seed * 1_000_003 + index) % (1 << 63)


@contextlib.contextmanager
def _own_generator(device: str, seed: int) -> Iterator[None]:
    """Torch's generator seeded for one call of the answer's function (its seed draw,
    ``static.seeddraw``), restored afterwards: the inputs the test section draws next are the
    reference's, whatever the answer drew."""
    import torch

    devices = [torch.cuda.current_device()] if device == "cuda" and torch.cuda.is_available() else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


def _ballast(device: str) -> list[Any]:
    """Allocations of unpredictable sizes (``secrets``) made before a case and held through it, with
    every other one freed again: the allocator's free lists and its next addresses differ from case
    to case, so a rerun under the same generator seed gets other addresses than the run it repeats
    (an answer that draws its "random" numbers from ``data_ptr`` values or pointer bits gives other
    numbers; :func:`benchmarks.tritonbench.random_pairs.repeat_problems`)."""
    import torch

    dev = device if device == "cuda" and torch.cuda.is_available() else "cpu"
    held = [torch.empty(1 + secrets.randbelow(1 << 18), dtype=torch.uint8, device=dev) for _ in range(12)]
    return held[::2]


_ORIGINAL_BACKWARD: dict[type, Any] = {}


def record_backward(mod: ModuleType, recorded: Any, report: Callable[[str], None] | None = None) -> None:
    """The answer's ``torch.autograd.Function`` subclasses (``static.autograd``): their ``backward``,
    which the autograd engine runs outside any call of the entry, runs through ``recorded`` like a call
    of the entry (its torch ops recorded, its allocations guarded, what it writes watched; the
    reference's through the write watch too, ``refcases``). With ``report`` (the answer's runs), what
    the engine would compute with the returned gradients (``gradmeta.grad_problems``: a reduction,
    a cast, an addition) is reported."""
    import torch

    from harness.families.kernels.sandboxed import gradmeta

    for value in list(vars(mod).values()):
        if isinstance(value, type) and issubclass(value, torch.autograd.Function) and \
                value.__module__ == mod.__name__ and "backward" in vars(value):
            original = _ORIGINAL_BACKWARD.setdefault(value, vars(value)["backward"])
            fn = original.__func__ if isinstance(original, staticmethod) else original
            gradmeta.record_inputs(value)
            value.backward = staticmethod(_checked(recorded(fn), report))  # type: ignore[method-assign]


def _note(ops: Any, why: str) -> None:
    """``why`` counted as an op the recorder saw (no allowlist holds it: ``runtime_torch_compute``)."""
    ops[why] += 1


def _checked(fn: Any, report: Callable[[str], None] | None) -> Any:
    """``backward`` whose returned gradients go through ``gradmeta.grad_problems`` (to ``report``)."""
    if report is None:
        return fn
    from harness.families.kernels.sandboxed.gradmeta import grad_problems

    def backward(ctx: Any, *grads: Any) -> Any:
        out = fn(ctx, *grads)
        for why in grad_problems(ctx, out):
            report(why)
        return out
    return backward


def _recording(recorder: Any, active: list[bool], guards: GuardSet, counter: Any) -> Any:
    """A wrapper running a function under the case's op recorder and allocation guards (once: not
    again inside a call already recorded)."""
    def recorded(fn: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            if active[0]:
                return fn(*args, **kwargs)
            active[0] = True
            try:
                with guard_allocations(guards, counter), recorder:
                    return fn(*args, **kwargs)
            finally:
                active[0] = False
        return call
    return recorded


def _watch_init(written: list[str], counts: dict[str, int], history: dict[int, Any], fn: Any) -> Any:
    """A provided class's ``__init__`` under the write check only (no op recorder: weight init)."""
    from harness.families.kernels.sandboxed.writes import watch_writes

    return watch_writes(fn, written, counts, fn.__name__, None, history)


def _entry_wrapper(device: str, recorder: Any, active: list[bool], guards: GuardSet, draws: Any, counter: Any,
                   written: list[str], counts: dict[str, int], history: dict[int, Any]) -> Callable[[Any], Any]:
    """The wrapper of each call into the answer a case makes (:func:`check_function_kind`): the
    outermost call runs under the case's own generator, allocation guards and op recorder, and the
    write watch snapshots around it (outside the recorder: the snapshot is the worker's work)."""
    from harness.families.kernels.sandboxed.writes import watch_writes

    def wrap(fn: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            if active[0]:
                return fn(*args, **kwargs)
            active[0] = True
            try:
                with _own_generator(device, next(draws)), guard_allocations(guards, counter), recorder:
                    return fn(*args, **kwargs)
            finally:
                active[0] = False
        return watch_writes(call, written, counts, getattr(fn, "__name__", "?"), None, history)

    return wrap


def check_function_kind(workdir: Path, job: dict[str, Any], res: Result, mod: ModuleType, counter: Any,
                        io: Any) -> None:
    """TritonBench-T: each case runs the whole test section; torch ops are recorded only inside
    calls of the candidate's function (and of its autograd Functions' ``backward``), launches over the
    whole case."""
    from harness.families.kernels.sandboxed import hooks, races
    from harness.families.kernels.sandboxed.provided import ClassWatch
    from harness.families.kernels.sandboxed.refcases import cpu_leaves, flatten
    from harness.families.kernels.sandboxed.writes import watch_writes

    device = job["device"]
    res.reach("run")
    io.status(res)
    kept: list[dict[str, Any]] = []
    for _ in job["cases"]:
        case, _inputs = io.case(device)  # the case's seed arrives here, never in a file
        counter.reset()
        races.take()  # what earlier code found is not this case's
        recorder = hooks.make_op_recorder(counter)
        active = [False]
        guards = GuardSet()
        draws = _call_seeds(int(case.get("draw_seed", case.get("seed", 0))))
        written: list[str] = []  # calls that changed what the section reaches (writes.watch_writes)
        counts: dict[str, int] = {}
        history: dict[int, Any] = {}  # the paths each tensor was found at in the case's calls
        # a provided class's __init__: the write check without the recorder (weight initialisation)
        watch = ClassWatch(init=functools.partial(_watch_init, written, counts, history))
        ballast = _ballast(device)  # noqa: F841 - held through the case

        wrap = _entry_wrapper(device, recorder, active, guards, draws, counter, written, counts, history)
        recorded = _recording(recorder, active, guards, counter)
        # the engine's call of the answer's backward: recorded like a call of the entry, and watched
        record_backward(mod, lambda fn, r=recorded, w=written, c=counts, h=history:
                        watch_writes(r(fn), w, c, fn.__qualname__, None, h), functools.partial(_note, recorder.ops))
        try:
            # autograd on, as for the reference's run (``refcases.compute_function_cases``): a test
            # section that calls ``.backward()`` through the answer's autograd Function must run
            with hooks.device_remap(device):
                out = run_test_section(workdir, job, mod, case, wrap, watch)
            sync(device)
        except Exception as exc:
            res.fail("forward", exc, case=case["id"])
            return io.status(res)
        leaves = list(flatten(out))
        kept.append({"outputs": cpu_leaves([v for _, v in leaves]), "keys": [k for k, _ in leaves],
                     "inputs_after": []})
        io.report({"id": case["id"], "launches": counter.count, "kernels": dict(counter.names),
                   "ops": dict(recorder.ops), "alias_input": [], "alias_previous": [],
                   "alias_within": [], "oob_write": guards.broken(), "host_args": dict(counter.host_args),
                   "host_copies": dict(recorder.host_copies), "races": races.take(), "inputs_written": written,
                   "class_reads": watch.reads})
    io.outputs(kept)
    res.reach("done")
    io.status(res)
