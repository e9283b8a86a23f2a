module plru4_tracker (
    input  wire       clk,
    input  wire       rst,
    input  wire       acc_valid,
    input  wire [2:0] acc_set,
    input  wire [1:0] acc_way,
    input  wire       inv_valid,
    input  wire [2:0] inv_set,
    input  wire [1:0] inv_way,
    input  wire       flush,
    input  wire [2:0] vic_set,
    input  wire [3:0] lock_mask,
    output reg  [1:0] vic_way,
    output reg        vic_none,
    output wire [3:0] valid_bits
);
    reg [3:0] v  [0:7];
    reg [2:0] t  [0:7];   // {B2, B1, B0}
    integer s;
    always @(posedge clk) begin
        if (rst || flush) begin
            for (s = 0; s < 8; s = s + 1) begin
                v[s] <= 4'd0;
                t[s] <= 3'd0;
            end
        end else begin
            if (inv_valid && !(acc_valid && acc_set == inv_set && acc_way == inv_way))
                v[inv_set][inv_way] <= 1'b0;
            if (acc_valid) begin
                v[acc_set][acc_way] <= 1'b1;
                if (acc_way[1] == 1'b0)
                    t[acc_set] <= {t[acc_set][2], ~acc_way[0], 1'b1};
                else
                    t[acc_set] <= {~acc_way[0], t[acc_set][1], 1'b0};
            end
        end
    end

    wire [3:0] vv = v[vic_set];
    wire [2:0] tt = t[vic_set];
    wire [3:0] u  = ~lock_mask;
    wire [3:0] cand = u & ~vv;
    assign valid_bits = vv;
    reg right;
    always @* begin
        vic_none = (lock_mask == 4'b1111);
        if (vic_none) begin
            vic_way = tt[0] ? {1'b1, tt[2]} : {1'b0, tt[1]};
        end else if (cand != 4'd0) begin
            vic_way = cand[0] ? 2'd0 : cand[1] ? 2'd1 : cand[2] ? 2'd2 : 2'd3;
        end else begin
            right = tt[0];
            if (right && u[3:2] == 2'b00) right = 1'b0;
            else if (!right && u[1:0] == 2'b00) right = 1'b1;
            if (right) vic_way = {1'b1, u[{1'b1, tt[2]}] ? tt[2] : ~tt[2]};
            else       vic_way = {1'b0, u[{1'b0, tt[1]}] ? tt[1] : ~tt[1]};
        end
    end
endmodule
