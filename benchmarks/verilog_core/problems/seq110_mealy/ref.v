module seq110_mealy (
    input  wire clk,
    input  wire rst_n,
    input  wire in_valid,
    input  wire din,
    output wire detected
);

  // 2'd0: no '1' pending, 2'd1: seen "1", 2'd2: seen "11"
  reg [1:0] state;

  always @(posedge clk or negedge rst_n) begin
    if (!rst_n)
      state <= 2'd0;
    else if (in_valid) begin
      if (!din)
        state <= 2'd0;
      else if (state == 2'd0)
        state <= 2'd1;
      else
        state <= 2'd2;
    end
  end

  assign detected = in_valid && !din && (state == 2'd2);

endmodule
