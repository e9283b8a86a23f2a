"""The audit's extra mutation operators: stuck bits, off-by-one bounds, wrong reset values."""
from __future__ import annotations

from pathlib import Path

from harness.families.verilog.lexer import tokenize
from harness.families.verilog.mutate import audit_mutations, declared_widths, mutant, mutations

FIXTURES = Path(__file__).parent / "fixtures"
COUNTER = (FIXTURES / "weak_core" / "weak_counter" / "ref.v").read_text()

FSM = """\
`timescale 1ns/1ps
module fsm (input wire clk, input wire rst_n, input wire go, output wire busy);
  localparam [1:0] IDLE = 2'd0, RUN = 2'd1, DONE = 2'd2;
  reg [1:0] state;
  reg [7:0] cnt;
  always @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      state <= IDLE;
      cnt <= 8'h00;
    end else begin
      case (state)
        IDLE: if (go) state <= RUN;
        RUN: if (cnt == 8'd9) state <= DONE;
        default: state <= IDLE;
      endcase
      cnt <= cnt[6:0] + {7'd0, busy};
    end
  end
  assign busy = (state == RUN) & cnt[3];
endmodule
"""

TWO_MODULES = """\
module top (input [3:0] a, input [3:0] b, output [3:0] sum);
  assign sum = a ^ b;
endmodule
module half (input a, input b, output sum);
  assign sum = a ^ b;
endmodule
"""


def _kinds(src: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for m in audit_mutations(src):
        out.setdefault(m.kind, []).append(m.description)
    return out


def test_the_baseline_operators_are_kept_and_new_ones_added() -> None:
    base = {(m.start, m.end, m.replacement) for m in mutations(COUNTER)}
    extended = audit_mutations(COUNTER)
    assert base <= {(m.start, m.end, m.replacement) for m in extended}
    assert {"stuck_bit", "off_by_one", "reset_value"} <= {m.kind for m in extended}
    assert audit_mutations(COUNTER) == extended  # deterministic
    # the mutant baseline still draws from the unchanged list
    assert mutant(COUNTER, "suite/p", 3) == mutations(COUNTER)[_index(COUNTER, "suite/p", 3)]


def _index(src: str, key: str, idx: int) -> int:
    import hashlib
    import random

    order = list(range(len(mutations(src))))
    random.Random(int(hashlib.sha256(key.encode()).hexdigest()[:16], 16)).shuffle(order)
    return order[idx % len(order)]


def test_each_mutant_is_a_single_distinct_edit() -> None:
    muts = audit_mutations(FSM)
    texts = [m.apply(FSM) for m in muts]
    assert len(set(texts)) == len(texts)
    assert FSM not in texts


def test_reset_values_complement_constants_and_step_fsm_states() -> None:
    kinds = _kinds(FSM)
    assert "reset value of state: IDLE -> RUN" in kinds["reset_value"]
    assert "reset value of cnt: 8'h00 -> 8'hff" in kinds["reset_value"]
    # a 1-bit reset constant is left to the constant operator (its complement is the same edit)
    assert not [d for d in _kinds(COUNTER)["reset_value"] if "wrap" in d]


def test_off_by_one_bounds_and_selects() -> None:
    kinds = _kinds(FSM)["off_by_one"]
    assert "bound 8'd9 -> 8'd8" in kinds
    assert "select [6:0] -> [5:0]" not in kinds  # lower bound 0: moved up instead
    assert "select [6:0] -> [7:1]" in kinds
    assert "select [3] -> [2]" in kinds
    # `cnt <= 8'h00` is a non-blocking assignment, not a comparison
    assert not [d for d in kinds if "8'h00" in d]


def test_stuck_bits_use_the_declared_width_of_the_module_at_hand() -> None:
    muts = [m for m in audit_mutations(TWO_MODULES) if m.kind == "stuck_bit"]
    top = [m.replacement for m in muts if m.line == 2]
    half = [m.replacement for m in muts if m.line == 5]
    assert top == ["(a ^ b) & 4'he", "(a ^ b) | 4'h8"]
    assert half == ["1'b0", "1'b1"]
    # constants and FSM state names are not stuck-at sites (other operators cover them)
    assert not [m for m in audit_mutations(FSM) if m.kind == "stuck_bit" and "IDLE" in m.replacement]


def test_directive_lines_are_never_mutated() -> None:
    assert not [m for m in audit_mutations(FSM) if m.line == 1]


def test_declared_widths() -> None:
    widths = declared_widths(tokenize(FSM))
    assert widths["state"] == 2 and widths["cnt"] == 8 and widths["busy"] == 1 and widths["clk"] == 1
    non_ansi = "module m(a, q); input [7:0] a; output [3:0] q; reg [0:3] q; wire [W-1:0] p; reg [7:0] mem [0:3];"
    widths = declared_widths(tokenize(non_ansi))
    assert widths["a"] == 8 and widths["q"] == 4
    assert "p" not in widths and "mem" not in widths
