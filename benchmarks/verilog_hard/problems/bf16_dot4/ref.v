// Reference: an exact fixed-point accumulator (a Kulisch sum: bit 0 is 2^-266, the last place
// of the smallest product; 531 bits hold four products up to 2^256 and c), then one
// normalise / denormalise / round / pack stage with tininess after rounding.
module bf16_dot4 (
    input  wire        clk,
    input  wire        rst,
    input  wire        in_valid,
    input  wire [63:0] a,
    input  wire [63:0] b,
    input  wire [31:0] c,
    input  wire [2:0]  rm,
    output reg         out_valid,
    output reg  [31:0] result,
    output reg  [4:0]  flags
);
    localparam W = 531;

    reg  signed [W-1:0] acc;
    reg  [3:0]          nan, snan, infp, infn, zero_t, neg_t;
    reg                 inf_zero, anyneg, anypos;
    reg  [15:0]         x, y;
    reg  [15:0]         m;
    integer             i;
    always @* begin
        acc = {W{1'b0}};
        inf_zero = 1'b0;
        for (i = 0; i < 4; i = i + 1) begin
            x = a[16*i +: 16];
            y = b[16*i +: 16];
            nan[i] = ((&x[14:7]) && (|x[6:0])) || ((&y[14:7]) && (|y[6:0]));
            snan[i] = ((&x[14:7]) && (|x[6:0]) && !x[6]) || ((&y[14:7]) && (|y[6:0]) && !y[6]);
            zero_t[i] = (x[14:0] == 15'd0) || (y[14:0] == 15'd0);
            neg_t[i] = x[15] ^ y[15];
            infp[i] = ((x[14:0] == 15'h7F80) || (y[14:0] == 15'h7F80)) && !neg_t[i];
            infn[i] = ((x[14:0] == 15'h7F80) || (y[14:0] == 15'h7F80)) && neg_t[i];
            if (((x[14:0] == 15'h7F80) && (y[14:0] == 15'd0)) || ((y[14:0] == 15'h7F80) && (x[14:0] == 15'd0)))
                inf_zero = 1'b1;
            m = {|x[14:7], x[6:0]} * {|y[14:7], y[6:0]};
            if (neg_t[i])
                acc = acc - ({{(W-16){1'b0}}, m} << ((x[14:7] == 8'd0 ? 9'd1 : {1'b0, x[14:7]})
                                                     + (y[14:7] == 8'd0 ? 9'd1 : {1'b0, y[14:7]}) - 9'd2));
            else
                acc = acc + ({{(W-16){1'b0}}, m} << ((x[14:7] == 8'd0 ? 9'd1 : {1'b0, x[14:7]})
                                                     + (y[14:7] == 8'd0 ? 9'd1 : {1'b0, y[14:7]}) - 9'd2));
        end
        if (c[31])
            acc = acc - ({{(W-24){1'b0}}, |c[30:23], c[22:0]} << ((c[30:23] == 8'd0 ? 9'd1 : {1'b0, c[30:23]}) + 9'd116));
        else
            acc = acc + ({{(W-24){1'b0}}, |c[30:23], c[22:0]} << ((c[30:23] == 8'd0 ? 9'd1 : {1'b0, c[30:23]}) + 9'd116));
        anypos = (|infp) || (c == 32'h7F800000);
        anyneg = (|infn) || (c == 32'hFF800000);
    end

    wire c_nan = (&c[30:23]) && (|c[22:0]);
    wire any_snan = (|snan) || (c_nan && !c[22]);
    wire all_zero = (&zero_t) && (c[30:0] == 31'd0);
    wire all_neg = (&neg_t) && c[31];
    wire all_pos = ~(|neg_t) && !c[31];
    wire [W-1:0] mag = acc[W-1] ? -acc : acc;

    wire [31:0] r_bits;
    wire [4:0]  r_flags;
    bf16_dot4_round #(.W(W)) u_round (.sign(acc[W-1]), .M(mag), .X(-12'sd266), .rm(rm), .bits(r_bits),
                                      .flags(r_flags));

    reg [31:0] ans;
    reg [4:0]  ans_f;
    always @* begin
        ans_f = 5'd0;
        if ((|nan) || c_nan) begin
            ans = 32'h7FC00000;
            ans_f = {any_snan | inf_zero, 4'd0};
        end else if (inf_zero || (anypos && anyneg)) begin
            ans = 32'h7FC00000;
            ans_f = 5'b10000;
        end else if (anypos || anyneg) begin
            ans = {anyneg, 31'h7F800000};
        end else if (acc == {W{1'b0}}) begin
            ans = {(all_zero && all_neg) || (!(all_zero && all_pos) && rm == 3'b010), 31'd0};
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

// Round (-1)^sign * M * 2^X (M != 0, exact) to binary32 under rm, tininess after rounding.
module bf16_dot4_round #(
    parameter W = 531
) (
    input  wire               sign,
    input  wire [W-1:0]       M,
    input  wire signed [11:0] X,
    input  wire [2:0]         rm,
    output reg  [31:0]        bits,
    output reg  [4:0]         flags
);
    reg [9:0]          lz;
    reg [W-1:0]        mn;
    reg [2*W-1:0]      md;
    reg signed [12:0]  eb;
    reg [7:0]          sh;
    reg [23:0]         kept;
    reg                g, st, inc, inc_n, tiny;
    reg [31:0]         sum;
    integer            i;
    always @* begin
        // normalise: the leading 1 to bit W-1 (binary search on the leading zeros)
        mn = M;
        lz = 10'd0;
        for (i = 512; i >= 1; i = i / 2)
            if (mn >> (W - i) == {W{1'b0}}) begin
                mn = mn << i;
                lz = lz + i;
            end
        eb = X - $signed({3'd0, lz}) + W - 1 + 127;
        inc_n = round_up(rm, sign, mn[W-24], mn[W-25], |(mn << 25));
        tiny = (eb < 13'sd1) && !(eb == 13'sd0 && (&mn[W-1:W-24]) && inc_n);
        sh = (eb >= 13'sd1) ? 8'd0 : 8'd1 - eb[7:0];          // eb >= -139, so at most 140
        md = {mn, {W{1'b0}}} >> sh;
        kept = md[2*W-1:2*W-24];
        g = md[2*W-25];
        st = |(md << 25);
        inc = round_up(rm, sign, kept[0], g, st);
        sum = {(eb >= 13'sd1) ? eb[8:0] : 9'd0, kept[22:0]} + {31'd0, inc};
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
