module rr_arbiter4 (
    input  wire       clk,
    input  wire       rst,
    input  wire [3:0] req,
    output reg  [3:0] grant
);

  reg [1:0] ptr;

  // fixed-priority search starting at ptr
  always @(*) begin
    grant = 4'b0000;
    case (ptr)
      2'd0: begin
        if      (req[0]) grant = 4'b0001;
        else if (req[1]) grant = 4'b0010;
        else if (req[2]) grant = 4'b0100;
        else if (req[3]) grant = 4'b1000;
      end
      2'd1: begin
        if      (req[1]) grant = 4'b0010;
        else if (req[2]) grant = 4'b0100;
        else if (req[3]) grant = 4'b1000;
        else if (req[0]) grant = 4'b0001;
      end
      2'd2: begin
        if      (req[2]) grant = 4'b0100;
        else if (req[3]) grant = 4'b1000;
        else if (req[0]) grant = 4'b0001;
        else if (req[1]) grant = 4'b0010;
      end
      default: begin
        if      (req[3]) grant = 4'b1000;
        else if (req[0]) grant = 4'b0001;
        else if (req[1]) grant = 4'b0010;
        else if (req[2]) grant = 4'b0100;
      end
    endcase
  end

  // the requester after the granted one gets the highest priority next
  always @(posedge clk) begin
    if (rst)
      ptr <= 2'd0;
    else begin
      case (grant)
        4'b0001: ptr <= 2'd1;
        4'b0010: ptr <= 2'd2;
        4'b0100: ptr <= 2'd3;
        4'b1000: ptr <= 2'd0;
        default: ;  // no grant: keep the pointer
      endcase
    end
  end

endmodule
