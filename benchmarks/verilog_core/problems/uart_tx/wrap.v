// Trusted wrapper: uart_tx at five CLKS_PER_BIT values (2, 4, 7, 23, 256), one clock, and
// separate rst/valid/data per instance (port suffix = CLKS_PER_BIT), so that each instance
// gets the directed checks timed for its own bit length.
module hweval_uart_tx_wrap (
    input  wire       clk,
    input  wire       rst2,   input wire valid2,   input wire [7:0] data2,   output wire tx2,   output wire busy2,
    input  wire       rst4,   input wire valid4,   input wire [7:0] data4,   output wire tx4,   output wire busy4,
    input  wire       rst7,   input wire valid7,   input wire [7:0] data7,   output wire tx7,   output wire busy7,
    input  wire       rst23,  input wire valid23,  input wire [7:0] data23,  output wire tx23,  output wire busy23,
    input  wire       rst256, input wire valid256, input wire [7:0] data256, output wire tx256, output wire busy256
);
    uart_tx #(.CLKS_PER_BIT(2))
        u2 (.clk(clk), .rst(rst2), .valid(valid2), .data(data2), .tx(tx2), .busy(busy2));
    uart_tx #(.CLKS_PER_BIT(4))
        u4 (.clk(clk), .rst(rst4), .valid(valid4), .data(data4), .tx(tx4), .busy(busy4));
    uart_tx #(.CLKS_PER_BIT(7))
        u7 (.clk(clk), .rst(rst7), .valid(valid7), .data(data7), .tx(tx7), .busy(busy7));
    uart_tx #(.CLKS_PER_BIT(23))
        u23 (.clk(clk), .rst(rst23), .valid(valid23), .data(data23), .tx(tx23), .busy(busy23));
    uart_tx #(.CLKS_PER_BIT(256))
        u256 (.clk(clk), .rst(rst256), .valid(valid256), .data(data256), .tx(tx256), .busy(busy256));
endmodule
