"""Red team 10a S4, S6, S7: a lone CR, the hidden harness's unit-scope names, directives that leak.

S4: Icarus ends a line (and a ``//`` comment) at a lone CR, but the shared lexer read the comment
to the next LF, so code after ``// note\\r`` was invisible to the integrity scan and the dedup key
(a wrong sample shared a right one's verdict). S6 (CVDP): a function or package the hidden harness
declares outside its modules was callable from the answer (``assign p = scr_golden_fn(a, b)``
passed). S7 (CVDP): a trailing `` `timescale 1ps/1ps `` in the answer set the harness's clock period
(a slow design met its latency).
"""
from __future__ import annotations

import json

import pytest

from benchmarks.cvdp import CvdpSuite
from benchmarks.cvdp.answer import model_answer, parse_files
from benchmarks.cvdp.standalone import directive_tail, unit_names
from harness.api import score_response
from harness.families.verilog.dedup import normalized_sha256
from harness.families.verilog.extract import extract_verilog
from harness.families.verilog.integrity import violations
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext, SuiteOptions
from harness.types import Status
from tests.cvdp import fixtures

HEADER = "module adder16_cin (input wire [15:0] a, input wire [15:0] b, input wire cin,\n" \
         "    output wire [15:0] sum, output wire cout);\n"
GOOD = HEADER + "    // 16-bit add\rassign {cout, sum} = {1'b0, a} + {1'b0, b} + {16'd0, cin};\nendmodule\n"
BAD = HEADER + "    // 16-bit add\rassign {cout, sum} = 17'd0;\nendmodule\n"


class TestLoneCarriageReturn:
    def test_code_after_a_lone_cr_is_scanned(self) -> None:
        src = "module m(input a, output y);\n// note\r initial $finish;\n assign y = a;\nendmodule\n"
        assert [rule for rule, _ in violations(src)] == ["early_finish"]
        cand = extract_verilog(f"```verilog\n{src}```\n")
        assert cand is not None and "\r" not in cand.code
        assert [rule for rule, _ in violations(cand.code)] == ["early_finish"]

    def test_samples_differing_after_a_lone_cr_do_not_share_a_key(self) -> None:
        good, bad = (extract_verilog(f"```verilog\n{v}```\n") for v in (GOOD, BAD))
        assert good is not None and bad is not None
        assert normalized_sha256(good.code) != normalized_sha256(bad.code)

    def test_crlf_answers_keep_their_key(self) -> None:  # an honest CRLF answer is the LF answer
        lf = extract_verilog(f"```verilog\n{GOOD.replace(chr(13), chr(10))}```\n")
        crlf = extract_verilog(f"```verilog\r\n{GOOD.replace(chr(13), chr(10)).replace(chr(10), chr(13) + chr(10))}```\r\n")
        assert lf is not None and crlf is not None and lf.code == crlf.code

    def test_cvdp_files_are_normalised(self) -> None:
        files = parse_files(json.dumps({"code": [{"rtl/a.sv": "module a;\r// x\rwire w;\r\nendmodule\r"}]}),
                            ["rtl/a.sv", "rtl/b.sv"])
        assert files == {"rtl/a.sv": "module a;\n// x\nwire w;\nendmodule\n"}


class TestDirectiveTail:
    def test_the_reference_end_state_follows_a_resetall(self) -> None:
        ref = "`timescale 1ns/1ps\n`default_nettype none\nmodule m; endmodule\n`default_nettype wire\n"
        assert directive_tail(ref) == "\n`resetall\n`timescale 1ns/1ps\n`default_nettype wire\n"
        assert directive_tail("module m; endmodule\n// `timescale 1ps/1ps\n") == "\n`resetall\n"
        assert directive_tail("`celldefine\nmodule m; endmodule\n`endcelldefine\n") == "\n`resetall\n"

    def test_unit_names(self) -> None:
        text = ("package p; function automatic logic [3:0] f(input x); return x; endfunction\n"
                "typedef enum logic [1:0] {IDLE = 0, RUN} st_t; parameter int A = 3, B = 4; endpackage\n"
                "module m; function g(); endfunction wire inner; endmodule\ntypedef logic [7:0] byte_t;\n"
                "function automatic logic [15:0] gold_fn(input logic [7:0] a); return a; endfunction\n")
        assert unit_names(text) == {"p", "f", "IDLE", "RUN", "st_t", "A", "B", "byte_t", "gold_fn"}


