// Trusted test wrapper: the candidate at four parameter sets (SH = 6, 15, 1 and 0), ports a_* to d_*.
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
    output wire        b_acc_sat, b_y_sat,
    input  wire        c_rst, c_en, c_clr, c_rnd_mode,
    input  wire [5:0]  c_a, c_b,
    output wire [12:0] c_acc,
    output wire [6:0]  c_y,
    output wire        c_acc_sat, c_y_sat,
    input  wire        d_rst, d_en, d_clr, d_rnd_mode,
    input  wire [3:0]  d_a, d_b,
    output wire [9:0]  d_acc,
    output wire [5:0]  d_y,
    output wire        d_acc_sat, d_y_sat
);
    fxp_mac #(.W_IN(8), .F_IN(4), .W_ACC(20), .W_OUT(8), .F_OUT(2)) ua (
        .clk(clk), .rst(a_rst), .en(a_en), .clr(a_clr), .a(a_a), .b(a_b), .rnd_mode(a_rnd_mode),
        .acc(a_acc), .y(a_y), .acc_sat(a_acc_sat), .y_sat(a_y_sat));
    fxp_mac #(.W_IN(16), .F_IN(15), .W_ACC(34), .W_OUT(16), .F_OUT(15)) ub (
        .clk(clk), .rst(b_rst), .en(b_en), .clr(b_clr), .a(b_a), .b(b_b), .rnd_mode(b_rnd_mode),
        .acc(b_acc), .y(b_y), .acc_sat(b_acc_sat), .y_sat(b_y_sat));
    fxp_mac #(.W_IN(6), .F_IN(3), .W_ACC(13), .W_OUT(7), .F_OUT(5)) uc (
        .clk(clk), .rst(c_rst), .en(c_en), .clr(c_clr), .a(c_a), .b(c_b), .rnd_mode(c_rnd_mode),
        .acc(c_acc), .y(c_y), .acc_sat(c_acc_sat), .y_sat(c_y_sat));
    fxp_mac #(.W_IN(4), .F_IN(2), .W_ACC(10), .W_OUT(6), .F_OUT(4)) ud (
        .clk(clk), .rst(d_rst), .en(d_en), .clr(d_clr), .a(d_a), .b(d_b), .rnd_mode(d_rnd_mode),
        .acc(d_acc), .y(d_y), .acc_sat(d_acc_sat), .y_sat(d_y_sat));
endmodule
