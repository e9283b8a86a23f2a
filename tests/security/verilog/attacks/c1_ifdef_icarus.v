// class 1: a branch taken only under Icarus (the raw text "looks" like it ends with $display).
// expect: rejected early_finish
// targets: all
{{HEADER}}
  {{WRONG}}
`ifdef __ICARUS__
  initial begin #2; $finish; end
`else
  initial $display("synthesis");
`endif
endmodule
