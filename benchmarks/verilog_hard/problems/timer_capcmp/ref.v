module timer16 (
    input  wire        clk,
    input  wire        rst,
    input  wire        en,
    input  wire        load,
    input  wire [15:0] load_val,
    output reg  [15:0] count,
    output reg         ovf,
    input  wire [3:0]  psc,
    input  wire [15:0] cmp_val,
    output reg         cmp_match,
    input  wire        cap_in,
    input  wire        cap_clr,
    output reg  [15:0] cap_val,
    output reg         cap_flag
);
    reg [3:0] pcnt;
    reg       cap_prev;
    wire tick = en && !load && (pcnt >= psc);
    wire [15:0] next = count + 16'h0001;
    wire cap_ev = cap_in && !cap_prev;

    always @(posedge clk) begin
        if (rst) begin
            count <= 16'h0000;
            ovf <= 1'b0;
            pcnt <= 4'd0;
            cmp_match <= 1'b0;
            cap_prev <= 1'b0;
            cap_val <= 16'h0000;
            cap_flag <= 1'b0;
        end else begin
            ovf <= 1'b0;
            if (load) begin
                count <= load_val;
                pcnt <= 4'd0;
            end else if (en) begin
                if (pcnt >= psc) begin
                    pcnt <= 4'd0;
                    count <= next;
                    if (count == 16'hFFFF) ovf <= 1'b1;
                end else begin
                    pcnt <= pcnt + 4'd1;
                end
            end
            cmp_match <= tick && (next == cmp_val);
            cap_prev <= cap_in;
            if (cap_ev) cap_val <= count;
            cap_flag <= (cap_flag && !cap_clr) || cap_ev;
        end
    end
endmodule
