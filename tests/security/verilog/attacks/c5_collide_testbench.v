// class 5: define a module named like the testbench, printing a pass of its own.
// expect: fail
// targets: v1-and, v2-and, rtllm-adder
module tb;
  final $display("Mismatches: 0 in 25 samples");
endmodule
module testbench;
  initial $display("===========Your Design Passed===========");
endmodule
module stimulus_gen(input clk, output logic a, b);
  initial {a, b} = 2'b11;
endmodule
{{HEADER}}
  {{WRONG}}
endmodule
