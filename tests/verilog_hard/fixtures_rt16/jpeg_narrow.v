// Reference: a bit-serial decoder. Bytes are taken only when a bit is needed (an FF takes its
// stuffed 00 at once); a Huffman code is decoded one bit per cycle with the canonical
// first/count walk; a block is collected in zigzag order and then output in natural order.
module jpeg_huff_dec (
    input  wire        clk,
    input  wire        rst,
    input  wire        tbl_we,
    input  wire [1:0]  tbl_id,
    input  wire [8:0]  tbl_addr,
    input  wire [7:0]  tbl_data,
    input  wire        start,
    input  wire [1:0]  mode,
    input  wire [15:0] num_mcus,
    input  wire [15:0] restart_interval,
    input  wire        in_valid,
    output wire        in_ready,
    input  wire [7:0]  in_data,
    output wire        out_valid,
    input  wire        out_ready,
    output wire [15:0] out_coef,
    output wire [1:0]  out_comp,
    output wire        out_last,
    output wire        busy,
    output reg         done,
    output reg  [2:0]  error
);
    localparam S_IDLE = 3'd0, S_SYM = 3'd1, S_XBITS = 3'd2, S_OUT = 3'd3, S_RST1 = 3'd4, S_RST2 = 3'd5;

    reg [7:0] bits_mem [0:63];      // {table, L-1}
    reg [7:0] val_mem  [0:1023];    // {table, index}
    always @(posedge clk)
        if (tbl_we) begin
            if (tbl_addr < 9'd16) bits_mem[{tbl_id, tbl_addr[3:0]}] <= tbl_data;
            else val_mem[{tbl_id, tbl_addr[7:0] - 8'd16}] <= tbl_data;
        end

    reg [2:0]  state;
    reg [1:0]  md;
    reg [3:0]  n_mcu, mcu;   // only num_mcus[3:0] kept: wrong for scans of 16 MCUs or more
    reg [1:0]  ri, rcnt;     // only restart_interval[1:0] kept: wrong for intervals of 4 or more
    reg [2:0]  blk, m;
    reg [15:0] pred0, pred1, pred2;
    reg [15:0] coef [0:63];
    reg [6:0]  k;
    reg [5:0]  n;                   // output index (natural order)
    // bit supply
    reg [7:0]  cur;
    reg [3:0]  nb;
    reg        ffp;                 // an FF was taken, its 00 is still to come
    // symbol walk
    reg        is_ac;
    reg [17:0] code, first;
    reg [8:0]  index;
    reg [4:0]  len;
    // extra bits
    reg [3:0]  xn, xt;
    reg [10:0] xv;

    assign busy = (state != S_IDLE);
    wire need_bit = (state == S_SYM) || (state == S_XBITS);
    assign in_ready = (need_bit && nb == 4'd0) || state == S_RST1 || state == S_RST2;
    wire take = in_ready && in_valid;
    wire have_bit = need_bit && nb != 4'd0;
    wire bit_in = cur[nb - 4'd1];

    wire [1:0] comp = comp_of(md, blk);
    wire [1:0] tbl = {is_ac, comp != 2'd0};
    wire [17:0] c_try = code | {17'd0, bit_in};
    wire [7:0]  count = bits_mem[{tbl, len[3:0] - 4'd1}];
    wire        hit = c_try < first + {10'd0, count};
    wire [7:0]  sym = val_mem[{tbl, index[7:0] + c_try[7:0] - first[7:0]}];
    wire [10:0] xv_next = {xv[9:0], bit_in};
    wire [15:0] ext = extend(xv_next, xt);

    assign out_valid = (state == S_OUT);
    assign out_coef = coef[zz_of(n)];
    assign out_comp = comp;
    assign out_last = (n == 6'd63);

    integer i;
    always @(posedge clk) begin
        if (rst) begin
            state <= S_IDLE;
            done <= 1'b0;
            error <= 3'd0;
        end else begin
            case (state)
                S_IDLE: if (start) begin
                    md <= mode; n_mcu <= num_mcus[3:0]; ri <= restart_interval[1:0];
                    mcu <= 4'd0; rcnt <= 2'd0; blk <= 3'd0; m <= 3'd0;
                    pred0 <= 16'd0; pred1 <= 16'd0; pred2 <= 16'd0;
                    nb <= 4'd0; ffp <= 1'b0; done <= 1'b0; error <= 3'd0;
                    begin_block;
                end
                S_SYM, S_XBITS: if (take) begin
                    if (ffp) begin
                        if (in_data == 8'h00) begin cur <= 8'hFF; nb <= 4'd8; ffp <= 1'b0; end
                        else fail(3'd4);
                    end else if (in_data == 8'hFF) ffp <= 1'b1;
                    else begin cur <= in_data; nb <= 4'd8; end
                end else if (have_bit) begin
                    nb <= nb - 4'd1;
                    if (state == S_SYM) sym_bit;
                    else xbit;
                end
                S_OUT: if (out_ready) begin
                    n <= n + 6'd1;
                    if (n == 6'd63) next_block;
                end
                S_RST1: if (take) begin
                    if (in_data == 8'hFF) state <= S_RST2;
                    else fail(3'd4);
                end
                S_RST2: if (take) begin
                    if (in_data == {5'b11010, m}) begin
                        m <= m + 3'd1;
                        pred0 <= 16'd0; pred1 <= 16'd0; pred2 <= 16'd0;
                        begin_block;
                    end else fail(3'd4);
                end
                default: state <= S_IDLE;
            endcase
        end
    end

    task fail(input [2:0] code_in);
        begin
            error <= code_in;
            state <= S_IDLE;
        end
    endtask

    task begin_sym(input ac);
        begin
            is_ac <= ac; code <= 18'd0; first <= 18'd0; index <= 9'd0; len <= 5'd1;
            state <= S_SYM;
        end
    endtask

    task begin_block;
        begin
            for (i = 0; i < 64; i = i + 1) coef[i] <= 16'd0;
            k <= 7'd1;
            begin_sym(1'b0);
        end
    endtask

    // one bit of a Huffman code
    task sym_bit;
        begin
            if (hit) symbol_done(sym);
            else if (len == 5'd16) fail(3'd1);
            else begin
                index <= index + {1'b0, count};
                first <= (first + {10'd0, count}) << 1;
                code <= c_try << 1;
                len <= len + 5'd1;
            end
        end
    endtask

    task start_xbits(input [3:0] t);
        begin
            xn <= t; xt <= t; xv <= 11'd0; state <= S_XBITS;
        end
    endtask

    task symbol_done(input [7:0] s);
        begin
            if (!is_ac) begin
                if (s > 8'd11) fail(3'd2);
                else if (s == 8'd0) dc_value(16'd0);
                else start_xbits(s[3:0]);
            end else if (s == 8'h00) begin
                n <= 6'd0; state <= S_OUT;
            end else if (s == 8'hF0) begin
                if (k > 7'd48) fail(3'd3);
                else if (k == 7'd48) begin k <= 7'd64; n <= 6'd0; state <= S_OUT; end
                else begin k <= k + 7'd16; begin_sym(1'b1); end
            end else if (s[3:0] == 4'd0 || s[3:0] > 4'd10) fail(3'd2);
            else if (k + {3'd0, s[7:4]} > 7'd63) fail(3'd3);
            else begin
                k <= k + {3'd0, s[7:4]};
                start_xbits(s[3:0]);
            end
        end
    endtask

    task dc_value(input [15:0] diff);
        begin
            case (comp)
                2'd0: begin pred0 <= pred0 + diff; coef[0] <= pred0 + diff; end
                2'd1: begin pred1 <= pred1 + diff; coef[0] <= pred1 + diff; end
                default: begin pred2 <= pred2 + diff; coef[0] <= pred2 + diff; end
            endcase
            begin_sym(1'b1);
        end
    endtask

    // one extra bit; the last one completes the value
    task xbit;
        begin
            xv <= xv_next;
            xn <= xn - 4'd1;
            if (xn == 4'd1) begin
                if (!is_ac) dc_value(ext);
                else begin
                    coef[k[5:0]] <= ext;
                    if (k == 7'd63) begin k <= 7'd64; n <= 6'd0; state <= S_OUT; end
                    else begin k <= k + 7'd1; begin_sym(1'b1); end
                end
            end
        end
    endtask

    task next_block;
        begin
            if (blk + 3'd1 < blocks_of(md)) begin
                blk <= blk + 3'd1;
                begin_block;
            end else begin
                blk <= 3'd0;
                mcu <= mcu + 4'd1;
                if (mcu + 4'd1 == n_mcu) begin
                    done <= 1'b1;
                    state <= S_IDLE;
                end else if (ri != 2'd0 && rcnt + 2'd1 == ri) begin
                    rcnt <= 2'd0;
                    nb <= 4'd0;
                    state <= S_RST1;
                end else begin
                    rcnt <= rcnt + 2'd1;
                    begin_block;
                end
            end
        end
    endtask

    function [15:0] extend(input [10:0] v, input [3:0] t);
        begin
            if (v < (11'd1 << (t - 4'd1))) extend = {5'd0, v} - (16'd1 << t) + 16'd1;
            else extend = {5'd0, v};
        end
    endfunction

    function [2:0] blocks_of(input [1:0] md_in);
        case (md_in)
            2'd0: blocks_of = 3'd1;
            2'd1: blocks_of = 3'd6;
            2'd2: blocks_of = 3'd3;
            default: blocks_of = 3'd4;
        endcase
    endfunction

    function [1:0] comp_of(input [1:0] md_in, input [2:0] b);
        case (md_in)
            2'd0: comp_of = 2'd0;
            2'd1: comp_of = (b < 3'd4) ? 2'd0 : (b == 3'd4) ? 2'd1 : 2'd2;
            2'd2: comp_of = b[1:0];
            default: comp_of = (b < 3'd2) ? 2'd0 : (b == 3'd2) ? 2'd1 : 2'd2;
        endcase
    endfunction

    function [5:0] zz_of(input [5:0] nat);
        case (nat)
            6'd0: zz_of = 6'd0;
            6'd1: zz_of = 6'd1;
            6'd2: zz_of = 6'd5;
            6'd3: zz_of = 6'd6;
            6'd4: zz_of = 6'd14;
            6'd5: zz_of = 6'd15;
            6'd6: zz_of = 6'd27;
            6'd7: zz_of = 6'd28;
            6'd8: zz_of = 6'd2;
            6'd9: zz_of = 6'd4;
            6'd10: zz_of = 6'd7;
            6'd11: zz_of = 6'd13;
            6'd12: zz_of = 6'd16;
            6'd13: zz_of = 6'd26;
            6'd14: zz_of = 6'd29;
            6'd15: zz_of = 6'd42;
            6'd16: zz_of = 6'd3;
            6'd17: zz_of = 6'd8;
            6'd18: zz_of = 6'd12;
            6'd19: zz_of = 6'd17;
            6'd20: zz_of = 6'd25;
            6'd21: zz_of = 6'd30;
            6'd22: zz_of = 6'd41;
            6'd23: zz_of = 6'd43;
            6'd24: zz_of = 6'd9;
            6'd25: zz_of = 6'd11;
            6'd26: zz_of = 6'd18;
            6'd27: zz_of = 6'd24;
            6'd28: zz_of = 6'd31;
            6'd29: zz_of = 6'd40;
            6'd30: zz_of = 6'd44;
            6'd31: zz_of = 6'd53;
            6'd32: zz_of = 6'd10;
            6'd33: zz_of = 6'd19;
            6'd34: zz_of = 6'd23;
            6'd35: zz_of = 6'd32;
            6'd36: zz_of = 6'd39;
            6'd37: zz_of = 6'd45;
            6'd38: zz_of = 6'd52;
            6'd39: zz_of = 6'd54;
            6'd40: zz_of = 6'd20;
            6'd41: zz_of = 6'd22;
            6'd42: zz_of = 6'd33;
            6'd43: zz_of = 6'd38;
            6'd44: zz_of = 6'd46;
            6'd45: zz_of = 6'd51;
            6'd46: zz_of = 6'd55;
            6'd47: zz_of = 6'd60;
            6'd48: zz_of = 6'd21;
            6'd49: zz_of = 6'd34;
            6'd50: zz_of = 6'd37;
            6'd51: zz_of = 6'd47;
            6'd52: zz_of = 6'd50;
            6'd53: zz_of = 6'd56;
            6'd54: zz_of = 6'd59;
            6'd55: zz_of = 6'd61;
            6'd56: zz_of = 6'd35;
            6'd57: zz_of = 6'd36;
            6'd58: zz_of = 6'd48;
            6'd59: zz_of = 6'd49;
            6'd60: zz_of = 6'd57;
            6'd61: zz_of = 6'd58;
            6'd62: zz_of = 6'd62;
            6'd63: zz_of = 6'd63;
        endcase
    endfunction
endmodule
