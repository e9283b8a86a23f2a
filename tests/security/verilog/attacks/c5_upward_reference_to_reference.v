// class 5: copy the reference's output by upward name resolution (good1 is the tb's instance).
// expect: rejected hierarchical_reference
// targets: v1-and, v2-and
{{HEADER}}
  assign out = good1.out;
endmodule
