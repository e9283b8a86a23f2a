// Trusted wrapper: the window generator at W=5/H=4, W=8/H=3 and W=3/H=2.
module hweval_win_wrap (
    input  wire        clk, rst,
    input  wire        s_valid_a, s_valid_b, s_valid_c,
    input  wire [7:0]  s_pix_a, s_pix_b, s_pix_c,
    input  wire        m_ready_a, m_ready_b, m_ready_c,
    output wire        s_ready_a, s_ready_b, s_ready_c,
    output wire        m_valid_a, m_valid_b, m_valid_c,
    output wire        m_last_a, m_last_b, m_last_c,
    output wire [71:0] m_win_a, m_win_b, m_win_c
);
    win3x3 #(.W(5), .H(4)) u_a (.clk(clk), .rst(rst), .s_valid(s_valid_a), .s_ready(s_ready_a), .s_pix(s_pix_a),
        .m_valid(m_valid_a), .m_ready(m_ready_a), .m_win(m_win_a), .m_last(m_last_a));
    win3x3 #(.W(8), .H(3)) u_b (.clk(clk), .rst(rst), .s_valid(s_valid_b), .s_ready(s_ready_b), .s_pix(s_pix_b),
        .m_valid(m_valid_b), .m_ready(m_ready_b), .m_win(m_win_b), .m_last(m_last_b));
    win3x3 #(.W(3), .H(2)) u_c (.clk(clk), .rst(rst), .s_valid(s_valid_c), .s_ready(s_ready_c), .s_pix(s_pix_c),
        .m_valid(m_valid_c), .m_ready(m_ready_c), .m_win(m_win_c), .m_last(m_last_c));
endmodule
