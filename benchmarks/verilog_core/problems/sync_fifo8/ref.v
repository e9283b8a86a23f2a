module sync_fifo8 (
    input  wire       clk,
    input  wire       rst,
    input  wire       wr_en,
    input  wire [7:0] wr_data,
    input  wire       rd_en,
    output reg  [7:0] rd_data,
    output wire       full,
    output wire       empty,
    output reg  [3:0] count
);

  reg [7:0] mem [0:7];
  reg [2:0] wr_ptr;
  reg [2:0] rd_ptr;

  assign full  = (count == 4'd8);
  assign empty = (count == 4'd0);

  wire do_write = wr_en && !full;
  wire do_read  = rd_en && !empty;

  always @(posedge clk) begin
    if (do_write && !rst)
      mem[wr_ptr] <= wr_data;
  end

  always @(posedge clk) begin
    if (rst) begin
      wr_ptr  <= 3'd0;
      rd_ptr  <= 3'd0;
      count   <= 4'd0;
      rd_data <= 8'h00;
    end else begin
      if (do_write)
        wr_ptr <= wr_ptr + 3'd1;
      if (do_read) begin
        rd_data <= mem[rd_ptr];
        rd_ptr  <= rd_ptr + 3'd1;
      end
      if (do_write && !do_read)
        count <= count + 4'd1;
      else if (do_read && !do_write)
        count <= count - 4'd1;
    end
  end

endmodule
