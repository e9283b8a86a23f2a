// Reference: the exact value P + Q as (M + S*eps) * 2^X with a 130-bit M (exact when the two
// terms' last bits are at most 80 binary places apart, otherwise the far smaller term becomes a
// stand-in two places below the larger one's last bit: -1 when it subtracts, and S), then one normalise / denormalise / round /
// pack stage with tininess after rounding.
module fp32_fma (
    input  wire        clk,
    input  wire        rst,
    input  wire        in_valid,
    input  wire [2:0]  op,
    input  wire [31:0] a,
    input  wire [31:0] b,
    input  wire [31:0] c,
    input  wire [2:0]  rm,
    output reg         out_valid,
    output reg  [31:0] result,
    output reg  [4:0]  flags
);
    wire is_fmul = (op == 3'd4);
    wire is_add  = (op == 3'd5) || (op == 3'd6);
    wire neg_p   = (op == 3'd2) || (op == 3'd3);
    wire neg_q   = (op == 3'd1) || (op == 3'd3) || (op == 3'd6);

    wire [31:0] bb = is_add ? 32'h3F800000 : b;            // a + c is a x 1.0 + c
    wire        sp = a[31] ^ bb[31] ^ neg_p;               // sign of P
    wire [31:0] cc = is_fmul ? {sp, 31'd0} : {c[31] ^ neg_q, c[30:0]};

    wire a_nan = (&a[30:23]) & (|a[22:0]);
    wire b_nan = (&bb[30:23]) & (|bb[22:0]);
    wire c_nan = (&cc[30:23]) & (|cc[22:0]);
    wire a_inf = (&a[30:23]) & ~(|a[22:0]);
    wire b_inf = (&bb[30:23]) & ~(|bb[22:0]);
    wire q_inf = (&cc[30:23]) & ~(|cc[22:0]);
    wire a_zero = (a[30:0] == 31'd0);
    wire b_zero = (bb[30:0] == 31'd0);
    wire any_snan = (a_nan & ~a[22]) | (b_nan & ~bb[22]) | (c_nan & ~cc[22]);
    wire inf_zero = (a_inf & b_zero) | (b_inf & a_zero);
    wire p_inf = a_inf | b_inf;

    // exact terms: P = mp * 2^XP, Q = mc * 2^XC
    wire [23:0] ma = {|a[30:23], a[22:0]};
    wire [23:0] mb = {|bb[30:23], bb[22:0]};
    wire [23:0] mc = {|cc[30:23], cc[22:0]};
    wire [47:0] mp = ma * mb;
    wire signed [11:0] XP = $signed({4'd0, (a[30:23] == 8'd0) ? 8'd1 : a[30:23]})
                          + $signed({4'd0, (bb[30:23] == 8'd0) ? 8'd1 : bb[30:23]}) - 12'sd300;
    wire signed [11:0] XC = $signed({4'd0, (cc[30:23] == 8'd0) ? 8'd1 : cc[30:23]}) - 12'sd150;
    wire signed [11:0] d = XP - XC;
    wire eff_sub = sp ^ cc[31];

    reg  [129:0]       M;
    reg                S, sgn;
    reg  signed [11:0] X;
    reg  [129:0]       vp, vc;
    always @* begin
        S = 1'b0;
        vp = {82'd0, mp};
        vc = {106'd0, mc};
        if (mp == 48'd0) begin
            M = vc; X = XC; sgn = cc[31];
        end else if (mc == 24'd0) begin
            M = vp; X = XP; sgn = sp;
        end else if (d > 12'sd80) begin           // Q lies far below P's last bit
            M = eff_sub ? (vp << 2) - 130'd1 : (vp << 2);
            S = 1'b1; X = XP - 12'sd2; sgn = sp;
        end else if (d < -12'sd80) begin          // P lies far below Q's last bit
            M = eff_sub ? (vc << 2) - 130'd1 : (vc << 2);
            S = 1'b1; X = XC - 12'sd2; sgn = cc[31];
        end else begin
            if (d >= 12'sd0) begin
                vp = vp << d; X = XC;
            end else begin
                vc = vc << (-d); X = XP;
            end
            if (!eff_sub) begin
                M = vp + vc; sgn = sp;
            end else if (vp >= vc) begin
                M = vp - vc; sgn = sp;
            end else begin
                M = vc - vp; sgn = cc[31];
            end
        end
    end

    wire [31:0] r_bits;
    wire [4:0]  r_flags;
    fp32_fma_round u_round (.sign(sgn), .M(M), .S(S), .X(X), .rm(rm), .bits(r_bits), .flags(r_flags));

    wire zero_sign = (mp == 48'd0 && mc == 24'd0 && sp == cc[31]) ? sp : (rm == 3'b010);

    reg [31:0] ans;
    reg [4:0]  ans_f;
    always @* begin
        ans_f = 5'd0;
        if (a_nan | b_nan | c_nan) begin
            ans = 32'h7FC00000;
            ans_f = {any_snan | (inf_zero & ~is_add), 4'd0};
        end else if (inf_zero) begin
            ans = 32'h7FC00000;
            ans_f = 5'b10000;
        end else if (p_inf & q_inf & eff_sub) begin
            ans = 32'h7FC00000;
            ans_f = 5'b10000;
        end else if (p_inf) begin
            ans = {sp, 31'h7F800000};
        end else if (q_inf) begin
            ans = cc;
        end else if (M == 130'd0 && !S) begin
            ans = {zero_sign, 31'd0};
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

// Round (-1)^sign * (M + S*eps) * 2^X (M != 0) to binary32 under rm, tininess after rounding.
module fp32_fma_round (
    input  wire               sign,
    input  wire [129:0]       M,
    input  wire               S,
    input  wire signed [11:0] X,
    input  wire [2:0]         rm,
    output reg  [31:0]        bits,
    output reg  [4:0]         flags
);
    reg [7:0]          lz;
    reg [129:0]        mn;
    reg [259:0]        md;
    reg signed [12:0]  eb;
    reg [7:0]          sh;
    reg [23:0]         kept;
    reg                g, st, inc, inc_n, tiny;
    reg [32:0]         sum;
    always @* begin
        // normalise: the leading 1 to bit 129 (binary search on the leading zeros)
        mn = M;
        lz = 8'd0;
        if (mn[129:2] == 128'd0)  begin mn = mn << 128; lz = lz + 8'd128; end
        if (mn[129:66] == 64'd0)  begin mn = mn << 64;  lz = lz + 8'd64;  end
        if (mn[129:98] == 32'd0)  begin mn = mn << 32;  lz = lz + 8'd32;  end
        if (mn[129:114] == 16'd0) begin mn = mn << 16;  lz = lz + 8'd16;  end
        if (mn[129:122] == 8'd0)  begin mn = mn << 8;   lz = lz + 8'd8;   end
        if (mn[129:126] == 4'd0)  begin mn = mn << 4;   lz = lz + 8'd4;   end
        if (mn[129:128] == 2'd0)  begin mn = mn << 2;   lz = lz + 8'd2;   end
        if (!mn[129])             begin mn = mn << 1;   lz = lz + 8'd1;   end
        eb = X - $signed({5'd0, lz}) + 13'sd256;
        // unbounded-exponent rounding at 24 bits decides tininess
        inc_n = round_up(rm, sign, mn[106], mn[105], (|mn[104:0]) | S);
        tiny = (eb < 13'sd1) && !(eb == 13'sd0 && (&mn[129:106]) && inc_n);
        // denormalise (bits shifted out feed the sticky bit), then round
        sh = (eb >= 13'sd1) ? 8'd0 : (eb < -13'sd158) ? 8'd160 : 8'd1 - eb[7:0];
        md = {mn, 130'd0} >> sh;
        kept = md[259:236];
        g = md[235];
        st = (|md[234:0]) | S;
        inc = round_up(rm, sign, kept[0], g, st);
        sum = {1'b0, (eb >= 13'sd1) ? eb[8:0] : 9'd0, kept[22:0]} + {32'd0, inc};
        if (eb >= 13'sd255 || sum[31:23] >= 9'd255) begin
            bits = (rm == 3'b000 || rm == 3'b100 || (rm == 3'b011 && !sign) || (rm == 3'b010 && sign))
                   ? {sign, 31'h7F800000} : {sign, 31'h7F7FFFFF};
            flags = 5'b00101;
        end else begin
            bits = {sign, sum[30:0]};
            flags = {3'b000, tiny & (g | st), g | st};
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
