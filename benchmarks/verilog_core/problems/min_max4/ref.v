module min_max4 (
    input  wire [7:0] a0,
    input  wire [7:0] a1,
    input  wire [7:0] a2,
    input  wire [7:0] a3,
    output reg  [7:0] min_val,
    output reg  [7:0] max_val,
    output reg  [1:0] max_idx
);
    always @* begin
        min_val = a0;
        if (a1 < min_val) min_val = a1;
        if (a2 < min_val) min_val = a2;
        if (a3 < min_val) min_val = a3;

        max_val = a0;
        max_idx = 2'd0;
        if (a1 > max_val) begin
            max_val = a1;
            max_idx = 2'd1;
        end
        if (a2 > max_val) begin
            max_val = a2;
            max_idx = 2'd2;
        end
        if (a3 > max_val) begin
            max_val = a3;
            max_idx = 2'd3;
        end
    end
endmodule
