// class 1: `line rewrites where the compiler thinks the text comes from.
// expect: rejected directive
// targets: all
`line 1 "tb.sv" 0
{{HEADER}}
  {{WRONG}}
endmodule
