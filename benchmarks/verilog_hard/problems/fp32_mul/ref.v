// Reference: exact 48-bit significand product, then normalise / denormalise / round / pack.
module fp32_mul (
    input  wire        clk,
    input  wire        rst,
    input  wire        in_valid,
    input  wire [31:0] a,
    input  wire [31:0] b,
    input  wire [2:0]  rm,
    output reg         out_valid,
    output reg  [31:0] result,
    output reg  [4:0]  flags
);
    wire a_nan = (&a[30:23]) & (|a[22:0]);
    wire b_nan = (&b[30:23]) & (|b[22:0]);
    wire a_inf = (&a[30:23]) & ~(|a[22:0]);
    wire b_inf = (&b[30:23]) & ~(|b[22:0]);
    wire a_zero = a[30:0] == 31'd0;
    wire b_zero = b[30:0] == 31'd0;
    wire any_snan = (a_nan & ~a[22]) | (b_nan & ~b[22]);
    wire sign = a[31] ^ b[31];

    wire [7:0]  ea = (a[30:23] == 8'd0) ? 8'd1 : a[30:23];
    wire [7:0]  eb = (b[30:23] == 8'd0) ? 8'd1 : b[30:23];
    wire [23:0] ma = {|a[30:23], a[22:0]};
    wire [23:0] mb = {|b[30:23], b[22:0]};
    wire [47:0] M = ma * mb;
    wire signed [11:0] X = $signed({4'd0, ea}) + $signed({4'd0, eb}) - 12'sd300;

    wire [31:0] r_bits;
    wire [4:0]  r_flags;
    fp32_mul_round u_round (.sign(sign), .M(M), .X(X), .rm(rm), .bits(r_bits), .flags(r_flags));

    reg [31:0] ans;
    reg [4:0]  ans_f;
    always @* begin
        ans_f = 5'd0;
        if (a_nan | b_nan) begin
            ans = 32'h7FC00000;
            ans_f = {any_snan, 4'd0};
        end else if ((a_inf & b_zero) | (b_inf & a_zero)) begin
            ans = 32'h7FC00000;
            ans_f = 5'b10000;
        end else if (a_inf | b_inf) begin
            ans = {sign, 31'h7F800000};
        end else if (a_zero | b_zero) begin
            ans = {sign, 31'd0};
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

// Round (-1)^sign * M * 2^X (M != 0) to binary32 under rm; tininess after rounding.
module fp32_mul_round (
    input  wire               sign,
    input  wire [47:0]        M,
    input  wire signed [11:0] X,
    input  wire [2:0]         rm,
    output reg  [31:0]        bits,
    output reg  [4:0]         flags
);
    reg [5:0]          lz;
    reg [47:0]         mn, md;
    reg signed [12:0]  eb, sh;
    reg [23:0]         kept;
    reg                g, st, lost, inc, tiny;
    reg [32:0]         sum;
    always @* begin
        // normalise: shift the leading 1 to bit 47 (binary search on the leading zeros)
        mn = M;
        lz = 6'd0;
        if (mn[47:16] == 32'd0) begin mn = mn << 32; lz = lz + 6'd32; end
        if (mn[47:32] == 16'd0) begin mn = mn << 16; lz = lz + 6'd16; end
        if (mn[47:40] == 8'd0)  begin mn = mn << 8;  lz = lz + 6'd8;  end
        if (mn[47:44] == 4'd0)  begin mn = mn << 4;  lz = lz + 6'd4;  end
        if (mn[47:46] == 2'd0)  begin mn = mn << 2;  lz = lz + 6'd2;  end
        if (!mn[47])            begin mn = mn << 1;  lz = lz + 6'd1;  end
        eb = X - $signed({7'd0, lz}) + 13'sd47 + 13'sd127;
        // tiny after rounding: below 2^-126 unless 24 ones at eb = 0 round up (unbounded exponent)
        tiny = (eb < 13'sd1) && !(eb == 13'sd0 && (&mn[47:24]) && round_up(rm, sign, 1'b1, mn[23], |mn[22:0]));
        sh = (eb < 13'sd1) ? 13'sd1 - eb : 13'sd0;   // denormalising shift
        md = mn >> sh;
        lost = (md << sh) != mn;
        kept = md[47:24];
        g = md[23];
        st = (|md[22:0]) | lost;
        inc = round_up(rm, sign, kept[0], g, st);
        sum = {1'b0, (eb >= 13'sd1) ? eb[8:0] : 9'd0, kept[22:0]} + {32'd0, inc};
        if (sum[31:23] >= 9'd255) begin
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
