"""Kernel answers: the allowlist rejects every attack of the corpus and accepts honest answers.

``tests/security/kernels/attacks/*.py`` are ModelNew answers to kernels-core ``relu`` that hide
the work somewhere (attack class 6) or cheat at run time (classes 7-8, marked ``expect:``);
``cuda_attacks/`` do the same in CUDA host code; ``honest/`` are ordinary answers in several
styles. The end-to-end runs are in ``test_kernel_attacks_e2e.py``.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from harness.families.kernels.static.check import analyze, scalar_positions
from tests.kernels.helpers import ANSWERS, PROBLEMS

CORPUS = Path(__file__).resolve().parent / "kernels"
ATTACKS = sorted((CORPUS / "attacks").glob("*.py"))
STATIC_ATTACKS = [p for p in ATTACKS if "static: pass" not in p.read_text().splitlines()[0]]
CUDA_ATTACKS = sorted((CORPUS / "cuda_attacks").glob("*.py"))
HONEST = sorted((CORPUS / "honest").glob("*.py"))
HARD = PROBLEMS.parent.parent / "kernels_hard" / "problems"
GOLDENS = sorted(PROBLEMS.glob("*/solution_*.py")) + sorted(HARD.glob("*/solution_*.py"))
FUNCTION_ENTRIES = {"tb_scaled_add_triton.py": "scaled_add", "tb_softmax_temperature_triton.py": "softmax_temperature"}


def _sizes(reference: str) -> frozenset[int | str]:
    """The number positions of ``scalar_positions`` (its ``*@i`` markers name the tensor positions)."""
    return frozenset(x for x in scalar_positions(reference) if isinstance(x, int))


def _rules(code: str, lang: str = "triton", **kw: str) -> set[str]:
    return {v.rule for v in analyze(code, lang, **kw)[0]}


def test_the_corpus_is_there() -> None:
    assert len(STATIC_ATTACKS) >= 50 and len(CUDA_ATTACKS) >= 5 and len(HONEST) >= 4


@pytest.mark.parametrize("path", STATIC_ATTACKS, ids=lambda p: p.stem)
def test_attack_is_rejected_statically(path: Path) -> None:
    assert _rules(path.read_text()), f"{path.name} passed the static allowlist"


@pytest.mark.parametrize("path", CUDA_ATTACKS, ids=lambda p: p.stem)
def test_cuda_host_compute_is_rejected(path: Path) -> None:
    text = path.read_text()
    named = {line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("# rule: ")}
    assert (named or {"cuda_torch_compute"}) <= _rules(text, "cuda")


HOST_COPY = """import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

src = r\"\"\"
__global__ void k(float* y, long long n) { }
torch::Tensor f(torch::Tensor x) {
    auto y = torch::empty_like(x);
    long long n = x.numel();
    COPY
    k<<<1, 1>>>(y.data_ptr<float>(), n);
    return y;
}
\"\"\"
ext = load_inline(name="e", cpp_sources="torch::Tensor f(torch::Tensor x);", cuda_sources=src, functions=["f"])


class ModelNew(nn.Module):
    def forward(self, x):
        return ext.f(x)
