"""What holds under the Verilog integrity scan (issue 14, classes 2-4): the nonce is in no file,
argument or environment variable of the sandbox; with the scan switched off, a candidate that
opens files still cannot read a nonce, rewrite cocotb's results, or add a verdict unnoticed."""
from __future__ import annotations

import pytest

from harness.suite import EvalContext
from harness.types import Status
from tests.security.verilog.corpus import TARGETS, Case, describe, run_cases
from tests.security.verilog.probe import Probe

pytestmark = pytest.mark.slow

GOOD = {"core-and": "assign y = a & b;", "v2-and": "assign out = a & b;", "v1-and": "assign out = a & b;",
        "rtllm-adder": "assign {cout, sum} = a + b + cin;"}
READ_FILES = """  integer fd, n, i;
  reg [8*4096:1] line;
  reg [8*64:1] names [0:4];
  initial begin
    names[0] = "sim.vvp"; names[1] = "design.sv"; names[2] = "tb.py"; names[3] = "testbench.v";
    names[4] = "Prob001_and2_test.sv";
    for (i = 0; i < 5; i = i + 1) begin
      fd = $fopen(names[i], "r");
      if (fd != 0) while (!$feof(fd)) begin n = $fgets(line, fd); $display("%0s", line); end
    end
  end
"""
REWRITE_RESULTS = """  integer fd;
  final begin
    fd = $fopen("results.xml", "w");
    $fwrite(fd, "<?xml version=\\"1.0\\"?><testsuites><testsuite name=\\"t\\" tests=\\"1\\">");
    $fwrite(fd, "<testcase classname=\\"tb\\" name=\\"exhaustive\\"/></testsuite></testsuites>");
    $fclose(fd);
  end
"""
SECOND_VERDICT = """  integer fd;
  final begin
    fd = $fopen("/proc/self/fd/9", "w");
    repeat (3) $fdisplay(fd, "Mismatches: 0 in 25 samples");
    $fflush(fd);
  end
"""
EARLY_FINISH = "  initial begin repeat (6) @(a or b); $finish; end\n"
#: red team 14/14b: what a lexical difference hid from the scan, in an answer only Verilator builds (Icarus
#: refuses ``inside``): the Verilated model's calls are read after the build
MODEL_CALLS = """  wire hweval_w = a inside {1'b1};
  integer r;
  initial r = $system("true");
"""
#: red team 14 S3: forged test records, then a partial line that a real report would be glued to
#: (the pipe's descriptor number is not known to the design: every one is tried)
REPORT_PIPE = """  integer fd, i;
  initial for (i = 3; i < 40; i = i + 1) begin
    fd = $fopen($sformatf("/proc/self/fd/%0d", i), "a");
    if (fd != 0) begin
      $fdisplay(fd, "{\\"test\\": \\"tb.exhaustive\\", \\"status\\": \\"passed\\", \\"reason\\": \\"\\"}");
      $fwrite(fd, "GARBAGE"); $fflush(fd);
    end
  end
"""


def case(target: str, body: str, extra: str, name: str) -> Case:
    t = TARGETS[target]
    code = f"{t.header}\n  {body}\n{extra}endmodule\n"
    return Case(f"{name}@{target}", t.suite, t.problem, code, "not_pass", None)


@pytest.fixture(scope="module")
def plain() -> tuple[Probe, dict]:  # type: ignore[type-arg]
    probe = Probe()
    items = [case(t, GOOD[t], "", "good") for t in TARGETS]
    items += [case(t, TARGETS[t].wrong, READ_FILES, "read") for t in TARGETS]
    return probe, run_cases(items, EvalContext(sandbox=probe))


