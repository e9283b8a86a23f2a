module popcount16 (
    input  wire [15:0] data,
    output wire [4:0]  count
);
    // add neighbouring fields: 2-bit counts, then 4-bit counts, then the bytes
    wire [15:0] pairs   = (data  & 16'h5555) + ((data  >> 1) & 16'h5555);
    wire [15:0] nibbles = (pairs & 16'h3333) + ((pairs >> 2) & 16'h3333);
    wire [3:0]  cnt_lo  = nibbles[3:0]  + nibbles[7:4];
    wire [3:0]  cnt_hi  = nibbles[11:8] + nibbles[15:12];

    assign count = cnt_lo + cnt_hi;
endmodule
