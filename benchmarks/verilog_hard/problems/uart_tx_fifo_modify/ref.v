module uart_tx_fifo #(
    parameter CLKS_PER_BIT = 4
) (
    input  wire       clk,
    input  wire       rst,
    input  wire       wr_en,
    input  wire [7:0] wr_data,
    input  wire       stop2,
    output wire       full,
    output reg  [3:0] level,
    output reg        tx,
    output reg        busy
);
    localparam IDLE = 2'd0, START = 2'd1, DATA = 2'd2, STOP = 2'd3;
    reg [1:0] state;
    reg [8:0] cnt;
    reg [2:0] idx;
    reg [7:0] sh;
    reg       two, second;
    reg [7:0] mem [0:7];
    reg [2:0] rp, wp;
    assign full = (level == 4'd8);
    wire push = wr_en && !full;
    wire pop  = (state == IDLE) && (level != 4'd0);
    always @(posedge clk) begin
        if (rst) begin
            rp <= 0; wp <= 0; level <= 0;
        end else begin
            if (push) begin
                mem[wp] <= wr_data;
                wp <= wp + 1'b1;
            end
            if (pop) rp <= rp + 1'b1;
            level <= level + push - pop;
        end
    end
    always @(posedge clk) begin
        if (rst) begin
            state <= IDLE; tx <= 1'b1; busy <= 1'b0;
        end else begin
            case (state)
                IDLE: if (pop) begin
                    sh <= mem[rp]; two <= stop2; state <= START; cnt <= 0; tx <= 1'b0; busy <= 1'b1;
                end
                START: if (cnt == CLKS_PER_BIT - 1) begin
                    cnt <= 0; idx <= 0; state <= DATA; tx <= sh[0];
                end else cnt <= cnt + 1'b1;
                DATA: if (cnt == CLKS_PER_BIT - 1) begin
                    cnt <= 0;
                    if (idx == 3'd7) begin
                        state <= STOP; tx <= 1'b1; second <= 1'b0;
                    end else begin
                        idx <= idx + 1'b1; tx <= sh[idx + 1'b1];
                    end
                end else cnt <= cnt + 1'b1;
                STOP: if (cnt == CLKS_PER_BIT - 1) begin
                    cnt <= 0;
                    if (two && !second) second <= 1'b1;
                    else begin
                        state <= IDLE; busy <= 1'b0;
                    end
                end else cnt <= cnt + 1'b1;
            endcase
        end
    end
endmodule
