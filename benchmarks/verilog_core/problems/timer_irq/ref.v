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

  reg [7:0] reload;

  always @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      reload  <= 8'd20;
      count   <= 8'd20;
      running <= 1'b1;
      irq     <= 1'b0;
    end else if (wr_en) begin
      reload  <= wr_data;
      count   <= wr_data;
      running <= 1'b1;
      irq     <= 1'b0;
    end else if (running && en) begin
      if (count == 8'd0) begin
        irq <= 1'b1;
        if (periodic)
          count <= reload;
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
