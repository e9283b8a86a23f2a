// class 5: a wired-AND input net: the design's 0 wins over the testbench's drive.
// expect: rejected input_driven
// targets: v2-and
module TopModule(input wand a, input wand b, output out);
  assign a = 1'b0;
  assign b = 1'b0;
  assign out = 1'b0;
endmodule
