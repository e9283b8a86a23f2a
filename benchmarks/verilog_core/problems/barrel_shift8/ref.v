module barrel_shift8 (
    input  wire [7:0] din,
    input  wire [2:0] amt,
    input  wire [1:0] mode,
    output reg  [7:0] dout
);
    always @* begin
        case (mode)
            2'b00:   dout = din << amt;
            2'b01:   dout = din >> amt;
            2'b10:   dout = (din << amt) | (din >> (4'd8 - {1'b0, amt}));
            default: dout = (din >> amt) | (din << (4'd8 - {1'b0, amt}));
        endcase
    end
endmodule
