module cordic_sincos (
    input  wire               clk,
    input  wire               rst,
    input  wire               start,
    input  wire signed [15:0] angle,
    output wire               busy,
    output reg                done,
    output reg  signed [17:0] cos_out,
    output reg  signed [17:0] sin_out
);
    localparam signed [17:0] KC = 18'sd19898;

    reg               run;
    reg        [3:0]  i;
    reg signed [17:0] x, y;
    reg signed [15:0] z;

    reg [15:0] atan_i;
    always @* begin
        case (i)
            4'd0: atan_i = 16'd8192;
            4'd1: atan_i = 16'd4836;
            4'd2: atan_i = 16'd2555;
            4'd3: atan_i = 16'd1297;
            4'd4: atan_i = 16'd651;
            4'd5: atan_i = 16'd326;
            4'd6: atan_i = 16'd163;
            4'd7: atan_i = 16'd81;
            4'd8: atan_i = 16'd41;
            4'd9: atan_i = 16'd20;
            4'd10: atan_i = 16'd10;
            4'd11: atan_i = 16'd5;
            4'd12: atan_i = 16'd3;
            default: atan_i = 16'd1;
        endcase
    end

    wire signed [17:0] ys = y >>> i;
    wire signed [17:0] xs = x >>> i;
    wire               pos = !z[15];
    wire signed [17:0] xn = pos ? x - ys : x + ys;
    wire signed [17:0] yn = pos ? y + xs : y - xs;
    wire signed [15:0] zn = pos ? z - atan_i : z + atan_i;

    always @(posedge clk) begin
        if (rst) begin
            run <= 1'b0;
            done <= 1'b0;
            cos_out <= 18'sd0;
            sin_out <= 18'sd0;
        end else begin
            done <= 1'b0;
            if (!run) begin
                if (start) begin
                    run <= 1'b1;
                    i <= 4'd0;
                    case (angle[15:14])
                        2'b01: begin x <= 18'sd0; y <= KC; z <= angle - 16'h4000; end
                        2'b10: begin x <= 18'sd0; y <= -KC; z <= angle + 16'h4000; end
                        default: begin x <= KC; y <= 18'sd0; z <= angle; end
                    endcase
                end
            end else begin
                x <= xn;
                y <= yn;
                z <= zn;
                i <= i + 4'd1;
                if (i == 4'd13) begin
                    run <= 1'b0;
                    done <= 1'b1;
                    cos_out <= xn;
                    sin_out <= yn;
                end
            end
        end
    end

    assign busy = run;
endmodule
