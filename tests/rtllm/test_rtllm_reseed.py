"""RTLLM stimulus reseeding (#14): a testbench whose reference passes under fresh seeds is
reseeded per evaluation (a playback of the published stimulus's outputs fails); one that compares
against fixed expected values keeps its stimulus (the reference still passes); the decision is
cached and reported per problem.

The two designs are our own, written in RTLLM's folder format (``design_description.txt``,
``testbench.v`` printing ``Your Design Passed``, ``verified_<name>.v``).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness import registry
from harness.families.verilog import stimulus
from harness.families.verilog.extract import extract_verilog
from harness.families.verilog.tbeval import Testbench, judge_testbench
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext, SuiteOptions
from harness.types import Completion, Problem, Status, Verdict

PASS_LINE = '$display("===========Your Design Passed===========");'

# mix8: the testbench draws a and b from $random and computes the expected output itself
MIX8_TB = f"""`timescale 1ns/1ps
module tb_mix8;
  reg [7:0] a, b;
  wire [7:0] y;
  integer i, errors = 0;
  mix8 uut (.a(a), .b(b), .y(y));
  initial begin
    for (i = 0; i < 24; i = i + 1) begin
      a = $random;
      b = $random;
      #10;
      if (y !== ((a ^ {{b[6:0], b[7]}}) + 8'd3)) errors = errors + 1;
    end
    if (errors == 0) {PASS_LINE}
    else $display("===========Error===========", errors);
    $finish;
  end
endmodule
"""
MIX8_REF = "module verified_mix8(input [7:0] a, input [7:0] b, output [7:0] y);\n" \
           "  assign y = (a ^ {b[6:0], b[7]}) + 8'd3;\nendmodule\n"
MIX8_HONEST = "module mix8(input [7:0] a, input [7:0] b, output [7:0] y);\n" \
              "  wire [7:0] rot = (b << 1) | (b >> 7);\n  assign y = (a ^ rot) + 8'b11;\nendmodule\n"
# what mix8's reference outputs for the published stimulus (Icarus's unseeded $random), in order
MIX8_PUBLISHED = (42, 210, 25, 68, 30, 15, 247, 119, 147, 14, 16, 114, 102, 42, 234, 122, 195, 148, 179, 174,
                  195, 98, 133, 58)
# inc8: $random stimulus checked against a table of fixed expected values (RTLLM's other style)
INC8_EXPECTED = (53, 146, 26, 116, 30, 158, 118, 35, 18, 30, 135, 78)
INC8_TB = ("`timescale 1ns/1ps\nmodule tb_inc8;\n  reg [7:0] x;\n  wire [7:0] y;\n  reg [7:0] expected [0:11];\n"
           "  integer i, errors = 0;\n  inc8 uut (.x(x), .y(y));\n  initial begin\n"
           + "".join(f"    expected[{i}] = 8'd{v};\n" for i, v in enumerate(INC8_EXPECTED))
           + "    for (i = 0; i < 12; i = i + 1) begin\n      x = $random;\n      #10;\n"
           "      if (y !== expected[i]) errors = errors + 1;\n    end\n"
           f"    if (errors == 0) {PASS_LINE}\n    else $display(\"===========Error===========\", errors);\n"
           "    $finish;\n  end\nendmodule\n")
INC8_REF = "module verified_inc8(input [7:0] x, output [7:0] y);\n  assign y = x + 8'd17;\nendmodule\n"
# a testbench with no random calls at all: nothing to reseed, no trial run
NOT8_TB = ("`timescale 1ns/1ps\nmodule tb_not8;\n  reg [7:0] x;\n  wire [7:0] y;\n  integer i, errors = 0;\n"
           "  not8 uut (.x(x), .y(y));\n  initial begin\n    for (i = 0; i < 256; i = i + 1) begin\n"
           "      x = i;\n      #1;\n      if (y !== ~x) errors = errors + 1;\n    end\n"
           f"    if (errors == 0) {PASS_LINE}\n    $finish;\n  end\nendmodule\n")
NOT8_REF = "module verified_not8(input [7:0] x, output [7:0] y);\n  assign y = ~x;\nendmodule\n"


def playback(values: tuple[int, ...]) -> str:
    """A mix8 that ignores its inputs and plays back ``values`` by time (1 ns after each new stimulus)."""
    steps = "".join(f"    #10 y = 8'd{v};\n" for v in values[1:])
    return ("module mix8(input [7:0] a, input [7:0] b, output reg [7:0] y);\n  initial begin\n"
            f"    #1 y = 8'd{values[0]};\n{steps}  end\nendmodule\n")


def write_design(root: Path, folder: str, name: str, tb: str, ref: str) -> None:
    path = root / "Arithmetic" / folder / name
    path.mkdir(parents=True)
    (path / "design_description.txt").write_text(f"Please act as a professional verilog designer.\n\n"
                                                 f"Module name:\n    {name}\n")
    (path / "testbench.v").write_text(tb)
    (path / f"verified_{name}.v").write_text(ref)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    root = tmp_path / "RTLLM"
    write_design(root, "Live", "mix8", MIX8_TB, MIX8_REF)
    write_design(root, "Table", "inc8", INC8_TB, INC8_REF)
    write_design(root, "Sweep", "not8", NOT8_TB, NOT8_REF)
    return root


def _suite(data: Path):  # type: ignore[no-untyped-def]
    return registry.load("suites", "rtllm")(SuiteOptions(data=str(data), extra={"synth": "off"}))


def _ctx(tmp_path: Path) -> EvalContext:
    return EvalContext(sandbox=BubblewrapSandbox(), cache_dir=tmp_path / "cache", scratch_root=tmp_path)


