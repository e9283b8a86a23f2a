"""Red team s16 rth2: GCC (and nvcc) end a line at a lone carriage return; the checks' line rules
ended lines at LF only. In an HLS fix, ``typedef int t;\\r#line 1 "ap_int.h"`` was compiled as a
``#line`` directive the scan never saw, and every line after it counted as header code, so an
attribute, a section and ``__builtin_frame_address`` passed (hls-bugs popcount/OOB_1, ``pass``); a
reserved ``#define`` and an early ``#define`` that reaches a header passed the same way. The same
form hid code in a CUDA source from the kernels' C++ checks (``// note\\rint leak;``).

Now an HLS answer and a CUDA extension's sources are read and compiled with every CR LF and lone
CR made LF."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.families.hls.answer import parse_answer
from harness.families.kernels.static.check import check_static
from harness.families.kernels.static.cuda import InlineExtension
from tests.helpers import hweval

FIXTURES = Path(__file__).resolve().parent / "fixtures_rt16"


def test_an_hls_fix_is_read_with_lf_line_ends() -> None:
    ans = parse_answer('{"buggy": true, "line": 3, "type": "OOB"}\n```cpp\n#include "kernel.h"\r\n'
                       'typedef int t;\r#line 1 "ap_int.h"\rint f() { return 1; }\n```\n')
    assert ans is not None and ans.fix is not None and "\r" not in ans.fix
    assert '\n#line 1 "ap_int.h"\n' in ans.fix


def test_a_cuda_extension_is_read_with_lf_line_ends() -> None:
    ext = InlineExtension(line=1, cuda_sources=["int a; // note\rint leak = 1;\r\n"], cpp_sources=["x;\r#define Y 1"])
    assert ext.cuda_sources == ["int a; // note\nint leak = 1;\n"] and ext.cpp_sources == ["x;\n#define Y 1"]


CUDA = '''import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

cuda_src = """
#include <torch/extension.h>
__global__ void relu_k(const float* x, float* y, long n) {
    long i = blockIdx.x * (long)blockDim.x + threadIdx.x;
    if (i < n) y[i] = x[i] > 0.f ? x[i] : 0.f;
}
torch::Tensor relu(torch::Tensor x) {
    auto y = torch::empty_like(x);
    long n = x.numel();
    relu_k<<<(n + 255) / 256, 256>>>(x.data_ptr<float>(), y.data_ptr<float>(), n);
    // launch done{hidden}
    return y;
}
"""
cpp_src = "torch::Tensor relu(torch::Tensor x);"
ext = load_inline(name="relu_ext", cpp_sources=cpp_src, cuda_sources=cuda_src, functions=["relu"])


class ModelNew(nn.Module):
    def forward(self, x):
        return ext.relu(x)
'''


@pytest.mark.parametrize(("hidden", "clean"), [
    ("", True),
    ("\\r    y = torch::relu(x);", False),  # torch compute after a lone CR inside a // comment
])
def test_code_after_a_lone_cr_in_a_cuda_comment_is_checked(hidden: str, clean: bool) -> None:
    rules = {v.rule for v in check_static(CUDA.replace("{hidden}", hidden), "cuda")}
    assert (rules == set()) is clean, rules


@pytest.mark.slow
def test_the_red_teams_hls_answers_are_rejected(tmp_path: Path) -> None:
    replay = FIXTURES / "hls_lone_cr.jsonl"
    rows = [json.loads(line) for line in replay.read_text().splitlines()]
    assert all("\r" in r["completion"] for r in rows)
    out = tmp_path / "run"
    hweval("run", "--suite", "hls-bugs", "--problems", "popcount/OOB_1", "--model", f"replay:{replay}", "--n-samples",
           str(len(rows)), "--workers", "1", "--out", str(out), check=True)
    got = [json.loads(line) for line in (out / "executions.jsonl").read_text().splitlines()]
    assert [r["status"] for r in got] == ["rejected"] * len(rows), [r.get("reason") for r in got]
