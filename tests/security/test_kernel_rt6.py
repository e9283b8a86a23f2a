"""Red team 6 (#14), kernels family.

S8: a PEP 263 coding declaration made Python's import decode the answer differently from the str
the static checks parsed (UTF-7: ``+AAo-`` in a comment is a newline, code hidden there ran
unchecked). The worker now compiles the UTF-8 text itself (and gives Triton the same lines through
linecache), and any declaration other than utf-8/ascii is ``rejected`` (``coding_declaration``).

S4: TritonBench-T random operators were checked by their first moment only: a constant 0.5 passed
as ``torch.rand`` and a fixed index pattern as a dropout mask. The random leaves are now tested
for their distribution (Kolmogorov-Smirnov) and for independence of index, value and neighbours
(:mod:`benchmarks.tritonbench.random_stats`); ``draws_random`` knows every torch random API.
"""
from __future__ import annotations

import importlib.util
import inspect
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import torch

from benchmarks.tritonbench.random_ops import draws_random
from benchmarks.tritonbench.random_stats import ALPHA, mask_problems, uniform_problems
from harness.families.kernels.evaluate import evaluate_kernel
from harness.families.kernels.sandboxed.worker_common import load_candidate
from harness.families.kernels.static.check import analyze
from harness.types import Candidate, Status
from tests.kernels.helpers import PROBLEMS, bwrap_usable, shared_runner

HONEST_RELU = (Path(__file__).parent / "kernels" / "honest" / "relu_autotune_helpers.py").read_text()

#: the red team's answer (S8): an identity copy; UTF-7 turns each "+AAo-" into a newline
UTF7_RELU = '''# -*- coding: utf-7 -*-
# ReLU with a Triton kernel +AAo-import numpy as np
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def relu_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    offs = tl.arange(0, BLOCK) - (-pid * BLOCK)
    mask = offs < n
    v = tl.load(x_ptr - (-offs), mask=mask)
    tl.store(y_ptr - (-offs), v, mask=mask)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        xc = x.contiguous()
        y = torch.empty_like(xc)
        n = xc.numel()
        BLOCK = 1024
        # one program per block +AAo-        xc = torch.from_numpy(np.maximum(xc.numpy(), 0))
        relu_kernel[(triton.cdiv(n, BLOCK),)](xc, y, n, BLOCK=BLOCK)
        return y
'''
#: variants: unicode_escape on line 2 (a backslash-n in a comment is a newline); the UTF-7 cookie
#: on Python's line 2 behind an ASCII file separator on line 1 (str.splitlines would call it line 3)
HIDDEN_UTF7 = "# -*- coding: utf-7 -*-\n# note +AAo-HIDDEN = 1\nVISIBLE = 1\n"
HIDDEN_ESCAPE = "#!/usr/bin/env python\n# vim: set fileencoding=unicode_escape :\n# note \\nHIDDEN = 1\nVISIBLE = 1\n"
HIDDEN_LS = "# a\x1cb\n# coding=utf_7\n# +AAo-HIDDEN = 1\nVISIBLE = 1\n"
VARIANTS = {"utf7": HIDDEN_UTF7, "unicode_escape_line2": HIDDEN_ESCAPE, "line2_behind_x1c": HIDDEN_LS}


def _go(tmp_path: Path, problem: Any, code: str) -> dict[str, Any]:
    runner = shared_runner()  # one sandbox and fork servers per test process
    return evaluate_kernel(problem, code, "triton", tmp_path / "w", gpu=False, timeout_s=240.0, seeds=1,
                           runner=runner, ref_cache=tmp_path / "refs")


