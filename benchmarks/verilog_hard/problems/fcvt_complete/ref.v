module fcvt_unit (
    input  wire        clk,
    input  wire        rst,
    input  wire        in_valid,
    input  wire [1:0]  op,
    input  wire [2:0]  rm,
    input  wire [31:0] a,
    output reg         out_valid,
    output reg  [31:0] result,
    output reg  [4:0]  flags
);
    // ---------------------------------------------------------------- rounding decision
    // 1 when a value with sign s, whose kept part ends in lsb and whose discarded part has
    // guard bit g and sticky bit st, must be rounded up in magnitude under mode m.
    function round_up(input [2:0] m, input s, input lsb, input g, input st);
        case (m)
            3'b000:  round_up = g & (st | lsb);
            3'b001:  round_up = 1'b0;
            3'b010:  round_up = s & (g | st);
            3'b011:  round_up = ~s & (g | st);
            default: round_up = g;
        endcase
    endfunction

    // ---------------------------------------------------------------- integer to float (op 1x)
    wire        i_neg = (op == 2'b10) && a[31];
    wire [31:0] i_mag = i_neg ? -a : a;
    reg  [5:0]  lz;
    integer     k;
    always @* begin
        lz = 6'd32;
        for (k = 0; k < 32; k = k + 1)
            if (i_mag[k]) lz = 6'd31 - k[5:0];
    end
    wire [31:0] i_norm = i_mag << lz;
    wire [7:0]  i_exp = 8'd158 - {2'd0, lz};
    wire        i_g = i_norm[7];
    wire        i_st = |i_norm[6:0];
    wire        i_inc = round_up(rm, i_neg, i_norm[8], i_g, i_st);
    wire [30:0] i_sum = {i_exp, i_norm[30:8]} + {30'd0, i_inc};
    wire [31:0] i2f_result = (i_mag == 32'd0) ? 32'd0 : {i_neg, i_sum};
    wire [4:0]  i2f_flags = {4'd0, (i_mag != 32'd0) & (i_g | i_st)};

    // ---------------------------------------------------------------- float to integer (op 0x)
    wire        f_s = a[31];
    wire [7:0]  f_e = a[30:23];
    wire        f_nan = (f_e == 8'hFF) && (a[22:0] != 23'd0);
    wire [7:0]  f_ee = (f_e == 8'd0) ? 8'd1 : f_e;
    wire [23:0] f_m = {f_e != 8'd0, a[22:0]};
    // value = f_m * 2^(f_ee - 150); f_x holds it with 32 fraction bits (exact for 118 <= f_ee <= 158).
    // Below that (f_ee < 118) the value is under 2^-8: only its being nonzero matters (sticky).
    wire        f_big = f_ee >= 8'd118;
    wire [63:0] f_x = f_big ? {40'd0, f_m} << (f_ee - 8'd118) : 64'd0;
    wire        f_g = f_x[31];
    wire        f_st = (|f_x[30:0]) | (~f_big & (f_m != 24'd0));
    wire [32:0] f_r = {1'b0, f_x[63:32]} + {32'd0, round_up(rm, f_s, f_x[32], f_g, f_st)};
    wire        f_huge = f_e >= 8'd159;          // |value| >= 2^32, infinities and NaNs included
    wire        sgn_op = op == 2'b00;
    wire        f_fits = f_huge ? 1'b0 :
                         sgn_op ? (f_s ? f_r <= 33'h080000000 : f_r <= 33'h07FFFFFFF)
                                : (f_s ? f_r == 33'd0 : f_r <= 33'h0FFFFFFFF);
    wire [31:0] f_hi = sgn_op ? 32'h7FFFFFFF : 32'hFFFFFFFF;
    wire [31:0] f_lo = sgn_op ? 32'h80000000 : 32'h00000000;
    wire [31:0] f2i_result = f_fits ? (f_s ? -f_r[31:0] : f_r[31:0]) : ((f_nan | ~f_s) ? f_hi : f_lo);
    wire [4:0]  f2i_flags = f_fits ? {4'd0, f_g | f_st} : 5'b10000;

    // ---------------------------------------------------------------- output register
    always @(posedge clk) begin
        if (rst) begin
            out_valid <= 1'b0;
            result <= 32'd0;
            flags <= 5'd0;
        end else begin
            out_valid <= in_valid;
            if (in_valid) begin
                result <= op[1] ? i2f_result : f2i_result;
                flags <= op[1] ? i2f_flags : f2i_flags;
            end
        end
    end
endmodule
