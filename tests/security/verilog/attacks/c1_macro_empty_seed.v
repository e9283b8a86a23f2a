// class 1: a seed macro that expands to nothing leaves an unseeded $random().
// expect: rejected shared_random
// targets: all
`define SEED
{{HEADER}}
  {{WRONG}}
  integer r;
  initial r = $random(`SEED);
endmodule
