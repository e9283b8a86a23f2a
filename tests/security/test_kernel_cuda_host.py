"""Red team 4, item 8: CUDA host code copying device memory to the host through the torch C++ API.

The red team's "ReLU" did ``x.to(torch::kCPU)``, a C++ loop over the host copy, ``h.to(x.device())``
and an empty kernel as the launch; ``.to`` was an allowed method and ``kCPU`` matched the
``k[A-Z]\\w*`` constants. Rule ``cuda_host_copy`` now holds at the root: the C++ never names the
CPU device (any spelling, a numeric ``DeviceType``, a ``"cpu"`` literal, also one the preprocessor
builds), never calls ``.cpu()`` or makes pinned memory or ATen's unpacked allocations, gives a
device only as ``kCUDA``/``<tensor>.device()``, and calls ``.to(...)`` with a dtype only. At run time
the op recorder counts every device -> host copy (inside extension calls too) and the judge
rejects it as ``cuda_host_copy``.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from harness.families.kernels.compile_cuda import nvcc_path
from harness.families.kernels.judge import _rejection
from harness.families.kernels.sandboxed.hooks import LaunchCounter, make_op_recorder
from harness.families.kernels.static.check import analyze
from harness.families.kernels.static.cuda import InlineExtension

TEMPLATE = '''import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

cuda_source = r"""
__global__ void touch_kernel(float* __restrict__ y, long long n) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = y[i] > 0.0f ? y[i] : 0.0f;
}
PRE
torch::Tensor relu_forward(torch::Tensor x) {
    auto xc = x.contiguous();
    long long n = xc.numel();
    BODY
    touch_kernel<<<(unsigned)((n + 255) / 256), 256>>>(y.data_ptr<float>(), n);
    return y;
}
"""

relu_ext = load_inline(name="kc_relu_host", cpp_sources="torch::Tensor relu_forward(torch::Tensor x);",
                       cuda_sources=cuda_source, functions=["relu_forward"], verbose=False)


class ModelNew(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return relu_ext.relu_forward(x)
'''
HOST_LOOP = "float* p = h.data_ptr<float>(); for (long long i = 0; i < n; i++) p[i] = p[i] > 0.0f ? p[i] : 0.0f;"


def cuda(body: str, pre: str = "") -> str:
    return TEMPLATE.replace("BODY", body).replace("PRE", pre)


ATTACKS = {
    "rt4_to_kcpu": f"auto h = xc.to(torch::kCPU); {HOST_LOOP} auto y = h.to(xc.device());",
    "cpu_method": f"auto h = xc.cpu(); {HOST_LOOP} auto y = h.cuda();",
    "to_at_kcpu": f"auto h = xc.to(at::kCPU); {HOST_LOOP} auto y = h.cuda();",
    "device_object": f"auto d = torch::Device(torch::kCPU); auto h = xc.to(d); {HOST_LOOP} auto y = h.cuda();",
    "options_device_type": f"auto h = xc.to(xc.options().device(c10::DeviceType::CPU)); {HOST_LOOP} auto y = h.cuda();",
    "numeric_device_type": f"auto h = xc.to(torch::Device(static_cast<c10::DeviceType>(0))); {HOST_LOOP} "
                           "auto y = h.cuda();",
    "split_string_literal": f'auto h = xc.to(std::string("c" "pu")); {HOST_LOOP} auto y = h.cuda();',
    "preprocessor_string": (f"auto h = xc.to(std::string(STR(CAT(c, pu)))); {HOST_LOOP} auto y = h.cuda();",
                            "#define CAT(a, b) a##b\n#define STR2(x) #x\n#define STR(x) STR2(x)"),
    "runtime_string_to_tensor": "std::string s(\"c\"); s += \"pu\"; auto h = torch::empty_like(xc, s); "
                                "auto y = xc.to(h);",
    "pinned_options": "auto h = torch::empty({n}, xc.options().pinned_memory(true)); auto y = torch::empty_like(xc);",
    "unpacked_pinned_empty": "auto h = at::empty({n}, at::kFloat, c10::nullopt, c10::nullopt, true, c10::nullopt); "
                             "auto y = torch::empty_like(xc);",
    "copy_into_host": "auto h = torch::empty({n}); h.copy_(xc); auto y = torch::empty_like(xc);",
    # red team 6 S9 variants: literals the old string regex misread
    "raw_string_literal": f'auto h = xc.to(std::string(R"d(cpu)d")); {HOST_LOOP} auto y = h.cuda();',
    "escaped_literal": f'auto h = xc.to(std::string("\\x63\\160u")); {HOST_LOOP} auto y = h.cuda();',
    "prefixed_adjacent_literals": f'auto h = xc.to(std::string(u8"c" "p" R"(u)")); {HOST_LOOP} auto y = h.cuda();',
}

HONEST = {
    "dtype_constant": "auto y = torch::empty_like(xc).to(torch::kFloat32);",
    "dtype_of_tensor": "auto y = torch::empty_like(xc).to(xc.scalar_type());",
    "cuda_options": 'TORCH_CHECK(xc.is_cuda(), "x must be a CUDA tensor"); '
                    "auto y = torch::empty({n}, xc.options().device(torch::kCUDA).dtype(torch::kFloat32));",
    "device_of_input": "auto y = torch::empty({n}, torch::TensorOptions().device(xc.device()).dtype(at::kFloat));",
    "dtype_with_flags": "auto y = torch::empty_like(xc).to(at::ScalarType::Float, /*non_blocking=*/false, false);",
}


def _rules(code: str) -> dict[str, str]:
    return {v.rule: v.detail for v in analyze(code, "cuda")[0]}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_host_copies_through_the_torch_api_are_rejected(name: str) -> None:
    spec = ATTACKS[name]
    body, pre = spec if isinstance(spec, tuple) else (spec, "")
    rules = _rules(cuda(body, pre))
    assert "cuda_host_copy" in rules or "cuda_torch_compute" in rules, (name, rules)
    if name != "copy_into_host":  # .copy_ is compute (not an allowed method) besides a host copy
        assert "cuda_host_copy" in rules, (name, rules)


@pytest.mark.parametrize("name", sorted(HONEST))
def test_honest_host_code_of_the_same_shape_is_accepted(name: str) -> None:
    assert _rules(cuda(HONEST[name])) == {}, name


def test_op_recorder_counts_copies_to_the_host() -> None:
    """No GPU here: a ``meta`` tensor stands in for device memory (the copy is recorded before the
    op runs, and a meta tensor cannot be copied out, so the op then raises)."""
    import torch

    rec = make_op_recorder(LaunchCounter())
    with rec:
        torch.empty(4).to(torch.float64)  # host to host: not a host copy
        torch.empty(4, device="meta").to(torch.float16)  # stays on the device
        for leak in (lambda: torch.empty(4, device="meta").to("cpu"),
                     lambda: torch.empty(4).copy_(torch.empty(4, device="meta"))):
            with pytest.raises(NotImplementedError):
                leak()
    assert dict(rec.host_copies) == {"aten::_to_copy": 1, "aten::copy_": 1}


def test_a_recorded_host_copy_is_rejected() -> None:
    rep = {"launches": 1, "ops": {"aten::_to_copy": 2}, "host_copies": {"aten::_to_copy": 1}}
    assert (_rejection(rep, "c0") or "").startswith("cuda_host_copy")
    assert _rejection({**rep, "host_copies": {}}, "c0") is None


def cuda_forms() -> list[tuple[str, InlineExtension]]:
    """Each honest form as its own answer's extension, for the session's joint nvcc build
    (tests/kernels/cuda_union.py)."""
    return [(name, analyze(cuda(body), "cuda")[2][0]) for name, body in sorted(HONEST.items())]


@pytest.mark.slow
@pytest.mark.skipif(nvcc_path() is None, reason="nvcc not installed")
def test_accepted_forms_compile_with_nvcc(tmp_path: Path) -> None:
    """The forms the rule accepts are real torch C++: each honest form's answer through nvcc and
    g++ as an evaluation compiles it (implicit torch headers, the pybind binding), in its own
    namespace of the session's one joint build."""
    from tests.kernels.cuda_union import group_build

    assert all(_rules(cuda(body)) == {} for body in HONEST.values())
    build = group_build("host", tmp_path)
    assert build.ok is True, build.log[-3000:]
