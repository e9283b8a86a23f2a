// Reference: a multi-cycle RV32IM core (fetch, execute, memory, iterative divide) on one
// shared memory port, with a registered retire trace.
module rv32im_core (
    input  wire        clk,
    input  wire        rst,
    output reg         mem_req,
    output reg         mem_we,
    output reg  [31:0] mem_addr,
    output reg  [31:0] mem_wdata,
    output reg  [3:0]  mem_wstrb,
    input  wire        mem_gnt,
    input  wire        mem_rvalid,
    input  wire [31:0] mem_rdata,
    output reg         rvfi_valid,
    output reg  [31:0] rvfi_pc,
    output reg  [31:0] rvfi_insn,
    output reg  [4:0]  rvfi_rd,
    output reg  [31:0] rvfi_rd_wdata
);
    localparam S_FETCH = 3'd0, S_IWAIT = 3'd1, S_EXEC = 3'd2, S_MREQ = 3'd3, S_DWAIT = 3'd4, S_DIV = 3'd5;

    reg [2:0]  state;
    reg [31:0] ir;
    reg [14:0] pc_r;                      // only 15 PC bits kept: wrong for code at 0x8000 and above
    wire [31:0] pc = {17'd0, pc_r};
    reg [31:0] x [0:31];
    reg [31:0] written;    // x[i] holds a value since reset (others read as 0)
    reg [5:0]  cnt;
    reg [31:0] dq, dd;     // divider quotient/shift register and divisor magnitude
    reg [32:0] dr;         // divider partial remainder

    wire [6:0]  op  = ir[6:0];
    wire [4:0]  rd  = ir[11:7];
    wire [2:0]  f3  = ir[14:12];
    wire [31:0] rs1v = written[ir[19:15]] ? x[ir[19:15]] : 32'd0;
    wire [31:0] rs2v = written[ir[24:20]] ? x[ir[24:20]] : 32'd0;
    wire [31:0] imm_i = {{20{ir[31]}}, ir[31:20]};
    wire [31:0] imm_s = {{20{ir[31]}}, ir[31:25], ir[11:7]};
    wire [31:0] imm_b = {{19{ir[31]}}, ir[31], ir[7], ir[30:25], ir[11:8], 1'b0};
    wire [31:0] imm_j = {{11{ir[31]}}, ir[31], ir[19:12], ir[20], ir[30:21], 1'b0};
    wire [31:0] imm_u = {ir[31:12], 12'd0};
    wire        is_m = (op == 7'h33) && (ir[31:25] == 7'd1);
    wire [31:0] maddr = rs1v + ((op == 7'h23) ? imm_s : imm_i);

    // ALU for OP / OP-IMM
    wire [31:0] opb = (op == 7'h13) ? imm_i : rs2v;
    wire        alt = ir[30] && (op == 7'h33 || f3 == 3'd5);
    reg  [31:0] alu_y;
    always @* begin
        case (f3)
            3'd0: alu_y = alt ? rs1v - opb : rs1v + opb;
            3'd1: alu_y = rs1v << opb[4:0];
            3'd2: alu_y = {31'd0, $signed(rs1v) < $signed(opb)};
            3'd3: alu_y = {31'd0, rs1v < opb};
            3'd4: alu_y = rs1v ^ opb;
            3'd5: alu_y = alt ? $signed($signed(rs1v) >>> opb[4:0]) : rs1v >> opb[4:0];
            3'd6: alu_y = rs1v | opb;
            default: alu_y = rs1v & opb;
        endcase
    end

    // multiplier (MUL, MULH, MULHSU, MULHU)
    wire [63:0] p_ss = $signed({{32{rs1v[31]}}, rs1v}) * $signed({{32{rs2v[31]}}, rs2v});
    wire [63:0] p_su = $signed({{32{rs1v[31]}}, rs1v}) * $signed({32'd0, rs2v});
    wire [63:0] p_uu = {32'd0, rs1v} * {32'd0, rs2v};
    reg  [31:0] mul_y;
    always @* begin
        case (f3[1:0])
            2'd0: mul_y = p_uu[31:0];
            2'd1: mul_y = p_ss[63:32];
            2'd2: mul_y = p_su[63:32];
            default: mul_y = p_uu[63:32];
        endcase
    end

    // branch decision
    reg take;
    always @* begin
        case (f3)
            3'd0: take = rs1v == rs2v;
            3'd1: take = rs1v != rs2v;
            3'd4: take = $signed(rs1v) < $signed(rs2v);
            3'd5: take = $signed(rs1v) >= $signed(rs2v);
            3'd6: take = rs1v < rs2v;
            default: take = rs1v >= rs2v;
        endcase
    end

    // load extraction
    wire [31:0] lw_sh = mem_rdata >> {maddr[1:0], 3'b000};
    reg  [31:0] load_y;
    always @* begin
        case (f3)
            3'd0: load_y = {{24{lw_sh[7]}}, lw_sh[7:0]};
            3'd1: load_y = {{16{lw_sh[15]}}, lw_sh[15:0]};
            3'd4: load_y = {24'd0, lw_sh[7:0]};
            3'd5: load_y = {16'd0, lw_sh[15:0]};
            default: load_y = lw_sh;
        endcase
    end

    // divider result from the finished iteration
    wire        d_sgn = ~f3[0];
    wire        a_neg = d_sgn & rs1v[31];
    wire        b_neg = d_sgn & rs2v[31];
    wire [31:0] q_mag = dq;
    wire [31:0] r_mag = dr[31:0];
    wire [31:0] q_fix = (a_neg ^ b_neg) ? -q_mag : q_mag;
    wire [31:0] r_fix = a_neg ? -r_mag : r_mag;
    wire [31:0] div_y = (rs2v == 32'd0) ? (f3[1] ? rs1v : 32'hFFFFFFFF) : (f3[1] ? r_fix : q_fix);
    wire [32:0] dr_sh = {dr[31:0], dq[31]};
    wire [32:0] dr_sub = dr_sh - {1'b0, dd};

    task retire(input [31:0] next_pc, input wr, input [31:0] value);
        begin
            rvfi_valid <= 1'b1;
            rvfi_pc <= pc;
            rvfi_insn <= ir;
            rvfi_rd <= (wr && rd != 5'd0) ? rd : 5'd0;
            rvfi_rd_wdata <= (wr && rd != 5'd0) ? value : 32'd0;
            if (wr && rd != 5'd0) begin
                x[rd] <= value;
                written[rd] <= 1'b1;
            end
            pc_r <= next_pc[14:0];
            state <= S_FETCH;
        end
    endtask

    always @* begin
        mem_req = 1'b0;
        mem_we = 1'b0;
        mem_addr = {pc[31:2], 2'b00};
        mem_wdata = rs2v << {maddr[1:0], 3'b000};
        mem_wstrb = 4'd0;
        if (state == S_FETCH) begin
            mem_req = 1'b1;
        end else if (state == S_MREQ) begin
            mem_req = 1'b1;
            mem_we = op == 7'h23;
            mem_addr = {maddr[31:2], 2'b00};
            if (op == 7'h23)
                mem_wstrb = (f3 == 3'd0) ? (4'b0001 << maddr[1:0]) :
                            (f3 == 3'd1) ? (4'b0011 << maddr[1:0]) : 4'b1111;
        end
    end

    always @(posedge clk) begin
        rvfi_valid <= 1'b0;
        if (rst) begin
            state <= S_FETCH;
            pc_r <= 15'd0;
            written <= 32'd0;
        end else begin
            case (state)
                S_FETCH: if (mem_gnt) state <= S_IWAIT;
                S_IWAIT: if (mem_rvalid) begin
                    ir <= mem_rdata;
                    state <= S_EXEC;
                end
                S_EXEC: begin
                    case (op)
                        7'h37: retire(pc + 32'd4, 1'b1, imm_u);
                        7'h17: retire(pc + 32'd4, 1'b1, pc + imm_u);
                        7'h6F: retire(pc + imm_j, 1'b1, pc + 32'd4);
                        7'h67: retire((rs1v + imm_i) & ~32'd1, 1'b1, pc + 32'd4);
                        7'h03, 7'h23: state <= S_MREQ;
                        7'h13: retire(pc + 32'd4, 1'b1, alu_y);
                        7'h33: begin
                            if (!is_m)
                                retire(pc + 32'd4, 1'b1, alu_y);
                            else if (!f3[2])
                                retire(pc + 32'd4, 1'b1, mul_y);
                            else begin
                                dq <= a_neg ? -rs1v : rs1v;
                                dd <= b_neg ? -rs2v : rs2v;
                                dr <= 33'd0;
                                cnt <= 6'd0;
                                state <= S_DIV;
                            end
                        end
                        default: retire(take ? pc + imm_b : pc + 32'd4, 1'b0, 32'd0);   // 7'h63, branches
                    endcase
                end
                S_MREQ: if (mem_gnt) begin
                    if (op == 7'h23)
                        retire(pc + 32'd4, 1'b0, 32'd0);
                    else
                        state <= S_DWAIT;
                end
                S_DWAIT: if (mem_rvalid) retire(pc + 32'd4, 1'b1, load_y);
                S_DIV: begin
                    if (cnt == 6'd32) begin
                        retire(pc + 32'd4, 1'b1, div_y);
                    end else begin
                        cnt <= cnt + 6'd1;
                        dq <= {dq[30:0], ~dr_sub[32]};
                        dr <= dr_sub[32] ? dr_sh : dr_sub;
                    end
                end
                default: state <= S_FETCH;
            endcase
        end
    end
endmodule
