module abs_diff8 (
    input  wire [7:0] a,
    input  wire [7:0] b,
    output wire [7:0] d
);
    assign d = (a > b) ? (a - b) : (b - a);
endmodule
