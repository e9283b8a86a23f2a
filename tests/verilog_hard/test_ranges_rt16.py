"""Red team 16: configuration and length inputs driven over only part of their declared range.

A design that keeps only the bits the stimulus used passed, with a better area than the reference:
verilog-hard ``spi_master`` with ``div[1:0]`` and ``nbytes[1:0]`` (the testbench drew div 0..3 and
nbytes 0..2; the spec declares an 8-bit divider and a 4-bit byte count), and ``dma_desc`` with
``len[5:0]`` (blocks of at most 60 words; the spec allows 0..65535). The testbenches now cover the
declared ranges (spi_master: 16 bytes at nbytes = 15, a whole byte at div = 255, and a transfer per
divider bit cut by a reset after its first toggle; dma_desc: a length of 0x0100 copied whole, a
block of 1024 to 1279 words at full speed, a block of 2^k + r words for every length bit k from 6
to 14 cut by a reset once a design without bit k would have finished, and source and destination
areas anywhere in the 16-bit space). The red team's answers, kept in ``fixtures_rt16/``, must fail
(under whatever seed the evaluator draws: the cases that catch them are directed).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.verilog_hard import VerilogHardSuite
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext, SuiteOptions
from harness.types import Completion, Status, Verdict

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures_rt16"
PROBLEMS = HERE.parents[1] / "benchmarks" / "verilog_hard" / "problems"

#: problem id -> the red team's answer (a file in fixtures_rt16/)
ANSWERS = {"spi_master": "spi_master_narrow.v", "dma_desc": "dma_desc_len6.v"}


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
    code = (FIXTURES / ANSWERS[pid]).read_text()
    assert f"module {pid} (" in code
    assert code != (PROBLEMS / pid / "ref.v").read_text()


@pytest.mark.slow
@pytest.mark.parametrize("pid", sorted(ANSWERS))
def test_a_narrowed_answer_fails(pid: str, tmp_path: Path) -> None:
    verdict = evaluate(pid, (FIXTURES / ANSWERS[pid]).read_text(), tmp_path / pid)
    assert verdict.status is Status.FAIL, (verdict.status, verdict.reason[:400])
