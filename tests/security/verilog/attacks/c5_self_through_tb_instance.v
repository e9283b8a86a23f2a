// class 5: reach the testbench through the name it gave this very instance.
// expect: rejected hierarchical_reference
// targets: v1-and, v2-and
{{HEADER}}
  assign out = top_module1.a & top_module1.b | tb.a;
endmodule
