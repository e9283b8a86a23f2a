"""Static (AST) rules: each shortcut is rejected with its rule; the goldens are not."""
from __future__ import annotations

import textwrap

import pytest

from harness.families.kernels.static.check import analyze, check_static

HEAD = """
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def copy_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.store(y_ptr + offs, tl.load(x_ptr + offs, mask=offs < n), mask=offs < n)
"""


def triton_answer(forward_body: str, extra: str = "", init: str = "pass") -> str:
    body = textwrap.indent(textwrap.dedent(forward_body).strip(), " " * 8)
    return HEAD + textwrap.dedent(extra) + f"""

class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()
        {init}

    def forward(self, x):
{body}
"""


LAUNCH = """
y = torch.empty_like(x)
copy_kernel[(triton.cdiv(x.numel(), 256),)](x, y, x.numel(), BLOCK=256)
"""


def rules(code: str, lang: str = "triton") -> set[str]:
    return {v.rule for v in check_static(code, lang)}


def test_clean_answer_passes() -> None:
    assert rules(triton_answer(LAUNCH + "return y")) == set()


@pytest.mark.parametrize("expr", [
    "torch.relu(x)", "x.relu()", "torch.nn.functional.relu(x)", "torch.maximum(x, y)",
    "y.clamp(min=0)", "torch.where(x > 0, x, y)", "x.sum()", "torch.matmul(x, x)", "x @ x",
    "x + y", "-x", "sum(x)", "torch.Tensor.relu(x)",
])
def test_torch_compute_in_forward_rejected(expr: str) -> None:
    assert "torch_compute" in rules(triton_answer(LAUNCH + f"return {expr}"))


def test_functional_alias_and_from_import_rejected() -> None:
    code = triton_answer(LAUNCH + "return F.relu(y)", extra="import torch.nn.functional as F\n")
    assert "torch_compute" in rules(code)
    code = triton_answer(LAUNCH + "return relu(y)", extra="from torch import relu\n")
    assert "torch_compute" in rules(code)


def test_python_tensor_write_and_inplace_rejected() -> None:
    assert "torch_compute" in rules(triton_answer(LAUNCH + "y[:] = x\nreturn y"))
    assert "torch_compute" in rules(triton_answer(LAUNCH + "y += 1\nreturn y"))


def test_helper_function_with_tensor_arithmetic_rejected() -> None:
    extra = "\ndef finish(t):\n    return t * 2\n"
    assert "torch_compute" in rules(triton_answer(LAUNCH + "return finish(y)", extra=extra))


def test_nn_module_call_rejected() -> None:
    code = triton_answer(LAUNCH + "return self.act(y)", init="self.act = nn.ReLU()")
    assert "torch_compute" in rules(code)


def test_index_arithmetic_allowed() -> None:
    body = """
    n = x.shape[0] * x.shape[1]
    y = torch.empty((x.shape[0], x.shape[1] // 2), device=x.device, dtype=x.dtype)
    copy_kernel[(triton.cdiv(n, 256),)](x, y, n, BLOCK=256)
    return y
    """
    assert rules(triton_answer(body)) == set()


def test_reference_model_use_rejected() -> None:
    code = triton_answer("return Model()(x)", extra="""
class Model(nn.Module):
    def forward(self, x):
        return torch.relu(x)
""")
    assert "reference_call" in rules(code)
    assert "forbidden_import" in rules("from reference import Model\n" + triton_answer(LAUNCH + "return y"))


def test_copied_reference_class_alone_is_harmless() -> None:
    code = triton_answer(LAUNCH + "return y", extra="""
class Model(nn.Module):
    def forward(self, x):
        return torch.relu(x)


def get_inputs():
    return [torch.randn(4)]
""")
    assert rules(code) == set()


def test_try_except_fallback_rejected() -> None:
    body = """
    try:
        y = torch.empty_like(x)
        copy_kernel[(1,)](x, y, x.numel(), BLOCK=256)
        return y
    except Exception:
        return torch.relu(x)
    """
    # the fallback branch is checked like any other code: torch there is compute outside a kernel
    assert "torch_compute" in rules(triton_answer(body))
    # a bare except (or BaseException) would swallow the worker's interrupts
    assert "try_except_fallback" in rules(triton_answer(body.replace("except Exception:", "except:")))
    assert "try_except_fallback" in rules(triton_answer(body.replace("Exception", "BaseException")))
    honest = body.replace("return torch.relu(x)", "copy_kernel[(2,)](x, y, x.numel(), BLOCK=128)\n        return y")
    assert rules(triton_answer(honest)) == set()


