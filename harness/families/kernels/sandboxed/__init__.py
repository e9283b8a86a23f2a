"""Code that runs inside the sandbox, in the processes next to candidate code.

* :mod:`.worker` the candidate-side process, ``python -m harness.families.kernels.sandboxed.worker``
  (phases ``compile``, ``check``, ``perf``, ``baseline``, ``reference``), with
  :mod:`.worker_common` (loading the answer, results) and :mod:`.worker_function` (TritonBench-T
  function problems); :mod:`.hooks` (launch counting, op recording, compile tracing, CUDA-to-CPU
  device mapping) and :mod:`.guards` (guard bands) run in that process too;
* :mod:`.checker` the trusted side of a check run,
  ``python -m harness.families.kernels.sandboxed.checker``: it never imports candidate code (nor
  torch) and talks to the worker over private pipes (:mod:`.pipe`);
* :mod:`.job` the family's warm-worker job (a ``local`` sandbox with warm workers): it runs the
  worker or checker command it is given, the worker processes forked from a fork server that
  imported torch and triton before any request (:mod:`harness.jobs.forkserver`);
* :mod:`.refcases` (with :mod:`.dists`, :mod:`.scaling`) computes a problem's reference cases:
  in the worker's ``reference`` phase for external problems, and in the harness process for the
  built-in ones (trusted code); :mod:`.timing` times a module on the GPU.

Imports: only the standard library, torch, triton (with numpy, the array library of Triton's
interpreter, which :mod:`.interp` and :mod:`.interpmask` patch) and this package: nothing of the harness that
drives the sandbox (the evaluator, the static checks, problem loading), so what runs next to the
candidate is exactly this folder. The harness process names the worker and the checker only on
a command line (:mod:`harness.families.kernels.cases`) and imports only the library modules
:mod:`.refcases`, :mod:`.dists`, :mod:`.scaling` and :mod:`.pipe` (the record tag);
``tests/kernels/test_layout.py`` enforces both rules.
"""
