// Trusted test wrapper: scrambler (s_*), descrambler (d_*), and a loopback pair (l_*).
module scrambler_tb_top (
    input  wire       clk,
    input  wire       rst,
    input  wire       s_in_valid,
    input  wire [7:0] s_in_data,
    output wire       s_out_valid,
    output wire [7:0] s_out_data,
    input  wire       d_in_valid,
    input  wire [7:0] d_in_data,
    output wire       d_out_valid,
    output wire [7:0] d_out_data,
    input  wire       l_in_valid,
    input  wire [7:0] l_in_data,
    output wire       l_out_valid,
    output wire [7:0] l_out_data
);
    wire       mid_valid;
    wire [7:0] mid_data;
    scrambler8   us (.clk(clk), .rst(rst), .in_valid(s_in_valid), .in_data(s_in_data),
                     .out_valid(s_out_valid), .out_data(s_out_data));
    descrambler8 ud (.clk(clk), .rst(rst), .in_valid(d_in_valid), .in_data(d_in_data),
                     .out_valid(d_out_valid), .out_data(d_out_data));
    scrambler8   ls (.clk(clk), .rst(rst), .in_valid(l_in_valid), .in_data(l_in_data),
                     .out_valid(mid_valid), .out_data(mid_data));
    descrambler8 ld (.clk(clk), .rst(rst), .in_valid(mid_valid), .in_data(mid_data),
                     .out_valid(l_out_valid), .out_data(l_out_data));
endmodule
