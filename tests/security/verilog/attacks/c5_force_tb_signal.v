// class 5: force the testbench's match signal.
// expect: rejected force
// targets: v1-and, v2-and
{{HEADER}}
  {{WRONG}}
  initial force tb.tb_match = 1'b1;
  final release tb.tb_match;
endmodule
