// Reference: bit-serial DEFLATE decoder (stored and fixed-Huffman blocks) that takes an input
// byte only when it needs a bit of it, with a 4 KiB history and a one-byte output register.
module inflate_fixed (
    input  wire       clk,
    input  wire       rst,
    input  wire       in_valid,
    input  wire [7:0] in_data,
    output wire       in_ready,
    output reg        out_valid,
    output reg  [7:0] out_data,
    input  wire       out_ready,
    output wire       done,
    output wire       error
);
    localparam S_HDR = 4'd0, S_LEN = 4'd1, S_STORED = 4'd2, S_SYM = 4'd3, S_LIT = 4'd4, S_LEXT = 4'd5,
               S_DIST = 4'd6, S_DEXT = 4'd7, S_COPY = 4'd8, S_DONE = 4'd9, S_ERR = 4'd10;

    reg [3:0]  state;
    reg [7:0]  bbuf;
    reg [3:0]  bcnt;
    reg [31:0] acc;
    reg [5:0]  cnt;
    reg [8:0]  code;
    reg        final_blk, btype0;
    reg [15:0] len;
    reg [11:0] distance;   // 4096 is kept as 0: wp - 0 is the slot written 4096 bytes ago
    reg [7:0]  lit;
    reg [4:0]  nextra;
    reg [7:0]  win [0:4095];
    reg [11:0] wp;
    reg [12:0] have;

    wire slot = !out_valid || out_ready;
    wire bit_state = state == S_HDR || state == S_LEN || state == S_SYM || state == S_LEXT ||
                     state == S_DIST || state == S_DEXT;
    wire avail = (bcnt != 4'd0) || in_valid;
    wire cur = (bcnt != 4'd0) ? bbuf[0] : in_data[0];
    wire take = bit_state && avail;
    wire stored_take = state == S_STORED && slot && in_valid;
    assign in_ready = (bit_state && bcnt == 4'd0) || (state == S_STORED && slot);
    assign done = state == S_DONE && !out_valid;
    assign error = state == S_ERR && !out_valid;

    wire [8:0]  code_n = {code[7:0], cur};
    wire [11:0] rd_ptr = wp - distance;
    wire [31:0] acc_n = acc | ({31'd0, cur} << cnt);
    wire [15:0] dist_full = {4'd0, distance} + acc_n[15:0];   // distance with its extra bits

    function [15:0] len_base(input [4:0] i);
        case (i)
            5'd0: len_base = 3;    5'd1: len_base = 4;    5'd2: len_base = 5;    5'd3: len_base = 6;
            5'd4: len_base = 7;    5'd5: len_base = 8;    5'd6: len_base = 9;    5'd7: len_base = 10;
            5'd8: len_base = 11;   5'd9: len_base = 13;   5'd10: len_base = 15;  5'd11: len_base = 17;
            5'd12: len_base = 19;  5'd13: len_base = 23;  5'd14: len_base = 27;  5'd15: len_base = 31;
            5'd16: len_base = 35;  5'd17: len_base = 43;  5'd18: len_base = 51;  5'd19: len_base = 59;
            5'd20: len_base = 67;  5'd21: len_base = 83;  5'd22: len_base = 99;  5'd23: len_base = 115;
            5'd24: len_base = 131; 5'd25: len_base = 163; 5'd26: len_base = 195; 5'd27: len_base = 227;
            default: len_base = 258;
        endcase
    endfunction

    function [4:0] len_extra(input [4:0] i);
        len_extra = (i < 5'd8 || i == 5'd28) ? 5'd0 : (i - 5'd4) >> 2;
    endfunction

    function [4:0] dist_extra(input [4:0] i);
        dist_extra = (i < 5'd4) ? 5'd0 : (i >> 1) - 5'd1;
    endfunction

    function [15:0] dist_base(input [4:0] i);
        dist_base = (i < 5'd4) ? {11'd0, i} + 16'd1
                  : ((16'd2 + {15'd0, i[0]}) << ((i >> 1) - 5'd1)) + 16'd1;
    endfunction

    task length_symbol(input [4:0] idx);
        begin
            len <= len_base(idx);
            nextra <= len_extra(idx);
            acc <= 32'd0;
            cnt <= 6'd0;
            code <= 9'd0;
            state <= (len_extra(idx) == 5'd0) ? S_DIST : S_LEXT;
        end
    endtask

    task block_end;
        begin
            state <= final_blk ? S_DONE : S_HDR;
            cnt <= 6'd0;
        end
    endtask

    task emit(input [7:0] value);
        begin
            out_valid <= 1'b1;
            out_data <= value;
            win[wp] <= value;
            wp <= wp + 12'd1;
            if (have != 13'd4096)
                have <= have + 13'd1;
        end
    endtask

    always @(posedge clk) begin
        if (rst) begin
            state <= S_HDR;
            bcnt <= 4'd0;
            cnt <= 6'd0;
            out_valid <= 1'b0;
            wp <= 12'd0;
            have <= 13'd0;
        end else begin
            if (out_valid && out_ready)
                out_valid <= 1'b0;
            if (take) begin
                if (bcnt == 4'd0) begin
                    bbuf <= {1'b0, in_data[7:1]};
                    bcnt <= 4'd7;
                end else begin
                    bbuf <= {1'b0, bbuf[7:1]};
                    bcnt <= bcnt - 4'd1;
                end
            end
            case (state)
                S_HDR: if (take) begin
                    cnt <= cnt + 6'd1;
                    if (cnt == 6'd0)
                        final_blk <= cur;
                    if (cnt == 6'd1)
                        btype0 <= cur;
                    if (cnt == 6'd2) begin
                        acc <= 32'd0;
                        cnt <= 6'd0;
                        code <= 9'd0;
                        case ({cur, btype0})
                            2'b00: begin
                                state <= S_LEN;
                                bcnt <= 4'd0;     // skip to the byte boundary
                            end
                            2'b01: state <= S_SYM;
                            default: state <= S_ERR;
                        endcase
                    end
                end
                S_LEN: if (take) begin
                    acc <= acc_n;
                    cnt <= cnt + 6'd1;
                    if (cnt == 6'd31) begin
                        cnt <= 6'd0;
                        len <= acc_n[15:0];
                        if (acc_n[15:0] != ~acc_n[31:16])
                            state <= S_ERR;
                        else if (acc_n[15:0] == 16'd0)
                            block_end;
                        else
                            state <= S_STORED;
                    end
                end
                S_STORED: if (stored_take) begin
                    emit(in_data);
                    len <= len - 16'd1;
                    if (len == 16'd1)
                        block_end;
                end
                S_SYM: if (take) begin
                    code <= code_n;
                    cnt <= cnt + 6'd1;
                    if (cnt == 6'd6 && code_n <= 9'd23) begin
                        if (code_n == 9'd0)
                            block_end;
                        else
                            length_symbol(code_n[4:0] - 5'd1);
                    end else if (cnt == 6'd7 && code_n <= 9'd191) begin   // 48..191 (below 48: 7-bit codes)
                        lit <= code_n[7:0] - 8'd48;
                        state <= S_LIT;
                    end else if (cnt == 6'd7 && code_n <= 9'd197) begin
                        length_symbol(code_n[4:0] + 5'd23);
                    end else if (cnt == 6'd7 && code_n <= 9'd199) begin
                        state <= S_ERR;
                    end else if (cnt == 6'd8) begin
                        lit <= code_n[7:0];   // code = 400 + (x - 144), so x = code - 256
                        state <= S_LIT;
                    end
                end
                S_LIT: if (slot) begin
                    emit(lit);
                    code <= 9'd0;
                    cnt <= 6'd0;
                    state <= S_SYM;
                end
                S_LEXT: if (take) begin
                    acc <= acc_n;
                    cnt <= cnt + 6'd1;
                    if (cnt + 6'd1 == {1'b0, nextra}) begin
                        len <= len + acc_n[15:0];
                        cnt <= 6'd0;
                        code <= 9'd0;
                        state <= S_DIST;
                    end
                end
                S_DIST: if (take) begin
                    code <= code_n;
                    cnt <= cnt + 6'd1;
                    if (cnt == 6'd4) begin
                        cnt <= 6'd0;
                        acc <= 32'd0;
                        if (code_n[4:1] == 4'b1111) begin
                            state <= S_ERR;
                        end else begin
                            distance <= dist_base(code_n[4:0]);
                            nextra <= dist_extra(code_n[4:0]);
                            if (dist_extra(code_n[4:0]) == 5'd0)
                                state <= (dist_base(code_n[4:0]) > {3'd0, have}) ? S_ERR : S_COPY;
                            else
                                state <= S_DEXT;
                        end
                    end
                end
                S_DEXT: if (take) begin
                    acc <= acc_n;
                    cnt <= cnt + 6'd1;
                    if (cnt + 6'd1 == {1'b0, nextra}) begin
                        distance <= dist_full[11:0];
                        state <= (dist_full > {3'd0, have}) ? S_ERR : S_COPY;
                    end
                end
                S_COPY: if (slot) begin
                    emit(win[rd_ptr]);
                    len <= len - 16'd1;
                    if (len == 16'd1) begin
                        code <= 9'd0;
                        cnt <= 6'd0;
                        state <= S_SYM;
                    end
                end
                default: ;
            endcase
        end
    end
endmodule
