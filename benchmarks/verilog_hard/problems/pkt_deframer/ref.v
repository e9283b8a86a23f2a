module pkt_deframer (
    input  wire       clk,
    input  wire       rst,
    input  wire       s_valid,
    output wire       s_ready,
    input  wire [7:0] s_data,
    output wire       m_valid,
    input  wire       m_ready,
    output wire [7:0] m_data,
    output wire       m_last,
    output reg  [7:0] ok_count,
    output reg  [7:0] crc_errors,
    output reg  [7:0] len_errors
);
    localparam [1:0] HUNT = 2'd0, LEN = 2'd1, PAY = 2'd2, CRC = 2'd3;
    reg [8:0] mem [0:31];          // {last, byte}
    reg [5:0] wr, cm, rd;          // speculative write, committed end, read (one wrap bit)
    reg [1:0] st;
    reg [4:0] left;
    reg [7:0] crc;

    function [7:0] crc8(input [7:0] c, input [7:0] b);
        integer i;
        begin
            crc8 = c ^ b;
            for (i = 0; i < 8; i = i + 1)
                crc8 = crc8[7] ? {crc8[6:0], 1'b0} ^ 8'h07 : {crc8[6:0], 1'b0};
        end
    endfunction

    wire [5:0] used = wr - rd;
    assign s_ready = !used[5];             // room unless all 32 slots hold bytes
    assign m_valid = rd != cm;
    assign m_data  = mem[rd[4:0]][7:0];
    assign m_last  = mem[rd[4:0]][8];
    wire take = s_valid && s_ready;

    always @(posedge clk) begin
        if (rst) begin
            wr <= 0; cm <= 0; rd <= 0; st <= HUNT;
            ok_count <= 0; crc_errors <= 0; len_errors <= 0;
        end else begin
            if (m_valid && m_ready)
                rd <= rd + 1'b1;
            if (take) begin
                case (st)
                    HUNT: if (s_data == 8'hA5) st <= LEN;
                    LEN: begin
                        if (s_data == 0 || s_data > 16) begin
                            len_errors <= len_errors + 1'b1;
                            st <= HUNT;
                        end else begin
                            left <= s_data[4:0];
                            crc  <= crc8(8'h00, s_data);
                            st   <= PAY;
                        end
                    end
                    PAY: begin
                        mem[wr[4:0]] <= {left == 5'd1, s_data};
                        wr   <= wr + 1'b1;
                        crc  <= crc8(crc, s_data);
                        left <= left - 1'b1;
                        if (left == 5'd1) st <= CRC;
                    end
                    default: begin
                        if (s_data == crc) begin
                            cm <= wr;
                            ok_count <= ok_count + 1'b1;
                        end else begin
                            wr <= cm;
                            crc_errors <= crc_errors + 1'b1;
                        end
                        st <= HUNT;
                    end
                endcase
            end
        end
    end
endmodule
