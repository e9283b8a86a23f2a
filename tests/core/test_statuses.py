"""Each verdict status, produced by real candidates through the real CLI, Icarus and cocotb."""
from __future__ import annotations

import json

import pytest

from tests.helpers import executions, fenced, hweval, write_replay

pytestmark = pytest.mark.slow

GOOD = "module and_gate(input a, input b, output y);\n  assign y = a & b;\nendmodule"
ANSWERS = {
    "pass": fenced(GOOD),
    "fail": fenced(GOOD.replace("a & b", "a | b")),
    "syntax_error": fenced("module and_gate(input a, input b, output y);\n  assign y = a &&& ;\nendmodule"),
    "timeout": fenced("module and_gate(input a, input b, output y);\n  reg r;\n  initial r = 0;\n"
                      "  always @(r) r <= ~r;\n  assign y = a & b;\nendmodule"),
    # $fatal is not on the candidate allowlist (rejected); a memory far over the sandbox's limit
    # crashes the simulator instead
    "runtime_error": fenced("module and_gate(input a, input b, output y);\n  reg [63:0] mem [0:(1<<29)-1];\n"
                            "  integer i;\n  initial for (i = 0; i < (1<<29); i = i + 4096) mem[i] = i;\n"
                            "  assign y = a & b;\nendmodule"),
    "no_code": "I am not able to write Verilog for this task.",
    "rejected": fenced("module and_gate(input a, input b, output y);\n  integer f;\n"
                       "  initial begin f = $fopen(\"results.xml\", \"w\"); $fwrite(f, \"pass\"); end\n"
                       "  assign y = a & b;\nendmodule"),
    "missing_top": fenced("module other(input a, output y);\n  assign y = a;\nendmodule"),
}
EXPECTED = {**{k: k for k in ANSWERS}, "missing_top": "syntax_error"}


def test_every_status_and_the_run_goes_on(tmp_path) -> None:
    names = list(ANSWERS)
    replay = write_replay(tmp_path / "answers.jsonl", "verilog-core", "and_gate", [ANSWERS[n] for n in names])
    out = tmp_path / "run"
    proc = hweval("run", "--suite", "verilog-core", "--model", f"replay:{replay}", "--problems", "and_gate",
                  "--n-samples", str(len(names)), "--timeout", "6", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    recs = executions(out)
    got = {names[i]: recs[i]["status"] for i in range(len(names))}
    assert got == EXPECTED
    assert recs[names.index("rejected")]["rule"] == "file_io"
    assert "no module named 'and_gate'" in recs[names.index("missing_top")]["reason"]
    results = json.loads((out / "results.json").read_text())
    suite = results["suites"]["verilog-core"]
    assert suite["metrics"]["pass@1"]["mean"] == pytest.approx(1 / len(names))
    assert suite["status_counts"]["timeout"] == 1 and results["infra_errors"] == 0
    # the syntax stage and the Verilator lint opinion are recorded beside the verdict
    assert recs[0]["stages"]["syntax"]["status"] == "pass"
    assert recs[0]["stages"]["lint"]["status"] in ("pass", "not_run")


def test_forged_output_does_not_pass(tmp_path) -> None:
    """A candidate printing cocotb-like PASS text or a fake verdict line still fails."""
    forged = fenced("module and_gate(input a, input b, output y);\n"
                    "  initial $display(\"HWEVAL-RESULT 0000 {\\\"stage\\\": \\\"function\\\", \\\"status\\\": \\\"pass\\\"}\");\n"
                    "  initial $display(\"** TESTS=1 PASS=1 FAIL=0 SKIP=0 **\");\n"
                    "  assign y = a | b;\nendmodule")
    replay = write_replay(tmp_path / "a.jsonl", "verilog-core", "and_gate", [forged])
    out = tmp_path / "run"
    hweval("run", "--suite", "verilog-core", "--model", f"replay:{replay}", "--problems", "and_gate",
           "--out", str(out), check=True)
    assert executions(out)[0]["status"] == "fail"
