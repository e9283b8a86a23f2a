// Reference: bit-serial DEFLATE decoder (stored, fixed and dynamic Huffman blocks) that takes an
// input byte only when it needs a bit of it. Huffman codes are decoded one bit per cycle from
// per-length counts and a length-sorted symbol table (the canonical-code walk), built in three
// passes over the code lengths (count, offsets with the completeness check, placement). Fixed
// blocks load the fixed lengths and build through the same path. 32 KiB history.
module inflate_full (
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
    localparam S_HDR = 5'd0, S_LEN = 5'd1, S_STORED = 5'd2, S_FIXLD = 5'd3, S_DHDR = 5'd4, S_CLL = 5'd5,
               S_B1 = 5'd6, S_B2 = 5'd7, S_B3 = 5'd8, S_CLSYM = 5'd9, S_CLREP = 5'd10, S_FILL = 5'd11,
               S_CHK = 5'd12, S_SYM = 5'd13, S_LIT = 5'd14, S_LEXT = 5'd15, S_DSYM = 5'd16, S_DEXT = 5'd17,
               S_COPY = 5'd18, S_DONE = 5'd19, S_ERR = 5'd20;
    localparam T_CL = 2'd0, T_LIT = 2'd1, T_DST = 2'd2;

    reg [4:0]  state;
    reg [7:0]  bbuf;
    reg [3:0]  bcnt;
    reg [31:0] acc;
    reg [5:0]  cnt;
    reg [5:0]  nbits;
    reg        final_blk;
    reg [15:0] len;
    reg [14:0] distance;   // 32768 is kept as 0: wp - 0 is the slot written 32768 bytes ago
    reg [7:0]  lit;
    reg [7:0]  win [0:32767];
    reg [14:0] wp;
    reg [15:0] have;

    // code lengths: literal/length 0..287 at 0..287, distance 0..31 at 288..319
    reg [3:0]  lens [0:319];
    reg [2:0]  cllen [0:18];
    reg [8:0]  nlit;
    reg [5:0]  ndist;
    reg [3:0]  hclen;
    reg [8:0]  idx;        // position in the code-length sequence / build pass
    reg [3:0]  prev;
    reg [1:0]  rep_kind;   // 0: 16, 1: 17, 2: 18

    // tables: per-length counts and the symbols sorted by (length, symbol)
    reg [8:0]  ccount [1:15];
    reg [8:0]  lcount [1:15];
    reg [8:0]  dcount [1:15];
    reg [4:0]  csym [0:18];
    reg [8:0]  lsym [0:287];
    reg [4:0]  dsym [0:31];
    reg        lit_inc, dst_inc;

    // table builder
    reg [1:0]  bsel;
    reg [8:0]  bc [0:15];
    reg [8:0]  offs [1:15];
    reg signed [17:0] left;
    reg        over;
    reg [8:0]  total;
    reg [3:0]  bn;

    // decoder walk
    reg [15:0] dcode, dfirst;
    reg [8:0]  dindex;
    reg [3:0]  dlen;

    integer k;

    wire slot = !out_valid || out_ready;
    wire bit_state = state == S_HDR || state == S_LEN || state == S_DHDR || state == S_CLL || state == S_CLSYM ||
                     state == S_CLREP || state == S_SYM || state == S_LEXT || state == S_DSYM || state == S_DEXT;
    wire avail = (bcnt != 4'd0) || in_valid;
    wire cur = (bcnt != 4'd0) ? bbuf[0] : in_data[0];
    wire take = bit_state && avail;
    wire stored_take = state == S_STORED && slot && in_valid;
    assign in_ready = (bit_state && bcnt == 4'd0) || (state == S_STORED && slot);
    assign done = state == S_DONE && !out_valid;
    assign error = state == S_ERR && !out_valid;

    wire [31:0] acc_n = acc | ({31'd0, cur} << cnt);
    wire        field_end = cnt + 6'd1 == nbits;
    wire [14:0] rd_ptr = wp - distance;
    wire [16:0] dist_full = {1'b0, distance} + acc_n[15:0];   // distance (base, 32768 as 0) + extra

    // ---------------------------------------------------------------- canonical decode step
    wire [15:0] code_n = dcode | {15'd0, cur};
    reg  [8:0]  cnt_sel;
    reg  [8:0]  sym_sel;
    reg         inc_sel;
    wire [15:0] rank = code_n - dfirst;
    wire [8:0]  sidx = dindex + rank[8:0];
    always @* begin
        case (state)
            S_CLSYM: begin cnt_sel = ccount[dlen]; sym_sel = {4'd0, csym[sidx]}; inc_sel = 1'b0; end
            S_SYM:   begin cnt_sel = lcount[dlen]; sym_sel = lsym[sidx]; inc_sel = lit_inc; end
            default: begin cnt_sel = dcount[dlen]; sym_sel = {4'd0, dsym[sidx[4:0]]}; inc_sel = dst_inc; end
        endcase
    end
    wire hit = code_n < dfirst + {7'd0, cnt_sel};
    wire bad = !hit && dlen == 4'd1 && inc_sel;

    // ---------------------------------------------------------------- length source of the builder
    reg [3:0] blen;
    reg [8:0] bnum;
    always @* begin
        case (bsel)
            T_CL:    begin blen = {1'b0, cllen[idx[4:0]]}; bnum = 9'd19; end
            T_LIT:   begin blen = lens[idx]; bnum = nlit; end
            default: begin blen = lens[{1'b0, idx} + 10'd288]; bnum = {3'd0, ndist}; end
        endcase
    end
    wire signed [17:0] left_n = (left <<< 1) - $signed({9'd0, bc[bn]});
    wire [8:0] total_n = total + bc[bn];

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

    function [5:0] len_extra(input [4:0] i);
        len_extra = (i < 5'd8 || i == 5'd28) ? 6'd0 : {1'b0, (i - 5'd4) >> 2};
    endfunction

    function [5:0] dist_extra(input [4:0] i);
        dist_extra = (i < 5'd4) ? 6'd0 : {1'b0, (i >> 1) - 5'd1};
    endfunction

    function [15:0] dist_base(input [4:0] i);
        dist_base = (i < 5'd4) ? {11'd0, i} + 16'd1
                  : ((16'd2 + {15'd0, i[0]}) << ((i >> 1) - 5'd1)) + 16'd1;
    endfunction

    function [4:0] cl_order(input [4:0] i);
        case (i)
            5'd0: cl_order = 16;  5'd1: cl_order = 17;  5'd2: cl_order = 18;  5'd3: cl_order = 0;
            5'd4: cl_order = 8;   5'd5: cl_order = 7;   5'd6: cl_order = 9;   5'd7: cl_order = 6;
            5'd8: cl_order = 10;  5'd9: cl_order = 5;   5'd10: cl_order = 11; 5'd11: cl_order = 4;
            5'd12: cl_order = 12; 5'd13: cl_order = 3;  5'd14: cl_order = 13; 5'd15: cl_order = 2;
            5'd16: cl_order = 14; 5'd17: cl_order = 1;  default: cl_order = 15;
        endcase
    endfunction

    function [3:0] fixed_len(input [8:0] i);
        fixed_len = (i < 9'd144) ? 4'd8 : (i < 9'd256) ? 4'd9 : (i < 9'd280) ? 4'd7 : (i < 9'd288) ? 4'd8 : 4'd5;
    endfunction

    task field(input [4:0] next, input [5:0] n);
        begin
            state <= next;
            acc <= 32'd0;
            cnt <= 6'd0;
            nbits <= n;
        end
    endtask

    task walk(input [4:0] next);
        begin
            state <= next;
            dcode <= 16'd0;
            dfirst <= 16'd0;
            dindex <= 9'd0;
            dlen <= 4'd1;
        end
    endtask

    task build(input [1:0] sel);
        begin
            bsel <= sel;
            idx <= 9'd0;
            state <= S_B1;
            for (k = 0; k < 16; k = k + 1)
                bc[k] <= 9'd0;
        end
    endtask

    task block_end;
        begin
            if (final_blk)
                state <= S_DONE;
            else
                field(S_HDR, 6'd3);
        end
    endtask

    task emit(input [7:0] value);
        begin
            out_valid <= 1'b1;
            out_data <= value;
            win[wp] <= value;
            wp <= wp + 15'd1;
            if (have != 16'd32768)
                have <= have + 16'd1;
        end
    endtask

    task put_len(input [3:0] value);
        begin
            if (idx < nlit)
                lens[idx] <= value;
            else
                lens[{1'b0, idx} - {1'b0, nlit} + 10'd288] <= value;
            prev <= value;
            idx <= idx + 9'd1;
        end
    endtask

    always @(posedge clk) begin
        if (rst) begin
            field(S_HDR, 6'd3);
            bcnt <= 4'd0;
            out_valid <= 1'b0;
            wp <= 15'd0;
            have <= 16'd0;
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
            if (take && (state == S_HDR || state == S_LEN || state == S_DHDR || state == S_CLL ||
                         state == S_CLREP || state == S_LEXT || state == S_DEXT)) begin
                acc <= acc_n;
                cnt <= cnt + 6'd1;
            end
            if (take && (state == S_CLSYM || state == S_SYM || state == S_DSYM) && !hit) begin
                dcode <= code_n << 1;
                dfirst <= (dfirst + {7'd0, cnt_sel}) << 1;
                dindex <= dindex + cnt_sel;
                dlen <= dlen + 4'd1;
            end
            case (state)
                S_HDR: if (take && field_end) begin
                    final_blk <= acc_n[0];
                    case (acc_n[2:1])
                        2'b00: begin
                            field(S_LEN, 6'd32);
                            bcnt <= 4'd0;     // skip to the byte boundary
                        end
                        2'b01: begin
                            state <= S_FIXLD;
                            idx <= 9'd0;
                            nlit <= 9'd288;
                            ndist <= 6'd32;
                        end
                        2'b10: field(S_DHDR, 6'd14);
                        default: state <= S_ERR;
                    endcase
                end
                S_LEN: if (take && field_end) begin
                    len <= acc_n[15:0];
                    if (acc_n[15:0] != ~acc_n[31:16])
                        state <= S_ERR;
                    else if (acc_n[15:0] == 16'd0)
                        block_end;
                    else
                        state <= S_STORED;
                end
                S_STORED: if (stored_take) begin
                    emit(in_data);
                    len <= len - 16'd1;
                    if (len == 16'd1)
                        block_end;
                end
                S_FIXLD: begin
                    lens[idx] <= fixed_len(idx);
                    idx <= idx + 9'd1;
                    if (idx == 9'd319)
                        build(T_LIT);
                end
                S_DHDR: if (take && field_end) begin
                    nlit <= {4'd0, acc_n[4:0]} + 9'd257;
                    ndist <= {1'b0, acc_n[9:5]} + 6'd1;
                    hclen <= acc_n[13:10];
                    if (acc_n[4:0] > 5'd29 || acc_n[9:5] > 5'd29) begin
                        state <= S_ERR;
                    end else begin
                        for (k = 0; k < 19; k = k + 1)
                            cllen[k] <= 3'd0;
                        idx <= 9'd0;
                        field(S_CLL, 6'd3);
                    end
                end
                S_CLL: if (take && field_end) begin
                    cllen[cl_order(idx[4:0])] <= acc_n[2:0];
                    idx <= idx + 9'd1;
                    cnt <= 6'd0;
                    acc <= 32'd0;
                    if (idx[4:0] == {1'b0, hclen} + 5'd3)
                        build(T_CL);
                end
                S_B1: begin
                    if (idx == bnum) begin
                        state <= S_B2;
                        bn <= 4'd1;
                        left <= 18'sd1;
                        over <= 1'b0;
                        total <= 9'd0;
                        offs[1] <= 9'd0;
                    end else begin
                        bc[blen] <= bc[blen] + 9'd1;
                        idx <= idx + 9'd1;
                    end
                end
                S_B2: begin
                    left <= left_n;
                    total <= total_n;
                    if (left_n < 0)
                        over <= 1'b1;
                    if (bn != 4'd15)
                        offs[bn + 4'd1] <= offs[bn] + bc[bn];
                    case (bsel)
                        T_CL: ccount[bn] <= bc[bn];
                        T_LIT: lcount[bn] <= bc[bn];
                        default: dcount[bn] <= bc[bn];
                    endcase
                    bn <= bn + 4'd1;
                    if (bn == 4'd15) begin
                        idx <= 9'd0;
                        state <= S_B3;
                        if (over || left_n < 0)
                            state <= S_ERR;
                        else if (left_n != 0 && !(total_n == 9'd1 && bc[1] == 9'd1 && bsel != T_CL) &&
                                 !(total_n == 9'd0 && bsel == T_DST))
                            state <= S_ERR;
                        if (bsel == T_LIT)
                            lit_inc <= left_n != 0;
                        if (bsel == T_DST)
                            dst_inc <= left_n != 0;
                    end
                end
                S_B3: begin
                    if (idx == bnum) begin
                        case (bsel)
                            T_CL: begin
                                idx <= 9'd0;
                                walk(S_CLSYM);
                            end
                            T_LIT: build(T_DST);
                            default: walk(S_SYM);
                        endcase
                    end else begin
                        if (blen != 4'd0) begin
                            case (bsel)
                                T_CL: csym[offs[blen]] <= idx[4:0];
                                T_LIT: lsym[offs[blen]] <= idx;
                                default: dsym[offs[blen][4:0]] <= idx[4:0];
                            endcase
                            offs[blen] <= offs[blen] + 9'd1;
                        end
                        idx <= idx + 9'd1;
                    end
                end
                S_CLSYM: if (take && hit) begin
                    if (sym_sel < 9'd16) begin
                        put_len(sym_sel[3:0]);
                        if (idx + 9'd1 == nlit + {3'd0, ndist})
                            state <= S_CHK;
                        else
                            walk(S_CLSYM);
                    end else begin
                        rep_kind <= sym_sel[1:0];   // 16 -> 0, 17 -> 1, 18 -> 2
                        field(S_CLREP, sym_sel == 9'd16 ? 6'd2 : sym_sel == 9'd17 ? 6'd3 : 6'd7);
                    end
                end
                S_CLREP: if (take && field_end) begin
                    len <= (rep_kind == 2'd2 ? 16'd11 : 16'd3) + acc_n[15:0];
                    if (rep_kind == 2'd0 && idx == 9'd0)
                        state <= S_ERR;
                    else if ({7'd0, idx} + (rep_kind == 2'd2 ? 16'd11 : 16'd3) + acc_n[15:0] >
                             {7'd0, nlit} + {10'd0, ndist})
                        state <= S_ERR;
                    else
                        state <= S_FILL;
                end
                S_FILL: begin
                    put_len(rep_kind == 2'd0 ? prev : 4'd0);
                    len <= len - 16'd1;
                    if (len == 16'd1) begin
                        if (idx + 9'd1 == nlit + {3'd0, ndist})
                            state <= S_CHK;
                        else
                            walk(S_CLSYM);
                    end
                end
                S_CHK: begin
                    if (lens[256] == 4'd0)
                        state <= S_ERR;
                    else
                        build(T_LIT);
                end
                S_SYM: if (take) begin
                    if (bad) begin
                        state <= S_ERR;
                    end else if (hit) begin
                        if (sym_sel < 9'd256) begin
                            lit <= sym_sel[7:0];
                            state <= S_LIT;
                        end else if (sym_sel == 9'd256) begin
                            block_end;
                        end else if (sym_sel > 9'd285) begin
                            state <= S_ERR;
                        end else begin
                            len <= len_base(sym_sel[4:0] - 5'd1);
                            if (len_extra(sym_sel[4:0] - 5'd1) == 6'd0)
                                walk(S_DSYM);
                            else
                                field(S_LEXT, len_extra(sym_sel[4:0] - 5'd1));
                        end
                    end
                end
                S_LIT: if (slot) begin
                    emit(lit);
                    walk(S_SYM);
                end
                S_LEXT: if (take && field_end) begin
                    len <= len + acc_n[15:0];
                    walk(S_DSYM);
                end
                S_DSYM: if (take) begin
                    if (bad) begin
                        state <= S_ERR;
                    end else if (hit) begin
                        if (sym_sel[4:1] == 4'b1111) begin
                            state <= S_ERR;
                        end else begin
                            distance <= dist_base(sym_sel[4:0]);
                            if (dist_extra(sym_sel[4:0]) == 6'd0)
                                state <= (dist_base(sym_sel[4:0]) > have) ? S_ERR : S_COPY;
                            else
                                field(S_DEXT, dist_extra(sym_sel[4:0]));
                        end
                    end
                end
                S_DEXT: if (take && field_end) begin
                    distance <= dist_full[14:0];
                    state <= (dist_full > {1'b0, have}) ? S_ERR : S_COPY;
                end
                S_COPY: if (slot) begin
                    emit(win[rd_ptr]);
                    len <= len - 16'd1;
                    if (len == 16'd1)
                        walk(S_SYM);
                end
                default: ;
            endcase
        end
    end
endmodule
