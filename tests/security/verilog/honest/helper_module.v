// A helper module with a parameter, instantiated by name.
// expect: pass
// targets: core-and, v1-and, v2-and
module and_cell #(parameter W = 1) (input [W-1:0] x, input [W-1:0] y, output [W-1:0] z);
  assign z = x & y;
endmodule

{{HEADER}}
  and_cell #(.W(1)) u_cell (.x(a), .y(b), .z({{OUT}}));
endmodule
