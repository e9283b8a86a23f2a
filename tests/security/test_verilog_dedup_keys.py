"""Dedup keys share a verdict only between answers the tool cannot tell apart (issue 14, red team
round 4 item 5: ``#0ns ;`` and ``#0 ns ;`` hashed alike because the key's lexer split ``0ns``)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from harness.api import load_suite
from harness.families.verilog.dedup import canonical_text, normalized_sha256
from harness.types import Completion, Problem

HEAD = "module and_gate(input a, input b, output reg y);\n  task ns; begin y = ~(a & b); end endtask\n"
RIGHT = HEAD + "  always @(*) begin y = a & b; #0ns ; end\nendmodule\n"  # a zero delay, a null statement
WRONG = HEAD + "  always @(*) begin y = a & b; #0 ns ; end\nendmodule\n"  # a zero delay, then the task ns

# pairs the tool reads differently; all but the based number and the escaped identifier got one
# key from the old token-stream key
DIFFERENT = {
    "time_literal": ("#1.5ps ;", "#1.5 ps ;"),
    "based_number_spaces": ("x = 4 'b 10 10;", "x = 4'b1010;"),
    "escaped_identifier": ("y = \\a+b ;", "y = \\a +b ;"),
    "sv_increment": ("y = a+ +b;", "y = a++b;"),
    "assignment_pattern": ("y = '{a, b};", "y = ' {a, b};"),
    # Icarus's preprocessor deletes comments in a define body and in macro arguments: ab/**/cd is abcd
    "define_body_paste": ("`define X ab/**/cd\ny = `X;", "`define X ab cd\ny = `X;"),
    "macro_argument_paste": ("`define P(x) x\ny = `P(ab/**/cd);", "`define P(x) x\ny = `P(ab cd);"),
    "macro_argument_paste_lines": ("`define P(x) x\ny = `P((ab)/* c\n */cd);", "`define P(x) x\ny = `P((ab)\ncd);"),
    "token_paste_spacing": ("`define P(a,b) a``b\n", "`define P(a,b) a`` b\n"),
    "directive_comment": ("`ifdef A/**/B\n`endif\n", "`ifdef A B\n`endif\n"),
    "continuation_after_blank": ("`define K a \\\n b\n", "`define K a\n b\n"),
}

SAME = {
    "comments_and_layout": ("module m(output y); // one\n  assign y = 1'b1;\nendmodule\n",
                            "module m(output y);\nassign y = 1'b1; /* two */\n\n\nendmodule"),
    "comment_between_tokens": ("assign y = a /* and */ & b;", "assign y = a  & b;"),
    "timescale_and_comments": ("`timescale 1ns/1ps\nmodule m; // x\n  wire w;\nendmodule\n",
                               "`timescale 1ns/1ps\nmodule m;\n\twire w; /* y */\nendmodule\n\n"),
    "macro_use_then_comment": ("`define W 4\nmodule m; wire [`W-1:0] x; endmodule // c\n",
                               "`define W 4\nmodule m;   wire [`W-1:0] x; endmodule\n"),
    "define_comment_words": ("`define X ab /* q */\n", "`define X ab /* other words */\n"),
}


@pytest.mark.parametrize("name", sorted(DIFFERENT))
def test_answers_the_tool_reads_differently_get_two_keys(name: str) -> None:
    a, b = DIFFERENT[name]
    assert normalized_sha256(a) != normalized_sha256(b), (canonical_text(a), canonical_text(b))


def test_the_red_team_pair_gets_two_keys() -> None:
    assert normalized_sha256(RIGHT) != normalized_sha256(WRONG)


@pytest.mark.parametrize("name", sorted(SAME))
def test_answers_differing_in_comments_and_layout_share_a_key(name: str) -> None:
    """... or, when they define a macro (whose expansion could multiply blanks past a size limit: red
    team 15 S3), share the canonical text but key on the exact one."""
    a, b = SAME[name]
    assert canonical_text(a) == canonical_text(b)
    if "`define" in a:
        assert normalized_sha256(a) != normalized_sha256(b)
    else:
        assert normalized_sha256(a) == normalized_sha256(b), (canonical_text(a), canonical_text(b))


def test_macro_string_quotes_and_stray_quotes_key_on_the_exact_text() -> None:
    quoted = '`define S(x) `"x  y`"\n'
    assert canonical_text(quoted) is None
    assert normalized_sha256(quoted) != normalized_sha256(quoted.replace("  ", " "))
    assert normalized_sha256('y = "a  b;\n') != normalized_sha256('y = "a b;\n')


def _first_problem(suite: str, s: object) -> Problem:
    """The suite's first problem; for hls-bugs its first control item as ``problems()`` yields it,
    made from the kernel folder (listing the suite's problems builds all its items: minutes)."""
    if suite != "hls-bugs":
        return next(iter(s.problems()))  # type: ignore[attr-defined]
    from benchmarks.hls_bugs import KERNELS_DIR

    folder = sorted(p for p in KERNELS_DIR.iterdir() if (p / "kernel.cpp").is_file())[0]
    src = (folder / "kernel.cpp").read_text()
    return Problem(suite=suite, id=f"{folder.name}/control", reference=src, data={"code": src, "types": [], "spans": []},
                   path=folder)


@pytest.mark.parametrize(("suite", "lang", "a", "b"), [
    ("hls-bugs", "cpp", "int f(int a, int b) { return a+ +b; }\n", "int f(int a, int b) { return a++b; }\n"),
    ("hls-bugs", "cpp", "int f(int a) { return a - -1; }\n", "int f(int a) { return a--1; }\n"),
    ("kernels-core", "python", "def f(x):\n    if x:\n        x = 1\n    return x\n",
     "def f(x):\n    if x:\n        x = 1\n        return x\n"),
])
def test_hls_and_kernel_answers_keep_their_exact_text(suite: str, lang: str, a: str, b: str) -> None:
    s = load_suite(suite)
    problem = _first_problem(suite, s)
    ca, cb = (s.extract(problem, Completion(suite, problem.id, i, f"```{lang}\n{code}```\n"))
              for i, code in enumerate((a, b)))
    assert ca is not None and cb is not None
    assert s.dedup_key(ca) != s.dedup_key(cb)


#: the answers of the one replay run below: the red-team pair, and RIGHT again with other comments and layout
OTHER_LAYOUT = RIGHT.replace("endtask\n", "endtask  // unused helper\n").replace("  always", "\talways")
REPLAY = [RIGHT, WRONG, OTHER_LAYOUT]


@pytest.fixture(scope="module")
def replay_run(tmp_path_factory: pytest.TempPathFactory) -> dict[int, dict[str, object]]:
    """The records, by sample, of one ``hweval run`` of verilog-core's and_gate on :data:`REPLAY`
    (one run for the two tests below: one CLI start and one reference check fewer)."""
    tmp_path = tmp_path_factory.mktemp("dedup-replay")
    replay = tmp_path / "replay.jsonl"
    replay.write_text("".join(json.dumps({"suite": "verilog-core", "problem_id": "and_gate", "sample_idx": i,
                                          "completion": f"```verilog\n{code}```\n"}) + "\n"
                              for i, code in enumerate(REPLAY)))
    out = tmp_path / "run"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HWEVAL_") or k == "HWEVAL_CACHE"}
    proc = subprocess.run(
        [sys.executable, "-m", "harness.cli", "--no-progress", "run", "--suite", "verilog-core",
         "--model", f"replay:{replay}", "--problems", "and_gate", "--n-samples", str(len(REPLAY)), "-S", "synth=off",
         "--workers", "1", "--out", str(out)], capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    records = [json.loads(ln) for ln in (out / "executions.jsonl").read_text().splitlines() if ln.strip()]
    return {r["sample_idx"]: r for r in records}


@pytest.mark.slow
def test_the_red_team_pair_scores_one_pass_and_one_fail(replay_run: dict[int, dict[str, object]]) -> None:
    assert (replay_run[0]["status"], replay_run[1]["status"]) == ("pass", "fail")
    assert replay_run[1].get("shared_with") is None  # WRONG was run, not given RIGHT's verdict


@pytest.mark.slow
def test_answers_differing_only_in_comments_are_run_once(replay_run: dict[int, dict[str, object]]) -> None:
    assert replay_run[2]["status"] == "pass"
    assert (replay_run[0].get("shared_with"), replay_run[2].get("shared_with")) == (None, 0)