"""


@pytest.mark.parametrize("copy, rejected", [
    ("float h[4]; cudaMemcpy(h, x.data_ptr<float>(), 16, cudaMemcpyDeviceToHost);", True),
    ("float h[4]; cudaMemcpy(h, x.data_ptr<float>(), 16, (cudaMemcpyKind)2);", True),
    ("float h[4]; cudaMemcpyAsync(h, x.data_ptr<float>(), 16, cudaMemcpyDefault, 0);", True),
    ("float* m; cudaMallocManaged(&m, 16);", True),
    ("auto c = &cudaMemcpy; (void)c;", True),
    ("float h[4] = {0}; cudaMemcpy(y.data_ptr<float>(), h, 16, cudaMemcpyHostToDevice);", False),
    ("cudaMemcpy(y.data_ptr<float>(), x.data_ptr<float>(), 16, cudaMemcpyDeviceToDevice);", False),
])
def test_host_code_never_reads_device_memory(copy: str, rejected: bool) -> None:
    assert ("cuda_host_copy" in _rules(HOST_COPY.replace("COPY", copy), "cuda")) is rejected


@pytest.mark.parametrize("path", HONEST, ids=lambda p: p.stem)
def test_honest_answer_is_accepted(path: Path) -> None:
    text = path.read_text()
    scalars = frozenset({4}) if "# problem: kernels_hard/varlen_attention" in text else frozenset()
    assert analyze(text, "triton", scalars=scalars)[0] == []


def test_scalar_arguments_come_from_the_reference_not_the_answer() -> None:
    """A forward argument is a size only where the reference's forward annotates a number: the
    answer's own annotation proves nothing (``x: int`` on a tensor position is still a tensor)."""

    hard = HARD / "varlen_attention" / "reference.py"
    assert _sizes(hard.read_text()) == frozenset({4})
    assert _sizes((PROBLEMS / "relu" / "reference.py").read_text()) == frozenset()
    honest = (CORPUS / "honest" / "varlen_scalar_argument.py").read_text()
    assert "torch_compute" in _rules(honest)  # without the reference's word, max_seqlen may be a tensor
    assert analyze(honest, "triton", scalars=frozenset({4}))[0] == []
    lying = _answer("return y if x > 0 else y", "").replace("def forward(self, x):", "def forward(self, x: int):")
    assert "torch_compute" in _rules(lying)
    assert "torch_compute" in {v.rule for v in analyze(lying, "triton", scalars=frozenset({1}))[0]}


KB_SCALE = """import torch
import torch.nn as nn


class Model(nn.Module):
    def forward(self, A, s):
        return A * s


M = 37
s = 3.5


def get_inputs():
    return [torch.rand(M, M), s]
"""


def test_numbers_that_get_inputs_passes_are_sizes() -> None:
    """KernelBench's ``forward(self, A, s)`` with ``get_inputs() -> [A, s]`` and ``s = 3.5``: the
    reference passes a number at position 1, so ``float(s)`` is fine there and nowhere else."""
    from harness.families.kernels.static.check import scalar_positions

    assert _sizes(KB_SCALE) == frozenset({1})
    assert _sizes(KB_SCALE.replace("s = 3.5", "s = 3.5\ns = torch.rand(1)")) == frozenset()
    assert _sizes(KB_SCALE.replace("[torch.rand(M, M), s]", "[torch.rand(M, M), -2]")) == frozenset({1})
    code = _answer("scale = float(s)\nreturn y if scale > 0 else y").replace(
        "def forward(self, x):", "def forward(self, x, s):")
    assert "host_value" in _rules(code)
    assert analyze(code, "triton", scalars=scalar_positions(KB_SCALE))[0] == []


