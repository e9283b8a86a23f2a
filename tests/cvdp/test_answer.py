"""Prompts and answer extraction follow CVDP's runner (create_context, parse_model_response)."""
from __future__ import annotations

import json
from pathlib import Path

from benchmarks.cvdp import CvdpSuite
from benchmarks.cvdp.answer import model_answer, parse_files
from harness.suite import SuiteOptions
from harness.types import Completion
from tests.cvdp import fixtures

ONE = ["rtl/counter4.sv"]
TWO = ["rtl/alu_top.sv", "rtl/alu_core.sv"]


def test_single_file_takes_the_first_fenced_block_or_the_whole_text() -> None:
    text = "Here it is:\n```systemverilog\nmodule a; endmodule\n```\nand another\n```\nmodule b; endmodule\n```"
    assert parse_files(text, ONE) == {"rtl/counter4.sv": "module a; endmodule\n"}
    assert parse_files("  module a; endmodule  \n", ONE) == {"rtl/counter4.sv": "module a; endmodule"}
    assert parse_files("   \n", ONE) == {}


def test_several_files_come_from_the_json_schema() -> None:
    answer = "Sure.\n" + json.dumps({"code": [{"rtl/alu_top.sv": "module t; endmodule"},
                                              {"rtl/alu_core.sv": "```verilog\nmodule c; endmodule\n```"},
                                              {"src/test_runner.py": "import os"}]})
    assert parse_files(answer, TWO) == {"rtl/alu_top.sv": "module t; endmodule",
                                        "rtl/alu_core.sv": "module c; endmodule\n"}
    assert parse_files("```verilog\nmodule t; endmodule\n```", TWO) == {}
    assert parse_files('{"code": [ {"rtl/alu_top.sv": ', TWO) == {}


def test_model_answer_round_trips() -> None:
    files = {"rtl/alu_top.sv": fixtures.ALU_TOP, "rtl/alu_core.sv": fixtures.ALU_CORE}
    assert parse_files(model_answer(files), TWO) == files
    assert parse_files(model_answer({ONE[0]: fixtures.COUNTER}), ONE) == {ONE[0]: fixtures.COUNTER + "\n"}


def test_prompt_is_built_like_cvdps(tmp_path: Path) -> None:
    s = CvdpSuite(SuiteOptions(data=str(fixtures.write(tmp_path))))
    problems = {p.id: p for p in s.problems()}
    counter = s.prompt(problems["cvdp_copilot_counter4_0001"])
    assert counter.messages[0].role == "system"
    assert "'Specification to RTL Translation'" in counter.messages[0].content
    assert "JSON" not in counter.messages[0].content
    assert counter.messages[1].content.startswith("\nProvide me one answer for this request: Design `counter4`")
    assert counter.messages[1].content.endswith("Your response will be saved directly to: rtl/counter4.sv.\n")
    alu = s.prompt(problems["cvdp_copilot_alu_0004"])
    assert '{ "code": [{ "<name>" : "<code>"}] }' in alu.messages[0].content
    user = alu.messages[1].content
    assert user.startswith("\nConsider the following content for the file rtl/alu_top.sv:\n```\nmodule alu_top")
    assert user.endswith("Name the files as: ['rtl/alu_top.sv', 'rtl/alu_core.sv'].\n")


def test_extract_gives_no_code_for_an_unusable_answer(tmp_path: Path) -> None:
    s = CvdpSuite(SuiteOptions(data=str(fixtures.write(tmp_path))))
    alu = next(p for p in s.problems() if p.id == "cvdp_copilot_alu_0004")
    assert s.extract(alu, Completion("cvdp", alu.id, 0, "I cannot do that.")) is None
    cand = s.extract(alu, Completion("cvdp", alu.id, 0, s.reference_response(alu)))
    assert cand is not None and sorted(cand.files) == ["rtl/alu_core.sv", "rtl/alu_top.sv"]


def test_mutant_baseline_changes_one_file_of_the_reference(tmp_path: Path) -> None:
    s = CvdpSuite(SuiteOptions(data=str(fixtures.write(tmp_path))))
    alu = next(p for p in s.problems() if p.id == "cvdp_copilot_alu_0004")
    ref = parse_files(s.reference_response(alu), alu.data["files"])
    mut = parse_files(s.mutant_response(alu, 0), alu.data["files"])
    assert sorted(mut) == sorted(ref)
    assert sum(mut[name] != ref[name] for name in ref) == 1
