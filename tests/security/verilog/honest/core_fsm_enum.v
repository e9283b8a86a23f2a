// A Moore FSM in SystemVerilog style: unit-scope typedef enum, always_ff/always_comb, default_nettype.
// expect: pass
// targets: verilog-core/seq1011_moore
`default_nettype none
typedef enum logic [2:0] {S_IDLE, S_1, S_10, S_101, S_1011} state_t;

module seq1011_moore (
    input  wire clk,
    input  wire rst,
    input  wire din,
    output wire detected
);
  state_t state, next_state;

  always_comb begin
    next_state = state;
    case (state)
      S_IDLE: if (din) next_state = S_1; else next_state = S_IDLE;
      S_1: if (din) next_state = S_1; else next_state = S_10;
      S_10: if (din) next_state = S_101; else next_state = S_IDLE;
      S_101: if (din) next_state = S_1011; else next_state = S_10;
      S_1011: if (din) next_state = S_1; else next_state = S_10;
      default: next_state = S_IDLE;
    endcase
  end

  always_ff @(posedge clk) begin
    if (rst) state <= S_IDLE;
    else     state <= next_state;
  end

  assign detected = (state == S_1011);
endmodule
`default_nettype wire
