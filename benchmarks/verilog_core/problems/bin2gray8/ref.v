module bin2gray8 (
    input  wire [7:0] bin,
    output wire [7:0] gray
);
    assign gray = bin ^ (bin >> 1);
endmodule
