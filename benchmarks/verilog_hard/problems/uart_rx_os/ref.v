module uart_rx #(
    parameter integer DBITS  = 8,
    parameter integer PARITY = 0
) (
    input  wire             clk,
    input  wire             rst,
    input  wire             tick16,
    input  wire             rx,
    output reg  [DBITS-1:0] data,
    output reg              valid,
    output reg              frame_err,
    output reg              parity_err
);
    localparam [2:0] IDLE = 3'd0, START = 3'd1, DATA = 3'd2, PAR = 3'd3, STOP = 3'd4;

    reg             rx_s1, rx_s2;
    reg [2:0]       state;
    reg [3:0]       tc;
    reg [3:0]       bc;
    reg             s7, s8;
    reg [DBITS-1:0] shreg;
    reg             perr;

    wire v = (s7 & s8) | (s7 & rx_s2) | (s8 & rx_s2);
    wire expected = (PARITY == 1) ? ~^shreg : ^shreg;

    always @(posedge clk) begin
        if (rst) begin
            rx_s1 <= 1'b1;
            rx_s2 <= 1'b1;
            state <= IDLE;
            data <= {DBITS{1'b0}};
            valid <= 1'b0;
            frame_err <= 1'b0;
            parity_err <= 1'b0;
        end else begin
            rx_s1 <= rx;
            rx_s2 <= rx_s1;
            valid <= 1'b0;
            if (tick16) begin
                if (state == IDLE) begin
                    if (!rx_s2) begin
                        state <= START;
                        tc <= 4'd0;
                    end
                end else begin
                    tc <= tc + 4'd1;
                    if (tc == 4'd7) s7 <= rx_s2;
                    if (tc == 4'd8) s8 <= rx_s2;
                    case (state)
                        START: begin
                            if (tc == 4'd9 && v) state <= IDLE;
                            if (tc == 4'd15) begin
                                state <= DATA;
                                bc <= 4'd0;
                            end
                        end
                        DATA: begin
                            if (tc == 4'd9) shreg[bc] <= v;
                            if (tc == 4'd15) begin
                                if (bc == DBITS - 1) state <= (PARITY != 0) ? PAR : STOP;
                                bc <= bc + 4'd1;
                            end
                        end
                        PAR: begin
                            if (tc == 4'd9) perr <= (v != expected);
                            if (tc == 4'd15) state <= STOP;
                        end
                        default: begin
                            if (tc == 4'd9) begin
                                data <= shreg;
                                frame_err <= !v;
                                parity_err <= (PARITY != 0) && perr;
                                valid <= 1'b1;
                                state <= IDLE;
                            end
                        end
                    endcase
                end
            end
        end
    end
endmodule
