// class 5: define a module with the reference's name, hoping the testbench uses it.
// expect: fail
// targets: v2-and
module RefModule(input a, input b, output out);
  assign out = a | b;
endmodule
module TopModule(input a, input b, output out);
  RefModule mine(.a(a), .b(b), .out(out));
endmodule
