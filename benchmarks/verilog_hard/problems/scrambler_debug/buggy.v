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
    reg  [14:0] h;           // h[6:0] = history, h[7+i] = scrambled bit i of this byte
    integer i;
    always @* begin
        h = {8'd0, st[0], st[1], st[2], st[3], st[4], st[5], st[6]};  // h[6] newest
        for (i = 0; i < 8; i = i + 1)
            h[7 + i] = in_data[i] ^ h[7 + i - 4] ^ h[7 + i - 7];
    end
    always @(posedge clk) begin
        if (rst) begin
            st <= 7'h7F;
            out_valid <= 1'b0;
            out_data <= 8'd0;
        end else begin
            out_valid <= in_valid;
            if (in_valid) begin
                out_data <= h[14:7];
                st <= {h[7], h[8], h[9], h[10], h[11], h[12], h[13]};
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
    reg  [14:0] h;
    reg  [7:0]  d;
    integer i;
    always @* begin
        h = {in_data, st[0], st[1], st[2], st[3], st[4], st[5], st[6]};
        for (i = 0; i < 8; i = i + 1)
            d[i] = h[7 + i] ^ h[7 + i - 3] ^ h[7 + i - 7];
    end
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
