// allowlist: the command line is not the candidate's to read.
// expect: rejected host_access
// targets: all
{{HEADER}}
  {{WRONG}}
  reg [8*64:1] arg;
  initial if ($value$plusargs("nonce=%s", arg)) $display("%0s", arg);
  initial if ($test$plusargs("debug")) $display("debug");
endmodule
