module cdc_hs #(
    parameter integer W = 16
) (
    input  wire         a_clk,
    input  wire         a_rst,
    input  wire         a_valid,
    output wire         a_ready,
    input  wire [W-1:0] a_data,
    output reg          req,
    input  wire         b_clk,
    input  wire         b_rst,
    output wire         b_valid,
    input  wire         b_ready,
    output wire [W-1:0] b_data,
    output reg          ack
);
    reg [W-1:0] hold;
    reg         ack_s1, ack_s2, req_s1, req_s2;

    assign a_ready = !req && !ack_s2;
    assign b_valid = req_s2 && !ack;
    assign b_data  = hold;

    always @(posedge a_clk) begin
        if (a_rst) begin
            req    <= 1'b0;
            ack_s1 <= 1'b0;
            ack_s2 <= 1'b0;
        end else begin
            ack_s1 <= ack;
            ack_s2 <= ack_s1;
            if (a_valid && a_ready) begin
                req  <= 1'b1;
                hold <= a_data;
            end else if (req && ack_s2) begin
                req <= 1'b0;
            end
        end
    end

    always @(posedge b_clk) begin
        if (b_rst) begin
            ack    <= 1'b0;
            req_s1 <= 1'b0;
            req_s2 <= 1'b0;
        end else begin
            req_s1 <= req;
            req_s2 <= req_s1;
            if (b_valid && b_ready)
                ack <= 1'b1;
            else if (ack && !req_s2)
                ack <= 1'b0;
        end
    end
endmodule
