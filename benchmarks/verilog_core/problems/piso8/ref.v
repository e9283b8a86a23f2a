module piso8 (
    input  wire       clk,
    input  wire       rst,
    input  wire       load,
    input  wire [7:0] din,
    output wire       sout,
    output reg        busy
);

  reg [7:0] sr;
  reg [2:0] cnt;

  assign sout = sr[7];

  always @(posedge clk) begin
    if (rst) begin
      sr   <= 8'h00;
      busy <= 1'b0;
      cnt  <= 3'd0;
    end else if (load && !busy) begin
      sr   <= din;
      busy <= 1'b1;
    end else begin
      sr <= sr << 1;
      if (busy) begin
        cnt <= cnt + 3'd1;
        if (cnt == 3'd7)
          busy <= 1'b0;
      end
    end
  end

endmodule
