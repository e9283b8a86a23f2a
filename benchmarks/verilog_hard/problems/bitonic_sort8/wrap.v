// Trusted test wrapper: the candidate at W = 8 (ports a_*) and W = 3 (ports b_*).
module bitonic_sort8_tb_top (
    input  wire        clk,
    input  wire        rst,
    input  wire        a_in_valid, a_in_desc,
    input  wire [63:0] a_in_data,
    output wire        a_out_valid,
    output wire [63:0] a_out_data,
    output wire [23:0] a_out_idx,
    input  wire        b_in_valid, b_in_desc,
    input  wire [23:0] b_in_data,
    output wire        b_out_valid,
    output wire [23:0] b_out_data,
    output wire [23:0] b_out_idx
);
    bitonic_sort8 #(.W(8)) ua (.clk(clk), .rst(rst), .in_valid(a_in_valid), .in_desc(a_in_desc),
        .in_data(a_in_data), .out_valid(a_out_valid), .out_data(a_out_data), .out_idx(a_out_idx));
    bitonic_sort8 #(.W(3)) ub (.clk(clk), .rst(rst), .in_valid(b_in_valid), .in_desc(b_in_desc),
        .in_data(b_in_data), .out_valid(b_out_valid), .out_data(b_out_data), .out_idx(b_out_idx));
endmodule
