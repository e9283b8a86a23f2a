// `timescale chosen to distort the testbench's delays (the testbench's own timescale holds).
// expect: not_pass
// targets: all
`timescale 1s/1s
{{HEADER}}
  {{WRONG}}
endmodule
