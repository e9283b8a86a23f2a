module fxp_mac #(
    parameter W_IN  = 16,
    parameter F_IN  = 15,
    parameter W_ACC = 40,
    parameter W_OUT = 16,
    parameter F_OUT = 15
) (
    input  wire                    clk,
    input  wire                    rst,
    input  wire                    en,
    input  wire                    clr,
    input  wire signed [W_IN-1:0]  a,
    input  wire signed [W_IN-1:0]  b,
    input  wire                    rnd_mode,
    output reg  signed [W_ACC-1:0] acc,
    output wire signed [W_OUT-1:0] y,
    output reg                     acc_sat,
    output wire                    y_sat
);
    localparam SH = 2 * F_IN - F_OUT;
    wire signed [2*W_IN-1:0] p    = a * b;
    wire signed [W_ACC-1:0]  pext = p;            // sign-extended product
    wire signed [W_ACC:0]    sum  = acc + pext;
    wire                     ovf  = sum[W_ACC] != sum[W_ACC-1];
    wire signed [W_ACC-1:0]  amax = {1'b0, {(W_ACC-1){1'b1}}};
    wire signed [W_ACC-1:0]  amin = {1'b1, {(W_ACC-1){1'b0}}};

    always @(posedge clk) begin
        if (rst) begin
            acc <= 0;
            acc_sat <= 1'b0;
        end else if (clr) begin
            acc <= en ? pext : {W_ACC{1'b0}};
            acc_sat <= 1'b0;
        end else if (en) begin
            acc <= ovf ? (sum[W_ACC] ? amin : amax) : sum[W_ACC-1:0];
            acc_sat <= acc_sat | ovf;
        end
    end

    // scale and round: half = the bit just below the kept ones, rest = any bit below it
    wire signed [W_ACC:0] q = $signed({acc[W_ACC-1], acc}) >>> SH;
    wire                  up;
    generate
        if (SH == 0) begin : g_nosh
            assign up = 1'b0;
        end else begin : g_sh
            wire [SH-1:0] r    = acc[SH-1:0];
            wire [SH-1:0] low  = r << 1;
            wire          half = r[SH-1];
            assign up = rnd_mode && half && ((|low) || q[0]);
        end
    endgenerate
    wire signed [W_ACC:0] v    = q + up;
    wire signed [W_ACC:0] ymax = (1 <<< (W_OUT - 1)) - 1;
    wire signed [W_ACC:0] ymin = -(1 <<< (W_OUT - 1));
    wire                  hi   = v > ymax;
    wire                  lo   = v < ymin;
    assign y_sat = hi || lo;
    assign y     = hi ? ymax[W_OUT-1:0] : lo ? ymin[W_OUT-1:0] : v[W_OUT-1:0];
endmodule
