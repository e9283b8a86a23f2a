// Reference: exact conversion with 160-bit integers. |x| = r / s, the half-gaps to the
// neighbours are mm / s and mp / s. s (or r, mm, mp) is scaled by ten until r / s lies in
// [0.1, 1) (shortest mode: the upper interval end decides), then one digit is generated per
// cycle by multiplying by ten and comparing with s x 1..9 (free-format generation in shortest
// mode, round-half-even on the remainder with a BCD carry in fixed mode).
module f32_to_decimal (
    input  wire        clk,
    input  wire        rst,
    input  wire        in_valid,
    output wire        in_ready,
    input  wire [31:0] in_bits,
    input  wire [3:0]  in_prec,
    output reg         out_valid,
    input  wire        out_ready,
    output reg         out_neg,
    output reg  [1:0]  out_kind,
    output reg  [35:0] out_digits,
    output reg  [3:0]  out_ndigits,
    output reg  signed [7:0] out_exp
);
    localparam W = 160;
    localparam S_IDLE = 3'd0, S_UP = 3'd1, S_DOWN = 3'd2, S_GEN = 3'd3, S_ROUND = 3'd4;

    reg [2:0]   state;
    reg [W-1:0] r, s, mm, mp;
    reg         even, neg;
    reg [3:0]   prec, n;
    reg signed [7:0] k;
    reg [35:0]  dig;       // digits so far, right-aligned BCD
    reg         round_up;

    assign in_ready = state == S_IDLE && !out_valid;

    function [W-1:0] x10(input [W-1:0] v);
        x10 = (v << 3) + (v << 1);
    endfunction

    // ---------------------------------------------------------------- input decode
    wire [7:0]  ef = in_bits[30:23];
    wire [22:0] mf = in_bits[22:0];
    wire [23:0] f = (ef == 8'd0) ? {1'b0, mf} : {1'b1, mf};
    wire signed [9:0] e = (ef == 8'd0) ? -10'sd149 : $signed({2'b00, ef}) - 10'sd150;
    wire        lopsided = mf == 23'd0 && ef >= 8'd2;

    // ---------------------------------------------------------------- one digit
    wire [W-1:0] r10 = x10(r), mm10 = x10(mm), mp10 = x10(mp);
    wire [W-1:0] s2 = s << 1, s3 = s2 + s, s4 = s << 2, s5 = s4 + s, s6 = s3 << 1, s7 = s6 + s,
                 s8 = s << 3, s9 = s8 + s;
    reg  [3:0]   d;
    reg  [W-1:0] sd;
    always @* begin
        d = 4'd0;
        sd = {W{1'b0}};
        if (r10 >= s)  begin d = 4'd1; sd = s;  end
        if (r10 >= s2) begin d = 4'd2; sd = s2; end
        if (r10 >= s3) begin d = 4'd3; sd = s3; end
        if (r10 >= s4) begin d = 4'd4; sd = s4; end
        if (r10 >= s5) begin d = 4'd5; sd = s5; end
        if (r10 >= s6) begin d = 4'd6; sd = s6; end
        if (r10 >= s7) begin d = 4'd7; sd = s7; end
        if (r10 >= s8) begin d = 4'd8; sd = s8; end
        if (r10 >= s9) begin d = 4'd9; sd = s9; end
    end
    wire [W-1:0] rem = r10 - sd;
    wire         low = even ? rem <= mm10 : rem < mm10;
    wire         up = even ? rem + mp10 >= s : rem + mp10 > s;
    wire [W:0]   rem2 = {rem, 1'b0};
    wire         past_half = rem2 > {1'b0, s} || (rem2 == {1'b0, s} && d[0]);
    // the scaling tests
    wire         high_now = even ? r + mp >= s : r + mp > s;
    wire         high_x10 = even ? r10 + mp10 >= s : r10 + mp10 > s;

    // ---------------------------------------------------------------- BCD increment of the fixed digits
    reg [35:0] inc;
    reg        carry;
    reg        all_nine;
    integer i;
    always @* begin
        carry = 1'b1;
        all_nine = 1'b1;
        for (i = 0; i < 9; i = i + 1) begin
            if (i < prec) begin
                if (dig[4*i +: 4] != 4'd9)
                    all_nine = 1'b0;
                if (carry && dig[4*i +: 4] == 4'd9) begin
                    inc[4*i +: 4] = 4'd0;
                end else begin
                    inc[4*i +: 4] = dig[4*i +: 4] + {3'd0, carry};
                    carry = 1'b0;
                end
            end else begin
                inc[4*i +: 4] = 4'd0;
            end
        end
    end

    task finish(input [35:0] digits, input [3:0] count, input signed [7:0] kk);
        begin
            out_valid <= 1'b1;
            out_kind <= 2'd0;
            out_digits <= digits << (4 * (9 - count));
            out_ndigits <= count;
            out_exp <= kk - 8'sd1;
            state <= S_IDLE;
        end
    endtask

    always @(posedge clk) begin
        if (rst) begin
            state <= S_IDLE;
            out_valid <= 1'b0;
        end else begin
            if (out_valid && out_ready)
                out_valid <= 1'b0;
            case (state)
                S_IDLE: if (in_valid && in_ready) begin
                    out_neg <= in_bits[31];
                    neg <= in_bits[31];
                    prec <= in_prec;
                    even <= !in_bits[0];
                    k <= 8'sd0;
                    n <= 4'd0;
                    dig <= 36'd0;
                    if (ef == 8'd255 || (ef == 8'd0 && mf == 23'd0)) begin
                        out_valid <= 1'b1;
                        out_kind <= (ef == 8'd255) ? (mf != 23'd0 ? 2'd3 : 2'd2) : 2'd1;
                        out_digits <= 36'd0;
                        out_exp <= 8'sd0;
                        out_ndigits <= (ef == 8'd255) ? 4'd0 : (in_prec == 4'd0 ? 4'd1 : in_prec);
                    end else begin
                        state <= S_UP;
                        if (e >= 0) begin
                            r <= {{(W-24){1'b0}}, f} << (e + (lopsided ? 2 : 1));
                            s <= lopsided ? 4 : 2;
                            mm <= {{(W-1){1'b0}}, 1'b1} << e;
                            mp <= {{(W-1){1'b0}}, 1'b1} << (e + (lopsided ? 1 : 0));
                        end else begin
                            r <= {{(W-24){1'b0}}, f} << (lopsided ? 2 : 1);
                            s <= {{(W-1){1'b0}}, 1'b1} << ((lopsided ? 2 : 1) - e);
                            mm <= 1;
                            mp <= lopsided ? 2 : 1;
                        end
                    end
                end
                S_UP: begin
                    if (prec == 4'd0 ? high_now : r >= s) begin
                        s <= x10(s);
                        k <= k + 8'sd1;
                    end else begin
                        state <= S_DOWN;
                    end
                end
                S_DOWN: begin
                    if (prec == 4'd0 ? !high_x10 : r10 < s) begin
                        r <= r10;
                        mm <= mm10;
                        mp <= mp10;
                        k <= k - 8'sd1;
                    end else begin
                        state <= S_GEN;
                    end
                end
                S_GEN: begin
                    r <= rem;
                    mm <= mm10;
                    mp <= mp10;
                    n <= n + 4'd1;
                    if (prec == 4'd0) begin
                        if (!low && !up)
                            dig <= {dig[31:0], d};
                        else if (low && up)
                            finish({dig[31:0], past_half ? d + 4'd1 : d}, n + 4'd1, k);
                        else
                            finish({dig[31:0], up ? d + 4'd1 : d}, n + 4'd1, k);
                    end else begin
                        dig <= {dig[31:0], d};
                        if (n + 4'd1 == prec) begin
                            round_up <= past_half;
                            state <= S_ROUND;
                        end
                    end
                end
                S_ROUND: begin
                    if (!round_up)
                        finish(dig, prec, k);
                    else if (all_nine)
                        finish(36'd1 << (4 * (prec - 4'd1)), prec, k + 8'sd1);
                    else
                        finish(inc, prec, k);
                end
                default: state <= S_IDLE;
            endcase
        end
    end
endmodule
