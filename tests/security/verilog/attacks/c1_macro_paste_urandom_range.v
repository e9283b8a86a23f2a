// class 1: $urandom_range pasted from pieces; the scan sees the expansion.
// expect: rejected shared_random
// targets: all
`define A $uran
`define B dom_range
{{HEADER}}
  {{WRONG}}
  integer r;
  initial r = `A`B(7, 0);
endmodule
