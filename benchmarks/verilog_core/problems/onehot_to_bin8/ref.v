module onehot_to_bin8 (
    input  wire [7:0] onehot,
    output reg  [2:0] bin,
    output reg        err
);
    always @* begin
        err = 1'b0;
        case (onehot)
            8'b0000_0001: bin = 3'd0;
            8'b0000_0010: bin = 3'd1;
            8'b0000_0100: bin = 3'd2;
            8'b0000_1000: bin = 3'd3;
            8'b0001_0000: bin = 3'd4;
            8'b0010_0000: bin = 3'd5;
            8'b0100_0000: bin = 3'd6;
            8'b1000_0000: bin = 3'd7;
            default: begin
                bin = 3'd0;
                err = 1'b1;
            end
        endcase
    end
endmodule
