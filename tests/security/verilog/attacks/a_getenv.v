// allowlist: environment variables.
// expect: rejected host_access
// targets: all
{{HEADER}}
  {{WRONG}}
  string v;
  initial v = $getenv("HWEVAL_REPORT_FD");
endmodule
