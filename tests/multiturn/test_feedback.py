"""Feedback is built from the verdict for any suite, capped, and never quotes hidden material
(the reference, the problem's data fields, the files of its folder), even when a suite's own
feedback or the tool's logs try to."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from harness.multiturn.feedback import MAX_FEEDBACK_CHARS, WITHHELD, build_feedback, verdict_feedback
from harness.suite import EvalContext, Suite
from harness.types import Candidate, Completion, Problem, Prompt, StageResult, Status, Verdict

TB_SECRET = "assert dut.q.value == golden_model(17, 42)  # hidden vector"
REF_SECRET = "assign q = (a * 17) ^ (b >> 2);"
FILE_SECRET = "expected_table = [3, 1, 4, 1, 5, 9, 2, 6]"


class LeakySuite(Suite):
    """A plugin-like suite whose own feedback pastes its testbench and reference."""

    name = "leaky"
    family = "verilog"

    def problems(self) -> Iterator[Problem]:
        yield from ()

    def prompt(self, problem: Problem) -> Prompt:
        return Prompt.user("Write module top with inputs a, b and output q.")

    def extract(self, problem: Problem, completion: Completion) -> Candidate | None:
        return Candidate(completion.completion)

    def evaluate(self, problem: Problem, candidate: Candidate, ctx: EvalContext) -> Verdict:
        raise AssertionError("not called")

    def feedback(self, problem: Problem, candidate: Candidate | None, verdict: Verdict, level: str) -> str:
        return f"{verdict_feedback(verdict, level)}\ntestbench:\n{problem.data['tb']}\nreference:\n{problem.reference}"


def _problem(tmp_path: Path) -> Problem:
    (tmp_path / "vectors.py").write_text(f"{FILE_SECRET}\n")
    return Problem("leaky", "p1", reference=f"module top(input [7:0] a, b, output [7:0] q);\n  {REF_SECRET}\nendmodule",
                   data={"tb": f"async def t(dut):\n    {TB_SECRET}\n", "nested": {"more": [FILE_SECRET]}},
                   path=tmp_path)


def _verdict() -> Verdict:
    return Verdict(Status.FAIL, reason=f"t failed: {TB_SECRET}",
                   stages={"syntax": StageResult("pass"), "function": StageResult("fail", "q=3 expected 9")},
                   logs={"sim": f"line 1\n{FILE_SECRET}\nq mismatch at cycle 4\n"})


def test_hidden_lines_are_withheld_whatever_the_suite_returns(tmp_path: Path) -> None:
    suite, problem = LeakySuite(), _problem(tmp_path)
    text = build_feedback(suite, problem, Candidate("module top(); endmodule"), _verdict(), "full",
                          suite.prompt(problem).text)
    for secret in (TB_SECRET, REF_SECRET, FILE_SECRET):
        assert secret not in text
    assert WITHHELD in text
    assert "q=3 expected 9" in text and "q mismatch at cycle 4" in text  # what is not hidden stays


def test_levels_reveal_more_step_by_step(tmp_path: Path) -> None:
    verdict = _verdict()
    compile_level = verdict_feedback(verdict, "compile")
    tests_level = verdict_feedback(verdict, "tests")
    full_level = verdict_feedback(verdict, "full")
    assert "q=3" not in compile_level and "It compiles" in compile_level
    assert "q=3 expected 9" in tests_level and "cycle 4" not in tests_level
    assert "cycle 4" in full_level
    syntax = Verdict(Status.SYNTAX_ERROR, reason="design.v:3: syntax error near 'endmodule'")
    assert "design.v:3: syntax error" in verdict_feedback(syntax, "compile")
    rejected = Verdict(Status.REJECTED, reason="$system is not allowed", rule="system_tasks")
    assert "system_tasks" in verdict_feedback(rejected, "compile")


def test_feedback_is_capped_and_own_code_is_not_withheld(tmp_path: Path) -> None:
    problem = _problem(tmp_path)
    suite = LeakySuite()
    verdict = Verdict(Status.FAIL, reason=f"{REF_SECRET}\n" + "x" * 10_000)
    # the model wrote the reference's line itself: quoting its own code reveals nothing
    text = build_feedback(suite, problem, Candidate(REF_SECRET), verdict, "tests", "")
    assert len(text) <= MAX_FEEDBACK_CHARS + 40
    assert text.splitlines()[1] == f"Reason: {REF_SECRET}"


def test_broken_suite_feedback_falls_back_to_the_verdict(tmp_path: Path) -> None:
    class Broken(LeakySuite):
        def feedback(self, problem: Problem, candidate: Candidate | None, verdict: Verdict, level: str) -> str:
            raise KeyError("oops")

    text = build_feedback(Broken(), _problem(tmp_path), None, _verdict(), "tests", "")
    assert text.startswith("Your answer was judged: fail.") and "q=3 expected 9" in text


def test_scratch_paths_of_one_shot_and_warm_sandboxes_are_cut(tmp_path: Path) -> None:
    """Feedback stays the same for the same verdict (the generation cache keys on the prompt),
    whichever scratch folder the evaluation used."""
    suite, problem = LeakySuite(), _problem(tmp_path)
    texts = []
    for where in ("/tmp/hweval-tmpfs-8762-p8y41534/job1/", "/tmp/hweval-tmpfs-19811-4fd4fhjs/job18/",
                  "/tmp/hweval-abc_12/"):
        v = Verdict(Status.SYNTAX_ERROR, reason=f"{where}design.v:3: syntax error")
        texts.append(build_feedback(suite, problem, Candidate("module top(); endmodule"), v, "full",
                                    suite.prompt(problem).text))
    assert len(set(texts)) == 1 and "design.v:3: syntax error" in texts[0] and "hweval-" not in texts[0]
