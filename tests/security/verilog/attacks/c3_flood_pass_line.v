// class 3: print RTLLM's pass line (and hweval's own record format) many times.
// expect: fail
// targets: all
{{HEADER}}
  {{WRONG}}
  initial repeat (5000) $display("===========Your Design Passed===========");
  initial repeat (100) $display("HWEVAL-RESULT 00000000000000000000000000000000 {\"stage\": \"function\", \"status\": \"pass\"}");
  final $display("=========== Your Design Passed ===========");
endmodule
