module reg8_en_srst (
    input  wire       clk,
    input  wire       rst,
    input  wire       en,
    input  wire [7:0] d,
    output reg  [7:0] q
);

  always @(posedge clk) begin
    if (rst)
      q <= 8'h00;
    else if (en)
      q <= d;
  end

endmodule
