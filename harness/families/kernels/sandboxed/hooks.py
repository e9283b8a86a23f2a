"""Instrumentation installed inside the candidate's worker process.

* :class:`LaunchCounter` counts custom-kernel launches: Triton ``JITFunction.run`` /
  ``InterpretedFunction.run`` and the functions of every ``load_inline`` extension.
* :class:`OpRecorder` (a ``TorchDispatchMode``) records the aten ops the candidate runs outside
  its kernels (torch compute fallbacks show up here, also those issued from C++ host code), and
  every copy of device memory to the host, inside launches and extension calls too
  (``host_copies``: ``x.to(torch::kCPU)`` in CUDA host code, red team 4).
* the Triton launch hook records launch arguments that are host objects (``host_args``).
* :func:`compile_trace` makes Triton compile every launched kernel for a CUDA target without a
  GPU (fake driver + ``warmup=True``), so the compile stage is real on a CPU-only machine.

Everything here only *reports*; the trusted parent process decides.
"""
from __future__ import annotations

import contextlib
import logging
import os
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

log = logging.getLogger(__name__)


class LaunchCounter:
    def __init__(self) -> None:
        self.count = 0
        self.names: Counter[str] = Counter()
        self.depth = 0  # >0 while inside a kernel launch (torch ops there belong to the launcher)
        self.host_args: Counter[str] = Counter()  # launch arguments that are host objects

    def reset(self) -> None:
        self.count = 0
        self.names.clear()
        self.host_args.clear()

    @contextlib.contextmanager
    def launch(self, name: str, counted: bool = True) -> Iterator[None]:
        if counted:
            self.count += 1
            self.names[name] += 1
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1

    @contextlib.contextmanager
    def host(self) -> Iterator[None]:
        """The answer's own Python called from inside a launch (a grid callable, ``triton.heuristics``
        values): its torch ops are recorded like any outside a kernel (red team 2 computed ReLU in
        a grid function, which ran while ``depth > 0``)."""
        depth, self.depth = self.depth, 0
        try:
            yield
        finally:
            self.depth = depth


def _host_callable(fn: Callable[..., Any], counter: LaunchCounter) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        with counter.host():
            return fn(*args, **kwargs)

    return call


def _launch_value_ok(value: Any, depth: int = 0) -> bool:
    """A tensor, a number, a bool, None, a string, a dtype, a constexpr of one, or a tuple of these."""
    import torch
    import triton.language as tl

    if value is None or isinstance(value, bool | int | float | str | torch.Tensor | torch.dtype | tl.dtype):
        return True
    if isinstance(value, tl.constexpr):
        return depth < 4 and _launch_value_ok(value.value, depth + 1)
    return isinstance(value, tuple) and depth < 4 and all(_launch_value_ok(v, depth + 1) for v in value)


def launch_argument_problems(args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[str]:
    """The arguments of a Triton launch that are host objects (a module, a method, a function, a
    list ...): under the interpreter the kernel body receives them as themselves and could run
    torch through them (red team 4). ``grid`` (the answer's callable, run as host code) and
    ``warmup`` are the launcher's own."""
    named = [(f"#{i}", v) for i, v in enumerate(args)]
    named += [(k, v) for k, v in kwargs.items() if k not in ("grid", "warmup")]
    return [f"{k}: {type(v).__name__}" for k, v in named if not _launch_value_ok(v)]


def _kernel_name(fn: Any) -> str:
    inner = getattr(fn, "fn", fn)
    return str(getattr(inner, "__name__", type(fn).__name__))


def install_triton_hooks(counter: LaunchCounter, *, cpu: bool) -> None:
    """Count every Triton launch; on CPU make autotuning pick the first config (no benchmark)."""
    from triton.runtime.autotuner import Autotuner, Heuristics
    from triton.runtime.interpreter import InterpretedFunction
    from triton.runtime.jit import JITFunction

    for cls in (JITFunction, InterpretedFunction):
        original = cls.run

        def run(self: Any, *args: Any, _orig: Callable[..., Any] = original, **kwargs: Any) -> Any:
            for problem in launch_argument_problems(args, kwargs):
                counter.host_args[f"{_kernel_name(self)} {problem}"] += 1
            if callable(kwargs.get("grid")):  # the launch grid is the answer's code, not the kernel's
                kwargs["grid"] = _host_callable(kwargs["grid"], counter)
            with counter.launch(_kernel_name(self), counted=not kwargs.get("warmup", False)):
                return _orig(self, *args, **kwargs)

        cls.run = run  # type: ignore[method-assign]

    original_heuristics = Heuristics.run

    def heuristics_run(self: Any, *args: Any, **kwargs: Any) -> Any:
        with counter.host():  # the heuristic values run here; the kernel's run marks itself again
            return original_heuristics(self, *args, **kwargs)

    Heuristics.run = heuristics_run  # type: ignore[method-assign]

    original_tune = Autotuner.run

    def tune_run(self: Any, *args: Any, **kwargs: Any) -> Any:
        with counter.launch(_kernel_name(self), counted=False):
            return original_tune(self, *args, **kwargs)

    Autotuner.run = tune_run  # type: ignore[method-assign]
    if cpu:
        Autotuner._bench = lambda self, *a, config, **k: [0.0, 0.0, 0.0]  # type: ignore[method-assign]
        from harness.families.kernels.sandboxed import interp, races

        interp.install()  # the interpreter's speed, not what it computes (interp.py)
        races.install()  # programs of one launch that race, which the serial interpreter hides (races.py)
    _quick_triton_key()


def _quick_triton_key() -> None:
    """Triton names its compile cache entries by ``triton_key()``, a SHA-256 of its own files,
    ``libtriton.so`` (~500 MB) included: 1-2 s in every process that compiles a kernel. The worker's
    cache folder (``TRITON_CACHE_DIR``) is new for each evaluation, so the key only has to tell
    this installation's compilers apart within one process: Triton's version and the library's
    size and modification time stand in for its digest (Triton's own pool workers also replace
    the function; :mod:`triton.runtime.autotuner` imports it by name)."""
    import triton
    import triton.runtime.autotuner as autotuner
    import triton.runtime.cache as cache

    lib = os.path.join(os.path.dirname(triton.__file__), "_C")
    stats = sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in os.scandir(lib)
                   if e.name.startswith("libtriton."))
    key = f"{triton.__version__}-hweval-{stats}"
    cache.triton_key = autotuner.triton_key = lambda: key


