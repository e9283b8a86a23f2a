module mac_pipe (
    input  wire        clk,
    input  wire        rst_n,
    input  wire        in_valid,
    input  wire        clear,
    input  wire [7:0]  a,
    input  wire [7:0]  b,
    output reg         out_valid,
    output reg  [19:0] acc
);

  reg        v1, v2;
  reg        c1, c2;
  reg [7:0]  a1, b1;
  reg [15:0] p2;

  // datapath registers: no reset needed, qualified by the valid bits
  always @(posedge clk) begin
    a1 <= a;
    b1 <= b;
    c1 <= clear;
    p2 <= a1 * b1;
    c2 <= c1;
  end

  // control and accumulator
  always @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      v1        <= 1'b0;
      v2        <= 1'b0;
      out_valid <= 1'b0;
      acc       <= 20'd0;
    end else begin
      v1        <= in_valid;
      v2        <= v1;
      out_valid <= v2;
      if (v2) begin
        if (c2)
          acc <= {4'd0, p2};
        else
          acc <= acc + {4'd0, p2};
      end
    end
  end

endmodule
