module skid_buffer (
    input  wire       clk,
    input  wire       rst,
    input  wire       s_valid,
    output wire       s_ready,
    input  wire [7:0] s_data,
    output wire       m_valid,
    input  wire       m_ready,
    output wire [7:0] m_data
);

  reg       out_valid;
  reg [7:0] out_data;
  reg       sk_valid;
  reg [7:0] sk_data;

  wire out_free = !out_valid || m_ready;

  assign s_ready = !sk_valid;
  assign m_valid = out_valid;
  assign m_data  = out_data;

  always @(posedge clk) begin
    if (rst) begin
      out_valid <= 1'b0;
      out_data  <= 8'h00;
      sk_valid  <= 1'b0;
    end else if (out_free) begin
      if (sk_valid) begin
        // out_valid is always 1 while sk_valid is 1, so it simply stays set
        out_data  <= sk_data;
        sk_valid  <= 1'b0;
      end else if (s_valid) begin
        out_data  <= s_data;
        out_valid <= 1'b1;
      end else begin
        out_valid <= 1'b0;
      end
    end else if (s_valid && s_ready) begin
      sk_valid <= 1'b1;
    end
  end

  // skid data register (no reset needed: only read while sk_valid is 1)
  always @(posedge clk) begin
    if (!out_free && s_valid && s_ready)
      sk_data <= s_data;
  end

endmodule
