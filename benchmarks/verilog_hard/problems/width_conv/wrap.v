// Trusted wrapper: both converters side by side with separate ports.
module hweval_wc_wrap (
    input  wire        clk,
    input  wire        rst,
    input  wire        u_s_valid, input wire [7:0] u_s_data, input wire u_s_last, output wire u_s_ready,
    output wire        u_m_valid, input wire u_m_ready, output wire [31:0] u_m_data, output wire [3:0] u_m_keep,
    output wire        u_m_last,
    input  wire        d_s_valid, input wire [31:0] d_s_data, input wire [3:0] d_s_keep, input wire d_s_last,
    output wire        d_s_ready,
    output wire        d_m_valid, input wire d_m_ready, output wire [7:0] d_m_data, output wire d_m_last
);
    wc_up u_up (.clk(clk), .rst(rst), .s_valid(u_s_valid), .s_ready(u_s_ready), .s_data(u_s_data),
        .s_last(u_s_last), .m_valid(u_m_valid), .m_ready(u_m_ready), .m_data(u_m_data), .m_keep(u_m_keep),
        .m_last(u_m_last));
    wc_down u_down (.clk(clk), .rst(rst), .s_valid(d_s_valid), .s_ready(d_s_ready), .s_data(d_s_data),
        .s_keep(d_s_keep), .s_last(d_s_last), .m_valid(d_m_valid), .m_ready(d_m_ready), .m_data(d_m_data),
        .m_last(d_m_last));
endmodule
