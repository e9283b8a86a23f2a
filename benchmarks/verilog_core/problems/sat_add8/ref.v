module sat_add8 (
    input  wire signed [7:0] a,
    input  wire signed [7:0] b,
    output reg  signed [7:0] y,
    output reg               sat
);
    // 9-bit sum of the sign-extended operands: cannot overflow
    wire signed [8:0] sum = {a[7], a} + {b[7], b};

    always @* begin
        if (sum > 9'sd127) begin
            y   = 8'h7F;
            sat = 1'b1;
        end else if (sum < -9'sd128) begin
            y   = 8'h80;
            sat = 1'b1;
        end else begin
            y   = sum[7:0];
            sat = 1'b0;
        end
    end
endmodule
