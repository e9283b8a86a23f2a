module dma_desc (
    input  wire        clk,
    input  wire        rst,
    input  wire        start,
    input  wire [15:0] desc_addr,
    output reg         busy,
    output reg         done,
    output reg         mem_req,
    output reg         mem_we,
    output reg  [15:0] mem_addr,
    output reg  [31:0] mem_wdata,
    input  wire        mem_gnt,
    input  wire        mem_rvalid,
    input  wire [31:0] mem_rdata
);
    localparam [1:0] IDLE = 2'd0, DESC = 2'd1, COPY = 2'd2;
    reg [1:0]  st;
    reg [15:0] dptr, src, dst, nxt;
    reg [5:0]  len, rd_cnt, wr_cnt;   // only len[5:0] kept: wrong for blocks of 64 words or more
    reg [1:0]  dreq, drsp;
    reg [31:0] fifo [0:7];
    reg [2:0]  fw, fr;
    reg [3:0]  fcnt, ost;              // words buffered, source reads in flight

    wire acc      = mem_req && mem_gnt;
    wire free     = !mem_req || acc;   // the request register may take a new request
    wire acc_wr   = acc && mem_we;
    wire acc_rd   = acc && !mem_we && st == COPY;
    wire push     = mem_rvalid && st == COPY;
    wire wr_done  = acc_wr && wr_cnt + 1'b1 == len;
    // a new request this cycle: a write when a word is buffered, else a read when there is room
    wire do_wr    = st == COPY && free && fcnt != 0;
    wire do_rd    = st == COPY && free && !do_wr && rd_cnt != len && fcnt + ost + acc_rd < 5'd8;
    wire do_dr    = st == DESC && free && dreq != 2'd3;
    wire desc_end = st == DESC && mem_rvalid && drsp == 2'd2;
    wire [5:0]  dlen = mem_rdata[5:0];

    always @(posedge clk) begin
        if (rst) begin
            st <= IDLE; busy <= 1'b0; done <= 1'b0; mem_req <= 1'b0;
            fw <= 0; fr <= 0; fcnt <= 0; ost <= 0;
        end else begin
            done <= 1'b0;
            if (acc) mem_req <= 1'b0;
            if (push) begin
                fifo[fw] <= mem_rdata;
                fw <= fw + 1'b1;
            end
            fcnt <= fcnt + push - do_wr;
            ost  <= ost + acc_rd - push;
            if (acc_wr) wr_cnt <= wr_cnt + 1'b1;
            case (st)
                IDLE: if (start) begin
                    st <= DESC; busy <= 1'b1; dptr <= desc_addr; dreq <= 0; drsp <= 0;
                end
                DESC: begin
                    if (do_dr) begin
                        mem_req <= 1'b1; mem_we <= 1'b0; mem_addr <= dptr + dreq; dreq <= dreq + 1'b1;
                    end
                    if (mem_rvalid) begin
                        drsp <= drsp + 1'b1;
                        case (drsp)
                            2'd0: src <= mem_rdata[15:0];
                            2'd1: dst <= mem_rdata[15:0];
                            default: begin nxt <= mem_rdata[31:16]; len <= dlen; end
                        endcase
                    end
                    if (desc_end) begin
                        rd_cnt <= 0; wr_cnt <= 0;
                        if (dlen != 0) begin
                            st <= COPY;
                        end else if (mem_rdata[31:16] != 0) begin
                            dptr <= mem_rdata[31:16]; dreq <= 0; drsp <= 0;
                        end else begin
                            st <= IDLE; busy <= 1'b0; done <= 1'b1;
                        end
                    end
                end
                COPY: begin
                    if (do_wr) begin
                        mem_req <= 1'b1; mem_we <= 1'b1; mem_addr <= dst + wr_cnt + acc_wr;
                        mem_wdata <= fifo[fr]; fr <= fr + 1'b1;
                    end else if (do_rd) begin
                        mem_req <= 1'b1; mem_we <= 1'b0; mem_addr <= src + rd_cnt; rd_cnt <= rd_cnt + 1'b1;
                    end
                    if (wr_done) begin
                        if (nxt != 0) begin
                            st <= DESC; dptr <= nxt; dreq <= 0; drsp <= 0;
                        end else begin
                            st <= IDLE; busy <= 1'b0; done <= 1'b1;
                        end
                    end
                end
                default: st <= IDLE;
            endcase
        end
    end
endmodule