SCR_REF = """module scr8 (input logic [7:0] a, input logic [7:0] b, output logic [15:0] p);
    assign p = {a ^ {b[3:0], b[7:4]}, (a + b) ^ 8'h5a};
endmodule
"""
SCR_TEST = """import random
import cocotb
from cocotb.triggers import Timer

@cocotb.test()
async def test_scr(dut):
    for _ in range(100):
        a, b = random.getrandbits(8), random.getrandbits(8)
        dut.a.value = a
        dut.b.value = b
        await Timer(1, unit="ns")
        exp = ((a ^ (((b & 0xF) << 4) | (b >> 4))) << 8) | (((a + b) & 0xFF) ^ 0x5A)
        assert int(dut.p.value) == int(dut.u_ref.p.value) == exp, f"a={a} b={b}"
"""
SCR_TB = """function automatic logic [15:0] scr_golden_fn(input logic [7:0] a, input logic [7:0] b);
    return {a ^ {b[3:0], b[7:4]}, (a + b) ^ 8'h5a};
endfunction
package scr_golden_pkg;
    function automatic logic [15:0] golden(input logic [7:0] a, input logic [7:0] b);
        return {a ^ {b[3:0], b[7:4]}, (a + b) ^ 8'h5a};
    endfunction
endpackage
module tb_top (input logic [7:0] a, input logic [7:0] b, output logic [15:0] p);
    scr8 dut (.a(a), .b(b), .p(p));
    scr8_golden u_ref (.a(a), .b(b), .p());
endmodule
module scr8_golden (input logic [7:0] a, input logic [7:0] b, output logic [15:0] p);
    assign p = scr_golden_fn(a, b);
endmodule
"""
SQ_REF = """`timescale 1ns/1ps
module sq8 (input logic clk, input logic start, input logic [7:0] x, output logic done, output logic [15:0] y);
    logic [1:0] cnt; logic busy; logic [7:0] xr;
    always_ff @(posedge clk) begin
        if (start) begin busy <= 1; cnt <= 0; xr <= x; done <= 0; end
        else if (busy) begin
            cnt <= cnt + 1;
            if (cnt == 2'd1) begin done <= 1; y <= xr * xr; busy <= 0; end
        end
    end
endmodule
"""
SQ_TEST = """import random
import cocotb
from cocotb.triggers import Timer

@cocotb.test()
async def test_latency(dut):
    for _ in range(10):
        x = random.getrandbits(8)
        dut.x.value = x
        dut.start.value = 1
        await Timer(10, unit="ns")
        dut.start.value = 0
        await Timer(60, unit="ns")
        assert int(dut.done.value) == 1, f"x={x}: done not set within the latency"
        assert int(dut.y.value) == x * x, f"x={x}: y={int(dut.y.value)}"
"""
SQ_TB = """module tb_top (input logic start, input logic [7:0] x, output logic done, output logic [15:0] y);
    logic clk = 1'b0;
    always #5 clk = ~clk;
    sq8 dut (.clk(clk), .start(start), .x(x), .done(done), .y(y));
endmodule
"""
SLOW = SQ_REF.replace("logic [1:0] cnt", "logic [7:0] cnt").replace("2'd1", "8'd199")


