"""Known reward hacks are caught with the right status and rule (end to end, CPU interpreter)."""
from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from tests.kernels.helpers import PROBLEMS, golden, rule_of

HEAD = '''
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def relu_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask, other=0.0)
    tl.store(y_ptr + offs, tl.where(x > 0.0, x, 0.0), mask=mask)


@triton.jit
def copy_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    tl.store(y_ptr + offs, tl.load(x_ptr + offs, mask=mask), mask=mask)
'''


def answer(forward_body: str, init: str = "pass") -> str:
    body = textwrap.indent(textwrap.dedent(forward_body).strip(), " " * 8)
    return HEAD + f"""

class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()
        {init}

    def forward(self, x):
{body}
"""


GRID = "(triton.cdiv(x.numel(), 1024),)"


def test_calling_the_torch_op_is_rejected(run_eval) -> None:
    r = run_eval("relu", answer("return torch.relu(x)"))
    assert r["status"] == "rejected" and rule_of(r) == "torch_compute"
    assert r["stages"]["correctness"]["status"] == "not_run"


def test_returning_the_reference_output_is_rejected(run_eval) -> None:
    code = "from reference import Model\n" + answer("return Model()(x)")
    r = run_eval("relu", code)
    assert r["status"] == "rejected" and rule_of(r) in ("forbidden_import", "reference_call")


def test_try_except_fallback_is_rejected(run_eval) -> None:
    r = run_eval("relu", answer(f"""
        try:
            y = torch.empty_like(x)
            relu_kernel[{GRID}](x, y, x.numel(), BLOCK=1024)
            return y
        except Exception:
            return torch.relu(x)
        """))
    # every branch of a try statement is checked: the fallback computes with torch outside a kernel
    assert r["status"] == "rejected" and rule_of(r) == "torch_compute"


def test_kernel_defined_but_never_launched_static(run_eval) -> None:
    r = run_eval("relu", HEAD + "\nclass ModelNew(nn.Module):\n    def forward(self, x):\n"
                 "        return torch.empty_like(x)\n")
    assert r["status"] == "rejected" and rule_of(r) == "no_kernel_launch"


@pytest.mark.slow
def test_kernel_launch_on_a_dead_path_is_caught_at_runtime(run_eval) -> None:
    r = run_eval("relu", answer(f"""
        y = torch.empty_like(x)
        if x.numel() < 0:
            relu_kernel[{GRID}](x, y, x.numel(), BLOCK=1024)
        return y
        """))
    assert r["status"] == "rejected" and rule_of(r) == "kernel_not_launched"


HIDDEN = answer(f"""
    y = torch.empty_like(x)
    copy_kernel[{GRID}](x, y, x.numel(), BLOCK=1024)
    return getattr(y, "relu")()
    """)


def test_torch_compute_hidden_behind_getattr_is_rejected_statically(run_eval) -> None:
    r = run_eval("relu", HIDDEN)
    assert r["status"] == "rejected"
    assert "forbidden_builtin" in {v["rule"] for v in r["stages"]["static"]["violations"]}


@pytest.mark.slow
def test_runtime_op_recorder_is_a_second_net(run_eval, monkeypatch: pytest.MonkeyPatch) -> None:
    """Defence in depth: with the static stage switched off, the in-process op recorder still
    sees the aten op (it runs in the candidate's process, so it is never the only guard)."""
    import harness.families.kernels.evaluate as ev

    real = ev.analyze
    monkeypatch.setattr(ev, "analyze", lambda code, lang, **kw: ([], *real(code, lang, **kw)[1:]))
    r = run_eval("relu", HIDDEN)
    assert r["status"] == "rejected" and rule_of(r) == "runtime_torch_compute"
    assert "aten::relu" in r["reason"]


@pytest.mark.slow
def test_output_aliasing_an_input_is_rejected(run_eval) -> None:
    r = run_eval("relu", answer(f"""
        relu_kernel[{GRID}](x, x, x.numel(), BLOCK=1024)
        return x
        """))
    assert r["status"] == "rejected" and rule_of(r) == "output_aliases_input"


@pytest.mark.slow
def test_writing_into_the_inputs_is_rejected(run_eval) -> None:
    r = run_eval("relu", answer(f"""
        y = torch.empty_like(x)
        relu_kernel[{GRID}](x, y, x.numel(), BLOCK=1024)
        copy_kernel[{GRID}](y, x, x.numel(), BLOCK=1024)
        return y
        """))
    assert r["status"] == "rejected" and rule_of(r) == "modifies_inputs"


