"""Pieces shared by the worker phases (they run in the candidate's sandboxed process)."""
from __future__ import annotations

import importlib
import importlib.util
import json
import sys
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any

COMPILE_ERRORS = {"CompilationError", "CompileTimeAssertionFailure", "PTXASError", "OutOfResources"}


BUILD_MARKERS = ("Error building extension", "error: ", "ninja: build stopped")


class Result:
    def __init__(self, path: Path, phase: str) -> None:
        self.path = path
        self.data: dict[str, Any] = {"phase": phase, "reached": "boot", "error": None}
        self.flush()

    def flush(self) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.data, default=str))
        tmp.replace(self.path)

    def reach(self, stage: str) -> None:
        self.data["reached"] = stage
        self.flush()

    def fail(self, where: str, exc: BaseException, case: str | None = None) -> None:
        name = type(exc).__name__
        text = f"{exc}"
        compile_error = name in COMPILE_ERRORS or (
            where == "import" and any(m in text for m in BUILD_MARKERS))
        self.data["error"] = {
            "where": where, "type": name, "message": text[-4000:], "case": case,
            "compile_error": compile_error,
            "traceback": "".join(traceback.format_exception(exc))[-6000:],
        }
        self.flush()


def load_pt(path: Path) -> Any:
    import torch

    return torch.load(path, map_location="cpu", weights_only=True)


def to_device(values: list[Any], device: str) -> list[Any]:
    import torch

    return [v.to(device) if isinstance(v, torch.Tensor) else v for v in values]


def import_file(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def construct(module: ModuleType, cls: str, init: list[Any], seed: int, device: str) -> Any:
    import torch

    torch.manual_seed(seed)
    model = getattr(module, cls)(*init)
    if isinstance(model, torch.nn.Module):
        model = model.to(device)
    return model


def sync(device: str) -> None:
    if device == "cuda":
        import torch

        torch.cuda.synchronize()


def flat(out: Any) -> list[Any]:
    return list(out) if isinstance(out, tuple | list) else [out]


def cpu_copy(values: list[Any]) -> list[Any]:
    import torch

    out: list[Any] = []
    for v in values:
        if isinstance(v, torch.Tensor):
            out.append(v.detach().as_subclass(torch.Tensor).to("cpu", copy=True))
        else:
            out.append(v if isinstance(v, int | float | bool | type(None)) else repr(v))
    return out


def import_candidate(job: dict[str, Any]) -> ModuleType:
    """``candidate.py``; the problem's module constants (scaled-down shapes) apply to it too."""
    mod = importlib.import_module("candidate")
    for name, value in (job.get("globals") or {}).items():
        if hasattr(mod, name):
            setattr(mod, name, tuple(value) if isinstance(getattr(mod, name), tuple) else value)
    return mod


def setup_hooks(job: dict[str, Any]) -> Any:
    from harness.families.kernels import hooks

    counter = hooks.LaunchCounter()
    if job["lang"] == "triton":
        hooks.install_triton_hooks(counter, cpu=job["device"] == "cpu")
    else:
        hooks.install_cuda_hooks(counter)
    return counter
