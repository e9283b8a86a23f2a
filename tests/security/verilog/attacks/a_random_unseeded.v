// allowlist: an unseeded $random draws from the testbench's own random stream (Icarus keeps one
// generator for every unseeded call), so the design could shift or read the stimulus.
// expect: rejected shared_random
// targets: all
{{HEADER}}
  {{WRONG}}
  integer skip;
  initial skip = $random;
endmodule
