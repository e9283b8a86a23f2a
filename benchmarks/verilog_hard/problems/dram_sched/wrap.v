// Trusted test wrapper: the candidate with the default timing, passed explicitly (ports a_*), and a
// tight set (ports b_*).
module dram_sched_tb_top (
    input  wire        clk,
    input  wire        a_rst, a_req_valid, a_req_we,
    input  wire [1:0]  a_req_bank,
    input  wire [12:0] a_req_row,
    input  wire [9:0]  a_req_col,
    output wire        a_req_ready,
    output wire [2:0]  a_cmd,
    output wire [1:0]  a_cmd_bank,
    output wire [12:0] a_cmd_row,
    output wire [9:0]  a_cmd_col,
    input  wire        b_rst, b_req_valid, b_req_we,
    input  wire [1:0]  b_req_bank,
    input  wire [12:0] b_req_row,
    input  wire [9:0]  b_req_col,
    output wire        b_req_ready,
    output wire [2:0]  b_cmd,
    output wire [1:0]  b_cmd_bank,
    output wire [12:0] b_cmd_row,
    output wire [9:0]  b_cmd_col
);
    dram_sched #(.T_RCD(3), .T_RP(3), .T_RAS(6), .T_RC(11), .T_RRD(5), .T_WR(3), .T_RTP(2), .T_RFC(10),
                 .T_REFI(200)) ua (
        .clk(clk), .rst(a_rst), .req_valid(a_req_valid), .req_ready(a_req_ready), .req_we(a_req_we),
        .req_bank(a_req_bank), .req_row(a_req_row), .req_col(a_req_col), .cmd(a_cmd), .cmd_bank(a_cmd_bank),
        .cmd_row(a_cmd_row), .cmd_col(a_cmd_col));
    dram_sched #(.T_RCD(1), .T_RP(2), .T_RAS(3), .T_RC(6), .T_RRD(3), .T_WR(1), .T_RTP(1), .T_RFC(5),
                 .T_REFI(97)) ub (
        .clk(clk), .rst(b_rst), .req_valid(b_req_valid), .req_ready(b_req_ready), .req_we(b_req_we),
        .req_bank(b_req_bank), .req_row(b_req_row), .req_col(b_req_col), .cmd(b_cmd), .cmd_bank(b_cmd_bank),
        .cmd_row(b_cmd_row), .cmd_col(b_cmd_col));
endmodule