@pytest.mark.slow
def test_reusing_one_output_buffer_across_calls_is_rejected(run_eval) -> None:
    """A lazily allocated workspace is allowed (a fresh allocation is all self may keep), but
    returning it as the output of every call makes the outputs alias: rejected at run time."""
    r = run_eval("relu", answer(f"""
        if self.out is None:
            self.out = torch.empty_like(x)
        relu_kernel[{GRID}](x, self.out, x.numel(), BLOCK=1024)
        return self.out
        """, init="self.out = None"))
    assert r["status"] == "rejected" and rule_of(r) == "output_aliases_output", r["reason"]
    r = run_eval("relu", answer(f"""
        self.out = x.clamp(min=0)
        relu_kernel[{GRID}](x, self.out, x.numel(), BLOCK=1024)
        return self.out
        """, init="self.out = None"))
    assert r["status"] == "rejected" and rule_of(r) in ("module_state", "torch_compute")


@pytest.mark.slow
def test_reusing_a_buffer_made_in_init_is_rejected_at_runtime(run_eval) -> None:
    r = run_eval("relu", answer(f"""
        relu_kernel[{GRID}](x, self.out, x.numel(), BLOCK=1024)
        return self.out.view(x.shape)
        """, init="self.out = torch.empty(37 * 300)"))
    assert r["status"] == "rejected" and rule_of(r) == "output_aliases_output"


@pytest.mark.slow
def test_identity_kernel_is_caught_by_the_negative_distribution(run_eval, tmp_path: Path) -> None:
    identity = answer(f"""
        y = torch.empty_like(x)
        copy_kernel[{GRID}](x, y, x.numel(), BLOCK=1024)
        return y
        """)
    # With only torch.rand inputs ReLU *is* the identity: the hack would pass...
    only_uniform = tmp_path / "relu_uniform"
    shutil.copytree(PROBLEMS / "relu", only_uniform)
    ref = only_uniform / "reference.py"
    ref.write_text(ref.read_text().replace('DISTS = ["normal", "uniform", "negative", "wide"]',
                                           'DISTS = ["uniform"]'))
    assert run_eval(only_uniform, identity)["status"] == "pass"
    # ...the negative-valued distribution catches it.
    ref.write_text(ref.read_text().replace('DISTS = ["uniform"]', 'DISTS = ["uniform", "negative"]'))
    r = run_eval(only_uniform, identity)
    assert r["status"] == "fail" and "/negative/" in r["reason"]
    assert run_eval("relu", identity)["status"] == "fail"


@pytest.mark.parametrize("code,status", [
    ("", "no_code"),
    ("def broken(:\n    pass\n", "syntax_error"),
])
def test_trivial_statuses(run_eval, code: str, status: str) -> None:
    assert run_eval("relu", code)["status"] == status


@pytest.mark.slow
def test_triton_compile_error_is_syntax_error(run_eval) -> None:
    code = golden("relu", "triton").replace("y = tl.where(x > 0.0, x, 0.0)", "y = tl.where(x > 0.0, x, undefined_name)")
    r = run_eval("relu", code)
    assert r["status"] == "syntax_error" and r["stages"]["compile"]["status"] == "syntax_error"
    assert "undefined_name" in r["reason"]


@pytest.mark.slow
def test_forward_exception_is_runtime_error(run_eval) -> None:
    code = golden("relu", "triton").replace("relu_kernel[grid](x, y, n, BLOCK_SIZE=BLOCK_SIZE)",
                                            "relu_kernel[grid](x, y, BLOCK_SIZE=BLOCK_SIZE)")
    r = run_eval("relu", code)
    assert r["status"] == "runtime_error"


@pytest.mark.slow
def test_infinite_loop_times_out(run_eval) -> None:
    r = run_eval("relu", answer(f"""
        y = torch.empty_like(x)
        n = 1
        while n > 0:
            n = n + 1
        relu_kernel[{GRID}](x, y, x.numel(), BLOCK=1024)
        return y
        """), timeout_s=3.0)
    assert r["status"] == "timeout"


def test_problem_error_is_infra_error(run_eval, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "meta.toml").write_text('id = "broken"\n')
    (broken / "reference.py").write_text("raise RuntimeError('bad reference')\n")
    assert run_eval(broken, golden("relu", "triton"))["status"] == "infra_error"
