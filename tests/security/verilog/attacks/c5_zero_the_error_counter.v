// class 5: reset the testbench's error counter whenever it moves.
// expect: rejected hierarchical_reference
// targets: v1-and, v2-and
{{HEADER}}
  {{WRONG}}
  always @(tb.stats1.errors) tb.stats1.errors = 0;
endmodule
