"""Red team and honest tester round 8, kernels family (issue 14): each finding's class, its attacks
asserted not to pass and honest variants asserted to pass.

S3 (red team; static only, no GPU here): the copy rule trusted the kind written in a ``cudaMemcpy``,
but under unified virtual addressing the runtime takes the direction from the pointers, so
``cudaMemcpy(host.data(), x.data_ptr<float>(), n * 4, cudaMemcpyHostToDevice)`` copies device memory
to a ``std::vector``; and a kernel may store into pageable host memory where the driver allows it
(HMM). Both then computed ReLU on the CPU. Now no kernel argument and no copy destination in host
code may be host memory (``static.hostmem``: arrays, ``std::`` containers, ``new``, ``.data()``,
``&x``, namespace-level buffers, and every name bound, assigned, passed or returned from one).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from harness.families.kernels.static.check import check_static
from harness.families.kernels.static.hostmem import host_buffers

_MODULE = '''import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

cuda_source = r"""
#include <vector>
{head}
__global__ void move_kernel(const float* __restrict__ src, float* __restrict__ dst, long long n) {{
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) dst[i] = src[i];
}}

torch::Tensor relu_forward(torch::Tensor x) {{
    auto xc = x.contiguous();
    auto y = torch::empty_like(xc);
    long long n = xc.numel();
    unsigned int blocks = (unsigned int)((n + 255) / 256);
{body}
    return y;
}}
"""

cpp_source = "torch::Tensor relu_forward(torch::Tensor x);"

relu_ext = load_inline(name="kc_relu_rt8_hostmem", cpp_sources=cpp_source, cuda_sources=cuda_source,
                       functions=["relu_forward"], verbose=False)


class ModelNew(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return relu_ext.relu_forward(x)
'''
_LOOP = "    for (long long i = 0; i < n; i++) h[i] = h[i] > 0.0f ? h[i] : 0.0f;\n"
_BACK = "    cudaMemcpy(y.data_ptr<float>(), h, n * sizeof(float), cudaMemcpyHostToDevice);\n"
_IN = "move_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), {dst}, n);\n"
ATTACKS = {  # name: (declarations, body): the host gets the input, computes, and copies it back
    "uva_copy_into_a_vector": ("", "    std::vector<float> v(n);\n    float* h = v.data();\n    cudaMemcpy(h, "
                               "xc.data_ptr<float>(), n * sizeof(float), cudaMemcpyHostToDevice);\n" + _LOOP + _BACK),
    "uva_copy_device_to_device_kind": ("", "    float* h = new float[n];\n    cudaMemcpy(h, xc.data_ptr<float>(), n * "
                                       "sizeof(float), cudaMemcpyDeviceToDevice);\n" + _LOOP + _BACK),
    "async_copy_into_new": ("", "    float* h = new float[n];\n    cudaMemcpyAsync(h, xc.data_ptr<float>(), n * 4, "
                            "cudaMemcpyDeviceToDevice, 0);\n" + _LOOP + _BACK),
    "copy_2d_into_a_stack_array": ("", "    float h[4096];\n    cudaMemcpy2D(h, 4, xc.data_ptr<float>(), 4, 4, n, "
                                   "cudaMemcpyDeviceToDevice);\n" + _LOOP + _BACK),
    "kernel_stores_into_a_vector": ("", "    std::vector<float> v(n);\n    float* h = v.data();\n    "
                                    + _IN.format(dst="h") + _LOOP + _BACK),
    "kernel_stores_into_data_directly": ("", "    std::vector<float> v(n);\n    " + _IN.format(dst="v.data()")
                                         + "    float* h = v.data();\n" + _LOOP + _BACK),
    "kernel_stores_into_a_global": ("static float g_buf[1 << 20];", "    float* h = g_buf;\n    "
                                    + _IN.format(dst="g_buf") + _LOOP + _BACK),
    "kernel_stores_through_a_global_pointer": ("static float* g_ptr = nullptr;", "    g_ptr = new float[n];\n    "
                                               + _IN.format(dst="g_ptr") + "    float* h = g_ptr;\n" + _LOOP + _BACK),
    "kernel_stores_into_an_address": ("", "    float v = 0.0f;\n    " + _IN.format(dst="&v") + "    float* h = &v;\n"
                                      + _LOOP + _BACK),
    "pointer_arithmetic_on_a_host_buffer": ("", "    float* h = new float[n + 1];\n    float* d = h + 1;\n    "
                                            + _IN.format(dst="d - 1") + _LOOP + _BACK),
    "through_an_own_helper": ("static void fetch(const float* s, float* d, long long n) { move_kernel<<<(n + 255) / "
                              "256, 256>>>(s, d, n); }", "    float* h = new float[n];\n    fetch(xc.data_ptr<float>(), "
                              "h, n);\n" + _LOOP + _BACK),
    "through_a_lambda": ("", "    float* h = new float[n];\n    auto fetch = [&](float* d) { "
                         + _IN.format(dst="d").strip() + " };\n    fetch(h);\n" + _LOOP + _BACK),
    "through_a_parameter_struct": ("struct Args { const float* s; float* d; long long n; };\n__global__ void "
                                   "move_args(Args a) { }", "    float* h = new float[n];\n    Args a; a.s = "
                                   "xc.data_ptr<float>(); a.d = h; a.n = n;\n    move_args<<<blocks, 256>>>(a);\n"
                                   + _LOOP + _BACK),
    "returned_by_an_own_function": ("static float* buffer(long long n) { return new float[n]; }",
                                    "    float* h = buffer(n);\n    " + _IN.format(dst="h") + _LOOP + _BACK),
    "launch_kernel_api": ("", "    float* h = new float[n];\n    const float* s = xc.data_ptr<float>();\n    void* "
                          "args[] = {(void*)&s, (void*)&h, (void*)&n};\n    cudaLaunchKernel((const void*)move_kernel, "
                          "dim3(blocks), dim3(256), args, 0, 0);\n" + _LOOP + _BACK),
    "unique_ptr_get": ("#include <memory>", "    std::unique_ptr<float[]> u(new float[n]);\n    float* h = u.get();\n    "
                       + _IN.format(dst="h") + _LOOP + _BACK),
    "host_pointer_sent_through_device_memory": ("__global__ void via(const float* s, float** p, long long n) { }",
                                                "    float* h = new float[n];\n    float** d = nullptr;\n    "
                                                "cudaMalloc((void**)&d, sizeof(float*));\n    cudaMemcpy(d, &h, "
                                                "sizeof(float*), cudaMemcpyHostToDevice);\n    via<<<blocks, 256>>>("
                                                "xc.data_ptr<float>(), d, n);\n" + _LOOP + _BACK),
    "table_of_host_pointers_to_a_symbol": ("__constant__ float* c_ptrs[1];\n__global__ void via2(const float* s, long "
                                           "long n) { }", "    float* h = new float[n];\n    float* ptrs[1] = {h};\n    "
                                           "cudaMemcpyToSymbol(c_ptrs, ptrs, sizeof(ptrs), 0, cudaMemcpyHostToDevice);\n"
                                           "    via2<<<blocks, 256>>>(xc.data_ptr<float>(), n);\n" + _LOOP + _BACK),
    "vector_of_host_pointers": ("__global__ void via3(const float* s, float** p, long long n) { }",
                                "    float* h = new float[n];\n    std::vector<float*> ptrs;\n    ptrs.push_back(h);\n"
                                "    float** d = nullptr;\n    cudaMalloc((void**)&d, sizeof(float*));\n    cudaMemcpy(d, "
                                "ptrs.data(), sizeof(float*), cudaMemcpyHostToDevice);\n    via3<<<blocks, 256>>>("
                                "xc.data_ptr<float>(), d, n);\n" + _LOOP + _BACK),
    "to_symbol_into_a_host_variable": ("static float g_host[4];", "    cudaMemcpyToSymbol(g_host, xc.data_ptr<float>(), "
                                       "16, 0, cudaMemcpyDeviceToDevice);\n    float* h = g_host;\n" + _LOOP + _BACK),
}
HONEST = {  # host memory copied to the device, device pointers everywhere else
    "table_to_the_device": ("", "    std::vector<float> table(4, 0.5f);\n    cudaMemcpy(y.data_ptr<float>(), "
                            "table.data(), 4 * sizeof(float), cudaMemcpyHostToDevice);\n    "
                            + _IN.format(dst="y.data_ptr<float>()")),
    "constant_table": ("__constant__ float c_table[4];", "    float t[4] = {1, 2, 3, 4};\n    cudaMemcpyToSymbol(c_table, "
                       "t, sizeof(t), 0, cudaMemcpyHostToDevice);\n    " + _IN.format(dst="y.data_ptr<float>()")),
    "scratch_from_cuda_malloc": ("", "    float* tmp = nullptr;\n    cudaMalloc((void**)&tmp, n * sizeof(float));\n    "
                                 + _IN.format(dst="tmp") + "    move_kernel<<<blocks, 256>>>(tmp, y.data_ptr<float>(), "
                                 "n);\n    cudaFree(tmp);\n"),
    "device_pointer_arithmetic": ("", "    float* yp = y.data_ptr<float>();\n    long long half_n = n / 2;\n    "
                                  "move_kernel<<<blocks, 256>>>(xc.data_ptr<float>() + half_n, yp + half_n, n - half_n);\n"
                                  "    move_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), yp, half_n);\n"),
    "helper_with_device_pointers": ("static void run(const float* s, float* d, long long n) { move_kernel<<<(n + 255) / "
                                    "256, 256>>>(s, d, n); }", "    run(xc.data_ptr<float>(), y.data_ptr<float>(), n);\n"),
    "launch_kernel_api": ("", "    const float* s = xc.data_ptr<float>();\n    float* d = y.data_ptr<float>();\n    void* "
                          "args[] = {(void*)&s, (void*)&d, (void*)&n};\n    cudaLaunchKernel((const void*)move_kernel, "
                          "dim3(blocks), dim3(256), args, 0, 0);\n"),
    "host_computed_table_from_new": ("", "    float* t = new float[4];\n    for (int i = 0; i < 4; i++) t[i] = 0.5f * i;"
                                     "\n    cudaMemcpy(y.data_ptr<float>(), t, 4 * sizeof(float), cudaMemcpyHostToDevice);"
                                     "\n    delete[] t;\n    " + _IN.format(dst="y.data_ptr<float>()")),
    "scalar_by_address_to_the_device": ("", "    float scale = 2.0f;\n    cudaMemcpy(y.data_ptr<float>(), &scale, "
                                        "sizeof(float), cudaMemcpyHostToDevice);\n    "
                                        + _IN.format(dst="y.data_ptr<float>()")),
    "device_pointer_table": ("__global__ void gather(float** p, long long n) { }", "    std::vector<float*> ptrs = "
                             "{y.data_ptr<float>()};\n    float** d = nullptr;\n    cudaMalloc((void**)&d, "
                             "sizeof(float*));\n    cudaMemcpy(d, ptrs.data(), sizeof(float*), cudaMemcpyHostToDevice);\n"
                             "    gather<<<blocks, 256>>>(d, n);\n    cudaFree(d);\n"),
    "sizes_in_a_vector": ("", "    std::vector<int64_t> shape = {n};\n    long long m = shape[0];\n    "
                          "move_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), y.data_ptr<float>(), m);\n"),
}


def answer(head: str, body: str) -> str:
    return _MODULE.format(head=head, body=body)


class TestHostMemoryReach:
    """S3: the pointers decide where a copy goes and what a kernel touches, not the kind."""

    @pytest.mark.parametrize("name", sorted(ATTACKS))
    def test_host_memory_never_reaches_a_kernel_or_a_copy_destination(self, name: str) -> None:
        found = check_static(answer(*ATTACKS[name]), "cuda")
        assert any(v.rule == "cuda_host_copy" and any(w in v.detail for w in ("host memory", "__constant__",
                                                                              "host address")) for v in found), found

    @pytest.mark.parametrize("name", sorted(HONEST))
    def test_device_pointers_and_copies_to_the_device_pass(self, name: str) -> None:
        found = check_static(answer(*HONEST[name]), "cuda")
        assert found == [], found

    def test_the_red_teams_answers_are_rejected(self) -> None:
        for stem in ("rt8_uva_copy_kind", "rt8_hmm_kernel_store"):
            text = (Path(__file__).parent / "kernels" / "cuda_attacks" / f"{stem}.py").read_text()
            found = check_static(text, "cuda")
            assert any(v.rule == "cuda_host_copy" and "host.data()" in v.detail for v in found), (stem, found)

    # Every kernels-core and kernels-hard CUDA golden passes check_static(code, "cuda") in
    # tests/security/test_kernel_cuda_rt8.py::test_goldens_and_the_honest_corpus_are_accepted (the
    # same call on the same files, with the honest CUDA corpus): analysed once, not once per file.

    def test_what_counts_as_a_host_buffer(self) -> None:
        code = ("static float g[8]; static int count = 0;\nvoid f(float* p, long long n) { }\n"
                "void g2(long long n) { std::vector<float> v(n); float* a = v.data(); float* b = a + 1; float c[2]; "
                "float* d = nullptr; int k = n; f(b, n); auto q = new float[n]; }")
        found, _, _ = host_buffers(code)
        assert {"g", "v", "a", "b", "c", "p", "q"} <= found and not {"d", "k", "n", "count", "float"} & found, found


class TestCompileTimeout:
    """Honest round 8 F4: nvcc ran out of its 300 s in torch's headers on a loaded host and a minimal
    honest answer was scored ``timeout``. Now a build past its limit is followed by the build of a
    minimal extension under the same limit, never from the cache: if that runs past it too, the
    machine is too slow (``infra_error``, not counted against the answer); if it builds within a third
    of the limit, the answer's ``timeout`` stands (an answer cannot make itself ``infra_error`` by
    compiling slowly); in between (honest round 11 F6: the probe took 520 s of 900 after the answer's
    build ran past 900 s on a loaded host) the answer builds once more, and a second timeout is
    ``infra_error``."""

    def _stage(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, probe_times_out: bool) -> dict[str, object]:
        import harness.families.kernels.compile_cuda as cc
        import harness.families.kernels.evaluate as ev
        from harness.families.kernels.runner import plain_runner

        calls: list[bool] = []

        def fake_build(*args: object, use_cache: bool = True, **kw: object) -> cc.CudaBuild:
            calls.append(use_cache)
            if probe_times_out:
                return cc.CudaBuild(False, "nvcc timed out after 300.0s", 300.0, timed_out=True)
            return cc.CudaBuild(True, "", 40.0)

        monkeypatch.setattr(ev, "compile_extension", lambda *a, **k: cc.CudaBuild(
            False, "nvcc timed out after 300.0s", 300.0, timed_out=True))
        monkeypatch.setattr(cc, "_build", fake_build)
        stages: dict[str, object] = {}
        result = ev._cuda_compile_stage([object()], tmp_path, stages, timeout_s=300.0, arch="90", run=plain_runner(),
                                        gpu=False)
        assert calls == [False]  # the probe is built now, never read from the cache
        assert result is not None
        return result

    def test_a_slow_machine_is_infra_error(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        r = self._stage(monkeypatch, tmp_path, probe_times_out=True)
        assert r["status"] == "infra_error" and "minimal extension" in str(r["reason"]), r

    def test_a_slow_answer_is_its_timeout(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        r = self._stage(monkeypatch, tmp_path, probe_times_out=False)
        assert r["status"] == "timeout" and "built in time" in str(r["reason"]), r

    def _slow_probe(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                    again: list[object]) -> tuple[dict[str, object], dict[str, object]]:
        """Honest round 11 F6: the answer's build runs past 300 s, the probe built after it takes
        250 s (over a third of the limit: a loaded machine), and the answer's build runs once more
        with the results ``again``."""
        import harness.families.kernels.compile_cuda as cc
        import harness.families.kernels.evaluate as ev
        from harness.families.kernels.runner import plain_runner

        answers = [cc.CudaBuild(False, "nvcc timed out after 300.0s", 300.0, timed_out=True), *again]
        monkeypatch.setattr(ev, "compile_extension", lambda *a, **k: answers.pop(0))
        monkeypatch.setattr(cc, "_build", lambda *a, **k: cc.CudaBuild(True, "", 250.0))
        stages: dict[str, object] = {}
        result = ev._cuda_compile_stage([object()], tmp_path, stages, timeout_s=300.0, arch="90", run=plain_runner(),
                                        gpu=False)
        assert answers == [] and result is not None
        return result, stages

    def test_a_loaded_machine_builds_the_answer_again(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        import harness.families.kernels.compile_cuda as cc

        r, stages = self._slow_probe(monkeypatch, tmp_path, [cc.CudaBuild(True, "", 120.0)])
        compile_stage = stages["compile"]
        assert isinstance(compile_stage, dict)
        assert compile_stage["status"] == "pass" and "ran again" in compile_stage["probe"], compile_stage
        assert r["status"] == "infra_error" and "no GPU" in str(r["reason"]), r  # on to correctness (none here)

    def test_a_second_timeout_on_a_loaded_machine_is_infra_error(self, monkeypatch: pytest.MonkeyPatch,
                                                                 tmp_path: Path) -> None:
        import harness.families.kernels.compile_cuda as cc

        r, _ = self._slow_probe(monkeypatch, tmp_path,
                                [cc.CudaBuild(False, "nvcc timed out after 300.0s", 300.0, timed_out=True)])
        assert r["status"] == "infra_error" and "250s of the 300s limit" in str(r["reason"]), r

    @pytest.mark.slow
    def test_real_builds_past_a_tiny_limit(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """nvcc with a 1 s limit: the honest corpus answer and the probe both run past it."""
        monkeypatch.setenv("HWEVAL_CACHE_DIR", str(tmp_path / "cache"))  # no cached build of the answer
        from harness.families.kernels.compile_cuda import nvcc_path
        from harness.families.kernels.evaluate import evaluate_kernel
        from harness.families.kernels.runner import plain_runner
        from tests.kernels.helpers import PROBLEMS

        if nvcc_path() is None:
            pytest.skip("nvcc not installed")
        code = (Path(__file__).parent / "kernels" / "honest_cuda" / "relu_host_idioms.py").read_text()
        r = evaluate_kernel(PROBLEMS / "relu", code, "cuda", tmp_path / "w", gpu=False, timeout_s=60.0, seeds=1,
                            compile_timeout_s=1.0, runner=plain_runner(), ref_cache=tmp_path / "refs")
        assert r["status"] == "infra_error" and "minimal extension" in r["reason"], r["reason"]


class TestInterpreterTimeFloor:
    """Honest round 8 F3: a correct kernels-core cumsum_row (``tl.associative_scan`` over 1024-wide
    chunks, 5.8 s per call in the Triton interpreter, exact) was scored ``timeout`` at the default
    60 s: the interpreter's emulation of a scan, not the kernel, took the time. kernels-core now has
    kernels-hard's floor on the CPU (300 s per sample whatever ``--timeout`` says); on a GPU
    ``--timeout`` holds as given."""

    def test_kernels_core_gets_the_cpu_floor(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        import harness.families.kernels.evaluate as kernel_evaluate
        from benchmarks.kernels_core import KernelsCoreSuite
        from harness.sandbox.base import Limits
        from harness.sandbox.local import BubblewrapSandbox
        from harness.suite import EvalContext, SuiteOptions
        from harness.types import Candidate

        seen: dict[str, object] = {}

        def capture(*args: object, **kw: object) -> object:
            seen.update(kw)
            raise RuntimeError("captured")

        monkeypatch.setattr(kernel_evaluate, "evaluate_kernel", capture)
        suite = KernelsCoreSuite(SuiteOptions(extra={"lang": "triton"}))
        problem = next(p for p in suite.problems() if p.id == "cumsum_row")
        ctx = EvalContext(sandbox=BubblewrapSandbox(), scratch_root=tmp_path, limits=Limits(wall_s=60.0))
        with pytest.raises(RuntimeError, match="captured"):
            suite.evaluate(problem, Candidate(code="x"), ctx)
        assert seen["timeout_s"] == (60.0 if suite.gpu else 300.0)
