// Self-synchronising scrambler / descrambler, polynomial x^7 + x^4 + 1, 8 bits per cycle.
module scrambler8 (
    input  wire       clk,
    input  wire       rst,
    input  wire       in_valid,
    input  wire [7:0] in_data,
    output reg        out_valid,
    output reg  [7:0] out_data
);
    reg  [6:0]  st;          // st[k] = scrambled bit sent k+1 bit times ago
    // s[n] = d[n] ^ s[n-4] ^ s[n-7]; bits 4..7 use the scrambled bits of this byte
    wire s0 = in_data[0] ^ st[3] ^ st[6];
    wire s1 = in_data[1] ^ st[2] ^ st[5];
    wire s2 = in_data[2] ^ st[1] ^ st[4];
    wire s3 = in_data[3] ^ st[0] ^ st[3];
    wire s4 = in_data[4] ^ s0 ^ st[2];
    wire s5 = in_data[5] ^ s1 ^ st[1];
    wire s6 = in_data[6] ^ s2 ^ st[0];
    wire s7 = in_data[7] ^ s3 ^ s0;
    always @(posedge clk) begin
        if (rst) begin
            st <= 7'h7F;
            out_valid <= 1'b0;
            out_data <= 8'd0;
        end else begin
            out_valid <= in_valid;
            if (in_valid) begin
                out_data <= {s7, s6, s5, s4, s3, s2, s1, s0};
                st <= {s1, s2, s3, s4, s5, s6, s7};
            end
        end
    end
endmodule

module descrambler8 (
    input  wire       clk,
    input  wire       rst,
    input  wire       in_valid,
    input  wire [7:0] in_data,
    output reg        out_valid,
    output reg  [7:0] out_data
);
    reg  [6:0]  st;          // st[k] = received bit k+1 bit times ago
    // d[n] = r[n] ^ r[n-4] ^ r[n-7], bit by bit from this byte and the remembered bits
    wire [7:0]  d = in_data ^ {in_data[3:0], st[0], st[1], st[2], st[3]}
                            ^ {in_data[0], st[0], st[1], st[2], st[3], st[4], st[5], st[6]};
    always @(posedge clk) begin
        if (rst) begin
            st <= 7'h7F;
            out_valid <= 1'b0;
            out_data <= 8'd0;
        end else begin
            out_valid <= in_valid;
            if (in_valid) begin
                out_data <= d;
                st <= {in_data[1], in_data[2], in_data[3], in_data[4], in_data[5], in_data[6], in_data[7]};
            end
        end
    end
endmodule
