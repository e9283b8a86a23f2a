"""Honest-answer tester round 10b F1: a device pointer offset by a named integer was rejected.

``float* yr = y.data_ptr<float>() + r * cols;``, ``xp += chunk;`` and a launcher given
``x.data_ptr<float>() + half`` were "not device memory" (``cuda_host_copy``): while finding the
device-bound names, every bound name (integers too) was taken for a possible pointer, so the offset
counted as a second pointer. Now an integer bound from sizes and indices is not one; an offset
computed from a host pointer (``off = h - d``) still is.
"""
from __future__ import annotations

import pytest

from harness.families.kernels.static.devptr import device_pointer_problems

KERNEL = "__global__ void k(const float* x, float* y, long long n) { }\n"
HONEST = {
    "row_pointer": """torch::Tensor f(torch::Tensor x, torch::Tensor y) {
    long long rows = x.size(0), cols = x.size(1);
    for (long long r = 0; r < rows; ++r) {
        const float* xr = x.data_ptr<float>() + r * cols;
        float* yr = y.data_ptr<float>() + r * cols;
        k<<<1, 256>>>(xr, yr, cols);
    }
    return y;
}""",
    "chunks": """torch::Tensor f(torch::Tensor x, torch::Tensor y) {
    const float* xp = x.data_ptr<float>();
    float* yp = y.data_ptr<float>();
    const long long chunk = 1LL << 24;
    long long n = x.numel();
    for (long long done = 0; done < n; done += chunk) {
        k<<<1, 256>>>(xp, yp, chunk);
        xp += chunk;
        yp += chunk;
    }
    return y;
}""",
    "size_offset_and_memset": """torch::Tensor f(torch::Tensor x, torch::Tensor y) {
    long long half = x.size(1) / 2;
    float* dst = y.data_ptr<float>() + half;
    cudaMemsetAsync(dst, 0, half * sizeof(float));
    k<<<1, 256>>>(x.data_ptr<float>() + static_cast<long long>(half) * 2, dst, half);
    return y;
}""",
}
ATTACKS = {
    "host_difference": """torch::Tensor f(torch::Tensor x, torch::Tensor y) {
    float* h = new float[16];
    float* d = y.data_ptr<float>();
    long long off = h - d;
    k<<<1, 256>>>(x.data_ptr<float>(), d + off, 16);
    return y;
}""",
    "host_difference_via_integer": """torch::Tensor f(torch::Tensor x, torch::Tensor y) {
    float* h = (float*)malloc(64);
    long long a = (long long)h;
    long long b = a - (long long)y.data_ptr<float>();
    float* p = y.data_ptr<float>() + b / 4;
    k<<<1, 256>>>(x.data_ptr<float>(), p, 16);
    return y;
}""",
}


@pytest.mark.parametrize("name", sorted(HONEST))
def test_offsets_by_named_integers_are_device_memory(name: str) -> None:
    assert device_pointer_problems(KERNEL + HONEST[name]) == []


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_an_offset_made_from_a_host_pointer_is_not(name: str) -> None:
    assert device_pointer_problems(KERNEL + ATTACKS[name]) != []
