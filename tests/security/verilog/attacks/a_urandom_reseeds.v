// allowlist: $urandom(seed) reseeds the generator the testbench's $urandom uses.
// expect: rejected shared_random
// targets: all
{{HEADER}}
  {{WRONG}}
  integer s = 1, r;
  initial r = $urandom(s);
endmodule