class TestCodingDeclaration:
    """S8: the text checked is the text run."""

    @pytest.mark.parametrize("code", [UTF7_RELU, *(v.replace("VISIBLE = 1\n", "VISIBLE = 1\n" + HONEST_RELU)
                                                 for v in VARIANTS.values())], ids=["rt6", *VARIANTS])
    def test_other_declarations_are_rejected(self, tmp_path: Path, code: str) -> None:
        r = _go(tmp_path, PROBLEMS / "relu", code)
        assert r["status"] == "rejected" and r["reason"].startswith("coding_declaration"), r["reason"]

    @pytest.mark.parametrize("decl", ["# -*- coding: utf-8 -*-", "# coding=UTF8", "# vim: set fileencoding=ascii :",
                                      "#!/usr/bin/env python3"])
    def test_utf8_and_ascii_declarations_are_accepted(self, decl: str) -> None:
        violations, _, _ = analyze(decl + "\n# Größe ✓\n" + HONEST_RELU, "triton")
        assert violations == [], violations

    @pytest.mark.parametrize("name", sorted(VARIANTS))
    def test_the_worker_never_decodes_by_the_declaration(self, tmp_path: Path, name: str) -> None:
        path = tmp_path / "candidate.py"
        path.write_text(VARIANTS[name], encoding="utf-8")
        spec = importlib.util.spec_from_file_location("rt6_imported", path)
        assert spec is not None and spec.loader is not None
        imported = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(imported)
        assert imported.HIDDEN == 1  # the payload is live under an import (what the worker used to do)
        mod = load_candidate(path, "rt6_loaded")
        assert mod.VISIBLE == 1 and not hasattr(mod, "HIDDEN")
        sys.modules.pop("rt6_loaded", None)

    def test_triton_reads_the_checked_lines(self, tmp_path: Path) -> None:
        """Triton takes a kernel's source from inspect/linecache (the interpreter re-reads it at
        launch): it gets the loaded text with the compiler's line numbers (a form feed, U+2028 and a
        lone CR in comments are no line breaks for it), never what the file says later."""
        path = tmp_path / "candidate.py"
        path.write_text("# a\u2028b\x0cc\x85d\r# e\nimport triton\n\n\n@triton.jit\ndef k(x):\n    pass\n",
                        encoding="utf-8")
        mod = load_candidate(path, "rt6_triton")
        path.write_text("\n" * 6 + "def k(x):\n    evil()\n", encoding="utf-8")
        lines, start = inspect.getsourcelines(mod.k.fn)
        assert lines == ["@triton.jit\n", "def k(x):\n", "    pass\n"] and start == 6
        sys.modules.pop("rt6_triton", None)

    @pytest.mark.slow
    def test_the_attack_without_its_declaration_runs_only_the_visible_copy(self, tmp_path: Path) -> None:
        code = UTF7_RELU.replace("# -*- coding: utf-7 -*-", "# -*- coding: utf-8 -*-")
        r = _go(tmp_path, PROBLEMS / "relu", code)
        assert r["status"] == "fail", r["reason"]  # the identity kernel, judged as what it is

    @pytest.mark.slow
    def test_honest_answer_with_utf8_declaration_and_odd_line_breaks_passes(self, tmp_path: Path) -> None:
        head = "# -*- coding: utf-8 -*-\n# ReLU — Größe ✓ \u2028 (U+2028)\x0c form feed\n"
        code = head + HONEST_RELU.replace("@triton.autotune", "# ⚙ autotune\u2028here\n@triton.autotune", 1)
        r = _go(tmp_path, PROBLEMS / "relu", code)
        assert r["status"] == "pass", r["reason"]


# -- S4: random TritonBench-T operators ------------------------------------------------------------

NOISE_LIKE = '''import torch

def noise_like(x: torch.Tensor) -> torch.Tensor:
    """Uniform random numbers in [0, 1) shaped like x (written for hweval's tests in TritonBench-T's format)."""
    return torch.rand_like(x)

''' + "#" * 146 + '''
import torch

def test_noise_like():
    results = {}
    results["test_case_1"] = noise_like(torch.randn(48, 80, device='cuda'))
    results["test_case_2"] = noise_like(torch.randn(2000, device='cuda'))
    return results

test_results = test_noise_like()
'''

