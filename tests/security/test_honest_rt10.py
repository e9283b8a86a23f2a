"""Honest-answer tester round 10: three rules that rejected correct answers.

F1 (``verilog.drivers``): a net or variable declared in a begin-end block (a generate block, a
named ``always`` block) with an input's name was read as the module driving its own input.
F2 (CVDP interface probe): a reference ``localparam`` no harness file reads (one-hot state codes,
a pointer one bit wider) was compared with the answer's like a parameter the tests read.
F3 (HLS ``before-main``): a fix that made a namespace-scope ``ap_uint`` constant ``constexpr`` (as
the prompt suggests) had less static initialisation than the original and was rejected.
"""
from __future__ import annotations

import json

import pytest

from benchmarks.cvdp.standalone import unread_localparams
from harness.families.verilog.drivers import input_drivers
from tests.helpers import executions, hweval, write_replay

GRAY_GENERATE = """module gray2bin8 (input [7:0] gray, output [7:0] bin);
    genvar i;
    generate for (i = 0; i < 8; i = i + 1) begin : g_bit
        wire [7:0] g_in = gray;
        wire [7:0] gray_s = g_in >> i;
        assign bin[i] = ^gray_s;
    end endgenerate
endmodule
"""
GRAY_SHADOW = """module gray2bin8 (input [7:0] gray, output [7:0] bin);
    wire [7:0] g_in = gray;
    genvar i;
    generate for (i = 0; i < 8; i = i + 1) begin : g_bit
        wire [7:0] gray;
        assign gray = g_in >> i;
        assign bin[i] = ^gray;
    end endgenerate
endmodule
"""
PRIO_SHADOW = """module priority_enc8 (input [7:0] req, output reg [2:0] idx, output reg valid);
    wire [7:0] req_in = req;
    integer k;
    always @* begin : scan
        reg [7:0] req;
        req = req_in;
        idx = 3'd0;
        valid = 1'b0;
        for (k = 0; k < 8; k = k + 1) if (req[k]) begin idx = k[2:0]; valid = 1'b1; end
    end
endmodule
"""


class TestBlockLocalNames:
    @pytest.mark.parametrize("code", [GRAY_GENERATE, GRAY_SHADOW, PRIO_SHADOW])
    def test_a_block_of_its_own_may_reuse_an_inputs_name(self, code: str) -> None:
        assert input_drivers(code) == []

    @pytest.mark.parametrize("code", [
        # the block's local ends with the block: the assignment after it is to the input
        "module m(input [7:0] a, output [7:0] y);\n always @* begin : b reg [7:0] a; a = 0; end\n"
        " always @* begin a = 8'd0; end\n assign y = a;\nendmodule\n",
        "module m(input [7:0] a, output [7:0] y);\n genvar i;\n generate for (i = 0; i < 1; i = i + 1) begin : g\n"
        "  wire [7:0] q = a;\n end endgenerate\n assign a = 8'd0;\n assign y = a;\nendmodule\n",
        # a block that declares another name does not cover the input
        "module m(input [7:0] a, output [7:0] y);\n always @* begin : b reg [7:0] t; a = t; end\n"
        " assign y = a;\nendmodule\n",
    ])
    def test_the_input_itself_is_still_caught(self, code: str) -> None:
        assert [rule for rule, _ in input_drivers(code)] == ["input_driven"]


def test_localparams_no_harness_file_names_are_not_compared(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "test_fsm.py").write_text("assert int(dut.WIDTH.value) == 8\nx = dut.S1\n")
    ref = "module fsm #(parameter WIDTH = 8) (input clk);\n localparam IDLE = 0, S1 = 1, S10 = 2;\n" \
          " localparam AW = $clog2(WIDTH);\nendmodule\n"
    assert unread_localparams(ref, tmp_path) == {"IDLE", "S10", "AW"}  # S1 is read; WIDTH is a parameter


CRC_CONSTEXPR = """```json
{"buggy": true, "line": 16, "type": "OP", "fix": null}
```

Fixed kernel.cpp:
```cpp
#include "kernel.h"
#include <cstdint>

constexpr uint32_t CRC_POLY = 0xEDB88320u;

ap_uint<32> crc32(const ap_uint<8> data[CRC_LEN], int len) {
    ap_uint<32> crc = 0xFFFFFFFF;
    for (int i = 0; i < len; i++) {
#pragma HLS LOOP_TRIPCOUNT min=1 max=64
#pragma HLS PIPELINE II=1
        crc ^= data[i];
        for (ap_uint<4> b = 0; b < 8; b++) {
#pragma HLS UNROLL
            ap_uint<1> lsb = crc & 1;
            crc = crc >> 1;
            if (lsb == 1) {
                crc ^= CRC_POLY;
            }
        }
    }
    return ~crc;
}
```
"""


@pytest.mark.slow
def test_a_fix_with_less_static_initialisation_passes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    answers = write_replay(tmp_path / "a.jsonl", "hls-bugs", "crc32/OP_1", [CRC_CONSTEXPR])
    hweval("run", "--suite", "hls-bugs", "--problems", "crc32/OP_1", "--model", f"replay:{answers}",
           "--out", str(tmp_path / "run"), check=True)
    rec = executions(tmp_path / "run")[0]
    assert rec["status"] == "pass", json.dumps(rec)[:2000]


def test_static_initialisation_is_the_originals_or_its_headers() -> None:
    from harness.families.hls.objcheck import ObjInfo, check_object

    ref = ObjInfo(init_size=120)
    for size, ok in ((120, True), (40, True), (0, False), (41, False), (200, False)):
        reason = check_object(ObjInfo(init_size=size), ref, ObjInfo(), frozenset(), header_init=40)
        assert (reason is None) is ok, (size, reason)
    assert check_object(ObjInfo(init_size=40), ref, ObjInfo(), frozenset()) is not None  # no baseline: as before


def test_qualified_ifs_are_read_by_yosys(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """M1: ``priority if``/``unique if`` (which Icarus and Verilator take) made yosys 0.23 fail, so a
    passing answer lost its area; the qualifiers are dropped for yosys (the netlist is re-tested)."""
    import shutil
    import subprocess

    from harness.families.verilog.yosysfront import for_yosys

    code = ("module m(input [1:0] a, output reg y);\n  always @* begin\n    priority if (a[0]) y = 1'b1;\n"
            "    else unique0 if (a[1]) y = 1'b0;\n    else y = 1'b1;\n    unique if (a == 2'd3) y = 1'b0;\n"
            "  end\nendmodule\n")
    out = for_yosys(code)
    assert "priority" not in out and "unique" not in out and out.count("if (") == 3
    if shutil.which("yosys") is None:
        pytest.skip("yosys not installed")
    (tmp_path / "m.sv").write_text(out)
    res = subprocess.run(["yosys", "-q", "-p", "read_verilog -sv m.sv; synth -top m"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
