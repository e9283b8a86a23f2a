// Trusted wrapper: five crc_engine instances at different parameter values, same inputs.
module hweval_crc_wrap (
    input  wire        clk,
    input  wire        rst,
    input  wire        start,
    input  wire        in_valid,
    input  wire        in_two,
    input  wire [15:0] in_data,
    output wire [31:0] crc32,
    output wire [15:0] crc16f,
    output wire [15:0] crc16a,
    output wire [11:0] crc12,
    output wire [4:0]  crc5
);
    crc_engine #(.W(32), .POLY(32'h04C11DB7), .INIT(32'hFFFFFFFF), .REFIN(1), .REFOUT(1), .XOROUT(32'hFFFFFFFF))
        u32 (.clk(clk), .rst(rst), .start(start), .in_valid(in_valid), .in_two(in_two), .in_data(in_data), .crc_out(crc32));
    crc_engine #(.W(16), .POLY(16'h1021), .INIT(16'hFFFF), .REFIN(0), .REFOUT(0), .XOROUT(16'h0000))
        u16f (.clk(clk), .rst(rst), .start(start), .in_valid(in_valid), .in_two(in_two), .in_data(in_data), .crc_out(crc16f));
    crc_engine #(.W(16), .POLY(16'h8005), .INIT(16'h0000), .REFIN(1), .REFOUT(1), .XOROUT(16'h0000))
        u16a (.clk(clk), .rst(rst), .start(start), .in_valid(in_valid), .in_two(in_two), .in_data(in_data), .crc_out(crc16a));
    crc_engine #(.W(12), .POLY(12'h80F), .INIT(12'h000), .REFIN(0), .REFOUT(1), .XOROUT(12'h000))
        u12 (.clk(clk), .rst(rst), .start(start), .in_valid(in_valid), .in_two(in_two), .in_data(in_data), .crc_out(crc12));
    crc_engine #(.W(5), .POLY(5'h05), .INIT(5'h1F), .REFIN(1), .REFOUT(1), .XOROUT(5'h1F))
        u5 (.clk(clk), .rst(rst), .start(start), .in_valid(in_valid), .in_two(in_two), .in_data(in_data), .crc_out(crc5));
endmodule