def _evaluate(suite, problem: Problem, code: str, ctx: EvalContext) -> Verdict:  # type: ignore[no-untyped-def]
    cand = suite.extract(problem, Completion(suite.name, problem.id, 0, f"```verilog\n{code}```"))
    return suite.evaluate(problem, cand, ctx)  # type: ignore[no-any-return]


def test_random_calls_are_counted_in_the_testbench_sources(data: Path) -> None:
    problems = {p.id: p for p in _suite(data).problems()}
    assert stimulus.random_calls(Testbench.from_data(problems["mix8"].data["tb"])) == 2
    assert stimulus.random_calls(Testbench.from_data(problems["inc8"].data["tb"])) == 1
    assert stimulus.random_calls(Testbench.from_data(problems["not8"].data["tb"])) == 0


@pytest.mark.slow
def test_playback_passes_the_published_stimulus(data: Path, tmp_path: Path) -> None:
    """The attack is real: on the fixed testbench the playback passes (and so the test below,
    where it fails, is about reseeding)."""
    problem = next(p for p in _suite(data).problems() if p.id == "mix8")
    cand = extract_verilog(f"```verilog\n{playback(MIX8_PUBLISHED)}```", "mix8")
    assert cand is not None
    verdict = judge_testbench(cand, Testbench.from_data(problem.data["tb"]), _ctx(tmp_path))
    assert verdict.status is Status.PASS, (verdict.reason, verdict.stages)


@pytest.mark.slow
def test_live_testbench_is_reseeded_and_a_playback_fails(data: Path, tmp_path: Path) -> None:
    suite, ctx = _suite(data), _ctx(tmp_path)
    problem = next(p for p in suite.problems() if p.id == "mix8")
    verdict = _evaluate(suite, problem, playback(MIX8_PUBLISHED), ctx)
    assert verdict.status is Status.FAIL, (verdict.reason, verdict.stages)
    assert verdict.metrics["stimulus"] == "reseeded"
    seeds = set()
    for code in (MIX8_HONEST, MIX8_REF.replace("verified_mix8", "mix8")):
        verdict = _evaluate(suite, problem, code, ctx)
        assert verdict.status is Status.PASS, (verdict.reason, verdict.stages)
        function = verdict.stages["function"]
        assert verdict.metrics["stimulus"] == "reseeded" and "passes the reseeded testbench" in function.data["stimulus"]
        seeds.add(function.data["tb_seed"])
    assert len(seeds) == 2  # a fresh seed per evaluation


@pytest.mark.slow
def test_fixed_value_testbench_keeps_its_stimulus_and_the_reference_passes(data: Path, tmp_path: Path) -> None:
    suite, ctx = _suite(data), _ctx(tmp_path)
    problems = {p.id: p for p in suite.problems()}
    verdict = _evaluate(suite, problems["inc8"], INC8_REF.replace("verified_inc8", "inc8"), ctx)
    assert verdict.status is Status.PASS, (verdict.reason, verdict.stages)
    assert verdict.metrics["stimulus"] == "fixed"
    function = verdict.stages["function"]
    assert "fails the reseeded testbench" in function.data["stimulus"] and "tb_seed" not in function.data
    wrong = _evaluate(suite, problems["inc8"], "module inc8(input [7:0] x, output [7:0] y);\n"
                      "  assign y = x + 8'd16;\nendmodule\n", ctx)
    assert wrong.status is Status.FAIL and wrong.metrics["stimulus"] == "fixed"
    none = _evaluate(suite, problems["not8"], NOT8_REF.replace("verified_not8", "not8"), ctx)
    assert none.status is Status.PASS and none.metrics["stimulus"] == "fixed"
    assert "no unseeded random stimulus" in none.stages["function"].data["stimulus"]


@pytest.mark.slow
def test_decisions_are_cached_on_disk(data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = _ctx(tmp_path)
    trials: list[str] = []
    real = stimulus.judge_testbench

    def counted(candidate, tb, ctx, golden=None):  # type: ignore[no-untyped-def]
        trials.append(tb.top)
        return real(candidate, tb, ctx, golden)

    monkeypatch.setattr(stimulus, "judge_testbench", counted)
    first = {p.id: stimulus.ReseedTrials().decide(p, ctx) for p in _suite(data).problems()}
    assert {k: d.stimulus for k, d in first.items()} == {"inc8": "fixed", "mix8": "reseeded", "not8": "fixed"}
    assert all(d.strict for d in first.values())  # each reference passes with ===/!==
    # one strict trial each; inc8 stops at its first failing seed; not8 draws no random stimulus
    assert sorted(trials) == ["inc8", "inc8", "mix8", "mix8", "mix8", "not8"]
    assert len(first["mix8"].seeds) == 2
    stored = [json.loads(f.read_text()) for f in (tmp_path / "cache" / "reseed-trials").iterdir()]
    assert sorted(s["stimulus"] for s in stored) == ["fixed", "fixed", "reseeded"]
    again = {p.id: stimulus.ReseedTrials().decide(p, ctx) for p in _suite(data).problems()}
    assert again == first and len(trials) == 6  # read back, no new trial


@pytest.mark.slow
def test_run_results_list_reseeded_and_fixed_problems(data: Path, tmp_path: Path) -> None:
    from tests.helpers import hweval

    out = tmp_path / "run"
    proc = hweval("run", "--suite", "rtllm", "--data", str(data), "--model", "reference", "--out", str(out),
                  "-S", "synth=off")
    assert proc.returncode == 0, proc.stderr
    s = json.loads((out / "results.json").read_text())["suites"]["rtllm"]
    assert s["metrics"]["pass@1"]["mean"] == 1.0 and s["excluded"] == []
    assert s["metrics"]["stimulus"] == {"fixed": ["inc8", "not8"], "reseeded": ["mix8"]}
