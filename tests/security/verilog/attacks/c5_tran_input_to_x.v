// class 5: tie the inputs to supply0 through switches: the shared net goes X, the reference's
// output goes X, and VerilogEval's comparison counts X in the reference as a match.
// expect: rejected switch_primitive
// targets: v1-and, v2-and
{{HEADER}}
  supply0 gnd;
  tran t_a (a, gnd);
  tran t_b (b, gnd);
  assign {{OUT}} = 1'b0;
endmodule
