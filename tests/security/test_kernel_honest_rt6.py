"""Honest-answer round 6 (#14, "no false rejections"), kernels static checks: F22 and F23.

F22: ``lowest = torch.finfo(x.dtype).min`` was rejected (``forbidden_attribute: .min used as a
value``), F23: ``x.device.type`` (``.type``). The bound-method rule matched the attribute name
(``Tensor.min``, ``Tensor.type``) without looking at the receiver. The attributes of a certain
``torch.finfo``/``iinfo`` object or ``torch.device`` are now plain values
(:mod:`harness.families.kernels.static.metaattrs`); on anything that may be a tensor the rule is
unchanged. The honest answers run end to end and pass; the attacks that try to ride the allowance
are rejected, statically and end to end.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness.families.kernels.evaluate import evaluate_kernel
from harness.families.kernels.static.check import analyze
from tests.kernels.helpers import PROBLEMS, shared_runner

#: F22 (row_max) with its neighbours: iinfo(...).max, a module-level finfo, a local finfo's .eps
ROW_MAX = '''import torch
import torch.nn as nn
import triton
import triton.language as tl

F32 = torch.finfo(torch.float32)


@triton.jit
def row_max_kernel(x_ptr, y_ptr, n_cols, stride, lowest, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    acc = tl.full((BLOCK,), lowest, tl.float32)
    for c in range(0, n_cols, BLOCK):
        cols = c + tl.arange(0, BLOCK)
        v = tl.load(x_ptr + row * stride + cols, mask=cols < n_cols, other=lowest)
        acc = tl.maximum(acc, v)
    tl.store(y_ptr + row, tl.max(acc, axis=0))


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        M, N = x.shape
        y = torch.empty((M,), dtype=x.dtype, device=x.device)
        limit = min(torch.iinfo(torch.int32).max, 4096)
        block = 16
        while block < N and block < limit:
            block *= 2
        info = torch.finfo(x.dtype)
        assert info.eps > 0 and F32.tiny > 0
        lowest = torch.finfo(x.dtype).min
        row_max_kernel[(M,)](x, y, N, x.stride(0), lowest, BLOCK=block)
        return y
'''

#: F23 (cumsum_row) with its neighbours: x.device.index, x.dtype.itemsize, a device held in a local
CUMSUM = '''import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def cumsum_kernel(x_ptr, y_ptr, N, stride, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    carry = tl.zeros((), tl.float32)
    for c in range(0, N, BLOCK):
        cols = c + tl.arange(0, BLOCK)
        m = cols < N
        v = tl.load(x_ptr + row * stride + cols, mask=m, other=0.0)
        tl.store(y_ptr + row * stride + cols, tl.cumsum(v, axis=0) + carry, mask=m)
        carry += tl.sum(v, axis=0)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        y = torch.empty_like(x)
        M, N = x.shape
        dev_kind = x.device.type
        dev = x.device
        ordinal = x.device.index
        if dev.type == "cuda" and ordinal is not None:
            block = 1024 if x.dtype.itemsize <= 4 else 512
        else:
            block = 256
        cumsum_kernel[(M,)](x, y, N, x.stride(0), BLOCK=block if dev_kind else 256)
        return y
'''

#: attacks on the allowance: each reaches a tensor's bound method (or a tensor result) through a
#: name the allowance knows; (replaced lines of ROW_MAX's forward, replacement, the violation expected)
_LOWEST = "        lowest = torch.finfo(x.dtype).min\n"
_LAUNCH = "        row_max_kernel[(M,)](x, y, N, x.stride(0), lowest, BLOCK=block)\n        return y\n"
_RET = "        return y\n"
ATTACKS: dict[str, tuple[str, str, str]] = {
    "tensor_min_as_value": (_RET, "        m = x.max\n        return m(dim=1).values\n", ".max used as a value"),
    "local_named_like_finfo": (_LOWEST, "        info = x\n        lowest = -1e30\n"
                               "        if N > 0:\n            return info.max(dim=1).values\n", "tensor method .max()"),
    "finfo_local_rebound_to_tensor": (_LOWEST, "        info = torch.finfo(x.dtype)\n        info = x\n"
                                      "        m = info.max\n        lowest = -1e30\n", ".max used as a value"),
    "finfo_or_tensor_by_branch": (_LOWEST, "        if N > 0:\n            info = x\n        else:\n"
                                  "            info = torch.finfo(x.dtype)\n        m = info.max\n"
                                  "        lowest = -1e30\n", ".max used as a value"),
    "ifexp_receiver": (_LOWEST, "        m = (x if N > 0 else torch.finfo(x.dtype)).max\n        lowest = -1e30\n", ".max used as a value"),
    "walrus_rebinding": (_LOWEST, "        info = torch.finfo(x.dtype)\n        (info := x)\n"
                         "        m = info.max\n        lowest = -1e30\n", ".max used as a value"),
    "loop_over_finfo_and_tensor": (_LOWEST, "        for info in (torch.finfo(x.dtype), x):\n"
                                   "            m = info.max\n        lowest = -1e30\n", ".max used as a value"),
    "alias_of_a_tensor": (_LOWEST, "        info = x\n        other = info\n        m = other.max\n"
                          "        lowest = -1e30\n", ".max used as a value"),
    "tensor_type_call": (_LOWEST, "        x = x.type(torch.float64)\n        lowest = -1e30\n", "tensor method .type()"),
    "tensor_type_as_value": (_LOWEST, "        t = x.type\n        lowest = -1e30\n", ".type used as a value"),
    "self_device_is_a_tensor": (_LOWEST, "        self.device = x\n        t = self.device.type\n"
                                "        lowest = -1e30\n", ".type used as a value"),
    "finfo_of_a_tensor": (_LOWEST, "        lowest = torch.finfo(x).min\n", "torch.finfo() on a tensor"),
    "module_finfo_rebound": ("F32 = torch.finfo(torch.float32)\n", "F32 = torch.finfo(torch.float32)\n"
                             "F32 = torch.ones(3)\n", ".tiny"),
    "unlisted_finfo_attribute": (_LOWEST, "        m = torch.finfo(x.dtype).sum\n        lowest = -1e30\n", ".sum used as a value"),
}


def _attack(name: str) -> str:
    old, new, _ = ATTACKS[name]
    assert ROW_MAX.count(old) == 1, name
    return ROW_MAX.replace(old, new)


def _rules(code: str) -> list[tuple[str, str]]:
    violations, _, _ = analyze(code, "triton")
    return [(v.rule, v.detail) for v in violations]


def _evaluate(tmp_path: Path, problem: str, code: str) -> dict[str, Any]:
    runner = shared_runner()  # one sandbox and fork servers per test process
    return evaluate_kernel(PROBLEMS / problem, code, "triton", tmp_path / "w", gpu=False, timeout_s=300.0,
                           seeds=1, runner=runner, ref_cache=tmp_path / "refs")


@pytest.mark.parametrize("code", [ROW_MAX, CUMSUM], ids=["row_max_F22", "cumsum_row_F23"])
def test_honest_answers_pass_the_static_rules(code: str) -> None:
    assert _rules(code) == []


@pytest.mark.parametrize("expr", [
    "torch.finfo(x.dtype).min", "torch.finfo(torch.float16).max", "torch.iinfo(torch.int32).max",
    "torch.iinfo(torch.int8).min + torch.iinfo(torch.int8).bits", "x.dtype.itemsize", "float(x.device.index or 0)",
    "torch.finfo(x.dtype).smallest_normal", "torch.finfo(x.dtype).resolution", "len(torch.finfo(x.dtype).dtype)",
    "len(torch.device('cpu').type)", "len(x.device.type)",
])
def test_metadata_attribute_is_a_size(expr: str) -> None:
    """Each is a number or a string: it may take part in size arithmetic (comparisons included)."""
    code = ROW_MAX.replace(_LOWEST, f"        lowest = -1e30 if {expr} >= 0 else -1e30\n")
    assert _rules(code) == []


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attack_riding_the_allowance_is_rejected(name: str) -> None:
    rules = _rules(_attack(name))
    rule = "torch_compute" if ATTACKS[name][2].startswith(("tensor method", "torch.finfo")) else "forbidden_attribute"
    assert any(r == rule and d.startswith(ATTACKS[name][2]) for r, d in rules), rules


def test_a_device_attribute_of_the_answers_own_disables_the_device_chain() -> None:
    """``register_buffer("device", t)`` / ``self.device = t`` make ``<x>.device`` possibly a tensor."""
    for init in ("        self.register_buffer('device', torch.zeros(3))\n", "        self.device = torch.zeros(3)\n"):
        code = CUMSUM.replace("        super().__init__()\n", "        super().__init__()\n" + init)
        assert ("forbidden_attribute", ".type used as a value (a bound method of a tensor or module, which code "
                "elsewhere could call)") in _rules(code)


@pytest.mark.slow
@pytest.mark.parametrize(("problem", "code"), [("row_max", ROW_MAX), ("cumsum_row", CUMSUM)],
                         ids=["row_max_F22", "cumsum_row_F23"])
def test_honest_answer_passes_end_to_end(tmp_path: Path, problem: str, code: str) -> None:
    r = _evaluate(tmp_path, problem, code)
    assert r["status"] == "pass", (r["status"], r["reason"])


@pytest.mark.slow
@pytest.mark.parametrize("name", ["tensor_min_as_value", "local_named_like_finfo", "ifexp_receiver",
                                  "tensor_type_call", "self_device_is_a_tensor"])
def test_attack_is_rejected_end_to_end(tmp_path: Path, name: str) -> None:
    r = _evaluate(tmp_path, "row_max", _attack(name))
    assert r["status"] == "rejected", (r["status"], r["reason"])


_WRITE_CANDIDATE = '''
import sys
from pathlib import Path
from types import SimpleNamespace
from harness.families.kernels.evaluate import _candidate_folder
out = Path(sys.argv[1])
(out / "refs").mkdir()
(out / "refs" / "init.pt").write_bytes(b"")
refs = SimpleNamespace(folder=out / "refs", init="init.pt")
_candidate_folder(out / "cand", CODE, refs, SimpleNamespace(kind="module"), {}, [])
'''


def test_candidate_file_is_written_as_utf8_under_an_ascii_locale(tmp_path: Path) -> None:
    """The worker decodes candidate.py strictly as UTF-8: the harness writes it so whatever its locale."""
    import os
    import subprocess
    import sys

    code = "# Größe ✓ — λ\nVALUE = 'é'\n"
    env = {**os.environ, "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": "utf-8"}
    script = f"CODE = {ascii(code)}\n{_WRITE_CANDIDATE}"  # the source itself is ASCII
    r = subprocess.run([sys.executable, "-c", script, str(tmp_path)], env=env,
                       cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-800:]
    assert (tmp_path / "cand" / "candidate.py").read_bytes() == code.encode("utf-8")
