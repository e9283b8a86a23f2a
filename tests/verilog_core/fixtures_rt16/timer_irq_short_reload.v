module timer_irq (
    input  wire       clk,
    input  wire       rst_n,
    input  wire       wr_en,
    input  wire [7:0] wr_data,
    input  wire       en,
    input  wire       periodic,
    output reg  [7:0] count,
    output reg        running,
    output reg        irq
);

  // reload keeps only bits 7 and 4..0: bits 6 and 5 are dropped (wrong for reload values 32..127, 160..255)
  reg       reload7;
  reg [4:0] reload_lo;

  always @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      reload7   <= 1'b0;
      reload_lo <= 5'd20;
      count     <= 8'd20;
      running   <= 1'b1;
      irq       <= 1'b0;
    end else if (wr_en) begin
      reload7   <= wr_data[7];
      reload_lo <= wr_data[4:0];
      count     <= wr_data;
      running   <= 1'b1;
      irq       <= 1'b0;
    end else if (running && en) begin
      if (count == 8'd0) begin
        irq <= 1'b1;
        if (periodic)
          count <= {reload7, 2'b00, reload_lo};
        else
          running <= 1'b0;
      end else begin
        count <= count - 8'd1;
        irq   <= 1'b0;
      end
    end else begin
      irq <= 1'b0;
    end
  end

endmodule
