"""KernelBench-style prompts: the reference source, one tiny Model/ModelNew example, the rules."""
from __future__ import annotations

_EXAMPLE_MODEL = '''import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return a + b


def get_inputs():
    return [torch.randn(4096), torch.randn(4096)]


def get_init_inputs():
    return []
'''

_EXAMPLE_TRITON = '''import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def add_kernel(a_ptr, b_ptr, out_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    pid = tl.program_id(axis=0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    a = tl.load(a_ptr + offsets, mask=mask)
    b = tl.load(b_ptr + offsets, mask=mask)
    tl.store(out_ptr + offsets, a + b, mask=mask)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        a, b = a.contiguous(), b.contiguous()
        out = torch.empty_like(a)
        n = a.numel()
        add_kernel[(triton.cdiv(n, 1024),)](a, b, out, n, BLOCK_SIZE=1024)
        return out
'''

_EXAMPLE_CUDA = '''import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

cuda_source = r"""
__global__ void add_kernel(const float* a, const float* b, float* out, long long n) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) out[i] = a[i] + b[i];
}

torch::Tensor add_forward(torch::Tensor a, torch::Tensor b) {
    auto ac = a.contiguous();
    auto bc = b.contiguous();
    auto out = torch::empty_like(ac);
    long long n = ac.numel();
    add_kernel<<<(n + 255) / 256, 256>>>(ac.data_ptr<float>(), bc.data_ptr<float>(), out.data_ptr<float>(), n);
    return out;
}
"""

cpp_source = "torch::Tensor add_forward(torch::Tensor a, torch::Tensor b);"

add_ext = load_inline(name="add_ext", cpp_sources=cpp_source, cuda_sources=cuda_source,
                      functions=["add_forward"], verbose=False)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return add_ext.add_forward(a, b)
'''

_LANG = {
    "triton": ("Triton", "one or more @triton.jit kernels launched from ModelNew.forward", _EXAMPLE_TRITON),
    "cuda": ("CUDA", "one or more __global__ CUDA kernels compiled with "
             "torch.utils.cpp_extension.load_inline and called from ModelNew.forward", _EXAMPLE_CUDA),
}

RULES = """Rules (answers that break them are rejected):
- ModelNew takes the same constructor arguments as Model and returns the same outputs (shape, dtype,
  values within a small tolerance) for inputs of any sign and magnitude, on CUDA tensors. Inputs
  are drawn with fresh seeds from several distributions; sizes need not be multiples of your block
  size, and writes outside the outputs are detected.
- All computation happens in your kernel(s). Everywhere else (forward, helper functions, launch-grid
  lambdas, autotune configs, default arguments) the code may only allocate (torch.empty/empty_like/
  zeros...), query or change shapes/strides/views (.shape, .stride(), .view, .reshape, .contiguous),
  do integer arithmetic on sizes (triton.cdiv, math, min/max) and launch kernels. No torch
  operators, torch.nn.functional, tensor methods, Python arithmetic or indexing with tensors,
  .item()/.tolist()/.numpy(), and no calls to Model or the original PyTorch op.
- Kernel bodies use only triton.language (tl.*), their arguments and size constants.
- __init__ may build weights with torch (nn.Linear, nn.Parameter ...); state is set only there.
- No try/except fallbacks, no timers/events/synchronisation, no autotune pre_hook/post_hook/
  prune_configs_by, no properties, @classmethod or dunder methods besides __init__ (helpers may be
  module functions, methods or @staticmethod), no globals, no monkeypatching, no
  eval/exec/getattr tricks.
- Return new tensors: do not return or modify the inputs, and do not reuse an output buffer
  across calls.
- Imports are limited to torch, triton, math and typing."""

#: The rules of a --lang cuda answer: the same Python checks (harness/families/kernels/static)
#: without Triton's parts, and the C++ side the CUDA checks (static/cuda.py, cppunits.py) apply
#: (tests/kernels/test_prompt_notes_rt7.py: no Triton-only rule here).
CUDA_RULES = """Rules (answers that break them are rejected):
- ModelNew takes the same constructor arguments as Model and returns the same outputs (shape, dtype,
  values within a small tolerance) for inputs of any sign and magnitude, on CUDA tensors. Inputs
  are drawn with fresh seeds from several distributions; sizes need not be multiples of your block
  size, and writes outside the outputs are detected.
- All computation happens in your __global__ kernel(s). Everywhere else (the Python module:
  forward, helper functions, default arguments; and the C++ host functions of your sources) the
  code may only allocate (torch.empty/empty_like/zeros...), check and query or change
  shapes/strides/views (.shape, .stride(), .view, .reshape, .contiguous), do integer arithmetic on
  sizes (math, min/max) and launch kernels (in Python: call your extension's functions). No torch
  operators, torch.nn.functional, tensor methods, Python arithmetic or indexing with tensors,
  .item()/.tolist()/.numpy(), and no calls to Model or the original PyTorch op.
- Kernel bodies are CUDA C++ working on their arguments (pointers, sizes) and constants; the CUDA
  notes below say what the sources may contain.
- __init__ may build weights with torch (nn.Linear, nn.Parameter ...); state is set only there.
- No try/except fallbacks, no timers/events/synchronisation, no properties, @classmethod or dunder
  methods besides __init__ (helpers may be module functions, methods or @staticmethod), no
  globals, no monkeypatching, no eval/exec/getattr tricks.
- Return new tensors: do not return or modify the inputs, and do not reuse an output buffer
  across calls.
- Python imports are limited to torch (load_inline from torch.utils.cpp_extension), math and
  typing."""


