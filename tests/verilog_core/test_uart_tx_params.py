"""verilog-core uart_tx at several CLKS_PER_BIT values (#14, red team 14 S5).

The spec says any CLKS_PER_BIT from 2 to 256 must work, but the testbench ran the default 4
only: an answer hard-wiring a 2-bit bit-cycle counter passed, with a better area ratio than the
reference (synthesis ran at the default too). The problem now tests uart_tx through a trusted
wrapper (``wrap.v``, ``extra_sources``/``sim_top`` in ``meta.toml``) at N = 2, 4, 7, 23 and
256, each instance checked cycle-exact against the model, and synthesis scores the wrapper's
instances. The wrapper handling moved from verilog-hard into the family base
(:func:`harness.families.verilog.suite.problem_wrapper`), so verilog-core gets it.
"""
from __future__ import annotations

import importlib.util
import re
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from benchmarks.verilog_core import VerilogCoreSuite
from harness.families.verilog.suite import problem_wrapper
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext, SuiteOptions
from harness.types import Completion, Problem, Status, Verdict
from tests.verilog_hard.test_verilog_hard import wrapper_ports

FOLDER = Path(__file__).resolve().parents[2] / "benchmarks" / "verilog_core" / "problems" / "uart_tx"
LAST = "localparam [7:0] LAST_CLK = CLKS_PER_BIT - 1;"


def _problem(suite: VerilogCoreSuite | None = None) -> Problem:
    return next(p for p in (suite or VerilogCoreSuite()).problems() if p.id == "uart_tx")


def _reference() -> str:
    ref = (FOLDER / "ref.v").read_text()
    assert LAST in ref
    return ref


def answers() -> dict[str, str]:
    ref = _reference()
    two_bit = (ref.replace(LAST, "").replace("reg [7:0] clk_cnt;", "reg [1:0] clk_cnt;")
               .replace("(clk_cnt == LAST_CLK)", "(clk_cnt == 2'd3)").replace("clk_cnt <= 8'd0;", "clk_cnt <= 2'd0;")
               .replace("clk_cnt + 8'd1", "clk_cnt + 2'd1"))
    return {
        "reference": ref,
        # the same design written otherwise: synthesised and its wrapper netlist re-tested
        "equivalent": ref.replace("clk_cnt + 8'd1", "8'd1 + clk_cnt"),
        # the red team's answer: CLKS_PER_BIT ignored, a 2-bit counter (4 cycles a bit)
        "hardwired_2bit": two_bit,
        "hardwired_last_3": ref.replace(LAST, "localparam [7:0] LAST_CLK = 8'd3;"),
        # right up to N = 32 only: 256 is the top of the spec's range
        "counter_5bit": ref.replace("localparam [7:0] LAST_CLK", "localparam [4:0] LAST_CLK")
                           .replace("reg [7:0] clk_cnt;", "reg [4:0] clk_cnt;"),
    }


def test_the_answers_differ_from_the_reference_where_meant() -> None:
    ref, got = _reference(), answers()
    assert all(text != ref for name, text in got.items() if name != "reference")
    assert "CLKS_PER_BIT -" not in got["hardwired_2bit"] and "reg [1:0] clk_cnt;" in got["hardwired_2bit"]


def test_uart_tx_runs_through_its_wrapper_at_several_bit_lengths() -> None:
    problem = _problem()
    wrapper = problem_wrapper(problem)
    assert wrapper is not None and wrapper.sim_top == "hweval_uart_tx_wrap" and wrapper.designs == ("uart_tx",)
    text = "".join(wrapper.sources.values())
    ns = sorted(int(n) for n in re.findall(r"uart_tx\s*#\s*\(\s*\.CLKS_PER_BIT\s*\(\s*(\d+)\s*\)", text))
    assert ns == [2, 4, 7, 23, 256]  # the smallest, the default, an odd one, a large one, the largest
    spec = importlib.util.spec_from_file_location("tb_uart_tx", FOLDER / "tb.py")
    assert spec is not None and spec.loader is not None
    tb = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tb)
    assert sorted(tb.NS) == ns  # the testbench checks every instance
    # the evaluator keeps only the wrapper names that are words of tb.py
    words = set(re.findall(r"\b\w+\b", problem.data["tb"]))
    ports = wrapper_ports(text, wrapper.sim_top)
    assert len(ports) == 1 + 5 * len(ns) and not [p for p in ports if p not in words]


def test_any_cocotb_suite_reads_the_wrapper_from_meta() -> None:
    meta = tomllib.loads((FOLDER / "meta.toml").read_text())
    assert meta["extra_sources"] == ["wrap.v"] and meta["sim_top"] == "hweval_uart_tx_wrap"
    plain = next(p for p in VerilogCoreSuite().problems() if p.id == "and_gate")
    assert problem_wrapper(plain) is None


def _evaluate(name: str, code: str, tmp: Path) -> Verdict:
    suite = VerilogCoreSuite(SuiteOptions(extra={"lint": "off", "fallback": "off"}))
    problem = _problem(suite)
    candidate = suite.extract(problem, Completion(suite.name, problem.id, 0, f"```verilog\n{code}```\n"))
    assert candidate is not None
    work = tmp / name
    work.mkdir()
    ctx = EvalContext(sandbox=BubblewrapSandbox(), scratch_root=work, cache_dir=work / "cache")
    return suite.evaluate(problem, candidate, ctx)


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Verdict]:
    tmp = tmp_path_factory.mktemp("uart_tx_params")
    cases = answers()
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(cases, pool.map(lambda name: _evaluate(name, cases[name], tmp), cases), strict=True))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["reference", "equivalent"])
def test_the_reference_passes_at_every_bit_length(name: str, verdicts: dict[str, Verdict]) -> None:
    verdict = verdicts[name]
    assert verdict.status is Status.PASS, (verdict.reason, verdict.stages)
    assert verdict.metrics["synthesizable"] is True and verdict.metrics["area_ratio"] == pytest.approx(1.0)
    if name == "equivalent":  # the wrapper's netlist, every instance of the answer in it, passes the tests
        assert verdict.stages["synth"].data["netlist"] == {"checked": True, "status": "pass", "reason": ""}


@pytest.mark.slow
@pytest.mark.parametrize(("name", "where"), [("hardwired_2bit", "tx2"), ("hardwired_last_3", "tx2"),
                                             ("counter_5bit", "tx256")])
def test_an_answer_that_ignores_clks_per_bit_fails(name: str, where: str, verdicts: dict[str, Verdict]) -> None:
    verdict = verdicts[name]
    assert verdict.status is Status.FAIL, (verdict.status, verdict.reason[:500])
    assert f"{where}:" in verdict.reason, verdict.reason[:500]
    assert "area_ratio" not in verdict.metrics