@pytest.mark.parametrize("forward,rule", [
    ("v = int(x)\nreturn y", "host_value"),
    ("v = float(x)\nreturn y", "host_value"),
    ("v = bool(x)\nreturn y", "host_value"),
    ("if x:\n    return y\nreturn y", "host_value"),
    ("while x:\n    break\nreturn y", "host_value"),
    ("return y if x else y", "host_value"),
    ("assert x\nreturn y", "host_value"),
    ("v = not x\nreturn y", "host_value"),
    ("v = x or 1\nreturn y", "host_value"),
    ("v = [1 for _ in range(2) if x]\nreturn y", "host_value"),
    ("k[(x,)](x, y, 1, BLOCK=256)\nreturn y", "host_value"),
    ("g = (x, 1)\nk[g](x, y, 1, BLOCK=256)\nreturn y", "host_value"),
    ("k[lambda meta: (meta['x_ptr'],)](x, y, 1, BLOCK=256)\nreturn y", "host_value"),
    ("def grid(meta):\n    return (x,)\nk[grid](x, y, 1, BLOCK=256)\nreturn y", "host_value"),
    ("v = x.item()\nreturn y", "torch_compute"),
    ("v = x.tolist()\nreturn y", "torch_compute"),
    ("for i in range(x):\n    pass\nreturn y", "torch_compute"),
    ("s = f'{x}'\nreturn y", "torch_compute"),
    ("s = f'{0:{x}}'\nreturn y", "torch_compute"),
    ("s = '{}'.format(x)\nreturn y", "torch_compute"),
    ("s = '%s' % x\nreturn y", "torch_compute"),
    ("s = str(x)\nreturn y", "torch_compute"),
    ("s = format(x)\nreturn y", "forbidden_builtin"),
    ("if x > 0:\n    return y\nreturn y", "torch_compute"),
    ("v = x == 0\nreturn y", "torch_compute"),
    ("v = 0 < x < 1\nreturn y", "torch_compute"),
    ("v = x in [1]\nreturn y", "torch_compute"),
    ("v = [1, 2][x]\nreturn y", "torch_compute"),
    ("v = round(x)\nreturn y", "torch_compute"),
    ("v = x.__index__()\nreturn y", "dunder_access"),
])
def test_a_tensor_never_becomes_a_host_value(forward: str, rule: str) -> None:
    """Issue 14: a (one-element) tensor argument is never turned into a Python value."""
    assert rule in _rules(_answer(forward)), _rules(_answer(forward))


@pytest.mark.parametrize("forward", [
    "if self.training:\n    pass\nreturn y",
    "n = int(x.shape[0]) + int(x.numel()) + len(x) + x.dim()\nreturn y if x is not None else y",
    "outs = [y]\nfor i, o in enumerate(outs):\n    k[(i + 1,)](x, o, o.numel(), BLOCK=256)\nreturn y",
    "print(x, 'ready', sep=' ')\nreturn y if isinstance(x, torch.Tensor) else y",
])
def test_sizes_and_metadata_still_become_host_values(forward: str) -> None:
    assert analyze(_answer(forward), "triton")[0] == []


@pytest.mark.parametrize("path", GOLDENS, ids=lambda p: f"{p.parent.parent.parent.name}/{p.parent.name}/{p.stem}")
def test_golden_solutions_pass_the_rules(path: Path) -> None:
    from harness.families.kernels.static.check import scalar_positions

    lang = "cuda" if path.stem.endswith("cuda") else "triton"
    ref = path.parent / "reference.py"
    scalars = scalar_positions(ref.read_text()) if ref.exists() else frozenset()
    assert analyze(path.read_text(), lang, scalars=scalars)[0] == []


@pytest.mark.parametrize("path", sorted(ANSWERS.glob("*.py")), ids=lambda p: p.stem)
def test_fixture_answers_pass_the_rules(path: Path) -> None:
    entry = FUNCTION_ENTRIES.get(path.name)
    kw = {"entry": entry, "kind": "function"} if entry else {}
    assert analyze(path.read_text(), "triton", **kw)[0] == []


HEAD = """import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def k(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    o = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.store(y_ptr + o, tl.load(x_ptr + o, mask=o < n), mask=o < n)
"""


def _answer(forward: str, extra: str = "") -> str:
    body = "\n".join("        " + line for line in forward.strip().splitlines())
    return HEAD + extra + f"""

class ModelNew(nn.Module):
    def forward(self, x):
        y = torch.empty_like(x)
        k[(triton.cdiv(x.numel(), 256),)](x, y, x.numel(), BLOCK=256)
{body}
"""


