module divider_iter #(
    parameter WIDTH = 32
) (
    input  wire             clk,
    input  wire             rst,
    input  wire             start,
    input  wire             is_signed,
    input  wire [WIDTH-1:0] dividend,
    input  wire [WIDTH-1:0] divisor,
    output reg              busy,
    output reg              done,
    output reg  [WIDTH-1:0] quotient,
    output reg  [WIDTH-1:0] remainder,
    output reg              div_by_zero,
    output reg              overflow
);
    localparam CW = $clog2(WIDTH + 1);
    reg [CW-1:0]    cnt;
    reg [WIDTH-1:0] q, dvs, a_raw;
    reg [WIDTH:0]   r;
    reg             neg_q, neg_r, zero, ovf;
    wire a_neg = is_signed & dividend[WIDTH-1];
    wire b_neg = is_signed & divisor[WIDTH-1];
    wire [WIDTH-1:0] a_abs = a_neg ? -dividend : dividend;
    wire [WIDTH-1:0] b_abs = b_neg ? -divisor : divisor;
    wire [WIDTH:0]   r_sh = {r[WIDTH-1:0], q[WIDTH-1]};
    wire [WIDTH:0]   r_sub = r_sh - {1'b0, dvs};
    wire [WIDTH-1:0] q_fin = {q[WIDTH-2:0], ~r_sub[WIDTH]};
    wire [WIDTH-1:0] r_fin = r_sub[WIDTH] ? r_sh[WIDTH-1:0] : r_sub[WIDTH-1:0];
    always @(posedge clk) begin
        if (rst) begin
            busy <= 1'b0; done <= 1'b0; quotient <= 0; remainder <= 0;
            div_by_zero <= 1'b0; overflow <= 1'b0; cnt <= 0;
        end else if (!busy) begin
            done <= 1'b0;
            if (start) begin
                busy <= 1'b1;
                cnt <= 0;
                q <= a_abs;
                r <= 0;
                dvs <= b_abs;
                a_raw <= dividend;
                neg_q <= a_neg ^ b_neg;
                neg_r <= a_neg;
                zero <= (divisor == 0);
                ovf <= is_signed && dividend == {1'b1, {(WIDTH-1){1'b0}}} && (&divisor);
            end
        end else begin
            q <= q_fin;
            r <= {1'b0, r_fin};
            cnt <= cnt + 1'b1;
            if (cnt == WIDTH - 1) begin
                busy <= 1'b0;
                done <= 1'b1;
                if (zero) begin
                    quotient <= {WIDTH{1'b1}}; remainder <= a_raw; div_by_zero <= 1'b1; overflow <= 1'b0;
                end else if (ovf) begin
                    quotient <= {1'b1, {(WIDTH-1){1'b0}}}; remainder <= 0; div_by_zero <= 1'b0; overflow <= 1'b1;
                end else begin
                    quotient <= neg_q ? -q_fin : q_fin;
                    remainder <= neg_r ? -r_fin : r_fin;
                    div_by_zero <= 1'b0; overflow <= 1'b0;
                end
            end
        end
    end
endmodule
