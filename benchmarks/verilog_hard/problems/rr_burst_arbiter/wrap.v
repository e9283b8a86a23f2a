// Trusted wrapper: the arbiter at N=4, LW=4 and at N=3, LW=2, with separate inputs.
module hweval_rr_wrap (
    input  wire        clk,
    input  wire        rst,
    input  wire [3:0]  req4,
    input  wire [15:0] len4,
    input  wire        beat4,
    output wire [3:0]  gnt4,
    output wire        last4,
    input  wire [2:0]  req3,
    input  wire [5:0]  len3,
    input  wire        beat3,
    output wire [2:0]  gnt3,
    output wire        last3
);
    rr_burst_arbiter #(.N(4), .LW(4)) u4 (.clk(clk), .rst(rst), .req(req4), .len(len4), .beat(beat4),
                                          .gnt(gnt4), .last_beat(last4));
    rr_burst_arbiter #(.N(3), .LW(2)) u3 (.clk(clk), .rst(rst), .req(req3), .len(len3), .beat(beat3),
                                          .gnt(gnt3), .last_beat(last3));
endmodule
