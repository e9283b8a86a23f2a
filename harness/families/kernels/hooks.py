"""Instrumentation installed inside the candidate's worker process.

* :class:`LaunchCounter` counts custom-kernel launches: Triton ``JITFunction.run`` /
  ``InterpretedFunction.run`` and the functions of every ``load_inline`` extension.
* :class:`OpRecorder` (a ``TorchDispatchMode``) records the aten ops the candidate runs outside
  its kernels (torch compute fallbacks show up here, also those issued from C++ host code).
* :func:`compile_trace` makes Triton compile every launched kernel for a CUDA target without a
  GPU (fake driver + ``warmup=True``), so the compile stage is real on a CPU-only machine.

Everything here only *reports*; the trusted parent process decides.
"""
from __future__ import annotations

import contextlib
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

log = logging.getLogger(__name__)


class LaunchCounter:
    def __init__(self) -> None:
        self.count = 0
        self.names: Counter[str] = Counter()
        self.depth = 0  # >0 while inside a kernel launch (torch ops there belong to the launcher)

    def reset(self) -> None:
        self.count = 0
        self.names.clear()

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

        def __torch_dispatch__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
            if counter.depth == 0:
                self.ops[func.name().split(".")[0]] += 1
            return func(*args, **(kwargs or {}))

    return OpRecorder()


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


@contextlib.contextmanager
def compile_trace(compiled: list[str], arch: int = 90) -> Iterator[None]:
    """Within the block every Triton launch compiles to a cubin for ``sm_<arch>`` and returns.

    Compile errors propagate (``triton.compiler.errors.CompilationError``).
    """
    from triton.runtime import driver
    from triton.runtime.autotuner import Autotuner
    from triton.runtime.jit import JITFunction

    original_run, original_bench = JITFunction.run, Autotuner._bench
    previous_driver = getattr(driver, "_active", None)  # reset_active() needs a real GPU driver

    def run(self: Any, *args: Any, grid: Any, warmup: bool, **kwargs: Any) -> Any:
        kernel = original_run(self, *args, grid=grid, warmup=True, **kwargs)
        compiled.append(_kernel_name(self))
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
