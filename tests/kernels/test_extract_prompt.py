"""Answer extraction and prompt construction."""
from __future__ import annotations

import pytest

from harness.families.kernels.extract import extract_code
from harness.families.kernels.prompt import build_messages, build_prompt
from tests.kernels.helpers import PROBLEMS, golden

CODE = "import torch\n\nclass ModelNew(torch.nn.Module):\n    pass\n"


def test_python_fence_preferred() -> None:
    text = f"Here:\n```\nnot python\n```\n```python\n{CODE}```\nDone."
    assert extract_code(text) == CODE


def test_last_block_defining_model_new_wins() -> None:
    text = f"Sketch:\n```python\ndef helper():\n    pass\n```\nAnswer:\n```python\n{CODE}```\n```python\nprint(1)\n```"
    assert extract_code(text) == CODE


def test_whole_text_if_it_parses() -> None:
    assert extract_code(CODE) == CODE


def test_untagged_block_and_think_tags() -> None:
    text = f"<think>```python\nclass ModelNew: wrong\n```</think>\n```\n{CODE}```"
    assert extract_code(text) == CODE


def test_truncated_fence() -> None:
    assert extract_code(f"```python\n{CODE}") == CODE


@pytest.mark.parametrize("text", [None, "", "   ", "I cannot help with that.", "```text\nhello world\n```"])
def test_no_code(text: str | None) -> None:
    assert extract_code(text) is None


@pytest.mark.parametrize("lang", ["triton", "cuda"])
def test_prompt_contains_reference_example_and_rules(lang: str) -> None:
    ref = (PROBLEMS / "softmax_row" / "reference.py").read_text()
    prompt = build_prompt(ref, lang)
    assert ref.strip() in prompt and "ModelNew" in prompt and "```python" in prompt
    assert ("@triton.jit" in prompt) == (lang == "triton")
    assert ("load_inline" in prompt) == (lang == "cuda")
    assert "try/except" in prompt
    msgs = build_messages(ref, lang)
    assert [m["role"] for m in msgs] == ["system", "user"]
    with pytest.raises(ValueError):
        build_prompt(ref, "verilog")


def test_golden_roundtrip_through_a_fenced_response() -> None:
    code = golden("relu", "triton")
    assert extract_code(f"Sure.\n\n```python\n{code}```\n") == code


_NOTE_KERNELS = '''
import triton
import triton.language as tl


@triton.jit
def blockptr(x_ptr, o_ptr, N, BLOCK: tl.constexpr):
    p = tl.make_block_ptr(x_ptr, shape=(N,), strides=(1,), offsets=(0,), block_shape=(BLOCK,), order=(0,))
    tl.store(o_ptr + tl.arange(0, BLOCK), tl.load(p))


@triton.jit
def libdev(x_ptr, o_ptr, N, BLOCK: tl.constexpr):
    from triton.language.extra import libdevice
    offs = tl.arange(0, BLOCK)
    tl.store(o_ptr + offs, libdevice.tanh(tl.load(x_ptr + offs, mask=offs < N)) + 1.0, mask=offs < N)


@triton.jit
def scalarmask(x_ptr, o_ptr, M, N, BLOCK: tl.constexpr, BROADCAST: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    for row in tl.static_range(2):
        if BROADCAST:
            m = (offs < N) & ((offs * 0 + row) < M)
        else:
            m = (offs < N) & (row < M)
        tl.store(o_ptr + row * N + offs, tl.load(x_ptr + row * N + offs, mask=m), mask=m)
'''


