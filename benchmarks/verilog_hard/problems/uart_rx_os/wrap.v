// Trusted wrapper: the receiver at (8, none), (7, odd), (8, even); shared tick, own lines.
module hweval_uart_wrap (
    input  wire       clk, rst, tick16, rx_a, rx_b, rx_c,
    output wire [7:0] data_a, data_c,
    output wire [6:0] data_b,
    output wire       valid_a, frame_err_a, parity_err_a,
    output wire       valid_b, frame_err_b, parity_err_b,
    output wire       valid_c, frame_err_c, parity_err_c
);
    uart_rx #(.DBITS(8), .PARITY(0)) ua (.clk(clk), .rst(rst), .tick16(tick16), .rx(rx_a), .data(data_a),
        .valid(valid_a), .frame_err(frame_err_a), .parity_err(parity_err_a));
    uart_rx #(.DBITS(7), .PARITY(1)) ub (.clk(clk), .rst(rst), .tick16(tick16), .rx(rx_b), .data(data_b),
        .valid(valid_b), .frame_err(frame_err_b), .parity_err(parity_err_b));
    uart_rx #(.DBITS(8), .PARITY(2)) uc (.clk(clk), .rst(rst), .tick16(tick16), .rx(rx_c), .data(data_c),
        .valid(valid_c), .frame_err(frame_err_c), .parity_err(parity_err_c));
endmodule
