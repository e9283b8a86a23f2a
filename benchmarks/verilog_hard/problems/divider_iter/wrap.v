// Trusted test wrapper: the candidate at WIDTH = 8 (ports a_*) and WIDTH = 32 (ports b_*).
module divider_iter_tb_top (
    input  wire        clk,
    input  wire        a_rst, a_start, a_is_signed,
    input  wire [7:0]  a_dividend, a_divisor,
    output wire        a_busy, a_done, a_div_by_zero, a_overflow,
    output wire [7:0]  a_quotient, a_remainder,
    input  wire        b_rst, b_start, b_is_signed,
    input  wire [31:0] b_dividend, b_divisor,
    output wire        b_busy, b_done, b_div_by_zero, b_overflow,
    output wire [31:0] b_quotient, b_remainder
);
    divider_iter #(.WIDTH(8)) u8 (
        .clk(clk), .rst(a_rst), .start(a_start), .is_signed(a_is_signed), .dividend(a_dividend),
        .divisor(a_divisor), .busy(a_busy), .done(a_done), .quotient(a_quotient),
        .remainder(a_remainder), .div_by_zero(a_div_by_zero), .overflow(a_overflow));
    divider_iter #(.WIDTH(32)) u32 (
        .clk(clk), .rst(b_rst), .start(b_start), .is_signed(b_is_signed), .dividend(b_dividend),
        .divisor(b_divisor), .busy(b_busy), .done(b_done), .quotient(b_quotient),
        .remainder(b_remainder), .div_by_zero(b_div_by_zero), .overflow(b_overflow));
endmodule
