"""Kernel answers: the allowlist rejects every attack of the corpus and accepts honest answers.

``tests/security/kernels/attacks/*.py`` are ModelNew answers to kernels-core ``relu`` that hide
the work somewhere (attack class 6) or cheat at run time (classes 7-8, marked ``expect:``);
``cuda_attacks/`` do the same in CUDA host code; ``honest/`` are ordinary answers in several
styles. The end-to-end runs are in ``test_kernel_attacks_e2e.py``.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from harness.families.kernels.static import analyze
from tests.kernels.helpers import ANSWERS, PROBLEMS

CORPUS = Path(__file__).resolve().parent / "kernels"
ATTACKS = sorted((CORPUS / "attacks").glob("*.py"))
STATIC_ATTACKS = [p for p in ATTACKS if "static: pass" not in p.read_text().splitlines()[0]]
CUDA_ATTACKS = sorted((CORPUS / "cuda_attacks").glob("*.py"))
HONEST = sorted((CORPUS / "honest").glob("*.py"))
HARD = PROBLEMS.parent.parent / "kernels_hard" / "problems"
GOLDENS = sorted(PROBLEMS.glob("*/solution_*.py")) + sorted(HARD.glob("*/solution_*.py"))
FUNCTION_ENTRIES = {"tb_scaled_add_triton.py": "scaled_add", "tb_softmax_temperature_triton.py": "softmax_temperature"}


def _rules(code: str, lang: str = "triton", **kw: str) -> set[str]:
    return {v.rule for v in analyze(code, lang, **kw)[0]}


def test_the_corpus_is_there() -> None:
    assert len(STATIC_ATTACKS) >= 50 and len(CUDA_ATTACKS) >= 5 and len(HONEST) >= 4


@pytest.mark.parametrize("path", STATIC_ATTACKS, ids=lambda p: p.stem)
def test_attack_is_rejected_statically(path: Path) -> None:
    assert _rules(path.read_text()), f"{path.name} passed the static allowlist"


@pytest.mark.parametrize("path", CUDA_ATTACKS, ids=lambda p: p.stem)
def test_cuda_host_compute_is_rejected(path: Path) -> None:
    assert "cuda_torch_compute" in _rules(path.read_text(), "cuda")


@pytest.mark.parametrize("path", HONEST, ids=lambda p: p.stem)
def test_honest_answer_is_accepted(path: Path) -> None:
    assert analyze(path.read_text(), "triton")[0] == []


@pytest.mark.parametrize("path", GOLDENS, ids=lambda p: f"{p.parent.parent.parent.name}/{p.parent.name}/{p.stem}")
def test_golden_solutions_pass_the_rules(path: Path) -> None:
    lang = "cuda" if path.stem.endswith("cuda") else "triton"
    assert analyze(path.read_text(), lang)[0] == []


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
