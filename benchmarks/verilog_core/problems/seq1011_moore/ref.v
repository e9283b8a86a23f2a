module seq1011_moore (
    input  wire clk,
    input  wire rst,
    input  wire din,
    output wire detected
);

  // state = number of pattern bits currently matched (0: none ... 4: "1011" seen)
  reg [2:0] state;
  reg [2:0] next_state;

  always @(*) begin
    case (state)
      3'd0:    next_state = din ? 3'd1 : 3'd0;
      3'd1:    next_state = din ? 3'd1 : 3'd2;
      3'd2:    next_state = din ? 3'd3 : 3'd0;
      3'd3:    next_state = din ? 3'd4 : 3'd2;
      3'd4:    next_state = din ? 3'd1 : 3'd2;
      default: next_state = 3'd0;
    endcase
  end

  always @(posedge clk) begin
    if (rst)
      state <= 3'd0;
    else
      state <= next_state;
  end

  assign detected = (state == 3'd4);

endmodule
