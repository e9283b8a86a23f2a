"""Reference cases: the inputs and the reference outputs of one kernels problem, as files.

The same code runs in two places: in the harness for the built-in problems (trusted code written
by us), and in a sandboxed worker phase (``--phase reference``) for problems read from external
data (KernelBench, TritonBench), so a heavy, hanging or hostile reference never runs in the
harness process. It writes into one folder:

* ``init.pt`` constructor arguments; ``in_<i>.pt`` the inputs of case ``i``;
* ``ref_<i>.pt`` ``{"outputs": [...], "keys": [...]}`` the reference outputs;
* ``ref.json`` what was computed: cases, the module constants used (scaled-down KernelBench
  shapes), per-case determinism (the forward run twice under different RNG seeds) and finiteness.

Two problem kinds: ``module`` (``Model`` / ``get_inputs`` / ``get_init_inputs``; KernelBench and
kernels-core) and ``function`` (TritonBench-T: a reference function plus a test section that
calls it; the test's ``test_results`` are the outputs).
"""
from __future__ import annotations

import ast
import functools
import inspect
import json
import sys
import types
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from harness.families.kernels.sandboxed.constants import SECTION_KEY, section_namespace, section_record
from harness.families.kernels.sandboxed.dists import DERIVED, atol_scale, derive
from harness.families.kernels.sandboxed.power import Garbage, fake_run
from harness.families.kernels.sandboxed.provided import ClassWatch
from harness.families.kernels.sandboxed.refops import OpTrace, maybe_trace
from harness.families.kernels.sandboxed.scaling import (
    _PROTECTED,
    assigned_names,
    int_constants,
    odd_sizes,
    scale_candidates,
)
from harness.families.kernels.sandboxed.writes import TEST_FILE, watch_writes

#: ``section_record`` too: the harness builds random TritonBench-T jobs with it (``random_ops``)
__all__ = ["compute", "exec_module", "int_constants", "odd_sizes", "scale_candidates", "section_record"]



class ReferenceCaseError(Exception):
    """The reference could not produce its cases (reported, never blamed on a candidate)."""


def exec_module(source: str, name: str, path: str, overrides: Mapping[str, Any] | None = None) -> types.ModuleType:
    """Execute ``source`` as module ``name``, statement by statement; right after a statement binds
    a name in ``overrides`` the name takes the override, so later constants derived from it
    (``bias_shape = (out_channels, 1, 1)``) follow."""
    tree = ast.parse(source, filename=path)
    module = types.ModuleType(name)
    module.__file__ = path
    sys.modules[name] = module
    for stmt in tree.body:
        exec(compile(ast.Module(body=[stmt], type_ignores=[]), path, "exec"), module.__dict__)  # noqa: S102
        for n in assigned_names(stmt):
            if overrides and n in overrides:
                value = overrides[n]  # JSON turned tuples into lists: give back the original's type
                module.__dict__[n] = tuple(value) if isinstance(module.__dict__.get(n), tuple) else value
    return module


# -- calling the reference's functions ------------------------------------------------------
def call_flex(fn: Callable[..., Any], config: Mapping[str, Any] | None, dist: str | None = None,
              seed: int | None = None) -> list[Any]:
    """``fn(config, dist=, seed=)`` as far as ``fn`` accepts them; else seeded ``fn()``."""
    import torch

    params = inspect.signature(fn).parameters
    if not params:
        if seed is not None:
            torch.manual_seed(seed)
        return list(fn())
    kwargs: dict[str, Any] = {}
    if dist is not None and "dist" in params:
        kwargs["dist"] = dist
    if seed is not None and "seed" in params:
        kwargs["seed"] = seed
    elif seed is not None:
        torch.manual_seed(seed)
    return list(fn(dict(config or {}), **kwargs))


def _numel(values: Any) -> int:
    import torch

    if isinstance(values, torch.Tensor):
        return values.numel()
    if isinstance(values, list | tuple):
        return sum(_numel(v) for v in values)
    return 0


def meta_numel(module: types.ModuleType) -> int | None:
    """Total input elements of ``get_inputs()`` without allocating (meta device); None if unknown."""
    import torch

    try:
        with torch.device("meta"):
            return _numel(call_flex(module.get_inputs, None, seed=None))
    except Exception:  # noqa: BLE001 - some inputs cannot be built on the meta device
        return None


def meta_out_numel(module: types.ModuleType) -> int | None:
    """Total output elements of ``Model(*init)(*inputs)`` on the meta device (nothing computed or
    allocated); None if the model does not run there."""
    import torch

    try:
        with torch.device("meta"), torch.no_grad():
            init = call_flex(module.get_init_inputs, None)
            out = module.Model(*init)(*call_flex(module.get_inputs, None, seed=None))
        return sum(leaf.numel() for _, leaf in flatten(out) if isinstance(leaf, torch.Tensor))
    except Exception:  # noqa: BLE001 - ops without meta kernels, data-dependent shapes
        return None


