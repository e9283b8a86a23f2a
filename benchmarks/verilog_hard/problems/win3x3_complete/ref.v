module win3x3 #(
    parameter integer W = 8,
    parameter integer H = 6
) (
    input  wire        clk,
    input  wire        rst,
    input  wire        s_valid,
    output wire        s_ready,
    input  wire [7:0]  s_pix,
    output wire        m_valid,
    input  wire        m_ready,
    output reg  [71:0] m_win,
    output wire        m_last
);
    localparam integer CW = $clog2(W + 1);
    localparam integer RW = $clog2(H + 1);
    localparam integer LW = $clog2(3 * W + 1);

    reg [7:0]    line [0:3*W-1];      // three row slots of W pixels
    reg [CW-1:0] ic, oc;              // input column, output column
    reg [RW-1:0] orow;                // output row (within the frame)
    reg [1:0]    islot, oslot;        // row slot of the input row and of the output row
    reg [LW-1:0] lead;                // pixels accepted minus windows sent
    reg [1:0]    rowlead;             // input row minus output row, counted across frames

    // ---- input side ----
    assign s_ready = rowlead <= 2'd1;
    wire take = s_valid && s_ready;
    wire in_eol = ic == W - 1;

    // ---- window availability ----
    wire [LW-1:0] need = ((orow == H - 1) ? 0 : W) + ((oc == W - 1) ? 0 : 1);
    assign m_valid = lead > need;
    wire send = m_valid && m_ready;
    wire out_eol = oc == W - 1;
    assign m_last = (orow == H - 1) && out_eol;

    // ---- window assembly with replicated borders ----
    wire [1:0] up   = (orow == 0) ? oslot : (oslot == 0 ? 2'd2 : oslot - 1'b1);
    wire [1:0] down = (orow == H - 1) ? oslot : (oslot == 2 ? 2'd0 : oslot + 1'b1);
    wire [CW-1:0] left  = (oc == 0) ? oc : oc - 1'b1;
    wire [CW-1:0] right = (oc == W - 1) ? oc : oc + 1'b1;
    wire [7:0] p00 = line[up * W + left],    p01 = line[up * W + oc],    p02 = line[up * W + right];
    wire [7:0] p10 = line[oslot * W + left], p11 = line[oslot * W + oc], p12 = line[oslot * W + right];
    wire [7:0] p20 = line[down * W + left],  p21 = line[down * W + oc],  p22 = line[down * W + right];
    always @* m_win = {p22, p21, p20, p12, p11, p10, p02, p01, p00};

    always @(posedge clk) begin
        if (rst) begin
            ic <= 0; islot <= 0;
            oc <= 0; orow <= 0; oslot <= 0;
            lead <= 0; rowlead <= 0;
        end else begin
            if (take) begin
                line[islot * W + ic] <= s_pix;
                ic <= in_eol ? 0 : ic + 1'b1;
                if (in_eol)
                    islot <= (islot == 2) ? 2'd0 : islot + 1'b1;
            end
            if (send) begin
                oc <= out_eol ? 0 : oc + 1'b1;
                if (out_eol) begin
                    orow <= (orow == H - 1) ? 0 : orow + 1'b1;
                    oslot <= (oslot == 2) ? 2'd0 : oslot + 1'b1;
                end
            end
            lead <= lead + take - send;
            rowlead <= rowlead + (take && in_eol) - (send && out_eol);
        end
    end
endmodule
