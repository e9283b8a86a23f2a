"""Red team 4, item 6: a wrong answer that kills its worker must not be dropped as ``infra_error``.

The red team's identity "ReLU" filled the sandbox's ``/dev/shm`` with ``torch.from_file(...,
shared=True)`` in ``__init__``; the worker died of SIGBUS before its first message, the judge
called that "worker did not start" (``infra_error``) and the sample left the score (pass@1 1.0
instead of 0.5 beside an honest sample). Two rules close the class:

* file-backed and shared-memory storage is never named (``torch.from_file``, ``*Storage``,
  ``share_memory_``, ``untyped_storage``...): ``forbidden_attribute``;
* the check worker sends ``ready`` before it imports any answer code; a death after that is the
  answer's (``runtime_error``), whatever killed it; only a death before it is ``infra_error``.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from harness.families.kernels.evaluate import evaluate_kernel
from harness.families.kernels.judge import worker_failure
from harness.families.kernels.runner import Runner
from harness.families.kernels.static.check import analyze
from harness.sandbox.base import ExecResult
from tests.kernels.helpers import PROBLEMS, shared_runner

REPO = Path(__file__).resolve().parents[2]
IDENTITY = '''import torch
import torch.nn as nn
import triton
import triton.language as tl
PRELUDE

@triton.jit
def relu_kernel(x_ptr, y_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    pid = tl.program_id(axis=0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask, other=0.0)
    tl.store(y_ptr + offsets, x, mask=mask)  # wrong: identity, not ReLU


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()
        INIT

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        y = torch.empty_like(x)
        n = x.numel()
        FORWARD
        relu_kernel[(triton.cdiv(n, 1024),)](x, y, n, BLOCK_SIZE=1024)
        return y
'''


def answer(prelude: str = "", init: str = "pass", forward: str = "pass") -> str:
    return IDENTITY.replace("PRELUDE", prelude).replace("INIT", init).replace("FORWARD", forward)


#: the red team's payload, and other file-backed or shared-memory allocations
STORAGE = {
    "rt4_from_file_dev_shm": answer("CHUNK = 240 << 20", 'for i in range(10):\n            t = torch.from_file('
                                    '"/dev/shm/s" + str(i), shared=True, size=CHUNK, dtype=torch.uint8)\n'
                                    '            t.fill_(1)'),
    "untyped_storage_from_file": answer(init='self.s = torch.UntypedStorage.from_file("/dev/shm/a", True, 1 << 30)'),
    "typed_storage_class": answer(init='self.s = torch.FloatStorage.from_file("/dev/shm/a", True, 1 << 28)'),
    "share_memory_method": answer(init="self.w = torch.zeros(1 << 28).share_memory_()"),
    "storage_of_a_tensor": answer(init='self.w = torch.zeros(4).untyped_storage().from_file("/dev/shm/a", True, 9)'),
}


@pytest.mark.parametrize("name", sorted(STORAGE))
def test_file_backed_and_shared_storage_is_rejected(name: str) -> None:
    rules = {v.rule for v in analyze(STORAGE[name], "triton")[0]}
    assert "forbidden_attribute" in rules, rules


def test_honest_init_with_weights_is_accepted() -> None:
    code = answer(init="self.w = nn.Parameter(torch.randn(4, 4))\n        self.register_buffer('b', torch.zeros(4))")
    assert analyze(code, "triton")[0] == []


def _proc(rc: int = 0) -> ExecResult:
    return ExecResult(returncode=rc, stdout="", stderr="Bus error", wall_s=1.0)


def test_a_death_before_ready_is_infra_and_after_it_the_answers() -> None:
    assert worker_failure(_proc(), {}, 60)[0] == "infra_error"
    assert worker_failure(_proc(), {"reached": "boot", "error": None}, 60)[0] == "infra_error"
    for stage in ("ready", "import", "construct", "run"):
        status, _, reason = worker_failure(_proc(), {"reached": stage, "error": None, "worker_exit": -7}, 60)
        assert status == "runtime_error" and "exit -7" in reason, (stage, reason)


@pytest.fixture(scope="module")
def runner() -> Runner:
    return shared_runner()  # one sandbox and fork servers per test process


@pytest.fixture
def no_static(monkeypatch: pytest.MonkeyPatch) -> None:
    """Switch the static allowlist off, so answer code can kill its own worker."""
    import harness.families.kernels.evaluate as ev

    real = ev.analyze
    monkeypatch.setattr(ev, "analyze", lambda code, lang, **kw: ([], *real(code, lang, **kw)[1:]))


KILLS = {  # where the answer kills its worker: at import, in __init__, in forward
    "sigbus_at_import": answer("import os\nimport signal\nos.kill(os.getpid(), signal.SIGBUS)"),
    "sigkill_in_init": answer("import os\nimport signal", "os.kill(os.getpid(), signal.SIGKILL)"),
    "exit_in_forward": answer("import os", forward="os._exit(3)"),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(KILLS))
def test_a_worker_killed_by_the_answer_is_its_runtime_error(tmp_path: Path, runner: Runner, no_static: None,
                                                           name: str) -> None:
    r = evaluate_kernel(PROBLEMS / "relu", KILLS[name], "triton", tmp_path / "w", gpu=False, timeout_s=240.0,
                        runner=runner, ref_cache=tmp_path / "refs", seeds=1)
    assert r["status"] == "runtime_error", (r["status"], r["reason"])


@pytest.mark.slow
def test_mixed_run_scores_the_crashing_sample(tmp_path: Path) -> None:
    """The red team's mixed run: one honest sample, one crashing; pass@1 is 0.5, nothing infra."""
    honest = (PROBLEMS / "relu" / "solution_triton.py").read_text()
    replay = tmp_path / "mixed.jsonl"
    rows: list[dict[str, Any]] = [
        {"suite": "kernels-core", "problem_id": "relu", "sample_idx": i, "completion": f"```python\n{code}\n```\n"}
        for i, code in enumerate((honest, STORAGE["rt4_from_file_dev_shm"]))]
    replay.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "run"
    cmd = [sys.executable, "-m", "harness.cli", "run", "--suite", "kernels-core", "--lang", "triton", "--model",
           f"replay:{replay}", "--problems", "relu", "--n-samples", "2", "--workers", "1", "--out", str(out),
           "-S", "validate=off"]  # relu's reference passes in tests/kernels/test_cli.py's reference run
    subprocess.run(cmd, cwd=REPO, check=False, capture_output=True, timeout=900)
    res = json.loads((out / "results.json").read_text())
    suite = res["suites"]["kernels-core"]
    assert res["infra_errors"] == 0 and "infra_error" not in suite["status_counts"], suite["status_counts"]
    assert suite["metrics"]["pass@1"]["mean"] == 0.5, suite["metrics"]["pass@1"]
