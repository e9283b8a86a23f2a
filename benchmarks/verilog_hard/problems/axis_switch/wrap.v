// Trusted wrapper: the switch with 3 sources and 2 outputs, and with 2 sources and 3 outputs.
module hweval_axis_wrap (
    input  wire        clk, rst,
    input  wire [2:0]  s_valid_a, input wire [23:0] s_data_a, input wire [2:0] s_last_a,
    input  wire [2:0]  s_dest_a, output wire [2:0] s_ready_a,
    output wire [1:0]  m_valid_a, input wire [1:0] m_ready_a, output wire [15:0] m_data_a,
    output wire [1:0]  m_last_a, output wire [3:0] m_src_a,
    input  wire [1:0]  s_valid_b, input wire [15:0] s_data_b, input wire [1:0] s_last_b,
    input  wire [3:0]  s_dest_b, output wire [1:0] s_ready_b,
    output wire [2:0]  m_valid_b, input wire [2:0] m_ready_b, output wire [23:0] m_data_b,
    output wire [2:0]  m_last_b, output wire [2:0] m_src_b
);
    axis_switch #(.N(3), .M(2), .DW(8), .DESTW(1), .SRCW(2)) u_a (.clk(clk), .rst(rst), .s_valid(s_valid_a),
        .s_ready(s_ready_a), .s_data(s_data_a), .s_last(s_last_a), .s_dest(s_dest_a), .m_valid(m_valid_a),
        .m_ready(m_ready_a), .m_data(m_data_a), .m_last(m_last_a), .m_src(m_src_a));
    axis_switch #(.N(2), .M(3), .DW(8), .DESTW(2), .SRCW(1)) u_b (.clk(clk), .rst(rst), .s_valid(s_valid_b),
        .s_ready(s_ready_b), .s_data(s_data_b), .s_last(s_last_b), .s_dest(s_dest_b), .m_valid(m_valid_b),
        .m_ready(m_ready_b), .m_data(m_data_b), .m_last(m_last_b), .m_src(m_src_b));
endmodule
