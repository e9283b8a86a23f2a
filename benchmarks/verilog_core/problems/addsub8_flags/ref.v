module addsub8_flags (
    input  wire [7:0] a,
    input  wire [7:0] b,
    input  wire       sub,
    output wire [7:0] y,
    output wire       carry,
    output wire       overflow,
    output wire       zero,
    output wire       negative
);
    // 9-bit arithmetic: bit 8 is the carry out (add) or the borrow (sub)
    assign {carry, y} = sub ? ({1'b0, a} - {1'b0, b})
                            : ({1'b0, a} + {1'b0, b});

    assign overflow = sub ? ((a[7] != b[7]) && (y[7] != a[7]))
                          : ((a[7] == b[7]) && (y[7] != a[7]));
    assign zero     = (y == 8'd0);
    assign negative = y[7];
endmodule
