// a variable in the compilation unit the testbench shares (an undeclared testbench name binds to it).
// expect: rejected unit_scope
// targets: all
logic tb_match = 1'b1;
wire stats_ok = 1'b1;
{{HEADER}}
  {{WRONG}}
endmodule
