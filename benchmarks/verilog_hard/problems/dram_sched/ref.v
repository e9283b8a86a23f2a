// Reference: saturating "cycles since" counters per bank and command kind; the command of the
// cycle is chosen combinationally from the held request, the pending refresh and the counters.
module dram_sched #(
    parameter T_RCD  = 3,
    parameter T_RP   = 3,
    parameter T_RAS  = 6,
    parameter T_RC   = 11,
    parameter T_RRD  = 5,
    parameter T_WR   = 3,
    parameter T_RTP  = 2,
    parameter T_RFC  = 10,
    parameter T_REFI = 200
) (
    input  wire        clk,
    input  wire        rst,
    input  wire        req_valid,
    output wire        req_ready,
    input  wire        req_we,
    input  wire [1:0]  req_bank,
    input  wire [12:0] req_row,
    input  wire [9:0]  req_col,
    output reg  [2:0]  cmd,
    output reg  [1:0]  cmd_bank,
    output reg  [12:0] cmd_row,
    output reg  [9:0]  cmd_col
);
    localparam NOP = 3'd0, ACT = 3'd1, RD = 3'd2, WR = 3'd3, PRE = 3'd4, REF = 3'd5;
    localparam [16:0] FAR = 17'h1FFFF;

    reg [16:0] s_act [0:3];
    reg [16:0] s_pre [0:3];
    reg [16:0] s_rd  [0:3];
    reg [16:0] s_wr  [0:3];
    reg [16:0] s_act_any, s_ref;
    reg [3:0]  is_open;
    reg [12:0] open_row [0:3];
    reg        held, h_we, pending;
    reg [1:0]  h_bank;
    reg [12:0] h_row;
    reg [9:0]  h_col;
    reg [15:0] rcnt;
    integer k;

    function act_ok(input [1:0] b);
        act_ok = !is_open[b] && s_pre[b] >= T_RP && s_act[b] >= T_RC && s_act_any >= T_RRD && s_ref >= T_RFC;
    endfunction

    function pre_ok(input [1:0] b);
        pre_ok = is_open[b] && s_act[b] >= T_RAS && s_rd[b] >= T_RTP && s_wr[b] >= T_WR;
    endfunction

    wire ref_ok = (is_open == 4'd0) && s_pre[0] >= T_RP && s_pre[1] >= T_RP && s_pre[2] >= T_RP &&
                  s_pre[3] >= T_RP;

    reg [1:0] pre_pick;
    reg       pre_any;
    always @* begin
        cmd = NOP;
        cmd_bank = h_bank;
        cmd_row = h_row;
        cmd_col = h_col;
        pre_any = 1'b0;
        pre_pick = 2'd0;
        for (k = 3; k >= 0; k = k - 1)
            if (pre_ok(k[1:0])) begin
                pre_any = 1'b1;
                pre_pick = k[1:0];
            end
        if (held) begin
            if (is_open[h_bank] && open_row[h_bank] == h_row) begin
                if (s_act[h_bank] >= T_RCD)
                    cmd = h_we ? WR : RD;
            end else if (is_open[h_bank]) begin
                if (pre_ok(h_bank))
                    cmd = PRE;
            end else if (act_ok(h_bank)) begin
                cmd = ACT;
            end
        end else if (pending) begin
            if (is_open != 4'd0) begin
                if (pre_any) begin
                    cmd = PRE;
                    cmd_bank = pre_pick;
                end
            end else if (ref_ok) begin
                cmd = REF;
            end
        end
    end

    assign req_ready = !rst && (!held || cmd == RD || cmd == WR) && !pending;

    function [16:0] older(input [16:0] v);
        older = (v == FAR) ? FAR : v + 17'd1;
    endfunction

    // per-bank "cycles since" timers (unrolled)
    always @(posedge clk) begin
        if (rst) begin
            s_act[0] <= FAR;
            s_pre[0] <= FAR;
            s_rd[0] <= FAR;
            s_wr[0] <= FAR;
            s_act[1] <= FAR;
            s_pre[1] <= FAR;
            s_rd[1] <= FAR;
            s_wr[1] <= FAR;
            s_act[2] <= FAR;
            s_pre[2] <= FAR;
            s_rd[2] <= FAR;
            s_wr[2] <= FAR;
            s_act[3] <= FAR;
            s_pre[3] <= FAR;
            s_rd[3] <= FAR;
            s_wr[3] <= FAR;
        end else begin
            s_act[0] <= (cmd == ACT && cmd_bank == 2'd0) ? 17'd1 : older(s_act[0]);
            s_pre[0] <= (cmd == PRE && cmd_bank == 2'd0) ? 17'd1 : older(s_pre[0]);
            s_rd[0] <= (cmd == RD && cmd_bank == 2'd0) ? 17'd1 : older(s_rd[0]);
            s_wr[0] <= (cmd == WR && cmd_bank == 2'd0) ? 17'd1 : older(s_wr[0]);
            s_act[1] <= (cmd == ACT && cmd_bank == 2'd1) ? 17'd1 : older(s_act[1]);
            s_pre[1] <= (cmd == PRE && cmd_bank == 2'd1) ? 17'd1 : older(s_pre[1]);
            s_rd[1] <= (cmd == RD && cmd_bank == 2'd1) ? 17'd1 : older(s_rd[1]);
            s_wr[1] <= (cmd == WR && cmd_bank == 2'd1) ? 17'd1 : older(s_wr[1]);
            s_act[2] <= (cmd == ACT && cmd_bank == 2'd2) ? 17'd1 : older(s_act[2]);
            s_pre[2] <= (cmd == PRE && cmd_bank == 2'd2) ? 17'd1 : older(s_pre[2]);
            s_rd[2] <= (cmd == RD && cmd_bank == 2'd2) ? 17'd1 : older(s_rd[2]);
            s_wr[2] <= (cmd == WR && cmd_bank == 2'd2) ? 17'd1 : older(s_wr[2]);
            s_act[3] <= (cmd == ACT && cmd_bank == 2'd3) ? 17'd1 : older(s_act[3]);
            s_pre[3] <= (cmd == PRE && cmd_bank == 2'd3) ? 17'd1 : older(s_pre[3]);
            s_rd[3] <= (cmd == RD && cmd_bank == 2'd3) ? 17'd1 : older(s_rd[3]);
            s_wr[3] <= (cmd == WR && cmd_bank == 2'd3) ? 17'd1 : older(s_wr[3]);
        end
    end

    always @(posedge clk) begin
        if (rst) begin
            s_act_any <= FAR;
            s_ref <= FAR;
            is_open <= 4'd0;
            held <= 1'b0;
            pending <= 1'b0;
            rcnt <= 16'd0;
        end else begin
            s_act_any <= (cmd == ACT) ? 17'd1 : older(s_act_any);
            s_ref <= (cmd == REF) ? 17'd1 : older(s_ref);
            if (cmd == ACT) begin
                is_open[cmd_bank] <= 1'b1;
                open_row[cmd_bank] <= cmd_row;
            end
            if (cmd == PRE)
                is_open[cmd_bank] <= 1'b0;
            if (cmd == RD || cmd == WR)
                held <= 1'b0;
            if (req_ready && req_valid) begin
                held <= 1'b1;
                h_we <= req_we;
                h_bank <= req_bank;
                h_row <= req_row;
                h_col <= req_col;
            end
            rcnt <= (rcnt == T_REFI - 1) ? 16'd0 : rcnt + 16'd1;
            if (rcnt == T_REFI - 1)
                pending <= 1'b1;
            else if (cmd == REF)
                pending <= 1'b0;
        end
    end
endmodule