@pytest.mark.parametrize("forward,rule", [
    ("return y.exp()", "torch_compute"),
    ("return y if x.numel() > 0 else y * 0", "torch_compute"),
    ("z = y.view(-1)\nreturn z[z.argmax()]", "torch_compute"),
    ("return triton.language.maximum(y, 0)", "forbidden_call"),
    ("return torch.empty_like(y, _internal=1)", "private_access"),
    ("n = x\nreturn triton.cdiv(n, 2)", "torch_compute"),
    ("f = y.relu\nreturn f()", "forbidden_attribute"),
    ("return [t for t in y]", "torch_compute"),
    ("return x.new_tensor(x.tolist())", "torch_compute"),
    ("import math\nreturn y", "forbidden_import"),
    ("del y\nreturn x", "forbidden_statement"),
    ("self.n = 1\nreturn y", "module_state"),
])
def test_rules_on_small_variants(forward: str, rule: str) -> None:
    assert rule in _rules(_answer(forward))


@pytest.mark.parametrize("forward,extra", [
    ("return y.view(x.shape).contiguous()", ""),
    ("n = x.shape[0] * x.shape[1] if x.dim() == 2 else x.numel()\nassert n >= 0\nreturn y", ""),
    ("return (y, x.shape[0] // 2)[0]", ""),
    ("outs = []\nfor t in (y,):\n    outs.append(t)\nreturn outs[0]", ""),
    ("return helper(y, 4)", "\n\ndef helper(t, blocks):\n    grid = (triton.cdiv(t.numel(), blocks * 64),)\n    return t\n"),
])
def test_ordinary_python_is_accepted(forward: str, extra: str) -> None:
    assert analyze(_answer(forward, extra), "triton")[0] == []


def test_the_evaluator_has_no_unsandboxed_default(tmp_path: Path) -> None:
    """Attack class 11: evaluate_kernel / reference_check need a runner or sandbox."""
    from harness.families.kernels.evaluate import evaluate_kernel, reference_check
    from harness.families.kernels.runner import as_runner

    code = (PROBLEMS / "relu" / "solution_triton.py").read_text()
    with pytest.raises(TypeError):
        evaluate_kernel(PROBLEMS / "relu", code, "triton", tmp_path, gpu=False, timeout_s=5)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        reference_check(PROBLEMS / "relu", tmp_path, gpu=False, timeout_s=5)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        as_runner(None, gpu=False)


RULED = [p for p in ATTACKS if "\n# rule: " in p.read_text()]


@pytest.mark.parametrize("path", RULED, ids=lambda p: p.stem)
def test_attack_is_rejected_with_its_rule(path: Path) -> None:
    """Attacks that name their rule (``# rule: X`` lines): each named rule is reported."""
    code = path.read_text()
    want = {line.split(":", 1)[1].strip() for line in code.splitlines() if line.startswith("# rule: ")}
    assert want and want <= _rules(code), (path.name, _rules(code))


def test_red_team_answers_are_in_the_corpus() -> None:
    names = {p.stem for p in RULED}
    assert {"c6_rt_k1_tl_core_builtins_exec", "c6_rt_k3_max_key_exec", "c6_rt_k4_typing_operator"} <= names


KERNEL_OK = """import torch
import torch.nn as nn
import triton
import triton.language as tl
import math
from typing import Optional
from triton.language.extra import libdevice


@triton.jit
def k(x_ptr, y_ptr, n, BLOCK: tl.constexpr, OUT: tl.constexpr):
    o = tl.program_id(0).to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    x = tl.load(x_ptr + o, mask=o < n, other=0.0).to(tl.float32)
    z = tl.maximum(x, 0.0, propagate_nan=tl.PropagateNan.ALL) + tl.math.exp(x) * 0 + libdevice.tanh(x) * 0
    w = triton.language.where(x > 0, z, x.sum(axis=0) * 0)
    tl.static_assert(BLOCK.value > 0 and x_ptr.dtype.element_ty.primitive_bitwidth > 0)
    rows = (o % n)[:, None] + 0 * (o < n)[None, :]
    tl.static_assert(rows.shape[0] == BLOCK)
    tl.store(y_ptr + o, w.to(OUT), mask=o < n)


class ModelNew(nn.Module):
    def forward(self, x: torch.Tensor, scale: Optional[float] = None) -> torch.Tensor:
        y = torch.empty_like(x)
        block = max([128, 256], key=lambda b: b)
        k[lambda meta: (triton.cdiv(meta["n"], meta["BLOCK"]),)](x, y, x.numel(), BLOCK=block, OUT=tl.float32)
        return y
"""


