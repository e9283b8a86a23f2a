"""Worker runs and reference cases for one evaluation.

* :func:`run_worker`: one worker phase in its own sandboxed scratch folder, through a Runner.
* :func:`reference_cases`: the problem's inputs and reference outputs in a folder no candidate
  ever sees. Built-in problems compute them in this process (trusted code); external problems in
  a sandboxed ``reference`` phase. Results are cached by content (``cache_root``), so the
  reference runs once per problem, not once per sample.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.cache import atomic_dir, code_digest, key_of
from harness.families.kernels.problem import Problem
from harness.families.kernels.runner import Runner
from harness.proc import tail
from harness.sandbox.base import ExecResult

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[3]
_PASSTHROUGH_ENV = ("PATH", "LD_LIBRARY_PATH", "CUDA_VISIBLE_DEVICES", "CUDA_HOME", "CUDA_PATH", "LANG",
                    "NVIDIA_VISIBLE_DEVICES", "TRITON_PTXAS_PATH", "CC", "CXX")
#: the code that computes and writes the cases (the worker's package, this module): its digest is in their
#: key, so a change to it makes them anew; CASES_VERSION needs no bump (it names the older formats)
CASES_CODE = (Path(__file__).resolve().parent / "sandboxed", Path(__file__).resolve())
CASES_VERSION = "11"  # 3: function problems record the test section's reference constants (globals); 4: nested ones; 5: attribute names, ranges; 6: helpers; 7: the reference namespace (sandboxed.constants.section_record); 8: inputs_written; 9: class_data (a provided class's data from the reference); 10: inputs_written per tensor path (sandboxed.writes); 11: paths_seen, class_reads, writes over everything the section reaches
#: this process's input seeds start here (fresh per run: inputs cannot be known in advance)
RUN_SEED = secrets.randbelow(1 << 30)


class ReferenceFailure(Exception):
    """The reference could not produce its cases (infra_error for a candidate; excluded in validation)."""


def worker_command(workdir: Path, phase: str, *, python: str | None = None) -> list[str]:
    """The argv of one worker run; cwd must be ``workdir`` and env :func:`worker_env`.

    Everything the worker reads or writes is inside ``workdir`` (plus the read-only harness and
    Python installation), so a sandbox can bind-mount exactly that.
    """
    return [python or sys.executable, "-m", "harness.families.kernels.sandboxed.worker",
            "--workdir", str(workdir), "--phase", phase]


def worker_env(workdir: Path, *, interpret: bool, gpu: bool) -> dict[str, str]:
    env = {k: os.environ[k] for k in _PASSTHROUGH_ENV if k in os.environ}
    # the interpreter's folder first: load_inline runs ninja from the environment's bin/
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "/usr/local/bin:/usr/bin:/bin")])
    for sub in ("home", "tmp", "triton_cache", "torch_extensions", "inductor"):
        (workdir / sub).mkdir(parents=True, exist_ok=True)
    env.update({
        "PYTHONPATH": str(REPO_ROOT), "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0",
        "HOME": str(workdir / "home"), "TMPDIR": str(workdir / "tmp"),
        "TRITON_CACHE_DIR": str(workdir / "triton_cache"), "TRITON_HOME": str(workdir / "home"),
        "TORCH_EXTENSIONS_DIR": str(workdir / "torch_extensions"),
        "TORCHINDUCTOR_CACHE_DIR": str(workdir / "inductor"),
        "TRITON_INTERPRET": "1" if interpret else "0", "TRITON_DEFAULT_FP_FUSION": "1",
    })
    if not gpu:
        env.update({"OMP_NUM_THREADS": "1", "CUDA_VISIBLE_DEVICES": ""})
    return env


def run_worker(runner: Runner, workdir: Path, phase: str, *, gpu: bool, timeout_s: float,
               interpret: bool | None = None) -> tuple[ExecResult, dict[str, Any]]:
    """Run ``phase`` on ``workdir`` (job.json and its files are there); its result record."""
    interp = (not gpu) if interpret is None else interpret
    res = runner(worker_command(workdir, phase), workdir=workdir,
                 env=worker_env(workdir, interpret=interp, gpu=gpu), timeout_s=timeout_s)
    path = workdir / f"result_{phase}.json"
    try:
        data = json.loads(path.read_text()) if path.is_file() else {}
    except (OSError, ValueError):
        data = {"reached": "boot", "error": {"where": "worker", "type": "CorruptResult", "message": ""}}
    return res, data if isinstance(data, dict) else {}


def checker_command(workdir: Path, *, python: str | None = None) -> list[str]:
    return [python or sys.executable, "-m", "harness.families.kernels.sandboxed.checker",
            "--workdir", str(workdir)]


def run_checked(runner: Runner, workdir: Path, *, gpu: bool, timeout_s: float,
                seeds: dict[str, int], draws: dict[str, int] | None = None) -> tuple[ExecResult, dict[str, Any]]:
    """The ``check`` phase: the trusted checker (in the sandbox) drives the candidate's worker.

    The nonce and the case seeds (``seeds``: the test section's inputs; ``draws``: torch's generator
    in the answer's calls, default the input seed) travel on the checker's stdin only. The record is the one
    ``HWEVAL-KERNEL-CHECK <nonce>`` line of the checker's stdout; a second tagged line, or output
    files whose digests differ from the record, mean the candidate forged something (``forged``).
    """
    from harness.families.kernels.sandboxed.pipe import TAG

    nonce = secrets.token_hex(16)
    secret = json.dumps({"nonce": nonce, "seeds": seeds, "draws": draws or {}}).encode() + b"\n"
    res = runner(checker_command(workdir), workdir=workdir, env=worker_env(workdir, interpret=not gpu, gpu=gpu),
                 timeout_s=timeout_s, stdin=secret)
    tagged = [line for line in res.stdout.splitlines() if line.startswith(TAG)]
    sealed = [line for line in tagged if line.startswith(f"{TAG} {nonce} ")]
    if len(tagged) > 2 or len(sealed) != len(tagged):
        return res, {"reached": "done", "forged": f"{len(tagged)} tagged lines on the checker's stdout"}
    if len(sealed) < 2:  # never started (infra), or started and silenced by the candidate's process
        return res, ({"reached": "run", "error": None} if sealed and not res.timed_out else {})
    try:
        data = json.loads(sealed[1][len(TAG) + len(nonce) + 2:])
    except ValueError:
        return res, {"reached": "done", "forged": "the checker's record does not parse"}
    for name, digest in (data.get("digests") or {}).items():
        path = workdir / name
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            data["forged"] = f"{name} changed after the checker wrote it"
    return res, data


@dataclass
class RefCases:
    """A folder of reference cases: ``cases`` (id, config, dist, seed, inputs, ref, deterministic,
    finite), the module constants applied (``globals``) and the constructor-arguments file."""

    folder: Path
    cases: list[dict[str, Any]]
    globals: dict[str, Any] = field(default_factory=dict)
    init: str = "init.pt"


def case_plan(problem: Problem, *, gpu: bool, seeds: int, seed_base: int | None = None) -> list[dict[str, Any]]:
    """Which (config, dist, seed) to check: the first config with every dist and ``seeds`` seeds,
    larger configs with every dist and one seed. Seeds are ``seed_base`` (default: drawn once per
    process, :data:`RUN_SEED`) plus a running index; the case id names only the index."""
    base = RUN_SEED if seed_base is None else int(seed_base)
    configs = problem.config_names(gpu)
    plan = []
    index = 0
    for cfg in configs:
        for i in range(seeds if cfg == configs[0] else 1):
            for dist in problem.dists:
                plan.append({"id": f"{cfg}/{dist}/seed{i}", "config": cfg, "dist": dist,
                             "seed": (base + 7919 * index) % (1 << 31)})
                index += 1
    return plan


def _job(problem: Problem, plan: list[dict[str, Any]], gpu: bool) -> dict[str, Any]:
    cpu_small = not gpu and problem.kind == "module"
    return {"kind": problem.kind, "device": "cuda" if gpu else "cpu", "seed": 0,
            "configs": {c["config"]: problem.configs.get(c["config"], {}) for c in plan}, "cases": plan,
            "search": problem.scale_search if cpu_small else [],
            "budget": problem.cpu_budget if cpu_small else None, "test_code": problem.test_code,
            "entry": problem.entry, "result_var": problem.meta.get("result_var", "test_results"),
            "module_name": problem.meta.get("module_name"),
            # a PyTorch reference (never a Triton one): its aten ops are recorded (sandboxed.refops)
            "trace_ops": problem.kind == "module" or bool(problem.meta.get("torch_reference"))}


def _key(problem: Problem, job: dict[str, Any]) -> str:
    import torch

    return key_of(CASES_VERSION, code_digest(*CASES_CODE), problem.reference_source, job,
                  torch.__version__)[:24]


def _load(folder: Path) -> RefCases:
    report = json.loads((folder / "ref.json").read_text())
    return RefCases(folder, report["cases"], report.get("globals") or {})


def _compute(problem: Problem, job: dict[str, Any], folder: Path, runner: Runner, gpu: bool,
             timeout_s: float) -> None:
    if problem.trusted:  # our own reference: in this process
        from harness.families.kernels.sandboxed.refcases import ReferenceCaseError, compute

        try:
            compute(problem.reference_source, job, folder, module=problem.module)
        except ReferenceCaseError as exc:
            raise ReferenceFailure(str(exc)) from exc
        except Exception as exc:
            raise ReferenceFailure(f"{type(exc).__name__}: {exc}") from exc
        return
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "reference.py").write_text(problem.reference_source)
    (folder / "job.json").write_text(json.dumps(job))
    res, data = run_worker(runner, folder, "reference", gpu=gpu, timeout_s=timeout_s)
    if res.infra_error:
        raise ReferenceFailure(f"sandbox: {res.infra_error}")
    if res.timed_out:
        raise ReferenceFailure(f"the reference exceeded {timeout_s:g}s")
    err = data.get("error")
    if isinstance(err, dict):
        raise ReferenceFailure(f"{err.get('type')}: {err.get('message', '')}"[-1500:])
    if data.get("reached") != "done" or not (folder / "ref.json").is_file():
        raise ReferenceFailure(f"the reference run died (exit {res.returncode}): {tail(res.stderr, 1500)}")


def reference_cases(problem: Problem, workdir: Path, *, gpu: bool, seeds: int, runner: Runner,
                    timeout_s: float, cache_root: Path | None = None, seed_base: int | None = None) -> RefCases:
    """The reference cases of ``problem`` (computed, or from ``cache_root``)."""
    plan = case_plan(problem, gpu=gpu, seeds=seeds, seed_base=seed_base)
    job = _job(problem, plan, gpu)
    final = cache_root / _key(problem, job) if cache_root is not None else None
    if final is not None and (final / "ref.json").is_file():
        return _load(final)
    if final is None:
        folder = workdir / "ref"
        _compute(problem, job, folder, runner, gpu, timeout_s)
        return _load(folder)
    with atomic_dir(final) as tmp:
        _compute(problem, job, tmp, runner, gpu, timeout_s)
        for name in ("reference.py", "job.json", "result_reference.json"):
            (tmp / name).unlink(missing_ok=True)
        for sub in ("home", "tmp", "triton_cache", "torch_extensions", "inductor"):
            shutil.rmtree(tmp / sub, ignore_errors=True)
    return _load(final)
