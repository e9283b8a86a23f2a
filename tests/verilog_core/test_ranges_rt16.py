"""Red team 16: configuration inputs driven over only part of their declared range.

verilog-core ``timer_irq``: a design whose reload register dropped bits 6 and 5 passed with a better
area than the reference, because the only periodic reloads the testbench let run to an expiry were
20 (the reset value), 3, 0, 0x80 and random values below 32. The testbench now runs, for every
reload bit k in a drawn order, a reload value with bit k set and random lower bits to its expiry
and past it (so the reloaded count shows the whole value), then 0xFF, and its random writes draw
from the whole 8-bit range. The red team's answer, kept in ``fixtures_rt16/``, must fail (under
whatever seed the evaluator draws: the cases that catch it are directed).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.verilog_core import VerilogCoreSuite
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext, SuiteOptions
from harness.types import Completion, Status, Verdict

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures_rt16"
PROBLEMS = HERE.parents[1] / "benchmarks" / "verilog_core" / "problems"

#: problem id -> the red team's answer (a file in fixtures_rt16/)
ANSWERS = {"timer_irq": "timer_irq_short_reload.v"}


def evaluate(pid: str, code: str, work: Path) -> Verdict:
    suite = VerilogCoreSuite(SuiteOptions(extra={"lint": "off", "fallback": "off"}))
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
