"""VerilogEval v2 loading and prompting, on our fixture checkout (no simulator needed)."""
from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import DataError, UsageError
from harness.types import Completion
from tests.verilogeval.conftest import V2, make_suite


def test_problems_come_from_problems_txt_only() -> None:
    ids = [p.id for p in make_suite("verilogeval-v2-spec", V2).problems()]
    assert ids == ["Prob001_and2", "Prob002_dff8r", "Prob003_badref", "Prob004_longstim"]
    assert [p.id for p in make_suite("verilogeval-v2-complete", V2).problems()] == ["Prob001_and2", "Prob002_dff8r"]


def test_reference_is_refmodule_renamed_to_topmodule() -> None:
    p = next(iter(make_suite("verilogeval-v2-spec", V2).problems()))
    assert "module TopModule" in p.reference and "RefModule" not in p.reference
    tb = p.data["tb"]
    assert tb["root"] == "tb" and list(tb["after"]) == ["Prob001_and2_test.sv", "Prob001_and2_ref.sv"]
    assert "module RefModule" in tb["files"]["Prob001_and2_ref.sv"]


def test_spec_prompt_is_the_sv_generate_prompt() -> None:
    suite = make_suite("verilogeval-v2-spec", V2)
    prompt = suite.prompt(next(iter(suite.problems())))
    system, user = prompt.messages
    assert system.role == "system" and "Verilog RTL designer" in system.content
    assert user.content.startswith("\nQuestion:\nI would like you to implement a module named TopModule")
    assert "Enclose your code with [BEGIN] and [DONE]" in user.content
    assert user.content.endswith("\nAnswer:\n")


def test_complete_prompt_comments_the_description_and_keeps_the_header() -> None:
    suite = make_suite("verilogeval-v2-complete", V2)
    user = suite.prompt(next(iter(suite.problems()))).messages[-1].content
    assert "// Create a module that implements an AND gate." in user
    assert "\nmodule TopModule (\n  input a," in user
    assert "// Implement the Verilog module based on the following description." in user


def test_shots_read_the_checkout_examples() -> None:
    suite = make_suite("verilogeval-v2-spec", V2, shots=1)
    user = suite.prompt(next(iter(suite.problems()))).messages[-1].content
    assert user.index("input  in_ (4 bits)") < user.index("two-input AND gate")
    with pytest.raises(UsageError, match="2-shot"):
        list(make_suite("verilogeval-v2-spec", V2, shots=2).problems())
    with pytest.raises(UsageError, match="0 to 4"):
        list(make_suite("verilogeval-v2-spec", V2, shots=5).problems())


def test_missing_data_says_what_to_pass() -> None:
    with pytest.raises(UsageError, match="--data PATH.*verilog-eval"):
        list(make_suite("verilogeval-v2-spec", None).problems())


def test_not_a_checkout_and_empty_problem_list_name_the_path(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=str(tmp_path)):
        list(make_suite("verilogeval-v2-spec", tmp_path).problems())
    ds = tmp_path / "dataset_spec-to-rtl"
    ds.mkdir()
    (ds / "problems.txt").write_text("\n\n")
    with pytest.raises(DataError, match="problems.txt: lists no problems"):
        list(make_suite("verilogeval-v2-spec", tmp_path).problems())


def test_missing_or_broken_files_exclude_the_problem_with_the_file_named(v2_copy: Path) -> None:
    ds = v2_copy / "dataset_spec-to-rtl"
    (ds / "Prob001_and2_test.sv").unlink()
    (ds / "Prob002_dff8r_ref.sv").unlink()
    (ds / "Prob002_dff8r_ref.sv").mkdir()  # unreadable as a file
    text = (ds / "Prob004_longstim_test.sv").read_text().replace("Mismatches:", "Errors:")
    (ds / "Prob004_longstim_test.sv").write_text(text)
    by_id = {p.id: p for p in make_suite("verilogeval-v2-spec", v2_copy).problems()}
    assert "missing file" in by_id["Prob001_and2"].data["defect"]
    assert "Prob001_and2_test.sv" in by_id["Prob001_and2"].data["defect"]
    assert "unreadable file" in by_id["Prob002_dff8r"].data["defect"]
    assert "Prob004_longstim_test.sv" in by_id["Prob004_longstim"].data["defect"]
    assert "defect" not in by_id["Prob003_badref"].data


def _complete(text: str) -> Completion:
    return Completion("s", "p", 0, text)


def test_extraction_follows_verilogeval() -> None:
    spec = make_suite("verilogeval-v2-spec", V2)
    p = next(iter(spec.problems()))
    answer = "[BEGIN]\nmodule TopModule(input a, input b, output out);\n  assign out = a & b;\nendmodule\n[DONE]\n"
    cand = spec.extract(p, _complete(answer))
    assert cand is not None and cand.meta["top_found"] and "[DONE]" not in cand.code
    complete = make_suite("verilogeval-v2-complete", V2)
    p = next(iter(complete.problems()))
    cand = complete.extract(p, _complete("```verilog\n  assign out = a & b;\nendmodule\n```"))
    assert cand is not None and cand.meta["top_found"]
    assert cand.code.startswith("module TopModule (\n  input a,") and "assign out = a & b;" in cand.code
    assert spec.extract(p, _complete("I cannot help with that.")) is None
