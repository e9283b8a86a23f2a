"""The kernels family: a model turns a PyTorch reference into a faster Triton or CUDA kernel.

Contract (KernelBench-compatible): the problem's reference defines ``Model``, ``get_inputs()`` and
``get_init_inputs()``; the answer defines ``ModelNew`` with the same constructor arguments
(TritonBench-T problems: a function of the reference's name). Stages: static (AST rules) ->
compile -> correctness -> perf (GPU only); every candidate process runs in the sandbox.

Modules (imported lazily so that importing the package stays cheap):

* :mod:`~harness.families.kernels.suite` ``KernelSuite``, the family base of kernel suites
* :mod:`~harness.families.kernels.evaluate` ``evaluate_kernel`` / ``reference_check``
* :mod:`~harness.families.kernels.runner` how sub-processes run (through a Sandbox) and their limits
* :mod:`~harness.families.kernels.cases` / ``refcases`` the reference cases (inputs, outputs), cached
* :mod:`~harness.families.kernels.worker` the candidate-side process; ``judge`` the trusted verdicts
* ``static`` / ``static_cuda`` / ``policy`` the rules; ``compile_cuda`` nvcc without a GPU;
  ``hooks`` launch counting, op recording, compile tracing, CUDA-to-CPU device mapping;
  ``compare`` / ``perf`` / ``timing`` comparisons, the physical bound, GPU timing;
  ``extract`` / ``prompt`` / ``mutate`` answers, prompts, the mutant baseline; ``data`` dataset reading
"""
from __future__ import annotations

LANGS = ("triton", "cuda")

__all__ = ["LANGS"]
