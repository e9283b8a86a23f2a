module uart_tx #(
    parameter CLKS_PER_BIT = 4
) (
    input  wire       clk,
    input  wire       rst,
    input  wire       valid,
    input  wire [7:0] data,
    output reg        tx,
    output reg        busy
);
    localparam IDLE = 2'd0, START = 2'd1, DATA = 2'd2, STOP = 2'd3;
    reg [1:0] state;
    reg [8:0] cnt;
    reg [2:0] idx;
    reg [7:0] sh;
    always @(posedge clk) begin
        if (rst) begin
            state <= IDLE; cnt <= 0; idx <= 0; tx <= 1'b1; busy <= 1'b0;
        end else begin
            case (state)
                IDLE: if (valid) begin
                    sh <= data; state <= START; cnt <= 0; tx <= 1'b0; busy <= 1'b1;
                end
                START: if (cnt == CLKS_PER_BIT - 1) begin
                    cnt <= 0; idx <= 0; state <= DATA; tx <= sh[0];
                end else cnt <= cnt + 1'b1;
                DATA: if (cnt == CLKS_PER_BIT - 1) begin
                    cnt <= 0;
                    if (idx == 3'd7) begin
                        state <= STOP; tx <= 1'b1;
                    end else begin
                        idx <= idx + 1'b1; tx <= sh[idx + 1'b1];
                    end
                end else cnt <= cnt + 1'b1;
                STOP: if (cnt == CLKS_PER_BIT - 1) begin
                    cnt <= 0; state <= IDLE; busy <= 1'b0;
                end else cnt <= cnt + 1'b1;
            endcase
        end
    end
endmodule
