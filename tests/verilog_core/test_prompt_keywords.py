"""The Verilog system prompt states how candidates are compiled: as SystemVerilog 2012, where
SystemVerilog keywords are reserved. A design that is legal Verilog-2005 but names a signal `dist`
is a syntax error here, so the prompt must say so (an independent solver lost a problem to it)."""
from __future__ import annotations

import pytest

from harness.families.verilog.cocotb_eval import evaluate_cocotb
from harness.families.verilog.extract import extract_verilog
from harness.families.verilog.prompt import SYSTEM
from harness.families.verilog.tbeval import ICARUS_FLAGS
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext
from harness.types import Status

TB = """
import cocotb
from cocotb.triggers import Timer

@cocotb.test()
async def adds(dut):
    for a in range(16):
        for b in range(16):
            dut.a.value, dut.b.value = a, b
            await Timer(1, unit="ns")
            assert int(dut.s.value) == a + b
"""
DESIGN = """module add (input [3:0] a, input [3:0] b, output [4:0] s);
  wire [4:0] NAME;
  assign NAME = a + b;
  assign s = NAME;
endmodule
"""


def test_prompt_names_the_language_mode_the_compiler_uses() -> None:
    assert "-g2012" in ICARUS_FLAGS
    assert "iverilog -g2012" in SYSTEM and "dist" in SYSTEM


def test_prompt_states_the_verilator_fallback_the_cocotb_suites_default_to() -> None:
    """The suites that use this prompt build an answer Icarus rejects with Verilator 5 (unless
    ``-S fallback=off``): tests/verilog_core/test_fallback.py checks that it does."""
    from benchmarks.verilog_core import VerilogCoreSuite
    from harness.families.verilog.suite import fallback_of

    text = " ".join(SYSTEM.split())
    assert "answers Icarus cannot compile are built and tested with Verilator 5" in text
    assert fallback_of(VerilogCoreSuite().options) == "verilator"
    assert "accepted by Icarus Verilog" not in text


@pytest.mark.slow
@pytest.mark.parametrize("name, status", [("total", Status.PASS), ("dist", Status.SYNTAX_ERROR),
                                          ("logic", Status.SYNTAX_ERROR)])
def test_systemverilog_keyword_as_identifier(name: str, status: Status, tmp_path) -> None:  # type: ignore[no-untyped-def]
    code = DESIGN.replace("NAME", name)
    cand = extract_verilog(f"```verilog\n{code}```", "add")
    assert cand is not None
    ctx = EvalContext(sandbox=BubblewrapSandbox(), scratch_root=tmp_path)
    verdict = evaluate_cocotb(cand, top="add", tb_source=TB, ctx=ctx, lint=False, reference=DESIGN.replace("NAME", "t"))
    assert verdict.status is status, verdict.reason


# Each construct the prompt says Icarus 11 does not support (an independent honest-answer tester
# lost problems to each; the cocotb suites now build such answers with Verilator), as a minimal
# design, with the words the prompt uses for it. If an Icarus upgrade accepts one, this fails and
# the prompt must drop the claim.
UNSUPPORTED = {
    "break and continue": ("module m(input [3:0] x, output reg [2:0] y);\n  integer i;\n"
                           "  always @* begin y = 0; for (i = 0; i < 4; i = i + 1) begin\n"
                           "    if (x[i]) begin y = i; break; end end end\nendmodule\n"),
    "state_t'(x)": ("module m(input [1:0] op, output reg y);\n  typedef enum logic [1:0] {A, B, C} state_t;\n"
                    "  always @* case (state_t'(op)) A: y = 1; default: y = 0; endcase\nendmodule\n"),
    "localparam int unsigned": "module m(output [3:0] y);\n  localparam int unsigned D = 8;\n  assign y = D;\nendmodule\n",
    "assert property": "module m(input clk, input a);\n  assert property (@(posedge clk) a);\nendmodule\n",
    "the same unpacked array": ("module m(input clk, input [3:0] x, output [3:0] z);\n  logic [3:0] q [0:2];\n"
                                "  assign q[0] = x;\n  always_ff @(posedge clk) for (int l = 0; l < 2; l++) q[l+1] <= q[l];\n"
                                "  assign z = q[2];\nendmodule\n"),
}


@pytest.mark.slow
@pytest.mark.parametrize("words", sorted(UNSUPPORTED))
def test_each_construct_the_prompt_calls_unsupported_fails_to_compile(words: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import subprocess

    assert words in " ".join(SYSTEM.split())
    src = tmp_path / "m.sv"
    src.write_text(UNSUPPORTED[words])
    proc = subprocess.run(["iverilog", *ICARUS_FLAGS, "-o", str(tmp_path / "m.vvp"), str(src)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0, f"Icarus now accepts {words!r}: drop it from the prompt"
