"""Honest answers the Verilog suites refused (honest round s16), and the attacks each rule guards.

An honest-answer tester (session s16) found correct verilog-core/verilog-hard answers that were
``rejected``, ``syntax_error`` or ``timeout``:

1. End labels (``endmodule : m``, ``endpackage : p``): ``integrity.unit_scope`` read the label as
   code outside a module. The label is now part of its end word wherever the checks split or scope
   text (``lexer.end_label``: unit_scope, ``definition_items``, ``extract.module_spans``, drivers);
   code after a label is still read at unit scope.
2. A fenced block holding only declarations (a package, a typedef) ahead of the module's block was
   dropped ("Import package not found"); it is kept where another block has the top module, and read
   by ``unit_scope`` as in a one-block answer. A block with anything else (``initial`` stimulus, a net)
   is still dropped.
3. Two blocks each with an include guard: every directive line was hoisted into one de-duplicated
   list, so the second `` `endif `` was lost. Only `` `timescale``/`` `default_nettype`` lines are
   de-duplicated now.
4. Icarus 11's "sorry: constant selects in always_* processes" and a run past the time limit: the
   Verilator fallback runs, as for a compile error (``cocotb_eval.icarus_hung``); a timeout without
   that message stays ``timeout``.
5. ``defparam`` of the answer's own helper instance is allowed (``defparams``); red team 9 S6's
   ``defparam mulw.WIDTH = 1``, paths into the testbench, the top, an undeclared name or a generate
   block's instance stay rule ``defparam``.
6. Synthesis: end labels and ``$error``/``$warning``/``$info``/``$fatal`` statements in processes are
   dropped from what yosys 0.23 reads (``yosysfront``); the netlist is still re-tested.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from benchmarks.verilog_core import VerilogCoreSuite
from benchmarks.verilog_hard import VerilogHardSuite
from harness.families.verilog.cocotb_eval import ALWAYS_SORRY, icarus_hung
from harness.families.verilog.extract import extract_verilog
from harness.families.verilog.integrity import prune_unused, scan
from harness.families.verilog.synth import yosys_text
from harness.sandbox.base import Limits
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext, Suite, SuiteOptions
from harness.types import StageResult, Status, Verdict
from tests.helpers import hweval

# -- the tester's answers (session s16, verbatim): tests/verilog_core/honest_rt16/<name>.md ------------

ANSWERS = Path(__file__).resolve().parents[1] / "verilog_core" / "honest_rt16"


def _answer(name: str) -> str:
    return (ANSWERS / f"{name}.md").read_text()


DFF_LABEL = _answer("dff_label")
POPCOUNT_LABELS = _answer("popcount_labels")
FIFO_LABELS_TWO_BLOCKS = _answer("fifo_labels_two_blocks")
FIFO_TWO_GUARDS = _answer("fifo_two_guards")
TL_PACKAGE_BLOCK = _answer("tl_package_block")
TL_ENDPACKAGE_LABEL = _answer("tl_endpackage_label")
SEQ_TYPEDEF_BLOCK = _answer("seq_typedef_block")
LZC_DEFPARAM = _answer("lzc_defparam")
LZC_ERROR_IN_ALWAYS = _answer("lzc_error_in_always")
GRAY_ENDFUNCTION_LABEL = _answer("gray_endfunction_label")
CRC_ALWAYS_COMB = _answer("crc_always_comb")


def _rules(code: str) -> list[str]:
    return [rule for rule, _ in scan(code, preprocessed=True)]


def _code(answer: str, top: str | None) -> str:
    candidate = extract_verilog(answer, top)
    assert candidate is not None
    return candidate.code


M = "module m(input a, output y);\n  assign y = a;\n"

# -- 1. end labels -----------------------------------------------------------------------------


@pytest.mark.parametrize(("answer", "top"), [(DFF_LABEL, "dff_arst_n"), (POPCOUNT_LABELS, "popcount16"),
                                             (FIFO_LABELS_TWO_BLOCKS, "sync_fifo8"),
                                             (TL_ENDPACKAGE_LABEL, "traffic_light")])
def test_end_labels_are_read_as_part_of_their_end_word(answer: str, top: str) -> None:
    code = _code(answer, top)
    assert ("endmodule : " in code or "endpackage : " in code) and _rules(code) == []


#: code after an end label is still at compilation-unit scope
LABEL_ATTACKS = {
    "initial_after_endmodule_label": M + "endmodule : m\ninitial $display(\"x\");\n",
    "net_after_label_and_semicolon": M + "endmodule : m ;\nlogic shared;\n",
    "net_right_after_label": M + "endmodule : m logic shared;\n",
    "keyword_as_label": M + "endmodule : initial\n",
    "net_after_endpackage_label": "package p; localparam W = 1; endpackage : p wire shared;\n" + M + "endmodule\n",
    "net_after_function_label": "function automatic f(input x); f = x; endfunction : f logic shared;\n" + M + "endmodule\n",
}


@pytest.mark.parametrize("attack", sorted(LABEL_ATTACKS))
def test_unit_scope_code_after_an_end_label_is_still_rejected(attack: str) -> None:
    assert "unit_scope" in _rules(LABEL_ATTACKS[attack])
    # the same split over two fenced blocks (the multi-block extraction keeps what stands between modules)
    split = "```verilog\nmodule h(input a, output y); assign y = a; endmodule : h\n```\n```verilog\n" \
        + LABEL_ATTACKS[attack] + "```\n"
    assert "unit_scope" in _rules(_code(split, "m"))


def test_an_own_testbench_with_an_end_label_is_still_pruned() -> None:
    src = (M + "endmodule : m\nmodule tb;\n  m u (.a(1'b0), .y());\n  initial $finish;\nendmodule : tb\n")
    pruned, dropped = prune_unused(src, {"m"})
    assert dropped == ["tb"] and "$finish" not in pruned and _rules(pruned) == []


def test_a_label_neither_hides_an_input_drive_nor_declares_a_scope() -> None:
    driven = "module m(input a, output reg y);\n  always @* begin : b y = 1'b0; end : b\n  always @* begin a = 1'b1; end\nendmodule : m\n"
    assert "input_driven" in _rules(driven)
    # a statement right after a labelled inner block (the label hid it from the rule before)
    after_label = "module m(input logic a, output logic y);\n  always @* begin begin : b y = 1'b0; end : b a = 1'b1; end\nendmodule\n"
    assert "input_driven" in _rules(after_label)
    upward = "module m(input a, output y);\n  assign y = tb_top.x;\nendmodule : tb_top\n"
    assert "hierarchical_reference" in _rules(upward)


# -- 2. blocks of declarations -------------------------------------------------------------------


def test_a_package_or_typedef_block_ahead_of_the_module_block_is_kept() -> None:
    code = _code(TL_PACKAGE_BLOCK, "traffic_light")
    assert code.index("package tl_pkg") < code.index("module traffic_light") and _rules(code) == []
    code = _code(SEQ_TYPEDEF_BLOCK, "seq1011_moore")
    assert code.index("typedef enum") < code.index("module seq1011_moore") and _rules(code) == []
    # given after the module's block, it still stands ahead of the module
    typedef, module = SEQ_TYPEDEF_BLOCK.split("FSM:")
    code = _code(module + "\nwith the state type:\n" + typedef, "seq1011_moore")
    assert code.index("typedef enum") < code.index("module seq1011_moore")


NOT_DECLARATIONS = {
    "stimulus": "initial begin\n  #1 $display(\"%b\", y);\nend\n",
    "net": "logic shared;\n",
    "assign": "typedef logic [3:0] nib_t;\nassign shared = 1'b1;\n",
}


@pytest.mark.parametrize("kind", sorted(NOT_DECLARATIONS))
def test_a_block_without_a_module_holding_more_than_declarations_is_dropped(kind: str) -> None:
    answer = f"```verilog\n{M}endmodule\n```\nand to try it:\n```verilog\n{NOT_DECLARATIONS[kind]}```\n"
    code = _code(answer, "m")
    assert NOT_DECLARATIONS[kind].split()[0] not in code and _rules(code) == []


def test_a_declarations_block_is_kept_only_beside_the_top_module() -> None:
    assert "package tl_pkg" not in _code(TL_PACKAGE_BLOCK, "some_other_top")


def test_a_kept_declarations_block_is_checked_like_any_code() -> None:
    dpi = "package p;\n  import \"DPI-C\" function int system(input string cmd);\nendpackage\n"
    files = "function automatic int f(input int x);\n  int fd;\n  fd = $fopen(\"/tmp/x\", \"w\");\n  f = x;\nendfunction\n"
    for block, rule in ((dpi, "dpi"), (files, "file_io")):
        code = _code(f"```systemverilog\n{block}```\n```systemverilog\n{M}endmodule\n```\n", "m")
        assert rule in _rules(code), block


# -- 3. include guards in two blocks -------------------------------------------------------------


def test_each_blocks_include_guard_stays_balanced() -> None:
    code = _code(FIFO_TWO_GUARDS, "sync_fifo8")
    assert code.count("`ifndef") == code.count("`endif") == 2 and scan(code, preprocessed=False) == []
    repeated = "```verilog\n`timescale 1ns/1ps\n`define W 8\nmodule h(input [`W-1:0] a, output [`W-1:0] y);" \
        " assign y = a; endmodule\n```\n```verilog\n`timescale 1ns/1ps\nmodule m(input [`W-1:0] a, output [`W-1:0] y);" \
        " h u (.a(a), .y(y)); endmodule\n```\n"
    code = _code(repeated, "m")
    assert code.count("`timescale") == 1 and code.index("`define W 8") < code.index("module h")


# -- 4. Icarus's always_* hang -------------------------------------------------------------------


def _verdict(status: Status, log: str | None) -> Verdict:
    syntax = StageResult("pass", "", data={"always_sorry": log} if log else {})
    return Verdict(status, reason="exceeded 60 s wall time", stages={"integrity": StageResult("pass"), "syntax": syntax})


def test_only_a_timeout_after_icarus_always_warning_falls_back() -> None:
    said = f"design.v:11: {ALWAYS_SORRY} (all bits will be included)."
    assert icarus_hung(_verdict(Status.TIMEOUT, said))
    assert not icarus_hung(_verdict(Status.TIMEOUT, None))  # a design that truly hangs stays timeout
    assert not icarus_hung(_verdict(Status.FAIL, said))


# -- 5. defparam ---------------------------------------------------------------------------------

H = "module h(input [3:0] a, output [3:0] y);\n  parameter W = 1;\n  assign y = a;\nendmodule\n"
T = "module m(input [3:0] a, output [3:0] y);\n"
DEFPARAMS = {  # text -> allowed
    H + T + "  h u (.a(a), .y(y));\n  defparam u.W = 2;\nendmodule\n": True,
    H + T + "  wire [3:0] t;\n  h #(3) u (.a(a), .y(t)), v (.a(t), .y(y));\n  defparam u.W = 2, v.W = {1'b1, 1'b0};\nendmodule : m\n": True,
    "module mulw #(parameter WIDTH = 8) (input [WIDTH-1:0] a);\n  defparam mulw.WIDTH = 1;\nendmodule\n": False,  # S6
    H + T + "  h u (.a(a), .y(y));\n  defparam tb.dut.W = 2;\nendmodule\n": False,  # into the testbench
    H + T + "  h u (.a(a), .y(y));\n  defparam x.W = 2;\nendmodule\n": False,  # a name the module does not declare
    H + T + "  h u (.a(a), .y(y));\nendmodule\nmodule k;\n  defparam u.W = 2;\nendmodule\n": False,  # another module's
    H + T + "  if (1) h u (.a(a), .y(y));\n  defparam u.W = 2;\nendmodule\n": False,  # a generate block's
    H + "defparam u.W = 2;\n" + T + "  h u (.a(a), .y(y));\nendmodule\n": False,  # outside every module
    H + T + "  h h (.a(a), .y(y));\n  defparam h.W = 2;\nendmodule\n": False,  # named like a module
    H + T + "  h u [1:0] (.a(a), .y(y));\n  defparam u[0].W = 2;\nendmodule\n": False,  # a select
    H + T + "  h u (.a(a), .y(y));\n  defparam u.W = 2, m.W = 3;\nendmodule\n": False,  # the second path: the top
    "module m #(parameter W = 1) (input [3:0] a, output [3:0] y);\n  defparam m.W = 2;\nendmodule\n": False,
    T + "  tbmod u (.a(a), .y(y));\n  defparam u.W = 2;\nendmodule\n": False,  # not the answer's module
}


@pytest.mark.parametrize("case", range(len(DEFPARAMS)))
def test_defparam_only_of_an_instance_the_same_module_declares(case: int) -> None:
    text, allowed = list(DEFPARAMS.items())[case]
    assert ("defparam" not in _rules(text)) is allowed, text
    assert "defparam" not in _rules(_code(LZC_DEFPARAM, "lzc16"))


# -- 6. what yosys reads -------------------------------------------------------------------------


def test_yosys_text_drops_end_labels_and_severity_statements_in_processes() -> None:
    text = yosys_text(GRAY_ENDFUNCTION_LABEL.split("```verilog\n")[1].split("```")[0])
    assert "endfunction : to_gray" not in text and "endfunction" in text
    text = yosys_text(LZC_ERROR_IN_ALWAYS.split("```verilog\n")[1].split("```")[0])
    assert "$error" not in text and "if (count > 5'd16)\n            ;" in text
    generate = "module g #(parameter W = 4) (input [3:0] a, output [3:0] y);\n  if (W < 1) $error(\"W\");\n" \
        "  assign y = a;\n  initial begin if (W > 8) $warning(\"big\"); else $info; end\nendmodule\n"
    text = yosys_text(generate)
    assert "if (W < 1) $error(\"W\");" in text  # elaboration-time: yosys reads it
    assert "if (W > 8) ; else ; end" in text


# -- end to end ----------------------------------------------------------------------------------

#: problem -> two honest answers (verilog-core), run through the real CLI with synthesis on
CORE_RUN = {
    "dff_arst_n": [DFF_LABEL, DFF_LABEL.replace("endmodule : dff_arst_n", "endmodule: dff_arst_n // done")],
    "popcount16": [POPCOUNT_LABELS, POPCOUNT_LABELS.replace("endmodule : csa_count4", "endmodule")],
    "sync_fifo8": [FIFO_TWO_GUARDS, FIFO_LABELS_TWO_BLOCKS],
    "traffic_light": [TL_PACKAGE_BLOCK, TL_ENDPACKAGE_LABEL],
    "seq1011_moore": [SEQ_TYPEDEF_BLOCK, SEQ_TYPEDEF_BLOCK.replace("typedef enum", "`timescale 1ns/1ps\ntypedef enum")],
    "lzc16": [LZC_DEFPARAM, LZC_ERROR_IN_ALWAYS],
    "bin2gray8": [GRAY_ENDFUNCTION_LABEL, GRAY_ENDFUNCTION_LABEL.replace("endmodule", "endmodule : bin2gray8")],
}


@pytest.fixture(scope="module")
def core_run(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("honest_rt16")
    replay = tmp / "answers.jsonl"
    replay.write_text("".join(json.dumps({"suite": "verilog-core", "problem_id": pid, "sample_idx": i, "completion": text})
                              + "\n" for pid, texts in CORE_RUN.items() for i, text in enumerate(texts)))
    hweval("run", "--suite", "verilog-core", "--problems", ",".join(CORE_RUN), "--model", f"replay:{replay}",
           "--n-samples", "2", "--workers", "1", "--out", str(tmp / "run"), check=True, timeout=1800)
    recs = [json.loads(line) for line in (tmp / "run" / "executions.jsonl").read_text().splitlines()]
    return {(rec["problem_id"], rec["sample_idx"]): rec for rec in recs}


@pytest.mark.slow
@pytest.mark.parametrize(("problem", "sample"), [(p, i) for p in CORE_RUN for i in range(2)])
def test_honest_answers_pass_end_to_end(problem: str, sample: int,
                                        core_run: dict[tuple[str, int], dict[str, Any]]) -> None:
    rec = core_run[(problem, sample)]
    assert rec["status"] == "pass", (rec["reason"], rec["stages"])


@pytest.mark.slow
@pytest.mark.parametrize(("problem", "sample"), [("lzc16", 1), ("bin2gray8", 0), ("bin2gray8", 1)])
def test_error_calls_and_end_labels_keep_their_synthesis_scores(problem: str, sample: int,
                                                                core_run: dict[tuple[str, int], dict[str, Any]]) -> None:
    rec = core_run[(problem, sample)]
    assert rec["metrics"].get("synthesizable") is True and rec["metrics"].get("area") is not None, rec["stages"].get("synth")


def _suite(cls: type[Suite] = VerilogCoreSuite, **extra: str) -> Any:
    return cls(SuiteOptions(extra={"synth": "off", "lint": "off", **extra}))


def _evaluate(problem_id: str, answer: str, tmp_path: Path, suite: Any = None, wall_s: float = 60.0) -> Verdict:
    suite = suite or _suite()
    problem = next(p for p in suite.problems() if p.id == problem_id)
    candidate = extract_verilog(answer, problem.data["top"])
    assert candidate is not None
    ctx = EvalContext(sandbox=BubblewrapSandbox(), scratch_root=tmp_path, limits=Limits(wall_s=wall_s),
                      cache_dir=Path(os.environ["HWEVAL_CACHE"]))
    return suite.evaluate(problem, candidate, ctx)  # type: ignore[no-any-return]


E2E_ATTACKS = {
    "label_then_unit_code": ("dff_arst_n", DFF_LABEL.replace("endmodule : dff_arst_n", "endmodule : dff_arst_n\nlogic shared;"),
                             "unit_scope"),
    "defparam_into_the_top": ("lzc16", LZC_DEFPARAM.replace("defparam u_all.W = 3;", "defparam lzc16.u_all.W = 3;"),
                              "defparam"),
    "defparam_into_the_testbench": ("lzc16", LZC_DEFPARAM.replace("defparam u_all.W = 3;", "defparam u_all.W = 3;\n"
                                                                  "    defparam tb.dut.W = 1;"), "defparam"),
}


@pytest.mark.slow
@pytest.mark.parametrize("attack", sorted(E2E_ATTACKS))
def test_attacks_beside_the_honest_forms_are_still_rejected(attack: str, tmp_path: Path) -> None:
    problem, answer, rule = E2E_ATTACKS[attack]
    verdict = _evaluate(problem, answer, tmp_path)
    assert verdict.status is Status.REJECTED and verdict.rule == rule, (verdict.reason, verdict.stages)


@pytest.mark.slow
def test_icarus_always_comb_hang_is_built_again_by_verilator(tmp_path: Path) -> None:
    verdict = _evaluate("crc_engine", CRC_ALWAYS_COMB, tmp_path, _suite(VerilogHardSuite), wall_s=20)
    assert verdict.status is Status.PASS, (verdict.reason, verdict.stages)
    assert verdict.metrics["simulator"] == "verilator" and verdict.stages["icarus"].status == "timeout"
    assert ALWAYS_SORRY in verdict.stages["icarus"].reason
    off = _evaluate("crc_engine", CRC_ALWAYS_COMB, tmp_path, _suite(VerilogHardSuite, fallback="off"), wall_s=20)
    assert off.status is Status.TIMEOUT and "icarus" not in off.stages


@pytest.mark.slow
def test_a_design_that_truly_hangs_stays_timeout(tmp_path: Path) -> None:
    hang = "```verilog\nmodule lzc16 (input wire [15:0] data, output wire [4:0] count);\n" \
           "  reg [4:0] a = 5'd0, b = 5'd0;\n  always @* a = b + 5'd1 + {4'd0, data[0] & 1'b0};\n  always @* b = a;\n" \
           "  assign count = a;\nendmodule\n```\n"  # two processes waking each other: Icarus never settles
    verdict = _evaluate("lzc16", hang, tmp_path, wall_s=15)
    assert verdict.status is Status.TIMEOUT, (verdict.reason, verdict.stages)
    assert "icarus" not in verdict.stages and verdict.metrics.get("simulator") != "verilator"