def test_honest_triton_language_uses_are_accepted() -> None:
    """libdevice, tl.math, PropagateNan, value attributes, dtypes as launch arguments, a lambda key."""
    assert analyze(KERNEL_OK, "triton")[0] == []


@pytest.mark.parametrize("old,new,rule", [
    ("tl.math.exp(x)", "tl.math.core.builtins.exec('1')", "kernel_body"),
    ("libdevice.tanh(x)", "libdevice.core.inspect.stack()", "kernel_body"),
    ("x.sum(axis=0)", "x.handle.data.sum()", "kernel_body"),
    ("x_ptr.dtype.element_ty", "tl.sum.get_capture_scope()", "kernel_body"),
    ("tl.PropagateNan.ALL", "tl.PropagateNan.ALL.__class__", "dunder_access"),
    ("from typing import Optional", "from typing import sys as Optional", "forbidden_import"),
    ("from triton.language.extra import libdevice", "from triton.language.extra import pkgutil as libdevice",
     "forbidden_import"),
    ("OUT=tl.float32", "OUT=tl.core.builtins.exec", "forbidden_attribute"),
    ("w.to(OUT)", "w.to(OUT())", "kernel_body"),
    ('meta["n"]', 'meta["x_ptr"]', "torch_compute"),
    ("(o % n)[:, None]", "(n * 1)[:, None]", "kernel_body"),
    ("key=lambda b: b", "key=tl.cdiv", "forbidden_call"),
    ("key=lambda b: b", "key=math.floor", "forbidden_call"),
    ("scale: Optional[float]", "scale: max([Optional], key=print)", "forbidden_call"),
])
def test_one_step_off_the_triton_language_allowlist_is_rejected(old: str, new: str, rule: str) -> None:
    assert old in KERNEL_OK
    assert rule in _rules(KERNEL_OK.replace(old, new))


def test_typing_names_only_in_annotations() -> None:
    code = KERNEL_OK.replace("block = max(", "hint = Optional[int]\n        block = max(")
    assert "forbidden_attribute" in _rules(code)


def test_triton_language_lists_match_the_installed_triton() -> None:
    """Every listed name is a real Triton object that is not a module; the public API is listed;
    no value attribute is a JITFunction's own (``get_capture_scope``, ``fn``, ``run`` ...)."""
    import types

    from harness.families.kernels.static import tl as TL

    tl = pytest.importorskip("triton.language")
    public = {n for n in tl.__all__ if not isinstance(getattr(tl, n), types.ModuleType)}
    assert public <= TL.TL_NAMES
    assert all(not isinstance(getattr(tl, n), types.ModuleType) for n in TL.TL_NAMES if hasattr(tl, n))
    from triton.language.extra import libdevice

    assert all(callable(getattr(libdevice, n)) and not isinstance(getattr(libdevice, n), types.ModuleType)
               for n in TL.LIBDEVICE_NAMES if hasattr(libdevice, n))
    assert "core" not in TL.LIBDEVICE_NAMES | TL.TL_MATH_NAMES and "handle" not in TL.KERNEL_VALUE_ATTRS
    assert TL.KERNEL_VALUE_ATTRS & set(dir(tl.sum)) <= {"type"}  # constexpr_type: .value is tl.sum again


