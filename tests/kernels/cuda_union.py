"""One nvcc + g++ build, per test session, of every CUDA form the test files compile.

Four files check that CUDA forms are real torch C++: every kernels-core golden
(``tests/kernels/test_cuda.py``), the host-copy rule's honest forms
(``tests/security/test_kernel_cuda_host.py``) and red team 6's honest forms and pasted copy
(``tests/security/test_kernel_cuda_rt6.py``), and round 8's honest host idioms with three attacks
the rule, not the compiler, stops (``tests/security/test_kernel_cuda_rt8.py``). Each build parses torch's headers four times
(nvcc's host preprocessing, cudafe++, cicc, the host compile) plus once in g++, about 55 s of
CPU whatever the forms, so the four groups are built together, once: each form in its own
``namespace hw_<group>_<i>`` (its ``#include`` lines hoisted to the top) inside one answer that
goes through the harness's own :func:`~harness.families.kernels.compile_cuda.compile_extension`,
as an evaluation compiles an answer: ``torch/types.h``, ``cuda.h`` and ``cuda_runtime.h`` before the
CUDA sources, ``torch/extension.h`` before the C++ sources, and a ``PYBIND11_MODULE`` that binds
every function the form names through ``torch::wrap_pybind_function``.

The build runs in the default (bubblewrap) sandbox and is cached in the session's
``HWEVAL_CACHE`` (fresh per test session, see tests/conftest.py), under a lock beside it: the
first file to ask builds, a later one (on either xdist worker) reads the cached verdict. When the
joint build fails, the asking file's group is built alone, so each file's verdict is its own
forms' (a clash between groups does not fail a group whose forms compile).

Hoisted includes are shared: besides what torch/types.h already includes (``<vector>``,
``<cstdint>``), the only extra header is CUB's block scan, which only the rt6 group's form uses;
:func:`group_build` checks that no other form names ``cub::``.
"""
from __future__ import annotations

import fcntl
import importlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from harness.families.kernels.compile_cuda import CudaBuild, compile_extension
from harness.families.kernels.runner import Runner, plain_runner, sandbox_runner
from harness.families.kernels.static.cuda import InlineExtension
from harness.sandbox.base import Limits
from tests.kernels.helpers import bwrap_usable

#: group -> "module:function" returning that file's forms as (tag, extension) pairs
GROUPS = {
    "goldens": "tests.kernels.test_cuda:cuda_forms",
    "host": "tests.security.test_kernel_cuda_host:cuda_forms",
    "rt6": "tests.security.test_kernel_cuda_rt6:cuda_forms",
    "rt8": "tests.security.test_kernel_cuda_rt8:cuda_forms",
    "rt9": "tests.security.test_kernel_cuda_rt9:cuda_forms",
}
_TIMEOUT_S = 1800.0


def extensions(answers: list[tuple[str, str]]) -> list[tuple[str, InlineExtension]]:
    """(tag, the one ``load_inline`` extension of the answer text) for each (tag, answer): the
    parts a test file hands to :func:`build`."""
    import ast

    from harness.families.kernels.static.check import _dotted
    from harness.families.kernels.static.cuda import find_load_inline

    aliases = {"load_inline": "torch.utils.cpp_extension.load_inline"}
    parts = []
    for tag, code in answers:
        tree = ast.parse(code)
        dotted = {id(n.func): _dotted(n.func, aliases) or "" for n in ast.walk(tree) if isinstance(n, ast.Call)}
        (ext,) = find_load_inline(tree, dotted)
        parts.append((tag, ext))
    return parts


def forms(group: str) -> list[tuple[str, InlineExtension]]:
    module, _, func = GROUPS[group].partition(":")
    return list(getattr(importlib.import_module(module), func)())


def _split(sources: list[str] | None) -> tuple[list[str], list[str]]:
    includes: list[str] = []
    body: list[str] = []
    for line in "\n".join(sources or []).splitlines():
        (includes if line.lstrip().startswith(("#include", "#pragma once")) else body).append(line)
    return includes, body


def joint_extension(parts: list[tuple[str, InlineExtension]]) -> InlineExtension:
    """One extension holding every part in its own namespace (includes first, each once)."""
    cu_inc: list[str] = []
    cpp_inc: list[str] = []
    cu: list[str] = []
    cpp: list[str] = []
    functions: list[str] = []
    for tag, ext in parts:
        assert ext.resolved and not ext.no_implicit_headers, tag
        ns = f"hw_{tag}"
        for sources, incs, out in ((ext.cuda_sources, cu_inc, cu), (ext.cpp_sources, cpp_inc, cpp)):
            inc, body = _split(sources)
            incs += inc
            out.append(f"namespace {ns} {{\n" + "\n".join(body) + f"\n}}  // namespace {ns}\n")
        functions += [f"{ns}::{f}" for f in ext.functions or []]
    return InlineExtension(line=0, name="hw_union",
                           cuda_sources=["\n".join(dict.fromkeys(cu_inc)), *cu],
                           cpp_sources=["\n".join(dict.fromkeys(cpp_inc)), *cpp], functions=functions)


def _runner() -> Runner:
    if bwrap_usable():
        from harness.sandbox.local import BubblewrapSandbox

        return sandbox_runner(BubblewrapSandbox(), Limits(), gpu=False)
    return plain_runner()


@contextmanager
def _session_lock() -> Iterator[None]:
    root = Path(os.environ.get("HWEVAL_CACHE") or tempfile.gettempdir())
    root.mkdir(parents=True, exist_ok=True)
    with (root / "kernels-cuda-union.lock").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def build(parts: list[tuple[str, InlineExtension]], workdir: Path) -> CudaBuild:
    """nvcc and g++ on ``parts`` as one answer (cached by content in the session's cache)."""
    with _session_lock():
        return compile_extension(joint_extension(parts), workdir, timeout_s=_TIMEOUT_S, runner=_runner())


def group_build(group: str, workdir: Path) -> CudaBuild:
    """The build verdict for ``group``'s forms: the joint build of every group when it compiles,
    else the group's forms built alone."""
    everything = {g: [(f"{g}_{tag}", ext) for tag, ext in forms(g)] for g in GROUPS}
    for g, parts in everything.items():
        if g != "rt6":
            assert not any("cub::" in "\n".join(e.cuda_sources or []) for _, e in parts), g
    joint = build([p for parts in everything.values() for p in parts], workdir / "joint")
    if joint.ok:
        return joint
    return build(everything[group], workdir / group)
