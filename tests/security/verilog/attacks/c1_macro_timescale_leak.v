// class 1: a `timescale the extractor would strip, built by a macro, to stretch the testbench's delays.
// expect: fail
// targets: all
`define TS `timescale 1s/1s
`TS
{{HEADER}}
  {{WRONG}}
endmodule
