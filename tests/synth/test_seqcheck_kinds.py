"""Storage kinds an answer shares with its reference keep area, cells and depth (honest answers 11b
F5 and O1: a divider chain clocked by flip-flop outputs, a flip-flop with asynchronous set and
reset, a reset synchroniser driving asynchronous resets), where the reference has the same kind
(``seqcheck.shareable``, compared per kind); against a reference without it they stay withheld,
and so do kinds it lacks beside the shared ones (a chain of asynchronous resets, a clock made in
logic, a reset made in logic)."""
from __future__ import annotations

from pathlib import Path

import pytest

from harness.families.verilog import synth
from harness.families.verilog.seqcheck import irregular, shareable
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext, SuiteOptions
from harness.types import Status, Verdict

#: a ripple divider chain: d4 clocked by d2, cnt by d4
DIV_REF = """module divs (input wire clk, input wire rst_n, output reg d2, output reg d4, output reg [2:0] cnt);
  always @(posedge clk or negedge rst_n) if (!rst_n) d2 <= 1'b0; else d2 <= ~d2;
  always @(posedge d2 or negedge rst_n) if (!rst_n) d4 <= 1'b0; else d4 <= ~d4;
  always @(posedge d4 or negedge rst_n) if (!rst_n) cnt <= 3'd0; else cnt <= cnt + 3'd1;
endmodule
"""
#: the same chain written otherwise (d4 on the falling edge of ~d2)
DIV_HONEST = """module divs (input wire clk, input wire rst_n, output reg d2, output reg d4, output reg [2:0] cnt);
  always @(posedge clk or negedge rst_n) begin if (~rst_n) d2 <= 0; else d2 <= !d2; end
  wire d2b = ~d2;
  always @(negedge d2b or negedge rst_n) begin if (~rst_n) d4 <= 0; else d4 <= !d4; end
  always @(posedge d4 or negedge rst_n) begin if (~rst_n) cnt <= 0; else if (1'b1) cnt <= cnt + 1; end
endmodule
"""
#: the same outputs from one clock domain
DIV_PLAIN = """module divs (input wire clk, input wire rst_n, output reg d2, output reg d4, output reg [2:0] cnt);
  reg [3:0] c; reg [1:0] q;
  always @(posedge clk or negedge rst_n) if (!rst_n) begin q <= 0; c <= 0; d2 <= 0; d4 <= 0; cnt <= 0; end
  else begin q <= q + 1; d2 <= ~d2; if (q == 2'd1 || q == 2'd3) d4 <= ~d4; if (q == 2'd3 && d4) cnt <= cnt + 1; end
endmodule
"""
#: d4 clocked by clk & d2: a clock made in logic
DIV_GATED = """module divs (input wire clk, input wire rst_n, output reg d2, output reg d4, output reg [2:0] cnt);
  always @(posedge clk or negedge rst_n) if (!rst_n) d2 <= 1'b0; else d2 <= ~d2;
  wire g = clk & d2;
  always @(posedge g or negedge rst_n) if (!rst_n) d4 <= 1'b0; else d4 <= ~d4;
  always @(posedge d4 or negedge rst_n) if (!rst_n) cnt <= 3'd0; else cnt <= cnt + 3'd1;
endmodule
"""
#: asynchronous set and reset, reset first: yosys makes S = ~set_n & rst_n
SRFF_REF = """module srff (input wire clk, input wire rst_n, input wire set_n, input wire d, output reg q);
  always @(posedge clk or negedge rst_n or negedge set_n)
    if (!rst_n) q <= 1'b0; else if (!set_n) q <= 1'b1; else q <= d;
endmodule
"""
SRFF_HONEST = """module srff (input wire clk, input wire rst_n, input wire set_n, input wire d, output reg q);
  always @(posedge clk, negedge rst_n, negedge set_n) begin
    if (rst_n == 1'b0) q <= 0;
    else if (set_n == 1'b0) q <= 1;
    else q <= d;
  end
endmodule
"""
SRFF_PLAIN = """module srff (input wire clk, input wire rst_n, input wire set_n, input wire d, output reg q);
  always @(posedge clk or negedge rst_n) if (!rst_n) q <= 1'b0; else if (!set_n) q <= 1'b1; else q <= d;
endmodule
"""
#: both pins from logic (R = ~rst_n | (d & ~set_n)): the reference's R is a port
SRFF_BOTH = """module srff (input wire clk, input wire rst_n, input wire set_n, input wire d, output reg q);
  wire r = ~rst_n | (d & ~set_n);
  always @(posedge clk or posedge r or negedge set_n)
    if (r) q <= 1'b0; else if (!set_n) q <= 1'b1; else q <= d;
endmodule
"""
#: a reset synchroniser's output as the counter's asynchronous reset
RS_REF = """module cnt8 (input wire clk, input wire arst_n, input wire en, output reg [7:0] q);
  reg [1:0] sync;
  always @(posedge clk or negedge arst_n) if (!arst_n) sync <= 2'b00; else sync <= {sync[0], 1'b1};
  wire rst_n = sync[1];
  always @(posedge clk or negedge rst_n) if (!rst_n) q <= 8'd0; else if (en) q <= q + 8'd1;
endmodule
"""
RS_HONEST = """module cnt8 (input wire clk, input wire arst_n, input wire en, output reg [7:0] q);
  reg s0, s1;
  always @(posedge clk or negedge arst_n) begin
    if (!arst_n) begin s0 <= 0; s1 <= 0; end else begin s0 <= 1; s1 <= s0; end
  end
  always @(posedge clk or negedge s1) begin
    if (!s1) q <= 0; else if (en) q <= q + 1;
  end
endmodule
"""
RS_PLAIN = """module cnt8 (input wire clk, input wire arst_n, input wire en, output reg [7:0] q);
  always @(posedge clk or negedge arst_n) if (!arst_n) q <= 8'd0; else if (en) q <= q + 8'd1;
endmodule
"""
#: the counter reset by x1, itself reset by the synchroniser: each step a gate in zero time
RS_CHAIN = """module cnt8 (input wire clk, input wire arst_n, input wire en, output reg [7:0] q);
  reg [1:0] sync;
  always @(posedge clk or negedge arst_n) if (!arst_n) sync <= 2'b00; else sync <= {sync[0], 1'b1};
  reg x1;
  always @(posedge clk or negedge sync[1]) if (!sync[1]) x1 <= 1'b0; else x1 <= en;
  always @(posedge clk or negedge x1) if (!x1) q <= 8'd0; else q <= q + 8'd1;
endmodule
"""


