"""Red team 16: the program counter and the scan counts driven over only part of their declared range.

A design that keeps only the bits the stimulus used passed: verilog-hard ``rv32im_core`` and
``rv32_mext_modify`` with a 15-bit pc (the shared program generator ``tb_models/rv32_iss.py`` kept every
instruction below 0x8000; the pc and the memory port are 32 bits), and ``jpeg_huff_dec`` with
``num_mcus[3:0]`` and ``restart_interval[1:0]`` (the testbench drew 1 to 12 MCUs and intervals 0 to 3;
both inputs are 16 bits). The testbenches now cover the declared ranges: every rv32 program leaves the
code at 0 through far jumps (LUI then JALR) into two regions at high addresses, the first with random
high bits in one program and their complement in the next (every pc bit from 15 to 31 is 1 somewhere),
the second a few instructions below a multiple of 2^k (k = 31 in the first program) so that the pc carries
across bit k, each region starting with an AUIPC; jpeg_huff_dec runs a scan of 65 to 72 MCUs with
intervals 4 to 64, and for every bit of num_mcus and restart_interval from 4 to 15 a scan started with
2^b + 1 MCUs and an interval of 2^c + 1 whose first two MCUs are checked before a reset ends it. The red team's answers, kept in
``fixtures_rt16/``, must fail under whatever seed the evaluator draws.

The same class, found here rather than by the red team: the inflate benches (``deflate_bench`` for
inflate_fixed and inflate_debug, ``inflate_full_bench``) sent stored blocks of at most 40 bytes or of
4100 to 4400 bytes (inflate_full: at most 30, 700, 1600 and 32768), so LEN bits 9 to 11 and 13 to 15
(inflate_full: 11 to 14) were never 1; a decoder with a 13-bit LEN passed inflate_fixed. Each bench now sends, for every LEN bit k from 6 to 15,
a stored block of 2^k + r bytes whose first r + 32 bytes are checked before the stream is abandoned (the
next one starts after a reset). The narrowed decoders are built from the references by replacement.
"""
from __future__ import annotations

import importlib.util
import random
from pathlib import Path
from types import ModuleType

import pytest

from benchmarks.verilog_hard import VerilogHardSuite
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext, SuiteOptions
from harness.types import Completion, Status, Verdict

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures_rt16"
HARD = HERE.parents[1] / "benchmarks" / "verilog_hard"
PROBLEMS = HARD / "problems"

#: problem id -> (the red team's answer in fixtures_rt16/, the module it declares)
ANSWERS = {"rv32im_core": ("rv32im_pc15.v", "rv32im_core"),
           "rv32_mext_modify": ("rv32mext_pc15.v", "rv32im_ma_core"),
           "jpeg_huff_dec": ("jpeg_narrow.v", "jpeg_huff_dec")}


#: problem id -> (text in ref.v, its replacement): the stored block's LEN loses bits
_LEN_FIXED = ("                        len <= acc_n[15:0];\n                        if (acc_n[15:0] != ~acc_n[31:16])",
              "                        len <= {3'd0, acc_n[12:0]};\n                        if (acc_n[15:0] != ~acc_n[31:16])")
NARROWED = {"inflate_fixed": _LEN_FIXED, "inflate_debug": _LEN_FIXED,
            "inflate_full": ("                    len <= acc_n[15:0];\n                    if (acc_n[15:0] != ~acc_n[31:16])",
                             "                    len <= acc_n[15:0] & 16'hDFFF;\n                    if (acc_n[15:0] != ~acc_n[31:16])")}


def narrowed(pid: str) -> str:
    text = (PROBLEMS / pid / "ref.v").read_text()
    old, new = NARROWED[pid]
    assert text.count(old) == 1, (pid, text.count(old))
    return text.replace(old, new)


def rv32_iss() -> ModuleType:
    spec = importlib.util.spec_from_file_location("rv32_iss_rt16", HARD / "tb_models" / "rv32_iss.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def evaluate(pid: str, code: str, work: Path) -> Verdict:
    suite = VerilogHardSuite(SuiteOptions(extra={"lint": "off", "fallback": "off"}))
    problem = next(p for p in suite.problems() if p.id == pid)
    candidate = suite.extract(problem, Completion(suite.name, pid, 0, f"```verilog\n{code}```\n"))
    assert candidate is not None
    work.mkdir(parents=True, exist_ok=True)
    return suite.evaluate(problem, candidate, EvalContext(sandbox=BubblewrapSandbox(), scratch_root=work,
                                                          cache_dir=work / "cache"))


@pytest.mark.parametrize("pid", sorted(ANSWERS))
def test_the_answer_is_a_narrowed_reference(pid: str) -> None:
    """Pure text: the fixture declares the problem's module and differs from its reference."""
    name, module = ANSWERS[pid]
    code = (FIXTURES / name).read_text()
    assert f"module {module} (" in code
    assert code != (PROBLEMS / pid / "ref.v").read_text()


@pytest.mark.parametrize("pid", sorted(NARROWED))
def test_the_narrowed_decoders_are_built(pid: str) -> None:
    """Pure text: every replacement finds what it expects (a changed ref.v breaks this loudly)."""
    assert narrowed(pid) != (PROBLEMS / pid / "ref.v").read_text()


@pytest.mark.parametrize("seed", range(20))
def test_rv32_programs_reach_every_pc_bit(seed: int) -> None:
    """Pure Python: the three programs of a bench run code with every pc bit from 2 to 31 set, an AUIPC
    in each far region, and carry the pc across a multiple of 2^31 and of 2^k in the others."""
    iss = rv32_iss()
    rng = random.Random(seed)
    far = iss.far_regions(rng, 3)
    seen_or, auipc_far = 0, 0
    for i, n in enumerate((700, 900, 700)):
        gen = iss.Generator(rng, misaligned=bool(seed % 2), far=far[i])
        trace, _ = gen.build(n)
        assert len(trace) == n
        pcs = [rec[0] for rec in trace]
        for pc in pcs:
            seen_or |= pc
        lo, _hi = far[i][1], far[i][1] + iss.CODE_LIMIT
        boundary = (lo + 0x1000) & ~0xFFF   # the multiple of 2^k just above the region's start
        assert any(p < boundary for p in pcs) and any(p >= boundary for p in pcs if p >= lo)
        if i == 0:
            assert boundary == 0x80000000
        auipc_far += sum(1 for pc, ins, *_ in trace if ins & 0x7F == 0x17 and pc >= iss.LOW_END)
    assert seen_or == 0xFFFFFFFC
    assert auipc_far >= 6


@pytest.mark.slow
@pytest.mark.parametrize("pid", sorted(ANSWERS))
def test_a_narrowed_answer_fails(pid: str, tmp_path: Path) -> None:
    verdict = evaluate(pid, (FIXTURES / ANSWERS[pid][0]).read_text(), tmp_path / pid)
    assert verdict.status is Status.FAIL, (verdict.status, verdict.reason[:400])



@pytest.mark.slow
@pytest.mark.parametrize("pid", sorted(NARROWED))
def test_a_narrowed_stored_length_fails(pid: str, tmp_path: Path) -> None:
    """inflate_full's bench runs these cases first, so the narrowed decoder fails within seconds."""
    verdict = evaluate(pid, narrowed(pid), tmp_path / pid)
    assert verdict.status is Status.FAIL, (verdict.status, verdict.reason[:400])
