module any_edge (
    input  wire       clk,
    input  wire       rst,
    input  wire [3:0] d,
    output reg  [3:0] pulse,
    output reg        any_pulse
);

  reg  [3:0] d_prev;
  wire [3:0] changed = d ^ d_prev;

  always @(posedge clk) begin
    if (rst) begin
      d_prev    <= 4'b0000;
      pulse     <= 4'b0000;
      any_pulse <= 1'b0;
    end else begin
      d_prev    <= d;
      pulse     <= changed;
      any_pulse <= (changed != 4'b0000);
    end
  end

endmodule
