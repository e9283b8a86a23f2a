module bitonic_sort8 #(
    parameter W = 8
) (
    input  wire           clk,
    input  wire           rst,
    input  wire           in_valid,
    input  wire           in_desc,
    input  wire [8*W-1:0] in_data,
    output wire           out_valid,
    output wire [8*W-1:0] out_data,
    output wire [23:0]    out_idx
);
    localparam E = W + 3;           // element: {sort key, original index}
    reg [8*E-1:0] stage [0:6];      // stage[0] combinational, stage[1..6] registers
    reg [6:0]     vld;
    reg [6:0]     dsc;
    reg [8*E-1:0] nxt [1:6];

    integer i;
    always @* begin
        for (i = 0; i < 8; i = i + 1)
            stage[0][i*E +: E] = {in_desc ? ~in_data[i*W +: W] : in_data[i*W +: W], i[2:0]};
    end

    // layer s: block size k, distance j
    function [8*E-1:0] layer;
        input [8*E-1:0] v;
        input integer k;
        input integer j;
        integer a, l;
        reg [E-1:0] x, y;
        reg up;
        begin
            layer = v;
            for (a = 0; a < 8; a = a + 1) begin
                l = a ^ j;
                if (l > a) begin
                    x = v[a*E +: E];
                    y = v[l*E +: E];
                    up = ((a & k) == 0);
                    if ((x > y) == up) begin
                        layer[a*E +: E] = y;
                        layer[l*E +: E] = x;
                    end
                end
            end
        end
    endfunction

    always @* begin
        nxt[1] = layer(stage[0], 2, 1);
        nxt[2] = layer(stage[1], 4, 2);
        nxt[3] = layer(stage[2], 4, 1);
        nxt[4] = layer(stage[3], 8, 4);
        nxt[5] = layer(stage[4], 8, 2);
        nxt[6] = layer(stage[5], 8, 1);
    end

    integer s;
    always @(posedge clk) begin
        for (s = 1; s <= 6; s = s + 1) stage[s] <= nxt[s];
        dsc <= {dsc[5:0], in_desc};
        if (rst) vld <= 7'd0;
        else     vld <= {vld[5:0], in_valid};
    end

    assign out_valid = vld[5];
    genvar g;
    generate
        for (g = 0; g < 8; g = g + 1) begin : g_out
            assign out_data[g*W +: W] = dsc[5] ? ~stage[6][g*E + 3 +: W] : stage[6][g*E + 3 +: W];
            assign out_idx[g*3 +: 3]  = stage[6][g*E +: 3];
        end
    endgenerate
endmodule
