// Trusted test wrapper: the candidate at four parameter sets, ports a_* to d_*.
// a: N = 8, ES = 0; b: N = 16, ES = 2; c: N = 10, ES = 3; d: N = 32, ES = 2.
module posit_alu_tb_top (
    input  wire        clk,
    input  wire        rst,
    input  wire        in_valid,
    input  wire [1:0]  a_op, b_op, c_op, d_op,
    input  wire [7:0]  a_a, a_b,
    input  wire [15:0] b_a, b_b,
    input  wire [9:0]  c_a, c_b,
    input  wire [31:0] d_a, d_b,
    output wire        a_out_valid, b_out_valid, c_out_valid, d_out_valid,
    output wire [7:0]  a_result,
    output wire [15:0] b_result,
    output wire [9:0]  c_result,
    output wire [31:0] d_result
);
    posit_alu #(.N(8), .ES(0)) ua (.clk(clk), .rst(rst), .in_valid(in_valid), .op(a_op), .a(a_a), .b(a_b),
                                   .out_valid(a_out_valid), .result(a_result));
    posit_alu #(.N(16), .ES(2)) ub (.clk(clk), .rst(rst), .in_valid(in_valid), .op(b_op), .a(b_a), .b(b_b),
                                    .out_valid(b_out_valid), .result(b_result));
    posit_alu #(.N(10), .ES(3)) uc (.clk(clk), .rst(rst), .in_valid(in_valid), .op(c_op), .a(c_a), .b(c_b),
                                    .out_valid(c_out_valid), .result(c_result));
    posit_alu #(.N(32), .ES(2)) ud (.clk(clk), .rst(rst), .in_valid(in_valid), .op(d_op), .a(d_a), .b(d_b),
                                    .out_valid(d_out_valid), .result(d_result));
endmodule
