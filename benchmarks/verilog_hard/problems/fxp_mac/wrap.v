// Trusted test wrapper: the candidate at two parameter sets, ports a_* and b_*.
module fxp_mac_tb_top (
    input  wire        clk,
    input  wire        a_rst, a_en, a_clr, a_rnd_mode,
    input  wire [7:0]  a_a, a_b,
    output wire [19:0] a_acc,
    output wire [7:0]  a_y,
    output wire        a_acc_sat, a_y_sat,
    input  wire        b_rst, b_en, b_clr, b_rnd_mode,
    input  wire [15:0] b_a, b_b,
    output wire [33:0] b_acc,
    output wire [15:0] b_y,
    output wire        b_acc_sat, b_y_sat
);
    fxp_mac #(.W_IN(8), .F_IN(4), .W_ACC(20), .W_OUT(8), .F_OUT(2)) ua (
        .clk(clk), .rst(a_rst), .en(a_en), .clr(a_clr), .a(a_a), .b(a_b), .rnd_mode(a_rnd_mode),
        .acc(a_acc), .y(a_y), .acc_sat(a_acc_sat), .y_sat(a_y_sat));
    fxp_mac #(.W_IN(16), .F_IN(15), .W_ACC(34), .W_OUT(16), .F_OUT(15)) ub (
        .clk(clk), .rst(b_rst), .en(b_en), .clr(b_clr), .a(b_a), .b(b_b), .rnd_mode(b_rnd_mode),
        .acc(b_acc), .y(b_y), .acc_sat(b_acc_sat), .y_sat(b_y_sat));
endmodule
