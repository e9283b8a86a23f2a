// Trusted wrapper: the controller at DIV=1 and DIV=3 with separate inputs.
module hweval_i2c_wrap (
    input  wire       clk, rst,
    input  wire       start_a, rw_a, sda_i_a, start_b, rw_b, sda_i_b,
    input  wire [6:0] addr_a, addr_b,
    input  wire [7:0] wdata_a, wdata_b,
    output wire       scl_a, sda_o_a, busy_a, done_a, ack_err_a,
    output wire       scl_b, sda_o_b, busy_b, done_b, ack_err_b,
    output wire [7:0] rdata_a, rdata_b
);
    i2c_lite #(.DIV(1)) ua (.clk(clk), .rst(rst), .start(start_a), .addr(addr_a), .rw(rw_a), .wdata(wdata_a),
        .sda_i(sda_i_a), .scl(scl_a), .sda_o(sda_o_a), .busy(busy_a), .done(done_a), .ack_err(ack_err_a),
        .rdata(rdata_a));
    i2c_lite #(.DIV(3)) ub (.clk(clk), .rst(rst), .start(start_b), .addr(addr_b), .rw(rw_b), .wdata(wdata_b),
        .sda_i(sda_i_b), .scl(scl_b), .sda_o(sda_o_b), .busy(busy_b), .done(done_b), .ack_err(ack_err_b),
        .rdata(rdata_b));
endmodule
