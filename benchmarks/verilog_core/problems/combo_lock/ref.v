module combo_lock (
    input  wire       clk,
    input  wire       rst,
    input  wire       key_valid,
    input  wire [3:0] key,
    input  wire       lock,
    output wire       unlocked,
    output wire       locked_out,
    output reg  [1:0] fails
);

  localparam [1:0] ENTRY   = 2'd0,
                   OPEN    = 2'd1,
                   LOCKOUT = 2'd2;

  reg [1:0] mode;
  reg [1:0] idx;
  reg       match;
  reg [3:0] timer;
  reg [3:0] expected;

  always @(*) begin
    case (idx)
      2'd0:    expected = 4'h2;
      2'd1:    expected = 4'h7;
      2'd2:    expected = 4'hB;
      default: expected = 4'h4;
    endcase
  end

  wire ok = (key == expected);

  always @(posedge clk) begin
    if (rst) begin
      mode  <= ENTRY;
      idx   <= 2'd0;
      match <= 1'b1;
      fails <= 2'd0;
      timer <= 4'd0;
    end else begin
      case (mode)
        ENTRY: begin
          if (key_valid) begin
            if (idx != 2'd3) begin
              idx   <= idx + 2'd1;
              match <= match & ok;
            end else begin
              idx   <= 2'd0;
              match <= 1'b1;
              if (match && ok) begin
                mode  <= OPEN;
                fails <= 2'd0;
              end else begin
                fails <= fails + 2'd1;
                if (fails == 2'd2)
                  mode <= LOCKOUT;
              end
            end
          end
        end
        OPEN: begin
          if (lock)
            mode <= ENTRY;
        end
        default: begin
          if (timer == 4'd7) begin
            mode  <= ENTRY;
            fails <= 2'd0;
            timer <= 4'd0;
          end else begin
            timer <= timer + 4'd1;
          end
        end
      endcase
    end
  end

  assign unlocked   = (mode == OPEN);
  assign locked_out = (mode == LOCKOUT);

endmodule
