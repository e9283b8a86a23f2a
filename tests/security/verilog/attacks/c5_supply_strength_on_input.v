// class 5: a supply-strength driver on an input overrides the testbench's own driver.
// expect: not_pass
// targets: v1-and, v2-and, rtllm-adder
{{HEADER}}
  assign (supply0, supply1) a = 1'b0;
  assign (supply0, supply1) b = 1'b0;
  {{WRONG}}
endmodule
