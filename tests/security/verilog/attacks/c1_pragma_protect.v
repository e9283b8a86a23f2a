// class 1: a directive outside the allowed set.
// expect: rejected directive
// targets: all
`pragma protect begin
{{HEADER}}
  {{WRONG}}
endmodule
`pragma protect end
