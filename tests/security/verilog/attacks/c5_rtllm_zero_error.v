// class 5: RTLLM's testbench keeps its count in `error`.
// expect: rejected hierarchical_reference
// targets: rtllm-adder
{{HEADER}}
  {{WRONG}}
  always @(testbench.error) testbench.error = 0;
endmodule