class _CountingExtension:
    """Proxy for a ``load_inline`` module: each function call counts as one custom launch.

    The call is *not* marked as inside a launch, so aten compute issued from the C++ host code
    (``at::matmul`` ...) is still seen by :class:`OpRecorder`.
    """

    def __init__(self, module: Any, counter: LaunchCounter) -> None:
        self._module = module
        self._counter = counter

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._module, name)
        if not callable(value) or name.startswith("__"):
            return value
        counter = self._counter

        def call(*args: Any, **kwargs: Any) -> Any:
            counter.count += 1
            counter.names[name] += 1
            return value(*args, **kwargs)

        return call


def install_cuda_hooks(counter: LaunchCounter) -> None:
    import torch.utils.cpp_extension as cpp

    for fname in ("load_inline", "load"):
        original = getattr(cpp, fname)

        def wrapped(*args: Any, _orig: Callable[..., Any] = original, **kwargs: Any) -> Any:
            return _CountingExtension(_orig(*args, **kwargs), counter)

        setattr(cpp, fname, wrapped)


def make_op_recorder(counter: LaunchCounter) -> Any:
    """A TorchDispatchMode recording ``aten::op`` names run outside kernel launches."""
    from torch.utils._python_dispatch import TorchDispatchMode

    class OpRecorder(TorchDispatchMode):
        @classmethod
        def _should_skip_dynamo(cls) -> bool:  # else torch wraps us in dynamo.disable (6 s import)
            return False

        def __init__(self) -> None:
            super().__init__()
            self.ops: Counter[str] = Counter()
            self.host_copies: Counter[str] = Counter()  # device -> host transfers, inside launches too

        def __torch_dispatch__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
            name = func.name().split(".")[0]
            if counter.depth == 0:
                self.ops[_seed_draw_name(name, args)] += 1
            kwargs = kwargs or {}
            device_in = _off_host(args)
            if device_in and _to_host(name, args, kwargs):
                self.host_copies[name] += 1  # before the op runs: it may fail (a meta tensor)
                device_in = False
            out = func(*args, **kwargs)
            if device_in and _on_host(out):
                self.host_copies[name] += 1
            return out

    return OpRecorder()


def _seed_draw_name(name: str, args: Any) -> str:
    """``aten::randint`` of one element is the sanctioned seed draw (``static.seeddraw``); a larger
    draw gets another name, which no allowlist holds."""
    if name != "aten::randint":
        return name
    sizes = [a for a in args if isinstance(a, list | tuple)]
    count = 1
    for dim in sizes[-1] if sizes else ():
        count *= int(dim)
    return name if sizes and count <= 1 else f"{name} (more than one element)"


def _tensors(values: Any) -> list[Any]:
    import torch

    flat = values if isinstance(values, list | tuple) else [values]
    out = [v for v in flat if isinstance(v, torch.Tensor)]
    out += [w for v in flat if isinstance(v, list | tuple) for w in v if isinstance(w, torch.Tensor)]
    return out


def _off_host(args: Any) -> bool:
    return any(t.device.type != "cpu" for t in _tensors(args))


def _on_host(out: Any) -> bool:
    return any(t.device.type == "cpu" for t in _tensors(out))


def _to_host(name: str, args: Any, kwargs: dict[str, Any]) -> bool:
    """An op whose destination is the host by its arguments: ``device=cpu`` (``aten::_to_copy``)
    or an in-place copy into a host tensor (``aten::copy_``)."""
    import torch

    device = kwargs.get("device")
    if device is not None and torch.device(device).type == "cpu":
        return True
    return name.endswith("copy_") and bool(args) and isinstance(args[0], torch.Tensor) and args[0].device.type == "cpu"


