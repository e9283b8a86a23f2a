"""Red team s16 (rtk a3): the Triton interpreter runs a launch's programs one after another, so a
kernel whose programs add into one output with ``tl.load`` + ``tl.store`` (no atomic) gave the
right sum on the CPU and passed ``row_sum``; on a GPU its programs run at once and lose updates.
``sandboxed.races`` records which program touches which address in every launch and the judge
fails an answer whose programs race (``data_race``): a store against another program's load or
atomic, two stores of different values, a plain load of what others add atomically, unless an
atomic orders them (a lock, a counter the last program waits on).

Honest forms that stay clean: atomics only, a cas/xchg lock around a read-modify-write (the
layer-norm backward tutorial's partial sums), the last-program reduction, every program writing the
same value (a row's mean), and programs that touch only their own rows."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from harness.families.kernels.evaluate import evaluate_kernel
from harness.families.kernels.problem import load_problem

REPO = Path(__file__).resolve().parents[2]
ROW_SUM = REPO / "benchmarks" / "kernels_core" / "problems" / "row_sum"

RACY = {"racy_rmw", "reads_neighbour_output", "atomic_then_plain_read", "different_values"}
CLEAN = {"atomic_add", "lock_cas_xchg", "same_value_stores", "own_rows", "last_program_reduction"}


@pytest.fixture(scope="module")
def found() -> dict[str, list[str]]:
    proc = subprocess.run([sys.executable, "-m", "tests.security.races.launches"], cwd=REPO, capture_output=True,
                          text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def test_every_launch_was_run(found: dict[str, list[str]]) -> None:
    assert set(found) == RACY | CLEAN


@pytest.mark.parametrize("name", sorted(RACY))
def test_racing_programs_are_found(found: dict[str, list[str]], name: str) -> None:
    assert found[name] and "data_race" in found[name][0], found[name]


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_ordered_or_disjoint_programs_are_not_races(found: dict[str, list[str]], name: str) -> None:
    assert found[name] == []


SPLIT = '''import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def row_sum_split_kernel(x_ptr, y_ptr, N, stride, BLOCK_N: tl.constexpr):
    row = tl.program_id(axis=0)
    chunk = tl.program_id(axis=1)
    cols = chunk * BLOCK_N + tl.arange(0, BLOCK_N)
    part = tl.sum(tl.load(x_ptr + row * stride + cols, mask=cols < N, other=0.0), axis=0)
    {add}


class ModelNew(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        M, N = x.shape
        y = torch.zeros((M,), device=x.device, dtype=x.dtype)
        row_sum_split_kernel[(M, triton.cdiv(N, 128))](x, y, N, x.stride(0), BLOCK_N=128)
        return y
'''


@pytest.mark.slow
@pytest.mark.parametrize(("add", "status"), [
    ("tl.store(y_ptr + row, tl.load(y_ptr + row) + part)", "fail"),  # the red team's answer
    ("tl.atomic_add(y_ptr + row, part)", "pass"),  # the same split, honest
])
def test_row_sum_split_through_the_sandboxed_evaluator(tmp_path: Path, add: str, status: str) -> None:
    from tests.kernels.helpers import shared_runner

    verdict = evaluate_kernel(load_problem(ROW_SUM), SPLIT.format(add=add), "triton", tmp_path, gpu=False,
                              timeout_s=240.0, seeds=1, runner=shared_runner())
    assert verdict["status"] == status, verdict["reason"]
    if status == "fail":
        assert "data_race" in verdict["reason"], verdict["reason"]
