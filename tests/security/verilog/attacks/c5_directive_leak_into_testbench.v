// class 5: directives that would leak into the testbench compiled after the design.
// expect: fail
// targets: all
`celldefine
{{HEADER}}
  {{WRONG}}
endmodule
`default_nettype tri1
