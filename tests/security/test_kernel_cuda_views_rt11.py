"""honest11b F8c: the C++ tensor view methods the Python allowlist has (``view_as``, ``reshape_as``,
``expand_as``, ``chunk``, ``split``, ``unbind``) are host code an honest load_inline answer writes
(``return out.view_as(a);``); compute in host code is still rejected, including arithmetic through
C++ operators on tensors (``return ac + bc;`` after a launch passed every static rule before round 11)."""
from __future__ import annotations

import pytest

from harness.families.kernels.static.check import check_static

_MODULE = '''import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

cuda_source = r"""
#include <torch/extension.h>
#include <vector>

__global__ void add_k(const float* a, const float* b, float* o, long long n) {{
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) o[i] = a[i] + b[i];
}}
torch::Tensor fwd(torch::Tensor a, torch::Tensor b) {{
    auto ac = a.contiguous();
    auto bc = b.contiguous();
    auto out = torch::empty_like(ac);
    long long n = ac.numel();
    add_k<<<(unsigned)((n + 255) / 256), 256>>>(ac.data_ptr<float>(), bc.data_ptr<float>(), out.data_ptr<float>(), n);
    {tail}
}}
"""

cpp_source = "torch::Tensor fwd(torch::Tensor a, torch::Tensor b);"
ext = load_inline(name="add_views_rt11", cpp_sources=cpp_source, cuda_sources=cuda_source, functions=["fwd"],
                  verbose=False)


class ModelNew(nn.Module):
    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return ext.fwd(a, b)
'''

HONEST = {
    "view_as": "return out.view_as(a);",
    "reshape_as": "return out.reshape_as(a);",
    "expand_as": "return out.expand_as(a);",
    "chunk": "auto parts = out.chunk(1, 0);\n    return out;",
    "split": "auto parts = out.split(1, 0);\n    return out;",
    "unbind": "auto rows = out.unbind(0);\n    return out;",
}


@pytest.mark.parametrize("name", sorted(HONEST))
def test_view_methods_in_host_code_are_accepted(name: str) -> None:
    assert check_static(_MODULE.format(tail=HONEST[name]), "cuda") == []


@pytest.mark.parametrize("tail", ["return out.add(a);", "return (ac + bc).view_as(a);", "return out.view_as(a).sum(0);",
                                  "return ac + bc;", "out *= 2;\n    return out;", "return 2 * ac;", "return -out;",
                                  "out += ac;\n    return out;", "return ac * bc;", "return a - b;"])
def test_host_compute_next_to_a_view_is_still_rejected(tail: str) -> None:
    assert {v.rule for v in check_static(_MODULE.format(tail=tail), "cuda")} & {"cuda_torch_compute"}
