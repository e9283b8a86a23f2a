// `timescale, `default_nettype none, `define constants and a macro with arguments.
// expect: pass
// targets: core-and, v1-and, v2-and
`timescale 1ns/1ps
`default_nettype none
`define ONE 1'b1
`define AND2(x, y) ((x) & (y))
{{HEADER_WIRE}}
  wire both = `AND2(a, b);
  assign {{OUT}} = both & `ONE;
endmodule
`default_nettype wire