@pytest.fixture
def ctx(tmp_path: Path) -> EvalContext:
    return EvalContext(sandbox=BubblewrapSandbox(), cache_dir=tmp_path)


def _scored(code: str, reference: str, top: str, ctx: EvalContext) -> tuple[dict, str]:  # type: ignore[type-arg]
    v = synth.add_synthesis(Verdict(Status.PASS), code, reference, top, ctx, SuiteOptions())
    assert v.status == Status.PASS and v.metrics["synthesizable"] is True  # the verdict stands
    return v.metrics, v.stages["synth"].reason


HONEST = {"divider_chain": ("divs", DIV_REF, DIV_HONEST, DIV_PLAIN, "clocked by a flip-flop's output"),
          "async_set_and_reset": ("srff", SRFF_REF, SRFF_HONEST, SRFF_PLAIN, "asynchronous S pin driven by logic"),
          "reset_synchroniser": ("cnt8", RS_REF, RS_HONEST, RS_PLAIN, "asynchronous R pin driven by a flip-flop's output")}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(HONEST))
def test_a_kind_the_reference_has_keeps_the_scores(ctx: EvalContext, name: str) -> None:
    top, ref, honest, plain, kind = HONEST[name]
    metrics, reason = _scored(honest, ref, top, ctx)
    for key in ("area", "cells", "depth", "area_ratio", "depth_ratio"):
        assert metrics.get(key) is not None, (key, metrics, reason)
    assert "not scored" not in reason, reason
    # against a reference without that kind the same answer is withheld, the kind named
    metrics, reason = _scored(honest, plain, top, ctx)
    assert metrics["area"] is None and metrics["depth"] is None and metrics["ref_area"], metrics
    assert "not scored" in reason and kind in reason, reason


ATTACKS = {"reset_chain": ("cnt8", RS_REF, RS_CHAIN, "R pin driven by the output of a flip-flop that is not ordinary"),
           "clock_from_logic": ("divs", DIV_REF, DIV_GATED, "clocked by logic"),
           "reset_from_logic": ("srff", SRFF_REF, SRFF_BOTH, "asynchronous R pin driven by logic")}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_a_kind_the_reference_lacks_beside_the_shared_ones_is_withheld(ctx: EvalContext, name: str) -> None:
    top, ref, code, why = ATTACKS[name]
    metrics, reason = _scored(code, ref, top, ctx)
    for key in ("area", "cells", "depth", "area_ratio", "cells_ratio", "depth_ratio"):
        assert metrics.get(key) is None, (key, metrics)
    assert metrics["ref_area"] and "area, cells and depth not scored" in reason and why in reason, reason


def _clk(kinds: dict[str, int]) -> dict:  # type: ignore[type-arg]
    return {"clocks": ["clk:posedge"], "irregular": [f"$_DFF_PP0_ {k}" for k in sorted(kinds)],
            "n_irregular": sum(kinds.values()), "kinds": {k: [n, f"$_DFF_PP0_ {k}"] for k, n in kinds.items()}, "loops": 0}


def test_kinds_are_compared_one_by_one() -> None:
    types = {"$_DFF_PP0_": 4}
    ff, sync = "clocked by a flip-flop's output", "DFF asynchronous R pin driven by a flip-flop's output"
    assert irregular(types, _clk({ff: 3}), types, _clk({ff: 1})) == ""
    assert irregular(types, _clk({ff: 3, sync: 1}), types, _clk({ff: 1})) == (
        f"$_DFF_PP0_ {sync} (the reference has the others)")
    assert irregular(types, _clk({ff: 2}), types, _clk({})) == f"$_DFF_PP0_ {ff} (2 such pins or cells)"
    assert irregular(types, _clk({ff: 2}), None, None).startswith(f"$_DFF_PP0_ {ff}")  # no reference: withheld
    # a clock made in logic and a port both clocking and resetting are never excused (11a S7, S12)
    for kind in ("clocked by logic", "clocked and asynchronously R-driven by the same port clk"):
        assert not shareable(kind) and irregular(types, _clk({kind: 1}), types, _clk({kind: 1})) != ""
    # a record of the older layout (no kinds): withheld as before
    old = {**_clk({ff: 1}), "kinds": {}}
    assert irregular(types, old, types, _clk({ff: 1})) == f"$_DFF_PP0_ {ff}"
