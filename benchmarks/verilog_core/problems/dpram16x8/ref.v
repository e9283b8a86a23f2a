module dpram16x8 (
    input  wire       clk,
    input  wire       rst,
    input  wire       we,
    input  wire [3:0] waddr,
    input  wire [7:0] wdata,
    input  wire       re,
    input  wire [3:0] raddr,
    output reg  [7:0] rdata
);

  reg [7:0] mem [0:15];

  // write port
  always @(posedge clk) begin
    if (we)
      mem[waddr] <= wdata;
  end

  // read port: the non-blocking write above is not yet visible here,
  // so a same-address read returns the old word
  always @(posedge clk) begin
    if (rst)
      rdata <= 8'h00;
    else if (re)
      rdata <= mem[raddr];
  end

endmodule
