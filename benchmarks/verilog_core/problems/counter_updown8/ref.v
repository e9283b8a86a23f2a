module counter_updown8 (
    input  wire       clk,
    input  wire       rst,
    input  wire       en,
    input  wire       load,
    input  wire       up,
    input  wire [7:0] din,
    output reg  [7:0] count,
    output wire       tc
);

  always @(posedge clk) begin
    if (rst)
      count <= 8'h00;
    else if (load)
      count <= din;
    else if (en) begin
      if (up)
        count <= count + 8'd1;
      else
        count <= count - 8'd1;
    end
  end

  assign tc = en && !load && ((up && (count == 8'hFF)) || (!up && (count == 8'h00)));

endmodule
