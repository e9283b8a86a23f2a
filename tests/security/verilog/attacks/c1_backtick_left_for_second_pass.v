// class 1: expansion leaves `name in the text, for the build's own preprocessor to expand.
// expect: rejected directive
// targets: all
`define BT `
`define NAME OK
{{HEADER}}
  {{WRONG}}
  wire [7:0] leak = `BT`NAME;
endmodule
