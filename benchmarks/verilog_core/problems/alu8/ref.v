module alu8 (
    input  wire [7:0] a,
    input  wire [7:0] b,
    input  wire [2:0] op,
    output reg  [7:0] y,
    output reg        carry,
    output wire       zero
);
    localparam OP_ADD = 3'd0;
    localparam OP_SUB = 3'd1;
    localparam OP_AND = 3'd2;
    localparam OP_OR  = 3'd3;
    localparam OP_XOR = 3'd4;
    localparam OP_SHL = 3'd5;
    localparam OP_SHR = 3'd6;

    always @* begin
        carry = 1'b0;
        case (op)
            OP_ADD: {carry, y} = {1'b0, a} + {1'b0, b};
            OP_SUB: {carry, y} = {1'b0, a} - {1'b0, b};
            OP_AND: y = a & b;
            OP_OR:  y = a | b;
            OP_XOR: y = a ^ b;
            OP_SHL: begin
                y     = a << 1;
                carry = a[7];
            end
            OP_SHR: begin
                y     = a >> 1;
                carry = a[0];
            end
            default: y = ($signed(a) < $signed(b)) ? 8'd1 : 8'd0;
        endcase
    end

    assign zero = (y == 8'd0);
endmodule
