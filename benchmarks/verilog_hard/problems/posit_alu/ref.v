// Reference: both operands decoded to (sign, scale, significand); a sum in an N+2-bit field
// (exact, or with a sticky bit just below any place the result can keep) or the exact product;
// one normalisation; then the result's bit string (regime, exponent, fraction) is built
// left-justified and cut at N bits with guard and sticky.
module posit_alu #(
    parameter N  = 16,
    parameter ES = 2
) (
    input  wire         clk,
    input  wire         rst,
    input  wire         in_valid,
    input  wire [1:0]   op,
    input  wire [N-1:0] a,
    input  wire [N-1:0] b,
    output reg          out_valid,
    output reg  [N-1:0] result
);
    localparam L  = 2 * N;                     // working field: carry bit, units bit at L-2
    localparam TW = N + ES + L;                // the result's bit string before the cut
    localparam signed [11:0] MAXSC = (N - 2) << ES;
    localparam [N-1:0] NAR = {1'b1, {(N-1){1'b0}}};

    wire               sa, sb, za, zb;
    wire signed [11:0] ca, cb;
    wire [N-1:0]       ga, gb;
    posit_alu_dec #(.N(N), .ES(ES)) da (.p(a), .sign(sa), .zero(za), .scale(ca), .sig(ga));
    posit_alu_dec #(.N(N), .ES(ES)) db (.p(b), .sign(sb), .zero(zb), .scale(cb), .sig(gb));
    wire sbe = sb ^ (op == 2'd1);              // sign of b as it enters the sum

    // a + b: the operand of larger magnitude first, the other aligned in an N+2-bit field whose
    // bit 0 collects every bit shifted out (a sticky bit just below any place a sum can keep)
    wire               a_big = (ca > cb) || (ca == cb && ga >= gb);
    wire signed [11:0] d = a_big ? ca - cb : cb - ca;
    wire [N+1:0]       xs_in = {1'b0, a_big ? gb : ga, 1'b0};
    wire               lost = (d >= N + 2) || |(xs_in & ~({(N+2){1'b1}} << d));
    wire [N+1:0]       xs = ((d >= N + 2) ? {(N+2){1'b0}} : xs_in >> d) | {{(N+1){1'b0}}, lost};
    wire [N+1:0]       vb = {1'b0, a_big ? ga : gb, 1'b0};
    wire [N+1:0]       sum = (sa ^ sbe) ? vb - xs : vb + xs;

    reg  [L-1:0]       v;
    reg signed [11:0]  sc;
    reg                sg;
    reg  [N-1:0]       ans;
    reg  [7:0]         lz;
    integer            i;
    always @* begin
        if (op == 2'd2) begin
            v = ga * gb;                       // the product's units bit at L-2
            sc = ca + cb;
            sg = sa ^ sb;
        end else begin
            v = {sum, {(N-2){1'b0}}};           // the larger operand's hidden one at L-2
            sc = a_big ? ca : cb;
            sg = a_big ? sa : sbe;
        end
        // normalise: leading one to bit L-1
        lz = 8'd0;
        for (i = 0; i < L; i = i + 1)
            if (v[i]) lz = L - 1 - i;
        v = v << lz;
        sc = sc + 12'sd1 - $signed({4'd0, lz});
        if (a == NAR || b == NAR) ans = NAR;
        else if (op == 2'd2 && (za || zb)) ans = {N{1'b0}};
        else if (op != 2'd2 && za) ans = (op == 2'd1) ? -b : b;
        else if (op != 2'd2 && zb) ans = a;
        else if (v == {L{1'b0}}) ans = {N{1'b0}};
        else ans = encode(sg, sc, v[L-2:0]);
    end

    always @(posedge clk) begin
        if (rst) begin
            out_valid <= 1'b0;
            result <= {N{1'b0}};
        end else begin
            out_valid <= in_valid;
            if (in_valid) result <= ans;
        end
    end

    // the pattern of (-1)^s x 2^scale x 1.frac, rounded (saturating at maxpos and minpos)
    function [N-1:0] encode(input s, input signed [11:0] scale, input [L-2:0] frac);
        reg signed [11:0] k;
        reg [11:0]        e;
        reg [7:0]         rlen;
        reg [N-1:0]       rg, pm;
        reg [TW-1:0]      t, te;
        reg               g, st;
        begin
            k = scale >>> ES;
            e = scale - (k <<< ES);
            if (scale >= MAXSC) pm = {1'b0, {(N-1){1'b1}}};
            else if (scale < -MAXSC) pm = 1;
            else begin
                if (k >= 0) begin
                    rlen = k[7:0] + 8'd2;
                    rg = ({N{1'b1}} >> (N - 1 - k)) << 1;   // k+1 ones, then the terminator 0
                end else begin
                    rlen = 8'd1 - k[7:0];
                    rg = 1;                                // -k zeros, then the terminator 1
                end
                t = rg;
                t = t << (ES + L - 1);
                te = e;
                t = t | (te << (L - 1)) | frac;
                t = t << (N - rlen + 1);                   // the regime's first bit to bit TW-1
                pm = {1'b0, t[TW-1 -: N-1]};
                g = t[TW-N];
                st = |(t << N);
                pm = pm + {{(N-1){1'b0}}, g & (st | pm[0])};
            end
            encode = s ? -pm : pm;
        end
    endfunction
endmodule

// Decode a pattern that is not NaR: sign, zero, scale = k x 2^ES + e, significand 1.f with the
// hidden one at bit N-1 and the fraction left-aligned below it.
module posit_alu_dec #(
    parameter N  = 16,
    parameter ES = 2
) (
    input  wire [N-1:0]       p,
    output wire               sign,
    output wire               zero,
    output reg signed [11:0]  scale,
    output reg  [N-1:0]       sig
);
    assign sign = p[N-1];
    assign zero = (p == {N{1'b0}});
    wire [N-1:0] x = sign ? -p : p;
    reg  [7:0]   m;
    reg          run;
    reg  [N-1:0] rem;
    reg  [11:0]  e;
    integer      i;
    always @* begin
        m = 8'd0;
        run = 1'b1;
        for (i = N - 2; i >= 0; i = i - 1) begin
            if (run && x[i] == x[N-2]) m = m + 8'd1;
            else run = 1'b0;
        end
        rem = x << (m + 8'd2);                 // exponent bits, then the fraction
        e = rem >> (N - ES);
        scale = (x[N-2] ? $signed({4'd0, m}) - 12'sd1 : -$signed({4'd0, m})) * (12'sd1 <<< ES)
                + $signed(e);
        sig = {1'b1, rem[N-1:0] << ES} >> 1;
    end
endmodule
