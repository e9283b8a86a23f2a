module sipo8 (
    input  wire       clk,
    input  wire       rst_n,
    input  wire       en,
    input  wire       sin,
    output reg  [7:0] q,
    output reg        done
);

  reg [2:0] cnt;

  always @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      q    <= 8'h00;
      cnt  <= 3'd0;
      done <= 1'b0;
    end else if (en) begin
      q <= {q[6:0], sin};
      if (cnt == 3'd7) begin
        cnt  <= 3'd0;
        done <= 1'b1;
      end else begin
        cnt  <= cnt + 3'd1;
        done <= 1'b0;
      end
    end else begin
      done <= 1'b0;
    end
  end

endmodule
