"""verilog-hard uart_tx_fifo_modify at several CLKS_PER_BIT values (#14, red team 15 S2).

The spec allows any CLKS_PER_BIT from 2 to 256, but the testbench ran the default 4 only (and the
spec said so): an answer with the bit-cycle counter cut to 2 bits passed with area ratio 0.92, as
red team 14 S5 did on verilog-core uart_tx. The problem now tests uart_tx_fifo through a trusted
wrapper (``wrap.v``: N = 2, 4, 7, 23, 256), each instance checked every cycle against the model,
and synthesis scores the wrapper's instances; the spec says the tests use several values.
"""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from benchmarks.verilog_hard import VerilogHardSuite
from harness.families.verilog.suite import problem_wrapper
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext, SuiteOptions
from harness.types import Completion, Status, Verdict
from tests.verilog_hard.test_verilog_hard import wrapper_ports

PID = "uart_tx_fifo_modify"
FOLDER = Path(__file__).resolve().parents[2] / "benchmarks" / "verilog_hard" / "problems" / PID
COUNTER = "reg [8:0] cnt;"


def answers() -> dict[str, str]:
    ref = (FOLDER / "ref.v").read_text()
    assert COUNTER in ref
    return {
        "reference": ref,
        "hardwired_2bit": ref.replace(COUNTER, "reg [1:0] cnt;"),  # the red team's answer: right at N = 4 only
        "counter_5bit": ref.replace(COUNTER, "reg [4:0] cnt;"),  # right up to N = 32: 256 is in the range
    }


def test_the_problem_runs_through_its_wrapper_at_several_bit_lengths() -> None:
    problem = next(p for p in VerilogHardSuite().problems() if p.id == PID)
    wrapper = problem_wrapper(problem)
    assert wrapper is not None and wrapper.sim_top == "hweval_uart_tx_fifo_wrap" and wrapper.designs == ("uart_tx_fifo",)
    text = "".join(wrapper.sources.values())
    ns = sorted(int(n) for n in re.findall(r"uart_tx_fifo\s*#\s*\(\s*\.CLKS_PER_BIT\s*\(\s*(\d+)\s*\)", text))
    assert ns == [2, 4, 7, 23, 256]
    words = set(re.findall(r"\b\w+\b", problem.data["tb"]))
    ports = wrapper_ports(text, wrapper.sim_top)
    assert len(ports) == 1 + 8 * len(ns) and not [p for p in ports if p not in words]
    spec = " ".join((FOLDER / "spec.md").read_text().split())
    assert "use the default 4" not in spec and "the tests run the design at several values" in spec


def _evaluate(name: str, code: str, tmp: Path) -> Verdict:
    suite = VerilogHardSuite(SuiteOptions(extra={"lint": "off", "fallback": "off"}))
    problem = next(p for p in suite.problems() if p.id == PID)
    candidate = suite.extract(problem, Completion(suite.name, problem.id, 0, f"```verilog\n{code}```\n"))
    assert candidate is not None
    work = tmp / name
    work.mkdir()
    return suite.evaluate(problem, candidate, EvalContext(sandbox=BubblewrapSandbox(), scratch_root=work,
                                                          cache_dir=work / "cache"))


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Verdict]:
    tmp = tmp_path_factory.mktemp("uart_tx_fifo_params")
    cases = answers()
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(cases, pool.map(lambda name: _evaluate(name, cases[name], tmp), cases), strict=True))


@pytest.mark.slow
def test_the_reference_passes_at_every_bit_length(verdicts: dict[str, Verdict]) -> None:
    verdict = verdicts["reference"]
    assert verdict.status is Status.PASS, (verdict.reason, verdict.stages)
    assert verdict.metrics["area_ratio"] == pytest.approx(1.0)


@pytest.mark.slow
@pytest.mark.parametrize(("name", "where"), [("hardwired_2bit", "7:"), ("counter_5bit", "tx256:")])
def test_an_answer_that_ignores_clks_per_bit_fails(name: str, where: str, verdicts: dict[str, Verdict]) -> None:
    verdict = verdicts[name]
    assert verdict.status is Status.FAIL, (verdict.status, verdict.reason[:500])
    assert where in verdict.reason.split("(inputs")[0], verdict.reason[:500]
    assert "area_ratio" not in verdict.metrics