@pytest.mark.parametrize("path,module", [
    ("torch.sys.modules", "torch.sys"), ("torch.os.system", "torch.os"),
    ("torch.serialization.pickle.loads", "torch.serialization.pickle"), ("torch.nn", "torch.nn"),
    ("torch.nn.init.kaiming_uniform_", None), ("torch.nn.Linear", None), ("torch.randn", None),
    ("torch.Tensor.normal_", None), ("torch.nn.functional.gelu", None),
])
def test_init_torch_paths_never_reach_a_module(path: str, module: str | None) -> None:
    """``__init__`` may call any torch function, but no path through a module re-exported by torch."""
    from harness.families.kernels.static.torch_paths import module_on_path

    pytest.importorskip("torch")
    assert module_on_path(path) == module


def test_init_weights_with_torch_still_accepted() -> None:
    code = _answer("return y", "").replace(
        "class ModelNew(nn.Module):\n", "class ModelNew(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.w = nn.Parameter(torch.randn(4, 4))\n        nn.init.kaiming_uniform_(self.w)\n\n")
    assert analyze(code, "triton")[0] == []
    assert "forbidden_attribute" in _rules(code.replace("nn.init.kaiming_uniform_(self.w)", "torch.os.getpid()"))


RT2_DETAILS = {  # red team 2: tensor values laundered into sizes; each attack is caught where it launders
    "c6_rt2_torch_size_of_tensor_values": "torch.Size() on a tensor",
    "c6_rt2_torch_size_row_max": "torch.Size() on a tensor",
    "c6_rt2_torch_size_softmax": "tensor arithmetic",
    "c6_rt2_list_append_grid": "tensor arithmetic",
    "c6_rt2_list_append_grid_softmax": "tensor arithmetic",
    "c6_rt2_list_append_forward": "tensor arithmetic",
    "c6_rt2_list_alias_append": "puts a tensor into b2",
    "c6_rt2_list_alias_setitem": "puts a tensor into b2",
    "c6_rt2_list_helper_append": "puts a tensor into box",
    "c6_rt2_loop_carried_alias_chain": "tensor arithmetic",
    "c6_rt2_size_from_narrow_offset": ".narrow() with a tensor argument",
    "c6_rt2_unpack_tensor_items": "float() on a tensor",
    "c6_rt2_default_argument_grid": "tensor arithmetic",
}


@pytest.mark.parametrize("stem,detail", sorted(RT2_DETAILS.items()))
def test_red_team_2_values_never_become_sizes(stem: str, detail: str) -> None:
    found = analyze((CORPUS / "attacks" / f"{stem}.py").read_text(), "triton")[0]
    assert any(v.rule == "torch_compute" and detail in v.detail for v in found), found