class _FakeDriver:
    """Just enough of a Triton driver to compile (never launch) for a fixed CUDA target."""

    def __init__(self, arch: int) -> None:
        from triton.backends.compiler import GPUTarget

        self.target = GPUTarget("cuda", arch, 32)

    def get_current_device(self) -> int:
        return 0

    def get_current_stream(self, device: int | None = None) -> int:
        return 0

    def get_current_target(self) -> Any:
        return self.target

    def is_active(self) -> bool:
        return True


#: the opt-in shared memory per block of each CUDA architecture, in bytes (CUDA programming guide)
SHARED_LIMIT = {80: 166912, 86: 101376, 87: 166912, 89: 101376, 90: 232448, 100: 232448, 120: 101376}
MAX_THREADS = 1024
OUT_OF_RESOURCES = " (out of resources)"
_RAISED: list[Exception] = []  # what check_resources raised in this process (an answer may catch it)


def check_resources(kernel: Any, name: str, arch: int) -> None:
    """Raise Triton's ``OutOfResources`` (as a launch on the GPU does) where the compiled ``kernel``
    needs more shared memory per block than ``sm_<arch>`` has, or more than 1024 threads (red team
    10b S7: 393216 bytes passed the CPU's compile-only run on sm_90, whose limit is 232448)."""
    from triton.runtime.errors import OutOfResources

    meta = getattr(kernel, "metadata", None)
    shared, warps = int(getattr(meta, "shared", 0) or 0), int(getattr(meta, "num_warps", 0) or 0)
    limit = SHARED_LIMIT.get(arch, min(SHARED_LIMIT.values()))
    if shared > limit:
        raise OutOfResources(shared, limit, f"shared memory of kernel {name} on sm_{arch}")
    if warps * 32 > MAX_THREADS:
        raise OutOfResources(warps * 32, MAX_THREADS, f"threads per block of kernel {name}")


def caught_out_of_resources(compiled: list[str]) -> Exception | None:
    """The ``OutOfResources`` a traced launch raised that the answer's code caught (None if none)."""
    from triton.runtime.errors import OutOfResources

    if not any(k.endswith(OUT_OF_RESOURCES) for k in compiled):
        return None
    return _RAISED[-1] if _RAISED else OutOfResources(0, 0, "a kernel on the target")


@contextlib.contextmanager
def compile_trace(compiled: list[str], arch: int = 90) -> Iterator[None]:
    """Within the block every Triton launch compiles to a cubin for ``sm_<arch>`` and returns.

    Compile errors propagate (``triton.compiler.errors.CompilationError``), and so does
    ``OutOfResources`` for a kernel the target could not launch (:func:`check_resources`); such a
    kernel is also listed in ``compiled`` as ``"<name> (out of resources)"``, so an answer that
    catches the error is still failed by its worker.
    """
    from triton.runtime import driver
    from triton.runtime.autotuner import Autotuner
    from triton.runtime.jit import JITFunction

    original_run, original_bench = JITFunction.run, Autotuner._bench
    previous_driver = getattr(driver, "_active", None)  # reset_active() needs a real GPU driver

    def run(self: Any, *args: Any, grid: Any, warmup: bool, **kwargs: Any) -> Any:
        kernel = original_run(self, *args, grid=grid, warmup=True, **kwargs)
        name = _kernel_name(self)
        try:
            check_resources(kernel, name, arch)
        except Exception as exc:
            compiled.append(f"{name}{OUT_OF_RESOURCES}")
            _RAISED.append(exc)
            raise
        compiled.append(name)
        return kernel

    driver.set_active(_FakeDriver(arch))
    JITFunction.run = run  # type: ignore[method-assign]
    Autotuner._bench = lambda self, *a, config, **k: [0.0, 0.0, 0.0]  # type: ignore[method-assign]
    try:
        yield
    finally:
        JITFunction.run = original_run  # type: ignore[method-assign]
        Autotuner._bench = original_bench  # type: ignore[method-assign]
        driver._active = previous_driver


@contextlib.contextmanager
def device_remap(device: str) -> Iterator[None]:
    """On a CPU machine, make code written for CUDA (``device='cuda'``, ``.cuda()``,
    ``.to('cuda')``) create and keep its tensors on the CPU. A no-op for ``device != "cpu"``.

    TritonBench-T test sections hard-code ``device='cuda'``; with this mode they run unchanged
    under the Triton interpreter.
    """
    if device != "cpu":
        yield
        return
    import torch
    from torch.overrides import TorchFunctionMode

    def fix(d: Any) -> Any:
        if isinstance(d, str) and d.startswith("cuda"):
            return "cpu"
        if isinstance(d, torch.device) and d.type == "cuda":
            return torch.device("cpu")
        return d

    class CudaToCpu(TorchFunctionMode):
        def __torch_function__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
            kwargs = dict(kwargs or {})
            if "device" in kwargs:
                kwargs["device"] = fix(kwargs["device"])
            name = getattr(func, "__name__", "")
            if name == "cuda" and args and isinstance(args[0], torch.Tensor):
                return args[0]
            if name == "to":
                args = tuple(fix(a) for a in args)
            return func(*args, **kwargs)

    with CudaToCpu():
        yield
