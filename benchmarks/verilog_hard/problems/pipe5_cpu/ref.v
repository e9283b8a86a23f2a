module pipe5_cpu (
    input  wire        clk,
    input  wire        rst,
    output wire [7:0]  imem_addr,
    input  wire [15:0] imem_data,
    output wire [7:0]  dmem_addr,
    output wire [15:0] dmem_wdata,
    output wire        dmem_we,
    input  wire [15:0] dmem_rdata,
    output wire        ret_valid,
    output wire [7:0]  ret_pc,
    output wire        wb_en,
    output wire [2:0]  wb_rd,
    output wire [15:0] wb_data
);
    localparam [3:0] OP_ADDI = 4'd6, OP_LW = 4'd7, OP_SW = 4'd8, OP_BEQ = 4'd9;

    reg [15:0] rf [0:7];
    reg [7:0]  pc;
    // IF/ID
    reg        id_valid;
    reg [7:0]  id_pc;
    reg [15:0] id_ir;
    // ID/EX
    reg        ex_valid;
    reg [7:0]  ex_pc;
    reg [3:0]  ex_op;
    reg [2:0]  ex_rd, ex_rs1, ex_rs2;
    reg [15:0] ex_a, ex_b, ex_c, ex_imm;
    // EX/MEM
    reg        mem_valid, mem_wen;
    reg [7:0]  mem_pc;
    reg [3:0]  mem_op;
    reg [2:0]  mem_rd;
    reg [15:0] mem_res, mem_sdata;
    // MEM/WB
    reg        wb_valid, wb_wen;
    reg [7:0]  wb_pc;
    reg [2:0]  wb_rd_r;
    reg [15:0] wb_val;

    // ---- decode ----
    wire [3:0] id_op = id_ir[15:12];
    wire [2:0] id_rd = id_ir[11:9];
    wire [2:0] id_rs1 = id_ir[8:6];
    wire [2:0] id_rs2 = id_ir[5:3];
    wire       id_rtype = id_op <= 4'd5;
    wire       id_use1 = id_op <= OP_BEQ;
    wire       id_use2r = id_rtype;
    wire       id_use2d = (id_op == OP_SW) || (id_op == OP_BEQ);
    wire [2:0] id_src2 = id_use2d ? id_rd : id_rs2;
    wire       id_use2 = id_use2r || id_use2d;

    wire [15:0] rf_rs1 = (id_rs1 == 3'd0) ? 16'h0000 :
                         (wb_valid && wb_wen && wb_rd_r == id_rs1) ? wb_val : rf[id_rs1];
    wire [15:0] rf_rs2 = (id_rs2 == 3'd0) ? 16'h0000 :
                         (wb_valid && wb_wen && wb_rd_r == id_rs2) ? wb_val : rf[id_rs2];
    wire [15:0] rf_rd = (id_rd == 3'd0) ? 16'h0000 :
                        (wb_valid && wb_wen && wb_rd_r == id_rd) ? wb_val : rf[id_rd];

    wire load_use = ex_valid && ex_op == OP_LW && ex_rd != 3'd0 && id_valid &&
                    ((id_use1 && id_rs1 == ex_rd) || (id_use2 && id_src2 == ex_rd));

    // ---- execute with forwarding ----
    wire fa_mem = mem_valid && mem_wen && mem_rd == ex_rs1;
    wire fa_wb = wb_valid && wb_wen && wb_rd_r == ex_rs1;
    wire fb_mem = mem_valid && mem_wen && mem_rd == ex_rs2;
    wire fb_wb = wb_valid && wb_wen && wb_rd_r == ex_rs2;
    wire fc_mem = mem_valid && mem_wen && mem_rd == ex_rd;
    wire fc_wb = wb_valid && wb_wen && wb_rd_r == ex_rd;
    wire [15:0] a = (ex_rs1 == 3'd0) ? 16'h0000 : fa_mem ? mem_res : fa_wb ? wb_val : ex_a;
    wire [15:0] b = (ex_rs2 == 3'd0) ? 16'h0000 : fb_mem ? mem_res : fb_wb ? wb_val : ex_b;
    wire [15:0] c = (ex_rd == 3'd0) ? 16'h0000 : fc_mem ? mem_res : fc_wb ? wb_val : ex_c;
    reg  [15:0] alu;
    always @* begin
        case (ex_op)
            4'd0: alu = a + b;
            4'd1: alu = a - b;
            4'd2: alu = a & b;
            4'd3: alu = a | b;
            4'd4: alu = a ^ b;
            4'd5: alu = ($signed(a) < $signed(b)) ? 16'd1 : 16'd0;
            default: alu = a + ex_imm;
        endcase
    end
    wire taken = ex_valid && ex_op == OP_BEQ && a == c;
    wire ex_wen = ex_valid && ex_op <= OP_LW && ex_rd != 3'd0;

    // ---- memory ----
    assign dmem_addr = mem_res[7:0];
    assign dmem_wdata = mem_sdata;
    assign dmem_we = mem_valid && mem_op == OP_SW;
    wire [15:0] mem_out = (mem_op == OP_LW) ? dmem_rdata : mem_res;

    assign imem_addr = pc;

    integer k;
    always @(posedge clk) begin
        if (rst) begin
            pc <= 8'd0;
            id_valid <= 1'b0;
            ex_valid <= 1'b0;
            mem_valid <= 1'b0;
            wb_valid <= 1'b0;
            for (k = 0; k < 8; k = k + 1) rf[k] <= 16'h0000;
        end else begin
            // WB
            if (wb_valid && wb_wen) rf[wb_rd_r] <= wb_val;
            wb_valid <= mem_valid;
            wb_wen <= mem_valid && mem_wen;
            wb_pc <= mem_pc;
            wb_rd_r <= mem_rd;
            wb_val <= mem_out;
            // MEM
            mem_valid <= ex_valid;
            mem_wen <= ex_wen;
            mem_pc <= ex_pc;
            mem_op <= ex_op;
            mem_rd <= ex_rd;
            mem_res <= alu;
            mem_sdata <= c;
            // EX, ID, IF
            if (taken) begin
                pc <= ex_pc + 8'd1 + ex_imm[7:0];
                id_valid <= 1'b0;
                ex_valid <= 1'b0;
            end else if (load_use) begin
                ex_valid <= 1'b0;
            end else begin
                ex_valid <= id_valid;
                ex_pc <= id_pc;
                ex_op <= id_op;
                ex_rd <= id_rd;
                ex_rs1 <= id_rs1;
                ex_rs2 <= id_rs2;
                ex_a <= rf_rs1;
                ex_b <= rf_rs2;
                ex_c <= rf_rd;
                ex_imm <= {{10{id_ir[5]}}, id_ir[5:0]};
                id_valid <= 1'b1;
                id_pc <= pc;
                id_ir <= imem_data;
                pc <= pc + 8'd1;
            end
        end
    end

    assign ret_valid = wb_valid;
    assign ret_pc = wb_pc;
    assign wb_en = wb_valid && wb_wen;
    assign wb_rd = wb_rd_r;
    assign wb_data = wb_val;
endmodule