def _suite(tmp_path, pid: str, ref_name: str, ref: str, harness: dict[str, str], test: str):  # type: ignore[no-untyped-def]
    name = pid.split("_")[2]
    rec = fixtures.record(
        pid, "cid003", "easy", f"Design `{name}` (see the spec).", {}, {ref_name: ref},
        {"Dockerfile": "FROM __OSS_SIM_IMAGE__\n", "docker-compose.yml": fixtures.COMPOSE,
         "src/.env": fixtures.env(f"/code/{ref_name} /src/tb_top.sv", "tb_top", f"test_{name}"),
         **harness, f"src/test_{name}.py": test, "src/test_runner.py": fixtures.SINGLE})
    path = tmp_path / f"{pid}.jsonl"
    path.write_text(json.dumps(rec) + "\n")
    suite = CvdpSuite(SuiteOptions(data=str(path)))
    (problem,) = suite.problems()
    return suite, problem, EvalContext(sandbox=BubblewrapSandbox(), cache_dir=tmp_path)


@pytest.mark.slow
class TestHiddenUnitNames:
    UNITFN = "module scr8 (input logic [7:0] a, input logic [7:0] b, output logic [15:0] p);\n" \
             "    assign p = scr_golden_fn(a, b);\nendmodule\n"
    PKG = "module scr8 (input logic [7:0] a, input logic [7:0] b, output logic [15:0] p);\n" \
          "    import scr_golden_pkg::*;\n    assign p = golden(a, b);\nendmodule\n"
    OWN = "module scr8 (input logic [7:0] a, input logic [7:0] b, output logic [15:0] p);\n" \
          "    function automatic logic [15:0] scr_golden_fn(input logic [7:0] x, input logic [7:0] y);\n" \
          "        return {x ^ {y[3:0], y[7:4]}, (x + y) ^ 8'h5a};\n    endfunction\n" \
          "    assign p = scr_golden_fn(a, b);\nendmodule\n"

    def test_calls_into_the_hidden_harness_are_rejected_and_own_functions_pass(self, tmp_path) -> None:  # type: ignore[no-untyped-def]
        suite, problem, ctx = _suite(tmp_path, "cvdp_copilot_scr8_0001", "rtl/scr8.sv", SCR_REF,
                                     {"src/tb_top.sv": SCR_TB}, SCR_TEST)
        for code in (self.UNITFN, self.PKG):
            v = score_response(suite, problem, model_answer({"rtl/scr8.sv": code}), ctx)
            assert (v.status, v.rule) == (Status.REJECTED, "foreign_module"), v.reason
        for code in (SCR_REF, self.OWN):  # a function of its own with the harness's name is its own
            v = score_response(suite, problem, model_answer({"rtl/scr8.sv": code}), ctx)
            assert v.status == Status.PASS, v.reason


@pytest.mark.slow
class TestDirectivesStopAtTheAnswer:
    def test_a_trailing_timescale_does_not_reach_the_harness(self, tmp_path) -> None:  # type: ignore[no-untyped-def]
        suite, problem, ctx = _suite(tmp_path, "cvdp_copilot_sq8_0001", "rtl/sq8.sv", SQ_REF,
                                     {"src/tb_top.sv": SQ_TB}, SQ_TEST)
        for code in (SLOW, SLOW + "`timescale 1ps/1ps\n"):
            v = score_response(suite, problem, model_answer({"rtl/sq8.sv": code}), ctx)
            assert v.status == Status.FAIL, v.reason
        # honest styles: `default_nettype none (the harness's implicit nets keep working), no timescale
        honest = "`default_nettype none\n" + SQ_REF.replace("`timescale 1ns/1ps\n", "")
        v = score_response(suite, problem, model_answer({"rtl/sq8.sv": honest}), ctx)
        assert v.status == Status.PASS, v.reason