_NOISE_ANSWER = '''import torch
import triton
import triton.language as tl


@triton.jit
def _noise_kernel(y_ptr, n, seed, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    {body}
    tl.store(y_ptr + offs, v, mask=mask)


def noise_like(x):
    y = torch.empty_like(x)
    n = y.numel()
    _noise_kernel[(triton.cdiv(n, 1024),)](y, n, torch.randint(0, 2**31 - 1, (1,)).item(), BLOCK=1024)
    return y
'''
NOISE = {
    "honest_tl_rand": ("v = tl.rand(seed, offs)", "pass"),
    "rt6_constant_half": ("v = tl.full((BLOCK,), 0.5, tl.float32)", "fail"),
    "golden_ratio_sequence": ("w = offs.to(tl.float32) * 0.6180339887\n    v = w - w.to(tl.int32).to(tl.float32)",
                              "fail"),
    "same_draws_every_row": ("v = tl.rand(seed, offs % 80)", "fail"),
}

_DROPOUT_ANSWER = '''import torch
import triton
import triton.language as tl


@triton.jit
def _k(x_ptr, out_ptr, n, p, seed, TRAINING: tl.constexpr, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    y = tl.maximum(tl.load(x_ptr + offs, mask=mask, other=0.0), 0.0)
    if TRAINING:
        {keep}
        y = tl.where(keep, y / (1.0 - p), 0.0)
    tl.store(out_ptr + offs, y, mask=mask)


def relu_dropout(input, p=0.5, training=True, inplace=False):
    x = input.contiguous()
    out = torch.empty_like(x)
    n = x.numel()
    _k[(triton.cdiv(n, 1024),)](x, out, n, p, torch.randint(0, 2**31 - 1, (1,)).item(), TRAINING=training, BLOCK=1024)
    return out
'''
DROPOUT = {
    "honest_tl_rand": ("keep = tl.rand(seed, offs) >= p", "pass"),
    "rt6_even_elements": ("keep = (offs % 2) == 0", "fail"),
    "blocks_of_eight": ("keep = ((offs // 8) % 2) == 0", "fail"),
    "small_values_kept": ("keep = y < tl.where(p < 0.3, 1.2816, 0.6745)", "fail"),
}