#: a scale whose output is larger than this many times the input budget is not run on a CPU
#: (KernelBench's small-K matmul: inputs of 2 x 131,072 elements, an output of 67 M)
OUTPUT_BUDGET_FACTOR = 4
#: how many of the paths the reference's calls saw a case record keeps (``writes``)
_MAX_PATHS = 20_000


def flatten(value: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    """(path, leaf) pairs of nested dicts / lists / tuples (a function's structured results)."""
    import torch

    if isinstance(value, torch.Tensor):
        yield key, value
    elif isinstance(value, Mapping):
        for k, v in value.items():
            yield from flatten(v, f"{key}.{k}" if key else str(k))
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            yield from flatten(v, f"{key}[{i}]")
    else:
        yield key, value


def cpu_leaves(values: list[Any]) -> list[Any]:
    """The reference's leaves as the answer's are copied (``worker_common.cpu_copy``), strings kept."""
    from harness.families.kernels.sandboxed.worker_common import cpu_copy

    return cpu_copy(values, strings=True)


def _same(a: list[Any], b: list[Any]) -> bool:
    import torch

    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        if isinstance(x, torch.Tensor):
            if not (isinstance(y, torch.Tensor) and x.shape == y.shape and x.dtype == y.dtype):
                return False
            if x.is_floating_point() or x.is_complex():
                if not torch.allclose(x.double() if x.is_floating_point() else x, y.double()
                                      if y.is_floating_point() else y, rtol=1e-5, atol=1e-6, equal_nan=True):
                    return False
            elif not torch.equal(x, y):
                return False
        elif x != y and not (isinstance(x, float) and isinstance(y, float) and x != x and y != y):
            return False
    return True


def _finite(values: list[Any]) -> bool:
    import torch

    return all(bool(torch.isfinite(v).all()) for v in values
               if isinstance(v, torch.Tensor) and (v.is_floating_point() or v.is_complex()))


@contextmanager
def _no_tf32() -> Iterator[None]:
    import torch

    saved = torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = False  # true fp32 refs
    try:
        yield
    finally:
        torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = saved


def _to(values: list[Any], device: str) -> list[Any]:
    import torch

    return [v.clone().to(device) if isinstance(v, torch.Tensor) else v for v in values]


def _flat_out(out: Any) -> list[Any]:
    """The reference module's leaves, opened as the answer's are (``worker_common.flat``)."""
    return [leaf for _, leaf in flatten(out)]


# -- the two kinds --------------------------------------------------------------------------
def _choose_module(source: str, path: str, job: Mapping[str, Any]) -> tuple[types.ModuleType, dict[str, Any]]:
    """The module, executed as-is or with the first scaled-down constants that fit the budget."""
    search: list[dict[str, Any]] = list(job.get("search") or [])
    budget = job.get("budget")
    if not search and budget is None:
        return exec_module(source, "hweval_reference", path), {}
    errors = []
    consts = {n: v for n, v in int_constants(source).items() if not any(p in n.lower() for p in _PROTECTED)}
    for overrides in (o for plain in [{}, *search] for o in (odd_sizes(consts, plain), plain) if o is not None):
        module = exec_module(source, "hweval_reference", path, overrides)
        n = meta_numel(module)
        if budget is not None and (n is None or n > budget):
            errors.append(f"{overrides or 'as-is'}: {n if n is not None else 'unknown'} input elements")
            continue
        n_out = meta_out_numel(module) if budget is not None else None
        if budget is not None and n_out is not None and n_out > OUTPUT_BUDGET_FACTOR * budget:
            errors.append(f"{overrides or 'as-is'}: {n_out} output elements")
            continue
        try:
            init = call_flex(module.get_init_inputs, None)
            inputs = call_flex(module.get_inputs, None, seed=0)
            import torch

            torch.manual_seed(0)
            with torch.no_grad():
                module.Model(*init)(*inputs)
        except Exception as exc:  # noqa: BLE001 - this scale does not work: try the next one
            errors.append(f"{overrides or 'as-is'}: {type(exc).__name__}: {exc}"[:300])
            continue
        return module, dict(overrides)
    raise ReferenceCaseError(f"no input scale fits the CPU budget of {budget} elements and runs "
                             f"({len(errors)} tried; the smallest: " + "; ".join(errors[-2:]) + ")")


def compute_module_cases(module: types.ModuleType, job: Mapping[str, Any], out: Path) -> list[dict[str, Any]]:
    import torch

    device = job.get("device", "cpu")
    configs: dict[str, dict[str, Any]] = job.get("configs") or {}
    names = list(dict.fromkeys(c["config"] for c in job["cases"]))
    init = call_flex(module.get_init_inputs, configs.get(names[0]) if names else None)
    for name in names[1:]:
        if repr(call_flex(module.get_init_inputs, configs.get(name))) != repr(init):
            raise ReferenceCaseError("init inputs must not depend on the config")
    torch.save(init, out / "init.pt")
    torch.manual_seed(int(job.get("seed", 0)))
    model = module.Model(*_to(init, "cpu"))
    if isinstance(model, torch.nn.Module):
        model = model.to(device)
    records = []
    own_dists = "dist" in inspect.signature(module.get_inputs).parameters
    for i, case in enumerate(job["cases"]):
        inputs = call_flex(module.get_inputs, configs.get(case["config"]), case.get("dist"), int(case["seed"]))
        derived = not own_dists and case.get("dist") in DERIVED
        if derived:
            inputs = derive(inputs, case["dist"], int(case["seed"]))
        trace = maybe_trace(job)  # the reference's aten ops (refops: a data-movement operator)
        try:
            runs = _twice(trace.wrap(model) if trace else model, inputs, device)
        except Exception:  # noqa: BLE001 - a derived input the reference cannot take: no case
            if derived:
                continue
            raise
        if derived and not _finite(runs[0]):
            continue  # e.g. the log of a negative "probability": the case would test nothing
        torch.save(inputs, out / f"in_{i}.pt")
        torch.save({"outputs": runs[0], "keys": [str(k) for k in range(len(runs[0]))]}, out / f"ref_{i}.pt")
        records.append({**case, "inputs": f"in_{i}.pt", "ref": f"ref_{i}.pt",
                        "deterministic": _same(runs[0], runs[1]), "finite": _finite(runs[0]),
                        "atol_scale": atol_scale(case.get("dist", ""), runs[0]),
                        **({"ops": trace.ops} if trace is not None else {})})
    return records


def _twice(model: Any, inputs: list[Any], device: str) -> list[list[Any]]:
    """The reference's outputs under two RNG seeds (a difference: it is nondeterministic)."""
    import torch

    runs = []
    for rng in (0, 1):
        torch.manual_seed(1000 + rng)
        with torch.no_grad():
            runs.append(cpu_leaves(_flat_out(model(*_to(inputs, device)))))
    return runs


def compute_function_cases(module: types.ModuleType, test_code: str, job: Mapping[str, Any], out: Path,
                           section: Mapping[str, Any]) -> list[dict[str, Any]]:
    """TritonBench: run the test section against the reference function, once per case seed, in
    the namespace the answer's run gets too (``section``: :func:`.constants.section_record`), with
    the reference's own provided names."""
    import torch

    torch.save([], out / "init.pt")
    code = compile(test_code, TEST_FILE, "exec")
    entry, result_var = job.get("entry", ""), job.get("result_var", "test_results")
    if not callable(getattr(module, entry, None)):
        raise ReferenceCaseError(f"the reference defines no function {entry!r}")
    records = []
    for i, case in enumerate(job["cases"]):
        runs: list[list[Any]] = []
        reads: list[list[str]] = []
        rng_used = [False]
        trace = maybe_trace(job)  # the reference's aten ops (refops: a data-movement operator)
        written: list[str] = []  # where the reference's own calls change what the section reaches
        seen: set[str] = set()  # every path its calls saw (sandboxed.writes)
        for _ in (0, 1):  # same seed twice: a difference means the function is nondeterministic
            watch = ClassWatch()
            ns = _section_run(module, code, job, section, case, (written, seen, rng_used, watch), trace)
            if result_var not in ns:
                raise ReferenceCaseError(f"the test section did not set {result_var}")
            runs.append(list(flatten(ns[result_var])))
            reads.append(watch.reads)
        keys = [k for k, _ in runs[0]]
        values = cpu_leaves([v for _, v in runs[0]])
        torch.save([], out / f"in_{i}.pt")
        torch.save({"outputs": values, "keys": keys}, out / f"ref_{i}.pt")
        same = keys == [k for k, _ in runs[1]] and _same(values, cpu_leaves([v for _, v in runs[1]]))
        records.append({**case, "inputs": f"in_{i}.pt", "ref": f"ref_{i}.pt",
                        "deterministic": same and not rng_used[0], "rng_used": rng_used[0],
                        "finite": _finite(values), "inputs_written": sorted(set(written)),
                        "paths_seen": sorted(seen)[:_MAX_PATHS],
                        "class_reads": reads[0] if reads[0] == reads[1] else None,
                        **({"ops": trace.ops} if trace is not None else {})})
    if records:  # the power check: the first case once more, the reference's calls made garbage (.power); last,
        # as what its garbage reaches (a module-level tensor the section passes) is garbage from then on
        records[0]["fake"] = fake_run(functools.partial(
            _section_run, module, code, job, section, job["cases"][0], ([], set(), [False], ClassWatch())),
            result_var, out)
    return records


def _section_run(module: types.ModuleType, code: Any, job: Mapping[str, Any], section: Mapping[str, Any],
                 case: Mapping[str, Any], out: tuple[list[str], set[str], list[bool], ClassWatch],
                 trace: OpTrace | Garbage | None = None) -> dict[str, Any]:
    """One run of the test section against the reference's provided names; its namespace. ``out``:
    where its calls write, the paths they saw, whether they drew random numbers, the class watch;
    ``trace``: records the aten ops of the reference's calls (or makes them garbage, :mod:`.power`)."""
    import torch

    from harness.families.kernels.sandboxed.hooks import device_remap
    from harness.families.kernels.sandboxed.worker_function import record_backward

    written, seen, rng_used, watch = out
    counts: dict[str, int] = {}
    history: dict[int, Any] = {}
    watch.init = lambda fn: watch_writes(fn, written, counts, fn.__name__, seen, history)
    # the engine's calls of the reference's backward: garbage too in the power check's run (a section that
    # stores only gradients, fast_rope_embedding's, depends on backward's values, not forward's)
    record_backward(module, lambda fn: watch_writes(trace.wrap(fn) if isinstance(trace, Garbage) else fn, written,
                                                    counts, fn.__qualname__, seen, history))
    torch.manual_seed(int(case["seed"]))
    with device_remap(job.get("device", "cpu")):
        ns = section_namespace(section, module.__dict__,
                               lambda fn: _rng_watch(watch_writes(trace.wrap(fn) if trace else fn, written, counts,
                                                                  None, seen, history), rng_used),
                               watch)
        torch.manual_seed(int(case["seed"]))  # as the answer's run (worker_function.run_test_section)
        with importable_as(job.get("module_name"), ns):
            exec(code, ns)  # noqa: S102 - the reference's own test section, in the sandbox
    return ns


@contextmanager
def importable_as(name: str | None, namespace: Mapping[str, Any]) -> Iterator[None]:
    """While the block runs, ``from <name> import f`` gives ``namespace``'s ``f``: TritonBench-T
    test sections import the problem's own file by its stem (``from tanh_linear import ...``)."""
    if not name:
        yield
        return
    module = types.ModuleType(name)
    module.__dict__.update(namespace)
    module.__dict__["__name__"] = name
    saved = sys.modules.get(name)
    sys.modules[name] = module
    try:
        yield
    finally:
        if saved is None:
            sys.modules.pop(name, None)
        else:
            sys.modules[name] = saved


def _rng_watch(fn: Callable[..., Any], used: list[bool]) -> Callable[..., Any]:
    """``fn``, noting in ``used`` whether a call drew random numbers (dropout...): a kernel cannot
    reproduce torch's random stream, so such a reference cannot be compared against."""
    import torch

    def call(*args: Any, **kwargs: Any) -> Any:
        before = torch.get_rng_state()
        cuda_before = torch.cuda.get_rng_state_all() if torch.cuda.is_available() else []
        try:
            return fn(*args, **kwargs)
        finally:
            after_cuda = torch.cuda.get_rng_state_all() if torch.cuda.is_available() else []
            if not torch.equal(before, torch.get_rng_state()) or any(
                    not torch.equal(a, b) for a, b in zip(cuda_before, after_cuda, strict=False)):
                used[0] = True

    return call


def compute(source: str, job: Mapping[str, Any], out: Path, *, module: types.ModuleType | None = None,
            path: str = "reference.py") -> dict[str, Any]:
    """Write the cases of ``job`` into ``out``; returns (and writes) the ``ref.json`` record."""
    out.mkdir(parents=True, exist_ok=True)
    overrides: dict[str, Any] = {}
    with _no_tf32():
        if job.get("kind", "module") == "function":
            mod = module or exec_module(source, "hweval_reference", path)
            overrides = section_record(source, job.get("test_code", ""), job.get("entry", ""))  # see .constants
            records = compute_function_cases(mod, job.get("test_code", ""), job, out, overrides[SECTION_KEY])
        else:
            if module is not None:
                mod = module
            else:
                mod, overrides = _choose_module(source, path, job)
            records = compute_module_cases(mod, job, out)
    report = {"cases": records, "globals": overrides}
    (out / "ref.json").write_text(json.dumps(report, default=str))
    return report
