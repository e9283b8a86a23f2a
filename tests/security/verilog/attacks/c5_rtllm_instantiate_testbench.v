// class 5: the testbench module itself.
// expect: rejected foreign_module
// targets: rtllm-adder
{{HEADER}}
  {{WRONG}}
  testbench inner();
endmodule
