module crc_engine #(
    parameter integer W      = 32,
    parameter [W-1:0] POLY   = 32'h04C11DB7,
    parameter [W-1:0] INIT   = 32'hFFFFFFFF,
    parameter integer REFIN  = 1,
    parameter integer REFOUT = 1,
    parameter [W-1:0] XOROUT = 32'hFFFFFFFF
) (
    input  wire         clk,
    input  wire         rst,
    input  wire         start,
    input  wire         in_valid,
    input  wire         in_two,
    input  wire [15:0]  in_data,
    output wire [W-1:0] crc_out
);
    reg [W-1:0] r;

    function [W-1:0] absorb(input [W-1:0] c, input [7:0] b);
        integer i;
        reg fb;
        begin
            absorb = c;
            for (i = 0; i < 8; i = i + 1) begin
                fb = (REFIN != 0 ? b[i] : b[7 - i]) ^ absorb[W - 1];
                absorb = absorb << 1;
                if (fb) absorb = absorb ^ POLY;
            end
        end
    endfunction

    wire [W-1:0] base = start ? INIT : r;
    wire [W-1:0] one = absorb(base, in_data[7:0]);
    wire [W-1:0] two = absorb(one, in_data[15:8]);

    always @(posedge clk) begin
        if (rst) r <= INIT;
        else if (in_valid) r <= in_two ? two : one;
        else if (start) r <= INIT;
    end

    genvar k;
    wire [W-1:0] rev;
    generate
        for (k = 0; k < W; k = k + 1) begin : g_rev
            assign rev[k] = r[W - 1 - k];
        end
    endgenerate
    assign crc_out = (REFOUT != 0 ? rev : r) ^ XOROUT;
endmodule
