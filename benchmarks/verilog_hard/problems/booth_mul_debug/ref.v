module booth_mul16 (
    input  wire        is_signed,
    input  wire [15:0] a,
    input  wire [15:0] b,
    output reg  [31:0] product
);
    // Operands: the multiplicand extended by one bit (17 bits), the multiplier by two bits with
    // an implicit 0 below bit 0; the extension bit is the sign bit in signed mode, else 0.
    wire        ea = is_signed & a[15];
    wire        eb = is_signed & b[15];
    wire [16:0] ax = {ea, a};
    wire [18:0] bx = {eb, eb, b, 1'b0};

    // One radix-4 Booth partial product: digit in {-2, -1, 0, +1, +2} times x, sign-extended.
    function [31:0] term(input [2:0] grp, input [16:0] x);
        reg               one, two;
        reg        [17:0] mag;
        reg signed [17:0] pp;
        begin
            one  = grp[1] ^ grp[0];
            two  = (grp == 3'b011) || (grp == 3'b100);
            mag  = one ? {x[16], x} : (two ? {x, 1'b0} : 18'd0);
            pp   = grp[2] ? -mag : mag;
            term = pp;
        end
    endfunction

    always @* begin
        product = term(bx[2:0], ax)
                + (term(bx[4:2], ax) << 2)
                + (term(bx[6:4], ax) << 4)
                + (term(bx[8:6], ax) << 6)
                + (term(bx[10:8], ax) << 8)
                + (term(bx[12:10], ax) << 10)
                + (term(bx[14:12], ax) << 12)
                + (term(bx[16:14], ax) << 14)
                + (term(bx[18:16], ax) << 16);
    end
endmodule
