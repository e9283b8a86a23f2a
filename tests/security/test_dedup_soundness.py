"""Dedup must never let a wrong answer share a right answer's verdict (red-team finding: a
`` `define `` whose body swallows the next statement hashed like one that ends on its own line)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.families.verilog.extract import normalized_sha256
from harness.suite import Suite
from harness.types import Candidate

RIGHT = "module and_gate(input wire a, input wire b, output wire y);\n`define K\nassign y = a & b;\nendmodule\n"
WRONG = "module and_gate(input wire a, input wire b, output wire y);\n`define K assign y = a & b;\nendmodule\n"


class TestKeys:
    def test_directive_line_ends_change_the_verilog_key(self) -> None:
        assert normalized_sha256(RIGHT) != normalized_sha256(WRONG)
        continued = "`define K(a) \\\n\n a\nmodule m; endmodule\n"
        assert normalized_sha256(continued) != normalized_sha256(continued.replace("\n\n", "\n"))
        in_comment = "`define K /*\n*/ assign y = 1;\n"
        assert normalized_sha256(in_comment) != normalized_sha256("`define K /* */ assign y = 1;\n")

    def test_comments_and_layout_still_collapse(self) -> None:
        a = "module m(output y); // one\n  assign y = 1'b1;\nendmodule\n"
        b = "module m(output y);\nassign y = 1'b1; /* two */\n\n\nendmodule"
        assert normalized_sha256(a) == normalized_sha256(b)
        ta = "`timescale 1ns/1ps\nmodule m; wire [3:0] x; endmodule // c\n"
        tb = "`timescale 1ns/1ps\nmodule m;   wire [3:0] x; endmodule\n"
        assert normalized_sha256(ta) == normalized_sha256(tb)

    def test_default_key_keeps_blank_lines_and_trailing_blanks(self) -> None:
        key = Suite.dedup_key
        py_a = Candidate(code='S = """a\n\nb"""\n')
        py_b = Candidate(code='S = """a\nb"""\n')
        assert key(None, py_a) != key(None, py_b)  # type: ignore[arg-type]
        c_a = Candidate(code="#define F(x) \\\n\nx\n")
        c_b = Candidate(code="#define F(x) \\\nx\n")
        assert key(None, c_a) != key(None, c_b)  # type: ignore[arg-type]


@pytest.mark.slow
@pytest.mark.parametrize("order", [(RIGHT, WRONG), (WRONG, RIGHT)])
def test_right_and_wrong_answer_get_their_own_verdicts(order: tuple[str, str], tmp_path: Path) -> None:
    replay = tmp_path / "replay.jsonl"
    replay.write_text("".join(json.dumps({"suite": "verilog-core", "problem_id": "and_gate", "sample_idx": i,
                                          "completion": f"```verilog\n{code}```\n"}) + "\n"
                              for i, code in enumerate(order)))
    out = tmp_path / "run"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HWEVAL_") or k == "HWEVAL_CACHE"}
    proc = subprocess.run(
        [sys.executable, "-m", "harness.cli", "--no-progress", "run", "--suite", "verilog-core",
         "--model", f"replay:{replay}", "--problems", "and_gate", "--n-samples", "2", "-S", "synth=off",
         "--workers", "1", "--out", str(out)], capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    records = [json.loads(ln) for ln in (out / "executions.jsonl").read_text().splitlines() if ln.strip()]
    got = {r["sample_idx"]: r["status"] for r in records}
    want = {i: ("pass" if code is RIGHT else "fail") for i, code in enumerate(order)}
    assert got == want, [(r["sample_idx"], r["status"], r.get("reason", "")[:200]) for r in records]