ENC_DEC = """module enc (input [7:0] d, output [3:0] c);
    assign c = {^d[7:4], ^d[3:0], ^{d[7], d[5], d[3], d[1]}, ^{d[6], d[4], d[2], d[0]}};
endmodule
module dec (input [7:0] d, input [3:0] c, output [3:0] s, output bad);
    wire [3:0] r;
    enc e (.d(d), .c(r));   // the decoder reuses the answer's own encoder
    assign s = r ^ c;
    assign bad = |s;
endmodule
"""
ENC_DEC_WRAP = """module wrap (input [7:0] d, input [3:0] c, output [3:0] r, output [3:0] s, output bad);
    enc u_enc (.d(d), .c(r));
    dec u_dec (.d(d), .c(c), .s(s), .bad(bad));
endmodule
"""
LATCH_ADDER = """module adder16_cin (input wire [15:0] a, input wire [15:0] b, input wire cin,
    output wire [15:0] sum, output wire cout);
    wire en = ((a[0] ^ b[0]) ^ b[0]) == a[0];   // always 1, not folded by abc
    reg [16:0] c;
    reg [15:0] s;
    integer i;
    always @* begin
        c[0] = cin;
        for (i = 0; i < 16; i = i + 1) begin
            s[i] = a[i] ^ b[i] ^ c[i];
            if (en) c[i + 1] = (a[i] & b[i]) | (c[i] & (a[i] ^ b[i]));   // a latch per carry
        end
    end
    assign sum = s;
    assign cout = c[16];
endmodule
"""


@pytest.mark.slow
class TestSynthesisScores:
    def test_a_module_inside_another_wrapped_module_is_scored_whole(self, tmp_path) -> None:  # type: ignore[no-untyped-def]
        from harness.families.verilog.wrapsynth import Wrapper, mark_instances, synthesize_wrapped

        wrapper = Wrapper({"wrap.v": ENC_DEC_WRAP}, "wrap", ("enc", "dec"))
        assert mark_instances(ENC_DEC_WRAP, wrapper.designs).count("(* keep_hierarchy *)") == 2
        res = synthesize_wrapped(ENC_DEC, wrapper, EvalContext(sandbox=BubblewrapSandbox(), cache_dir=tmp_path))
        assert res.synthesizable, res.reason  # was: unreadable yosys stat output
        enc_only = synthesize_wrapped(ENC_DEC, Wrapper({"w.v": "module w(input [7:0] d, output [3:0] r);\n"
                                                              "  enc u (.d(d), .c(r));\nendmodule\n"}, "w", ("enc",)),
                                      EvalContext(sandbox=BubblewrapSandbox(), cache_dir=tmp_path))
        assert res.depth is not None and enc_only.depth is not None and res.depth > enc_only.depth

    def test_latches_the_reference_lacks_leave_area_and_depth_unmeasured(self, tmp_path) -> None:  # type: ignore[no-untyped-def]
        from tests.helpers import executions, hweval, write_replay

        answers = write_replay(tmp_path / "a.jsonl", "verilog-core", "adder16_cin", [f"```verilog\n{LATCH_ADDER}```\n"])
        hweval("run", "--suite", "verilog-core", "--problems", "adder16_cin", "--model", f"replay:{answers}",
               "--out", str(tmp_path / "run"), check=True)
        rec = executions(tmp_path / "run")[0]
        assert rec["status"] == "pass" and rec["metrics"]["synthesizable"] is True
        assert rec["metrics"]["depth"] is None and rec["metrics"].get("depth_ratio") is None
        # red team 11a S12: area and cells go with the depth (seqcheck)
        assert rec["metrics"]["area"] is None and rec["metrics"].get("area_ratio") is None
        assert "latches ($_DLATCH" in rec["stages"]["synth"]["reason"]


def test_a_unit_scope_timeunit_is_rejected() -> None:  # red team 10c S3
    from harness.families.verilog.integrity import scan

    top = "timeunit 1ps;\ntimeprecision 1ps;\nmodule m(input a, output y); assign y = a; endmodule\n"
    assert [rule for rule, _ in scan(top, preprocessed=True)] == ["unit_scope"]
    inside = "module m(input a, output y); timeunit 1ns; timeprecision 1ps; assign y = a; endmodule\n"
    assert scan(inside, preprocessed=True) == []
