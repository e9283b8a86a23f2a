module booth_mul16 (
    input  wire        is_signed,
    input  wire [15:0] a,
    input  wire [15:0] b,
    output reg  [31:0] product
);
    // Operands extended to 18 bits (sign or zero), multiplier with an implicit 0 below bit 0.
    wire [17:0] ax = {{2{a[15]}}, a};
    wire [18:0] bx = {{2{is_signed & b[15]}}, b, 1'b0};
    reg  [2:0]  grp;
    reg  [18:0] mag;   // |digit| * ax, 19 bits signed
    reg  [18:0] pp;
    reg  [31:0] ppx;
    integer i;
    always @* begin
        product = 32'd0;
        for (i = 0; i < 8; i = i + 1) begin
            grp = bx[2*i +: 3];
            case (grp)
                3'b001, 3'b010: mag = {ax[17], ax};
                3'b011:         mag = {ax, 1'b0};
                3'b100:         mag = {ax, 1'b0};
                3'b101, 3'b110: mag = {ax[17], ax};
                default:        mag = 19'd0;
            endcase
            pp = grp[2] ? -mag : mag;
            ppx = {{13{pp[18]}}, pp};
            product = product + (ppx << (2 * i));
        end
    end
endmodule
