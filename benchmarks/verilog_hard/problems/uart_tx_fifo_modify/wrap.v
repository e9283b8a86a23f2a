// Trusted wrapper: uart_tx_fifo at five CLKS_PER_BIT values (2, 4, 7, 23, 256), one clock, and
// separate inputs per instance (port suffix = CLKS_PER_BIT), so that each instance gets the
// checks timed for its own bit length.
module hweval_uart_tx_fifo_wrap (
    input  wire clk,
    input  wire rst2,   input wire wr_en2,   input wire [7:0] wr_data2,   input wire stop22,
    output wire full2,   output wire [3:0] level2,   output wire tx2,   output wire busy2,
    input  wire rst4,   input wire wr_en4,   input wire [7:0] wr_data4,   input wire stop24,
    output wire full4,   output wire [3:0] level4,   output wire tx4,   output wire busy4,
    input  wire rst7,   input wire wr_en7,   input wire [7:0] wr_data7,   input wire stop27,
    output wire full7,   output wire [3:0] level7,   output wire tx7,   output wire busy7,
    input  wire rst23,  input wire wr_en23,  input wire [7:0] wr_data23,  input wire stop223,
    output wire full23,  output wire [3:0] level23,  output wire tx23,  output wire busy23,
    input  wire rst256, input wire wr_en256, input wire [7:0] wr_data256, input wire stop2256,
    output wire full256, output wire [3:0] level256, output wire tx256, output wire busy256
);
    uart_tx_fifo #(.CLKS_PER_BIT(2)) u2 (.clk(clk), .rst(rst2), .wr_en(wr_en2), .wr_data(wr_data2),
        .stop2(stop22), .full(full2), .level(level2), .tx(tx2), .busy(busy2));
    uart_tx_fifo #(.CLKS_PER_BIT(4)) u4 (.clk(clk), .rst(rst4), .wr_en(wr_en4), .wr_data(wr_data4),
        .stop2(stop24), .full(full4), .level(level4), .tx(tx4), .busy(busy4));
    uart_tx_fifo #(.CLKS_PER_BIT(7)) u7 (.clk(clk), .rst(rst7), .wr_en(wr_en7), .wr_data(wr_data7),
        .stop2(stop27), .full(full7), .level(level7), .tx(tx7), .busy(busy7));
    uart_tx_fifo #(.CLKS_PER_BIT(23)) u23 (.clk(clk), .rst(rst23), .wr_en(wr_en23), .wr_data(wr_data23),
        .stop2(stop223), .full(full23), .level(level23), .tx(tx23), .busy(busy23));
    uart_tx_fifo #(.CLKS_PER_BIT(256)) u256 (.clk(clk), .rst(rst256), .wr_en(wr_en256), .wr_data(wr_data256),
        .stop2(stop2256), .full(full256), .level(level256), .tx(tx256), .busy(busy256));
endmodule
