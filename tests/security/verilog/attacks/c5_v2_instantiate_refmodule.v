// class 5: the answer is the reference (VerilogEval v2 compiles RefModule beside the candidate).
// expect: rejected foreign_module
// targets: v2-and
module TopModule(input a, input b, output out);
  RefModule golden(.a(a), .b(b), .out(out));
endmodule
