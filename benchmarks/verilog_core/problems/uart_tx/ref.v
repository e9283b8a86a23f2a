module uart_tx #(
    parameter CLKS_PER_BIT = 4
) (
    input  wire       clk,
    input  wire       rst,
    input  wire       valid,
    input  wire [7:0] data,
    output wire       tx,
    output wire       busy
);

  localparam [1:0] IDLE  = 2'd0,
                   START = 2'd1,
                   DATA  = 2'd2,
                   STOP  = 2'd3;

  localparam [7:0] LAST_CLK = CLKS_PER_BIT - 1;

  reg [1:0] state;
  reg [7:0] clk_cnt;
  reg [2:0] bit_idx;
  reg [7:0] shreg;

  wire bit_done = (clk_cnt == LAST_CLK);
  wire accept   = (state == IDLE) && valid;

  always @(posedge clk) begin
    if (rst) begin
      state   <= IDLE;
      clk_cnt <= 8'd0;
      bit_idx <= 3'd0;
    end else if (accept) begin
      state <= START;
    end else if (state != IDLE) begin
      if (bit_done) begin
        clk_cnt <= 8'd0;
        case (state)
          START: state <= DATA;
          DATA: begin
            bit_idx <= bit_idx + 3'd1;
            if (bit_idx == 3'd7)
              state <= STOP;
          end
          default: state <= IDLE;
        endcase
      end else begin
        clk_cnt <= clk_cnt + 8'd1;
      end
    end
  end

  // data shift register: loaded on acceptance, shifted right after each data bit
  always @(posedge clk) begin
    if (accept && !rst)
      shreg <= data;
    else if (state == DATA && bit_done)
      shreg <= shreg >> 1;
  end

  assign tx   = (state == START) ? 1'b0 :
                (state == DATA)  ? shreg[0] : 1'b1;
  assign busy = (state != IDLE);

endmodule
