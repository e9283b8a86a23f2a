"""Issue 14, kernels, round 12: an integer made from a pointer is made from device memory (part of
rule ``cuda_host_copy``, :mod:`harness.families.kernels.static.devint`).

Left open in round 11 (cudafix's note): an uninitialised pointer cast to an integer
(``(unsigned long long)g``, ``uintptr_t``, ``reinterpret_cast``) and stored in a table copied to the
device, or passed as a kernel's integer argument, reached device code, which casts it back and reads
or writes host memory; no rule followed integers. Now every pointer made an integer in host code (a
cast, a difference or comparison of two pointers, ``std::distance``) must be a ``data_ptr`` or a
``cudaMalloc``'ed pointer. Each attack must be rejected with the rule, and the honest uses (alignment
checks, ``data_ptr`` comparisons, a device pointer as an integer) accepted. Static and fast: no nvcc.
"""
from __future__ import annotations

import pytest

from harness.families.kernels.static.check import check_static
from tests.security.test_kernel_cuda_rt10 import answer

_HEAD = ("__global__ void table_kernel(const float* const* xs, float* y, long long n) { }\n"
         "__global__ void int_kernel(unsigned long long a, float* y) { }\n"
         "struct Pair { unsigned long long u; float* p; };\n"
         "static float* stale() { float* q; return q; }\n")
_COPY = ("    const float** d;\n    cudaMalloc(&d, 8);\n    cudaMemcpy(d, tab, 8, cudaMemcpyHostToDevice);\n"
         "    table_kernel<<<1, 1>>>(d, y.data_ptr<float>(), n);")
_INT = "    int_kernel<<<1, 1>>>({}, y.data_ptr<float>());"
#: each makes an integer of a pointer no data_ptr or cudaMalloc made, and hands it to the device
ATTACKS = {
    "c_cast_in_a_copied_table": "    float* g;\n    unsigned long long tab[1] = {(unsigned long long)g};\n" + _COPY,
    "uintptr_in_a_copied_table": "    float* g;\n    uintptr_t tab[1] = {(uintptr_t)g};\n" + _COPY,
    "reinterpret_cast_in_a_copied_table": "    float* g;\n    uintptr_t tab[1] = {reinterpret_cast<uintptr_t>(g)};\n"
                                          + _COPY,
    "functional_cast_assigned_to_an_element": "    float* g;\n    uintptr_t tab[1];\n    tab[0] = uintptr_t(g);\n" + _COPY,
    "kernel_integer_argument": "    float* g;\n" + _INT.format("(unsigned long long)g"),
    "through_a_local_integer": "    float* g;\n    unsigned long long u = reinterpret_cast<unsigned long long>(g);\n"
                               + _INT.format("u"),
    "offset_to_a_device_pointer": "    float* g;\n    float* d = y.data_ptr<float>();\n    long long off = g - d;\n"
                                  + _INT.format("off"),
    "comparisons_bit_by_bit": "    float* g;\n    float* d = y.data_ptr<float>();\n    unsigned long long u = 0;\n"
                              "    for (int b = 0; b < 48; ++b) u |= (unsigned long long)(g > d + (1ll << b)) << b;\n"
                              + _INT.format("u"),
    "comparison_without_spaces": "    float* g;\n    float* d = y.data_ptr<float>();\n    bool b = g<d;\n"
                                 + _INT.format("b"),
    "distance_to_a_device_pointer": "    float* g;\n    float* d = y.data_ptr<float>();\n"
                                    "    long long off = std::distance(d, g);\n" + _INT.format("off"),
    "struct_member": "    Pair s;\n    unsigned long long v = (unsigned long long)s.p;\n" + _INT.format("v"),
    "helper_return": _INT.format("(unsigned long long)stale()"),
    "offset_inside_the_cast": "    float* g;\n" + _INT.format("(unsigned long long)((g + 1))"),
    "auto_alias": "    float* g;\n    auto h = g;\n" + _INT.format("(size_t)h"),
}
#: integers made from device pointers, and integer casts of sizes
HONEST = {
    "alignment_of_a_data_ptr": "    if (reinterpret_cast<uintptr_t>(xc.data_ptr<float>()) % 16 != 0) return y;\n"
                               "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), y.data_ptr<float>(), n);",
    "alignment_of_a_local": "    const float* xp = xc.data_ptr<float>();\n    bool al = ((uintptr_t)xp & 15) == 0;\n"
                            "    if (al) relu_kernel<<<blocks, 256>>>(xp, y.data_ptr<float>(), n);",
    "in_place_test": "    if (xc.data_ptr<float>() == y.data_ptr<float>()) return y;\n"
                     "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), y.data_ptr<float>(), n);",
    "size_casts": "    int rows = (int)xc.size(0);\n    int64_t m = static_cast<int64_t>(xc.numel());\n"
                  "    int c = int(n / 2) + (int)rows;\n"
                  "    relu_kernel<<<(unsigned)((m + 255) / 256), 256>>>(xc.data_ptr<float>(), y.data_ptr<float>(), c);",
    "difference_of_device_pointers": "    float* a = y.data_ptr<float>();\n    float* b = a + n;\n    long long len = b - a;\n"
                                     "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), a, len);",
    "null_test_of_a_workspace": "    float* ws = nullptr;\n    cudaMalloc(&ws, 4);\n"
                                "    if (ws != nullptr) relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), ws, n);",
    "device_pointer_in_a_copied_table": "    unsigned long long tab[1] = {(unsigned long long)xc.data_ptr<float>()};\n"
                                        + _COPY,
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_an_integer_made_from_a_pointer_that_is_not_device_memory_is_rejected(name: str) -> None:
    found = {v.rule: v.detail for v in check_static(answer(_HEAD, ATTACKS[name]), "cuda")}
    assert "cuda_host_copy" in found, found
    assert "an integer made from" in found["cuda_host_copy"] or "std::distance of" in found["cuda_host_copy"]


@pytest.mark.parametrize("name", sorted(HONEST))
def test_integers_made_from_device_pointers_are_accepted(name: str) -> None:
    assert check_static(answer(_HEAD, HONEST[name]), "cuda") == []
