module bcd_counter (
    input  wire       clk,
    input  wire       rst,
    input  wire       en,
    output reg  [3:0] q,
    output wire       co
);

  wire at_nine = (q == 4'd9);

  always @(posedge clk) begin
    if (rst)
      q <= 4'd0;
    else if (en) begin
      if (at_nine)
        q <= 4'd0;
      else
        q <= q + 4'd1;
    end
  end

  assign co = en & at_nine;

endmodule
