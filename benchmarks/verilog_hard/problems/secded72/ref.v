module secded_enc (
    input  wire [63:0] data_in,
    output reg  [71:0] code_out
);
    integer p, i, k;
    reg [71:0] c;
    always @* begin
        c = 72'd0;
        i = 0;
        for (p = 3; p < 72; p = p + 1) begin
            if ((p & (p - 1)) != 0) begin
                c[p] = data_in[i];
                i = i + 1;
            end
        end
        for (k = 0; k < 7; k = k + 1)
            for (p = 3; p < 72; p = p + 1)
                if (((p & (p - 1)) != 0) && ((p >> k) & 1))
                    c[1 << k] = c[1 << k] ^ c[p];
        c[0] = ^c[71:1];
        code_out = c;
    end
endmodule

module secded_dec (
    input  wire [71:0] code_in,
    output reg  [63:0] data_out,
    output wire [7:0]  syndrome,
    output reg         corrected,
    output reg         uncorrectable
);
    integer p, i;
    reg [6:0] s;
    reg [71:0] fixed;
    wire q = ^code_in;
    assign syndrome = {q, s};
    always @* begin
        s = 7'd0;
        for (p = 1; p < 72; p = p + 1)
            if (code_in[p]) s = s ^ p[6:0];
        fixed = code_in;
        corrected = 1'b0;
        uncorrectable = 1'b0;
        if (q) begin
            if (s < 7'd72) begin
                corrected = 1'b1;
                if (s != 7'd0) fixed[s] = ~code_in[s];
            end else begin
                uncorrectable = 1'b1;
            end
        end else if (s != 7'd0) begin
            uncorrectable = 1'b1;
        end
        i = 0;
        data_out = 64'd0;
        for (p = 3; p < 72; p = p + 1) begin
            if ((p & (p - 1)) != 0) begin
                data_out[i] = fixed[p];
                i = i + 1;
            end
        end
    end
endmodule
