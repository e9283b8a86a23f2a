"""The public surface a plugin imports: ``from harness.api import Suite, Problem, ...``.

A third-party suite, backend or sandbox needs nothing from hweval beyond this module. The guide
is ``docs/plugins.md``; ``hweval new-suite NAME --family verilog|kernel|hls`` writes a starting
package.

Stability promise
-----------------
Every name in ``__all__`` is covered by :data:`PLUGIN_API_VERSION`. While that number stays
the same:

* no name in ``__all__`` is removed or renamed;
* functions and methods keep their parameters; new parameters are keyword-only with defaults;
* the dataclasses (Problem, Completion, Candidate, Verdict, StageResult, Limits, ExecResult,
  SuiteOptions, BackendOptions, GenerationRequest, EvalContext...) keep their fields and only
  gain new fields that have defaults;
* Suite, Backend and Sandbox gain no new abstract methods: a new hook always comes with a
  default implementation, so a plugin written against an older release keeps working;
* the :class:`Status` values are fixed (they are the run-file vocabulary of DESIGN.md).

A change that breaks any of these increments :data:`PLUGIN_API_VERSION` and is listed in the
release notes. Additions do not change the number; the hweval release that added a name is
given in its docstring, so a plugin that needs one declares ``hweval>=X.Y`` in its
dependencies. Anything imported from other ``harness`` modules is internal and may change in
any release.

The family bases of kernels and HLS (:class:`KernelSuite`, :class:`HlsSuite`,
:class:`KernelHlsSuite`) and :func:`load_kernel_problems` are covered like the rest of
``__all__`` but imported on first use (:data:`LAZY`), so importing this module never imports
torch or a family's evaluator. The lower-level kernel and HLS helpers in :data:`PROVISIONAL` are
exported the same lazy way but not yet covered: their families are young and may change within
a version; they are promoted to ``__all__`` once settled.

Checking the version
--------------------
Call :func:`require_api` at the top of the plugin module::

    from harness.api import require_api
    require_api(1, plugin="my-suite")

On a mismatch it raises ImportError; hweval's lazy registry turns that into a clear error for
the runs that ask for this plugin only (exit code 2), and every other suite keeps working. A
plugin that supports several API versions passes them all (``require_api(1, 2, plugin=...)``)
and branches on the returned number.
"""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness import PLUGIN_API_VERSION, __version__
from harness.backend import Backend, BackendOptions, GenerationRequest, PartialGenerationError
from harness.errors import BackendError, DataError, HwevalError, InfraError, ToolMissingError, UsageError
from harness.families.verilog.cocotb_eval import check_simulator, evaluate_cocotb, integrity_verdict
from harness.families.verilog.extract import extract_verilog
from harness.families.verilog.prompt import SYSTEM as VERILOG_SYSTEM
from harness.families.verilog.prompt import fenced_answer, spec_prompt
from harness.families.verilog.suite import CocotbVerilogSuite, load_problem_folder
from harness.jobs import emit, parse_records, read_job
from harness.sandbox.base import ExecResult, Limits, Sandbox, scrubbed_env
from harness.suite import AuditHooks, EvalContext, Suite, SuiteOptions
from harness.types import (
    Candidate,
    Completion,
    GenerationSettings,
    Message,
    Problem,
    Prompt,
    StageResult,
    Status,
    Verdict,
)

if TYPE_CHECKING:
    from harness.families.hls.answer import HlsAnswer, parse_answer  # noqa: F401
    from harness.families.hls.baselines import reference_answer  # noqa: F401
    from harness.families.hls.csim import csim  # noqa: F401
    from harness.families.hls.items import HlsItem  # noqa: F401
    from harness.families.hls.prompt import SYSTEM as HLS_SYSTEM  # noqa: F401
    from harness.families.hls.prompt import build_prompt as hls_prompt  # noqa: F401
    from harness.families.hls.score import ItemScore, aggregate, score_item  # noqa: F401
    from harness.families.hls.suite import HlsSuite, KernelHlsSuite  # noqa: F401
    from harness.families.kernels.evaluate import evaluate_kernel  # noqa: F401
    from harness.families.kernels.extract import extract_code  # noqa: F401
    from harness.families.kernels.problem import Problem as KernelProblem
    from harness.families.kernels.prompt import build_prompt as kernel_prompt  # noqa: F401
    from harness.families.kernels.suite import KernelSuite  # noqa: F401

__all__ = [
    # versions
    "PLUGIN_API_VERSION", "__version__", "require_api",
    # core records
    "Status", "Message", "Prompt", "Problem", "Completion", "Candidate", "StageResult", "Verdict",
    "GenerationSettings",
    # the three plugin interfaces and what they receive
    "Suite", "SuiteOptions", "EvalContext", "AuditHooks",
    "Backend", "BackendOptions", "GenerationRequest", "PartialGenerationError",
    "Sandbox", "Limits", "ExecResult", "scrubbed_env",
    # errors (user errors exit 2 with the message; InfraError never counts against a model)
    "HwevalError", "UsageError", "DataError", "ToolMissingError", "InfraError", "BackendError",
    # jobs that run inside the sandbox and report over the nonce-tagged channel
    "emit", "read_job", "parse_records",
    # the Verilog family
    "CocotbVerilogSuite", "load_problem_folder", "extract_verilog", "evaluate_cocotb", "integrity_verdict",
    "check_simulator", "spec_prompt", "fenced_answer", "VERILOG_SYSTEM",
    # the kernel and HLS family bases (imported on first use: see LAZY)
    "KernelSuite", "load_kernel_problems", "HlsSuite", "KernelHlsSuite",
    # helpers for a plugin's own tests
    "plugin_names", "load_suite", "load_sandbox", "eval_context", "score_response",
]

