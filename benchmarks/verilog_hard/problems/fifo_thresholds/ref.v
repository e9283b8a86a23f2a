module sync_fifo #(
    parameter integer DW = 8,
    parameter integer AW = 3
) (
    input  wire          clk,
    input  wire          rst,
    input  wire          wr_en,
    input  wire [DW-1:0] wr_data,
    input  wire          rd_en,
    output reg  [DW-1:0] rd_data,
    output wire          full,
    output wire          empty,
    output reg  [AW:0]   count,
    input  wire [AW:0]   af_level,
    input  wire [AW:0]   ae_level,
    output reg           almost_full,
    output reg           almost_empty,
    input  wire          clr_drops,
    output reg  [7:0]    drop_count
);
    reg [DW-1:0] mem [0:(1 << AW) - 1];
    reg [AW-1:0] wp, rp;

    wire do_rd = rd_en && (count != 0);
    wire do_wr = wr_en && (count != (1 << AW) || do_rd);
    wire drop = wr_en && !do_wr;
    wire [AW:0] count_next = count + do_wr - do_rd;

    always @(posedge clk) begin
        if (rst) begin
            wp <= 0;
            rp <= 0;
            count <= 0;
            rd_data <= 0;
            almost_full <= 1'b0;
            almost_empty <= 1'b1;
            drop_count <= 8'd0;
        end else begin
            if (do_wr) begin
                mem[wp] <= wr_data;
                wp <= wp + 1'b1;
            end
            if (do_rd) begin
                rd_data <= mem[rp];
                rp <= rp + 1'b1;
            end
            count <= count_next;
            almost_full <= count_next >= af_level;
            almost_empty <= count_next <= ae_level;
            if (clr_drops) drop_count <= {7'd0, drop};
            else if (drop && drop_count != 8'hFF) drop_count <= drop_count + 1'b1;
        end
    end

    assign full  = (count == (1 << AW));
    assign empty = (count == 0);
endmodule
