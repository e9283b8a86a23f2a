module wrr_arbiter4 (
    input  wire        clk,
    input  wire        rst,
    input  wire [3:0]  req,
    input  wire [15:0] weight,
    output reg  [3:0]  grant
);
    reg [1:0] last;
    reg [3:0] used;
    reg [1:0] idx;
    reg [3:0] wl;
    reg       hold;
    integer k;
    always @* begin
        wl = weight[last*4 +: 4];
        if (wl == 4'd0) wl = 4'd1;
        hold = req[last] && (used != 4'd0) && (used < wl);
        grant = 4'b0000;
        if (hold) grant = 4'b0001 << last;
        else begin
            for (k = 3; k >= 0; k = k - 1) begin
                idx = last + 2'd1 + k[1:0];
                if (req[idx]) grant = 4'b0001 << idx;
            end
        end
    end
    always @(posedge clk) begin
        if (rst) begin
            last <= 2'd3;
            used <= 4'd0;
        end else if (grant == 4'b0000) begin
            used <= 4'd0;
        end else if (hold) begin
            used <= used + 4'd1;
        end else begin
            last <= grant[0] ? 2'd0 : grant[1] ? 2'd1 : grant[2] ? 2'd2 : 2'd3;
            used <= 4'd1;
        end
    end
endmodule