def test_kernel_defined_but_never_launched_rejected() -> None:
    assert "no_kernel_launch" in rules(triton_answer("return torch.empty_like(x)"))
    no_kernel = "import torch\nimport torch.nn as nn\n\nclass ModelNew(nn.Module):\n    def forward(self, x):\n        return x\n"
    assert "no_triton_kernel" in rules(no_kernel)


@pytest.mark.parametrize("snippet,rule", [
    ("torch.cuda.synchronize()", "timer_access"),
    ("e = torch.cuda.Event(enable_timing=True)", "timer_access"),
    ("t = triton.testing.do_bench(lambda: None)", "timer_access"),
    ("torch.cuda.current_stream().synchronize()", "timer_access"),
    ("eval('1')", "forbidden_builtin"),
    ("open('/etc/passwd')", "forbidden_builtin"),
    ("f = getattr(torch, 'relu')", "forbidden_builtin"),
    ("c = x.__class__", "dunder_access"),
    ("g = torch._C", "private_access"),
    ("d = triton.runtime.driver", "forbidden_attribute"),
    ("f = torch.compile(lambda t: t)", "forbidden_attribute"),
    ("r = torch.ops.aten.relu(x)", "forbidden_attribute"),
])
def test_forbidden_calls(snippet: str, rule: str) -> None:
    assert rule in rules(triton_answer(snippet + "\n" + LAUNCH + "return y"))


@pytest.mark.parametrize("module", ["time", "os", "sys", "subprocess", "threading", "multiprocessing",
                                    "inspect", "gc", "ctypes", "importlib", "harness.families.kernels",
                                    "numpy", "functools"])
def test_forbidden_imports(module: str) -> None:
    assert "forbidden_import" in rules(f"import {module}\n" + triton_answer(LAUNCH + "return y"))


def test_monkeypatching_rejected() -> None:
    code = "import torch\ntorch.relu = lambda t: t\n" + triton_answer(LAUNCH + "return y")
    assert "monkeypatch" in rules(code)


def test_missing_model_new() -> None:
    assert "no_model_new" in rules(HEAD)


def test_syntax_error_raises() -> None:
    with pytest.raises(SyntaxError):
        check_static("def broken(:\n", "triton")


def test_load_inline_in_triton_answer_is_wrong_language() -> None:
    code = "from torch.utils.cpp_extension import load_inline\n" + triton_answer(LAUNCH + "return y")
    code += "\next = load_inline(name='x', cpp_sources='', cuda_sources='__global__ void k() {}')\n"
    assert "wrong_language" in rules(code)


CUDA_TEMPLATE = '''
import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

src = r"""
{cuda}
"""
ext = load_inline(name="t", cpp_sources="torch::Tensor f(torch::Tensor x);", cuda_sources=src, functions=["f"])


class ModelNew(nn.Module):
    def forward(self, x):
        return ext.f(x)
'''
KERNEL = "__global__ void k(const float* x, float* y, int n) { int i = threadIdx.x; if (i < n) y[i] = x[i]; }"


@pytest.mark.parametrize("cuda,rule", [
    (KERNEL + "\ntorch::Tensor f(torch::Tensor x) { return at::relu(x); }", "cuda_torch_compute"),
    (KERNEL + "\ntorch::Tensor f(torch::Tensor x) { return torch::matmul(x, x); }", "cuda_torch_compute"),
    (KERNEL + "\ntorch::Tensor f(torch::Tensor x) { return x.sum(); }", "cuda_torch_compute"),
    ("torch::Tensor f(torch::Tensor x) { return torch::empty_like(x); }", "no_cuda_kernel"),
    (KERNEL + "\ntorch::Tensor f(torch::Tensor x) { return torch::empty_like(x); }", "no_kernel_launch"),
])
def test_cuda_rules(cuda: str, rule: str) -> None:
    assert rule in rules(CUDA_TEMPLATE.format(cuda=cuda), "cuda")


