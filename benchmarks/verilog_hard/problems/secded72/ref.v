module secded_enc (
    input  wire [63:0] data_in,
    output wire [71:0] code_out
);
    // data bits at every position from 3 to 71 that is not a power of two, in order
    wire [71:0] d = {data_in[63:57], 1'b0, data_in[56:26], 1'b0, data_in[25:11], 1'b0, data_in[10:4], 1'b0,
                     data_in[3:1], 1'b0, data_in[0], 3'b000};
    // check bit 2^k: parity of the data positions whose index has bit k set
    wire p1  = ^(d & 72'haaaaaaaaaaaaaaaaa8);
    wire p2  = ^(d & 72'hccccccccccccccccc8);
    wire p4  = ^(d & 72'hf0f0f0f0f0f0f0f0e0);
    wire p8  = ^(d & 72'h00ff00ff00ff00fe00);
    wire p16 = ^(d & 72'h00ffff0000fffe0000);
    wire p32 = ^(d & 72'h00fffffffe00000000);
    wire p64 = ^(d & 72'hfe0000000000000000);
    wire [71:1] c = d[71:1] | {7'd0, p64, 31'd0, p32, 15'd0, p16, 7'd0, p8, 3'd0, p4, 1'b0, p2, p1};
    assign code_out = {c, ^c};
endmodule

module secded_dec (
    input  wire [71:0] code_in,
    output wire [63:0] data_out,
    output wire [7:0]  syndrome,
    output wire        corrected,
    output wire        uncorrectable
);
    wire [6:0] s;    // s[k]: parity of the positions 1..71 whose index has bit k set
    assign s[0] = ^(code_in & 72'haaaaaaaaaaaaaaaaaa);
    assign s[1] = ^(code_in & 72'hcccccccccccccccccc);
    assign s[2] = ^(code_in & 72'hf0f0f0f0f0f0f0f0f0);
    assign s[3] = ^(code_in & 72'h00ff00ff00ff00ff00);
    assign s[4] = ^(code_in & 72'h00ffff0000ffff0000);
    assign s[5] = ^(code_in & 72'h00ffffffff00000000);
    assign s[6] = ^(code_in & 72'hff0000000000000000);
    wire q = ^code_in;
    assign syndrome      = {q, s};
    assign corrected     = q && s < 7'd72;
    assign uncorrectable = q ? s >= 7'd72 : s != 7'd0;
    // a single error at position s is flipped back (s = 0: the overall parity bit, not data)
    wire [71:0] fixed = corrected ? code_in ^ (72'd1 << s) : code_in;
    assign data_out = {fixed[71:65], fixed[63:33], fixed[31:17], fixed[15:9], fixed[7:5], fixed[3]};
endmodule
