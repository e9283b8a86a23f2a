module axil_regs (
    input  wire        clk,
    input  wire        rst_n,
    input  wire        awvalid,
    output wire        awready,
    input  wire [7:0]  awaddr,
    input  wire        wvalid,
    output wire        wready,
    input  wire [31:0] wdata,
    input  wire [3:0]  wstrb,
    output wire        bvalid,
    input  wire        bready,
    output wire [1:0]  bresp,
    input  wire        arvalid,
    output wire        arready,
    input  wire [7:0]  araddr,
    output wire        rvalid,
    input  wire        rready,
    output wire [31:0] rdata,
    output wire [1:0]  rresp,
    input  wire [31:0] hw_status,
    input  wire [7:0]  irq_set,
    output wire [31:0] ctrl,
    output wire        start_pulse,
    output wire        irq
);
    localparam [1:0] OKAY = 2'b00, SLVERR = 2'b10;

    reg        aw_full, w_full, bvalid_r, rvalid_r, start_r;
    reg [5:0]  aw_word;
    reg [31:0] w_data;
    reg [3:0]  w_strb;
    reg [1:0]  bresp_r, rresp_r;
    reg [31:0] rdata_r;
    reg [31:0] ctrl_r, scratch_r;
    reg [7:0]  pend_r, en_r;

    wire [31:0] bytemask = {{8{w_strb[3]}}, {8{w_strb[2]}}, {8{w_strb[1]}}, {8{w_strb[0]}}};
    wire do_write = aw_full && w_full && !bvalid_r;
    wire wr_ctrl = do_write && aw_word == 6'h00;
    wire wr_scratch = do_write && aw_word == 6'h01;
    wire wr_pend = do_write && aw_word == 6'h03;
    wire wr_en = do_write && aw_word == 6'h04;
    wire wr_ok = aw_word == 6'h00 || aw_word == 6'h01 || aw_word == 6'h03 || aw_word == 6'h04;
    wire [7:0] clear = (wr_pend && w_strb[0]) ? w_data[7:0] : 8'h00;

    reg [31:0] rd_val;
    reg        rd_ok;
    always @* begin
        rd_ok = 1'b1;
        case (araddr[7:2])
            6'h00: rd_val = ctrl_r;
            6'h01: rd_val = scratch_r;
            6'h02: rd_val = hw_status;
            6'h03: rd_val = {24'h0, pend_r};
            6'h04: rd_val = {24'h0, en_r};
            6'h05: rd_val = 32'h48574C31;
            default: begin rd_val = 32'h0; rd_ok = 1'b0; end
        endcase
    end

    always @(posedge clk) begin
        if (!rst_n) begin
            aw_full <= 1'b0;
            w_full <= 1'b0;
            bvalid_r <= 1'b0;
            rvalid_r <= 1'b0;
            start_r <= 1'b0;
            ctrl_r <= 32'h0;
            scratch_r <= 32'h5A5A0000;
            pend_r <= 8'h0;
            en_r <= 8'h0;
        end else begin
            if (do_write) begin
                aw_full <= 1'b0;
                w_full <= 1'b0;
                bvalid_r <= 1'b1;
                bresp_r <= wr_ok ? OKAY : SLVERR;
            end else begin
                if (bvalid_r && bready) bvalid_r <= 1'b0;
                if (awvalid && !aw_full) begin
                    aw_full <= 1'b1;
                    aw_word <= awaddr[7:2];
                end
                if (wvalid && !w_full) begin
                    w_full <= 1'b1;
                    w_data <= wdata;
                    w_strb <= wstrb;
                end
            end
            if (wr_ctrl) ctrl_r <= ((ctrl_r & ~bytemask) | (w_data & bytemask)) & 32'hFFFFFFFE;
            if (wr_scratch) scratch_r <= (scratch_r & ~bytemask) | (w_data & bytemask);
            if (wr_en && w_strb[0]) en_r <= w_data[7:0];
            pend_r <= (pend_r & ~clear) | irq_set;
            start_r <= wr_ctrl && w_strb[0] && w_data[0];
            if (arvalid && !rvalid_r) begin
                rvalid_r <= 1'b1;
                rdata_r <= rd_val;
                rresp_r <= rd_ok ? OKAY : SLVERR;
            end else if (rvalid_r && rready) begin
                rvalid_r <= 1'b0;
            end
        end
    end

    assign awready = !aw_full;
    assign wready = !w_full;
    assign bvalid = bvalid_r;
    assign bresp = bresp_r;
    assign arready = !rvalid_r;
    assign rvalid = rvalid_r;
    assign rdata = rdata_r;
    assign rresp = rresp_r;
    assign ctrl = ctrl_r;
    assign start_pulse = start_r;
    assign irq = |(pend_r & en_r);
endmodule
