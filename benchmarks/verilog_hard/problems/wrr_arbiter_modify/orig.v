module rr_arbiter4 (
    input  wire       clk,
    input  wire       rst,
    input  wire [3:0] req,
    output reg  [3:0] grant
);
    reg [1:0] last;            // index of the most recent grant
    reg [1:0] idx;
    integer k;
    always @* begin
        grant = 4'b0000;
        for (k = 3; k >= 0; k = k - 1) begin
            idx = last + 2'd1 + k[1:0];
            if (req[idx]) grant = 4'b0001 << idx;
        end
    end
    always @(posedge clk) begin
        if (rst) last <= 2'd3;
        else if (grant != 4'b0000)
            last <= grant[0] ? 2'd0 : grant[1] ? 2'd1 : grant[2] ? 2'd2 : 2'd3;
    end
endmodule
