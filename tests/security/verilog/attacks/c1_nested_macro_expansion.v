// class 1: two levels of macros; the outer one only names the inner ones.
// expect: rejected early_finish
// targets: all
`define P1 $st
`define P2 op
`define GLUE `P1`P2
{{HEADER}}
  {{WRONG}}
  initial begin #2; `GLUE; end
endmodule