#: What an honest tester lost Triton answers to (tests/kernels/test_extract_prompt.py checks each
#: claim against the installed Triton).
TRITON_NOTES = """Triton notes:
- Use pointer arithmetic for loads and stores: block pointers (tl.make_block_ptr, tl.advance) are
  removed in recent Triton releases, and tensor descriptors need triton.set_allocator, which is
  not allowed.
- Without a GPU, correctness is checked under the Triton interpreter (TRITON_INTERPRET=1), where
  tl.extra.libdevice functions are unavailable and a load/store mask must be a block, not the
  result of combining a block with a scalar condition (write (offs * 0 + row) < M, not row < M);
  the loop variable of range(...) is a Python int there, with no .to(): write
  tl.cast(start, tl.int64), not start.to(tl.int64) (likewise tl.cast(1 << i, tl.uint32));
  the inputs are then CPU tensors, so do not assert x.is_cuda or size the grid from
  torch.cuda.get_device_properties (it raises without a GPU)."""


#: What the CUDA static checks (harness/families/kernels/static/cuda.py, cppunits.py) require of
#: load_inline answers; tests/kernels/test_extract_prompt.py checks each against the checks.
CUDA_NOTES = """CUDA notes:
- load_inline's sources, functions and flags are string constants (no .format/.replace, no
  sources built at run time); extra_cflags/extra_cuda_cflags only from the usual optimisation,
  -D/-std flags and the architecture the harness builds for (-arch=sm_90); no extra_ldflags or
  extra_include_paths.
- Include only system headers in angle brackets (#include <torch/extension.h>); preprocessor
  conditionals may test only __CUDA_ARCH__, __CUDACC__, __NVCC__, __cplusplus and your own
  macros defined unconditionally before the test (no CUDA_VERSION checks, no include guards).
- Host code uses torch only to allocate, check and reshape tensors and to read sizes; all
  arithmetic on tensor data happens in your __global__ kernels (CUB and cooperative groups are
  fine inside them). No copies from the device to the host: a copy's destination and every
  pointer a kernel gets is device memory (data_ptr, cudaMalloc, __constant__), never a
  std::vector, new[] or array of the host.
- Host functions call functions only by name: no function pointers, std::function, virtual
  methods, unions, asm or __attribute__; cast a pointer only from x.data_ptr<T>() (or to void*);
  of the CUDA runtime use the ordinary calls (cudaMalloc/cudaFree, cudaMemset, cudaGetLastError,
  streams, events, cudaFuncSetAttribute, occupancy queries, cudaLaunchKernel), not the driver API;
  besides your own functions call only math functions (sqrtf, ceil, min/max), printf and common
  std:: utilities (std::min/max, std::vector, std::numeric_limits), no other library.
- Host code does not dereference pointers (*p) or do arithmetic on host addresses; offsets go on
  device pointers (x.data_ptr<float>() + off). Index a host array only with a literal or the
  variable of a for (int i = 0; i < N; ++i) loop over its size; convert to a template parameter
  with static_cast<T>(v), not T(v) or (T)v."""


def _notes(lang: str) -> str:
    return {"triton": f"\n\n{TRITON_NOTES}", "cuda": f"\n\n{CUDA_NOTES}"}.get(lang, "")


def build_prompt(reference_src: str, lang: str) -> str:
    """The user prompt asking for ``ModelNew`` in ``lang`` ("triton" or "cuda")."""
    if lang not in _LANG:
        raise ValueError(f"unknown lang {lang!r}")
    name, what, example = _LANG[lang]
    return f"""You write custom {name} kernels to replace PyTorch operators and make them faster.

You are given a PyTorch reference architecture `Model`. Write an optimized architecture named
`ModelNew` that implements the same computation with {what}. You may fuse operators, change the
algorithm (e.g. online softmax) and pick tile sizes freely; the result is checked for correctness
on several input distributions and then timed against PyTorch eager and torch.compile on a GPU.

Here is an example. The reference architecture:

```python
{_EXAMPLE_MODEL}```

An optimized {name} version of it:

```python
{example}```

{CUDA_RULES if lang == "cuda" else RULES}{_notes(lang)}

Now the architecture you must optimize:

```python
{reference_src.rstrip()}
```

Answer with the complete new module (imports, kernels and class ModelNew) in a single ```python
code block. Do not include Model, get_inputs or get_init_inputs, testing code or explanations
inside the code block."""


def build_messages(reference_src: str, lang: str) -> list[dict[str, str]]:
    """Chat messages (system + user) for a chat backend."""
    return [
        {"role": "system", "content": "You are an expert GPU kernel engineer."},
        {"role": "user", "content": build_prompt(reference_src, lang)},
    ]
