// A counter with always_ff, localparams, and a helper that compares.
// expect: pass
// targets: verilog-core/counter_updown8
module is_edge #(parameter [7:0] V = 8'hFF) (input [7:0] x, output hit);
  assign hit = (x == V);
endmodule

module counter_updown8 (
    input  logic       clk,
    input  logic       rst,
    input  logic       en,
    input  logic       load,
    input  logic       up,
    input  logic [7:0] din,
    output logic [7:0] count,
    output logic       tc
);
  localparam logic [7:0] ZERO = 8'h00;
  logic at_max, at_min;
  is_edge #(.V(8'hFF)) u_max (.x(count), .hit(at_max));
  is_edge #(.V(ZERO))  u_min (.x(count), .hit(at_min));

  always_ff @(posedge clk) begin
    if (rst)       count <= ZERO;
    else if (load) count <= din;
    else if (en)   count <= up ? count + 8'd1 : count - 8'd1;
  end

  assign tc = en && !load && ((up && at_max) || (!up && at_min));
endmodule