@pytest.mark.slow
def test_each_triton_note_in_the_prompt_holds_for_the_installed_triton(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The prompt's Triton notes are claims about the installed Triton and its interpreter: each one
    is checked in a fresh interpreter process (TRITON_INTERPRET=1), so an upgrade that lifts a
    limitation fails here and the note must change."""
    import subprocess
    import sys

    text = " ".join(build_prompt("class Model: pass", "triton").split())
    for words in ("tl.make_block_ptr", "triton.set_allocator, which is not allowed", "tl.extra.libdevice",
                  "(offs * 0 + row) < M", "do not assert x.is_cuda", "torch.cuda.get_device_properties"):
        assert words in text
    assert "Triton notes" not in build_prompt("class Model: pass", "cuda")
    (tmp_path / "notes_kernels.py").write_text(_NOTE_KERNELS)
    driver = '''
import torch
import notes_kernels as k
x = torch.randn(2, 8); o = torch.zeros_like(x)
def outcome(fn):
    try:
        fn()
        return "ok"
    except Exception as e:
        return "error"
print(outcome(lambda: k.blockptr[(1,)](x, o, 8, BLOCK=8)),
      outcome(lambda: k.libdev[(1,)](x, o, 8, BLOCK=8)),
      outcome(lambda: k.scalarmask[(1,)](x, o, 2, 8, BLOCK=8, BROADCAST=False)),
      outcome(lambda: k.scalarmask[(1,)](x, o, 2, 8, BLOCK=8, BROADCAST=True)))
'''
    env = {**__import__("os").environ, "TRITON_INTERPRET": "1"}
    proc = subprocess.run([sys.executable, "-c", driver], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["error", "error", "error", "ok"], proc.stdout
    if not __import__("torch").cuda.is_available():  # the CPU path: the last note's claim
        with pytest.raises((RuntimeError, AssertionError)):
            __import__("torch").cuda.get_device_properties(0)


_CUDA_ANSWER = '''import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

cuda_source = r"""
#include <torch/extension.h>
PRE
__global__ void relu_kernel(const float* x, float* y, long long n) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

torch::Tensor relu_forward(torch::Tensor x) {
    auto xc = x.contiguous();
    auto y = torch::empty_like(xc);
    long long n = xc.numel();
    relu_kernel<<<(unsigned)((n + 255) / 256), 256>>>(xc.data_ptr<float>(), y.data_ptr<float>(), n);
    return y;
}
"""

cpp_source = "torch::Tensor relu_forward(torch::Tensor x);"

relu_ext = load_inline(name="relu_notes", cpp_sources=cpp_source, cuda_sources=SRC,
                       functions=["relu_forward"], verbose=False ARGS)


class ModelNew(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return relu_ext.relu_forward(x)
'''

# each CUDA note's "do not", as an answer the static checks must reject (and the note's "may" as
# one they accept): the notes describe the rules, not a wish
_CUDA_NOTE_CASES = {
    "honest": ("", "cuda_source", "", True),
    "own macro, __CUDA_ARCH__ test": ("#define TILE 256\n#if defined(__CUDA_ARCH__) && TILE > 0\n#endif", "cuda_source", "",
                                      True),
    "sources built at run time": ("", 'cuda_source.replace("relu", "relu")', "", False),
    "extra_ldflags": ("", "cuda_source", ', extra_ldflags=["-lcuda"]', False),
    "quoted include": ('#include "kernel.h"', "cuda_source", "", False),
    "CUDA_VERSION check": ("#if CUDA_VERSION >= 12000\n#endif", "cuda_source", "", False),
}


@pytest.mark.parametrize("case", sorted(_CUDA_NOTE_CASES))
def test_each_cuda_note_in_the_prompt_matches_the_static_checks(case: str) -> None:
    from harness.families.kernels.static.check import analyze

    text = " ".join(build_prompt("class Model: pass", "cuda").split())
    for words in ("string constants", "no extra_ldflags or extra_include_paths", "system headers in angle brackets",
                  "no CUDA_VERSION checks", "CUB and cooperative groups are fine inside them"):
        assert words in text
    pre, src, args, accepted = _CUDA_NOTE_CASES[case]
    code = _CUDA_ANSWER.replace("PRE", pre).replace("SRC", src).replace(" ARGS", args)
    violations, _, _ = analyze(code, "cuda")
    assert (not violations) is accepted, violations
