"""Area, cells and depth are scored only over ordinary sequential cells (``seqcheck``, red team 11a
S6, S7, S7b, S12): each attack passes (the verdict stands) with no area, cells or depth; honest
answers with asynchronous resets, clock enables, an inverted clock or two clocks keep them."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchmarks.verilog_core import VerilogCoreSuite
from benchmarks.verilog_hard import VerilogHardSuite
from harness.families.verilog import synth
from harness.families.verilog.isolation import modules_expected
from harness.families.verilog.wrapsynth import Wrapper
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext, SuiteOptions
from harness.types import Status, Verdict

pytestmark = pytest.mark.slow


@pytest.fixture
def ctx(tmp_path: Path) -> EvalContext:
    return EvalContext(sandbox=BubblewrapSandbox(), cache_dir=tmp_path)


def _reference(pid: str) -> tuple[str, str]:
    suite = VerilogHardSuite() if pid == "async_fifo" else VerilogCoreSuite()
    problem = next(p for p in suite.problems() if p.id == pid)
    assert problem.reference
    return problem.reference, str(problem.data["top"])


def _metrics(code: str, pid: str, ctx: EvalContext, wrapper: Wrapper | None = None) -> tuple[dict, str]:  # type: ignore[type-arg]
    ref, top = _reference(pid)
    v = synth.add_synthesis(Verdict(Status.PASS), code, ref, top, ctx, SuiteOptions(), wrapper=wrapper)
    assert v.status == Status.PASS and v.metrics["synthesizable"] is True  # the verdict stands
    return v.metrics, v.stages["synth"].reason


def _withheld(metrics: dict, reason: str, why: str) -> None:  # type: ignore[type-arg]
    for key in ("area", "cells", "depth", "area_ratio", "cells_ratio", "depth_ratio"):
        assert metrics.get(key) is None, (key, metrics)
    assert metrics["ref_area"] and "area, cells and depth not scored" in reason and why in reason, reason


# S6: negedge registers in the middle of mac_pipe's paths (depth 17 against 24 before)
MAC_NEGEDGE = """module mac_pipe (input wire clk, input wire rst_n, input wire in_valid, input wire clear,
    input wire [7:0] a, input wire [7:0] b, output reg out_valid, output reg [19:0] acc);
  reg v1, v2, c1, c2; reg [7:0] a1, b1; reg [15:0] p2;
  reg [9:0] q0, q1, q2, q3; reg [10:0] s_lo; reg [9:0] s_hi0, s_hi1;
  always @(posedge clk) begin
    a1 <= a; b1 <= b; c1 <= clear; c2 <= c1;
    p2 <= {6'd0, q0} + {4'd0, q1, 2'd0} + {2'd0, q2, 4'd0} + {q3, 6'd0};
  end
  always @(negedge clk) begin
    q0 <= a1[1:0] * b1; q1 <= a1[3:2] * b1; q2 <= a1[5:4] * b1; q3 <= a1[7:6] * b1;
    s_lo <= {1'b0, acc[9:0]} + {1'b0, p2[9:0]};
    s_hi0 <= acc[19:10] + {4'd0, p2[15:10]}; s_hi1 <= acc[19:10] + {4'd0, p2[15:10]} + 10'd1;
  end
  always @(posedge clk or negedge rst_n)
    if (!rst_n) begin v1 <= 0; v2 <= 0; out_valid <= 0; acc <= 0; end
    else begin
      v1 <= in_valid; v2 <= v1; out_valid <= v2;
      if (v2) acc <= c2 ? {4'd0, p2} : {s_lo[10] ? s_hi1 : s_hi0, s_lo[9:0]};
    end
endmodule
"""
# S7 / S7b: a flip-flop per carry of a ripple adder, wired to follow its input (depth 3 against 16)
ADDER_HEAD = """module adder16_cin (input wire [15:0] a, input wire [15:0] b, input wire cin,
    output wire [15:0] sum, output wire cout);
  wire [16:0] c; assign c[0] = cin; assign cout = c[16];
  genvar i;
  generate for (i = 0; i < 16; i = i + 1) begin : g
    wire g_i = (a[i] & b[i]) | (c[i] & (a[i] ^ b[i]));
    wire gn_i = ~g_i; wire ck_i = g_i;
    reg q;
    assign sum[i] = a[i] ^ b[i] ^ c[i]; assign c[i+1] = q;
"""
ADDER_SET = ADDER_HEAD + "    always @(posedge gn_i or posedge g_i) if (g_i) q <= 1'b1; else q <= g_i;\n  end endgenerate\nendmodule\n"
ADDER_RST = ADDER_HEAD + "    always @(posedge ck_i or negedge g_i) if (!g_i) q <= 1'b0; else q <= 1'b1;\n  end endgenerate\nendmodule\n"
# S12: ram16x8's memory in latches opened by a zero-width pulse (area 1061 against 1406)
RAM_PULSE = """module ram16x8 (input wire clk, input wire rst, input wire en, input wire we,
    input wire [3:0] addr, input wire [7:0] wdata, output reg [7:0] rdata);
  wire ck = clk; reg q;
  always @(posedge ck or negedge clk) if (!clk) q <= 1'b0; else q <= 1'b1;
  wire wr = clk & ~q & en & we & ~rst;
  reg [7:0] mem [0:15];
  genvar i;
  generate for (i = 0; i < 16; i = i + 1) begin : w
    always @* if (wr && addr == i) mem[i] = wdata;
  end endgenerate
  always @(posedge clk) if (rst) rdata <= 8'h00; else if (en) rdata <= we ? wdata : mem[addr];
endmodule
"""


def test_negedge_flip_flops_the_reference_lacks_lose_area_and_depth(ctx: EvalContext) -> None:
    metrics, reason = _metrics(MAC_NEGEDGE, "mac_pipe", ctx)
    _withheld(metrics, reason, "clock edges the reference does not use (clk:negedge)")


@pytest.mark.parametrize("code", [ADDER_SET, ADDER_RST], ids=["dff_set_S7", "dff_reset_S7b"])
def test_flip_flops_clocked_or_reset_by_logic_lose_area_and_depth(ctx: EvalContext, code: str) -> None:
    metrics, reason = _metrics(code, "adder16_cin", ctx)
    _withheld(metrics, reason, "by logic")


def test_latches_opened_by_a_pulse_lose_area_too(ctx: EvalContext) -> None:
    metrics, reason = _metrics(RAM_PULSE, "ram16x8", ctx)
    # the pulse's flip-flop is clocked and reset by clk; the latches alone would withhold it as well
    _withheld(metrics, reason, "same port clk")
    from harness.families.verilog.seqcheck import irregular

    res, ref = synth.synthesize(RAM_PULSE, "ram16x8", ctx), synth.synthesize(_reference("ram16x8")[0], "ram16x8", ctx)
    clocking = {**res.clocking, "irregular": [], "n_irregular": 0}
    assert irregular(res.by_type, clocking, ref.by_type, ref.clocking).startswith("latches ($_DLATCH_P_)")

# red team 11c S2: ram16x8's memory in muxes fed back on themselves (no latch cell), written by a
# pulse from an ordinary flip-flop and another mux loop (area 910 against 1406 before)
RAM_MUX_LOOP = """module ram16x8 (input wire clk, input wire rst, input wire en, input wire we,
    input wire [3:0] addr, input wire [7:0] wdata, output reg [7:0] rdata);
  reg tog;
  always @(posedge clk) if (rst) tog <= 1'b0; else tog <= ~tog;
  wire tprev;
  assign tprev = clk ? tprev : tog;
  wire wr = clk & ~(tog ^ tprev) & en & we & ~rst;
  wire [127:0] words;
  genvar i;
  generate for (i = 0; i < 16; i = i + 1) begin : w
    wire sel = wr && addr == i;
    wire [7:0] word;
    assign word = sel ? wdata : word;
    assign words[8*i +: 8] = word;
  end endgenerate
  always @(posedge clk) if (rst) rdata <= 8'h00; else if (en) rdata <= we ? wdata : words[8*addr +: 8];
endmodule
"""


def test_storage_in_combinational_loops_loses_area_and_depth(ctx: EvalContext) -> None:
    res = synth.synthesize(RAM_MUX_LOOP, "ram16x8", ctx)
    # seen by nothing else: one ordinary posedge clock, no latch cell
    assert res.clocking["clocks"] == ["clk:posedge"] and not res.clocking["n_irregular"], res.clocking
    assert not any(t.startswith("$_DLATCH") for t in res.by_type) and res.clocking["loops"] == 129
    metrics, reason = _metrics(RAM_MUX_LOOP, "ram16x8", ctx)
    _withheld(metrics, reason, "129 combinational loop(s) in the netlist (the reference has 0)")


def test_loops_the_reference_has_too_do_not_withhold() -> None:
    from harness.families.verilog.seqcheck import irregular

    def clk(loops: int) -> dict:  # type: ignore[type-arg]
        return {"clocks": ["clk:posedge"], "irregular": [], "n_irregular": 0, "loops": loops}

    types = {"$_DFF_P_": 1, "$_MUX_": 2}
    assert irregular(types, clk(2), types, clk(2)) == ""
    assert irregular(types, clk(0), types, clk(2)) == ""
    assert irregular(types, clk(3), types, clk(2)).startswith("3 combinational loop(s)")
    assert irregular(types, clk(1), None, None).startswith("1 combinational loop(s)")


def test_an_async_reset_and_enable_answer_keeps_its_scores(ctx: EvalContext) -> None:
    ref, _ = _reference("mac_pipe")
    head = "  always @(posedge clk) begin\n"
    assert ref.count(head) == 1
    honest = ref.replace(head, "  always @(posedge clk or negedge rst_n)\n    if (!rst_n) begin\n"
                               "      a1 <= 0; b1 <= 0; c1 <= 0; p2 <= 0; c2 <= 0;\n    end else begin\n")
    metrics, reason = _metrics(honest, "mac_pipe", ctx)
    assert metrics["area_ratio"] == 1.0 and metrics["depth_ratio"] == 1.0, (metrics, reason)  # $_DFF_ weighs 6.0 either way
    cells = synth.synthesize(honest, "mac_pipe", ctx).by_type
    assert cells.get("$_DFF_PN0_", 0) > 20 and not cells.get("$_DFF_P_"), cells  # every register reset async


def test_a_clock_through_an_inverter_is_its_port_with_the_edge_flipped(ctx: EvalContext) -> None:
    ref, _ = _reference("mac_pipe")
    honest = re.sub(r"posedge clk\b", "negedge clk_b", ref).replace(
        ");\n", ");\n  wire clk_b = ~clk;\n", 1)
    metrics, reason = _metrics(honest, "mac_pipe", ctx)
    assert metrics["area_ratio"] is not None and metrics["depth_ratio"] == 1.0, (metrics, reason)
    negedge = synth.synthesize(ref.replace("posedge clk", "negedge clk"), "mac_pipe", ctx)
    assert negedge.clocking["clocks"] == ["clk:negedge"]


def test_two_clocks_in_a_wrapper_keep_their_scores(ctx: EvalContext) -> None:
    problem = next(p for p in VerilogHardSuite().problems() if p.id == "async_fifo")
    assert problem.path is not None and problem.reference
    meta = problem.data["meta"]
    sources = {n: (problem.path / n).read_text() for n in meta["extra_sources"]}
    wrapper = Wrapper(sources, meta["sim_top"], tuple(sorted({"async_fifo"} | modules_expected(sources.values()))))
    honest = problem.reference.replace(");\n", ");\n    localparam integer UNUSED_HONEST = 1;\n", 1)
    metrics, reason = _metrics(honest, "async_fifo", ctx, wrapper)
    assert metrics["area_ratio"] == 1.0 and metrics["depth_ratio"] == 1.0, (metrics, reason)
    ref = synth.reference_synthesis(problem.reference, "async_fifo", ctx, wrapper)
    assert ref.clocking["clocks"] == ["rclk:posedge", "wclk:posedge"]


def test_a_block_label_before_a_declaration_is_no_instance() -> None:
    # credit_link's wrapper: ``begin : g_regs reg [W-1:0] stage ...`` was read as an instance of a
    # module g_regs, keep_hierarchy went after the colon and no answer to the problem synthesised
    from harness.families.verilog.tbeval import instantiation_sites
    from harness.families.verilog.wrapsynth import mark_instances

    text = ("module w(input clk);\n  generate if (1) begin : g_regs\n    reg [3:0] stage [0:1];\n"
            "  end endgenerate\n  dut #(.N(2)) u0 (.clk(clk));\nendmodule\n")
    assert [(m, i) for m, i, _ in instantiation_sites(text)] == [("dut", "u0")]
    assert mark_instances(text, ("dut", "g_regs")).count("(* keep_hierarchy *)") == 1


def test_a_design_of_16k_flip_flops_keeps_its_scores(ctx: EvalContext, monkeypatch: pytest.MonkeyPatch) -> None:
    # inflate_fixed's reference (32,900 flip-flops) wrote an 18 MB seq.json: past the netlist's 8 MB
    # cap it came back empty and every answer to it lost area, cells and depth
    from harness.families.verilog.netcheck import NETLIST_MAX_CHARS
    from harness.families.verilog.seqcheck import irregular

    code = ("module sr16k (input wire clk, input wire d, output wire q);\n  reg [16383:0] s;\n"
            "  always @(posedge clk) s <= {s[16382:0], d};\n  assign q = s[16383];\nendmodule\n")
    res = synth.synthesize(code, "sr16k", ctx)
    assert res.clocking == {"clocks": ["clk:posedge"], "irregular": [], "n_irregular": 0, "kinds": {}, "loops": 0}
    assert irregular(res.by_type, res.clocking, res.by_type, res.clocking) == "" and res.cells == 16384
    monkeypatch.setattr(synth, "SEQ_MAX_CHARS", NETLIST_MAX_CHARS)  # the old cap
    assert "error" in synth.synthesize(code, "sr16k", ctx).clocking


def test_an_immediate_assertion_is_no_sequential_cell(ctx: EvalContext) -> None:
    """honest11b F10: yosys makes ``$assert`` of ``always_comb assert (...)``; it holds no state."""
    ref, _ = _reference("counter_updown8")
    honest = ref.replace("endmodule", "  always_comb begin\n    assert (!(tc && load) || 1'b1);\n  end\nendmodule")
    assert honest != ref
    cells = synth.synthesize(honest, "counter_updown8", ctx).by_type
    assert cells.get("$assert"), cells  # the cell is there, and is no reason to withhold
    metrics, reason = _metrics(honest, "counter_updown8", ctx)
    assert metrics["area"] is not None and metrics["depth"] is not None, reason
