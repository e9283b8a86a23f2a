"""Trusted-side comparison, the physical speedup bound and timing statistics."""
from __future__ import annotations

import math

import torch

from harness.families.kernels.compare import compare_outputs, disallowed_ops, modified_inputs
from harness.families.kernels.perf import judge, physical_floor
from harness.families.kernels.problem import eval_formula, load_problem
from harness.families.kernels.sandboxed.timing import summarize
from tests.kernels.helpers import PROBLEMS

TOL = {"float32": (1e-5, 1e-5)}


def test_compare_tolerance_shape_dtype_nan() -> None:
    a = torch.tensor([1.0, 2.0, float("nan"), float("inf")])
    assert compare_outputs([a], [a.clone()], TOL).ok
    assert not compare_outputs([a], [a + 1e-3], TOL).ok
    assert not compare_outputs([a], [a[:3]], TOL).ok
    assert not compare_outputs([a], [a.double()], TOL).ok
    b = a.clone()
    b[2] = 0.0
    assert "NaN" in compare_outputs([a], [b], TOL).reason
    assert not compare_outputs([a, a], [a], TOL).ok
    assert not compare_outputs([a], [3.0], TOL).ok


def test_modified_inputs_bitwise() -> None:
    x = torch.tensor([1.0, float("nan")])
    assert modified_inputs([x], [x.clone()]) == []
    y = x.clone()
    y[0] = -1.0
    assert modified_inputs([x, 3], [y, 3]) == [0]


def test_runtime_op_policy() -> None:
    assert disallowed_ops({"aten::empty": 1, "aten::view": 2, "aten::clone": 1}) == []
    assert disallowed_ops({"aten::empty": 1, "aten::relu": 1, "aten::mm": 1}) == ["aten::mm", "aten::relu"]


def test_tolerance_overrides() -> None:
    p = load_problem(PROBLEMS / "cumsum_row")
    assert p.tolerance("float32") == (1e-3, 1e-4)
    assert p.tolerance("float32", "wide", "small") == (0.1, 1e-4)
    assert p.tolerance("float32", "normal", "large") == (1e-2, 1e-4)
    assert p.tolerance("float16") == (1e-2, 1e-2)


def test_formula() -> None:
    assert eval_formula("2 * M * N * dtype_bytes", {"M": 3, "N": 4, "dtype_bytes": 4}) == 96
    assert eval_formula(7, {}) == 7


def test_physical_bound_rejects_impossible_speed() -> None:
    nbytes = 2 * 8192 * 8192 * 4  # relu on 8192^2 fp32: 512 MiB moved
    floor = physical_floor(8192 * 8192, nbytes, "NVIDIA H200").floor_ms
    assert math.isclose(floor, nbytes / 4.8e12 * 1e3)
    eager = {"median_ms": 0.2}
    ok = judge({"median_ms": floor * 1.1}, eager, None, 8192 * 8192, nbytes, "NVIDIA H200")
    assert ok["status"] == "pass" and ok["speedup"] > 1
    bad = judge({"median_ms": floor * 0.1}, eager, None, 8192 * 8192, nbytes, "NVIDIA H200")
    assert bad["status"] == "rejected" and bad["rule"] == "implausible_speedup"
    # Unknown devices get the most generous peaks (never a false rejection).
    assert physical_floor(1e9, 1e9, "Mystery GPU").floor_ms <= physical_floor(1e9, 1e9, "NVIDIA H200").floor_ms


def test_summarize() -> None:
    s = summarize([1.0, 2.0, 3.0, 4.0, 100.0])
    assert s["median_ms"] == 3.0 and s["n"] == 5 and s["min_ms"] == 1.0
    assert s["iqr_ms"] == 2.0
    assert summarize([])["n"] == 0