def test_cuda_clean_and_names() -> None:
    cuda = KERNEL + ("\ntorch::Tensor f(torch::Tensor x) { auto y = torch::empty_like(x);"
                     " k<<<1, 32>>>(x.data_ptr<float>(), y.data_ptr<float>(), x.numel()); return y; }")
    violations, kernels, exts = analyze(CUDA_TEMPLATE.format(cuda=cuda), "cuda")
    assert violations == [] and kernels == ["k"] and exts[0].functions == ["f"]
    assert "no_load_inline" in rules(triton_answer(LAUNCH + "return y"), "cuda")


def test_cuda_sources_resolved_through_names_and_concatenation() -> None:
    code = CUDA_TEMPLATE.format(cuda=KERNEL).replace('src = r"""', 'PART = "// part\\n"\nsrc = PART + r"""')
    _, _, exts = analyze(code, "cuda")
    assert exts[0].resolved and exts[0].cuda_text.startswith("// part")


@pytest.mark.parametrize("snippet", [
    "torch.save(torch.zeros(1), 'result_check.json')", "torch.backends.cudnn.allow_tf32 = True",
    "torch.set_default_dtype(torch.float64)", "self.f = torch.compile(torch.relu)",
])
def test_global_state_and_io_forbidden_even_in_init(snippet: str) -> None:
    assert rules(triton_answer(LAUNCH + "return y", init=snippet)) & {"forbidden_attribute", "monkeypatch"}


def test_init_may_use_torch_freely() -> None:
    init = "self.w = nn.Parameter(torch.randn(4).relu())"
    assert rules(triton_answer(LAUNCH + "return y", init=init)) == set()


SCALE_KERNEL = """
import math
SCALE = tl.constexpr(math.sqrt(2.0 / math.pi))


@triton.jit
def scale_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.store(y_ptr + offs, tl.load(x_ptr + offs, mask=offs < n) * SCALE, mask=offs < n)
"""
SCALE_LAUNCH = """
y = torch.empty_like(x)
scale_kernel[(triton.cdiv(x.numel(), 256),)](x, y, x.numel(), BLOCK=256)
return y
"""


def test_module_level_constexpr_constant_allowed() -> None:
    """``C = tl.constexpr(<number>)`` is the only way Triton lets a kernel read a module constant
    (a plain global is a NameError in Triton 3.9): an honest answer, not a forbidden call."""
    assert rules(triton_answer(SCALE_LAUNCH, SCALE_KERNEL)) == set()


@pytest.mark.parametrize("value, rule", [
    ("torch.ones(3).sum()", "torch_compute"),  # a tensor value made a compile-time constant
    ("tl.zeros((4,), tl.float32)", "forbidden_call"),  # any other tl call at module level
])
def test_module_level_constexpr_of_a_tensor_rejected(value: str, rule: str) -> None:
    code = SCALE_KERNEL.replace("math.sqrt(2.0 / math.pi)", value)
    assert rule in rules(triton_answer(SCALE_LAUNCH, code))


def test_constexpr_call_in_forward_still_rejected() -> None:
    body = "c = tl.constexpr(2)\n" + SCALE_LAUNCH
    assert "forbidden_call" in rules(triton_answer(body, SCALE_KERNEL))


def _string_annotated(annotation: str) -> str:
    return triton_answer(LAUNCH + "return y").replace("BLOCK: tl.constexpr", f"BLOCK: {annotation}")


def test_string_constexpr_annotation_is_the_constant_triton_sees() -> None:
    """``BLOCK: "tl.constexpr"`` is a compile-time constant to Triton (any annotation holding
    ``constexpr``), as written in TritonBench-G's add_example: accepted, and judged as one."""
    assert rules(_string_annotated('"tl.constexpr"')) == set()
    assert rules(_string_annotated('"triton.language.constexpr"')) == set()


@pytest.mark.parametrize("annotation", ['"my_constexpr"', '"tl.constexpr[0]"', '"int"', "'CX'"])
def test_other_string_annotations_stay_rejected(annotation: str) -> None:
    assert "kernel_body" in rules(_string_annotated(annotation))


def test_a_tensor_passed_as_a_string_constexpr_is_still_caught() -> None:
    """The renamed-constexpr class (red team 3): a tensor made a compile-time constant through the
    annotation; with the string written, the rules see the constant as Triton does."""
    code = triton_answer("""
y = torch.empty_like(x)
copy_kernel[(1,)](x, y, x.numel(), BLOCK=x)
return y
""").replace("BLOCK: tl.constexpr", 'BLOCK: "tl.constexpr"')
    assert rules(code) != set()
