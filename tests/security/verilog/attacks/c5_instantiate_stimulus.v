// class 5: any module of the testbench is off limits.
// expect: rejected foreign_module
// targets: v1-and, v2-and
{{HEADER}}
  wire clk_unused, a2, b2;
  stimulus_gen s(.clk(clk_unused), .a(a2), .b(b2));
  {{WRONG}}
endmodule
