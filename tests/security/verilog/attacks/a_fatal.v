// allowlist: ending the simulation early so the testbench reports fewer samples.
// expect: rejected early_finish
// targets: all
{{HEADER}}
  {{WRONG}}
  initial begin #1; $fatal(0, "stop"); end
endmodule
