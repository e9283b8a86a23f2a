module wc_up (
    input  wire        clk,
    input  wire        rst,
    input  wire        s_valid,
    output wire        s_ready,
    input  wire [7:0]  s_data,
    input  wire        s_last,
    output reg         m_valid,
    input  wire        m_ready,
    output reg  [31:0] m_data,
    output reg  [3:0]  m_keep,
    output reg         m_last
);
    reg [23:0] acc;
    reg [1:0]  n;
    reg [31:0] word;
    assign s_ready = !(m_valid && !m_ready);
    wire take = s_valid && s_ready;

    always @* begin
        word = {8'h00, acc};
        word[n*8 +: 8] = s_data;
    end

    always @(posedge clk) begin
        if (rst) begin
            m_valid <= 1'b0;
            n       <= 2'd0;
            acc     <= 24'h0;
        end else begin
            if (m_valid && m_ready)
                m_valid <= 1'b0;
            if (take) begin
                if (n == 2'd3 || s_last) begin
                    m_valid <= 1'b1;
                    m_data  <= word;
                    m_keep  <= (4'b0010 << n) - 1'b1;
                    m_last  <= s_last;
                    n       <= 2'd0;
                    acc     <= 24'h0;
                end else begin
                    acc <= word[23:0];
                    n   <= n + 1'b1;
                end
            end
        end
    end
endmodule

module wc_down (
    input  wire        clk,
    input  wire        rst,
    input  wire        s_valid,
    output wire        s_ready,
    input  wire [31:0] s_data,
    input  wire [3:0]  s_keep,
    input  wire        s_last,
    output wire        m_valid,
    input  wire        m_ready,
    output wire [7:0]  m_data,
    output wire        m_last
);
    reg [31:0] d;
    reg [3:0]  rem;
    reg        l;
    wire [1:0] idx = rem[0] ? 2'd0 : rem[1] ? 2'd1 : rem[2] ? 2'd2 : 2'd3;
    wire       one = (rem & (rem - 1'b1)) == 4'b0000;
    assign m_valid = rem != 4'b0000;
    assign m_data  = d[idx*8 +: 8];
    assign m_last  = l && one;
    assign s_ready = !m_valid || (one && m_ready);

    always @(posedge clk) begin
        if (rst) begin
            rem <= 4'b0000;
        end else begin
            if (m_valid && m_ready)
                rem <= rem & (rem - 1'b1);
            if (s_valid && s_ready) begin
                d   <= s_data;
                rem <= s_keep;
                l   <= s_last;
            end
        end
    end
endmodule
