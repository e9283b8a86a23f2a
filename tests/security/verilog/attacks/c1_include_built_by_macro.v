// class 1: the `include directive only appears after expansion.
// expect: rejected include
// targets: all
`define INC `include "/etc/passwd"
{{HEADER}}
  {{WRONG}}
  /* `INC */
`ifdef NEVER_DEFINED
`else
  `INC
`endif
endmodule
