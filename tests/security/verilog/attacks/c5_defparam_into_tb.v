// class 5: defparam into the testbench (Icarus only warns when the scope is missing).
// expect: rejected defparam
// targets: v1-and, v2-and, rtllm-adder
{{HEADER}}
  {{WRONG}}
  defparam tb.good1.WIDTH = 2;
  defparam testbench.uut.N = 2;
endmodule
