// Trusted wrapper: instruction memory (64 words) and data memory (32 words) around the CPU,
// both loaded by the testbench through a write port while the CPU is held in reset.
module hweval_cpu_wrap (
    input  wire        clk, rst,
    input  wire        load_we, load_dmem,
    input  wire [5:0]  load_addr,
    input  wire [15:0] load_data,
    output wire        ret_valid, wb_en, dmem_we,
    output wire [7:0]  ret_pc, dmem_addr,
    output wire [2:0]  wb_rd,
    output wire [15:0] wb_data, dmem_wdata
);
    reg  [15:0] imem [0:63];
    reg  [15:0] dmem [0:31];
    wire [7:0]  imem_addr;
    always @(posedge clk) begin
        if (load_we && !load_dmem) imem[load_addr] <= load_data;
        if (load_we && load_dmem) dmem[load_addr[4:0]] <= load_data;
        else if (dmem_we && !rst) dmem[dmem_addr[4:0]] <= dmem_wdata;
    end
    pipe5_cpu u (.clk(clk), .rst(rst), .imem_addr(imem_addr), .imem_data(imem[imem_addr[5:0]]),
        .dmem_addr(dmem_addr), .dmem_wdata(dmem_wdata), .dmem_we(dmem_we), .dmem_rdata(dmem[dmem_addr[4:0]]),
        .ret_valid(ret_valid), .ret_pc(ret_pc), .wb_en(wb_en), .wb_rd(wb_rd), .wb_data(wb_data));
endmodule
