// allowlist: writing to the simulator's standard error through a file descriptor.
// expect: rejected file_io
// targets: all
{{HEADER}}
  {{WRONG}}
  final $fdisplay(32'h8000_0002, "Mismatches: 0 in 25 samples");
endmodule
