module rise_edge (
    input  wire clk,
    input  wire rst_n,
    input  wire d,
    output reg  pulse
);

  reg d_prev;

  always @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      d_prev <= 1'b1;
      pulse  <= 1'b0;
    end else begin
      d_prev <= d;
      pulse  <= d & ~d_prev;
    end
  end

endmodule
