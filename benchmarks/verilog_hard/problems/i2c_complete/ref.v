module i2c_lite #(
    parameter integer DIV = 2   // clk cycles per quarter bit, 1..255
) (
    input  wire       clk,
    input  wire       rst,
    input  wire       start,
    input  wire [6:0] addr,
    input  wire       rw,
    input  wire [7:0] wdata,
    input  wire       sda_i,
    output reg        scl,
    output reg        sda_o,
    output wire       busy,
    output reg        done,
    output reg        ack_err,
    output reg  [7:0] rdata
);
    localparam [2:0] IDLE = 3'd0, START = 3'd1, ADDR = 3'd2, ACK1 = 3'd3,
                     DATA = 3'd4, ACK2 = 3'd5, STOP = 3'd6;

    reg [2:0] ph;
    reg [1:0] q;
    reg [2:0] bitn;
    reg [7:0] abyte;
    reg [7:0] shreg;
    reg       rw_r;
    reg       nack;
    reg [7:0] qcnt;

    wire qtick = (qcnt == DIV - 1);
    assign busy = (ph != IDLE);

    always @(posedge clk) begin
        if (rst || ph == IDLE) qcnt <= 8'd0;
        else qcnt <= qtick ? 8'd0 : qcnt + 8'd1;
    end

    // ---- output decode ----
    always @* begin
        scl = 1'b1;
        sda_o = 1'b1;
        case (ph)
            START: begin
                scl = (q != 2'd3);
                sda_o = (q == 2'd0);
            end
            ADDR: begin
                scl = (q == 2'd1 || q == 2'd2);
                sda_o = abyte[bitn];
            end
            ACK1: scl = (q == 2'd1 || q == 2'd2);
            DATA: begin
                scl = (q == 2'd1 || q == 2'd2);
                sda_o = rw_r ? 1'b1 : shreg[bitn];
            end
            ACK2: scl = (q == 2'd1 || q == 2'd2);
            STOP: begin
                scl = (q != 2'd0);
                sda_o = (q >= 2'd2);
            end
            default: ;
        endcase
    end

    // ---- phase machine ----
    always @(posedge clk) begin
        if (rst) begin
            ph <= IDLE;
            q <= 2'd0;
            bitn <= 3'd7;
            done <= 1'b0;
            ack_err <= 1'b0;
            rdata <= 8'h00;
        end else begin
            done <= 1'b0;
            if (ph == IDLE) begin
                if (start) begin
                    ph <= START;
                    q <= 2'd0;
                    bitn <= 3'd7;
                    abyte <= {addr, rw};
                    shreg <= wdata;
                    rw_r <= rw;
                    nack <= 1'b0;
                end
            end else if (qtick) begin
                q <= q + 2'd1;
                if (q == 2'd2) begin
                    if (ph == ACK1 || (ph == ACK2 && !rw_r)) nack <= nack | sda_i;
                    if (ph == DATA && rw_r) shreg[bitn] <= sda_i;
                end
                if (q == 2'd3) begin
                    case (ph)
                        START: ph <= ADDR;
                        ADDR: begin
                            if (bitn == 3'd0) ph <= ACK1;
                            bitn <= bitn - 3'd1;
                        end
                        ACK1: ph <= DATA;
                        DATA: begin
                            if (bitn == 3'd0) ph <= ACK2;
                            bitn <= bitn - 3'd1;
                        end
                        ACK2: ph <= STOP;
                        default: begin
                            ph <= IDLE;
                            done <= 1'b1;
                            ack_err <= nack;
                            if (rw_r) rdata <= shreg;
                        end
                    endcase
                end
            end
        end
    end
endmodule
