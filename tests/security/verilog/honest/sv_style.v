// SystemVerilog style: logic, always_comb, unique case, $bits, $clog2, a $display in a helper.
// expect: pass
// targets: core-and, v1-and, v2-and
module reporter #(parameter NAME = "and") ();
  initial $display("%s: %0d-bit select, time %0t", NAME, $clog2(4), $time);
endmodule

{{HEADER}}
  logic [1:0] sel;
  logic r;
  reporter #(.NAME("gate")) rep ();
  always_comb begin
    sel = {a, b};
    unique case (sel)
      2'b11:   r = 1'b1;
      default: r = 1'b0;
    endcase
  end
  assign {{OUT}} = r & ($bits(sel) == 2);
endmodule