@pytest.mark.parametrize("forward,detail", [
    ("for b in torch.Size(x.view(-1)):\n    pass\nreturn y", "torch.Size() on a tensor"),
    ("s = torch.broadcast_shapes(x)\nreturn y", "torch.broadcast_shapes() on a tensor"),
    ("d = torch.device(x)\nreturn y", "torch.device() on a tensor"),
    ("c = triton.Config({'BLOCK': x.view(-1)[0]})\nreturn y", "triton.Config() on a tensor"),
    ("p = torch.cuda.get_device_properties(x)\nreturn y", "torch.cuda.get_device_properties() on a tensor"),
    ("y.view(-1)[0].fill_(x.view(-1)[0])\nreturn y", ".fill_() with a tensor value"),
    ("return y.view(-1).narrow(0, x.view(-1)[0], 1)", ".narrow() with a tensor argument"),
    ("n = torch.empty(x.view(-1)[0]).numel()\nreturn y", "torch.empty() with a tensor shape"),
    ("n = torch.full((x.view(-1)[0],), 1.0).numel()\nreturn y", "torch.full() with a tensor shape"),
    ("d = {}\ne = d\ne.setdefault(0, x)\nreturn y if d[0] > 0 else y", "puts a tensor into e"),
    ("a = []\nfor t in (x, y):\n    a.append(t)\nreturn y if a[0] > 0 else y", "compares tensor values"),
    ("a = [0]\na[0] = x\nreturn y if a.pop() > 0 else y", "compares tensor values"),
    ("a = []\na.append(x)\nfor t in a:\n    y = t * 2\nreturn y", "tensor arithmetic"),
    ("a = []\na.append(x)\nfor i, t in enumerate(a):\n    n = t + 1\nreturn y", "tensor arithmetic"),
    ("a = []\na.append(x)\nfor t, n in zip(a, [4]):\n    m = t * n\nreturn y", "tensor arithmetic"),
    ("d = {}\nd['x'] = x\nreturn y if d.get('x') > 0 else y", "compares tensor values"),
    ("a = []\na.append(x)\nreturn y if max(a) > 0 else y", "max() on a tensor"),
    ("b = torch.empty(0)\nfor t in b:\n    pass\nreturn y", "iterates over a tensor"),
    ("r0, *rest = x\ne0, *_ = r0\nv = float(e0)\nreturn y", "float() on a tensor"),
    ("a = [*x]\nfor t in a:\n    if t:\n        pass\nreturn y", "branches on tensor values"),
    ("a = []\na.extend(x)\nfor t in a:\n    if t:\n        pass\nreturn y", "branches on tensor values"),
    ("n = x.size(x.view(-1)[0])\nreturn y", ".size() with a tensor argument"),
    ("for t, n in [(x, 4)]:\n    m = int(t)\nreturn y", "int() on a tensor"),
    ("xv = x.view(-1)\nm = max(range(x.numel()), key=lambda i: xv[int(i)])\nreturn y", "max(key=...) compares"),
    ("def g(t=x):\n    return t * 2\nreturn g()", "tensor arithmetic"),
    ("g = lambda t=x: t * 2\nreturn g()", "tensor arithmetic"),
    ("g = lambda *ts: ts[1] * 2\nreturn g(4, x)", "tensor arithmetic"),
    ("g = lambda **kw: kw['t'] * 2\nreturn g(t=x)", "tensor arithmetic"),
    ("k[lambda meta, t=x: (int(t * 2),)](x, y, 0, BLOCK=16)\nreturn y", "tensor arithmetic"),
])
def test_tensor_values_never_become_sizes(forward: str, detail: str) -> None:
    found = analyze(_answer(forward), "triton")[0]
    assert any(v.rule == "torch_compute" and detail in v.detail for v in found), found


@pytest.mark.parametrize("forward", [
    "outs = []\nouts.append(y)\nouts.insert(0, x)\nreturn outs[1]",
    "d = {}\nd.setdefault('y', y)\nd.update(x=x)\nreturn d['y']",
    "z = torch.empty_like(x, dtype=torch.finfo(x.dtype).dtype, device=torch.device(x.device))\nreturn y",
    "z = torch.full((x.shape[0],), 1.0, device=x.device)\nw = torch.full_like(x, 2.0)\nreturn y.view_as(x).to(z)",
    "s = torch.Size([x.shape[0], 2])\nb = torch.broadcast_shapes(x.shape, y.shape)\nreturn y.new_full(s, 0.5)",
    "outs = []\nouts.append(y)\nfor o in outs:\n    k[(1,)](x, o, o.numel(), BLOCK=256)\nreturn outs[0]",
    "outs = [y]\nfor o, s in zip(outs, [2]):\n    k[(s,)](x, o, o.numel(), BLOCK=256)\nreturn list(outs)[len(outs) - 1]",
    "m = min([(64, 2), (128, 4)], key=lambda c: c[1])\nk[(m[0],)](x, y, y.numel(), BLOCK=256)\nreturn y",
    "def g(*ts, **kw):\n    return len(ts) * 2 + len(kw)\nk[(g(4, 5, n=x.numel()),)](x, y, 0, BLOCK=16)\nreturn y",
    "def g(n, b=64):\n    return n // b\nk[(g(x.numel()),)](x, y, 0, BLOCK=16)\nreturn y",
    "a, b = y, 4\nk[(b * 2,)](x, a, a.numel(), BLOCK=256)\nreturn a",
    "d = {}\nd['y'] = y\nfor key, o in d.items():\n    k[(1,)](x, o, o.numel(), BLOCK=256)\nreturn d.get('y')",
])
def test_containers_and_size_calls_of_sizes_are_accepted(forward: str) -> None:
    assert analyze(_answer(forward), "triton")[0] == []


