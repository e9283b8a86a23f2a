module token_bucket (
    input  wire       clk,
    input  wire       rst,
    input  wire [7:0] cfg_interval,
    input  wire [3:0] cfg_amount,
    input  wire [7:0] cfg_burst,
    input  wire       in_valid,
    input  wire [7:0] in_data,
    output wire       in_ready,
    output wire       out_valid,
    output wire [7:0] out_data,
    input  wire       out_ready,
    output wire [7:0] tokens
);
    reg  [7:0] t, c;
    wire       have = (t != 8'd0);
    assign out_valid = in_valid & have;
    assign in_ready  = out_ready & have;
    assign out_data  = in_data;
    assign tokens    = t;
    wire       consume = in_valid & out_ready & have;
    wire [8:0] ival    = (cfg_interval == 8'd0) ? 9'd1 : {1'b0, cfg_interval};
    wire       refill  = ({1'b0, c} + 9'd1) >= ival;
    wire [9:0] sum     = {2'b00, t} - {9'd0, consume} + (refill ? {6'd0, cfg_amount} : 10'd0);
    always @(posedge clk) begin
        if (rst) begin
            t <= cfg_burst;
            c <= 8'd0;
        end else begin
            c <= refill ? 8'd0 : c + 8'd1;
            t <= (sum > {2'b00, cfg_burst}) ? cfg_burst : sum[7:0];
        end
    end
endmodule
