"""The kernels family: a model turns a PyTorch reference into a faster Triton or CUDA kernel.

Contract (KernelBench-compatible): the problem's reference defines ``Model``, ``get_inputs()`` and
``get_init_inputs()``; the answer defines ``ModelNew`` with the same constructor arguments
(TritonBench-T problems: a function of the reference's name). Stages: static (AST rules) ->
compile -> correctness -> perf (GPU only); every candidate process runs in the sandbox.

Three folders show the trust boundary (imported lazily so that importing the package stays cheap):

* :mod:`~harness.families.kernels.static` reads the answer's text (AST and C++ allowlists); runs
  in the harness process and never executes candidate code;
* :mod:`~harness.families.kernels.sandboxed` runs inside the sandbox next to candidate code: the
  worker, its hooks and guards, the trusted checker, the reference-case computation;
* this folder is the harness side that drives the sandbox and scores:
  :mod:`~harness.families.kernels.suite` ``KernelSuite``, the family base of kernel suites;
  :mod:`~harness.families.kernels.evaluate` ``evaluate_kernel`` / ``reference_check``;
  ``runner`` how sub-processes run (through a Sandbox) and their limits; ``cases`` the
  reference cases and the worker/checker command lines; ``judge`` the trusted verdicts;
  ``compare`` / ``perf`` comparisons and the physical bound; ``compile_cuda`` nvcc without a
  GPU; ``problem`` / ``data`` problem and dataset reading; ``extract`` / ``prompt`` / ``mutate``
  answers, prompts, the mutant baseline.
"""
from __future__ import annotations

LANGS = ("triton", "cuda")

__all__ = ["LANGS"]