def test_the_op_recorder_sees_torch_in_grid_callables_and_heuristics(monkeypatch: pytest.MonkeyPatch) -> None:
    """The run-time net (red team 2): a launch grid callable or a heuristic value is the answer's
    code, so its torch ops are recorded; only the kernel's own launch (depth > 0) is exempt."""
    import torch
    from triton.runtime.autotuner import Autotuner, Heuristics
    from triton.runtime.interpreter import InterpretedFunction
    from triton.runtime.jit import JITFunction

    from harness.families.kernels.sandboxed import hooks

    def fake_run(self: object, *args: object, grid: object, warmup: bool, **kwargs: object) -> object:
        torch.ones(2).neg()  # the launcher's own ops: exempt
        return grid({"x": torch.ones(2)}) if callable(grid) else grid  # type: ignore[call-arg]

    def fake_heuristics(self: object, *args: object, **kwargs: object) -> object:
        kwargs["BLOCK"] = (lambda meta: meta["x"].sigmoid())(kwargs)
        return JITFunction.run(self, *args, **kwargs)  # type: ignore[arg-type]

    for cls in (JITFunction, InterpretedFunction):
        monkeypatch.setattr(cls, "run", fake_run)
    monkeypatch.setattr(Heuristics, "run", fake_heuristics)
    monkeypatch.setattr(Autotuner, "run", Autotuner.run)
    monkeypatch.setattr(Autotuner, "_bench", Autotuner._bench)
    counter = hooks.LaunchCounter()
    hooks.install_triton_hooks(counter, cpu=True)
    recorder = hooks.make_op_recorder(counter)
    with recorder:
        JITFunction.run(object(), grid=lambda meta: (meta["x"].exp(), (1,))[1], warmup=False)  # type: ignore[arg-type]
        Heuristics.run(object(), grid=(1,), warmup=False, x=torch.ones(2))  # type: ignore[arg-type]
    assert recorder.ops["aten::exp"] == 1 and recorder.ops["aten::sigmoid"] == 1, recorder.ops
    assert "aten::neg" not in recorder.ops and counter.depth == 0 and counter.count == 2


HELPER = """import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def _outer(a, b):
    return a[:, None] * b[None, :]


@triton.jit
def k(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    o = tl.arange(0, BLOCK)
    v = tl.load(x_ptr + o, mask=o < n, other=0.0)
    CALL
    tl.store(y_ptr + o, tl.sum(t, axis=1), mask=o < n)


class ModelNew(nn.Module):
    def forward(self, x):
        y = torch.empty_like(x)
        LAUNCH
        return y
"""


@pytest.mark.parametrize("call, launch, rejected", [
    # a device helper (called only from kernels, with Triton values) indexes its parameters: honest
    ("t = _outer(v, v)", "k[(1,)](x, y, x.numel(), BLOCK=1024)", False),
    # the caller hands the helper one of its own raw parameters: the helper may get a host object
    ("t = _outer(x_ptr, v)", "k[(1,)](x, y, x.numel(), BLOCK=1024)", True),
    # the helper is also launched from the host with lists: its parameters are host objects there
    ("t = _outer(v, v)", "k[(1,)](x, y, x.numel(), BLOCK=1024)\n        _outer[(1,)]([x, y], [x, y])", True),
])
def test_device_helpers_may_index_their_parameters(call: str, launch: str, rejected: bool) -> None:
    code = HELPER.replace("CALL", call).replace("LAUNCH", launch)
    assert ("kernel_body" in _rules(code)) is rejected
