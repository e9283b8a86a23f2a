"""kernels-core end to end through the real CLI and the default (bubblewrap) sandbox.

Each run happens once per session (module-scoped fixtures); the tests read its folder.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.families.kernels.compile_cuda import nvcc_path
from tests.helpers import hweval, hweval_in_process
from tests.kernels.helpers import LIGHT_CUDA_RELU, PROBLEM_IDS, bwrap_usable, executions, write_replay

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not bwrap_usable(), reason="bubblewrap not installed")]

#: the mutant check on a sample of problems, one of each category (elementwise, reduction, norm,
#: matmul, scan, conv), one mutant each: the mutants are deterministic, and every problem's mutants
#: are checked to be valid and statically clean in test_mutants.py (make demo runs three per
#: problem on every problem); each evaluation starts two torch processes, so six, not all 22
MUTANT_PROBLEMS = ["gelu_tanh", "softmax_row", "layer_norm", "matmul", "cumsum_row", "conv1d"]
CUDA_PROBLEMS = ["relu"]


def _suite(run_dir: Path) -> dict:
    return json.loads((run_dir / "results.json").read_text())["suites"]["kernels-core"]


@pytest.fixture(scope="module")
def reference_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path, str]:
    out = tmp_path_factory.mktemp("kc") / "reference"
    # validate=off: this run *is* every golden checked against its reference
    proc = hweval("run", "--suite", "kernels-core", "--lang", "triton", "--model", "reference", "--out", str(out),
                  "-S", "validate=off", "--workers", "2")
    return proc.returncode, out, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def mutant_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path, str]:
    out = tmp_path_factory.mktemp("kc") / "mutant"
    proc = hweval("run", "--suite", "kernels-core", "--lang", "triton", "--model", "mutant", "--n-samples", "1",
                  "--problems", ",".join(MUTANT_PROBLEMS), "--out", str(out), "-S", "validate=off", "--workers", "2")
    return proc.returncode, out, proc.stdout + proc.stderr


def test_reference_passes_every_problem(reference_run: tuple[int, Path, str]) -> None:
    code, out, log = reference_run
    assert code == 0, log
    suite = _suite(out)
    assert suite["n_problems"] == len(PROBLEM_IDS) >= 20
    failed = {pid: (r["status"], r["reason"][:300]) for (pid, _), r in executions(out).items() if r["status"] != "pass"}
    assert not failed, failed
    assert suite["metrics"]["pass@1"]["mean"] == 1.0
    assert suite["metrics"]["compile_rate"]["mean"] == 1.0
    assert suite["family"] == "kernel"


def test_reference_records_every_stage(reference_run: tuple[int, Path, str]) -> None:
    _, out, _ = reference_run
    for (pid, _), rec in executions(out).items():
        stages = rec["stages"]
        assert stages["static"]["status"] == "pass", pid
        assert stages["compile"]["status"] == "pass" and stages["compile"]["data"]["kernels_compiled"], pid
        cases = stages["correctness"]["data"]["cases"]
        assert cases and all(c["ok"] and c["launches"] >= 1 for c in cases), pid
        assert stages["perf"]["status"] == "not_run", pid  # no GPU here


def test_one_golden_record_in_full(reference_run: tuple[int, Path, str]) -> None:
    """softmax_row's record to the letter: the one kernel it launches is compiled for the GPU
    target, 2 input seeds (the default) x 4 distributions = 8 cases, one launch each."""
    _, out, _ = reference_run
    rec = executions(out)[("softmax_row", 0)]
    assert rec["status"] == "pass", rec["reason"]
    st = rec["stages"]
    assert st["static"]["status"] == "pass"
    assert st["compile"]["status"] == "pass" and st["compile"]["data"]["kernels_compiled"] == ["softmax_kernel"]
    correctness = st["correctness"]
    assert correctness["status"] == "pass" and correctness["data"]["n_cases"] == 8
    assert [c["launches"] for c in correctness["data"]["cases"]] == [1] * 8
    assert st["perf"]["status"] == "not_run"


def test_mutants_mostly_fail(mutant_run: tuple[int, Path, str]) -> None:
    code, out, log = mutant_run
    assert code == 0, log
    suite = _suite(out)
    recs = executions(out)
    assert {pid for pid, _ in recs} == set(MUTANT_PROBLEMS) and len(recs) == len(MUTANT_PROBLEMS)
    statuses = [r["status"] for r in recs.values()]
    # a mutant is a wrong answer: never rejected (no cheating), never an infrastructure error
    assert set(statuses) <= {"pass", "fail", "runtime_error", "syntax_error", "timeout"}, suite["status_counts"]
    assert statuses.count("pass") <= 0.25 * len(statuses), suite["status_counts"]
    assert suite["metrics"]["pass@1"]["mean"] <= 0.25


@pytest.mark.skipif(nvcc_path() is None, reason="nvcc not installed")
def test_cuda_answer_compiles_and_correctness_is_not_run(tmp_path: Path) -> None:
    """Without a GPU: nvcc (and g++ for the binding) compile a CUDA answer in the sandbox; correctness
    is not_run, so the sample is an infrastructure outcome (exit 1), never a pass. The answer is a
    light one (no torch headers, seconds to build): every golden compiles in test_cuda.py (one
    batched nvcc run)."""
    out = tmp_path / "cuda"
    replay = write_replay(tmp_path / "cuda.jsonl", "kernels-core", {"relu": LIGHT_CUDA_RELU})
    proc = hweval("run", "--suite", "kernels-core", "--lang", "cuda", "--model", f"replay:{replay}", "--problems",
                  ",".join(CUDA_PROBLEMS), "--out", str(out), "-S", "validate=off", "-S", "device=cpu",
                  "--workers", "2")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    recs = executions(out)
    assert {pid for pid, _ in recs} == set(CUDA_PROBLEMS)
    for (pid, _), rec in recs.items():
        assert rec["status"] == "infra_error" and "not_run" in rec["reason"], (pid, rec["reason"])
        assert rec["stages"]["compile"]["status"] == "pass", (pid, rec["stages"]["compile"])
        assert rec["stages"]["compile"]["data"]["builds"][0]["ok"] is True
        assert rec["stages"]["correctness"]["status"] == "not_run"
    assert json.loads((out / "results.json").read_text())["infra_errors"] == len(CUDA_PROBLEMS)


def test_unknown_lang_is_a_usage_error(tmp_path: Path) -> None:
    proc = hweval_in_process("run", "--suite", "kernels-core", "--lang", "verilog", "--model", "reference", "--limit", "1",
                  "--out", str(tmp_path / "x"))
    assert proc.returncode == 2 and "--lang" in proc.stderr + proc.stdout
