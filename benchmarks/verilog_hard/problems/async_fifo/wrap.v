// Trusted wrapper: the FIFO at AW=2 and AW=4 (DW=8), sharing clocks and resets.
module hweval_afifo_wrap (
    input  wire       wclk, wrst_n, rclk, rrst_n,
    input  wire       winc_a, rinc_a, winc_b, rinc_b,
    input  wire [7:0] wdata_a, wdata_b,
    output wire       wfull_a, rempty_a, wfull_b, rempty_b,
    output wire [2:0] wlevel_a, rlevel_a,
    output wire [4:0] wlevel_b, rlevel_b,
    output wire [7:0] rdata_a, rdata_b
);
    async_fifo #(.DW(8), .AW(2)) ua (.wclk(wclk), .wrst_n(wrst_n), .winc(winc_a), .wdata(wdata_a),
        .wfull(wfull_a), .wlevel(wlevel_a), .rclk(rclk), .rrst_n(rrst_n), .rinc(rinc_a), .rdata(rdata_a),
        .rempty(rempty_a), .rlevel(rlevel_a));
    async_fifo #(.DW(8), .AW(4)) ub (.wclk(wclk), .wrst_n(wrst_n), .winc(winc_b), .wdata(wdata_b),
        .wfull(wfull_b), .wlevel(wlevel_b), .rclk(rclk), .rrst_n(rrst_n), .rinc(rinc_b), .rdata(rdata_b),
        .rempty(rempty_b), .rlevel(rlevel_b));
endmodule
