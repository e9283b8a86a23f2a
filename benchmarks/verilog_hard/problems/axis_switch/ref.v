module axis_switch #(
    parameter integer N     = 3,
    parameter integer M     = 2,
    parameter integer DW    = 8,
    parameter integer DESTW = 1,
    parameter integer SRCW  = 2
) (
    input  wire              clk,
    input  wire              rst,
    input  wire [N-1:0]      s_valid,
    output reg  [N-1:0]      s_ready,
    input  wire [N*DW-1:0]   s_data,
    input  wire [N-1:0]      s_last,
    input  wire [N*DESTW-1:0] s_dest,
    output reg  [M-1:0]      m_valid,
    input  wire [M-1:0]      m_ready,
    output reg  [M*DW-1:0]   m_data,
    output reg  [M-1:0]      m_last,
    output reg  [M*SRCW-1:0] m_src
);
    reg [M-1:0]    lock;
    reg [SRCW-1:0] owner [0:M-1];
    reg [SRCW-1:0] prev  [0:M-1];     // most recent source granted by each output

    reg [M-1:0]    gv;                // output j has a grant this cycle
    reg [SRCW-1:0] gsrc [0:M-1];
    integer i, j, k, idx;

    always @* begin
        s_ready = {N{1'b0}};
        for (j = 0; j < M; j = j + 1) begin
            gv[j] = lock[j];
            gsrc[j] = lock[j] ? owner[j] : {SRCW{1'b0}};
            if (!lock[j]) begin
                for (k = N; k >= 1; k = k - 1) begin
                    idx = (prev[j] + k) % N;
                    if (s_valid[idx] && s_dest[idx*DESTW +: DESTW] == j) begin
                        gv[j] = 1'b1;
                        gsrc[j] = idx;
                    end
                end
            end
            m_valid[j] = gv[j] && s_valid[gsrc[j]];
            m_data[j*DW +: DW] = s_data[gsrc[j]*DW +: DW];
            m_last[j] = s_last[gsrc[j]];
            m_src[j*SRCW +: SRCW] = gsrc[j];
            s_ready = s_ready | ({{(N-1){1'b0}}, gv[j] && m_ready[j]} << gsrc[j]);
        end
    end

    always @(posedge clk) begin
        if (rst) begin
            lock <= {M{1'b0}};
            for (i = 0; i < M; i = i + 1)
                prev[i] <= N - 1;
        end else begin
            for (i = 0; i < M; i = i + 1) begin
                if (gv[i] && !lock[i])
                    prev[i] <= gsrc[i];
                if (m_valid[i]) begin
                    lock[i]  <= !(m_ready[i] && m_last[i]);
                    owner[i] <= gsrc[i];
                end
            end
        end
    end
endmodule
