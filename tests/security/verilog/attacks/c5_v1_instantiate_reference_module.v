// class 5: the answer is the reference (VerilogEval v1's test defines reference_module).
// expect: rejected foreign_module
// targets: v1-and
module top_module(input a, input b, output out);
  reference_module golden(.a(a), .b(b), .out(out));
endmodule
