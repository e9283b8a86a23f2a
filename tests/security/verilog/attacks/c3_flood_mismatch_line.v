// class 3: print VerilogEval's verdict line many times, the last one after the testbench's.
// expect: fail
// targets: all
{{HEADER}}
  {{WRONG}}
  initial repeat (5000) $display("Mismatches: 0 in 25 samples");
  final repeat (100) $display("Mismatches: 0 in 25 samples");
endmodule
