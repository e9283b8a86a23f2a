module pkt_framer (
    input  wire       clk,
    input  wire       rst,
    input  wire       s_valid,
    output reg        s_ready,
    input  wire [7:0] s_data,
    input  wire       s_last,
    output reg        m_valid,
    input  wire       m_ready,
    output reg  [7:0] m_data
);
    localparam [2:0] IDLE = 3'd0, DATA = 3'd1, ESC2 = 3'd2, CSUM = 3'd3, CSUM2 = 3'd4, EOFB = 3'd5;
    localparam [7:0] FLAG = 8'h7E, ESC = 8'h7D;

    reg [2:0] state;
    reg [7:0] sum;
    wire special = (s_data == FLAG) || (s_data == ESC);
    wire sum_special = (sum == FLAG) || (sum == ESC);

    always @* begin
        case (state)
            IDLE: begin
                m_valid = s_valid;
                m_data = FLAG;
                s_ready = 1'b0;
            end
            DATA: begin
                m_valid = s_valid;
                m_data = special ? ESC : s_data;
                s_ready = m_ready && !special;
            end
            ESC2: begin
                m_valid = 1'b1;
                m_data = s_data ^ 8'h20;
                s_ready = m_ready;
            end
            CSUM: begin
                m_valid = 1'b1;
                m_data = sum_special ? ESC : sum;
                s_ready = 1'b0;
            end
            CSUM2: begin
                m_valid = 1'b1;
                m_data = sum ^ 8'h20;
                s_ready = 1'b0;
            end
            default: begin  // EOFB
                m_valid = 1'b1;
                m_data = FLAG;
                s_ready = 1'b0;
            end
        endcase
    end

    always @(posedge clk) begin
        if (rst) begin
            state <= IDLE;
        end else if (m_valid && m_ready) begin
            case (state)
                IDLE: begin
                    state <= DATA;
                    sum <= 8'h00;
                end
                DATA: begin
                    if (special) begin
                        state <= ESC2;
                    end else begin
                        sum <= sum + s_data;
                        if (s_last) state <= CSUM;
                    end
                end
                ESC2: begin
                    sum <= sum + s_data;
                    state <= s_last ? CSUM : DATA;
                end
                CSUM: state <= sum_special ? CSUM2 : EOFB;
                CSUM2: state <= EOFB;
                default: state <= IDLE;  // EOFB
            endcase
        end
    end
endmodule
