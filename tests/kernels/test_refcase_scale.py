"""CPU scale choice for external (KernelBench-style) references: a scale whose output is far
larger than the input budget is skipped, as one whose inputs are (fidelity check: KernelBench's
small-K matmul has 2 x 131,072 input elements and a 67 M-element output, and its reference ran
past its time limit on a CPU instead of being scaled down)."""
from __future__ import annotations

import pytest

from harness.families.kernels.sandboxed.refcases import ReferenceCaseError, _choose_module, meta_out_numel

OUTER = """
import torch
import torch.nn as nn

N = 4096


class Model(nn.Module):
    def forward(self, a, b):
        return torch.outer(a, b)


def get_inputs():
    return [torch.rand(N), torch.rand(N)]


def get_init_inputs():
    return []
"""


def test_a_scale_with_a_huge_output_is_skipped() -> None:
    module, overrides = _choose_module(OUTER, "ref.py", {"budget": 2**18, "search": [{"N": 256}]})
    # the search's N = 256, or its odd neighbour (odd sizes are tried first, to catch masking bugs)
    assert overrides["N"] in (255, 256) and meta_out_numel(module) == overrides["N"] ** 2


def test_no_scale_with_a_small_enough_output_is_an_error_naming_the_output() -> None:
    with pytest.raises(ReferenceCaseError, match="output elements"):
        _choose_module(OUTER, "ref.py", {"budget": 2**18, "search": []})


def test_a_small_output_runs_as_is() -> None:
    _, overrides = _choose_module(OUTER.replace("N = 4096", "N = 512"), "ref.py", {"budget": 2**18, "search": []})
    assert overrides.get("N", 512) in (511, 512)  # as-is (or its odd neighbour), not scaled down