@pytest.fixture(scope="module")
def tbt(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from benchmarks.tritonbench import TritonBenchTSuite
    from harness.suite import SuiteOptions
    from tests.kernel_benchmarks.helpers import TRITONBENCH, context

    root = tmp_path_factory.mktemp("tbt")
    folder = root / "data" / "TritonBench_T_v1"
    folder.mkdir(parents=True)
    shutil.copyfile(TRITONBENCH / "data" / "TritonBench_T_v1" / "relu_dropout.py", folder / "relu_dropout.py")
    (folder / "noise_like.py").write_text(NOISE_LIKE)
    (root / "data" / "TritonBench_T_v1.json").write_text(json.dumps([
        {"file": "noise_like.py", "description": "uniform noise shaped like x"},
        {"file": "relu_dropout.py", "description": "ReLU, then dropout"}]))
    suite = TritonBenchTSuite(SuiteOptions(data=str(root), lang="triton"))
    problems = {p.id: p for p in suite.problems()}
    (root / "ctx").mkdir()
    return suite, problems, context(root / "ctx")


class TestRandomOperators:
    """S4: a random leaf must look like independent draws, not only have the right mean."""

    @pytest.mark.parametrize("expr", ["torch.rand_like(x)", "torch.randn_like(x)", "torch.randint_like(x, 9)",
                                      "x.exponential_()", "x.uniform_()", "x.normal_()", "torch.normal(x, 1.0)",
                                      "torch.poisson(x)", "x.random_(0, 5)", "torch.multinomial(x, 2)",
                                      "F.alpha_dropout(x, 0.1)", "nn.Dropout2d(0.1)(x)", "F.rrelu(x)",
                                      "F.gumbel_softmax(x)", "x.bernoulli_(0.5)", "x.geometric_(0.5)"])
    def test_draws_random_knows_every_torch_random_api(self, expr: str) -> None:
        assert draws_random(f"def f(x):\n    return {expr}\n")

    def test_plain_code_is_no_random_draw(self) -> None:
        assert not draws_random("def f(x):\n    return F.normalize(x) + x.randomize\n")

    def test_honest_draws_pass_at_the_edges(self) -> None:
        """torch.rand in float32/16/bf16, tiny and large shapes, p from 0.01 to 0.99: 30 seeds x 14
        cases, each test's false-rejection bound is ALPHA."""
        assert ALPHA <= 1e-6
        for seed in range(30):
            g = torch.Generator().manual_seed(seed)
            for shape, dtype in (((2,), torch.float32), ((3, 1), torch.float32), ((7, 5, 3), torch.float16),
                                 ((64, 128), torch.bfloat16), ((4096,), torch.float32)):
                x = torch.rand(shape, generator=g).to(dtype)
                assert uniform_problems(x) == [], (seed, shape, dtype)
            ref = torch.randn(64, 96, generator=g).clamp(min=0)
            for p in (0.01, 0.2, 0.5, 0.8, 0.99):
                keep = torch.rand(ref.shape, generator=g) >= p
                assert mask_problems(keep, ref > 0, ref, 1 - p) == [], (seed, p)
            assert mask_problems(torch.ones(3, 3, dtype=torch.bool), torch.ones(3, 3, dtype=torch.bool),
                                 torch.ones(3, 3), 1.0) == []  # p = 0: nothing to test

    def test_patterns_are_caught(self) -> None:
        idx = torch.arange(48 * 80).reshape(48, 80)
        ref = torch.randn(48, 80, generator=torch.Generator().manual_seed(3)).clamp(min=0)
        assert uniform_problems(torch.full((48, 80), 0.5))
        assert uniform_problems((idx * 0.6180339887) % 1.0)
        assert uniform_problems(torch.rand(80).expand(48, 80).contiguous())
        for keep in (idx % 2 == 0, (idx // 8) % 2 == 0, (idx // 80) % 2 == 0, ref < ref[ref > 0].median()):
            assert mask_problems(keep, ref > 0, ref, 0.5)

    @pytest.mark.slow
    @pytest.mark.skipif(not bwrap_usable(), reason="bubblewrap not installed")
    def test_references_check_themselves(self, tbt: Any) -> None:
        suite, problems, ctx = tbt
        assert problems["noise_like"].id == "noise_like" and suite.kernel_problem(problems["noise_like"]).meta["random"]
        for pid in ("noise_like", "relu_dropout"):
            verdict = suite.evaluate(problems[pid], Candidate(code="(self-check)", meta={"selfcheck": True}), ctx)
            assert verdict.status == Status.PASS, (pid, verdict.reason)

    @pytest.mark.slow
    @pytest.mark.skipif(not bwrap_usable(), reason="bubblewrap not installed")
    @pytest.mark.parametrize("name", sorted(NOISE))
    def test_uniform_answers(self, tbt: Any, name: str) -> None:
        suite, problems, ctx = tbt
        body, expected = NOISE[name]
        verdict = suite.evaluate(problems["noise_like"], Candidate(code=_NOISE_ANSWER.format(body=body)), ctx)
        assert verdict.status == Status(expected), verdict.reason
        if expected == "fail":
            assert "uniform draws" in verdict.reason, verdict.reason  # the mean, or a pattern

    @pytest.mark.slow
    @pytest.mark.skipif(not bwrap_usable(), reason="bubblewrap not installed")
    @pytest.mark.parametrize("name", sorted(DROPOUT))
    def test_dropout_answers(self, tbt: Any, name: str) -> None:
        suite, problems, ctx = tbt
        keep, expected = DROPOUT[name]
        verdict = suite.evaluate(problems["relu_dropout"], Candidate(code=_DROPOUT_ANSWER.format(keep=keep)), ctx)
        assert verdict.status == Status(expected), verdict.reason
        if expected == "fail":
            assert "mask is not random" in verdict.reason or "kept fraction" in verdict.reason, verdict.reason

    def test_normal_draws_stay_excluded_with_their_reason(self, tbt: Any) -> None:
        """A ``randn_like`` reference is now recognised as random; its leaves cannot be checked yet."""
        from benchmarks.tritonbench.random_ops import classify

        suite, problems, _ = tbt
        kp = suite.kernel_problem(problems["noise_like"])
        g = torch.Generator().manual_seed(5)
        runs = {m: {"keys": ["a"], "values": [torch.randn(300, generator=g)]}
                for m in ("kept", "dropped", "real_a", "real_b")}
        plan, why = classify(kp, runs, [[]])
        assert plan == [] and "not uniform draws" in why
        runs = {m: {"keys": ["a"], "values": [torch.rand(300, generator=g)]} for m in ("kept", "dropped", "real_a", "real_b")}
        assert classify(kp, runs, [[]])[0] == [{"key": "a", "kind": "uniform", "cross": "independent"}]
        runs = {m: {"keys": ["a"], "values": [torch.rand(300, generator=g) * 0.5]}
                for m in ("kept", "dropped", "real_a", "real_b")}  # in [0, 1), but not uniform on it
        plan, why = classify(kp, runs, [[]])
        assert plan == [] and "not uniform draws" in why


# -- the same class at the Python/C++ boundary: load_inline's sources -----------------------------

_REBIND = {
    "augmented_assignment": 'cuda_source += """\\n__global__ void extra_kernel() {}\\n"""\n',
    "for_target": 'for cuda_source in [cuda_source + "\\n// more\\n"]:\n    pass\n',
    "walrus": '_unused = (cuda_source := cuda_source + "\\n// more\\n")\n',
    "list_append": '_srcs = [cuda_source]\n_srcs.append("// more")\n',
    "alias_then_append": '_srcs = [cuda_source]\n_alias = _srcs\n_alias.append("// more")\n',
    "subscript_store": '_srcs = [cuda_source]\n_srcs[0] = "// other"\n',
}


def _rebound(name: str) -> str:
    base = (Path(__file__).resolve().parents[2] / "benchmarks/kernels_core/problems/clamp_scale/solution_cuda.py").read_text()
    i = base.rfind("\n", 0, base.index("load_inline("))
    code = base[:i] + "\n" + _REBIND[name] + base[i:]
    return code.replace("cuda_sources=cuda_source", "cuda_sources=_srcs") if "_srcs" in _REBIND[name] else code


class TestLoadInlineSources:
    """The sources nvcc builds are the ones the checks resolved: no name they come from changes."""

    @pytest.mark.parametrize("name", sorted(_REBIND))
    def test_rebound_or_mutated_sources_are_rejected(self, tmp_path: Path, name: str) -> None:
        code = _rebound(name)
        assert "cuda_sources=" in code
        r = evaluate_kernel(PROBLEMS / "clamp_scale", code, "cuda", tmp_path / "w", gpu=False, timeout_s=60.0,
                            runner=_NO_PROCESS, ref_cache=tmp_path / "refs")
        assert r["status"] == "rejected", r["reason"]
        assert "unstable_source" in {v.rule for v in analyze(code, "cuda")[0]}  # whatever rule is named first

    # Every golden CUDA answer has stable sources: checked as part of "no violation at all" by
    # tests/security/test_kernel_rt7.py (kernels-hard) and tests/kernels/test_problems.py
    # (kernels-core), with the same call, analyze(code, "cuda").


def _no_process(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("a statically rejected answer must not start a process")


_NO_PROCESS = _no_process
