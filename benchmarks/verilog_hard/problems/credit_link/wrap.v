// Trusted wrapper: two links (CREDITS=DEPTH=4 with 3-cycle latency; 2 with direct wires).
module hweval_delay #(parameter integer LAT = 1, parameter integer W = 1) (
    input wire clk, input wire rst, input wire [W-1:0] d, output wire [W-1:0] q
);
    generate
        if (LAT == 0) begin : g_wire
            assign q = d;
        end else begin : g_regs
            reg [W-1:0] stage [0:LAT-1];
            integer k;
            always @(posedge clk) begin
                if (rst) begin
                    for (k = 0; k < LAT; k = k + 1) stage[k] <= {W{1'b0}};
                end else begin
                    stage[0] <= d;
                    for (k = 1; k < LAT; k = k + 1) stage[k] <= stage[k - 1];
                end
            end
            assign q = stage[LAT - 1];
        end
    endgenerate
endmodule

module hweval_credit_wrap (
    input  wire       clk, rst,
    input  wire       s_valid_a, m_ready_a, s_valid_b, m_ready_b,
    input  wire [7:0] s_data_a, s_data_b,
    output wire       s_ready_a, m_valid_a, l_valid_a, credit_a,
    output wire       s_ready_b, m_valid_b, l_valid_b, credit_b,
    output wire [7:0] m_data_a, l_data_a, m_data_b, l_data_b
);
    wire       lv_a, cr_a, lv_b, cr_b;
    wire [7:0] ld_a, ld_b;
    credit_tx #(.CREDITS(4)) txa (.clk(clk), .rst(rst), .s_valid(s_valid_a), .s_ready(s_ready_a), .s_data(s_data_a),
        .l_valid(l_valid_a), .l_data(l_data_a), .credit_in(cr_a));
    hweval_delay #(.LAT(3), .W(9)) da (.clk(clk), .rst(rst), .d({l_valid_a, l_data_a}), .q({lv_a, ld_a}));
    hweval_delay #(.LAT(3), .W(1)) ca (.clk(clk), .rst(rst), .d(credit_a), .q(cr_a));
    credit_rx #(.DEPTH(4)) rxa (.clk(clk), .rst(rst), .l_valid(lv_a), .l_data(ld_a), .m_valid(m_valid_a),
        .m_ready(m_ready_a), .m_data(m_data_a), .credit_out(credit_a));
    credit_tx #(.CREDITS(2)) txb (.clk(clk), .rst(rst), .s_valid(s_valid_b), .s_ready(s_ready_b), .s_data(s_data_b),
        .l_valid(l_valid_b), .l_data(l_data_b), .credit_in(cr_b));
    hweval_delay #(.LAT(0), .W(9)) db (.clk(clk), .rst(rst), .d({l_valid_b, l_data_b}), .q({lv_b, ld_b}));
    hweval_delay #(.LAT(0), .W(1)) cb (.clk(clk), .rst(rst), .d(credit_b), .q(cr_b));
    credit_rx #(.DEPTH(2)) rxb (.clk(clk), .rst(rst), .l_valid(lv_b), .l_data(ld_b), .m_valid(m_valid_b),
        .m_ready(m_ready_b), .m_data(m_data_b), .credit_out(credit_b));
endmodule
