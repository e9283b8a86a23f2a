"""Units of the kernel integrity layers: guard bands, derived distributions, odd sizes, fresh seeds,
the checker's frames (the end-to-end runs are in tests/security/test_kernel_attacks_e2e.py)."""
from __future__ import annotations

import os

import pytest
import torch

from harness.families.kernels.cases import RUN_SEED, case_plan
from harness.families.kernels.problem import external_problem, load_problem
from harness.families.kernels.sandboxed import pipe
from harness.families.kernels.sandboxed.dists import LARGE_SCALE, atol_scale, derive
from harness.families.kernels.sandboxed.guards import GuardSet, guard_allocations, guard_inputs
from harness.families.kernels.sandboxed.hooks import LaunchCounter
from harness.families.kernels.sandboxed.scaling import odd_sizes
from tests.kernels.helpers import PROBLEMS


def test_guarded_inputs_keep_values_and_catch_writes_past_the_end() -> None:
    x = torch.randn(5, 7)
    guards = GuardSet()
    (g,) = guard_inputs([x], guards)
    assert torch.equal(g, x) and g.is_contiguous() and g.untyped_storage().nbytes() > x.numel() * 4
    assert guards.broken() == []
    flat = guards.items[0].buffer
    flat[guards.items[0].band + x.numel()] = 0.0  # one element past the input
    assert guards.broken() == ["input 0"]


def test_reads_past_a_guarded_input_see_nan() -> None:
    guards = GuardSet()
    (g,) = guard_inputs([torch.ones(10)], guards)
    past = torch.as_strided(g, (11,), (1,))
    assert torch.isnan(past[10])


def test_allocations_in_forward_are_guarded_unless_inside_a_launch() -> None:
    guards, counter = GuardSet(), LaunchCounter()
    src = torch.zeros(3, 4)
    with guard_allocations(guards, counter):
        y = torch.empty_like(src)
        z = torch.zeros(6)
        with counter.launch("k", counted=False):
            torch.empty(2)
    assert len(guards.items) == 2 and z.sum() == 0 and y.shape == (3, 4)
    guards.items[1].buffer[guards.items[1].band - 1] = 1.0  # one element before the output
    assert guards.broken() == ["allocation 1 (zeros)"]


def test_integer_and_empty_inputs() -> None:
    guards = GuardSet()
    idx, empty = guard_inputs([torch.arange(4), torch.empty(0)], guards)
    assert torch.equal(idx, torch.arange(4)) and empty.numel() == 0 and len(guards.items) == 1
    assert guards.broken() == []


def test_derived_distributions_flip_signs_and_scale_floats_only() -> None:
    x, labels = torch.rand(1000), torch.randint(0, 5, (10,))
    signed, kept = derive([x, labels], "signed", seed=3)
    assert torch.equal(signed.abs(), x) and (signed < 0).any() and torch.equal(kept, labels)
    large, _ = derive([x, labels], "large", seed=3)
    assert torch.allclose(large, signed * LARGE_SCALE)
    assert derive([x], "default", seed=3)[0] is x
    assert not torch.equal(derive([x], "signed", seed=4)[0], signed)
    assert atol_scale("large", [torch.tensor([1.0, -300.0, float("inf")])]) == 300.0
    assert atol_scale("signed", [torch.tensor([300.0])]) == 1.0


def test_external_module_problems_get_derived_dists() -> None:
    assert external_problem("p", "x = 1\n").dists == ["default", "signed", "large"]
    assert external_problem("f", "x = 1\n", kind="function", entry="f").dists == ["default"]


def test_odd_sizes() -> None:
    assert odd_sizes({"batch": 16, "dim": 4096, "k": 3, "shape": (64, 7)}, {}) == \
        {"batch": 15, "dim": 4095, "shape": (63, 7)}
    assert odd_sizes({"dim": 4096}, {"dim": 512}) == {"dim": 511}
    assert odd_sizes({"dim": 15}, {}) is None


def test_seeds_are_fresh_per_base_and_ids_name_only_the_index() -> None:
    prob = load_problem(PROBLEMS / "relu")
    a, b = case_plan(prob, gpu=False, seeds=2, seed_base=1), case_plan(prob, gpu=False, seeds=2, seed_base=2)
    assert [c["id"] for c in a] == [c["id"] for c in b] and a[0]["id"].endswith("/seed0")
    assert {c["seed"] for c in a}.isdisjoint({c["seed"] for c in b}) and len({c["seed"] for c in a}) == len(a)
    assert case_plan(prob, gpu=False, seeds=1)[0]["seed"] == RUN_SEED


def test_pipe_frames_round_trip_and_reject_garbage() -> None:
    r, w = os.pipe()
    pipe.send(w, {"case": {"id": "a"}}, b"\x00" * 3000)
    header, blob = pipe.recv(r)
    assert header == {"case": {"id": "a"}} and blob == b"\x00" * 3000
    os.write(w, b"\x00\x00\x00\x02[]" + b"\x00" * 8)
    with pytest.raises(pipe.PipeClosed):
        pipe.recv(r)
    os.close(w)
    with pytest.raises(pipe.PipeClosed):
        pipe.recv(r)
    os.close(r)