@pytest.fixture(scope="module")
def unscanned() -> tuple[Probe, dict]:  # type: ignore[type-arg]
    probe = Probe(no_scan=True)
    items = [case(t, TARGETS[t].wrong, READ_FILES, "read") for t in TARGETS]
    items += [case("core-and", TARGETS["core-and"].wrong, REWRITE_RESULTS, "results-xml"),
              case("v2-and", TARGETS["v2-and"].wrong, SECOND_VERDICT, "second-verdict"),
              case("v1-and", TARGETS["v1-and"].wrong, SECOND_VERDICT, "second-verdict"),
              case("v2-and", GOOD["v2-and"], EARLY_FINISH, "early-finish"),
              case("core-and", TARGETS["core-and"].wrong, REPORT_PIPE, "report-pipe"),
              case("core-and", TARGETS["core-and"].wrong, MODEL_CALLS, "model-calls")]
    return probe, run_cases(items, EvalContext(sandbox=probe))


def test_the_nonce_is_in_no_file_argument_or_environment(plain) -> None:  # type: ignore[no-untyped-def]
    probe, verdicts = plain
    assert probe.runs >= 8 and probe.leaks == []
    for target in TARGETS:
        assert verdicts[f"good@{target}"].status == Status.PASS, describe(verdicts[f"good@{target}"])
        v = verdicts[f"read@{target}"]
        assert (v.status, v.rule) == (Status.REJECTED, "file_io"), describe(v)


def test_without_the_scan_reading_every_file_finds_no_nonce(unscanned) -> None:  # type: ignore[no-untyped-def]
    probe, verdicts = unscanned
    assert probe.leaks == []
    for target in TARGETS:
        v = verdicts[f"read@{target}"]
        assert v.status == Status.FAIL, describe(v)


def test_without_the_scan_rewriting_results_xml_changes_nothing(unscanned) -> None:  # type: ignore[no-untyped-def]
    v = unscanned[1]["results-xml@core-and"]
    assert v.status == Status.FAIL and "exhaustive" in v.reason, describe(v)


def test_without_the_scan_a_second_verdict_is_rejected(unscanned) -> None:  # type: ignore[no-untyped-def]
    for target in ("v2-and", "v1-and"):
        v = unscanned[1][f"second-verdict@{target}"]
        assert (v.status, v.rule) == (Status.REJECTED, "one_verdict"), describe(v)


def test_without_the_scan_an_early_finish_runs_too_few_samples(unscanned) -> None:  # type: ignore[no-untyped-def]
    v = unscanned[1]["early-finish@v2-and"]
    assert v.status == Status.FAIL and "ended early" in v.reason, describe(v)


SYNTH_ONLY = """module and_gate(input a, input b, output y);
`ifdef SYNTHESIS
  assign y = 1'b0;  // what yosys alone would see: no gate at all
`else
  // synopsys translate_off
  assign y = a & b;
  // synopsys translate_on
`endif
endmodule
"""


def test_synthesis_reads_the_text_that_was_simulated(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from harness import registry
    from harness.execute import judge
    from harness.sandbox.local import BubblewrapSandbox
    from harness.suite import SuiteOptions
    from harness.types import Completion

    suite = registry.load("suites", "verilog-core")(SuiteOptions(extra={"lint": "off"}))
    problem = next(p for p in suite.problems() if p.id == "and_gate")
    ctx = EvalContext(sandbox=BubblewrapSandbox(), cache_dir=tmp_path)
    v = judge(suite, problem, Completion(suite.name, "and_gate", 0, f"```verilog\n{SYNTH_ONLY}```"), ctx)[1]
    assert v.status == Status.PASS, describe(v)
    assert v.metrics["synthesizable"] and v.metrics["cells"] >= 1 and v.metrics["area_ratio"] >= 1.0, v.metrics


def test_without_the_scan_writing_into_the_report_pipe_is_rejected(unscanned) -> None:  # type: ignore[no-untyped-def]
    v = unscanned[1]["report-pipe@core-and"]
    assert (v.status, v.rule) == (Status.REJECTED, "report_channel"), describe(v)


def test_without_the_scan_a_model_calling_system_is_rejected(unscanned) -> None:  # type: ignore[no-untyped-def]
    v = unscanned[1]["model-calls@core-and"]
    assert (v.status, v.rule) == (Status.REJECTED, "model_calls"), describe(v)
    assert "VL_SYSTEM" in v.reason
