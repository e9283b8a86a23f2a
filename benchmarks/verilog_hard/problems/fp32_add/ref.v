// Reference: exact significand sum in a wide register (or a sticky stand-in for a far smaller
// operand), then one normalise / denormalise / round / pack stage.
module fp32_add (
    input  wire        clk,
    input  wire        rst,
    input  wire        in_valid,
    input  wire [31:0] a,
    input  wire [31:0] b,
    input  wire        sub,
    input  wire [2:0]  rm,
    output reg         out_valid,
    output reg  [31:0] result,
    output reg  [4:0]  flags
);
    wire [31:0] bb = {b[31] ^ sub, b[30:0]};
    wire a_nan = (&a[30:23]) & (|a[22:0]);
    wire b_nan = (&bb[30:23]) & (|bb[22:0]);
    wire a_inf = (&a[30:23]) & ~(|a[22:0]);
    wire b_inf = (&bb[30:23]) & ~(|bb[22:0]);
    wire any_snan = (a_nan & ~a[22]) | (b_nan & ~bb[22]);

    // x: the operand of larger magnitude
    wire        swap = bb[30:0] > a[30:0];
    wire [31:0] x = swap ? bb : a;
    wire [31:0] y = swap ? a : bb;
    wire [7:0]  ex = (x[30:23] == 8'd0) ? 8'd1 : x[30:23];
    wire [7:0]  ey = (y[30:23] == 8'd0) ? 8'd1 : y[30:23];
    wire [23:0] mx = {|x[30:23], x[22:0]};
    wire [23:0] my = {|y[30:23], y[22:0]};
    wire [7:0]  d = ex - ey;
    wire        eff_sub = x[31] ^ y[31];

    // exact value = (M + S*epsilon) * 2^X, 0 < epsilon < 1
    reg  [79:0]        M;
    reg                S;
    reg  signed [11:0] X;
    always @* begin
        if (d <= 8'd50) begin
            M = eff_sub ? ({56'd0, mx} << d) - {56'd0, my} : ({56'd0, mx} << d) + {56'd0, my};
            S = 1'b0;
            X = $signed({4'd0, ey}) - 12'sd150;
        end else begin
            // y is far below x's last bit: a nonzero y only moves the value by less than one unit
            M = (eff_sub && my != 24'd0) ? {53'd0, mx, 3'b000} - 80'd1 : {53'd0, mx, 3'b000};
            S = |my;
            X = $signed({4'd0, ex}) - 12'sd153;
        end
    end

    wire [31:0] r_bits;
    wire [4:0]  r_flags;
    fp32_add_round u_round (.sign(x[31]), .M(M), .S(S), .X(X), .rm(rm), .bits(r_bits), .flags(r_flags));

    reg [31:0] ans;
    reg [4:0]  ans_f;
    always @* begin
        ans_f = 5'd0;
        if (a_nan | b_nan) begin
            ans = 32'h7FC00000;
            ans_f = {any_snan, 4'd0};
        end else if (a_inf & b_inf) begin
            ans = (a[31] == bb[31]) ? a : 32'h7FC00000;
            ans_f = {a[31] != bb[31], 4'd0};
        end else if (a_inf) begin
            ans = a;
        end else if (b_inf) begin
            ans = bb;
        end else if (M == 80'd0 && !S) begin
            ans = {eff_sub ? (rm == 3'b010) : x[31], 31'd0};
        end else begin
            ans = r_bits;
            ans_f = r_flags;
        end
    end

    always @(posedge clk) begin
        if (rst) begin
            out_valid <= 1'b0;
            result <= 32'd0;
            flags <= 5'd0;
        end else begin
            out_valid <= in_valid;
            if (in_valid) begin
                result <= ans;
                flags <= ans_f;
            end
        end
    end
endmodule

// Round (-1)^sign * (M + S*eps) * 2^X (M != 0) to binary32 under rm. A sum below 2^-126 is a
// multiple of 2^-149 (exact), so the subnormal shift never drops a 1 and UF is never raised.
module fp32_add_round (
    input  wire               sign,
    input  wire [79:0]        M,
    input  wire               S,
    input  wire signed [11:0] X,
    input  wire [2:0]         rm,
    output reg  [31:0]        bits,
    output reg  [4:0]         flags
);
    reg [6:0]          lz;
    reg [79:0]         mn, md;
    reg signed [12:0]  eb;
    reg [23:0]         kept;
    reg                g, st, inc;
    reg [32:0]         sum;
    always @* begin
        // normalise: shift the leading 1 to bit 79 (binary search on the leading zeros)
        mn = M;
        lz = 7'd0;
        if (mn[79:16] == 64'd0) begin mn = mn << 64; lz = lz + 7'd64; end
        if (mn[79:48] == 32'd0) begin mn = mn << 32; lz = lz + 7'd32; end
        if (mn[79:64] == 16'd0) begin mn = mn << 16; lz = lz + 7'd16; end
        if (mn[79:72] == 8'd0)  begin mn = mn << 8;  lz = lz + 7'd8;  end
        if (mn[79:76] == 4'd0)  begin mn = mn << 4;  lz = lz + 7'd4;  end
        if (mn[79:78] == 2'd0)  begin mn = mn << 2;  lz = lz + 7'd2;  end
        if (!mn[79])            begin mn = mn << 1;  lz = lz + 7'd1;  end
        eb = X - $signed({6'd0, lz}) + 13'sd79 + 13'sd127;
        md = mn >> ((eb < 13'sd1) ? 13'sd1 - eb : 13'sd0);   // denormalising shift (exact)
        kept = md[79:56];
        g = md[55];
        st = (|md[54:0]) | S;
        inc = round_up(rm, sign, kept[0], g, st);
        sum = {1'b0, (eb >= 13'sd1) ? eb[8:0] : 9'd0, kept[22:0]} + {32'd0, inc};
        if (sum[31:23] >= 9'd255) begin
            bits = (rm == 3'b000 || rm == 3'b100 || (rm == 3'b011 && !sign) || (rm == 3'b010 && sign))
                   ? {sign, 31'h7F800000} : {sign, 31'h7F7FFFFF};
            flags = 5'b00101;
        end else begin
            bits = {sign, sum[30:0]};
            flags = {4'b0000, g | st};
        end
    end

    function round_up(input [2:0] mode, input s, input lsb, input gd, input sk);
        case (mode)
            3'b000:  round_up = gd & (sk | lsb);
            3'b001:  round_up = 1'b0;
            3'b010:  round_up = s & (gd | sk);
            3'b011:  round_up = ~s & (gd | sk);
            default: round_up = gd;
        endcase
    endfunction
endmodule