#: Covered names imported on first use (the kernel family needs torch only when it evaluates).
LAZY: dict[str, str] = {
    "KernelSuite": "harness.families.kernels.suite:KernelSuite",
    "HlsSuite": "harness.families.hls.suite:HlsSuite",
    "KernelHlsSuite": "harness.families.hls.suite:KernelHlsSuite",
}

#: Family helpers exported lazily and not yet covered by the stability promise.
PROVISIONAL: dict[str, str] = {
    "evaluate_kernel": "harness.families.kernels.evaluate:evaluate_kernel",
    "extract_code": "harness.families.kernels.extract:extract_code",
    "kernel_prompt": "harness.families.kernels.prompt:build_prompt",
    "HlsItem": "harness.families.hls.items:HlsItem",
    "HlsAnswer": "harness.families.hls.answer:HlsAnswer",
    "parse_answer": "harness.families.hls.answer:parse_answer",
    "hls_prompt": "harness.families.hls.prompt:build_prompt",
    "HLS_SYSTEM": "harness.families.hls.prompt:SYSTEM",
    "reference_answer": "harness.families.hls.baselines:reference_answer",
    "score_item": "harness.families.hls.score:score_item",
    "ItemScore": "harness.families.hls.score:ItemScore",
    "aggregate": "harness.families.hls.score:aggregate",
    "csim": "harness.families.hls.csim:csim",
}


def __getattr__(name: str) -> Any:
    target = LAZY.get(name) or PROVISIONAL.get(name)
    if target is None:
        raise AttributeError(f"module 'harness.api' has no attribute {name!r}")
    module, _, attr = target.partition(":")
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value
    return value


def require_api(*versions: int, plugin: str = "") -> int:
    """Check that this hweval provides one of the plugin API ``versions``; returns the one in use.

    Raises ImportError (reported by the registry as a failed plugin import) on a mismatch.
    """
    if not versions:
        raise TypeError("require_api() needs at least one version")
    if PLUGIN_API_VERSION not in versions:
        who = f"plugin {plugin!r}" if plugin else "this plugin"
        wanted = " or ".join(str(v) for v in versions)
        raise ImportError(f"{who} needs hweval plugin API {wanted}, but hweval {__version__} provides "
                          f"API {PLUGIN_API_VERSION}: install a matching hweval or update the plugin")
    return PLUGIN_API_VERSION


def load_kernel_problems(folder: Path) -> list[KernelProblem]:
    """The kernel problems in ``folder``: one sub-folder each, in name order, holding
    ``reference.py`` (``Model``, ``get_inputs()``, ``get_init_inputs()``, optional ``CONFIGS`` and
    ``DISTS``), ``meta.toml`` and golden ``solution_triton.py`` / ``solution_cuda.py``: what a
    :class:`KernelSuite`'s ``kernel_problems()`` returns. A malformed folder is a DataError."""
    from harness.families.kernels.problem import ProblemError, list_problems, load_problem

    out = []
    for sub in list_problems(Path(folder)):
        try:
            out.append(load_problem(sub))
        except ProblemError as exc:
            raise DataError(f"{sub}: {exc}") from exc
    return out


def plugin_names(kind: str) -> list[str]:
    """Registered names of one kind (``suites``, ``backends``, ``sandboxes``); imports nothing."""
    from harness import registry

    if kind not in registry.GROUPS:
        raise UsageError(f"unknown plugin kind {kind!r}; choose {', '.join(registry.GROUPS)}")
    return registry.names(kind)


def load_suite(name: str, options: SuiteOptions | None = None) -> Suite:
    """The registered suite ``name``, constructed as ``hweval run --suite name`` would."""
    from harness import registry

    cls = registry.load("suites", name)
    suite: Suite = cls(options or SuiteOptions())
    return suite


def load_sandbox(name: str = "local") -> Sandbox:
    """A registered sandbox (``local`` is bubblewrap; ``none`` is unisolated: tests only)."""
    from harness import registry

    sandbox: Sandbox = registry.load("sandboxes", name)()
    return sandbox


def eval_context(sandbox: str = "local", *, timeout_s: float = 300.0, seed: int = 0) -> EvalContext:
    """An EvalContext like a run's: the named sandbox, a wall-time limit per sample and hweval's
    cache folder ($HWEVAL_CACHE, else ~/.cache/hweval). Close ``ctx.sandbox`` when done."""
    from harness.runner import cache_dir

    return EvalContext(sandbox=load_sandbox(sandbox), limits=Limits(wall_s=timeout_s), seed=seed,
                       cache_dir=cache_dir())


def score_response(suite: Suite, problem: Problem, response: str, ctx: EvalContext,
                   sample_idx: int = 0) -> Verdict:
    """Judge one raw model response exactly as a run does (extract, evaluate, infra errors).

    Meant for a plugin's own tests: ``score_response(suite, p, suite.reference_response(p), ctx)``
    must give ``Status.PASS`` for every problem.
    """
    from harness.execute import judge

    completion = Completion(suite.name, problem.id, sample_idx, response)
    _, verdict = judge(suite, problem, completion, ctx)
    return verdict
