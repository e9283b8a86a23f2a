// allowlist: $stop and $exit end a run as well.
// expect: rejected early_finish
// targets: all
{{HEADER}}
  {{WRONG}}
  initial begin #1; $stop; $exit; end
endmodule
