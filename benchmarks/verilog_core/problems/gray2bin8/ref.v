module gray2bin8 (
    input  wire [7:0] gray,
    output wire [7:0] bin
);
    // prefix XOR from the MSB down, in log2(8) = 3 steps
    wire [7:0] step1 = gray ^ (gray >> 1);
    wire [7:0] step2 = step1 ^ (step1 >> 2);

    assign bin = step2 ^ (step2 >> 4);
endmodule
